#pragma once
// Scoring input as MLflow's scoring server builds it (docs/reference/formats.md b.3), in C++: the JSON body is
// decoded (json.loads), split into data and params, turned into a DataFrame / numpy arrays the way
// pandas and numpy would, cast by the signature (cast_df_types_according_to_schema,
// convert_data_type) and checked against it (_enforce_schema), with MLflow's messages.
//
//   ScoringRequest req;
//   if (auto err = ParseJsonRequest(body, sig, &req)) return err->Response();
//   if (auto err = EnforceSchema(sig, &req)) return err->Response();
//   predictor.Predict(req.enforced ...);
//
// Inputs outside what this module models (nested/object columns, binary/datetime columns, tensor
// signatures other than one numeric tensor, LLM-style bodies, ...) are reported as unsupported:
// the python_function flavor then hands the raw request to MLflow itself.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/frame.h"
#include "models/py_json.h"
#include "models/schema.h"

namespace mlflow::models {

// An answer other than predictions, rendered as MLflow's scoring server renders it.
struct ScoringError {
  int http_status = 400;
  std::string error_code = "BAD_REQUEST";  // empty: a plain-text body (415, 504)
  std::string message;
  std::string error_class;  // empty: derived from error_code
  std::string stack_trace;  // optional "stack_trace" member
  // True when this module does not model the input (the caller may let MLflow handle it).
  bool unsupported = false;

  static ScoringError BadRequest(std::string m) { return {400, "BAD_REQUEST", std::move(m), "", "", false}; }
  static ScoringError InvalidParameter(std::string m) {
    return {400, "INVALID_PARAMETER_VALUE", std::move(m), "", "", false};
  }
  static ScoringError Internal(std::string m) { return {500, "INTERNAL_ERROR", std::move(m), "", "", false}; }
  static ScoringError Unsupported(std::string m) { return {400, "BAD_REQUEST", std::move(m), "", "", true}; }
  // MlflowInvalidInputException: BAD_REQUEST, "Invalid input. " + message.
  static ScoringError InvalidInput(const std::string& m) { return BadRequest("Invalid input. " + m); }

  // json.dumps({"error_code", "message", "sqlstate", "error_class"[, "stack_trace"]}) or the text.
  std::string Body() const;
  // Starlette adds the charset to text/* media types.
  std::string ContentType() const { return error_code.empty() ? "text/plain; charset=utf-8" : "application/json"; }
};

// Python-facing shape of the data after parsing (what MLflow would hand to predict()).
enum class InputKind { kFrame, kArray, kArrayDict };

struct ScoringRequest {
  std::unique_ptr<JsonDoc> doc;  // owns every string the frame points at
  std::string format;            // dataframe_split | dataframe_records | instances | inputs | csv
  JsonRef params;                // the "params" member, absent when not given
  InputKind kind = InputKind::kFrame;
  Frame frame;                                          // kFrame: after the schema cast
  NdArray array;                                        // kArray
  std::vector<std::pair<std::string, NdArray>> arrays;  // kArrayDict
  // Filled by EnforceSchema: the frame a model receives (schema columns, in schema order).
  Frame enforced;
  bool has_enforced = false;
  // str() of the data as MLflow prints it in "Failed to predict data '...'".
  std::string DataStr() const;
};

// Decodes a JSON body and builds the data (formats dataframe_split, dataframe_records, instances,
// inputs), casting columns by `schema` when given. Errors carry MLflow's messages.
std::optional<ScoringError> ParseJsonRequest(std::string body, const Schema* schema, ScoringRequest* out);
// A text/csv body (pandas.read_csv with a header row; dtypes from the schema when given).
std::optional<ScoringError> ParseCsvRequest(const std::string& body, const Schema* schema, ScoringRequest* out);
// _enforce_schema for a column signature (and one unnamed numeric tensor). On success `enforced`
// holds the model's input frame. Without a schema the parsed frame is used as it is. Unless
// keep_parsed, columns are moved out of req->frame (which is then no longer printable).
std::optional<ScoringError> EnforceSchema(const Schema* schema, ScoringRequest* req, bool keep_parsed = true);
// _enforce_params_schema: validates "params" against the signature's param specs.
std::optional<ScoringError> EnforceParams(const std::vector<ParamSpec>* specs, const ScoringRequest& req);

// The message prefix MLflow's server adds to predict-time MlflowExceptions.
std::string FailedToPredict(const ScoringRequest& req, const std::string& message);

// Python's exception repr: ValueError("could not convert string to float: 'a'")
std::string PyExceptionRepr(const std::string& type, const std::string& message);

}  // namespace mlflow::models
