#include "cli/runs_csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "core/py_text.h"

namespace mlflow::cli {
namespace {

// Python's csv.writer, QUOTE_MINIMAL: a field with the delimiter, the quote or a line break is
// quoted, its quotes doubled.
void AppendField(std::string& out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    AppendField(out, fields[i]);
  }
  out += '\n';
}

// A column group (metrics, params or tags): keys in the order the runs bring them in, sorted
// within one run; each run's value by key.
struct Group {
  std::vector<std::string> keys;
  std::set<std::string> known;
  void Add(std::vector<std::string> run_keys) {
    std::sort(run_keys.begin(), run_keys.end());
    for (std::string& k : run_keys) {
      if (known.insert(k).second) keys.push_back(std::move(k));
    }
  }
};

}  // namespace

std::string PandasUtcTime(int64_t millis, bool with_fraction) {
  int64_t seconds = millis / 1000;
  int64_t ms = millis % 1000;
  if (ms < 0) {
    ms += 1000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (with_fraction) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms));
    out += buf;
  }
  return out + "+00:00";
}

std::string RunsCsv(const std::vector<Run>& runs) {
  Group metrics, params, tags;
  std::vector<std::map<std::string, std::string>> metric_values(runs.size()), param_values(runs.size()),
      tag_values(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> keys;
    for (const Metric& m : runs[i].metrics) {
      keys.push_back(m.key);
      // A float column: NaN is an empty field, other values Python's float repr.
      metric_values[i][m.key] = std::isnan(m.value) ? "" : PyFloatRepr(m.value);
    }
    metrics.Add(keys);
    keys.clear();
    for (const KeyValue& p : runs[i].params) {
      keys.push_back(p.key);
      param_values[i][p.key] = p.value;
    }
    params.Add(keys);
    keys.clear();
    for (const KeyValue& t : runs[i].tags) {
      keys.push_back(t.key);
      tag_values[i][t.key] = t.value;
    }
    tags.Add(keys);
  }
  // pandas writes a datetime column with one precision: milliseconds when any value has some.
  bool start_fraction = false, end_fraction = false;
  for (const Run& r : runs) {
    start_fraction = start_fraction || (r.info.start_time && *r.info.start_time % 1000 != 0);
    end_fraction = end_fraction || (r.info.end_time && *r.info.end_time % 1000 != 0);
  }
  std::string out;
  std::vector<std::string> header = {"run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"};
  for (const std::string& k : metrics.keys) header.push_back("metrics." + k);
  for (const std::string& k : params.keys) header.push_back("params." + k);
  for (const std::string& k : tags.keys) header.push_back("tags." + k);
  AppendRow(out, header);
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunInfo& info = runs[i].info;
    std::vector<std::string> row = {info.run_id,
                                    info.experiment_id,
                                    info.status,
                                    info.artifact_uri,
                                    info.start_time ? PandasUtcTime(*info.start_time, start_fraction) : "",
                                    info.end_time ? PandasUtcTime(*info.end_time, end_fraction) : ""};
    auto value = [](const std::map<std::string, std::string>& values, const std::string& key) {
      auto it = values.find(key);
      return it == values.end() ? std::string() : it->second;
    };
    for (const std::string& k : metrics.keys) row.push_back(value(metric_values[i], k));
    for (const std::string& k : params.keys) row.push_back(value(param_values[i], k));
    for (const std::string& k : tags.keys) row.push_back(value(tag_values[i], k));
    AppendRow(out, row);
  }
  return out;
}

}  // namespace mlflow::cli
