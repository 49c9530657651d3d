// Model registry search benchmark: 1,000 registered models with 10 versions each (tags, aliases,
// mixed stages) in a fresh SQLite database, searched through the SQL registry store the server
// uses (search module -> SQL -> entity loading), timed per call.
//
//   registry_bench [--models 1000] [--versions 10] [--iterations 200] [--workdir DIR] [--binary PATH]
//
// Prints p50/p95 per query; the headline is SearchRegisteredModels with the REST defaults
// (no filter, max_results 100). Then, with the server binary (--binary, default: the build's
// src/cli/mlflow-cpp next to this program), the same searches over HTTP on one keep-alive
// connection, JSON rendering included. Prints figures; never fails on them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/ids.h"
#include "store/sql/database.h"
#include "store/sql/schema.h"
#include "store/sql/sql_registry_store.h"
#include "store/sql/sqlite_database.h"

namespace fs = std::filesystem;
using mlflow::store::RegistrySearchRequest;
using mlflow::store::sql::SqlRegistryStore;

namespace {

struct Options {
  int models = 1000;
  int versions = 10;
  int iterations = 200;
  std::string workdir;
  std::string binary;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string ModelName(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "model-%04d", i);
  return buf;
}

// Bulk rows in one transaction, as MLflow's store would have written them.
void Populate(mlflow::store::sql::Connection& c, const Options& o) {
  static const char* kStages[] = {"None", "Staging", "Production", "Archived"};
  c.ExecScript("BEGIN");
  int64_t t = mlflow::NowMillis() - int64_t{o.models} * o.versions * 10;
  for (int m = 0; m < o.models; ++m) {
    std::string name = ModelName(m);
    auto rm = c.Prepare(
        "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)");
    rm->Bind(1, name);
    rm->Bind(2, t);
    rm->Bind(3, t + o.versions);
    rm->Bind(4, "model number " + std::to_string(m));
    rm->Execute();
    for (const char* key : {"team", "task"}) {
      auto tag = c.Prepare("INSERT INTO registered_model_tags (key, value, name) VALUES (?, ?, ?)");
      tag->Bind(1, key);
      tag->Bind(2, std::string(key) + "-" + std::to_string(m % 7));
      tag->Bind(3, name);
      tag->Execute();
    }
    for (int v = 1; v <= o.versions; ++v) {
      auto mv = c.Prepare(
          "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, "
          "current_stage, source, run_id, status, status_message, run_link, storage_location) "
          "VALUES (?, ?, ?, ?, '', NULL, ?, ?, ?, 'READY', NULL, '', ?)");
      std::string run = mlflow::NewUuidHex();
      std::string source = "mlflow-artifacts:/1/" + run + "/artifacts/model";
      mv->Bind(1, name);
      mv->Bind(2, v);
      mv->Bind(3, t + v);
      mv->Bind(4, t + v);
      mv->Bind(5, kStages[(m + v) % 4]);
      mv->Bind(6, source);
      mv->Bind(7, run);
      mv->Bind(8, source);
      mv->Execute();
      auto tag = c.Prepare("INSERT INTO model_version_tags (key, value, name, version) VALUES ('v', ?, ?, ?)");
      tag->Bind(1, std::to_string(v));
      tag->Bind(2, name);
      tag->Bind(3, v);
      tag->Execute();
    }
    auto alias = c.Prepare("INSERT INTO registered_model_aliases (alias, version, name) VALUES ('champion', ?, ?)");
    alias->Bind(1, o.versions);
    alias->Bind(2, name);
    alias->Execute();
    t += o.versions * 10;
  }
  c.ExecScript("COMMIT");
}

struct Case {
  std::string label;
  std::function<size_t()> run;  // returns the number of entities returned
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--models") o.models = std::atoi(argv[i + 1]);
    else if (a == "--versions") o.versions = std::atoi(argv[i + 1]);
    else if (a == "--iterations") o.iterations = std::atoi(argv[i + 1]);
    else if (a == "--workdir") o.workdir = argv[i + 1];
    else if (a == "--binary") o.binary = argv[i + 1];
  }
  if (o.binary.empty()) {
    fs::path guess = fs::absolute(fs::path(argv[0])).parent_path().parent_path() / "src" / "cli" / "mlflow-cpp";
    if (fs::exists(guess)) o.binary = guess.string();
  }
  o.iterations = std::max(1, std::min(o.iterations, 100000));
  fs::path dir = o.workdir.empty() ? fs::temp_directory_path() / ("registry_bench_" + mlflow::NewUuidHex())
                                   : fs::path(o.workdir);
  fs::create_directories(dir);
  fs::path db_path = dir / "mlflow.db";  // the name ServerProcess serves
  fs::remove(db_path);

  mlflow::store::sql::SqliteOptions so;
  so.path = db_path.string();
  auto db = std::make_shared<mlflow::store::sql::SqliteDatabase>(so);
  if (mlflow::Status created = mlflow::store::sql::CreateSchema(db->writer_connection()); !created.ok()) {
    std::fprintf(stderr, "registry_bench: %s\n", created.message().c_str());
    return 0;
  }
  auto t0 = std::chrono::steady_clock::now();
  Populate(db->writer_connection(), o);
  double fill = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("registry_bench: %d registered models x %d versions (%d versions) in %s, filled in %.2f s\n",
              o.models, o.versions, o.models * o.versions, db_path.c_str(), fill);

  SqlRegistryStore store(db);
  auto rm_search = [&](std::string filter, std::vector<std::string> order, int64_t max) {
    return [&store, filter, order, max]() -> size_t {
      RegistrySearchRequest r;
      r.filter = filter;
      r.order_by = order;
      r.max_results = max;
      auto page = store.SearchRegisteredModels(r);
      if (!page.ok()) {
        std::fprintf(stderr, "search failed: %s\n", page.status().message().c_str());
        std::exit(1);
      }
      return page->models.size();
    };
  };
  auto mv_search = [&](std::string filter, int64_t max) {
    return [&store, filter, max]() -> size_t {
      RegistrySearchRequest r;
      r.filter = filter;
      r.max_results = max;
      auto page = store.SearchModelVersions(r);
      if (!page.ok()) {
        std::fprintf(stderr, "search failed: %s\n", page.status().message().c_str());
        std::exit(1);
      }
      return page->versions.size();
    };
  };
  std::vector<Case> cases = {
      {"SearchRegisteredModels (defaults: no filter, max_results=100)", rm_search("", {}, 100)},
      {"SearchRegisteredModels name LIKE 'model-05%'", rm_search("name LIKE 'model-05%'", {}, 100)},
      {"SearchRegisteredModels tags.team = 'team-3'", rm_search("tags.team = 'team-3'", {}, 100)},
      {"SearchRegisteredModels order_by timestamp DESC", rm_search("", {"timestamp DESC"}, 100)},
      {"SearchRegisteredModels max_results=1000 (all)", rm_search("", {}, 1000)},
      {"SearchModelVersions name = 'model-0500'", mv_search("name = 'model-0500'", 10000)},
      {"SearchModelVersions (client default max_results=10000)", mv_search("", 10000)},
  };
  double headline = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto& c = cases[i];
    size_t n = c.run();  // warm-up (statement cache, page cache)
    int iters = i >= cases.size() - 1 || c.label.find("1000 (all)") != std::string::npos
                    ? std::max(1, o.iterations / 10) : o.iterations;
    std::vector<double> ms;
    ms.reserve(static_cast<size_t>(iters));
    for (int k = 0; k < iters; ++k) {
      auto a = std::chrono::steady_clock::now();
      c.run();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    }
    double p50 = Percentile(ms, 50);
    if (i == 0) headline = p50;
    std::printf("  %-62s %6zu rows  p50 %8.3f ms  p95 %8.3f ms  (%d runs)\n", c.label.c_str(), n, p50,
                Percentile(ms, 95), iters);
  }
  std::printf("registry_bench: SearchRegisteredModels p50 = %.3f ms (target <= 20 ms)\n", headline);
  db->Close();

  if (!o.binary.empty()) {
    try {
      mlflow::bench::ServerProcess server(o.binary, fs::absolute(dir).string());
      mlflow::bench::HttpConnection conn(server.port());
      struct HttpCase {
        const char* label;
        std::string target;
      };
      std::vector<HttpCase> http_cases = {
          {"GET registered-models/search (defaults)", "/api/2.0/mlflow/registered-models/search"},
          {"GET registered-models/search filter name LIKE 'model-05%'",
           "/api/2.0/mlflow/registered-models/search?filter=name+LIKE+%27model-05%25%27"},
          {"GET model-versions/search filter name = 'model-0500'",
           "/api/2.0/mlflow/model-versions/search?filter=name+%3D+%27model-0500%27"},
      };
      double http_headline = 0;
      for (size_t i = 0; i < http_cases.size(); ++i) {
        std::string body;
        int status = conn.Request("GET", http_cases[i].target, "", &body);
        if (status != 200) throw std::runtime_error("HTTP " + std::to_string(status) + ": " + body.substr(0, 200));
        std::vector<double> ms;
        for (int k = 0; k < o.iterations; ++k) {
          auto a = std::chrono::steady_clock::now();
          conn.Request("GET", http_cases[i].target, "", &body);
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
        }
        if (i == 0) http_headline = Percentile(ms, 50);
        std::printf("  HTTP %-57s %7zu bytes  p50 %8.3f ms  p95 %8.3f ms  (%d runs)\n", http_cases[i].label,
                    body.size(), Percentile(ms, 50), Percentile(ms, 95), o.iterations);
      }
      std::printf("registry_bench: HTTP SearchRegisteredModels p50 = %.3f ms (target <= 20 ms)\n", http_headline);
    } catch (const std::exception& e) {
      std::printf("registry_bench: HTTP phase skipped: %s\n", e.what());
    }
  } else {
    std::printf("registry_bench: HTTP phase skipped (no --binary)\n");
  }
  if (o.workdir.empty()) fs::remove_all(dir);
  return 0;
}
