#include "models/mlmodel.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "models/py_yaml.h"

namespace mlflow::models {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound("Could not find file " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Internal("cannot write " + p.string());
  out << text;
  out.close();
  if (!out) return Status::Internal("cannot write " + p.string());
  return Status();
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// Requirement lines of a pip requirements file: comments and blanks dropped, nested -r/-c files
// expanded (relative to the file's folder).
Status ReadRequirementLines(const fs::path& file, std::vector<std::string>* reqs, std::vector<std::string>* constraints,
                            int depth) {
  if (depth > 8) return Status::InvalidParameter("requirements files nested too deeply at " + file.string());
  MLFLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t hash = line.find(" #");
    if (hash != std::string::npos) line.resize(hash);
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("-r ", 0) == 0 || line.rfind("--requirement ", 0) == 0) {
      MLFLOW_RETURN_IF_ERROR(
          ReadRequirementLines(file.parent_path() / Trim(line.substr(line.find(' '))), reqs, constraints, depth + 1));
    } else if (line.rfind("-c ", 0) == 0 || line.rfind("--constraint ", 0) == 0) {
      std::vector<std::string> ignored;
      MLFLOW_RETURN_IF_ERROR(ReadRequirementLines(file.parent_path() / Trim(line.substr(line.find(' '))), constraints,
                                                  &ignored, depth + 1));
    } else {
      reqs->push_back(line);
    }
  }
  return Status();
}

}  // namespace

Result<MLmodel> MLmodel::Load(const std::string& dir) {
  fs::path p = fs::path(dir) / "MLmodel";
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    return Status::NotFound("Could not find an \"MLmodel\" configuration file at \"" + dir + "\"");
  }
  MLFLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(p));
  return Parse(text);
}

Result<MLmodel> MLmodel::Parse(const std::string& yaml_text) {
  MLFLOW_ASSIGN_OR_RETURN(ojson doc, ParseYaml(yaml_text));
  if (!doc.is_object()) return Status::InvalidParameter("MLmodel is not a YAML mapping");
  MLmodel m;
  m.doc_ = std::move(doc);
  if (!m.doc_.contains("flavors") || !m.doc_["flavors"].is_object()) {
    return Status::InvalidParameter("MLmodel has no 'flavors' mapping");
  }
  return m;
}

MLmodel MLmodel::New(const std::string& mlflow_version) {
  MLmodel m;
  m.doc_["flavors"] = ojson::object();
  m.doc_["mlflow_version"] = mlflow_version;
  m.doc_["model_id"] = nullptr;
  m.doc_["model_uuid"] = NewModelUuid();
  m.doc_["prompts"] = nullptr;
  m.doc_["utc_time_created"] = UtcTimeCreatedNow();
  return m;
}

std::string MLmodel::ToYaml() const { return DumpYaml(doc_); }

Status MLmodel::Save(const std::string& dir) const { return WriteFile(fs::path(dir) / "MLmodel", ToYaml()); }

std::optional<std::string> MLmodel::GetString(const std::string& key) const {
  auto it = doc_.find(key);
  if (it == doc_.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> MLmodel::model_size_bytes() const {
  auto it = doc_.find("model_size_bytes");
  if (it == doc_.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::vector<std::string> MLmodel::FlavorNames() const {
  std::vector<std::string> names;
  const auto& f = doc_["flavors"];
  for (auto it = f.begin(); it != f.end(); ++it) names.push_back(it.key());
  return names;
}

const ojson* MLmodel::Flavor(const std::string& name) const {
  const auto& f = doc_["flavors"];
  auto it = f.find(name);
  return it == f.end() ? nullptr : &*it;
}

void MLmodel::AddFlavor(const std::string& name, ojson config) { doc_["flavors"][name] = std::move(config); }

bool MLmodel::HasSignature() const {
  auto it = doc_.find("signature");
  return it != doc_.end() && it->is_object();
}

Result<Signature> MLmodel::GetSignature() const {
  if (!HasSignature()) return Signature{};
  return ParseSignature(doc_["signature"]);
}

void MLmodel::SetSignature(const std::optional<std::string>& inputs_json, const std::optional<std::string>& outputs_json,
                           const std::optional<std::string>& params_json) {
  ojson sig = ojson::object();
  sig["inputs"] = inputs_json ? ojson(*inputs_json) : ojson(nullptr);
  sig["outputs"] = outputs_json ? ojson(*outputs_json) : ojson(nullptr);
  sig["params"] = params_json ? ojson(*params_json) : ojson(nullptr);
  doc_["signature"] = std::move(sig);
  doc_["is_signature_from_type_hint"] = false;
  doc_["type_hint_from_example"] = false;
}

bool MLmodel::is_signature_from_type_hint() const {
  auto it = doc_.find("is_signature_from_type_hint");
  return it != doc_.end() && it->is_boolean() && it->get<bool>();
}

const ojson* MLmodel::SavedInputExampleInfo() const {
  auto it = doc_.find("saved_input_example_info");
  return it == doc_.end() || !it->is_object() ? nullptr : &*it;
}

std::string UtcTimeCreatedNow() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  long frac = static_cast<long>(us % 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  if (frac) {
    char f[16];
    std::snprintf(f, sizeof(f), ".%06ld", frac);
    out += f;
  }
  return out;
}

std::string NewModelUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  // Version 4, variant 10xx, as uuid4().
  a = (a & ~0xF000ull) | 0x4000ull;
  b = (b & ~(0xC000000000000000ull)) | 0x8000000000000000ull;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return buf;
}

Result<int64_t> DirectorySize(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  if (ec) return Status::Internal("cannot measure " + dir + ": " + ec.message());
  return total;
}

Result<PythonEnvSpec> ReadPythonEnv(const std::string& model_dir) {
  PythonEnvSpec spec;
  fs::path dir(model_dir);
  std::error_code ec;
  fs::path env_file = dir / "python_env.yaml";
  if (fs::is_regular_file(env_file, ec)) {
    MLFLOW_ASSIGN_OR_RETURN(std::string text, ReadFile(env_file));
    MLFLOW_ASSIGN_OR_RETURN(ojson doc, ParseYaml(text));
    if (!doc.is_object()) return Status::InvalidParameter("python_env.yaml is not a mapping");
    if (doc.contains("python")) {
      spec.python = doc["python"].is_string() ? doc["python"].get<std::string>() : doc["python"].dump();
    }
    if (doc.contains("build_dependencies") && doc["build_dependencies"].is_array()) {
      for (const auto& d : doc["build_dependencies"]) {
        if (d.is_string()) spec.build_dependencies.push_back(d.get<std::string>());
      }
    }
    if (doc.contains("dependencies") && doc["dependencies"].is_array()) {
      for (const auto& d : doc["dependencies"]) {
        if (!d.is_string()) continue;
        std::string line = Trim(d.get<std::string>());
        if (line.rfind("-r ", 0) == 0) {
          MLFLOW_RETURN_IF_ERROR(
              ReadRequirementLines(dir / Trim(line.substr(3)), &spec.requirements, &spec.constraints, 0));
        } else {
          spec.requirements.push_back(line);
        }
      }
    }
    return spec;
  }
  fs::path req = dir / "requirements.txt";
  if (fs::is_regular_file(req, ec)) {
    MLFLOW_RETURN_IF_ERROR(ReadRequirementLines(req, &spec.requirements, &spec.constraints, 0));
    return spec;
  }
  return Status::NotFound("model at " + model_dir + " has neither python_env.yaml nor requirements.txt");
}

Status WritePythonEnv(const std::string& model_dir, const PythonEnvSpec& spec) {
  fs::path dir(model_dir);
  ojson env = ojson::object();
  if (!spec.python.empty()) env["python"] = spec.python;
  if (!spec.build_dependencies.empty()) env["build_dependencies"] = spec.build_dependencies;
  env["dependencies"] = ojson::array({"-r requirements.txt"});
  MLFLOW_RETURN_IF_ERROR(WriteFile(dir / "python_env.yaml", DumpYaml(env, /*sort_keys=*/false)));
  std::string req;
  for (size_t i = 0; i < spec.requirements.size(); ++i) {
    if (i) req += '\n';
    req += spec.requirements[i];
  }
  return WriteFile(dir / "requirements.txt", req);
}

}  // namespace mlflow::models
