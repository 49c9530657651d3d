// A small training loop tracked with MLflow: fits y = 3x + 2 by stochastic gradient descent,
// logs its params and a loss per epoch, saves the model's files as an artifact and registers them.
//
//   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 ./train [epochs]
#include <mlflow/mlflow.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 200;
  const double lr = 0.05;

  // Data: 256 noisy points of y = 3x + 2.
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> x_dist(-1, 1);
  std::normal_distribution<double> noise(0, 0.1);
  std::vector<double> xs(256), ys(256);
  for (size_t i = 0; i < xs.size(); ++i) {
    xs[i] = x_dist(rng);
    ys[i] = 3 * xs[i] + 2 + noise(rng);
  }

  try {
    mlflow::set_experiment("cpp-training-loop");
    std::string run_id;
    {
      mlflow::ActiveRun run = mlflow::start_run("sgd-linear");
      run_id = run.run_id();
      mlflow::log_params({{"lr", std::to_string(lr)}, {"epochs", std::to_string(epochs)}, {"model", "linear"}});

      double w = 0, b = 0;
      for (int epoch = 0; epoch < epochs; ++epoch) {
        double loss = 0, gw = 0, gb = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
          double err = w * xs[i] + b - ys[i];
          loss += err * err;
          gw += 2 * err * xs[i];
          gb += 2 * err;
        }
        const double n = static_cast<double>(xs.size());
        w -= lr * gw / n;
        b -= lr * gb / n;
        mlflow::log_metric("loss", loss / n, epoch);  // queued: costs nanoseconds
      }
      mlflow::log_metrics({{"w", w}, {"b", b}}, epochs);

      // The model's files: weights and an MLmodel description, logged under "model".
      std::filesystem::path dir = std::filesystem::temp_directory_path() / ("model-" + run_id);
      std::filesystem::create_directories(dir);
      std::ofstream(dir / "weights.txt") << w << " " << b << "\n";
      std::ofstream(dir / "MLmodel") << "artifact_path: model\nflavors:\n  cpp_linear:\n    weights: weights.txt\n";
      mlflow::log_artifacts(dir.string(), "model");
      std::filesystem::remove_all(dir);
    }  // the run ends FINISHED here, after every queued metric is stored

    mlflow::entities::ModelVersion v = mlflow::register_model("runs:/" + run_id + "/model", "cpp-linear");
    std::printf("run %s: registered model %s version %s\n", run_id.c_str(), v.name.c_str(), v.version.c_str());
  } catch (const mlflow::MlflowError& e) {
    std::fprintf(stderr, "mlflow error %s: %s\n", e.error_code().c_str(), e.what());
    return 1;
  }
  return 0;
}
