// A linear model behind the cpp flavor's C ABI (include/mlflow/model_abi.h).
//   score = intercept + sum(weight[f] * f) + offset[segment]
// Weights come from the model's data/weights.txt; predict is thread-safe (read-only state).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "mlflow/model_abi.h"

namespace {

struct LinearModel {
  std::map<std::string, double> weights;
  std::map<std::string, double> segment_offsets;
  double intercept = 0;
};

void SetError(char* error, size_t size, const std::string& msg) {
  if (size) std::snprintf(error, size, "%s", msg.c_str());
}

}  // namespace

extern "C" {

int32_t mlflow_model_abi_version(void) { return MLFLOW_MODEL_ABI_VERSION; }

void* mlflow_model_load(const char* model_dir, const char* config_json, char* error, size_t error_size) {
  (void)config_json;
  std::ifstream in(std::string(model_dir) + "/data/weights.txt");
  if (!in) {
    SetError(error, error_size, std::string("cannot read ") + model_dir + "/data/weights.txt");
    return nullptr;
  }
  auto* m = new LinearModel();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string name;
    double w = 0;
    if (!(ss >> name >> w)) continue;
    if (name == "intercept") {
      m->intercept = w;
    } else if (name.rfind("segment:", 0) == 0) {
      m->segment_offsets[name.substr(8)] = w;
    } else {
      m->weights[name] = w;
    }
  }
  return m;
}

int32_t mlflow_model_predict(void* model, const mlflow_table* input, mlflow_output* output, char* error,
                             size_t error_size) {
  const auto* m = static_cast<const LinearModel*>(model);
  auto* scores = static_cast<double*>(std::malloc(sizeof(double) * static_cast<size_t>(input->n_rows ? input->n_rows : 1)));
  for (int64_t r = 0; r < input->n_rows; ++r) scores[r] = m->intercept;
  for (const auto& [feature, weight] : m->weights) {
    const mlflow_column* col = nullptr;
    for (int32_t c = 0; c < input->n_columns; ++c) {
      if (std::strcmp(input->columns[c].name, feature.c_str()) == 0) col = &input->columns[c];
    }
    if (!col || col->dtype != MLFLOW_DTYPE_FLOAT64) {
      std::free(scores);
      SetError(error, error_size, "ValueError: the model needs a float64 column '" + feature + "'");
      return 1;
    }
    const auto* v = static_cast<const double*>(col->values);
    for (int64_t r = 0; r < input->n_rows; ++r) scores[r] += weight * v[r];
  }
  for (int32_t c = 0; c < input->n_columns; ++c) {
    if (std::strcmp(input->columns[c].name, "segment") != 0 || input->columns[c].dtype != MLFLOW_DTYPE_STRING) continue;
    const auto* seg = static_cast<const char* const*>(input->columns[c].values);
    for (int64_t r = 0; r < input->n_rows; ++r) {
      if (!seg[r]) continue;
      auto it = m->segment_offsets.find(seg[r]);
      if (it != m->segment_offsets.end()) scores[r] += it->second;
    }
  }
  output->dtype = MLFLOW_DTYPE_FLOAT64;
  output->ndim = 1;
  output->shape[0] = input->n_rows;
  output->values = scores;
  return 0;
}

void mlflow_model_release_output(void* model, mlflow_output* output) {
  (void)model;
  std::free(output->values);
  std::free(output->json);
  output->values = nullptr;
  output->json = nullptr;
}

void mlflow_model_free(void* model) { delete static_cast<LinearModel*>(model); }

}  // extern "C"
