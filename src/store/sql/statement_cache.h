#pragma once
// A connection's prepared statements by SQL text: bounded, least recently used out first, and a
// statement that is leased is never destroyed while the lease lives.
//
// Leases share ownership of their statement (StatementLease holds a shared_ptr), so the cache may
// drop an entry whose statement is still in use: the statement then lives until its lease ends.
// The cache evicts only idle entries (held by the cache alone), so in practice a leased statement
// stays cached. A text already leased is not handed out twice: the caller prepares a private
// statement for the second use (nested use of one text, e.g. a query inside a loop over the same
// query's rows, is then safe).
//
// Regression: issue 26 ("the server segfaults after a few hundred searches of different page
// sizes"): the old cache cleared itself when full, destroying the search's own statement while
// it was leased. tests/unit/store/statement_cache_test.cc guards it.
//
//   StatementCache cache(512);
//   if (auto st = cache.TakeIdle(sql)) return StatementLease(std::move(st));
//   auto st = PrepareNew(sql);
//   if (!cache.Contains(sql)) cache.Insert(sql, st);
//   return StatementLease(std::move(st));
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "store/sql/connection.h"

namespace mlflow::store::sql {

class StatementCache {
 public:
  explicit StatementCache(size_t capacity) : capacity_(capacity) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The cached statement for `sql` when it is idle (and marks it most recently used); nullptr when
  // the text is not cached or its statement is leased right now.
  std::shared_ptr<Statement> TakeIdle(const std::string& sql) {
    auto it = index_.find(sql);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    const std::shared_ptr<Statement>& st = it->second->statement;
    return IsIdle(st) ? st : nullptr;
  }

  bool Contains(const std::string& sql) const { return index_.count(sql) != 0; }

  // Caches a new statement as the most recently used, then evicts idle entries from the least
  // recently used end until the cache is within its capacity (leased entries are skipped).
  void Insert(const std::string& sql, std::shared_ptr<Statement> st) {
    lru_.push_front(Entry{sql, std::move(st)});
    index_[sql] = lru_.begin();
    for (auto it = lru_.end(); lru_.size() > capacity_ && it != lru_.begin();) {
      --it;
      if (!IsIdle(it->statement)) continue;
      index_.erase(it->sql);
      it = lru_.erase(it);
    }
  }

  // Drops every entry; leased statements live on until their leases end.
  void Clear() {
    index_.clear();
    lru_.clear();
  }

  size_t size() const { return lru_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string sql;
    std::shared_ptr<Statement> statement;
  };
  // Held by the cache alone: no lease shares it.
  static bool IsIdle(const std::shared_ptr<Statement>& st) { return st.use_count() == 1; }

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace mlflow::store::sql
