#include "cli/models_command.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "models/cpp_predictor.h"
#include "models/model_loader.h"
#include "models/model_uri.h"
#include "models/scoring_server.h"
#include "server/app.h"
#include "server/http/http_server.h"

namespace mlflow::cli {
namespace {

namespace fs = std::filesystem;
namespace mm = mlflow::models;

struct Options {
  CLI::App* serve = nullptr;
  CLI::App* predict = nullptr;
  CLI::App* package = nullptr;
  std::string model_uri;
  std::string host = "127.0.0.1";
  int port = 5000;
  int timeout = 60;
  int workers = 1;
  std::string env_manager = "virtualenv";
  bool no_conda = false;
  std::string flavor;
  std::string python;
  std::string xgboost_library;
  int xgboost_threads = 1;
  std::string batch = "auto";
  std::string log_level = "warn";
  int io_threads = 2;
  int handler_threads = 0;
  // predict
  std::string input_path;
  std::string output_path;
  std::string content_type = "json";
  // package-cpp
  mm::CppModelSpec cpp_spec;
};

Options& Opts() {
  static Options o;
  return o;
}

int Fail(const Status& st) {
  std::fprintf(stderr, "error: %s\n", st.message().c_str());
  return 1;
}

std::string TrackingUri() {
  const char* v = std::getenv("MLFLOW_TRACKING_URI");
  return v ? v : "";
}

// A temporary folder removed when the command ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mlflow-cpp-model-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void AddLoadOptions(CLI::App* cmd, Options& o) {
  cmd->add_option("-m,--model-uri", o.model_uri, "Model URI: a folder, runs:/, models:/ or an artifact URI")->required();
  cmd->add_option("--env-manager", o.env_manager,
                  "Python environment for python_function models (and for finding libxgboost): local, virtualenv or uv")
      ->capture_default_str();
  cmd->add_flag("--no-conda", o.no_conda, "Same as --env-manager local");
  cmd->add_option("--flavor", o.flavor, "Serve this flavor (cpp, xgboost, python_function); default: the fastest");
  cmd->add_option("--python", o.python,
                  "Interpreter for --env-manager local (default $MLFLOW_CPP_PYTHON, else python3)");
  cmd->add_option("--xgboost-library", o.xgboost_library,
                  "libxgboost to load for xgboost models (default $MLFLOW_CPP_XGBOOST_LIB, else the one in the "
                  "environment's xgboost package)");
  cmd->add_option("--xgboost-threads", o.xgboost_threads, "OpenMP threads per xgboost prediction")->capture_default_str();
  cmd->add_option("--batch", o.batch,
                  "Batch concurrent requests for python_function models: auto (row-wise flavors), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  cmd->add_option("--log-level", o.log_level, "trace|debug|info|warn|error")->capture_default_str();
}

Result<mm::LoadedModel> Load(const Options& o, const TempDir& tmp, int workers) {
  MLFLOW_ASSIGN_OR_RETURN(mm::ResolvedModel resolved, mm::ResolveModelUri(o.model_uri, TrackingUri(), tmp.path()));
  mm::LoadOptions lo;
  lo.flavor = o.flavor;
  lo.env_manager = o.no_conda ? "local" : o.env_manager;
  lo.python = o.python;
  lo.xgboost_library = o.xgboost_library;
  lo.xgboost_threads = o.xgboost_threads;
  lo.workers = workers;
  lo.batching = o.batch;
  lo.compat_version = server::CompatibleMlflowVersion();
  return mm::LoadModel(resolved.local_dir, lo);
}

int Serve(const Options& o) {
  TempDir tmp;
  auto loaded = Load(o, tmp, o.workers);
  if (!loaded.ok()) return Fail(loaded.status());
  std::fprintf(stderr, "serving %s: %s\n", o.model_uri.c_str(), loaded->predictor->Describe().c_str());
  mm::ScoringOptions so;
  so.timeout_seconds = o.timeout;
  so.version = loaded->version;
  bool service_accepts_raw = loaded->predictor->AcceptsRaw();
  mm::ScoringService service(std::move(loaded->predictor), loaded->mlmodel, so);
  server::Router router;
  service.Register(router);
  server::HttpServerOptions ho;
  ho.host = o.host;
  if (o.port < 0 || o.port > 65535) return Fail(Status::InvalidParameter("invalid --port " + std::to_string(o.port)));
  ho.port = static_cast<uint16_t>(o.port);
  ho.io_threads = std::max(1, o.io_threads);
  // Python-backed requests hold a handler thread while they wait for a worker; native predictions
  // take microseconds and run on the IO threads (no hand-offs).
  ho.worker_threads = o.handler_threads > 0 ? o.handler_threads : std::max(16, 8 * o.workers);
  ho.inline_handlers = !service_accepts_raw;
  server::HttpServer http(ho, router);
  auto bound = http.Listen();
  if (!bound.ok()) return Fail(bound.status());
  std::fprintf(stderr, "mlflow-cpp listening on http://%s:%u\n", o.host.c_str(), static_cast<unsigned>(*bound));
  std::fflush(stderr);
  http.Run();
  return 0;
}

int Predict(const Options& o) {
  std::string body;
  if (o.input_path.empty() || o.input_path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    body = ss.str();
  } else {
    std::ifstream in(o.input_path, std::ios::binary);
    if (!in) return Fail(Status::NotFound("cannot read " + o.input_path));
    std::ostringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  if (o.content_type != "json" && o.content_type != "csv") {
    return Fail(Status::InvalidParameter("Unknown content type '" + o.content_type + "'"));
  }
  TempDir tmp;
  auto loaded = Load(o, tmp, 1);
  if (!loaded.ok()) return Fail(loaded.status());
  mm::ScoringOptions so;
  so.timeout_seconds = 24 * 3600;
  so.version = loaded->version;
  mm::ScoringService service(std::move(loaded->predictor), loaded->mlmodel, so);
  mm::ScoringResponse r = service.Score(body, o.content_type == "json" ? "application/json" : "text/csv");
  if (r.status != 200) {
    std::fprintf(stderr, "error: prediction failed (%d): %s\n", r.status, r.body.c_str());
    return 1;
  }
  if (o.output_path.empty()) {
    std::fwrite(r.body.data(), 1, r.body.size(), stdout);
    std::fflush(stdout);
  } else {
    std::ofstream out(o.output_path, std::ios::binary | std::ios::trunc);
    out << r.body;
    if (!out) return Fail(Status::Internal("cannot write " + o.output_path));
  }
  return 0;
}

int Package(const Options& o) {
  mm::CppModelSpec spec = o.cpp_spec;
  spec.mlflow_version = server::CompatibleMlflowVersion();
  auto read_arg = [](std::string& v) -> Status {
    // "@file" reads the JSON from a file.
    if (!v.empty() && v[0] == '@') {
      std::ifstream in(v.substr(1));
      if (!in) return Status::NotFound("cannot read " + v.substr(1));
      std::ostringstream ss;
      ss << in.rdbuf();
      v = ss.str();
    }
    return Status();
  };
  for (std::string* v : {&spec.config_json, &spec.signature_inputs_json, &spec.signature_outputs_json,
                         &spec.input_example_json}) {
    if (Status st = read_arg(*v); !st.ok()) return Fail(st);
  }
  if (Status st = mm::PackageCppModel(spec); !st.ok()) return Fail(st);
  std::fprintf(stderr, "wrote cpp model %s\n", spec.output_dir.c_str());
  return 0;
}

}  // namespace

CLI::App* AddModelsCommand(CLI::App& app) {
  Options& o = Opts();
  CLI::App* cmd = app.add_subcommand("models", "Serve and score MLflow Models");
  cmd->require_subcommand(1);

  o.serve = cmd->add_subcommand("serve", "Serve a model over REST (/invocations, /ping, /health, /version)");
  o.serve->set_help_flag("--help", "Print this help message and exit");  // -h is --host, like MLflow
  AddLoadOptions(o.serve, o);
  o.serve->add_option("-h,--host", o.host, "Network address to listen on")->envname("MLFLOW_HOST")->capture_default_str();
  o.serve->add_option("-p,--port", o.port, "Port (0 = any free port)")->envname("MLFLOW_PORT")->capture_default_str();
  o.serve->add_option("-t,--timeout", o.timeout, "Seconds a request may take before a 504")
      ->envname("MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT")
      ->capture_default_str();
  o.serve->add_option("-w,--workers", o.workers, "Python worker processes (python_function models)")
      ->envname("MLFLOW_MODELS_WORKERS")
      ->capture_default_str();
  o.serve->add_option("--io-threads", o.io_threads, "HTTP I/O threads")->capture_default_str();
  o.serve->add_option("--handler-threads", o.handler_threads, "Request handler threads (default 8 x workers, >= 16)");

  o.predict = cmd->add_subcommand("predict", "Score an input file with a model; writes {\"predictions\": ...}");
  AddLoadOptions(o.predict, o);
  o.predict->add_option("-i,--input-path", o.input_path, "Input file (default: stdin)");
  o.predict->add_option("-o,--output-path", o.output_path, "Output file (default: stdout)");
  o.predict->add_option("-t,--content-type", o.content_type, "json or csv")->capture_default_str();

  o.package = cmd->add_subcommand("package-cpp", "Write a cpp-flavor model folder around a shared library");
  o.package->add_option("-l,--library", o.cpp_spec.library, "Shared library implementing mlflow/model_abi.h")->required();
  o.package->add_option("-o,--output", o.cpp_spec.output_dir, "Model folder to write")->required();
  o.package->add_option("--data", o.cpp_spec.data_dir, "Folder copied into the model as data/");
  o.package->add_option("--config", o.cpp_spec.config_json, "JSON object given to mlflow_model_load (or @file)");
  o.package->add_option("--signature-inputs", o.cpp_spec.signature_inputs_json, "Input schema JSON (or @file)");
  o.package->add_option("--signature-outputs", o.cpp_spec.signature_outputs_json, "Output schema JSON (or @file)");
  o.package->add_option("--input-example", o.cpp_spec.input_example_json,
                        "Input example {\"columns\": [...], \"data\": [[...]]} (or @file)");
  return cmd;
}

int RunModelsCommand() {
  const Options& o = Opts();
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  if (o.serve->parsed()) return Serve(o);
  if (o.predict->parsed()) return Predict(o);
  return Package(o);
}

}  // namespace mlflow::cli
