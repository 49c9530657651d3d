#include "server/auth/auth_request.h"

#include <algorithm>
#include <cctype>

#include "core/uri.h"

namespace mlflow::server {
namespace {

std::string Base64Decode(const std::string& in, bool* ok) {
  static const std::string kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < in.size() && in[i] != '='; ++i) {
    size_t v = kChars.find(in[i]);
    if (v == std::string::npos) {
      *ok = false;
      return {};
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < in.size(); ++i) {
    if (in[i] != '=') {
      *ok = false;
      return {};
    }
  }
  *ok = true;
  return out;
}

std::string BuildQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  static const char* kHex = "0123456789ABCDEF";
  auto enc = [](const std::string& s) {
    std::string o;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        o.push_back(static_cast<char>(c));
      } else {
        o.push_back('%');
        o.push_back(kHex[c >> 4]);
        o.push_back(kHex[c & 15]);
      }
    }
    return o;
  };
  std::string q;
  for (const auto& [k, v] : params) q += (q.empty() ? "" : "&") + enc(k) + "=" + enc(v);
  return q;
}

std::string Scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_null()) return "";
  return v.dump();
}

bool IsJson(const HttpRequest& req) {
  std::string ct = req.Header("content-type");
  ct = ct.substr(0, ct.find(';'));
  std::transform(ct.begin(), ct.end(), ct.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  return ct == "application/json" || (ct.size() > 5 && ct.compare(ct.size() - 5, 5, "+json") == 0);
}

bool UsesBody(const HttpRequest& req) {
  if (req.method == "POST" || req.method == "PATCH") return true;
  return req.method == "DELETE" && IsJson(req);
}

}  // namespace

std::optional<std::pair<std::string, std::string>> BasicCredentials(const HttpRequest& req) {
  std::string h = req.Header("authorization");
  if (h.size() < 6) return std::nullopt;
  std::string scheme = h.substr(0, 6);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "basic ") return std::nullopt;
  std::string token = h.substr(6);
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  bool ok = false;
  std::string decoded = Base64Decode(token, &ok);
  if (!ok) return std::nullopt;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded.substr(0, colon), decoded.substr(colon + 1));
}

HttpResponse Unauthenticated() {
  HttpResponse r;
  r.status = 401;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html"
      "#authenticating-to-mlflow on how to authenticate.";
  r.headers.push_back({"WWW-Authenticate", "Basic realm=\"mlflow\""});
  return r;
}

std::vector<std::pair<std::string, std::string>> ParseForm(const std::string& body) { return ParseQuery(body); }

HttpResponse Forbidden() {
  HttpResponse r;
  r.status = 403;
  r.content_type = "text/html; charset=utf-8";
  r.body = "Permission denied";
  return r;
}

CheckParams::CheckParams(const HttpRequest& req) : path_(req.path_params) {
  if (UsesBody(req) && !req.body.empty()) {
    nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
    body_ = j.is_object() ? std::move(j) : nlohmann::json::object();
    from_body_ = true;
  } else if ((req.method != "POST" && req.method != "PATCH") || req.body.empty()) {
    query_ = ParseQuery(req.query);
  }
}

std::string CheckParams::Optional(const std::string& name) const {
  if (auto it = path_.find(name); it != path_.end()) return it->second;
  if (from_body_) return body_.contains(name) ? Scalar(body_[name]) : "";
  for (const auto& [k, v] : query_) {
    if (k == name) return v;
  }
  return "";
}

Result<std::string> CheckParams::Required(const std::string& name, const std::string& alias) const {
  auto present = [&](const std::string& n) {
    if (path_.count(n)) return true;
    if (from_body_) return body_.contains(n);
    return std::any_of(query_.begin(), query_.end(), [&](const auto& kv) { return kv.first == n; });
  };
  if (present(name)) return Optional(name);
  if (!alias.empty() && present(alias)) return Optional(alias);
  return Status::InvalidParameter("Missing value for required parameter '" + name +
                                  "'. See the API docs for more information about request parameters.");
}

std::vector<std::string> CheckParams::List(const std::string& name) const {
  std::vector<std::string> out;
  if (from_body_) {
    if (body_.contains(name) && body_[name].is_array()) {
      for (const auto& v : body_[name]) out.push_back(Scalar(v));
    }
    return out;
  }
  for (const auto& [k, v] : query_) {
    if (k == name) out.push_back(v);
  }
  return out;
}

std::string CheckParams::Nested(const std::vector<std::string>& keys) const {
  const nlohmann::json* at = &body_;
  for (const std::string& k : keys) {
    if (!at->is_object() || !at->contains(k)) return "";
    at = &(*at)[k];
  }
  return Scalar(*at);
}

std::optional<nlohmann::json> CheckParams::Raw(const std::string& name) const {
  if (auto it = path_.find(name); it != path_.end()) return nlohmann::json(it->second);
  if (from_body_) {
    if (body_.contains(name)) return body_[name];
    return std::nullopt;
  }
  for (const auto& [k, v] : query_) {
    if (k == name) return nlohmann::json(v);
  }
  return std::nullopt;
}

namespace {

// Python's repr() of a parameter value, for MLflow's "Got: ..." messages.
std::string PythonRepr(const nlohmann::json& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (!v.is_string()) return v.dump();
  const std::string s = v.get<std::string>();
  char quote = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) out.push_back('\\');
    out.push_back(c);
  }
  return out + quote;
}

// int(text) for a decimal string: surrounding whitespace, a sign, digits.
std::optional<int64_t> PythonInt(const std::string& text) {
  size_t b = text.find_first_not_of(" \t\n\r\f\v"), e = text.find_last_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return std::nullopt;
  std::string t = text.substr(b, e - b + 1);
  size_t i = (t[0] == '+' || t[0] == '-') ? 1 : 0;
  if (i == t.size() || t.size() - i > 18) return std::nullopt;
  for (size_t j = i; j < t.size(); ++j) {
    if (!std::isdigit(static_cast<unsigned char>(t[j]))) return std::nullopt;
  }
  return std::stoll(t);
}

}  // namespace

Result<int64_t> CheckParams::RequiredInt(const std::string& name) const {
  MLFLOW_RETURN_IF_ERROR(Required(name).status());
  nlohmann::json v = *Raw(name);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_boolean()) return int64_t{v.get<bool>() ? 1 : 0};
  if (v.is_number_float()) return static_cast<int64_t>(v.get<double>());  // int() truncates
  if (v.is_string()) {
    if (std::optional<int64_t> n = PythonInt(v.get<std::string>())) return *n;
  }
  return Status::InvalidParameter("Parameter '" + name + "' must be an integer. Got: " + PythonRepr(v));
}

HttpRequest FilterListParam(const HttpRequest& req, const std::string& name,
                            const std::function<bool(const std::string&)>& keep) {
  HttpRequest out = req;
  if (req.method == "GET") {
    auto q = ParseQuery(req.query);
    q.erase(std::remove_if(q.begin(), q.end(), [&](const auto& kv) { return kv.first == name && !keep(kv.second); }),
            q.end());
    out.query = BuildQuery(q);
    out.target = out.path + (out.query.empty() ? "" : "?" + out.query);
    return out;
  }
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains(name) || !body[name].is_array()) return out;
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& v : body[name]) {
    if (keep(Scalar(v))) kept.push_back(v);
  }
  body[name] = std::move(kept);
  out.body = body.dump();
  return out;
}

namespace {

// The request asking for another page: page_token and max_results replaced.
HttpRequest PageRequest(const HttpRequest& req, const std::string& token, int64_t max_results) {
  HttpRequest out = req;
  if (req.method == "GET") {
    auto q = ParseQuery(req.query);
    q.erase(std::remove_if(q.begin(), q.end(),
                           [](const auto& kv) { return kv.first == "page_token" || kv.first == "max_results"; }),
            q.end());
    q.emplace_back("page_token", token);
    q.emplace_back("max_results", std::to_string(max_results));
    out.query = BuildQuery(q);
    out.target = out.path + "?" + out.query;
    return out;
  }
  nlohmann::json body = nlohmann::json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (!body.is_object()) return out;
  body["page_token"] = token;
  body["max_results"] = max_results;
  out.body = body.dump();
  return out;
}

}  // namespace

HttpResponse FilterBody(HttpResponse res, const std::string& field,
                        const std::function<bool(const nlohmann::json&)>& keep) {
  if (res.status != 200) return res;
  nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
  if (!body.is_object() || !body.contains(field) || !body[field].is_array()) return res;
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& item : body[field]) {
    if (keep(item)) kept.push_back(item);
  }
  if (kept.empty()) {
    body.erase(field);
  } else {
    body[field] = std::move(kept);
  }
  res.body = body.dump();
  return res;
}

HttpResponse FilterPages(const HttpRequest& req, const Handler& inner, const std::string& field, int64_t default_max,
                         const std::function<bool(const nlohmann::json&)>& keep) {
  HttpResponse first = inner(req);
  if (first.status != 200) return first;
  nlohmann::json body = nlohmann::json::parse(first.body, nullptr, false);
  if (!body.is_object()) return first;
  int64_t max_results = default_max;
  std::string m = CheckParams(req).Optional("max_results");
  if (!m.empty()) {
    try {
      max_results = std::stoll(m);
    } catch (const std::exception&) {
    }
  }
  nlohmann::json kept = nlohmann::json::array();
  auto take = [&](const nlohmann::json& page) {
    if (!page.contains(field) || !page[field].is_array()) return;
    for (const auto& item : page[field]) {
      if (keep(item)) kept.push_back(item);
    }
  };
  take(body);
  std::string token = body.value("next_page_token", "");
  // Bounded: each round consumes at least one item or ends.
  for (int round = 0; round < 10000 && static_cast<int64_t>(kept.size()) < max_results && !token.empty(); ++round) {
    HttpResponse next = inner(PageRequest(req, token, max_results - static_cast<int64_t>(kept.size())));
    if (next.status != 200) return next;
    nlohmann::json page = nlohmann::json::parse(next.body, nullptr, false);
    if (!page.is_object() || !page.contains(field) || page[field].empty()) {
      token.clear();
      break;
    }
    take(page);
    token = page.value("next_page_token", "");
  }
  if (kept.empty()) {
    body.erase(field);
  } else {
    body[field] = std::move(kept);
  }
  if (token.empty()) {
    body.erase("next_page_token");
  } else {
    body["next_page_token"] = token;
  }
  first.body = body.dump();
  return first;
}

}  // namespace mlflow::server
