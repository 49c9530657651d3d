#include "models/schema.h"

#include <algorithm>

#include "models/py_json.h"

namespace mlflow::models {
namespace {

using json = nlohmann::json;

struct TypeName {
  const char* name;
  MlType type;
};
constexpr TypeName kDataTypes[] = {
    {"boolean", MlType::kBoolean}, {"integer", MlType::kInteger}, {"long", MlType::kLong},
    {"float", MlType::kFloat},     {"double", MlType::kDouble},   {"string", MlType::kString},
    {"binary", MlType::kBinary},   {"datetime", MlType::kDatetime},
};

std::optional<MlType> DataTypeByName(const std::string& s) {
  for (const auto& t : kDataTypes) {
    if (s == t.name) return t.type;
  }
  return std::nullopt;
}

Result<TypeSpec> ParseType(const json& j);

Result<std::vector<Property>> ParseProperties(const json& props) {
  std::vector<Property> out;
  if (!props.is_object()) return Status::InvalidParameter("Expected properties to be a dictionary");
  for (auto it = props.begin(); it != props.end(); ++it) {
    MLFLOW_ASSIGN_OR_RETURN(TypeSpec t, ParseType(it.value()));
    Property p;
    p.name = it.key();
    p.type = std::make_shared<TypeSpec>(std::move(t));
    p.required = it.value().value("required", true);
    out.push_back(std::move(p));
  }
  // MLflow's Object sorts its properties by name.
  std::sort(out.begin(), out.end(), [](const Property& a, const Property& b) { return a.name < b.name; });
  return out;
}

Result<TypeSpec> ParseType(const json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return Status::InvalidParameter("Missing keys in ColSpec JSON. Expected to find key `type`");
  }
  std::string t = j["type"];
  TypeSpec out;
  if (auto dt = DataTypeByName(t)) {
    out.type = *dt;
    return out;
  }
  if (t == "array") {
    if (!j.contains("items")) return Status::InvalidParameter("Missing keys in Array JSON. Expected to find key `items`");
    MLFLOW_ASSIGN_OR_RETURN(TypeSpec items, ParseType(j["items"]));
    out.type = MlType::kArray;
    out.items = std::make_shared<TypeSpec>(std::move(items));
    return out;
  }
  if (t == "object") {
    out.type = MlType::kObject;
    if (!j.contains("properties")) {
      return Status::InvalidParameter("Missing keys in Object JSON. Expected to find key `properties`");
    }
    MLFLOW_ASSIGN_OR_RETURN(out.properties, ParseProperties(j["properties"]));
    return out;
  }
  if (t == "map") {
    if (!j.contains("values")) return Status::InvalidParameter("Missing keys in Map JSON. Expected to find key `values`");
    MLFLOW_ASSIGN_OR_RETURN(TypeSpec values, ParseType(j["values"]));
    out.type = MlType::kMap;
    out.values = std::make_shared<TypeSpec>(std::move(values));
    return out;
  }
  if (t == "any") {
    out.type = MlType::kAny;
    return out;
  }
  if (t == "sparkml_vector") {
    out.type = MlType::kSparkVector;
    return out;
  }
  return Status::InvalidParameter("Unsupported type '" + t + "'");
}

std::string TupleRepr(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

// str() of a JSON default value as Python prints it inside an f-string.
std::string PyStr(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_float()) return PyFloatRepr(v.get<double>());
  if (v.is_number()) return v.dump();
  std::string out;
  if (v.is_array()) {
    out = "[";
    bool first = true;
    for (const auto& x : v) {
      if (!first) out += ", ";
      first = false;
      out += x.is_string() ? PyStrRepr(x.get<std::string>()) : PyStr(x);
    }
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out += ", ";
    first = false;
    out += PyStrRepr(it.key()) + ": " + (it.value().is_string() ? PyStrRepr(it.value().get<std::string>()) : PyStr(it.value()));
  }
  return out + "}";
}

}  // namespace

const char* MlTypeName(MlType t) {
  for (const auto& d : kDataTypes) {
    if (d.type == t) return d.name;
  }
  switch (t) {
    case MlType::kArray: return "array";
    case MlType::kObject: return "object";
    case MlType::kMap: return "map";
    case MlType::kAny: return "any";
    default: return "sparkml_vector";
  }
}

const char* MlTypeNumpyName(MlType t) {
  switch (t) {
    case MlType::kBoolean: return "bool";
    case MlType::kInteger: return "int32";
    case MlType::kLong: return "int64";
    case MlType::kFloat: return "float32";
    case MlType::kDouble: return "float64";
    case MlType::kString: return "str";
    case MlType::kBinary: return "bytes";
    case MlType::kDatetime: return "datetime64[ns]";
    default: return "object";
  }
}

std::string TypeSpec::Repr() const {
  if (is_datatype()) return MlTypeName(type);
  switch (type) {
    case MlType::kArray: return "Array(" + items->Repr() + ")";
    case MlType::kMap: return "Map(str -> " + values->Str() + ")";
    case MlType::kAny: return "Any";
    case MlType::kSparkVector: return "SparkML vector";
    case MlType::kObject: {
      std::string s = "{";
      for (size_t i = 0; i < properties.size(); ++i) {
        if (i) s += ", ";
        const auto& p = properties[i];
        s += p.name + ": " + p.type->Repr() + (p.required ? " (required)" : " (optional)");
      }
      return s + "}";
    }
    default: return "";
  }
}

std::string TypeSpec::Str() const { return is_datatype() ? std::string("DataType.") + MlTypeName(type) : Repr(); }

bool Schema::has_names() const {
  if (is_tensor) return !tensors.empty() && tensors[0].name.has_value();
  return !cols.empty() && cols[0].name.has_value();
}

bool Schema::all_simple_columns() const {
  if (is_tensor) return false;
  for (const auto& c : cols) {
    if (!c.type.is_datatype() || c.type.type == MlType::kBinary || c.type.type == MlType::kDatetime) return false;
  }
  return true;
}

std::string Schema::Repr() const {
  std::string s = "[";
  if (is_tensor) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (i) s += ", ";
      const auto& t = tensors[i];
      std::string info = "Tensor(" + PyStrRepr(t.dtype) + ", " + TupleRepr(t.shape) + ")";
      s += t.name ? PyStrRepr(*t.name) + ": " + info : info;
    }
  } else {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) s += ", ";
      const auto& c = cols[i];
      std::string body = c.type.Repr() + (c.required ? " (required)" : " (optional)");
      s += c.name ? PyStrRepr(*c.name) + ": " + body : body;
    }
  }
  return s + "]";
}

std::string ParamSpec::Repr() const {
  std::string s = PyStrRepr(name) + ": " + type.Repr() + " (default: " + PyStr(default_value) + ")";
  if (is_list) s += " (shape: (-1,))";
  return s;
}

Result<Schema> ParseSchema(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (!j.is_array()) return Status::InvalidParameter("signature schema must be a JSON list: " + json_text);
  if (j.empty()) return Status::InvalidParameter("Creating Schema with empty inputs is not allowed.");
  Schema s;
  s.is_tensor = j[0].is_object() && j[0].value("type", "") == "tensor";
  for (const auto& x : j) {
    if (!x.is_object()) return Status::InvalidParameter("malformed signature entry: " + x.dump());
    bool tensor = x.value("type", "") == "tensor";
    if (tensor != s.is_tensor) {
      return Status::InvalidParameter("Creating Schema with a combination of ColSpec and TensorSpec is not supported.");
    }
    std::optional<std::string> name;
    if (x.contains("name") && x["name"].is_string()) name = x["name"].get<std::string>();
    if (tensor) {
      const json& ts = x.contains("tensor-spec") ? x["tensor-spec"] : json();
      if (!ts.is_object() || !ts.contains("dtype") || !ts.contains("shape")) {
        return Status::InvalidParameter("Missing keys in TensorSpec JSON. Expected to find keys `dtype` and `shape`");
      }
      TensorSpec t;
      t.name = name;
      t.dtype = ts["dtype"].get<std::string>();
      for (const auto& d : ts["shape"]) t.shape.push_back(d.get<int64_t>());
      s.tensors.push_back(std::move(t));
    } else {
      ColSpec c;
      c.name = name;
      MLFLOW_ASSIGN_OR_RETURN(c.type, ParseType(x));
      c.required = x.contains("required") && x["required"].is_boolean() ? x["required"].get<bool>() : true;
      s.cols.push_back(std::move(c));
    }
  }
  return s;
}

Result<std::vector<ParamSpec>> ParseParams(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (!j.is_array()) return Status::InvalidParameter("params schema must be a JSON list: " + json_text);
  std::vector<ParamSpec> out;
  for (const auto& x : j) {
    if (!x.is_object() || !x.contains("name") || !(x.contains("type") || x.contains("dtype")) || !x.contains("default")) {
      return Status::InvalidParameter(
          "Missing keys in ParamSpec JSON. Expected to find keys `name`, `type`(or `dtype`) and `default`.");
    }
    ParamSpec p;
    p.name = x["name"].is_string() ? x["name"].get<std::string>() : x["name"].dump();
    json type_json = x;
    if (!x.contains("type")) type_json["type"] = x["dtype"];
    MLFLOW_ASSIGN_OR_RETURN(p.type, ParseType(type_json));
    p.default_value = x["default"];
    p.is_list = x.contains("shape") && x["shape"].is_array() && !x["shape"].empty();
    out.push_back(std::move(p));
  }
  return out;
}

Result<Signature> ParseSignature(const nlohmann::ordered_json& sig) {
  Signature out;
  if (!sig.is_object()) return out;
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!sig.contains(key) || !sig[key].is_string()) return std::nullopt;
    return sig[key].get<std::string>();
  };
  if (auto t = text("inputs")) {
    MLFLOW_ASSIGN_OR_RETURN(Schema s, ParseSchema(*t));
    out.inputs = std::move(s);
  }
  if (auto t = text("outputs")) {
    MLFLOW_ASSIGN_OR_RETURN(Schema s, ParseSchema(*t));
    out.outputs = std::move(s);
  }
  if (auto t = text("params")) {
    MLFLOW_ASSIGN_OR_RETURN(auto p, ParseParams(*t));
    out.params = std::move(p);
  }
  return out;
}

}  // namespace mlflow::models
