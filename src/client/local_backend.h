#pragma once
// LocalBackend: the Client's calls straight to a database (sqlite:///, postgresql://) through the
// service layer (src/service/), the same code the server's handlers call: MLflow's rules apply as
// they do over HTTP, with no server. New experiments keep artifacts in ./mlruns (made absolute), as
// MLflow's local store does.
#include <memory>
#include <string>

#include "client/backend.h"

namespace mlflow::client_internal {

std::shared_ptr<Backend> MakeLocalBackend(const std::string& store_uri);

}  // namespace mlflow::client_internal
