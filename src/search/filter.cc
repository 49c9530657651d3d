// ParseFilter: the front all SearchUtils entities share, then one clause builder per entity
// (filter_runs.cc, filter_experiments.cc, filter_registry.cc, filter_logged_models.cc; shared
// clause logic in internal/filter_common.cc). Rendering of parsed filters for tests and logs.
#include "search/filter.h"

#include "search/internal/filter_common.h"

namespace mlflow::search {

Result<Filter> ParseFilter(SearchEntity entity, std::string_view filter) {
  if (filter.empty()) return Filter{};
  if (entity == SearchEntity::kLoggedModels) return internal::ParseLoggedModelFilter(filter);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<internal::RawComparison> raw,
                          internal::Front(filter, entity == SearchEntity::kRuns));
  Filter out;
  for (const internal::RawComparison& rc : raw) {
    Result<Clause> c = Status::Internal("unreachable");
    switch (entity) {
      case SearchEntity::kRuns: c = internal::RunClause(rc); break;
      case SearchEntity::kExperiments: c = internal::ExperimentClause(rc); break;
      case SearchEntity::kRegisteredModels: c = internal::RegistryClause(rc, false); break;
      case SearchEntity::kModelVersions: c = internal::RegistryClause(rc, true); break;
      case SearchEntity::kLoggedModels: break;
    }
    if (!c.ok()) return c.status();
    out.clauses.push_back(std::move(*c));
  }
  return out;
}

std::string_view ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kEq: return "=";
    case Comparator::kNe: return "!=";
    case Comparator::kLt: return "<";
    case Comparator::kLe: return "<=";
    case Comparator::kGt: return ">";
    case Comparator::kGe: return ">=";
    case Comparator::kLike: return "LIKE";
    case Comparator::kILike: return "ILIKE";
    case Comparator::kIn: return "IN";
    case Comparator::kNotIn: return "NOT IN";
    case Comparator::kIsNull: return "IS NULL";
    case Comparator::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

std::string_view KeyTypeText(KeyType t) {
  switch (t) {
    case KeyType::kAttribute: return "attribute";
    case KeyType::kMetric: return "metric";
    case KeyType::kParam: return "param";
    case KeyType::kTag: return "tag";
    case KeyType::kDataset: return "dataset";
  }
  return "?";
}

std::string RenderClause(const Clause& c) {
  std::string out(KeyTypeText(c.type));
  out += ".`" + c.key + "` ";
  out += ComparatorText(c.comparator);
  if (const auto* n = std::get_if<Number>(&c.value)) {
    out += " " + n->text;
  } else if (const auto* s = std::get_if<std::string>(&c.value)) {
    out += " " + PyStrRepr(*s);
  } else if (const auto* l = std::get_if<std::vector<std::string>>(&c.value)) {
    out += " (";
    for (size_t i = 0; i < l->size(); ++i) {
      if (i) out += ", ";
      out += PyStrRepr((*l)[i]);
    }
    out += ")";
  }
  return out;
}

std::string RenderFilter(const Filter& f) {
  std::string out;
  for (size_t i = 0; i < f.clauses.size(); ++i) {
    if (i) out += " AND ";
    out += RenderClause(f.clauses[i]);
  }
  return out;
}

}  // namespace mlflow::search
