#include "server/handlers/request_fields.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/python_numbers.h"
#include "core/uri.h"

namespace mlflow::server {
namespace {

constexpr const char* kApiDocs = " See the API docs for more information about request parameters.";

std::optional<int64_t> ParseInt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// A double written as text, as MLflow's decoder reads it: Python's float() ("NaN", "Infinity",
// "-inf", " 1_000.5 " are numbers; "0x10" is not), except the exact text "nan", which protobuf
// refuses ("use NaN instead").
std::optional<double> ParseDouble(const std::string& s) {
  if (s == "nan") return std::nullopt;
  return ParsePythonFloat(s);
}

// JSON rendering of a value for messages, as MLflow's (json.dumps) shows it: strings quoted.
std::string Render(const nlohmann::json& v) { return v.dump(); }

}  // namespace

std::string PyTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::string: return "str";
    case nlohmann::json::value_t::boolean: return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "int";
    case nlohmann::json::value_t::number_float: return "float";
    case nlohmann::json::value_t::array: return "list";
    case nlohmann::json::value_t::object: return "dict";
    case nlohmann::json::value_t::null: return "NoneType";
    default: return "object";
  }
}

Status TypeError(const std::string& field, const nlohmann::json& value) {
  return Status::InvalidParameter("Invalid value " + Render(value) + " for parameter '" + field +
                                  "' supplied:  Hint: Value was of type '" + PyTypeName(value) + "'." + kApiDocs);
}

Status MissingParameter(const std::string& field) {
  return Status::InvalidParameter("Missing value for required parameter '" + field + "'." + kApiDocs);
}

std::optional<double> JsonToDouble(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;  // like MLflow: true logs 1.0
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return ParseDouble(v.get<std::string>());
  return std::nullopt;
}

std::optional<int64_t> JsonToInt64(const nlohmann::json& v) {
  // Unsigned first: is_number_integer() is true for unsigned numbers too, and 2^63 read as int64
  // would wrap to -2^63.
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) return ParseInt(v.get<std::string>());
  return std::nullopt;
}

RequestFields::RequestFields(const HttpRequest& req) {
  if (req.method == "GET" && !req.query.empty()) {
    from_query_ = true;
    for (auto& [key, value] : ParseQuery(req.query)) query_[key].push_back(std::move(value));
    return;
  }
  body_ = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body_.is_string()) body_ = nlohmann::json::parse(body_.get<std::string>(), nullptr, false);
  if (!body_.is_object()) body_ = nlohmann::json::object();
}

bool RequestFields::Has(const std::string& name) const {
  if (from_query_) return query_.count(name) > 0;
  auto it = body_.find(name);
  return it != body_.end() && !it->is_null();
}

const nlohmann::json* RequestFields::Json(const std::string& name) const {
  if (from_query_) return nullptr;
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::optional<std::string>> RequestFields::String(const std::string& name) const {
  if (from_query_) {
    auto it = query_.find(name);
    if (it == query_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.front());
  }
  const nlohmann::json* v = Json(name);
  if (!v) return std::optional<std::string>();
  if (v->is_string()) return std::optional<std::string>(v->get<std::string>());
  return TypeError(name, *v);
}

Result<std::string> RequestFields::RequiredString(const std::string& name, const std::string& alias) const {
  MLFLOW_ASSIGN_OR_RETURN(std::optional<std::string> v, String(name));
  if ((!v || v->empty()) && !alias.empty()) {
    MLFLOW_ASSIGN_OR_RETURN(v, String(alias));
  }
  if (!v || v->empty()) return MissingParameter(name);
  return *v;
}

Result<std::optional<int64_t>> RequestFields::Int64(const std::string& name) const {
  if (from_query_) {
    auto it = query_.find(name);
    if (it == query_.end()) return std::optional<int64_t>();
    auto v = ParseInt(it->second.front());
    if (!v) return TypeError(name, nlohmann::json(it->second.front()));
    return std::optional<int64_t>(*v);
  }
  const nlohmann::json* v = Json(name);
  if (!v) return std::optional<int64_t>();
  // MLflow 3.x's decoder drops a fractional number given for an integer field (it acts as unset).
  if (v->is_number_float() && std::floor(v->get<double>()) != v->get<double>()) return std::optional<int64_t>();
  auto i = JsonToInt64(*v);
  if (!i || v->is_boolean()) return TypeError(name, *v);
  return std::optional<int64_t>(*i);
}

Result<std::optional<double>> RequestFields::Double(const std::string& name) const {
  if (from_query_) {
    auto it = query_.find(name);
    if (it == query_.end()) return std::optional<double>();
    auto v = ParseDouble(it->second.front());
    if (!v) return TypeError(name, nlohmann::json(it->second.front()));
    return std::optional<double>(*v);
  }
  const nlohmann::json* v = Json(name);
  if (!v) return std::optional<double>();
  auto d = JsonToDouble(*v);
  if (!d) return TypeError(name, *v);
  return std::optional<double>(*d);
}

Result<std::optional<bool>> RequestFields::Bool(const std::string& name) const {
  if (from_query_) {
    auto it = query_.find(name);
    if (it == query_.end()) return std::optional<bool>();
    std::string s = it->second.front();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true") return std::optional<bool>(true);
    if (s == "false") return std::optional<bool>(false);
    return Status::InvalidParameter("Invalid boolean value: " + it->second.front() + ", must be 'true' or 'false'.");
  }
  const nlohmann::json* v = Json(name);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return TypeError(name, *v);
  return std::optional<bool>(v->get<bool>());
}

Result<std::vector<std::string>> RequestFields::StringList(const std::string& name) const {
  if (from_query_) {
    auto it = query_.find(name);
    if (it == query_.end()) return std::vector<std::string>();
    return it->second;
  }
  const nlohmann::json* v = Json(name);
  if (!v) return std::vector<std::string>();
  if (!v->is_array()) return TypeError(name, *v);
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (name == "experiment_ids" && item.is_number_integer()) {
      // MLflow 3.x accepts numeric ids here but they match no experiment: skip them likewise.
    } else {
      return TypeError(name, *v);
    }
  }
  return out;
}

Result<std::vector<KeyValue>> RequestFields::KeyValueList(const std::string& name, bool require_key) const {
  std::vector<KeyValue> out;
  const nlohmann::json* arr = Json(name);
  if (!arr) return out;
  if (!arr->is_array()) return TypeError(name, *arr);
  for (size_t i = 0; i < arr->size(); ++i) {
    const nlohmann::json& item = (*arr)[i];
    if (!item.is_object()) return TypeError(name, *arr);
    std::string path = name + "[" + std::to_string(i) + "]";
    KeyValue kv;
    for (auto [field, dst] : {std::pair{"key", &kv.key}, std::pair{"value", &kv.value}}) {
      auto it = item.find(field);
      if (it == item.end() || it->is_null()) continue;
      if (!it->is_string()) return TypeError(path + "." + field, *it);
      *dst = it->get<std::string>();
    }
    if (require_key && kv.key.empty()) {
      return Status::InvalidParameter("Missing value for required parameter '" + path + ".key'.");
    }
    out.push_back(std::move(kv));
  }
  return out;
}

}  // namespace mlflow::server
