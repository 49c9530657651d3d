#include "cli/artifacts_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "artifacts/artifact_repository.h"
#include "artifacts/curl_http.h"
#include "artifacts/http_repository.h"

namespace mlflow::cli {
namespace {

namespace art = mlflow::artifacts;

struct Options {
  CLI::App* log_artifact = nullptr;
  CLI::App* log_artifacts = nullptr;
  CLI::App* list = nullptr;
  CLI::App* download = nullptr;
  std::string local_path;
  std::string run_id;
  std::string artifact_path;
  std::string artifact_uri;
  std::string dst_path;
};

Options& Opts() {
  static Options o;
  return o;
}

constexpr uint64_t kProgressMinBytes = 16ull << 20;

// A one-line progress bar on stderr for transfers of large files (when stderr is a terminal, or
// always with MLFLOW_CPP_PROGRESS=1).
class ProgressBar {
 public:
  ProgressBar() {
    const char* force = std::getenv("MLFLOW_CPP_PROGRESS");
    enabled_ = (force && std::string(force) == "1") || ::isatty(STDERR_FILENO);
  }
  ~ProgressBar() { Finish(); }

  art::ProgressFn Fn() {
    if (!enabled_) return nullptr;
    return [this](uint64_t done, uint64_t total) { Update(done, total); };
  }

  void Finish() {
    if (shown_) std::fputc('\n', stderr);
    shown_ = false;
  }

 private:
  void Update(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < last_done_) {  // next file
      Finish();
      start_ = now;
    }
    if (start_ == std::chrono::steady_clock::time_point{}) start_ = now;
    last_done_ = done;
    if (total < kProgressMinBytes) return;
    bool complete = done >= total;
    if (!complete && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double mb = static_cast<double>(done) / 1e6;
    double frac = static_cast<double>(done) / static_cast<double>(total);
    int filled = static_cast<int>(frac * 30);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(30 - filled), '.');
    std::fprintf(stderr, "\r[%s] %3d%% %.1f/%.1f MB %.1f MB/s", bar.c_str(), static_cast<int>(frac * 100), mb,
                 static_cast<double>(total) / 1e6, secs > 0 ? mb / secs : 0.0);
    std::fflush(stderr);
    shown_ = true;
  }

  bool enabled_ = false;
  bool shown_ = false;
  uint64_t last_done_ = 0;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point last_draw_{};
};

int Fail(const Status& st) {
  std::fprintf(stderr, "error: %s: %s\n", std::string(ErrorCodeName(st.code())).c_str(), st.message().c_str());
  return 1;
}

std::string TrackingUri() {
  const char* v = std::getenv("MLFLOW_TRACKING_URI");
  std::string uri = v ? v : "";
  while (!uri.empty() && uri.back() == '/') uri.pop_back();
  return uri;
}

// The run's artifact_uri, from GET /api/2.0/mlflow/runs/get on the tracking server.
Result<std::string> RunArtifactUri(const std::string& run_id) {
  std::string tracking = TrackingUri();
  if (tracking.rfind("http://", 0) != 0 && tracking.rfind("https://", 0) != 0) {
    return Status::InvalidParameter("set MLFLOW_TRACKING_URI to the tracking server (http:// or https://); got '" +
                                    tracking + "'");
  }
  art::HttpCall call;
  call.url = tracking + "/api/2.0/mlflow/runs/get?run_id=" + art::UrlEncode(run_id);
  call.headers = art::TrackingRequestHeaders();
  MLFLOW_ASSIGN_OR_RETURN(art::HttpResult r, art::PerformHttp(call));
  if (r.status != 200) return art::StatusFromHttp(r.status, r.body, "GetRun " + run_id);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("run")) return Status::Internal("unexpected GetRun answer: " + r.body.substr(0, 200));
  return j["run"]["info"].value("artifact_uri", "");
}

Result<std::unique_ptr<art::ArtifactRepository>> RunRepository(const std::string& run_id) {
  MLFLOW_ASSIGN_OR_RETURN(std::string uri, RunArtifactUri(run_id));
  art::RepositoryOptions opts;
  opts.tracking_uri = TrackingUri();
  return art::OpenArtifactRepository(uri, opts);
}

std::string FileInfosJson(const std::vector<art::FileInfo>& files) {
  // MLflow prints each FileInfo as indented JSON, joined into a list.
  std::string out = "[";
  for (size_t i = 0; i < files.size(); ++i) {
    nlohmann::json j = {{"path", files[i].path}, {"is_dir", files[i].is_dir}};
    if (files[i].file_size) j["file_size"] = *files[i].file_size;
    if (i) out += ", ";
    out += j.dump(2);
  }
  return out + "]";
}

int Download(const Options& o) {
  std::unique_ptr<art::ArtifactRepository> repo;
  std::string path;
  art::RepositoryOptions ropts;
  ropts.tracking_uri = TrackingUri();
  if (!o.artifact_uri.empty()) {
    std::string uri = o.artifact_uri;
    if (uri.rfind("runs:/", 0) == 0) {
      std::string rest = uri.substr(6);
      while (!rest.empty() && rest.front() == '/') rest.erase(rest.begin());
      size_t slash = rest.find('/');
      auto r = RunRepository(rest.substr(0, slash));
      if (!r.ok()) return Fail(r.status());
      repo = std::move(*r);
      path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    } else {
      // Like MLflow: the parent is the repository, the last segment the artifact.
      while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
      size_t slash = uri.find_last_of('/');
      if (slash == std::string::npos) return Fail(Status::InvalidParameter("cannot download '" + uri + "'"));
      auto r = art::OpenArtifactRepository(uri.substr(0, slash), ropts);
      if (!r.ok()) return Fail(r.status());
      repo = std::move(*r);
      path = uri.substr(slash + 1);
    }
  } else if (!o.run_id.empty()) {
    auto r = RunRepository(o.run_id);
    if (!r.ok()) return Fail(r.status());
    repo = std::move(*r);
    path = o.artifact_path;
  } else {
    return Fail(Status::InvalidParameter("Either --run-id or --artifact-uri must be provided"));
  }
  std::string dst = o.dst_path;
  if (dst.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mlflow-cpp-artifacts-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return Fail(Status::Internal("cannot create a temporary folder"));
    dst = tmpl;
  }
  ProgressBar bar;
  auto out = repo->DownloadArtifacts(path, dst, bar.Fn());
  bar.Finish();
  if (!out.ok()) return Fail(out.status());
  std::printf("\n%s\n", out->c_str());
  return 0;
}

}  // namespace

CLI::App* AddArtifactsCommand(CLI::App& app) {
  Options& o = Opts();
  CLI::App* cmd = app.add_subcommand("artifacts", "Upload, list and download run artifacts (MLFLOW_TRACKING_URI)");
  cmd->require_subcommand(1);
  o.log_artifact = cmd->add_subcommand("log-artifact", "Log a local file as an artifact of a run");
  o.log_artifact->add_option("-l,--local-file", o.local_path, "Local file to log")->required();
  o.log_artifact->add_option("-r,--run-id", o.run_id, "Run to log into")->required();
  o.log_artifact->add_option("-a,--artifact-path", o.artifact_path, "Folder inside the run's artifacts");

  o.log_artifacts = cmd->add_subcommand("log-artifacts", "Log the files of a local folder as artifacts of a run");
  o.log_artifacts->add_option("-l,--local-dir", o.local_path, "Local folder to log")->required();
  o.log_artifacts->add_option("-r,--run-id", o.run_id, "Run to log into")->required();
  o.log_artifacts->add_option("-a,--artifact-path", o.artifact_path, "Folder inside the run's artifacts");

  o.list = cmd->add_subcommand("list", "List the artifacts of a run (JSON)");
  o.list->add_option("-r,--run-id", o.run_id, "Run to list")->required();
  o.list->add_option("-a,--artifact-path", o.artifact_path, "Folder inside the run's artifacts");

  o.download = cmd->add_subcommand("download", "Download an artifact file or folder; prints its local path");
  o.download->add_option("-r,--run-id", o.run_id, "Run to download from");
  o.download->add_option("-a,--artifact-path", o.artifact_path, "File or folder inside the run's artifacts");
  o.download->add_option(
      "-u,--artifact-uri", o.artifact_uri,
      "Artifact URI (runs:/, mlflow-artifacts:, s3://, wasbs://, abfss://, gs://, file path); overrides -r/-a");
  o.download->add_option("-d,--dst-path", o.dst_path, "Local folder to download into (default: a new temp folder)");
  return cmd;
}

int RunArtifactsCommand() {
  const Options& o = Opts();
  if (o.download->parsed()) return Download(o);
  auto repo = RunRepository(o.run_id);
  if (!repo.ok()) return Fail(repo.status());
  if (o.list->parsed()) {
    auto files = (*repo)->List(o.artifact_path);
    if (!files.ok()) return Fail(files.status());
    std::printf("%s\n", FileInfosJson(*files).c_str());
    return 0;
  }
  ProgressBar bar;
  Status st = o.log_artifact->parsed() ? (*repo)->LogArtifact(o.local_path, o.artifact_path, bar.Fn())
                                       : (*repo)->LogArtifacts(o.local_path, o.artifact_path, bar.Fn());
  bar.Finish();
  if (!st.ok()) return Fail(st);
  std::fprintf(stderr, "Logged %s to run %s%s\n", o.local_path.c_str(), o.run_id.c_str(),
               o.artifact_path.empty() ? "" : (" at " + o.artifact_path).c_str());
  return 0;
}

}  // namespace mlflow::cli
