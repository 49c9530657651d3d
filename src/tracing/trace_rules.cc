#include "tracing/trace_rules.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "core/limits.h"
#include "core/trace_entities.h"
#include "core/validation.h"

namespace mlflow::tracing {
namespace {

// A JSON number as Python adds it: int + int stays int, anything with a float is a float.
struct Num {
  bool is_int = true;
  int64_t i = 0;
  double d = 0;
  double AsDouble() const { return is_int ? static_cast<double>(i) : d; }
};

Result<Num> ToNum(const Json& v) {
  Num n;
  if (v.is_boolean()) {
    n.i = v.get<bool>() ? 1 : 0;
  } else if (v.is_number_integer()) {
    n.i = v.get<int64_t>();
  } else if (v.is_number_unsigned()) {
    n.is_int = false;
    n.d = static_cast<double>(v.get<uint64_t>());
  } else if (v.is_number_float()) {
    n.is_int = false;
    n.d = v.get<double>();
  } else {
    return Status::InvalidParameter("unsupported operand type for +: a token usage or cost value is not a number");
  }
  return n;
}

Num Add(const Num& a, const Num& b) {
  Num r;
  if (a.is_int && b.is_int) {
    int64_t out;
    if (!__builtin_add_overflow(a.i, b.i, &out)) {
      r.i = out;
      return r;
    }
  }
  r.is_int = false;
  r.d = a.AsDouble() + b.AsDouble();
  return r;
}

Json ToJson(const Num& n) { return n.is_int ? Json(n.i) : Json(n.d); }

Result<std::optional<Json>> Aggregate(const std::vector<AggregationNode>& nodes, const std::vector<const char*>& keys,
                                      bool float_default, const std::vector<const char*>& optional_keys) {
  std::map<std::string, std::vector<size_t>> children;
  std::map<std::string, bool> ids;
  for (const auto& n : nodes) ids[n.span_id] = true;
  std::vector<size_t> roots;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& p = nodes[i].parent_id;
    if (p && !p->empty() && ids.count(*p)) {
      children[*p].push_back(i);
    } else {
      roots.push_back(i);
    }
  }
  Num zero;
  if (float_default) {
    zero.is_int = false;
    zero.d = 0.0;
  }
  std::vector<std::pair<std::string, Num>> totals;
  for (const char* k : keys) totals.emplace_back(k, zero);
  auto slot = [&](const std::string& k) -> Num* {
    for (auto& t : totals)
      if (t.first == k) return &t.second;
    return nullptr;
  };
  bool has_data = false;
  std::vector<std::pair<size_t, bool>> stack;
  for (size_t r : roots) stack.emplace_back(r, false);
  // Each span is visited once: the parent map is a forest (ids are unique per trace), but a
  // cycle of parent ids must not loop forever, so the walk is bounded by the node count.
  size_t steps = 0;
  while (!stack.empty() && steps++ <= nodes.size()) {
    auto [idx, ancestor_has_data] = stack.back();
    stack.pop_back();
    const AggregationNode& node = nodes[idx];
    bool node_has_data = node.data.has_value();
    if (node_has_data && !ancestor_has_data) {
      for (const char* k : keys) {
        auto it = node.data->find(k);
        if (it == node.data->end()) continue;
        MLFLOW_ASSIGN_OR_RETURN(Num v, ToNum(*it));
        *slot(k) = Add(*slot(k), v);
      }
      for (const char* k : optional_keys) {
        auto it = node.data->find(k);
        if (it == node.data->end()) continue;
        MLFLOW_ASSIGN_OR_RETURN(Num v, ToNum(*it));
        Num* s = slot(k);
        if (!s) {
          totals.emplace_back(k, zero);
          s = &totals.back().second;
        }
        *s = Add(*s, v);
      }
      has_data = true;
    }
    auto ch = children.find(node.span_id);
    if (ch != children.end()) {
      for (size_t c : ch->second) stack.emplace_back(c, ancestor_has_data || node_has_data);
    }
  }
  if (!has_data) return std::optional<Json>();
  Json out = Json::object();
  for (auto& [k, v] : totals) out[k] = ToJson(v);
  return std::optional<Json>(std::move(out));
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Decimal(str).to_integral check and int(): [sign] digits [. digits] [e [sign] digits].
std::optional<int64_t> DecimalStringToInt(std::string_view raw) {
  std::string s = Trim(raw);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  std::string digits;
  int64_t frac_len = 0;
  bool any = false;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
    if (s[i] != '_') digits += s[i], any = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i++];
      ++frac_len;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 9) {
      exp = exp * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))) return std::nullopt;
    if (eneg) exp = -exp;
  }
  if (i != s.size()) return std::nullopt;
  int64_t shift = exp - frac_len;  // value = digits * 10^shift
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits = digits.substr(first);
  if (shift < 0) {
    size_t drop = static_cast<size_t>(-shift);
    if (drop >= digits.size() + 1) return std::nullopt;  // a nonzero fraction
    std::string tail = drop <= digits.size() ? digits.substr(digits.size() - drop) : digits;
    if (tail.find_first_not_of('0') != std::string::npos) return std::nullopt;
    digits = digits.substr(0, digits.size() - drop);
    if (digits.empty()) return 0;
  } else {
    if (shift > 19) return std::nullopt;
    digits.append(static_cast<size_t>(shift), '0');
  }
  if (digits.size() > 19) return std::nullopt;
  unsigned long long mag = std::strtoull(digits.c_str(), nullptr, 10);
  if (neg) {
    if (mag > 9223372036854775808ULL) return std::nullopt;
    return mag == 9223372036854775808ULL ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(mag);
  }
  if (mag > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(mag);
}

bool IsMessage(const Json& v) { return v.is_object() && v.contains("role") && v.contains("content"); }

std::optional<std::vector<Json>> MessagesIn(const Json& obj, int depth = 0) {
  if (!obj.is_object() || depth > 32) return std::nullopt;
  auto from_list = [](const Json& list) {
    std::vector<Json> out;
    for (const auto& item : list)
      if (IsMessage(item)) out.push_back(item);
    return out;
  };
  auto m = obj.find("messages");
  if (m != obj.end() && PyTruthy(*m) && m->is_array()) return from_list(*m);
  auto c = obj.find("choices");
  if (c != obj.end() && PyTruthy(*c) && c->is_array() && !c->empty() && (*c)[0].is_object()) {
    auto msg = (*c)[0].find("message");
    if (msg != (*c)[0].end() && PyTruthy(*msg) && IsMessage(*msg)) return std::vector<Json>{*msg};
  }
  auto in = obj.find("input");
  if (in != obj.end() && PyTruthy(*in) && in->is_array()) return from_list(*in);
  auto out = obj.find("output");
  if (out != obj.end() && PyTruthy(*out) && out->is_array()) return from_list(*out);
  auto req = obj.find("request");
  if (req != obj.end()) return MessagesIn(*req, depth + 1);
  return std::nullopt;
}

// _get_text_content_from_message; nullopt stands for Python's None (a text part without "text").
std::optional<std::string> TextContent(const Json& message) {
  auto c = message.find("content");
  if (c == message.end()) return std::string();
  if (c->is_array()) {
    for (const auto& part : *c) {
      if (part.is_string()) return part.get<std::string>();
      if (part.is_object()) {
        auto t = part.find("type");
        if (t != part.end() && t->is_string() && (*t == "text" || *t == "output_text")) {
          auto text = part.find("text");
          if (text == part.end() || !text->is_string()) return std::nullopt;
          return text->get<std::string>();
        }
      }
    }
  } else if (c->is_string()) {
    return c->get<std::string>();
  }
  return std::string();
}

}  // namespace

AggregationNode MakeAggregationNode(std::string span_id, std::optional<std::string> parent_id,
                                    const std::optional<std::string>& dumped) {
  AggregationNode n{std::move(span_id), std::move(parent_id), std::nullopt};
  if (dumped) {
    std::optional<Json> v = PyJsonLoads(*dumped);
    if (v && v->is_object()) n.data = std::move(*v);
  }
  return n;
}

Result<std::optional<Json>> AggregateUsage(const std::vector<AggregationNode>& nodes) {
  return Aggregate(nodes, {"input_tokens", "output_tokens", "total_tokens"}, false,
                   {"cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation_input_tokens_above_1hr"});
}

Result<std::optional<Json>> AggregateCost(const std::vector<AggregationNode>& nodes) {
  return Aggregate(nodes, {"input_cost", "output_cost", "total_cost"}, true, {});
}

bool TraceAnalytics::has_tokens() const {
  for (const auto& t : tokens)
    if (t) return true;
  return false;
}

bool TraceAnalytics::has_costs() const {
  for (const auto& c : costs)
    if (c) return true;
  return false;
}

void AnalyticsUpdate::ApplyTo(TraceAnalytics& a) const {
  if (session_id) a.session_id = *session_id;
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i]) a.tokens[i] = *tokens[i];
  for (size_t i = 0; i < costs.size(); ++i)
    if (costs[i]) a.costs[i] = *costs[i];
}

std::optional<int64_t> TokenCount(const Json& v) {
  if (v.is_null() || v.is_boolean()) return std::nullopt;
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_unsigned()) return std::nullopt;  // above int64's range
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d) return std::nullopt;
    return DecimalStringToInt(PyFloatRepr(d));
  }
  if (v.is_string()) return DecimalStringToInt(v.get<std::string>());
  return std::nullopt;
}

std::optional<double> FiniteFloat(const Json& v) {
  if (v.is_null() || v.is_boolean()) return std::nullopt;
  double d;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    std::string s = Trim(v.get<std::string>());
    std::string clean;
    for (char c : s)
      if (c != '_') clean += c;
    if (clean.empty()) return std::nullopt;
    char* end = nullptr;
    d = std::strtod(clean.c_str(), &end);
    if (end != clean.c_str() + clean.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

Result<AnalyticsUpdate> AnalyticsFromMetadata(const std::vector<KeyValue>& metadata) {
  AnalyticsUpdate u;
  auto json_object = [](const std::string& text) {
    std::optional<Json> v = PyJsonLoads(text);
    return v && v->is_object() ? *v : Json::object();
  };
  for (const auto& kv : metadata) {
    if (kv.key == kMetaSession) {
      MLFLOW_RETURN_IF_ERROR(ValidateSessionId(kv.value));
      u.session_id = std::optional<std::string>(kv.value);
    } else if (kv.key == kMetaTokenUsage) {
      Json usage = json_object(kv.value);
      for (size_t i = 0; i < kTokenKeys.size(); ++i) {
        auto it = usage.find(kTokenKeys[i]);
        if (it != usage.end()) u.tokens[i] = TokenCount(*it);
      }
    } else if (kv.key == kMetaCost) {
      Json cost = json_object(kv.value);
      for (size_t i = 0; i < kCostKeys.size(); ++i) {
        auto it = cost.find(kCostKeys[i]);
        if (it != cost.end()) u.costs[i] = FiniteFloat(*it);
      }
    }
  }
  return u;
}

std::optional<std::string> TokenUsageJson(const TraceAnalytics& a) {
  if (!a.has_tokens()) return std::nullopt;
  Json j = Json::object();
  for (size_t i = 0; i < kTokenKeys.size(); ++i)
    if (a.tokens[i]) j[kTokenKeys[i]] = *a.tokens[i];
  return PyJsonDumps(j);
}

std::optional<std::string> CostJson(const TraceAnalytics& a) {
  if (!a.has_costs()) return std::nullopt;
  Json j = Json::object();
  for (size_t i = 0; i < kCostKeys.size(); ++i)
    if (a.costs[i]) j[kCostKeys[i]] = *a.costs[i];
  return PyJsonDumps(j);
}

bool IsPromotedMetadataKey(std::string_view key) {
  return key == kMetaSession || key == kMetaTokenUsage || key == kMetaCost;
}

std::string TruncatedPreview(const std::string& text, const char* role) {
  std::optional<std::string> content;
  if (std::optional<Json> obj = PyJsonLoads(text)) {
    if (std::optional<std::vector<Json>> messages = MessagesIn(*obj); messages && !messages->empty()) {
      const Json* pick = &messages->back();
      for (auto it = messages->rbegin(); it != messages->rend(); ++it) {
        auto r = it->find("role");
        if (r != it->end() && r->is_string() && *r == role) {
          pick = &*it;
          break;
        }
      }
      content = TextContent(*pick);
    }
  }
  std::string out = content && !content->empty() ? *content : text;
  if (validation::CharLength(out) <= limits::kMaxPreviewChars) return out;
  return validation::TruncateChars(out, limits::kMaxPreviewChars - 3) + "...";
}

Status ValidateTraceName(const std::string& name) {
  if (validation::CharLength(name) > limits::kMaxTraceTagValueChars) return validation::TooLong("Trace name", limits::kMaxTraceTagValueChars);
  return Status();
}

Status ValidateSessionId(const std::string& session_id) {
  if (validation::CharLength(session_id) > limits::kMaxTraceMetadataChars) {
    return validation::TooLong("Session ID", limits::kMaxTraceMetadataChars);
  }
  return Status();
}

std::pair<std::optional<double>, bool> AssessmentAggregate(const Json& value) {
  if (value.is_boolean()) return {value.get<bool>() ? 1.0 : 0.0, false};
  if (value.is_number()) {
    double d = value.get<double>();
    if (std::isfinite(d)) return {d, true};
    return {std::nullopt, false};
  }
  if (value.is_string()) {
    std::string s = Trim(value.get<std::string>());
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "yes") return {1.0, false};
    if (s == "no") return {0.0, false};
  }
  return {std::nullopt, false};
}

}  // namespace mlflow::tracing
