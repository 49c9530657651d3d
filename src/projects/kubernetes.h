#pragma once
// The Kubernetes Job MLflow's kubernetes backend submits for a project run
// (mlflow run --backend kubernetes): the user's job template with the job name, container name,
// image, command and run environment filled in.
//
//   MLFLOW_ASSIGN_OR_RETURN(KubeConfig c, ParseKubeConfig(backend_config_json));
//   MLFLOW_ASSIGN_OR_RETURN(std::string yaml, KubernetesJobYaml(c, "proj", "repo:abc1234", {"python", "t.py"}, env));
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::projects {

struct KubeConfig {
  std::string job_template_path;  // kube-job-template-path
  std::string repository_uri;     // repository-uri
  std::string kube_context;       // kube-context ("" = current)
};

// backend_config: a path to a .json file or a JSON object, MLflow's errors when keys are missing.
Result<KubeConfig> ParseKubeConfig(const std::string& backend_config);

// The job as YAML. command is the entry point command; it is split and quoted word by word like
// MLflow's. KUBE_MLFLOW_TRACKING_URI, when set, replaces MLFLOW_TRACKING_URI in env.
Result<std::string> KubernetesJobYaml(const KubeConfig& config, const std::string& project_name,
                                      const std::string& image, const std::string& command,
                                      std::vector<std::pair<std::string, std::string>> env);

}  // namespace mlflow::projects
