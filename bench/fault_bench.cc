// Load and fault driver (bench/fault_bench.sh kills and restarts the server under it): N clients
// write (create run, log-batch, log-metric, set-tag) and search for a while; every write the
// server acknowledged (HTTP 200) is remembered, and at the end each is looked up through the API.
// Prints requests served, errors (connections refused while the server was down counted apart),
// and acknowledged writes that are missing ("lost", which must be 0: database.h promises an
// acknowledged write is committed).
//
//   fault_bench --port 5000 --clients 200 --seconds 60 [--label sqlite] [--verify-wait 60]
// Output: human lines, then one "RESULT <label> key=value ..." line for scripts.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_common.h"

namespace {

using mlflow::bench::Clock;
using mlflow::bench::HttpConnection;
using mlflow::bench::Seconds;
using nlohmann::json;

constexpr const char* kApi = "/api/2.0/mlflow/";

// What one acknowledged write left in the run, to be found again.
struct RunAcks {
  std::vector<int64_t> batch_steps;   // metric "batch" at that step (log-batch), and param p<step>
  std::vector<int64_t> metric_steps;  // metric "single" at that step (log-metric)
  std::vector<int64_t> tag_seqs;      // tag t<seq>
};

struct Counters {
  std::atomic<uint64_t> served{0};        // answered requests, any status
  std::atomic<uint64_t> ok{0};            // 200s
  std::atomic<uint64_t> http_errors{0};   // answered, not 200
  std::atomic<uint64_t> io_errors{0};     // connection lost mid-request (outcome unknown, not counted as acked)
  std::atomic<uint64_t> refused{0};       // connect() refused: the server was down
  std::atomic<uint64_t> searches{0};
  std::atomic<uint64_t> acked_writes{0};
  std::atomic<uint64_t> runs_created{0};
};

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A connection that reconnects on demand and classifies failures.
class Client {
 public:
  Client(int port, Counters& c) : port_(port), c_(c) {}
  // Status code, or -1 (refused: nothing was sent) / -2 (lost mid-request: outcome unknown).
  int Call(const std::string& method, const std::string& target, const std::string& body, std::string* out) {
    if (!conn_) {
      try {
        conn_ = std::make_unique<HttpConnection>(port_);
      } catch (const std::exception& e) {
        // bench_common.cc says which: "connection refused" while the server is down.
        if (std::string(e.what()).find("refused") != std::string::npos) {
          c_.refused++;
        } else {
          c_.io_errors++;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return -1;
      }
    }
    try {
      int status = conn_->Request(method, target, body, out);
      c_.served++;
      if (status == 200) {
        c_.ok++;
      } else {
        c_.http_errors++;
      }
      return status;
    } catch (const std::exception&) {
      conn_.reset();
      c_.io_errors++;
      return -2;
    }
  }

 private:
  int port_;
  Counters& c_;
  std::unique_ptr<HttpConnection> conn_;
};

struct Args {
  int port = 0;
  int clients = 200;
  double seconds = 60;
  double verify_wait = 60;
  std::string label = "run";
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") a.port = std::stoi(v);
    else if (k == "--clients") a.clients = std::stoi(v);
    else if (k == "--seconds") a.seconds = std::stod(v);
    else if (k == "--verify-wait") a.verify_wait = std::stod(v);
    else if (k == "--label") a.label = v;
    else throw std::runtime_error("unknown option " + k);
  }
  if (a.port <= 0) throw std::runtime_error("--port is required");
  return a;
}

// Retries a call until it answers 200 or the deadline passes (setup and verification only).
bool Eventually(Client& c, const std::string& method, const std::string& target, const std::string& body,
                std::string* out, double seconds) {
  auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    int status = c.Call(method, target, body, out);
    if (status == 200) return true;
    if (status >= 400 && status < 500) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The load phase of one client: its own runs, a sequence number per write.
void ClientLoop(int index, const Args& args, const std::string& experiment_id, Counters& c, std::atomic<bool>& stop,
                std::map<std::string, RunAcks>& acks) {
  Client client(args.port, c);
  std::string run_id;
  int64_t seq = 0;
  std::string body;
  while (!stop.load(std::memory_order_relaxed)) {
    ++seq;
    int op = static_cast<int>((seq * 7 + index) % 10);
    if (run_id.empty() || op == 0) {
      json req = {{"experiment_id", experiment_id}, {"start_time", 1700000000000 + seq},
                  {"run_name", "c" + std::to_string(index) + "-" + std::to_string(seq)}};
      if (client.Call("POST", std::string(kApi) + "runs/create", req.dump(), &body) == 200) {
        json r = json::parse(body, nullptr, false);
        if (r.is_object() && r.contains("run")) {
          run_id = r["run"]["info"]["run_id"].get<std::string>();
          acks[run_id];
          c.runs_created++;
          c.acked_writes++;
        }
      }
      continue;
    }
    json req;
    std::string endpoint;
    if (op <= 3) {
      endpoint = "runs/log-batch";
      req = {{"run_id", run_id},
             {"metrics", {{{"key", "batch"}, {"value", seq}, {"timestamp", seq}, {"step", seq}}}},
             {"params", {{{"key", "p" + std::to_string(seq)}, {"value", std::to_string(seq)}}}}};
    } else if (op <= 6) {
      endpoint = "runs/log-metric";
      req = {{"run_id", run_id}, {"key", "single"}, {"value", seq}, {"timestamp", seq}, {"step", seq}};
    } else if (op <= 8) {
      endpoint = "runs/set-tag";
      req = {{"run_id", run_id}, {"key", "t" + std::to_string(seq)}, {"value", std::to_string(seq)}};
    } else {
      endpoint = "runs/search";
      req = {{"experiment_ids", {experiment_id}},
             {"filter", "metrics.single > " + std::to_string(seq % 50)},
             {"order_by", {"metrics.single DESC"}},
             {"max_results", 20}};
      client.Call("POST", std::string(kApi) + endpoint, req.dump(), &body);
      c.searches++;
      continue;
    }
    if (client.Call("POST", std::string(kApi) + endpoint, req.dump(), &body) != 200) continue;
    c.acked_writes++;
    RunAcks& a = acks[run_id];
    if (op <= 3) a.batch_steps.push_back(seq);
    else if (op <= 6) a.metric_steps.push_back(seq);
    else a.tag_seqs.push_back(seq);
  }
}

// Steps of one metric's full history (following page tokens).
bool History(Client& c, const std::string& run_id, const std::string& key, double wait, std::set<int64_t>* steps) {
  std::string token;
  for (int page = 0; page < 1000; ++page) {
    std::string body;
    std::string target = std::string(kApi) + "metrics/get-history?run_id=" + run_id + "&metric_key=" + key;
    if (!token.empty()) target += "&page_token=" + UrlEncode(token);
    if (!Eventually(c, "GET", target, "", &body, wait)) return false;
    json r = json::parse(body, nullptr, false);
    if (!r.is_object()) return false;
    for (const json& m : r.value("metrics", json::array())) steps->insert(m.value("step", int64_t{-1}));
    token = r.value("next_page_token", "");
    if (token.empty()) return true;
  }
  return false;
}

// Looks every acknowledged write up; returns how many are missing (a run that cannot be read at
// all counts every write to it as missing).
uint64_t Verify(int port, const std::map<std::string, RunAcks>& all, double wait, uint64_t* checked) {
  std::vector<const std::pair<const std::string, RunAcks>*> runs;
  for (const auto& kv : all) runs.push_back(&kv);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> lost{0}, seen{0};
  std::mutex print_mu;
  int printed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Counters scratch;
      Client c(port, scratch);
      for (size_t i = next++; i < runs.size(); i = next++) {
        const std::string& run_id = runs[i]->first;
        const RunAcks& a = runs[i]->second;
        uint64_t expected = 1 + a.batch_steps.size() + a.metric_steps.size() + a.tag_seqs.size();
        seen += expected;
        std::string body;
        std::set<int64_t> batch, single;
        json run;
        bool ok = Eventually(c, "GET", std::string(kApi) + "runs/get?run_id=" + run_id, "", &body, wait) &&
                  (run = json::parse(body, nullptr, false)).is_object() && History(c, run_id, "batch", wait, &batch) &&
                  History(c, run_id, "single", wait, &single);
        uint64_t missing = 0;
        if (!ok) {
          missing = expected;
        } else {
          std::set<std::string> params, tags;
          for (const json& p : run["run"]["data"].value("params", json::array())) params.insert(p.value("key", ""));
          for (const json& p : run["run"]["data"].value("tags", json::array())) tags.insert(p.value("key", ""));
          // A log-batch is found when both its metric point and its param are.
          for (int64_t s : a.batch_steps) missing += batch.count(s) && params.count("p" + std::to_string(s)) ? 0 : 1;
          for (int64_t s : a.metric_steps) missing += single.count(s) ? 0 : 1;
          for (int64_t s : a.tag_seqs) missing += tags.count("t" + std::to_string(s)) ? 0 : 1;
        }
        if (missing) {
          lost += missing;
          std::lock_guard lock(print_mu);
          if (printed++ < 10) printf("  LOST: run %s: %llu acknowledged writes missing%s\n", run_id.c_str(),
                                     static_cast<unsigned long long>(missing), ok ? "" : " (run unreadable)");
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  *checked = seen.load();
  return lost.load();
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = Parse(argc, argv);
  } catch (const std::exception& e) {
    fprintf(stderr, "fault_bench: %s\n", e.what());
    return 2;
  }
  Counters c;
  Client setup(args.port, c);
  std::string body;
  std::string name = "fault-bench-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  if (!Eventually(setup, "POST", std::string(kApi) + "experiments/create", json{{"name", name}}.dump(), &body, 60)) {
    fprintf(stderr, "fault_bench: could not create the experiment: %s\n", body.c_str());
    return 1;
  }
  std::string experiment_id = json::parse(body)["experiment_id"].get<std::string>();
  // Count the load phase only.
  c.served = 0, c.ok = 0, c.http_errors = 0, c.io_errors = 0, c.refused = 0;

  std::atomic<bool> stop{false};
  std::vector<std::map<std::string, RunAcks>> acks(static_cast<size_t>(args.clients));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int i = 0; i < args.clients; ++i) {
    threads.emplace_back(ClientLoop, i, std::cref(args), std::cref(experiment_id), std::ref(c), std::ref(stop),
                         std::ref(acks[static_cast<size_t>(i)]));
  }
  // Progress once a second (the driver's kills show up as refused connections).
  uint64_t last_served = 0;
  while (Seconds(start, Clock::now()) < args.seconds) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    uint64_t s = c.served.load();
    printf("  t=%4.0fs served/s=%6llu refused=%llu io_errors=%llu\n", Seconds(start, Clock::now()),
           static_cast<unsigned long long>(s - last_served), static_cast<unsigned long long>(c.refused.load()),
           static_cast<unsigned long long>(c.io_errors.load()));
    fflush(stdout);
    last_served = s;
  }
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = Seconds(start, Clock::now());

  std::map<std::string, RunAcks> all;
  for (auto& m : acks) {
    for (auto& [run_id, a] : m) {
      RunAcks& dst = all[run_id];
      dst.batch_steps.insert(dst.batch_steps.end(), a.batch_steps.begin(), a.batch_steps.end());
      dst.metric_steps.insert(dst.metric_steps.end(), a.metric_steps.begin(), a.metric_steps.end());
      dst.tag_seqs.insert(dst.tag_seqs.end(), a.tag_seqs.begin(), a.tag_seqs.end());
    }
  }
  auto verify_start = Clock::now();
  uint64_t checked = 0;
  uint64_t lost = Verify(args.port, all, args.verify_wait, &checked);
  double verify_s = Seconds(verify_start, Clock::now());

  printf("fault_bench %s: %d clients, %.1f s\n", args.label.c_str(), args.clients, elapsed);
  printf("  requests served            %llu (%.0f/s), %llu searches\n", static_cast<unsigned long long>(c.served.load()),
         c.served.load() / elapsed, static_cast<unsigned long long>(c.searches.load()));
  printf("  acknowledged writes        %llu (%llu runs created)\n", static_cast<unsigned long long>(c.acked_writes.load()),
         static_cast<unsigned long long>(c.runs_created.load()));
  printf("  error answers (non-200)    %llu\n", static_cast<unsigned long long>(c.http_errors.load()));
  printf("  connections lost mid-call  %llu\n", static_cast<unsigned long long>(c.io_errors.load()));
  printf("  connections refused        %llu (server down)\n", static_cast<unsigned long long>(c.refused.load()));
  printf("  verified                   %llu writes in %.1f s\n", static_cast<unsigned long long>(checked), verify_s);
  printf("  acknowledged but lost      %llu\n", static_cast<unsigned long long>(lost));
  printf("RESULT %s served=%llu acked=%llu http_errors=%llu io_errors=%llu refused=%llu checked=%llu lost=%llu\n",
         args.label.c_str(), static_cast<unsigned long long>(c.served.load()),
         static_cast<unsigned long long>(c.acked_writes.load()), static_cast<unsigned long long>(c.http_errors.load()),
         static_cast<unsigned long long>(c.io_errors.load()), static_cast<unsigned long long>(c.refused.load()),
         static_cast<unsigned long long>(checked), static_cast<unsigned long long>(lost));
  return 0;
}
