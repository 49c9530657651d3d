// The route helpers every handler area mounts through: prefixes, MLflow's Content-Type rule, error
// rendering, gates, OPTIONS answers.
#include "server/handlers/routes.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"
#include "service/tracking_service.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tracking_store.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::server {
namespace {

HttpRequest Request(const std::string& method, const std::string& path, const std::string& content_type = "") {
  HttpRequest r;
  r.method = method;
  r.path = path;
  if (!content_type.empty()) r.headers["content-type"] = content_type;
  r.body = "{}";
  return r;
}

HttpResponse Call(const Router& router, HttpRequest req) {
  Router::Match m = router.Find(req.method, req.path);
  EXPECT_EQ(m.kind, Router::Match::Kind::kHandler) << req.method << " " << req.path;
  if (m.kind != Router::Match::Kind::kHandler) return {};
  req.path_params = m.path_params;
  return (*m.handler)(req);
}

TEST(Routes, ContentTypeRuleForPostAndPut) {
  EXPECT_TRUE(CheckContentType(Request("POST", "/x", "application/json")).ok());
  EXPECT_TRUE(CheckContentType(Request("PUT", "/x", "Application/JSON; charset=utf-8")).ok());
  EXPECT_TRUE(CheckContentType(Request("GET", "/x")).ok());
  EXPECT_TRUE(CheckContentType(Request("DELETE", "/x", "text/plain")).ok());
  EXPECT_EQ(CheckContentType(Request("POST", "/x")).message(), "Bad Request. Content-Type header is missing.");
  // Artifacts had a looser rule (the text contained "application/json" anywhere).
  EXPECT_EQ(CheckContentType(Request("POST", "/x", "text/plain; application/json")).message(),
            "Bad Request. Content-Type must be one of ['application/json'].");
}

TEST(Routes, JsonRoutesMountUnderBothPrefixesAndRenderErrors) {
  Router router;
  AddJsonApi(router, "POST", "/mlflow/x", [](const HttpRequest&) -> Result<nlohmann::json> {
    return Status::NotFound("nothing here");
  });
  AddRawJsonApi(router, "GET", "/ajax-api/2.0/mlflow/raw", [](const HttpRequest&) -> Result<std::string> {
    return std::string(R"({"a":1})");
  });
  HttpResponse r = Call(router, Request("POST", "/ajax-api/2.0/mlflow/x", "application/json"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error_code"], "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Call(router, Request("POST", "/api/2.0/mlflow/x")).status, 400);  // no Content-Type
  EXPECT_EQ(Call(router, Request("GET", "/ajax-api/2.0/mlflow/raw")).body, R"({"a":1})");
  EXPECT_EQ(router.Find("GET", "/api/2.0/mlflow/raw").kind, Router::Match::Kind::kNotFound);
}

TEST(Routes, GateAnswersBeforeTheContentTypeRule) {
  Router router;
  JsonRouteOptions options;
  options.gate = [](const HttpRequest&) -> std::optional<HttpResponse> {
    HttpResponse r;
    r.status = 503;
    return r;
  };
  AddJsonApi(router, "POST", "/mlflow-artifacts/mpu/create/{path...}",
             [](const HttpRequest&) -> Result<nlohmann::json> { return nlohmann::json::object(); }, options);
  EXPECT_EQ(Call(router, Request("POST", "/api/2.0/mlflow-artifacts/mpu/create/a/b")).status, 503);
}

// OPTIONS on an API path answered 405; MLflow answers 204 with the path's methods.
TEST(Routes, OptionsOnAnApiPathAnswers204WithAllowNot405) {
  Router router;
  AddJsonApi(router, "GET", "/mlflow/experiments/search",
             [](const HttpRequest&) -> Result<nlohmann::json> { return nlohmann::json::object(); });
  AddJsonApi(router, "POST", "/mlflow/experiments/search",
             [](const HttpRequest&) -> Result<nlohmann::json> { return nlohmann::json::object(); });
  router.Add("GET", "/health", [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_EQ(router.Find("OPTIONS", "/api/2.0/mlflow/experiments/search").kind,
            Router::Match::Kind::kMethodNotAllowed);  // nothing answers OPTIONS until asked to
  AddOptionsResponses(router);
  HttpResponse api = Call(router, Request("OPTIONS", "/api/2.0/mlflow/experiments/search"));
  EXPECT_EQ(api.status, 204);
  EXPECT_TRUE(api.body.empty());
  ASSERT_EQ(api.headers.size(), 1u);
  EXPECT_EQ(api.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD, OPTIONS, POST"}));
  HttpResponse plain = Call(router, Request("OPTIONS", "/health"));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers[0].second, "GET, HEAD, OPTIONS");
  EXPECT_EQ(router.Find("OPTIONS", "/api/2.0/mlflow/nope").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.AllowHeader("/api/2.0/mlflow/nope"), "");
}

// The header's example (server/handlers/routes.h), as written there.
void MountExample(Router& router, service::TrackingService& tracking) {
  AddJsonApi(router, "GET", "/mlflow/runs/get", [&](const HttpRequest& req) -> Result<nlohmann::json> {
    RequestFields f(req);
    MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id", "run_uuid"));
    MLFLOW_ASSIGN_OR_RETURN(Run run, tracking.GetRun(run_id));
    return nlohmann::json{{"run", ToJson(run)}};
  });
}

TEST(Routes, HeaderExample) {
  auto dir = std::filesystem::temp_directory_path() / ("routes-test-" + NewUuidHex());
  std::filesystem::create_directories(dir);
  {
    auto db = std::make_shared<store::sql::SqliteDatabase>(store::sql::SqliteOptions{(dir / "mlflow.db").string()});
    ASSERT_TRUE(store::sql::CreateSchema(db->writer_connection()).ok());
    store::sql::SqlTrackingStore store(db, "mlflow-artifacts:/");
    ASSERT_TRUE(store.Initialize().ok());
    service::TrackingService tracking(store);
    Router router;
    MountExample(router, tracking);
    HttpRequest req = Request("GET", "/api/2.0/mlflow/runs/get");
    req.query = "run_id=" + std::string(32, 'a');
    EXPECT_EQ(Call(router, req).status, 404);
    db->Close();
  }
  std::filesystem::remove_all(dir);
}

TEST(Routes, ScalarJsonBodiesAreRefusedLikeMlflowsDecoder) {
  auto body = [](std::string b) {
    HttpRequest r = Request("POST", "/x", "application/json");
    r.body = std::move(b);
    return CheckJsonBody(r);
  };
  for (const char* ok : {"{}", "{bad", "", "  ", "[]", "[1]", "null", "\"{\\\"a\\\": 1}\"", "nonsense"}) {
    EXPECT_TRUE(body(ok).ok()) << ok;
  }
  for (const char* bad : {"123", " -1.5", "true", "false", "\"abc\"", "\"7\""}) {
    Status st = body(bad);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << bad;
  }
  HttpRequest get = Request("GET", "/x");
  get.body = "123";
  EXPECT_TRUE(CheckJsonBody(get).ok());
}

}  // namespace
}  // namespace mlflow::server
