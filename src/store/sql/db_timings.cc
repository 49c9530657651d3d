#include "store/sql/db_timings.h"

namespace mlflow::store::sql {
namespace {

template <size_t N, size_t M>
void Observe(DbTimings::Histogram<N>& h, const std::array<double, M>& bounds, double v) {
  static_assert(N == M);
  for (size_t i = 0; i < N; ++i) {
    if (v <= bounds[i]) {
      h.buckets[i]++;
      break;
    }
  }
  h.count++;
  h.sum += v;
}

}  // namespace

void DbTimings::ObserveSeconds(Kind kind, double seconds) {
  std::lock_guard lock(mu_);
  Observe(data_.seconds[kind], kSecondBounds, seconds);
}

void DbTimings::ObserveBatch(size_t writes) {
  std::lock_guard lock(mu_);
  Observe(data_.batch, kBatchBounds, static_cast<double>(writes));
}

DbTimings::Snapshot DbTimings::snapshot() const {
  std::lock_guard lock(mu_);
  return data_;
}

}  // namespace mlflow::store::sql
