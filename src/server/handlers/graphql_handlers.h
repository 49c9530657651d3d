#pragma once
// POST/GET /graphql: the GraphQL queries MLflow's own UI sends (docs/reference/ui.md, "MLflow's
// UI"): mlflowGetRun, mlflowSearchRuns, mlflowGetExperiment, mlflowGetMetricHistoryBulkInterval,
// mlflowListArtifacts and mlflowSearchModelVersions. Each root field is answered by the REST
// endpoint MLflow's resolver calls (the same route, so the same rules and errors), and the answer
// is shaped as MLflow's schema shapes it: camelCase names, 64-bit integers as strings, protobuf
// defaults for absent fields, {"data": ..., "errors": [messages] | null}.
#include "server/http/router.h"

namespace mlflow::server {

// Call after the REST routes are registered: the resolvers dispatch to them through `router`.
void RegisterGraphqlHandlers(Router& router);

}  // namespace mlflow::server
