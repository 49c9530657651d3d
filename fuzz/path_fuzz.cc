// Fuzz target: artifact path checks and normalisation (src/artifacts/path_safety.cc). Any byte
// string gives OK or "Invalid path", and a path that normalises stays inside the artifact root.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "artifacts/path_safety.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view path(reinterpret_cast<const char*>(data), size);
  mlflow::Status safe = mlflow::artifacts::ValidatePathIsSafe(path);
  auto normalized = mlflow::artifacts::NormalizeRelativePath(path);
  if (safe.ok() != normalized.ok()) abort();
  if (!normalized.ok()) return 0;
  const std::string& rel = *normalized;
  if (!rel.empty() && (rel.front() == '/' || rel.back() == '/')) abort();
  if (rel.find('\0') != std::string::npos || rel.find("//") != std::string::npos) abort();
  // Joined under a root, the path never climbs out of it.
  std::filesystem::path root("/artifact-root");
  std::string joined = (root / rel).lexically_normal().string();
  if (joined != "/artifact-root/" && joined != "/artifact-root" && joined.rfind("/artifact-root/", 0) != 0) abort();
  // Normalising twice changes nothing.
  auto again = mlflow::artifacts::NormalizeRelativePath(rel);
  if (again.ok() && *again != rel) abort();
  return 0;
}
