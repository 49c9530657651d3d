// The file store reader (store/filestore/file_store_reader.h) on a small mlruns/ folder this test
// writes in MLflow's FileStore layout, and its import into SQLite (store/filestore/sql_import.h).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "store/filestore/file_store_reader.h"
#include "store/filestore/sql_import.h"
#include "store/sql/schema.h"
#include "store/sql/sqlite_database.h"

namespace mlflow::store::filestore {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRun1 = "0123456789abcdef0123456789abcdef";
constexpr const char* kRun2 = "fedcba9876543210fedcba9876543210";

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("filestore-test-" + NewUuidHex());
    root_ = dir_ / "mlruns";
    // Experiment 0, active, with a tag; experiment 7 in .trash (deleted).
    Write(root_ / "0" / "meta.yaml",
          "artifact_location: file:///data/mlruns/0\ncreation_time: 1000\nexperiment_id: '0'\n"
          "last_update_time: 2000\nlifecycle_stage: active\nname: Default\n");
    Write(root_ / "0" / "tags" / "team", "ml");
    Write(root_ / "0" / "tags" / "mlflow.note.content", "two\nlines");
    // Run 1: MLflow's meta.yaml (status and source type as numbers), nested keys, NaN and inf.
    const fs::path r1 = root_ / "0" / kRun1;
    Write(r1 / "meta.yaml",
          std::string("artifact_uri: file:///data/mlruns/0/") + kRun1 +
              "/artifacts\nend_time: 5000\nentry_point_name: ''\nexperiment_id: '0'\nlifecycle_stage: active\n"
              "run_id: " + kRun1 + "\nrun_name: first\nrun_uuid: " + kRun1 +
              "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 4000\nstatus: 3\ntags: []\n"
              "user_id: alice\n");
    Write(r1 / "params" / "lr", "0.1");
    Write(r1 / "params" / "nested" / "depth", "3");
    Write(r1 / "tags" / "mlflow.runName", "first");
    Write(r1 / "metrics" / "loss", "100 0.5 0\n200 0.25 1\n300 nan 1\n");
    Write(r1 / "metrics" / "big", "100 inf 0\n");
    Write(r1 / "metrics" / "old", "100 7\n");
    // A dataset of experiment 0 used by run 1, and a model input.
    Write(root_ / "0" / "datasets" / "d41d8cd98f00b204e9800998ecf8427e" / "meta.yaml",
          "digest: abc\nname: ds\nprofile: '{\"n\": 2}'\nschema: null\nsource: '{\"p\": 1}'\nsource_type: local\n");
    Write(r1 / "inputs" / "11111111111111111111111111111111" / "meta.yaml",
          "destination_id: d41d8cd98f00b204e9800998ecf8427e\ndestination_type: RUN\n"
          "source_id: d41d8cd98f00b204e9800998ecf8427e\nsource_type: DATASET\ntags:\n  mlflow.data.context: training\n");
    Write(r1 / "inputs" / "22222222222222222222222222222222" / "meta.yaml",
          "destination_id: m-1\ndestination_type: RUN\nsource_id: m-1\nsource_type: MODEL\ntags: {}\n");
    Write(r1 / "outputs" / "m-1" / "meta.yaml",
          "destination_id: m-1\ndestination_type: MODEL_OUTPUT\nsource_id: m-1\nsource_type: RUN_OUTPUT\nstep: 4\n"
          "tags: {}\n");
    // A logged model whose metric names run 2, of the deleted experiment read after this one.
    const fs::path m1 = root_ / "0" / "models" / "m-1";
    Write(m1 / "meta.yaml",
          "artifact_location: file:///data/mlruns/0/models/m-1/artifacts\ncreation_timestamp: 10\nexperiment_id: '0'\n"
          "last_updated_timestamp: 20\nlifecycle_stage: active\nmodel_id: m-1\nmodel_type: clf\nname: lm\n"
          "source_run_id: " + std::string(kRun1) + "\nstatus: 2\nstatus_message: null\n");
    Write(m1 / "params" / "p", "1");
    Write(m1 / "tags" / "t", "x");
    Write(m1 / "metrics" / "acc", std::string("10 0.9 2 ") + kRun2 + " ds abc\nbad line\n");
    // A v3 trace with a tag, metadata and a feedback assessment.
    const fs::path t1 = root_ / "0" / "traces" / "tr-1";
    Write(t1 / "trace_info.yaml",
          "client_request_id: null\nexecution_duration_ms: 9\nrequest_preview: '\"q\"'\nrequest_time: "
          "'2020-09-13T12:26:40.123Z'\nresponse_preview: '\"a\"'\nstate: OK\ntrace_id: tr-1\ntrace_location:\n  "
          "mlflow_experiment:\n    experiment_id: '0'\n  type: MLFLOW_EXPERIMENT\n");
    Write(t1 / "tags" / "mlflow.traceName", "root");
    Write(t1 / "request_metadata" / "mlflow.trace_schema.version", "3");
    Write(t1 / "assessments" / "a-1.yaml",
          "assessment_id: a-1\nassessment_name: quality\ncreate_time_ms: 50\nfeedback:\n  value: 0.5\n"
          "last_update_time_ms: 60\nrationale: ok\nsource:\n  source_id: rt\n  source_type: HUMAN\ntrace_id: tr-1\n"
          "valid: true\n");
    // A folder that is not a run (no meta.yaml) is ignored.
    fs::create_directories(root_ / "0" / "not-a-run");

    Write(root_ / ".trash" / "7" / "meta.yaml",
          "artifact_location: /data/mlruns/7\ncreation_time: 3\nexperiment_id: '7'\nlast_update_time: 4\n"
          "lifecycle_stage: deleted\nname: gone\n");
    const fs::path r2 = root_ / ".trash" / "7" / kRun2;
    Write(r2 / "meta.yaml", std::string("artifact_uri: /data/mlruns/7/") + kRun2 +
                                "/artifacts\ndeleted_time: 99\nexperiment_id: '7'\nlifecycle_stage: deleted\n"
                                "run_id: " + kRun2 + "\nrun_uuid: " + kRun2 + "\nstatus: 4\nuser_id: bob\n");

    // The registry: a model with two versions (the first deleted), tags and an alias.
    const fs::path rm = root_ / "models" / "reg";
    Write(rm / "meta.yaml", "creation_timestamp: 1\ndescription: 'multi\n\n  line'\nlast_updated_timestamp: 2\nname: reg\n");
    Write(rm / "tags" / "k", "v");
    Write(rm / "aliases" / "champ", "2");
    Write(rm / "aliases" / "broken", "two");
    Write(rm / "version-1" / "meta.yaml",
          "creation_timestamp: 5\ncurrent_stage: Deleted_Internal\ndescription: null\nlast_updated_timestamp: 6\n"
          "name: reg\nrun_id: " + std::string(kRun1) + "\nsource: s3://b/1\nstatus: READY\nversion: 1\n");
    Write(rm / "version-10" / "meta.yaml",
          "creation_timestamp: 7\ncurrent_stage: Production\nlast_updated_timestamp: 8\nname: reg\nsource: s3://b/2\n"
          "status: READY\nuser_id: carol\nversion: 2\n");
    Write(rm / "version-10" / "tags" / "vt", "x");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  fs::path root_;
};

TEST_F(FileStoreTest, ListsExperimentsTrashAndModels) {
  auto layout = ListFileStore(dir_.string());  // the parent of mlruns/ is found too
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  EXPECT_EQ(layout->root, root_.string());
  ASSERT_EQ(layout->experiments.size(), 2u);
  EXPECT_EQ(layout->experiments[0].experiment_id, "0");
  EXPECT_EQ(layout->experiments[1].experiment_id, "7");
  EXPECT_EQ(layout->experiments[1].path, (root_ / ".trash" / "7").string());
  ASSERT_EQ(layout->registered_model_dirs.size(), 1u);
}

TEST_F(FileStoreTest, RefusesAFolderThatIsNoFileStore) {
  fs::create_directories(dir_ / "other" / "stuff");
  auto layout = ListFileStore((dir_ / "other").string());
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.status().message().find("not an MLflow file store"), std::string::npos);
  EXPECT_FALSE(ListFileStore((dir_ / "missing").string()).ok());
}

TEST_F(FileStoreTest, ReadsAnExperimentWithItsRuns) {
  auto e = ReadExperiment({(root_ / "0").string(), "0"});
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->name, "Default");
  EXPECT_EQ(e->artifact_location.value_or(""), "file:///data/mlruns/0");
  EXPECT_EQ(e->creation_time.value_or(-1), 1000);
  ASSERT_EQ(e->tags.size(), 2u);
  EXPECT_EQ(e->tags[0].key, "mlflow.note.content");
  EXPECT_EQ(e->tags[0].value, "two\nlines");
  ASSERT_EQ(e->runs.size(), 1u);
  const FsRun& run = e->runs[0];
  EXPECT_EQ(run.run_id, kRun1);
  EXPECT_EQ(run.run_name.value_or(""), "first");
  EXPECT_EQ(run.status, "FINISHED");
  EXPECT_EQ(run.source_type, "LOCAL");
  EXPECT_EQ(run.user_id.value_or(""), "alice");
  EXPECT_EQ(run.start_time.value_or(0), 4000);
  ASSERT_EQ(run.params.size(), 2u);
  EXPECT_EQ(run.params[1].key, "nested/depth");
  EXPECT_EQ(run.params[1].value, "3");
  ASSERT_EQ(run.metrics.size(), 3u);
  EXPECT_EQ(run.metrics[1].key, "loss");
  ASSERT_EQ(run.metrics[1].points.size(), 3u);
  EXPECT_TRUE(std::isnan(run.metrics[1].points[2].value));
  EXPECT_EQ(run.metrics[2].points[0].step, 0);  // a two-field line has step 0
  ASSERT_EQ(run.inputs.size(), 2u);
  EXPECT_EQ(run.inputs[0].source_type, "DATASET");
  ASSERT_EQ(run.inputs[0].tags.size(), 1u);
  EXPECT_EQ(run.inputs[0].tags[0].value, "training");
  ASSERT_EQ(run.outputs.size(), 1u);
  EXPECT_EQ(run.outputs[0].step, 4);
  ASSERT_EQ(e->datasets.size(), 1u);
  EXPECT_FALSE(e->datasets[0].dataset.schema.has_value());
  ASSERT_EQ(e->logged_models.size(), 1u);
  EXPECT_EQ(e->logged_models[0].status, 2);
  ASSERT_EQ(e->logged_models[0].metrics.size(), 1u);  // the malformed line is skipped
  EXPECT_EQ(e->logged_models[0].metrics[0].dataset_digest.value_or(""), "abc");
  ASSERT_EQ(e->traces.size(), 1u);
  EXPECT_EQ(e->traces[0].timestamp_ms, 1600000000123);
  EXPECT_EQ(e->traces[0].execution_time_ms.value_or(0), 9);
  ASSERT_EQ(e->traces[0].assessments.size(), 1u);
  EXPECT_EQ(e->traces[0].assessments[0].value_json, "0.5");
  EXPECT_EQ(e->traces[0].assessments[0].source_type, "HUMAN");
}

TEST_F(FileStoreTest, ReadsTheRegistry) {
  auto m = ReadRegisteredModel((root_ / "models" / "reg").string());
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->name, "reg");
  EXPECT_EQ(m->description.value_or(""), "multi\nline");
  ASSERT_EQ(m->versions.size(), 2u);
  EXPECT_EQ(m->versions[0].version, 1);
  EXPECT_EQ(m->versions[0].current_stage, "Deleted_Internal");
  EXPECT_EQ(m->versions[1].version, 2);
  ASSERT_EQ(m->versions[1].tags.size(), 1u);
  ASSERT_EQ(m->aliases.size(), 1u);  // "two" is no version number
  EXPECT_EQ(m->aliases[0].first, "champ");
  EXPECT_EQ(m->aliases[0].second, 2);
}

TEST_F(FileStoreTest, MetricLinesAndTimes) {
  auto p = ParseRunMetricLine("1700000000000 -inf 12 ds digest");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->timestamp, 1700000000000);
  EXPECT_TRUE(std::isinf(p->value) && p->value < 0);
  EXPECT_EQ(p->step, 12);
  EXPECT_FALSE(ParseRunMetricLine("12").ok());
  EXPECT_FALSE(ParseRunMetricLine("x 1 2").ok());
  EXPECT_FALSE(ParseRunMetricLine("1 y 2").ok());
  EXPECT_EQ(ParseRfc3339Millis("1970-01-01T00:00:01Z").value_or(0), 1000);
  EXPECT_EQ(ParseRfc3339Millis("1970-01-01T01:00:00.5+01:00").value_or(-1), 500);
  EXPECT_FALSE(ParseRfc3339Millis("yesterday").has_value());
}

TEST_F(FileStoreTest, MalformedMetricFileIsAnErrorNamingIt) {
  Write(root_ / "0" / kRun1 / "metrics" / "loss", "100 0.5 0\nnot a number\n");
  auto e = ReadExperiment({(root_ / "0").string(), "0"});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("metrics/loss"), std::string::npos) << e.status().message();
}

class FileStoreImportTest : public FileStoreTest {
 protected:
  void SetUp() override {
    FileStoreTest::SetUp();
    db_ = std::make_shared<sql::SqliteDatabase>(sql::SqliteOptions{(dir_ / "mlflow.db").string()});
    ASSERT_TRUE(sql::CreateSchema(db_->writer_connection()).ok());
  }
  void TearDown() override {
    db_->Close();
    FileStoreTest::TearDown();
  }
  Status ImportAll(ImportCounts* counts) {
    auto layout = ListFileStore(root_.string());
    if (!layout.ok()) return layout.status();
    return db_->Write([&](sql::Connection& c) -> Status {
      MLFLOW_RETURN_IF_ERROR(CheckEmptyTarget(c));
      SqlImporter importer(c);
      for (const ExperimentDir& d : layout->experiments) {
        MLFLOW_ASSIGN_OR_RETURN(FsExperiment e, ReadExperiment(d));
        MLFLOW_RETURN_IF_ERROR(importer.ImportExperiment(e));
      }
      for (const std::string& d : layout->registered_model_dirs) {
        MLFLOW_ASSIGN_OR_RETURN(FsRegisteredModel m, ReadRegisteredModel(d));
        MLFLOW_RETURN_IF_ERROR(importer.ImportRegisteredModel(m));
      }
      MLFLOW_RETURN_IF_ERROR(importer.Finish());
      *counts = importer.counts();
      return Status();
    });
  }
  // The first column of the first row, "NULL" for null, "<none>" without rows.
  std::string One(const std::string& query) {
    std::string out = "<none>";
    Status st = db_->ReadTx([&](sql::Connection& c) -> Status {
      auto q = c.Prepare(query);
      if (q->Step()) out = q->IsNull(0) ? "NULL" : q->Text(0);
      while (q->Step()) {
      }
      return Status();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return out;
  }
  std::shared_ptr<sql::SqliteDatabase> db_;
};

TEST_F(FileStoreImportTest, WritesEveryEntityWithItsIds) {
  ImportCounts counts;
  Status st = ImportAll(&counts);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(counts.experiments, 2);
  EXPECT_EQ(counts.runs, 2);
  EXPECT_EQ(counts.metrics, 5);
  EXPECT_EQ(counts.latest_metrics, 3);
  EXPECT_EQ(counts.inputs, 2);
  EXPECT_EQ(counts.outputs, 1);
  EXPECT_EQ(counts.logged_model_metrics, 1);
  EXPECT_EQ(counts.model_versions, 2);
  EXPECT_EQ(counts.registered_model_aliases, 1);

  EXPECT_EQ(One("SELECT name FROM experiments WHERE experiment_id = 7"), "gone");
  EXPECT_EQ(One("SELECT lifecycle_stage FROM experiments WHERE experiment_id = 7"), "deleted");
  EXPECT_EQ(One(std::string("SELECT status || ' ' || source_type || ' ' || name FROM runs WHERE run_uuid = '") + kRun1 +
                "'"),
            "FINISHED LOCAL first");
  EXPECT_EQ(One(std::string("SELECT artifact_uri FROM runs WHERE run_uuid = '") + kRun2 + "'"),
            std::string("/data/mlruns/7/") + kRun2 + "/artifacts");
  EXPECT_EQ(One(std::string("SELECT deleted_time FROM runs WHERE run_uuid = '") + kRun2 + "'"), "99");
  EXPECT_EQ(One("SELECT value FROM params WHERE key = 'nested/depth'"), "3");
  // Latest loss: step 1 holds 0.25 at 200 and NaN (compared as 0) at 300; (1, 300, 0) wins.
  EXPECT_EQ(One("SELECT timestamp || ' ' || is_nan FROM latest_metrics WHERE key = 'loss'"), "300 1");
  EXPECT_EQ(One("SELECT value > 1.79e308 FROM metrics WHERE key = 'big'"), "1");  // inf as the largest double
  EXPECT_EQ(One("SELECT source_id FROM inputs WHERE source_type = 'DATASET'"), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(One("SELECT destination_id FROM inputs WHERE source_type = 'RUN_INPUT'"), "m-1");
  EXPECT_EQ(One("SELECT step FROM inputs WHERE source_type = 'RUN_OUTPUT'"), "4");
  EXPECT_EQ(One("SELECT value FROM input_tags"), "training");
  EXPECT_EQ(One("SELECT run_id FROM logged_model_metrics"), kRun2);
  EXPECT_EQ(One("SELECT timestamp_ms || ' ' || execution_time_ms || ' ' || status FROM trace_info"),
            "1600000000123 9 OK");
  EXPECT_EQ(One("SELECT value FROM assessments"), "0.5");
  EXPECT_EQ(One("SELECT current_stage FROM model_versions WHERE version = 1"), "Deleted_Internal");
  EXPECT_EQ(One("SELECT version FROM registered_model_aliases WHERE alias = 'champ'"), "2");
  EXPECT_EQ(One("SELECT description FROM registered_models"), "multi\nline");
}

TEST_F(FileStoreImportTest, ANonEmptyTargetIsRefusedAndKept) {
  ASSERT_TRUE(db_->Write([](sql::Connection& c) -> Status {
                   c.ExecScript("INSERT INTO experiments (experiment_id, name, lifecycle_stage) VALUES (0, 'x', 'active')");
                   return Status();
                 })
                  .ok());
  ImportCounts counts;
  Status st = ImportAll(&counts);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not empty"), std::string::npos) << st.message();
  EXPECT_EQ(One("SELECT COUNT(*) FROM experiments"), "1");
  EXPECT_EQ(One("SELECT COUNT(*) FROM runs"), "0");
}

TEST_F(FileStoreImportTest, AFailureHalfWayLeavesNothing) {
  // Two experiments with one name: the second insert fails; the first must not stay.
  Write(root_ / "8" / "meta.yaml", "experiment_id: '8'\nlifecycle_stage: active\nname: Default\n");
  ImportCounts counts;
  Status st = ImportAll(&counts);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(One("SELECT COUNT(*) FROM experiments"), "0");
  EXPECT_EQ(One("SELECT COUNT(*) FROM metrics"), "0");
}

}  // namespace
}  // namespace mlflow::store::filestore
