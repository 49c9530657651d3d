// Tracking server benchmark: the real server over loopback with N keep-alive clients, beside
// SQLite's own ceiling for the same rows (measured in the same run, right after each phase, on the
// same disk), twice: on a copy of the server's database as the phase left it, writing the server's
// rows (server_rows_ceiling.h), and, as before 2026-12-07, into a fresh database of its own.
// Write figures: create-run, log-batch (100 metrics), log-metric, and a fully populated run
// (create-run, then one log-batch of 20 params, 20 metrics and 10 tags).
//
//   tracking_bench [--binary PATH] [--clients 8] [--seconds 4] [--workdir DIR] [--only PHASE]
//
// --only create-run|log-batch|log-metric|full-run runs that write phase alone (and skips the
// history figures), so a profiler attached to the server sees one kind of request.
//
// Prints figures; never fails on them.
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "server_rows_ceiling.h"
#include "core/ids.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_connection.h"

namespace fs = std::filesystem;
using namespace mlflow::bench;

namespace {

struct Options {
  std::string binary;
  std::string workdir;
  int clients = 8;
  double seconds = 4;
  std::string only;  // empty: every phase
};

std::string CreateRun(HttpConnection& c) {
  std::string body;
  int st = c.Request("POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"0","start_time":1})", &body);
  if (st != 200) throw std::runtime_error("create run failed: " + body);
  return ExtractString(body, "run_id");
}

// --- SQLite's ceiling: the same rows through the C API, in transactions of `rows_per_tx` ---

struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path) {
    {
      mlflow::store::sql::SqliteConnection conn(path);
      mlflow::Status created = mlflow::store::sql::CreateSchema(conn);
      if (!created.ok()) throw std::runtime_error(created.message());
      conn.ExecScript(
          "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
          "last_update_time) VALUES (0, 'Default', '/tmp/0', 'active', 0, 0)");
      // The server's extra indexes, so the ceiling writes the same B-trees.
      conn.ExecScript(
          "CREATE INDEX idx_mlflowcpp_metric_history ON metrics (run_uuid, key, timestamp, step, value)");
      conn.ExecScript(
          "CREATE INDEX idx_mlflowcpp_metric_steps ON metrics (run_uuid, key, step, timestamp, value, is_nan)");
    }
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", nullptr, nullptr,
                 nullptr);
  }
  ~RawDb() { sqlite3_close(db); }
  void Exec(const char* sql) { sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
  sqlite3_stmt* Prep(const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    return st;
  }
};

std::string InsertRawRun(RawDb& raw) {
  std::string id = mlflow::NewUuidHex();
  sqlite3_stmt* st = raw.Prep(
      "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, "
      "source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, 'r', 'UNKNOWN', '', '', '', "
      "'RUNNING', 1, '', 'active', '/tmp/a', 0)");
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(st);
  sqlite3_finalize(st);
  sqlite3_stmt* tag = raw.Prep("INSERT INTO tags (key, value, run_uuid) VALUES (?, 'v', ?)");
  for (int t = 0; t < 1; ++t) {
    sqlite3_bind_text(tag, 1, "mlflow.runName", -1, SQLITE_STATIC);
    sqlite3_bind_text(tag, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(tag);
    sqlite3_reset(tag);
  }
  sqlite3_finalize(tag);
  return id;
}

// The store's metric statements, as the ceilings run them (bind order: key, value, timestamp, run,
// step; latest: key, value, timestamp, step, run).
constexpr const char* kInsertMetric =
    "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kUpsertLatestMetric =
    "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?) "
    "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, "
    "step = excluded.step WHERE (excluded.step, excluded.timestamp, excluded.value) > "
    "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)";

Ceiling RawMetricPointsPerSecond(const std::string& path, int rows_per_tx, double seconds) {
  RawDb raw(path);
  raw.Exec("BEGIN");
  std::string run = InsertRawRun(raw);
  raw.Exec("COMMIT");
  sqlite3_stmt* ins = raw.Prep(kInsertMetric);
  sqlite3_stmt* latest = raw.Prep(kUpsertLatestMetric);
  int64_t step = 0;
  uint64_t points = 0;
  auto start = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  while (Seconds(start, Clock::now()) < seconds) {
    raw.Exec("BEGIN IMMEDIATE");
    for (int i = 0; i < rows_per_tx; ++i, ++step) {
      std::string key = "m" + std::to_string(i % 10);
      sqlite3_bind_text(ins, 1, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(ins, 2, step * 0.5);
      sqlite3_bind_int64(ins, 3, 1700000000000 + step);
      sqlite3_bind_text(ins, 4, run.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(ins, 5, step);
      sqlite3_step(ins);
      sqlite3_reset(ins);
      if (i % 10 == 9 || i == rows_per_tx - 1) {  // one latest upsert per key per request, like the store
        sqlite3_bind_text(latest, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(latest, 2, step * 0.5);
        sqlite3_bind_int64(latest, 3, 1700000000000 + step);
        sqlite3_bind_int64(latest, 4, step);
        sqlite3_bind_text(latest, 5, run.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(latest);
        sqlite3_reset(latest);
      }
    }
    raw.Exec("COMMIT");
    points += static_cast<uint64_t>(rows_per_tx);
  }
  double elapsed = Seconds(start, Clock::now());
  sqlite3_finalize(ins);
  sqlite3_finalize(latest);
  return {static_cast<double>(points) / elapsed, ThreadCpuSeconds() - cpu0, static_cast<double>(points)};
}

// A fully populated run as the server writes it: the run and its mlflow.runName tag, then one batch
// of 20 params, 20 metrics (each with its latest_metrics upsert) and 10 tags; `runs_per_tx` runs
// (both requests of each) per transaction.
Ceiling RawFullRunsPerSecond(const std::string& path, int runs_per_tx, double seconds) {
  RawDb raw(path);
  sqlite3_stmt* param = raw.Prep("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)");
  sqlite3_stmt* metric = raw.Prep(kInsertMetric);
  sqlite3_stmt* latest = raw.Prep(kUpsertLatestMetric);
  sqlite3_stmt* tag = raw.Prep(
      "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) "
      "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value");
  auto run_step = [](sqlite3_stmt* st) {
    sqlite3_step(st);
    sqlite3_reset(st);
  };
  uint64_t runs = 0;
  auto start = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  while (Seconds(start, Clock::now()) < seconds) {
    raw.Exec("BEGIN IMMEDIATE");
    for (int r = 0; r < runs_per_tx; ++r) {
      std::string id = InsertRawRun(raw);
      for (int i = 0; i < 20; ++i) {
        std::string key = "p" + std::to_string(i), value = "value" + std::to_string(i);
        sqlite3_bind_text(param, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(param, 2, value.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(param, 3, id.c_str(), -1, SQLITE_TRANSIENT);
        run_step(param);
      }
      for (int i = 0; i < 20; ++i) {
        std::string key = "m" + std::to_string(i);
        sqlite3_bind_text(metric, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(metric, 2, i * 0.5);
        sqlite3_bind_int64(metric, 3, 1700000000000);
        sqlite3_bind_text(metric, 4, id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(metric, 5, 0);
        run_step(metric);
        sqlite3_bind_text(latest, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(latest, 2, i * 0.5);
        sqlite3_bind_int64(latest, 3, 1700000000000);
        sqlite3_bind_int64(latest, 4, 0);
        sqlite3_bind_text(latest, 5, id.c_str(), -1, SQLITE_TRANSIENT);
        run_step(latest);
      }
      for (int i = 0; i < 10; ++i) {
        std::string key = "t" + std::to_string(i), value = "value" + std::to_string(i);
        sqlite3_bind_text(tag, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(tag, 2, value.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(tag, 3, id.c_str(), -1, SQLITE_TRANSIENT);
        run_step(tag);
      }
    }
    raw.Exec("COMMIT");
    runs += static_cast<uint64_t>(runs_per_tx);
  }
  double elapsed = Seconds(start, Clock::now());
  for (sqlite3_stmt* st : {param, metric, latest, tag}) sqlite3_finalize(st);
  return {static_cast<double>(runs) / elapsed, ThreadCpuSeconds() - cpu0, static_cast<double>(runs)};
}

// The batch of a fully populated run: 20 params, 20 metrics, 10 tags.
std::string FullRunBatchBody(const std::string& run_id) {
  std::string b = "{\"run_id\":\"" + run_id + "\",\"params\":[";
  for (int i = 0; i < 20; ++i) {
    b += (i ? "," : "") + std::string("{\"key\":\"p") + std::to_string(i) + "\",\"value\":\"value" + std::to_string(i) +
         "\"}";
  }
  b += "],\"metrics\":[";
  for (int i = 0; i < 20; ++i) {
    b += (i ? "," : "") + std::string("{\"key\":\"m") + std::to_string(i) + "\",\"value\":" + std::to_string(i * 0.5) +
         ",\"timestamp\":1700000000000,\"step\":0}";
  }
  b += "],\"tags\":[";
  for (int i = 0; i < 10; ++i) {
    b += (i ? "," : "") + std::string("{\"key\":\"t") + std::to_string(i) + "\",\"value\":\"value" + std::to_string(i) +
         "\"}";
  }
  return b + "]}";
}

Ceiling RawRunsPerSecond(const std::string& path, int runs_per_tx, double seconds) {
  RawDb raw(path);
  uint64_t runs = 0;
  auto start = Clock::now();
  double cpu0 = ThreadCpuSeconds();
  while (Seconds(start, Clock::now()) < seconds) {
    raw.Exec("BEGIN IMMEDIATE");
    for (int i = 0; i < runs_per_tx; ++i) InsertRawRun(raw);
    raw.Exec("COMMIT");
    runs += static_cast<uint64_t>(runs_per_tx);
  }
  return {static_cast<double>(runs) / Seconds(start, Clock::now()), ThreadCpuSeconds() - cpu0,
          static_cast<double>(runs)};
}

// Write requests and transactions so far, from the server's /mlflow-cpp/stats.
std::pair<double, double> WriteStats(int port) {
  HttpConnection c(port);
  std::string body;
  c.Request("GET", "/mlflow-cpp/stats", "", &body);
  auto number = [&](const std::string& field) {
    auto pos = body.find("\"" + field + "\":");
    return pos == std::string::npos ? 0.0 : std::atof(body.c_str() + pos + field.size() + 3);
  };
  return {number("write_requests"), number("write_transactions")};
}

// The first three fields of /proc/loadavg: figures on this shared machine mean little without it.
std::string LoadAverage() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (!f) return "?";
  double a = 0, b = 0, c = 0;
  int n = std::fscanf(f, "%lf %lf %lf", &a, &b, &c);
  std::fclose(f);
  if (n != 3) return "?";
  char out[64];
  std::snprintf(out, sizeof out, "%.2f %.2f %.2f", a, b, c);
  return out;
}

// Average requests per transaction over a phase.
double GroupSize(std::pair<double, double> before, std::pair<double, double> after) {
  double tx = after.second - before.second;
  return tx > 0 ? (after.first - before.first) / tx : 1.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.binary = (fs::path(argv[0]).parent_path() / "../src/cli/mlflow-cpp").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--binary") opt.binary = argv[i + 1];
    if (a == "--clients") opt.clients = std::atoi(argv[i + 1]);
    if (a == "--seconds") opt.seconds = std::atof(argv[i + 1]);
    if (a == "--workdir") opt.workdir = argv[i + 1];
    if (a == "--only") opt.only = argv[i + 1];
  }
  if (!opt.only.empty() && opt.only != "create-run" && opt.only != "log-batch" && opt.only != "log-metric" &&
      opt.only != "full-run") {
    std::fprintf(stderr, "--only: unknown phase '%s' (create-run, log-batch, log-metric or full-run)\n",
                 opt.only.c_str());
    return 2;
  }
  auto wanted = [&](const char* phase) { return opt.only.empty() || opt.only == phase; };
  opt.binary = fs::absolute(opt.binary).lexically_normal().string();
  bool own_workdir = opt.workdir.empty();
  if (own_workdir) {
    char tmpl[] = "/tmp/mlflow-bench-XXXXXX";
    opt.workdir = mkdtemp(tmpl);
  }
  opt.workdir = fs::absolute(opt.workdir).string();
  std::printf("tracking benchmark: %d keep-alive clients, %.1f s per phase, workdir %s\n", opt.clients, opt.seconds,
              opt.workdir.c_str());

  // SQLite's ceiling for each write figure: the same rows straight through the C API, on the same
  // disk, in transactions of the size group commit formed in that phase, measured right after the
  // phase (the server idle), so both see the same machine load. Twice: on a copy of the server's
  // database as the phase left it (the server's B-trees, indexes and rows: like with like), and
  // into a fresh database with MLflow's schema and two of our indexes (the earlier method, kept
  // beside it: it wrote into smaller B-trees than the server, fewer indexes, and one latest_metrics
  // upsert per log-metric transaction instead of one per request).
  std::string raw_path = opt.workdir + "/raw.db";
  const std::string server_db = opt.workdir + "/server/mlflow.db";
  auto fresh = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(raw_path + suffix);
    return raw_path;
  };
  auto server_copy = [&] {
    CopyDatabase(server_db, fresh());
    return raw_path;
  };
  auto rows = [](double group, int per_request) { return std::max(1, static_cast<int>(group * per_request + 0.5)); };
  const double raw_seconds = opt.seconds / 2;

  std::printf("load average at start: %s\n", LoadAverage().c_str());
  // One write figure: the server's rate and CPU per operation (user + system of the whole process,
  // from /proc), beside SQLite's ceiling for the same rows.
  struct Figure {
    explicit Figure(const char* n) : name(n) {}
    const char* name;
    double rate = 0;
    double server_cpu_us = 0;
    Ceiling ceiling;  // on a copy of the server's database, the server's rows
    Ceiling fresh;    // into a fresh database (the earlier method)
  };
  Figure create{"create-run /s"}, batch{"log-batch metric points /s (100 per request)"},
      metric{"log-metric requests /s"}, full{"full run /s (create, batch of 20/20/10)"};
  double launch = 0, rss_idle = 0, rss_after = 0;
  Ceiling raw_batch_single;
  double history_ms = 0, history_one_ms = 0;
  double group_create = 1, group_batch = 1, group_metric = 1, group_full = 1;  // requests per transaction formed
  {
    fs::create_directories(opt.workdir + "/server");
    ServerProcess server(opt.binary, opt.workdir + "/server");
    launch = server.launch_to_healthy();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    rss_idle = server.RssMb();
    int port = server.port();
    // Runs one server phase: fills the figure's rate and CPU per operation, returns the requests per
    // transaction that group commit formed.
    auto phase = [&](Figure& f, auto fn) {
      auto before = WriteStats(port);
      double cpu0 = server.CpuSeconds();
      uint64_t ops = RunClients(port, opt.clients, opt.seconds, fn);
      f.server_cpu_us = ops ? (server.CpuSeconds() - cpu0) * 1e6 / static_cast<double>(ops) : 0;
      f.rate = static_cast<double>(ops) / opt.seconds;
      return GroupSize(before, WriteStats(port));
    };

    if (wanted("create-run")) {
      group_create = phase(create, [](int, HttpConnection& c) {
        CreateRun(c);
        return uint64_t{1};
      });
      create.ceiling = CeilingRuns(server_copy(), group_create, raw_seconds);
      create.fresh = RawRunsPerSecond(fresh(), rows(group_create, 1), raw_seconds);
    }

    std::vector<std::string> run_ids;
    {
      HttpConnection c(port);
      for (int i = 0; i < opt.clients; ++i) run_ids.push_back(CreateRun(c));
    }
    std::vector<int64_t> next_step(static_cast<size_t>(opt.clients), 0);
    if (wanted("log-batch")) {
      group_batch = phase(batch, [&](int i, HttpConnection& c) {
        auto& step = next_step[static_cast<size_t>(i)];
        std::string body = BatchBody(run_ids[static_cast<size_t>(i)], step, 100);
        step += 100;
        if (c.Request("POST", "/api/2.0/mlflow/runs/log-batch", body) != 200) throw std::runtime_error("batch failed");
        return uint64_t{100};
      });
      batch.ceiling = CeilingMetricRequests(server_copy(), {group_batch, 100, opt.clients}, raw_seconds);
      batch.fresh = RawMetricPointsPerSecond(fresh(), rows(group_batch, 100), raw_seconds);
      raw_batch_single = RawMetricPointsPerSecond(fresh(), 100, raw_seconds);
    }

    if (wanted("log-metric")) {
      group_metric = phase(metric, [&](int i, HttpConnection& c) {
        auto& step = next_step[static_cast<size_t>(i)];
        std::string body = "{\"run_id\":\"" + run_ids[static_cast<size_t>(i)] +
                           "\",\"key\":\"single\",\"value\":1.5,\"timestamp\":1,\"step\":" + std::to_string(step++) +
                           "}";
        if (c.Request("POST", "/api/2.0/mlflow/runs/log-metric", body) != 200) throw std::runtime_error("metric failed");
        return uint64_t{1};
      });
      metric.ceiling = CeilingMetricRequests(server_copy(), {group_metric, 1, opt.clients}, raw_seconds);
      metric.fresh = RawMetricPointsPerSecond(fresh(), rows(group_metric, 1), raw_seconds);
    }

    if (wanted("full-run")) {
      // A fully populated run: create, then one batch of 20 params, 20 metrics and 10 tags.
      group_full = phase(full, [](int, HttpConnection& c) {
        std::string run = CreateRun(c);
        if (c.Request("POST", "/api/2.0/mlflow/runs/log-batch", FullRunBatchBody(run)) != 200) {
          throw std::runtime_error("full-run batch failed");
        }
        return uint64_t{1};
      });
      // Two requests a run: group_full / 2 runs per transaction.
      full.ceiling = CeilingFullRuns(server_copy(), group_full / 2, raw_seconds);
      full.fresh = RawFullRunsPerSecond(fresh(), rows(group_full / 2, 1), raw_seconds);
    }

    // History of 100,000 points: fetched as the Python client does (pages of 25,000).
    if (opt.only.empty()) {
      HttpConnection c(port);
      std::string run = CreateRun(c);
      for (int64_t s = 0; s < 100000; s += 1000) {
        std::string b = "{\"run_id\":\"" + run + "\",\"metrics\":[";
        for (int i = 0; i < 1000; ++i) {
          if (i) b += ',';
          b += "{\"key\":\"loss\",\"value\":" + std::to_string((s + i) * 0.001) + ",\"timestamp\":" +
               std::to_string(1700000000000 + s + i) + ",\"step\":" + std::to_string(s + i) + "}";
        }
        b += "]}";
        c.Request("POST", "/api/2.0/mlflow/runs/log-batch", b);
      }
      std::vector<double> paged, whole;
      for (int rep = 0; rep < 5; ++rep) {
        auto t0 = Clock::now();
        std::string token, body;
        size_t total = 0;
        for (int page = 0; page < 10; ++page) {
          std::string target = "/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss&max_results=25000";
          if (!token.empty()) target += "&page_token=" + token;
          c.Request("GET", target, "", &body);
          total += body.size();
          token = ExtractString(body, "next_page_token");
          if (token.empty()) break;
        }
        paged.push_back(Seconds(t0, Clock::now()) * 1000);
        t0 = Clock::now();
        c.Request("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss", "", &body);
        whole.push_back(Seconds(t0, Clock::now()) * 1000);
      }
      history_ms = Percentile(paged, 50);
      history_one_ms = Percentile(whole, 50);
    }
    rss_after = server.RssMb();
    server.Stop();
  }

  std::printf("\nSQLite ceiling on a copy of the server's database after each phase, writing the server's rows:\n");
  std::printf("%-44s %14s %14s %8s %14s %14s %8s\n", "figure", "mlflow-cpp", "sqlite ceiling", "ratio",
              "server us/op", "sqlite us/op", "ratio");
  auto print = [](const Figure& f, const Ceiling& c) {
    if (f.rate == 0) return;  // a phase --only skipped
    // CPU per operation: the server's whole process (HTTP, JSON, hand-offs, SQLite) against
    // SQLite's own work for the same rows; a ratio that other load on the machine changes little.
    double server_us = f.server_cpu_us, raw_us = c.CpuMicrosPerOp();
    std::printf("%-44s %14.0f %14.0f %7.0f%% %14.1f %14.1f %7.0f%%\n", f.name, f.rate, c.rate, 100 * f.rate / c.rate,
                server_us, raw_us, server_us > 0 ? 100 * raw_us / server_us : 0);
  };
  for (const Figure* f : {&create, &batch, &metric, &full}) print(*f, f->ceiling);
  std::printf("\nThe earlier ceiling, into a fresh database (fewer indexes, one latest upsert per log-metric tx):\n");
  for (const Figure* f : {&create, &batch, &metric, &full}) print(*f, f->fresh);
  std::printf("%-44s %14.0f\n", "  (sqlite, one 100-point request per tx) /s", raw_batch_single.rate);
  std::printf("%-44s %8.1f / %.1f / %.1f / %.1f\n", "requests per transaction (run/batch/metric/full)", group_create,
              group_batch, group_metric, group_full);
  std::printf("%-44s %14.1f\n", "get-history 100k points, 4 pages (ms, p50)", history_ms);
  std::printf("%-44s %14.1f\n", "get-history 100k points, 1 request (ms, p50)", history_one_ms);
  std::printf("%-44s %14.1f\n", "server RSS idle (MB)", rss_idle);
  std::printf("%-44s %14.1f\n", "server RSS after load (MB)", rss_after);
  std::printf("%-44s %14.1f\n", "launch to first good /health (ms)", launch * 1000);
  std::printf("load average at end: %s\n", LoadAverage().c_str());
  if (own_workdir) fs::remove_all(opt.workdir);
  return 0;
}
