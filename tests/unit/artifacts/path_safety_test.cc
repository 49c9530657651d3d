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

// Found by fuzz/path_fuzz.cc: a file: URI's host part was dropped before the byte checks, so
// "file://" followed by NUL or control bytes passed, and NormalizeRelativePath returned a path
// holding them ("file:/\xcc\x0f-\xff\0...").
TEST(PathSafety, FileUriHostWithControlBytesIsRejected) {
  const std::string fuzz_input("file://\xcc\x0f-\xff\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
  for (const std::string& p : {fuzz_input, std::string("file://a\0b", 10), std::string("file://a%00b"),
                               std::string("file://host\nx"), std::string("file://h#x"), std::string("file://h\\x")}) {
    EXPECT_FALSE(ValidatePathIsSafe(p).ok()) << p;
    EXPECT_FALSE(NormalizeRelativePath(p).ok()) << p;
  }
}

TEST(PathSafety, NormalizesSegments) {
  EXPECT_EQ(*NormalizeRelativePath("a//b/./c/"), "a/b/c");
  EXPECT_EQ(*NormalizeRelativePath("./"), "");
  EXPECT_FALSE(NormalizeRelativePath("a/../b").ok());
}

}  // namespace
}  // namespace mlflow::artifacts
