// DatasetService and ScorerService over the SQL stores on SQLite: MLflow's rules (record
// dedup by inputs, merges, schema and profile bookkeeping, cursor pages, search checks, scorer
// versions) and bad input refused with nothing written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/py_json.h"
#include "service/dataset_service.h"
#include "service/scorer_service.h"
#include "service_fixture.h"
#include "store/sql/sql_dataset_store.h"
#include "store/sql/sql_scorer_store.h"

namespace mlflow::service {
namespace {

using Json = nlohmann::ordered_json;

class DatasetServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    dataset_store_ = std::make_unique<store::sql::SqlDatasetStore>(db_);
    scorer_store_ = std::make_unique<store::sql::SqlScorerStore>(db_);
    datasets_ = std::make_unique<DatasetService>(*dataset_store_);
    scorers_ = std::make_unique<ScorerService>(*scorer_store_, *tracking_store_, false);
  }
  void TearDown() override {
    scorers_.reset();
    datasets_.reset();
    scorer_store_.reset();
    dataset_store_.reset();
    ServiceTest::TearDown();
  }
  Json Records(const std::string& id) {
    auto page = datasets_->GetRecords(id, 0, "");
    EXPECT_TRUE(page.ok()) << page.status().message();
    return page.ok() ? Json::parse(page->records_json) : Json::array();
  }

  std::unique_ptr<store::sql::SqlDatasetStore> dataset_store_;
  std::unique_ptr<store::sql::SqlScorerStore> scorer_store_;
  std::unique_ptr<DatasetService> datasets_;
  std::unique_ptr<ScorerService> scorers_;
};

TEST(JsonText, DumpsAsPython) {
  Json v = Json::parse(R"({"b": [1, 2.5, true, null], "a": "é\n"})");
  EXPECT_EQ(PyJsonDumps(v), R"({"b": [1, 2.5, true, null], "a": "\u00e9\n"})");
  EXPECT_EQ(PyJsonDumps(v, PyJsonStyle::SortedKeys()), R"({"a": "\u00e9\n", "b": [1, 2.5, true, null]})");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(DatasetServiceTest, CreateKeepsTagsUserAndLinks) {
  auto d = datasets_->CreateDataset("qa", {"0"}, R"({"team": "a", "mlflow.user": "bob", "n": 3})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->dataset_id.substr(0, 2), "d-");
  EXPECT_EQ(d->created_by, "bob");
  ASSERT_EQ(d->tags.size(), 3u);
  EXPECT_EQ(d->tags[2].key, "n");  // in insertion order, as MLflow reads them
  EXPECT_EQ(d->tags[2].value, "3");
  EXPECT_EQ(d->digest, Sha256Hex("qa:" + std::to_string(d->created_time)).substr(0, 8));
  auto ids = datasets_->GetExperimentIds(d->dataset_id);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"0"});
}

TEST_F(DatasetServiceTest, UpsertDeduplicatesByInputsAndMerges) {
  auto d = datasets_->CreateDataset("r", {}, "");
  ASSERT_TRUE(d.ok());
  auto n = datasets_->UpsertRecords(d->dataset_id, R"([
      {"inputs": {"q": "a", "k": 1}, "outputs": "x", "expectations": {"e1": 1}, "tags": {"t": "1"}},
      {"inputs": {"q": "b"}},
      {"inputs": {"k": 1, "q": "a"}, "expectations": {"e2": 2.5}, "tags": {"mlflow.user": "al"}}])");
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->inserted, 2);
  EXPECT_EQ(n->updated, 1);
  Json recs = Records(d->dataset_id);
  ASSERT_EQ(recs.size(), 2u);
  const Json& a = recs[0]["inputs"].contains("k") ? recs[0] : recs[1];
  EXPECT_EQ(a["expectations"], Json::parse(R"({"e1": 1, "e2": 2.5})"));
  EXPECT_EQ(a["tags"], Json::parse(R"({"t": "1", "mlflow.user": "al"})"));
  EXPECT_EQ(a["outputs"], "x");
  EXPECT_EQ(a["last_updated_by"], "al");
  auto got = datasets_->GetDataset(d->dataset_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->profile, R"({"num_records": 2})");
  EXPECT_EQ(got->schema,
            R"({"inputs": {"q": "string", "k": "integer"}, "outputs": "string", "expectations": {"e1": "integer", )"
            R"("e2": "float"}, "version": "1.0"})");
  EXPECT_EQ(got->last_updated_by, "al");
}

TEST_F(DatasetServiceTest, RecordPagesFollowTheCursor) {
  auto d = datasets_->CreateDataset("p", {}, "");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(datasets_->UpsertRecords(d->dataset_id, R"([{"inputs": {"i": 1}}, {"inputs": {"i": 2}},
                                                          {"inputs": {"i": 3}}])").ok());
  std::set<std::string> seen;
  std::string token;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = datasets_->GetRecords(d->dataset_id, 2, token);
    ASSERT_TRUE(page.ok()) << page.status().message();
    for (const auto& r : Json::parse(page->records_json)) seen.insert(r["dataset_record_id"].get<std::string>());
    token = page->next_page_token;
    if (token.empty()) break;
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(datasets_->GetRecords(d->dataset_id, 2, "!!bad!!").status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(DatasetServiceTest, BadRecordsWriteNothing) {
  auto d = datasets_->CreateDataset("b", {}, "");
  ASSERT_TRUE(d.ok());
  for (const char* bad : {"not json", R"({"inputs": {}})", R"([{"inputs": [1]}])", R"([1])",
                          R"([{"inputs": {"a": 1}}, {"inputs": {"b": 2}, "source": {"source_type": "nope"}}])",
                          R"([{"inputs": {"a": 1}, "source": {"source_type": "TRACE", "source_data": [1]}}])",
                          R"([{"inputs": {"a": 1}, "expectations": [1]}])"}) {
    auto n = datasets_->UpsertRecords(d->dataset_id, bad);
    EXPECT_EQ(n.status().code(), ErrorCode::kInvalidParameterValue) << bad;
  }
  EXPECT_TRUE(Records(d->dataset_id).empty());
  auto got = datasets_->GetDataset(d->dataset_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->last_update_time, d->last_update_time);
  EXPECT_FALSE(got->schema.has_value());
  EXPECT_EQ(datasets_->UpsertRecords("d-missing", "[]").status().code(), ErrorCode::kResourceDoesNotExist);
}

TEST_F(DatasetServiceTest, SearchChecksAndPages) {
  for (const char* name : {"s1", "s2", "s3"}) ASSERT_TRUE(datasets_->CreateDataset(name, {"0"}, "").ok());
  DatasetSearch s;
  s.filter = "name LIKE 's%'";
  s.order_by = {"name ASC"};
  s.max_results = 2;
  auto p1 = datasets_->SearchDatasets(s);
  ASSERT_TRUE(p1.ok()) << p1.status().message();
  ASSERT_EQ(p1->datasets.size(), 2u);
  EXPECT_EQ(p1->datasets[0].name, "s1");
  s.page_token = p1->next_page_token;
  auto p2 = datasets_->SearchDatasets(s);
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->datasets.size(), 1u);
  EXPECT_EQ(p2->datasets[0].name, "s3");
  EXPECT_TRUE(p2->next_page_token.empty());
  DatasetSearch bad;
  bad.max_results = 0;
  EXPECT_EQ(datasets_->SearchDatasets(bad).status().message(),
            "Invalid value None for parameter 'max_results' supplied. It must be a positive integer");
  bad.max_results = 10;
  bad.filter = "name like 'x'";
  EXPECT_EQ(datasets_->SearchDatasets(bad).status().message(), "Invalid comparator for string attribute: like");
  bad.filter = "created_time > 1.5";
  EXPECT_EQ(datasets_->SearchDatasets(bad).status().message(),
            "Invalid value for numeric attribute 'created_time': '1.5'");
  bad.filter = "";
  bad.order_by = {"tags.x"};
  EXPECT_EQ(datasets_->SearchDatasets(bad).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(DatasetServiceTest, DeleteRemovesEverything) {
  auto d = datasets_->CreateDataset("gone", {"0"}, R"({"k": "v"})");
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(datasets_->UpsertRecords(d->dataset_id, R"([{"inputs": {"i": 1}}])").ok());
  ASSERT_TRUE(datasets_->DeleteDataset(d->dataset_id).ok());
  EXPECT_EQ(datasets_->GetDataset(d->dataset_id).status().code(), ErrorCode::kResourceDoesNotExist);
  auto ids = datasets_->GetExperimentIds(d->dataset_id);
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids->empty());
  EXPECT_TRUE(datasets_->DeleteDataset(d->dataset_id).ok());  // unknown: a no-op, as in MLflow
}

TEST_F(DatasetServiceTest, ScorerVersionsAndErrors) {
  auto v1 = scorers_->RegisterScorer("0", "s", R"({"name": "s"})");
  auto v2 = scorers_->RegisterScorer("0", "s", R"({"name": "s", "v": 2})");
  ASSERT_TRUE(v1.ok() && v2.ok()) << v1.status().message();
  EXPECT_EQ(v1->scorer_version, 1);
  EXPECT_EQ(v2->scorer_version, 2);
  EXPECT_EQ(v1->scorer_id, v2->scorer_id);
  EXPECT_EQ(v1->scorer_id.size(), 36u);
  auto latest = scorers_->ListScorers("0", std::nullopt);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].scorer_version, 2);
  auto got = scorers_->GetScorer("0", "s", 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->serialized_scorer, R"({"name": "s"})");
  EXPECT_EQ(scorers_->RegisterScorer("0", "s", "{bad").status().message(), "serialized_scorer must be valid JSON");
  EXPECT_EQ(scorers_->RegisterScorer("0", "c", R"({"x": {"call_source": "return 1"}})").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(scorers_->GetScorer("0", "s", 9).status().message(),
            "Scorer with name 's' and version 9 not found for experiment 0.");
  EXPECT_EQ(scorers_->ListScorers("0", std::vector<std::string>{"0"}).status().code(),
            ErrorCode::kInvalidParameterValue);
  ASSERT_TRUE(scorers_->DeleteScorer("0", "s", std::nullopt).ok());
  EXPECT_EQ(scorers_->GetScorer("0", "s", std::nullopt).status().message(),
            "Scorer with name 's' not found for experiment 0.");
  auto versions = scorers_->ListScorerVersions("0", "s");
  EXPECT_EQ(versions.status().code(), ErrorCode::kResourceDoesNotExist);
}

}  // namespace
}  // namespace mlflow::service
