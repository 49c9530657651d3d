#include "models/model_loader.h"

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "models/cpp_predictor.h"
#include "models/python_env.h"
#include "models/worker_pool.h"
#include "models/xgboost_predictor.h"

namespace mlflow::models {
namespace {

// Loader modules whose predict() is row-wise: concurrent requests may be scored as one batch.
bool RowWiseLoader(const std::string& loader) {
  return loader == "mlflow.sklearn" || loader == "mlflow.xgboost" || loader == "mlflow.lightgbm" ||
         loader == "mlflow.catboost";
}

Result<std::unique_ptr<Predictor>> LoadXgboost(const MLmodel& m, const std::string& dir, const LoadOptions& o,
                                               std::string* mlflow_version) {
  const auto* flavor = m.Flavor("xgboost");
  std::string model_version = flavor->value("xgb_version", "");
  std::string explicit_lib = o.xgboost_library;
  if (explicit_lib.empty()) {
    const char* env = std::getenv("MLFLOW_CPP_XGBOOST_LIB");
    if (env) explicit_lib = env;
  }
  std::vector<std::string> pythons;
  if (explicit_lib.empty()) {
    if (o.env_manager == "local") {
      pythons.push_back(LocalPython(o.python));
    } else {
      // The model's own environment has exactly the xgboost that saved it.
      EnvOptions eo{o.env_manager, o.python, o.env_root};
      auto env = PreparePythonEnv(dir, eo);
      if (env.ok()) {
        pythons.push_back(env->python);
      } else {
        spdlog::warn("no model environment for locating libxgboost: {}", env.status().message());
      }
    }
  }
  MLFLOW_ASSIGN_OR_RETURN(auto lib, FindXgbLib(explicit_lib, pythons, model_version, mlflow_version));
  MLFLOW_ASSIGN_OR_RETURN(auto p, XgbPredictor::Load(m, dir, lib, o.xgboost_threads));
  return std::unique_ptr<Predictor>(std::move(p));
}

Result<std::unique_ptr<PythonPredictor>> LoadPython(const MLmodel& m, const std::string& dir, const LoadOptions& o) {
  const auto* pf = m.Flavor("python_function");
  if (!pf) return Status::InvalidParameter("Model does not have the \"python_function\" flavor");
  EnvOptions eo{o.env_manager, o.python, o.env_root};
  MLFLOW_ASSIGN_OR_RETURN(PythonEnv env, PreparePythonEnv(dir, eo));
  WorkerPoolOptions wo;
  wo.python = env.python;
  wo.model_dir = dir;
  wo.workers = o.workers;
  std::string loader = pf->value("loader_module", "");
  wo.batching = o.batching == "on" || (o.batching == "auto" && RowWiseLoader(loader));
  wo.description = env.description;
  return PythonPredictor::Start(wo);
}

}  // namespace

Result<LoadedModel> LoadModel(const std::string& model_dir, const LoadOptions& o) {
  MLFLOW_ASSIGN_OR_RETURN(MLmodel m, MLmodel::Load(model_dir));
  LoadedModel out;
  std::string want = o.flavor;
  if (!want.empty() && want != "cpp" && want != "xgboost" && want != "python_function") {
    return Status::InvalidParameter("--flavor must be cpp, xgboost or python_function (got '" + want + "')");
  }
  if (!want.empty() && !m.Flavor(want)) {
    return Status::InvalidParameter("the model has no " + want + " flavor");
  }
  if ((want.empty() || want == "cpp") && m.Flavor("cpp")) {
    MLFLOW_ASSIGN_OR_RETURN(auto p, CppPredictor::Load(m, model_dir));
    out.predictor = std::move(p);
    out.flavor = "cpp";
  } else if ((want.empty() || want == "xgboost") && m.Flavor("xgboost")) {
    auto p = LoadXgboost(m, model_dir, o, &out.version);
    if (p.ok()) {
      out.predictor = std::move(*p);
      out.flavor = "xgboost";
    } else if (want == "xgboost" || !m.Flavor("python_function")) {
      return p.status();
    } else {
      spdlog::warn("serving through python_function: {}", p.status().message());
    }
  }
  if (!out.predictor) {
    MLFLOW_ASSIGN_OR_RETURN(auto p, LoadPython(m, model_dir, o));
    out.version = p->mlflow_version();
    out.predictor = std::move(p);
    out.flavor = "python_function";
  }
  if (out.version.empty()) out.version = o.compat_version;
  out.mlmodel = std::move(m);
  return out;
}

}  // namespace mlflow::models
