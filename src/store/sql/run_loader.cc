#include "store/sql/run_loader.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "store/sql/in_list.h"

namespace mlflow::store::sql {
namespace {

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
  for (const InListChunk& chunk : SplitInList(run_ids.size())) {
    const size_t start = chunk.begin, n = chunk.size;
    const std::string& in = chunk.placeholders;

    // Runs of this chunk, found by id without allocating a key per row (reserve: no reallocation,
    // so the views into run ids stay valid).
    std::vector<Run> loaded;
    loaded.reserve(n);
    std::unordered_map<std::string_view, Run*> by_id;
    by_id.reserve(n * 2);
    {
      auto st = c.Prepare(std::string("SELECT ") + kInfoColumns + " FROM runs WHERE run_uuid IN " + in);
      BindInList(*st, 1, run_ids, chunk);
      while (st->Step()) {
        loaded.emplace_back();
        FillInfo(*st, &loaded.back().info);
      }
      for (Run& r : loaded) by_id.emplace(r.info.run_id, &r);
    }
    auto find = [&](std::string_view id) -> Run* {
      auto it = by_id.find(id);
      return it == by_id.end() ? nullptr : it->second;
    };
    {
      auto st = c.Prepare("SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid IN " +
                          in);
      BindInList(*st, 1, run_ids, chunk);
      while (st->Step()) {
        Run* r = find(st->TextView(0));
        if (!r) continue;
        Metric m;
        m.key = st->Text(1);
        m.value = st->Int(5) ? NAN : st->Double(2);
        m.timestamp = st->IsNull(3) ? 0 : st->Int(3);
        m.step = st->Int(4);
        r->metrics.push_back(std::move(m));
      }
    }
    {
      auto st = c.Prepare("SELECT run_uuid, key, value FROM params WHERE run_uuid IN " + in);
      BindInList(*st, 1, run_ids, chunk);
      while (st->Step()) {
        if (Run* r = find(st->TextView(0))) r->params.push_back({st->Text(1), st->Text(2)});
      }
    }
    {
      auto st = c.Prepare("SELECT run_uuid, key, value FROM tags WHERE run_uuid IN " + in);
      BindInList(*st, 1, run_ids, chunk);
      while (st->Step()) {
        if (Run* r = find(st->TextView(0))) r->tags.push_back({st->Text(1), st->Text(2)});
      }
    }
    {
      // Dataset inputs with their input tags, in the order they were logged.
      auto st = c.Prepare(
          "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, "
          "d.dataset_schema, d.dataset_profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
          "WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id IN " +
          in + " ORDER BY i.destination_id" +
          (c.dialect() == Dialect::kSqlite ? ", i.rowid" : c.dialect() == Dialect::kPostgres ? ", i.ctid" : ""));
      // (insertion order; on PostgreSQL the physical row order, which inputs rows keep: never updated;
      // MySQL has no row address, so there the table's own order)
      BindInList(*st, 1, run_ids, chunk);
      struct PendingTags {
        Run* run;
        size_t index;  // into run->dataset_inputs
        std::string input_uuid;
      };
      std::vector<PendingTags> pending;
      while (st->Step()) {
        Run* r = find(st->TextView(0));
        if (!r) continue;
        DatasetInput di;
        di.dataset.name = st->Text(2);
        di.dataset.digest = st->Text(3);
        di.dataset.source_type = st->Text(4);
        di.dataset.source = st->Text(5);
        if (!st->IsNull(6)) di.dataset.schema = st->Text(6);
        if (!st->IsNull(7)) di.dataset.profile = st->Text(7);
        r->dataset_inputs.push_back(std::move(di));
        pending.push_back({r, r->dataset_inputs.size() - 1, st->Text(1)});
      }
      for (const PendingTags& p : pending) {
        auto tags = c.Prepare("SELECT name, value FROM input_tags WHERE input_uuid = ? ORDER BY name");
        tags->Bind(1, p.input_uuid);
        DatasetInput& input = p.run->dataset_inputs[p.index];
        while (tags->Step()) input.tags.push_back({tags->Text(0), tags->Text(1)});
      }
    }
    {
      auto st = c.Prepare(
          "SELECT source_id, source_type, destination_id, step FROM inputs WHERE source_type IN ('RUN_INPUT', "
          "'RUN_OUTPUT') AND source_id IN " +
          in + " ORDER BY source_id, destination_id");
      BindInList(*st, 1, run_ids, chunk);
      while (st->Step()) {
        Run* r = find(st->TextView(0));
        if (!r) continue;
        if (st->TextView(1) == "RUN_INPUT") {
          if (with_model_inputs) r->model_inputs.push_back({st->Text(2)});
        } else {
          r->model_outputs.push_back({st->Text(2), st->Int(3)});
        }
      }
    }
    // Params and tags in key order within each run (sorting a run's few entries beats sorting the
    // whole page in SQL). Latest metrics stay in row order, the order MLflow reads them in: its UI
    // charts a run's first metric (compare runs), so the order is visible.
    auto by_key = [](const auto& a, const auto& b) { return a.key < b.key; };
    for (Run& r : loaded) {
      std::sort(r.params.begin(), r.params.end(), by_key);
      std::sort(r.tags.begin(), r.tags.end(), by_key);
    }
    for (size_t i = start; i < start + n; ++i) {
      if (Run* r = find(run_ids[i])) {
        by_id.erase(run_ids[i]);  // a repeated id yields the run once, like the SQL IN list
        runs.push_back(std::move(*r));
      }
    }
  }
  return runs;
}

}  // namespace mlflow::store::sql
