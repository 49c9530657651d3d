#include "store/sql/run_search_sql.h"

namespace mlflow::store::sql {
namespace {

SqlValue KeyValue(Statement& st, search::CompiledSearch::KeyKind kind) {
  using Kind = search::CompiledSearch::KeyKind;
  if (st.IsNull(1)) return SqlValue{};
  switch (kind) {
    case Kind::kInt: return SqlValue{st.Int(1)};
    case Kind::kDouble: return SqlValue{st.Double(1)};
    case Kind::kText: return SqlValue{st.Text(1)};
    case Kind::kNone: return SqlValue{};
  }
  return SqlValue{};
}

}  // namespace

RunIdPage SearchRunIds(Connection& c, const search::CompiledSearch& compiled) {
  RunIdPage page;
  const size_t max = static_cast<size_t>(compiled.max_results);
  if (compiled.run_segments.empty()) {
    auto st = c.Prepare(compiled.query.sql);
    st->BindAll(compiled.query.params);
    size_t rows = 0;
    while (st->Step()) {
      ++rows;
      if (page.ids.size() < max) page.ids.push_back(st->Text(0));
    }
    page.next_page_token = compiled.NextPageToken(rows);
    return page;
  }
  // One row past the page says whether there is a next one, as MLflow's LIMIT max_results + 1.
  int64_t skip = compiled.run_skip;
  size_t rows = 0;
  search::RunKeyset last;
  for (size_t i = 0; i < compiled.run_segments.size() && rows <= max; ++i) {
    const search::SqlQuery& q = compiled.run_segments[i];
    auto st = c.Prepare(q.sql);
    st->BindAll(q.params);
    while (rows <= max && st->Step()) {
      if (skip > 0) {
        --skip;
        continue;
      }
      ++rows;
      if (page.ids.size() >= max) continue;
      page.ids.push_back(st->Text(0));
      if (page.ids.size() == max) {
        last.segment = compiled.run_segment_ids[i];
        last.value = KeyValue(*st, compiled.run_key_kind);
        last.start_time = st->IsNull(2) ? std::nullopt : std::optional<int64_t>(st->Int(2));
        last.run_uuid = page.ids.back();
      }
    }
  }
  page.next_page_token = compiled.NextRunPageToken(rows, last);
  return page;
}

}  // namespace mlflow::store::sql
