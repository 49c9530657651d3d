// MLproject parsing and command construction against facts checked with MLflow 3.17.2 and PyYAML
// (docs/reference/formats.md c.2, c.3).
#include "projects/project_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace mlflow::projects {
namespace {

namespace fs = std::filesystem;

class TempProject : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlproject-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

TEST(ShellQuote, MatchesShlexQuote) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("abc-1.0/x=y:z,@%+"), "abc-1.0/x=y:z,@%+");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(ShellQuote("$HOME"), "'$HOME'");
}

TEST(YamlScalars, PythonStrOfPyYamlTypes) {
  EXPECT_EQ(PythonStrOfYamlScalar("0.1"), "0.1");
  EXPECT_EQ(PythonStrOfYamlScalar("1e-1"), "1e-1");  // YAML 1.1: no dot, a string
  EXPECT_EQ(PythonStrOfYamlScalar("1.0e+20"), "1e+20");
  EXPECT_EQ(PythonStrOfYamlScalar(".5"), "0.5");
  EXPECT_EQ(PythonStrOfYamlScalar("1."), "1.0");
  EXPECT_EQ(PythonStrOfYamlScalar("0.00001"), "1e-05");
  EXPECT_EQ(PythonStrOfYamlScalar("3.14159"), "3.14159");
  EXPECT_EQ(PythonStrOfYamlScalar("010"), "8");
  EXPECT_EQ(PythonStrOfYamlScalar("0x1F"), "31");
  EXPECT_EQ(PythonStrOfYamlScalar("1_000"), "1000");
  EXPECT_EQ(PythonStrOfYamlScalar("-7"), "-7");
  EXPECT_EQ(PythonStrOfYamlScalar("yes"), "True");
  EXPECT_EQ(PythonStrOfYamlScalar("Off"), "False");
  EXPECT_EQ(PythonStrOfYamlScalar("~"), "None");
  EXPECT_EQ(PythonStrOfYamlScalar(".inf"), "inf");
  EXPECT_EQ(PythonStrOfYamlScalar("hello"), "hello");
}

TEST(PythonFloatRepr, ShortestRoundTrip) {
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(PythonFloatRepr(1234.5), "1234.5");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(-2.5e-7), "-2.5e-07");
}

TEST(ShellSplit, PosixWords) {
  auto words = ShellSplit("python train.py --label 'a b' \"c d\" e\\ f");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"python", "train.py", "--label", "a b", "c d", "e f"}));
  EXPECT_FALSE(ShellSplit("'open").ok());
}

TEST_F(TempProject, ParsesEntryPointsAndBuildsCommands) {
  Write("MLProject",  // the name is matched case-insensitively
        "name: demo\n"
        "entry_points:\n"
        "  main:\n"
        "    parameters:\n"
        "      alpha: {type: float, default: .50}\n"
        "      name: string\n"
        "      flag: {default: yes}\n"
        "    command: \"run {alpha} {name} {flag} {{literal}}\"\n");
  auto project = LoadProject(dir_.string());
  ASSERT_TRUE(project.ok()) << project.status().message();
  EXPECT_EQ(project->name.value_or(""), "demo");
  EXPECT_EQ(project->env_type, EnvType::kPython);
  auto ep = project->GetEntryPoint("main");
  ASSERT_TRUE(ep.ok());
  ASSERT_EQ(ep->parameters.size(), 3u);
  EXPECT_EQ(ep->parameters[0].default_value.value_or(""), "0.5");
  EXPECT_EQ(ep->parameters[2].type, "string");
  EXPECT_EQ(ep->parameters[2].default_value.value_or(""), "True");

  auto missing = ep->ComputeCommand({});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "No value given for missing parameters: 'name'");

  auto command = ep->ComputeCommand({{"name", "a b"}, {"extra key", "x;y"}, {"n", "1"}});
  ASSERT_TRUE(command.ok()) << command.status().message();
  EXPECT_EQ(*command, "run 0.5 'a b' True {literal} --'extra key' 'x;y' --n 1");

  auto params = ep->ComputeParameters({{"name", "a b"}}, false);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->declared, (ParamList{{"alpha", "0.5"}, {"name", "'a b'"}, {"flag", "True"}}));
}

TEST_F(TempProject, ScriptEntryPointsAndUnknownOnes) {
  auto project = LoadProject(dir_.string());  // no MLproject at all
  ASSERT_TRUE(project.ok());
  auto py = project->GetEntryPoint("train.py");
  ASSERT_TRUE(py.ok());
  EXPECT_EQ(py->command, "python train.py");
  auto bad = project->GetEntryPoint("main");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Could not find main among entry points [] or interpret main as a runnable script. Supported script "
            "file extensions: ['.py', '.sh']");
}

TEST_F(TempProject, TypedParameters) {
  Write("MLproject",
        "entry_points:\n"
        "  main:\n"
        "    parameters:\n"
        "      data: path\n"
        "      src: uri\n"
        "    command: \"cat {data} {src}\"\n");
  Write("data.csv", "x\n");
  auto project = LoadProject(dir_.string());
  ASSERT_TRUE(project.ok());
  auto ep = project->GetEntryPoint("main");
  ASSERT_TRUE(ep.ok());
  auto not_uri = ep->ComputeCommand({{"data", (dir_ / "data.csv").string()}, {"src", "relative/thing"}});
  ASSERT_FALSE(not_uri.ok());
  EXPECT_EQ(not_uri.status().message(), "Expected URI for parameter src but got relative/thing");
  auto no_file = ep->ComputeCommand({{"data", (dir_ / "nope.csv").string()}, {"src", "s3://b/k"}});
  ASSERT_FALSE(no_file.ok());
  EXPECT_NE(no_file.status().message().find("no such file or directory was found"), std::string::npos);
  auto ok = ep->ComputeCommand({{"data", (dir_ / "data.csv").string()}, {"src", "s3://b/k"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "cat " + (dir_ / "data.csv").string() + " s3://b/k");
}

TEST_F(TempProject, EnvironmentRules) {
  Write("MLproject", "python_env: missing.yaml\n");
  auto missing = LoadProject(dir_.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("but no such file was found"), std::string::npos);

  Write("MLproject", "python_env: p.yaml\nconda_env: c.yaml\n");
  EXPECT_FALSE(LoadProject(dir_.string()).ok());

  Write("MLproject", "docker_env: {volumes: [a]}\n");
  auto no_image = LoadProject(dir_.string());
  ASSERT_FALSE(no_image.ok());
  EXPECT_NE(no_image.status().message().find("no image attribute found"), std::string::npos);

  Write("MLproject", "name: x\n");
  Write("conda.yaml", "dependencies: []\n");
  auto conda = LoadProject(dir_.string());
  ASSERT_TRUE(conda.ok());
  EXPECT_EQ(conda->env_type, EnvType::kConda);
}

}  // namespace
}  // namespace mlflow::projects
