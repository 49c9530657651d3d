#include "store/sql/offset_token.h"

#include <nlohmann/json.hpp>

namespace mlflow::store {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

bool Base64Decode(const std::string& in, std::string* out) {
  out->clear();
  uint32_t buf = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return false;
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (c == '-') p = kAlphabet + 62;  // urlsafe variants
    if (c == '_') p = kAlphabet + 63;
    if (!p) return false;
    buf = (buf << 6) | static_cast<uint32_t>(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return pad <= 2;
}

}  // namespace

std::string EncodeOffsetToken(int64_t offset) {
  return Base64Encode(nlohmann::json{{"offset", offset}}.dump());
}

Result<int64_t> DecodeOffsetToken(const std::string& token) {
  if (token.empty()) return int64_t{0};
  std::string decoded;
  auto bad = Status::InvalidParameter("Invalid page token, could not base64-decode");
  if (!Base64Decode(token, &decoded)) return bad;
  auto j = nlohmann::json::parse(decoded, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidParameter("Invalid page token, decoded value=" + decoded);
  auto it = j.find("offset");
  if (it == j.end()) return Status::InvalidParameter("Invalid page token, parsed value=" + j.dump());
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return Status::InvalidParameter("Invalid page token, offset must be a non-negative integer");
  }
  return it->get<int64_t>();
}

}  // namespace mlflow::store
