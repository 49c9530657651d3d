#include "server/handlers/routes.h"

#include <algorithm>
#include <utility>

#include "server/handlers/json_render.h"
#include "server/handlers/request_fields.h"

namespace mlflow::server {
namespace {

bool IsJsonContentType(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.pop_back();
  while (!base.empty() && (base.front() == ' ' || base.front() == '\t')) base.erase(base.begin());
  std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
  return base == "application/json";
}

bool IsApiPath(std::string_view path) { return path.rfind("/api/", 0) == 0 || path.rfind("/ajax-api/", 0) == 0; }

}  // namespace

Status CheckContentType(const HttpRequest& req) {
  if (req.method != "POST" && req.method != "PUT") return Status();
  auto ct = req.headers.find("content-type");
  if (ct == req.headers.end()) return Status::InvalidParameter("Bad Request. Content-Type header is missing.");
  if (!IsJsonContentType(ct->second)) {
    return Status::InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
  return Status();
}

Status CheckJsonBody(const HttpRequest& req) {
  if (req.method == "GET") return Status();
  size_t first = req.body.find_first_not_of(" \t\r\n");
  // Objects (every real request) and lists are left to RequestFields: no second parse on the hot path.
  if (first == std::string::npos || req.body[first] == '{' || req.body[first] == '[') return Status();
  nlohmann::json v = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (v.is_string()) {
    nlohmann::json inner = nlohmann::json::parse(v.get<std::string>(), nullptr, false);
    if (inner.is_discarded() || inner.is_number() || inner.is_boolean()) {
      return Status::InvalidParameter("Bad Request. The request body is a JSON string that is not a JSON document.");
    }
    return Status();
  }
  if (v.is_number() || v.is_boolean()) {
    return Status::InvalidParameter("Bad Request. The request body must be a JSON object, got " + PyTypeName(v) + ".");
  }
  return Status();
}

void Mount(Router& router, const std::string& method, const std::string& path, Handler handler, int major) {
  if (path.rfind("/ajax-api/", 0) == 0) {
    router.Add(method, path, std::move(handler));
  } else {
    router.AddApi(method, path, std::move(handler), major);
  }
}

void AddJsonApi(Router& router, const std::string& method, const std::string& path,
                std::function<Result<nlohmann::json>(const HttpRequest&)> fn, JsonRouteOptions options) {
  Mount(router, method, path,
        [fn = std::move(fn), gate = std::move(options.gate)](const HttpRequest& req) -> HttpResponse {
          if (gate) {
            if (std::optional<HttpResponse> early = gate(req)) return std::move(*early);
          }
          if (Status st = CheckContentType(req); !st.ok()) return ErrorResponse(st);
          if (Status st = CheckJsonBody(req); !st.ok()) return ErrorResponse(st);
          Result<nlohmann::json> r = fn(req);
          if (!r.ok()) return ErrorResponse(r.status());
          return JsonResponse(*r);
        },
        options.major);
}

void AddRawJsonApi(Router& router, const std::string& method, const std::string& path,
                   std::function<Result<std::string>(const HttpRequest&)> fn, JsonRouteOptions options) {
  Mount(router, method, path,
        [fn = std::move(fn), gate = std::move(options.gate)](const HttpRequest& req) -> HttpResponse {
          if (gate) {
            if (std::optional<HttpResponse> early = gate(req)) return std::move(*early);
          }
          if (Status st = CheckContentType(req); !st.ok()) return ErrorResponse(st);
          if (Status st = CheckJsonBody(req); !st.ok()) return ErrorResponse(st);
          Result<std::string> r = fn(req);
          if (!r.ok()) return ErrorResponse(r.status());
          HttpResponse res;
          res.body = std::move(r).value();
          return res;
        },
        options.major);
}

void AddOptionsResponses(Router& router) {
  router.SetOptionsHandler([&router](const HttpRequest& req) {
    HttpResponse r;
    r.status = IsApiPath(req.path) ? 204 : 200;
    r.content_type = "text/html; charset=utf-8";
    r.headers.push_back({"Allow", router.AllowHeader(req.path)});
    return r;
  });
}

}  // namespace mlflow::server
