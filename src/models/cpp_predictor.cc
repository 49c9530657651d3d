#include "models/cpp_predictor.h"

#include <dlfcn.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "mlflow/model_abi.h"
#include "models/py_json.h"

namespace mlflow::models {
namespace {

namespace fs = std::filesystem;

constexpr size_t kErrorSize = 4096;

void AppendValue(std::string& out, mlflow_dtype dtype, const void* values, size_t i) {
  switch (dtype) {
    case MLFLOW_DTYPE_BOOL: out += static_cast<const uint8_t*>(values)[i] ? "true" : "false"; break;
    case MLFLOW_DTYPE_INT32: out += std::to_string(static_cast<const int32_t*>(values)[i]); break;
    case MLFLOW_DTYPE_INT64: out += std::to_string(static_cast<const int64_t*>(values)[i]); break;
    case MLFLOW_DTYPE_FLOAT32: AppendPyJsonFloat(out, static_cast<double>(static_cast<const float*>(values)[i])); break;
    case MLFLOW_DTYPE_FLOAT64: AppendPyJsonFloat(out, static_cast<const double*>(values)[i]); break;
    case MLFLOW_DTYPE_STRING: {
      const char* s = static_cast<const char* const*>(values)[i];
      if (s) {
        AppendPyJsonString(out, s);
      } else {
        out += "null";
      }
      break;
    }
    default: out += "null";
  }
}

}  // namespace

struct CppPredictor::Api {
  decltype(&mlflow_model_abi_version) abi_version = nullptr;
  decltype(&mlflow_model_load) load = nullptr;
  decltype(&mlflow_model_predict) predict = nullptr;
  decltype(&mlflow_model_release_output) release = nullptr;
  decltype(&mlflow_model_free) free = nullptr;
};

CppPredictor::~CppPredictor() {
  if (model_ && api_) api_->free(model_);
  // The library stays loaded: threads of the model may still reference it at exit.
}

Result<std::unique_ptr<CppPredictor>> CppPredictor::Load(const MLmodel& model, const std::string& model_dir) {
  const auto* flavor = model.Flavor("cpp");
  if (!flavor) return Status::InvalidParameter("the model has no cpp flavor");
  if (!flavor->contains("library") || !(*flavor)["library"].is_string()) {
    return Status::InvalidParameter("the cpp flavor names no `library`");
  }
  int abi = flavor->value("abi_version", 0);
  if (abi != MLFLOW_MODEL_ABI_VERSION) {
    return Status::InvalidParameter("the model was built for cpp flavor ABI version " + std::to_string(abi) +
                                    "; this server speaks version " + std::to_string(MLFLOW_MODEL_ABI_VERSION));
  }
  std::unique_ptr<CppPredictor> p(new CppPredictor());
  p->library_ = (fs::path(model_dir) / (*flavor)["library"].get<std::string>()).string();
  p->handle_ = ::dlopen(p->library_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!p->handle_) {
    const char* e = ::dlerror();
    return Status::InvalidParameter("cannot load " + p->library_ + ": " + (e ? e : "dlopen failed"));
  }
  p->api_ = std::make_unique<Api>();
  bool ok = true;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(p->handle_, name));
    if (!fn) ok = false;
  };
  sym(p->api_->abi_version, "mlflow_model_abi_version");
  sym(p->api_->load, "mlflow_model_load");
  sym(p->api_->predict, "mlflow_model_predict");
  sym(p->api_->release, "mlflow_model_release_output");
  sym(p->api_->free, "mlflow_model_free");
  if (!ok) return Status::InvalidParameter(p->library_ + " does not export the mlflow_model_* functions of model_abi.h");
  if (p->api_->abi_version() != MLFLOW_MODEL_ABI_VERSION) {
    return Status::InvalidParameter(p->library_ + " was compiled for ABI version " +
                                    std::to_string(p->api_->abi_version()));
  }
  std::string config = flavor->contains("config") ? (*flavor)["config"].dump() : "{}";
  char err[kErrorSize] = {0};
  p->model_ = p->api_->load(model_dir.c_str(), config.c_str(), err, sizeof(err));
  if (!p->model_) return Status::InvalidParameter("the cpp model failed to load: " + std::string(err));
  return p;
}

std::string CppPredictor::Describe() const { return "cpp flavor (ABI 1), native: " + library_; }

ScoringResponse CppPredictor::Predict(const ScoringRequest& req, Deadline) {
  const Frame& f = req.enforced;
  std::vector<mlflow_column> cols;
  std::vector<std::string> names;
  names.reserve(f.columns.size());
  // Owned storage for the columns that need conversion (strings as const char*).
  std::vector<std::vector<const char*>> strings;
  std::vector<std::vector<std::string>> string_storage;
  strings.reserve(f.columns.size());
  string_storage.reserve(f.columns.size());
  for (const auto& c : f.columns) {
    names.push_back(c.label.Str());
    mlflow_column mc{nullptr, MLFLOW_DTYPE_NONE, nullptr};
    switch (c.dtype) {
      case DType::kBool: mc.dtype = MLFLOW_DTYPE_BOOL, mc.values = c.b.data(); break;
      case DType::kInt32: mc.dtype = MLFLOW_DTYPE_INT32, mc.values = c.i32.data(); break;
      case DType::kInt64: mc.dtype = MLFLOW_DTYPE_INT64, mc.values = c.i64.data(); break;
      case DType::kFloat32: mc.dtype = MLFLOW_DTYPE_FLOAT32, mc.values = c.f32.data(); break;
      case DType::kFloat64: mc.dtype = MLFLOW_DTYPE_FLOAT64, mc.values = c.f64.data(); break;
      case DType::kStr: {
        auto& store = string_storage.emplace_back();
        auto& ptrs = strings.emplace_back();
        store.reserve(c.cells.size());
        for (const Cell& cell : c.cells) store.push_back(cell.missing() ? std::string() : CellStr(cell));
        for (size_t i = 0; i < c.cells.size(); ++i) ptrs.push_back(c.cells[i].missing() ? nullptr : store[i].c_str());
        mc.dtype = MLFLOW_DTYPE_STRING;
        mc.values = ptrs.data();
        break;
      }
      default:
        return ScoringResponse::FromError(PredictFailed("TypeError: column " + c.label.Str() + " has dtype " +
                                                        std::string(DTypeName(c.dtype)) +
                                                        ", which the cpp flavor ABI does not carry\n"));
    }
    cols.push_back(mc);
  }
  for (size_t i = 0; i < cols.size(); ++i) cols[i].name = names[i].c_str();
  std::string params = "{}";
  if (!req.params.is_absent() && req.params.is_object()) {
    PyJsonWriter w;
    w.Value(req.params);
    params = w.Take();
  }
  mlflow_table table{static_cast<int64_t>(f.rows), static_cast<int32_t>(cols.size()), cols.data(), params.c_str()};
  mlflow_output out{};
  char err[kErrorSize] = {0};
  if (api_->predict(model_, &table, &out, err, sizeof(err)) != 0) {
    api_->release(model_, &out);
    return ScoringResponse::FromError(PredictFailed(std::string(err) + "\n"));
  }
  std::string p;
  if (out.dtype == MLFLOW_DTYPE_NONE) {
    p = out.json ? out.json : "null";
  } else if (out.ndim == 1 || out.ndim == 2) {
    size_t rows = static_cast<size_t>(out.shape[0]);
    size_t k = out.ndim == 2 ? static_cast<size_t>(out.shape[1]) : 1;
    p += '[';
    for (size_t i = 0; i < rows; ++i) {
      if (i) p += ", ";
      if (out.ndim == 2) {
        p += '[';
        for (size_t j = 0; j < k; ++j) {
          if (j) p += ", ";
          AppendValue(p, out.dtype, out.values, i * k + j);
        }
        p += ']';
      } else {
        AppendValue(p, out.dtype, out.values, i);
      }
    }
    p += ']';
  } else {
    api_->release(model_, &out);
    return ScoringResponse::FromError(PredictFailed("the cpp model returned an array with ndim " +
                                                    std::to_string(out.ndim) + "\n"));
  }
  api_->release(model_, &out);
  return ScoringResponse::Predictions(p);
}

Status PackageCppModel(const CppModelSpec& spec) {
  std::error_code ec;
  fs::path out(spec.output_dir);
  if (fs::exists(out / "MLmodel", ec)) fs::remove_all(out, ec);
  fs::create_directories(out, ec);
  if (ec) return Status::Internal("cannot create " + out.string() + ": " + ec.message());
  fs::path lib(spec.library);
  if (!fs::is_regular_file(lib, ec)) return Status::NotFound("no library at " + spec.library);
  fs::copy_file(lib, out / lib.filename(), fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::Internal("cannot copy " + spec.library + ": " + ec.message());
  if (!spec.data_dir.empty()) {
    fs::copy(spec.data_dir, out / "data", fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::Internal("cannot copy " + spec.data_dir + ": " + ec.message());
  }
  // Model size is measured before MLmodel and the example files are written, as MLflow does.
  MLFLOW_ASSIGN_OR_RETURN(int64_t size, DirectorySize(out.string()));
  MLmodel m = MLmodel::New(spec.mlflow_version);
  nlohmann::ordered_json flavor = {{"abi_version", MLFLOW_MODEL_ABI_VERSION}, {"library", lib.filename().string()}};
  if (!spec.config_json.empty()) {
    auto cfg = nlohmann::ordered_json::parse(spec.config_json, nullptr, false);
    if (!cfg.is_object()) return Status::InvalidParameter("--config must be a JSON object");
    flavor["config"] = cfg;
  }
  if (!spec.data_dir.empty()) flavor["data"] = "data";
  m.AddFlavor("cpp", flavor);
  if (!spec.signature_inputs_json.empty() || !spec.signature_outputs_json.empty()) {
    auto canon = [](const std::string& text) -> Result<std::optional<std::string>> {
      if (text.empty()) return std::optional<std::string>();
      // Stored as Python's json.dumps writes it.
      JsonDoc d;
      if (d.Parse(text)) return Status::InvalidParameter("signature is not JSON: " + text);
      PyJsonWriter w;
      w.Value(d.root());
      if (auto s = ParseSchema(w.out()); !s.ok()) return s.status();
      return std::optional<std::string>(w.Take());
    };
    MLFLOW_ASSIGN_OR_RETURN(auto in, canon(spec.signature_inputs_json));
    MLFLOW_ASSIGN_OR_RETURN(auto outputs, canon(spec.signature_outputs_json));
    m.SetSignature(in, outputs, std::nullopt);
  }
  if (!spec.input_example_json.empty()) {
    auto ex = nlohmann::ordered_json::parse(spec.input_example_json, nullptr, false);
    if (!ex.is_object() || !ex.contains("data")) {
      return Status::InvalidParameter("--input-example must be {\"columns\": [...], \"data\": [[...]]}");
    }
    std::ofstream(out / "input_example.json") << ex.dump();
    nlohmann::ordered_json serving = {{"dataframe_split", ex}};
    std::ofstream(out / "serving_input_example.json") << serving.dump(2);
    m.doc()["saved_input_example_info"] = {{"artifact_path", "input_example.json"},
                                           {"pandas_orient", "split"},
                                           {"serving_input_path", "serving_input_example.json"},
                                           {"type", "dataframe"}};
  }
  m.SetModelSizeBytes(size);
  return m.Save(out.string());
}

}  // namespace mlflow::models
