// ArtifactService: where files are and MLflow's path rules.
#include <gtest/gtest.h>

#include <fstream>

#include "core/limits.h"
#include "service_fixture.h"

namespace mlflow::service {
namespace {

using ArtifactServiceTest = ServiceTest;

TEST_F(ArtifactServiceTest, ProxiedRunRootsResolveBelowTheDestination) {
  std::string run = NewRun();
  auto file = artifacts_->RunArtifact(run, "model/MLmodel");
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->path, "0/" + run + "/artifacts/model/MLmodel");
  EXPECT_EQ(artifacts_->RunArtifact(run, "../../etc/passwd").status().message(), "Invalid path");

  std::filesystem::create_directories(dir_ / "mlartifacts" / "0" / run / "artifacts" / "model");
  std::ofstream(dir_ / "mlartifacts" / "0" / run / "artifacts" / "model" / "MLmodel") << "flavors: {}\n";
  auto listing = artifacts_->ListRunArtifacts(run, "model");
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_EQ(listing->root_uri, "mlflow-artifacts:/0/" + run + "/artifacts");
  ASSERT_EQ(listing->files.size(), 1u);
  EXPECT_EQ(listing->files[0].path, "model/MLmodel");  // relative to the run's root
}

TEST_F(ArtifactServiceTest, UiUploadsAreLimitedTo10MB) {
  std::string run = NewRun();
  EXPECT_EQ(artifacts_->UiUploadTarget(run, "a.txt", limits::kMaxUiUploadBytes + 1).status().message(),
            "Artifact size is too large. Max size is 10MB.");
  EXPECT_EQ(artifacts_->UiUploadTarget(run, "a.txt", 0).status().message(), "Request must specify data.");
  EXPECT_TRUE(artifacts_->UiUploadTarget(run, "a.txt", limits::kMaxUiUploadBytes).ok());
}

TEST_F(ArtifactServiceTest, ProxyUploadsNameAFile) {
  EXPECT_EQ(artifacts_->ProxyUploadTarget("0/dir/").status().message(),
            "Artifact path must include a filename (cannot end with '/').");
  EXPECT_TRUE(artifacts_->ProxyUploadTarget("0/dir/file.txt").ok());
  EXPECT_EQ(artifacts_->DeleteProxy("").message(), "Invalid path");
}

}  // namespace
}  // namespace mlflow::service
