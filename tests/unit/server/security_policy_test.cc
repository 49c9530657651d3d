#include "server/http/security_policy.h"

#include <gtest/gtest.h>

namespace mlflow::server {
namespace {

SecurityOptions Opts(std::vector<std::string> hosts, std::vector<std::string> origins = {},
                     std::string frame = "SAMEORIGIN", bool disabled = false) {
  SecurityOptions o;
  o.allowed_hosts = std::move(hosts);
  o.cors_allowed_origins = std::move(origins);
  o.x_frame_options = std::move(frame);
  o.disabled = disabled;
  return o;
}

HttpRequest Req(std::string method, std::string path, HeaderMap headers) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.headers = std::move(headers);
  return r;
}

std::string HeaderValue(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(SecurityPolicy, DefaultHostsAreLocalhostAndPrivateRanges) {
  SecurityPolicy p({}, "127.0.0.1");
  for (const char* ok : {"localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000", "10.1.2.3:5000",
                         "192.168.0.7", "172.16.0.1:1", "172.31.255.255"}) {
    EXPECT_TRUE(p.HostAllowed(ok)) << ok;
  }
  for (const char* bad : {"evil.example.com", "evil.example.com:5000", "172.32.0.1", "8.8.8.8", "", "localhost.evil.com"}) {
    EXPECT_FALSE(p.HostAllowed(bad)) << bad;
  }
}

TEST(SecurityPolicy, DnsRebindingIsRefusedButHealthIsNot) {
  SecurityPolicy p({}, "127.0.0.1");
  auto refusal = p.Admit(Req("GET", "/api/2.0/mlflow/experiments/search", {{"host", "evil.example.com"}}));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 403);
  EXPECT_EQ(refusal->body, "Invalid Host header - possible DNS rebinding attack detected");
  EXPECT_FALSE(p.Admit(Req("GET", "/health", {{"host", "evil.example.com"}})).has_value());
  EXPECT_FALSE(p.Admit(Req("GET", "/version", {{"host", "evil.example.com"}})).has_value());
  // No Host at all (HTTP/1.0) is refused too, as MLflow does.
  EXPECT_TRUE(p.Admit(Req("GET", "/", {})).has_value());
}

TEST(SecurityPolicy, BoundHostAndExplicitListsAndWildcard) {
  SecurityPolicy bound({}, "203.0.113.9");
  EXPECT_TRUE(bound.HostAllowed("203.0.113.9:5000"));
  EXPECT_TRUE(bound.HostAllowed("203.0.113.9"));
  SecurityPolicy any_addr({}, "0.0.0.0");
  EXPECT_FALSE(any_addr.HostAllowed("203.0.113.9"));
  SecurityPolicy listed(Opts({"mlflow.example.com", "app-*.internal"}), "127.0.0.1");
  EXPECT_TRUE(listed.HostAllowed("mlflow.example.com"));
  EXPECT_TRUE(listed.HostAllowed("app-7.internal"));
  EXPECT_FALSE(listed.HostAllowed("localhost"));  // an explicit list replaces the defaults
  SecurityPolicy all(Opts({"*"}), "127.0.0.1");
  EXPECT_TRUE(all.HostAllowed("evil.example.com"));
  EXPECT_EQ(SecurityPolicy::SplitList(" a.com, ,b.com:80 "), (std::vector<std::string>{"a.com", "b.com:80"}));
}

TEST(SecurityPolicy, CrossOriginStateChangesAreBlocked) {
  SecurityPolicy p(Opts({}, {"https://ui.example.com"}), "127.0.0.1");
  HeaderMap evil = {{"host", "localhost:5000"}, {"origin", "https://evil.example.com"}};
  auto blocked = p.Admit(Req("POST", "/api/2.0/mlflow/experiments/create", evil));
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->status, 403);
  EXPECT_EQ(blocked->body, "Cross-origin request blocked");
  EXPECT_FALSE(p.Admit(Req("GET", "/api/2.0/mlflow/experiments/search", evil)).has_value());
  EXPECT_FALSE(p.Admit(Req("POST", "/static-files/x", evil)).has_value());  // not an API path
  HeaderMap ui = {{"host", "localhost:5000"}, {"origin", "https://ui.example.com"}};
  EXPECT_FALSE(p.Admit(Req("POST", "/api/2.0/mlflow/experiments/create", ui)).has_value());
  HeaderMap local = {{"host", "localhost:5000"}, {"origin", "https://localhost:3000"}};
  EXPECT_FALSE(p.Admit(Req("DELETE", "/ajax-api/2.0/mlflow/runs/delete", local)).has_value());
}

TEST(SecurityPolicy, PreflightAndCorsHeaders) {
  SecurityPolicy p({}, "127.0.0.1");
  HeaderMap pre = {{"host", "localhost"},
                   {"origin", "http://localhost:3000"},
                   {"access-control-request-method", "POST"},
                   {"access-control-request-headers", "content-type"}};
  HttpRequest req = Req("OPTIONS", "/api/2.0/mlflow/experiments/create", pre);
  auto ok = p.Admit(req);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  std::vector<std::pair<std::string, std::string>> h;
  p.AddResponseHeaders(req, &h);
  EXPECT_EQ(HeaderValue(h, "Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(HeaderValue(h, "Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(HeaderValue(h, "X-Frame-Options"), "");

  pre["origin"] = "http://evil.example.com";
  auto refused = p.Admit(Req("OPTIONS", "/api/2.0/mlflow/experiments/create", pre));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->body, "Disallowed CORS origin");

  HttpRequest get = Req("GET", "/api/2.0/mlflow/experiments/search", {{"origin", "http://evil.example.com"}});
  h.clear();
  p.AddResponseHeaders(get, &h);
  EXPECT_EQ(HeaderValue(h, "Access-Control-Allow-Origin"), "");  // the browser may not read it
  EXPECT_EQ(HeaderValue(h, "X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(HeaderValue(h, "X-Content-Type-Options"), "nosniff");
}

TEST(SecurityPolicy, FrameOptionsAndDisabled) {
  SecurityPolicy deny(Opts({}, {}, "deny"), "127.0.0.1");
  std::vector<std::pair<std::string, std::string>> h;
  deny.AddResponseHeaders(Req("GET", "/", {}), &h);
  EXPECT_EQ(HeaderValue(h, "X-Frame-Options"), "DENY");
  SecurityPolicy none(Opts({}, {}, "NONE"), "127.0.0.1");
  h.clear();
  none.AddResponseHeaders(Req("GET", "/", {}), &h);
  EXPECT_EQ(HeaderValue(h, "X-Frame-Options"), "");
  SecurityPolicy off(Opts({}, {}, "SAMEORIGIN", true), "127.0.0.1");
  EXPECT_FALSE(off.Admit(Req("POST", "/api/2.0/mlflow/runs/create",
                             {{"host", "evil.example.com"}, {"origin", "http://evil.example.com"}}))
                   .has_value());
}

}  // namespace
}  // namespace mlflow::server
