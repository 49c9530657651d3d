#include "auth/password_hash.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace mlflow::auth {
namespace {

std::string RunCommand(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out += buf.data();
  return out;
}

// The venv's python (tests/interop/make_venv.sh prints the venv's path last).
std::string VenvPython() {
  std::string out = RunCommand(std::string(MLFLOW_TEST_MAKE_VENV) + " 2>/dev/null | tail -n 1");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out + "/bin/python";
}

// werkzeug.security.generate_password_hash(password, method).
std::string WerkzeugHash(const std::string& password, const std::string& method) {
  static const std::string python = VenvPython();
  std::string cmd = python +
                    " -c 'import sys; from werkzeug.security import generate_password_hash as g; "
                    "print(g(sys.argv[1], method=sys.argv[2]))' '" +
                    password + "' '" + method + "'";
  std::string out = RunCommand(cmd);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool WerkzeugVerifies(const std::string& hash, const std::string& password) {
  static const std::string python = VenvPython();
  std::string cmd = python +
                    " -c 'import sys; from werkzeug.security import check_password_hash as c; "
                    "print(c(sys.argv[1], sys.argv[2]))' '" +
                    hash + "' '" + password + "'";
  return RunCommand(cmd).rfind("True", 0) == 0;
}

TEST(PasswordHash, VerifiesWerkzeugScrypt) {
  std::string h = WerkzeugHash("correct horse battery", "scrypt");
  ASSERT_EQ(h.rfind("scrypt:32768:8:1$", 0), 0u) << h;
  EXPECT_TRUE(VerifyPassword(h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(h, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword(h, ""));
}

TEST(PasswordHash, VerifiesWerkzeugScryptWithOtherParameters) {
  std::string h = WerkzeugHash("p@ss wörd-12", "scrypt:16384:8:2");
  ASSERT_EQ(h.rfind("scrypt:16384:8:2$", 0), 0u) << h;
  EXPECT_TRUE(VerifyPassword(h, "p@ss wörd-12"));
  EXPECT_FALSE(VerifyPassword(h, "p@ss word-12"));
}

TEST(PasswordHash, VerifiesWerkzeugPbkdf2) {
  for (const std::string method : {"pbkdf2:sha256:600000", "pbkdf2:sha256:1000", "pbkdf2:sha512:2000"}) {
    std::string h = WerkzeugHash("older-database-pw", method);
    ASSERT_EQ(h.rfind(method + "$", 0), 0u) << h;
    EXPECT_TRUE(VerifyPassword(h, "older-database-pw")) << method;
    EXPECT_FALSE(VerifyPassword(h, "older-database-px")) << method;
  }
}

TEST(PasswordHash, WerkzeugVerifiesOurHashes) {
  std::string h = HashPassword("our-own-password");
  ASSERT_EQ(h.rfind("scrypt:32768:8:1$", 0), 0u) << h;
  EXPECT_TRUE(VerifyPassword(h, "our-own-password"));
  EXPECT_TRUE(WerkzeugVerifies(h, "our-own-password"));
  EXPECT_FALSE(WerkzeugVerifies(h, "our-own-passwore"));
  EXPECT_NE(HashPassword("our-own-password"), h);  // a new salt every time
}

TEST(PasswordHash, RefusesMalformedAndUnboundedHashes) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("plain$salt", "x"));
  EXPECT_FALSE(VerifyPassword("md5$salt$00", "x"));
  EXPECT_FALSE(VerifyPassword("scrypt:1073741824:8:1$salt$00", "x"));  // would need 1 TiB
  EXPECT_FALSE(VerifyPassword("pbkdf2:sha256:0$salt$00", "x"));
  EXPECT_FALSE(VerifyPassword("pbkdf2:nosuchdigest:10$salt$00", "x"));
  EXPECT_FALSE(VerifyPassword("scrypt:x:8:1$salt$00", "x"));
}

}  // namespace
}  // namespace mlflow::auth
