#include "store/sql/metric_shapes.h"

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "store/sql/database.h"

namespace mlflow::store::sql {
namespace {

// The newest row of `metrics` and what it holds: a rowid alone could be handed out again after
// the newest rows were deleted, the point it names rarely the same.
struct Top {
  int64_t rowid = 0;
  std::string run, key;
  int64_t step = 0, timestamp = 0;
  bool operator==(const Top&) const = default;
};

Top ReadTop(Connection& c) {
  auto st = c.Prepare("SELECT rowid, run_uuid, key, step, timestamp FROM metrics ORDER BY rowid DESC LIMIT 1");
  if (!st->Step()) return {};
  return {st->Int(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4)};
}

std::optional<Top> RowAt(Connection& c, int64_t rowid) {
  auto st = c.Prepare("SELECT rowid, run_uuid, key, step, timestamp FROM metrics WHERE rowid = ?");
  st->Bind(1, rowid);
  if (!st->Step()) return std::nullopt;
  return Top{st->Int(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4)};
}

struct Mark {
  Top top;
  int64_t stamp = 0, generation = 0, rebuilt = 0;
};

std::optional<Mark> ReadMark(Connection& c) {
  auto st = c.Prepare(
      "SELECT top_rowid, top_run, top_key, top_step, top_timestamp, stamp, generation, rebuilt FROM "
      "mlflowcpp_metric_shape_mark WHERE id = 1");
  if (!st->Step()) return std::nullopt;
  return Mark{{st->Int(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4)}, st->Int(5), st->Int(6), st->Int(7)};
}

int64_t NewStamp() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  int64_t s = 0;
  while (s == 0) s = static_cast<int64_t>(gen() >> 1);
  return s;
}

// Histories the rebuild examines per write transaction, and the points it reads at most in one
// (a longer history is still read whole, in its own transaction).
constexpr int kRebuildHistories = 256;
constexpr int64_t kRebuildPoints = 200000;
constexpr size_t kMaxCached = 65536;

}  // namespace

MetricShapes::MetricShapes(Database& db) : db_(db) {}

MetricShapes::~MetricShapes() { Stop(); }

std::string MetricShapes::CacheKey(const std::string& run_id, const std::string& key) {
  std::string k = run_id;
  k += '\0';
  k += key;
  return k;
}

void MetricShapes::Enable(Connection& c) {
  if (c.dialect() != Dialect::kSqlite) return;
  c.ExecScript(
      "CREATE TABLE IF NOT EXISTS mlflowcpp_metric_shape (run_uuid VARCHAR(32) NOT NULL, key VARCHAR(250) NOT "
      "NULL, min_step BIGINT NOT NULL, PRIMARY KEY (run_uuid, key)) WITHOUT ROWID");
  c.ExecScript(
      "CREATE TABLE IF NOT EXISTS mlflowcpp_metric_shape_mark (id INTEGER PRIMARY KEY CHECK (id = 1), top_rowid "
      "INTEGER NOT NULL, top_run TEXT NOT NULL, top_key TEXT NOT NULL, top_step INTEGER NOT NULL, top_timestamp "
      "INTEGER NOT NULL, stamp INTEGER NOT NULL, generation INTEGER NOT NULL, rebuilt INTEGER NOT NULL)");
  // A new mark names no row: every point is someone else's, replayed by the check below (a small
  // database) or rebuilt in the background (a large one).
  c.ExecScript(
      "INSERT OR IGNORE INTO mlflowcpp_metric_shape_mark (id, top_rowid, top_run, top_key, top_step, top_timestamp, "
      "stamp, generation, rebuilt) VALUES (1, 0, '', '', 0, 0, 0, 0, 0)");
  if (enabled_) return;
  enabled_ = true;
  Check(c);
  // A rebuild left unfinished by the last process (it stopped, or died, during it) starts again.
  std::optional<Mark> mark = ReadMark(c);
  if (mark && mark->generation != mark->rebuilt) start_rebuild_ = true;
}

void MetricShapes::BeginTransaction(Connection& c) {
  active_ = false;
  touched_ = false;
  accounted_ = job_accounted_ = 0;
  pending_stamp_ = 0;
  loaded_.clear();
  if (enabled_) Check(c);
}

void MetricShapes::Check(Connection& c) {
  active_ = false;
  try {
    std::optional<Mark> mark = ReadMark(c);
    if (!mark) return;  // dropped by someone: not kept until the next start recreates it
    const Top top = ReadTop(c);
    check_top_ = top.rowid;
    if (mark->top == top) {
      // Nobody else inserted a point. Another mlflow-cpp process may have (it kept the rows): then
      // our cache may be behind.
      if (mark->stamp != last_stamp_) cache_.clear();
      last_stamp_ = mark->stamp;
      active_ = true;
      return;
    }
    cache_.clear();
    const Top& m = mark->top;
    const bool replayable = top.rowid > m.rowid && top.rowid - m.rowid <= kMaxReplay &&
                            (m.rowid == 0 || RowAt(c, m.rowid) == std::optional<Top>(m));
    c.Prepare("SAVEPOINT mlflowcpp_shapes")->Execute();
    try {
      if (replayable) {
        Replay(c, m.rowid);
      } else {
        DropAll(c);
      }
    } catch (const SqlError&) {
      c.Prepare("ROLLBACK TO mlflowcpp_shapes")->Execute();
      c.Prepare("RELEASE mlflowcpp_shapes")->Execute();
      return;
    }
    c.Prepare("RELEASE mlflowcpp_shapes")->Execute();
    touched_ = true;  // the mark moves at commit
    active_ = true;
  } catch (const SqlError&) {
    active_ = false;  // the rows are left alone and the mark stays: readers walk, the next check retries
  }
}

MetricShapes::State MetricShapes::Load(Connection& c, const std::string& run_id, const std::string& key,
                                       std::optional<int64_t> max_rowid) {
  State s;
  std::optional<int64_t> min;
  {
    auto st = c.Prepare("SELECT min_step FROM mlflowcpp_metric_shape WHERE run_uuid = ? AND key = ?");
    st->BindAll(run_id, key);
    if (st->Step()) {
      s.row = true;
      min = st->Int(0);
    }
  }
  std::optional<int64_t> max;
  if (max_rowid) {
    // The greatest step among the points at or before the mark: a walk down the step index that
    // stops at the first such point (past the few newer ones).
    auto st = c.Prepare(
        "SELECT step FROM metrics WHERE run_uuid = ? AND key = ? AND rowid <= ? ORDER BY step DESC LIMIT 1");
    st->BindAll(run_id, key, *max_rowid);
    if (st->Step()) max = st->Int(0);
  } else {
    auto st = c.Prepare("SELECT max(step) FROM metrics WHERE run_uuid = ? AND key = ?");
    st->BindAll(run_id, key);
    if (st->Step() && !st->IsNull(0)) max = st->Int(0);
  }
  if (!max) return s;  // empty (a row left by a foreign gc is replaced)
  s.max = *max;
  if (min && *min <= *max) {
    s.kind = Kind::kShape;
    s.min = *min;
  } else {
    s.kind = Kind::kNoShape;
  }
  return s;
}

// The rule, on the steps of the points inserted (any order): the history stays one point a step
// only if they extend it by one step at a time at either end.
MetricShapes::State MetricShapes::Extend(State s, std::vector<int64_t> steps) {
  if (steps.empty()) return s;
  std::sort(steps.begin(), steps.end());
  size_t i = 0;
  if (s.kind == Kind::kEmpty) {
    s.kind = Kind::kShape;
    s.min = s.max = steps[0];
    i = 1;
  }
  if (s.kind == Kind::kNoShape) {
    s.max = std::max(s.max, steps.back());
    return s;
  }
  const __int128 min = s.min, max = s.max;
  size_t below = 0, above = 0;
  for (size_t j = i; j < steps.size(); ++j) {
    if (steps[j] < s.min) {
      ++below;
    } else if (steps[j] > s.max) {
      ++above;
    } else {
      below = above = SIZE_MAX;  // a step already there
      break;
    }
  }
  bool ok = below != SIZE_MAX;
  for (size_t j = 0; ok && j < below; ++j) ok = steps[i + j] == min - static_cast<__int128>(below) + j;
  for (size_t j = 0; ok && j < above; ++j) ok = steps[i + below + j] == max + 1 + j;
  if (!ok) {
    s.kind = Kind::kNoShape;
    s.max = std::max(s.max, steps.back());
    return s;
  }
  s.min -= static_cast<int64_t>(below);
  s.max += static_cast<int64_t>(above);
  return s;
}

void MetricShapes::Store(Connection& c, const std::string& run_id, const std::string& key, const State& before,
                         const State& after) {
  if (after.kind == Kind::kShape) {
    if (before.kind == Kind::kShape && before.row && before.min == after.min) return;
    auto st = c.Prepare("INSERT OR REPLACE INTO mlflowcpp_metric_shape (run_uuid, key, min_step) VALUES (?, ?, ?)");
    st->BindAll(run_id, key, after.min);
    st->Execute();
  } else if (before.row) {
    auto st = c.Prepare("DELETE FROM mlflowcpp_metric_shape WHERE run_uuid = ? AND key = ?");
    st->BindAll(run_id, key);
    st->Execute();
  }
}

void MetricShapes::BeforeJob() {
  job_accounted_ = 0;
  loaded_.clear();
}

void MetricShapes::AfterJobRolledBack() {
  // The job's points and its rows are undone; what the cache learned from them is not.
  accounted_ -= job_accounted_;
  job_accounted_ = 0;
  cache_.clear();
  loaded_.clear();
}

void MetricShapes::BeforeInsert(Connection& c, const std::string& run_id, const std::string& key) {
  if (!active_) return;
  std::string k = CacheKey(run_id, key);
  auto it = cache_.find(k);
  State s = it != cache_.end() ? it->second : Load(c, run_id, key, std::nullopt);
  loaded_[std::move(k)] = s;
}

void MetricShapes::Inserted(Connection& c, const std::string& run_id, const std::string& key,
                            std::vector<int64_t> steps) {
  if (!active_ || steps.empty()) return;
  touched_ = true;
  accounted_ += static_cast<int64_t>(steps.size());
  job_accounted_ += static_cast<int64_t>(steps.size());
  std::string k = CacheKey(run_id, key);
  auto it = loaded_.find(k);
  State before;
  if (it != loaded_.end()) {
    before = it->second;
    loaded_.erase(it);
  } else {
    // Not loaded before the insert (a caller's mistake): the history's shape is unknown now.
    before = Load(c, run_id, key, std::nullopt);
    before.kind = Kind::kNoShape;
  }
  State after = Extend(before, std::move(steps));
  Store(c, run_id, key, before, after);
  after.row = after.kind == Kind::kShape;
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[std::move(k)] = after;
}

void MetricShapes::RunsDeleted() {
  if (!enabled_) return;
  touched_ = true;
  cache_.clear();
}

void MetricShapes::Replay(Connection& c, int64_t after_rowid) {
  // In rowid order (a range of the table, as long as the foreign points; ordered by history instead,
  // SQLite would scan the whole step index), gathered per history here.
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> steps;
  {
    auto st = c.Prepare("SELECT run_uuid, key, step FROM metrics WHERE rowid > ? ORDER BY rowid");
    st->Bind(1, after_rowid);
    while (st->Step()) steps[{st->Text(0), st->Text(1)}].push_back(st->Int(2));
  }
  for (auto& [history, points] : steps) {
    const State before = Load(c, history.first, history.second, after_rowid);
    Store(c, history.first, history.second, before, Extend(before, std::move(points)));
  }
}

void MetricShapes::DropAll(Connection& c) {
  c.Prepare("DELETE FROM mlflowcpp_metric_shape")->Execute();
  c.Prepare("UPDATE mlflowcpp_metric_shape_mark SET generation = generation + 1 WHERE id = 1")->Execute();
  start_rebuild_ = true;
}

void MetricShapes::BeforeCommit(Connection& c) {
  if (!active_ || !touched_) return;
  try {
    // Every point inserted in this transaction went through Inserted? Otherwise (a writer of ours
    // that does not keep the rows) the mark stays where it was and the next check replays them.
    auto count = c.Prepare("SELECT count(*) FROM metrics WHERE rowid > ?");
    count->Bind(1, check_top_);
    if (!count->Step() || count->Int(0) != accounted_) return;
    const Top top = ReadTop(c);
    const int64_t stamp = NewStamp();
    auto st = c.Prepare(
        "UPDATE mlflowcpp_metric_shape_mark SET top_rowid = ?, top_run = ?, top_key = ?, top_step = ?, "
        "top_timestamp = ?, stamp = ? WHERE id = 1");
    st->BindAll(top.rowid, top.run, top.key, top.step, top.timestamp, stamp);
    st->Execute();
    pending_stamp_ = stamp;
  } catch (const SqlError&) {
    // The mark stays: readers walk, the next check replays. The requests' own writes still commit.
  }
}

void MetricShapes::AfterTransaction(bool committed) {
  if (committed) {
    if (pending_stamp_ != 0) last_stamp_ = pending_stamp_;
    if (start_rebuild_) {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        requested_ = true;
        if (!rebuild_.joinable()) rebuild_ = std::thread([this] { RebuildLoop(); });
      }
    }
    cv_.notify_all();
  } else {
    cache_.clear();
  }
  start_rebuild_ = false;
  pending_stamp_ = 0;
  active_ = touched_ = false;
  loaded_.clear();
}

// Histories in latest_metrics' key order (every history has its row there, MLflow's writes too),
// after the cursor; a history without a row gets one when its steps, read in order, are one a step.
bool MetricShapes::RebuildChunk(Connection& c, std::string* after_key, std::string* after_run) {
  auto list = c.Prepare(
      "SELECT key, run_uuid FROM latest_metrics WHERE (key, run_uuid) > (?, ?) ORDER BY key, run_uuid LIMIT ?");
  list->BindAll(*after_key, *after_run, int64_t{kRebuildHistories});
  std::vector<std::pair<std::string, std::string>> histories;
  while (list->Step()) histories.emplace_back(list->Text(0), list->Text(1));
  int64_t budget = kRebuildPoints;
  for (const auto& [key, run] : histories) {
    *after_key = key;
    *after_run = run;
    auto has = c.Prepare("SELECT 1 FROM mlflowcpp_metric_shape WHERE run_uuid = ? AND key = ?");
    has->BindAll(run, key);
    if (has->Step()) continue;
    auto steps = c.Prepare("SELECT step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step");
    steps->BindAll(run, key);
    int64_t first = 0, n = 0;
    bool dense = true;
    while (steps->Step()) {
      const int64_t s = steps->Int(0);
      if (n == 0) first = s;
      if (static_cast<__int128>(s) != static_cast<__int128>(first) + n) {
        dense = false;
        break;
      }
      ++n;
    }
    budget -= n;
    if (n > 0 && dense) {
      auto ins = c.Prepare("INSERT OR REPLACE INTO mlflowcpp_metric_shape (run_uuid, key, min_step) VALUES (?, ?, ?)");
      ins->BindAll(run, key, first);
      ins->Execute();
      cache_.erase(CacheKey(run, key));
    }
    if (budget <= 0) return false;
  }
  return static_cast<int>(histories.size()) < kRebuildHistories;
}

void MetricShapes::RebuildLoop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || requested_; });
      if (stopping_) return;
      requested_ = false;
      running_ = true;
    }
    std::string key, run;
    bool done = false;
    std::optional<int64_t> generation;
    while (!done) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) break;
      }
      // Inside a write transaction: the check has run, so the rows are exact and stay so.
      Status st = db_.Write([&](Connection& c) -> Status {
        if (!active_) return Status::Unavailable("metric shapes are not kept in this transaction");
        if (!generation) generation = ReadMark(c).value_or(Mark{}).generation;
        done = RebuildChunk(c, &key, &run);
        if (done) {
          auto up = c.Prepare("UPDATE mlflowcpp_metric_shape_mark SET rebuilt = ? WHERE id = 1");
          up->Bind(1, *generation);
          up->Execute();
        }
        return Status();
      });
      if (!st.ok()) break;  // shutting down, or the check failed: the next start or drop retries
    }
    {
      std::lock_guard lock(mu_);
      running_ = false;
    }
    cv_.notify_all();
  }
}

bool MetricShapes::RebuildIdle() {
  std::lock_guard lock(mu_);
  return !requested_ && !running_;
}

void MetricShapes::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (rebuild_.joinable()) rebuild_.join();
}

bool MetricShapesTrusted(Connection& c) {
  try {
    auto st = c.Prepare(
        "SELECT top_rowid, top_run, top_key, top_step, top_timestamp FROM mlflowcpp_metric_shape_mark WHERE id = 1");
    if (!st->Step()) return false;
    const Top mark{st->Int(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4)};
    return mark == ReadTop(c);
  } catch (const SqlError&) {
    return false;  // no table: a database no mlflow-cpp of this kind has served
  }
}

std::optional<int64_t> MetricShapeMinStep(Connection& c, const std::string& run_id, const std::string& key) {
  auto st = c.Prepare("SELECT min_step FROM mlflowcpp_metric_shape WHERE run_uuid = ? AND key = ?");
  st->BindAll(run_id, key);
  if (!st->Step()) return std::nullopt;
  return st->Int(0);
}

}  // namespace mlflow::store::sql
