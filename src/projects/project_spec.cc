#include "projects/project_spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/python_numbers.h"

namespace mlflow::projects {
namespace fs = std::filesystem;
namespace {

// PyYAML's YAML 1.1 implicit resolvers for plain scalars (docs/reference/formats.md c.2).
const std::regex& IntRe() {
  static const std::regex re(
      R"(^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$)");
  return re;
}
const std::regex& FloatRe() {
  static const std::regex re(
      R"(^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$)");
  return re;
}

std::string StripUnderscores(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  return s;
}

// Sexagesimal "1:30:15" -> 5415 (YAML 1.1).
template <typename T>
T Sexagesimal(const std::string& digits) {
  T value = 0;
  size_t start = 0;
  while (start <= digits.size()) {
    size_t colon = digits.find(':', start);
    std::string part = digits.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    value = value * 60 + static_cast<T>(std::strtod(part.c_str(), nullptr));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return value;
}

std::string IntText(const std::string& raw) {
  std::string s = StripUnderscores(raw);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  // Values beyond 64 bits keep their decimal text (Python ints have no bound).
  unsigned long long v = 0;
  if (s == "0") {
    v = 0;
  } else if (s.rfind("0b", 0) == 0) {
    v = std::strtoull(s.c_str() + 2, nullptr, 2);
  } else if (s.rfind("0x", 0) == 0) {
    v = std::strtoull(s.c_str() + 2, nullptr, 16);
  } else if (s[0] == '0') {
    v = std::strtoull(s.c_str(), nullptr, 8);
  } else if (s.find(':') != std::string::npos) {
    v = Sexagesimal<unsigned long long>(s);
  } else {
    return (negative ? "-" : "") + s;
  }
  return (negative && v != 0 ? "-" : "") + std::to_string(v);
}

std::string FloatText(const std::string& raw) {
  std::string s = StripUnderscores(raw);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  double sign = 1;
  if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) {
    sign = lower[0] == '-' ? -1 : 1;
    lower.erase(0, 1);
  }
  if (lower == ".inf") return sign < 0 ? "-inf" : "inf";
  if (lower == ".nan") return "nan";
  double v = lower.find(':') != std::string::npos ? Sexagesimal<double>(lower) : std::strtod(lower.c_str(), nullptr);
  return PythonFloatRepr(sign * v);
}

bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }

// Python's str() of a YAML value as PyYAML would have built it.
std::string PythonStr(const YAML::Node& node) {
  if (node.IsNull()) return "None";
  if (node.IsScalar()) return IsPlain(node) ? PythonStrOfYamlScalar(node.Scalar()) : node.Scalar();
  // Lists and maps as defaults are unusual; their flow YAML is close to Python's repr.
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

std::string PythonStrList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out + "]";
}

// urllib.parse.urlparse(s).scheme.
std::string UrlScheme(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(s[0]))) return "";
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  std::string scheme = s.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  return scheme;
}

Result<std::string> ComputeValue(const Parameter& p, const std::string& value, bool resolve_paths) {
  if (p.type == "path" && resolve_paths) {
    std::string scheme = UrlScheme(value);
    std::string local;
    if (scheme.empty()) {
      local = value;
    } else if (scheme == "file" && value.rfind("file://", 0) != 0) {
      local = value.substr(5);
    } else if (value.rfind("file:///", 0) == 0) {
      local = value.substr(7);
    } else {
      return Status::InvalidParameter("Parameter " + p.name + " of type 'path' got the remote URI " + value +
                                      ": mlflow-cpp run accepts local paths only");
    }
    std::error_code ec;
    if (!fs::exists(local, ec)) {
      return Status::InvalidParameter("Got value " + value + " for parameter " + p.name +
                                      ", but no such file or directory was found.");
    }
    return fs::absolute(local).lexically_normal().string();
  }
  if (p.type == "uri" && UrlScheme(value).empty()) {
    return Status::InvalidParameter("Expected URI for parameter " + p.name + " but got " + value);
  }
  return value;
}

const std::string* Find(const ParamList& list, const std::string& key) {
  for (const auto& [k, v] : list) {
    if (k == key) return &v;
  }
  return nullptr;
}

// Python's str.format(**params) for plain {name} fields.
Result<std::string> FormatCommand(const std::string& command, const ParamList& params) {
  std::string out;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == '{') {
      if (i + 1 < command.size() && command[i + 1] == '{') {
        out += '{';
        ++i;
        continue;
      }
      size_t close = command.find('}', i);
      if (close == std::string::npos) return Status::InvalidParameter("Single '{' encountered in command: " + command);
      std::string field = command.substr(i + 1, close - i - 1);
      const std::string* value = Find(params, field);
      if (value == nullptr) {
        return Status::InvalidParameter("The command refers to {" + field +
                                        "}, which is not a parameter of the entry point");
      }
      out += *value;
      i = close;
    } else if (c == '}') {
      if (i + 1 < command.size() && command[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      return Status::InvalidParameter("Single '}' encountered in command: " + command);
    } else {
      out += c;
    }
  }
  return out;
}

Status InvalidProject(const std::string& why) {
  return Status::InvalidParameter("Project configuration (MLproject file) was invalid: " + why);
}

Result<EntryPoint> ParseEntryPoint(const std::string& name, const YAML::Node& node) {
  EntryPoint ep;
  ep.name = name;
  if (!node.IsMap()) return InvalidProject("entry point '" + name + "' must be a mapping");
  if (YAML::Node params = node["parameters"]; params && !params.IsNull()) {
    if (!params.IsMap()) return InvalidProject("parameters of entry point '" + name + "' must be a mapping");
    for (const auto& item : params) {
      Parameter p;
      p.name = item.first.Scalar();
      const YAML::Node& spec = item.second;
      if (spec.IsScalar()) {
        p.type = spec.Scalar();
      } else if (spec.IsMap()) {
        if (spec["type"] && spec["type"].IsScalar()) p.type = spec["type"].Scalar();
        if (spec["default"] && !spec["default"].IsNull()) p.default_value = PythonStr(spec["default"]);
      } else {
        return InvalidProject("parameter '" + p.name + "' must be a type name or a mapping");
      }
      ep.parameters.push_back(std::move(p));
    }
  }
  if (YAML::Node cmd = node["command"]; cmd && cmd.IsScalar()) ep.command = cmd.Scalar();
  if (ep.command.empty()) return InvalidProject("entry point '" + name + "' has no command");
  return ep;
}

Result<DockerEnv> ParseDockerEnv(const YAML::Node& node) {
  DockerEnv env;
  if (node.IsMap() && node["image"] && node["image"].IsScalar()) env.image = node["image"].Scalar();
  if (env.image.empty()) return InvalidProject("Docker environment specified but no image attribute found.");
  if (YAML::Node volumes = node["volumes"]; volumes && !volumes.IsNull()) {
    bool ok = volumes.IsSequence();
    if (ok) {
      for (const auto& v : volumes) {
        if (!v.IsScalar()) ok = false;
        else env.volumes.push_back(v.Scalar());
      }
    }
    if (!ok) return InvalidProject("Docker volumes must be a list of strings");
  }
  if (YAML::Node vars = node["environment"]; vars && !vars.IsNull()) {
    bool ok = vars.IsSequence();
    if (ok) {
      for (const auto& v : vars) {
        if (v.IsScalar()) {
          env.environment.push_back({v.Scalar()});
        } else if (v.IsSequence() && v.size() == 2) {
          env.environment.push_back({v[0].Scalar(), v[1].Scalar()});
        } else {
          ok = false;
        }
      }
    }
    if (!ok) {
      return InvalidProject("environment must be a list containing either strings (to copy environment variables "
                            "from host system) or lists of string pairs (to define new environment variables).");
    }
  }
  return env;
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  if (s.empty()) return "''";
  bool safe = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\"'\"'";
    else out += c;
  }
  return out + "'";
}

std::string PythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then Python's layout: fixed for exponents -4..15, else d.ddde+XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
      out = digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
  return (negative ? "-" : "") + out;
}

std::string PythonStrOfYamlScalar(const std::string& text) {
  static const std::set<std::string> kTrue = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const std::set<std::string> kFalse = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return "None";
  if (kTrue.count(text)) return "True";
  if (kFalse.count(text)) return "False";
  if (std::regex_match(text, IntRe())) return IntText(text);
  if (std::regex_match(text, FloatRe())) return FloatText(text);
  return text;
}

Result<std::vector<std::string>> ShellSplit(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      size_t close = s.find('\'', i + 1);
      if (close == std::string::npos) return Status::InvalidParameter("No closing quotation in: " + s);
      cur += s.substr(i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (c == '"') {
      ++i;
      for (; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && std::string_view("\\\"$`\n").find(s[i + 1]) != std::string_view::npos) ++i;
        cur += s[i];
      }
      if (i >= s.size()) return Status::InvalidParameter("No closing quotation in: " + s);
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) return Status::InvalidParameter("No escaped character in: " + s);
      cur += s[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

Status EntryPoint::ValidateParameters(const ParamList& user) const {
  std::string missing;
  for (const Parameter& p : parameters) {
    if (Find(user, p.name) == nullptr && !p.default_value) missing += (missing.empty() ? "'" : ", '") + p.name + "'";
  }
  if (!missing.empty()) return Status::InvalidParameter("No value given for missing parameters: " + missing);
  return Status();
}

Result<ResolvedParameters> EntryPoint::ComputeParameters(const ParamList& user, bool resolve_paths) const {
  MLFLOW_RETURN_IF_ERROR(ValidateParameters(user));
  ResolvedParameters out;
  for (const Parameter& p : parameters) {
    const std::string* given = Find(user, p.name);
    MLFLOW_ASSIGN_OR_RETURN(std::string value, ComputeValue(p, given ? *given : *p.default_value, resolve_paths));
    out.declared.emplace_back(p.name, ShellQuote(value));
  }
  for (const auto& kv : user) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& key = kv.first;
    bool declared = std::any_of(parameters.begin(), parameters.end(), [&](const Parameter& p) { return p.name == key; });
    if (!declared) out.extra.emplace_back(ShellQuote(key), ShellQuote(kv.second));
  }
  return out;
}

Result<std::string> EntryPoint::ComputeCommand(const ParamList& user) const {
  MLFLOW_ASSIGN_OR_RETURN(ResolvedParameters params, ComputeParameters(user, /*resolve_paths=*/true));
  MLFLOW_ASSIGN_OR_RETURN(std::string command, FormatCommand(this->command, params.declared));
  for (const auto& [key, value] : params.extra) command += " --" + key + " " + value;
  return command;
}

Result<EntryPoint> Project::GetEntryPoint(const std::string& name) const {
  for (const EntryPoint& ep : entry_points) {
    if (ep.name == name) return ep;
  }
  // os.path.splitext: the extension starts at the last dot of the file name, leading dots aside.
  std::string base = fs::path(name).filename().string();
  size_t first = base.find_first_not_of('.');
  size_t dot = base.rfind('.');
  std::string ext = (first != std::string::npos && dot != std::string::npos && dot > first) ? base.substr(dot) : "";
  EntryPoint ep;
  ep.name = name;
  if (ext == ".py") {
    ep.command = "python " + ShellQuote(name);
  } else if (ext == ".sh") {
    const char* shell = std::getenv("SHELL");
    ep.command = std::string(shell && *shell ? shell : "bash") + " " + ShellQuote(name);
  } else if (ext == ".R") {
    ep.command = "Rscript -e \"mlflow::mlflow_source('" + ShellQuote(name) + "')\" --args";
  } else {
    std::vector<std::string> names;
    for (const EntryPoint& e : entry_points) names.push_back(e.name);
    return Status::InvalidParameter("Could not find " + name + " among entry points " + PythonStrList(names) +
                                    " or interpret " + name +
                                    " as a runnable script. Supported script file extensions: ['.py', '.sh']");
  }
  return ep;
}

Result<Project> LoadProject(const std::string& directory) {
  std::error_code ec;
  std::string mlproject_path;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    std::string file = entry.path().filename().string();
    std::transform(file.begin(), file.end(), file.begin(), [](unsigned char c) { return std::tolower(c); });
    if (file == "mlproject") mlproject_path = entry.path().string();
  }
  if (ec) return Status::InvalidParameter("Cannot read project directory " + directory + ": " + ec.message());
  if (mlproject_path.empty()) return ParseProject(directory, std::nullopt, "");
  std::ifstream in(mlproject_path, std::ios::binary);
  if (!in) return Status::InvalidParameter("Cannot read " + mlproject_path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseProject(directory, text.str(), mlproject_path);
}

Result<Project> ParseProject(const std::string& directory, const std::optional<std::string>& mlproject_text,
                             const std::string& source) {
  Project project;
  project.directory = directory;
  std::error_code ec;
  YAML::Node root;
  if (mlproject_text) {
    try {
      root = YAML::Load(*mlproject_text);
    } catch (const YAML::Exception& e) {
      return Status::InvalidParameter("Cannot parse " + source + ": " + e.what());
    }
    if (!root.IsNull() && !root.IsMap()) return InvalidProject("the file must be a YAML mapping");
  }
  int env_fields = 0;
  for (const char* key : {"python_env", "conda_env", "docker_env"}) env_fields += root[key] ? 1 : 0;
  if (env_fields > 1) return Status::InvalidParameter("Project cannot contain multiple environment fields");
  if (root["name"] && root["name"].IsScalar()) project.name = root["name"].Scalar();
  if (YAML::Node eps = root["entry_points"]; eps && !eps.IsNull()) {
    if (!eps.IsMap()) return InvalidProject("entry_points must be a mapping");
    for (const auto& item : eps) {
      MLFLOW_ASSIGN_OR_RETURN(EntryPoint ep, ParseEntryPoint(item.first.Scalar(), item.second));
      project.entry_points.push_back(std::move(ep));
    }
  }
  auto in_dir = [&](const std::string& rel) { return (fs::path(directory) / rel).string(); };
  if (YAML::Node docker = root["docker_env"]; docker && !docker.IsNull()) {
    MLFLOW_ASSIGN_OR_RETURN(DockerEnv env, ParseDockerEnv(docker));
    project.env_type = EnvType::kDocker;
    project.docker_env = std::move(env);
    return project;
  }
  if (YAML::Node py = root["python_env"]; py && py.IsScalar() && !py.Scalar().empty()) {
    project.env_type = EnvType::kPython;
    project.env_config_path = in_dir(py.Scalar());
    if (!fs::exists(project.env_config_path, ec)) {
      return Status::InvalidParameter("Project specified python_env file " + project.env_config_path +
                                      ", but no such file was found.");
    }
    return project;
  }
  if (YAML::Node conda = root["conda_env"]; conda && conda.IsScalar() && !conda.Scalar().empty()) {
    project.env_type = EnvType::kConda;
    project.env_config_path = in_dir(conda.Scalar());
    if (!fs::exists(project.env_config_path, ec)) {
      return Status::InvalidParameter("Project specified conda environment file " + project.env_config_path +
                                      ", but no such file was found.");
    }
    return project;
  }
  if (fs::exists(in_dir("python_env.yaml"), ec)) {
    project.env_config_path = in_dir("python_env.yaml");
  } else if (fs::exists(in_dir("conda.yaml"), ec)) {
    project.env_type = EnvType::kConda;
    project.env_config_path = in_dir("conda.yaml");
  }
  return project;
}

}  // namespace mlflow::projects
