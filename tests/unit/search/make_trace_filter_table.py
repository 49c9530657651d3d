"""Regenerates the case rows of trace_filter_table_test.cc from real MLflow.

Run with the pinned MLflow's Python (it needs mlflow importable):

  PYTHONHASHSEED=0 python make_trace_filter_table.py trace_corpus.txt trace_filter_table_test.cc

Each corpus line is "f|<filter>" or "ob|<order_by entries separated by ;;>". The outcome is the
parse of MLflow's SearchTraceUtils rendered as "type|key|COMPARATOR|<json value>" clauses joined by
" AND " (order_by: "type|key|ASC"), after the SQL store's own checks (search_traces on an empty
SQLite store), or "ERR <message>". INTENDED maps inputs whose outcome we choose to differ from
MLflow's (the reason is in the comment next to each); those rows keep our outcome.
"""
import json
import sys
import tempfile

from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.utils.search_utils import SearchTraceUtils

INTENDED = {
    # MLflow reaches SQLAlchemy with a column that does not exist (an AttributeError, HTTP 500);
    # the column is the trace end time, so we order by it.
    "ob|status;;end_time_ms": "OK attribute|status|ASC AND attribute|end_time_ms|ASC",
}


def outcome(store, line):
    kind, text = line.split("|", 1)
    try:
        if kind == "f":
            store.search_traces(locations=["0"], filter_string=text)
            parsed = SearchTraceUtils.parse_search_filter_for_search_traces(text)
            parts = [f"{p['type']}|{p['key']}|{p['comparator'].upper()}|{json.dumps(p['value'])}" for p in parsed]
        else:
            entries = text.split(";;")
            store.search_traces(locations=["0"], order_by=entries)
            parts = []
            for e in entries:
                t, k, asc = SearchTraceUtils.parse_order_by_for_search_traces(e)
                parts.append(f"{t}|{k}|{'ASC' if asc else 'DESC'}")
        return "OK " + " AND ".join(parts)
    except Exception as e:  # the message is what the server sends back
        msg = getattr(e, "message", None) or str(e)
        return "ERR " + msg.replace("\n", " ")


def main():
    corpus = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if "|" in l]
    d = tempfile.mkdtemp()
    store = SqlAlchemyStore(f"sqlite:///{d}/ref.db", d)
    rows = []
    for line in corpus:
        out = INTENDED.get(line) or outcome(store, line)
        kind, text = line.split("|", 1)
        rows.append('    {%s, R"~(%s)~", R"~(%s)~"},' % ("true" if kind == "ob" else "false", text, out))
    src = open(sys.argv[2], encoding="utf-8").read()
    head = src[: src.index("const Case kCases[] = {")]
    tail = src[src.index("};\n\n// end of cases"):]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(head + "const Case kCases[] = {\n" + "\n".join(rows) + "\n" + tail)


if __name__ == "__main__":
    main()
