// Fuzz target: the MLmodel reader and writer (src/models/mlmodel.cc, py_yaml.cc, schema.cc).
// Any text parses or gives INVALID_PARAMETER_VALUE; a parsed file written back (Model.to_yaml's
// form) reads again, and writing that is a fixed point.
#include <cstdlib>
#include <string>

#include "models/mlmodel.h"

using mlflow::models::MLmodel;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto model = MLmodel::Parse(text);
  if (!model.ok()) return 0;
  (void)model->FlavorNames();
  (void)model->model_size_bytes();
  (void)model->is_signature_from_type_hint();
  if (model->HasSignature()) (void)model->GetSignature();
  std::string yaml = model->ToYaml();
  auto again = MLmodel::Parse(yaml);
  if (!again.ok()) abort();
  if (again->ToYaml() != yaml) abort();
  return 0;
}
