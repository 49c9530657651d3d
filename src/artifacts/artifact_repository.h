#pragma once
// ArtifactRepository: files logged by runs and models, stored under a root URI. One implementation
// per URI scheme: local folders (file:, plain paths), S3 (s3://bucket/prefix), Azure Blob Storage
// (wasbs://, abfss://), Google Cloud Storage (gs://), and the client side of the tracking server's
// proxy (mlflow-artifacts:, http(s)://.../api/2.0/mlflow-artifacts/artifacts).
//
//   MLFLOW_ASSIGN_OR_RETURN(auto repo, OpenArtifactRepository("s3://bucket/exp/1"));
//   MLFLOW_RETURN_IF_ERROR(repo->LogArtifact("/tmp/model.pkl", "model"));
//   MLFLOW_ASSIGN_OR_RETURN(auto files, repo->List("model"));
//
// Paths given to a repository are relative to its root, '/'-separated; implementations refuse
// unsafe ones (docs/reference/limits.md section 9) with INVALID_PARAMETER_VALUE "Invalid path". Bodies are
// streamed in bounded chunks: nothing holds a whole file in memory. Instances are not thread-safe;
// open one per thread (opening is cheap).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mlflow::artifacts {

// One entry of a listing. path is relative to the repository root ("dir/file.txt").
struct FileInfo {
  std::string path;
  bool is_dir = false;
  std::optional<int64_t> file_size;  // files only
};

// Pull-style body for uploads.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into buf; 0 at the end; -1 when the source broke (the upload must not land).
  virtual int64_t Read(char* buf, size_t size) = 0;
  // Total length, when known in advance.
  virtual std::optional<uint64_t> Size() const = 0;
};

// Push-style target for downloads.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Called once, before any Write, when the object was found; size when known. false aborts.
  virtual bool Begin(std::optional<uint64_t> size) = 0;
  // false aborts the transfer (the reader went away).
  virtual bool Write(const char* data, size_t size) = 0;
};

// Multipart upload (only repositories with SupportsMultipart()).
struct MultipartCredential {
  int64_t part_number = 0;
  std::string url;  // presigned PUT URL for the part
  std::map<std::string, std::string> headers;
};
struct MultipartUploadInfo {
  std::string upload_id;
  std::vector<MultipartCredential> credentials;
};
struct MultipartPart {
  int64_t part_number = 0;
  std::string etag;
  std::string url;
};

// Progress of a file transfer: bytes done, total (0 if unknown). Called at most every chunk.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// "Multipart upload is not supported for the current artifact repository" (the Python client
// matches this prefix to fall back to a single PUT).
Status MultipartNotSupported();

class ArtifactRepository {
 public:
  virtual ~ArtifactRepository() = default;

  // The root URI this repository serves.
  virtual std::string root_uri() const = 0;

  // Direct children of directory `dir` ("" = root), sorted by path. A missing or non-directory
  // path lists as empty.
  virtual Result<std::vector<FileInfo>> List(const std::string& dir) = 0;
  // Stores `src` as file `path`, creating parents and replacing an existing file. Atomic: a failed
  // or interrupted write leaves no file (and no partial file) at `path`.
  virtual Status Write(const std::string& path, ByteSource& src) = 0;
  // Streams file `path` to `sink`. RESOURCE_DOES_NOT_EXIST when it is missing or a directory.
  virtual Status Read(const std::string& path, ByteSink& sink) = 0;
  // Deletes a file or a directory tree. A missing path is not an error.
  virtual Status Delete(const std::string& path) = 0;
  // True when `path` is an existing directory.
  virtual Result<bool> IsDirectory(const std::string& path) = 0;

  virtual bool SupportsMultipart() const { return false; }
  // Starts a multipart upload of object `path` with presigned part URLs (1..num_parts).
  virtual Result<MultipartUploadInfo> CreateMultipartUpload(const std::string& path, int64_t num_parts);
  virtual Status CompleteMultipartUpload(const std::string& path, const std::string& upload_id,
                                         const std::vector<MultipartPart>& parts);
  virtual Status AbortMultipartUpload(const std::string& path, const std::string& upload_id);

  // --- conveniences over the primitives (client side, CLI) ---
  // Uploads local file to <artifact_path>/<basename>.
  Status LogArtifact(const std::string& local_file, const std::string& artifact_path = "",
                     const ProgressFn& progress = nullptr);
  // Uploads the files below local_dir to <artifact_path>/<relative path>.
  Status LogArtifacts(const std::string& local_dir, const std::string& artifact_path = "",
                      const ProgressFn& progress = nullptr);
  // Downloads file or directory `artifact_path` ("" = everything) into dst_dir; returns the local
  // path of the downloaded file or directory.
  Result<std::string> DownloadArtifacts(const std::string& artifact_path, const std::string& dst_dir,
                                        const ProgressFn& progress = nullptr);
  // Every file below `dir`, recursively.
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir);
};

struct RepositoryOptions {
  // Resolves mlflow-artifacts: URIs (http(s)://host:port); else MLFLOW_TRACKING_URI.
  std::string tracking_uri;
};

// Picks the implementation by scheme: file:/plain path, s3://, wasbs://, abfss://, gs://,
// mlflow-artifacts:, http(s)://.
// INVALID_PARAMETER_VALUE for unsupported schemes.
Result<std::unique_ptr<ArtifactRepository>> OpenArtifactRepository(const std::string& uri,
                                                                   const RepositoryOptions& options = {});

// Joins '/'-separated relative paths, skipping empty parts.
std::string JoinPath(const std::string& a, const std::string& b);

}  // namespace mlflow::artifacts
