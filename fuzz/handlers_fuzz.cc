// Fuzz target: request decoding of every JSON endpoint (src/server/handlers), through the real
// routes of the server (App, over a SQLite database in a temporary folder) without a socket.
//
// Input: a first line naming the route ("POST /api/2.0/mlflow/runs/create"; HANDLERS_FUZZ_ROUTES=1
// lists the names at start; anything else picks one by its first byte), a second line used as the
// value of every path parameter, and the rest, the query string of a GET or the JSON body of any
// other method. A request may fail with any MLflow error (4xx), but a handler must not throw (the
// server would answer 500 INTERNAL_ERROR) nor answer 500 (unless MLflow answers that request 500
// too: MlflowAnswers500), and a JSON answer must be JSON.
//
// The database keeps what earlier inputs wrote (as a server does): a reproducer that needs that
// state is rerun with the inputs before it (scripts/fuzz.sh keeps the corpus). The gcc build runs
// the same function over fuzz/corpus/handlers_fuzz/ on every test run (ctest handlers_fuzz_replay,
// fuzz/replay_main.cc).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "fuzz/fuzz_input.h"
#include "server/app.h"
#include "server/http/router.h"

namespace {

using namespace mlflow::server;

struct Target {
  std::unique_ptr<App> app;
  std::vector<std::pair<std::string, std::string>> routes;  // method, pattern
  std::map<std::string, size_t> by_name;                    // "METHOD pattern" -> index
};

Target& Get() {
  static Target* t = [] {
    auto* t = new Target();
    spdlog::set_level(spdlog::level::off);
    std::string dir = std::filesystem::temp_directory_path() / ("mlflow-handlers-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    ServerConfig config;
    config.backend_store_uri = "sqlite:///" + dir + "/mlflow.db";
    config.artifacts_destination = dir + "/artifacts";
    auto app = App::Create(config);
    if (!app.ok()) {
      fprintf(stderr, "handlers_fuzz: %s\n", app.status().message().c_str());
      abort();
    }
    t->app = std::move(app).value();
    for (auto& [method, pattern] : t->app->router().BufferedRoutes()) {
      bool api = pattern.rfind("/api/", 0) == 0 || pattern.rfind("/ajax-api/", 0) == 0 || pattern == "/graphql";
      if (!api || method == "OPTIONS") continue;
      t->by_name[method + " " + pattern] = t->routes.size();
      t->routes.emplace_back(method, pattern);
    }
    // HANDLERS_FUZZ_ROUTES=1: list the names an input's first line can give (for writing seeds).
    if (getenv("HANDLERS_FUZZ_ROUTES") != nullptr) {
      for (const auto& [method, pattern] : t->routes) fprintf(stderr, "route %s %s\n", method.c_str(), pattern.c_str());
    }
    return t;
  }();
  return *t;
}

// The pattern with every {name} / {name...} segment replaced by `value`.
std::string FillPath(const std::string& pattern, const std::string& value) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    size_t open = pattern.find('{', i);
    if (open == std::string::npos) {
      out.append(pattern, i, std::string::npos);
      break;
    }
    out.append(pattern, i, open - i);
    size_t close = pattern.find('}', open);
    out += value;
    i = close == std::string::npos ? pattern.size() : close + 1;
  }
  return out;
}

// The 500 answers MLflow 3.17.2 gives to the same request, which the server gives on purpose: the
// trace whose spans are not in the tracking store, fetched whole (src/store/sql/sql_trace_store.cc).
bool MlflowAnswers500(const HttpResponse& res) {
  return res.status == 500 && res.body.find("\"Trace data not stored in tracking store\"") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Target& t = Get();
  mlflow::fuzz::FuzzInput in(data, size);
  std::string name(in.Line());
  std::string param(in.Line());
  std::string payload(in.Rest());
  auto named = t.by_name.find(name);
  size_t index = named != t.by_name.end() ? named->second
                                           : (name.empty() ? 0 : static_cast<uint8_t>(name[0])) % t.routes.size();
  const auto& [method, pattern] = t.routes[index];

  HttpRequest req;
  req.method = method;
  req.path = FillPath(pattern, param);
  Router::Match m = t.app->router().Find(req.method, req.path);
  if (m.kind != Router::Match::Kind::kHandler) {
    req.path = FillPath(pattern, "x");  // a parameter with '/' in it: the route did not match
    m = t.app->router().Find(req.method, req.path);
    if (m.kind != Router::Match::Kind::kHandler) return 0;
  }
  req.path_params = m.path_params;
  if (method == "GET") {
    req.query = payload;
    req.target = req.path + "?" + payload;
  } else {
    req.target = req.path;
    req.body = payload;
    req.headers["content-type"] = "application/json";
  }
  HttpResponse res;
  try {
    res = (*m.handler)(req);
  } catch (const std::exception& e) {
    fprintf(stderr, "handler %s %s threw: %s\n", method.c_str(), pattern.c_str(), e.what());
    abort();
  }
  if (res.status >= 500 && res.status != 501 && res.status != 503 && !MlflowAnswers500(res)) {
    fprintf(stderr, "handler %s %s answered %d: %s\n", method.c_str(), pattern.c_str(), res.status,
            res.body.substr(0, 500).c_str());
    abort();
  }
  if (res.content_type.rfind("application/json", 0) == 0 && !res.body.empty() &&
      !nlohmann::json::accept(res.body)) {
    fprintf(stderr, "handler %s %s answered non-JSON: %s\n", method.c_str(), pattern.c_str(),
            res.body.substr(0, 500).c_str());
    abort();
  }
  return 0;
}
