#include "artifacts/artifact_repository.h"

#include <deque>
#include <filesystem>

#include "artifacts/azure_blob_repository.h"
#include "artifacts/file_streams.h"
#include "artifacts/gcs_repository.h"
#include "artifacts/http_repository.h"
#include "artifacts/local_repository.h"
#include "artifacts/path_safety.h"
#include "artifacts/s3_repository.h"

namespace mlflow::artifacts {
namespace fs = std::filesystem;

Status MultipartNotSupported() {
  return Status(ErrorCode::kNotImplemented, "Multipart upload is not supported for the current artifact repository");
}

Result<MultipartUploadInfo> ArtifactRepository::CreateMultipartUpload(const std::string&, int64_t) {
  return MultipartNotSupported();
}
Status ArtifactRepository::CompleteMultipartUpload(const std::string&, const std::string&,
                                                   const std::vector<MultipartPart>&) {
  return MultipartNotSupported();
}
Status ArtifactRepository::AbortMultipartUpload(const std::string&, const std::string&) {
  return MultipartNotSupported();
}

std::string JoinPath(const std::string& a, const std::string& b) {
  std::string x = a, y = b;
  while (!x.empty() && x.back() == '/') x.pop_back();
  while (!y.empty() && y.front() == '/') y.erase(y.begin());
  if (x.empty()) return y;
  if (y.empty()) return x;
  return x + "/" + y;
}

Status ArtifactRepository::LogArtifact(const std::string& local_file, const std::string& artifact_path,
                                       const ProgressFn& progress) {
  FileSource src;
  MLFLOW_RETURN_IF_ERROR(src.Open(local_file, progress));
  return Write(JoinPath(artifact_path, fs::path(local_file).filename().string()), src);
}

Status ArtifactRepository::LogArtifacts(const std::string& local_dir, const std::string& artifact_path,
                                        const ProgressFn& progress) {
  std::error_code ec;
  if (!fs::is_directory(local_dir, ec)) return Status::InvalidParameter("'" + local_dir + "' is not a directory");
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(local_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (ec) return Status::InvalidParameter("cannot walk '" + local_dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string rel = fs::relative(f, local_dir).generic_string();
    FileSource src;
    MLFLOW_RETURN_IF_ERROR(src.Open(f.string(), progress));
    MLFLOW_RETURN_IF_ERROR(Write(JoinPath(artifact_path, rel), src));
  }
  return Status();
}

Result<std::vector<FileInfo>> ArtifactRepository::ListRecursive(const std::string& dir) {
  std::vector<FileInfo> out;
  std::deque<std::string> todo{dir};
  // Bounded: at most a million folders.
  for (size_t n = 0; !todo.empty() && n < 1000000; ++n) {
    std::string d = todo.front();
    todo.pop_front();
    MLFLOW_ASSIGN_OR_RETURN(std::vector<FileInfo> entries, List(d));
    for (auto& e : entries) {
      if (e.is_dir) {
        todo.push_back(e.path);
      } else {
        out.push_back(std::move(e));
      }
    }
  }
  return out;
}

Result<std::string> ArtifactRepository::DownloadArtifacts(const std::string& artifact_path, const std::string& dst_dir,
                                                          const ProgressFn& progress) {
  MLFLOW_ASSIGN_OR_RETURN(std::string norm, NormalizeRelativePath(artifact_path));
  fs::path dst = fs::absolute(dst_dir);
  fs::path target = norm.empty() ? dst : dst / norm;
  MLFLOW_ASSIGN_OR_RETURN(bool is_dir, IsDirectory(norm));
  std::vector<FileInfo> files;
  if (is_dir) {
    MLFLOW_ASSIGN_OR_RETURN(files, ListRecursive(norm));
    std::error_code ec;
    fs::create_directories(target, ec);
    if (ec) return Status::Internal("cannot create '" + target.string() + "': " + ec.message());
  } else {
    files.push_back(FileInfo{norm, false, std::nullopt});
  }
  for (const auto& f : files) {
    // The listing comes from the store; re-check before it names a local file.
    MLFLOW_ASSIGN_OR_RETURN(std::string rel, NormalizeRelativePath(f.path));
    FileSink sink;
    MLFLOW_RETURN_IF_ERROR(sink.Open((dst / rel).string(), progress));
    MLFLOW_RETURN_IF_ERROR(Read(rel, sink));
    MLFLOW_RETURN_IF_ERROR(sink.Commit());
  }
  return target.string();
}

Result<std::unique_ptr<ArtifactRepository>> OpenArtifactRepository(const std::string& uri,
                                                                   const RepositoryOptions& options) {
  if (uri.rfind("s3://", 0) == 0) {
    MLFLOW_ASSIGN_OR_RETURN(auto repo, S3ArtifactRepository::Create(uri, S3Config::FromEnvironment()));
    return std::unique_ptr<ArtifactRepository>(std::move(repo));
  }
  if (uri.rfind("wasbs://", 0) == 0 || uri.rfind("abfss://", 0) == 0) {
    MLFLOW_ASSIGN_OR_RETURN(AzureBlobLocation location, ParseAzureBlobUri(uri));
    MLFLOW_ASSIGN_OR_RETURN(AzureBlobConfig config, AzureBlobConfig::FromEnvironment(location));
    MLFLOW_ASSIGN_OR_RETURN(auto repo, AzureBlobArtifactRepository::Create(uri, std::move(config)));
    return std::unique_ptr<ArtifactRepository>(std::move(repo));
  }
  if (uri.rfind("gs://", 0) == 0) {
    MLFLOW_ASSIGN_OR_RETURN(GcsConfig config, GcsConfig::FromEnvironment());
    MLFLOW_ASSIGN_OR_RETURN(auto repo, GcsArtifactRepository::Create(uri, std::move(config)));
    return std::unique_ptr<ArtifactRepository>(std::move(repo));
  }
  if (uri.rfind("mlflow-artifacts:", 0) == 0) {
    MLFLOW_ASSIGN_OR_RETURN(std::string url, ResolveMlflowArtifactsUri(uri, options.tracking_uri));
    MLFLOW_ASSIGN_OR_RETURN(auto repo, HttpArtifactRepository::Create(url));
    return std::unique_ptr<ArtifactRepository>(std::move(repo));
  }
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    MLFLOW_ASSIGN_OR_RETURN(auto repo, HttpArtifactRepository::Create(uri));
    return std::unique_ptr<ArtifactRepository>(std::move(repo));
  }
  size_t colon = uri.find(':');
  size_t slash = uri.find('/');
  bool has_scheme = colon != std::string::npos && colon > 1 && (slash == std::string::npos || colon < slash);
  if (has_scheme && uri.rfind("file:", 0) != 0) {
    return Status::InvalidParameter("Could not find a registered artifact repository for: " + uri +
                                    ". Supported schemes: file, s3, wasbs, abfss, gs, mlflow-artifacts, http, https");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string path, LocalPathFromUri(uri));
  return std::unique_ptr<ArtifactRepository>(std::make_unique<LocalArtifactRepository>(path));
}

}  // namespace mlflow::artifacts
