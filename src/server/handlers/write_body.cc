#include "server/handlers/write_body.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <tuple>

namespace mlflow::server {
namespace {

// A JSON reader for the few shapes of write_body.h. Every method returns false on anything it does
// not read exactly as nlohmann's parser and the handler would: the caller then declines.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  void SkipWs() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Consume(char c) {
    SkipWs();
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool Peek(char c) {
    SkipWs();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool AtEnd() {
    SkipWs();
    return i_ == s_.size();
  }

  // A string without \u escapes, its UTF-8 checked as nlohmann checks it (RFC 3629).
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    out->clear();
    size_t run = i_;  // start of the bytes not yet copied
    while (i_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        out->append(s_.data() + run, i_ - run);
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        out->append(s_.data() + run, i_ - run);
        if (++i_ >= s_.size()) return false;
        switch (s_[i_]) {
          case '"': *out += '"'; break;
          case '\\': *out += '\\'; break;
          case '/': *out += '/'; break;
          case 'b': *out += '\b'; break;
          case 'f': *out += '\f'; break;
          case 'n': *out += '\n'; break;
          case 'r': *out += '\r'; break;
          case 't': *out += '\t'; break;
          default: return false;  // \u and anything invalid: the DOM path
        }
        run = ++i_;
        continue;
      }
      if (c < 0x80) {
        ++i_;
        continue;
      }
      if (!Utf8Sequence()) return false;
    }
    return false;
  }

  // A JSON number token (RFC 8259 grammar); `integer` when it has no fraction or exponent.
  bool Number(std::string_view* tok, bool* integer) {
    SkipWs();
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size()) return false;
    if (s_[i_] == '0') {
      ++i_;
    } else if (s_[i_] >= '1' && s_[i_] <= '9') {
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    } else {
      return false;
    }
    *integer = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      *integer = false;
      if (++i_ >= s_.size() || !IsDigit(s_[i_])) return false;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      *integer = false;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) return false;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    *tok = s_.substr(start, i_ - start);
    return true;
  }

  // Members of an object, `field(name)` reading each value; false when one fails.
  template <typename F>
  bool Object(std::string* name, F&& field) {
    if (!Consume('{')) return false;
    if (Consume('}')) return true;
    do {
      if (!Peek('"') || !String(name) || !Consume(':') || !field(*name)) return false;
    } while (Consume(','));
    return Consume('}');
  }

  template <typename F>
  bool Array(F&& item) {
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    do {
      if (!item()) return false;
    } while (Consume(','));
    return Consume(']');
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  bool Cont(size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) const {
    if (i_ + k >= s_.size()) return false;
    unsigned char c = static_cast<unsigned char>(s_[i_ + k]);
    return c >= lo && c <= hi;
  }
  bool Utf8Sequence() {
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      if (!Cont(1)) return false;
    } else if (c == 0xE0) {
      n = 3;
      if (!Cont(1, 0xA0) || !Cont(2)) return false;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      n = 3;
      if (!Cont(1) || !Cont(2)) return false;
    } else if (c == 0xED) {
      n = 3;
      if (!Cont(1, 0x80, 0x9F) || !Cont(2)) return false;
    } else if (c == 0xF0) {
      n = 4;
      if (!Cont(1, 0x90) || !Cont(2) || !Cont(3)) return false;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 4;
      if (!Cont(1) || !Cont(2) || !Cont(3)) return false;
    } else if (c == 0xF4) {
      n = 4;
      if (!Cont(1, 0x80, 0x8F) || !Cont(2) || !Cont(3)) return false;
    } else {
      return false;
    }
    i_ += n;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// The double nlohmann's parser and JsonToDouble make of a number token: an integer token within
// 64 bits is read as an integer and converted; anything else is rounded from the text (both
// conversions are correctly rounded). Infinite or out-of-range results are declined.
bool TokenToDouble(std::string_view tok, bool integer, double* out) {
  const char* end = tok.data() + tok.size();
  if (integer) {
    if (tok[0] == '-') {
      int64_t v;
      if (auto r = std::from_chars(tok.data(), end, v); r.ec == std::errc() && r.ptr == end) {
        *out = static_cast<double>(v);
        return true;
      }
    } else {
      uint64_t v;
      if (auto r = std::from_chars(tok.data(), end, v); r.ec == std::errc() && r.ptr == end) {
        *out = static_cast<double>(v);
        return true;
      }
    }
  }
  auto r = std::from_chars(tok.data(), end, *out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(*out);
}

bool TokenToInt64(std::string_view tok, bool integer, int64_t* out) {
  if (!integer) return false;
  const char* end = tok.data() + tok.size();
  auto r = std::from_chars(tok.data(), end, *out);
  return r.ec == std::errc() && r.ptr == end;
}

// The fields of one metric (log-batch's items, log-metric's body). Returns false for a field it
// does not read; `extra` gets the fields that are not the metric's (log-metric's run id).
template <typename Extra>
bool MetricObject(Reader& r, std::string* name, std::string* scratch, Metric* m, Extra&& extra) {
  enum : unsigned { kKey = 1, kValue = 2, kTimestamp = 4, kStep = 8, kModel = 16, kDsName = 32, kDsDigest = 64 };
  unsigned seen = 0;
  auto once = [&seen](unsigned bit) {
    if (seen & bit) return false;
    seen |= bit;
    return true;
  };
  bool ok = r.Object(name, [&](const std::string& f) {
    std::string_view tok;
    bool integer = false;
    if (f == "key") return once(kKey) && r.String(&m->key) && !m->key.empty();
    if (f == "value") return once(kValue) && r.Number(&tok, &integer) && TokenToDouble(tok, integer, &m->value);
    if (f == "timestamp") {
      return once(kTimestamp) && r.Number(&tok, &integer) && tok[0] != '-' && TokenToInt64(tok, integer, &m->timestamp);
    }
    if (f == "step") return once(kStep) && r.Number(&tok, &integer) && TokenToInt64(tok, integer, &m->step);
    if (f == "model_id") return once(kModel) && r.String(&m->model_id);
    if (f == "dataset_name") return once(kDsName) && r.String(&m->dataset_name);
    if (f == "dataset_digest") return once(kDsDigest) && r.String(&m->dataset_digest);
    return extra(f, scratch);
  });
  return ok && (seen & (kKey | kValue | kTimestamp)) == (kKey | kValue | kTimestamp);
}

// A {key, value} item of params or tags: a non-empty key; an absent value is "" (the proto default).
bool KeyValueObject(Reader& r, std::string* name, KeyValue* kv) {
  bool key = false, value = false;
  bool ok = r.Object(name, [&](const std::string& f) {
    if (f == "key" && !key) return (key = true) && r.String(&kv->key);
    if (f == "value" && !value) return (value = true) && r.String(&kv->value);
    return false;
  });
  return ok && key && !kv->key.empty();
}

}  // namespace

std::optional<LogBatchBody> ReadLogBatchBody(std::string_view body) {
  Reader r(body);
  LogBatchBody out;
  std::string name, scratch;
  bool run_id = false, metrics = false, params = false, tags = false;
  bool ok = r.Object(&name, [&](const std::string& f) {
    if (f == "run_id" && !run_id) return (run_id = true) && r.String(&out.run_id) && !out.run_id.empty();
    if (f == "metrics" && !metrics) {
      metrics = true;
      return r.Array([&] {
        Metric& m = out.metrics.emplace_back();
        return MetricObject(r, &name, &scratch, &m, [](const std::string&, std::string*) { return false; });
      });
    }
    for (auto [field, seen, list] : {std::tuple{"params", &params, &out.params}, std::tuple{"tags", &tags, &out.tags}}) {
      if (f != field) continue;
      if (*seen) return false;
      *seen = true;
      return r.Array([&, list = list] { return KeyValueObject(r, &name, &list->emplace_back()); });
    }
    return false;
  });
  if (!ok || !run_id || !r.AtEnd()) return std::nullopt;
  return out;
}

std::optional<LogMetricBody> ReadLogMetricBody(std::string_view body) {
  Reader r(body);
  LogMetricBody out;
  std::string name, run_uuid;
  bool run_id = false, has_uuid = false;
  bool ok = MetricObject(r, &name, &run_uuid, &out.metric, [&](const std::string& f, std::string* uuid) {
    if (f == "run_id" && !run_id) return (run_id = true) && r.String(&out.run_id);
    if (f == "run_uuid" && !has_uuid) return (has_uuid = true) && r.String(uuid);
    return false;
  });
  if (!ok || !r.AtEnd()) return std::nullopt;
  if (out.run_id.empty()) out.run_id = std::move(run_uuid);
  if (out.run_id.empty()) return std::nullopt;
  return out;
}

}  // namespace mlflow::server
