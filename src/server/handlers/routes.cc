#include "server/handlers/routes.h"

#include <algorithm>
#include <utility>

#include "auth/field_spellings.h"
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

// Every JSON name below `fields` that differs from its proto name: a body without one of them in
// its text cannot spell a field both ways, so the hot paths skip the second parse.
void CollectJsonNames(const std::vector<auth::AliasedField>& fields, std::vector<std::string>& out) {
  for (const auth::AliasedField& f : fields) {
    if (f.name != f.json_name && std::find(out.begin(), out.end(), f.json_name) == out.end()) {
      out.push_back(f.json_name);
    }
    CollectJsonNames(f.fields, out);
  }
}

// The path a route is served at under /api/ (the table's key; /ajax-api/ twins read the same).
std::string ApiPath(const std::string& path, int major) {
  if (path.rfind("/ajax-api/", 0) == 0) return path;
  return "/api/" + std::to_string(major) + ".0" + path;
}

// The spelling check of one route, prepared at startup: the message's fields and every JSON name
// below them that differs from its proto name. A body whose text holds none of those names (and no
// \u escape, which could spell one) cannot spell a field both ways: the hot paths skip a second parse.
// A catch-all route ("/mlflow/gateway/{path...}", serving many of MLflow's routes with one answer)
// looks up the request's own path instead.
struct SpellingCheck {
  const std::vector<auth::AliasedField>* fields = nullptr;
  std::vector<std::string> json_names;
  bool per_request = false;

  SpellingCheck(const std::string& method, const std::string& api_path)
      : fields(auth::SpelledFieldsOfRoute(method, api_path)) {
    if (fields != nullptr) CollectJsonNames(*fields, json_names);
    const std::string tail = "/{path...}";
    per_request = fields == nullptr && api_path.size() > tail.size() &&
                  api_path.compare(api_path.size() - tail.size(), tail.size(), tail) == 0;
  }

  Status Check(const HttpRequest& req) const {
    if (per_request) return CheckFieldSpellings(req, auth::SpelledFieldsOfRoute(req.method, req.path));
    if (fields == nullptr) return Status();
    bool may_hold = req.body.find("\\u") != std::string::npos;
    for (size_t i = 0; i < json_names.size() && !may_hold; ++i) {
      may_hold = req.body.find(json_names[i]) != std::string::npos;
    }
    return may_hold ? CheckFieldSpellings(req, fields) : Status();
  }
};

// The checks every JSON route runs before its handler, in MLflow's order.
Status CheckRequest(const HttpRequest& req, const SpellingCheck& spelling) {
  MLFLOW_RETURN_IF_ERROR(CheckContentType(req));
  MLFLOW_RETURN_IF_ERROR(CheckJsonBody(req));
  return spelling.Check(req);
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

Status CheckFieldSpellings(const HttpRequest& req, const std::vector<auth::AliasedField>* fields) {
  if (fields == nullptr || (req.method == "GET" && !req.query.empty())) return Status();
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_string()) body = nlohmann::json::parse(body.get<std::string>(), nullptr, false);
  return auth::RejectConflictingAliases(body, *fields);
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
  SpellingCheck spelling(method, ApiPath(path, options.major));
  Mount(router, method, path,
        [fn = std::move(fn), gate = std::move(options.gate),
         spelling = std::move(spelling)](const HttpRequest& req) -> HttpResponse {
          if (gate) {
            if (std::optional<HttpResponse> early = gate(req)) return std::move(*early);
          }
          if (Status st = CheckRequest(req, spelling); !st.ok()) return ErrorResponse(st);
          Result<nlohmann::json> r = fn(req);
          if (!r.ok()) return ErrorResponse(r.status());
          return JsonResponse(*r);
        },
        options.major);
}

void AddRawJsonApi(Router& router, const std::string& method, const std::string& path,
                   std::function<Result<std::string>(const HttpRequest&)> fn, JsonRouteOptions options) {
  SpellingCheck spelling(method, ApiPath(path, options.major));
  Mount(router, method, path,
        [fn = std::move(fn), gate = std::move(options.gate),
         spelling = std::move(spelling)](const HttpRequest& req) -> HttpResponse {
          if (gate) {
            if (std::optional<HttpResponse> early = gate(req)) return std::move(*early);
          }
          if (Status st = CheckRequest(req, spelling); !st.ok()) return ErrorResponse(st);
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
