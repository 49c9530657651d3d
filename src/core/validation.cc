#include "core/validation.h"

#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlflow::validation {
namespace {

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// POSIX path normalisation (posixpath.normpath) of a key.
std::string NormPath(std::string_view path) {
  if (path.empty()) return ".";
  bool absolute = path[0] == '/';
  // POSIX keeps exactly two leading slashes; MLflow rejects any leading slash anyway.
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out.append(parts[k]);
  }
  if (out.empty()) out = ".";
  return out;
}

}  // namespace

size_t CharLength(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string TruncateChars(std::string_view s, size_t max_chars) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == max_chars) return std::string(s.substr(0, i));
      ++n;
    }
  }
  return std::string(s);
}

Status Missing(std::string_view path) {
  return Status::InvalidParameter("Missing value for required parameter '" + std::string(path) + "'.");
}

Status Invalid(std::string_view json_value, std::string_view path, std::string_view reason) {
  std::string m = "Invalid value " + std::string(json_value) + " for parameter '" + std::string(path) + "' supplied";
  if (reason.empty()) {
    m += ".";
  } else {
    m += ": ";
    m.append(reason);
  }
  return Status::InvalidParameter(std::move(m));
}

Status TooLong(std::string_view what, size_t max) {
  return Status::InvalidParameter("'" + std::string(what) + "' exceeds the maximum length of " + std::to_string(max) +
                                  " characters");
}

std::string PyRepr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char q = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  return out;
}

std::string JsonQuote(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

Status ValidateKeyName(std::string_view key, std::string_view path) {
  for (unsigned char c : key) {
    if (!(IsWordByte(c) || c == '/' || c == '.' || c == '-' || c == ' ' || c == ':')) {
      return Invalid(JsonQuote(key), path,
                     "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                     "colon(:) and slashes (/).");
    }
  }
  std::string norm = NormPath(key);
  if (norm != key || norm == "." || norm.rfind("..", 0) == 0 || (!norm.empty() && norm[0] == '/')) {
    return Invalid(JsonQuote(key), path,
                   "Names may be treated as files in certain cases, and must not resolve to other names when treated "
                   "as such. This name would resolve to " +
                       PyRepr(norm));
  }
  return Status();
}

Status ValidateKey(std::string_view key, std::string_view path, std::string_view length_label) {
  if (key.empty()) return Missing(path);
  MLFLOW_RETURN_IF_ERROR(ValidateKeyName(key, path));
  if (CharLength(key) > kMaxEntityKeyLength) return TooLong(length_label, kMaxEntityKeyLength);
  return Status();
}

bool TruncateLongValues() {
  const char* v = std::getenv("MLFLOW_TRUNCATE_LONG_VALUES");
  if (!v) return true;
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return !(s == "false" || s == "0" || s == "no");
}

Status ValidateRunIdFormat(std::string_view run_id) {
  bool ok = !run_id.empty() && run_id.size() <= 256 && std::isalnum(static_cast<unsigned char>(run_id[0]));
  for (size_t i = 1; ok && i < run_id.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(run_id[i]);
    ok = IsWordByte(c) || c == '-';
  }
  if (!ok) return Invalid(JsonQuote(run_id), "run_id");
  return Status();
}

}  // namespace mlflow::validation
