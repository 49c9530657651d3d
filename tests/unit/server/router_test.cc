#include "server/http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace mlflow::server {
namespace {

HttpResponse Ok(const HttpRequest&) { return {}; }

TEST(Router, MountsApiPathsUnderBothPrefixes) {
  Router r;
  r.AddApi("GET", "/mlflow/runs/get", Ok);
  EXPECT_EQ(r.Find("GET", "/api/2.0/mlflow/runs/get").kind, Router::Match::Kind::kHandler);
  EXPECT_EQ(r.Find("GET", "/ajax-api/2.0/mlflow/runs/get").kind, Router::Match::Kind::kHandler);
  EXPECT_EQ(r.Find("GET", "/api/3.0/mlflow/runs/get").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(r.Find("POST", "/api/2.0/mlflow/runs/get").kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(r.Find("HEAD", "/api/2.0/mlflow/runs/get").kind, Router::Match::Kind::kHandler);
}

TEST(Router, CapturesSegmentsAndRest) {
  Router r;
  r.Add("GET", "/api/2.0/mlflow/logged-models/{model_id}", Ok);
  r.AddStream("PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}", [](StreamContext&) {});
  auto m = r.Find("GET", "/api/2.0/mlflow/logged-models/m-123");
  ASSERT_EQ(m.kind, Router::Match::Kind::kHandler);
  EXPECT_EQ(m.path_params["model_id"], "m-123");
  EXPECT_EQ(r.Find("GET", "/api/2.0/mlflow/logged-models/").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(r.Find("GET", "/api/2.0/mlflow/logged-models/a/b").kind, Router::Match::Kind::kNotFound);
  auto s = r.Find("PUT", "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/dir/file.txt");
  ASSERT_EQ(s.kind, Router::Match::Kind::kStream);
  EXPECT_EQ(s.path_params["path"], "1/abc/artifacts/dir/file.txt");
}

// The header's example (server/http/router.h), as written there.
TEST(Router, HeaderExample) {
  Router router;
  router.Add("GET", "/health", [](const HttpRequest&) { return HttpResponse{200, "text/plain", "OK", {}}; });
  router.AddStream("PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}",
                   [](StreamContext& s) { s.Respond(HttpResponse{}); });
  EXPECT_EQ((*router.Find("GET", "/health").handler)(HttpRequest{}).body, "OK");
  EXPECT_EQ(router.Find("PUT", "/api/2.0/mlflow-artifacts/artifacts/a/b").kind, Router::Match::Kind::kStream);
  EXPECT_EQ(router.AllowHeader("/health"), "GET, HEAD");  // OPTIONS only once something answers it
}

// WrapAll puts a layer (the basic-auth gate) in front of every route, told each route's pattern.
TEST(Router, WrapAllWrapsEveryRouteWithItsPattern) {
  Router router;
  router.Add("GET", "/a/{id}", [](const HttpRequest& r) { return HttpResponse{200, "text/plain", r.path, {}}; });
  router.AddStream("PUT", "/s/{path...}", [](StreamContext& s) { s.Respond(HttpResponse{}); });
  std::vector<std::string> seen;
  router.WrapAll(
      [&](const std::string& method, const std::string& pattern, Handler inner) -> Handler {
        seen.push_back(method + " " + pattern);
        return [inner](const HttpRequest& r) {
          HttpResponse res = inner(r);
          res.body = "wrapped:" + res.body;
          return res;
        };
      },
      [&](const std::string& method, const std::string& pattern, StreamHandler inner) -> StreamHandler {
        seen.push_back(method + " " + pattern);
        return inner;
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"GET /a/{id}", "PUT /s/{path...}"}));
  HttpRequest req;
  req.path = "/a/7";
  EXPECT_EQ((*router.Find("GET", "/a/7").handler)(req).body, "wrapped:/a/7");
  EXPECT_EQ(router.Find("PUT", "/s/x/y").kind, Router::Match::Kind::kStream);
}

// An async route is found as such, is not offered to the handler fuzzer as a buffered route, and
// refuses to be wrapped rather than being left outside the layer (an ungated route).
TEST(Router, AsyncRoutes) {
  Router router;
  router.Add("GET", "/ping", Ok);
  router.AddAsync("POST", "/invocations", [](const HttpRequest& r, Responder respond) {
    respond(HttpResponse{200, "text/plain", "later:" + r.body, {}});
  });
  auto m = router.Find("POST", "/invocations");
  ASSERT_EQ(m.kind, Router::Match::Kind::kAsync);
  HttpRequest req;
  req.body = "x";
  std::string answered;
  (*m.async)(req, [&](HttpResponse res) { answered = res.body; });
  EXPECT_EQ(answered, "later:x");
  EXPECT_EQ(router.Find("GET", "/invocations").kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(router.BufferedRoutes(), (std::vector<std::pair<std::string, std::string>>{{"GET", "/ping"}}));
  EXPECT_THROW(router.WrapAll([](const std::string&, const std::string&, Handler h) { return h; },
                              [](const std::string&, const std::string&, StreamHandler h) { return h; }),
               std::logic_error);
}

// An inline handler rides on a buffered route (fast_writes.h); WrapAll drops it, so a wrapped route
// (the basic-auth gate) always runs its wrapper.
TEST(Router, InlineHandlerIsTriedFirstUntilWrapped) {
  Router router;
  router.AddApi("POST", "/mlflow/runs/log-metric", [](const HttpRequest&) { return HttpResponse{200, "", "handler", {}}; });
  EXPECT_THROW(router.SetInline("POST", "/api/2.0/mlflow/runs/nope", [](const HttpRequest&, Responder) { return false; }),
               std::logic_error);
  router.SetInline("POST", "/api/2.0/mlflow/runs/log-metric", [](const HttpRequest&, Responder respond) {
    respond(HttpResponse{200, "", "inline", {}});
    return true;
  });
  auto m = router.Find("POST", "/api/2.0/mlflow/runs/log-metric");
  ASSERT_EQ(m.kind, Router::Match::Kind::kHandler);
  ASSERT_NE(m.inline_handler, nullptr);
  std::string answered;
  EXPECT_TRUE((*m.inline_handler)(HttpRequest{}, [&](HttpResponse r) { answered = r.body; }));
  EXPECT_EQ(answered, "inline");
  EXPECT_EQ(router.Find("POST", "/ajax-api/2.0/mlflow/runs/log-metric").inline_handler, nullptr);  // not set there
  EXPECT_EQ(router.BufferedRoutes().size(), 2u);  // still buffered routes
  router.WrapAll([](const std::string&, const std::string&, Handler h) { return h; },
                 [](const std::string&, const std::string&, StreamHandler h) { return h; });
  m = router.Find("POST", "/api/2.0/mlflow/runs/log-metric");
  EXPECT_EQ(m.inline_handler, nullptr);
  EXPECT_EQ((*m.handler)(HttpRequest{}).body, "handler");
}

TEST(PercentDecode, DecodesAndRejectsMalformedEscapes) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%20b%2Fc", &out));
  EXPECT_EQ(out, "a b/c");
  EXPECT_TRUE(PercentDecode("a+b", &out, /*form=*/true));
  EXPECT_EQ(out, "a b");
  EXPECT_TRUE(PercentDecode("a+b", &out, /*form=*/false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(PercentDecode("%2", &out));
  EXPECT_FALSE(PercentDecode("%zz", &out));
  EXPECT_TRUE(PercentDecode("%2e%2e", &out));
  EXPECT_EQ(out, "..");
}

}  // namespace
}  // namespace mlflow::server
