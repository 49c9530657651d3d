"""Structural description of a SQLite database, for comparing schemas made by different tools.

Describes what SQLite itself reports (PRAGMA table_xinfo / index_list / index_xinfo /
foreign_key_list) plus the constraint names and CHECK clauses parsed from sqlite_master.sql,
normalised so that whitespace, quoting and keyword case do not count as differences.
Standard library only.

    python3 sqlite_structure.py a.db            # print the description as JSON
    python3 sqlite_structure.py a.db b.db       # print differences; exit 1 if any
"""

import json
import re
import sqlite3
import sys


def _normalise_sql(text):
    text = text.replace('"', "").replace("`", "")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def _fold(text):
    """Removes whitespace and lower-cases everything outside single-quoted literals."""
    out, quote = [], False
    for ch in text:
        if ch == "'":
            quote = not quote
        elif not quote:
            if ch.isspace():
                continue
            ch = ch.lower()
        out.append(ch)
    return "".join(out)


def _split_top_level(body):
    """Splits a CREATE TABLE body on commas that are not inside parentheses or quotes."""
    parts, depth, current, quote = [], 0, [], None
    for ch in body:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in ("'", '"'):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _table_constraints(sql):
    """Named/unnamed table constraints from CREATE TABLE text: [(kind, name, normalised text)]."""
    body = sql[sql.index("(") + 1 : sql.rindex(")")]
    result = []
    for part in _split_top_level(body):
        norm = _normalise_sql(part)
        m = re.match(r"(?i)^(CONSTRAINT (\S+) )?(PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b(.*)$", norm)
        if not m:
            # A column definition; inline CHECKs are reported here too.
            column = norm.split(" ", 1)[0]
            for chk in re.findall(r"(?i)\bCHECK\s*\((.*)\)", norm):
                result.append(("CHECK", None, _fold(chk)))
            gen = re.search(r"(?i)\bGENERATED ALWAYS AS\s*\((.*)\)\s*(STORED|VIRTUAL)?", norm)
            if gen:
                result.append(("GENERATED", column, _fold(gen.group(1)) + " " + (gen.group(2) or "VIRTUAL").upper()))
            continue
        kind = m.group(3).upper()
        name = m.group(2)
        rest = m.group(4).strip()
        if kind == "CHECK":
            rest = rest.strip()[1:-1].strip()
        result.append((kind, name, _fold(rest)))
    return sorted(result, key=lambda t: (t[0], t[1] or "", t[2]))


def describe(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {}
        rows = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for name, sql in sorted(rows):
            cols = [
                {
                    "cid": r[0],
                    "name": r[1],
                    "type": r[2].upper(),
                    "notnull": r[3],
                    "default": r[4],
                    "pk": r[5],
                    "hidden": r[6],
                }
                for r in con.execute(f'PRAGMA table_xinfo("{name}")')
            ]
            indexes = []
            for r in con.execute(f'PRAGMA index_list("{name}")'):
                _, iname, unique, origin, partial = r
                icols = [
                    x[2]
                    for x in sorted(con.execute(f'PRAGMA index_xinfo("{iname}")'))
                    if x[5]  # key columns only
                ]
                indexes.append(
                    {"name": iname, "unique": unique, "origin": origin, "partial": partial, "columns": icols}
                )
            indexes.sort(key=lambda i: i["name"])
            fks = {}
            for r in con.execute(f'PRAGMA foreign_key_list("{name}")'):
                fid, seq, ref, frm, to, on_update, on_delete, match = r
                fk = fks.setdefault(
                    fid, {"table": ref, "from": [], "to": [], "on_update": on_update,
                          "on_delete": on_delete, "match": match}
                )
                fk["from"].append(frm)
                fk["to"].append(to)
            fk_list = sorted(fks.values(), key=lambda f: (f["table"], f["from"]))
            tables[name] = {
                "columns": cols,
                "indexes": indexes,
                "foreign_keys": fk_list,
                "constraints": [list(c) for c in _table_constraints(sql)],
                "without_rowid": "WITHOUT ROWID" in sql.upper(),
            }
        extra_objects = sorted(
            (t, n) for t, n in con.execute(
                "SELECT type, name FROM sqlite_master WHERE type NOT IN ('table','index')"
            )
        )
        alembic = None
        if "alembic_version" in tables:
            alembic = [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
        return {"tables": tables, "other_objects": extra_objects, "alembic_version": alembic}
    finally:
        con.close()


def diff(a, b, label_a="a", label_b="b"):
    """Human-readable differences between two descriptions (empty list = equal)."""
    out = []
    ta, tb = set(a["tables"]), set(b["tables"])
    for t in sorted(ta - tb):
        out.append(f"table {t}: only in {label_a}")
    for t in sorted(tb - ta):
        out.append(f"table {t}: only in {label_b}")
    for t in sorted(ta & tb):
        da, db = a["tables"][t], b["tables"][t]
        for key in ("columns", "indexes", "foreign_keys", "constraints", "without_rowid"):
            if da[key] != db[key]:
                if isinstance(da[key], list):
                    sa = [json.dumps(x, sort_keys=True) for x in da[key]]
                    sb = [json.dumps(x, sort_keys=True) for x in db[key]]
                    for x in sa:
                        if x not in sb:
                            out.append(f"table {t} {key}: only in {label_a}: {x}")
                    for x in sb:
                        if x not in sa:
                            out.append(f"table {t} {key}: only in {label_b}: {x}")
                    if sorted(sa) == sorted(sb):
                        out.append(f"table {t} {key}: same entries, different order")
                else:
                    out.append(f"table {t} {key}: {da[key]!r} vs {db[key]!r}")
    if a["other_objects"] != b["other_objects"]:
        out.append(f"other objects: {a['other_objects']} vs {b['other_objects']}")
    if a["alembic_version"] != b["alembic_version"]:
        out.append(f"alembic_version rows: {a['alembic_version']} vs {b['alembic_version']}")
    return out


def main(argv):
    if len(argv) == 2:
        print(json.dumps(describe(argv[1]), indent=1, sort_keys=True))
        return 0
    if len(argv) == 3:
        differences = diff(describe(argv[1]), describe(argv[2]), argv[1], argv[2])
        for line in differences:
            print(line)
        return 1 if differences else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
