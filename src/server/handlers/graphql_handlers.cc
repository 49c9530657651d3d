#include "server/handlers/graphql_handlers.h"

#include <array>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/graphql/graphql_query.h"
#include "server/handlers/json_render.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

struct RootField {
  std::string_view name;           // GraphQL root field
  std::string_view method;         // the REST route MLflow's resolver calls
  std::string_view path;
  std::string_view response_type;  // for __typename
};

constexpr std::array<RootField, 6> kRootFields{{
    {"mlflowGetRun", "GET", "/ajax-api/2.0/mlflow/runs/get", "MlflowGetRunResponse"},
    {"mlflowSearchRuns", "POST", "/ajax-api/2.0/mlflow/runs/search", "MlflowSearchRunsResponse"},
    {"mlflowGetExperiment", "GET", "/ajax-api/2.0/mlflow/experiments/get", "MlflowGetExperimentResponse"},
    {"mlflowGetMetricHistoryBulkInterval", "GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
     "MlflowGetMetricHistoryBulkIntervalResponse"},
    {"mlflowListArtifacts", "GET", "/ajax-api/2.0/mlflow/artifacts/list", "MlflowListArtifactsResponse"},
    {"mlflowSearchModelVersions", "GET", "/ajax-api/2.0/mlflow/model-versions/search",
     "MlflowSearchModelVersionsResponse"},
}};

// The object types below the root fields (MLflow's schema, mlflow/server/graphql): a nested
// object's __typename. The UI's proto models treat a null there as a broken answer.
struct ChildType {
  std::string_view parent;
  std::string_view field;
  std::string_view type;
};
constexpr std::array<ChildType, 30> kChildTypes{{
    {"MlflowGetRunResponse", "run", "MlflowRunExtension"},
    {"MlflowGetRunResponse", "apiError", "ApiError"},
    {"MlflowSearchRunsResponse", "runs", "MlflowRunExtension"},
    {"MlflowSearchRunsResponse", "apiError", "ApiError"},
    {"MlflowGetExperimentResponse", "experiment", "MlflowExperiment"},
    {"MlflowGetExperimentResponse", "apiError", "ApiError"},
    {"MlflowGetMetricHistoryBulkIntervalResponse", "metrics", "MlflowMetricWithRunId"},
    {"MlflowGetMetricHistoryBulkIntervalResponse", "apiError", "ApiError"},
    {"MlflowListArtifactsResponse", "files", "MlflowFileInfo"},
    {"MlflowListArtifactsResponse", "apiError", "ApiError"},
    {"MlflowSearchModelVersionsResponse", "modelVersions", "MlflowModelVersion"},
    {"MlflowSearchModelVersionsResponse", "apiError", "ApiError"},
    {"ApiError", "errorDetails", "ErrorDetail"},
    {"MlflowRunExtension", "info", "MlflowRunInfo"},
    {"MlflowRunExtension", "data", "MlflowRunData"},
    {"MlflowRunExtension", "inputs", "MlflowRunInputs"},
    {"MlflowRunExtension", "outputs", "MlflowRunOutputs"},
    {"MlflowRunExtension", "experiment", "MlflowExperiment"},
    {"MlflowRunExtension", "modelVersions", "MlflowModelVersion"},
    {"MlflowRunData", "metrics", "MlflowMetricExtension"},
    {"MlflowRunData", "params", "MlflowParam"},
    {"MlflowRunData", "tags", "MlflowRunTag"},
    {"MlflowRunInputs", "datasetInputs", "MlflowDatasetInput"},
    {"MlflowRunInputs", "modelInputs", "MlflowModelInput"},
    {"MlflowDatasetInput", "tags", "MlflowInputTag"},
    {"MlflowDatasetInput", "dataset", "MlflowDataset"},
    {"MlflowRunOutputs", "modelOutputs", "MlflowModelOutput"},
    {"MlflowExperiment", "tags", "MlflowExperimentTag"},
    {"MlflowModelVersion", "tags", "MlflowModelVersionTag"},
    {"MlflowModelVersion", "deploymentJobState", "MlflowModelVersionDeploymentJobState"},
}};

std::string_view ChildTypeOf(std::string_view parent, std::string_view field) {
  for (const ChildType& c : kChildTypes) {
    if (c.parent == parent && c.field == field) return c.type;
  }
  return "";
}

// Fields MLflow's schema types as LongString (int64 in the protos): an absent one reads "0".
constexpr std::array<std::string_view, 9> kLongFields{"startTime", "endTime", "step", "timestamp",
                                                      "lastUpdateTime", "creationTime", "creationTimestamp",
                                                      "lastUpdatedTimestamp", "fileSize"};
// Repeated fields: an absent one reads [].
constexpr std::array<std::string_view, 14> kListFields{
    "metrics", "params", "tags", "datasetInputs", "modelInputs", "modelOutputs", "modelVersions",
    "runs", "files", "aliases", "experimentIds", "runIds", "orderBy", "deploymentJobState"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set) {
    if (s == v) return true;
  }
  return false;
}

std::string SnakeCase(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A GraphQL input object (camelCase) as the REST request's JSON (snake_case).
json ToRestInput(const json& in) {
  if (in.is_array()) {
    json out = json::array();
    for (const auto& v : in) out.push_back(ToRestInput(v));
    return out;
  }
  if (!in.is_object()) return in;
  json out = json::object();
  for (auto it = in.begin(); it != in.end(); ++it) out[SnakeCase(it.key())] = ToRestInput(it.value());
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The REST GET query string for a flat input (lists repeat their key, as MLflow's GET decoding reads them).
std::string QueryString(const json& rest) {
  std::string q;
  auto add = [&q](const std::string& k, const json& v) {
    if (v.is_null()) return;
    if (!q.empty()) q.push_back('&');
    q += PercentEncode(k) + "=" + PercentEncode(v.is_string() ? v.get<std::string>() : v.dump());
  };
  for (auto it = rest.begin(); it != rest.end(); ++it) {
    if (it.value().is_array()) {
      for (const auto& v : it.value()) add(it.key(), v);
    } else {
      add(it.key(), it.value());
    }
  }
  return q;
}

// Items of a query string whose key is one of `keys`, as they are (still percent-encoded).
std::string QueryItems(std::string_view query, std::initializer_list<std::string_view> keys) {
  std::string out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = item.substr(0, item.find('='));
    for (std::string_view k : keys) {
      if (key != k) continue;
      if (!out.empty()) out.push_back('&');
      out += item;
    }
  }
  return out;
}

// Calls the REST route in-process. The JSON answer, or its error message. extra_query: items
// appended to a GET's query string.
// Under --app-name basic-auth every route is wrapped by the auth gate, so the REST call carries the
// /graphql caller's credentials and the route's own rule decides (MLflow's GraphQL authorization
// middleware checks the same permissions per field, mlflow/server/auth/__init__.py). A refused
// call (403) is PERMISSION_DENIED: the field is null without an error, as MLflow answers it.
constexpr const char* kGraphqlCallHeader = "x-mlflow-cpp-graphql";

Result<json> CallRest(const Router& router, const HttpRequest& outer, std::string_view method, std::string_view path,
                      const json& rest_input, const std::string& extra_query = "") {
  HttpRequest req;
  req.method = std::string(method);
  req.path = std::string(path);
  if (auto auth = outer.headers.find("authorization"); auth != outer.headers.end()) {
    req.headers["authorization"] = auth->second;
  }
  req.headers[kGraphqlCallHeader] = "1";
  if (method == "GET") {
    req.query = QueryString(rest_input);
    if (!extra_query.empty()) req.query += (req.query.empty() ? "" : "&") + extra_query;
  } else {
    req.body = rest_input.dump();
    req.headers["content-type"] = "application/json";
  }
  req.target = req.path + (req.query.empty() ? "" : "?" + req.query);
  Router::Match m = router.Find(req.method, req.path);
  if (m.kind != Router::Match::Kind::kHandler || m.handler == nullptr) {
    return Status::Internal("no route for " + req.target);
  }
  req.path_params = std::move(m.path_params);
  HttpResponse resp = (*m.handler)(req);
  if (resp.status == 403) return Status(ErrorCode::kPermissionDenied, "Permission denied");
  json body = json::parse(resp.body, nullptr, false);
  if (resp.status != 200) {
    std::string message = body.is_object() && body.contains("message") && body["message"].is_string()
                              ? body["message"].get<std::string>()
                              : resp.body;
    return Status::InvalidParameter(message);
  }
  if (body.is_discarded()) return Status::Internal("invalid JSON from " + req.target);
  return body;
}

// The value of a leaf as MLflow's schema serializes it: integers as strings (LongString), NaN as null.
json Leaf(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float() && std::isnan(v.get<double>())) return nullptr;
  return v;
}

json Project(const json& src, const std::vector<GqlField>& sel, std::string_view type_name);

// A field absent from the REST answer, as protobuf's defaults read through MLflow's schema.
json Absent(const GqlField& f, std::string_view type_name) {
  if (f.name == "apiError") return nullptr;
  if (In(kListFields, f.name)) return json::array();
  if (!f.selections.empty()) return Project(json::object(), f.selections, type_name);
  if (In(kLongFields, f.name)) return "0";
  if (f.name == "value") return nullptr;
  return "";
}

json Value(const json& v, const GqlField& f, std::string_view type_name) {
  if (f.selections.empty()) return Leaf(v);
  if (v.is_array()) {
    json out = json::array();
    for (const auto& item : v) out.push_back(Project(item, f.selections, type_name));
    return out;
  }
  return Project(v, f.selections, type_name);
}

json Project(const json& src, const std::vector<GqlField>& sel, std::string_view type_name) {
  json out = json::object();
  for (const GqlField& f : sel) {
    if (f.name == "__typename") {
      out[f.alias] = type_name.empty() ? json(nullptr) : json(std::string(type_name));
      continue;
    }
    std::string key = SnakeCase(f.name);
    if (f.name == "runUuid") key = "run_uuid";
    auto it = src.is_object() ? src.find(key) : src.end();
    std::string_view child = ChildTypeOf(type_name, f.name);
    out[f.alias] = it == src.end() || it->is_null() ? Absent(f, child) : Value(*it, f, child);
  }
  return out;
}

// MLflow's run extension: the run's experiment and its registered model versions.
void ExtendRun(const Router& router, const HttpRequest& outer, json& run) {
  if (!run.is_object() || !run.contains("info")) return;
  const json& info = run["info"];
  if (info.contains("experiment_id")) {
    auto exp = CallRest(router, outer, "GET", "/ajax-api/2.0/mlflow/experiments/get",
                        {{"experiment_id", info["experiment_id"]}});
    if (exp.ok() && exp->contains("experiment")) run["experiment"] = (*exp)["experiment"];
  }
  std::string run_id = info.value("run_id", info.value("run_uuid", ""));
  auto versions = CallRest(router, outer, "GET", "/ajax-api/2.0/mlflow/model-versions/search",
                           {{"filter", "run_id='" + run_id + "'"}});
  run["model_versions"] = versions.ok() && versions->contains("model_versions") ? (*versions)["model_versions"]
                                                                                 : json::array();
}

bool Selects(const GqlField& f, std::string_view path0, std::string_view path1) {
  for (const GqlField& s : f.selections) {
    if (s.name != path0) continue;
    if (path1.empty()) return true;
    for (const GqlField& t : s.selections) {
      if (t.name == path1) return true;
    }
  }
  return false;
}

HttpResponse Answer(const json& data, const json& errors) {
  HttpResponse r;
  r.body = json{{"data", data}, {"errors", errors.empty() ? json(nullptr) : errors}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse HandleGraphql(const Router& router, const HttpRequest& req) {
  json body;
  if (req.method == "GET") {
    // MLflow reads the request JSON from the query string on GET; the UI only POSTs.
    body = json::object();
  } else {
    body = json::parse(req.body, nullptr, false);
  }
  if (!body.is_object() || !body.contains("query") || !body["query"].is_string()) {
    return ErrorResponse(Status::InvalidParameter("GraphQL request must be a JSON object with a 'query' string"));
  }
  std::string op = body.contains("operationName") && body["operationName"].is_string()
                       ? body["operationName"].get<std::string>()
                       : "";
  json variables = body.contains("variables") && body["variables"].is_object() ? body["variables"] : json::object();
  auto parsed = ParseGraphqlOperation(body["query"].get<std::string>(), op, variables);
  if (!parsed.ok()) return Answer(nullptr, json::array({parsed.status().message()}));

  json data = json::object();
  json errors = json::array();
  for (const GqlField& f : *parsed) {
    if (f.name == "__typename") {
      data[f.alias] = "QueryType";
      continue;
    }
    const RootField* root = nullptr;
    for (const RootField& r : kRootFields) {
      if (r.name == f.name) root = &r;
    }
    if (root == nullptr) {
      // GraphQL validates the whole document first: an unknown field fails the request.
      return Answer(nullptr, json::array({"Cannot query field '" + f.name + "' on type 'QueryType'."}));
    }
    json input = f.args.contains("input") ? ToRestInput(f.args["input"]) : json::object();
    std::string extra_query;
    if (f.name == "mlflowGetMetricHistoryBulkInterval") {
      // MLflow's resolver takes max_results, start_step and end_step from the /graphql request's own
      // query string, not from the input (the input's values are ignored): the UI's charts get the
      // default number of points per run.
      for (const char* k : {"max_results", "start_step", "end_step"}) input.erase(k);
      extra_query = QueryItems(req.query, {"max_results", "start_step", "end_step"});
    }
    auto rest = CallRest(router, req, root->method, root->path, input, extra_query);
    if (!rest.ok() && rest.status().code() == ErrorCode::kPermissionDenied) {
      data[f.alias] = nullptr;
      continue;
    }
    if (!rest.ok()) {
      data[f.alias] = nullptr;
      errors.push_back(rest.status().message());
      continue;
    }
    json& answer = *rest;
    if (f.name == "mlflowGetRun" && Selects(f, "run", "")) {
      if (answer.contains("run")) ExtendRun(router, req, answer["run"]);
    } else if (f.name == "mlflowSearchRuns" && answer.contains("runs") &&
               (Selects(f, "runs", "experiment") || Selects(f, "runs", "modelVersions"))) {
      for (json& run : answer["runs"]) ExtendRun(router, req, run);
    }
    data[f.alias] = Project(answer, f.selections, root->response_type);
  }
  return Answer(data, errors);
}

}  // namespace

void RegisterGraphqlHandlers(Router& router) {
  const Router* r = &router;
  router.Add("POST", "/graphql", [r](const HttpRequest& req) { return HandleGraphql(*r, req); });
  router.Add("GET", "/graphql", [r](const HttpRequest& req) { return HandleGraphql(*r, req); });
}

}  // namespace mlflow::server
