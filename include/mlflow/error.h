#pragma once
// MlflowError: what every client call throws when MLflow refuses it or the server cannot be reached
// (MlflowException in the Python client). error_code() is MLflow's name ("RESOURCE_DOES_NOT_EXIST",
// "INVALID_PARAMETER_VALUE", ...); http_status() the HTTP status the server answered (0 for a local
// store or a network failure).
#include <stdexcept>
#include <string>
#include <utility>

#include "mlflow/export.h"

namespace mlflow {

class MLFLOW_API MlflowError : public std::runtime_error {
 public:
  MlflowError(std::string error_code, const std::string& message, int http_status = 0)
      : std::runtime_error(message), error_code_(std::move(error_code)), http_status_(http_status) {}

  const std::string& error_code() const { return error_code_; }
  int http_status() const { return http_status_; }

 private:
  std::string error_code_;
  int http_status_;
};

}  // namespace mlflow
