#pragma once
// RestBackend: the Client's calls as MLflow REST requests (docs/reference/rest-api.md) to a tracking
// server, over one HttpSession (keep-alive, retries).
#include <memory>
#include <string>

#include "client/backend.h"
#include "client/http_session.h"

namespace mlflow::client_internal {

std::shared_ptr<Backend> MakeRestBackend(const std::string& tracking_uri);

}  // namespace mlflow::client_internal
