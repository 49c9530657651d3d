#pragma once
// The store's SQL text, written for SQLite and PostgreSQL, in MySQL's spelling. MysqlConnection
// applies it once per statement text, before preparing (as PostgresConnection rewrites `?` to $n):
//  - the column names `key` and `schema`, reserved words in MySQL, are quoted ("key" under
//    ANSI_QUOTES); only the lower-case words outside quotes, so SQL keywords (upper case) are left
//    alone;
//  - a trailing `ON CONFLICT [(cols)] DO UPDATE SET a = excluded.a, ...` becomes
//    `ON DUPLICATE KEY UPDATE a = VALUES(a), ...`;
//  - a trailing `ON CONFLICT [(cols)] DO NOTHING` becomes `ON DUPLICATE KEY UPDATE c = c` (c: the
//    first inserted column), which keeps the existing row and, unlike INSERT IGNORE, still fails
//    on every other error.
// An upsert with a WHERE condition has no MySQL form: the stores write those per dialect, and one
// reaching this function is an error (SqlError), never a silently different statement.
//
//   TranslateForMysql("INSERT INTO tags (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
//   == "INSERT INTO tags (\"key\", value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)"
#include <string>

namespace mlflow::store::sql {

std::string TranslateForMysql(const std::string& sql);

}  // namespace mlflow::store::sql
