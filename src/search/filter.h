#pragma once
// MLflow's search filter language: parse a filter string into a list of AND-ed clauses.
//
//   Result<Filter> f = ParseFilter(SearchEntity::kRuns, "metrics.rmse < 1 and params.model = 'tree'");
//   if (!f.ok()) return f.status();          // INVALID_PARAMETER_VALUE with MLflow's message
//   for (const Clause& c : f->clauses) ...   // c.type, c.key, c.comparator, c.value
//
// The accepted language and the error messages follow MLflow's SearchUtils family (runs,
// experiments, registered models, model versions) and search_logged_model_utils (logged models),
// including their quirks: no OR / NOT / parentheses, `AND` may be repeated or omitted between
// clauses, string values keep inner quotes verbatim (no escapes), run_id lists drop entries
// that are not lower-case. Comparators are validated per key type here (MLflow does part of that
// in its SQL store), so a Filter that parses is one the SQL compiler accepts.
//
// Where MLflow 3.6 (docs/reference/search.md) and 3.17 differ, we follow 3.17, which only accepts more:
// `params.k IS NULL` / `IS NOT NULL` (and on run and experiment tags), experiments
// `experiment_id = '1'` / `IN` / `NOT IN`, registered models `name IN (...)`, model versions
// `name IN`, `NOT IN` on name and run_id, `version_number = '3'`. Messages use 3.17's wording.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "core/validation.h"

namespace mlflow::search {

enum class SearchEntity { kRuns, kExperiments, kRegisteredModels, kModelVersions, kLoggedModels };

// What a clause's key names. Logged models and experiments use only a subset.
enum class KeyType { kAttribute, kMetric, kParam, kTag, kDataset };

enum class Comparator {
  kEq,         // =
  kNe,         // !=
  kLt,         // <
  kLe,         // <=
  kGt,         // >
  kGe,         // >=
  kLike,       // LIKE   (case-sensitive, % and _ wildcards, no escape)
  kILike,      // ILIKE  (case-insensitive LIKE)
  kIn,         // IN (list)
  kNotIn,      // NOT IN (list)
  kIsNull,     // IS NULL       (params/tags of runs only)
  kIsNotNull,  // IS NOT NULL   (params/tags of runs only)
};

// A numeric literal as written, e.g. "-1.5E-3", with its value.
struct Number {
  std::string text;
  double value = 0;
  std::optional<int64_t> integer;  // set when the literal is an integer that fits int64
};

// kIsNull / kIsNotNull carry monostate; IN / NOT IN a non-empty list (possibly emptied by the
// run_id lower-case rule); numeric keys a Number; string keys a std::string.
using Value = std::variant<std::monostate, Number, std::string, std::vector<std::string>>;

struct Clause {
  KeyType type = KeyType::kAttribute;
  // Canonical key: aliases resolved (runs: created/Created -> start_time, run name -> run_name,
  // run_id stays run_id; logged models: creation_time/creation_timestamp -> creation_timestamp_ms,
  // last_updated_timestamp -> last_updated_timestamp_ms); quotes/backticks removed.
  std::string key;
  Comparator comparator = Comparator::kEq;
  Value value;
};

struct Filter {
  std::vector<Clause> clauses;  // all must hold
};

// Parses `filter` for `entity`. Empty string = no clauses. Errors: INVALID_PARAMETER_VALUE with
// MLflow's message (see docs/reference/search.md section 11). Never throws; any byte string is safe.
Result<Filter> ParseFilter(SearchEntity entity, std::string_view filter);

// "=", "!=", ..., "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL".
std::string_view ComparatorText(Comparator c);
// "attribute", "metric", "param", "tag", "dataset".
std::string_view KeyTypeText(KeyType t);

// Stable text form for tests and logs, e.g. "metric.`rmse` < 1 AND param.`model` = 'tree'".
std::string RenderClause(const Clause& c);
std::string RenderFilter(const Filter& f);

}  // namespace mlflow::search
