#pragma once
// What the REST handlers reach: the services (the app builds them over the stores) and the
// settings handlers answer by themselves.
#include "service/artifact_service.h"
#include "service/dataset_service.h"
#include "service/logged_model_service.h"
#include "service/registry_service.h"
#include "service/scorer_service.h"
#include "service/tracing_service.h"
#include "service/tracking_service.h"

namespace mlflow::server {

struct ApiContext {
  service::TrackingService* tracking = nullptr;
  service::RegistryService* registry = nullptr;
  service::LoggedModelService* logged_models = nullptr;
  service::ArtifactService* artifacts = nullptr;
  service::TracingService* tracing = nullptr;
  service::DatasetService* datasets = nullptr;
  service::ScorerService* scorers = nullptr;
  bool artifacts_only = false;  // --artifacts-only: only the artifact proxy is served
  bool multipart_uploads_enabled = false;  // the artifact proxy offers multipart uploads (S3 destination)
};

}  // namespace mlflow::server
