#pragma once
// Symbols of the shared library that are part of the public API; everything else is hidden.
#if defined(MLFLOW_CLIENT_BUILDING)
#define MLFLOW_API __attribute__((visibility("default")))
#else
#define MLFLOW_API
#endif
