#pragma once
// Artifacts in Azure Blob Storage: wasbs://<container>@<account>.blob.core.windows.net/<path>
// (also .chinacloudapi.cn and .usgovcloudapi.net) and ADLS Gen2's
// abfss://<filesystem>@<account>.dfs.core.windows.net/<path>, which is served through the same
// account's Blob endpoint (Gen2 accounts answer the Blob API on the same data).
//
// Credentials, as MLflow reads them:
//   AZURE_STORAGE_CONNECTION_STRING  AccountName/AccountKey, or a SharedAccessSignature; its
//                                    BlobEndpoint (e.g. Azurite's) wins over the URI's host
//   AZURE_STORAGE_ACCESS_KEY         the URI's account with this key
//   AZURE_STORAGE_SAS_TOKEN          a SAS for the URI's account (MLflow's variable for abfss://,
//                                    where it comes first; last for wasbs://)
// Requests are signed with SharedKey when there is an account key, else carry the SAS. Azure AD
// credentials (DefaultAzureCredential) are not supported: the error says which variables to set.
// MLFLOW_TRACKING_INSECURE_TLS=true skips certificate checks.
//
// Files up to 64 MiB are one Put Blob; larger ones (and bodies of unknown size) are streamed as
// 16 MiB blocks (Put Block) committed by one Put Block List, so a blob appears only when complete.
// With an account key the proxy's multipart endpoints hand out SAS URLs for the client's blocks.
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "artifacts/object_store_repository.h"

namespace mlflow::artifacts {

struct AzureBlobLocation {
  std::string scheme;       // "wasbs" or "abfss"
  std::string container;    // container (file system for abfss)
  std::string account;
  std::string blob_suffix;  // the account's Blob host suffix: "blob.core.windows.net"
  std::string path;         // below the container, no leading or trailing '/'
};
// INVALID_PARAMETER_VALUE with MLflow's wording for a malformed URI.
Result<AzureBlobLocation> ParseAzureBlobUri(const std::string& uri);

struct AzureBlobConfig {
  std::string endpoint;     // scheme://host[:port][/path], no trailing '/'
  std::string account;      // the account whose key signs requests
  std::string account_key;  // decoded key bytes; empty when using a SAS
  std::string sas;          // SAS query string without '?'
  bool verify_tls = true;
  uint64_t single_put_limit = 64ull << 20;
  uint64_t block_size = 16ull << 20;
  int64_t sas_expiry_seconds = 3600;

  // From the variables above; INVALID_PARAMETER_VALUE when none is set or one is malformed.
  static Result<AzureBlobConfig> FromEnvironment(const AzureBlobLocation& location);
};

class AzureBlobArtifactRepository : public ObjectStoreRepository {
 public:
  static Result<std::unique_ptr<AzureBlobArtifactRepository>> Create(const std::string& uri, AzureBlobConfig config);

  std::string root_uri() const override;

  // Multipart through the proxy needs a key to sign the blocks' SAS URLs.
  bool SupportsMultipart() const override { return !config_.account_key.empty(); }
  // One SAS URL per block (read/write on this blob, config.sas_expiry_seconds); no upload id.
  Result<MultipartUploadInfo> CreateMultipartUpload(const std::string& path, int64_t num_parts) override;
  // Commits the blocks named by the parts' URLs, in part order.
  Status CompleteMultipartUpload(const std::string& path, const std::string& upload_id,
                                 const std::vector<MultipartPart>& parts) override;
  // Uncommitted blocks cannot be deleted (Azure drops them after 7 days) and the blob may already
  // exist: nothing to do, as in MLflow.
  Status AbortMultipartUpload(const std::string& path, const std::string& upload_id) override;

 protected:
  Status ListObjects(const std::string& key_prefix, bool one_level, size_t limit, Listing* out) override;
  Status WriteObject(const std::string& key, ByteSource& src) override;
  Status ReadObject(const std::string& key, ByteSink& sink) override;
  Status DeleteObject(const std::string& key) override;

 private:
  AzureBlobArtifactRepository(std::string uri, AzureBlobLocation location, AzureBlobConfig config);

  struct Response {
    long status = 0;
    std::string body;
  };
  using Query = std::vector<std::pair<std::string, std::string>>;
  // One request on blob `blob` ("" = the container), signed or with the SAS.
  Result<Response> Call(const std::string& method, const std::string& blob, const Query& query,
                        const std::string* body = nullptr, ByteSource* upload = nullptr, ByteSink* download = nullptr,
                        const std::vector<std::pair<std::string, std::string>>& extra_headers = {});
  std::string BlobUrl(const std::string& blob) const;
  Status PutBlob(const std::string& key, ByteSource& src);
  Status PutBlockList(const std::string& key, const std::vector<std::string>& block_ids);
  Status WriteBlocks(const std::string& key, ByteSource& src, std::string first_block);

  std::string uri_;
  AzureBlobLocation location_;
  AzureBlobConfig config_;
};

// Azure's XML error body as a Status: 404 -> RESOURCE_DOES_NOT_EXIST, others INTERNAL_ERROR with
// the service's code and message.
Status AzureError(long http_status, const std::string& body, const std::string& what);

}  // namespace mlflow::artifacts
