#pragma once
// Model signatures (docs/reference/formats.md a.4): column specs, tensor specs and param specs, read from the JSON
// strings stored in MLmodel's `signature`, with MLflow's repr() used in error messages.
//
//   MLFLOW_ASSIGN_OR_RETURN(Schema in, ParseSchema(R"([{"type": "double", "name": "x"}])"));
//   in.Repr();  // "['x': double (required)]"
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace mlflow::models {

// MLflow's DataType names plus the composite column types.
enum class MlType {
  kBoolean,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kString,
  kBinary,
  kDatetime,
  kArray,
  kObject,
  kMap,
  kAny,
  kSparkVector
};

struct TypeSpec;
struct Property {
  std::string name;
  std::shared_ptr<TypeSpec> type;
  bool required = true;
};

// A column's type: a DataType, or Array(items) / Object(properties) / Map(str -> values) / Any.
struct TypeSpec {
  MlType type = MlType::kString;
  std::shared_ptr<TypeSpec> items;   // kArray
  std::shared_ptr<TypeSpec> values;  // kMap
  std::vector<Property> properties;  // kObject
  bool is_datatype() const { return type <= MlType::kDatetime; }
  // repr(): "double", "Array(long)", "{a: long (required)}", "Map(str -> DataType.long)", "Any"
  std::string Repr() const;
  // str(): "DataType.double" for DataTypes, Repr() otherwise
  std::string Str() const;
};

// DataType name ("double") and its numpy dtype name ("float64"; string/binary/datetime: "str",
// "bytes", "datetime64[ns]").
const char* MlTypeName(MlType t);
const char* MlTypeNumpyName(MlType t);

struct ColSpec {
  std::optional<std::string> name;
  TypeSpec type;
  bool required = true;
};

struct TensorSpec {
  std::optional<std::string> name;
  std::string dtype;  // numpy dtype name: float32, float64, int64, str, object, bool, ...
  std::vector<int64_t> shape;
};

struct Schema {
  bool is_tensor = false;
  std::vector<ColSpec> cols;        // !is_tensor
  std::vector<TensorSpec> tensors;  // is_tensor
  size_t size() const { return is_tensor ? tensors.size() : cols.size(); }
  bool has_names() const;
  // repr(Schema): "['x': double (required), 'y': long (optional)]" / "[Tensor('float32', (-1, 4))]"
  std::string Repr() const;
  // True when every column is a plain DataType other than binary/datetime.
  bool all_simple_columns() const;
};

struct ParamSpec {
  std::string name;
  TypeSpec type;  // a DataType, or kObject
  nlohmann::json default_value;
  bool is_list = false;  // shape (-1,)
  // repr(ParamSpec): "'top_k': long (default: 3)" / "... (shape: (-1,))"
  std::string Repr() const;
};

struct Signature {
  std::optional<Schema> inputs;
  std::optional<Schema> outputs;
  std::optional<std::vector<ParamSpec>> params;
};

// Schema.from_json. INVALID_PARAMETER_VALUE on malformed specs.
Result<Schema> ParseSchema(const std::string& json_text);
Result<std::vector<ParamSpec>> ParseParams(const std::string& json_text);
// From MLmodel's `signature` map ({inputs, outputs, params}: JSON strings or null).
Result<Signature> ParseSignature(const nlohmann::ordered_json& signature);

}  // namespace mlflow::models
