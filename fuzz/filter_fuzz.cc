// Fuzz target: the search filter, order_by and page-token parsers (src/search) and the SQL compiler
// behind them. Input: one byte picking the entity, then the filter text; a second line, when
// present, is an order_by clause and a third a page token. Any byte string must give a Status,
// never a crash, and a filter that parses must compile (filter.h promises it).
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "search/dataset_search.h"
#include "search/filter.h"
#include "search/filter_traces.h"
#include "search/order_by.h"
#include "search/page_token.h"
#include "search/sql_compiler.h"

using namespace mlflow::search;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlflow::fuzz::FuzzInput in(data, size);
  uint8_t which = in.Byte();
  std::string filter(in.Line());
  std::string order_by(in.Line());
  std::string token(in.Line());
  constexpr mlflow::SqlDialect kDialects[] = {mlflow::SqlDialect::kSqlite, mlflow::SqlDialect::kPostgres,
                                               mlflow::SqlDialect::kMysql, mlflow::SqlDialect::kSqlite};
  mlflow::SqlDialect dialect = kDialects[which >> 6];
  switch (which % 8) {
    case 0: {
      bool parsed = ParseFilter(SearchEntity::kRuns, filter).ok();
      RunSearchSpec spec;
      spec.experiment_ids = {"0", "1"};
      spec.filter = filter;
      if (!order_by.empty()) spec.order_by = {order_by};
      spec.page_token = token;
      auto compiled = CompileRunSearch(spec, dialect);
      // A filter that parses compiles unless order_by or the token is what is wrong.
      if (parsed && order_by.empty() && token.empty() && !compiled.ok()) abort();
      break;
    }
    case 1: {
      ExperimentSearchSpec spec;
      spec.filter = filter;
      if (!order_by.empty()) spec.order_by = {order_by};
      spec.page_token = token;
      (void)CompileExperimentSearch(spec, dialect);
      break;
    }
    case 2: {
      RegisteredModelSearchSpec spec;
      spec.filter = filter;
      if (!order_by.empty()) spec.order_by = {order_by};
      spec.page_token = token;
      (void)CompileRegisteredModelSearch(spec, dialect);
      break;
    }
    case 3: {
      ModelVersionSearchSpec spec;
      spec.filter = filter;
      if (!order_by.empty()) spec.order_by = {order_by};
      spec.page_token = token;
      (void)CompileModelVersionSearch(spec, dialect);
      break;
    }
    case 4: {
      LoggedModelSearchSpec spec;
      spec.experiment_ids = {"0"};
      spec.filter = filter;
      if (!order_by.empty()) spec.order_by.push_back(LoggedModelOrderBy{order_by, (which & 0x20) != 0, {}, {}});
      spec.page_token = token;
      (void)CompileLoggedModelSearch(spec, dialect);
      break;
    }
    case 5: {
      (void)ParseTraceFilter(filter);
      (void)ParseTraceOrderBy({order_by});
      break;
    }
    case 6: {
      (void)ParseDatasetFilter(filter);
      (void)ParseDatasetOrderBy(order_by);
      break;
    }
    default: {
      (void)DecodeOffsetToken(filter);
      (void)DecodeLoggedModelToken(filter);
      auto decoded = Base64Decode(filter);
      // Base64 round trip: what decodes re-encodes to text that decodes to the same bytes.
      if (decoded && Base64Decode(Base64Encode(*decoded)) != decoded) abort();
      break;
    }
  }
  return 0;
}
