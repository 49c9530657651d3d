#pragma once
// GenAI tracing REST handlers (docs/reference/tracing.md section 1): the v3 trace API under
// /api/3.0/mlflow/traces, the v2 API older 3.x clients call, assessments, trace tags, trace
// links, the UI's get-trace-artifact, and OTLP span ingestion (POST /v1/traces).
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

void RegisterTraceHandlers(Router& router, ApiContext& ctx);

// POST /v1/traces: OTLP/HTTP export requests (protobuf or JSON, gzip / deflate), stored with
// MLflow's log_spans semantics into the experiment named by the x-mlflow-experiment-id header.
HttpResponse HandleOtlpTraces(ApiContext& ctx, const HttpRequest& req);

}  // namespace mlflow::server
