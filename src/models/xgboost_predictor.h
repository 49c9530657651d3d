#pragma once
// The xgboost flavor, predicted in-process through libxgboost's C API: the same computation as
// MLflow's pyfunc wrapper (Booster.predict on a DMatrix, or the scikit-learn wrapper's predict:
// in-place prediction, then class labels for classifiers), so predictions are bit-identical.
//
//   MLFLOW_ASSIGN_OR_RETURN(auto lib, FindXgbLib(...));
//   MLFLOW_ASSIGN_OR_RETURN(auto p, XgbPredictor::Load(model, "/tmp/model", lib, /*threads=*/1));
#include <condition_variable>
#include <deque>
#include <functional>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "models/mlmodel.h"
#include "models/predictor.h"
#include "models/xgboost_lib.h"

namespace mlflow::models {

class XgbPredictor : public Predictor {
 public:
  ~XgbPredictor() override;
  // Loads the model file named by the xgboost flavor. INVALID_PARAMETER_VALUE when the model uses
  // something served only through Python (another model class, categorical features, a params
  // schema): the caller then falls back to python_function.
  static Result<std::unique_ptr<XgbPredictor>> Load(const MLmodel& model, const std::string& model_dir,
                                                    std::shared_ptr<XgbLib> lib, int threads);

  std::string Describe() const override;
  ScoringResponse Predict(const ScoringRequest& req, Deadline deadline) override;
  // Never blocks on other requests: rows wait in a queue that the thread scoring now (or this one,
  // when none is) takes in its next library call.
  void PredictAsync(const ScoringRequest& req, Deadline deadline, std::function<void(ScoringResponse)> done) override;

  // The raw float32 output and its shape for a float32 row-major matrix (tests, benchmarks).
  Status PredictMatrix(const float* data, size_t rows, size_t cols, std::vector<float>* out,
                       std::vector<uint64_t>* shape) const;
  // The same, but small requests arriving together are scored in one library call (each call
  // has a fixed cost of tens of microseconds; rows are independent, so results are unchanged).
  Status PredictCoalesced(std::vector<float> data, size_t rows, size_t cols, std::vector<float>* out,
                          std::vector<uint64_t>* shape);
  const std::vector<std::string>& feature_names() const { return feature_names_; }

 private:
  enum class Kind { kBooster, kRegressor, kClassifier };
  using Completion = std::function<void(Status, std::vector<float> out, std::vector<uint64_t> shape)>;
  // A small request waiting to be scored with the others that arrived meanwhile.
  struct Pending {
    std::vector<float> data;  // rows x cols, row-major
    size_t rows;
    size_t cols;
    Completion complete;
  };
  XgbPredictor() = default;
  // The request as a row-major float32 matrix, or the answer when it cannot be scored.
  std::optional<ScoringResponse> ToMatrix(const ScoringRequest& req, std::vector<float>* matrix, size_t* rows,
                                          size_t* cols) const;
  // The /invocations answer for a prediction's output.
  ScoringResponse Answer(const Status& st, const std::vector<float>& out, const std::vector<uint64_t>& shape,
                         size_t rows) const;
  // Queues a small request; the first thread to find no leader scores the queue until it is empty.
  void Submit(std::vector<float> data, size_t rows, size_t cols, Completion complete);
  void ScoreBatch(std::vector<Pending>& batch, size_t total, size_t cols) const;

  std::shared_ptr<XgbLib> lib_;
  BoosterHandle booster_ = nullptr;
  Kind kind_ = Kind::kBooster;
  std::string model_class_;
  std::string objective_;
  int n_classes_ = 0;
  int iteration_end_ = 0;  // scikit-learn wrappers: best_iteration + 1 when early stopping was used
  std::vector<std::string> feature_names_;
  std::string config_;  // the prediction config JSON

  std::mutex mu_;
  std::deque<Pending> pending_;
  bool leader_ = false;
};

}  // namespace mlflow::models
