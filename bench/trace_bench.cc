// Tracing benchmark driver, run against any server (bench/trace_bench.sh runs it against
// mlflow-cpp and the real `mlflow server` side by side). It prints figures and never fails.
//
//   trace_bench otlp   --port P --experiment E [--clients 8] [--seconds 10] [--spans 10] [--per-span]
//       OTLP/protobuf ingestion: each client sends traces of --spans spans, one request per trace
//       (as an OTel SDK batch exporter does) or, with --per-span, one request per span followed by
//       StartTraceV3 (as MLflow's own client exporter does); prints spans/s.
//   trace_bench seed   --port P --experiment E [--traces 100000] [--clients 8]
//       traces of 3 spans (OTLP) plus StartTraceV3 with tags and metadata, for `search`.
//   trace_bench search --port P --experiment E [--iterations 20]
//       SearchTracesV3 latency (p50 / p90, JSON included) for one query of each filter kind.
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"
#include "tracing/otlp.h"

using namespace mlflow::bench;
namespace tr = mlflow::tracing;

namespace {

struct Options {
  std::string mode;
  int port = 0;
  std::string experiment = "0";
  int clients = 8;
  double seconds = 10;
  int spans = 10;
  bool per_span = false;
  int traces = 100000;
  int iterations = 20;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomBytes(std::mt19937_64& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>(rng() & 0xff);
  return out;
}

std::string Hex(const std::string& bytes) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += k[c >> 4];
    out += k[c & 15];
  }
  return out;
}

std::string Rfc3339(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

tr::OtlpKeyValue Attr(const std::string& key, tr::Json value) { return {key, std::move(value), std::nullopt}; }

// The spans of one trace as MLflow's client fills them: span type, inputs, outputs, log level.
struct GeneratedTrace {
  std::string trace_id;  // tr-<hex>
  std::vector<tr::OtlpSpan> spans;  // children first, the root last (end order)
  int64_t start_ms = 0;
  int64_t duration_ms = 0;
  bool error = false;
};

GeneratedTrace MakeTrace(std::mt19937_64& rng, int spans, int64_t index) {
  GeneratedTrace t;
  std::string trace_bytes = RandomBytes(rng, 16);
  t.trace_id = "tr-" + Hex(trace_bytes);
  std::string root_id = RandomBytes(rng, 8);
  int64_t start = NowNs();
  t.start_ms = start / 1000000;
  t.error = index % 10 == 0;
  for (int i = 1; i < spans; ++i) {
    tr::OtlpSpan s;
    s.trace_id = trace_bytes;
    s.span_id = RandomBytes(rng, 8);
    s.parent_span_id = root_id;
    s.name = "step" + std::to_string(i);
    s.start_time_unix_nano = static_cast<uint64_t>(start + i * 1000000);
    s.end_time_unix_nano = s.start_time_unix_nano + 500000;
    s.attributes = {Attr("mlflow.traceRequestId", t.trace_id), Attr("mlflow.spanType", i % 2 ? "TOOL" : "LLM"),
                    Attr("mlflow.spanInputs", tr::Json{{"i", i}, {"query", "question " + std::to_string(index)}}),
                    Attr("mlflow.spanOutputs", tr::Json{{"o", i * 2}}), Attr("mlflow.spanLogLevel", 20)};
    s.status_code = tr::kStatusOk;
    t.spans.push_back(std::move(s));
  }
  tr::OtlpSpan root;
  root.trace_id = trace_bytes;
  root.span_id = root_id;
  root.name = "agent";
  root.start_time_unix_nano = static_cast<uint64_t>(start);
  root.end_time_unix_nano = static_cast<uint64_t>(start + (spans + 1) * 1000000);
  root.attributes = {Attr("mlflow.traceRequestId", t.trace_id), Attr("mlflow.spanType", "AGENT"),
                     Attr("mlflow.spanFunctionName", "agent"),
                     Attr("mlflow.spanInputs", tr::Json{{"q", "question " + std::to_string(index)}}),
                     Attr("mlflow.spanOutputs", "answer " + std::to_string(index)), Attr("mlflow.spanLogLevel", 20)};
  root.status_code = t.error ? tr::kStatusError : tr::kStatusOk;
  if (t.error) root.status_message = "boom";
  t.spans.push_back(std::move(root));
  t.duration_ms = spans + 1;
  return t;
}

std::string OtlpBody(const std::vector<tr::OtlpSpan>& spans) {
  tr::OtlpRequest req;
  tr::OtlpResourceSpans rs;
  rs.resource_attributes = {Attr("telemetry.sdk.language", "python"), Attr("telemetry.sdk.name", "mlflow"),
                            Attr("telemetry.sdk.version", "3.17.2")};
  rs.spans = spans;
  req.resource_spans.push_back(std::move(rs));
  return tr::EncodeOtlpProtobuf(req);
}

// StartTraceV3 as MLflow's client sends it after the spans.
std::string StartTraceBody(const GeneratedTrace& t, const std::string& experiment, int64_t index, bool rich) {
  tr::Json info = {
      {"trace_id", t.trace_id},
      {"trace_location", {{"type", "MLFLOW_EXPERIMENT"}, {"mlflow_experiment", {{"experiment_id", experiment}}}}},
      {"request_time", Rfc3339(t.start_ms)},
      {"execution_duration", std::to_string(t.duration_ms / 1000.0) + "s"},
      {"state", t.error ? "ERROR" : "OK"},
      {"trace_metadata",
       {{"mlflow.source.type", "LOCAL"}, {"mlflow.trace_schema.version", "3"}, {"mlflow.user", "bench"}}},
      {"tags", {{"mlflow.traceName", "agent"}}}};
  if (rich) {
    info["trace_metadata"]["mlflow.trace.session"] = "s" + std::to_string(index % 1000);
    info["trace_metadata"]["mlflow.trace.user"] = "u" + std::to_string(index % 50);
    info["tags"]["team"] = "t" + std::to_string(index % 10);
    info["tags"]["mlflow.traceName"] = "agent" + std::to_string(index % 100);
  }
  return tr::Json{{"trace", {{"trace_info", info}}}}.dump();
}

struct Counters {
  std::atomic<uint64_t> spans{0};
  std::atomic<uint64_t> traces{0};
  std::atomic<uint64_t> errors{0};
};

// Sends one trace; returns false on a refused request.
bool SendTrace(HttpConnection& conn, const Options& o, const GeneratedTrace& t, int64_t index, bool per_span,
               bool start_trace, bool rich) {
  const std::vector<std::pair<std::string, std::string>> headers = {{"x-mlflow-experiment-id", o.experiment}};
  bool ok = true;
  if (per_span) {
    for (const auto& s : t.spans)
      ok &= conn.Send("POST", "/v1/traces", "application/x-protobuf", OtlpBody({s}), headers) == 200;
  } else {
    ok &= conn.Send("POST", "/v1/traces", "application/x-protobuf", OtlpBody(t.spans), headers) == 200;
  }
  if (start_trace) ok &= conn.Request("POST", "/api/3.0/mlflow/traces", StartTraceBody(t, o.experiment, index, rich)) == 200;
  return ok;
}

void Ingest(const Options& o) {
  Counters c;
  std::atomic<bool> stop{false};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      std::mt19937_64 rng(static_cast<uint64_t>(NowNs()) ^ static_cast<uint64_t>(client + 1) * 7919);
      std::unique_ptr<HttpConnection> conn;
      while (!stop.load(std::memory_order_relaxed)) {
        int64_t index = static_cast<int64_t>(c.traces.fetch_add(1));
        GeneratedTrace t = MakeTrace(rng, o.spans, index);
        try {
          if (!conn) conn = std::make_unique<HttpConnection>(o.port);
          if (SendTrace(*conn, o, t, index, o.per_span, o.per_span, false)) {
            c.spans += static_cast<uint64_t>(o.spans);
          } else {
            c.errors++;
          }
        } catch (const std::exception&) {
          c.errors++;
          conn.reset();
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double secs = Seconds(start, Clock::now());
  const double spans = static_cast<double>(c.spans.load());
  std::printf("%s: %d clients, traces of %d spans, %.1f s: %.0f spans stored, %.0f spans/s (%.0f traces/s), %llu errors\n",
              o.per_span ? "client-exporter pattern (OTLP per span + StartTraceV3)" : "OTLP (one request per trace)",
              o.clients, o.spans, secs, spans, spans / secs, spans / o.spans / secs,
              static_cast<unsigned long long>(c.errors.load()));
}

void Seed(const Options& o) {
  std::atomic<int64_t> next{0};
  std::atomic<uint64_t> errors{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      std::mt19937_64 rng(static_cast<uint64_t>(NowNs()) ^ static_cast<uint64_t>(client + 1) * 104729);
      std::unique_ptr<HttpConnection> conn;
      for (int64_t i; (i = next.fetch_add(1)) < o.traces;) {
        GeneratedTrace t = MakeTrace(rng, 3, i);
        try {
          if (!conn) conn = std::make_unique<HttpConnection>(o.port);
          if (!SendTrace(*conn, o, t, i, false, true, true)) errors++;
        } catch (const std::exception&) {
          errors++;
          conn.reset();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = Seconds(start, Clock::now());
  std::printf("seed: %d traces of 3 spans in %.1f s (%.0f traces/s), %llu errors\n", o.traces, secs, o.traces / secs,
              static_cast<unsigned long long>(errors.load()));
}

void Search(const Options& o) {
  struct Query {
    const char* label;
    std::string filter;
    std::string order_by;
  };
  const std::vector<Query> queries = {
      {"no filter (newest 100)", "", ""},
      {"trace.status = 'ERROR'", "trace.status = 'ERROR'", ""},
      {"trace.timestamp_ms > (last hour)", "trace.timestamp_ms > " + std::to_string(NowNs() / 1000000 - 3600000), ""},
      {"trace.execution_time_ms > 3, by time asc", "trace.execution_time_ms > 3", "timestamp_ms ASC"},
      {"tags.team = 't3'", "tags.team = 't3'", ""},
      {"name = 'agent42'", "name = 'agent42'", ""},
      {"metadata.`mlflow.trace.session` = 's123'", "metadata.`mlflow.trace.session` = 's123'", ""},
      {"metadata.`mlflow.trace.user` = 'u7'", "metadata.`mlflow.trace.user` = 'u7'", ""},
      {"span.name = 'step2'", "span.name = 'step2'", ""},
      {"span.type = 'LLM' AND tags.team = 't1'", "span.type = 'LLM' AND tags.team = 't1'", ""},
  };
  HttpConnection conn(o.port);
  std::printf("%-44s %10s %10s %8s\n", "SearchTracesV3 (max_results 100)", "p50 ms", "p90 ms", "traces");
  for (const auto& q : queries) {
    tr::Json body = {{"locations", {{{"type", "MLFLOW_EXPERIMENT"}, {"mlflow_experiment", {{"experiment_id", o.experiment}}}}}},
                     {"max_results", 100}};
    if (!q.filter.empty()) body["filter"] = q.filter;
    if (!q.order_by.empty()) body["order_by"] = {q.order_by};
    std::vector<double> ms;
    std::string out;
    int status = 0;
    for (int i = 0; i < o.iterations; ++i) {
      auto t0 = Clock::now();
      status = conn.Request("POST", "/api/3.0/mlflow/traces/search", body.dump(), &out);
      ms.push_back(Seconds(t0, Clock::now()) * 1000);
    }
    size_t count = 0;
    for (size_t p = out.find("\"trace_id\""); p != std::string::npos; p = out.find("\"trace_id\"", p + 1)) ++count;
    if (status != 200) {
      std::printf("%-44s %10s (HTTP %d)\n", q.label, "error", status);
      continue;
    }
    std::printf("%-44s %10.1f %10.1f %8zu\n", q.label, Percentile(ms, 50), Percentile(ms, 90), count);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (argc < 2) {
    std::fprintf(stderr, "usage: trace_bench otlp|seed|search --port P [options]\n");
    return 0;
  }
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--port") o.port = std::atoi(next().c_str());
    else if (a == "--experiment") o.experiment = next();
    else if (a == "--clients") o.clients = std::atoi(next().c_str());
    else if (a == "--seconds") o.seconds = std::atof(next().c_str());
    else if (a == "--spans") o.spans = std::atoi(next().c_str());
    else if (a == "--per-span") o.per_span = true;
    else if (a == "--traces") o.traces = std::atoi(next().c_str());
    else if (a == "--iterations") o.iterations = std::atoi(next().c_str());
  }
  try {
    if (o.mode == "otlp") Ingest(o);
    else if (o.mode == "seed") Seed(o);
    else if (o.mode == "search") Search(o);
  } catch (const std::exception& e) {
    std::printf("trace_bench %s: %s\n", o.mode.c_str(), e.what());
  }
  return 0;
}
