#pragma once
// order_by parsing per entity, with MLflow's messages.
//
//   Result<std::vector<OrderBy>> ob = ParseOrderByList(SearchEntity::kRuns, {"metrics.rmse DESC"});
//
// Runs, experiments, registered models and model versions take strings "<identifier> [ASC|DESC]"
// (direction any case, default ASC, no surrounding spaces). Logged models take objects
// (LoggedModelOrderBy). Defaults and tie-breakers are added by the SQL compiler, not here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "search/filter.h"

namespace mlflow::search {

struct OrderBy {
  KeyType type = KeyType::kAttribute;
  // Canonical key. Runs: attribute aliases resolved (created -> start_time); metric/param/tag key.
  // Experiments: name | experiment_id | creation_time | last_update_time.
  // Registered models: name | last_updated_timestamp ("timestamp" maps to it).
  // Model versions: name | version_number | creation_timestamp | last_updated_timestamp.
  std::string key;
  bool ascending = true;
};

// One clause. Errors: INVALID_PARAMETER_VALUE ("Invalid order_by clause 'x'. Could not be
// parsed.", "Invalid ordering key in order_by clause 'x'.", "Invalid entity type ...",
// "Invalid attribute key ...", "Invalid order by key ..."). Logged models: not accepted here.
Result<OrderBy> ParseOrderBy(SearchEntity entity, std::string_view clause);

// All clauses, plus MLflow's duplicate check ("`order_by` contains duplicate fields: [...]",
// INVALID_PARAMETER_VALUE; the reference answers 500 there). Registered models: `timestamp` and
// `last_updated_timestamp` name the same column and count as duplicates.
Result<std::vector<OrderBy>> ParseOrderByList(SearchEntity entity,
                                              const std::vector<std::string>& clauses);

// SearchLoggedModels order_by entry (the REST API sends objects).
struct LoggedModelOrderBy {
  std::string field_name;  // attribute name or "metrics.<key>"
  bool ascending = true;
  std::optional<std::string> dataset_name;
  std::optional<std::string> dataset_digest;
};

// Validates one logged-model order_by entry: metric keys or known attributes; dataset_digest
// requires dataset_name. INVALID_PARAMETER_VALUE with MLflow's messages.
Status ValidateLoggedModelOrderBy(const LoggedModelOrderBy& ob);

}  // namespace mlflow::search
