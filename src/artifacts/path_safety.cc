#include "artifacts/path_safety.h"

#include <cctype>
#include <vector>

namespace mlflow::artifacts {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One round of %XX decoding; malformed escapes are kept literally (as Python's unquote does).
std::string DecodeOnce(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = Hex(in[i + 1]), lo = Hex(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    parts.push_back(s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return parts;
}

}  // namespace

Status InvalidPath() { return Status::InvalidParameter("Invalid path"); }

Status ValidatePathIsSafe(std::string_view raw) {
  std::string path(raw);
  for (int round = 0; round < 10; ++round) {
    std::string next = DecodeOnce(path);
    if (next == path) break;
    path = std::move(next);
  }
  // Bytes no path may hold, checked on the whole text: a file: URI's host part is dropped below but
  // stays in the path NormalizeRelativePath returns ("file://x\0y" must not pass; fuzz/path_fuzz.cc).
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return InvalidPath();  // NUL and other control bytes
  }
  if (path.find('#') != std::string::npos) return InvalidPath();
  if (path.find('\\') != std::string::npos) return InvalidPath();
  // file: URIs are checked by their path part (MLflow converts them to local paths first).
  if (path.rfind("file:", 0) == 0) {
    std::string_view rest = std::string_view(path).substr(5);
    if (rest.rfind("//", 0) == 0) {
      rest.remove_prefix(2);
      size_t slash = rest.find('/');
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    }
    path = std::string(rest);
  }
  if (!path.empty() && path[0] == '/') return InvalidPath();
  // Windows drive ("C:" / "C:/x") and URI-looking prefixes with a drive letter.
  if (path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':') return InvalidPath();
  for (std::string_view seg : Split(path, '/')) {
    if (seg == "..") return InvalidPath();
  }
  return Status();
}

Result<std::string> NormalizeRelativePath(std::string_view path) {
  MLFLOW_RETURN_IF_ERROR(ValidatePathIsSafe(path));
  std::string out;
  for (std::string_view seg : Split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (!out.empty()) out += '/';
    out.append(seg);
  }
  return out;
}

}  // namespace mlflow::artifacts
