#include "server/promptlab/promptlab_run.h"

#include <chrono>
#include <mutex>

#include "artifacts/upload_parts.h"
#include "core/py_json.h"
#include "core/py_text.h"
#include "models/mlmodel.h"
#include "models/py_yaml.h"
#include "models/python_env.h"
#include "models/subprocess.h"

namespace mlflow::server {
namespace {

using models::DumpYaml;
using Yaml = nlohmann::ordered_json;

constexpr const char* kMlflowVersion = MLFLOW_COMPAT_VERSION;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Requirement() { return std::string("mlflow[gateway]==") + kMlflowVersion; }

// eval_results_table.json: the prompt parameters, the prompt and the output, then the output
// parameters, as one row (create_eval_results_json).
std::string EvalResultsJson(const PromptlabRunRequest& r) {
  PyJson columns = PyJson::array();
  PyJson row = PyJson::array();
  for (const KeyValue& p : r.prompt_parameters) {
    columns.push_back(p.key);
    row.push_back(p.value);
  }
  columns.push_back("prompt");
  columns.push_back("output");
  row.push_back(r.model_input);
  row.push_back(PyJsonLoads(r.model_output_json).value_or(PyJson()));
  for (const KeyValue& p : r.model_output_parameters) {
    columns.push_back(p.key);
    row.push_back(p.value);
  }
  PyJson table = PyJson::object();
  table["columns"] = std::move(columns);
  table["data"] = PyJson::array({std::move(row)});
  return PyJsonDumps(table);
}

// The signature: every prompt parameter a required string input, one string output.
std::string ColSpecs(const std::vector<std::string>& names) {
  PyJson specs = PyJson::array();
  for (const std::string& n : names) {
    PyJson c = PyJson::object();
    c["type"] = "string";
    c["name"] = n;
    c["required"] = true;
    specs.push_back(std::move(c));
  }
  return PyJsonDumps(specs);
}

// serving_input_example.json: json.dumps({"inputs": {"inputs": [...]}}, indent=2).
std::string ServingInputExample(const std::vector<KeyValue>& params) {
  std::string out = "{\n  \"inputs\": {\n    \"inputs\": [";
  for (size_t i = 0; i < params.size(); ++i) {
    out += i ? ",\n      " : "\n      ";
    AppendPyJsonString(out, params[i].value);
  }
  out += params.empty() ? "]" : "\n    ]";
  out += "\n  }\n}";
  return out;
}

struct ModelFiles {
  std::vector<std::pair<std::string, std::string>> files;  // path below the run's root, content
};

Result<ModelFiles> PromptlabModel(const PromptlabRunRequest& r, const std::string& run_id,
                                  const std::string& utc_time_created, const std::string& model_uuid) {
  MLFLOW_ASSIGN_OR_RETURN(PromptlabPythonEnv env, LocalPromptlabPythonEnv());
  ModelFiles out;
  // MLmodel (Model.to_yaml after pyfunc.add_to_model).
  Yaml mlmodel = Yaml::object();
  mlmodel["artifact_path"] = "model";
  Yaml pyfunc = Yaml::object();
  pyfunc["env"] = Yaml{{"conda", "conda.yaml"}, {"virtualenv", "python_env.yaml"}};
  pyfunc["loader_module"] = "mlflow.prompt.promptlab_model";
  pyfunc["parameters_path"] = "parameters.yaml";
  pyfunc["python_version"] = env.python_version;
  mlmodel["flavors"] = Yaml{{"python_function", std::move(pyfunc)}};
  mlmodel["is_signature_from_type_hint"] = false;
  mlmodel["mlflow_version"] = kMlflowVersion;
  mlmodel["model_id"] = nullptr;
  mlmodel["model_uuid"] = model_uuid;
  mlmodel["prompts"] = nullptr;
  mlmodel["run_id"] = run_id;
  mlmodel["saved_input_example_info"] = Yaml{{"artifact_path", "input_example.json"},
                                             {"serving_input_path", "serving_input_example.json"},
                                             {"type", "json_object"}};
  std::vector<std::string> inputs;
  for (const KeyValue& p : r.prompt_parameters) inputs.push_back(p.key);
  mlmodel["signature"] = Yaml{{"inputs", ColSpecs(inputs)}, {"outputs", ColSpecs({"output"})}, {"params", nullptr}};
  mlmodel["type_hint_from_example"] = false;
  mlmodel["utc_time_created"] = utc_time_created;
  out.files.emplace_back("model/MLmodel", DumpYaml(mlmodel));

  // parameters.yaml (yaml.safe_dump, keys sorted).
  Yaml prompt_params = Yaml::object();
  for (const KeyValue& p : r.prompt_parameters) prompt_params[p.key] = p.value;
  Yaml model_params = Yaml::object();
  for (const KeyValue& p : r.model_parameters) model_params[p.key] = p.value;
  Yaml parameters = Yaml::object();
  parameters["prompt_template"] = r.prompt_template;
  parameters["prompt_parameters"] = std::move(prompt_params);
  parameters["model_parameters"] = std::move(model_params);
  parameters["model_route"] = r.model_route;
  out.files.emplace_back("model/parameters.yaml", DumpYaml(parameters));

  PyJson example = PyJson::object();
  example["inputs"] = PyJson::array();
  for (const KeyValue& p : r.prompt_parameters) example["inputs"].push_back(p.value);
  out.files.emplace_back("model/input_example.json", PyJsonDumps(example));
  out.files.emplace_back("model/serving_input_example.json", ServingInputExample(r.prompt_parameters));

  Yaml conda = Yaml::object();
  conda["channels"] = Yaml::array({"conda-forge"});
  Yaml deps = Yaml::array({"python=" + env.python_version});
  if (!env.pip_version.empty()) deps.push_back("pip<=" + env.pip_version);
  deps.push_back(Yaml{{"pip", Yaml::array({Requirement()})}});
  conda["dependencies"] = std::move(deps);
  conda["name"] = "mlflow-env";
  out.files.emplace_back("model/conda.yaml", DumpYaml(conda));

  // _PythonEnv.to_yaml: its own key order.
  Yaml python_env = Yaml::object();
  python_env["python"] = env.python_version;
  python_env["build_dependencies"] = env.build_dependencies;
  python_env["dependencies"] = Yaml::array({"-r requirements.txt"});
  out.files.emplace_back("model/python_env.yaml", DumpYaml(python_env, /*sort_keys=*/false));
  out.files.emplace_back("model/requirements.txt", Requirement());
  out.files.emplace_back("eval_results_table.json", EvalResultsJson(r));
  return out;
}

// Everything after the run's creation; an error here leaves the run FAILED.
Status FillRun(service::TrackingService& tracking, service::ArtifactService& artifacts, const PromptlabRunRequest& r,
               const std::string& run_id) {
  service::LogBatchRequest batch;
  batch.run_id = run_id;
  batch.params = r.model_parameters;
  batch.params.push_back({"model_route", r.model_route});
  batch.params.push_back({"prompt_template", r.prompt_template});
  batch.tags.push_back({"mlflow.loggedArtifacts", R"([{"path": "eval_results_table.json", "type": "table"}])"});
  batch.tags.push_back({"mlflow.runSourceType", "PROMPT_ENGINEERING"});
  MLFLOW_RETURN_IF_ERROR(tracking.LogBatch(std::move(batch)));

  // record_logged_model: the history entry of Model(artifact_path="model", run_id, ...) before
  // save_model added its flavor.
  const std::string utc_time_created = models::UtcTimeCreatedNow();
  const std::string model_uuid = models::NewModelUuid();
  PyJson entry = PyJson::object();
  entry["run_id"] = run_id;
  entry["artifact_path"] = "model";
  entry["utc_time_created"] = utc_time_created;
  entry["model_uuid"] = model_uuid;
  entry["flavors"] = PyJson::object();
  MLFLOW_RETURN_IF_ERROR(tracking.LogModel(run_id, PyJsonDumps(entry)));

  MLFLOW_ASSIGN_OR_RETURN(ModelFiles files, PromptlabModel(r, run_id, utc_time_created, model_uuid));
  for (const auto& [path, content] : files.files) {
    MLFLOW_ASSIGN_OR_RETURN(service::ArtifactFile target, artifacts.RunArtifact(run_id, path));
    artifacts::BufferSource source(content);
    MLFLOW_RETURN_IF_ERROR(target.repo->Write(target.path, source));
  }
  return Status();
}

}  // namespace

Result<PromptlabPythonEnv> LocalPromptlabPythonEnv() {
  static std::mutex mu;
  static std::optional<PromptlabPythonEnv> cached;
  std::lock_guard<std::mutex> lock(mu);
  if (cached) return *cached;
  // _PythonEnv.current(): platform.python_version() and the installed pip / setuptools / wheel.
  const char* script =
      "import platform\n"
      "from importlib.metadata import version, PackageNotFoundError\n"
      "print(platform.python_version())\n"
      "for p in ('pip', 'setuptools', 'wheel'):\n"
      "    try:\n"
      "        print(p + '==' + version(p))\n"
      "    except PackageNotFoundError:\n"
      "        print(p)\n";
  MLFLOW_ASSIGN_OR_RETURN(models::RunOutput r, models::RunCapture({models::LocalPython(""), "-c", script}, 30));
  if (r.exit_code != 0) {
    return Status::Internal("could not read the Python environment for the prompt lab's model: " + r.err);
  }
  PromptlabPythonEnv env;
  size_t from = 0;
  std::vector<std::string> lines;
  while (from < r.out.size()) {
    size_t nl = r.out.find('\n', from);
    if (nl == std::string::npos) nl = r.out.size();
    lines.push_back(r.out.substr(from, nl - from));
    from = nl + 1;
  }
  if (lines.size() != 4) return Status::Internal("unexpected answer from python3: " + r.out);
  env.python_version = lines[0];
  env.build_dependencies.assign(lines.begin() + 1, lines.end());
  if (lines[1].rfind("pip==", 0) == 0) env.pip_version = lines[1].substr(5);
  cached = env;
  return env;
}

Result<Run> CreatePromptlabRun(service::TrackingService& tracking, service::ArtifactService& artifacts,
                               const PromptlabRunRequest& r) {
  service::CreateRunRequest create;
  create.experiment_id = r.experiment_id;
  create.user_id = r.user_id;
  create.start_time = r.start_time;
  create.tags = r.tags;
  create.run_name = r.run_name;
  MLFLOW_ASSIGN_OR_RETURN(Run run, tracking.CreateRun(create));
  const std::string run_id = run.info.run_id;
  Status filled = FillRun(tracking, artifacts, r, run_id);
  service::UpdateRunRequest update;
  update.run_id = run_id;
  update.status = filled.ok() ? "FINISHED" : "FAILED";
  update.end_time = NowMs();
  update.run_name = run.info.run_name;
  MLFLOW_RETURN_IF_ERROR(tracking.UpdateRun(update).status());
  return tracking.GetRun(run_id);
}

}  // namespace mlflow::server
