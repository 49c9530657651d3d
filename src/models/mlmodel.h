#pragma once
// The MLmodel file (docs/reference/formats.md a): read any MLmodel MLflow writes, keep every key (unknown ones
// too), and write it back exactly as MLflow's Model.to_yaml does (PyYAML safe_dump, keys sorted).
//
//   MLFLOW_ASSIGN_OR_RETURN(MLmodel m, MLmodel::Load("/tmp/model"));
//   if (const auto* xgb = m.Flavor("xgboost")) ... (*xgb)["data"]
//   MLFLOW_ASSIGN_OR_RETURN(Signature sig, m.GetSignature());
//
//   MLmodel n = MLmodel::New("3.17.2");      // utc_time_created, model_uuid, model_id: null, prompts: null
//   n.AddFlavor("cpp", {{"library", "libmodel.so"}, {"abi_version", 1}});
//   MLFLOW_RETURN_IF_ERROR(n.Save("/tmp/model"));
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "models/schema.h"

namespace mlflow::models {

class MLmodel {
 public:
  // Reads <dir>/MLmodel. RESOURCE_DOES_NOT_EXIST when missing, INVALID_PARAMETER_VALUE when malformed.
  static Result<MLmodel> Load(const std::string& dir);
  static Result<MLmodel> Parse(const std::string& yaml_text);
  // A new model description as Model() + save_model would start it.
  static MLmodel New(const std::string& mlflow_version);

  // The YAML text (Model.to_yaml).
  std::string ToYaml() const;
  // Writes <dir>/MLmodel.
  Status Save(const std::string& dir) const;

  const nlohmann::ordered_json& doc() const { return doc_; }
  nlohmann::ordered_json& doc() { return doc_; }

  // A top-level string field, when present and a string.
  std::optional<std::string> GetString(const std::string& key) const;
  std::optional<std::string> run_id() const { return GetString("run_id"); }
  std::optional<std::string> model_id() const { return GetString("model_id"); }
  std::optional<std::string> model_uuid() const { return GetString("model_uuid"); }
  std::optional<std::string> artifact_path() const { return GetString("artifact_path"); }
  std::optional<std::string> mlflow_version() const { return GetString("mlflow_version"); }
  std::optional<std::string> utc_time_created() const { return GetString("utc_time_created"); }
  std::optional<int64_t> model_size_bytes() const;

  // Flavor names in file order, and one flavor's configuration (nullptr when absent).
  std::vector<std::string> FlavorNames() const;
  const nlohmann::ordered_json* Flavor(const std::string& name) const;
  void AddFlavor(const std::string& name, nlohmann::ordered_json config);

  bool HasSignature() const;
  Result<Signature> GetSignature() const;
  // Stores the signature's JSON strings ({inputs, outputs, params}) and the two type-hint flags.
  void SetSignature(const std::optional<std::string>& inputs_json, const std::optional<std::string>& outputs_json,
                    const std::optional<std::string>& params_json);
  // True when MLflow would pass `inputs` unparsed (signature inferred from type hints).
  bool is_signature_from_type_hint() const;

  // saved_input_example_info, when an input example was saved.
  const nlohmann::ordered_json* SavedInputExampleInfo() const;
  void SetModelSizeBytes(int64_t bytes) { doc_["model_size_bytes"] = bytes; }

 private:
  nlohmann::ordered_json doc_ = nlohmann::ordered_json::object();
};

// Python's str(datetime.utcnow()): "2025-11-23 10:57:00.123456" (fraction dropped when 0).
std::string UtcTimeCreatedNow();
// uuid.uuid4().hex
std::string NewModelUuid();
// Bytes of the regular files below dir (what MLflow records as model_size_bytes).
Result<int64_t> DirectorySize(const std::string& dir);

// The model's Python environment (python_env.yaml / requirements.txt, docs/reference/formats.md a.6).
struct PythonEnvSpec {
  std::string python;                           // "3.11.7", empty when unknown
  std::vector<std::string> build_dependencies;  // pip==..., setuptools==..., wheel==...
  std::vector<std::string> requirements;        // requirement lines (requirements.txt expanded)
  std::vector<std::string> constraints;         // constraints.txt lines, when referenced
};
// Reads python_env.yaml (expanding "-r requirements.txt" / "-c constraints.txt") or, without it,
// requirements.txt alone. RESOURCE_DOES_NOT_EXIST when the model has neither.
Result<PythonEnvSpec> ReadPythonEnv(const std::string& model_dir);
// Writes python_env.yaml and requirements.txt as MLflow does (no trailing newline in requirements).
Status WritePythonEnv(const std::string& model_dir, const PythonEnvSpec& spec);

}  // namespace mlflow::models
