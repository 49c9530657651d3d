#pragma once
// The database's series of GET /metrics (README "Monitoring"): write requests and the transactions
// that committed them (group commit), requests per commit, and the time store calls spent in the
// database (store/sql/db_timings.h), by kind (read, write).
#include <string>

#include "store/sql/database.h"

namespace mlflow::server {

std::string RenderDbMetrics(store::sql::Database& db);

}  // namespace mlflow::server
