#pragma once
// Artifact routes (docs/reference/rest-api.md 3.5-3.7): the mlflow-artifacts proxy (download, upload, list,
// delete, multipart create/complete/abort), ListArtifacts for runs, /get-artifact for the UI and
// the UI's small upload. Bodies stream in bounded chunks through StreamContext.
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

// Needs ctx.artifacts. Starts nothing: the app sweeps stale uploads (service::SweepStaleUploads).
void RegisterArtifactHandlers(Router& router, ApiContext& ctx);

// Streams the file the ArtifactService located as a download, or answers its error.
void SendArtifactFile(StreamContext& s, Result<service::ArtifactFile> file);

// With --artifacts-only: every tracking route under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/
// answers 503 text/plain, as MLflow does. Register instead of the tracking handlers.
void RegisterArtifactsOnlyGuards(Router& router);

}  // namespace mlflow::server
