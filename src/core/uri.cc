#include "core/uri.h"

#include "core/unicode.h"

namespace mlflow {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form decoding that keeps a malformed escape as written, as Python's unquote does.
std::string FormDecodeLenient(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    int hi = -1, lo = -1;
    if (c == '%' && i + 2 < in.size()) {
      hi = HexValue(in[i + 1]);
      lo = HexValue(in[i + 2]);
    }
    if (hi >= 0 && lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c == '+' ? ' ' : c);
    }
  }
  return out;
}

}  // namespace

bool PercentDecode(std::string_view in, std::string* out, bool form) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (form && c == '+') {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> items;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    // Werkzeug decodes the bytes as UTF-8 with errors="replace": a handler never sees invalid text.
    items.emplace_back(ReplaceInvalidUtf8(FormDecodeLenient(item.substr(0, eq))),
                       ReplaceInvalidUtf8(FormDecodeLenient(value)));
  }
  return items;
}

std::optional<std::string> QueryValue(std::string_view query, std::string_view name) {
  for (auto& [key, value] : ParseQuery(query)) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

}  // namespace mlflow
