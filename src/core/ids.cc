#include "core/ids.h"

#include <array>
#include <chrono>
#include <random>

namespace mlflow {
namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}

constexpr std::array<const char*, 24> kAdjectives = {
    "able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "gentle", "grand", "happy",
    "keen", "kind", "lively", "loud", "merry", "nimble", "proud", "quick", "shy", "smart", "swift", "wise"};
constexpr std::array<const char*, 24> kNouns = {
    "ant", "bass", "bear", "cat", "crab", "deer", "doe", "duck", "eel", "fox", "frog", "goat",
    "hawk", "hen", "jay", "lark", "mole", "moth", "owl", "ram", "seal", "slug", "toad", "wolf"};

}  // namespace

std::string NewUuidHex() {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t a = Rng()(), b = Rng()();
  // Version 4, variant 10xx, like uuid4.
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) out[i] = kHex[(a >> (60 - 4 * i)) & 0xf];
  for (int i = 0; i < 16; ++i) out[16 + i] = kHex[(b >> (60 - 4 * i)) & 0xf];
  return out;
}

std::string NewLoggedModelId() { return "m-" + NewUuidHex(); }

std::string GenerateRunName() {
  auto& rng = Rng();
  std::string name = kAdjectives[rng() % kAdjectives.size()];
  name += "-";
  name += kNouns[rng() % kNouns.size()];
  name += "-";
  name += std::to_string(rng() % 1000);
  return name;
}

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace mlflow
