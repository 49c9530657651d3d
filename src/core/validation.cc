#include "core/validation.h"

#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/unicode.h"

namespace mlflow::validation {
namespace {

// Every code point is a Python `\w` character or one of `extra` (ASCII).
bool AllWordOr(std::string_view s, std::string_view extra) {
  size_t i = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, i, cp)) {
    if (IsPythonWordChar(cp)) continue;
    if (cp < 0x80 && extra.find(static_cast<char>(cp)) != std::string_view::npos) continue;
    return false;
  }
  return true;
}

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

std::string JsonQuote(std::string_view s) {
  // Invalid UTF-8 (possible in query strings) is shown as U+FFFD rather than thrown on.
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Whether normalising `name` as a POSIX path changes it or makes it escape (MLflow's
// path_not_unique); *norm receives the normalised form.
bool PathNotUnique(std::string_view name, std::string* norm) {
  *norm = NormPath(name);
  return *norm != name || *norm == "." || norm->rfind("..", 0) == 0 || (!norm->empty() && (*norm)[0] == '/');
}

Status BadPath(std::string_view name, std::string_view path, const std::string& norm) {
  return Invalid(JsonQuote(name), path,
                 "Names may be treated as files in certain cases, and must not resolve to other names when treated "
                 "as such. This name would resolve to " +
                     PyStrRepr(norm));
}

}  // namespace

Status ValidateKeyName(std::string_view key, std::string_view path) {
  if (!AllWordOr(key, "/.- :")) {
    return Invalid(JsonQuote(key), path,
                   "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                   "colon(:) and slashes (/).");
  }
  std::string norm;
  if (PathNotUnique(key, &norm)) return BadPath(key, path, norm);
  return Status();
}

Status ValidateModelName(std::string_view name, std::string_view missing_field) {
  // Python's str.strip() == "": empty or ASCII whitespace only.
  if (name.find_first_not_of(" \t\n\v\f\r\x1c\x1d\x1e\x1f") == std::string_view::npos) {
    return Missing(missing_field);
  }
  if (name.find_first_of("/:") != std::string_view::npos) {
    return Status::InvalidParameter("Invalid model name '" + std::string(name) +
                                    "'. Names cannot contain '/' or ':'.");
  }
  std::string norm;
  if (PathNotUnique(name, &norm)) return BadPath(name, "name", norm);
  return Status();
}

Status ValidateKey(std::string_view key, std::string_view path, std::string_view length_label) {
  if (key.empty()) return Missing(path);
  MLFLOW_RETURN_IF_ERROR(ValidateKeyName(key, path));
  if (CharLength(key) > limits::kMaxEntityKeyLength) return TooLong(length_label, limits::kMaxEntityKeyLength);
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
  // First an ASCII letter or digit, then at most 255 `\w` or '-' characters.
  bool ok = !run_id.empty() && std::isalnum(static_cast<unsigned char>(run_id[0])) &&
            CharLength(run_id) <= limits::kMaxRunIdLength && AllWordOr(run_id.substr(1), "-");
  if (!ok) return Invalid(JsonQuote(run_id), "run_id");
  return Status();
}

}  // namespace mlflow::validation
