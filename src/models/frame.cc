#include "models/frame.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

namespace mlflow::models {

std::string_view DTypeName(DType t) {
  switch (t) {
    case DType::kBool: return "bool";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kUInt64: return "uint64";
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kStr: return "str";
    case DType::kObject: return "object";
  }
  return "object";
}

bool IsNumeric(DType t) { return t != DType::kStr && t != DType::kObject; }

std::string ColumnLabel::Repr() const { return is_int ? std::to_string(i) : PyStrRepr(s); }

size_t Column::size() const {
  switch (dtype) {
    case DType::kBool: return b.size();
    case DType::kInt32: return i32.size();
    case DType::kInt64:
    case DType::kUInt64: return i64.size();
    case DType::kFloat32: return f32.size();
    case DType::kFloat64: return f64.size();
    default: return cells.size();
  }
}

double Column::AsDouble(size_t i) const {
  switch (dtype) {
    case DType::kBool: return b[i];
    case DType::kInt32: return i32[i];
    case DType::kInt64: return static_cast<double>(i64[i]);
    case DType::kUInt64: return static_cast<double>(static_cast<uint64_t>(i64[i]));
    case DType::kFloat32: return f32[i];
    case DType::kFloat64: return f64[i];
    default: {
      const Cell& c = cells[i];
      switch (c.kind) {
        case Cell::Kind::kValue: return c.value.as_double();
        case Cell::Kind::kFloat: return c.d;
        case Cell::Kind::kInt:
        case Cell::Kind::kBool: return static_cast<double>(c.i);
        case Cell::Kind::kUInt: return static_cast<double>(static_cast<uint64_t>(c.i));
        default: return std::nan("");
      }
    }
  }
}

bool Column::IsMissing(size_t i) const {
  switch (dtype) {
    case DType::kFloat32: return std::isnan(f32[i]);
    case DType::kFloat64: return std::isnan(f64[i]);
    case DType::kStr:
    case DType::kObject:
      if (cells[i].missing()) return true;
      if (cells[i].kind == Cell::Kind::kFloat) return std::isnan(cells[i].d);
      return cells[i].kind == Cell::Kind::kValue && cells[i].value.is_float() && std::isnan(cells[i].value.as_double());
    default: return false;
  }
}

const Column* Frame::Find(const ColumnLabel& label) const {
  for (const auto& c : columns) {
    if (c.label == label) return &c;
  }
  return nullptr;
}

const Column* Frame::Find(std::string_view name) const {
  for (const auto& c : columns) {
    if (!c.label.is_int && c.label.s == name) return &c;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Python-style text of values

namespace {

// "{: .6f}" / "{:.6f}" and the e-notation variants, as Python formats a float.
std::string FormatFixed(double v, int digits, bool leading_space, char conv) {
  char fmt[16];
  std::snprintf(fmt, sizeof(fmt), leading_space ? "%% .%d%c" : "%%.%d%c", digits, conv);
  char buf[512];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

std::string EscapeForPprint(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string IntText(JsonRef v) {
  if (v.type() == JsonType::kBigInt) {
    std::string t(v.bigint_text());
    // Python prints -0 as 0; big ints keep their digits.
    return t;
  }
  return std::to_string(v.as_int());
}

// pandas' pprint_thing(x, escape_chars=("\t", "\r", "\n")) of a JSON value at nesting level lvl.
std::string Pprint(JsonRef v, int lvl, bool quote_strings) {
  switch (v.type()) {
    case JsonType::kNull: return "None";
    case JsonType::kTrue: return "True";
    case JsonType::kFalse: return "False";
    case JsonType::kInt:
    case JsonType::kBigInt: return IntText(v);
    case JsonType::kFloat: return PyFloatRepr(v.as_double());
    case JsonType::kString:
      return quote_strings ? PyStrRepr(v.as_string()) : EscapeForPprint(v.as_string());
    case JsonType::kArray: {
      std::string out = "[";
      size_t n = v.size();
      size_t shown = std::min<size_t>(n, 100);
      for (size_t i = 0; i < shown; ++i) {
        if (i) out += ", ";
        out += Pprint(v[i], lvl + 1, quote_strings);
      }
      if (shown < n) out += ", ...";
      return out + "]";
    }
    case JsonType::kObject: {
      std::string out = "{";
      auto keys = v.Keys();
      size_t shown = std::min<size_t>(keys.size(), 100);
      for (size_t i = 0; i < shown; ++i) {
        if (i) out += ", ";
        out += PyStrRepr(keys[i]);
        out += ": ";
        out += Pprint(v.Get(keys[i]), lvl + 1, true);
      }
      if (shown < keys.size()) out += ", ...";
      return out + "}";
    }
  }
  return "";
}

}  // namespace

std::string PyValueRepr(JsonRef v) {
  switch (v.type()) {
    case JsonType::kString: return PyStrRepr(v.as_string());
    case JsonType::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ", ";
        out += PyValueRepr(v[i]);
      }
      return out + "]";
    }
    case JsonType::kObject: {
      std::string out = "{";
      bool first = true;
      for (auto k : v.Keys()) {
        if (!first) out += ", ";
        first = false;
        out += PyStrRepr(k) + ": " + PyValueRepr(v.Get(k));
      }
      return out + "}";
    }
    default: return Pprint(v, 0, true);
  }
}

std::string CellStr(const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNone: return "None";
    case Cell::Kind::kNaN: return "nan";
    case Cell::Kind::kFloat: return PyFloatRepr(c.d);
    case Cell::Kind::kInt: return std::to_string(c.i);
    case Cell::Kind::kUInt: return std::to_string(static_cast<uint64_t>(c.i));
    case Cell::Kind::kBool: return c.i ? "True" : "False";
    default: break;
  }
  if (c.value.is_string()) return std::string(c.value.as_string());
  return PyValueRepr(c.value);
}

std::string CellRepr(const Cell& c) {
  if (c.is_string()) return PyStrRepr(c.value.as_string());
  return CellStr(c);
}

// ---------------------------------------------------------------------------------------------
// pandas DataFrame repr

namespace {

constexpr int kMaxRows = 60;
constexpr int kMinRows = 10;
constexpr int kWidth = 80;
constexpr size_t kMaxColWidth = 50;
constexpr int kPrecision = 6;

size_t U8Len(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string RJust(const std::string& s, size_t w) {
  size_t len = U8Len(s);
  return len >= w ? s : std::string(w - len, ' ') + s;
}
std::string LJust(const std::string& s, size_t w) {
  size_t len = U8Len(s);
  return len >= w ? s : s + std::string(w - len, ' ');
}

// First n code points of s.
std::string U8Prefix(const std::string& s, size_t n) {
  size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) break;
      ++count;
    }
  }
  return s.substr(0, i);
}

// pandas' _make_fixed_width: cut to max_colwidth with "...", then justify.
std::vector<std::string> MakeFixedWidth(std::vector<std::string> strs, bool right, size_t minimum, size_t* width) {
  size_t max_len = 0;
  for (auto& s : strs) max_len = std::max(max_len, U8Len(s));
  max_len = std::max(max_len, minimum);
  if (max_len > kMaxColWidth) max_len = kMaxColWidth;
  size_t keep = max_len > 3 ? max_len - 3 : 0;
  std::string placeholder = std::string("...").substr(0, max_len - keep);
  for (auto& s : strs) {
    if (U8Len(s) > max_len) s = U8Prefix(s, keep) + placeholder;
    s = right ? RJust(s, max_len) : LJust(s, max_len);
  }
  if (width) *width = max_len;
  return strs;
}

bool IsDecimalNumber(const std::string& s) {
  // ^\s*[+-]?[0-9]+\.[0-9]*$
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t d = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == d || i >= s.size() || s[i] != '.') return false;
  ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i == s.size();
}

// pandas' _trim_zeros_float: trim trailing zeros equally from all decimal numbers.
void TrimZerosFloat(std::vector<std::string>& strs) {
  std::vector<bool> num(strs.size());
  bool any = false;
  for (size_t i = 0; i < strs.size(); ++i) any |= (num[i] = IsDecimalNumber(strs[i]));
  if (!any) return;
  while (true) {
    bool all_zero = true;
    for (size_t i = 0; i < strs.size(); ++i) {
      if (num[i] && (strs[i].empty() || strs[i].back() != '0')) {
        all_zero = false;
        break;
      }
    }
    if (!all_zero) break;
    for (size_t i = 0; i < strs.size(); ++i) {
      if (num[i]) strs[i].pop_back();
    }
  }
  for (size_t i = 0; i < strs.size(); ++i) {
    if (num[i] && !strs[i].empty() && strs[i].back() == '.') strs[i] += '0';
  }
}

std::string TrimZerosSingle(std::string s) {
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s += '0';
  return s;
}

// FloatArrayFormatter with fixed width and a leading space (a DataFrame column).
std::vector<std::string> FormatFloats(const std::vector<double>& vals) {
  auto format_with = [&](char conv) {
    std::vector<std::string> out;
    out.reserve(vals.size());
    for (double v : vals) out.push_back(std::isnan(v) ? "NaN" : FormatFixed(v, kPrecision, true, conv));
    TrimZerosFloat(out);
    return out;
  };
  std::vector<std::string> out = format_with('f');
  size_t maxlen = 0;
  for (auto& s : out) maxlen = std::max(maxlen, s.size());
  bool too_long = maxlen > static_cast<size_t>(kPrecision + 6);
  bool has_large = false, has_small = false;
  for (double v : vals) {
    double a = std::fabs(v);
    if (a > 1e6) has_large = true;
    if (a < 1e-6 && a > 0) has_small = true;
  }
  if (has_small || (too_long && has_large)) out = format_with('e');
  return out;
}

std::string Leading(const std::string& s) { return " " + s; }

// One column's cells (rows `rows`) as pandas' format_array prints them.
std::vector<std::string> FormatColumn(const Column& c, const std::vector<size_t>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  switch (c.dtype) {
    case DType::kFloat32:
    case DType::kFloat64: {
      std::vector<double> v;
      for (size_t r : rows) v.push_back(c.AsDouble(r));
      out = FormatFloats(v);
      break;
    }
    case DType::kInt32:
      for (size_t r : rows) out.push_back(c.i32[r] < 0 ? std::to_string(c.i32[r]) : " " + std::to_string(c.i32[r]));
      break;
    case DType::kInt64:
      for (size_t r : rows) out.push_back(c.i64[r] < 0 ? std::to_string(c.i64[r]) : " " + std::to_string(c.i64[r]));
      break;
    case DType::kUInt64:
      for (size_t r : rows) out.push_back(" " + std::to_string(static_cast<uint64_t>(c.i64[r])));
      break;
    case DType::kBool:
      for (size_t r : rows) out.push_back(c.b[r] ? " True" : " False");
      break;
    case DType::kStr:
      // StringDtype: missing values print as NaN.
      for (size_t r : rows) {
        const Cell& cell = c.cells[r];
        out.push_back(cell.missing() ? " NaN" : Leading(EscapeForPprint(cell.value.as_string())));
      }
      break;
    case DType::kObject:
      for (size_t r : rows) {
        const Cell& cell = c.cells[r];
        if (cell.kind == Cell::Kind::kNone) {
          out.push_back(" None");
        } else if (cell.kind == Cell::Kind::kNaN) {
          out.push_back(" NaN");
        } else if (cell.kind == Cell::Kind::kFloat || (cell.kind == Cell::Kind::kValue && cell.value.is_float())) {
          double d = cell.kind == Cell::Kind::kFloat ? cell.d : cell.value.as_double();
          out.push_back(std::isnan(d) ? " NaN" : TrimZerosSingle(FormatFixed(d, kPrecision, true, 'f')));
        } else if (cell.kind != Cell::Kind::kValue) {
          out.push_back(Leading(CellStr(cell)));
        } else {
          out.push_back(Leading(Pprint(cell.value, 0, false)));
        }
      }
      break;
  }
  return MakeFixedWidth(std::move(out), true, 0, nullptr);
}

std::string IndexLabel(const Frame& f, size_t r) {
  if (f.index.labels.empty()) return std::to_string(r);
  JsonRef v = f.index.labels[r];
  if (v.is_string()) return EscapeForPprint(v.as_string());
  return Pprint(v, 0, false);
}

// adjoin(1, *strcols)
std::string Adjoin(const std::vector<std::vector<std::string>>& cols) {
  if (cols.empty()) return "";
  std::vector<size_t> widths;
  for (size_t i = 0; i < cols.size(); ++i) {
    size_t w = 0;
    for (auto& s : cols[i]) w = std::max(w, U8Len(s));
    widths.push_back(i + 1 < cols.size() ? w + 1 : w);
  }
  size_t nrows = 0;
  for (auto& c : cols) nrows = std::max(nrows, c.size());
  std::string out;
  for (size_t r = 0; r < nrows; ++r) {
    if (r) out += '\n';
    for (size_t i = 0; i < cols.size(); ++i) {
      size_t pad = nrows - cols[i].size();  // shorter lists are padded at the top
      if (r < pad) {
        out.append(widths[i], ' ');
      } else {
        out += LJust(cols[i][r - pad], widths[i]);
      }
    }
  }
  return out;
}

std::string PprintSeq(const std::vector<std::string>& items) {
  std::string out = "[";
  size_t shown = std::min<size_t>(items.size(), 100);
  for (size_t i = 0; i < shown; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (shown < items.size()) out += ", ...";
  return out + "]";
}

// Python's round(x) for x = n / 2: half to even.
int RoundHalfEven(int n_cols) {
  if (n_cols % 2 == 0) return n_cols / 2;
  int lo = n_cols / 2;  // x = lo + 0.5
  return lo % 2 == 0 ? lo : lo + 1;
}

}  // namespace

std::string FrameRepr(const Frame& f) {
  size_t ncols = f.columns.size();
  if (f.rows == 0 || ncols == 0) {
    std::vector<std::string> labels;
    for (const auto& c : f.columns) labels.push_back(c.label.is_int ? c.label.Str() : EscapeForPprint(c.label.s));
    std::vector<std::string> idx;
    for (size_t r = 0; r < f.rows; ++r) idx.push_back(IndexLabel(f, r));
    return "Empty DataFrame\nColumns: " + PprintSeq(labels) + "\nIndex: " + PprintSeq(idx);
  }
  // Terminal mode (display.max_columns = 0): width 80, height 24.
  size_t max_cols_fitted = ncols > static_cast<size_t>(kWidth) ? static_cast<size_t>(kWidth) : 0;
  size_t max_rows_fitted = f.rows > static_cast<size_t>(kMaxRows) ? kMinRows : kMaxRows;
  bool trunc_h = max_cols_fitted && ncols > max_cols_fitted;
  bool trunc_v = f.rows > max_rows_fitted;

  std::vector<size_t> col_ids;
  size_t tr_col_num = 0;
  if (trunc_h) {
    tr_col_num = max_cols_fitted / 2;
    for (size_t i = 0; i < tr_col_num; ++i) col_ids.push_back(i);
    for (size_t i = ncols - tr_col_num; i < ncols; ++i) col_ids.push_back(i);
  } else {
    for (size_t i = 0; i < ncols; ++i) col_ids.push_back(i);
  }
  std::vector<size_t> row_ids;
  size_t tr_row_num = 0;
  if (trunc_v) {
    tr_row_num = max_rows_fitted / 2;
    for (size_t i = 0; i < tr_row_num; ++i) row_ids.push_back(i);
    for (size_t i = f.rows - tr_row_num; i < f.rows; ++i) row_ids.push_back(i);
  } else {
    for (size_t i = 0; i < f.rows; ++i) row_ids.push_back(i);
  }

  std::vector<std::vector<std::string>> strcols;
  // Index column: header row "" then labels, left-justified.
  {
    std::vector<std::string> idx;
    for (size_t r : row_ids) idx.push_back(IndexLabel(f, r));
    idx = MakeFixedWidth(std::move(idx), false, 0, nullptr);
    idx.insert(idx.begin(), "");
    strcols.push_back(std::move(idx));
  }
  for (size_t k = 0; k < col_ids.size(); ++k) {
    const Column& c = f.columns[col_ids[k]];
    // pandas pairs the shown labels with the full frame's dtypes by position (a quirk kept here).
    bool numeric_label = IsNumeric(f.columns[k].dtype);
    std::string header = c.label.is_int ? c.label.Str() : EscapeForPprint(c.label.s);
    if (numeric_label) header = " " + header;
    size_t header_w = U8Len(header);
    size_t width = 0;
    std::vector<std::string> vals = MakeFixedWidth(FormatColumn(c, row_ids), true, header_w, &width);
    width = std::max(width, header_w);
    std::vector<std::string> col;
    col.push_back(RJust(header, width));
    for (auto& v : vals) col.push_back(std::move(v));
    strcols.push_back(std::move(col));
  }
  size_t index_length = strcols[0].size();
  if (trunc_h) strcols.insert(strcols.begin() + static_cast<long>(tr_col_num + 1), std::vector<std::string>(index_length, " ..."));
  if (trunc_v) {
    size_t n_header_rows = index_length - row_ids.size();
    for (size_t ix = 0; ix < strcols.size(); ++ix) {
      auto& col = strcols[ix];
      size_t cwidth = U8Len(col[tr_row_num]);
      bool is_dot_col = trunc_h && ix == tr_col_num + 1;
      std::string dots = (cwidth > 3 || is_dot_col) ? "..." : "..";
      std::string s;
      if (ix == 0) {
        s = LJust(dots, cwidth);
      } else if (is_dot_col) {
        s = RJust(dots, 4);
      } else {
        s = RJust(dots, cwidth);
      }
      col.insert(col.begin() + static_cast<long>(tr_row_num + n_header_rows), s);
    }
  }
  bool truncated = trunc_h || trunc_v;

  // _fit_strcols_to_terminal_width
  std::vector<size_t> col_lens;
  for (auto& c : strcols) {
    size_t w = 0;
    for (auto& s : c) w = std::max(w, U8Len(s));
    col_lens.push_back(w);
  }
  long n_cols = static_cast<long>(col_lens.size());
  long total = n_cols - 1;
  for (size_t w : col_lens) total += static_cast<long>(w);
  long adj_dif = total - kWidth + 1;
  std::string text;
  if (adj_dif <= 0) {
    text = Adjoin(strcols);
  } else {
    adj_dif += 5;
    while (adj_dif > 0 && n_cols > 1) {
      int mid = RoundHalfEven(static_cast<int>(n_cols));
      adj_dif -= static_cast<long>(col_lens[static_cast<size_t>(mid)]) + 1;
      col_lens.erase(col_lens.begin() + mid);
      --n_cols;
    }
    long fitted = std::max<long>(n_cols - 1, 2);
    long num_data_cols = static_cast<long>(strcols.size()) - 1;
    truncated = true;
    if (fitted >= num_data_cols) {
      text = Adjoin(strcols);
    } else {
      size_t col_num = static_cast<size_t>(fitted / 2);
      std::vector<std::vector<std::string>> kept(strcols.begin(), strcols.begin() + static_cast<long>(col_num + 1));
      kept.insert(kept.end(), strcols.end() - static_cast<long>(col_num), strcols.end());
      kept.insert(kept.begin() + static_cast<long>(col_num + 1), std::vector<std::string>(kept[0].size(), " ..."));
      text = Adjoin(kept);
    }
  }
  if (truncated) {
    text += "\n\n[" + std::to_string(f.rows) + " rows x " + std::to_string(ncols) + " columns]";
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// numpy array str / repr

namespace {

struct FloatFmt {
  bool exp = false;
  int precision = 8;
  bool trim_k = false;  // keep trailing zeros (trim='k')
  size_t pad_left = 0, pad_right = 0;
  int exp_size = -1;
};

// dragon4_positional(x, precision=8, unique=True, fractional=True, trim='.'): the shortest
// round-trip digits, cut to `precision` fractional digits.
std::string Positional(double x, int precision) {
  std::string s = PyFloatRepr(x);
  if (s.find('e') != std::string::npos || s.find('.') == std::string::npos ||
      static_cast<int>(s.size() - s.find('.') - 1) > precision) {
    s = FormatFixed(x, precision, false, 'f');
    while (s.back() == '0') s.pop_back();
  }
  // "1.0" -> "1." (trim='.' keeps the point, drops zeros)
  while (s.back() == '0' && s.find('.') != std::string::npos) s.pop_back();
  return s;
}

// dragon4_scientific(x, precision=8, unique=True, trim='.'): "1.5e-05", "1.e+00".
std::string Scientific(double x, int precision) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  int exp = std::atoi(s.c_str() + e + 1);
  size_t dot = mant.find('.');
  if (dot != std::string::npos && static_cast<int>(mant.size() - dot - 1) > precision) {
    std::string f = FormatFixed(x, precision, false, 'e');
    e = f.find('e');
    mant = f.substr(0, e);
    exp = std::atoi(f.c_str() + e + 1);
  }
  if (mant.find('.') == std::string::npos) mant += '.';
  while (mant.back() == '0') mant.pop_back();
  std::string es = std::to_string(std::abs(exp));
  if (es.size() < 2) es = "0" + es;
  return mant + "e" + (exp < 0 ? "-" : "+") + es;
}

FloatFmt MakeFloatFmt(const std::vector<double>& data) {
  FloatFmt f;
  std::vector<double> finite;
  for (double v : data) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  double max_val = 0, min_val = 0;
  bool any_nz = false;
  for (double v : finite) {
    if (v == 0) continue;
    double a = std::fabs(v);
    if (!any_nz) {
      max_val = min_val = a;
      any_nz = true;
    } else {
      max_val = std::max(max_val, a);
      min_val = std::min(min_val, a);
    }
  }
  if (any_nz && (max_val >= 1e8 || min_val < 0.0001 || max_val / min_val > 1000.)) f.exp = true;
  if (finite.empty()) {
    f.pad_left = f.pad_right = 0;
  } else if (f.exp) {
    size_t max_int = 0, max_frac = 0, max_exp = 0;
    for (double v : finite) {
      std::string s = Scientific(v, 8);
      size_t e = s.find('e');
      std::string mant = s.substr(0, e);
      size_t dot = mant.find('.');
      max_int = std::max(max_int, dot);
      max_frac = std::max(max_frac, mant.size() - dot - 1);
      max_exp = std::max(max_exp, s.size() - e - 1);
    }
    f.exp_size = static_cast<int>(max_exp) - 1;
    f.trim_k = true;
    f.precision = static_cast<int>(max_frac);
    f.pad_left = max_int;
    f.pad_right = static_cast<size_t>(f.exp_size) + 2 + max_frac;
  } else {
    size_t max_int = 0, max_frac = 0;
    for (double v : finite) {
      std::string s = Positional(v, 8);
      size_t dot = s.find('.');
      max_int = std::max(max_int, dot);
      max_frac = std::max(max_frac, s.size() - dot - 1);
    }
    f.pad_left = max_int;
    f.pad_right = max_frac;
  }
  if (finite.size() != data.size()) {
    bool neginf = false;
    for (double v : data) {
      if (std::isinf(v) && v < 0) neginf = true;
    }
    long offset = static_cast<long>(f.pad_right) + 1;
    long want = std::max<long>(3 - offset, 3 + (neginf ? 1 : 0) - offset);
    if (want > static_cast<long>(f.pad_left)) f.pad_left = static_cast<size_t>(want);
  }
  return f;
}

std::string FormatFloatElem(double x, const FloatFmt& f) {
  if (!std::isfinite(x)) {
    std::string ret = std::isnan(x) ? "nan" : (x < 0 ? "-inf" : "inf");
    size_t w = f.pad_left + f.pad_right + 1;
    return ret.size() >= w ? ret : std::string(w - ret.size(), ' ') + ret;
  }
  std::string s;
  std::string int_part, frac_part;
  if (f.exp) {
    s = Scientific(x, 8);
    size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    std::string exps = s.substr(e + 2);  // digits
    char sign = s[e + 1];
    size_t dot = mant.find('.');
    int_part = mant.substr(0, dot);
    frac_part = mant.substr(dot + 1);
    while (static_cast<int>(frac_part.size()) < f.precision) frac_part += '0';
    while (static_cast<int>(exps.size()) < f.exp_size) exps = "0" + exps;
    std::string out = int_part + "." + frac_part + "e" + sign + exps;
    if (int_part.size() < f.pad_left) out = std::string(f.pad_left - int_part.size(), ' ') + out;
    return out;
  }
  s = Positional(x, 8);
  size_t dot = s.find('.');
  int_part = s.substr(0, dot);
  frac_part = s.substr(dot + 1);
  std::string out = int_part + "." + frac_part;
  if (int_part.size() < f.pad_left) out = std::string(f.pad_left - int_part.size(), ' ') + out;
  if (frac_part.size() < f.pad_right) out += std::string(f.pad_right - frac_part.size(), ' ');
  return out;
}

// Element strings of a flat array in numpy's style for its dtype.
std::vector<std::string> FormatElements(const Column& c, const std::vector<size_t>& idx, bool repr) {
  std::vector<std::string> out;
  switch (c.dtype) {
    case DType::kFloat32:
    case DType::kFloat64: {
      std::vector<double> v;
      for (size_t i : idx) v.push_back(c.AsDouble(i));
      FloatFmt f = MakeFloatFmt(v);
      for (double d : v) out.push_back(FormatFloatElem(d, f));
      return out;
    }
    case DType::kBool:
      for (size_t i : idx) out.push_back(c.b[i] ? " True" : "False");
      return out;
    case DType::kInt32:
    case DType::kInt64:
    case DType::kUInt64: {
      size_t w = 0;
      for (size_t i : idx) {
        std::string s = c.dtype == DType::kInt32    ? std::to_string(c.i32[i])
                        : c.dtype == DType::kUInt64 ? std::to_string(static_cast<uint64_t>(c.i64[i]))
                                                    : std::to_string(c.i64[i]);
        w = std::max(w, s.size());
        out.push_back(std::move(s));
      }
      for (auto& s : out) s = RJust(s, w);
      return out;
    }
    default: {
      size_t w = 0;
      for (size_t i : idx) {
        const Cell& cell = c.cells[i];
        std::string s = CellRepr(cell);
        w = std::max(w, U8Len(s));
        out.push_back(std::move(s));
      }
      // numpy left-pads object/str elements to a common width only for str arrays.
      if (c.dtype == DType::kStr) {
        for (auto& s : out) s = LJust(s, w);
      }
      (void)repr;
      return out;
    }
  }
}

// numpy's _extendLine: wrap before `word` when the line would exceed the width (unless wrapping
// would not help).
void ExtendLine(std::string& s, std::string& line, const std::string& word, size_t width,
                const std::string& next_prefix) {
  bool wrap = line.size() + word.size() > width && line.size() > next_prefix.size();
  if (wrap) {
    size_t end = line.find_last_not_of(' ');
    s += (end == std::string::npos ? "" : line.substr(0, end + 1)) + "\n";
    line = next_prefix;
  }
  line += word;
}

struct ArrayPrinter {
  const NdArray& a;
  std::string separator;
  bool summarize;
  // Formatted elements by flat index (only the displayed ones are formatted).
  std::map<size_t, std::string> words;

  std::vector<int64_t> Indices(int64_t n) const {
    std::vector<int64_t> ids;
    if (summarize && n > 6) {
      for (int64_t i = 0; i < 3; ++i) ids.push_back(i);
      ids.push_back(-1);
      for (int64_t i = n - 3; i < n; ++i) ids.push_back(i);
    } else {
      for (int64_t i = 0; i < n; ++i) ids.push_back(i);
    }
    return ids;
  }

  void Collect(std::vector<int64_t>& index, std::vector<size_t>* flat) const {
    size_t axis = index.size();
    if (axis == a.ndim()) {
      size_t f = 0;
      for (size_t k = 0; k < a.ndim(); ++k) f = f * static_cast<size_t>(a.shape[k]) + static_cast<size_t>(index[k]);
      flat->push_back(f);
      return;
    }
    for (int64_t i : Indices(a.shape[axis])) {
      if (i < 0) continue;
      index.push_back(i);
      Collect(index, flat);
      index.pop_back();
    }
  }

  std::string Recurse(std::vector<int64_t>& index, const std::string& hanging, size_t width) {
    size_t axis = index.size();
    size_t left = a.ndim() - axis;
    if (left == 0) {
      size_t f = 0;
      for (size_t k = 0; k < a.ndim(); ++k) f = f * static_cast<size_t>(a.shape[k]) + static_cast<size_t>(index[k]);
      return words[f];
    }
    std::string next_hanging = hanging + " ";
    size_t next_width = width - 1;
    std::vector<int64_t> ids = Indices(a.shape[axis]);
    std::string s;
    std::string sep_r = separator;
    while (!sep_r.empty() && sep_r.back() == ' ') sep_r.pop_back();
    if (left == 1) {
      size_t elem_width = width - std::max<size_t>(sep_r.size(), 1);
      std::string line = hanging;
      for (size_t k = 0; k < ids.size(); ++k) {
        bool last = k + 1 == ids.size();
        std::string word;
        if (ids[k] < 0) {
          word = "...";
        } else {
          index.push_back(ids[k]);
          word = Recurse(index, next_hanging, next_width);
          index.pop_back();
        }
        ExtendLine(s, line, word, elem_width, hanging);
        if (!last) line += separator;
      }
      s += line;
    } else {
      std::string line_sep = sep_r + std::string(left - 1, '\n');
      for (size_t k = 0; k < ids.size(); ++k) {
        bool last = k + 1 == ids.size();
        if (ids[k] < 0) {
          s += hanging + "..." + line_sep;
          continue;
        }
        index.push_back(ids[k]);
        std::string nested = Recurse(index, next_hanging, next_width);
        index.pop_back();
        s += hanging + nested + (last ? "" : line_sep);
      }
    }
    return "[" + s.substr(hanging.size()) + "]";
  }
};

std::string FormatArray(const NdArray& a, bool repr) {
  std::string prefix = repr ? "array(" : "";
  ArrayPrinter p{a, repr ? ", " : " ", a.data.size() > 1000, {}};
  std::string body;
  if (a.ndim() == 0) {
    body = FormatElements(a.data, {0}, repr)[0];
  } else {
    std::vector<size_t> flat;
    std::vector<int64_t> index;
    p.Collect(index, &flat);
    auto elems = FormatElements(a.data, flat, repr);
    for (size_t i = 0; i < flat.size(); ++i) p.words[flat[i]] = elems[i];
    index.clear();
    size_t width = 75 - (repr ? 1 : 0);  // repr: the closing ")" counts against the width
    body = p.Recurse(index, " " + std::string(prefix.size(), ' '), width);
  }
  if (!repr) return body;
  std::string out = "array(" + body;
  bool default_dtype = a.data.dtype == DType::kFloat64 || a.data.dtype == DType::kInt64 || a.data.dtype == DType::kBool;
  std::vector<std::string> extras;
  if (p.summarize) {
    std::string shape = "shape=(";
    for (size_t i = 0; i < a.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape[i]);
    extras.push_back(shape + (a.shape.size() == 1 ? ",)" : ")"));
  }
  if (!default_dtype) {
    extras.push_back("dtype=" + std::string(a.data.dtype == DType::kObject ? "object" : DTypeName(a.data.dtype)));
  }
  if (!extras.empty()) {
    std::string joined;
    for (size_t i = 0; i < extras.size(); ++i) joined += (i ? ", " : "") + extras[i];
    size_t last_nl = out.rfind('\n');
    size_t last_len = last_nl == std::string::npos ? out.size() : out.size() - last_nl - 1;
    if (last_len + joined.size() + 2 > 75) {
      out += ",\n" + std::string(prefix.size(), ' ') + joined;
    } else {
      out += ", " + joined;
    }
  }
  return out + ")";
}

}  // namespace

std::string NdArrayStr(const NdArray& a) { return FormatArray(a, false); }
std::string NdArrayRepr(const NdArray& a) { return FormatArray(a, true); }

}  // namespace mlflow::models
