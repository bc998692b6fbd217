# shellcheck shell=bash
# cli.sh: the covet command against the floor and the other tools, sourced
# by run.sh (after its helpers: row, fmt_ms).
#
# NMIG (default 1,000) migrations from files, each one statement
# (CREATE TABLE m_NNNN (id int); down: DROP TABLE m_NNNN), applied and
# rolled back end to end, from process start to exit, in a fresh database
# each time:
#   floor    the same statements in one transaction by the engine's own
#            shell: psql -X -q -1 -f up.sql / sqlite3 DB < up.sql (BEGIN ...
#            COMMIT); down: the DROPs the same way
#   covet    ./covet --db URL --dir DIR migrate up (commit per migration,
#            the default) and migrate up --all-or-nothing; migrate down NMIG
#            (and --all-or-nothing)
#   sqitch   Debian's sqitch: sqitch deploy / sqitch revert -y of a plan of
#            NMIG changes
#   alembic  python3-alembic: alembic upgrade head / downgrade base of NMIG
#            revision files, each op.execute() of the same statement
# Each figure is the best of BENCH_REPEAT runs (default 2; sqitch once: it
# takes about 20 s on PostgreSQL), printed with its ratio to the floor.
# sqitch and python3-alembic are installed with apt-get when missing and
# root (never by "make test"); a tool that is missing is reported, not
# timed.  BENCH_ONLY=cli runs this section alone.

CLI_TOOLS_TRIED=""

# cli_peers: install sqitch and alembic once if missing (root only).
cli_peers() {
	[ -n "$CLI_TOOLS_TRIED" ] && return
	CLI_TOOLS_TRIED=1
	local need=()
	command -v sqitch >/dev/null || need+=(sqitch)
	/usr/bin/python3 -c 'import alembic' 2>/dev/null || need+=(python3-alembic)
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || need+=(python3-psycopg2)
	perl -MDBD::Pg -e1 2>/dev/null || need+=(libdbd-pg-perl)
	perl -MDBD::SQLite -e1 2>/dev/null || need+=(libdbd-sqlite3-perl)
	if [ "${#need[@]}" -gt 0 ] && [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 \
			"${need[@]}" >/dev/null 2>&1 ||
			echo "bench: apt-get install ${need[*]} failed" >&2
	fi
}

# cli_gen DIR ENGINE: every tool's files for NMIG migrations under DIR.
cli_gen() {
	local dir=$1 engine=$2
	/usr/bin/python3 - "$dir" "$NMIG" "$engine" <<'EOF'
import os, sys
d, n, engine = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = ["m%04d" % i for i in range(1, n + 1)]
up = ["CREATE TABLE %s_t (id int);" % m for m in names]
down = ["DROP TABLE %s_t;" % m for m in names]
for sub in ("covet", "sqitch/deploy", "sqitch/revert", "sqitch/verify", "alembic/versions"):
    os.makedirs(os.path.join(d, sub), exist_ok=True)
# floor: one transaction each way (psql -1 adds BEGIN/COMMIT itself)
wrap = (lambda s: "BEGIN;\n" + s + "COMMIT;\n") if engine == "sqlite" else (lambda s: s)
open(os.path.join(d, "up.sql"), "w").write(wrap("".join(s + "\n" for s in up)))
open(os.path.join(d, "down.sql"), "w").write(wrap("".join(s + "\n" for s in reversed(down))))
# covet
for m, u, dn in zip(names, up, down):
    open(os.path.join(d, "covet", m + ".sql"), "w").write(
        "-- covet:up\n%s\n\n-- covet:down\n%s\n" % (u, dn))
# sqitch
open(os.path.join(d, "sqitch", "sqitch.conf"), "w").write(
    "[core]\n\tengine = %s\n\tplan_file = sqitch.plan\n\ttop_dir = .\n" % ("pg" if engine == "postgres" else "sqlite"))
with open(os.path.join(d, "sqitch", "sqitch.plan"), "w") as f:
    f.write("%syntax-version=1.0.0\n%project=bench\n\n")
    for m in names:
        f.write("%s 2024-01-01T00:00:00Z Bench <bench@example.com> # %s\n" % (m, m))
for m, u, dn in zip(names, up, down):
    open(os.path.join(d, "sqitch", "deploy", m + ".sql"), "w").write(u + "\n")
    open(os.path.join(d, "sqitch", "revert", m + ".sql"), "w").write(dn + "\n")
# alembic
a = os.path.join(d, "alembic")
open(os.path.join(a, "alembic.ini"), "w").write(
    "[alembic]\nscript_location = %s\n\n[loggers]\nkeys = root\n[handlers]\nkeys = null\n"
    "[formatters]\nkeys = plain\n[logger_root]\nlevel = WARN\nhandlers = null\n"
    "[handler_null]\nclass = NullHandler\nargs = ()\nformatter = plain\n[formatter_plain]\nformat = %%(message)s\n" % a)
open(os.path.join(a, "env.py"), "w").write('''import os
from alembic import context
from sqlalchemy import create_engine
engine = create_engine(os.environ["BENCH_ALEMBIC_URL"])
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
''')
open(os.path.join(a, "script.py.mako"), "w").write("")
prev = None
for m, u, dn in zip(names, up, down):
    open(os.path.join(a, "versions", m + ".py"), "w").write(
        "from alembic import op\nrevision = %r\ndown_revision = %r\nbranch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n    op.execute(%r)\n\ndef downgrade():\n    op.execute(%r)\n" % (m, prev, u[:-1], dn[:-1]))
    prev = m
EOF
}

# cli_time CMD...: wall milliseconds of CMD from start to exit; -1 when it
# fails (its output goes to $CLI_LOG).
cli_time() {
	local t0 t1
	t0=$(date +%s%N)
	if ! "$@" >>"$CLI_LOG" 2>&1; then
		echo "-1"
		return
	fi
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'
}

cli_min() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a < 0) print b; else if (b < 0 || a <= b) print a; else print b }'
}

# cli_row ENGINE WHAT MS FLOOR_MS
cli_row() {
	local fig
	if [ "$3" = "-" ]; then
		fig="-"
	elif awk -v t="$3" 'BEGIN { exit !(t < 0) }'; then
		fig="failed (see $CLI_LOG_KEPT)"
	else
		fig=$(awk -v t="$3" -v f="$4" 'BEGIN { if (f > 0) printf "%.1f ms (%.2f x the floor)", t, t / f; else printf "%.1f ms", t }')
	fi
	row "$1" "$2" "$fig"
}

# cli_bench ENGINE: the section for one engine; the hooks cli_fresh (a new
# empty database), cli_floor_up/down, CLI_URL, CLI_SQITCH_TARGET and
# BENCH_ALEMBIC_URL come from the caller.
cli_bench() {
	local engine=$1 tmp rounds r ms best floor_up floor_down what
	tmp=$(mktemp -d)
	CLI_LOG=$tmp/log
	CLI_LOG_KEPT=/tmp/covet-bench-cli-$engine.log
	: >"$CLI_LOG"
	cli_peers
	cli_gen "$tmp" "$engine"
	rounds=${BENCH_REPEAT:-2}

	# the floor
	best=""
	for r in $(seq 1 "$rounds"); do
		cli_fresh
		ms=$(cli_time cli_floor_up "$tmp/up.sql")
		best=$(cli_min "$best" "$ms")
	done
	floor_up=$best
	cli_row "$engine" "floor: $NMIG CREATE TABLE in one transaction ($CLI_FLOOR_TOOL)" "$floor_up" 0
	best=""
	for r in $(seq 1 "$rounds"); do
		cli_fresh
		cli_floor_up "$tmp/up.sql" >/dev/null 2>&1
		ms=$(cli_time cli_floor_up "$tmp/down.sql")
		best=$(cli_min "$best" "$ms")
	done
	floor_down=$best
	cli_row "$engine" "floor: $NMIG DROP TABLE in one transaction" "$floor_down" 0

	# covet
	(cd "$ROOT" && make --no-print-directory covet >/dev/null 2>&1)
	if [ -x "$ROOT/covet" ]; then
		for what in "" "--all-or-nothing"; do
			best=""
			for r in $(seq 1 "$rounds"); do
				cli_fresh
				ms=$(cli_time "$ROOT/covet" -q --db "$CLI_URL" --dir "$tmp/covet" migrate up $what)
				best=$(cli_min "$best" "$ms")
			done
			cli_row "$engine" "covet migrate up${what:+ $what}, $NMIG files" "$best" "$floor_up"
			best=""
			for r in $(seq 1 "$rounds"); do
				cli_fresh
				"$ROOT/covet" -q --db "$CLI_URL" --dir "$tmp/covet" migrate up --all-or-nothing >>"$CLI_LOG" 2>&1
				ms=$(cli_time "$ROOT/covet" -q --db "$CLI_URL" --dir "$tmp/covet" migrate down "$NMIG" $what)
				best=$(cli_min "$best" "$ms")
			done
			cli_row "$engine" "covet migrate down $NMIG${what:+ $what}" "$best" "$floor_down"
		done
	else
		row "$engine" "covet: ./covet is not built (make covet)" "-"
	fi

	# sqitch (once: it is slow)
	if command -v sqitch >/dev/null; then
		cli_fresh
		ms=$(cd "$tmp/sqitch" && SQITCH_FULLNAME=Bench SQITCH_EMAIL=bench@example.com \
			cli_time sqitch --quiet deploy --no-verify "$CLI_SQITCH_TARGET")
		cli_row "$engine" "sqitch deploy, $NMIG changes" "$ms" "$floor_up"
		ms=$(cd "$tmp/sqitch" && SQITCH_FULLNAME=Bench SQITCH_EMAIL=bench@example.com \
			cli_time sqitch --quiet revert -y "$CLI_SQITCH_TARGET")
		cli_row "$engine" "sqitch revert -y, $NMIG changes" "$ms" "$floor_down"
	else
		row "$engine" "sqitch: not installed (apt-get install sqitch)" "-"
	fi

	# alembic
	if /usr/bin/python3 -c 'import alembic' 2>/dev/null; then
		best=""
		for r in $(seq 1 "$rounds"); do
			cli_fresh
			ms=$(cli_time /usr/bin/python3 -m alembic -c "$tmp/alembic/alembic.ini" upgrade head)
			best=$(cli_min "$best" "$ms")
		done
		cli_row "$engine" "alembic upgrade head, $NMIG revisions" "$best" "$floor_up"
		best=""
		for r in $(seq 1 "$rounds"); do
			cli_fresh
			/usr/bin/python3 -m alembic -c "$tmp/alembic/alembic.ini" upgrade head >>"$CLI_LOG" 2>&1
			ms=$(cli_time /usr/bin/python3 -m alembic -c "$tmp/alembic/alembic.ini" downgrade base)
			best=$(cli_min "$best" "$ms")
		done
		cli_row "$engine" "alembic downgrade base, $NMIG revisions" "$best" "$floor_down"
	else
		row "$engine" "alembic: not installed (apt-get install python3-alembic)" "-"
	fi
	cp "$CLI_LOG" "$CLI_LOG_KEPT" 2>/dev/null
	rm -rf "$tmp"
}

sqlite_cli() {
	local dir
	dir=$(mktemp -d)
	CLI_DB=$dir/cli.db
	CLI_URL=sqlite:$CLI_DB
	CLI_SQITCH_TARGET=db:sqlite:$CLI_DB
	CLI_FLOOR_TOOL="sqlite3"
	export BENCH_ALEMBIC_URL=sqlite:///$CLI_DB
	cli_fresh() { rm -f "$CLI_DB" "$CLI_DB-journal"; }
	cli_floor_up() { sqlite3 -batch -bail "$CLI_DB" <"$1"; }
	cli_bench sqlite
	rm -rf "$dir"
}

pg_cli() {
	local db=covet_bench_cli
	CLI_URL="dbname=$db"
	CLI_SQITCH_TARGET="db:pg:$db"
	CLI_FLOOR_TOOL="psql -1"
	export BENCH_ALEMBIC_URL="postgresql+psycopg2:///$db"
	cli_fresh() {
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
		psql -X -q -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1
	}
	cli_floor_up() { psql -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f "$1"; }
	cli_bench postgres
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
}
