#include "projects/run_project.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "projects/environment.h"
#include "projects/fetch.h"
#include "projects/kubernetes.h"
#include "projects/process.h"
#include "projects/tracking.h"

namespace mlflow::projects {
namespace fs = std::filesystem;
namespace {

using EnvList = std::vector<std::pair<std::string, std::string>>;

int Fail(const Status& status) {
  std::fprintf(stderr, "mlflow-cpp run: %s\n", status.message().c_str());
  return 1;
}

// Deletes a fetched copy of a project when the run is over.
struct TempDir {
  std::string path;
  bool keep = false;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty() && !keep) fs::remove_all(path, ec);
  }
};

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// --experiment-id, else --experiment-name (created when missing), else MLFLOW_EXPERIMENT_NAME /
// MLFLOW_EXPERIMENT_ID, else the default experiment.
Result<std::string> ResolveExperiment(ProjectTracking& tracking, const RunOptions& o) {
  if (!o.experiment_id.empty() && !o.experiment_name.empty()) {
    return Status::InvalidParameter("Specify only one of 'experiment_name' or 'experiment_id'.");
  }
  if (!o.experiment_id.empty()) return o.experiment_id;
  if (!o.experiment_name.empty()) return tracking.ExperimentIdByName(o.experiment_name, /*create=*/true);
  if (std::string name = EnvOr("MLFLOW_EXPERIMENT_NAME"); !name.empty()) return tracking.ExperimentIdByName(name, false);
  if (std::string id = EnvOr("MLFLOW_EXPERIMENT_ID"); !id.empty()) return id;
  return std::string("0");
}

ParamList RunTags(const FetchedProject& fetched, const std::string& entry_point) {
  ParamList tags = {{"mlflow.user", CurrentUser()},
                    {"mlflow.source.name", fetched.source_name},
                    {"mlflow.source.type", "PROJECT"},
                    {"mlflow.project.entryPoint", entry_point}};
  if (fetched.git_commit) tags.emplace_back("mlflow.source.git.commit", *fetched.git_commit);
  // Inside a project run (MLFLOW_RUN_ID set for its command), a nested `mlflow-cpp run` is a
  // child of that run: the CLI's counterpart of MLflow's mlflow.run() inside an active run.
  if (std::string parent = EnvOr("MLFLOW_RUN_ID"); !parent.empty()) tags.emplace_back("mlflow.parentRunId", parent);
  if (fetched.repo_url) tags.emplace_back("mlflow.source.git.repoURL", *fetched.repo_url);
  if (fetched.git_branch) tags.emplace_back("mlflow.source.git.branch", *fetched.git_branch);
  return tags;
}

EnvList RunEnv(const std::string& run_id, const std::string& experiment_id, const std::string& tracking_uri) {
  return {{"MLFLOW_RUN_ID", run_id}, {"MLFLOW_TRACKING_URI", tracking_uri}, {"MLFLOW_EXPERIMENT_ID", experiment_id}};
}

// A run is ended only while it is still RUNNING: the command may have ended it itself.
void EndRun(ProjectTracking& tracking, const std::string& run_id, const std::string& status) {
  Result<RunRef> run = tracking.GetRun(run_id);
  if (run.ok() && (run->status == "FINISHED" || run->status == "FAILED" || run->status == "KILLED")) return;
  Status st = tracking.SetTerminated(run_id, status);
  if (!st.ok()) std::fprintf(stderr, "mlflow-cpp run: could not mark run %s %s: %s\n", run_id.c_str(), status.c_str(), st.message().c_str());
}

// The command runs in its own process group; an interrupt to us kills that group and the run
// becomes KILLED.
int WaitForRun(ProjectTracking& tracking, ChildProcesses& children, const std::string& run_id) {
  ChildProcesses::Event e = children.Wait();
  if (e.signal != 0) {
    std::fprintf(stderr, "=== Run (ID '%s') interrupted, cancelling run ===\n", run_id.c_str());
    children.KillAll();
    EndRun(tracking, run_id, "KILLED");
    return 130;
  }
  if (e.exit_code == 0) {
    EndRun(tracking, run_id, "FINISHED");
    std::fprintf(stderr, "=== Run (ID '%s') succeeded ===\n", run_id.c_str());
    return 0;
  }
  EndRun(tracking, run_id, "FAILED");
  std::fprintf(stderr, "=== Run (ID '%s') failed ===\n", run_id.c_str());
  return 1;
}

std::string DefaultEnvManager(const Project& project) {
  return project.env_type == EnvType::kConda ? "conda" : project.env_type == EnvType::kDocker ? "local" : "virtualenv";
}

Result<std::vector<ParamList>> SweepGrid(const std::vector<std::string>& sweeps) {
  std::vector<ParamList> grid = {{}};
  for (const std::string& s : sweeps) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return Status::InvalidParameter("--sweep takes name=v1,v2,...: got " + s);
    std::string name = s.substr(0, eq);
    std::vector<std::string> values;
    std::string rest = s.substr(eq + 1);
    size_t start = 0;
    for (;;) {
      size_t comma = rest.find(',', start);
      values.push_back(rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    std::vector<ParamList> next;
    for (const ParamList& point : grid) {
      for (const std::string& v : values) {
        ParamList p = point;
        p.emplace_back(name, v);
        next.push_back(std::move(p));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::vector<std::string> ChildRunArgs(const RunOptions& o, const std::string& uri, const ParamList& params) {
  std::vector<std::string> argv = {SelfExecutable(), "run", uri, "-e", o.entry_point};
  if (o.version) argv.insert(argv.end(), {"--version", *o.version});
  if (!o.env_manager.empty()) argv.insert(argv.end(), {"--env-manager", o.env_manager});
  for (const auto& [k, v] : params) argv.insert(argv.end(), {"-P", k + "=" + v});
  return argv;
}

// One parent run; each grid point a child run (`mlflow-cpp run` with MLFLOW_RUN_ID = the parent),
// at most max_parallel at a time.
int RunSweep(ProjectTracking& tracking, const RunOptions& o, const FetchedProject& fetched,
             const std::string& experiment_id, const std::string& tracking_uri) {
  Result<std::vector<ParamList>> grid = SweepGrid(o.sweeps);
  if (!grid.ok()) return Fail(grid.status());
  if (o.max_parallel < 1) return Fail(Status::InvalidParameter("--max-parallel must be at least 1"));
  Result<RunRef> parent = tracking.CreateRun(experiment_id, RunTags(fetched, o.entry_point));
  if (!parent.ok()) return Fail(parent.status());
  ParamList tags = {{"mlflow.project.backend", "local"}};
  if (!o.run_name.empty()) tags.emplace_back("mlflow.runName", o.run_name);
  for (const auto& [key, value] : tags) {
    if (Status st = tracking.SetTag(parent->run_id, key, value); !st.ok()) return Fail(st);
  }
  std::fprintf(stderr, "=== Sweep of %zu runs under parent run %s, %d at a time ===\n", grid->size(),
               parent->run_id.c_str(), o.max_parallel);

  ChildProcesses children;
  size_t next = 0;
  int failures = 0;
  while (next < grid->size() || children.running() > 0) {
    while (next < grid->size() && children.running() < static_cast<size_t>(o.max_parallel)) {
      ParamList params = o.params;
      for (const auto& kv : (*grid)[next]) params.push_back(kv);
      ChildSpec spec{ChildRunArgs(o, o.uri, params), "", RunEnv(parent->run_id, experiment_id, tracking_uri), false};
      if (Result<pid_t> pid = children.Start(spec); !pid.ok()) return Fail(pid.status());
      ++next;
    }
    ChildProcesses::Event e = children.Wait();
    if (e.signal != 0) {
      std::fprintf(stderr, "=== Sweep (parent run '%s') interrupted, cancelling its runs ===\n", parent->run_id.c_str());
      children.KillAll(/*grace_seconds=*/15);  // each child marks its own run KILLED first
      EndRun(tracking, parent->run_id, "KILLED");
      return 130;
    }
    if (e.exit_code != 0) ++failures;
  }
  EndRun(tracking, parent->run_id, failures == 0 ? "FINISHED" : "FAILED");
  std::fprintf(stderr, "=== Sweep (parent run '%s'): %zu runs, %d failed ===\n", parent->run_id.c_str(), grid->size(),
               failures);
  return failures == 0 ? 0 : 1;
}

int RunKubernetes(const RunOptions& o, const Project& project, const FetchedProject& fetched, const EntryPoint& ep,
                  const std::string& tracking_uri) {
  if (!project.docker_env) {
    return Fail(Status::InvalidParameter(
        "Project with docker environment must specify the docker image to use via an 'image' field under the "
        "'docker_env' field."));
  }
  if (!project.name) {
    return Fail(Status::InvalidParameter("Project name in MLProject must be specified when using docker for image tagging."));
  }
  Result<KubeConfig> config = ParseKubeConfig(o.backend_config);
  if (!config.ok()) return Fail(config.status());
  if (!o.dry_run) {
    if (Status st = ValidateDocker(); !st.ok()) return Fail(st);
    return Fail(Status::InvalidParameter(
        "mlflow-cpp does not build, push or submit Kubernetes jobs itself: run with --dry-run to print the Job, "
        "push the image and submit it with kubectl create -f"));
  }
  Result<std::string> command = ep.ComputeCommand(o.params);
  if (!command.ok()) return Fail(command.status());
  std::string image = config->repository_uri + (fetched.git_commit ? ":" + fetched.git_commit->substr(0, 7) : "");
  // A dry run creates no run: MLFLOW_RUN_ID is the --run-id given, if any.
  EnvList env;
  if (!o.run_id.empty()) env.emplace_back("MLFLOW_RUN_ID", o.run_id);
  env.emplace_back("MLFLOW_TRACKING_URI", tracking_uri);
  env.emplace_back("MLFLOW_EXPERIMENT_ID", o.experiment_id.empty() ? EnvOr("MLFLOW_EXPERIMENT_ID").empty() ? "0" : EnvOr("MLFLOW_EXPERIMENT_ID") : o.experiment_id);
  Result<std::string> yaml = KubernetesJobYaml(*config, *project.name, image, *command, env);
  if (!yaml.ok()) return Fail(yaml.status());
  std::fputs(yaml->c_str(), stdout);
  return 0;
}

}  // namespace

int RunProject(const RunOptions& o) {
  // Before any thread exists: interrupts then reach us only through ChildProcesses::Wait.
  SignalGuard signals;
  if (o.backend != "local" && o.backend != "kubernetes") {
    return Fail(Status::InvalidParameter("Unsupported backend '" + o.backend + "': mlflow-cpp runs local and kubernetes"));
  }
  if (!o.env_manager.empty() && o.env_manager != "local" && o.env_manager != "virtualenv" && o.env_manager != "uv" &&
      o.env_manager != "conda") {
    return Fail(Status::InvalidParameter("Invalid value for --env-manager: '" + o.env_manager +
                                         "' (local, virtualenv, uv or conda)"));
  }
  for (size_t i = 0; i < o.params.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (o.params[i].first == o.params[j].first) {
        return Fail(Status::InvalidParameter("Repeated parameter: '" + o.params[i].first + "'"));
      }
    }
  }
  Result<FetchedProject> fetched = FetchProject(o.uri, o.version);
  if (!fetched.ok()) return Fail(fetched.status());
  TempDir temp{fetched->temp_dir};
  Result<Project> project = LoadProject(fetched->work_dir);
  if (!project.ok()) return Fail(project.status());
  Result<EntryPoint> ep = project->GetEntryPoint(o.entry_point);
  if (!ep.ok()) return Fail(ep.status());
  // Every parameter is checked before anything is created (MLflow creates the run first and
  // leaves it RUNNING when a uri parameter is wrong).
  Result<ResolvedParameters> logged_params = ep->ComputeParameters(o.params, /*resolve_paths=*/false);
  if (o.sweeps.empty() && !logged_params.ok()) return Fail(logged_params.status());
  const std::string tracking_uri = ResolveTrackingUri();
  if (o.backend == "kubernetes") return RunKubernetes(o, *project, *fetched, *ep, tracking_uri);

  std::string env_manager = o.env_manager.empty() ? DefaultEnvManager(*project) : o.env_manager;
  if (project->env_type == EnvType::kPython && env_manager == "conda") {
    return Fail(Status::InvalidParameter("python_env project cannot be executed using conda. Set `--env-manager` to "
                                         "'virtualenv' or 'local' to execute this project."));
  }
  if (project->docker_env) {
    if (Status st = ValidateDocker(); !st.ok()) return Fail(st);
  }

  Result<std::unique_ptr<ProjectTracking>> opened = OpenTracking(tracking_uri);
  if (!opened.ok()) return Fail(opened.status());
  ProjectTracking& tracking = **opened;
  Result<std::string> experiment_id = ResolveExperiment(tracking, o);
  if (!experiment_id.ok()) return Fail(experiment_id.status());
  if (!o.sweeps.empty()) return RunSweep(tracking, o, *fetched, *experiment_id, tracking_uri);

  // The run: created with MLflow's tags and the params as the command will see them (quoted).
  RunRef run;
  if (!o.run_id.empty()) {
    Result<RunRef> got = tracking.GetRun(o.run_id);
    if (!got.ok()) return Fail(got.status());
    run = *got;
  } else {
    const ResolvedParameters* params = &*logged_params;
    Result<RunRef> created = tracking.CreateRun(*experiment_id, RunTags(*fetched, o.entry_point));
    if (!created.ok()) return Fail(created.status());
    run = *created;
    ParamList all = params->declared;
    all.insert(all.end(), params->extra.begin(), params->extra.end());
    if (Status st = tracking.LogBatch(run.run_id, all, {}); !st.ok()) {
      EndRun(tracking, run.run_id, "FAILED");
      return Fail(st);
    }
  }
  EnvList env = RunEnv(run.run_id, run.experiment_id, tracking_uri);
  auto fail_run = [&](const Status& st) {
    EndRun(tracking, run.run_id, "FAILED");
    return Fail(st);
  };

  // The environment, then the command in it.
  Activation activation;
  std::vector<std::string> docker_prefix;
  if (project->docker_env) {
    activation.env_tag = "docker";
    docker_prefix = DockerCommand(*project->docker_env, env);
  } else if ((env_manager == "virtualenv" || env_manager == "uv") && !o.async) {
    Result<Activation> a = PrepareVirtualenv(*project, env_manager);
    if (!a.ok()) return fail_run(a.status());
    activation = *a;
  } else if (env_manager == "conda" && !o.async) {
    Result<Activation> a = PrepareConda(*project);
    if (!a.ok()) return fail_run(a.status());
    activation = *a;
  } else if (env_manager != "local") {
    activation.env_tag = env_manager;  // --async: the background process prepares it
  }
  ParamList tags;
  if (!activation.env_tag.empty()) tags.emplace_back("mlflow.project.env", activation.env_tag);
  tags.emplace_back("mlflow.project.backend", "local");
  if (!o.run_name.empty()) tags.emplace_back("mlflow.runName", o.run_name);
  // One set-tag per tag as MLflow does (a server renames the run on the mlflow.runName tag).
  for (const auto& [key, value] : tags) {
    if (Status st = tracking.SetTag(run.run_id, key, value); !st.ok()) return fail_run(st);
  }

  if (o.async) {
    // MLflow's asynchronous local run: this command again, in the background, on the same run.
    std::vector<std::string> argv = {SelfExecutable(), "run", fetched->work_dir, "-e", o.entry_point,
                                     "--run-id", run.run_id, "--env-manager", env_manager};
    for (const auto& [k, v] : o.params) argv.insert(argv.end(), {"-P", k + "=" + v});
    Result<pid_t> pid = SpawnDetached({argv, "", env, true});
    if (!pid.ok()) return fail_run(pid.status());
    temp.keep = true;  // the background run still needs a fetched copy
    std::printf("%s\n", run.run_id.c_str());
    std::fprintf(stderr, "=== Asynchronously launched run %s (process %d) ===\n", run.run_id.c_str(), static_cast<int>(*pid));
    return 0;
  }

  Result<std::string> command = ep->ComputeCommand(o.params);
  if (!command.ok()) return fail_run(command.status());
  std::string full = *command;
  if (!docker_prefix.empty()) {
    std::string joined;
    for (const std::string& w : docker_prefix) joined += ShellQuote(w) + " ";
    full = joined + full;
  } else if (!activation.prefix.empty()) {
    full = activation.prefix + " && " + full;
  }
  std::fprintf(stderr, "=== Running command '%s' in run with ID '%s' ===\n", full.c_str(), run.run_id.c_str());
  ChildProcesses children;
  Result<pid_t> pid = children.Start({{"bash", "-c", full}, fetched->work_dir, env, false});
  if (!pid.ok()) return fail_run(pid.status());
  return WaitForRun(tracking, children, run.run_id);
}

}  // namespace mlflow::projects
