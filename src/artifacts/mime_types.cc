#include "artifacts/mime_types.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace mlflow::artifacts {
namespace {

constexpr std::array<std::string_view, 25> kTextExtensions = {
    "txt", "log",  "err", "cfg", "conf", "cnf", "cf",  "ini", "properties", "prop", "hocon", "toml",    "yaml",
    "yml", "xml",  "json", "js", "py",   "py3", "csv", "tsv", "md",         "rst",  "MLmodel", "MLproject"};

// The common part of Python's mimetypes table (Debian 12, Python 3.11), keyed by lower-case extension.
constexpr std::pair<std::string_view, std::string_view> kMimeTable[] = {
    {"7z", "application/x-7z-compressed"},
    {"aac", "audio/aac"},
    {"avi", "video/x-msvideo"},
    {"avif", "image/avif"},
    {"bin", "application/octet-stream"},
    {"bmp", "image/bmp"},
    {"c", "text/x-csrc"},
    {"css", "text/css"},
    {"csv", "text/csv"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"eps", "application/postscript"},
    {"flac", "audio/flac"},
    {"geojson", "application/geo+json"},
    {"gif", "image/gif"},
    {"h", "text/x-chdr"},
    {"h5", "application/x-hdf5"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/vnd.microsoft.icon"},
    {"jar", "application/java-archive"},
    {"jp2", "image/jp2"},
    {"jpe", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"m4a", "audio/mp4"},
    {"md", "text/markdown"},
    {"mjs", "text/javascript"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"mpg", "video/mpeg"},
    {"ogg", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"ps", "application/postscript"},
    {"py", "text/x-python"},
    {"pyc", "application/x-python-code"},
    {"rar", "application/vnd.rar"},
    {"rtf", "application/rtf"},
    {"sh", "text/x-sh"},
    {"sql", "application/sql"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tex", "text/x-tex"},
    {"tgz", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"tsv", "text/tab-separated-values"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain"},
    {"wasm", "application/wasm"},
    {"wav", "audio/x-wav"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xml", "application/xml"},
    {"zip", "application/zip"},
};

}  // namespace

std::string GuessMimeType(std::string_view file_path) {
  size_t slash = file_path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? file_path : file_path.substr(slash + 1);
  // os.path.splitext: a leading dot does not start an extension.
  size_t dot = name.find_last_of('.');
  std::string_view ext;
  if (dot != std::string_view::npos && name.find_first_not_of('.') < dot) ext = name.substr(dot + 1);
  std::string_view key = ext.empty() ? name : ext;
  if (std::find(kTextExtensions.begin(), kTextExtensions.end(), key) != kTextExtensions.end()) return "text/plain";
  if (ext.empty()) return "application/octet-stream";
  std::string lower(ext);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // "x.tar.gz" is a gzip-encoded tar for mimetypes; other bare encodings have no type.
  if (lower == "gz" || lower == "bz2" || lower == "xz") {
    std::string_view stem = name.substr(0, dot);
    if (stem.size() > 4 && stem.substr(stem.size() - 4) == ".tar") return "application/x-tar";
    return "application/octet-stream";
  }
  for (const auto& [e, type] : kMimeTable) {
    if (e == lower) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace mlflow::artifacts
