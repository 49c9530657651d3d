#include "server/http/static_site.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace mlflow::server {
namespace {

namespace fs = std::filesystem;

const EmbeddedAsset kAssets[] = {
    {"assets/index-Ab12Cd34.js", "text/javascript; charset=utf-8", "console.log(1)", "GZ", "\"js1\"", true},
    {"index.html", "text/html; charset=utf-8", "<html>ui</html>", {}, "\"idx\"", false},
};

HttpRequest Get(std::string accept_encoding = "", std::string if_none_match = "") {
  HttpRequest r;
  r.method = "GET";
  if (!accept_encoding.empty()) r.headers["accept-encoding"] = accept_encoding;
  if (!if_none_match.empty()) r.headers["if-none-match"] = if_none_match;
  return r;
}

std::string HeaderOf(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(StaticSite, EmbeddedIndexIsNoCache) {
  auto site = StaticSite::FromAssets(kAssets);
  HttpResponse r = site->Serve(Get(), "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<html>ui</html>");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"idx\"");
}

TEST(StaticSite, EmbeddedHashedAssetGzipAndImmutable) {
  auto site = StaticSite::FromAssets(kAssets);
  HttpResponse gz = site->Serve(Get("br, gzip, deflate"), "assets/index-Ab12Cd34.js");
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, "GZ");
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(gz, "Cache-Control"), "public, max-age=31536000, immutable");
  HttpResponse plain = site->Serve(Get(), "assets/index-Ab12Cd34.js");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
  HttpResponse refused = site->Serve(Get("gzip;q=0"), "assets/index-Ab12Cd34.js");
  EXPECT_EQ(refused.body, "console.log(1)");
}

TEST(StaticSite, EtagGives304) {
  auto site = StaticSite::FromAssets(kAssets);
  HttpResponse r = site->Serve(Get("", "W/\"idx\", \"other\""), "index.html");
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(site->Serve(Get("", "\"stale\""), "index.html").status, 200);
}

TEST(StaticSite, UnknownAndUnsafePathsAre404) {
  auto site = StaticSite::FromAssets(kAssets);
  EXPECT_EQ(site->Serve(Get(), "nope.js").status, 404);
  EXPECT_EQ(site->Serve(Get(), "../index.html").status, 404);
  EXPECT_EQ(site->Serve(Get(), "assets/../index.html").status, 404);
  EXPECT_EQ(site->Serve(Get(), "/etc/passwd").status, 404);
  EXPECT_EQ(site->Serve(Get(), ".git/config").status, 404);
  EXPECT_EQ(site->Serve(Get(), "assets//index-Ab12Cd34.js").status, 404);
}

TEST(StaticSite, NoAssetsAnswersUiNotBuiltPage) {
  auto site = StaticSite::FromAssets({});
  HttpResponse r = site->Serve(Get(), "");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("web UI was not built"), std::string::npos);
}

class StaticDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("static_site_test_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "site" / "static" / "js");
    Write(root_ / "site" / "index.html", "<html>dir</html>");
    Write(root_ / "site" / "static" / "js" / "main.3e5c1a2b.js", "var a;");
    Write(root_ / "secret.txt", "secret");
    fs::create_symlink(root_ / "secret.txt", root_ / "site" / "link.txt");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  fs::path root_;
};

TEST_F(StaticDirTest, ServesFilesWithTypesAndCaching) {
  auto site = StaticSite::FromDirectory((root_ / "site").string());
  ASSERT_TRUE(site.ok()) << site.status().message();
  HttpResponse index = (*site)->Serve(Get(), "");
  EXPECT_EQ(index.body, "<html>dir</html>");
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
  HttpResponse js = (*site)->Serve(Get(), "static/js/main.3e5c1a2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
  std::string etag = HeaderOf(js, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ((*site)->Serve(Get("", etag), "static/js/main.3e5c1a2b.js").status, 304);
}

TEST_F(StaticDirTest, NeverLeavesTheRoot) {
  auto site = StaticSite::FromDirectory((root_ / "site").string());
  ASSERT_TRUE(site.ok());
  EXPECT_EQ((*site)->Serve(Get(), "../secret.txt").status, 404);
  EXPECT_EQ((*site)->Serve(Get(), "link.txt").status, 404);  // symlink out of the root
  EXPECT_EQ((*site)->Serve(Get(), "static").status, 404);    // a directory
  EXPECT_EQ((*site)->Serve(Get(), "static\\js").status, 404);
  EXPECT_EQ((*site)->Serve(Get(), std::string("index.html\0x", 12)).status, 404);
}

TEST_F(StaticDirTest, DirectoryWithoutIndexIsRefused) {
  EXPECT_FALSE(StaticSite::FromDirectory((root_ / "site" / "static").string()).ok());
  EXPECT_FALSE(StaticSite::FromDirectory((root_ / "missing").string()).ok());
}

TEST(StaticSite, ContentHashHeuristic) {
  EXPECT_TRUE(LooksContentHashed("assets/index-BcD3f_9x.js"));
  EXPECT_TRUE(LooksContentHashed("static/js/main.3e5c1a2b.js"));
  EXPECT_TRUE(LooksContentHashed("static/js/547.0a1b2c3d.chunk.js"));
  EXPECT_FALSE(LooksContentHashed("index.html"));
  EXPECT_FALSE(LooksContentHashed("index-template.js"));
  EXPECT_FALSE(LooksContentHashed("favicon.ico"));
}

TEST(StaticSite, RoutesDoNotShadowTheApi) {
  Router router;
  RegisterStaticSite(router, StaticSite::FromAssets(kAssets));
  EXPECT_EQ(router.Find("GET", "/").kind, Router::Match::Kind::kHandler);
  EXPECT_EQ(router.Find("GET", "/static-files/assets/index-Ab12Cd34.js").kind, Router::Match::Kind::kHandler);
  EXPECT_EQ(router.Find("GET", "/api/2.0/mlflow/runs/get").kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(router.Find("GET", "/health").kind, Router::Match::Kind::kNotFound);
}

}  // namespace
}  // namespace mlflow::server
