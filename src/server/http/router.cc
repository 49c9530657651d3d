#include "server/http/router.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mlflow::server {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

void Router::Add(std::string method, const std::string& pattern, Handler handler) {
  Route r;
  r.method = std::move(method);
  r.pattern = pattern;
  for (auto part : SplitPath(pattern)) r.segments.emplace_back(part);
  r.rest = !r.segments.empty() && r.segments.back().size() > 5 &&
           r.segments.back().compare(r.segments.back().size() - 4, 4, "...}") == 0;
  r.handler = std::move(handler);
  if (pattern.find('{') == std::string::npos) exact_[pattern].push_back(routes_.size());
  routes_.push_back(std::move(r));
}

void Router::AddStream(std::string method, const std::string& pattern, StreamHandler handler) {
  Add(std::move(method), pattern, nullptr);
  routes_.back().stream = std::move(handler);
}

void Router::AddAsync(std::string method, const std::string& pattern, AsyncHandler handler) {
  Add(std::move(method), pattern, nullptr);
  routes_.back().async = std::move(handler);
}

void Router::AddApi(std::string method, const std::string& path, Handler handler, int major) {
  std::string v = std::to_string(major) + ".0";
  Add(method, "/api/" + v + path, handler);
  Add(std::move(method), "/ajax-api/" + v + path, std::move(handler));
}

void Router::AddApiStream(std::string method, const std::string& path, StreamHandler handler, int major) {
  std::string v = std::to_string(major) + ".0";
  AddStream(method, "/api/" + v + path, handler);
  AddStream(std::move(method), "/ajax-api/" + v + path, std::move(handler));
}

void Router::SetInline(const std::string& method, const std::string& pattern, InlineHandler handler) {
  for (Route& r : routes_) {
    if (r.method == method && r.pattern == pattern && r.handler) {
      r.inline_handler = std::move(handler);
      return;
    }
  }
  throw std::logic_error("SetInline: no buffered route " + method + " " + pattern);
}

std::vector<std::pair<std::string, std::string>> Router::BufferedRoutes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : routes_) {
    if (!r.stream && !r.async) out.emplace_back(r.method, r.pattern);
  }
  return out;
}

void Router::WrapAll(const HandlerWrapper& wrap, const StreamWrapper& wrap_stream) {
  for (Route& r : routes_) {
    if (r.async) throw std::logic_error("WrapAll: the async route " + r.method + " " + r.pattern + " cannot be wrapped");
  }
  for (Route& r : routes_) {
    if (r.stream) {
      r.stream = wrap_stream(r.method, r.pattern, std::move(r.stream));
    } else {
      r.handler = wrap(r.method, r.pattern, std::move(r.handler));
      r.inline_handler = nullptr;  // it would skip the wrapper
    }
  }
  if (options_handler_) options_handler_ = wrap("OPTIONS", "", std::move(options_handler_));
}

bool Router::MatchRoute(const Route& r, const std::vector<std::string_view>& parts,
                        std::map<std::string, std::string>* params) {
  size_t fixed = r.rest ? r.segments.size() - 1 : r.segments.size();
  if (r.rest ? parts.size() < fixed : parts.size() != fixed) return false;
  for (size_t i = 0; i < fixed; ++i) {
    const std::string& seg = r.segments[i];
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      if (parts[i].empty()) return false;
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  if (r.rest && params) {
    std::string rest;
    for (size_t i = fixed; i < parts.size(); ++i) {
      if (i > fixed) rest += '/';
      rest.append(parts[i]);
    }
    const std::string& seg = r.segments.back();
    (*params)[seg.substr(1, seg.size() - 5)] = std::move(rest);
  }
  return true;
}

Router::Match Router::Select(const Route& r, Match m) {
  m.pattern = &r.pattern;
  if (r.stream) {
    m.kind = Match::Kind::kStream;
    m.stream = &r.stream;
  } else if (r.async) {
    m.kind = Match::Kind::kAsync;
    m.async = &r.async;
  } else {
    m.kind = Match::Kind::kHandler;
    m.handler = &r.handler;
    if (r.inline_handler) m.inline_handler = &r.inline_handler;
  }
  return m;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  auto parts = SplitPath(path);
  bool path_known = false;
  // Fast path: most MLflow routes are fixed strings.
  if (auto it = exact_.find(std::string(path)); it != exact_.end()) {
    for (size_t idx : it->second) {
      const Route& r = routes_[idx];
      if (r.method != method && !(method == "HEAD" && r.method == "GET")) continue;
      return Select(r, std::move(m));
    }
    path_known = true;
  }
  for (const auto& r : routes_) {
    if (!MatchRoute(r, parts, nullptr)) continue;
    path_known = true;
    if (r.method != method && !(method == "HEAD" && r.method == "GET")) continue;
    MatchRoute(r, parts, &m.path_params);
    return Select(r, std::move(m));
  }
  if (path_known && method == "OPTIONS" && options_handler_) {
    m.kind = Match::Kind::kHandler;
    m.handler = &options_handler_;
    return m;
  }
  m.kind = path_known ? Match::Kind::kMethodNotAllowed : Match::Kind::kNotFound;
  return m;
}

std::vector<std::string> Router::AllowedMethods(std::string_view path) const {
  auto parts = SplitPath(path);
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    if (MatchRoute(r, parts, nullptr)) out.push_back(r.method);
  }
  if (out.empty()) return out;
  if (std::find(out.begin(), out.end(), "GET") != out.end()) out.push_back("HEAD");
  if (options_handler_) out.push_back("OPTIONS");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Router::AllowHeader(std::string_view path) const {
  std::string allow;
  for (const auto& m : AllowedMethods(path)) allow += (allow.empty() ? "" : ", ") + m;
  return allow;
}

}  // namespace mlflow::server
