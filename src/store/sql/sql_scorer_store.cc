// The scorer registry in MLflow's tables: one scorers row per (experiment, name) with a uuid4
// scorer_id, one scorer_versions row per version (1, 2, ...), as MLflow 3.17.2 writes them.
#include "store/sql/sql_scorer_store.h"

#include "core/ids.h"
#include "store/sql/in_list.h"

namespace mlflow::store::sql {
namespace {

// str(uuid.uuid4()): 8-4-4-4-12 hex with the version and variant bits.
std::string NewUuid4Text() {
  std::string hex = NewUuidHex();
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

std::string NotFound(const std::string& name, int64_t experiment_id) {
  return "Scorer with name '" + name + "' not found for experiment " + std::to_string(experiment_id) + ".";
}

std::optional<std::string> FindScorerId(Connection& c, int64_t experiment_id, const std::string& name) {
  auto st = c.Prepare("SELECT scorer_id FROM scorers WHERE experiment_id = ? AND scorer_name = ?");
  st->BindAll(experiment_id, name);
  if (!st->Step()) return std::nullopt;
  return st->Text(0);
}

constexpr const char* kVersionColumns =
    "SELECT s.experiment_id, s.scorer_name, v.scorer_version, v.serialized_scorer, v.creation_time, v.scorer_id "
    "FROM scorer_versions v JOIN scorers s ON s.scorer_id = v.scorer_id ";

ScorerVersion ReadVersion(Statement& st) {
  ScorerVersion v;
  v.experiment_id = std::to_string(st.Int(0));
  v.scorer_name = st.Text(1);
  v.scorer_version = st.Int(2);
  v.serialized_scorer = st.Text(3);
  v.creation_time = st.IsNull(4) ? 0 : st.Int(4);
  v.scorer_id = st.Text(5);
  return v;
}

}  // namespace

Result<ScorerVersion> SqlScorerStore::RegisterScorer(int64_t experiment_id, const std::string& name,
                                                     const std::string& serialized_scorer) {
  std::optional<ScorerVersion> out;
  Status st = db_->Write([&](Connection& c) -> Status {
    std::optional<std::string> scorer_id = FindScorerId(c, experiment_id, name);
    if (!scorer_id) {
      scorer_id = NewUuid4Text();
      auto ins = c.Prepare("INSERT INTO scorers (experiment_id, scorer_name, scorer_id) VALUES (?, ?, ?)");
      ins->BindAll(experiment_id, name, *scorer_id);
      ins->Execute();
    } else if (c.dialect() != Dialect::kSqlite) {
      // The next version number is read then written: the scorer's row lock orders concurrent
      // registrations (SQLite has one writer; a lost race is a key conflict either way).
      auto lock = c.Prepare(c.dialect() == Dialect::kPostgres
                                ? "SELECT 1 FROM scorers WHERE scorer_id = ? FOR NO KEY UPDATE"
                                : "SELECT 1 FROM scorers WHERE scorer_id = ? FOR UPDATE");
      lock->Bind(1, *scorer_id);
      while (lock->Step()) {
      }
    }
    auto max = c.Prepare("SELECT MAX(scorer_version) FROM scorer_versions WHERE scorer_id = ?");
    max->Bind(1, *scorer_id);
    int64_t version = 1;
    if (max->Step() && !max->IsNull(0)) version = max->Int(0) + 1;
    const int64_t now = NowMillis();
    auto ins = c.Prepare(
        "INSERT INTO scorer_versions (scorer_id, scorer_version, serialized_scorer, creation_time) VALUES (?, ?, ?, ?)");
    ins->BindAll(*scorer_id, version, serialized_scorer, now);
    ins->Execute();
    out = ScorerVersion{std::to_string(experiment_id), name, version, serialized_scorer, now, *scorer_id};
    return Status();
  });
  if (!st.ok()) return st;
  return std::move(*out);
}

Result<std::vector<ScorerVersion>> SqlScorerStore::ListScorers(const std::optional<std::vector<int64_t>>& experiment_ids) {
  std::string sql = std::string(kVersionColumns) +
                    "JOIN experiments e ON e.experiment_id = s.experiment_id WHERE e.lifecycle_stage = 'active' AND "
                    "v.scorer_version = (SELECT MAX(m.scorer_version) FROM scorer_versions m WHERE m.scorer_id = "
                    "v.scorer_id)";
  if (experiment_ids) {
    if (experiment_ids->empty()) return std::vector<ScorerVersion>{};
    sql += " AND s.experiment_id IN (";
    for (size_t i = 0; i < experiment_ids->size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY s.experiment_id, s.scorer_name";
  return db_->Read<std::vector<ScorerVersion>>([&](Connection& c) -> Result<std::vector<ScorerVersion>> {
    auto st = c.Prepare(sql);
    if (experiment_ids) {
      for (size_t i = 0; i < experiment_ids->size(); ++i) st->Bind(static_cast<int>(i + 1), (*experiment_ids)[i]);
    }
    std::vector<ScorerVersion> out;
    while (st->Step()) out.push_back(ReadVersion(*st));
    return out;
  });
}

Result<std::vector<ScorerVersion>> SqlScorerStore::ListScorerVersions(int64_t experiment_id, const std::string& name) {
  return db_->Read<std::vector<ScorerVersion>>([&](Connection& c) -> Result<std::vector<ScorerVersion>> {
    std::optional<std::string> id = FindScorerId(c, experiment_id, name);
    if (!id) return Status::NotFound(NotFound(name, experiment_id));
    auto st = c.Prepare(std::string(kVersionColumns) + "WHERE v.scorer_id = ? ORDER BY v.scorer_version");
    st->Bind(1, *id);
    std::vector<ScorerVersion> out;
    while (st->Step()) out.push_back(ReadVersion(*st));
    if (out.empty()) return Status::NotFound(NotFound(name, experiment_id));
    return out;
  });
}

Result<ScorerVersion> SqlScorerStore::GetScorer(int64_t experiment_id, const std::string& name,
                                                std::optional<int64_t> version) {
  return db_->Read<ScorerVersion>([&](Connection& c) -> Result<ScorerVersion> {
    std::optional<std::string> id = FindScorerId(c, experiment_id, name);
    if (!id) return Status::NotFound(NotFound(name, experiment_id));
    // The asked version, or the latest (version -1 never exists: versions start at 1).
    auto st = c.Prepare(std::string(kVersionColumns) +
                        "WHERE v.scorer_id = ? AND (v.scorer_version = ? OR ? = 0) ORDER BY v.scorer_version DESC "
                        "LIMIT 1");
    st->BindAll(*id, version.value_or(-1), int64_t{version ? 1 : 0});
    if (!st->Step()) {
      if (version) {
        return Status::NotFound("Scorer with name '" + name + "' and version " + std::to_string(*version) +
                                " not found for experiment " + std::to_string(experiment_id) + ".");
      }
      return Status::NotFound(NotFound(name, experiment_id));
    }
    return ReadVersion(*st);
  });
}

Status SqlScorerStore::DeleteScorer(int64_t experiment_id, const std::string& name, std::optional<int64_t> version) {
  return db_->Write([&](Connection& c) -> Status {
    std::optional<std::string> id = FindScorerId(c, experiment_id, name);
    if (!id) return Status::NotFound(NotFound(name, experiment_id));
    auto del = c.Prepare("DELETE FROM scorer_versions WHERE scorer_id = ? AND (scorer_version = ? OR ? = 0)");
    del->BindAll(*id, version.value_or(-1), int64_t{version ? 1 : 0});
    if (del->Execute() == 0) {
      if (version) {
        return Status::NotFound("Scorer with name '" + name + "' and version " + std::to_string(*version) +
                                " not found for experiment " + std::to_string(experiment_id) + ".");
      }
      return Status::NotFound(NotFound(name, experiment_id));
    }
    if (!version) {
      auto drop = c.Prepare("DELETE FROM scorers WHERE scorer_id = ?");
      drop->Bind(1, *id);
      drop->Execute();
    }
    return Status();
  });
}

Result<std::vector<OnlineScoringConfig>> SqlScorerStore::GetOnlineScoringConfigs(
    const std::vector<std::string>& scorer_ids) {
  return db_->Read<std::vector<OnlineScoringConfig>>([&](Connection& c) -> Result<std::vector<OnlineScoringConfig>> {
    std::vector<OnlineScoringConfig> out;
    if (scorer_ids.empty() || !c.HasTable("online_scoring_configs")) return out;
    for (const InListChunk& chunk : SplitInList(scorer_ids.size())) {
      auto st = c.Prepare(
          "SELECT online_scoring_config_id, scorer_id, sample_rate, experiment_id, filter_string FROM "
          "online_scoring_configs WHERE scorer_id IN " + chunk.placeholders + " ORDER BY online_scoring_config_id");
      BindInList(*st, 1, scorer_ids, chunk);
      while (st->Step()) {
        OnlineScoringConfig cfg;
        cfg.online_scoring_config_id = st->Text(0);
        cfg.scorer_id = st->Text(1);
        cfg.sample_rate = st->Double(2);
        cfg.experiment_id = std::to_string(st->Int(3));
        if (!st->IsNull(4)) cfg.filter_string = st->Text(4);
        out.push_back(std::move(cfg));
      }
    }
    return out;
  });
}

}  // namespace mlflow::store::sql
