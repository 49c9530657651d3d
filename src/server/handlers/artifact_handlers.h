#pragma once
// Artifact routes (docs/reference/rest-api.md 3.5-3.7): the mlflow-artifacts proxy (download, upload, list,
// delete, multipart create/complete/abort), ListArtifacts for runs, /get-artifact for the UI and
// the UI's small upload. Bodies stream in bounded chunks through StreamContext.
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

// Needs ctx.artifacts. Starts nothing: the app sweeps stale uploads (service::SweepStaleUploads).
void RegisterArtifactHandlers(Router& router, ApiContext& ctx);

// Streams file `rel` of the artifact root `root_uri` (proxied through the artifacts destination
// or opened directly) as a download, or answers MLflow's error.
void SendArtifactRootFile(ApiContext& ctx, StreamContext& s, const std::string& root_uri, const std::string& rel);

// With --artifacts-only: every tracking route under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/
// answers 503 text/plain, as MLflow does. Register instead of the tracking handlers.
void RegisterArtifactsOnlyGuards(Router& router);

}  // namespace mlflow::server
