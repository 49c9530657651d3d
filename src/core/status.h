#pragma once
// Status and Result<T>: expected failures as values, carrying MLflow's error codes.
//
//   Result<Run> run = tracking.GetRun(run_id);
//   if (!run.ok()) return run.status();  // MLflow's error code and message, for the caller to answer
//   MLFLOW_ASSIGN_OR_RETURN(Experiment experiment, tracking.GetExperiment(run->info.experiment_id));

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mlflow {

// MLflow's ErrorCode names (databricks.proto) that this server emits.
enum class ErrorCode {
  kOk,
  kInvalidParameterValue,
  kBadRequest,
  kResourceAlreadyExists,
  kResourceDoesNotExist,
  kEndpointNotFound,
  kInvalidState,
  kInternalError,
  kPermissionDenied,
  kUnauthenticated,
  kNotImplemented,
  kTemporarilyUnavailable,
  kResourceExhausted,
  kFeatureDisabled,
  kAborted,
};

// MLflow 3.x classifies every error (error_class and sqlstate in the JSON answer). The class
// follows from the code, except where MLflow names a finer one for the same code.
enum class ErrorClass {
  kFromCode,
  kAttributeNotFound,  // INVALID_PARAMETER_VALUE naming an attribute that does not exist
};

// "INVALID_PARAMETER_VALUE" etc.
std::string_view ErrorCodeName(ErrorCode code);
// The one table from error code to HTTP status (docs/reference/rest-api.md 1.4).
int HttpStatusFor(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status InvalidParameter(std::string m) { return {ErrorCode::kInvalidParameterValue, std::move(m)}; }
  static Status NotFound(std::string m) { return {ErrorCode::kResourceDoesNotExist, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {ErrorCode::kResourceAlreadyExists, std::move(m)}; }
  static Status InvalidState(std::string m) { return {ErrorCode::kInvalidState, std::move(m)}; }
  static Status Internal(std::string m) { return {ErrorCode::kInternalError, std::move(m)}; }
  static Status BadRequest(std::string m) { return {ErrorCode::kBadRequest, std::move(m)}; }
  static Status Unavailable(std::string m) { return {ErrorCode::kTemporarilyUnavailable, std::move(m)}; }

  // The same error with a finer class:  return Status::InvalidParameter(m).With(ErrorClass::kAttributeNotFound);
  Status With(ErrorClass error_class) && {
    error_class_ = error_class;
    return std::move(*this);
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  ErrorClass error_class() const { return error_class_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  ErrorClass error_class_ = ErrorClass::kFromCode;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace mlflow

// Propagates a non-OK Status out of the current function.
#define MLFLOW_RETURN_IF_ERROR(expr)       \
  do {                                     \
    ::mlflow::Status _st = (expr);         \
    if (!_st.ok()) return _st;             \
  } while (0)

#define MLFLOW_CONCAT_INNER(a, b) a##b
#define MLFLOW_CONCAT(a, b) MLFLOW_CONCAT_INNER(a, b)
// MLFLOW_ASSIGN_OR_RETURN(auto x, Foo()): binds the value or returns the error.
#define MLFLOW_ASSIGN_OR_RETURN(lhs, expr) \
  MLFLOW_ASSIGN_OR_RETURN_IMPL(MLFLOW_CONCAT(_res_, __LINE__), lhs, expr)
#define MLFLOW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
