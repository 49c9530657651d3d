#pragma once
// Search grammar of evaluation datasets (MLflow's SearchEvaluationDatasetsUtils and
// _get_search_datasets_filter_clauses; docs/reference/datasets.md section 2): clauses joined by
// AND on the attributes name, created_by, last_updated_by (=, !=, LIKE, ILIKE; name also IN),
// created_time, last_update_time (integers; =, !=, <, <=, >, >=) and tags.<key> (=, !=, LIKE,
// ILIKE). Comparators are case-sensitive (`like` is refused), keys are taken verbatim.
//
//   MLFLOW_ASSIGN_OR_RETURN(Filter f, ParseDatasetFilter("name LIKE 'eval%' AND tags.team = 'a'"));
//   MLFLOW_ASSIGN_OR_RETURN(OrderBy ob, ParseDatasetOrderBy("last_update_time DESC"));
#include <string_view>

#include "core/status.h"
#include "search/filter.h"
#include "search/order_by.h"

namespace mlflow::search {

Result<Filter> ParseDatasetFilter(std::string_view filter);
// "<name|created_time|last_update_time> [ASC|DESC]".
Result<OrderBy> ParseDatasetOrderBy(std::string_view clause);

}  // namespace mlflow::search
