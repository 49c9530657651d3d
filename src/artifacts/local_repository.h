#pragma once
// Artifacts in a local folder (file: URIs and plain paths). Every path is resolved below the root
// with symlinks followed, and refused ("Invalid path") when it would leave the root. Writes go to a
// hidden temporary file in the target folder and are renamed into place when complete.
#include <chrono>
#include <filesystem>
#include <string>

#include "artifacts/artifact_repository.h"

namespace mlflow::artifacts {

class LocalArtifactRepository : public ArtifactRepository {
 public:
  // root: absolute folder (need not exist yet; writes create it).
  explicit LocalArtifactRepository(std::filesystem::path root);

  std::string root_uri() const override;
  Result<std::vector<FileInfo>> List(const std::string& dir) override;
  Status Write(const std::string& path, ByteSource& src) override;
  Status Read(const std::string& path, ByteSink& sink) override;
  Status Delete(const std::string& path) override;
  Result<bool> IsDirectory(const std::string& path) override;

  const std::filesystem::path& root() const { return root_; }

  // Name prefix/infix of in-progress uploads; listings hide them.
  static bool IsTemporaryName(const std::string& name);

 private:
  // Normalised relative path -> absolute path below the root, symlinks checked.
  Result<std::filesystem::path> Resolve(const std::string& path, std::string* normalized);

  std::filesystem::path root_;
};

// Removes in-progress upload files (see IsTemporaryName) below `root` not modified for `max_age`:
// leftovers of a server that died mid-upload. Visits at most `max_entries` entries; returns the
// number of files removed.
size_t SweepStaleUploads(const std::filesystem::path& root, std::chrono::seconds max_age,
                         size_t max_entries = 10'000'000);

// file:///abs, file:/abs, file://localhost/abs or a plain path -> absolute local path.
Result<std::string> LocalPathFromUri(const std::string& uri);

}  // namespace mlflow::artifacts
