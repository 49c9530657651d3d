#include "store/sql/sql_logged_model_store.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "core/py_json.h"
#include "core/python_numbers.h"
#include "search/sql_compiler.h"
#include "store/sql/sql_tracking_store.h"

namespace mlflow::store::sql {
namespace {

using sql::Connection;
using nlohmann::json;

constexpr const char* kModelVersionsTag = "mlflow.modelVersions";

Status ModelNotFound(const std::string& model_id) {
  return Status::NotFound("Logged model with ID '" + model_id + "' not found.");
}

struct ModelRow {
  int64_t experiment_id = 0;
  std::string lifecycle_stage;
};

// The model's row whatever its lifecycle (MLflow's _get_logged_model_record).
Result<ModelRow> LoadModelRow(Connection& c, const std::string& model_id) {
  auto st = c.Prepare("SELECT experiment_id, lifecycle_stage FROM logged_models WHERE model_id = ?");
  st->Bind(1, model_id);
  if (!st->Step()) return ModelNotFound(model_id);
  ModelRow r;
  r.experiment_id = st->Int(0);
  r.lifecycle_stage = st->IsNull(1) ? "" : st->Text(1);
  return r;
}

Result<LoggedModel> LoadLoggedModel(Connection& c, const std::string& model_id, bool include_deleted) {
  auto st = c.Prepare(
      "SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, "
      "status, lifecycle_stage, model_type, source_run_id, status_message FROM logged_models WHERE model_id = ?");
  st->Bind(1, model_id);
  if (!st->Step()) return ModelNotFound(model_id);
  if (!include_deleted && !st->IsNull(7) && st->Text(7) == kLifecycleDeleted) return ModelNotFound(model_id);
  LoggedModel m;
  m.model_id = st->Text(0);
  m.experiment_id = std::to_string(st->Int(1));
  m.name = st->Text(2);
  m.artifact_uri = st->Text(3);
  m.creation_timestamp_ms = st->Int(4);
  m.last_updated_timestamp_ms = st->Int(5);
  int64_t status = st->Int(6);
  m.status = (status >= 0 && status <= 3) ? static_cast<LoggedModelStatus>(status) : LoggedModelStatus::kUnspecified;
  if (!st->IsNull(8)) m.model_type = st->Text(8);
  if (!st->IsNull(9)) m.source_run_id = st->Text(9);
  if (!st->IsNull(10)) m.status_message = st->Text(10);

  auto tags = c.Prepare("SELECT tag_key, tag_value FROM logged_model_tags WHERE model_id = ? ORDER BY tag_key");
  tags->Bind(1, model_id);
  while (tags->Step()) m.tags.push_back({tags->Text(0), tags->Text(1)});
  auto params = c.Prepare(
      "SELECT param_key, param_value FROM logged_model_params WHERE model_id = ? ORDER BY param_key");
  params->Bind(1, model_id);
  while (params->Step()) m.params.push_back({params->Text(0), params->Text(1)});
  auto metrics = c.Prepare(
      "SELECT metric_name, metric_value, metric_timestamp_ms, metric_step, run_id, dataset_name, dataset_digest "
      "FROM logged_model_metrics WHERE model_id = ? ORDER BY metric_name, metric_timestamp_ms, metric_step, run_id");
  metrics->Bind(1, model_id);
  while (metrics->Step()) {
    Metric x;
    x.key = metrics->Text(0);
    x.value = metrics->IsNull(1) ? NAN : metrics->Double(1);
    x.timestamp = metrics->Int(2);
    x.step = metrics->Int(3);
    x.run_id = metrics->Text(4);
    if (!metrics->IsNull(5)) x.dataset_name = metrics->Text(5);
    if (!metrics->IsNull(6)) x.dataset_digest = metrics->Text(6);
    x.model_id = model_id;
    m.metrics.push_back(std::move(x));
  }
  return m;
}

void UpsertTag(Connection& c, const std::string& model_id, int64_t experiment_id, const KeyValue& tag) {
  auto up = c.Prepare("UPDATE logged_model_tags SET tag_value = ? WHERE model_id = ? AND tag_key = ?");
  up->Bind(1, tag.value);
  up->Bind(2, model_id);
  up->Bind(3, tag.key);
  if (up->Execute() > 0) return;
  auto ins = c.Prepare(
      "INSERT INTO logged_model_tags (model_id, experiment_id, tag_key, tag_value) VALUES (?, ?, ?, ?)");
  ins->Bind(1, model_id);
  ins->Bind(2, experiment_id);
  ins->Bind(3, tag.key);
  ins->Bind(4, tag.value);
  ins->Execute();
}

void InsertParams(Connection& c, const std::string& model_id, int64_t experiment_id,
                  const std::vector<KeyValue>& params) {
  for (const auto& p : params) {
    auto ins = c.Prepare(
        "INSERT INTO logged_model_params (model_id, experiment_id, param_key, param_value) VALUES (?, ?, ?, ?)");
    ins->Bind(1, model_id);
    ins->Bind(2, experiment_id);
    ins->Bind(3, p.key);
    ins->Bind(4, p.value);
    ins->Execute();  // an existing key is a constraint error: BAD_REQUEST, as in MLflow
  }
}

}  // namespace

SqlLoggedModelStore::SqlLoggedModelStore(std::shared_ptr<sql::Database> db) : db_(std::move(db)) {}

Result<LoggedModel> SqlLoggedModelStore::CreateLoggedModel(const CreateLoggedModelRequest& request) {
  if (request.name) {
    const std::string& n = *request.name;
    if (n.empty() || n.find_first_of("/:.%\"'") != std::string::npos) {
      std::string repr = "'" + n + "'";
      if (n.find('\'') != std::string::npos && n.find('"') == std::string::npos) repr = "\"" + n + "\"";
      return Status::InvalidParameter(
          "Invalid model name (" + repr +
          ") provided. Model name must be a non-empty string and cannot contain the following characters: ('/', "
          "':', '.', '%', '\"', \"'\")");
    }
  }
  const std::string& eid = request.experiment_id;
  // Python's int(), as for every experiment id (sql_tracking_store.cc).
  bool out_of_range = false;
  std::optional<int64_t> parsed = ParsePythonInt(eid, &out_of_range);
  if (out_of_range) return Status::NotFound("No Experiment with id=" + eid + " exists");
  if (!parsed) {
    return Status::InvalidParameter("Invalid experiment ID '" + eid + "'. Experiment ID must be a valid integer.");
  }
  const int64_t experiment_id = *parsed;
  std::optional<LoggedModel> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    auto exp = c.Prepare("SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = ?");
    exp->Bind(1, experiment_id);
    if (!exp->Step()) return Status::NotFound("No Experiment with id=" + std::to_string(experiment_id) + " exists");
    std::string location = exp->IsNull(0) ? "" : exp->Text(0);
    std::string stage = exp->Text(1);
    if (stage != kLifecycleActive) {
      return Status::InvalidParameter("The experiment " + eid + " must be in the 'active' state. Current state is " +
                                      stage + ".");
    }
    std::string model_id = NewLoggedModelId();
    int64_t now = NowMillis();
    auto ins = c.Prepare(
        "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, "
        "last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id, status_message) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, 'active', ?, ?, NULL)");
    ins->Bind(1, model_id);
    ins->Bind(2, experiment_id);
    ins->Bind(3, request.name && !request.name->empty() ? *request.name : GenerateRunName());
    ins->Bind(4, AppendToUriPath(AppendToUriPath(AppendToUriPath(location, "models"), model_id), "artifacts"));
    ins->Bind(5, now);
    ins->Bind(6, now);
    if (request.model_type) {
      ins->Bind(7, *request.model_type);
    } else {
      ins->BindNull(7);
    }
    if (request.source_run_id) {
      ins->Bind(8, *request.source_run_id);
    } else {
      ins->BindNull(8);
    }
    ins->Execute();
    InsertParams(c, model_id, experiment_id, request.params);
    for (const auto& t : request.tags) {
      auto tag = c.Prepare(
          "INSERT INTO logged_model_tags (model_id, experiment_id, tag_key, tag_value) VALUES (?, ?, ?, ?)");
      tag->Bind(1, model_id);
      tag->Bind(2, experiment_id);
      tag->Bind(3, t.key);
      tag->Bind(4, t.value);
      tag->Execute();
    }
    MLFLOW_ASSIGN_OR_RETURN(LoggedModel m, LoadLoggedModel(c, model_id, false));
    out = std::move(m);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<LoggedModel> SqlLoggedModelStore::GetLoggedModel(const std::string& model_id) {
  return db_->Read<LoggedModel>([&](Connection& c) { return LoadLoggedModel(c, model_id, false); });
}

Result<LoggedModel> SqlLoggedModelStore::GetLoggedModelAnyStage(const std::string& model_id) {
  return db_->Read<LoggedModel>([&](Connection& c) { return LoadLoggedModel(c, model_id, true); });
}

Result<LoggedModel> SqlLoggedModelStore::FinalizeLoggedModel(const std::string& model_id, LoggedModelStatus status) {
  std::optional<LoggedModel> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadModelRow(c, model_id).status());
    auto up = c.Prepare("UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?");
    up->Bind(1, static_cast<int64_t>(status));
    up->Bind(2, NowMillis());
    up->Bind(3, model_id);
    up->Execute();
    MLFLOW_ASSIGN_OR_RETURN(LoggedModel m, LoadLoggedModel(c, model_id, true));
    out = std::move(m);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Status SqlLoggedModelStore::DeleteLoggedModel(const std::string& model_id) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadModelRow(c, model_id).status());
    auto up = c.Prepare(
        "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?");
    up->Bind(1, NowMillis());
    up->Bind(2, model_id);
    up->Execute();
    return Status();
  });
}

Result<LoggedModelPage> SqlLoggedModelStore::SearchLoggedModels(const LoggedModelSearchRequest& request) {
  search::LoggedModelSearchSpec spec;
  spec.experiment_ids = request.experiment_ids;
  spec.filter = request.filter;
  for (const auto& d : request.datasets) spec.datasets.push_back({d.dataset_name, d.dataset_digest});
  for (const auto& o : request.order_by) {
    spec.order_by.push_back({o.field_name, o.ascending, o.dataset_name, o.dataset_digest});
  }
  spec.max_results = request.max_results;
  spec.page_token = request.page_token;
  MLFLOW_RETURN_IF_ERROR(search::ValidateMaxResults(search::SearchEntity::kLoggedModels, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch compiled, search::CompileLoggedModelSearch(spec, db_->dialect()));
  return db_->Read<LoggedModelPage>([&](Connection& c) -> Result<LoggedModelPage> {
    std::vector<std::string> ids;
    size_t rows = 0;
    {
      auto st = c.Prepare(compiled.query.sql);
      st->BindAll(compiled.query.params);
      while (st->Step()) {
        ++rows;
        if (static_cast<int64_t>(ids.size()) < compiled.max_results) ids.push_back(st->Text(0));
      }
    }
    LoggedModelPage page;
    page.next_page_token = compiled.NextPageToken(rows);
    for (const auto& id : ids) {
      auto m = LoadLoggedModel(c, id, false);
      if (m.ok()) page.models.push_back(std::move(*m));
    }
    return page;
  });
}

Status SqlLoggedModelStore::SetLoggedModelTags(const std::string& model_id, const std::vector<KeyValue>& tags) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(ModelRow row, LoadModelRow(c, model_id));
    for (const auto& t : tags) UpsertTag(c, model_id, row.experiment_id, t);
    return Status();
  });
}

Status SqlLoggedModelStore::DeleteLoggedModelTag(const std::string& model_id, const std::string& key) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadModelRow(c, model_id).status());
    auto del = c.Prepare("DELETE FROM logged_model_tags WHERE model_id = ? AND tag_key = ?");
    del->Bind(1, model_id);
    del->Bind(2, key);
    if (del->Execute() == 0) {
      return Status::NotFound("No tag with key " + PyStrRepr(key) + " found for model with ID " +
                              PyStrRepr(model_id) + ".");
    }
    return Status();
  });
}

Status SqlLoggedModelStore::LogLoggedModelParams(const std::string& model_id, const std::vector<KeyValue>& params) {
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_ASSIGN_OR_RETURN(ModelRow row, LoadModelRow(c, model_id));
    InsertParams(c, model_id, row.experiment_id, params);
    return Status();
  });
}

Status SqlLoggedModelStore::AddModelVersionTag(const std::string& model_id, const std::string& name,
                                               int64_t version) {
  return db_->Write([&](Connection& c) -> Status {
    // A read-modify-write of the tag: on PostgreSQL the model's row lock keeps two registrations
    // (on two replicas too) from both reading the old list (SQLite has one writer).
    if (c.dialect() != sql::Dialect::kSqlite) {
      auto lock = c.Prepare(c.dialect() == sql::Dialect::kPostgres
                                ? "SELECT 1 FROM logged_models WHERE model_id = ? FOR NO KEY UPDATE"
                                : "SELECT 1 FROM logged_models WHERE model_id = ? FOR UPDATE");
      lock->Bind(1, model_id);
      while (lock->Step()) {
      }
    }
    // MLflow reads the model through get_logged_model: deleted models are not found.
    MLFLOW_ASSIGN_OR_RETURN(LoggedModel m, LoadLoggedModel(c, model_id, false));
    json entry = {{"name", name}, {"version", version}};
    json list = json::array();
    for (const auto& t : m.tags) {
      if (t.key != kModelVersionsTag) continue;
      json existing = json::parse(t.value, nullptr, false);
      if (existing.is_array()) list = std::move(existing);
    }
    if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(entry);
    UpsertTag(c, model_id, std::stoll(m.experiment_id), {kModelVersionsTag, PyJsonDumps(PyJson(list))});
    return Status();
  });
}

}  // namespace mlflow::store::sql
