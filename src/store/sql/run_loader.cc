#include "store/sql/run_loader.h"

#include <cmath>
#include <unordered_map>

namespace mlflow::sql {
namespace {

constexpr size_t kChunk = 500;  // ids per IN (...) list

std::string Placeholders(size_t n) {
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

void FillInfo(Statement& st, RunInfo* info) {
  info->run_id = st.Text(0);
  info->run_name = st.Text(1);
  info->user_id = st.Text(2);
  info->status = st.Text(3);
  if (!st.IsNull(4)) info->start_time = st.Int(4);
  if (!st.IsNull(5)) info->end_time = st.Int(5);
  info->lifecycle_stage = st.Text(6);
  info->artifact_uri = st.Text(7);
  info->experiment_id = std::to_string(st.Int(8));
}

constexpr const char* kInfoColumns =
    "run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id";

}  // namespace

Result<RunInfo> LoadRunInfo(Connection& c, const std::string& run_id) {
  auto st = c.Prepare(std::string("SELECT ") + kInfoColumns + " FROM runs WHERE run_uuid = ?");
  st->Bind(1, run_id);
  if (!st->Step()) return Status::NotFound("Run with id=" + run_id + " not found");
  RunInfo info;
  FillInfo(*st, &info);
  return info;
}

Result<std::vector<Run>> LoadRuns(Connection& c, const std::vector<std::string>& run_ids, bool with_model_inputs) {
  std::vector<Run> runs;
  runs.reserve(run_ids.size());
  std::unordered_map<std::string, size_t> index;
  for (size_t start = 0; start < run_ids.size(); start += kChunk) {
    size_t n = std::min(kChunk, run_ids.size() - start);
    std::vector<SqlValue> ids(run_ids.begin() + start, run_ids.begin() + start + n);
    std::string in = "(" + Placeholders(n) + ")";

    std::unordered_map<std::string, Run> chunk;
    {
      auto st = c.Prepare(std::string("SELECT ") + kInfoColumns + " FROM runs WHERE run_uuid IN " + in);
      st->BindAll(ids);
      while (st->Step()) {
        Run r;
        FillInfo(*st, &r.info);
        chunk.emplace(r.info.run_id, std::move(r));
      }
    }
    {
      auto st = c.Prepare("SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid IN " +
                          in + " ORDER BY key");
      st->BindAll(ids);
      while (st->Step()) {
        auto it = chunk.find(std::string(st->TextView(0)));
        if (it == chunk.end()) continue;
        Metric m;
        m.key = st->Text(1);
        m.value = st->Int(5) ? NAN : st->Double(2);
        m.timestamp = st->IsNull(3) ? 0 : st->Int(3);
        m.step = st->Int(4);
        it->second.metrics.push_back(std::move(m));
      }
    }
    {
      auto st = c.Prepare("SELECT run_uuid, key, value FROM params WHERE run_uuid IN " + in + " ORDER BY key");
      st->BindAll(ids);
      while (st->Step()) {
        auto it = chunk.find(std::string(st->TextView(0)));
        if (it != chunk.end()) it->second.params.push_back({st->Text(1), st->Text(2)});
      }
    }
    {
      auto st = c.Prepare("SELECT run_uuid, key, value FROM tags WHERE run_uuid IN " + in + " ORDER BY key");
      st->BindAll(ids);
      while (st->Step()) {
        auto it = chunk.find(std::string(st->TextView(0)));
        if (it != chunk.end()) it->second.tags.push_back({st->Text(1), st->Text(2)});
      }
    }
    {
      // Dataset inputs with their input tags.
      auto st = c.Prepare(
          "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, "
          "d.dataset_schema, d.dataset_profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
          "WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id IN " +
          in + " ORDER BY i.destination_id" + (c.dialect() == Dialect::kSqlite ? ", i.rowid" : ", i.ctid"));
      // MLflow lists a run's datasets in the order they were logged (insertion order; on
      // PostgreSQL the physical row order, which inputs rows — never updated — keep).
      st->BindAll(ids);
      std::vector<std::pair<std::string, std::string>> input_uuids;  // (run, input_uuid) per appended input
      while (st->Step()) {
        auto it = chunk.find(std::string(st->TextView(0)));
        if (it == chunk.end()) continue;
        DatasetInput di;
        di.dataset.name = st->Text(2);
        di.dataset.digest = st->Text(3);
        di.dataset.source_type = st->Text(4);
        di.dataset.source = st->Text(5);
        if (!st->IsNull(6)) di.dataset.schema = st->Text(6);
        if (!st->IsNull(7)) di.dataset.profile = st->Text(7);
        it->second.dataset_inputs.push_back(std::move(di));
        input_uuids.push_back({it->first, st->Text(1)});
      }
      for (size_t k = 0, per_run = 0; k < input_uuids.size(); ++k) {
        const auto& [run_id, input_uuid] = input_uuids[k];
        if (k > 0 && input_uuids[k - 1].first != run_id) per_run = 0;
        auto tags = c.Prepare("SELECT name, value FROM input_tags WHERE input_uuid = ? ORDER BY name");
        tags->Bind(1, input_uuid);
        auto& inputs = chunk[run_id].dataset_inputs;
        while (tags->Step()) inputs[per_run].tags.push_back({tags->Text(0), tags->Text(1)});
        ++per_run;
      }
    }
    {
      auto st = c.Prepare(
          "SELECT source_id, source_type, destination_id, step FROM inputs WHERE source_type IN ('RUN_INPUT', "
          "'RUN_OUTPUT') AND source_id IN " +
          in + " ORDER BY source_id, destination_id");
      st->BindAll(ids);
      while (st->Step()) {
        auto it = chunk.find(std::string(st->TextView(0)));
        if (it == chunk.end()) continue;
        if (st->TextView(1) == "RUN_INPUT") {
          if (with_model_inputs) it->second.model_inputs.push_back({st->Text(2)});
        } else {
          it->second.model_outputs.push_back({st->Text(2), st->Int(3)});
        }
      }
    }
    for (size_t i = start; i < start + n; ++i) {
      auto it = chunk.find(run_ids[i]);
      if (it != chunk.end()) runs.push_back(std::move(it->second));
      chunk.erase(run_ids[i]);
    }
  }
  (void)index;
  return runs;
}

}  // namespace mlflow::sql
