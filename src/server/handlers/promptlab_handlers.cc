#include "server/handlers/promptlab_handlers.h"

#include <chrono>

#include "core/py_json.h"
#include "core/py_text.h"
#include "server/handlers/json_render.h"
#include "server/handlers/routes.h"
#include "server/promptlab/promptlab_run.h"

namespace mlflow::server {
namespace {

using nlohmann::json;

// Python's str() of a decoded JSON value, as MLflow applies it to parameter values.
std::string PyStr(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) return PyFloatRepr(v.get<double>());
  return v.dump();
}

// [{key, value}, ...] as MLflow's Param(param.get("key"), param.get("value")).
std::vector<KeyValue> Params(const json& body, const char* name) {
  std::vector<KeyValue> out;
  auto it = body.find(name);
  if (it == body.end() || !it->is_array()) return out;
  for (const json& p : *it) {
    if (!p.is_object()) continue;
    auto k = p.find("key");
    auto v = p.find("value");
    out.push_back({k == p.end() ? "None" : PyStr(*k), v == p.end() ? "None" : PyStr(*v)});
  }
  return out;
}

Result<json> CreatePromptlabRunHandler(ApiContext& ctx, const HttpRequest& req) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) body = json::object();
  // MLflow's assert_arg_exists: absent, null, "", 0, [] and {} are all "not specified".
  auto required = [&](const char* name) -> Result<json> {
    auto it = body.find(name);
    if (it == body.end() || !PyTruthy(PyJson(*it))) {
      return Status::InvalidParameter(std::string("CreatePromptlabRun request must specify ") + name + ".");
    }
    return *it;
  };
  auto text = [&](const char* name) {
    auto it = body.find(name);
    return it == body.end() || it->is_null() ? std::string() : PyStr(*it);
  };
  PromptlabRunRequest r;
  MLFLOW_ASSIGN_OR_RETURN(json experiment_id, required("experiment_id"));
  r.experiment_id = PyStr(experiment_id);
  r.run_name = text("run_name");
  // MLflow passes the tags on unconverted and fails on any (a 500): here they are {key, value} run tags.
  r.tags = Params(body, "tags");
  MLFLOW_ASSIGN_OR_RETURN(json prompt_template, required("prompt_template"));
  r.prompt_template = PyStr(prompt_template);
  MLFLOW_RETURN_IF_ERROR(required("prompt_parameters").status());
  r.prompt_parameters = Params(body, "prompt_parameters");
  MLFLOW_ASSIGN_OR_RETURN(json model_route, required("model_route"));
  r.model_route = PyStr(model_route);
  r.model_parameters = Params(body, "model_parameters");
  MLFLOW_ASSIGN_OR_RETURN(json model_input, required("model_input"));
  r.model_input = PyStr(model_input);
  if (auto it = body.find("model_output"); it != body.end()) r.model_output_json = it->dump();
  r.model_output_parameters = Params(body, "model_output_parameters");
  MLFLOW_RETURN_IF_ERROR(required("mlflow_version").status());
  if (auto it = body.find("user_id"); it != body.end() && !it->is_null()) r.user_id = PyStr(*it);
  auto start = body.find("start_time");
  if (start != body.end() && start->is_number_integer()) {
    r.start_time = start->get<int64_t>();
  } else {
    r.start_time = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  }
  MLFLOW_ASSIGN_OR_RETURN(Run run, CreatePromptlabRun(*ctx.tracking, *ctx.artifacts, r));
  return json{{"run", ToJson(run)}};
}

}  // namespace

void RegisterPromptlabHandlers(Router& router, ApiContext& ctx) {
  AddJsonApi(router, "POST", "/ajax-api/2.0/mlflow/runs/create-promptlab-run",
             [&ctx](const HttpRequest& req) { return CreatePromptlabRunHandler(ctx, req); });
}

}  // namespace mlflow::server
