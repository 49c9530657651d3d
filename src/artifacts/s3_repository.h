#pragma once
// Artifacts in S3 or an S3-compatible server: s3://bucket/prefix. Endpoint, region and
// credentials come from the usual variables: MLFLOW_S3_ENDPOINT_URL (else AWS's regional endpoint),
// AWS_REGION / AWS_DEFAULT_REGION (else the profile's region in ~/.aws/config or AWS_CONFIG_FILE,
// else us-east-1), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (else the
// AWS_PROFILE section of ~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE);
// MLFLOW_S3_IGNORE_TLS=true skips certificate checks. Path-style addressing.
// Requests are signed with SigV4 and UNSIGNED-PAYLOAD, so bodies stream without hashing; files
// over 64 MiB (or of unknown size) are written with S3 multipart uploads.
#include <ctime>
#include <memory>
#include <string>

#include "artifacts/artifact_repository.h"
#include "artifacts/sigv4.h"

namespace mlflow::artifacts {

struct S3Config {
  std::string endpoint;  // scheme://host[:port], no trailing '/'
  std::string region = "us-east-1";
  AwsCredentials credentials;
  bool verify_tls = true;
  uint64_t multipart_threshold = 64ull << 20;
  uint64_t part_size = 16ull << 20;  // at least 5 MiB (S3's minimum)
  int64_t presign_expiry_seconds = 3600;

  // From the environment variables above.
  static S3Config FromEnvironment();
};

class S3ArtifactRepository : public ArtifactRepository {
 public:
  // uri: s3://bucket[/prefix]
  static Result<std::unique_ptr<S3ArtifactRepository>> Create(const std::string& uri, S3Config config);

  std::string root_uri() const override;
  Result<std::vector<FileInfo>> List(const std::string& dir) override;
  Status Write(const std::string& path, ByteSource& src) override;
  Status Read(const std::string& path, ByteSink& sink) override;
  Status Delete(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;

  bool SupportsMultipart() const override { return true; }
  Result<MultipartUploadInfo> CreateMultipartUpload(const std::string& path, int64_t num_parts) override;
  Status CompleteMultipartUpload(const std::string& path, const std::string& upload_id,
                                 const std::vector<MultipartPart>& parts) override;
  Status AbortMultipartUpload(const std::string& path, const std::string& upload_id) override;

 private:
  S3ArtifactRepository(std::string bucket, std::string prefix, S3Config config);

  struct Response;
  using Query = std::vector<std::pair<std::string, std::string>>;
  // One signed request. key "" addresses the bucket.
  Result<Response> Call(const std::string& method, const std::string& key, const Query& query,
                        const std::string* body = nullptr, ByteSource* upload = nullptr, ByteSink* download = nullptr,
                        const std::vector<std::string>& extra_headers = {});
  Result<std::string> KeyFor(const std::string& path) const;
  // Keys below key_prefix ("" = whole bucket); delimiter "/" for one level.
  Status ListKeys(const std::string& key_prefix, bool one_level, std::vector<FileInfo>* files,
                  std::vector<std::string>* dirs, size_t max_keys = 0);
  Status WriteMultipart(const std::string& key, ByteSource& src);
  Result<std::string> StartMultipart(const std::string& key);
  Status FinishMultipart(const std::string& key, const std::string& upload_id,
                         const std::vector<std::pair<int64_t, std::string>>& etags);
  Status AbortMultipart(const std::string& key, const std::string& upload_id);

  std::string bucket_;
  std::string prefix_;  // no leading/trailing '/'
  S3Config config_;
};

// Error mapping for S3 XML error bodies: NoSuchKey -> RESOURCE_DOES_NOT_EXIST, others INTERNAL_ERROR.
Status S3Error(long http_status, const std::string& body, const std::string& what);

}  // namespace mlflow::artifacts
