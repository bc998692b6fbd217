/*-------------------------------------------------------------------------
 *
 * test_opargs.c
 *		The arguments every operation takes last (opargs.c): the defaults,
 *		the range checks and their messages, the workers rule per engine
 *		and form, and reading them back from a run's args JSON as a resume
 *		does (covet_op_runargs_read).
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <string.h>

static void
read_ok(const char *json, int workers, int batch_time_ms, int retries, bool skip,
		const char *what)
{
	CovetOpRunArgs ra;
	CovetError	err;
	CovetStatus rc = covet_op_runargs_read("covet_backfill", json, &ra, &err);

	if (!ok(rc == COVET_OK && ra.workers == workers && ra.batch_time_ms == batch_time_ms &&
			ra.retries == retries && ra.on_error_skip == skip, "read back: %s", what))
		diag("rc %d (%s): %d %d %d %d", rc, rc == COVET_OK ? "" : err.message,
			 ra.workers, ra.batch_time_ms, ra.retries, ra.on_error_skip);
}

static void
read_err(const char *json, const char *message, const char *what)
{
	CovetOpRunArgs ra;
	CovetError	err;
	CovetStatus rc = covet_op_runargs_read("covet_backfill", json, &ra, &err);

	ok(rc != COVET_OK, "refused: %s", what);
	is_str(rc != COVET_OK ? err.message : NULL, message, "... with: %s", message);
}

static void
set_err(const char *name, const char *text, const char *message, const char *sqlstate)
{
	CovetOpRunArgs ra;
	CovetError	err;
	CovetStatus rc;

	covet_op_runargs_default(&ra);
	rc = covet_op_runarg_set("covet_dedup", name, text, &ra, &err);
	ok(rc != COVET_OK, "%s %s refused", name, text ? text : "NULL");
	is_str(rc != COVET_OK ? err.message : NULL, message, "... %s", message);
	is_str(rc != COVET_OK ? covet_error_sqlstate(&err) : NULL, sqlstate, "... SQLSTATE %s", sqlstate);
}

int
main(void)
{
	CovetOpRunArgs ra;
	CovetError	err;

	covet_op_runargs_default(&ra);
	ok(ra.workers == 1 && ra.batch_time_ms == 0 && ra.retries == 0 && !ra.on_error_skip,
	   "defaults: workers 1, batch_time_ms off, retries 0, on_error stop");

	/* what covet_op_prepare writes, and what older runs have */
	read_ok("{\"table_name\": \"oa\", \"set\": \"n = n + 1\", \"batch_size\": 2, \"where\": null, "
			"\"undo\": true, \"workers\": 1, \"batch_time_ms\": 50, \"retries\": 3, \"on_error\": \"skip\"}",
			1, 50, 3, true, "a run's args as written");
	read_ok("{\"workers\": 64, \"batch_time_ms\": null, \"retries\": 100, \"on_error\": \"stop\"}",
			64, 0, 100, false, "the limits, batch_time_ms null");
	read_ok("{\"table_name\": \"t\", \"set\": \"x = '}, \\\"workers\\\": 9'\", \"batch_size\": 10000}",
			1, 0, 0, false, "0.1.0's args: the defaults (a value that looks like a key is a value)");
	read_ok("{}", 1, 0, 0, false, "an empty object");
	read_ok(NULL, 1, 0, 0, false, "no args at all");
	read_ok(" {\n\"retries\" : 7 ,\"on_error\":\"skip\" } ", 1, 0, 7, true, "blanks anywhere");

	read_err("{\"on_error\": \"x\"}", "on_error of covet_backfill must be 'stop' or 'skip', not 'x'",
			 "a stored on_error out of its set");
	read_err("{\"workers\": 0}", "workers of covet_backfill must be between 1 and 64, not 0",
			 "a stored workers out of range");
	read_err("{\"retries\": null}", "retries must not be null", "a stored NULL retries");
	read_err("[1, 2]", "its arguments (runs.args) are not the JSON object covet writes", "not an object");
	read_err("{\"workers\": [1]}", "its arguments (runs.args) are not the JSON object covet writes",
			 "a nested value");
	read_err("{\"workers\": 1", "its arguments (runs.args) are not the JSON object covet writes",
			 "cut short");

	set_err("workers", "65", "workers of covet_dedup must be between 1 and 64, not 65", "22023");
	set_err("workers", "two", "invalid input syntax for type integer: \"two\"", "22P02");
	set_err("batch_time_ms", "0", "batch_time_ms of covet_dedup must be NULL or between 1 and 3600000, not 0", "22023");
	set_err("batch_time_ms", "3600001", "batch_time_ms of covet_dedup must be NULL or between 1 and 3600000, not 3600001", "22023");
	set_err("retries", "-1", "retries of covet_dedup must be between 0 and 100, not -1", "22023");
	set_err("on_error", "Skip", "on_error of covet_dedup must be 'stop' or 'skip', not 'Skip'", "22023");
	set_err("on_error", NULL, "on_error must not be null", "22004");

	ok(covet_op_check_workers(COVET_ENGINE_POSTGRES, "covet_backfill_background", true, 64, &err) == COVET_OK,
	   "PostgreSQL, background form: 64 workers");
	ok(covet_op_check_workers(COVET_ENGINE_SQLITE, "covet_backfill", false, 1, &err) == COVET_OK,
	   "SQLite: 1 worker");
	ok(covet_op_check_workers(COVET_ENGINE_POSTGRES, "covet_dedup_commit", false, 2, &err) != COVET_OK,
	   "PostgreSQL, _commit form: 2 workers refused");
	is_str(err.message, "workers > 1 needs covet_dedup_background", "... naming the background form");
	is_str(covet_error_sqlstate(&err), "0A000", "... SQLSTATE 0A000");
	ok(covet_op_check_workers(COVET_ENGINE_SQLITE, "covet_dedup", true, 2, &err) != COVET_OK,
	   "SQLite: 2 workers refused");
	is_str(err.message, "workers > 1 is not supported on SQLite", "... saying why");
	return done_testing();
}
