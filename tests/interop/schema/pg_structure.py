"""Structural description of a PostgreSQL database schema, for comparing schemas made by different
tools. Uses the `psql` client (no Python driver needed) and PostgreSQL's own catalogs: columns in
order with type, nullability, default and generation expression; constraints by name with
pg_get_constraintdef; indexes by name with pg_get_indexdef; sequences; alembic_version rows.

    python3 pg_structure.py <conninfo>               # print the description as JSON
    python3 pg_structure.py <conninfo-a> <conninfo-b> # print differences; exit 1 if any

conninfo is anything psql accepts as a database name, e.g. postgresql://u@127.0.0.1:5432/db.
"""

import json
import subprocess
import sys

_QUERIES = {
    "columns": """
        SELECT c.table_name, c.ordinal_position, c.column_name,
               format_type(a.atttypid, a.atttypmod), c.is_nullable,
               coalesce(c.column_default, ''), c.is_generated, coalesce(c.generation_expression, '')
        FROM information_schema.columns c
        JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' ||
                                             quote_ident(c.table_name))::regclass
                           AND a.attname = c.column_name
        WHERE c.table_schema = current_schema()
        ORDER BY 1, 2""",
    "constraints": """
        SELECT cl.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE n.nspname = current_schema()
        ORDER BY 1, 2""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() ORDER BY 1, 2""",
    "sequences": """
        SELECT s.sequence_name, s.data_type, s.start_value, s.increment,
               coalesce(d.refobjid::regclass::text || '.' || a.attname, '')
        FROM information_schema.sequences s
        LEFT JOIN pg_depend d ON d.objid = (quote_ident(s.sequence_schema) || '.' ||
                                            quote_ident(s.sequence_name))::regclass
                             AND d.deptype = 'a' AND d.classid = 'pg_class'::regclass
        LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE s.sequence_schema = current_schema() ORDER BY 1""",
    "others": """
        SELECT 'view', table_name FROM information_schema.views WHERE table_schema = current_schema()
        UNION ALL
        SELECT 'trigger', trigger_name FROM information_schema.triggers
        WHERE trigger_schema = current_schema() ORDER BY 1, 2""",
}


def _psql(conninfo, sql):
    proc = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
        capture_output=True, text=True, timeout=120,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed: {proc.stderr.strip()}")
    return [line.split("\x1f") for line in proc.stdout.splitlines() if line]


def describe(conninfo):
    tables = {}

    def table(name):
        return tables.setdefault(name, {"columns": [], "constraints": [], "indexes": []})

    for t, pos, name, typ, nullable, default, generated, expr in _psql(conninfo, _QUERIES["columns"]):
        table(t)["columns"].append(
            {"pos": int(pos), "name": name, "type": typ, "nullable": nullable, "default": default,
             "generated": generated, "expression": expr}
        )
    for t, name, kind, definition in _psql(conninfo, _QUERIES["constraints"]):
        table(t)["constraints"].append({"name": name, "kind": kind, "definition": definition})
    for t, name, definition in _psql(conninfo, _QUERIES["indexes"]):
        table(t)["indexes"].append({"name": name, "definition": definition})
    sequences = [list(r) for r in _psql(conninfo, _QUERIES["sequences"])]
    others = [list(r) for r in _psql(conninfo, _QUERIES["others"])]
    alembic = None
    if "alembic_version" in tables:
        alembic = [r[0] for r in _psql(conninfo, "SELECT version_num FROM alembic_version")]
    return {"tables": tables, "sequences": sequences, "other_objects": others, "alembic_version": alembic}


def diff(a, b, label_a="a", label_b="b"):
    out = []
    ta, tb = set(a["tables"]), set(b["tables"])
    out += [f"table {t}: only in {label_a}" for t in sorted(ta - tb)]
    out += [f"table {t}: only in {label_b}" for t in sorted(tb - ta)]
    for t in sorted(ta & tb):
        for key in ("columns", "constraints", "indexes"):
            sa = [json.dumps(x, sort_keys=True) for x in a["tables"][t][key]]
            sb = [json.dumps(x, sort_keys=True) for x in b["tables"][t][key]]
            out += [f"table {t} {key}: only in {label_a}: {x}" for x in sa if x not in sb]
            out += [f"table {t} {key}: only in {label_b}: {x}" for x in sb if x not in sa]
    for key in ("sequences", "other_objects", "alembic_version"):
        if a[key] != b[key]:
            out.append(f"{key}: {a[key]} vs {b[key]}")
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
