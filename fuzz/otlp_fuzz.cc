// Fuzz target: the OTLP trace decoders (src/tracing/otlp.cc), binary protobuf and JSON. Any input
// decodes or gives "Invalid OpenTelemetry format"; what decodes re-encodes to bytes that decode
// again to the same encoding (a fixed point after one round).
#include <cstdlib>
#include <string>
#include <string_view>

#include "tracing/otlp.h"

using namespace mlflow::tracing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = DecodeOtlpProtobuf(bytes);
  if (decoded.ok()) {
    std::string once = EncodeOtlpProtobuf(*decoded);
    auto again = DecodeOtlpProtobuf(once);
    if (!again.ok()) abort();
    if (EncodeOtlpProtobuf(*again) != once) abort();
  }
  auto json = DecodeOtlpJson(bytes);
  if (json.ok()) {
    std::string encoded = EncodeOtlpProtobuf(*json);
    if (!DecodeOtlpProtobuf(encoded).ok()) abort();
  }
  return 0;
}
