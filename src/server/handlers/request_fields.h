#pragma once
// Request decoding as MLflow's server does it (docs/reference/rest-api.md 1.2): GET fields from the query string,
// other methods from the JSON body; MLflow's messages for missing fields and type errors.
//
//   RequestFields f(req);
//   MLFLOW_ASSIGN_OR_RETURN(std::string run_id, f.RequiredString("run_id", "run_uuid"));
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/entities.h"
#include "core/status.h"
#include "server/http/http_types.h"

namespace mlflow::server {

class RequestFields {
 public:
  explicit RequestFields(const HttpRequest& req);

  // Absent (or JSON null) -> nullopt. Wrong JSON type -> INVALID_PARAMETER_VALUE type error.
  Result<std::optional<std::string>> String(const std::string& name) const;
  // Missing or "" -> "Missing value for required parameter 'name'. See the API docs ...".
  // alias: a deprecated field that satisfies the requirement too (run_uuid for run_id).
  Result<std::string> RequiredString(const std::string& name, const std::string& alias = "") const;
  Result<std::optional<int64_t>> Int64(const std::string& name) const;
  Result<std::optional<double>> Double(const std::string& name) const;
  Result<std::optional<bool>> Bool(const std::string& name) const;
  Result<std::vector<std::string>> StringList(const std::string& name) const;
  // A list of {key, value} objects (tags, params). An absent value is "" (the proto default);
  // require_key: an item without a key is "Missing value for required parameter 'field[i].key'".
  Result<std::vector<KeyValue>> KeyValueList(const std::string& name, bool require_key = false) const;
  // Raw JSON field of a JSON body (nullptr when absent or for query-string requests).
  const nlohmann::json* Json(const std::string& name) const;
  // The whole JSON body: an empty object for a body that is not one, null for a query-string request.
  const nlohmann::json& Body() const { return body_; }
  bool Has(const std::string& name) const;
  bool from_query() const { return from_query_; }

 private:
  bool from_query_ = false;
  nlohmann::json body_;
  std::map<std::string, std::vector<std::string>> query_;
};

// Python type name of a JSON value, as MLflow's type-error hints print it.
std::string PyTypeName(const nlohmann::json& v);
// "Invalid value V for parameter 'F' supplied: Hint: Value was of type 'T'. See the API docs ..."
Status TypeError(const std::string& field, const nlohmann::json& value);
// Missing value with the handler-level suffix.
Status MissingParameter(const std::string& field);
// A JSON number, bool (1.0 / 0.0) or numeric string as a double. Strings follow Python's float()
// ("NaN", "Infinity", "-Infinity", "inf", "1e3"), except "nan", which MLflow's decoder refuses.
std::optional<double> JsonToDouble(const nlohmann::json& v);
// A JSON integer or numeric string within int64, without a fraction (2^63 and beyond: nullopt).
std::optional<int64_t> JsonToInt64(const nlohmann::json& v);

}  // namespace mlflow::server
