#include "models/python_env.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "core/uv.h"
#include "models/subprocess.h"

namespace mlflow::models {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReadyMarker = ".mlflow-cpp-env-ready";

std::string Sha1Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// "3.11.7" of an interpreter, or empty when it does not run.
std::string PythonVersionOf(const std::string& python) {
  auto r = RunCapture({python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"}, 30);
  if (!r.ok() || r->exit_code != 0) return "";
  std::string v = r->out;
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v;
}

std::string MajorMinor(const std::string& v) {
  size_t a = v.find('.');
  if (a == std::string::npos) return v;
  size_t b = v.find('.', a + 1);
  return v.substr(0, b);
}

std::string HomeDir() {
  const char* h = std::getenv("HOME");
  return h ? h : "/tmp";
}

// An interpreter of the wanted version: pyenv's exact build first, then pythonX.Y / python3.
Result<std::string> FindBasePython(const std::string& want, const std::string& extra, std::vector<std::string>* tried) {
  std::vector<std::string> candidates;
  if (!want.empty()) {
    const char* pyenv = std::getenv("PYENV_ROOT");
    fs::path root = pyenv && *pyenv ? fs::path(pyenv) : fs::path(HomeDir()) / ".pyenv";
    candidates.push_back((root / "versions" / want / "bin" / "python").string());
    candidates.push_back("python" + MajorMinor(want));
  }
  if (!extra.empty()) candidates.push_back(extra);
  candidates.push_back("python3");
  std::string fallback;
  for (const auto& c : candidates) {
    std::string v = PythonVersionOf(c);
    tried->push_back(c + (v.empty() ? " (not found)" : " (" + v + ")"));
    if (v.empty()) continue;
    if (want.empty() || v == want) return c;
    if (fallback.empty() && MajorMinor(v) == MajorMinor(want)) fallback = c;
  }
  if (!fallback.empty()) {
    spdlog::warn("the model was saved with Python {}; using {} ({})", want, fallback, PythonVersionOf(fallback));
    return fallback;
  }
  std::string list;
  for (size_t i = 0; i < tried->size(); ++i) list += (i ? ", " : "") + (*tried)[i];
  return Status::NotFound("the model needs Python " + want + " and none was found (tried " + list +
                          "); install it (e.g. `pyenv install " + want + "`) or use --env-manager local");
}

Status RunStep(const std::vector<std::string>& argv, int timeout, const std::string& what) {
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  spdlog::info("{}: {}", what, cmd);
  MLFLOW_ASSIGN_OR_RETURN(RunOutput r, RunCapture(argv, timeout));
  if (r.exit_code != 0) {
    std::string tail = r.err.size() > 4000 ? r.err.substr(r.err.size() - 4000) : r.err;
    if (tail.empty()) tail = r.out.size() > 4000 ? r.out.substr(r.out.size() - 4000) : r.out;
    return Status::Internal(what + " failed (" + cmd + "):\n" + tail);
  }
  return Status();
}

}  // namespace

std::string LocalPython(const std::string& explicit_python) {
  if (!explicit_python.empty()) return explicit_python;
  const char* env = std::getenv("MLFLOW_CPP_PYTHON");
  if (env && *env) return env;
  return "python3";
}

std::string EnvSpecHash(const PythonEnvSpec& spec) {
  std::string text = "python=" + spec.python + "\n";
  for (const auto& d : spec.build_dependencies) text += "build=" + d + "\n";
  for (const auto& d : spec.requirements) text += "requirement=" + d + "\n";
  for (const auto& d : spec.constraints) text += "constraint=" + d + "\n";
  return Sha1Hex(text);
}

namespace {

std::string WriteLines(const fs::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const auto& l : lines) out << l << "\n";
  return path.string();
}

// Makes the environment folder `dir` (not there yet) and installs the spec into it. virtualenv:
// Python's venv and the environment's pip, as MLflow's virtualenv manager does; uv: `uv venv` and
// `uv pip install`, as MLflow's uv manager does (no pip inside, nothing byte-compiled ahead).
Status BuildEnv(const std::string& manager, const PythonEnvSpec& spec, const fs::path& dir,
                const EnvOptions& options) {
  const int t = options.install_timeout_seconds;
  const std::string python = (dir / "bin" / "python").string();
  std::vector<std::string> tried;
  Result<std::string> base = FindBasePython(spec.python, options.python, &tried);
  std::vector<std::string> install;
  if (manager == "uv") {
    const std::string uv = UvExecutable();
    auto probe = RunCapture({uv, "--version"}, 30);
    if (!probe.ok() || probe->exit_code != 0) return Status::NotFound(UvMissingMessage(uv));
    // An interpreter of the model's version found here keeps uv offline; without one, uv finds or
    // downloads that version itself.
    const std::string which = base.ok() ? *base : spec.python;
    std::vector<std::string> venv = {uv, "venv", "--quiet", dir.string()};
    if (!which.empty()) venv.push_back("--python=" + which);
    MLFLOW_RETURN_IF_ERROR(RunStep(venv, t, "creating the model environment"));
    install = {uv, "pip", "install", "--quiet", "--python", python};
  } else {
    if (!base.ok()) return base.status();
    MLFLOW_RETURN_IF_ERROR(RunStep({*base, "-m", "venv", dir.string()}, t, "creating the model environment"));
    install = {python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"};
  }
  if (!spec.build_dependencies.empty()) {
    std::vector<std::string> argv = install;
    argv.insert(argv.end(), spec.build_dependencies.begin(), spec.build_dependencies.end());
    MLFLOW_RETURN_IF_ERROR(RunStep(argv, t, "installing build dependencies"));
  }
  if (!spec.requirements.empty()) {
    std::vector<std::string> argv = install;
    argv.insert(argv.end(), {"-r", WriteLines(dir / "mlflow-cpp-requirements.txt", spec.requirements)});
    if (!spec.constraints.empty()) {
      argv.insert(argv.end(), {"-c", WriteLines(dir / "mlflow-cpp-constraints.txt", spec.constraints)});
    }
    MLFLOW_RETURN_IF_ERROR(RunStep(argv, t, "installing the model's requirements"));
  }
  return Status();
}

}  // namespace

Result<PythonEnv> PreparePythonEnv(const std::string& model_dir, const EnvOptions& options) {
  if (options.env_manager == "local") {
    PythonEnv env;
    env.python = LocalPython(options.python);
    env.description = "--env-manager local: " + env.python;
    return env;
  }
  const std::string& manager = options.env_manager;
  if (manager != "virtualenv" && manager != "uv") {
    return Status::InvalidParameter("unsupported --env-manager '" + manager +
                                    "' (supported: local, virtualenv, uv)");
  }
  MLFLOW_ASSIGN_OR_RETURN(PythonEnvSpec spec, ReadPythonEnv(model_dir));
  std::string root = options.env_root;
  if (root.empty()) {
    const char* r = std::getenv("MLFLOW_ENV_ROOT");
    root = r && *r ? r : (fs::path(HomeDir()) / ".mlflow" / "envs").string();
  }
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::Internal("cannot create the environment root " + root + ": " + ec.message());
  // The managers build different folders (uv's has no pip), so each has its own.
  std::string name = (manager == "uv" ? "mlflow-cpp-uv-" : "mlflow-cpp-") + EnvSpecHash(spec);
  fs::path dir = fs::path(root) / name;
  PythonEnv env;
  env.python = (dir / "bin" / "python").string();
  env.description = "--env-manager " + manager + ": " + dir.string() + " (Python " + spec.python + ")";
  if (fs::exists(dir / kReadyMarker, ec)) return env;

  // One builder at a time per spec (several servers may start together).
  fs::path lock_path = fs::path(root) / ("." + name + ".lock");
  int lock_fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock_fd < 0) return Status::Internal("cannot open " + lock_path.string());
  ::flock(lock_fd, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock_fd};
  if (fs::exists(dir / kReadyMarker, ec)) return env;
  fs::remove_all(dir, ec);  // a build that did not finish
  MLFLOW_RETURN_IF_ERROR(BuildEnv(manager, spec, dir, options));
  std::ofstream(dir / kReadyMarker) << EnvSpecHash(spec) << "\n";
  return env;
}

}  // namespace mlflow::models
