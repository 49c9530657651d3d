#include "core/json_text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace mlflow {

void AppendPyJson(std::string& out, const nlohmann::ordered_json& v, bool sort_keys) {
  if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& x : v) {
      if (!first) out += ", ";
      first = false;
      AppendPyJson(out, x, sort_keys);
    }
    out += ']';
    return;
  }
  if (v.is_object()) {
    std::vector<std::pair<const std::string*, const nlohmann::ordered_json*>> items;
    for (auto it = v.begin(); it != v.end(); ++it) items.emplace_back(&it.key(), &it.value());
    if (sort_keys) {
      std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
    }
    out += '{';
    bool first = true;
    for (const auto& [key, value] : items) {
      if (!first) out += ", ";
      first = false;
      out += nlohmann::ordered_json(*key).dump(-1, ' ', /*ensure_ascii=*/true);
      out += ": ";
      AppendPyJson(out, *value, sort_keys);
    }
    out += '}';
    return;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // Python writes the non-finite floats as NaN / Infinity; JSON has no spelling for them.
    if (std::isnan(d)) {
      out += "NaN";
      return;
    }
    if (std::isinf(d)) {
      out += d > 0 ? "Infinity" : "-Infinity";
      return;
    }
  }
  out += v.dump(-1, ' ', /*ensure_ascii=*/true);
}

std::string PyJsonDumps(const nlohmann::ordered_json& v, bool sort_keys) {
  std::string out;
  AppendPyJson(out, v, sort_keys);
  return out;
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace mlflow
