#pragma once
// What handlers need from the running server: the stores and the artifact settings.
#include <string>

#include <nlohmann/json.hpp>

#include "server/http/router.h"
#include "store/logged_model_store.h"
#include "store/registry_store.h"
#include "store/tracking_store.h"

namespace mlflow::server {

struct ApiContext {
  store::TrackingStore* tracking = nullptr;
  store::RegistryStore* registry = nullptr;
  store::LoggedModelStore* logged_models = nullptr;
  std::string default_artifact_root;   // "mlflow-artifacts:/" when serving artifacts
  std::string artifacts_destination;   // where proxied artifacts live (folder or s3:// URI)
  bool serve_artifacts = true;
  bool artifacts_only = false;
};

// Registers a JSON API route under /api/<major>.0 and /ajax-api/<major>.0, with MLflow's
// Content-Type rule for POST/PUT bodies and one place where errors become responses.
void AddJsonApi(Router& router, const std::string& method, const std::string& path,
                std::function<Result<nlohmann::json>(const HttpRequest&)> fn, int major = 2);

void RegisterTrackingHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
