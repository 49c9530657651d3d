#pragma once
// The scoring routes of `mlflow models serve` (docs/reference/formats.md b) on the project's HTTP layer:
// GET /ping, /health, /version and POST /invocations, with MLflow's content-type rules, statuses
// and bodies. Request parsing and signature enforcement happen here, in C++; the predictor only
// computes predictions.
//
//   ScoringService svc(std::move(predictor), model, {.timeout_seconds = 60, .version = "3.17.2"});
//   server::Router router;
//   svc.Register(router);
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/mlmodel.h"
#include "models/predictor.h"
#include "models/schema.h"
#include "server/http/router.h"

namespace mlflow::models {

struct ScoringOptions {
  int timeout_seconds = 60;   // per request (504 after it)
  std::string version;        // what GET /version answers
};

class ScoringService {
 public:
  ScoringService(std::unique_ptr<Predictor> predictor, const MLmodel& model, ScoringOptions options);

  void Register(server::Router& router);
  // One /invocations exchange without HTTP (also used by `models predict`).
  ScoringResponse Score(std::string body, const std::string& content_type);
  Predictor& predictor() { return *predictor_; }

 private:
  server::HttpResponse Invocations(const server::HttpRequest& req);
  // Parses, checks and scores one body; `done` gets the answer (later and on another thread when
  // `async` and the predictor batches requests).
  void Dispatch(std::string body, const std::string& content_type, bool async,
                const std::function<void(ScoringResponse)>& done);

  std::unique_ptr<Predictor> predictor_;
  ScoringOptions options_;
  std::optional<Signature> signature_;
  bool raw_only_ = false;  // inputs only MLflow itself parses (type-hint signatures, complex columns)
};

}  // namespace mlflow::models
