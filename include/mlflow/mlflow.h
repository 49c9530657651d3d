#pragma once
// The MLflow C++ client: mlflow::Client (MlflowClient) and the fluent API (mlflow::start_run, ...).
#include "mlflow/client.h"
#include "mlflow/error.h"
#include "mlflow/fluent.h"
#include "mlflow/types.h"
