#pragma once
// A value bound to a SQL statement parameter. Search compiles user filters into SQL text with
// placeholders plus a list of these; user text never becomes SQL text.
#include <cstdint>
#include <string>
#include <variant>

namespace mlflow {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

// The SQL dialect a statement is generated for.
enum class SqlDialect { kSqlite, kPostgres, kMysql };

}  // namespace mlflow
