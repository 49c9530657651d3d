#include "projects/environment.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/uv.h"
#include "projects/process.h"

namespace mlflow::projects {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCompleteMarker = ".mlflow-cpp-env-complete";

struct PythonEnvSpec {
  std::string python;  // "3.11" or "3.11.4"; "" = the python3 on PATH
  std::vector<std::string> build_dependencies;
  std::vector<std::string> dependencies;
};

std::string Sha1Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<PythonEnvSpec> LoadPythonEnv(const std::string& path) {
  PythonEnvSpec spec;
  if (path.empty()) return spec;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (root["python"] && root["python"].IsScalar()) spec.python = root["python"].Scalar();
    for (const char* key : {"build_dependencies", "dependencies"}) {
      YAML::Node list = root[key];
      if (!list || list.IsNull()) continue;
      if (!list.IsSequence()) return Status::InvalidParameter(std::string(key) + " in " + path + " must be a list");
      for (const auto& item : list) {
        (std::string(key) == "dependencies" ? spec.dependencies : spec.build_dependencies).push_back(item.Scalar());
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidParameter("Cannot parse " + path + ": " + e.what());
  }
  return spec;
}

// The hash covers the spec and the contents of requirement files it names (-r / -c), so editing
// requirements.txt builds a new environment.
std::string SpecHash(const PythonEnvSpec& spec, const fs::path& project_dir) {
  std::string text = "python=" + spec.python + "\n";
  for (const auto& d : spec.build_dependencies) text += "build:" + d + "\n";
  for (const auto& d : spec.dependencies) {
    text += "dep:" + d + "\n";
    for (const char* flag : {"-r ", "-c ", "--requirement ", "--constraint "}) {
      if (d.rfind(flag, 0) == 0) text += ReadFile(project_dir / d.substr(std::string(flag).size())) + "\n";
    }
  }
  return Sha1Hex(text).substr(0, 20);
}

bool OnPath(const std::string& program) {
  Result<CommandOutput> out = RunCapture({"sh", "-c", "command -v \"$0\"", program}, "", Stderr::kDiscard);
  return out.ok() && out->exit_code == 0;
}

// An interpreter of the requested major.minor: pythonX.Y on PATH, or python3 when it is that
// version. mlflow-cpp does not install interpreters (MLflow uses pyenv for that).
Result<std::string> FindPython(const std::string& wanted) {
  if (wanted.empty()) return std::string("python3");
  std::string major_minor = wanted;
  if (size_t first = wanted.find('.'); first != std::string::npos) {
    if (size_t second = wanted.find('.', first + 1); second != std::string::npos) major_minor = wanted.substr(0, second);
  }
  if (OnPath("python" + major_minor)) return "python" + major_minor;
  Result<CommandOutput> v = RunCapture({"python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"}, "", Stderr::kDiscard);
  if (v.ok() && v->exit_code == 0 && v->output.substr(0, v->output.find('\n')) == major_minor) return std::string("python3");
  return Status::InvalidParameter("python_env.yaml asks for Python " + wanted + ", but neither python" + major_minor +
                                  " nor a python3 of that version is on PATH (mlflow-cpp does not install "
                                  "interpreters: install it, or run with --env-manager local)");
}

// The installer of each manager: the environment's pip (virtualenv), or uv's (uv).
std::vector<std::string> InstallCommand(const fs::path& env_dir, bool uv) {
  const std::string python = (env_dir / "bin" / "python").string();
  if (uv) return {UvExecutable(), "pip", "install", "--python", python};
  return {python, "-m", "pip", "install"};
}

Status Pip(const fs::path& env_dir, bool uv, const std::vector<std::string>& packages, const std::string& cwd) {
  if (packages.empty()) return Status();
  std::vector<std::string> argv = InstallCommand(env_dir, uv);
  for (const std::string& p : packages) {
    // "-r requirements.txt" is one YAML item but two pip arguments.
    if (p.rfind("-", 0) == 0 && p.find(' ') != std::string::npos) {
      argv.push_back(p.substr(0, p.find(' ')));
      argv.push_back(p.substr(p.find(' ') + 1));
    } else {
      argv.push_back(p);
    }
  }
  ChildProcesses children;
  MLFLOW_ASSIGN_OR_RETURN(pid_t pid, children.Start({argv, cwd, {}, false}));
  (void)pid;
  for (;;) {
    ChildProcesses::Event e = children.Wait();
    if (e.signal != 0) {
      children.KillAll();
      return Status::InvalidState("interrupted while installing packages into " + env_dir.string());
    }
    if (e.exit_code != 0) {
      return Status::InvalidParameter(std::string(uv ? "uv pip install" : "pip install") + " failed in " +
                                      env_dir.string());
    }
    return Status();
  }
}

}  // namespace

std::string EnvRoot() {
  if (const char* root = std::getenv("MLFLOW_ENV_ROOT"); root && *root) return root;
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".mlflow" / "envs").string();
}

Result<Activation> PrepareVirtualenv(const Project& project, const std::string& manager) {
  if (project.env_type == EnvType::kConda) {
    return Status::InvalidParameter("mlflow-cpp does not convert a conda environment into a virtualenv: run this "
                                    "project with --env-manager conda or --env-manager local");
  }
  const bool uv = manager == "uv";
  if (uv && !(UvExecutable() == "uv" ? OnPath("uv") : fs::exists(UvExecutable()))) {
    return Status::InvalidParameter(UvMissingMessage(UvExecutable()));
  }
  MLFLOW_ASSIGN_OR_RETURN(PythonEnvSpec spec, LoadPythonEnv(project.env_config_path));
  // uv's environments hold no pip, so each manager has its own folder.
  fs::path env_dir = fs::path(EnvRoot()) / ((uv ? "mlflow-cpp-uv-" : "mlflow-cpp-") + SpecHash(spec, project.directory));
  Activation activation{"source " + ShellQuote((env_dir / "bin" / "activate").string()), uv ? "uv" : "virtualenv"};
  std::error_code ec;
  if (fs::exists(env_dir / kCompleteMarker, ec)) return activation;

  fs::create_directories(EnvRoot(), ec);
  // One builder at a time (a sweep starts several runs of the same project at once).
  std::string lock_path = env_dir.string() + ".lock";
  int lock = open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock < 0) return Status::Internal("cannot create " + lock_path);
  flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() { close(fd); }
  } unlock{lock};
  if (fs::exists(env_dir / kCompleteMarker, ec)) return activation;

  fs::remove_all(env_dir, ec);  // a build that was interrupted
  MLFLOW_ASSIGN_OR_RETURN(std::string python, FindPython(spec.python));
  std::fprintf(stderr, "=== Creating %s %s with %s ===\n", uv ? "uv environment" : "virtualenv", env_dir.c_str(),
               python.c_str());
  const std::vector<std::string> create = uv ? std::vector<std::string>{UvExecutable(), "venv", "--quiet", env_dir.string(),
                                                                        "--python", python}
                                             : std::vector<std::string>{python, "-m", "venv", env_dir.string()};
  MLFLOW_ASSIGN_OR_RETURN(CommandOutput made, RunCapture(create, "", Stderr::kMerge));
  if (made.exit_code != 0) return Status::InvalidParameter((uv ? "uv venv failed: " : "python -m venv failed: ") + made.output);
  MLFLOW_RETURN_IF_ERROR(Pip(env_dir, uv, spec.build_dependencies, project.directory));
  MLFLOW_RETURN_IF_ERROR(Pip(env_dir, uv, spec.dependencies, project.directory));
  std::ofstream(env_dir / kCompleteMarker) << SpecHash(spec, project.directory) << "\n";
  return activation;
}

Result<Activation> PrepareConda(const Project& project) {
  std::string conda = "conda";
  if (const char* home = std::getenv("MLFLOW_CONDA_HOME"); home && *home) conda = (fs::path(home) / "bin" / "conda").string();
  if (conda == "conda" ? !OnPath(conda) : !fs::exists(conda)) {
    return Status::InvalidParameter("Could not find Conda executable at " + conda +
                                    ". Ensure Conda is installed, or set MLFLOW_CONDA_HOME to the folder that holds "
                                    "bin/conda (or run with --env-manager local)");
  }
  std::string spec = project.env_config_path.empty() ? "" : ReadFile(project.env_config_path);
  std::string name = "mlflow-cpp-" + Sha1Hex(spec).substr(0, 20);
  Result<CommandOutput> list = RunCapture({conda, "env", "list"});
  if (!list.ok() || list->output.find(name + " ") == std::string::npos) {
    std::vector<std::string> argv = {conda, "env", "create", "-n", name};
    if (!project.env_config_path.empty()) {
      argv.push_back("--file");
      argv.push_back(project.env_config_path);
    }
    MLFLOW_ASSIGN_OR_RETURN(CommandOutput made, RunCapture(argv, "", Stderr::kMerge));
    if (made.exit_code != 0) return Status::InvalidParameter("conda env create failed: " + made.output);
  }
  return Activation{"source \"$(" + ShellQuote(conda) + " info --base)/etc/profile.d/conda.sh\" && conda activate " + name,
                    "conda"};
}

Status ValidateDocker() {
  if (!OnPath("docker")) {
    return Status::InvalidParameter(
        "Could not find Docker executable. Ensure Docker is installed as per the instructions at "
        "https://docs.docker.com/install/overview/.");
  }
  Result<CommandOutput> info = RunCapture({"docker", "info"}, "", Stderr::kMerge);
  if (!info.ok() || info->exit_code != 0) {
    return Status::InvalidParameter("Ran `docker info` and it failed: no Docker engine answers. Ensure Docker is "
                                    "running.");
  }
  return Status();
}

std::vector<std::string> DockerCommand(const DockerEnv& env,
                                       const std::vector<std::pair<std::string, std::string>>& run_env) {
  std::vector<std::string> cmd = {"docker", "run", "--rm"};
  for (const std::string& v : env.volumes) {
    cmd.push_back("-v");
    cmd.push_back(v);
  }
  for (const auto& [k, v] : run_env) {
    cmd.push_back("-e");
    cmd.push_back(k + "=" + v);
  }
  for (const auto& var : env.environment) {
    cmd.push_back("-e");
    cmd.push_back(var.size() == 2 ? var[0] + "=" + var[1] : var[0]);
  }
  cmd.push_back(env.image);
  return cmd;
}

}  // namespace mlflow::projects
