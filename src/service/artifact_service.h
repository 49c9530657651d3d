#pragma once
// ArtifactService: where the files of runs, logged models and model versions are, and MLflow's
// rules on the paths clients name (docs/reference/rest-api.md 3.5-3.7, docs/reference/limits.md 9):
// paths are validated and normalised, proxied roots (mlflow-artifacts:) resolve below the
// artifacts destination, the UI's upload is limited to 10 MB. Bodies are not its business: the
// server streams them to and from the repository a method returns.
//
//   service::ArtifactService artifacts({.serve_artifacts = true, .destination = destination}, tracking, registry,
//                                      logged_models);
//   MLFLOW_ASSIGN_OR_RETURN(service::ArtifactListing listing, artifacts.ListRunArtifacts(run_id, "model"));
//   MLFLOW_ASSIGN_OR_RETURN(service::ArtifactFile file, artifacts.RunArtifact(run_id, "model/MLmodel"));
//   // file.repo->Read(file.path, sink) streams it
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "core/status.h"
#include "service/logged_model_service.h"
#include "service/registry_service.h"
#include "service/tracking_service.h"

namespace mlflow::service {

struct ArtifactSettings {
  bool serve_artifacts = true;  // the mlflow-artifacts proxy is on
  std::string destination;      // proxied artifacts: a folder, s3://, wasbs://, abfss:// or gs:// URI
};

// A file (or folder) inside a repository.
struct ArtifactFile {
  std::unique_ptr<artifacts::ArtifactRepository> repo;
  std::string path;  // relative to repo's root
};

struct ArtifactListing {
  std::string root_uri;                   // the run's or model's artifact root, as stored
  std::vector<artifacts::FileInfo> files;  // paths relative to root_uri
};

class ArtifactService {
 public:
  ArtifactService(ArtifactSettings settings, TrackingService& tracking, RegistryService& registry,
                  LoggedModelService& logged_models);

  bool serve_artifacts() const { return settings_.serve_artifacts; }

  // --- the proxy (mlflow-artifacts endpoints); paths relative to the destination ---
  Result<ArtifactFile> ProxyFile(const std::string& path);
  // Where an upload lands: a file path ("a/" or "" are refused: the path must name a file).
  Result<ArtifactFile> ProxyUploadTarget(const std::string& path);
  // Direct children of folder `path` (paths relative to the destination).
  Result<std::vector<artifacts::FileInfo>> ListProxy(const std::string& path);
  Status DeleteProxy(const std::string& path);
  // Multipart uploads of <dir>/<basename of local_file> (the client's file), where the
  // destination supports them (NOT_IMPLEMENTED "Multipart upload is not supported ..." otherwise).
  Result<artifacts::MultipartUploadInfo> CreateMultipartUpload(const std::string& dir, const std::string& local_file,
                                                               int64_t num_parts);
  Status CompleteMultipartUpload(const std::string& dir, const std::string& local_file, const std::string& upload_id,
                                 const std::vector<artifacts::MultipartPart>& parts);
  Status AbortMultipartUpload(const std::string& dir, const std::string& local_file, const std::string& upload_id);

  // --- artifacts of runs, logged models and model versions ---
  Result<ArtifactListing> ListRunArtifacts(const std::string& run_id, const std::string& path);
  Result<ArtifactListing> ListLoggedModelArtifacts(const std::string& model_id, const std::string& path);
  Result<ArtifactFile> RunArtifact(const std::string& run_id, const std::string& path);
  Result<ArtifactFile> LoggedModelArtifact(const std::string& model_id, const std::string& path);
  // A file of a trace (its spans, traces.json, or an attachment) below the trace's artifact root,
  // which the caller reads from the trace (TracingService::ArtifactRoot).
  Result<ArtifactFile> TraceArtifact(const std::string& trace_artifact_root, const std::string& path);
  Result<ArtifactFile> ModelVersionArtifact(const std::string& name, const std::string& version,
                                            const std::string& path);
  // A presigned download URL for a run's file (docs/reference/rest-api.md 3.7, presigned-download-url),
  // after MLflow's checks in its order: the path, the expiration (1..604800 s, default 300), the
  // run, a direct (not proxied) artifact root. No repository here signs download URLs (every one
  // serves its bytes through this server), so a request that passes the checks gets MLflow's
  // answer for a local store: NOT_IMPLEMENTED "Presigned download is not supported ...".
  Status PresignedRunDownload(const std::string& run_id, const std::string& path, std::optional<int64_t> expiration);
  // The UI's small upload into a run: at most 10 MB (content_length as the client declared it).
  Result<ArtifactFile> UiUploadTarget(const std::string& run_id, const std::string& path,
                                      std::optional<uint64_t> content_length);

 private:
  Result<std::unique_ptr<artifacts::ArtifactRepository>> OpenDestination();
  // A run's or model's artifact root as a repository plus the root's path inside it.
  Result<ArtifactFile> ResolveRoot(const std::string& root_uri);
  Result<ArtifactFile> FileBelowRoot(const std::string& root_uri, const std::string& path);
  Result<ArtifactListing> ListBelowRoot(const std::string& root_uri, const std::string& normalized_path);
  Result<std::string> MultipartTarget(const std::string& dir, const std::string& local_file);

  ArtifactSettings settings_;
  TrackingService& tracking_;
  RegistryService& registry_;
  LoggedModelService& logged_models_;
};

// Removes the partial uploads a crash left below a folder destination (older than an hour);
// returns how many (0 for other destinations, or when the proxy is off). Slow on a big tree: the
// app runs it once at start, on a thread of its own.
size_t SweepStaleUploads(const ArtifactSettings& settings);

}  // namespace mlflow::service
