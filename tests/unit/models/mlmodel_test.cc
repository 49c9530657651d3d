#include "models/mlmodel.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/py_yaml.h"

namespace mlflow::models {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(MLFLOW_MODELS_FIXTURES) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every MLmodel written by the real MLflow reads and writes back byte for byte.
class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, WritesWhatMlflowWrote) {
  std::string text = Fixture(GetParam() + ".MLmodel");
  ASSERT_FALSE(text.empty());
  auto m = MLmodel::Parse(text);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->ToYaml(), text);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RoundTrip,
                         ::testing::Values("sklearn_example", "xgboost_booster", "xgboost_classifier", "pyfunc_params",
                                           "pyfunc_tensor"));

TEST(MLmodel, TypedFields) {
  auto m = MLmodel::Parse(Fixture("sklearn_example.MLmodel"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->mlflow_version().value_or(""), "3.17.2");
  EXPECT_EQ(m->model_size_bytes().value_or(0), 12708);
  EXPECT_FALSE(m->model_id().has_value());  // model_id: null
  EXPECT_EQ(m->model_uuid()->size(), 32u);
  EXPECT_EQ(m->FlavorNames(), (std::vector<std::string>{"python_function", "sklearn"}));
  ASSERT_NE(m->Flavor("sklearn"), nullptr);
  EXPECT_EQ((*m->Flavor("sklearn"))["sklearn_version"], "1.9.1");
  auto sig = m->GetSignature();
  ASSERT_TRUE(sig.ok()) << sig.status().message();
  ASSERT_TRUE(sig->inputs.has_value());
  EXPECT_EQ(sig->inputs->cols.size(), 6u);
  EXPECT_EQ(*sig->inputs->cols[3].name, "petal width (cm)");
  EXPECT_EQ(sig->inputs->Repr().substr(0, 48), "['sepal length (cm)': double (required), 'sepal ");
  EXPECT_EQ(sig->outputs->Repr(), "[long (required)]");
  ASSERT_NE(m->SavedInputExampleInfo(), nullptr);
  EXPECT_EQ((*m->SavedInputExampleInfo())["pandas_orient"], "split");
}

TEST(MLmodel, ParamsAndTensorSignatures) {
  auto m = MLmodel::Parse(Fixture("pyfunc_params.MLmodel"));
  ASSERT_TRUE(m.ok());
  auto sig = m->GetSignature();
  ASSERT_TRUE(sig.ok()) << sig.status().message();
  EXPECT_EQ(sig->inputs->Repr(), "['text': string (required), 'n': long (optional), 'flag': boolean (required)]");
  ASSERT_TRUE(sig->params.has_value());
  ASSERT_EQ(sig->params->size(), 4u);
  EXPECT_EQ((*sig->params)[0].Repr(), "'temperature': double (default: 0.5)");
  EXPECT_EQ((*sig->params)[2].Repr(), "'stop': string (default: ['a', 'b']) (shape: (-1,))");
  EXPECT_EQ((*sig->params)[3].Repr(), "'name': string (default: it's ok)");
  auto t = MLmodel::Parse(Fixture("pyfunc_tensor.MLmodel"));
  ASSERT_TRUE(t.ok());
  auto tsig = t->GetSignature();
  ASSERT_TRUE(tsig.ok());
  EXPECT_TRUE(tsig->inputs->is_tensor);
  EXPECT_EQ(tsig->inputs->Repr(), "['image': Tensor('float32', (-1, 28, 28))]");
  EXPECT_EQ(tsig->outputs->Repr(), "[Tensor('float64', (-1, 10))]");
}

TEST(MLmodel, NewModelHasMlflowDefaults) {
  MLmodel m = MLmodel::New("3.17.2");
  m.AddFlavor("cpp", {{"abi_version", 1}, {"library", "lib/libmodel.so"}});
  std::string y = m.ToYaml();
  EXPECT_NE(y.find("model_id: null\n"), std::string::npos) << y;
  EXPECT_NE(y.find("prompts: null\n"), std::string::npos) << y;
  EXPECT_NE(y.find("flavors:\n  cpp:\n    abi_version: 1\n    library: lib/libmodel.so\n"), std::string::npos) << y;
  EXPECT_NE(y.find("utc_time_created: '"), std::string::npos) << y;
  auto again = MLmodel::Parse(y);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToYaml(), y);
}

TEST(MLmodel, MalformedAndMissing) {
  EXPECT_FALSE(MLmodel::Parse("flavors: [").ok());
  EXPECT_FALSE(MLmodel::Parse("just text").ok());
  // Bytes that are not UTF-8 (found by fuzz/mlmodel_fuzz.cc: parsed, then written back unreadable).
  auto bytes = MLmodel::Parse("flavors: {}\nblock: |\n  i\x94x\n");
  EXPECT_EQ(bytes.status().code(), ErrorCode::kInvalidParameterValue);
  // yaml-cpp's \N and \_ escapes come back as U+0085 and U+00A0 in UTF-8, and are written back
  // escaped (found by mlmodel_fuzz: they came back as lone bytes, written back unreadable).
  auto escapes = MLmodel::Parse("flavors: {}\ntext: \"a \\NULL \\_b\"\n");
  ASSERT_TRUE(escapes.ok()) << escapes.status().message();
  auto again = MLmodel::Parse(escapes->ToYaml());
  ASSERT_TRUE(again.ok()) << again.status().message() << "\n" << escapes->ToYaml();
  EXPECT_EQ(again->ToYaml(), escapes->ToYaml());
  EXPECT_NE(escapes->ToYaml().find("a \\NULL \\_b"), std::string::npos) << escapes->ToYaml();
  EXPECT_EQ(MLmodel::Load("/nonexistent-dir").status().code(), ErrorCode::kResourceDoesNotExist);
}

TEST(PythonEnv, ReadsMlflowFiles) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("pyenv-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"python_env.yaml", "requirements.txt"}) {
    std::ofstream(dir / f) << Fixture(std::string("sklearn_example.") + f);
  }
  auto spec = ReadPythonEnv(dir.string());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->python, "3.11.7");
  ASSERT_FALSE(spec->requirements.empty());
  EXPECT_EQ(spec->requirements[0].rfind("mlflow==", 0), 0u);
  EXPECT_EQ(spec->build_dependencies.size(), 3u);
  // Written back, the files are the ones MLflow wrote.
  fs::path out = dir / "out";
  fs::create_directories(out);
  ASSERT_TRUE(WritePythonEnv(out.string(), *spec).ok());
  std::ifstream a(out / "python_env.yaml"), b(out / "requirements.txt");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), Fixture("sklearn_example.python_env.yaml"));
  EXPECT_EQ(sb.str(), Fixture("sklearn_example.requirements.txt"));
  fs::remove_all(dir);
}

TEST(Yaml, PyYamlScalarTyping) {
  auto doc = ParseYaml("a: yes\nb: '1'\nc: 0x10\nd: 1.5e+3\ne: ~\nf: .inf\ng: 2024-01-01\nh: 1_000\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["a"], true);
  EXPECT_EQ((*doc)["b"], "1");
  EXPECT_EQ((*doc)["c"], 16);
  EXPECT_EQ((*doc)["d"], 1500.0);
  EXPECT_TRUE((*doc)["e"].is_null());
  EXPECT_TRUE(std::isinf((*doc)["f"].get<double>()));
  EXPECT_EQ((*doc)["g"], "2024-01-01");
  EXPECT_EQ((*doc)["h"], 1000);
}

TEST(Yaml, DumpQuotesLikePyYaml) {
  nlohmann::ordered_json v = {{"b", "true"}, {"a", ""}, {"c", "- x"}, {"d", "a: b"}, {"e", "it's"},
                              {"f", 1e17},   {"g", "x\ty"}, {"h", nlohmann::ordered_json::array({1, "2"})}};
  EXPECT_EQ(DumpYaml(v),
            "a: ''\nb: 'true'\nc: '- x'\nd: 'a: b'\ne: it's\nf: 1.0e+17\ng: \"x\\ty\"\nh:\n- 1\n- '2'\n");
}

// Keys that are empty, multi-line or longer than 122 code points are written as explicit "? key"
// entries, as PyYAML does; a long non-ASCII key written as a simple key came back unreadable
// (its escaped form passed YAML's 1024-character limit for implicit keys).
TEST(Yaml, LongEmptyAndMultilineKeysRoundTrip) {
  std::string long_key;
  for (int i = 0; i < 300; ++i) long_key += "\xC3\xA9";  // U+00E9
  nlohmann::ordered_json v = {
      {"", 1}, {"two\nlines", 2}, {long_key, 3}, {std::string(123, 'k'), 4}, {std::string(122, 'k'), 5}};
  const std::string yaml = DumpYaml(v);
  EXPECT_EQ(yaml.rfind("? ''\n: 1\n", 0), 0u) << yaml;
  EXPECT_NE(yaml.find("\n? 'two\n\n  lines'\n: 2\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\n? " + std::string(123, 'k') + "\n: 4\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\n" + std::string(122, 'k') + ": 5\n"), std::string::npos) << yaml;
  auto back = ParseYaml(yaml);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << yaml;
  EXPECT_EQ((*back)[long_key], 3);
  EXPECT_EQ((*back)[std::string(123, 'k')], 4);
  EXPECT_EQ((*back)["two\nlines"], 2);
  EXPECT_EQ(DumpYaml(*back), yaml);
}

}  // namespace
}  // namespace mlflow::models
