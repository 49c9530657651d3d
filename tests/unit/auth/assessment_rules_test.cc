// The assessment tier of MLflow 3.17.2's assessment routes (auth/assessment_rules.h), per grant.
#include "auth/assessment_rules.h"

#include <gtest/gtest.h>

namespace mlflow::auth {
namespace {

using Op = AssessmentOp;

bool Can(const std::vector<Grant>& g, Op op, const char* default_permission = "READ") {
  return AssessmentAllowed(g, "1", op, default_permission);
}

TEST(AssessmentRules, WithoutATierGrantTheExperimentDecides) {
  std::vector<Grant> edit = {{"experiment", "1", "EDIT"}};
  for (Op op : {Op::kGet, Op::kCreate, Op::kUpdate, Op::kDelete}) EXPECT_TRUE(Can(edit, op));
  std::vector<Grant> read = {{"experiment", "1", "READ"}};
  EXPECT_TRUE(Can(read, Op::kGet));
  EXPECT_FALSE(Can(read, Op::kCreate));
  EXPECT_FALSE(Can(read, Op::kUpdate));
  EXPECT_FALSE(Can(read, Op::kDelete));
  std::vector<Grant> none = {{"experiment", "1", "NO_PERMISSIONS"}};
  EXPECT_FALSE(Can(none, Op::kGet));
  // Another experiment's grant does not count: the default permission applies.
  EXPECT_TRUE(Can({{"experiment", "2", "DENY"}}, Op::kGet));
  EXPECT_FALSE(Can({{"experiment", "2", "MANAGE"}}, Op::kUpdate));
}

TEST(AssessmentRules, ATierGrantOverridesTheExperimentBothWays) {
  std::vector<Grant> g = {{"experiment", "1", "MANAGE"}, {"assessment", "*", "DENY"}};
  EXPECT_FALSE(Can(g, Op::kGet));
  EXPECT_FALSE(Can(g, Op::kCreate));
  EXPECT_FALSE(Can(g, Op::kUpdate));
  EXPECT_FALSE(Can(g, Op::kDelete));
  g = {{"experiment", "1", "READ"}, {"assessment", "*", "EDIT"}};
  EXPECT_TRUE(Can(g, Op::kUpdate));
  EXPECT_FALSE(Can(g, Op::kDelete));  // EDIT on the tier does not delete
  EXPECT_FALSE(Can(g, Op::kCreate));  // the tier never confers a create
  g = {{"experiment", "1", "READ"}, {"assessment", "*", "MANAGE"}};
  EXPECT_TRUE(Can(g, Op::kDelete));
  g = {{"experiment", "1", "EDIT"}, {"assessment", "*", "READ"}};
  EXPECT_TRUE(Can(g, Op::kGet));
  EXPECT_FALSE(Can(g, Op::kUpdate));
  EXPECT_FALSE(Can(g, Op::kDelete));
  EXPECT_TRUE(Can(g, Op::kCreate));  // READ is not a veto
}

TEST(AssessmentRules, TheTraceTierAddressesAndMayConferACreate) {
  // A denied (or unreadable) trace tier refuses every operation, whatever else is granted.
  std::vector<Grant> g = {{"experiment", "1", "MANAGE"}, {"trace", "*", "DENY"}, {"assessment", "*", "MANAGE"}};
  for (Op op : {Op::kGet, Op::kCreate, Op::kUpdate, Op::kDelete}) EXPECT_FALSE(Can(g, op));
  // EDIT on the trace tier writes with only READ on the experiment; a READ trace grant does not
  // take an experiment's EDIT away.
  EXPECT_TRUE(Can({{"experiment", "1", "READ"}, {"trace", "*", "EDIT"}}, Op::kCreate));
  EXPECT_TRUE(Can({{"experiment", "1", "EDIT"}, {"trace", "*", "READ"}}, Op::kCreate));
  // An EDIT default lets anyone without grants write.
  EXPECT_TRUE(Can({}, Op::kCreate, "EDIT"));
  EXPECT_FALSE(Can({}, Op::kCreate, "READ"));
}

TEST(AssessmentRules, MetricsOverAssessmentsReadTheTier) {
  EXPECT_TRUE(AssessmentTierReadable({{"experiment", "1", "READ"}}, "1", "READ"));
  EXPECT_FALSE(AssessmentTierReadable({{"experiment", "1", "READ"}, {"assessment", "*", "DENY"}}, "1", "READ"));
  EXPECT_FALSE(AssessmentTierReadable({{"experiment", "1", "NO_PERMISSIONS"}}, "1", "READ"));
}

}  // namespace
}  // namespace mlflow::auth
