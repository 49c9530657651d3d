#include "search/run_page_token.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "search/page_token.h"

namespace mlflow::search {
namespace {

using nlohmann::json;

std::optional<RunKeyset> ParseKeyset(const json& k) {
  if (!k.is_object()) return std::nullopt;
  auto q = k.find("q"), s = k.find("s"), v = k.find("v"), t = k.find("t"), u = k.find("u");
  if (q == k.end() || !q->is_string() || s == k.end() || !s->is_number_integer() || v == k.end() || t == k.end() ||
      u == k.end() || !u->is_string())
    return std::nullopt;
  RunKeyset out;
  out.query_digest = q->get<std::string>();
  out.segment = s->get<int>();
  if (v->is_number_integer()) {
    out.value = v->get<int64_t>();
  } else if (v->is_number_float()) {
    out.value = v->get<double>();
  } else if (v->is_string()) {
    out.value = v->get<std::string>();
  } else if (!v->is_null()) {
    return std::nullopt;
  }
  if (t->is_number_integer()) {
    out.start_time = t->get<int64_t>();
  } else if (!t->is_null()) {
    return std::nullopt;
  }
  out.run_uuid = u->get<std::string>();
  return out;
}

}  // namespace

Result<RunPageToken> DecodeRunPageToken(std::string_view token) {
  RunPageToken out;
  MLFLOW_ASSIGN_OR_RETURN(out.offset, DecodeOffsetToken(token));
  if (token.empty()) return out;
  // DecodeOffsetToken accepted it, so it is base64 of a JSON object.
  std::optional<std::string> text = Base64Decode(token);
  if (!text) return out;
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    if (auto it = j.find("keyset"); it != j.end()) out.keyset = ParseKeyset(*it);
  }
  return out;
}

std::string EncodeRunPageToken(int64_t offset, const RunKeyset& k) {
  json key = json::object();
  key["q"] = k.query_digest;
  key["s"] = k.segment;
  if (const auto* i = std::get_if<int64_t>(&k.value)) {
    key["v"] = *i;
  } else if (const auto* d = std::get_if<double>(&k.value)) {
    key["v"] = *d;  // finite: the store issues no keyset on a non-finite value
  } else if (const auto* s = std::get_if<std::string>(&k.value)) {
    key["v"] = *s;
  } else {
    key["v"] = nullptr;
  }
  key["t"] = k.start_time ? json(*k.start_time) : json(nullptr);
  key["u"] = k.run_uuid;
  std::string text;
  try {
    text = key.dump();
  } catch (const json::exception&) {
    return EncodeOffsetToken(offset);  // a value that is not UTF-8: page by offset
  }
  // "offset" first, spelt as MLflow's json.dumps spells it, so its server reads the offset.
  return Base64Encode("{\"offset\": " + std::to_string(offset) + ", \"keyset\": " + text + "}");
}

std::string QueryDigest(std::string_view canonical) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : canonical) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace mlflow::search
