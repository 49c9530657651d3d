#include "server/http/static_site.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mlflow::server {
namespace {

namespace fs = std::filesystem;

// Files above this are not UI assets; refusing them keeps a stray large file in --static-dir from
// being read into memory per request.
constexpr uintmax_t kMaxDirectoryFileBytes = 64ull << 20;

constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// What `mlflow server` sends for /static-files/... (its send_from_directory max_age, four weeks).
constexpr long kMlflowStaticMaxAge = 2419200;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Extension(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

// "gzip" (or "*") listed in Accept-Encoding with a non-zero q.
bool AcceptsGzip(const HttpRequest& req) {
  std::string ae = Lower(req.Header("accept-encoding"));
  size_t pos = 0;
  while (pos < ae.size()) {
    size_t end = ae.find(',', pos);
    if (end == std::string::npos) end = ae.size();
    std::string item = ae.substr(pos, end - pos);
    pos = end + 1;
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    std::string coding = item.substr(0, item.find(';'));
    if (coding != "gzip" && coding != "*") continue;
    size_t q = item.find(";q=");
    return q == std::string::npos || std::strtod(item.c_str() + q + 3, nullptr) > 0;
  }
  return false;
}

// If-None-Match holds `etag` (or "*"); weak validators compare by their opaque part.
bool EtagMatches(const HttpRequest& req, std::string_view etag) {
  std::string inm = req.Header("if-none-match");
  if (inm.empty()) return false;
  size_t pos = 0;
  while (pos < inm.size()) {
    size_t end = inm.find(',', pos);
    if (end == std::string::npos) end = inm.size();
    std::string_view item(inm.data() + pos, end - pos);
    pos = end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

HttpResponse NotFound() {
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"
           "<p>The requested URL was not found on the server.</p>\n";
  return r;
}

HttpResponse NotModified(std::string_view etag, std::string_view cache) {
  HttpResponse r;
  r.status = 304;
  r.content_type.clear();
  r.headers = {{"ETag", std::string(etag)}, {"Cache-Control", std::string(cache)}};
  return r;
}

HttpResponse UiNotBuilt() {
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.headers = {{"Cache-Control", std::string(kNoCache)}};
  r.body =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>mlflow-cpp: web UI not built</title>"
      "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;"
      "line-height:1.5;color:#1f2328}code{background:#f0f2f4;padding:.1rem .3rem;border-radius:4px}</style>"
      "</head><body><h1>The web UI was not built into this server</h1>"
      "<p>This <code>mlflow-cpp</code> binary was built without its web UI (npm was not available when "
      "it was configured, or <code>-DMLFLOW_BUILD_UI=OFF</code>). The REST API under "
      "<code>/api/2.0/</code> works as usual.</p>"
      "<p>To get the UI: run <code>scripts/install-deps.sh</code> (installs Node.js and npm) and rebuild "
      "with <code>scripts/build.sh -DMLFLOW_BUILD_UI=ON</code>, or start the server with "
      "<code>--static-dir DIR</code> pointing at a UI build.</p></body></html>\n";
  return r;
}

std::string CacheControlFor(std::string_view relative, bool immutable) {
  if (relative == "index.html") return std::string(kNoCache);
  return std::string(immutable ? kImmutable : kNoCache);
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"wasm", "application/wasm"},
  };
  std::string ext = Lower(Extension(path));
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

bool LooksContentHashed(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t ext_dot = name.rfind('.');
  if (ext_dot == std::string_view::npos) return false;
  std::string_view stem = name.substr(0, ext_dot);
  if (stem.size() > 6 && stem.substr(stem.size() - 6) == ".chunk") stem.remove_suffix(6);
  size_t sep = stem.find_last_of(".-");
  if (sep == std::string_view::npos) return false;
  std::string_view hash = stem.substr(sep + 1);
  if (hash.size() < 8 || hash.size() > 32) return false;
  bool all_hex = true, has_digit = false, has_upper = false;
  for (char c : hash) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_') return false;
    if (!std::isdigit(u) && !(c >= 'a' && c <= 'f')) all_hex = false;
    has_digit = has_digit || std::isdigit(u);
    has_upper = has_upper || std::isupper(u);
  }
  // webpack: name.<hex>.js; Vite/Rollup: name-<base64url>.js. A word ("index-template.js") has
  // neither digits nor capitals, so it is not taken for a hash.
  return (all_hex && has_digit) || (stem[sep] == '-' && (has_digit || has_upper));
}

bool IsSafeRelativePath(std::string_view relative) {
  if (relative.empty()) return true;
  if (relative.front() == '/') return false;
  if (relative.find('\\') != std::string_view::npos || relative.find('\0') != std::string_view::npos) return false;
  size_t pos = 0;
  while (pos <= relative.size()) {
    size_t end = relative.find('/', pos);
    if (end == std::string_view::npos) end = relative.size();
    std::string_view seg = relative.substr(pos, end - pos);
    // Also no hidden names (".git", ".env"): a UI build has none, a directory served by mistake might.
    if (seg.empty() || seg.front() == '.') return false;
    for (char c : seg) {
      if (static_cast<unsigned char>(c) < 0x20) return false;
    }
    pos = end + 1;
  }
  return true;
}

std::shared_ptr<const StaticSite> StaticSite::Embedded() { return FromAssets(EmbeddedUiAssets()); }

std::shared_ptr<const StaticSite> StaticSite::FromAssets(std::span<const EmbeddedAsset> assets) {
  std::shared_ptr<StaticSite> site(new StaticSite());
  site->assets_ = assets;
  return site;
}

namespace {

// An HTTP date (RFC 9110 IMF-fixdate) `seconds_from_now` ahead, for Expires.
std::string HttpDateFromNow(long seconds_from_now) {
  std::time_t t = std::time(nullptr) + seconds_from_now;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

Result<std::shared_ptr<const StaticSite>> StaticSite::FromDirectory(const std::string& dir, CachePolicy policy) {
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) {
    return Status::InvalidParameter("--static-dir " + dir + ": not a directory");
  }
  if (!fs::is_regular_file(root / "index.html", ec)) {
    return Status::InvalidParameter("--static-dir " + dir + ": no index.html in it");
  }
  std::shared_ptr<StaticSite> site(new StaticSite());
  site->dir_ = root.string();
  site->policy_ = policy;
  return std::shared_ptr<const StaticSite>(std::move(site));
}

HttpResponse StaticSite::Serve(const HttpRequest& req, std::string_view relative) const {
  if (!IsSafeRelativePath(relative)) return NotFound();
  if (relative.empty()) relative = "index.html";
  if (!dir_.empty()) return ServeDirectory(req, relative);
  if (assets_.empty()) return UiNotBuilt();
  return ServeEmbedded(req, relative);
}

HttpResponse StaticSite::ServeEmbedded(const HttpRequest& req, std::string_view relative) const {
  auto it = std::lower_bound(assets_.begin(), assets_.end(), relative,
                             [](const EmbeddedAsset& a, std::string_view p) { return a.path < p; });
  if (it == assets_.end() || it->path != relative) return NotFound();
  std::string cache = CacheControlFor(relative, it->immutable);
  if (EtagMatches(req, it->etag)) return NotModified(it->etag, cache);
  HttpResponse r;
  r.content_type = std::string(it->content_type);
  r.headers = {{"ETag", std::string(it->etag)}, {"Cache-Control", cache}, {"Vary", "Accept-Encoding"}};
  if (!it->gzip.empty() && AcceptsGzip(req)) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body.assign(it->gzip);
  } else {
    r.body.assign(it->data);
  }
  return r;
}

HttpResponse StaticSite::ServeDirectory(const HttpRequest& req, std::string_view relative) const {
  std::error_code ec;
  fs::path candidate = fs::path(dir_) / fs::path(std::string(relative));
  // canonical() resolves symlinks: a link pointing outside the root is refused like "..".
  fs::path real = fs::canonical(candidate, ec);
  if (ec) return NotFound();
  std::string real_str = real.string();
  if (real_str.size() <= dir_.size() || real_str.compare(0, dir_.size(), dir_) != 0 || real_str[dir_.size()] != '/') {
    return NotFound();
  }
  struct stat st {};
  if (::stat(real_str.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return NotFound();
  if (static_cast<uintmax_t>(st.st_size) > kMaxDirectoryFileBytes) return NotFound();
  char etag[64];
  std::snprintf(etag, sizeof(etag), "\"%llx-%llx\"", static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec));
  bool mlflow_static = policy_ == CachePolicy::kMlflow && relative != "index.html";
  std::string cache = mlflow_static ? "public, max-age=" + std::to_string(kMlflowStaticMaxAge)
                                    : CacheControlFor(relative, LooksContentHashed(relative));
  if (EtagMatches(req, etag)) return NotModified(etag, cache);
  std::ifstream in(real, std::ios::binary);
  if (!in) return NotFound();
  std::ostringstream buf;
  buf << in.rdbuf();
  HttpResponse r;
  r.content_type = std::string(ContentTypeForPath(relative));
  r.body = std::move(buf).str();
  r.headers = {{"ETag", etag}, {"Cache-Control", cache}};
  if (mlflow_static) r.headers.emplace_back("Expires", HttpDateFromNow(kMlflowStaticMaxAge));
  return r;
}

void RegisterStaticSite(Router& router, std::shared_ptr<const StaticSite> site) {
  router.Add("GET", "/", [site](const HttpRequest& req) { return site->Serve(req, ""); });
  router.Add("GET", "/static-files/{path...}", [site](const HttpRequest& req) {
    auto it = req.path_params.find("path");
    return site->Serve(req, it == req.path_params.end() ? std::string_view() : std::string_view(it->second));
  });
}

}  // namespace mlflow::server
