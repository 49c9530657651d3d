#include "server_rows_ceiling.h"

#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "bench_common.h"
#include "core/ids.h"

namespace mlflow::bench {
namespace {

// The statements as the store runs them (store/sql/sql_tracking_store.cc, metric_shapes.cc).
constexpr const char* kInsertRun =
    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, "
    "end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) "
    "VALUES (?, ?, 'UNKNOWN', '', '', '', 'RUNNING', 1, NULL, '', 'active', ?, 0, NULL)";
constexpr const char* kInsertTag = "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)";
constexpr const char* kUpsertTag =
    "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) "
    "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value";
constexpr const char* kInsertParam =
    "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
constexpr const char* kInsertMetric =
    "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kUpsertLatest =
    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?) "
    "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, "
    "step = excluded.step, is_nan = excluded.is_nan "
    "WHERE (excluded.step, excluded.timestamp, excluded.value) > "
    "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)";
constexpr const char* kInsertShape =
    "INSERT OR REPLACE INTO mlflowcpp_metric_shape (run_uuid, key, min_step) VALUES (?, ?, ?)";
constexpr const char* kMoveMark =
    "UPDATE mlflowcpp_metric_shape_mark SET top_rowid = ?, top_run = ?, top_key = ?, top_step = ?, "
    "top_timestamp = ?, stamp = ? WHERE id = 1";

// The copy of the server's database, with the server's connection settings for writes.
class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    // The server's writer connection's settings (store/sql/sqlite_connection.cc).
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=1073741824;");
  }
  ~Db() {
    for (sqlite3_stmt* st : statements_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("ceiling: ") + sql + ": " + msg);
    }
  }
  sqlite3_stmt* Prep(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("ceiling: prepare: ") + sqlite3_errmsg(db_));
    }
    statements_.push_back(st);
    return st;
  }
  // Steps a statement to its end; a failed write would make the ceiling a lie, so it throws.
  void Run(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(std::string("ceiling: step: ") + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

void BindText(sqlite3_stmt* st, int i, const std::string& v) {
  sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

// The runs row and its mlflow.runName tag (the server names a run at random: so here).
std::string InsertRun(Db& db, sqlite3_stmt* run, sqlite3_stmt* tag) {
  std::string id = NewUuidHex();
  std::string name = "run-" + id.substr(0, 12);
  BindText(run, 1, id);
  BindText(run, 2, name);
  BindText(run, 3, "/tmp/mlruns/0/" + id + "/artifacts");
  db.Run(run);
  BindText(tag, 1, "mlflow.runName");
  BindText(tag, 2, name);
  BindText(tag, 3, id);
  db.Run(tag);
  return id;
}

struct Point {
  std::string key;
  int64_t step;
  double value;
  int64_t timestamp;
};

void InsertPoint(Db& db, sqlite3_stmt* ins, const std::string& run, const Point& p) {
  BindText(ins, 1, p.key);
  sqlite3_bind_double(ins, 2, p.value);
  sqlite3_bind_int64(ins, 3, p.timestamp);
  BindText(ins, 4, run);
  sqlite3_bind_int64(ins, 5, p.step);
  db.Run(ins);
}

void UpsertLatest(Db& db, sqlite3_stmt* latest, const std::string& run, const Point& p) {
  BindText(latest, 1, p.key);
  sqlite3_bind_double(latest, 2, p.value);
  sqlite3_bind_int64(latest, 3, p.timestamp);
  sqlite3_bind_int64(latest, 4, p.step);
  BindText(latest, 5, run);
  db.Run(latest);
}

void InsertShape(Db& db, sqlite3_stmt* shape, const std::string& run, const std::string& key, int64_t min_step) {
  BindText(shape, 1, run);
  BindText(shape, 2, key);
  sqlite3_bind_int64(shape, 3, min_step);
  db.Run(shape);
}

// The mark names the newest point at each commit that inserted points.
void MoveMark(Db& db, sqlite3_stmt* mark, const std::string& run, const Point& p, int64_t stamp) {
  sqlite3_bind_int64(mark, 1, stamp);  // a rowid: any value does the same write
  BindText(mark, 2, run);
  BindText(mark, 3, p.key);
  sqlite3_bind_int64(mark, 4, p.step);
  sqlite3_bind_int64(mark, 5, p.timestamp);
  sqlite3_bind_int64(mark, 6, stamp);
  db.Run(mark);
}

// Runs transactions of `body(n)` for `seconds`, n requests (or runs) each, `per_tx` of them on
// average; body returns the operations it wrote.
template <typename Body>
Ceiling Measure(Db& db, double per_tx, double seconds, Body body) {
  double ops = 0, owed = 0;
  auto start = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  while (Seconds(start, Clock::now()) < seconds) {
    owed += std::max(per_tx, 1.0);
    int n = static_cast<int>(owed);
    owed -= n;
    db.Exec("BEGIN IMMEDIATE");
    ops += body(n);
    db.Exec("COMMIT");
  }
  double elapsed = Seconds(start, Clock::now());
  return {ops / elapsed, ThreadCpuSeconds() - cpu0, ops};
}

}  // namespace

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void CopyDatabase(const std::string& from, const std::string& to) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  std::string error;
  if (sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
      sqlite3_open(to.c_str(), &dst) != SQLITE_OK) {
    error = "cannot open the databases to copy";
  } else if (sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main")) {
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) error = std::string("backup: ") + sqlite3_errstr(rc);
  } else {
    error = std::string("backup: ") + sqlite3_errmsg(dst);
  }
  sqlite3_close(src);
  sqlite3_close(dst);
  if (!error.empty()) throw std::runtime_error(error);
}

Ceiling CeilingMetricRequests(const std::string& path, MetricRequests shape, double seconds) {
  Db db(path);
  sqlite3_stmt* run_st = db.Prep(kInsertRun);
  sqlite3_stmt* tag = db.Prep(kInsertTag);
  sqlite3_stmt* ins = db.Prep(kInsertMetric);
  sqlite3_stmt* latest = db.Prep(kUpsertLatest);
  sqlite3_stmt* shape_st = db.Prep(kInsertShape);
  sqlite3_stmt* mark = db.Prep(kMoveMark);
  std::vector<std::string> runs;
  db.Exec("BEGIN");
  for (int i = 0; i < shape.runs; ++i) runs.push_back(InsertRun(db, run_st, tag));
  db.Exec("COMMIT");
  std::vector<int64_t> next_step(runs.size(), 0);
  size_t turn = 0;
  int64_t stamp = 1;
  std::vector<Point> points;
  return Measure(db, shape.requests_per_tx, seconds, [&](int requests) {
    const std::string* last_run = nullptr;
    for (int r = 0; r < requests; ++r, turn = (turn + 1) % runs.size()) {
      const std::string& run = runs[turn];
      int64_t& first = next_step[turn];
      points.clear();
      for (int i = 0; i < shape.points; ++i) {
        int64_t step = first + i;
        std::string key = shape.points == 1 ? "single" : "m" + std::to_string(step % 10);
        points.push_back({std::move(key), step, static_cast<double>(step) * 0.5, 1700000000000 + step});
      }
      // The store inserts a request's points in (key, timestamp, step) order, then one latest
      // upsert per key, in the order the request first names them.
      std::vector<const Point*> sorted;
      for (const Point& p : points) sorted.push_back(&p);
      std::stable_sort(sorted.begin(), sorted.end(), [](const Point* a, const Point* b) {
        return std::tie(a->key, a->timestamp, a->step) < std::tie(b->key, b->timestamp, b->step);
      });
      for (const Point* p : sorted) InsertPoint(db, ins, run, *p);
      // log-metric's history is one point a step: its first request writes the shape row, later
      // ones extend it and write nothing. log-batch's keys take every tenth step: no row.
      if (shape.points == 1 && first == 0) InsertShape(db, shape_st, run, points[0].key, 0);
      size_t keys = std::min<size_t>(points.size(), 10);
      for (size_t k = 0; k < keys; ++k) UpsertLatest(db, latest, run, points[points.size() - keys + k]);
      first += shape.points;
      last_run = &run;
    }
    MoveMark(db, mark, *last_run, points.back(), ++stamp);
    return static_cast<double>(requests) * shape.points;
  });
}

Ceiling CeilingRuns(const std::string& path, double runs_per_tx, double seconds) {
  Db db(path);
  sqlite3_stmt* run = db.Prep(kInsertRun);
  sqlite3_stmt* tag = db.Prep(kInsertTag);
  return Measure(db, runs_per_tx, seconds, [&](int runs) {
    for (int i = 0; i < runs; ++i) InsertRun(db, run, tag);
    return static_cast<double>(runs);
  });
}

Ceiling CeilingFullRuns(const std::string& path, double runs_per_tx, double seconds) {
  Db db(path);
  sqlite3_stmt* run_st = db.Prep(kInsertRun);
  sqlite3_stmt* tag = db.Prep(kInsertTag);
  sqlite3_stmt* param = db.Prep(kInsertParam);
  sqlite3_stmt* ins = db.Prep(kInsertMetric);
  sqlite3_stmt* latest = db.Prep(kUpsertLatest);
  sqlite3_stmt* shape = db.Prep(kInsertShape);
  sqlite3_stmt* upsert_tag = db.Prep(kUpsertTag);
  sqlite3_stmt* mark = db.Prep(kMoveMark);
  std::vector<Point> points;
  for (int i = 0; i < 20; ++i) points.push_back({"m" + std::to_string(i), 0, i * 0.5, 1700000000000});
  std::vector<const Point*> sorted;  // the store's insert order: by key
  for (const Point& p : points) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const Point* a, const Point* b) { return a->key < b->key; });
  int64_t stamp = 1;
  return Measure(db, runs_per_tx, seconds, [&](int runs) {
    std::string id;
    for (int r = 0; r < runs; ++r) {
      id = InsertRun(db, run_st, tag);
      for (int i = 0; i < 20; ++i) {
        BindText(param, 1, "p" + std::to_string(i));
        BindText(param, 2, "value" + std::to_string(i));
        BindText(param, 3, id);
        db.Run(param);
      }
      for (const Point* p : sorted) {
        InsertPoint(db, ins, id, *p);
        InsertShape(db, shape, id, p->key, 0);  // a new history of one point: a shape row
      }
      for (const Point& p : points) UpsertLatest(db, latest, id, p);
      for (int i = 0; i < 10; ++i) {
        BindText(upsert_tag, 1, "t" + std::to_string(i));
        BindText(upsert_tag, 2, "value" + std::to_string(i));
        BindText(upsert_tag, 3, id);
        db.Run(upsert_tag);
      }
    }
    MoveMark(db, mark, id, points.back(), ++stamp);
    return static_cast<double>(runs);
  });
}

}  // namespace mlflow::bench
