#pragma once
// A loaded model that scores requests. One implementation per way of running a flavor: natively
// (XGBoost through libxgboost, the cpp flavor through its shared library) or through Python
// worker processes running the real mlflow.pyfunc.
//
// Predict() may be called from many threads at once; implementations are thread-safe.
#include <chrono>
#include <functional>
#include <string>

#include "models/scoring_input.h"

namespace mlflow::models {

using Deadline = std::chrono::steady_clock::time_point;

// One /invocations answer.
struct ScoringResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;

  static ScoringResponse FromError(const ScoringError& e) { return {e.http_status, e.ContentType(), e.Body()}; }
  // {"predictions": P} from the JSON text of P.
  static ScoringResponse Predictions(const std::string& p) { return {200, "application/json", "{\"predictions\": " + p + "}"}; }
  // MLflow's answer when a request outlives --timeout.
  static ScoringResponse Timeout() { return {504, "application/json", "Request processing time exceeded limit"}; }
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  // One line for the startup log and `models predict`: flavor, how it runs, library/env used.
  virtual std::string Describe() const = 0;
  // Scores a request that ParseJsonRequest/ParseCsvRequest and EnforceSchema accepted.
  virtual ScoringResponse Predict(const ScoringRequest& req, Deadline deadline) = 0;
  // The same answer through `done`, maybe later and on another thread. Natively served flavors
  // score the rows of requests that arrive together in one library call, so the HTTP thread must
  // not wait for its own (the server's async routes, src/server/http/http_types.h). The default
  // answers at once.
  virtual void PredictAsync(const ScoringRequest& req, Deadline deadline, std::function<void(ScoringResponse)> done) {
    done(Predict(req, deadline));
  }
  // True when requests outside what the C++ input layer models can be handed over whole (the
  // python_function flavor gives them to MLflow's own scoring code).
  virtual bool AcceptsRaw() const { return false; }
  virtual ScoringResponse PredictRaw(const std::string& body, const std::string& content_type, Deadline deadline) {
    (void)body, (void)content_type, (void)deadline;
    return ScoringResponse::FromError(ScoringError::Internal("raw requests are not supported by this flavor"));
  }
};

// The "unexpected error" MLflow's server returns when predict() raises.
inline ScoringError PredictFailed(const std::string& stack_trace) {
  ScoringError e = ScoringError::BadRequest(
      "Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is "
      "compatible with the model for inference.");
  e.stack_trace = stack_trace;
  return e;
}

}  // namespace mlflow::models
