#pragma once
// libxgboost loaded at run time (dlopen). The library that reads a model must be at least as new
// as the xgboost that wrote it: Debian 12's libxgboost 1.7.4 loads a model saved by xgboost 3.x
// without complaint but predicts wrong values (base_score is stored differently), so the library
// normally comes from the `xgboost` Python wheel of the model's environment (python -> site-packages
// /xgboost/lib/libxgboost.so), or from an explicit path; Debian's is only used for models written
// by an xgboost no newer than it.
//
// The function declarations are those of Debian's libxgboost-dev <xgboost/c_api.h>; the ones used
// here kept their signatures from 1.7 to 3.x.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto lib, XgbLib::Open("/venv/.../xgboost/lib/libxgboost.so"));
//   lib->version();  // {3, 2, 0}
#include <xgboost/c_api.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace mlflow::models {

class XgbLib {
 public:
  ~XgbLib();
  // dlopen()s the library and resolves the functions. INVALID_PARAMETER_VALUE when it is not a
  // usable libxgboost.
  static Result<std::shared_ptr<XgbLib>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  std::array<int, 3> version() const { return version_; }
  std::string version_string() const;
  // The library's last error on this thread.
  std::string LastError() const { return last_error_ ? last_error_() : "unknown xgboost error"; }

  decltype(&XGBoosterCreate) booster_create = nullptr;
  decltype(&XGBoosterFree) booster_free = nullptr;
  decltype(&XGBoosterLoadModel) booster_load_model = nullptr;
  decltype(&XGBoosterSetParam) booster_set_param = nullptr;
  decltype(&XGBoosterGetAttr) booster_get_attr = nullptr;
  decltype(&XGBoosterGetStrFeatureInfo) booster_get_str_feature_info = nullptr;
  decltype(&XGBoosterGetNumFeature) booster_get_num_feature = nullptr;
  decltype(&XGBoosterSaveJsonConfig) booster_save_json_config = nullptr;
  decltype(&XGBoosterPredictFromDense) booster_predict_from_dense = nullptr;
  decltype(&XGProxyDMatrixCreate) proxy_dmatrix_create = nullptr;
  decltype(&XGDMatrixFree) dmatrix_free = nullptr;

 private:
  XgbLib() = default;
  void* handle_ = nullptr;
  std::string path_;
  std::array<int, 3> version_{0, 0, 0};
  decltype(&XGBGetLastError) last_error_ = nullptr;
};

// "3.2.0" -> {3, 2, 0}; missing parts are 0.
std::array<int, 3> ParseVersion(const std::string& v);

// Where to look for a libxgboost for a model written by `model_version` (MLmodel's xgb_version),
// in order: `explicit_path` (--xgboost-library / MLFLOW_CPP_XGBOOST_LIB), the xgboost package of
// each interpreter in `pythons`, then Debian's. Returns the first library that opens and is at
// least as new as the model; the error lists what was tried. When the library comes from a Python
// environment, *mlflow_version receives the MLflow version installed there (empty if none).
Result<std::shared_ptr<XgbLib>> FindXgbLib(const std::string& explicit_path, const std::vector<std::string>& pythons,
                                          const std::string& model_version, std::string* mlflow_version = nullptr);

}  // namespace mlflow::models
