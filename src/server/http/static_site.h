#pragma once
// Serves a single-page web UI: GET / answers index.html and GET /static-files/<path> the build's
// other files, as MLflow's server does for its own UI. The files come either from the assets
// embedded in the binary (embedded_assets.h) or from a directory (--static-dir), e.g. a development
// build of ui/ or another UI build laid out the same way (index.html at the root).
//
//   MLFLOW_ASSIGN_OR_RETURN(auto site, StaticSite::FromDirectory("/srv/ui"));
//   RegisterStaticSite(router, std::move(site));
//
// Responses carry a content type from the file extension, a strong ETag (304 on If-None-Match),
// Cache-Control (index.html and unhashed names: no-cache; content-hashed names: one year,
// immutable) and, for embedded assets, Content-Encoding: gzip when the client accepts it. MLflow's
// own UI build (`--ui mlflow`, CachePolicy::kMlflow) gets the headers `mlflow server` sends for it
// instead (docs/reference/ui.md, "MLflow's UI"): index.html no-cache, every file under
// /static-files/ "public, max-age=2419200" with an Expires date. A path
// can never leave the site's root: ".." segments, hidden names (".git"), backslashes, NUL bytes and
// symlinks that point outside it answer 404.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/http/embedded_assets.h"
#include "server/http/router.h"

namespace mlflow::server {

// Which Cache-Control a directory site sends: ours (content-hashed names immutable for a year) or
// MLflow's for its own UI build (everything under /static-files/ four weeks).
enum class CachePolicy { kOurs, kMlflow };

class StaticSite {
 public:
  // The assets compiled into the binary. When there are none, every page answers a short HTML
  // page saying that the UI was not built and how to get it.
  static std::shared_ptr<const StaticSite> Embedded();
  // An explicit asset table (tests).
  static std::shared_ptr<const StaticSite> FromAssets(std::span<const EmbeddedAsset> assets);
  // Files under `dir`, read at request time. INVALID_PARAMETER_VALUE when dir/index.html is missing.
  static Result<std::shared_ptr<const StaticSite>> FromDirectory(const std::string& dir,
                                                                 CachePolicy policy = CachePolicy::kOurs);

  // Answers GET/HEAD for `relative` ("" = index.html), a percent-decoded path below the root.
  HttpResponse Serve(const HttpRequest& req, std::string_view relative) const;

  // True when this site has files to serve (false: the "UI not built" page).
  bool has_files() const { return !dir_.empty() || !assets_.empty(); }

 private:
  StaticSite() = default;
  HttpResponse ServeEmbedded(const HttpRequest& req, std::string_view relative) const;
  HttpResponse ServeDirectory(const HttpRequest& req, std::string_view relative) const;

  std::span<const EmbeddedAsset> assets_;
  std::string dir_;  // canonical absolute path, when serving a directory
  CachePolicy policy_ = CachePolicy::kOurs;
};

// The content type for a file name, from its extension ("application/octet-stream" if unknown).
std::string_view ContentTypeForPath(std::string_view path);
// Whether a file name looks content-hashed (Vite's "name-Ab12Cd34.js", webpack's "name.0a1b2c3d.js").
bool LooksContentHashed(std::string_view path);
// Whether `relative` is a safe relative path: no empty segment, none starting with '.' (".", "..",
// hidden files), no control characters, no backslash, not absolute.
bool IsSafeRelativePath(std::string_view relative);

// GET / -> index.html and GET /static-files/{path...}. Registers nothing else, so /api, /ajax-api,
// /health, /version, /get-artifact ... are never shadowed.
void RegisterStaticSite(Router& router, std::shared_ptr<const StaticSite> site);

}  // namespace mlflow::server
