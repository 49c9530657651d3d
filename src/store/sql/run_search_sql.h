#pragma once
// Runs one compiled run search (search/sql_compiler.h) on a connection: the ids of one page, in
// order, and the next page token. With run_segments (an order of at most one key), the parts run in
// order, each an index walk with LIMIT, until the page and one more row are found; the token then
// records the last row (search/run_page_token.h) so the next page seeks past it. Otherwise the one
// query MLflow's order compiles to, with its OFFSET.
//
//   MLFLOW_ASSIGN_OR_RETURN(search::CompiledSearch cs, search::CompileRunSearch(spec, c.dialect()));
//   RunIdPage page = SearchRunIds(c, cs);  // page.ids, page.next_page_token
#include <string>
#include <vector>

#include "search/sql_compiler.h"
#include "store/sql/connection.h"

namespace mlflow::store::sql {

struct RunIdPage {
  std::vector<std::string> ids;
  std::string next_page_token;
};

RunIdPage SearchRunIds(Connection& c, const search::CompiledSearch& compiled);

}  // namespace mlflow::store::sql
