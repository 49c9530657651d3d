#include "search/page_token.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/py_text.h"
#include "search/filter.h"

namespace mlflow::search {
namespace {

using nlohmann::json;

Status Invalid(std::string m) { return Status::InvalidParameter(std::move(m)); }

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int DecodeChar(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Python repr of a parsed JSON value (dict -> {'k': v}, true -> True, null -> None).
std::string PyValueRepr(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += PyStrRepr(it.key()) + ": " + PyValueRepr(it.value());
      }
      return out + "}";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < j.size(); ++i) {
        if (i) out += ", ";
        out += PyValueRepr(j[i]);
      }
      return out + "]";
    }
    case json::value_t::string: return PyStrRepr(j.get<std::string>());
    case json::value_t::boolean: return j.get<bool>() ? "True" : "False";
    case json::value_t::null: return "None";
    default: return j.dump();
  }
}

std::optional<json> ParseJson(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

json OrderByToJson(const std::vector<LoggedModelOrderBy>& obs) {
  if (obs.empty()) return nullptr;
  json arr = json::array();
  for (const auto& ob : obs) {
    json o = {{"field_name", ob.field_name}, {"ascending", ob.ascending}};
    if (ob.dataset_name) o["dataset_name"] = *ob.dataset_name;
    if (ob.dataset_digest) o["dataset_digest"] = *ob.dataset_digest;
    arr.push_back(std::move(o));
  }
  return arr;
}

std::string PyList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += PyStrRepr(v[i]);
  }
  return out + "]";
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t quad = 0;  // data characters seen in the current quartet
  size_t pads = 0;
  for (unsigned char c : text) {
    if (c == '=') {
      if (quad < 2) {
        if (quad == 0 && pads == 0) continue;  // Python ignores stray padding at a boundary
        return std::nullopt;
      }
      ++pads;
      if (quad + pads == 4) break;  // quartet complete: the rest is ignored, as in Python
      continue;
    }
    int d = DecodeChar(c);
    if (d < 0) continue;  // non-alphabet characters are discarded (non-strict mode)
    if (pads) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    quad = (quad + 1) % 4;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (quad != 0 && quad + pads < 4) return std::nullopt;  // "Incorrect padding"
  if (quad == 1) return std::nullopt;
  return out;
}

std::string EncodeOffsetToken(int64_t offset) {
  return Base64Encode("{\"offset\": " + std::to_string(offset) + "}");
}

Result<int64_t> DecodeOffsetToken(std::string_view token) {
  if (token.empty()) return int64_t{0};
  std::optional<std::string> decoded = Base64Decode(token);
  if (!decoded) return Invalid("Invalid page token, could not base64-decode");
  std::optional<json> parsed = ParseJson(*decoded);
  if (!parsed) return Invalid("Invalid page token, decoded value=" + PyBytesRepr(*decoded));
  const std::string parsed_msg = "Invalid page token, parsed value=" + PyValueRepr(*parsed);
  if (!parsed->is_object()) return Invalid(parsed_msg);
  auto it = parsed->find("offset");
  if (it == parsed->end()) return Invalid(parsed_msg);
  const json& off = *it;
  // Python truthiness: 0, 0.0, "", [], {}, null, false are "missing".
  bool falsy = off.is_null() || (off.is_boolean() && !off.get<bool>()) ||
               (off.is_number() && off.get<double>() == 0) || (off.is_string() && off.get<std::string>().empty()) ||
               ((off.is_array() || off.is_object()) && off.empty());
  if (falsy) return Invalid(parsed_msg);
  int64_t value = 0;
  if (off.is_number_integer()) {
    if (off.is_number_unsigned() && off.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Invalid(parsed_msg);
    value = off.get<int64_t>();
  } else if (off.is_number_float()) {
    double d = off.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 9e18) return Invalid("Invalid page token, not stringable " + off.dump());
    value = static_cast<int64_t>(d);  // int(1.5) == 1 in the reference
  } else if (off.is_boolean()) {
    value = 1;
  } else if (off.is_string()) {
    std::string s = off.get<std::string>();
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    std::string t = s.substr(b, e - b);
    size_t p = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    bool ok = t.size() > p && t.size() - p <= 18;
    for (size_t k = p; ok && k < t.size(); ++k) ok = std::isdigit(static_cast<unsigned char>(t[k]));
    if (!ok) return Invalid("Invalid page token, not stringable " + s);
    value = std::stoll(t);
  } else {
    return Invalid("Invalid page token, not stringable " + PyValueRepr(off));
  }
  // A zero or negative offset is never issued; refuse it rather than run OFFSET -N.
  if (value <= 0) return Invalid(parsed_msg);
  return value;
}

std::string EncodeLoggedModelToken(const LoggedModelPageToken& t) {
  // Key order and separators as Python's json.dumps(asdict(token)).
  std::string s = "{\"experiment_ids\": [";
  for (size_t i = 0; i < t.experiment_ids.size(); ++i) {
    if (i) s += ", ";
    s += json(t.experiment_ids[i]).dump();
  }
  s += "], \"filter_string\": ";
  s += (t.filter_string && !t.filter_string->empty()) ? json(*t.filter_string).dump() : "null";
  s += ", \"order_by\": ";
  json ob = OrderByToJson(t.order_by);
  s += ob.is_null() ? "null" : ob.dump();
  s += ", \"offset\": " + std::to_string(t.offset) + "}";
  return Base64Encode(s);
}

Result<LoggedModelPageToken> DecodeLoggedModelToken(std::string_view token) {
  const std::string prefix = "Invalid page token: " + std::string(token) + ". ";
  std::optional<std::string> decoded = Base64Decode(token);
  if (!decoded) return Invalid(prefix + "Incorrect padding");
  std::optional<json> j = ParseJson(*decoded);
  if (!j || !j->is_object()) return Invalid(prefix + "Expecting a JSON object");
  LoggedModelPageToken t;
  auto ids = j->find("experiment_ids");
  if (ids != j->end() && ids->is_array()) {
    for (const auto& e : *ids) {
      if (!e.is_string()) return Invalid(prefix + "experiment_ids must be strings");
      t.experiment_ids.push_back(e.get<std::string>());
    }
  } else if (ids != j->end() && !ids->is_null()) {
    return Invalid(prefix + "experiment_ids must be a list");
  }
  auto fs = j->find("filter_string");
  if (fs != j->end() && fs->is_string() && !fs->get<std::string>().empty()) t.filter_string = fs->get<std::string>();
  auto ob = j->find("order_by");
  if (ob != j->end() && ob->is_array()) {
    for (const auto& o : *ob) {
      if (!o.is_object() || !o.contains("field_name") || !o["field_name"].is_string())
        return Invalid(prefix + "order_by entries must be objects with field_name");
      LoggedModelOrderBy x;
      x.field_name = o["field_name"].get<std::string>();
      if (o.contains("ascending") && o["ascending"].is_boolean()) x.ascending = o["ascending"].get<bool>();
      if (o.contains("dataset_name") && o["dataset_name"].is_string()) x.dataset_name = o["dataset_name"].get<std::string>();
      if (o.contains("dataset_digest") && o["dataset_digest"].is_string())
        x.dataset_digest = o["dataset_digest"].get<std::string>();
      t.order_by.push_back(std::move(x));
    }
  }
  auto off = j->find("offset");
  if (off != j->end() && off->is_number_integer()) t.offset = off->get<int64_t>();
  else if (off != j->end() && !off->is_null()) return Invalid(prefix + "offset must be an integer");
  if (t.offset < 0) return Invalid(prefix + "offset must not be negative");
  return t;
}

Status ValidateLoggedModelToken(const LoggedModelPageToken& token, const std::vector<std::string>& experiment_ids,
                                const std::optional<std::string>& filter_string,
                                const std::vector<LoggedModelOrderBy>& order_by) {
  if (token.experiment_ids != experiment_ids) {
    return Invalid("Experiment IDs in the page token do not match the requested experiment IDs. Expected: " +
                   PyList(experiment_ids) + ". Found: " + PyList(token.experiment_ids));
  }
  std::optional<std::string> want = (filter_string && !filter_string->empty()) ? filter_string : std::nullopt;
  if (token.filter_string != want) {
    return Invalid(
        "Filter string in the page token does not match the requested filter string. Expected: " +
        (want ? *want : "None") + ". Found: " + (token.filter_string ? *token.filter_string : "None"));
  }
  if (OrderByToJson(token.order_by) != OrderByToJson(order_by)) {
    return Invalid("Order by in the page token does not match the requested order by. Expected: " +
                   PyValueRepr(OrderByToJson(order_by)) + ". Found: " + PyValueRepr(OrderByToJson(token.order_by)));
  }
  return Status();
}

}  // namespace mlflow::search
