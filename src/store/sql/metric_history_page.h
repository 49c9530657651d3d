#pragma once
// One page of metrics/get-history at a cost that does not grow with the page's position.
//
// MLflow 3.17.2 pages a history by OFFSET (SqlAlchemyStore.get_metric_history: ORDER BY timestamp,
// step, value, token base64({"offset": N})), so page k skips k pages of rows. Our token keeps
// MLflow's "offset" (a token handed to MLflow's own server, or one of MLflow's handed to us, still
// means the same page) and adds where the page ended:
//
//   base64({"offset": 50000, "mlflowcpp_after": [timestamp, step, value bits, ties]})
//
// ties: how many points already returned share the last point's (timestamp, step, value) (two points
// can, a NaN stored as 0 beside a real 0). The next page seeks to that triple on
// idx_mlflowcpp_metric_history and skips only the ties. A token without (or with a malformed)
// "mlflowcpp_after" is served by OFFSET as before.
#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/sql/connection.h"
#include "store/tracking_store.h"

namespace mlflow::store::sql {

// max_results <= 0: the rest of the history in one page. Errors: MLflow's page-token messages
// (INVALID_PARAMETER_VALUE) for a token that is not one.
Result<MetricHistoryPage> ReadMetricHistoryPage(Connection& c, const std::string& run_id, const std::string& key,
                                          int64_t max_results, const std::string& page_token);

}  // namespace mlflow::store::sql
