// MySQL spelling of the store's SQL (mysql_sql.h), the mysql:// URI parser and the MySQL DDL;
// no server needed (tests/mysql/ runs the rest on MariaDB).
#include <gtest/gtest.h>

#include "store/sql/connection.h"
#include "store/sql/mysql_sql.h"
#include "store/sql/schema_ddl.h"
#include "store/sql/store_uri.h"

namespace mlflow::store::sql {
namespace {

TEST(MysqlSql, QuotesReservedColumnsOutsideLiteralsOnly) {
  EXPECT_EQ(TranslateForMysql("SELECT key, t.key, 'key', \"key\" FROM tags WHERE key = ? ORDER BY key"),
            "SELECT \"key\", t.\"key\", 'key', \"key\" FROM tags WHERE \"key\" = ? ORDER BY \"key\"");
  EXPECT_EQ(TranslateForMysql("SELECT name, schema FROM evaluation_datasets"),
            "SELECT name, \"schema\" FROM evaluation_datasets");
  // Words that merely contain it, and upper-case keywords, stay.
  EXPECT_EQ(TranslateForMysql("SELECT keys, monkey, key_id FROM x -- key\n"), "SELECT keys, monkey, key_id FROM x -- key\n");
  EXPECT_EQ(TranslateForMysql("SELECT 'it''s key' || ?"), "SELECT 'it''s key' || ?");
}

TEST(MysqlSql, UpsertsBecomeOnDuplicateKeyUpdate) {
  EXPECT_EQ(TranslateForMysql("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?) "
                              "ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value"),
            "INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?) "
            "ON DUPLICATE KEY UPDATE value = VALUES(value)");
  EXPECT_EQ(TranslateForMysql("INSERT INTO t (\"key\", value) VALUES (?, ?) ON CONFLICT (\"key\") DO UPDATE SET "
                              "value = excluded.value, \"key\" = excluded.\"key\""),
            "INSERT INTO t (\"key\", value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), "
            "\"key\" = VALUES(\"key\")");
  EXPECT_EQ(TranslateForMysql("INSERT INTO metrics (key, value) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING"),
            "INSERT INTO metrics (\"key\", value) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE \"key\" = \"key\"");
  EXPECT_EQ(TranslateForMysql("INSERT INTO e (a, b) VALUES (?, ?) ON CONFLICT (a, b) DO NOTHING"),
            "INSERT INTO e (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = a");
  // A conditional upsert has no MySQL form: refused, never rewritten into something else.
  EXPECT_THROW(TranslateForMysql("INSERT INTO l (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a "
                                 "WHERE excluded.a > l.a"),
               SqlError);
  EXPECT_EQ(TranslateForMysql("SELECT 'ON CONFLICT DO NOTHING'"), "SELECT 'ON CONFLICT DO NOTHING'");
}

TEST(MysqlUri, ParsesSqlAlchemyUris) {
  auto t = ParseMysqlUri("mysql+pymysql://us%40er:p%3Ass@db.example:3307/mlflow?charset=utf8mb4");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->user, "us@er");
  EXPECT_EQ(t->password, "p:ss");
  EXPECT_EQ(t->host, "db.example");
  EXPECT_EQ(t->port, 3307u);
  EXPECT_EQ(t->database, "mlflow");
  EXPECT_EQ(t->unix_socket, "");
  auto s = ParseMysqlUri("mysql://root@localhost/db?unix_socket=/tmp/x/mysqld.sock");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->port, 3306u);
  EXPECT_EQ(s->password, "");
  EXPECT_EQ(s->unix_socket, "/tmp/x/mysqld.sock");
  EXPECT_TRUE(IsMysqlUri("mysql://u@h/d"));
  EXPECT_TRUE(IsMysqlUri("mysql+mysqldb://u@h/d"));
  EXPECT_FALSE(IsMysqlUri("mysqlx://u@h/d"));
  EXPECT_FALSE(ParseMysqlUri("mysql://u:p@h:3306/").ok());         // no database
  EXPECT_FALSE(ParseMysqlUri("mysql://u:p@h:99999/db").ok());      // bad port
  Status st = ParseMysqlUri("mysql://u:secret@h:x/db").status();
  EXPECT_EQ(st.message().find("secret"), std::string::npos) << st.message();  // never shows the password
}

TEST(MysqlDdl, SpellsMlflowsMysqlTypes) {
  std::string all;
  for (const std::string& st : schema::GenerateDdl(schema::MlflowSchema(), schema::MysqlDdl())) all += st + ";\n";
  EXPECT_NE(all.find("`experiment_id` INTEGER AUTO_INCREMENT NOT NULL"), std::string::npos);
  EXPECT_NE(all.find("`value` FLOAT(53) NOT NULL"), std::string::npos);
  EXPECT_NE(all.find("`dataset_schema` MEDIUMTEXT"), std::string::npos);
  EXPECT_NE(all.find("`content` LONGTEXT NOT NULL"), std::string::npos);
  EXPECT_NE(all.find("`is_nan` BOOL"), std::string::npos);
  EXPECT_NE(all.find("CHECK (`is_nan` IN (0, 1))"), std::string::npos);
}

}  // namespace
}  // namespace mlflow::store::sql
