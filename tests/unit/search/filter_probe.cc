// Developer tool (not a test): reads "entity|filter" lines (entity: runs, exp, rm, mv, lm, or
// ob-runs/ob-exp/ob-rm/ob-mv for order_by) and prints our parse or error, one line each, so the
// output can be diffed against real MLflow (see search_corpus.py next to this file).
#include <iostream>
#include <string>

#include "search/filter.h"
#include "search/order_by.h"

using namespace mlflow::search;

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t bar = line.find('|');
    if (bar == std::string::npos) continue;
    std::string ent = line.substr(0, bar), text = line.substr(bar + 1);
    bool ob = ent.rfind("ob-", 0) == 0;
    std::string e = ob ? ent.substr(3) : ent;
    SearchEntity entity = e == "runs" ? SearchEntity::kRuns
                          : e == "exp" ? SearchEntity::kExperiments
                          : e == "rm"  ? SearchEntity::kRegisteredModels
                          : e == "mv"  ? SearchEntity::kModelVersions
                                       : SearchEntity::kLoggedModels;
    if (ob) {
      auto r = ParseOrderBy(entity, text);
      if (r.ok()) std::cout << "OK " << KeyTypeText(r->type) << ".`" << r->key << "` " << (r->ascending ? "ASC" : "DESC") << "\n";
      else std::cout << "ERR " << r.status().message() << "\n";
      continue;
    }
    auto r = ParseFilter(entity, text);
    if (r.ok()) std::cout << "OK " << RenderFilter(*r) << "\n";
    else std::cout << "ERR " << r.status().message() << "\n";
  }
}
