#include "models/xgboost_predictor.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "models/py_json.h"

namespace mlflow::models {
namespace {

std::string PyStrList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += PyStrRepr(v[i]);
  }
  return s + "]";
}

// xgboost's feature-name check (Booster._validate_features), as the ValueError it raises.
std::optional<std::string> ValidateFeatures(const std::vector<std::string>& model, const std::vector<std::string>& data) {
  if (model.empty() || model == data) return std::nullopt;
  std::string msg = "feature_names mismatch: " + PyStrList(model) + " " + PyStrList(data);
  std::vector<std::string> dat_missing, my_missing;
  for (const auto& m : model) {
    if (std::find(data.begin(), data.end(), m) == data.end()) dat_missing.push_back(m);
  }
  for (const auto& d : data) {
    if (std::find(model.begin(), model.end(), d) == model.end()) my_missing.push_back(d);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  };
  if (!dat_missing.empty()) msg += "\nexpected " + join(dat_missing) + " in input data";
  if (!my_missing.empty()) msg += "\ntraining data did not have the following fields: " + join(my_missing);
  return msg;
}

void AppendFloat32(std::string& out, float v) { AppendPyJsonFloat(out, static_cast<double>(v)); }

// Requests up to this many rows are coalesced with concurrent ones.
constexpr size_t kCoalesceRows = 64;
constexpr size_t kMaxCoalescedRows = 4096;

// One proxy DMatrix per thread and library: passing it to in-place prediction saves creating one
// per call (each creation reads cgroup files to size its thread pool).
DMatrixHandle ThreadProxy(const XgbLib& lib) {
  thread_local std::vector<std::pair<const XgbLib*, DMatrixHandle>> proxies;
  for (auto& [l, h] : proxies) {
    if (l == &lib) return h;
  }
  DMatrixHandle h = nullptr;
  if (lib.proxy_dmatrix_create(&h) != 0) return nullptr;
  proxies.push_back({&lib, h});
  return h;
}

}  // namespace

XgbPredictor::~XgbPredictor() {
  if (booster_ && lib_) lib_->booster_free(booster_);
}

Result<std::unique_ptr<XgbPredictor>> XgbPredictor::Load(const MLmodel& model, const std::string& model_dir,
                                                         std::shared_ptr<XgbLib> lib, int threads) {
  const auto* flavor = model.Flavor("xgboost");
  if (!flavor) return Status::InvalidParameter("the model has no xgboost flavor");
  std::unique_ptr<XgbPredictor> p(new XgbPredictor());
  p->lib_ = lib;
  p->model_class_ = flavor->value("model_class", "xgboost.core.Booster");
  static const std::pair<const char*, Kind> kClasses[] = {
      {"xgboost.core.Booster", Kind::kBooster},         {"xgboost.sklearn.XGBRegressor", Kind::kRegressor},
      {"xgboost.sklearn.XGBRFRegressor", Kind::kRegressor}, {"xgboost.sklearn.XGBRanker", Kind::kRegressor},
      {"xgboost.sklearn.XGBClassifier", Kind::kClassifier}, {"xgboost.sklearn.XGBRFClassifier", Kind::kClassifier},
  };
  bool known = false;
  for (const auto& [name, kind] : kClasses) {
    if (p->model_class_ == name) {
      p->kind_ = kind;
      known = true;
    }
  }
  if (!known) return Status::InvalidParameter("model class " + p->model_class_ + " is served through python_function");
  auto sig = model.GetSignature();
  if (sig.ok() && sig->params && !sig->params->empty()) {
    return Status::InvalidParameter("models with a params schema are served through python_function");
  }
  std::string data = flavor->value("data", "model.ubj");
  std::string file = (std::filesystem::path(model_dir) / data).string();
  if (lib->booster_create(nullptr, 0, &p->booster_) != 0) return Status::Internal("XGBoosterCreate: " + lib->LastError());
  if (lib->booster_load_model(p->booster_, file.c_str()) != 0) {
    return Status::InvalidParameter("cannot load " + file + ": " + lib->LastError());
  }
  // Parallelism comes from concurrent requests; OpenMP threads per call only add hand-offs.
  lib->booster_set_param(p->booster_, "nthread", std::to_string(threads > 0 ? threads : 1).c_str());

  bst_ulong n = 0;
  const char** names = nullptr;
  if (lib->booster_get_str_feature_info(p->booster_, "feature_name", &n, &names) == 0) {
    for (bst_ulong i = 0; i < n; ++i) p->feature_names_.push_back(names[i]);
  }
  const char** types = nullptr;
  if (lib->booster_get_str_feature_info(p->booster_, "feature_type", &n, &types) == 0) {
    for (bst_ulong i = 0; i < n; ++i) {
      if (std::string(types[i]) == "c") {
        return Status::InvalidParameter("models with categorical features are served through python_function");
      }
    }
  }
  bst_ulong len = 0;
  const char* cfg = nullptr;
  if (lib->booster_save_json_config(p->booster_, &len, &cfg) != 0) {
    return Status::Internal("XGBoosterSaveJsonConfig: " + lib->LastError());
  }
  auto config = nlohmann::json::parse(std::string(cfg, len), nullptr, false);
  if (!config.is_object()) return Status::Internal("unreadable xgboost config");
  try {
    p->objective_ = config["learner"]["objective"]["name"].get<std::string>();
    p->n_classes_ = std::stoi(config["learner"]["learner_model_param"]["num_class"].get<std::string>());
    if (config["learner"]["gradient_booster"]["name"].get<std::string>() == "gblinear" && p->kind_ != Kind::kBooster) {
      return Status::InvalidParameter("gblinear scikit-learn models are served through python_function");
    }
  } catch (const std::exception& e) {
    return Status::Internal(std::string("unexpected xgboost config: ") + e.what());
  }
  if (p->kind_ == Kind::kClassifier && p->n_classes_ < 2) p->n_classes_ = 2;
  if (p->kind_ != Kind::kBooster) {
    const char* best = nullptr;
    int found = 0;
    if (lib->booster_get_attr(p->booster_, "best_iteration", &best, &found) == 0 && found && best) {
      p->iteration_end_ = std::atoi(best) + 1;
    }
  }
  p->config_ = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": )" +
               std::to_string(p->iteration_end_) + R"(, "strict_shape": false, "cache_id": 0, "missing": NaN})";
  return p;
}

std::string XgbPredictor::Describe() const {
  return "xgboost (" + model_class_ + ", objective " + objective_ + "), native: libxgboost " + lib_->version_string() +
         " from " + lib_->path();
}

Status XgbPredictor::PredictMatrix(const float* data, size_t rows, size_t cols, std::vector<float>* out,
                                   std::vector<uint64_t>* shape) const {
  char iface[256];
  std::snprintf(iface, sizeof(iface),
                R"({"data": [%llu, true], "shape": [%zu, %zu], "typestr": "<f4", "version": 3})",
                static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(data)), rows, cols);
  const bst_ulong* out_shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (lib_->booster_predict_from_dense(booster_, iface, config_.c_str(), ThreadProxy(*lib_), &out_shape, &dim,
                                       &result) != 0) {
    return Status::InvalidParameter(lib_->LastError());
  }
  // The result lives in a thread-local buffer of the library: copy it before the next call.
  shape->assign(out_shape, out_shape + dim);
  size_t total = 1;
  for (auto d : *shape) total *= static_cast<size_t>(d);
  out->assign(result, result + total);
  return Status();
}

Status XgbPredictor::PredictCoalesced(std::vector<float> data, size_t rows, size_t cols, std::vector<float>* out,
                                      std::vector<uint64_t>* shape) {
  if (rows > kCoalesceRows) return PredictMatrix(data.data(), rows, cols, out, shape);
  struct Wait {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status;
  };
  auto wait = std::make_shared<Wait>();
  Submit(std::move(data), rows, cols, [wait, out, shape](Status st, std::vector<float> res, std::vector<uint64_t> sh) {
    std::lock_guard lock(wait->mu);
    wait->status = std::move(st);
    *out = std::move(res);
    *shape = std::move(sh);
    wait->done = true;
    wait->cv.notify_all();
  });
  std::unique_lock lock(wait->mu);
  wait->cv.wait(lock, [&] { return wait->done; });
  return wait->status;
}

void XgbPredictor::Submit(std::vector<float> data, size_t rows, size_t cols, Completion complete) {
  std::unique_lock lock(mu_);
  pending_.push_back(Pending{std::move(data), rows, cols, std::move(complete)});
  if (leader_) return;  // the thread scoring now takes this request in its next call
  // This thread scores everything queued, including requests that arrive meanwhile: while it is in
  // the library, the other threads queue their rows, and the next call takes them all at once.
  leader_ = true;
  while (!pending_.empty()) {
    // One call takes requests of the same width, in arrival order, up to kMaxCoalescedRows rows.
    std::vector<Pending> batch;
    size_t total = 0;
    size_t width = pending_.front().cols;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->cols == width && (batch.empty() || total + it->rows <= kMaxCoalescedRows)) {
        total += it->rows;
        batch.push_back(std::move(*it));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    ScoreBatch(batch, total, width);
    lock.lock();
  }
  leader_ = false;
}

void XgbPredictor::ScoreBatch(std::vector<Pending>& batch, size_t total, size_t cols) const {
  std::vector<float> res;
  std::vector<uint64_t> res_shape;
  if (batch.size() == 1) {
    Status st = PredictMatrix(batch[0].data.data(), batch[0].rows, cols, &res, &res_shape);
    batch[0].complete(std::move(st), std::move(res), std::move(res_shape));
    return;
  }
  std::vector<float> all;
  all.reserve(total * cols);
  for (const Pending& p : batch) all.insert(all.end(), p.data.begin(), p.data.end());
  Status st = PredictMatrix(all.data(), total, cols, &res, &res_shape);
  size_t per_row = res_shape.size() > 1 ? static_cast<size_t>(res_shape[1]) : 1;
  size_t row = 0;
  for (Pending& p : batch) {
    std::vector<float> mine;
    std::vector<uint64_t> shape;
    if (st.ok()) {
      mine.assign(res.begin() + static_cast<long>(row * per_row), res.begin() + static_cast<long>((row + p.rows) * per_row));
      shape = res_shape;
      shape[0] = p.rows;
    }
    row += p.rows;
    p.complete(st, std::move(mine), std::move(shape));
  }
}

std::optional<ScoringResponse> XgbPredictor::ToMatrix(const ScoringRequest& req, std::vector<float>* matrix,
                                                      size_t* rows_out, size_t* cols_out) const {
  const Frame& f = req.enforced;
  std::vector<std::string> names;
  for (const auto& c : f.columns) names.push_back(c.label.Str());
  if (auto err = ValidateFeatures(feature_names_, names)) {
    return ScoringResponse::FromError(PredictFailed("ValueError: " + *err + "\n"));
  }
  for (const auto& c : f.columns) {
    if (c.dtype == DType::kStr || c.dtype == DType::kObject) {
      return ScoringResponse::FromError(PredictFailed(
          "ValueError: DataFrame.dtypes for data must be int, float, bool or category. Invalid columns:" +
          c.label.Str() + ": " + std::string(DTypeName(c.dtype)) + "\n"));
    }
  }
  size_t rows = f.rows, cols = f.columns.size();
  *rows_out = rows;
  *cols_out = cols;
  if (rows == 0) return ScoringResponse::Predictions("[]");
  // Row-major float32, converting each value straight from its column type as xgboost does.
  std::vector<float>& m = *matrix;
  m.assign(rows * cols, 0.0f);
  for (size_t j = 0; j < cols; ++j) {
    const Column& c = f.columns[j];
    for (size_t i = 0; i < rows; ++i) {
      float v;
      switch (c.dtype) {
        case DType::kFloat32: v = c.f32[i]; break;
        case DType::kFloat64: v = static_cast<float>(c.f64[i]); break;
        case DType::kInt32: v = static_cast<float>(c.i32[i]); break;
        case DType::kInt64: v = static_cast<float>(c.i64[i]); break;
        case DType::kUInt64: v = static_cast<float>(static_cast<uint64_t>(c.i64[i])); break;
        case DType::kBool: v = c.b[i] ? 1.0f : 0.0f; break;
        default: v = std::nanf("");
      }
      m[i * cols + j] = v;
    }
  }
  // Booster.predict goes through a DMatrix, whose construction refuses infinities (values beyond
  // float32 included); the scikit-learn wrappers' in-place prediction takes them.
  if (kind_ == Kind::kBooster) {
    for (float v : m) {
      if (std::isinf(v)) {
        return ScoringResponse::FromError(PredictFailed(
            "xgboost.core.XGBoostError: Check failed: valid: Input data contains `inf` or a value too large, while "
            "`missing` is not set to `inf`\n"));
      }
    }
  }
  return std::nullopt;
}

ScoringResponse XgbPredictor::Predict(const ScoringRequest& req, Deadline) {
  std::vector<float> m;
  size_t rows = 0, cols = 0;
  if (auto answer = ToMatrix(req, &m, &rows, &cols)) return std::move(*answer);
  std::vector<float> out;
  std::vector<uint64_t> shape;
  Status st = PredictCoalesced(std::move(m), rows, cols, &out, &shape);
  return Answer(st, out, shape, rows);
}

void XgbPredictor::PredictAsync(const ScoringRequest& req, Deadline, std::function<void(ScoringResponse)> done) {
  std::vector<float> m;
  size_t rows = 0, cols = 0;
  if (auto answer = ToMatrix(req, &m, &rows, &cols)) return done(std::move(*answer));
  if (rows > kCoalesceRows) {
    std::vector<float> out;
    std::vector<uint64_t> shape;
    Status st = PredictMatrix(m.data(), rows, cols, &out, &shape);
    return done(Answer(st, out, shape, rows));
  }
  Submit(std::move(m), rows, cols,
         [this, rows, done = std::move(done)](Status st, std::vector<float> out, std::vector<uint64_t> shape) {
           done(Answer(st, out, shape, rows));
         });
}

ScoringResponse XgbPredictor::Answer(const Status& st, const std::vector<float>& out, const std::vector<uint64_t>& shape,
                                     size_t rows) const {
  if (!st.ok()) return ScoringResponse::FromError(PredictFailed("xgboost.core.XGBoostError: " + st.message() + "\n"));
  std::string p;
  p.reserve(out.size() * 22 + 16);
  size_t k = shape.size() > 1 ? static_cast<size_t>(shape[1]) : 1;
  bool two_d = shape.size() > 1;
  if (kind_ == Kind::kClassifier) {
    // XGBClassifier.predict: class indexes from the probabilities.
    p += '[';
    for (size_t i = 0; i < rows; ++i) {
      if (i) p += ", ";
      const float* row = out.data() + i * k;
      if (two_d && n_classes_ != 2) {
        size_t best = 0;
        for (size_t c = 1; c < k; ++c) {
          if (row[c] > row[best] || (std::isnan(row[c]) && !std::isnan(row[best]))) best = c;
        }
        p += std::to_string(best);
      } else if (two_d && k != 1) {
        p += '[';
        for (size_t c = 0; c < k; ++c) p += (c ? ", " : "") + std::string(row[c] > 0.5f ? "1.0" : "0.0");
        p += ']';
      } else if (objective_ == "multi:softmax") {
        p += std::to_string(static_cast<int32_t>(row[0]));
      } else {
        p += row[0] > 0.5f ? '1' : '0';
      }
    }
    p += ']';
    return ScoringResponse::Predictions(p);
  }
  p += '[';
  for (size_t i = 0; i < rows; ++i) {
    if (i) p += ", ";
    if (two_d) {
      p += '[';
      for (size_t c = 0; c < k; ++c) {
        if (c) p += ", ";
        AppendFloat32(p, out[i * k + c]);
      }
      p += ']';
    } else {
      AppendFloat32(p, out[i]);
    }
  }
  p += ']';
  return ScoringResponse::Predictions(p);
}

}  // namespace mlflow::models
