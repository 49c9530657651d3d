#pragma once
// Chooses how a model is served and loads it: the cpp flavor natively; the xgboost flavor natively
// when a suitable libxgboost is found and the model uses nothing Python-only; otherwise the
// python_function flavor through Python workers (in the environment --env-manager selects).
//
//   LoadOptions o;  o.env_manager = "local";
//   MLFLOW_ASSIGN_OR_RETURN(LoadedModel m, LoadModel("/tmp/model", o));
//   m.predictor->Describe();
#include <memory>
#include <string>

#include "models/mlmodel.h"
#include "models/predictor.h"

namespace mlflow::models {

struct LoadOptions {
  std::string flavor;                      // "" (auto), "cpp", "xgboost" or "python_function"
  std::string env_manager = "virtualenv";  // local | virtualenv | uv (python_function, and locating libxgboost)
  std::string python;                      // interpreter for --env-manager local
  std::string env_root;                    // virtualenv cache folder
  std::string xgboost_library;             // explicit libxgboost (else $MLFLOW_CPP_XGBOOST_LIB)
  int xgboost_threads = 1;
  int workers = 1;
  std::string batching = "auto";  // auto | on | off (python_function)
  std::string compat_version;     // /version answer for natively served models
};

struct LoadedModel {
  MLmodel mlmodel;
  std::unique_ptr<Predictor> predictor;
  std::string flavor;   // the flavor that serves it
  std::string version;  // what /version answers
};

Result<LoadedModel> LoadModel(const std::string& model_dir, const LoadOptions& options);

}  // namespace mlflow::models
