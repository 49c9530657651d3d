#include "search/order_by.h"

#include <cctype>
#include <set>

#include "search/internal/filter_common.h"

namespace mlflow::search {
namespace {

using internal::InSet;
using internal::Invalid;
using internal::ItemKind;
using internal::StripQuotes;
using internal::TrimBackticks;

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// shlex.split(token.replace("`", '"')) for one word: removes the quote characters.
std::string ShlexWord(std::string_view w) {
  std::string out;
  for (char c : w)
    if (c != '"' && c != '`' && c != '\'') out += c;
  return out;
}

// Splits the clause into (identifier text as MLflow passes it on, ascending).
Result<std::pair<std::string, bool>> SplitClause(std::string_view clause) {
  const std::string bad = "Invalid order_by clause '" + std::string(clause) + "'. Could not be parsed.";
  if (clause.empty() || std::isspace(static_cast<unsigned char>(clause.front())) ||
      std::isspace(static_cast<unsigned char>(clause.back()))) {
    return Invalid(bad);
  }
  internal::LexResult lex = internal::Lex(clause);
  if (lex.multiple_statements || lex.items.empty() || lex.items.size() > 2) return Invalid(bad);
  if (lex.items[0].kind != ItemKind::kIdent) return Invalid(bad);
  if (lex.items.size() == 1) return std::make_pair(lex.items[0].text, true);
  const auto& dir = lex.items[1];
  if (dir.kind != ItemKind::kIdent && dir.kind != ItemKind::kKeyword) return Invalid(bad);
  std::string d = Lower(dir.text);
  if (d != "asc" && d != "desc") {
    return Invalid("Invalid ordering key in order_by clause '" + std::string(clause) + "'.");
  }
  return std::make_pair(ShlexWord(lex.items[0].text), d == "asc");
}

constexpr const char* kRunOrderKeysRepr =
    "{'artifact_uri', 'created', 'Created', 'end_time', 'run_id', 'run_name', 'start_time', "
    "'status', 'user_id'}";

Result<OrderBy> RunOrderBy(std::string_view clause) {
  MLFLOW_ASSIGN_OR_RETURN(auto split, SplitClause(clause));
  const std::string& raw = split.first;
  OrderBy ob;
  ob.ascending = split.second;
  size_t dot = raw.find('.');
  std::string key;
  if (dot == std::string::npos) {
    key = raw;
  } else {
    std::string entity = TrimBackticks(raw.substr(0, dot));
    key = raw.substr(dot + 1);
    if (entity == "metric" || entity == "metrics") ob.type = KeyType::kMetric;
    else if (InSet(entity, {"parameter", "parameters", "param", "params"})) ob.type = KeyType::kParam;
    else if (entity == "tag" || entity == "tags") ob.type = KeyType::kTag;
    else if (InSet(entity, {"attribute", "attributes", "attr", "run"})) ob.type = KeyType::kAttribute;
    else if (entity == "dataset" || entity == "datasets") ob.type = KeyType::kDataset;
    else
      return Invalid("Invalid entity type '" + entity +
                     "'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
  }
  key = TrimBackticks(StripQuotes(key));
  if (ob.type == KeyType::kAttribute) {
    if (!InSet(key, {"run_id", "run_name", "user_id", "status", "artifact_uri", "start_time", "end_time",
                  "created", "Created"})) {
      return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" +
                     kRunOrderKeysRepr + "'");
    }
    if (key == "created" || key == "Created") key = "start_time";
  }
  if (ob.type == KeyType::kDataset) {
    if (!InSet(key, {"name", "digest", "context"})) {
      return Invalid("Invalid dataset key '" + key +
                     "' specified. Valid keys are '{'name', 'digest', 'context'}'");
    }
    return Invalid("Invalid identifier type 'dataset'");
  }
  ob.key = key;
  return ob;
}

// SearchExperimentsUtils._get_identifier with the given attribute keys.
Result<OrderBy> ExperimentStyleOrderBy(std::string_view clause,
                                       std::initializer_list<const char*> keys,
                                       const char* keys_repr) {
  MLFLOW_ASSIGN_OR_RETURN(auto split, SplitClause(clause));
  const std::string& raw = split.first;
  OrderBy ob;
  ob.ascending = split.second;
  size_t dot = raw.find('.');
  std::string key;
  if (dot == std::string::npos) {
    key = raw;
  } else {
    std::string entity = raw.substr(0, dot);
    key = raw.substr(dot + 1);
    if (entity == "attribute") ob.type = KeyType::kAttribute;
    else if (entity == "tag" || entity == "tags") ob.type = KeyType::kTag;
    else
      return Invalid("Invalid entity type '" + entity +
                     "'. Valid entity types are ('attribute', 'tag', 'tags')");
  }
  key = TrimBackticks(StripQuotes(key));
  if (ob.type == KeyType::kAttribute && !InSet(key, keys)) {
    return Invalid("Invalid attribute key '" + key + "' specified. Valid keys are '" + keys_repr + "'");
  }
  ob.key = key;
  return ob;
}

}  // namespace

Result<OrderBy> ParseOrderBy(SearchEntity entity, std::string_view clause) {
  switch (entity) {
    case SearchEntity::kRuns:
      return RunOrderBy(clause);
    case SearchEntity::kExperiments: {
      MLFLOW_ASSIGN_OR_RETURN(
          OrderBy ob, ExperimentStyleOrderBy(clause, {"name", "experiment_id", "creation_time", "last_update_time"},
                                             "{'name', 'experiment_id', 'creation_time', 'last_update_time'}"));
      if (ob.type != KeyType::kAttribute) return Invalid("Invalid order_by entity: tag");
      return ob;
    }
    case SearchEntity::kRegisteredModels: {
      MLFLOW_ASSIGN_OR_RETURN(auto split, SplitClause(clause));
      if (!InSet(split.first, {"name", "timestamp", "last_updated_timestamp"})) {
        return Invalid("Invalid order by key '" + split.first +
                       "' specified. Valid keys are '{'name', 'timestamp'}'");
      }
      OrderBy ob;
      ob.key = split.first == "name" ? "name" : "last_updated_timestamp";
      ob.ascending = split.second;
      return ob;
    }
    case SearchEntity::kModelVersions: {
      constexpr const char* kRepr =
          "{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}";
      MLFLOW_ASSIGN_OR_RETURN(
          OrderBy ob,
          ExperimentStyleOrderBy(clause, {"name", "version_number", "creation_timestamp", "last_updated_timestamp"}, kRepr));
      if (ob.type != KeyType::kAttribute) {
        return Invalid("Invalid order by key '" + ob.key + "' specified. Valid keys are " + kRepr);
      }
      return ob;
    }
    case SearchEntity::kLoggedModels:
      break;
  }
  return Invalid("Logged models take order_by objects, not strings");
}

Result<std::vector<OrderBy>> ParseOrderByList(SearchEntity entity, const std::vector<std::string>& clauses) {
  std::vector<OrderBy> out;
  std::set<std::pair<int, std::string>> seen;
  for (const std::string& c : clauses) {
    MLFLOW_ASSIGN_OR_RETURN(OrderBy ob, ParseOrderBy(entity, c));
    // MLflow sorts experiments by a repeated key without complaint; for runs it fails inside the
    // database (a 500), and the registry rejects it with this message: so do we.
    if (entity != SearchEntity::kExperiments && !seen.insert({static_cast<int>(ob.type), ob.key}).second) {
      std::string list = "[";
      for (size_t i = 0; i < clauses.size(); ++i) {
        if (i) list += ", ";
        list += PyStrRepr(clauses[i]);
      }
      list += "]";
      return Invalid("`order_by` contains duplicate fields: " + list);
    }
    out.push_back(std::move(ob));
  }
  return out;
}

Status ValidateLoggedModelOrderBy(const LoggedModelOrderBy& ob) {
  const std::string& f = ob.field_name;
  if (f.empty()) return Invalid("`field_name` in the `order_by` clause must be specified.");
  size_t dot = f.find('.');
  if (dot != std::string::npos) {
    if (f.substr(0, dot) != "metrics") {
      return Invalid("Invalid order by field name: " + f + ". Only metrics are supported.");
    }
  } else if (!InSet(f, {"name", "model_id", "model_type", "status", "source_run_id", "experiment_id",
                     "creation_timestamp", "creation_time", "creation_timestamp_ms",
                     "last_updated_timestamp", "last_updated_timestamp_ms"})) {
    return Invalid("Invalid order by field name: " + f);
  }
  // MLflow 3.x sorts by a dataset digest alone too (3.6 required the dataset name with it).
  return Status();
}

}  // namespace mlflow::search
