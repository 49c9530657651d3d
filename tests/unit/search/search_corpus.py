"""Developer tool: diff our filter/order_by parser against real MLflow.

Usage: python search_corpus.py corpus.txt > ref.txt ; search_filter_probe < corpus.txt > ours.txt
Each corpus line is "entity|text" (entity: runs, exp, rm, mv, lm; ob-runs, ob-exp, ob-rm, ob-mv).
Reference outcomes emulate MLflow 3.6's SQL-store checks on top of the installed parser.
"""
import re
import sys

from mlflow.utils.search_utils import (SearchExperimentsUtils, SearchModelUtils,
                                       SearchModelVersionUtils, SearchUtils)
from mlflow.utils.search_logged_model_utils import parse_filter_string

TYPES = {"metric": "metric", "parameter": "param", "tag": "tag", "attribute": "attribute", "dataset": "dataset"}


def pyrepr(s):
    return repr(s)


def render_value(v, drop_upper=False):
    if isinstance(v, (tuple, list)):
        items = [x for x in v if (x.islower() if drop_upper else True)]
        return "(" + ", ".join(pyrepr(x) for x in items) + ")"
    if isinstance(v, str):
        return pyrepr(v)
    return str(v)


def runs(f):
    out = []
    for c in SearchUtils.parse_search_filter(f):
        t, k, comp, v = c["type"], c["key"], c["comparator"].upper(), c["value"]
        k = SearchUtils.translate_key_alias(k)
        if comp in ("IS NULL", "IS NOT NULL"):
            out.append(f"{TYPES[t]}.`{k}` {comp}")
            continue
        ok = (SearchUtils.is_string_attribute(t, k, comp) or SearchUtils.is_numeric_attribute(t, k, comp)
              or SearchUtils.is_metric(t, comp) or SearchUtils.is_param(t, comp) or SearchUtils.is_tag(t, comp)
              or SearchUtils.is_dataset(t, comp))
        assert ok
        if t == "metric":
            val = v
        else:
            val = render_value(v, drop_upper=(t in ("attribute", "dataset")))
        out.append(f"{TYPES[t]}.`{k}` {comp} {val}")
    return " AND ".join(out)


def exp(f):
    # MLflow 3.17's experiments store checks (experiment_id ids, IS [NOT] NULL on tags).
    out = []
    for c in SearchExperimentsUtils.parse_search_filter(f):
        t, k, comp, v = c["type"], c["key"], c["comparator"], c["value"]
        if t == "attribute":
            if k == "experiment_id":
                if comp not in ("=", "!=", "IN", "NOT IN"):
                    raise Exception(f"Invalid comparator for experiment_id: {comp}")
                def parse(x):
                    try:
                        return str(int(x))
                    except (ValueError, TypeError):
                        raise Exception(f"Invalid experiment ID '{x}'. Experiment ID must be a valid integer.")
                v = tuple(parse(x) for x in v) if isinstance(v, tuple) else parse(v)
            else:
                if SearchExperimentsUtils.is_string_attribute(t, k, comp) and comp not in ("=", "!=", "LIKE", "ILIKE"):
                    raise Exception(f"Invalid comparator for string attribute: {comp}")
                if SearchExperimentsUtils.is_numeric_attribute(t, k, comp):
                    if comp not in ("=", "!=", "<", "<=", ">", ">="):
                        raise Exception(f"Invalid comparator for numeric attribute: {comp}")
                    if isinstance(v, float):
                        raise Exception(f"Invalid value for numeric attribute '{k}': {str(v)!r}")
        elif comp in ("IS NULL", "IS NOT NULL"):
            out.append(f"{TYPES[t]}.`{k}` {comp}")
            continue
        elif comp not in ("=", "!=", "LIKE", "ILIKE"):
            raise Exception(f"Invalid comparator for tag: {comp}")
        out.append(f"{TYPES[t]}.`{k}` {comp} {render_value(v)}")
    return " AND ".join(out)


def rm(f):
    # MLflow 3.17's registry store checks.
    out = []
    for c in SearchModelUtils.parse_search_filter(f):
        t, k, comp, v = c["type"], c["key"], c["comparator"], c["value"]
        if t == "attribute" and comp not in ("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"):
            raise Exception(f"Invalid comparator for attribute: {comp}")
        if t == "tag" and comp not in ("=", "!=", "LIKE", "ILIKE"):
            raise Exception(f"Invalid comparator for tag: {comp}")
        out.append(f"{TYPES[t]}.`{k}` {comp} {render_value(v)}")
    return " AND ".join(out)


def mv(f):
    out = []
    for c in SearchModelVersionUtils.parse_search_filter(f):
        t, k, comp, v = c["type"], c["key"], c["comparator"], c["value"]
        if t == "attribute":
            if k in SearchModelVersionUtils.NUMERIC_ATTRIBUTES:
                if comp not in SearchModelVersionUtils.VALID_NUMERIC_ATTRIBUTE_COMPARATORS:
                    raise Exception(f"Invalid comparator for attribute {k}: {comp}")
                if isinstance(v, float):
                    raise Exception(f"Invalid value for numeric attribute '{k}': {v!r}")
                try:
                    v = int(v)
                except (TypeError, ValueError):
                    raise Exception(f"Invalid value for numeric attribute '{k}': {v!r}")
            elif (comp not in ("!=", "=", "LIKE", "ILIKE", "IN", "NOT IN")
                  or (comp in ("IN", "NOT IN") and k not in ("run_id", "name"))):
                raise Exception(f"Invalid comparator for attribute: {comp}")
        elif comp not in ("=", "!=", "LIKE", "ILIKE"):
            raise Exception(f"Invalid comparator for tag: {comp}")
        out.append(f"{TYPES[t]}.`{k}` {comp} {render_value(v, drop_upper=(k == 'run_id'))}")
    return " AND ".join(out)


def lm(f):
    out = []
    for c in parse_filter_string(f):
        t = {"attributes": "attribute", "metrics": "metric", "params": "param", "tags": "tag"}[c.entity.type.value]
        v = c.value
        if isinstance(v, float):
            v = repr(v)
        else:
            v = render_value(v)
        out.append(f"{t}.`{c.entity.key}` {c.op.upper()} {v}")
    return " AND ".join(out)


def ob(ent, s):
    if ent == "runs":
        t, k, asc = SearchUtils.parse_order_by_for_search_runs(s)
        if t == "dataset":
            raise Exception("Invalid identifier type 'dataset'")
        return f"{TYPES[t]}.`{SearchUtils.translate_key_alias(k)}` {'ASC' if asc else 'DESC'}"
    if ent == "exp":
        t, k, asc = SearchExperimentsUtils.parse_order_by_for_search_experiments(s)
        if t != "attribute":
            raise Exception(f"Invalid order_by entity: {t}")
        return f"attribute.`{k}` {'ASC' if asc else 'DESC'}"
    if ent == "rm":
        k, asc = SearchUtils.parse_order_by_for_search_registered_models(s)
        k = "name" if k == "name" else "last_updated_timestamp"
        return f"attribute.`{k}` {'ASC' if asc else 'DESC'}"
    if ent == "mv":
        t, k, asc = SearchModelVersionUtils.parse_order_by_for_search_model_versions(s)
        if k not in SearchModelVersionUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS:
            raise Exception(f"Invalid order by key '{k}' specified. Valid keys are {SearchModelVersionUtils.VALID_ORDER_BY_ATTRIBUTE_KEYS}")
        return f"attribute.`{k}` {'ASC' if asc else 'DESC'}"


FUNCS = {"runs": runs, "exp": exp, "rm": rm, "mv": mv, "lm": lm}

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if "|" not in line:
        continue
    ent, text = line.split("|", 1)
    try:
        if ent.startswith("ob-"):
            res = ob(ent[3:], text)
        else:
            res = FUNCS[ent](text)
        print("OK " + res)
    except Exception as e:
        print("ERR " + str(e).replace("\n", " "))
