#include "artifacts/mime_types.h"

#include <gtest/gtest.h>

namespace mlflow::artifacts {
namespace {

TEST(MimeTypes, TextExtensionsAndMlflowFilesArePlainText) {
  for (const char* f : {"a.txt", "dir/run.log", "x.yaml", "x.yml", "conda.yaml", "data.csv", "MLmodel", "m/MLproject",
                        "a.json", "s.py", "README.md", "x.toml"}) {
    EXPECT_EQ(GuessMimeType(f), "text/plain") << f;
  }
}

TEST(MimeTypes, PythonMimetypesMapAndFallback) {
  EXPECT_EQ(GuessMimeType("plot.png"), "image/png");
  EXPECT_EQ(GuessMimeType("plot.PNG"), "image/png");
  EXPECT_EQ(GuessMimeType("a.jpg"), "image/jpeg");
  EXPECT_EQ(GuessMimeType("a.html"), "text/html");
  EXPECT_EQ(GuessMimeType("a.svg"), "image/svg+xml");
  EXPECT_EQ(GuessMimeType("a.pdf"), "application/pdf");
  EXPECT_EQ(GuessMimeType("a.tar.gz"), "application/x-tar");
  EXPECT_EQ(GuessMimeType("model.pkl"), "application/octet-stream");
  EXPECT_EQ(GuessMimeType("model.skops"), "application/octet-stream");
  EXPECT_EQ(GuessMimeType("noext"), "application/octet-stream");
  EXPECT_EQ(GuessMimeType(".bashrc"), "application/octet-stream");
  EXPECT_EQ(GuessMimeType("A.YAML"), "application/octet-stream");  // the text list is case-sensitive
}

}  // namespace
}  // namespace mlflow::artifacts
