#include "projects/kubernetes.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "projects/project_spec.h"

namespace mlflow::projects {
namespace {

// A string we put in the job: tagged "!" so that it is written quoted and read back as a string
// (an unquoted 0.7 or true would come back as a number or a boolean).
YAML::Node Str(const std::string& s) {
  YAML::Node n(s);
  n.SetTag("!");
  return n;
}

// Emits the job keeping each scalar's kind: quoted in the template or set by us -> quoted.
void Emit(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : node) {
        out << YAML::Key;
        Emit(out, kv.first);
        out << YAML::Value;
        Emit(out, kv.second);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") out << YAML::DoubleQuoted << node.Scalar();
      else out << node.Scalar();
      break;
    default:
      out << YAML::Null;
  }
}

}  // namespace

Result<KubeConfig> ParseKubeConfig(const std::string& backend_config) {
  if (backend_config.empty()) return Status::InvalidParameter("Backend_config file not found.");
  std::string text = backend_config;
  std::error_code ec;
  if (backend_config.size() > 5 && backend_config.substr(backend_config.size() - 5) == ".json") {
    std::ifstream in(backend_config);
    if (!in) return Status::InvalidParameter("Backend_config file not found.");
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::InvalidParameter("--backend-config must be a .json file or a JSON object");
  KubeConfig c;
  if (!j.contains("kube-job-template-path")) {
    return Status::InvalidParameter("'kube-job-template-path' attribute must be specified in backend_config.");
  }
  c.job_template_path = j["kube-job-template-path"].is_string() ? j["kube-job-template-path"].get<std::string>() : "";
  if (!std::filesystem::exists(c.job_template_path, ec)) {
    return Status::InvalidParameter("Could not find 'kube-job-template-path': " + c.job_template_path);
  }
  if (!j.contains("repository-uri") || !j["repository-uri"].is_string()) {
    return Status::InvalidParameter("Could not find 'repository-uri' in backend_config.");
  }
  c.repository_uri = j["repository-uri"].get<std::string>();
  if (j.contains("kube-context") && j["kube-context"].is_string()) c.kube_context = j["kube-context"].get<std::string>();
  return c;
}

Result<std::string> KubernetesJobYaml(const KubeConfig& config, const std::string& project_name,
                                      const std::string& image, const std::string& command,
                                      std::vector<std::pair<std::string, std::string>> env) {
  YAML::Node job;
  try {
    job = YAML::LoadFile(config.job_template_path);
  } catch (const YAML::Exception& e) {
    return Status::InvalidParameter("Cannot parse " + config.job_template_path + ": " + e.what());
  }
  YAML::Node containers = job["spec"]["template"]["spec"]["containers"];
  if (!job["metadata"].IsMap() || !containers.IsSequence() || containers.size() == 0) {
    return Status::InvalidParameter("The job template " + config.job_template_path +
                                    " needs metadata and spec.template.spec.containers[0]");
  }
  // Job name: <project>-<local time %Y-%m-%d-%H-%M-%S-%f>, as MLflow names it.
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d-%H-%M-%S", &local);
  long micros = static_cast<long>(
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000);
  char full[96];
  std::snprintf(full, sizeof full, "%s-%06ld", stamp, micros);
  job["metadata"]["name"] = Str(project_name + "-" + full);

  if (const char* kube_uri = std::getenv("KUBE_MLFLOW_TRACKING_URI")) {
    for (auto& [k, v] : env) {
      if (k == "MLFLOW_TRACKING_URI") v = kube_uri;
    }
  }
  YAML::Node container = containers[0];
  container["name"] = Str(project_name);
  container["image"] = Str(image);
  MLFLOW_ASSIGN_OR_RETURN(std::vector<std::string> words, ShellSplit(command));
  YAML::Node cmd(YAML::NodeType::Sequence);
  for (const std::string& w : words) cmd.push_back(Str(ShellQuote(w)));
  container["command"] = cmd;
  if (!container["env"] || !container["env"].IsSequence()) container["env"] = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& [k, v] : env) {
    YAML::Node var;
    var["name"] = Str(k);
    var["value"] = Str(v);
    container["env"].push_back(var);
  }
  YAML::Emitter out;
  Emit(out, job);
  return std::string(out.c_str()) + "\n";
}

}  // namespace mlflow::projects
