#include "auth/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstdint>
#include <vector>

namespace mlflow::auth {
namespace {

constexpr std::string_view kSaltChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// scrypt parameters beyond these would let a stored hash make every login cost gigabytes.
constexpr uint64_t kMaxScryptMemory = uint64_t{1} << 30;
constexpr uint64_t kMaxPbkdf2Iterations = 100'000'000;

std::string Hex(const std::vector<unsigned char>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// The hex digest for a method with its arguments ("scrypt:32768:8:1", "pbkdf2:sha256:600000",
// "pbkdf2" alone means werkzeug's defaults); empty when the method is unknown or out of bounds.
std::string Derive(std::string_view method, std::string_view salt, std::string_view password) {
  std::vector<std::string_view> args = Split(method, ':');
  if (args[0] == "scrypt") {
    uint64_t n = 32768, r = 8, p = 1;
    if (args.size() == 4) {
      if (!ParseUint(args[1], &n) || !ParseUint(args[2], &r) || !ParseUint(args[3], &p)) return {};
    } else if (args.size() != 1) {
      return {};
    }
    if (n < 2 || r == 0 || p == 0 || r > 64 || p > 64 || 128 * n * r * p > kMaxScryptMemory) return {};
    std::vector<unsigned char> out(64);
    if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                       salt.size(), n, r, p, 132 * n * r * p, out.data(), out.size()) != 1) {
      return {};
    }
    return Hex(out);
  }
  if (args[0] == "pbkdf2") {
    std::string digest_name = "sha256";
    uint64_t iterations = 1'000'000;  // werkzeug 3.1's default when the hash names none
    if (args.size() >= 2) digest_name = std::string(args[1]);
    if (args.size() == 3 && !ParseUint(args[2], &iterations)) return {};
    if (args.size() > 3 || iterations == 0 || iterations > kMaxPbkdf2Iterations) return {};
    const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
    if (md == nullptr) return {};
    std::vector<unsigned char> out(static_cast<size_t>(EVP_MD_get_size(md)));
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          static_cast<int>(iterations), md, static_cast<int>(out.size()), out.data()) != 1) {
      return {};
    }
    return Hex(out);
  }
  return {};
}

}  // namespace

std::string HashPassword(std::string_view password) {
  std::string salt(16, 'a');
  unsigned char random[16];
  RAND_bytes(random, sizeof(random));
  for (size_t i = 0; i < salt.size(); ++i) salt[i] = kSaltChars[random[i] % kSaltChars.size()];
  const std::string method = "scrypt:32768:8:1";
  return method + "$" + salt + "$" + Derive(method, salt, password);
}

bool VerifyPassword(std::string_view stored, std::string_view password) {
  std::vector<std::string_view> parts = Split(stored, '$');
  if (parts.size() != 3) return false;
  std::string expected = Derive(parts[0], parts[1], password);
  if (expected.empty() || expected.size() != parts[2].size()) return false;
  return CRYPTO_memcmp(expected.data(), parts[2].data(), expected.size()) == 0;
}

}  // namespace mlflow::auth
