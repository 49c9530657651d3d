#include "models/xgboost_lib.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "models/subprocess.h"

namespace mlflow::models {
namespace {

constexpr const char* kDebianLib = "/usr/lib/x86_64-linux-gnu/libxgboost.so.0";

bool AtLeast(const std::array<int, 3>& have, const std::array<int, 3>& want) {
  // Patch releases read each other's models: compare major.minor.
  if (have[0] != want[0]) return have[0] > want[0];
  return have[1] >= want[1];
}

}  // namespace

std::array<int, 3> ParseVersion(const std::string& v) {
  std::array<int, 3> out{0, 0, 0};
  size_t pos = 0;
  for (int i = 0; i < 3 && pos <= v.size(); ++i) {
    size_t dot = v.find('.', pos);
    out[static_cast<size_t>(i)] = std::atoi(v.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos).c_str());
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return out;
}

XgbLib::~XgbLib() {
  // Booster handles may outlive their owners until process exit; the library stays loaded.
}

std::string XgbLib::version_string() const {
  return std::to_string(version_[0]) + "." + std::to_string(version_[1]) + "." + std::to_string(version_[2]);
}

Result<std::shared_ptr<XgbLib>> XgbLib::Open(const std::string& path) {
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = ::dlerror();
    return Status::InvalidParameter("cannot load " + path + ": " + (e ? e : "dlopen failed"));
  }
  std::shared_ptr<XgbLib> lib(new XgbLib());
  lib->handle_ = h;
  lib->path_ = path;
  bool ok = true;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
    if (!fn) ok = false;
  };
  sym(lib->booster_create, "XGBoosterCreate");
  sym(lib->booster_free, "XGBoosterFree");
  sym(lib->booster_load_model, "XGBoosterLoadModel");
  sym(lib->booster_set_param, "XGBoosterSetParam");
  sym(lib->booster_get_attr, "XGBoosterGetAttr");
  sym(lib->booster_get_str_feature_info, "XGBoosterGetStrFeatureInfo");
  sym(lib->booster_get_num_feature, "XGBoosterGetNumFeature");
  sym(lib->booster_save_json_config, "XGBoosterSaveJsonConfig");
  sym(lib->booster_predict_from_dense, "XGBoosterPredictFromDense");
  sym(lib->proxy_dmatrix_create, "XGProxyDMatrixCreate");
  sym(lib->dmatrix_free, "XGDMatrixFree");
  sym(lib->last_error_, "XGBGetLastError");
  decltype(&XGBoostVersion) version = nullptr;
  sym(version, "XGBoostVersion");
  if (!ok) return Status::InvalidParameter(path + " is not a libxgboost with the C API this server needs (1.7 or newer)");
  version(&lib->version_[0], &lib->version_[1], &lib->version_[2]);
  return lib;
}

Result<std::shared_ptr<XgbLib>> FindXgbLib(const std::string& explicit_path, const std::vector<std::string>& pythons,
                                          const std::string& model_version, std::string* mlflow_version) {
  std::array<int, 3> want = ParseVersion(model_version.empty() ? "0" : model_version);
  std::vector<std::string> tried;
  auto attempt = [&](const std::string& path, bool check_version) -> std::shared_ptr<XgbLib> {
    auto lib = XgbLib::Open(path);
    if (!lib.ok()) {
      tried.push_back(lib.status().message());
      return nullptr;
    }
    if (check_version && !AtLeast((*lib)->version(), want)) {
      tried.push_back(path + " is xgboost " + (*lib)->version_string() + ", older than the model's " + model_version);
      return nullptr;
    }
    return *lib;
  };
  if (!explicit_path.empty()) {
    // An explicit choice is honoured, but a library older than the model would predict wrong values.
    if (auto lib = attempt(explicit_path, true)) return lib;
    return Status::InvalidParameter("cannot use the xgboost library " + explicit_path + ": " + tried.back());
  }
  for (const auto& py : pythons) {
    // find_spec locates the package without importing it (no numpy/scipy start-up cost). The
    // environment's MLflow version is what /version answers, as `mlflow models serve` would.
    auto out = RunCapture({py, "-c",
                           "import importlib.metadata, importlib.util, os, sys\n"
                           "s = importlib.util.find_spec('xgboost')\n"
                           "try:\n    v = importlib.metadata.version('mlflow')\n"
                           "except Exception:\n    v = ''\n"
                           "sys.stdout.write((os.path.join(os.path.dirname(s.origin), 'lib', 'libxgboost.so') if s else '')"
                           " + '\\n' + v)\n"},
                          30);
    std::string path = out.ok() ? out->out.substr(0, out->out.find('\n')) : "";
    if (!out.ok() || out->exit_code != 0 || path.empty()) {
      tried.push_back("no xgboost package for " + py);
      continue;
    }
    if (auto lib = attempt(path, true)) {
      if (mlflow_version) *mlflow_version = out->out.substr(out->out.find('\n') + 1);
      return lib;
    }
  }
  std::error_code ec;
  if (std::filesystem::exists(kDebianLib, ec)) {
    if (auto lib = attempt(kDebianLib, true)) return lib;
  } else {
    tried.push_back(std::string(kDebianLib) + " not installed");
  }
  std::string msg = "no libxgboost able to read a model written by xgboost " + model_version + " was found (tried: ";
  for (size_t i = 0; i < tried.size(); ++i) msg += (i ? "; " : "") + tried[i];
  return Status::NotFound(msg + "). Install the model's xgboost in the serving Python or pass --xgboost-library");
}

}  // namespace mlflow::models
