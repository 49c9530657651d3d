#include "core/status.h"

namespace mlflow {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidParameterValue: return "INVALID_PARAMETER_VALUE";
    case ErrorCode::kBadRequest: return "BAD_REQUEST";
    case ErrorCode::kResourceAlreadyExists: return "RESOURCE_ALREADY_EXISTS";
    case ErrorCode::kResourceDoesNotExist: return "RESOURCE_DOES_NOT_EXIST";
    case ErrorCode::kEndpointNotFound: return "ENDPOINT_NOT_FOUND";
    case ErrorCode::kInvalidState: return "INVALID_STATE";
    case ErrorCode::kInternalError: return "INTERNAL_ERROR";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kNotImplemented: return "NOT_IMPLEMENTED";
    case ErrorCode::kTemporarilyUnavailable: return "TEMPORARILY_UNAVAILABLE";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kFeatureDisabled: return "FEATURE_DISABLED";
    case ErrorCode::kAborted: return "ABORTED";
  }
  return "INTERNAL_ERROR";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 200;
    case ErrorCode::kInvalidParameterValue:
    case ErrorCode::kBadRequest:
    case ErrorCode::kResourceAlreadyExists: return 400;  // MLflow: 400, not 409
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kResourceDoesNotExist:
    case ErrorCode::kEndpointNotFound: return 404;
    case ErrorCode::kAborted: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kNotImplemented: return 501;
    case ErrorCode::kTemporarilyUnavailable: return 503;
    case ErrorCode::kInvalidState:  // MLflow maps INVALID_STATE to 500
    case ErrorCode::kInternalError:
    case ErrorCode::kFeatureDisabled: return 500;
  }
  return 500;
}

}  // namespace mlflow
