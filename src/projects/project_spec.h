#pragma once
// An MLflow project's `MLproject` file: entry points, typed parameters, environment
// (docs/reference/formats.md section (c)). Values and commands are built the way `mlflow run` builds
// them, so the same project logs the same params and runs the same shell command.
//
//   MLFLOW_ASSIGN_OR_RETURN(Project project, LoadProject("/path/to/project"));
//   MLFLOW_ASSIGN_OR_RETURN(EntryPoint ep, project.GetEntryPoint("main"));
//   MLFLOW_ASSIGN_OR_RETURN(ResolvedParameters p, ep.ComputeParameters(user_params, /*resolve_paths=*/false));
//   MLFLOW_ASSIGN_OR_RETURN(std::string command, ep.ComputeCommand(user_params));
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mlflow::projects {

// Ordered name -> value pairs (the order of -P flags and of the MLproject file matters).
using ParamList = std::vector<std::pair<std::string, std::string>>;

enum class EnvType { kPython, kConda, kDocker };

struct Parameter {
  std::string name;
  std::string type = "string";
  std::optional<std::string> default_value;  // Python str() of the YAML value; nullopt = required
};

struct ResolvedParameters {
  ParamList declared;  // every declared parameter, value shell-quoted
  ParamList extra;     // user parameters the entry point does not declare, key and value quoted
};

struct EntryPoint {
  std::string name;
  std::vector<Parameter> parameters;
  std::string command;

  // MLflow's "No value given for missing parameters: 'a', 'b'" when a parameter without default
  // is not given.
  Status ValidateParameters(const ParamList& user) const;
  // Values after type handling (path: must exist locally and becomes absolute when resolve_paths;
  // uri: must have a scheme) and shell quoting.
  Result<ResolvedParameters> ComputeParameters(const ParamList& user, bool resolve_paths) const;
  // The command with {placeholders} filled and undeclared parameters appended as --key value.
  Result<std::string> ComputeCommand(const ParamList& user) const;
};

struct DockerEnv {
  std::string image;
  std::vector<std::string> volumes;
  std::vector<std::vector<std::string>> environment;  // ["VAR"] copies the host's, ["VAR", "value"]
};

struct Project {
  std::string directory;
  std::optional<std::string> name;
  EnvType env_type = EnvType::kPython;
  std::string env_config_path;  // python_env.yaml or conda yaml; "" = python env with no spec
  std::optional<DockerEnv> docker_env;
  std::vector<EntryPoint> entry_points;

  // A declared entry point, or a script run by convention (.py with python, .sh with $SHELL or
  // bash, .R with Rscript); otherwise MLflow's "Could not find ..." error.
  Result<EntryPoint> GetEntryPoint(const std::string& name) const;
};

// Reads <directory>/MLproject (name matched case-insensitively); a folder without one is a
// project with no declared entry points.
Result<Project> LoadProject(const std::string& directory);
// The same from the MLproject text (nullopt: the folder has none); `source` names it in errors.
// Environment files are still looked up in `directory`.
Result<Project> ParseProject(const std::string& directory, const std::optional<std::string>& mlproject_text,
                             const std::string& source);

// Python's shlex.quote.
std::string ShellQuote(const std::string& s);

// Python's str() of a YAML 1.1 plain scalar as PyYAML's safe_load types it (int, float, bool,
// null -> "None", else the text).
std::string PythonStrOfYamlScalar(const std::string& text);

// Python's repr() of a float.
std::string PythonFloatRepr(double value);

// Python's shlex.split (POSIX mode).
Result<std::vector<std::string>> ShellSplit(const std::string& s);

}  // namespace mlflow::projects
