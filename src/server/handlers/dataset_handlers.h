#pragma once
// MLflow 3 evaluation dataset and scorer registry REST endpoints (/api/3.0/mlflow/datasets/...,
// /api/3.0/mlflow/scorers/...; docs/reference/datasets.md).
#include "server/handlers/api_context.h"
#include "server/http/router.h"

namespace mlflow::server {

// Needs ctx.datasets and ctx.scorers.
void RegisterDatasetHandlers(Router& router, ApiContext& ctx);

}  // namespace mlflow::server
