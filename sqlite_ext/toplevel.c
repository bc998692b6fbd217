/*-------------------------------------------------------------------------
 *
 * toplevel.c
 *		Non-transactional migrations in SQLite: the driver's exec_toplevel.
 *
 *		-- covet:up
 *		PRAGMA foreign_keys=OFF;
 *		BEGIN;
 *		CREATE TABLE new_t (...); INSERT INTO new_t SELECT ... FROM t;
 *		DROP TABLE t; ALTER TABLE new_t RENAME TO t;
 *		COMMIT;
 *		PRAGMA foreign_keys=ON;
 *
 * The statements run in autocommit mode, one by one, as the sqlite3 shell
 * would run the file: the file's own BEGIN ... COMMIT groups as written,
 * PRAGMA foreign_keys and VACUUM outside any transaction.  They are split
 * by the core's SQLite splitter (stmtsplit.c: quotes, comments and trigger
 * bodies as SQLite reads them), so statement K is the same K in every run,
 * skipped ones included; each statement's text is then prepared and run
 * through sqlite3_prepare_v2's tail.
 *
 * Bookkeeping (the core's mark_sql: covet_incomplete.statement = K) is
 * written whenever sqlite3_get_autocommit says no transaction is open
 * after statement K, in the same transaction as the statement where SQLite
 * allows: a plain statement in autocommit mode runs inside covet's own
 * BEGIN IMMEDIATE ... COMMIT together with its mark; a COMMIT of the
 * file's own group is preceded by the mark inside that group.  PRAGMA
 * foreign_keys, VACUUM and the file's BEGIN and ROLLBACK are marked after
 * they ran (they cannot share a transaction).  So after a crash (kill -9)
 * the row is never behind what committed.
 *
 * ATTACH, DETACH, PRAGMA, SAVEPOINT and RELEASE run without covet's BEGIN
 * IMMEDIATE (ATTACH and PRAGMA journal_mode refuse a transaction; a file's
 * SAVEPOINT opens its own group, marked before its RELEASE commits it).
 *
 * Continued after statement K (an earlier run's), the connection PRAGMAs of
 * statements 1..K (foreign_keys, recursive_triggers, ...) run again first,
 * in order, so statement K + 1 runs under the settings it had the first
 * time.
 *
 * A run that turned foreign keys off (sqlite_driver.c) turns them off again
 * after the migration, whatever its own PRAGMA foreign_keys left; otherwise
 * foreign_keys is put back to what the connection had before it.
 *
 * On an error the open transaction, the file's or covet's, is rolled back
 * and the statement's number comes back; the connection is in autocommit
 * mode again.  A run that had its own transaction open when called (the
 * runner's, between migrations) gets it back, empty.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static CovetStatus
fail(SqliteCall *call, CovetError *err)
{
	covet_error_set(err, COVET_ERR_SQL, "%s", sqlite3_errmsg(call->db));
	return COVET_ERR_SQL;
}

/* Every statement of text (normally one), to its end; *rows: changes. */
static CovetStatus
run_text(SqliteCall *call, const char *text, size_t len, int64_t *rows,
		 CovetError *err)
{
	const char *tail = text;
	const char *end = text + len;

	while (tail < end)
	{
		sqlite3_stmt *stmt = NULL;
		const char *start = tail;
		sqlite3_int64 before;
		int			step;

		if (sqlite3_prepare_v2(call->db, start, (int) (end - start), &stmt, &tail) != SQLITE_OK)
			return fail(call, err);
		if (stmt == NULL)
		{
			if (tail <= start)
				break;
			continue;
		}
		before = sqlite3_total_changes64(call->db);
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (step != SQLITE_DONE)
		{
			CovetStatus rc = fail(call, err);

			sqlite3_finalize(stmt);
			return rc;
		}
		if (!sqlite3_stmt_readonly(stmt))
			*rows += sqlite3_total_changes64(call->db) - before;
		sqlite3_finalize(stmt);
	}
	return COVET_OK;
}

/* A PRAGMA's integer value, or -1. */
static int
pragma_int(SqliteCall *call, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int			v = -1;

	if (sqlite3_prepare_v2(call->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
		sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static CovetStatus
mark(SqliteCall *call, const CovetToplevelJob *job, int n, CovetError *err)
{
	char		num[16];
	const char *p[2];

	snprintf(num, sizeof(num), "%d", n);
	p[0] = job->name;
	p[1] = num;
	return call->driver.query(call, job->mark_sql, 2, p, NULL, err);
}

/*
 * Does text (one statement) read only, as SQLite's planner sees it?  A
 * SELECT that calls covet_backfill(...) does: the operation writes through
 * its own statements.
 */
static bool
text_readonly(SqliteCall *call, const char *text, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	bool		ro;

	if (sqlite3_prepare_v2(call->db, text, (int) len, &stmt, NULL) != SQLITE_OK || stmt == NULL)
		return false;
	ro = sqlite3_stmt_readonly(stmt) != 0;
	sqlite3_finalize(stmt);
	return ro;
}

/* The first len bytes of a statement's words, lower-cased: w[0], w[1]. */
static void
words(const char *p, size_t len, char w[2][40])
{
	const char *end = p + len;
	int			k;

	for (k = 0; k < 2; k++)
	{
		size_t		n = 0;

		w[k][0] = '\0';
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		while (p < end && (isalnum((unsigned char) *p) || *p == '_'))
		{
			if (n < 39)
				w[k][n++] = (char) tolower((unsigned char) *p);
			p++;
		}
		w[k][n] = '\0';
		/* PRAGMA schema.name: the name */
		if (k == 1 && p < end && *p == '.' && strcmp(w[0], "pragma") == 0)
		{
			p++;
			k = 0;
		}
	}
}

/*
 * Statements that cannot run inside a transaction (ATTACH, DETACH, PRAGMA
 * journal_mode and the like) or open or end one of their own (SAVEPOINT,
 * RELEASE): in autocommit mode they run without covet's BEGIN IMMEDIATE
 * and are marked after they ran.
 */
static bool
runs_bare(const CovetStmtInfo *info)
{
	char		w[2][40];

	words(info->start, info->len, w);
	return strcmp(w[0], "attach") == 0 || strcmp(w[0], "detach") == 0 ||
		strcmp(w[0], "pragma") == 0 || strcmp(w[0], "savepoint") == 0 ||
		strcmp(w[0], "release") == 0;
}

/*
 * A PRAGMA of a connection setting, which a statement after it runs under:
 * run again before continuing after it (covet_sqlite_exec_toplevel).
 */
static bool
is_session_pragma(const CovetStmtInfo *info, bool in_block)
{
	static const char *const names[] = {
		"foreign_keys", "recursive_triggers", "defer_foreign_keys",
		"case_sensitive_like", "ignore_check_constraints", "legacy_alter_table",
		"reverse_unordered_selects", "trusted_schema", "automatic_index",
		"cache_size", "temp_store", "busy_timeout", "query_only", "synchronous",
		"cell_size_check", "cache_spill", "count_changes", "full_column_names",
		"short_column_names", NULL
	};
	char		w[2][40];
	int			i;

	words(info->start, info->len, w);
	if (strcmp(w[0], "pragma") != 0)
		return false;
	/* defer_foreign_keys ends with the transaction it was set in */
	if (in_block && strcmp(w[1], "defer_foreign_keys") == 0)
		return false;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(w[1], names[i]) == 0)
			return true;
	return false;
}

/*
 * VACUUM [schema] [INTO file], on a second connection to the database's
 * file.  SQLite refuses VACUUM on a connection with another statement
 * running, and the SELECT that calls covet is one; between statements the
 * calling connection is in autocommit mode and holds no lock (the SELECT
 * reads no table), so another connection can VACUUM the file, waiting at
 * most the connection's busy timeout (covet_set('lock_timeout')).  An
 * in-memory or temporary database has no file to open: a clear error.
 */
static CovetStatus
vacuum_elsewhere(SqliteCall *call, const CovetStmtInfo *info, CovetError *err)
{
	const char *p = info->start + 6;
	const char *end = info->start + info->len;
	char		schema[128] = "main";
	const char *file;
	sqlite3    *db2 = NULL;
	char	   *sql;
	char	   *msg = NULL;
	int			rc;

	while (p < end && isspace((unsigned char) *p))
		p++;
	if (p < end && *p != ';' && !(end - p >= 4 && sqlite3_strnicmp(p, "into", 4) == 0 &&
								  (end - p == 4 || !(isalnum((unsigned char) p[4]) || p[4] == '_'))))
	{
		/* the schema: a bare word, or "quoted", [bracketed], `quoted` */
		size_t		n = 0;
		char		close = *p == '"' ? '"' : *p == '[' ? ']' : *p == '`' ? '`' : '\0';

		if (close != '\0')
		{
			for (p++; p < end && n < sizeof(schema) - 1; p++)
			{
				if (*p == close && !(close != ']' && p + 1 < end && p[1] == close))
				{
					p++;
					break;
				}
				if (*p == close)
					p++;
				schema[n++] = *p;
			}
		}
		else
			while (p < end && (isalnum((unsigned char) *p) || *p == '_' || (unsigned char) *p >= 0x80) &&
				   n < sizeof(schema) - 1)
				schema[n++] = *p++;
		schema[n] = '\0';
	}
	file = sqlite3_db_filename(call->db, schema);
	if (file == NULL)
	{
		covet_error_set(err, COVET_ERR_SQL, "unknown database %s", schema);
		return COVET_ERR_SQL;
	}
	if (file[0] == '\0')
	{
		covet_error_set(err, COVET_ERR_SQL,
						"cannot VACUUM an in-memory or temporary database inside covet_migrate_up_commit()");
		covet_error_detail(err, "SQLite refuses VACUUM while the SELECT that calls covet runs, and covet runs it on a second connection to the database's file; database \"%s\" has none.",
						   schema);
		covet_error_hint(err, "Run VACUUM from the covet command or your client after the run.");
		return COVET_ERR_SQL;
	}
	rc = sqlite3_open_v2(file, &db2, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
	{
		sqlite3_busy_timeout(db2, call->conn->lock_timeout_ms);
		/* the rest (INTO ...) as written; the schema is main there */
		sql = sqlite3_mprintf("VACUUM %.*s", (int) (end - p), p);
		rc = sql ? sqlite3_exec(db2, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
		sqlite3_free(sql);
	}
	if (rc != SQLITE_OK)
	{
		covet_error_set(err, COVET_ERR_SQL, "%s", msg ? msg : db2 ? sqlite3_errmsg(db2) :
						sqlite3_errstr(rc));
		covet_error_hint(err, "covet runs VACUUM on a second connection to %s; if it cannot, run VACUUM from the covet command or your client after the run.",
						 file);
	}
	sqlite3_free(msg);
	sqlite3_close(db2);
	return rc == SQLITE_OK ? COVET_OK : COVET_ERR_SQL;
}

/* Statement n, with its bookkeeping. */
static CovetStatus
run_one(SqliteCall *call, const CovetToplevelJob *job, const CovetStmtInfo *info,
		int64_t *rows, CovetError *err)
{
	bool		idle = sqlite3_get_autocommit(call->db) != 0;
	CovetStatus rc;

	/*
	 * A statement that reads only runs in autocommit mode and is marked
	 * after it: a data migration's SELECT covet_backfill(...) then commits
	 * per batch (commit.c); after a crash it runs again and carries on with
	 * its run (batch_twin.c).
	 */
	if (idle && info->kind == COVET_STMT_OTHER && text_readonly(call, info->start, info->len))
	{
		if ((rc = run_text(call, info->start, info->len, rows, err)) == COVET_OK &&
			sqlite3_get_autocommit(call->db))
			rc = mark(call, job, info->number, err);
		return rc;
	}
	if (idle && info->what != NULL && strcmp(info->what, "VACUUM") == 0)
	{
		if ((rc = vacuum_elsewhere(call, info, err)) == COVET_OK)
			rc = mark(call, job, info->number, err);
		return rc;
	}
	if (info->kind == COVET_STMT_OTHER && runs_bare(info))
	{
		char		w[2][40];

		/* RELEASE of the file's savepoint: marked inside its group first */
		words(info->start, info->len, w);
		if (!idle && strcmp(w[0], "release") == 0 &&
			(rc = mark(call, job, info->number, err)) != COVET_OK)
			return rc;
		if ((rc = run_text(call, info->start, info->len, rows, err)) == COVET_OK &&
			sqlite3_get_autocommit(call->db))
			rc = mark(call, job, info->number, err);
		return rc;
	}
	if (idle && info->kind == COVET_STMT_OTHER)
	{
		/* covet's own transaction: the statement and its mark commit together */
		if ((rc = covet_sqlite_exec(call, "BEGIN IMMEDIATE", err)) != COVET_OK)
			return rc;
		if ((rc = run_text(call, info->start, info->len, rows, err)) == COVET_OK &&
			(rc = mark(call, job, info->number, err)) == COVET_OK)
			rc = covet_sqlite_exec(call, "COMMIT", err);
		return rc;
	}
	if (!idle && info->kind == COVET_STMT_COMMIT &&
		(rc = mark(call, job, info->number, err)) != COVET_OK)
		return rc;
	if ((rc = run_text(call, info->start, info->len, rows, err)) != COVET_OK)
		return rc;
	if (sqlite3_get_autocommit(call->db) && !(!idle && info->kind == COVET_STMT_COMMIT))
		rc = mark(call, job, info->number, err);
	return rc;
}

CovetStatus
covet_sqlite_exec_toplevel(void *ctx, const CovetToplevelJob *job,
						   CovetToplevelResult *out, CovetError *err)
{
	SqliteCall *call = ctx;
	CovetStmtSplit split;
	CovetStmtInfo info;
	bool		reopen = false;
	bool		in_block = false;
	int			fk_before;
	CovetStatus rc = COVET_OK;
	CovetError	ignore;
	int64_t		ignore_rows = 0;

	memset(out, 0, sizeof(*out));
	out->statements = job->skip;
	if (!sqlite3_get_autocommit(call->db))
	{
		/* the run's own transaction, empty after the core's commit */
		if (!call->own_txn || !call->in_run || call->savepoints > 0)
		{
			covet_error_set(err, COVET_ERR_STATE,
							"a non-transactional migration needs autocommit mode");
			strcpy(err->sqlstate, "25001");
			covet_error_hint(err, "Call covet_migrate_up_commit() outside BEGIN ... COMMIT.");
			out->failed = job->skip + 1;
			return COVET_ERR_STATE;
		}
		if ((rc = covet_sqlite_exec(call, "COMMIT", err)) != COVET_OK)
			return rc;
		reopen = true;
	}
	fk_before = pragma_int(call, "PRAGMA foreign_keys");
	covet_stmt_split_begin(&split, COVET_ENGINE_SQLITE, job->sql);
	while (covet_stmt_split_next(&split, &info))
	{
		if (info.number <= job->skip)
		{
			/*
			 * Done by an earlier run: only its connection settings matter,
			 * and they are run again, in order, so that the statements
			 * after them run as they did the first time (PRAGMAs are not
			 * undone by a ROLLBACK, so a group's count too).
			 */
			if (info.kind == COVET_STMT_BEGIN)
				in_block = true;
			else if (info.kind == COVET_STMT_COMMIT || info.kind == COVET_STMT_ROLLBACK)
				in_block = false;
			if (is_session_pragma(&info, in_block))
				rc = run_text(call, info.start, info.len, &ignore_rows, err);
			if (rc != COVET_OK)
			{
				out->failed = job->skip + 1;
				break;
			}
			continue;
		}
		if ((rc = call->driver.check_interrupts(call, err)) == COVET_OK)
			rc = run_one(call, job, &info, &out->rows, err);
		if (rc != COVET_OK)
		{
			out->failed = info.number;
			break;
		}
		if (sqlite3_get_autocommit(call->db))
			out->statements = info.number;
	}
	if (rc == COVET_OK && !sqlite3_get_autocommit(call->db))
	{
		out->failed = split.number;
		covet_error_set(err, COVET_ERR_SQL, "the migration ends inside a transaction block it opened");
		strcpy(err->sqlstate, "25000");
		covet_error_hint(err, "End its BEGIN with COMMIT.");
		rc = COVET_ERR_SQL;
	}
	if (!sqlite3_get_autocommit(call->db))
		covet_sqlite_exec(call, "ROLLBACK", &ignore);
	/*
	 * the run keeps foreign keys off (sqlite_driver.c), whatever the file
	 * did; a connection that had them off keeps them off, one that had them
	 * on (and covet did not turn them off) keeps them on
	 */
	if (call->fk_restore)
		covet_sqlite_exec(call, "PRAGMA foreign_keys = OFF", &ignore);
	else if (fk_before >= 0 && pragma_int(call, "PRAGMA foreign_keys") != fk_before)
		covet_sqlite_exec(call, fk_before ? "PRAGMA foreign_keys = ON" :
						  "PRAGMA foreign_keys = OFF", &ignore);
	if (reopen)
	{
		CovetStatus rc2 = covet_sqlite_exec(call, "BEGIN IMMEDIATE", rc == COVET_OK ? err : &ignore);

		if (rc == COVET_OK)
			rc = rc2;
	}
	return rc;
}
