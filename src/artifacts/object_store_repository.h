#pragma once
// What every flat object store with '/'-separated keys shares (Azure Blob, Google Cloud Storage):
// a root prefix, folders as key prefixes, one-level listings with a '/' delimiter, and deletes of
// a folder as deletes of every key below it (MLflow deletes the same way). A store implements four
// primitives on whole keys; this class maps artifact paths to keys and checks them.
#include <string>
#include <vector>

#include "artifacts/artifact_repository.h"

namespace mlflow::artifacts {

class ObjectStoreRepository : public ArtifactRepository {
 public:
  Result<std::vector<FileInfo>> List(const std::string& dir) override;
  Status Write(const std::string& path, ByteSource& src) override;
  Status Read(const std::string& path, ByteSink& sink) override;
  Status Delete(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;

 protected:
  // prefix: the root's key prefix, without leading or trailing '/' ("" = the whole container).
  explicit ObjectStoreRepository(std::string prefix);

  struct Listing {
    std::vector<FileInfo> objects;      // path = full key, file_size set
    std::vector<std::string> prefixes;  // one-level listings: "key/prefix/" of each sub-folder
  };
  // Keys starting with key_prefix, every page of them. one_level: with the '/' delimiter (objects
  // directly below, sub-folders as prefixes). limit > 0: one page of at most that many.
  // A missing container lists as empty.
  virtual Status ListObjects(const std::string& key_prefix, bool one_level, size_t limit, Listing* out) = 0;
  // Creates or replaces object `key`; atomic (the object appears only when complete).
  virtual Status WriteObject(const std::string& key, ByteSource& src) = 0;
  // RESOURCE_DOES_NOT_EXIST when missing.
  virtual Status ReadObject(const std::string& key, ByteSink& sink) = 0;
  // A missing object is not an error.
  virtual Status DeleteObject(const std::string& key) = 0;

  // Validated relative path -> key below the prefix.
  Result<std::string> KeyFor(const std::string& path) const;
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

}  // namespace mlflow::artifacts
