#include "artifacts/path_safety.h"

#include <gtest/gtest.h>

namespace mlflow::artifacts {
namespace {

TEST(PathSafety, AcceptsOrdinaryRelativePaths) {
  for (const char* p : {"", "a", "a/b.txt", "0/abc/artifacts/model/MLmodel", "dir/", "a..b", "..a/b", "x/.../y",
                        "with space/f.txt", "unicodé/ß.txt"}) {
    EXPECT_TRUE(ValidatePathIsSafe(p).ok()) << p;
  }
}

TEST(PathSafety, RejectsTraversalAbsoluteEncodedAndControl) {
  // docs/reference/limits.md section 9 examples plus the encodings MLflow CVEs used.
  const std::string cases[] = {"/etc/passwd",
                               "path/../to/file",
                               "..",
                               "../x",
                               "a/..",
                               "%2E%2E%2F%2E%2E%2Fpath",
                               "%2e%2e/x",
                               "%252e%252e/x",
                               "%25252e%25252e%25252fx",
                               "/etc/passwd%00.jpg",
                               "/file://etc/passwd",
                               "file:///etc/passwd",
                               "a#b",
                               "a%23b",
                               "C:/Windows",
                               "C:\\Windows",
                               "//host/share",
                               "a\\..\\b",
                               std::string("a\0b", 3),
                               "a%00b",
                               "a\nb"};
  for (const auto& p : cases) {
    Status st = ValidatePathIsSafe(p);
    EXPECT_FALSE(st.ok()) << p;
    EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << p;
    EXPECT_EQ(st.message(), "Invalid path") << p;
  }
}

TEST(PathSafety, NormalizesSegments) {
  EXPECT_EQ(*NormalizeRelativePath("a//b/./c/"), "a/b/c");
  EXPECT_EQ(*NormalizeRelativePath("./"), "");
  EXPECT_FALSE(NormalizeRelativePath("a/../b").ok());
}

}  // namespace
}  // namespace mlflow::artifacts
