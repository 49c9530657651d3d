#pragma once
// Artifacts in Google Cloud Storage: gs://<bucket>/<path>, over the JSON API.
//
// Endpoint and credentials, as Google's client libraries read them:
//   STORAGE_EMULATOR_HOST            an emulator ("http://127.0.0.1:9023" or "127.0.0.1:9023"),
//                                    used anonymously
//   API_ENDPOINT_OVERRIDE            another endpoint, with credentials
//   GOOGLE_APPLICATION_CREDENTIALS   a service account's JSON key (RS256 JWT exchanged for an
//                                    access token, cached until it expires) or an authorized_user
//                                    file; else gcloud's application_default_credentials.json
//                                    (under CLOUDSDK_CONFIG or ~/.config/gcloud) when present;
//                                    else anonymous access, as MLflow falls back to
//   MLFLOW_GCS_UPLOAD_CHUNK_SIZE     bytes per resumable-upload chunk (rounded up to 256 KiB)
// Credentials from the GCE metadata server are not supported.
//
// Files up to 64 MiB are one media upload; larger ones (and bodies of unknown size) a resumable
// upload in 16 MiB chunks, so an object appears only when complete. Multipart through the proxy is
// not offered: the Python client falls back to a plain upload.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "artifacts/gcs_auth.h"
#include "artifacts/object_store_repository.h"

namespace mlflow::artifacts {

struct GcsLocation {
  std::string bucket;
  std::string path;  // no leading or trailing '/'
};
Result<GcsLocation> ParseGcsUri(const std::string& uri);

struct GcsConfig {
  std::string endpoint = "https://storage.googleapis.com";  // no trailing '/'
  std::optional<GoogleCredentials> credentials;             // none: anonymous
  bool verify_tls = true;
  uint64_t single_upload_limit = 64ull << 20;
  uint64_t chunk_size = 16ull << 20;  // a multiple of 256 KiB

  // From the variables above; INVALID_PARAMETER_VALUE when a named credentials file is unusable.
  static Result<GcsConfig> FromEnvironment();
};

class GcsArtifactRepository : public ObjectStoreRepository {
 public:
  static Result<std::unique_ptr<GcsArtifactRepository>> Create(const std::string& uri, GcsConfig config);

  std::string root_uri() const override;

 protected:
  Status ListObjects(const std::string& key_prefix, bool one_level, size_t limit, Listing* out) override;
  Status WriteObject(const std::string& key, ByteSource& src) override;
  Status ReadObject(const std::string& key, ByteSink& sink) override;
  Status DeleteObject(const std::string& key) override;

 private:
  GcsArtifactRepository(GcsLocation location, GcsConfig config);

  struct Response {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  // One request to `url` with the access token (when not anonymous).
  Result<Response> Call(const std::string& method, const std::string& url, const std::string* body = nullptr,
                        ByteSource* upload = nullptr, ByteSink* download = nullptr,
                        std::vector<std::string> headers = {});
  std::string ObjectUrl(const std::string& key) const;
  Status WriteResumable(const std::string& key, ByteSource& src, std::string first_chunk);

  GcsLocation location_;
  GcsConfig config_;
};

// The JSON API's error body ({"error": {"code", "message"}}) as a Status: 404 ->
// RESOURCE_DOES_NOT_EXIST, others INTERNAL_ERROR.
Status GcsError(long http_status, const std::string& body, const std::string& what);

}  // namespace mlflow::artifacts
