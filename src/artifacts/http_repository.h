#pragma once
// The client side of the tracking server's artifact proxy: mlflow-artifacts:/<path> resolved against
// the tracking URI, or http(s)://host/api/2.0/mlflow-artifacts/artifacts/<path>. Uses endpoints
// 60-63 of docs/reference/rest-api.md (GET/PUT/DELETE a file, GET ?path= to list). Sends basic auth from
// MLFLOW_TRACKING_USERNAME/PASSWORD or a bearer MLFLOW_TRACKING_TOKEN when set.
#include <memory>
#include <string>

#include "artifacts/artifact_repository.h"

namespace mlflow::artifacts {

class HttpArtifactRepository : public ArtifactRepository {
 public:
  // base_url: http(s)://host[:port][/prefix]/api/2.0/mlflow-artifacts/artifacts[/root path]
  static Result<std::unique_ptr<HttpArtifactRepository>> Create(const std::string& base_url);

  std::string root_uri() const override;
  Result<std::vector<FileInfo>> List(const std::string& dir) override;
  Status Write(const std::string& path, ByteSource& src) override;
  Status Read(const std::string& path, ByteSink& sink) override;
  Status Delete(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;

 private:
  HttpArtifactRepository(std::string endpoint, std::string root_path);
  std::string FileUrl(const std::string& norm) const;

  std::string endpoint_;   // .../api/2.0/mlflow-artifacts/artifacts
  std::string root_path_;  // relative path below the proxy root
};

// mlflow-artifacts:/P or mlflow-artifacts://host:port/P -> the proxy URL, using tracking_uri
// (http/https) for the scheme and the default host.
Result<std::string> ResolveMlflowArtifactsUri(const std::string& uri, const std::string& tracking_uri);

// User-Agent plus the Authorization header the MLflow client would send (basic auth from
// MLFLOW_TRACKING_USERNAME/PASSWORD, else a bearer MLFLOW_TRACKING_TOKEN), as "Name: value" lines.
std::vector<std::string> TrackingRequestHeaders();

// Error body of the proxy ({"error_code", "message"}) as a Status.
Status StatusFromHttp(long http_status, const std::string& body, const std::string& what);

}  // namespace mlflow::artifacts
