# undo_cases.sh: undo's exactness cases run on both engines (sourced by
# pg_undo_exact.sh and sqlite_undo_exact.sh, not run).
#
# The caller defines:
#   X SQL      runs SQL (one or more statements) in the test database,
#              unaligned output separated by '|', errors on stdout
#   RUNS       the runs table (covet.runs or covet_runs)
#   T          how the engine prints true (t or 1)
#   fail_setup TABLE   a trigger that fails an UPDATE of TABLE's row id 7
#                      while table flag holds 1 (engine-specific SQL)
#   commit_op SQL      runs an operation committing per batch (PostgreSQL:
#                      CALL covet_<op>_commit, SQLite: SELECT in autocommit)
#
# Each case snapshots the table, runs an operation with undo on in small
# batches, checks what it changed and that its undo table holds exactly the
# changed rows, then undoes it and checks the table is as before, row for
# row, NULLs included.

# differ T B: rows of T not in B plus rows of B not in T
differ() {
	X "SELECT (SELECT count(*) FROM (SELECT * FROM $1 EXCEPT SELECT * FROM $2) x)
	        + (SELECT count(*) FROM (SELECT * FROM $2 EXCEPT SELECT * FROM $1) y)"
}

last_run() {
	X "SELECT max(id) FROM $RUNS"
}

# saved RUN: the number of rows in the run's undo table
saved() {
	local t
	t=$(X "SELECT undo_table FROM $RUNS WHERE id = $1")
	X "SELECT count(*) FROM $t"
}

# undo_back RUN TABLE SNAPSHOT NAME: undo the run, the table is as before
undo_back() {
	X "SELECT covet_undo($1)" >/dev/null
	is "$(differ "$2" "$3")|$(X "SELECT state FROM $RUNS WHERE id = $1")" "0|rolled back" "$4: undo puts every row back"
}

undo_cases() {
	local run

	# --- NULL to value, value to NULL, in batches of 3 --------------------------
	X "CREATE TABLE u_null (id int PRIMARY KEY, a text, b int);
	   INSERT INTO u_null VALUES (1, NULL, 1), (2, 'x', NULL), (3, NULL, NULL), (4, 'y', 4),
	     (5, NULL, 5), (6, 'z', NULL), (7, NULL, 7), (8, '', 0), (9, NULL, NULL), (10, 'w', 10);
	   CREATE TABLE u_null_b AS SELECT * FROM u_null;" >/dev/null
	X "SELECT covet_backfill('u_null', 'a = CASE WHEN a IS NULL THEN ''set'' ELSE NULL END, b = CASE WHEN b IS NULL THEN -1 ELSE NULL END', 3, NULL, true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT count(*) FROM u_null WHERE a IS NULL")|$(X "SELECT count(*) FROM u_null WHERE b IS NULL")|$(saved "$run")" \
		"5|6|10" "NULLs: values became NULL and NULLs values; 10 rows saved"
	undo_back "$run" u_null u_null_b "NULL to value and value to NULL"

	# --- batches that change no row (a filter matching only the last keys) -----
	X "CREATE TABLE u_none (id int PRIMARY KEY, n int);
	   INSERT INTO u_none VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 10);
	   CREATE TABLE u_none_b AS SELECT * FROM u_none;" >/dev/null
	X "SELECT covet_backfill('u_none', 'n = n * 100', 3, 'id >= 10', true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT rows_done, batches > 1 FROM $RUNS WHERE id = $run")|$(saved "$run")|$(X "SELECT sum(n) FROM u_none")" \
		"1|$T|1|1045" "batches that change no row: 1 row done in several batches, 1 saved"
	undo_back "$run" u_none u_none_b "batches that change no row"
	X "SELECT covet_backfill('u_none', 'n = n * 100', 3, 'id > 99', true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT rows_done FROM $RUNS WHERE id = $run")|$(saved "$run")" "0|0" "a run that changes no row saves nothing"
	undo_back "$run" u_none u_none_b "a run that changes no row"

	# --- a text key and a composite key ------------------------------------------
	X "CREATE TABLE u_comp (k text, n int, v text, PRIMARY KEY (k, n));
	   INSERT INTO u_comp VALUES ('a', 1, 'one'), ('a', 2, NULL), ('b', 1, 'two'), ('b b', 1, 'x'),
	     ('c', 3, 'three'), ('c', 4, 'four'), ('d''q', 1, 'quote');
	   CREATE TABLE u_comp_b AS SELECT * FROM u_comp;" >/dev/null
	X "SELECT covet_backfill('u_comp', 'v = upper(v) || k', 2, NULL, true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT v FROM u_comp WHERE k = 'b b' AND n = 1")|$(saved "$run")" "Xb b|7" "composite text key: changed, 7 rows saved"
	undo_back "$run" u_comp u_comp_b "composite text key"

	# --- a generated column: UPDATE of what it is computed from, and a DELETE ---
	X "CREATE TABLE u_gen (id int PRIMARY KEY, e text, g text GENERATED ALWAYS AS (upper(e)) STORED);
	   INSERT INTO u_gen (id, e) VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL), (5, 'b'), (6, NULL), (7, 'c'), (8, 'a');
	   CREATE TABLE u_gen_b AS SELECT * FROM u_gen;" >/dev/null
	X "SELECT covet_backfill('u_gen', 'e = e || ''!''', 3, NULL, true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT g FROM u_gen WHERE id = 1")|$(saved "$run")" "A!|8" "generated column follows the update; 8 rows saved"
	undo_back "$run" u_gen u_gen_b "generated column, update"
	X "SELECT covet_dedup('u_gen', 'e', 'first', NULL, 2, true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT count(*) FROM u_gen")|$(saved "$run")" "4|4" "a DELETE run (dedup): 4 rows deleted and saved whole"
	undo_back "$run" u_gen u_gen_b "DELETE run with a generated column"

	# --- a failed batch, resumed after a fix, a non-idempotent change -------------
	X "CREATE TABLE flag (on_ int); INSERT INTO flag VALUES (1);
	   CREATE TABLE u_res (id int PRIMARY KEY, n int);
	   INSERT INTO u_res VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 10), (11, 11);
	   CREATE TABLE u_res_b AS SELECT * FROM u_res;" >/dev/null
	fail_setup u_res
	commit_op "covet_backfill('u_res', 'n = n * 10 + 1', 3, NULL, true)" >/dev/null
	run=$(last_run)
	is "$(X "SELECT state, rows_done FROM $RUNS WHERE id = $run")|$(saved "$run")|$(X "SELECT sum(n) FROM u_res")" \
		"failed|6|6|261" "a batch fails at key 7: 6 rows changed and saved, the failed batch saved nothing"
	X "UPDATE flag SET on_ = 0" >/dev/null
	commit_op "covet_resume($run)" >/dev/null
	is "$(X "SELECT state, rows_done FROM $RUNS WHERE id = $run")|$(saved "$run")|$(X "SELECT count(*) FROM u_res WHERE n = id * 10 + 1")" \
		"completed|11|11|11" "resumed: every row changed once, 11 rows saved"
	undo_back "$run" u_res u_res_b "failed then resumed run: ORIGINAL values"

	# --- a run undone after another run changed the same rows (latest first) ----
	X "SELECT covet_backfill('u_null', 'b = coalesce(b, 0) + 1', 4, NULL, true)" >/dev/null
	local r1
	r1=$(last_run)
	X "SELECT covet_backfill('u_null', 'b = b * 2, a = coalesce(a, ''n'')', 4, NULL, true)" >/dev/null
	run=$(last_run)
	X "SELECT covet_undo($run)" >/dev/null
	undo_back "$r1" u_null u_null_b "two runs over the same rows, undone latest first"
}
