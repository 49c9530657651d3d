#pragma once
// The `cpp` flavor: a model packaged as a shared library implementing include/mlflow/model_abi.h,
// loaded with dlopen and called in-process (no Python).
//
//   MLmodel:  flavors: {cpp: {abi_version: 1, library: libmodel.so, config: {...}}}
//   MLFLOW_ASSIGN_OR_RETURN(auto p, CppPredictor::Load(model, "/tmp/model"));
#include <memory>
#include <string>

#include "models/mlmodel.h"
#include "models/predictor.h"

namespace mlflow::models {

class CppPredictor : public Predictor {
 public:
  ~CppPredictor() override;
  // INVALID_PARAMETER_VALUE when the library is missing, has another ABI version or fails to load
  // the model (with its message).
  static Result<std::unique_ptr<CppPredictor>> Load(const MLmodel& model, const std::string& model_dir);

  std::string Describe() const override;
  ScoringResponse Predict(const ScoringRequest& req, Deadline deadline) override;

 private:
  struct Api;
  CppPredictor() = default;
  std::unique_ptr<Api> api_;
  void* handle_ = nullptr;
  void* model_ = nullptr;
  std::string library_;
};

// Writes a cpp-flavor model folder: copies `library` (and `data_dir` to <out>/data when given),
// writes MLmodel with the signature JSON strings (either may be empty) and model_size_bytes.
struct CppModelSpec {
  std::string library;
  std::string output_dir;
  std::string data_dir;
  std::string config_json;             // flavor `config` (a JSON object), may be empty
  std::string signature_inputs_json;   // e.g. [{"type": "double", "name": "x"}]
  std::string signature_outputs_json;
  std::string input_example_json;      // a dataframe_split-style {"columns", "data"} example, may be empty
  std::string mlflow_version;
};
Status PackageCppModel(const CppModelSpec& spec);

}  // namespace mlflow::models
