// The DOM-free decoder of log-batch and log-metric (write_body.h) and the inline request path that
// uses it (fast_writes.h): every body of an MLflow error path is declined (so the route's handler
// gives its exact answer), and every body read inline is stored and answered as the handler would.
#include "server/handlers/write_body.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "server/app.h"
#include "server/http/router.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

std::string Batch(const std::string& fields) { return R"({"run_id": "r1", )" + fields + "}"; }
std::string OneMetric(const std::string& fields) { return Batch(R"("metrics": [{)" + fields + "}]"); }
std::string Single(const std::string& fields) { return R"({"run_id": "r1", )" + fields + "}"; }

TEST(WriteBody, ReadsTheCommonLogBatch) {
  auto b = ReadLogBatchBody(R"( {"run_id": "abc", "metrics": [{"key": "m", "value": 0.1, "timestamp": 17, "step": -5},
      {"key": "a\n\"b\\\/", "value": -3, "timestamp": 0, "model_id": "mo", "dataset_name": "dn", "dataset_digest": "dd"}],
      "params": [{"key": "p", "value": "v"}, {"key": "empty"}], "tags": [{"value": "tv", "key": "t"}]}
  )");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->run_id, "abc");
  ASSERT_EQ(b->metrics.size(), 2u);
  EXPECT_EQ(b->metrics[0].key, "m");
  EXPECT_EQ(b->metrics[0].value, 0.1);
  EXPECT_EQ(b->metrics[0].timestamp, 17);
  EXPECT_EQ(b->metrics[0].step, -5);
  EXPECT_EQ(b->metrics[1].key, "a\n\"b\\/");
  EXPECT_EQ(b->metrics[1].value, -3.0);
  EXPECT_EQ(b->metrics[1].step, 0);
  EXPECT_EQ(b->metrics[1].model_id, "mo");
  EXPECT_EQ(b->metrics[1].dataset_name, "dn");
  EXPECT_EQ(b->metrics[1].dataset_digest, "dd");
  ASSERT_EQ(b->params.size(), 2u);
  EXPECT_EQ(b->params[1].key, "empty");
  EXPECT_EQ(b->params[1].value, "");  // the proto default, as KeyValueList gives
  ASSERT_EQ(b->tags.size(), 1u);
  EXPECT_EQ(b->tags[0].key, "t");
  EXPECT_EQ(b->tags[0].value, "tv");
  EXPECT_TRUE(ReadLogBatchBody(R"({"run_id": "x"})").has_value());
  EXPECT_TRUE(ReadLogBatchBody(R"({"run_id": "x", "metrics": [], "params": [], "tags": []})").has_value());
}

TEST(WriteBody, NumbersAsNlohmannAndJsonToDoubleMakeThem) {
  auto value = [](const std::string& v) {
    auto b = ReadLogBatchBody(OneMetric(R"("key": "m", "timestamp": 1, "value": )" + v));
    EXPECT_TRUE(b.has_value()) << v;
    return b ? b->metrics[0].value : -1.0;
  };
  EXPECT_EQ(value("1e308"), 1e308);
  EXPECT_EQ(value("2.5E-3"), 0.0025);
  EXPECT_EQ(value("0"), 0.0);
  EXPECT_FALSE(std::signbit(value("-0")));  // an integer token: nlohmann's 0, not -0.0
  EXPECT_TRUE(std::signbit(value("-0.0")));
  EXPECT_EQ(value("9223372036854775808"), 9223372036854775808.0);  // unsigned 64-bit
  EXPECT_EQ(value("18446744073709551615"), 18446744073709551615.0);
  EXPECT_EQ(value("123456789012345678901234"), 123456789012345678901234.0);  // beyond 64 bits
  EXPECT_EQ(value("-9223372036854775809"), -9223372036854775809.0);
  auto ts = ReadLogBatchBody(OneMetric(R"("key": "m", "value": 1, "timestamp": 9223372036854775807)"));
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(ts->metrics[0].timestamp, INT64_MAX);
}

TEST(WriteBody, Utf8AsNlohmannChecksIt) {
  auto key = [](const std::string& k) { return ReadLogBatchBody(OneMetric(R"("value": 1, "timestamp": 1, "key": ")" + k + "\"")); };
  ASSERT_TRUE(key("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80").has_value());
  EXPECT_EQ(key("caf\xc3\xa9")->metrics[0].key, "caf\xc3\xa9");
  for (std::string bad : {"\xff", "\xc0\xaf", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\x80", "a\x01"}) {
    EXPECT_FALSE(key(bad).has_value());
  }
}

// The bodies of MLflow's error answers, and the odd spellings its decoder accepts: each is left to
// the route's handler (tracking_handlers.cc), which answers it exactly as before.
TEST(WriteBody, DeclinesEveryOtherLogBatch) {
  const std::string ok_metric = R"("key": "m", "value": 1, "timestamp": 1)";
  std::vector<std::string> bodies = {
      "", "   ", "[]", "null", "5", R"("{\"run_id\": \"r1\"}")", "{", R"({"run_id": "r1"} x)", R"({"run_id": "r1",})",
      R"({})", R"({"run_id": ""})", R"({"run_id": 5})", R"({"run_id": null})", R"({"run_id": "r1", "run_id": "r2"})",
      R"({"run_uuid": "r1"})", Batch(R"("other": 1)"), Batch(R"("metrics": {})"), Batch(R"("metrics": null)"),
      Batch(R"("metrics": [1])"), Batch(R"("metrics": [{}])"), Batch(R"("metrics": [], "metrics": [])"),
      // key
      OneMetric(R"("value": 1, "timestamp": 1)"), OneMetric(R"("key": "", "value": 1, "timestamp": 1)"),
      OneMetric(R"("key": null, "value": 1, "timestamp": 1)"), OneMetric(R"("key": 5, "value": 1, "timestamp": 1)"),
      OneMetric(R"("key": "\u00e9", "value": 1, "timestamp": 1)"),
      // value
      OneMetric(R"("key": "m", "timestamp": 1)"), OneMetric(R"("key": "m", "value": null, "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": "NaN", "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": "nan", "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": "Infinity", "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": "-Infinity", "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": "1.5", "timestamp": 1)"), OneMetric(R"("key": "m", "value": true, "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": [1], "timestamp": 1)"), OneMetric(R"("key": "m", "value": NaN, "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": 1e400, "timestamp": 1)"), OneMetric(R"("key": "m", "value": -1e400, "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": 01, "timestamp": 1)"), OneMetric(R"("key": "m", "value": 1., "timestamp": 1)"),
      OneMetric(R"("key": "m", "value": +1, "timestamp": 1)"), OneMetric(R"("key": "m", "value": .5, "timestamp": 1)"),
      // timestamp
      OneMetric(R"("key": "m", "value": 1)"), OneMetric(R"("key": "m", "value": 1, "timestamp": null)"),
      OneMetric(R"("key": "m", "value": 1, "timestamp": -1)"), OneMetric(R"("key": "m", "value": 1, "timestamp": 1.5)"),
      OneMetric(R"("key": "m", "value": 1, "timestamp": 1.0)"), OneMetric(R"("key": "m", "value": 1, "timestamp": 1e3)"),
      OneMetric(R"("key": "m", "value": 1, "timestamp": "12")"), OneMetric(R"("key": "m", "value": 1, "timestamp": true)"),
      OneMetric(R"("key": "m", "value": 1, "timestamp": 9223372036854775808)"),
      // step
      OneMetric(ok_metric + R"(, "step": 1.5)"), OneMetric(ok_metric + R"(, "step": 2.0)"),
      OneMetric(ok_metric + R"(, "step": "3")"), OneMetric(ok_metric + R"(, "step": true)"),
      OneMetric(ok_metric + R"(, "step": null)"), OneMetric(ok_metric + R"(, "step": 9223372036854775808)"),
      // other metric fields
      OneMetric(ok_metric + R"(, "model_id": 5)"), OneMetric(ok_metric + R"(, "dataset_name": null)"),
      OneMetric(ok_metric + R"(, "run_id": "r1")"), OneMetric(ok_metric + R"(, "key": "n")"),
      // params and tags
      Batch(R"("params": {})"), Batch(R"("params": [5])"), Batch(R"("params": [{"value": "v"}])"),
      Batch(R"("params": [{"key": "", "value": "v"}])"), Batch(R"("params": [{"key": 5, "value": "v"}])"),
      Batch(R"("params": [{"key": "k", "value": 5}])"), Batch(R"("params": [{"key": "k", "value": null}])"),
      Batch(R"("params": [{"key": "k", "value": "v", "x": 1}])"), Batch(R"("tags": [{"value": "v"}])"),
      Batch(R"("tags": [{"key": "k", "value": true}])"), Batch(R"("tags": [], "tags": [])"),
  };
  for (const std::string& body : bodies) EXPECT_FALSE(ReadLogBatchBody(body).has_value()) << body;
}

TEST(WriteBody, LogMetricRunIdSpellings) {
  const std::string m = R"("key": "m", "value": 2, "timestamp": 3)";
  EXPECT_EQ(ReadLogMetricBody("{" + m + R"(, "run_id": "a"})")->run_id, "a");
  EXPECT_EQ(ReadLogMetricBody("{" + m + R"(, "run_uuid": "b"})")->run_id, "b");
  EXPECT_EQ(ReadLogMetricBody("{" + m + R"(, "run_id": "a", "run_uuid": "b"})")->run_id, "a");
  EXPECT_EQ(ReadLogMetricBody("{" + m + R"(, "run_id": "", "run_uuid": "b"})")->run_id, "b");
  auto full = ReadLogMetricBody(Single(m + R"(, "step": 4, "model_id": "x")"));
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->metric.value, 2.0);
  EXPECT_EQ(full->metric.timestamp, 3);
  EXPECT_EQ(full->metric.step, 4);
  EXPECT_EQ(full->metric.model_id, "x");
  for (std::string body : {"{" + m + "}", "{" + m + R"(, "run_id": ""})", "{" + m + R"(, "run_id": 5})",
                           "{" + m + R"(, "run_uuid": 5})", "{" + m + R"(, "run_id": null})",
                           "{" + m + R"(, "run_id": "a", "run_id": "a"})", Single(R"("value": 2, "timestamp": 3)"),
                           Single(R"("key": "m", "timestamp": 3)"), Single(R"("key": "m", "value": 2)"),
                           Single(R"("key": "m", "value": "NaN", "timestamp": 3)"), Single(m + R"(, "metrics": [])"),
                           Single(m + R"(, "step": 0.5)")}) {
    EXPECT_FALSE(ReadLogMetricBody(body).has_value()) << body;
  }
}

// ---- the inline path against the route's handler, on one server's routes and SQLite database ----

class InlinePath : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spdlog::set_level(spdlog::level::off);
    dir_ = std::filesystem::temp_directory_path() / ("mlflow-write-body-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    ServerConfig config;
    config.backend_store_uri = "sqlite:///" + dir_ + "/mlflow.db";
    config.artifacts_destination = dir_ + "/artifacts";
    auto app = App::Create(config);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(app).value().release();
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    std::filesystem::remove_all(dir_);
  }

  static HttpRequest Post(const std::string& path, const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.path = r.target = path;
    r.headers["content-type"] = "application/json";
    r.body = body;
    return r;
  }
  // The buffered handler's answer.
  static HttpResponse Handler(const HttpRequest& req) {
    auto m = app_->router().Find(req.method, req.path);
    EXPECT_EQ(m.kind, Router::Match::Kind::kHandler);
    return (*m.handler)(req);
  }
  // The inline handler's answer; nullopt when it declined.
  static std::optional<HttpResponse> Inline(const HttpRequest& req) {
    auto m = app_->router().Find(req.method, req.path);
    EXPECT_NE(m.inline_handler, nullptr) << req.path;
    if (!m.inline_handler) return std::nullopt;
    auto answer = std::make_shared<std::promise<HttpResponse>>();
    bool taken = (*m.inline_handler)(req, [answer](HttpResponse r) { answer->set_value(std::move(r)); });
    if (!taken) return std::nullopt;
    auto f = answer->get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return f.get();
  }
  static std::string NewRun() {
    HttpResponse r = Handler(Post("/api/2.0/mlflow/runs/create", R"({"experiment_id": "0", "run_name": "same"})"));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["run"]["info"]["run_id"].get<std::string>();
  }
  static json Get(const std::string& path, const std::string& query) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.query = query;
    HttpResponse res = Handler(r);
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
  // What a run holds: its data, and the whole history of each metric key.
  static json Stored(const std::string& run_id) {
    json data = Get("/api/2.0/mlflow/runs/get", "run_id=" + run_id)["run"]["data"];
    json out = {{"data", data}};
    for (const auto& m : data.value("metrics", json::array())) {
      std::string key = m["key"].get<std::string>();
      json h = Get("/api/2.0/mlflow/metrics/get-history", "run_id=" + run_id + "&metric_key=" + key);
      out["history"][key] = h;
    }
    return out;
  }
  static std::string Fill(std::string body, const std::string& run_id) {
    for (size_t at; (at = body.find("RUN")) != std::string::npos;) body.replace(at, 3, run_id);
    return body;
  }

  static inline std::string dir_;
  static inline App* app_ = nullptr;
};

TEST_F(InlinePath, StoresAndAnswersAsTheHandler) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"log-batch", R"({"run_id": "RUN", "metrics": [{"key": "a", "value": 0.1, "timestamp": 5, "step": 2},
          {"key": "a", "value": -0, "timestamp": 6}, {"key": "b", "value": 123456789012345678901234, "timestamp": 1},
          {"key": "c", "value": 1e-300, "timestamp": 9223372036854775807, "step": -9223372036854775808}],
          "params": [{"key": "p", "value": "caf\u00e9"}, {"key": "q"}], "tags": [{"key": "t", "value": "x\ny"}]})"},
      {"log-batch", R"({"run_id": "RUN", "params": [{"key": "p", "value": "café"}]})"},
      {"log-metric", R"({"run_id": "RUN", "key": "lm", "value": 18446744073709551615, "timestamp": 3, "step": 1})"},
      {"log-metric", R"({"run_uuid": "RUN", "key": "lm", "value": 2.5e-3, "timestamp": 4, "model_id": "m-1"})"},
  };
  std::string a = NewRun(), b = NewRun();
  int taken = 0;
  for (const auto& [route, body] : cases) {
    std::string path = "/api/2.0/mlflow/runs/" + route;
    HttpResponse via_handler = Handler(Post(path, Fill(body, a)));
    std::optional<HttpResponse> via_inline = Inline(Post(path, Fill(body, b)));
    if (!via_inline) {
      Handler(Post(path, Fill(body, b)));  // declined: the server runs the handler
    } else {
      ++taken;
      EXPECT_EQ(via_inline->status, via_handler.status) << body;
      EXPECT_EQ(via_inline->body, via_handler.body) << body;
      EXPECT_EQ(via_inline->content_type, via_handler.content_type);
    }
  }
  EXPECT_EQ(taken, 3);  // the \u escape of the first body is left to the handler
  EXPECT_EQ(Stored(a).dump(), Stored(b).dump());
}

TEST_F(InlinePath, StoreAndServiceErrorsAnswerAsTheHandler) {
  std::string run = NewRun();
  HttpResponse del = Handler(Post("/api/2.0/mlflow/runs/delete", R"({"run_id": ")" + run + R"("})"));
  ASSERT_EQ(del.status, 200);
  std::string live = NewRun();
  ASSERT_EQ(Handler(Post("/api/2.0/mlflow/runs/log-batch",
                         R"({"run_id": ")" + live + R"(", "params": [{"key": "p", "value": "1"}]})")).status,
            200);
  std::vector<std::pair<std::string, std::string>> cases = {
      {"log-metric", R"({"run_id": "0123456789abcdef0123456789abcdef", "key": "m", "value": 1, "timestamp": 1})"},
      {"log-metric", R"({"run_id": ")" + run + R"(", "key": "m", "value": 1, "timestamp": 1})"},
      {"log-metric", R"({"run_id": ")" + live + R"(", "key": "../bad", "value": 1, "timestamp": 1})"},
      {"log-batch", R"({"run_id": ")" + run + R"(", "metrics": [{"key": "m", "value": 1, "timestamp": 1}]})"},
      {"log-batch", R"({"run_id": "not a run id", "metrics": []})"},
      {"log-batch", R"({"run_id": ")" + live + R"(", "params": [{"key": "p", "value": "2"}]})"},
      {"log-batch", R"({"run_id": ")" + live + R"(", "params": [{"key": "d", "value": "1"}, {"key": "d", "value": "1"}]})"},
      {"create", R"({"experiment_id": "12345"})"},
      {"create", R"({"experiment_id": "0", "run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]})"},
  };
  for (const auto& [route, body] : cases) {
    std::string path = "/api/2.0/mlflow/runs/" + route;
    HttpResponse via_handler = Handler(Post(path, body));
    std::optional<HttpResponse> via_inline = Inline(Post(path, body));
    ASSERT_TRUE(via_inline.has_value()) << body;
    EXPECT_NE(via_handler.status, 200) << body;
    EXPECT_EQ(via_inline->status, via_handler.status) << body;
    EXPECT_EQ(via_inline->body, via_handler.body) << body;
  }
  // Nothing of the refused batches was kept.
  json data = Get("/api/2.0/mlflow/runs/get", "run_id=" + live)["run"]["data"];
  EXPECT_EQ(data["params"].dump(), R"([{"key":"p","value":"1"}])");
  EXPECT_FALSE(data.contains("metrics"));
}

TEST_F(InlinePath, CreateRunAnswersAsTheHandlerAndDeclinesTheRest) {
  const std::string body = R"({"experiment_id": "0", "run_name": "same", "start_time": 7, "user_id": "u",
      "tags": [{"key": "k", "value": "v"}]})";
  HttpResponse via_handler = Handler(Post("/api/2.0/mlflow/runs/create", body));
  std::optional<HttpResponse> via_inline = Inline(Post("/api/2.0/mlflow/runs/create", body));
  ASSERT_TRUE(via_inline.has_value());
  json h = json::parse(via_handler.body), i = json::parse(via_inline->body);
  ASSERT_EQ(via_inline->status, 200);
  // Only the new run's id (and the artifact URI holding it) differ.
  for (json* j : {&h, &i}) {
    (*j)["run"]["info"].erase("run_id");
    (*j)["run"]["info"].erase("run_uuid");
    (*j)["run"]["info"].erase("artifact_uri");
  }
  EXPECT_EQ(h.dump(), i.dump());
  // Declined: no experiment id (MLflow reads the Default experiment first), a type error, a
  // missing Content-Type; the handler answers those.
  EXPECT_FALSE(Inline(Post("/api/2.0/mlflow/runs/create", "{}")).has_value());
  EXPECT_FALSE(Inline(Post("/api/2.0/mlflow/runs/create", R"({"experiment_id": 5})")).has_value());
  HttpRequest no_type = Post("/api/2.0/mlflow/runs/log-metric", R"({"run_id": "r", "key": "m", "value": 1, "timestamp": 1})");
  no_type.headers.clear();
  EXPECT_FALSE(Inline(no_type).has_value());
  EXPECT_FALSE(Inline(Post("/ajax-api/2.0/mlflow/runs/log-batch", R"({"run_id": 5})")).has_value());
}

}  // namespace
}  // namespace mlflow::server
