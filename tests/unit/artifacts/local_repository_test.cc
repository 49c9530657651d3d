#include "artifacts/local_repository.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "artifacts/file_streams.h"

namespace mlflow::artifacts {
namespace {
namespace fs = std::filesystem;

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data, int64_t fail_after = -1, bool declare_size = true)
      : data_(std::move(data)), fail_after_(fail_after), declare_size_(declare_size) {}
  int64_t Read(char* buf, size_t size) override {
    if (fail_after_ >= 0 && pos_ >= static_cast<size_t>(fail_after_)) return -1;
    size_t n = std::min<size_t>({size, data_.size() - pos_, 7});  // small reads exercise the loop
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return static_cast<int64_t>(n);
  }
  std::optional<uint64_t> Size() const override {
    return declare_size_ ? std::optional<uint64_t>(data_.size()) : std::nullopt;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  int64_t fail_after_;
  bool declare_size_;
};

class StringSink : public ByteSink {
 public:
  bool Begin(std::optional<uint64_t> size) override {
    begun = true;
    declared = size;
    return true;
  }
  bool Write(const char* d, size_t n) override {
    data.append(d, n);
    return true;
  }
  bool begun = false;
  std::optional<uint64_t> declared;
  std::string data;
};

class LocalRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("artifacts-unit-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "outside");
    root_ = base_ / "root";
    repo_ = std::make_unique<LocalArtifactRepository>(root_);
  }
  void TearDown() override { fs::remove_all(base_); }

  static std::string ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path base_, root_;
  std::unique_ptr<LocalArtifactRepository> repo_;
};

TEST_F(LocalRepositoryTest, WriteReadListDelete) {
  StringSource src("hello world, this is an artifact");
  ASSERT_TRUE(repo_->Write("0/run/artifacts/dir/a.txt", src).ok());
  StringSource src2("x");
  ASSERT_TRUE(repo_->Write("0/run/artifacts/b.bin", src2).ok());
  EXPECT_EQ(ReadFile(root_ / "0/run/artifacts/dir/a.txt"), "hello world, this is an artifact");

  StringSink sink;
  ASSERT_TRUE(repo_->Read("0/run/artifacts/dir/a.txt", sink).ok());
  EXPECT_EQ(sink.data, "hello world, this is an artifact");
  EXPECT_EQ(sink.declared, 32u);

  auto files = repo_->List("0/run/artifacts");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "0/run/artifacts/b.bin");
  EXPECT_FALSE((*files)[0].is_dir);
  EXPECT_EQ((*files)[0].file_size, 1);
  EXPECT_EQ((*files)[1].path, "0/run/artifacts/dir");
  EXPECT_TRUE((*files)[1].is_dir);
  EXPECT_FALSE((*files)[1].file_size.has_value());

  EXPECT_TRUE(repo_->List("missing/dir")->empty());
  EXPECT_TRUE(repo_->List("0/run/artifacts/b.bin")->empty());  // a file lists as empty
  EXPECT_TRUE(*repo_->IsDirectory("0/run"));
  EXPECT_FALSE(*repo_->IsDirectory("0/run/artifacts/b.bin"));

  ASSERT_TRUE(repo_->Delete("0/run/artifacts/dir").ok());
  EXPECT_FALSE(fs::exists(root_ / "0/run/artifacts/dir"));
  EXPECT_TRUE(repo_->Delete("0/run/artifacts/dir").ok());  // missing is fine
  EXPECT_FALSE(repo_->Delete("").ok());                     // never the root
}

TEST_F(LocalRepositoryTest, ReadMissingIsNotFound) {
  StringSink sink;
  Status st = repo_->Read("nope.txt", sink);
  EXPECT_EQ(st.code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(st.message(), "No such artifact: 'nope.txt'");
  EXPECT_FALSE(sink.begun);
  StringSource src("x");
  ASSERT_TRUE(repo_->Write("d/f", src).ok());
  EXPECT_EQ(repo_->Read("d", sink).code(), ErrorCode::kInvalidParameterValue);  // a directory
  EXPECT_EQ(repo_->Read("d", sink).message(), "Artifact path refers to a directory, not a file: 'd'");
}

TEST_F(LocalRepositoryTest, FileInTheWayOfAFolderIsAClientError) {
  StringSource a("x");
  ASSERT_TRUE(repo_->Write("a.txt", a).ok());
  StringSource b("y");
  Status st = repo_->Write("a.txt/b.txt", b);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << st.message();
}

TEST_F(LocalRepositoryTest, OverwriteReplacesContent) {
  StringSource a("first version, long");
  ASSERT_TRUE(repo_->Write("f.txt", a).ok());
  StringSource b("second");
  ASSERT_TRUE(repo_->Write("f.txt", b).ok());
  EXPECT_EQ(ReadFile(root_ / "f.txt"), "second");
}

TEST_F(LocalRepositoryTest, BrokenUploadLeavesNothingBehind) {
  StringSource old("old content");
  ASSERT_TRUE(repo_->Write("dir/f.bin", old).ok());
  StringSource broken(std::string(100000, 'z'), 5000);
  Status st = repo_->Write("dir/f.bin", broken);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(ReadFile(root_ / "dir/f.bin"), "old content");  // previous version intact
  StringSource broken_new(std::string(1000, 'z'), 10);
  EXPECT_FALSE(repo_->Write("dir/new.bin", broken_new).ok());
  EXPECT_FALSE(fs::exists(root_ / "dir/new.bin"));
  // A body shorter than its declared size is refused too.
  class Short : public StringSource {
   public:
    Short() : StringSource("abc") {}
    std::optional<uint64_t> Size() const override { return 10; }
  } short_src;
  EXPECT_FALSE(repo_->Write("dir/short.bin", short_src).ok());
  EXPECT_FALSE(fs::exists(root_ / "dir/short.bin"));
  size_t entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(root_ / "dir")) ++entries;
  EXPECT_EQ(entries, 1u);  // no temporary files left
}

TEST_F(LocalRepositoryTest, TemporaryFilesAreHiddenFromListings) {
  fs::create_directories(root_ / "d");
  std::ofstream(root_ / "d" / ".f.bin.mlflow-upload-0123456789abcdef") << "partial";
  std::ofstream(root_ / "d" / "real.txt") << "x";
  auto files = repo_->List("d");
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, "d/real.txt");
}

TEST_F(LocalRepositoryTest, SweepRemovesOnlyOldPartialUploads) {
  fs::create_directories(root_ / "a" / "b");
  fs::path old_tmp = root_ / "a" / "b" / ".m.bin.mlflow-upload-00000000000000aa";
  fs::path new_tmp = root_ / "a" / ".n.bin.mlflow-upload-00000000000000bb";
  fs::path real = root_ / "a" / "real.bin";
  for (const auto& p : {old_tmp, new_tmp, real}) std::ofstream(p) << "x";
  fs::last_write_time(old_tmp, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::last_write_time(real, fs::file_time_type::clock::now() - std::chrono::hours(2));
  EXPECT_EQ(SweepStaleUploads(root_, std::chrono::hours(1)), 1u);
  EXPECT_FALSE(fs::exists(old_tmp));
  EXPECT_TRUE(fs::exists(new_tmp));  // may still be in progress
  EXPECT_TRUE(fs::exists(real));
}

TEST_F(LocalRepositoryTest, RefusesUnsafePaths) {
  StringSource src("x");
  for (const char* p : {"../outside/x", "/etc/passwd", "a/../../x", "%2e%2e/outside/x", "a#b"}) {
    Status st = repo_->Write(p, src);
    EXPECT_EQ(st.code(), ErrorCode::kInvalidParameterValue) << p;
    EXPECT_EQ(st.message(), "Invalid path") << p;
  }
  EXPECT_TRUE(fs::is_empty(base_ / "outside"));
}

TEST_F(LocalRepositoryTest, SymlinksLeavingTheRootAreRefused) {
  fs::create_directories(root_);
  std::ofstream(base_ / "outside" / "secret.txt") << "secret";
  fs::create_directory_symlink(base_ / "outside", root_ / "escape");
  fs::create_symlink(base_ / "outside" / "secret.txt", root_ / "secret-link.txt");
  std::ofstream(root_ / "inside.txt") << "ok";
  fs::create_symlink(root_ / "inside.txt", root_ / "inside-link.txt");

  StringSink sink;
  EXPECT_EQ(repo_->Read("escape/secret.txt", sink).message(), "Invalid path");
  EXPECT_EQ(repo_->Read("secret-link.txt", sink).message(), "Invalid path");
  EXPECT_FALSE(sink.begun);
  StringSource src("pwned");
  EXPECT_EQ(repo_->Write("escape/new.txt", src).message(), "Invalid path");
  EXPECT_FALSE(fs::exists(base_ / "outside" / "new.txt"));
  EXPECT_EQ(repo_->Delete("escape/secret.txt").message(), "Invalid path");
  EXPECT_TRUE(fs::exists(base_ / "outside" / "secret.txt"));
  EXPECT_EQ(repo_->List("escape").status().message(), "Invalid path");
  // Links that stay inside work; links that leave are not listed.
  ASSERT_TRUE(repo_->Read("inside-link.txt", sink).ok());
  EXPECT_EQ(sink.data, "ok");
  auto files = repo_->List("");
  ASSERT_TRUE(files.ok());
  for (const auto& f : *files) {
    EXPECT_NE(f.path, "escape");
    EXPECT_NE(f.path, "secret-link.txt");
  }
}

TEST_F(LocalRepositoryTest, LogAndDownloadDirectoryTree) {
  fs::path src = base_ / "src";
  fs::create_directories(src / "sub" / "deeper");
  std::ofstream(src / "a.txt") << "A";
  std::ofstream(src / "sub" / "b.txt") << "BB";
  std::ofstream(src / "sub" / "deeper" / "c.bin") << "CCC";
  ASSERT_TRUE(repo_->LogArtifacts(src.string(), "tree").ok());
  ASSERT_TRUE(repo_->LogArtifact((src / "a.txt").string(), "single").ok());
  auto all = repo_->ListRecursive("tree");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);

  fs::path dst = base_ / "dst";
  auto out = repo_->DownloadArtifacts("tree", dst.string());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, (dst / "tree").string());
  EXPECT_EQ(ReadFile(dst / "tree" / "sub" / "deeper" / "c.bin"), "CCC");
  auto one = repo_->DownloadArtifacts("single/a.txt", dst.string());
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(ReadFile(*one), "A");
}

TEST(LocalPathFromUri, Forms) {
  EXPECT_EQ(*LocalPathFromUri("file:///tmp/x"), "/tmp/x");
  EXPECT_EQ(*LocalPathFromUri("file:/tmp/x"), "/tmp/x");
  EXPECT_EQ(*LocalPathFromUri("file://localhost/tmp/a%20b"), "/tmp/a b");
  EXPECT_EQ(*LocalPathFromUri("/tmp/y/"), "/tmp/y/");
  EXPECT_FALSE(LocalPathFromUri("file://remote/tmp").ok());
}

}  // namespace
}  // namespace mlflow::artifacts
