"""The injection suite's cases, one list for both engines.

Every expression argument (set, where, transform, expr, reverse_expr,
value, target_type, and order_by, an ORDER BY list, with shapes of its
own) and every identifier argument (table_name, source, dest, dests,
sources, field, unique_fields, keep) of every named
operation gets each hostile shape below in place of a valid value, the
other arguments staying valid.  Each call must fail, the table "canary"
must still exist and the digest of table t must not change.  LEGIT holds
tricky fragments that must be accepted and give the right rows.

Used by test/sqlite/injection.py (SQLite, imported) and by
test/scripts/pg_injection.sh, which runs this file:

    injection_cases.py pg-script          a psql script of every call
    injection_cases.py pg-report OUTPUT   TAP from psql's output
"""
import sys

BIG = "x" * 10240

# Valid values of each argument, per operation (positional order).
OPS = [
    ("backfill", ["t", "n = n + 1", 2, "id <= 5", True]),
    ("copy_field", ["t", "s", "a", "s || 'x'", 2, True]),
    ("transform_field", ["t", "n", "n + 1", "n - 1", 2, True]),
    ("populate_field", ["t", "a", "'v'", "id <= 5", False, 2, True]),
    ("split_field", ["t", "s", "a b", " ", 2, True]),
    ("merge_fields", ["t", "a b", "c", "-", 2, True]),
    ("convert_type", ["t", "n", "text", None, False, "c", 2, True]),
    ("rename_values", ["t", "s", '{"x": "y"}', True, 2, True]),
    ("dedup", ["t", "s", "first", "id", 2, True]),
]

# Argument names by position, as in covet_op_defs (src/core/ops.c).
NAMES = {
    "backfill": ["table_name", "set", "batch_size", "where", "undo"],
    "copy_field": ["table_name", "source", "dest", "transform", "batch_size", "undo"],
    "transform_field": ["table_name", "field", "expr", "reverse_expr", "batch_size", "undo"],
    "populate_field": ["table_name", "field", "value", "where", "only_null", "batch_size", "undo"],
    "split_field": ["table_name", "source", "dests", "delimiter", "batch_size", "undo"],
    "merge_fields": ["table_name", "sources", "dest", "separator", "batch_size", "undo"],
    "convert_type": ["table_name", "field", "target_type", "default_value", "skip_errors", "dest",
                     "batch_size", "undo"],
    "rename_values": ["table_name", "field", "mapping", "case_sensitive", "batch_size", "undo"],
    "dedup": ["table_name", "unique_fields", "keep", "order_by", "batch_size", "undo"],
}

EXPRESSIONS = {"set", "where", "transform", "expr", "reverse_expr", "value", "target_type",
               "order_by"}
IDENTIFIERS = {"table_name", "source", "dest", "dests", "sources", "field", "unique_fields",
               "keep"}

# Hostile shapes; {E} is the argument's valid value.  Each is an error in
# both engines' real reading, and does damage (drops canary, or changes
# rows outside covet's range or filter) in a wrong one.
EXPR_SHAPES = [
    ("CR-ended comment", "{E} --\r; DROP TABLE canary; SELECT 1 FROM t"),
    ("CR-ended comment, paren", "{E} --\r) OR (1=1 --"),
    ("E'' escape, semicolon", "{E} AND E'\\''; DROP TABLE canary; --'"),
    ("E'' escape, paren", "{E} AND E'\\'') OR (1=1 --'"),
    ("nested comment, issue", "{E} + 0*coalesce(?2,?1,0) /* /* */ ; -- */"),
    ("nested comment, semicolon", "{E} /* /* */ ; DROP TABLE canary; -- */ ) OR (1=1"),
    ("nested comment, paren", "{E} /* /* */ ) OR (1=1 -- */ )"),
    ("bracket identifier", "{E} AND [x)] OR (1=1"),
    ("backtick identifier", "{E} AND `a)` OR (1"),
    ("dollar quote", "{E} AND $x$ ) $x$ ) OR (1=1 --"),
    ("dollar quote, semicolon", "{E} AND $x$ ; DROP TABLE canary; $x$"),
    ("?N parameter", "{E} + ?1"),
    ("? parameter", "{E} + ?"),
    (":name parameter", "{E} + :n"),
    ("@name parameter", "{E} + @nosuch"),
    ("$name parameter", "{E} + $n"),
    ("$N parameter", "{E} + $1"),
    ("tcl $a(b) parameter", "{E} + $a(b)"),
    ("tcl $a::b parameter", "{E} + $a::b"),
    ("semicolon", "{E}; DROP TABLE canary"),
    ("semicolon after a string", "{E} AND ';' = ';'; DROP TABLE canary"),
    ("unbalanced paren", "{E}) OR (1=1"),
    ("unbalanced paren, comment", "{E}) OR (1=1 --"),
    ("subquery paren", "{E} AND (SELECT 1)) OR ((1=1"),
    ("open string", "{E} AND 'x"),
    ("open comment", "{E} /*"),
    ("FROM clause", "{E} FROM canary"),
    ("RETURNING", "{E} RETURNING 1"),
    ("10 KB string, paren", "{E} AND '" + BIG + "' = '') OR (1=1"),
    ("10 KB comment, semicolon", "{E} /*" + BIG + "*/; DROP TABLE canary"),
    ("NUL", "{E}\x00; DROP TABLE canary"),
]

# order_by is an ORDER BY list: nothing may follow the list in covet's
# statement (LIMIT, OFFSET, a set operation, a locking clause, a second
# statement).
ORDER_SHAPES = [
    ("LIMIT", "{E} LIMIT 0"),
    ("OFFSET", "{E} OFFSET 1"),
    ("LIMIT, comma", "{E} LIMIT 1, 1"),
    ("UNION", "{E} UNION SELECT 1"),
    ("paren UNION", "{E}) UNION (SELECT 1"),
    ("FOR UPDATE", "{E} FOR UPDATE"),
    ("DESC, semicolon", "{E} DESC; DROP TABLE canary"),
    ("subquery, semicolon", "(SELECT 1); DROP TABLE canary; SELECT ({E}"),
    ("NULLS, comment", "{E} NULLS FIRST --\r; DROP TABLE canary"),
    ("trailing comma", "{E},"),
]

IDENT_SHAPES = [
    ("double quote, semicolon", '{E}"; DROP TABLE canary; --'),
    ("paren", "{E}) OR (1=1"),
    ("double quote, OR", '{E}" OR "1"="1'),
    ("single quote, semicolon", "{E}'; DROP TABLE canary; --"),
    ("CR-ended comment", "{E} --\r; DROP TABLE canary"),
    ("bracket quoted", "[{E}]"),
    ("backtick quoted", "`{E}`"),
    ("parameter", "{E} = ?1"),
    ("$N", "$1"),
    ("10 KB name", "{E}" + BIG),
    ("NUL", "{E}\x00; DROP TABLE canary"),
]

# Tricky but valid: (name, op, args, check query, expected rows).  Engine
# "pg", "sqlite" or None (both).
LEGIT = [
    ("';' and ')' in a string", None, "backfill", ["t", "s = 'a;b)'", 2, "id = 1"],
     "SELECT s FROM t WHERE id = 1", [("a;b)",)]),
    ("a quoted identifier with ')'", None, "backfill", ["t", "n = 100", 2, '"odd)" = 3'],
     "SELECT id FROM t WHERE n = 100", [(3,)]),
    ("a comment inside", None, "backfill",
     ["t", "n = n /* ; ) */ + 1000 -- trailing ; )", 2, "id = 2 -- ) ;"],
     "SELECT n FROM t WHERE id = 2", [(1002,)]),
    ("E'' with \\'", "pg", "backfill", ["t", "s = E'it\\'s;)'", 2, "id = 4"],
     "SELECT s FROM t WHERE id = 4", [("it's;)",)]),
    ("a dollar quote", "pg", "backfill", ["t", "s = $q$d;)$q$", 2, "id = 5"],
     "SELECT s FROM t WHERE id = 5", [("d;)",)]),
    ("[col] and `col`", "sqlite", "backfill", ["t", "[n] = `n` + 10", 2, "[id] = 6"],
     "SELECT n FROM t WHERE id = 6", [(16,)]),
    ("10 KB string value", None, "populate_field", ["t", "a", "'" + BIG + "'", "id = 7", False, 2],
     "SELECT length(a) FROM t WHERE id = 7", [(10240,)]),
    ("reverse_expr with a ')' in a string", None, "transform_field",
     ["t", "s", "s || ')'", "substr(s, 1, length(s) - 1)", 2],
     "SELECT s FROM t WHERE id = 8", [("theta eta)",)]),
]

# t's rows: id, n, s, a, b, c, "odd)"
ROWS = [(i, i, s, None, None, None, i) for i, s in enumerate(
    ["alpha beta", "beta gamma", "gamma delta", "delta eps", "eps zeta", "zeta eta",
     "eta theta", "theta eta"], 1)]


def cases(engine):
    """(op, arg name, shape name, args) for every hostile call."""
    for op, valid in OPS:
        for i, name in enumerate(NAMES[op]):
            if name not in EXPRESSIONS and name not in IDENTIFIERS:
                continue
            shapes = EXPR_SHAPES if name in EXPRESSIONS else IDENT_SHAPES
            if name == "order_by":
                shapes = EXPR_SHAPES + ORDER_SHAPES
            for shape, tmpl in shapes:
                if "\x00" in tmpl and engine == "pg":
                    continue        # PostgreSQL text cannot hold NUL
                args = list(valid)
                args[i] = tmpl.replace("{E}", str(valid[i] if valid[i] is not None else "x"))
                yield op, name, shape, args


# --- PostgreSQL: a psql script, and TAP from its output ---------------------

def pg_lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = v.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r").replace("\n", "\\n")
    return "E'" + s + "'"


FORMS_PG = ("atomic", "commit", "background")


ERRORED = "\\if :ERROR\n\\echo ERRORED\n\\endif"


def pg_call(form, op, args):
    """The call, then a line ERRORED if it failed (psql's ERROR variable)."""
    lits = ", ".join(pg_lit(a) for a in args)
    if form == "atomic":
        return "SELECT covet_%s(%s);\n%s" % (op, lits, ERRORED)
    if form == "commit":
        return "CALL covet_%s_commit(%s);\n%s" % (op, lits, ERRORED)
    return ("\\set rid 0\nSELECT covet_%s_background(%s) AS rid \\gset\n%s\n"
            "SELECT covet_wait(:rid) WHERE :rid > 0;" % (op, lits, ERRORED))


# Stored SQL is read again when it runs: runs rows rewritten by hand, and a
# bad reverse_expr refused at creation.  (name, SQL; its last statement must fail)
PG_EXTRA = [
    ("resume refuses a tampered where_sql",
     "SELECT covet_backfill('t', 'n = n', 2, 'id <= 3') AS run \\gset\n"
     "UPDATE covet.runs SET state = 'failed', last_key = NULL,"
     " where_sql = 'id <= 3) OR (1=1' WHERE id = :run;\n"
     "SELECT covet_resume(:run);"),
    ("resume refuses a tampered set_sql",
     "UPDATE covet.runs SET where_sql = 'id <= 3', set_sql = 'n = 0; DROP TABLE canary'"
     " WHERE id = :run;\nSELECT covet_resume(:run);"),
    ("undo refuses a tampered reverse_set",
     "UPDATE covet.runs SET set_sql = 'n = n', undo_table = NULL,"
     " reverse_set = 'n = n - $1' WHERE id = :run;\nSELECT covet_undo(:run);"),
    ("undo refuses a reverse_set with a FROM clause",
     "UPDATE covet.runs SET reverse_set = 'n = n - 1 FROM canary' WHERE id = :run;\n"
     "SELECT covet_undo(:run);"),
    ("a bad reverse_expr is refused at creation",
     "SELECT covet_transform_field('t', 'n', 'n + 1', 'n - nosuch');"),
]


def pg_script(out):
    n = 0
    for form in FORMS_PG:
        for op, name, shape, args in cases("pg"):
            n += 1
            out.write("\\echo CASE %d %s|%s|%s|%s\n" % (n, form, op, name, shape))
            out.write(pg_call(form, op, args) + "\n")
            out.write("SELECT 'CHECK %d ' || inj_state();\n" % n)
    for name, sql in PG_EXTRA:
        n += 1
        out.write("\\echo CASE %d %s\n" % (n, name))
        out.write(sql + "\n" + ERRORED + "\n")
        out.write("SELECT 'CHECK %d ' || inj_state();\n" % n)
    for name, engine, op, args, query, want in LEGIT:
        if engine not in (None, "pg"):
            continue
        n += 1
        out.write("\\echo LEGIT %d %s\n" % (n, name))
        out.write(pg_call("commit", op, args) + "\n")
        out.write("SELECT 'GOT %d ' || coalesce(string_agg(x::text, ','), '') FROM (%s) AS q(x);\n"
                  % (n, query))
        out.write("SELECT 'WANT %d ' || %s;\n"
                  % (n, pg_lit(",".join(str(r[0]) for r in want))))
        out.write("SELECT 'RESET %d ' || inj_reset();\n" % n)


def pg_report(path):
    """TAP: one test per call (an error, canary kept, digest unchanged)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    baseline = None
    for line in lines:
        if line.startswith("BASELINE "):
            baseline = line[len("BASELINE "):]
    tests = 0
    failed = 0
    tried = 0
    escapes = 0
    refused = 0
    cur = None
    errors = False
    got = {}
    for line in lines:
        if line.startswith("CASE ") or line.startswith("LEGIT "):
            cur = line
            errors = False
            continue
        if line == "ERRORED":
            errors = True
            continue
        if line.startswith("CHECK ") and cur is not None:
            state = line.split(" ", 2)[2]
            tried += 1
            tests += 1
            damaged = state != baseline
            if damaged:
                escapes += 1
            if errors:
                refused += 1
            good = errors and not damaged
            if not good:
                failed += 1
            desc = cur.split(" ", 2)[2]
            print("%s %d - %s: refused, canary and rows intact" % ("ok" if good else "not ok", tests, desc))
            if not good:
                print("# error: %s, state: %s (want %s)" % (errors, state, baseline))
            cur = None
        elif line.startswith("GOT "):
            k, v = line[4:].split(" ", 1) if " " in line[4:] else (line[4:], "")
            got[k] = (v, errors)
        elif line.startswith("WANT "):
            k, v = line[5:].split(" ", 1) if " " in line[5:] else (line[5:], "")
            tests += 1
            g, err = got.get(k, (None, True))
            good = g == v and not err
            if not good:
                failed += 1
            print("%s %d - %s: accepted, right rows" % ("ok" if good else "not ok", tests, cur))
            if not good:
                print("# got %r (error: %s), want %r" % (g, err, v))
    tests += 1
    good = baseline is not None and tried > 0 and escapes == 0
    print("%s %d - %d calls tried, %d refused, %d escapes" % ("ok" if good else "not ok", tests,
                                                             tried, refused, escapes))
    print("# injection (postgresql): %d calls tried, %d refused, %d escapes" % (tried, refused, escapes))
    print("1..%d" % tests)
    return 0 if failed == 0 and good else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["pg-script"]:
        pg_script(sys.stdout)
    elif sys.argv[1:2] == ["pg-report"]:
        sys.exit(pg_report(sys.argv[2]))
    else:
        sys.exit("usage: injection_cases.py pg-script | pg-report OUTPUT")
