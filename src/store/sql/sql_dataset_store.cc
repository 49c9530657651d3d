// Evaluation datasets in MLflow's tables, written as MLflow 3.17.2's SQL store writes them
// (docs/reference/datasets.md): ids "d-"/"dr-"/"a-" + uuid4 hex, JSON columns as json.dumps text
// (None is the text "null"), the digest sha256("name:last_update_time")[:8], links to
// experiments in entity_associations.
#include "store/sql/sql_dataset_store.h"

#include <set>

#include "core/ids.h"
#include "core/digest.h"
#include "core/py_json.h"
#include "core/python_numbers.h"

namespace mlflow::store::sql {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSourceDataset = "evaluation_dataset";
constexpr const char* kDestExperiment = "experiment";
constexpr const char* kUserTag = "mlflow.user";
constexpr const char* kWrappedOutput = "mlflow_wrapped";

std::string Digest(const std::string& name, int64_t time) {
  return Sha256Hex(name + ":" + std::to_string(time)).substr(0, 8);
}

Json ParseColumn(Statement& st, int col) {
  if (st.IsNull(col)) return nullptr;
  Json v = Json::parse(st.TextView(col), nullptr, /*allow_exceptions=*/false);
  return v.is_discarded() ? Json(nullptr) : v;
}

std::optional<std::string> OptText(Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}

Result<EvaluationDataset> LoadDataset(Connection& c, const std::string& id, const std::string& not_found) {
  auto st = c.Prepare(
      "SELECT dataset_id, name, schema, profile, digest, created_time, last_update_time, created_by, "
      "last_updated_by FROM evaluation_datasets WHERE dataset_id = ?");
  st->Bind(1, id);
  if (!st->Step()) return Status::NotFound(not_found);
  EvaluationDataset d;
  d.dataset_id = st->Text(0);
  d.name = st->Text(1);
  d.schema = OptText(*st, 2);
  d.profile = OptText(*st, 3);
  d.digest = OptText(*st, 4);
  d.created_time = st->IsNull(5) ? 0 : st->Int(5);
  d.last_update_time = st->IsNull(6) ? 0 : st->Int(6);
  d.created_by = OptText(*st, 7);
  d.last_updated_by = OptText(*st, 8);
  // In table order, as MLflow reads them (no ORDER BY): insertion order on SQLite, heap order on
  // PostgreSQL. The order shows in the JSON text of the answer's `tags`.
  auto tags = c.Prepare(c.dialect() == Dialect::kSqlite
                            ? "SELECT key, value FROM evaluation_dataset_tags WHERE dataset_id = ? ORDER BY rowid"
                            : "SELECT key, value FROM evaluation_dataset_tags WHERE dataset_id = ?");
  tags->Bind(1, id);
  while (tags->Step()) d.tags.push_back({tags->Text(0), OptText(*tags, 1)});
  return d;
}

bool DatasetExists(Connection& c, const std::string& id) {
  auto st = c.Prepare("SELECT 1 FROM evaluation_datasets WHERE dataset_id = ?");
  st->Bind(1, id);
  return st->Step();
}

std::string Placeholders(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

// MLflow's _infer_field_type.
const char* FieldType(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "float";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "unknown";
}

bool Truthy(const Json& v) {
  if (v.is_null()) return false;
  if (v.is_object() || v.is_array() || v.is_string()) return !v.empty();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() != 0;
  if (v.is_number_float()) return v.get<double>() != 0;
  return true;
}

// MLflow's _update_dataset_schema: new keys get the type of the first value seen.
std::optional<Json> UpdateSchema(const std::optional<std::string>& existing, const std::vector<DatasetRecordUpsert>& records) {
  if (records.empty() && !existing) return std::nullopt;
  Json schema;
  if (existing) schema = Json::parse(*existing, nullptr, false);
  if (!existing || !schema.is_object()) {
    schema = Json{{"inputs", Json::object()}, {"outputs", Json::object()}, {"expectations", Json::object()},
                  {"version", "1.0"}};
  }
  auto add_keys = [&](const char* part, const Json& values) {
    if (!schema[part].is_object()) return;
    for (auto it = values.begin(); it != values.end(); ++it) {
      if (!schema[part].contains(it.key())) schema[part][it.key()] = FieldType(it.value());
    }
  };
  for (const auto& r : records) {
    if (Truthy(r.inputs) && r.inputs.is_object()) add_keys("inputs", r.inputs);
    if (r.has_outputs && !r.outputs.is_null()) {
      if (r.outputs.is_object()) {
        add_keys("outputs", r.outputs);
      } else if (!Truthy(schema["outputs"])) {
        schema["outputs"] = FieldType(r.outputs);
      }
    }
    if (Truthy(r.expectations) && r.expectations.is_object()) add_keys("expectations", r.expectations);
  }
  return schema;
}

Json Wrap(const Json& outputs) {
  if (outputs.is_null()) return nullptr;
  return Json{{kWrappedOutput, outputs}};
}

void InsertAssociation(Connection& c, const std::string& dataset_id, const std::string& experiment_id, int64_t now) {
  auto st = c.Prepare(
      "INSERT INTO entity_associations (association_id, source_type, source_id, destination_type, destination_id, "
      "created_time) VALUES (?, ?, ?, ?, ?, ?)");
  st->BindAll("a-" + NewUuidHex(), kSourceDataset, dataset_id, kDestExperiment, experiment_id, now);
  st->Execute();
}

std::vector<std::string> LinkedExperiments(Connection& c, const std::string& dataset_id) {
  auto st = c.Prepare(
      "SELECT destination_id FROM entity_associations WHERE source_type = ? AND source_id = ? AND "
      "destination_type = ? ORDER BY destination_id");
  st->BindAll(kSourceDataset, dataset_id, kDestExperiment);
  std::vector<std::string> out;
  while (st->Step()) out.push_back(st->Text(0));
  return out;
}

// A clause of a parsed dataset filter as SQL over `d` (evaluation_datasets), values bound.
void AppendClause(const search::Clause& cl, std::string& sql, std::vector<SqlValue>& params) {
  using search::Comparator;
  auto compare = [&](const std::string& column) {
    switch (cl.comparator) {
      case Comparator::kLike: sql += column + " LIKE ?"; break;
      case Comparator::kILike: sql += "LOWER(" + column + ") LIKE LOWER(?)"; break;
      case Comparator::kIn:
      case Comparator::kNotIn: {
        const auto& list = std::get<std::vector<std::string>>(cl.value);
        sql += column + (cl.comparator == Comparator::kIn ? " IN " : " NOT IN ") + Placeholders(list.size());
        for (const auto& v : list) params.emplace_back(v);
        return;
      }
      default: sql += column + " " + std::string(search::ComparatorText(cl.comparator)) + " ?"; break;
    }
    if (const auto* n = std::get_if<search::Number>(&cl.value)) {
      params.emplace_back(n->integer.value_or(static_cast<int64_t>(n->value)));
    } else if (const auto* s = std::get_if<std::string>(&cl.value)) {
      params.emplace_back(*s);
    }
  };
  if (cl.type == search::KeyType::kTag) {
    sql += " AND EXISTS (SELECT 1 FROM evaluation_dataset_tags t WHERE t.dataset_id = d.dataset_id AND t.key = ? AND ";
    params.emplace_back(cl.key);
    compare("t.value");
    sql += ")";
    return;
  }
  sql += " AND ";
  compare("d." + cl.key);  // the service admits only MLflow's attribute names
}

}  // namespace

Result<EvaluationDataset> SqlDatasetStore::CreateDataset(const std::string& name, const std::vector<DatasetTag>& tags,
                                                         const std::vector<std::string>& experiment_ids,
                                                         const std::optional<std::string>& user) {
  std::optional<EvaluationDataset> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    const std::string id = "d-" + NewUuidHex();
    const int64_t now = NowMillis();
    auto ins = c.Prepare(
        "INSERT INTO evaluation_datasets (dataset_id, name, schema, profile, digest, created_time, last_update_time, "
        "created_by, last_updated_by) VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?)");
    ins->BindAll(id, name, Digest(name, now), now, now, user, user);
    ins->Execute();
    for (const auto& t : tags) {
      auto tag = c.Prepare("INSERT INTO evaluation_dataset_tags (dataset_id, key, value) VALUES (?, ?, ?)");
      tag->BindAll(id, t.key, t.value);
      tag->Execute();
    }
    for (const auto& e : experiment_ids) InsertAssociation(c, id, e, now);
    MLFLOW_ASSIGN_OR_RETURN(EvaluationDataset d, LoadDataset(c, id, "Evaluation dataset with id '" + id + "' not found"));
    d.experiment_ids = experiment_ids;
    out = std::move(d);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<EvaluationDataset> SqlDatasetStore::GetDataset(const std::string& dataset_id) {
  return db_->Read<EvaluationDataset>([&](Connection& c) {
    return LoadDataset(c, dataset_id, "Evaluation dataset with id '" + dataset_id + "' not found");
  });
}

Status SqlDatasetStore::DeleteDataset(const std::string& dataset_id) {
  return db_->Write([&](Connection& c) -> Status {
    if (!DatasetExists(c, dataset_id)) return Status();
    auto links = c.Prepare(
        "DELETE FROM entity_associations WHERE (destination_type = ? AND destination_id = ?) OR "
        "(source_type = ? AND source_id = ?)");
    links->BindAll(kSourceDataset, dataset_id, kSourceDataset, dataset_id);
    links->Execute();
    // Children first: the foreign keys cascade in MLflow's schema, but the rows go either way.
    for (const char* table : {"evaluation_dataset_records", "evaluation_dataset_tags", "evaluation_datasets"}) {
      auto del = c.Prepare(std::string("DELETE FROM ") + table + " WHERE dataset_id = ?");
      del->Bind(1, dataset_id);
      del->Execute();
    }
    return Status();
  });
}

Result<DatasetPage> SqlDatasetStore::SearchDatasets(const DatasetSearchRequest& request) {
  std::string sql = "SELECT d.dataset_id FROM evaluation_datasets d WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (!request.experiment_ids.empty()) {
    sql += " AND d.dataset_id IN (SELECT source_id FROM entity_associations WHERE source_type = ? AND "
           "destination_type = ? AND destination_id IN " + Placeholders(request.experiment_ids.size()) + ")";
    params.emplace_back(std::string(kSourceDataset));
    params.emplace_back(std::string(kDestExperiment));
    for (const auto& e : request.experiment_ids) params.emplace_back(e);
  }
  for (const auto& cl : request.filter.clauses) AppendClause(cl, sql, params);
  sql += " ORDER BY ";
  bool has_id = false;
  for (const auto& [column, asc] : request.order_by) {
    sql += "d." + column + (asc ? " ASC, " : " DESC, ");  // columns checked by the service
    has_id = has_id || column == "dataset_id";
  }
  if (!has_id) sql += "d.dataset_id DESC, ";
  sql.resize(sql.size() - 2);
  sql += " LIMIT ? OFFSET ?";
  params.emplace_back(request.max_results + 1);
  params.emplace_back(request.offset);
  return db_->Read<DatasetPage>([&](Connection& c) -> Result<DatasetPage> {
    std::vector<std::string> ids;
    {
      auto st = c.Prepare(sql);
      st->BindAll(params);
      while (st->Step()) ids.push_back(st->Text(0));
    }
    DatasetPage page;
    if (static_cast<int64_t>(ids.size()) > request.max_results) {
      page.has_more = true;
      ids.resize(request.max_results);
    }
    for (const auto& id : ids) {
      auto d = LoadDataset(c, id, "");
      if (d.ok()) page.datasets.push_back(std::move(*d));
    }
    return page;
  });
}

Status SqlDatasetStore::SetDatasetTags(const std::string& dataset_id, const std::vector<DatasetTag>& tags) {
  return db_->Write([&](Connection& c) -> Status {
    if (!DatasetExists(c, dataset_id)) {
      return Status::NotFound("Could not find evaluation dataset with ID " + dataset_id);
    }
    for (const auto& t : tags) {
      if (!t.value) continue;
      auto up = c.Prepare("UPDATE evaluation_dataset_tags SET value = ? WHERE dataset_id = ? AND key = ?");
      up->BindAll(*t.value, dataset_id, t.key);
      if (up->Execute() > 0) continue;
      auto ins = c.Prepare("INSERT INTO evaluation_dataset_tags (dataset_id, key, value) VALUES (?, ?, ?)");
      ins->BindAll(dataset_id, t.key, *t.value);
      ins->Execute();
    }
    return Status();
  });
}

Status SqlDatasetStore::DeleteDatasetTag(const std::string& dataset_id, const std::string& key) {
  return db_->Write([&](Connection& c) -> Status {
    auto del = c.Prepare("DELETE FROM evaluation_dataset_tags WHERE dataset_id = ? AND key = ?");
    del->BindAll(dataset_id, key);
    del->Execute();
    return Status();
  });
}

Result<DatasetUpsertResult> SqlDatasetStore::UpsertDatasetRecords(const std::string& dataset_id,
                                                                  const std::vector<DatasetRecordUpsert>& records) {
  DatasetUpsertResult result;
  Status st = db_->Write([&](Connection& c) -> Status {
    result = {};
    // A read-modify-write of the dataset row (schema, profile): on PostgreSQL the row lock keeps
    // two upserts from both reading the old schema (SQLite has one writer).
    std::string lock = "SELECT name, schema FROM evaluation_datasets WHERE dataset_id = ?";
    if (c.dialect() == Dialect::kPostgres) lock += " FOR NO KEY UPDATE";
    if (c.dialect() == Dialect::kMysql) lock += " FOR UPDATE";
    auto ds = c.Prepare(lock);
    ds->Bind(1, dataset_id);
    if (!ds->Step()) return Status::NotFound("Evaluation dataset with id '" + dataset_id + "' not found");
    const std::string name = ds->Text(0);
    const std::optional<std::string> existing_schema = OptText(*ds, 1);
    const int64_t now = NowMillis();
    std::optional<std::string> updated_by;
    for (const auto& r : records) {
      if (r.user) updated_by = r.user;
      auto find = c.Prepare(
          "SELECT dataset_record_id, outputs, expectations, tags FROM evaluation_dataset_records "
          "WHERE dataset_id = ? AND input_hash = ?");
      find->BindAll(dataset_id, r.input_hash);
      if (find->Step()) {
        // MLflow's SqlEvaluationDatasetRecord.merge: outputs replaced when given, expectations
        // and tags updated key by key, created_* kept.
        const std::string record_id = find->Text(0);
        Json outputs = ParseColumn(*find, 1);
        Json expectations = ParseColumn(*find, 2);
        Json tags = ParseColumn(*find, 3);
        if (r.has_outputs) outputs = Wrap(r.outputs);
        if (Truthy(r.expectations) && r.expectations.is_object()) {
          if (!expectations.is_object()) expectations = Json::object();
          for (auto it = r.expectations.begin(); it != r.expectations.end(); ++it) expectations[it.key()] = it.value();
        }
        if (Truthy(r.tags) && r.tags.is_object()) {
          if (!tags.is_object()) tags = Json::object();
          for (auto it = r.tags.begin(); it != r.tags.end(); ++it) tags[it.key()] = it.value();
        }
        std::string sql =
            "UPDATE evaluation_dataset_records SET outputs = ?, expectations = ?, tags = ?, last_update_time = ?";
        if (r.user) sql += ", last_updated_by = ?";
        sql += " WHERE dataset_record_id = ?";
        auto up = c.Prepare(sql);
        int next = up->BindFrom(1, PyJsonDumps(outputs), PyJsonDumps(expectations), PyJsonDumps(tags), NowMillis());
        if (r.user) up->Bind(next++, *r.user);
        up->Bind(next, record_id);
        up->Execute();
        ++result.updated;
        continue;
      }
      auto ins = c.Prepare(
          "INSERT INTO evaluation_dataset_records (dataset_record_id, dataset_id, inputs, expectations, tags, source, "
          "source_id, source_type, created_time, last_update_time, created_by, last_updated_by, input_hash, outputs) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      // An absent "outputs" is stored as {} (MLflow's record_dict.get("outputs", {})); tags as {}.
      Json outputs = r.has_outputs ? r.outputs : Json::object();
      ins->BindAll("dr-" + NewUuidHex(), dataset_id, PyJsonDumps(r.inputs), PyJsonDumps(r.expectations),
                   PyJsonDumps(r.tags.is_null() ? Json::object() : r.tags), PyJsonDumps(r.source), r.source_id,
                   r.source_type, now, now, r.user, r.user, r.input_hash, PyJsonDumps(Wrap(outputs)));
      ins->Execute();
      ++result.inserted;
    }
    std::optional<Json> schema = UpdateSchema(existing_schema, records);
    auto count = c.Prepare("SELECT COUNT(*) FROM evaluation_dataset_records WHERE dataset_id = ?");
    count->Bind(1, dataset_id);
    count->Step();
    const int64_t total = count->Int(0);
    std::string sql = "UPDATE evaluation_datasets SET last_update_time = ?, last_updated_by = ?, digest = ?";
    if (schema) sql += ", schema = ?";
    if (total > 0) sql += ", profile = ?";
    sql += " WHERE dataset_id = ?";
    auto up = c.Prepare(sql);
    int next = up->BindFrom(1, now, updated_by, Digest(name, now));
    if (schema) up->Bind(next++, PyJsonDumps(*schema));
    if (total > 0) up->Bind(next++, PyJsonDumps(Json{{"num_records", total}}));
    up->Bind(next, dataset_id);
    up->Execute();
    return Status();
  });
  if (!st.ok()) return st;
  return result;
}

Result<DatasetRecordPage> SqlDatasetStore::GetDatasetRecords(const std::string& dataset_id, int64_t max_results,
                                                             const std::optional<std::pair<int64_t, std::string>>& after,
                                                             int64_t offset) {
  std::string sql =
      "SELECT dataset_record_id, dataset_id, inputs, outputs, expectations, tags, source, source_id, source_type, "
      "created_time, last_update_time, created_by, last_updated_by FROM evaluation_dataset_records WHERE dataset_id = ?";
  if (after) sql += " AND (created_time > ? OR (created_time = ? AND dataset_record_id > ?))";
  sql += " ORDER BY created_time, dataset_record_id LIMIT ? OFFSET ?";
  return db_->Read<DatasetRecordPage>([&](Connection& c) -> Result<DatasetRecordPage> {
    auto st = c.Prepare(sql);
    int next = st->BindFrom(1, dataset_id);
    if (after) next = st->BindFrom(next, after->first, after->first, after->second);
    st->BindFrom(next, max_results + 1, offset);
    DatasetRecordPage page;
    while (st->Step()) {
      DatasetRecord r;
      r.dataset_record_id = st->Text(0);
      r.dataset_id = st->Text(1);
      r.inputs = ParseColumn(*st, 2);
      r.outputs = ParseColumn(*st, 3);
      r.expectations = ParseColumn(*st, 4);
      r.tags = ParseColumn(*st, 5);
      r.source = ParseColumn(*st, 6);
      r.source_id = OptText(*st, 7);
      r.source_type = OptText(*st, 8);
      r.created_time = st->IsNull(9) ? 0 : st->Int(9);
      r.last_update_time = st->IsNull(10) ? 0 : st->Int(10);
      r.created_by = OptText(*st, 11);
      r.last_updated_by = OptText(*st, 12);
      page.records.push_back(std::move(r));
    }
    if (static_cast<int64_t>(page.records.size()) > max_results) {
      page.records.resize(max_results);
      if (!page.records.empty()) {
        page.next = {page.records.back().created_time, page.records.back().dataset_record_id};
      }
    }
    return page;
  });
}

Result<int64_t> SqlDatasetStore::DeleteDatasetRecords(const std::string& dataset_id,
                                                      const std::vector<std::string>& record_ids) {
  int64_t deleted = 0;
  Status st = db_->Write([&](Connection& c) -> Status {
    deleted = 0;
    if (record_ids.empty()) return Status();
    std::string lock = "SELECT profile FROM evaluation_datasets WHERE dataset_id = ?";
    if (c.dialect() == Dialect::kPostgres) lock += " FOR NO KEY UPDATE";
    if (c.dialect() == Dialect::kMysql) lock += " FOR UPDATE";
    auto ds = c.Prepare(lock);
    ds->Bind(1, dataset_id);
    const bool exists = ds->Step();
    std::optional<std::string> profile = exists ? OptText(*ds, 0) : std::nullopt;
    auto del = c.Prepare("DELETE FROM evaluation_dataset_records WHERE dataset_id = ? AND dataset_record_id IN " +
                         Placeholders(record_ids.size()));
    int next = del->BindFrom(1, dataset_id);
    for (const auto& id : record_ids) del->Bind(next++, id);
    deleted = del->Execute();
    if (deleted == 0 || !exists) return Status();
    // MLflow's bookkeeping: num_records less the deleted rows; json.dumps(None) ("null") at 0.
    int64_t count = 0;
    if (profile) {
      Json p = Json::parse(*profile, nullptr, false);
      if (p.is_object() && p.contains("num_records") && p["num_records"].is_number_integer()) {
        count = p["num_records"].get<int64_t>();
      }
    }
    const int64_t remaining = std::max<int64_t>(0, count - deleted);
    auto up = c.Prepare("UPDATE evaluation_datasets SET profile = ? WHERE dataset_id = ?");
    up->BindAll(remaining > 0 ? PyJsonDumps(Json{{"num_records", remaining}}) : std::string("null"), dataset_id);
    up->Execute();
    return Status();
  });
  if (!st.ok()) return st;
  return deleted;
}

Result<std::vector<std::string>> SqlDatasetStore::GetDatasetExperimentIds(const std::string& dataset_id) {
  return db_->Read<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
    return LinkedExperiments(c, dataset_id);
  });
}

Result<EvaluationDataset> SqlDatasetStore::AddDatasetToExperiments(const std::string& dataset_id,
                                                                   const std::vector<std::string>& experiment_ids) {
  std::optional<EvaluationDataset> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    if (!DatasetExists(c, dataset_id)) return Status::NotFound("Dataset '" + dataset_id + "' not found");
    for (const auto& e : experiment_ids) {
      std::optional<int64_t> n = ParsePythonInt(e);
      bool found = false;
      if (n) {
        auto exp = c.Prepare("SELECT 1 FROM experiments WHERE experiment_id = ?");
        exp->Bind(1, *n);
        found = exp->Step();
      }
      if (!found) return Status::NotFound("No Experiment with id=" + e);
    }
    const auto linked = LinkedExperiments(c, dataset_id);
    std::set<std::string> have(linked.begin(), linked.end());
    const int64_t now = NowMillis();
    for (const auto& e : experiment_ids) {
      if (have.insert(e).second) InsertAssociation(c, dataset_id, e, now);
    }
    auto up = c.Prepare("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?");
    up->BindAll(now, dataset_id);
    up->Execute();
    MLFLOW_ASSIGN_OR_RETURN(EvaluationDataset d, LoadDataset(c, dataset_id, "Dataset '" + dataset_id + "' not found"));
    out = std::move(d);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<EvaluationDataset> SqlDatasetStore::RemoveDatasetFromExperiments(
    const std::string& dataset_id, const std::vector<std::string>& experiment_ids) {
  std::optional<EvaluationDataset> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    if (!DatasetExists(c, dataset_id)) return Status::NotFound("Dataset '" + dataset_id + "' not found");
    int64_t removed = 0;
    for (const auto& e : experiment_ids) {
      auto del = c.Prepare(
          "DELETE FROM entity_associations WHERE source_type = ? AND source_id = ? AND destination_type = ? AND "
          "destination_id = ?");
      del->BindAll(kSourceDataset, dataset_id, kDestExperiment, e);
      removed += del->Execute();
    }
    if (removed > 0) {
      auto up = c.Prepare("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_id = ?");
      up->BindAll(NowMillis(), dataset_id);
      up->Execute();
    }
    MLFLOW_ASSIGN_OR_RETURN(EvaluationDataset d, LoadDataset(c, dataset_id, "Dataset '" + dataset_id + "' not found"));
    out = std::move(d);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

}  // namespace mlflow::store::sql
