"""Structural description of a MySQL / MariaDB database schema, for comparing schemas made by
different tools. Uses the `mariadb` client (as root over a server's socket; no Python driver
needed) and information_schema: columns in order with their full type, nullability, default, extra
(auto_increment, generated) and generation expression; constraints by name (primary, unique,
foreign keys with their columns, referenced columns and actions, CHECK clauses); indexes by name
with their columns in order and uniqueness; AUTO_INCREMENT tables; alembic_version rows.

    python3 mysql_structure.py <socket> <database>              # print the description as JSON
    python3 mysql_structure.py <socket> <database-a> <database-b> # print differences; exit 1 if any
"""

import json
import subprocess
import sys

_QUERIES = {
    "columns": """
        SELECT table_name, ordinal_position, column_name, column_type, is_nullable,
               coalesce(column_default, 'NULL'), extra, coalesce(generation_expression, '')
        FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1, 2""",
    "keys": """
        SELECT tc.table_name, tc.constraint_name, tc.constraint_type,
               group_concat(k.column_name ORDER BY k.ordinal_position SEPARATOR ','),
               coalesce(max(k.referenced_table_name), ''),
               coalesce(group_concat(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ','), ''),
               coalesce(max(rc.update_rule), ''), coalesce(max(rc.delete_rule), '')
        FROM information_schema.table_constraints tc
        LEFT JOIN information_schema.key_column_usage k
          ON k.constraint_schema = tc.constraint_schema AND k.table_name = tc.table_name
         AND k.constraint_name = tc.constraint_name
        LEFT JOIN information_schema.referential_constraints rc
          ON rc.constraint_schema = tc.constraint_schema AND rc.table_name = tc.table_name
         AND rc.constraint_name = tc.constraint_name
        WHERE tc.constraint_schema = DATABASE() AND tc.constraint_type <> 'CHECK'
        GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type ORDER BY 1, 2""",
    "checks": """
        SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints
        WHERE constraint_schema = DATABASE() ORDER BY 1, 2""",
    "indexes": """
        SELECT table_name, index_name, non_unique,
               group_concat(column_name ORDER BY seq_in_index SEPARATOR ',')
        FROM information_schema.statistics WHERE table_schema = DATABASE()
        GROUP BY table_name, index_name, non_unique ORDER BY 1, 2""",
    "others": """
        SELECT 'view', table_name FROM information_schema.views WHERE table_schema = DATABASE()
        UNION ALL
        SELECT 'trigger', trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()
        ORDER BY 1, 2""",
}


def _mariadb(socket, database, sql):
    proc = subprocess.run(["mariadb", "--no-defaults", "-S", socket, "-u", "root", "-N", "-B", "--raw", database,
                           "-e", sql], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"mariadb failed: {proc.stderr.strip()}")
    return [line.split("\t") for line in proc.stdout.splitlines() if line]


def describe(socket, database):
    tables = {}

    def table(name):
        return tables.setdefault(name, {"columns": [], "constraints": [], "indexes": []})

    for t, pos, name, typ, nullable, default, extra, expr in _mariadb(socket, database, _QUERIES["columns"]):
        table(t)["columns"].append({"pos": int(pos), "name": name, "type": typ, "nullable": nullable,
                                    "default": default, "extra": extra, "expression": expr})
    for t, name, kind, cols, ref_table, ref_cols, on_update, on_delete in _mariadb(socket, database,
                                                                                    _QUERIES["keys"]):
        table(t)["constraints"].append({"name": name, "kind": kind, "columns": cols, "references": ref_table,
                                        "ref_columns": ref_cols, "on_update": on_update, "on_delete": on_delete})
    for t, name, clause in _mariadb(socket, database, _QUERIES["checks"]):
        table(t)["constraints"].append({"name": name, "kind": "CHECK", "definition": clause})
    for t, name, non_unique, cols in _mariadb(socket, database, _QUERIES["indexes"]):
        table(t)["indexes"].append({"name": name, "unique": non_unique == "0", "columns": cols})
    others = [list(r) for r in _mariadb(socket, database, _QUERIES["others"])]
    alembic = None
    if "alembic_version" in tables:
        alembic = [r[0] for r in _mariadb(socket, database, "SELECT version_num FROM alembic_version")]
    return {"tables": tables, "other_objects": others, "alembic_version": alembic}


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
    for key in ("other_objects", "alembic_version"):
        if a[key] != b[key]:
            out.append(f"{key}: {a[key]} vs {b[key]}")
    return out


def main(argv):
    if len(argv) == 3:
        print(json.dumps(describe(argv[1], argv[2]), indent=1, sort_keys=True))
        return 0
    if len(argv) == 4:
        differences = diff(describe(argv[1], argv[2]), describe(argv[1], argv[3]), argv[2], argv[3])
        for line in differences:
            print(line)
        return 1 if differences else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
