#include "store/sql/sql_registry_store.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/ids.h"
#include "core/limits.h"
#include "core/validation.h"
#include "search/sql_compiler.h"
#include "store/sql/in_list.h"

namespace mlflow::store::sql {
namespace {

using sql::Connection;
namespace v = mlflow::validation;

using limits::kMaxAliasLength;
using limits::kMaxRegistryTagValueLength;
constexpr const char* kPromptTextTag = "mlflow.prompt.text";

constexpr const char* kVersionColumns =
    "name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, "
    "status, status_message, run_link, storage_location";

std::optional<std::string> OptText(sql::Statement& st, int col) {
  if (st.IsNull(col)) return std::nullopt;
  return st.Text(col);
}

void BindOpt(sql::Statement& st, int index, const std::optional<std::string>& v) {
  if (v) {
    st.Bind(index, *v);
  } else {
    st.BindNull(index);
  }
}

ModelVersion ReadVersionRow(sql::Statement& st) {
  ModelVersion mv;
  mv.name = st.Text(0);
  mv.version = st.Int(1);
  mv.creation_timestamp = st.IsNull(2) ? 0 : st.Int(2);
  if (!st.IsNull(3)) mv.last_updated_timestamp = st.Int(3);
  mv.description = OptText(st, 4);
  mv.user_id = OptText(st, 5);
  mv.current_stage = OptText(st, 6);
  mv.source = OptText(st, 7);
  mv.run_id = OptText(st, 8);
  mv.status = OptText(st, 9);
  mv.status_message = OptText(st, 10);
  mv.run_link = OptText(st, 11);
  mv.storage_location = OptText(st, 12);
  return mv;
}

void LoadVersionTags(Connection& c, ModelVersion* mv) {
  auto st = c.Prepare("SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key");
  st->Bind(1, mv->name);
  st->Bind(2, mv->version);
  while (st->Step()) mv->tags.push_back({st->Text(0), st->IsNull(1) ? "" : st->Text(1)});
}

void LoadVersionAliases(Connection& c, ModelVersion* mv) {
  auto st = c.Prepare("SELECT alias FROM registered_model_aliases WHERE name = ? AND version = ? ORDER BY alias");
  st->Bind(1, mv->name);
  st->Bind(2, mv->version);
  while (st->Step()) mv->aliases.push_back(st->Text(0));
}

Status ValidateName(const std::string& name) {
  if (name.empty()) return v::Missing("name");
  return Status();
}

Status RegisteredModelNotFound(const std::string& name) {
  return Status::NotFound("Registered Model with name=" + name + " not found");
}

Status VersionNotFound(const std::string& name, const std::string& version) {
  return Status::NotFound("Model Version (name=" + name + ", version=" + version + ") not found");
}

bool RegisteredModelExists(Connection& c, const std::string& name) {
  auto st = c.Prepare("SELECT 1 FROM registered_models WHERE name = ?");
  st->Bind(1, name);
  return st->Step();
}

Status RequireRegisteredModel(Connection& c, const std::string& name) {
  if (!RegisteredModelExists(c, name)) return RegisteredModelNotFound(name);
  return Status();
}

// A live (not soft-deleted) version, with tags and aliases.
Result<ModelVersion> LoadVersion(Connection& c, const std::string& name, int64_t version, const std::string& text,
                                 bool with_details = true) {
  auto st = c.Prepare(std::string("SELECT ") + kVersionColumns +
                      " FROM model_versions WHERE name = ? AND version = ? AND current_stage != 'Deleted_Internal'");
  st->Bind(1, name);
  st->Bind(2, version);
  if (!st->Step()) return VersionNotFound(name, text);
  ModelVersion mv = ReadVersionRow(*st);
  if (with_details) {
    LoadVersionTags(c, &mv);
    LoadVersionAliases(c, &mv);
  }
  return mv;
}

// Runs `prefix IN (names...) suffix` over `names` in chunks (in_list.h); calls on_row for every row.
template <typename Fn>
void ForEachNameChunk(Connection& c, const std::vector<std::string>& names, const std::string& prefix,
                      const std::string& suffix, Fn on_row) {
  for (const sql::InListChunk& chunk : sql::SplitInList(names.size())) {
    auto st = c.Prepare(prefix + " IN " + chunk.placeholders + suffix);
    sql::BindInList(*st, 1, names, chunk);
    while (st->Step()) on_row(*st);
  }
}

using VersionKey = std::pair<std::string, int64_t>;

// Tags of the given versions, fetched per model name in a few set-based queries (the tag table's
// key starts with `key`, so a per-version lookup would scan it once per version).
std::map<VersionKey, std::vector<KeyValue>> LoadTagsOfVersions(Connection& c, const std::vector<std::string>& names,
                                                               const std::set<VersionKey>& wanted) {
  std::map<VersionKey, std::vector<KeyValue>> out;
  if (wanted.empty()) return out;
  ForEachNameChunk(c, names, "SELECT name, version, key, value FROM model_version_tags WHERE name",
                   " ORDER BY name, version, key", [&](sql::Statement& st) {
                     VersionKey k{st.Text(0), st.Int(1)};
                     if (!wanted.count(k)) return;
                     out[k].push_back({st.Text(2), st.IsNull(3) ? "" : st.Text(3)});
                   });
  return out;
}

// Registered models in the order of `names` (unknown names skipped), each with its latest version
// per stage (with tags, without aliases, as MLflow builds them), tags and aliases.
std::vector<RegisteredModel> LoadRegisteredModels(Connection& c, const std::vector<std::string>& names) {
  std::map<std::string, RegisteredModel> by_name;
  ForEachNameChunk(c, names,
                   "SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE name", "",
                   [&](sql::Statement& st) {
                     RegisteredModel rm;
                     rm.name = st.Text(0);
                     if (!st.IsNull(1)) rm.creation_timestamp = st.Int(1);
                     if (!st.IsNull(2)) rm.last_updated_timestamp = st.Int(2);
                     rm.description = OptText(st, 3);
                     by_name.emplace(rm.name, std::move(rm));
                   });
  // Latest version per stage, in the order MLflow's dict yields them: stages ordered by the lowest
  // version number that has them; ascending rows, so a later row of a stage replaces the earlier.
  std::map<std::string, std::map<std::string, size_t>> stage_index;
  ForEachNameChunk(c, names, std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE name",
                   " AND current_stage != 'Deleted_Internal' ORDER BY name, version", [&](sql::Statement& st) {
                     ModelVersion mv = ReadVersionRow(st);
                     auto rm = by_name.find(mv.name);
                     if (rm == by_name.end()) return;
                     auto& index = stage_index[mv.name];
                     std::string stage = mv.current_stage.value_or("");
                     auto it = index.find(stage);
                     if (it == index.end()) {
                       index[stage] = rm->second.latest_versions.size();
                       rm->second.latest_versions.push_back(std::move(mv));
                     } else {
                       rm->second.latest_versions[it->second] = std::move(mv);
                     }
                   });
  std::set<VersionKey> latest;
  for (const auto& [n, rm] : by_name) {
    for (const auto& mv : rm.latest_versions) latest.insert({n, mv.version});
  }
  auto version_tags = LoadTagsOfVersions(c, names, latest);
  for (auto& [n, rm] : by_name) {
    for (auto& mv : rm.latest_versions) {
      auto it = version_tags.find({n, mv.version});
      if (it != version_tags.end()) mv.tags = std::move(it->second);
    }
  }
  ForEachNameChunk(c, names, "SELECT name, key, value FROM registered_model_tags WHERE name", " ORDER BY name, key",
                   [&](sql::Statement& st) {
                     auto rm = by_name.find(st.Text(0));
                     if (rm != by_name.end()) rm->second.tags.push_back({st.Text(1), st.IsNull(2) ? "" : st.Text(2)});
                   });
  ForEachNameChunk(c, names, "SELECT name, alias, version FROM registered_model_aliases WHERE name",
                   " ORDER BY name, alias", [&](sql::Statement& st) {
                     auto rm = by_name.find(st.Text(0));
                     if (rm != by_name.end()) rm->second.aliases.push_back({st.Text(1), st.Int(2)});
                   });
  std::vector<RegisteredModel> out;
  out.reserve(names.size());
  for (const auto& n : names) {
    auto it = by_name.find(n);
    if (it == by_name.end()) continue;
    out.push_back(std::move(it->second));
    by_name.erase(it);  // a name listed twice is returned once
  }
  return out;
}

Result<RegisteredModel> LoadRegisteredModel(Connection& c, const std::string& name) {
  std::vector<RegisteredModel> one = LoadRegisteredModels(c, {name});
  if (one.empty()) return RegisteredModelNotFound(name);
  return std::move(one.front());
}

// Live versions by (name, version), in the order given, with tags (no aliases, as MLflow's search).
std::vector<ModelVersion> LoadVersions(Connection& c, const std::vector<VersionKey>& keys) {
  std::vector<std::string> names;
  std::set<std::string> seen_names;
  std::set<VersionKey> wanted(keys.begin(), keys.end());
  for (const auto& k : keys) {
    if (seen_names.insert(k.first).second) names.push_back(k.first);
  }
  std::map<VersionKey, ModelVersion> rows;
  ForEachNameChunk(c, names, std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE name",
                   " AND current_stage != 'Deleted_Internal'", [&](sql::Statement& st) {
                     VersionKey k{st.Text(0), st.Int(1)};
                     if (wanted.count(k)) rows.emplace(k, ReadVersionRow(st));
                   });
  auto tags = LoadTagsOfVersions(c, names, wanted);
  std::vector<ModelVersion> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    auto it = rows.find(k);
    if (it == rows.end()) continue;
    ModelVersion mv = it->second;
    auto t = tags.find(k);
    if (t != tags.end()) mv.tags = t->second;
    out.push_back(std::move(mv));
  }
  return out;
}

// MLflow's tag-name check: an empty key is not "missing" here but normalises to '.'.
Status ValidateTagKey(const std::string& key) {
  if (key.empty()) {
    return v::Invalid("\"\"", "key",
                      "Names may be treated as files in certain cases, and must not resolve to other names when "
                      "treated as such. This name would resolve to '.'");
  }
  return v::ValidateKey(key, "key", "key");
}

Status ValidateRegisteredModelTag(const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(ValidateTagKey(tag.key));
  if (v::CharLength(tag.value) > kMaxRegistryTagValueLength) return v::TooLong("value", kMaxRegistryTagValueLength);
  return Status();
}

Status ValidateModelVersionTag(const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(ValidateTagKey(tag.key));
  if (tag.key == kPromptTextTag && v::CharLength(tag.value) > kMaxRegistryTagValueLength) {
    return Status::InvalidParameter("Prompt text exceeds max length of 100000 characters.");
  }
  if (v::CharLength(tag.value) > kMaxRegistryTagValueLength) return v::TooLong("value", kMaxRegistryTagValueLength);
  return Status();
}

bool IsAliasChar(unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch == '-' || ch >= 0x80; }

Status ValidateAliasName(const std::string& alias) {
  if (alias.empty()) return Status::InvalidParameter("Registered model alias name cannot be empty.");
  if (!std::all_of(alias.begin(), alias.end(), [](char ch) { return IsAliasChar(static_cast<unsigned char>(ch)); })) {
    return Status::InvalidParameter("Invalid alias name: '" + alias +
                                    "'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
  }
  if (v::CharLength(alias) > kMaxAliasLength) return v::TooLong("Registered model alias name", kMaxAliasLength);
  return Status();
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

Status ValidateAliasNotReserved(const std::string& alias) {
  if (Lower(alias) == "latest") return Status::InvalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (alias.size() > 1 && (alias[0] == 'v' || alias[0] == 'V') &&
      std::all_of(alias.begin() + 1, alias.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
    return Status::InvalidParameter("Version alias name '" + alias + "' is reserved.");
  }
  return Status();
}

// Update-then-insert keeps the statements valid on both key layouts (with and without workspace).
void UpsertRegisteredModelTag(Connection& c, const std::string& name, const KeyValue& tag) {
  auto up = c.Prepare("UPDATE registered_model_tags SET value = ? WHERE name = ? AND key = ?");
  up->Bind(1, tag.value);
  up->Bind(2, name);
  up->Bind(3, tag.key);
  if (up->Execute() > 0) return;
  auto ins = c.Prepare("INSERT INTO registered_model_tags (key, value, name) VALUES (?, ?, ?)");
  ins->Bind(1, tag.key);
  ins->Bind(2, tag.value);
  ins->Bind(3, name);
  ins->Execute();
}

void UpsertModelVersionTag(Connection& c, const std::string& name, int64_t version, const KeyValue& tag) {
  auto up = c.Prepare("UPDATE model_version_tags SET value = ? WHERE name = ? AND version = ? AND key = ?");
  up->Bind(1, tag.value);
  up->Bind(2, name);
  up->Bind(3, version);
  up->Bind(4, tag.key);
  if (up->Execute() > 0) return;
  auto ins = c.Prepare("INSERT INTO model_version_tags (key, value, name, version) VALUES (?, ?, ?, ?)");
  ins->Bind(1, tag.key);
  ins->Bind(2, tag.value);
  ins->Bind(3, name);
  ins->Bind(4, version);
  ins->Execute();
}

void TouchRegisteredModel(Connection& c, const std::string& name, int64_t now) {
  auto st = c.Prepare("UPDATE registered_models SET last_updated_time = ? WHERE name = ?");
  st->Bind(1, now);
  st->Bind(2, name);
  st->Execute();
}

bool HasPromptTag(const std::vector<KeyValue>& tags) {
  return std::any_of(tags.begin(), tags.end(), [](const KeyValue& t) { return t.key == kPromptTag; });
}

}  // namespace

}  // namespace mlflow::store::sql

namespace mlflow::store {
// Registry rules declared in store/registry_store.h (not SQL-specific).
Result<std::string> CanonicalStage(const std::string& stage) {
  std::string l = sql::Lower(stage);
  for (const char* s : {kStageNone, kStageStaging, kStageProduction, kStageArchived}) {
    if (l == sql::Lower(s)) return std::string(s);
  }
  return Status::InvalidParameter("Invalid Model Version stage: " + stage +
                                  ". Value must be one of None, Staging, Production, Archived.");
}

Result<int64_t> ParseModelVersion(const std::string& version) {
  // Python int(): surrounding whitespace, an optional sign, digits with single '_' between them.
  auto bad = [&] { return Status::InvalidParameter("Parameter 'version' must be an integer, got '" + version + "'."); };
  size_t b = 0, e = version.size();
  while (b < e && std::isspace(static_cast<unsigned char>(version[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(version[e - 1]))) --e;
  if (b == e) return bad();
  bool neg = false;
  if (version[b] == '+' || version[b] == '-') {
    neg = version[b] == '-';
    ++b;
  }
  if (b == e || !std::isdigit(static_cast<unsigned char>(version[b])) ||
      !std::isdigit(static_cast<unsigned char>(version[e - 1]))) {
    return bad();
  }
  int64_t n = 0;
  for (size_t i = b; i < e; ++i) {
    char ch = version[i];
    if (ch == '_') {
      if (version[i - 1] == '_') return bad();
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(ch))) return bad();
    if (n > (INT64_MAX - 9) / 10) return bad();  // beyond any stored version
    n = n * 10 + (ch - '0');
  }
  return neg ? -n : n;
}
}  // namespace mlflow::store

namespace mlflow::store::sql {

SqlRegistryStore::SqlRegistryStore(std::shared_ptr<sql::Database> db) : db_(std::move(db)) {}

// ---------------------------------------------------------------------------------------------
// Registered models

Result<RegisteredModel> SqlRegistryStore::CreateRegisteredModel(const std::string& name,
                                                                const std::vector<KeyValue>& tags,
                                                                const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  for (const auto& t : tags) MLFLOW_RETURN_IF_ERROR(ValidateRegisteredModelTag(t));
  std::optional<RegisteredModel> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    if (RegisteredModelExists(c, name)) {
      auto existing = c.Prepare("SELECT 1 FROM registered_model_tags WHERE name = ? AND key = ?");
      existing->Bind(1, name);
      existing->Bind(2, kPromptTag);
      bool old_prompt = existing->Step();
      bool new_prompt = HasPromptTag(tags);
      std::string old_entity = old_prompt ? "Prompt" : "Registered Model";
      std::string new_entity = new_prompt ? "Prompt" : "Registered Model";
      if (old_prompt != new_prompt) {
        return Status::AlreadyExists("Tried to create a " + Lower(new_entity) + " with name " + PyStrRepr(name) +
                                     ", but the name is already taken by a " + Lower(old_entity) +
                                     ". MLflow does not allow creating a model and a prompt with the same name.");
      }
      return Status::AlreadyExists(old_entity + " (name=" + name + ") already exists.");
    }
    int64_t now = NowMillis();
    auto ins = c.Prepare(
        "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)");
    ins->Bind(1, name);
    ins->Bind(2, now);
    ins->Bind(3, now);
    BindOpt(*ins, 4, description);
    ins->Execute();
    for (const auto& t : tags) UpsertRegisteredModelTag(c, name, t);  // duplicate keys: last wins
    MLFLOW_ASSIGN_OR_RETURN(RegisteredModel rm, LoadRegisteredModel(c, name));
    out = std::move(rm);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<RegisteredModel> SqlRegistryStore::GetRegisteredModel(const std::string& name) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  return db_->Read<RegisteredModel>([&](Connection& c) { return LoadRegisteredModel(c, name); });
}

Result<RegisteredModel> SqlRegistryStore::RenameRegisteredModel(const std::string& name,
                                                                const std::string& new_name) {
  if (new_name.empty()) return v::Missing("new_name");
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  std::optional<RegisteredModel> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    if (new_name != name && RegisteredModelExists(c, new_name)) {
      return Status::AlreadyExists("Registered Model (name=" + new_name +
                                   ") already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed: "
                                   "registered_models.name");
    }
    int64_t now = NowMillis();
    auto up = c.Prepare("UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?");
    up->Bind(1, new_name);
    up->Bind(2, now);
    up->Bind(3, name);
    up->Execute();
    // ON UPDATE CASCADE moves the children when foreign keys are enforced; these statements do it
    // when they are not (and touch nothing when the cascade already ran).
    for (const char* table : {"model_versions", "model_version_tags", "registered_model_tags",
                              "registered_model_aliases"}) {
      auto child = c.Prepare(std::string("UPDATE ") + table + " SET name = ? WHERE name = ?");
      child->Bind(1, new_name);
      child->Bind(2, name);
      child->Execute();
    }
    auto versions = c.Prepare("UPDATE model_versions SET last_updated_time = ? WHERE name = ?");
    versions->Bind(1, now);
    versions->Bind(2, new_name);
    versions->Execute();
    MLFLOW_ASSIGN_OR_RETURN(RegisteredModel rm, LoadRegisteredModel(c, new_name));
    out = std::move(rm);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<RegisteredModel> SqlRegistryStore::UpdateRegisteredModel(const std::string& name,
                                                                const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  std::optional<RegisteredModel> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    auto up = c.Prepare("UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?");
    up->Bind(1, description.value_or(""));
    up->Bind(2, NowMillis());
    up->Bind(3, name);
    up->Execute();
    MLFLOW_ASSIGN_OR_RETURN(RegisteredModel rm, LoadRegisteredModel(c, name));
    out = std::move(rm);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Status SqlRegistryStore::DeleteRegisteredModel(const std::string& name) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    // Children first: only the alias FK cascades on delete.
    for (const char* table : {"model_version_tags", "registered_model_aliases", "model_versions",
                              "registered_model_tags", "registered_models"}) {
      auto del = c.Prepare(std::string("DELETE FROM ") + table + " WHERE name = ?");
      del->Bind(1, name);
      del->Execute();
    }
    return Status();
  });
}

Result<RegisteredModelPage> SqlRegistryStore::SearchRegisteredModels(const RegistrySearchRequest& request) {
  search::RegisteredModelSearchSpec spec;
  spec.filter = request.filter;
  spec.order_by = request.order_by;
  spec.max_results = request.max_results.value_or(search::kRegisteredModelsMaxResultsDefault);
  spec.page_token = request.page_token;
  MLFLOW_RETURN_IF_ERROR(search::ValidateMaxResults(search::SearchEntity::kRegisteredModels, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch compiled,
                          search::CompileRegisteredModelSearch(spec, db_->dialect()));
  return db_->Read<RegisteredModelPage>([&](Connection& c) -> Result<RegisteredModelPage> {
    std::vector<std::string> names;
    size_t rows = 0;
    {
      auto st = c.Prepare(compiled.query.sql);
      st->BindAll(compiled.query.params);
      while (st->Step()) {
        ++rows;
        if (static_cast<int64_t>(names.size()) < compiled.max_results) names.push_back(st->Text(0));
      }
    }
    RegisteredModelPage page;
    page.next_page_token = compiled.NextPageToken(rows);
    page.models = LoadRegisteredModels(c, names);
    return page;
  });
}

Result<std::vector<ModelVersion>> SqlRegistryStore::GetLatestVersions(const std::string& name,
                                                                      const std::vector<std::string>& stages) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  std::vector<std::string> wanted;
  for (const auto& s : stages) {
    MLFLOW_ASSIGN_OR_RETURN(std::string canon, CanonicalStage(s));
    wanted.push_back(canon);
  }
  return db_->Read<std::vector<ModelVersion>>([&](Connection& c) -> Result<std::vector<ModelVersion>> {
    MLFLOW_ASSIGN_OR_RETURN(RegisteredModel rm, LoadRegisteredModel(c, name));
    std::vector<ModelVersion> out;
    for (auto& mv : rm.latest_versions) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), mv.current_stage.value_or("")) == wanted.end()) {
        continue;
      }
      for (const auto& a : rm.aliases) {
        if (a.version == mv.version) mv.aliases.push_back(a.alias);
      }
      out.push_back(std::move(mv));
    }
    return out;
  });
}

Status SqlRegistryStore::SetRegisteredModelTag(const std::string& name, const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_RETURN_IF_ERROR(ValidateRegisteredModelTag(tag));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    UpsertRegisteredModelTag(c, name, tag);
    return Status();
  });
}

Status SqlRegistryStore::DeleteRegisteredModelTag(const std::string& name, const std::string& key) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_RETURN_IF_ERROR(v::ValidateKeyName(key, "key"));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    auto del = c.Prepare("DELETE FROM registered_model_tags WHERE name = ? AND key = ?");
    del->Bind(1, name);
    del->Bind(2, key);
    del->Execute();
    return Status();
  });
}

// ---------------------------------------------------------------------------------------------
// Model versions

Result<ModelVersion> SqlRegistryStore::CreateModelVersion(const CreateModelVersionRequest& request) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(request.name));
  for (const auto& t : request.tags) MLFLOW_RETURN_IF_ERROR(ValidateModelVersionTag(t));
  std::optional<ModelVersion> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, request.name));
    int64_t now = NowMillis();
    // Touching the parent first locks its row (PostgreSQL): concurrent creators of one model, even
    // on other replicas, queue here and each then sees the previous one's version number.
    TouchRegisteredModel(c, request.name, now);
    // Numbers are never reused: soft-deleted versions count.
    auto max = c.Prepare("SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE name = ?");
    max->Bind(1, request.name);
    max->Step();
    int64_t version = max->Int(0) + 1;
    auto ins = c.Prepare(
        "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, "
        "current_stage, source, run_id, status, status_message, run_link, storage_location) "
        "VALUES (?, ?, ?, ?, ?, NULL, 'None', ?, ?, 'READY', NULL, ?, ?)");
    ins->Bind(1, request.name);
    ins->Bind(2, version);
    ins->Bind(3, now);
    ins->Bind(4, now);
    BindOpt(*ins, 5, request.description);
    ins->Bind(6, request.source);
    BindOpt(*ins, 7, request.run_id);
    BindOpt(*ins, 8, request.run_link);
    ins->Bind(9, request.storage_location.empty() ? request.source : request.storage_location);
    ins->Execute();
    for (const auto& t : request.tags) UpsertModelVersionTag(c, request.name, version, t);
    MLFLOW_ASSIGN_OR_RETURN(ModelVersion mv, LoadVersion(c, request.name, version, std::to_string(version)));
    out = std::move(mv);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<ModelVersion> SqlRegistryStore::GetModelVersion(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  return db_->Read<ModelVersion>([&](Connection& c) { return LoadVersion(c, name, n, version); });
}

Result<ModelVersion> SqlRegistryStore::UpdateModelVersion(const std::string& name, const std::string& version,
                                                          const std::optional<std::string>& description) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  std::optional<ModelVersion> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    auto up = c.Prepare("UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?");
    BindOpt(*up, 1, description);
    up->Bind(2, NowMillis());
    up->Bind(3, name);
    up->Bind(4, n);
    up->Execute();
    MLFLOW_ASSIGN_OR_RETURN(ModelVersion mv, LoadVersion(c, name, n, version));
    out = std::move(mv);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<ModelVersion> SqlRegistryStore::TransitionModelVersionStage(const std::string& name, const std::string& version,
                                                                   const std::string& stage,
                                                                   bool archive_existing_versions) {
  MLFLOW_ASSIGN_OR_RETURN(std::string canon, CanonicalStage(stage));
  if (archive_existing_versions && canon != kStageStaging && canon != kStageProduction) {
    // The reference answers 500 here; a client error is what it is (docs/reference/rest-api.md 3.4 #48).
    return Status::InvalidParameter("Model version transition cannot archive existing model versions because '" +
                                    stage + "' is not an Active stage. Valid stages are ['Staging', 'Production']");
  }
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  std::optional<ModelVersion> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    int64_t now = NowMillis();
    if (archive_existing_versions) {
      auto arch = c.Prepare(
          "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? "
          "WHERE name = ? AND version != ? AND current_stage = ?");
      arch->Bind(1, now);
      arch->Bind(2, name);
      arch->Bind(3, n);
      arch->Bind(4, canon);
      arch->Execute();
    }
    auto up = c.Prepare(
        "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?");
    up->Bind(1, canon);
    up->Bind(2, now);
    up->Bind(3, name);
    up->Bind(4, n);
    up->Execute();
    TouchRegisteredModel(c, name, now);
    MLFLOW_ASSIGN_OR_RETURN(ModelVersion mv, LoadVersion(c, name, n, version));
    out = std::move(mv);
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Status SqlRegistryStore::DeleteModelVersion(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    int64_t now = NowMillis();
    TouchRegisteredModel(c, name, now);
    auto aliases = c.Prepare("DELETE FROM registered_model_aliases WHERE name = ? AND version = ?");
    aliases->Bind(1, name);
    aliases->Bind(2, n);
    aliases->Execute();
    // Soft delete with MLflow's redaction; the number stays taken and the tags stay.
    auto up = c.Prepare(
        "UPDATE model_versions SET current_stage = 'Deleted_Internal', last_updated_time = ?, description = NULL, "
        "user_id = NULL, source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', "
        "run_link = 'REDACTED-RUN-LINK', status_message = NULL WHERE name = ? AND version = ?");
    up->Bind(1, now);
    up->Bind(2, name);
    up->Bind(3, n);
    up->Execute();
    return Status();
  });
}

Result<std::string> SqlRegistryStore::GetModelVersionDownloadUri(const std::string& name, const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  return db_->Read<std::string>([&](Connection& c) -> Result<std::string> {
    MLFLOW_ASSIGN_OR_RETURN(ModelVersion mv, LoadVersion(c, name, n, version, false));
    if (mv.storage_location && !mv.storage_location->empty()) return *mv.storage_location;
    return mv.source.value_or("");
  });
}

Result<ModelVersionPage> SqlRegistryStore::SearchModelVersions(const RegistrySearchRequest& request) {
  search::ModelVersionSearchSpec spec;
  spec.filter = request.filter;
  spec.order_by = request.order_by;
  spec.max_results = request.max_results.value_or(search::kModelVersionsMaxResultsDefault);
  spec.page_token = request.page_token;
  MLFLOW_RETURN_IF_ERROR(search::ValidateMaxResults(search::SearchEntity::kModelVersions, spec.max_results));
  MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch compiled, search::CompileModelVersionSearch(spec, db_->dialect()));
  return db_->Read<ModelVersionPage>([&](Connection& c) -> Result<ModelVersionPage> {
    std::vector<std::pair<std::string, int64_t>> keys;
    size_t rows = 0;
    {
      auto st = c.Prepare(compiled.query.sql);
      st->BindAll(compiled.query.params);
      while (st->Step()) {
        ++rows;
        if (static_cast<int64_t>(keys.size()) < compiled.max_results) keys.emplace_back(st->Text(0), st->Int(1));
      }
    }
    ModelVersionPage page;
    page.next_page_token = compiled.NextPageToken(rows);
    page.versions = LoadVersions(c, keys);
    return page;
  });
}

Status SqlRegistryStore::SetModelVersionTag(const std::string& name, const std::string& version,
                                            const KeyValue& tag) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  MLFLOW_RETURN_IF_ERROR(ValidateModelVersionTag(tag));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    UpsertModelVersionTag(c, name, n, tag);
    return Status();
  });
}

Status SqlRegistryStore::DeleteModelVersionTag(const std::string& name, const std::string& version,
                                               const std::string& key) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  MLFLOW_RETURN_IF_ERROR(v::ValidateKeyName(key, "key"));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    auto del = c.Prepare("DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?");
    del->Bind(1, name);
    del->Bind(2, n);
    del->Bind(3, key);
    del->Execute();
    return Status();
  });
}

// ---------------------------------------------------------------------------------------------
// Aliases

Status SqlRegistryStore::SetRegisteredModelAlias(const std::string& name, const std::string& alias,
                                                 const std::string& version) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_RETURN_IF_ERROR(ValidateAliasName(alias));
  MLFLOW_RETURN_IF_ERROR(ValidateAliasNotReserved(alias));
  MLFLOW_ASSIGN_OR_RETURN(int64_t n, ParseModelVersion(version));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(LoadVersion(c, name, n, version, false).status());
    auto up = c.Prepare("UPDATE registered_model_aliases SET version = ? WHERE name = ? AND alias = ?");
    up->Bind(1, n);
    up->Bind(2, name);
    up->Bind(3, alias);
    if (up->Execute() > 0) return Status();
    auto ins = c.Prepare("INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)");
    ins->Bind(1, alias);
    ins->Bind(2, n);
    ins->Bind(3, name);
    ins->Execute();
    return Status();
  });
}

Status SqlRegistryStore::DeleteRegisteredModelAlias(const std::string& name, const std::string& alias) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_RETURN_IF_ERROR(ValidateAliasName(alias));
  return db_->Write([&](Connection& c) -> Status {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    auto del = c.Prepare("DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?");
    del->Bind(1, name);
    del->Bind(2, alias);
    del->Execute();
    return Status();
  });
}

Result<ModelVersion> SqlRegistryStore::GetModelVersionByAlias(const std::string& name, const std::string& alias) {
  MLFLOW_RETURN_IF_ERROR(ValidateName(name));
  MLFLOW_RETURN_IF_ERROR(ValidateAliasName(alias));
  if (Lower(alias) == "latest") {
    MLFLOW_ASSIGN_OR_RETURN(std::vector<ModelVersion> latest, GetLatestVersions(name, {}));
    if (latest.empty()) return Status::NotFound("Latest version not found for model " + name + ".");
    return std::move(latest.front());
  }
  return db_->Read<ModelVersion>([&](Connection& c) -> Result<ModelVersion> {
    MLFLOW_RETURN_IF_ERROR(RequireRegisteredModel(c, name));
    auto st = c.Prepare("SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?");
    st->Bind(1, name);
    st->Bind(2, alias);
    if (!st->Step()) return Status::InvalidParameter("Registered model alias " + alias + " not found.");
    int64_t n = st->Int(0);
    return LoadVersion(c, name, n, std::to_string(n));
  });
}

}  // namespace mlflow::store::sql
