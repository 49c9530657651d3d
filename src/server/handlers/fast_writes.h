#pragma once
// The request path of the three hottest writes (create-run, log-metric, log-batch) on SQLite,
// without the worker pool: the IO thread that read the request decodes it (log-batch and
// log-metric bodies straight into Metric values, write_body.h), applies the service's rules and
// queues the write for the SQLite writer (TrackingService::*Async); the writer's completion, after
// the COMMIT, posts the answer back to the IO thread. Per request that is two thread hand-offs
// (IO -> writer -> IO) instead of four (IO -> worker -> writer -> worker -> IO), and no thread
// blocks on the writer.
//
// Each is a Router::SetInline on the route's buffered handler, which stays the one answer for
// everything the inline path declines: a body write_body.h does not read, a create-run without an
// experiment id (MLflow reads the Default experiment first), a wrong Content-Type. So error answers
// are the handler's, and the basic-auth app (which wraps the buffered handler and drops the inline
// one) and PostgreSQL/MySQL (whose writes block: no inline path is set) work as before.
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

// Attaches the inline paths to the routes RegisterTrackingHandlers added, when the tracking store
// writes without blocking (SQLite).
void AddFastWrites(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
