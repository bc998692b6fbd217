# diff.sh: the schema diff benchmark, sourced by run.sh.
#
# Two schemas of 100 tables each (10 columns, 3 indexes and 2 foreign keys
# per table); the target differs in a tenth of the tables (a column added,
# an index changed, a type changed), so the diff has work to do.  Reported:
# the time of one covet_diff over them (the whole call: reading both
# catalogs and comparing), best of BENCH_REPEAT, and the number of steps.
# Target (issue 15): under 0.5 s on each engine.

# diff_schema VARIANT [pg]: the CREATE statements of one schema (a or b);
# with pg, the foreign keys come after all tables (ALTER TABLE).
diff_schema() {
	local i k cols
	if [ "${2:-}" = pg ]; then
		diff_schema "$1" | sed 's/, p1 integer REFERENCES t[0-9]* (id), p2 integer REFERENCES t[0-9]* (id)/, p1 integer, p2 integer/'
		for i in $(seq 0 99); do
			printf 'ALTER TABLE t%d ADD FOREIGN KEY (p1) REFERENCES t%d (id), ADD FOREIGN KEY (p2) REFERENCES t%d (id);\n' \
				"$i" $(((i + 1) % 100)) $(((i + 2) % 100))
		done
		return
	fi
	for i in $(seq 0 99); do
		cols="id integer PRIMARY KEY"
		for k in 1 2 3 4 5 6 7; do
			if [ $((k % 2)) -eq 1 ]; then cols+=", c$k text"; else cols+=", c$k integer"; fi
		done
		cols+=", p1 integer REFERENCES t$(((i + 1) % 100)) (id), p2 integer REFERENCES t$(((i + 2) % 100)) (id)"
		if [ "$1" = b ] && [ $((i % 10)) -eq 0 ]; then cols+=", extra text"; fi
		if [ "$1" = b ] && [ $((i % 25)) -eq 1 ]; then cols=${cols/c2 integer/c2 bigint}; fi
		printf 'CREATE TABLE t%d (%s);\n' "$i" "$cols"
		printf 'CREATE INDEX t%d_i1 ON t%d (c1);\n' "$i" "$i"
		printf 'CREATE INDEX t%d_i2 ON t%d (c2, c3);\n' "$i" "$i"
		if [ "$1" = b ] && [ $((i % 7)) -eq 0 ]; then
			printf 'CREATE INDEX t%d_i3 ON t%d (c5);\n' "$i" "$i"
		else
			printf 'CREATE INDEX t%d_i3 ON t%d (c4);\n' "$i" "$i"
		fi
	done
}

sqlite_diff() {
	local dir a b best="" t i n
	dir=$(mktemp -d)
	a=$dir/a.db
	b=$dir/b.db
	diff_schema a | sqlite3 "$a"
	diff_schema b | sqlite3 "$b"
	for i in $(seq 1 "${BENCH_REPEAT:-2}"); do
		t=$(sq_timer "$a" "ATTACH '$b' AS other; SELECT count(*) FROM covet_diff('main', 'other');")
		if [ -z "$best" ] || awk -v x="$t" -v y="$best" 'BEGIN { exit !(x < y) }'; then best=$t; fi
	done
	n=$(printf "ATTACH '%s' AS other;\nSELECT count(*) FROM covet_diff('main', 'other');\n" "$b" | sq "$a")
	row sqlite "covet_diff of two 100-table schemas ($n steps; target 500 ms)" "$(fmt_ms "$best")"
	rm -rf "$dir"
}

pg_diff() {
	local db=covet_bench_diff best="" t i n
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		row postgres "diff: CREATE EXTENSION covet failed" "-"
		return
	fi
	{
		echo "CREATE SCHEMA a; SET search_path = a;"
		diff_schema a pg
		echo "CREATE SCHEMA b; SET search_path = b;"
		diff_schema b pg
	} | psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null 2>&1
	for i in $(seq 1 "${BENCH_REPEAT:-2}"); do
		t=$(pq_timing "$db" "SELECT count(*) FROM covet_diff('a', 'b');")
		if [ -z "$best" ] || awk -v x="$t" -v y="$best" 'BEGIN { exit !(x < y) }'; then best=$t; fi
	done
	n=$(psql -X -qAt -d "$db" -c "SELECT count(*) FROM covet_diff('a', 'b')")
	row postgres "covet_diff of two 100-table schemas ($n steps; target 500 ms)" "$(fmt_ms "$best")"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
}
