#pragma once
// MLflow's offset page tokens: base64 of the JSON {"offset": N}.
#include <cstdint>
#include <string>

#include "core/status.h"

namespace mlflow::store {

std::string EncodeOffsetToken(int64_t offset);
// Empty token = offset 0. A token that is not base64 JSON with a non-negative integer "offset" is
// INVALID_PARAMETER_VALUE.
Result<int64_t> DecodeOffsetToken(const std::string& token);

}  // namespace mlflow::store
