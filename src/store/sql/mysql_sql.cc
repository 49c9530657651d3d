#include "store/sql/mysql_sql.h"

#include <cctype>

#include "store/sql/connection.h"

namespace mlflow::store::sql {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// MLflow's column names that MySQL reserves (evaluation_datasets.schema, the tag tables' key).
bool IsReservedColumn(const std::string& word) { return word == "key" || word == "schema"; }

// Copies `sql` with the lower-case reserved column names quoted; notes where ON CONFLICT starts (outside
// quotes), as an offset into the output.
std::string QuoteKeys(const std::string& sql, size_t* on_conflict) {
  std::string out;
  out.reserve(sql.size() + 8);
  *on_conflict = std::string::npos;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (ch == '\'' || ch == '"' || ch == '`') {
      size_t j = i + 1;
      while (j < sql.size()) {
        if (ch == '\'' && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == ch) {
          if (j + 1 < sql.size() && sql[j + 1] == ch) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out.append(sql, i, std::min(j, sql.size() - 1) - i + 1);
      i = j;
      continue;
    }
    if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      if (j == std::string::npos) j = sql.size() - 1;
      out.append(sql, i, j - i + 1);
      i = j;
      continue;
    }
    if (IsWordChar(ch) && (i == 0 || !IsWordChar(sql[i - 1]))) {
      size_t j = i;
      while (j < sql.size() && IsWordChar(sql[j])) ++j;
      const std::string word = sql.substr(i, j - i);
      if (IsReservedColumn(word)) {
        out += "\"" + word + "\"";
      } else {
        if (word == "ON" && *on_conflict == std::string::npos && sql.compare(j, 9, " CONFLICT") == 0) {
          *on_conflict = out.size();
        }
        out += word;
      }
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

[[noreturn]] void Untranslatable(const std::string& sql) {
  throw SqlError(SqlError::Kind::kOther, "statement has no MySQL form: " + sql.substr(0, 300));
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

// The first column of "INSERT INTO t (c1, c2, ...)".
std::string FirstInsertColumn(const std::string& sql) {
  size_t open = sql.find('(');
  if (sql.rfind("INSERT INTO", 0) != 0 || open == std::string::npos) Untranslatable(sql);
  size_t end = sql.find_first_of(",)", open + 1);
  if (end == std::string::npos) Untranslatable(sql);
  return Trim(sql.substr(open + 1, end - open - 1));
}

}  // namespace

std::string TranslateForMysql(const std::string& sql) {
  size_t at = std::string::npos;
  std::string out = QuoteKeys(sql, &at);
  if (at == std::string::npos) return out;
  std::string head = out.substr(0, at);
  std::string rest = Trim(out.substr(at + std::string("ON CONFLICT").size()));
  if (!rest.empty() && rest[0] == '(') {
    size_t close = rest.find(')');
    if (close == std::string::npos) Untranslatable(sql);
    rest = Trim(rest.substr(close + 1));
  }
  if (rest == "DO NOTHING") {
    const std::string col = FirstInsertColumn(head);
    return head + "ON DUPLICATE KEY UPDATE " + col + " = " + col;
  }
  const std::string kSet = "DO UPDATE SET ";
  if (rest.rfind(kSet, 0) != 0) Untranslatable(sql);
  std::string assignments = rest.substr(kSet.size());
  if (assignments.find(" WHERE ") != std::string::npos) Untranslatable(sql);
  // excluded.<column> -> VALUES(<column>)
  std::string translated;
  for (size_t i = 0; i < assignments.size();) {
    if (assignments.compare(i, 9, "excluded.") == 0 && (i == 0 || !IsWordChar(assignments[i - 1]))) {
      size_t j = i + 9;
      size_t k = j;
      if (k < assignments.size() && assignments[k] == '"') {
        k = assignments.find('"', k + 1);
        if (k == std::string::npos) Untranslatable(sql);
        ++k;
      } else {
        while (k < assignments.size() && IsWordChar(assignments[k])) ++k;
      }
      translated += "VALUES(" + assignments.substr(j, k - j) + ")";
      i = k;
    } else {
      translated += assignments[i++];
    }
  }
  return head + "ON DUPLICATE KEY UPDATE " + translated;
}

}  // namespace mlflow::store::sql
