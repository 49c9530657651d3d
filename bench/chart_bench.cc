// The UI charts' endpoint alone: get-history-bulk-interval on long histories, through the real
// server over loopback. Issue 25 asks its cost to follow the points returned, not the points stored.
//
//   chart_bench [--binary PATH] [--workdir DIR] [--repeat 20]
//
// Seeds one run of 1,000,000 points and ten runs of 100,000 (steps 0..n-1, one point a step, as
// a training loop logs them), then times (p50 of --repeat requests, one at a time):
//   - 320 and 1,000 points of the 1,000,000-point run (the UI asks 320 to 1,000 a run);
//   - 320 points of one 100,000-point run;
//   - 1,000 points of each of the ten 100,000-point runs in one request (the bench's chart, which
//     the UI splits over 4 requests) and a zoomed range of them (steps 40,000..60,000);
//   - metrics/get-history pages of 25,000: the first and the last page of the 100,000- and the
//     1,000,000-point run (issue 25: a page's cost must not grow with its position).
// Prints figures; never fails on them.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_common.h"

namespace fs = std::filesystem;
using namespace mlflow::bench;

namespace {

std::string CreateRun(HttpConnection& c) {
  std::string body;
  int st = c.Request("POST", "/api/2.0/mlflow/runs/create", R"({"experiment_id":"0","start_time":1})", &body);
  if (st != 200) throw std::runtime_error("create run failed: " + body);
  return ExtractString(body, "run_id");
}

void Seed(HttpConnection& c, const std::string& run, int64_t points) {
  for (int64_t s = 0; s < points; s += 1000) {
    std::string b = "{\"run_id\":\"" + run + "\",\"metrics\":[";
    for (int64_t i = s; i < s + 1000 && i < points; ++i) {
      if (i > s) b += ',';
      b += "{\"key\":\"loss\",\"value\":" + std::to_string(1.0 / static_cast<double>(i + 1)) +
           ",\"timestamp\":" + std::to_string(1700000000000 + i * 100) + ",\"step\":" + std::to_string(i) + "}";
    }
    b += "]}";
    if (c.Request("POST", "/api/2.0/mlflow/runs/log-batch", b) != 200) throw std::runtime_error("log-batch failed");
  }
}

// A page token (base64: '+', '/', '=') as a query value.
std::string UrlEncode(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out += ch;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(ch));
      out += hex;
    }
  }
  return out;
}

// p50 in ms of `repeat` requests; *points gets the number of points in the last answer.
double Time(HttpConnection& c, const std::string& target, int repeat, size_t* points) {
  std::vector<double> ms;
  std::string body;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    if (c.Request("GET", target, "", &body) != 200) throw std::runtime_error("request failed: " + body);
    ms.push_back(Seconds(t0, Clock::now()) * 1000);
  }
  *points = 0;
  for (size_t at = body.find("\"step\""); at != std::string::npos; at = body.find("\"step\"", at + 1)) ++*points;
  return Percentile(ms, 50);
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = (fs::path(argv[0]).parent_path() / "../src/cli/mlflow-cpp").string();
  std::string workdir;
  int repeat = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--binary") binary = argv[i + 1];
    if (a == "--workdir") workdir = argv[i + 1];
    if (a == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  binary = fs::absolute(binary).lexically_normal().string();
  const bool own_workdir = workdir.empty();
  if (own_workdir) {
    char tmpl[] = "/tmp/mlflow-chart-bench-XXXXXX";
    workdir = mkdtemp(tmpl);
  }
  fs::create_directories(workdir + "/server");
  {
    ServerProcess server(binary, workdir + "/server");
    HttpConnection c(server.port());
    auto t0 = Clock::now();
    std::string big = CreateRun(c);
    Seed(c, big, 1000000);
    std::vector<std::string> runs;
    for (int r = 0; r < 10; ++r) {
      runs.push_back(CreateRun(c));
      Seed(c, runs.back(), 100000);
    }
    std::printf("chart benchmark: seeded 2,000,000 points in %.1f s; p50 of %d requests each\n",
                Seconds(t0, Clock::now()), repeat);
    const std::string url = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=loss";
    std::string ten;
    for (const auto& r : runs) ten += "&run_ids=" + r;
    struct Case {
      const char* label;
      std::string target;
    };
    const std::vector<Case> cases = {
        {"1 run x 1,000,000 points, 320 returned", url + "&run_ids=" + big + "&max_results=320"},
        {"1 run x 1,000,000 points, 1,000 returned", url + "&run_ids=" + big + "&max_results=1000"},
        {"1 run x 100,000 points, 320 returned", url + "&run_ids=" + runs[0] + "&max_results=320"},
        {"10 runs x 100,000 points, 1,000 each", url + ten + "&max_results=1000"},
        {"10 runs, steps 40,000..60,000, 1,000 each", url + ten + "&max_results=1000&start_step=40000&end_step=60000"},
    };
    std::printf("\n%-46s %10s %10s\n", "request", "ms (p50)", "points");
    for (const auto& k : cases) {
      size_t points = 0;
      double ms = Time(c, k.target, repeat, &points);
      std::printf("%-46s %10.1f %10zu\n", k.label, ms, points);
    }
    // metrics/get-history in pages of 25,000 (the Python client's page): the first and the last
    // page of each history, the last one reached by following the tokens, so its cost shows
    // whether a page skips the pages before it.
    std::printf("\n%-46s %10s %10s\n", "get-history, pages of 25,000", "ms (p50)", "points");
    for (const auto& [label, run] : std::vector<std::pair<std::string, std::string>>{
             {"100,000 points", runs[0]}, {"1,000,000 points", big}}) {
      const std::string page = "/api/2.0/mlflow/metrics/get-history?metric_key=loss&max_results=25000&run_id=" + run;
      std::string token, last = page, body;
      int pages = 0;
      for (; pages < 100; ++pages) {
        if (c.Request("GET", page + token, "", &body) != 200) throw std::runtime_error("get-history failed: " + body);
        std::string next = ExtractString(body, "next_page_token");
        if (next.empty()) break;
        last = page + "&page_token=" + UrlEncode(next);
        token = "&page_token=" + UrlEncode(next);
      }
      size_t points = 0;
      double first_ms = Time(c, page, std::max(1, repeat / 4), &points);
      std::printf("%-46s %10.1f %10zu\n", (label + ", first page").c_str(), first_ms, points);
      double last_ms = Time(c, last, std::max(1, repeat / 4), &points);
      std::printf("%-46s %10.1f %10zu\n", (label + ", page " + std::to_string(pages + 1)).c_str(), last_ms, points);
    }
    server.Stop();
  }
  if (own_workdir) fs::remove_all(workdir);
  return 0;
}
