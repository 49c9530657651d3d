// Scale benchmark (issue 25): does a read cost what its page costs, or what the experiment costs?
// Each size gets its own database, seeded through the REST API of the real server (create-run, then
// one log-batch of 20 params, 20 metrics and 10 tags a run, from several clients); reads are timed
// over HTTP, JSON included, at every size, printed side by side with the growth factor, and beside
// SQLite's own read of the same rows (the runs, params, latest metrics and tags of the ids the page
// returned, straight through the C API on the same file, in the same run).
//
//   scale_bench [--binary PATH] [--data-dir DIR] [--sizes 10000,100000] [--points 100000,1000000]
//               [--clients 4] [--iterations 10]
//
// --data-dir keeps the databases (DIR/runs-N, DIR/history): a second run with the same DIR skips the
// seeding. Without it a temporary directory is used and removed. `--sizes 1000,10000 --points
// 10000,100000` is a short run. Prints figures; never fails on them.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"

namespace fs = std::filesystem;
using namespace mlflow::bench;

namespace {

std::vector<int64_t> ParseList(const std::string& s) {
  std::vector<int64_t> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t comma = s.find(',', at);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(std::atoll(s.substr(at, comma - at).c_str()));
    at = comma + 1;
  }
  return out;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.') {
      out += static_cast<char>(ch);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", ch);
      out += b;
    }
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Seeds `runs` runs into a new experiment unless dir/seeded names one already; returns its id.
std::string SeedRuns(const std::string& binary, const std::string& dir, int64_t runs, int clients) {
  if (fs::exists(dir + "/seeded")) return ReadFile(dir + "/seeded");
  fs::remove_all(dir);
  fs::create_directories(dir);
  ServerProcess server(binary, dir);
  HttpConnection c(server.port());
  std::string body;
  if (c.Request("POST", "/api/2.0/mlflow/experiments/create", "{\"name\":\"scale\"}", &body) != 200)
    throw std::runtime_error("create experiment failed: " + body);
  const std::string exp = ExtractString(body, "experiment_id");
  std::atomic<int64_t> next{0}, done{0};
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k) {
    threads.emplace_back([&] {
      HttpConnection conn(server.port());
      std::string out;
      for (int64_t i = next++; i < runs; i = next++) {
        char name[32];
        std::snprintf(name, sizeof name, "run-%07lld", static_cast<long long>((i * 7919) % runs));
        std::string create = "{\"experiment_id\":\"" + exp + "\",\"run_name\":\"" + name +
                             "\",\"start_time\":" + std::to_string(1700000000000LL + i) + "}";
        if (conn.Request("POST", "/api/2.0/mlflow/runs/create", create, &out) != 200)
          throw std::runtime_error("create-run failed: " + out);
        if (conn.Request("POST", "/api/2.0/mlflow/runs/log-batch", SearchSeedBatch(ExtractString(out, "run_id"), i), &out) != 200)
          throw std::runtime_error("log-batch failed: " + out);
        ++done;
      }
    });
  }
  // Progress every 5 s while the clients seed.
  std::thread progress([&] {
    while (done.load() < runs) {
      for (int i = 0; i < 50 && done.load() < runs; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      double s = Seconds(t0, Clock::now());
      std::fprintf(stderr, "  seeding %s: %lld / %lld runs, %.0f s, %.0f runs/s\n", dir.c_str(),
                   static_cast<long long>(done.load()), static_cast<long long>(runs), s, done.load() / std::max(s, 1e-9));
    }
  });
  for (auto& t : threads) t.join();
  progress.join();
  std::fprintf(stderr, "  seeded %lld runs in %.1f s\n", static_cast<long long>(runs), Seconds(t0, Clock::now()));
  server.Stop();
  std::ofstream(dir + "/seeded") << exp << "\n";
  return exp;
}

// Seeds one run per history length (metric "loss", steps 0..n-1) unless dir/seeded lists them.
std::vector<std::string> SeedHistories(const std::string& binary, const std::string& dir,
                                       const std::vector<int64_t>& points) {
  std::vector<std::string> runs;
  if (fs::exists(dir + "/seeded")) {
    std::ifstream in(dir + "/seeded");
    for (std::string id; in >> id;) runs.push_back(id);
    if (runs.size() == points.size()) return runs;
    runs.clear();
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  ServerProcess server(binary, dir);
  HttpConnection c(server.port());
  for (int64_t n : points) {
    std::string body;
    if (c.Request("POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"0","start_time":1})", &body) != 200)
      throw std::runtime_error("create run failed: " + body);
    runs.push_back(ExtractString(body, "run_id"));
    auto t0 = Clock::now();
    for (int64_t s = 0; s < n; s += 1000) {
      std::string b = "{\"run_id\":\"" + runs.back() + "\",\"metrics\":[";
      for (int64_t i = s; i < s + 1000 && i < n; ++i) {
        if (i > s) b += ',';
        b += "{\"key\":\"loss\",\"value\":" + std::to_string(1.0 / static_cast<double>(i + 1)) +
             ",\"timestamp\":" + std::to_string(1700000000000 + i * 100) + ",\"step\":" + std::to_string(i) + "}";
      }
      if (c.Request("POST", "/api/2.0/mlflow/runs/log-batch", b + "]}", &body) != 200)
        throw std::runtime_error("log-batch failed: " + body);
      if ((s / 1000) % 100 == 99)
        std::fprintf(stderr, "  seeding history: %lld / %lld points, %.0f s\n", static_cast<long long>(s + 1000),
                     static_cast<long long>(n), Seconds(t0, Clock::now()));
    }
  }
  server.Stop();
  std::ofstream out(dir + "/seeded");
  for (const auto& r : runs) out << r << "\n";
  return runs;
}

// Every "run_uuid" value in a search answer, in order.
std::vector<std::string> RunIds(const std::string& body) {
  std::vector<std::string> ids;
  const std::string key = "\"run_uuid\":\"";
  for (size_t at = body.find(key); at != std::string::npos; at = body.find(key, at + 1)) {
    size_t s = at + key.size();
    ids.push_back(body.substr(s, body.find('"', s) - s));
  }
  return ids;
}

// SQLite's floor: the same rows a page returns, read straight through the C API.
class SqliteFloor {
 public:
  explicit SqliteFloor(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
    for (const char* sql : {"SELECT * FROM runs WHERE run_uuid = ?", "SELECT key, value FROM params WHERE run_uuid = ?",
                            "SELECT * FROM latest_metrics WHERE run_uuid = ?", "SELECT key, value FROM tags WHERE run_uuid = ?"}) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db_, sql, -1, &st, nullptr);
      run_stmts_.push_back(st);
    }
    sqlite3_prepare_v2(db_, "SELECT timestamp, step, value, is_nan FROM metrics WHERE run_uuid = ? AND key = 'loss'",
                       -1, &history_, nullptr);
  }
  ~SqliteFloor() {
    for (auto* st : run_stmts_) sqlite3_finalize(st);
    sqlite3_finalize(history_);
    sqlite3_close(db_);
  }
  // ms to read every column of the runs and their params, latest metrics and tags.
  double ReadRuns(const std::vector<std::string>& ids) {
    auto t0 = Clock::now();
    sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
    for (const auto& id : ids) {
      for (auto* st : run_stmts_) {
        sqlite3_bind_text(st, 1, id.c_str(), static_cast<int>(id.size()), SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) Touch(st);
        sqlite3_reset(st);
      }
    }
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    return Seconds(t0, Clock::now()) * 1000;
  }
  // ms to read a run's whole history of "loss"; *rows gets the count.
  double ReadHistory(const std::string& run, size_t* rows) {
    auto t0 = Clock::now();
    sqlite3_bind_text(history_, 1, run.c_str(), static_cast<int>(run.size()), SQLITE_TRANSIENT);
    *rows = 0;
    while (sqlite3_step(history_) == SQLITE_ROW) {
      Touch(history_);
      ++*rows;
    }
    sqlite3_reset(history_);
    return Seconds(t0, Clock::now()) * 1000;
  }

 private:
  void Touch(sqlite3_stmt* st) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) sink_ += sqlite3_column_bytes(st, c);
  }
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> run_stmts_;
  sqlite3_stmt* history_ = nullptr;
  size_t sink_ = 0;
};

struct Figure {
  double ms = 0;     // p50 over HTTP
  double cpu = 0;    // server CPU ms (user + system) per request: unlike latency, not inflated by other load
  double floor = 0;  // SQLite's read of the same rows (p50); 0 = not measured
  size_t rows = 0;   // rows in the answer
};

using Table = std::map<std::string, std::map<int64_t, Figure>>;  // read -> size -> figure

void Print(const char* title, const std::vector<std::string>& order, const Table& t, const std::vector<int64_t>& sizes) {
  std::printf("\n%s\n%-44s", title, "read");
  for (int64_t n : sizes) std::printf(" | %9lld: ms    cpu  sqlite  rows", static_cast<long long>(n));
  std::printf(" | growth (largest / smallest)\n");
  for (const auto& name : order) {
    auto it = t.find(name);
    if (it == t.end()) continue;
    std::printf("%-44s", name.c_str());
    for (int64_t n : sizes) {
      const Figure& f = it->second.at(n);
      if (f.floor > 0) {
        std::printf(" | %13.1f %6.1f %7.1f %5zu", f.ms, f.cpu, f.floor, f.rows);
      } else {
        std::printf(" | %13.1f %6.1f %7s %5zu", f.ms, f.cpu, "-", f.rows);
      }
    }
    const Figure& a = it->second.at(sizes.front());
    const Figure& b = it->second.at(sizes.back());
    std::printf(" | %5.2fx (cpu %5.2fx)\n", a.ms > 0 ? b.ms / a.ms : 0.0, a.cpu > 0 ? b.cpu / a.cpu : 0.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = (fs::path(argv[0]).parent_path() / "../src/cli/mlflow-cpp").string();
  std::string data_dir;
  std::vector<int64_t> sizes = {10000, 100000}, points = {100000, 1000000};
  int clients = 4, iterations = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--binary") binary = argv[i + 1];
    if (a == "--data-dir") data_dir = argv[i + 1];
    if (a == "--sizes") sizes = ParseList(argv[i + 1]);
    if (a == "--points") points = ParseList(argv[i + 1]);
    if (a == "--clients") clients = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--iterations") iterations = std::max(1, std::atoi(argv[i + 1]));
  }
  binary = fs::absolute(binary).lexically_normal().string();
  const bool own_dir = data_dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/mlflow-scale-bench-XXXXXX";
    data_dir = mkdtemp(tmpl);
  }
  data_dir = fs::absolute(data_dir).string();
  std::printf("scale benchmark: %s, data in %s, p50 of %d requests (walk: every page once per pass, %d passes)\n",
              binary.c_str(), data_dir.c_str(), iterations, std::max(1, iterations / 4));

  // ---- runs/search ----
  const std::vector<std::pair<std::string, std::string>> searches = {
      {"first page, order by start_time DESC", R"("order_by":["attributes.start_time DESC"])"},
      {"first page, order by metrics.m3 DESC", R"("order_by":["metrics.m3 DESC"])"},
      {"first page, order by params.p4 ASC", R"("order_by":["params.p4 ASC"])"},
      {"first page, order by attributes.run_name", R"("order_by":["attributes.run_name ASC"])"},
      {"filter m1 > 0.05 and p2 = 'v' (9.5% match)", R"("filter":"metrics.m1 > 0.05 and params.p2 = 'v'")"},
  };
  std::vector<std::string> order;
  for (const auto& s : searches) order.push_back(s.first);
  order.push_back("walk: mean page (default order)");
  order.push_back("walk: last page");
  Table runs_table;
  for (int64_t n : sizes) {
    const std::string dir = data_dir + "/runs-" + std::to_string(n);
    const std::string exp = SeedRuns(binary, dir, n, clients);
    ServerProcess server(binary, dir);
    HttpConnection conn(server.port());
    SqliteFloor floor(dir + "/mlflow.db");
    const std::string scope = "{\"experiment_ids\":[\"" + exp + "\"],\"max_results\":1000";
    for (const auto& [name, extra] : searches) {
      std::vector<double> ms, fl;
      std::string out;
      double cpu0 = 0;
      for (int i = 0; i < iterations + 1; ++i) {  // the first request warms the caches
        if (i == 1) cpu0 = server.CpuSeconds();
        auto t0 = Clock::now();
        if (conn.Request("POST", "/api/2.0/mlflow/runs/search", scope + "," + extra + "}", &out) != 200)
          throw std::runtime_error("search failed: " + out.substr(0, 300));
        if (i) ms.push_back(Seconds(t0, Clock::now()) * 1000);
      }
      const double cpu = (server.CpuSeconds() - cpu0) * 1000 / iterations;
      auto ids = RunIds(out);
      for (int i = 0; i < iterations; ++i) fl.push_back(floor.ReadRuns(ids));
      runs_table[name][n] = {Percentile(ms, 50), cpu, Percentile(fl, 50), ids.size()};
    }
    // The walk: every page of the experiment in the default order, through next_page_token.
    std::vector<double> page_ms, page_floor;
    double last_ms = 0, last_floor = 0;
    size_t last_rows = 0;
    const double walk_cpu0 = server.CpuSeconds();
    for (int pass = 0; pass < std::max(1, iterations / 4); ++pass) {
      std::string token, out;
      for (int64_t page = 0; page < n / 1000 + 2; ++page) {
        std::string body = scope;
        if (!token.empty()) body += ",\"page_token\":\"" + token + "\"";
        auto t0 = Clock::now();
        if (conn.Request("POST", "/api/2.0/mlflow/runs/search", body + "}", &out) != 200)
          throw std::runtime_error("search failed: " + out.substr(0, 300));
        double ms = Seconds(t0, Clock::now()) * 1000;
        auto ids = RunIds(out);
        double f = floor.ReadRuns(ids);
        page_ms.push_back(ms);
        page_floor.push_back(f);
        last_ms = ms, last_floor = f, last_rows = ids.size();
        token = ExtractString(out, "next_page_token");
        if (token.empty()) break;
      }
    }
    const double walk_cpu = (server.CpuSeconds() - walk_cpu0) * 1000 / static_cast<double>(page_ms.size());
    double sum = 0, fsum = 0;
    for (double v : page_ms) sum += v;
    for (double v : page_floor) fsum += v;
    runs_table["walk: mean page (default order)"][n] = {sum / page_ms.size(), walk_cpu, fsum / page_floor.size(), 1000};
    runs_table["walk: last page"][n] = {last_ms, 0, last_floor, last_rows};
    server.Stop();
  }
  Print("runs/search, 1,000 runs a page (20 params, 20 metrics, 10 tags each); sqlite = the same rows through "
        "the C API",
        order, runs_table, sizes);

  // ---- metric histories ----
  if (!points.empty()) {
    const std::string dir = data_dir + "/history";
    auto runs = SeedHistories(binary, dir, points);
    ServerProcess server(binary, dir);
    HttpConnection conn(server.port());
    SqliteFloor floor(dir + "/mlflow.db");
    Table t;
    for (size_t k = 0; k < points.size(); ++k) {
      const std::string& run = runs[k];
      const std::string hist = "/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss";
      std::vector<double> whole, paged, pages, bulk, fl;
      std::string out;
      size_t rows = 0, bulk_rows = 0;
      double cpu_whole = 0, cpu_paged = 0, cpu_bulk = 0;
      size_t page_count = 0;
      for (int i = 0; i < iterations; ++i) {
        double c0 = server.CpuSeconds();
        auto t0 = Clock::now();
        conn.Request("GET", hist, "", &out);
        whole.push_back(Seconds(t0, Clock::now()) * 1000);
        double c1 = server.CpuSeconds();
        cpu_whole += c1 - c0;
        std::string token;
        auto p0 = Clock::now();
        for (int page = 0; page < 1000; ++page) {
          auto q0 = Clock::now();
          conn.Request("GET", hist + "&max_results=25000" + (token.empty() ? "" : "&page_token=" + UrlEncode(token)), "",
                       &out);
          pages.push_back(Seconds(q0, Clock::now()) * 1000);
          token = ExtractString(out, "next_page_token");
          if (token.empty()) break;
        }
        paged.push_back(Seconds(p0, Clock::now()) * 1000);
        double c2 = server.CpuSeconds();
        cpu_paged += c2 - c1;
        t0 = Clock::now();
        conn.Request("GET",
                     "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=loss&max_results=320&run_ids=" + run,
                     "", &out);
        bulk.push_back(Seconds(t0, Clock::now()) * 1000);
        cpu_bulk += server.CpuSeconds() - c2;
        bulk_rows = 0;
        for (size_t at = out.find("\"step\""); at != std::string::npos; at = out.find("\"step\"", at + 1)) ++bulk_rows;
        fl.push_back(floor.ReadHistory(run, &rows));
      }
      const int64_t n = points[k];
      const double it = iterations;
      page_count = pages.size();
      double page_sum = 0;
      for (double v : pages) page_sum += v;
      t["get-history, whole history"][n] = {Percentile(whole, 50), cpu_whole * 1000 / it, Percentile(fl, 50), rows};
      t["get-history, pages of 25,000 (all pages)"][n] = {Percentile(paged, 50), cpu_paged * 1000 / it,
                                                          Percentile(fl, 50), rows};
      t["get-history, one page of 25,000 (mean)"][n] = {page_sum / static_cast<double>(page_count),
                                                        cpu_paged * 1000 / static_cast<double>(page_count), 0, 25000};
      t["get-history-bulk-interval, 320 points"][n] = {Percentile(bulk, 50), cpu_bulk * 1000 / it, 0, bulk_rows};
    }
    server.Stop();
    Print("metric histories (one run, metric \"loss\", one point a step); sqlite = the whole history through the C API",
          {"get-history, whole history", "get-history, pages of 25,000 (all pages)", "get-history, one page of 25,000 (mean)",
           "get-history-bulk-interval, 320 points"},
          t, points);
  }
  if (own_dir) fs::remove_all(data_dir);
  return 0;
}
