#pragma once
// The web UI's files, compiled into the binary. The table is generated at build time from the Vite
// build of ui/ (ui/scripts/embed-assets.mjs); it is empty when the UI was not built
// (cmake -DMLFLOW_BUILD_UI=OFF, or no npm at configure time).
#include <span>
#include <string_view>

namespace mlflow::server {

struct EmbeddedAsset {
  std::string_view path;          // relative to the build root, e.g. "index.html", "assets/index-Ab12Cd34.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view data;          // the file's bytes
  std::string_view gzip;          // gzip-compressed bytes; empty when compression did not pay
  std::string_view etag;          // strong validator, quoted, from the content hash
  bool immutable;                 // content-hashed name: may be cached for a year
};

// All embedded assets, sorted by path. Empty when the UI was not built.
std::span<const EmbeddedAsset> EmbeddedUiAssets();

}  // namespace mlflow::server
