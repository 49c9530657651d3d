// Data-driven trace filter / order_by table: each input with its parse (rendered) or its exact
// error. Expectations come from real MLflow 3.17.2 (its SearchTraceUtils plus its SQL store's
// checks); make_trace_filter_table.py regenerates the rows from trace_corpus.txt and lists the
// rows where we answer differently on purpose. Messages naming Python sets are compared with
// the set elements sorted (Python prints sets in hash order).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "search/filter_traces.h"
#include "core/py_text.h"
#include "tracing/json.h"

namespace mlflow::search {
namespace {

struct Case {
  bool order_by;
  const char* input;
  const char* expected;  // "OK <rendered>" or "ERR <message>"
};

const Case kCases[] = {
    {false, R"~(trace.status = 'OK')~", R"~(OK attribute|status|=|"OK")~"},
    {false, R"~(status = "ERROR")~", R"~(OK attribute|status|=|"ERROR")~"},
    {false, R"~(trace.status != 'OK')~", R"~(OK attribute|status|!=|"OK")~"},
    {false, R"~(trace.status IN ('OK', 'ERROR'))~", R"~(OK attribute|status|IN|["OK", "ERROR"])~"},
    {false, R"~(trace.status NOT IN ('OK'))~", R"~(OK attribute|status|NOT IN|["OK"])~"},
    {false, R"~(trace.status LIKE 'O%')~", R"~(OK attribute|status|LIKE|"O%")~"},
    {false, R"~(trace.status ILIKE 'o%')~", R"~(OK attribute|status|ILIKE|"o%")~"},
    {false, R"~(trace.status RLIKE '^O')~", R"~(OK attribute|status|RLIKE|"^O")~"},
    {false, R"~(trace.status > 'OK')~", R"~(ERR Invalid comparator '>' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='}')~"},
    {false, R"~(trace.status IS NULL)~", R"~(ERR Invalid comparator 'IS NULL' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='}')~"},
    {false, R"~(timestamp > 5)~", R"~(OK attribute|timestamp_ms|>|5)~"},
    {false, R"~(timestamp = 'abc')~", R"~(ERR Invalid clause(s) in filter string: 'timestamp', '=', ''abc'', 'timestamp')~"},
    {false, R"~(timestamp_ms > 5)~", R"~(OK attribute|timestamp_ms|>|5)~"},
    {false, R"~(TIMESTAMP > 5)~", R"~(ERR Invalid clause(s) in filter string: 'TIMESTAMP', '>', '5')~"},
    {false, R"~(trace.timestamp > 5)~", R"~(OK attribute|timestamp_ms|>|5)~"},
    {false, R"~(trace.timestamp_ms >= 1.5)~", R"~(OK attribute|timestamp_ms|>=|1.5)~"},
    {false, R"~(timestamp > 5.5)~", R"~(ERR Invalid clause(s) in filter string: 'timestamp', '>', '5.5', 'timestamp')~"},
    {false, R"~(trace.execution_time_ms <= 100)~", R"~(OK attribute|execution_time_ms|<=|100)~"},
    {false, R"~(trace.execution_time > 3)~", R"~(OK attribute|execution_time_ms|>|3)~"},
    {false, R"~(trace.end_time < 10)~", R"~(OK attribute|end_time_ms|<|10)~"},
    {false, R"~(trace.end_time_ms = 10)~", R"~(OK attribute|end_time_ms|=|10)~"},
    {false, R"~(trace.execution_time_ms IN ('1'))~", R"~(ERR Only attributes in {'status', 'name', 'request_id', 'client_request_id', 'run_id'} supports comparison with a list of quoted string values.)~"},
    {false, R"~(trace.execution_time_ms LIKE '1%')~", R"~(ERR Invalid comparator 'LIKE' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='})~"},
    {false, R"~(trace.request_id = 'tr-1')~", R"~(OK attribute|request_id|=|"tr-1")~"},
    {false, R"~(request_id IN ('a', 'b'))~", R"~(OK attribute|request_id|IN|["a", "b"])~"},
    {false, R"~(trace.client_request_id = 'c')~", R"~(OK attribute|client_request_id|=|"c")~"},
    {false, R"~(name = 'x')~", R"~(OK tag|mlflow.traceName|=|"x")~"},
    {false, R"~(tags.name = 'x')~", R"~(OK tag|mlflow.traceName|=|"x")~"},
    {false, R"~(Name = 'x')~", R"~(ERR Invalid attribute key 'Name' specified. Valid keys are '{'timestamp_ms', 'status', 'execution_time_ms', 'text', 'name', 'request_id', 'client_request_id', 'timestamp', 'run_id', 'prompt', 'execution_time', 'end_time', 'end_time_ms'}')~"},
    {false, R"~(name IN ('a', 'b'))~", R"~(ERR Invalid comparator 'IN' not one of '{'LIKE', '=', 'IS NULL', 'IS NOT NULL', 'ILIKE', 'RLIKE', '!='})~"},
    {false, R"~(name LIKE 'a%')~", R"~(OK tag|mlflow.traceName|LIKE|"a%")~"},
    {false, R"~(name IS NULL)~", R"~(OK tag|mlflow.traceName|IS NULL|null)~"},
    {false, R"~(run_id = 'abc')~", R"~(OK request_metadata|mlflow.sourceRun|=|"abc")~"},
    {false, R"~(run_id != 'abc')~", R"~(OK request_metadata|mlflow.sourceRun|!=|"abc")~"},
    {false, R"~(run_id IN ('abc'))~", R"~(ERR Invalid comparator 'IN' not one of '{'LIKE', '=', 'IS NULL', 'IS NOT NULL', 'ILIKE', 'RLIKE', '!='}')~"},
    {false, R"~(prompt = 'p/1')~", R"~(OK tag|mlflow.linkedPrompts|=|"p/1")~"},
    {false, R"~(prompt = 'p')~", R"~(ERR Invalid prompts filter value 'p'. Expected format: prompt = "name/version")~"},
    {false, R"~(prompt LIKE 'p/1')~", R"~(ERR Invalid comparator 'LIKE' for prompts filter. Only '=' is supported with format: prompt = "name/version")~"},
    {false, R"~(text ILIKE '%foo%')~", R"~(ERR Invalid clause(s) in filter string: 'text', 'ILIKE', ''%foo%'')~"},
    {false, R"~(trace.text ILIKE '%foo%')~", R"~(OK span|content|ILIKE|"%foo%")~"},
    {false, R"~(trace.text = 'foo')~", R"~(ERR span.content comparator '=' not one of '{'LIKE', 'ILIKE'}')~"},
    {false, R"~(tags.a = 'b')~", R"~(OK tag|a|=|"b")~"},
    {false, R"~(tags.`a b` = 'c')~", R"~(OK tag|a b|=|"c")~"},
    {false, R"~(tags."a.b" = 'c')~", R"~(OK tag|a.b|=|"c")~"},
    {false, R"~(tags.a != 'b')~", R"~(OK tag|a|!=|"b")~"},
    {false, R"~(tags.a LIKE 'b%')~", R"~(OK tag|a|LIKE|"b%")~"},
    {false, R"~(tags.a ILIKE 'B%')~", R"~(OK tag|a|ILIKE|"B%")~"},
    {false, R"~(tags.a RLIKE 'b')~", R"~(OK tag|a|RLIKE|"b")~"},
    {false, R"~(tags.a IS NULL)~", R"~(OK tag|a|IS NULL|null)~"},
    {false, R"~(tags.a IS NOT NULL)~", R"~(OK tag|a|IS NOT NULL|null)~"},
    {false, R"~(tags.a IN ('b'))~", R"~(ERR Invalid comparator 'IN' not one of '{'LIKE', '=', 'IS NULL', 'IS NOT NULL', 'ILIKE', 'RLIKE', '!='})~"},
    {false, R"~(tags.a > 'b')~", R"~(ERR Invalid comparator '>' not one of '{'LIKE', '=', 'IS NULL', 'IS NOT NULL', 'ILIKE', 'RLIKE', '!='})~"},
    {false, R"~(tags.a = 5)~", R"~(ERR Expected a quoted string value for tag (e.g. 'my-value'). Got value 5)~"},
    {false, R"~(tags.a = b)~", R"~(ERR Parameter value is either not quoted or unidentified quote types used for string value b. Use either single or double quotes.)~"},
    {false, R"~(tag.a = 'b')~", R"~(OK tag|a|=|"b")~"},
    {false, R"~(metadata.m = 'v')~", R"~(OK request_metadata|m|=|"v")~"},
    {false, R"~(request_metadata.m = 'v')~", R"~(OK request_metadata|m|=|"v")~"},
    {false, R"~(metadata.`mlflow.trace.session` = 's')~", R"~(OK request_metadata|mlflow.trace.session|=|"s")~"},
    {false, R"~(metadata.mlflow.trace.session LIKE 's%')~", R"~(OK request_metadata|mlflow.trace.session|LIKE|"s%")~"},
    {false, R"~(metadata.mlflow.trace.session IS NULL)~", R"~(OK request_metadata|mlflow.trace.session|IS NULL|null)~"},
    {false, R"~(metadata.`mlflow.trace.tokenUsage` = '{"input_tokens": 1}')~", R"~(OK request_metadata|mlflow.trace.tokenUsage|=|"{\"input_tokens\": 1}")~"},
    {false, R"~(metadata.`mlflow.trace.tokenUsage` LIKE '%1%')~", R"~(ERR Comparator 'LIKE' is not supported for reserved metadata 'mlflow.trace.tokenUsage'. Only '=', '!=', 'IS NULL', and 'IS NOT NULL' are supported.)~"},
    {false, R"~(metadata.`mlflow.trace.cost` IS NOT NULL)~", R"~(OK request_metadata|mlflow.trace.cost|IS NOT NULL|null)~"},
    {false, R"~(metadata.`mlflow.trace.cost` != 'x')~", R"~(OK request_metadata|mlflow.trace.cost|!=|"x")~"},
    {false, R"~(metadata.m IN ('v'))~", R"~(ERR Expected a quoted string value for request_metadata (e.g. 'my-value'). Got value ('v'))~"},
    {false, R"~(metadata.m = 5)~", R"~(ERR Expected a quoted string value for request_metadata (e.g. 'my-value'). Got value 5)~"},
    {false, R"~(span.name = 'x')~", R"~(OK span|name|=|"x")~"},
    {false, R"~(span.name like 'x')~", R"~(ERR span.name comparator 'like' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='}')~"},
    {false, R"~(span.name LIKE 'x')~", R"~(OK span|name|LIKE|"x")~"},
    {false, R"~(span.type IN ('LLM', 'TOOL'))~", R"~(OK span|type|IN|["LLM", "TOOL"])~"},
    {false, R"~(span.status != 'OK')~", R"~(OK span|status|!=|"OK")~"},
    {false, R"~(span.status IS NULL)~", R"~(ERR span.status comparator 'IS NULL' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='}')~"},
    {false, R"~(span.content LIKE '%x%')~", R"~(OK span|content|LIKE|"%x%")~"},
    {false, R"~(span.content = 'x')~", R"~(ERR span.content comparator '=' not one of '{'LIKE', 'ILIKE'}')~"},
    {false, R"~(span.attributes.model = 'gpt')~", R"~(OK span|attributes.model|=|"gpt")~"},
    {false, R"~(span.attributes.`a.b` LIKE '%x%')~", R"~(OK span|attributes.`a.b`|LIKE|"%x%")~"},
    {false, R"~(span.attributes.model RLIKE '^gpt$')~", R"~(OK span|attributes.model|RLIKE|"^gpt$")~"},
    {false, R"~(span.attributes. = 'x')~", R"~(ERR Span attribute name cannot be empty after 'attributes.')~"},
    {false, R"~(span.nope = 'x')~", R"~(ERR Invalid span attribute 'nope'. Supported attributes: name, status, type, attributes.<attribute_name>.)~"},
    {false, R"~(span.name = 5)~", R"~(ERR Expected a quoted string value for span (e.g. 'my-value'). Got value 5)~"},
    {false, R"~(feedback.quality > 0.5)~", R"~(OK feedback|quality|>|0.5)~"},
    {false, R"~(feedback.quality > '0.5')~", R"~(ERR Expected a numeric value for feedback when using comparator '>'. Got value '0.5')~"},
    {false, R"~(feedback.quality = 1)~", R"~(ERR Expected a quoted string value for feedback (e.g. 'my-value'). Got value 1)~"},
    {false, R"~(feedback.quality = '1')~", R"~(OK feedback|quality|=|"1")~"},
    {false, R"~(feedback.quality != 'x')~", R"~(OK feedback|quality|!=|"x")~"},
    {false, R"~(feedback.quality LIKE '%x%')~", R"~(OK feedback|quality|LIKE|"%x%")~"},
    {false, R"~(feedback.`my score` IS NULL)~", R"~(OK feedback|my score|IS NULL|null)~"},
    {false, R"~(feedback.quality IS NOT NULL)~", R"~(OK feedback|quality|IS NOT NULL|null)~"},
    {false, R"~(feedback.quality IN ('a'))~", R"~(ERR Expected a quoted string value for feedback (e.g. 'my-value'). Got value ('a'))~"},
    {false, R"~(expectation.truth = 'x')~", R"~(OK expectation|truth|=|"x")~"},
    {false, R"~(expectation.truth <= 3)~", R"~(OK expectation|truth|<=|3)~"},
    {false, R"~(issue.id = 'x')~", R"~(OK issue|id|=|"x")~"},
    {false, R"~(issue.id != 'x')~", R"~(ERR issue.id comparator '!=' not one of '{'='}')~"},
    {false, R"~(issue.name = 'x')~", R"~(OK tag|mlflow.traceName|=|"x")~"},
    {false, R"~(trace.foo = 'x')~", R"~(ERR Invalid attribute key 'foo' specified. Valid keys are '{'timestamp_ms', 'status', 'execution_time_ms', 'text', 'name', 'request_id', 'client_request_id', 'timestamp', 'run_id', 'prompt', 'execution_time', 'end_time', 'end_time_ms'}')~"},
    {false, R"~(bar.foo = 'x')~", R"~(ERR Invalid entity type 'bar'. Valid values are {'span', 'tag', 'metadata', 'expectation', 'feedback', 'attribute', 'issue', 'request_metadata', 'trace', 'attributes', 'tags'})~"},
    {false, R"~(tags.a = 'x' OR tags.b = 'y')~", R"~(ERR Invalid clause(s) in filter string: 'OR')~"},
    {false, R"~(tags.a = 'x' and tags.b = 'y')~", R"~(OK tag|a|=|"x" AND tag|b|=|"y")~"},
    {false, R"~(tags.a = 'x' AND AND tags.b = 'y')~", R"~(OK tag|a|=|"x" AND tag|b|=|"y")~"},
    {false, R"~(tags.a = 'x' tags.b = 'y')~", R"~(OK tag|a|=|"x" AND tag|b|=|"y")~"},
    {false, R"~((tags.a = 'x'))~", R"~(ERR Invalid clause(s) in filter string: '(tags.a = 'x')')~"},
    {false, R"~(tags.a = 'x'; tags.b = 'y')~", R"~(ERR Search filter contained multiple expression "tags.a = 'x'; tags.b = 'y'". Provide AND-ed expression list.)~"},
    {false, R"~(tags.a = 'x';)~", R"~(ERR Invalid clause(s) in filter string: ';')~"},
    {false, R"~(1 = 1)~", R"~(ERR Invalid comparison clause. Expected 'Identifier' found '1')~"},
    {false, R"~('a' = tags.a)~", R"~(ERR Invalid comparison clause. Expected 'Identifier' found ''a'')~"},
    {false, R"~(status = OK)~", R"~(ERR Parameter value is either not quoted or unidentified quote types used for string value OK. Use either single or double quotes.)~"},
    {false, R"~(tags.a = 'unterminated)~", R"~(ERR Invalid clause(s) in filter string: 'tags.a', '=', ''', 'unterminated')~"},
    {false, R"~(trace.status IN ())~", R"~(ERR While parsing a list in the query, expected a non-empty list of string values, but got empty list)~"},
    {false, R"~(trace.status IN ('a', 1))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1))~"},
    {false, R"~(trace.status IN ('a')~", R"~(ERR Invalid clause(s) in filter string: 'trace.status', 'IN', '(', ''a'')~"},
    {false, R"~(tags.a = 'x' AND trace.status = 'OK' AND span.type = 'LLM' AND feedback.q > 1)~", R"~(OK tag|a|=|"x" AND attribute|status|=|"OK" AND span|type|=|"LLM" AND feedback|q|>|1)~"},
    {false, R"~(span.attributes.`a b` = 'x')~", R"~(OK span|attributes.`a b`|=|"x")~"},
    {false, R"~(feedback.quality >= 0.5 AND feedback.quality < 1)~", R"~(OK feedback|quality|>=|0.5 AND feedback|quality|<|1)~"},
    {false, R"~(trace.timestamp_ms != 5)~", R"~(OK attribute|timestamp_ms|!=|5)~"},
    {false, R"~(trace.timestamp_ms = '5')~", R"~(OK attribute|timestamp_ms|=|"5")~"},
    {false, R"~(trace.status = 'OK' AND)~", R"~(OK attribute|status|=|"OK")~"},
    {false, R"~()~", R"~(OK )~"},
    {false, R"~(tags.a="b")~", R"~(OK tag|a|=|"b")~"},
    {false, R"~(metadata.m ILIKE '%v%')~", R"~(OK request_metadata|m|ILIKE|"%v%")~"},
    {false, R"~(expectation.truth IS NULL)~", R"~(OK expectation|truth|IS NULL|null)~"},
    {false, R"~(span.type NOT IN ('LLM'))~", R"~(OK span|type|NOT IN|["LLM"])~"},
    {false, R"~(trace.request_id LIKE 'tr-%')~", R"~(OK attribute|request_id|LIKE|"tr-%")~"},
    {false, R"~(trace.request_id > 'a')~", R"~(ERR Invalid comparator '>' not one of '{'IN', 'LIKE', '=', 'NOT IN', 'ILIKE', 'RLIKE', '!='}')~"},
    {true, R"~(timestamp_ms DESC)~", R"~(OK attribute|timestamp_ms|DESC)~"},
    {true, R"~(timestamp)~", R"~(OK attribute|timestamp_ms|ASC)~"},
    {true, R"~(trace.timestamp_ms ASC)~", R"~(OK attribute|timestamp_ms|ASC)~"},
    {true, R"~(execution_time_ms)~", R"~(OK attribute|execution_time_ms|ASC)~"},
    {true, R"~(trace.execution_time DESC)~", R"~(OK attribute|execution_time_ms|DESC)~"},
    {true, R"~(status)~", R"~(OK attribute|status|ASC)~"},
    {true, R"~(request_id ASC)~", R"~(OK attribute|request_id|ASC)~"},
    {true, R"~(name)~", R"~(OK tag|mlflow.traceName|ASC)~"},
    {true, R"~(tags.a)~", R"~(OK tag|a|ASC)~"},
    {true, R"~(tags.`a b` DESC)~", R"~(OK tag|a b|DESC)~"},
    {true, R"~(metadata.m)~", R"~(OK request_metadata|m|ASC)~"},
    {true, R"~(request_metadata.m DESC)~", R"~(OK request_metadata|m|DESC)~"},
    {true, R"~(metadata.`mlflow.trace.session`)~", R"~(OK request_metadata|mlflow.trace.session|ASC)~"},
    {true, R"~(metadata.`mlflow.trace.tokenUsage`)~", R"~(ERR Ordering by reserved metadata 'mlflow.trace.tokenUsage' is not supported because it is represented by multiple columns.)~"},
    {true, R"~(metadata.`mlflow.trace.cost` DESC)~", R"~(ERR Ordering by reserved metadata 'mlflow.trace.cost' is not supported because it is represented by multiple columns.)~"},
    {true, R"~(tags.mlflow.traceName)~", R"~(OK tag|mlflow.traceName|ASC)~"},
    {true, R"~(foo)~", R"~(ERR Invalid attribute key 'foo' specified. Valid keys are '{'timestamp_ms', 'status', 'experiment_id', 'execution_time_ms', 'name', 'request_id', 'timestamp', 'run_id', 'execution_time', 'end_time', 'end_time_ms'}')~"},
    {true, R"~(span.name)~", R"~(ERR Invalid identifier type 'span')~"},
    {true, R"~(feedback.q)~", R"~(ERR Invalid identifier type 'feedback')~"},
    {true, R"~(timestamp_ms sideways)~", R"~(ERR Invalid ordering key in order_by clause 'timestamp_ms sideways'.)~"},
    {true, R"~(timestamp_ms DESC extra)~", R"~(ERR Invalid order_by clause 'timestamp_ms DESC extra'. Could not be parsed.)~"},
    {true, R"~()~", R"~(ERR Invalid order_by clause ''. Could not be parsed.)~"},
    {true, R"~(client_request_id)~", R"~(ERR Invalid attribute key 'client_request_id' specified. Valid keys are '{'timestamp_ms', 'status', 'experiment_id', 'execution_time_ms', 'name', 'request_id', 'timestamp', 'run_id', 'execution_time', 'end_time', 'end_time_ms'}')~"},
    {true, R"~(timestamp_ms;;timestamp DESC)~", R"~(ERR `order_by` contains duplicate fields: ['timestamp_ms', 'timestamp DESC'])~"},
    {true, R"~(tags.a;;tags.b DESC)~", R"~(OK tag|a|ASC AND tag|b|DESC)~"},
    {true, R"~(status;;end_time_ms)~", R"~(OK attribute|status|ASC AND attribute|end_time_ms|ASC)~"},
    {false, R"~(tags.a. = 'x')~", R"~(OK tag|a.|=|"x")~"},
    {false, R"~(tags. = 'x')~", R"~(OK tag||=|"x")~"},
    {false, R"~(span.attributes.x. = 'y')~", R"~(OK span|attributes.x.|=|"y")~"},
    {false, R"~(trace.status IN (1))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (1,))~"},
    {false, R"~(trace.status IN ('a', 1.50))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1.5))~"},
    {false, R"~(trace.status IN ('a', -0))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 0))~"},
    {false, R"~(trace.status IN ('a', 1e3))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1000.0))~"},
    {false, R"~(trace.status IN ('a', 007))~", R"~(ERR While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.)~"},
    {false, R"~(trace.status IN ('a', 1, 'b'))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1, 'b'))~"},
    {false, R"~(trace.status IN ('a', .5))~", R"~(ERR While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 0.5))~"},
    {false, R"~(timestamp = 'abc' AND tags.a = 'b')~", R"~(ERR Invalid clause(s) in filter string: 'timestamp', '=', ''abc'', 'timestamp')~"},
    {false, R"~(tags.a = 'b' AND timestamp > 1.5)~", R"~(ERR Invalid clause(s) in filter string: 'timestamp', '>', '1.5', 'timestamp')~"},
    {false, R"~(tags.a = "it's"; tags.b = 'c')~", R"~(ERR Search filter contained multiple expression 'tags.a = "it\'s"; tags.b = \'c\''. Provide AND-ed expression list.)~"},
};

// end of cases

std::string TypeName(TraceKeyType t) {
  switch (t) {
    case TraceKeyType::kAttribute: return "attribute";
    case TraceKeyType::kTag: return "tag";
    case TraceKeyType::kMetadata: return "request_metadata";
    case TraceKeyType::kSpan: return "span";
    case TraceKeyType::kFeedback: return "feedback";
    case TraceKeyType::kExpectation: return "expectation";
    case TraceKeyType::kIssue: return "issue";
  }
  return "?";
}

std::string JsonString(const std::string& s) { return PyJsonDumps(nlohmann::json(s)); }

std::string RenderValue(const TraceValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (const auto* s = std::get_if<std::string>(&v)) return JsonString(*s);
  if (const auto* n = std::get_if<TraceNumber>(&v)) {
    return n->is_integer ? std::to_string(n->integer) : PyFloatRepr(n->value);
  }
  std::string out = "[";
  for (const auto& item : std::get<std::vector<std::string>>(v)) {
    if (out.size() > 1) out += ", ";
    out += JsonString(item);
  }
  return out + "]";
}

std::string Outcome(const Case& c) {
  std::string out;
  if (c.order_by) {
    std::vector<std::string> entries;
    std::string text = c.input;
    for (size_t start = 0;;) {
      size_t sep = text.find(";;", start);
      entries.push_back(text.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
      if (sep == std::string::npos) break;
      start = sep + 2;
    }
    auto r = ParseTraceOrderBy(entries);
    if (!r.ok()) return "ERR " + r.status().message();
    for (const auto& o : *r) {
      if (!out.empty()) out += " AND ";
      out += TypeName(o.type) + "|" + o.key + "|" + (o.ascending ? "ASC" : "DESC");
    }
  } else {
    auto r = ParseTraceFilter(c.input);
    if (!r.ok()) return "ERR " + r.status().message();
    for (const auto& clause : *r) {
      if (!out.empty()) out += " AND ";
      out += TypeName(clause.type) + "|" + clause.key + "|" + std::string(TraceComparatorText(clause.comparator)) + "|" +
             RenderValue(clause.value);
    }
  }
  return "OK " + out;
}

// Sorts the elements of every "{'a', 'b'}" set literal in a message.
std::string SortSets(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 2, "{'") == 0) {
      size_t end = s.find("'}", i);
      if (end != std::string::npos) {
        std::vector<std::string> items;
        std::string body = s.substr(i + 1, end + 1 - (i + 1));
        for (size_t start = 0;;) {
          size_t sep = body.find("', '", start);
          if (sep == std::string::npos) {
            items.push_back(body.substr(start));
            break;
          }
          items.push_back(body.substr(start, sep + 1 - start));
          start = sep + 3;
        }
        std::sort(items.begin(), items.end());
        out += "{";
        for (size_t k = 0; k < items.size(); ++k) out += (k ? ", " : "") + items[k];
        out += "}";
        i = end + 2;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

TEST(TraceFilterTable, EveryCaseMatches) {
  ASSERT_GT(std::size(kCases), 100u);
  for (const auto& c : kCases) {
    EXPECT_EQ(SortSets(Outcome(c)), SortSets(c.expected)) << (c.order_by ? "order_by: " : "filter: ") << c.input;
  }
}

}  // namespace
}  // namespace mlflow::search
