#pragma once
// Request and response plumbing of the basic-auth app (auth_gate.cc, auth_handlers.cc): Basic
// credentials, MLflow's 401/403 answers, the parameters a check reads, and rewriting a search's
// request or answer to what the caller may read.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "server/http/http_types.h"

namespace mlflow::server {

// user and password of an "Authorization: Basic ..." header; nullopt when absent or malformed.
std::optional<std::pair<std::string, std::string>> BasicCredentials(const HttpRequest& req);
// 401 with WWW-Authenticate: Basic realm="mlflow", MLflow's text.
HttpResponse Unauthenticated();
// 403 "Permission denied".
HttpResponse Forbidden();
// The fields of an application/x-www-form-urlencoded body (or a query string), decoded, in order.
std::vector<std::pair<std::string, std::string>> ParseForm(const std::string& body);

// A check's parameters, read as MLflow's auth app reads them: GET from the query string, POST and
// PATCH from a JSON object body, DELETE from a JSON body when the request is JSON and the query
// string otherwise; path parameters merged in. A request without a body (streamed routes) falls
// back to its query string. Numbers are given as their decimal text.
class CheckParams {
 public:
  explicit CheckParams(const HttpRequest& req);
  // INVALID_PARAMETER_VALUE "Missing value for required parameter 'X'. See the API docs ..."
  // (alias: tried when name is absent, as run_uuid for run_id).
  Result<std::string> Required(const std::string& name, const std::string& alias = "") const;
  // "" when absent.
  std::string Optional(const std::string& name) const;
  // A list parameter: a JSON array, or every occurrence in the query string.
  std::vector<std::string> List(const std::string& name) const;
  // A string (or number) deep in a JSON body; "" when absent.
  std::string Nested(const std::vector<std::string>& keys) const;
  // The JSON body when the parameters come from one (an object; null otherwise).
  const nlohmann::json& Body() const { return body_; }
  // The parameter as sent: a JSON value from the body, a string from the query or path.
  std::optional<nlohmann::json> Raw(const std::string& name) const;
  // Required() read as Python's int() reads it (role ids): INVALID_PARAMETER_VALUE
  // "Parameter 'X' must be an integer. Got: <Python repr>" otherwise.
  Result<int64_t> RequiredInt(const std::string& name) const;

 private:
  nlohmann::json body_;  // object
  std::vector<std::pair<std::string, std::string>> query_;
  bool from_body_ = false;
  std::map<std::string, std::string> path_;
};

// The request with the list parameter `name` reduced to the items `keep` accepts.
HttpRequest FilterListParam(const HttpRequest& req, const std::string& name,
                            const std::function<bool(const std::string&)>& keep);
// Runs a search page by page, keeping the items of `field` that `keep` accepts until the
// caller's max_results (default_max when absent) is filled or the results end.
HttpResponse FilterPages(const HttpRequest& req, const Handler& inner, const std::string& field, int64_t default_max,
                         const std::function<bool(const nlohmann::json&)>& keep);
// Drops the items of `field` that `keep` refuses from a 200 JSON answer.
HttpResponse FilterBody(HttpResponse res, const std::string& field,
                        const std::function<bool(const nlohmann::json&)>& keep);

}  // namespace mlflow::server
