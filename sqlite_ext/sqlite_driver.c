/*-------------------------------------------------------------------------
 *
 * sqlite_driver.c
 *		CovetDriver over the sqlite3 API.
 *
 * Memory: every block the core allocates during a call is on the call's
 * list and freed by covet_sqlite_call_done, whatever path the call took.
 *
 * Runs and locking.  In autocommit mode a run first takes the lock row:
 * BEGIN IMMEDIATE (with the busy timeout set to what is left of
 * lock_timeout), read covet_lock, and if nobody alive holds it write our
 * pid, host, user, time and process start time and COMMIT, so that other
 * processes can read who holds it.  A row whose process is gone (same host,
 * kill(pid, 0) fails, or the process start time differs: the pid was
 * reused) is taken over.  The migrations then run in a second BEGIN
 * IMMEDIATE transaction; on success the lock row is deleted in that same
 * transaction, on failure after the ROLLBACK.
 *
 * Foreign keys.  On a connection with foreign_keys=ON, a run in its own
 * transaction turns them off before its BEGIN IMMEDIATE (the pragma is a
 * no-op inside a transaction, so a migration's own PRAGMA foreign_keys=OFF
 * cannot) and back on in end_run, on every path: SQLite's 12-step table
 * rebuild drops the old table, which with foreign keys on would delete
 * (ON DELETE CASCADE) or refuse for every child row.  Each migration's text
 * is then followed by PRAGMA foreign_key_check, before its savepoint is
 * released and so before anything commits: a violation fails the migration
 * naming the table and rowid (fk_check), as Django's schema editor does.
 *
 * Inside a transaction the host opened, covet cannot commit: the run is a
 * savepoint in the host's transaction, and SQLite's own write lock keeps
 * other runners out.  A run inside a statement that writes is refused: a
 * BEGIN there would fail and leave the connection in a bad state.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Files read whole (migrations, fixtures): up to 1 GB, PostgreSQL's limit too. */
#define MAX_FILE_SIZE (1024 * 1024 * 1024 - 1)

/* How long a finished run waits for readers to let its COMMIT through. */
#define COMMIT_WAIT_MS 10000

static const char *call_who(SqliteCall *call);
static void pause_yield(void);

/*
 * A block of a call's memory.  sqlite3_malloc64 promises 8-byte alignment
 * only, so the header is placed at the first max_align_t boundary of what
 * it returned (raw), and the caller's bytes follow the header at another
 * such boundary: sizeof(SqliteBlock) is a multiple of max_align_t's
 * alignment because of the member data.
 */
struct SqliteBlock
{
	SqliteBlock *prev;
	SqliteBlock *next;
	void	   *raw;			/* what sqlite3_malloc64 returned */
	max_align_t data[];			/* the caller's bytes */
};

#define BLOCK_ALIGN _Alignof(max_align_t)
#define BLOCK_OVERHEAD (sizeof(SqliteBlock) + BLOCK_ALIGN - 1)

/* --- memory ---------------------------------------------------------------- */

static void *
call_alloc(void *ctx, size_t size)
{
	SqliteCall *call = ctx;
	void	   *raw;
	SqliteBlock *b;

	if (size > SIZE_MAX - BLOCK_OVERHEAD)
		return NULL;
	raw = sqlite3_malloc64(BLOCK_OVERHEAD + size);
	if (raw == NULL)
		return NULL;
	b = (SqliteBlock *) (((uintptr_t) raw + BLOCK_ALIGN - 1) & ~(uintptr_t) (BLOCK_ALIGN - 1));
	b->raw = raw;
	b->prev = NULL;
	b->next = call->blocks;
	if (call->blocks != NULL)
		call->blocks->prev = b;
	call->blocks = b;
	return b->data;
}

static void
call_free(void *ctx, void *ptr)
{
	SqliteCall *call = ctx;
	SqliteBlock *b = (SqliteBlock *) ((char *) ptr - offsetof(SqliteBlock, data));

	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		call->blocks = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	sqlite3_free(b->raw);
}

/*
 * Memory that outlives a call (auxdata, text handed to SQLite and freed by
 * it with sqlite3_free): sqlite3_malloc64 itself, 8-byte aligned.
 */
static void *
plain_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return sqlite3_malloc64(size);
}

static void
plain_free(void *ctx, void *ptr)
{
	(void) ctx;
	sqlite3_free(ptr);
}

CovetMem	covet_sqlite_malloc_mem = {NULL, plain_alloc, plain_free};

/* --- statements ------------------------------------------------------------ */

static bool
is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static CovetStatus
sql_error(SqliteCall *call, CovetError *err)
{
	call->busy = is_busy(sqlite3_extended_errcode(call->db));
	covet_error_set(err, COVET_ERR_SQL, "%s", sqlite3_errmsg(call->db));
	/* as PostgreSQL's lock_not_available: a batch may be retried (retries) */
	if (call->busy)
		strcpy(err->sqlstate, "55P03");
	return COVET_ERR_SQL;
}

/* covet's own fixed text (BEGIN, COMMIT, savepoints), never a caller's */
CovetStatus
covet_sqlite_exec(SqliteCall *call, const char *sql, CovetError *err)
{
	char	   *msg = NULL;
	int			rc = sqlite3_exec(call->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
	{
		call->busy = is_busy(rc);
		covet_error_set(err, COVET_ERR_SQL, "%s", msg ? msg : sqlite3_errmsg(call->db));
		sqlite3_free(msg);
		return COVET_ERR_SQL;
	}
	return COVET_OK;
}

static const char *first_word(const char *p);

/* Only white space and comments, as SQLite's tokenizer reads them? */
static bool
tail_is_empty(const char *p)
{
	return *first_word(p) == '\0';
}

/*
 * Prepare one statement of covet's: what follows it must be white space
 * or comments (SQLite would silently ignore a second statement), and it
 * must have no more parameters than covet binds.
 */
static CovetStatus
prepare_one(SqliteCall *call, const char *sql, int nparams, sqlite3_stmt **stmt,
			CovetError *err)
{
	const char *tail = NULL;

	*stmt = NULL;
	if (sqlite3_prepare_v2(call->db, sql, -1, stmt, &tail) != SQLITE_OK)
		return sql_error(call, err);
	if (*stmt == NULL)
		return covet_error_set(err, COVET_ERR_INVALID, "the SQL text holds no statement");
	if (tail != NULL && !tail_is_empty(tail))
	{
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		covet_error_set(err, COVET_ERR_INVALID, "the SQL text holds more than one statement");
		covet_error_detail(err, "After the first statement comes: %.200s", tail);
		return COVET_ERR_INVALID;
	}
	if (sqlite3_bind_parameter_count(*stmt) > nparams)
	{
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return covet_error_set(err, COVET_ERR_INVALID, "parameters are not allowed");
	}
	return COVET_OK;
}

/*
 * Statements kept prepared for the rest of the call.  A run of 1,000
 * migrations runs the same few statements of covet's (history rows, run
 * rows, the clock) 1,000 times; compiling each anew was a third of the
 * run's time.  Keyed by the text; a statement is reset and its bindings
 * cleared after each use (so it holds no lock and points at no caller
 * memory), and finalized by covet_sqlite_call_done, before the connection
 * can be closed.  A statement in use (a query inside a query, through a
 * function the statement calls) is not shared: the inner one is prepared
 * and finalized as before.
 */
#define STMT_CACHE_SIZE 32

typedef struct SqliteCached
{
	char	   *sql;			/* sqlite3_malloc'd */
	sqlite3_stmt *stmt;
	bool		in_use;
} SqliteCached;

struct SqliteStmtCache
{
	SqliteCached e[STMT_CACHE_SIZE];
	int			next;			/* the entry replaced next when full */
};

/*
 * A prepared statement for sql: from the cache (*cached set) or new.  The
 * caller gives it back with stmt_release.
 */
static CovetStatus
stmt_get(SqliteCall *call, const char *sql, int nparams, sqlite3_stmt **stmt,
		 SqliteCached **cached, CovetError *err)
{
	struct SqliteStmtCache *c = call->stmts;
	SqliteCached *slot = NULL;
	CovetStatus rc;
	int			i;

	*cached = NULL;
	if (c == NULL && (c = call->stmts = sqlite3_malloc64(sizeof(*c))) != NULL)
		memset(c, 0, sizeof(*c));
	if (c != NULL)
	{
		for (i = 0; i < STMT_CACHE_SIZE && c->e[i].sql != NULL; i++)
			if (strcmp(c->e[i].sql, sql) == 0)
			{
				if (c->e[i].in_use)
					return prepare_one(call, sql, nparams, stmt, err);
				c->e[i].in_use = true;
				*stmt = c->e[i].stmt;
				*cached = &c->e[i];
				return COVET_OK;
			}
		if (i < STMT_CACHE_SIZE)
			slot = &c->e[i];
		else if (!c->e[c->next].in_use)
		{
			slot = &c->e[c->next];
			c->next = (c->next + 1) % STMT_CACHE_SIZE;
		}
	}
	if ((rc = prepare_one(call, sql, nparams, stmt, err)) != COVET_OK || slot == NULL)
		return rc;
	{
		char	   *copy = sqlite3_mprintf("%s", sql);

		if (copy == NULL)
			return COVET_OK;	/* not kept: finalized after use */
		if (slot->sql != NULL)
		{
			sqlite3_finalize(slot->stmt);
			sqlite3_free(slot->sql);
		}
		slot->sql = copy;
		slot->stmt = *stmt;
		slot->in_use = true;
		*cached = slot;
	}
	return COVET_OK;
}

static void
stmt_release(sqlite3_stmt *stmt, SqliteCached *cached)
{
	if (cached == NULL)
	{
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	cached->in_use = false;
}

/* Finalize the call's kept statements. */
static void
stmt_cache_free(SqliteCall *call)
{
	int			i;

	if (call->stmts == NULL)
		return;
	for (i = 0; i < STMT_CACHE_SIZE; i++)
		if (call->stmts->e[i].sql != NULL)
		{
			sqlite3_finalize(call->stmts->e[i].stmt);
			sqlite3_free(call->stmts->e[i].sql);
		}
	sqlite3_free(call->stmts);
	call->stmts = NULL;
}

/*
 * The driver's check_statement: sqlite3_prepare_v2 compiles the statement
 * (names and types resolved too) without running it.
 */
static CovetStatus
drv_check_statement(void *ctx, const char *sql, CovetSqlShape shape, int nparams,
					CovetError *err)
{
	SqliteCall *call = ctx;
	sqlite3_stmt *stmt;
	static const char *const words[] = {"UPDATE", "DELETE", "SELECT"};
	const char *first;
	CovetStatus rc = prepare_one(call, sql, nparams, &stmt, err);
	size_t		n;

	if (rc == COVET_ERR_SQL)
	{
		err->code = COVET_ERR_INVALID;
		return COVET_ERR_INVALID;
	}
	if (rc != COVET_OK)
		return rc;
	if (sqlite3_bind_parameter_count(stmt) != nparams)
		rc = covet_error_set(err, COVET_ERR_INVALID, "parameters are not allowed");
	first = first_word(sql);
	n = strlen(words[shape]);
	if (rc == COVET_OK &&
		(sqlite3_strnicmp(first, words[shape], (int) n) != 0 ||
		 (shape == COVET_SQL_SELECT && !sqlite3_stmt_readonly(stmt))))
		rc = covet_error_set(err, COVET_ERR_INVALID, "the SQL text is not one %s statement",
							 words[shape]);
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The driver's check_syntax: SQLite has no parse-only call, so the probe
 * names a table that does not exist; SQLite looks tables up only after
 * the whole statement has parsed, so "no such table" means it parsed.
 */
static CovetStatus
drv_check_syntax(void *ctx, const char *sql, CovetSqlShape shape, CovetError *err)
{
	SqliteCall *call = ctx;
	sqlite3_stmt *stmt = NULL;
	CovetStatus rc = prepare_one(call, sql, 0, &stmt, err);

	(void) shape;
	sqlite3_finalize(stmt);
	if (rc == COVET_ERR_SQL)
	{
		if (strcmp(err->message, "no such table: " COVET_FRAGMENT_PROBE) == 0)
			return COVET_OK;
		err->code = COVET_ERR_INVALID;
		return COVET_ERR_INVALID;
	}
	return rc;
}

static CovetStatus
drv_query(void *ctx, const char *sql, int nparams, const char *const *params,
		  CovetResult *res, CovetError *err)
{
	SqliteCall *call = ctx;
	CovetMem   *mem = &call->driver.mem;
	sqlite3_stmt *stmt = NULL;
	SqliteCached *cached = NULL;
	CovetStatus rc = COVET_OK;
	char	  **vals = NULL;
	int			nvals = 0,
				capvals = 0;
	int			ncols,
				i,
				step;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if ((rc = stmt_get(call, sql, nparams, &stmt, &cached, err)) != COVET_OK)
		return rc;
	for (i = 0; i < nparams; i++)
	{
		int			brc = params[i] == NULL ?
			sqlite3_bind_null(stmt, i + 1) :
			sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);

		if (brc != SQLITE_OK)
		{
			rc = sql_error(call, err);
			goto done;
		}
	}
	ncols = sqlite3_column_count(stmt);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
	{
		if (res == NULL)
			continue;
		if (nvals + ncols > capvals)
		{
			int			newcap = capvals ? capvals * 2 : 64;
			char	  **p;

			while (newcap < nvals + ncols)
				newcap *= 2;
			p = covet_alloc(mem, sizeof(char *) * (size_t) newcap);
			if (p == NULL)
			{
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
				goto done;
			}
			if (vals != NULL)
			{
				memcpy(p, vals, sizeof(char *) * (size_t) nvals);
				covet_free(mem, vals);
			}
			vals = p;
			capvals = newcap;
		}
		for (i = 0; i < ncols; i++)
		{
			const unsigned char *t;
			char		num[32];

			if (sqlite3_column_type(stmt, i) == SQLITE_FLOAT)
			{
				/* SQLite's own text for a REAL keeps 15 digits; keep them all */
				covet_format_double(sqlite3_column_double(stmt, i), num, sizeof(num));
				if ((vals[nvals] = covet_strdup(mem, num)) == NULL)
				{
					rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
					goto done;
				}
				nvals++;
				continue;
			}
			t = sqlite3_column_text(stmt, i);

			vals[nvals] = NULL;
			if (t != NULL &&
				(vals[nvals] = covet_strndup(mem, (const char *) t,
											 (size_t) sqlite3_column_bytes(stmt, i))) == NULL)
			{
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
				goto done;
			}
			nvals++;
		}
	}
	if (step != SQLITE_DONE)
	{
		rc = sql_error(call, err);
		goto done;
	}
	if (res != NULL)
	{
		res->ncols = ncols;
		res->nrows = ncols > 0 ? nvals / ncols : 0;
		res->values = vals;
		res->affected = sqlite3_changes64(call->db);
		vals = NULL;
	}
done:
	if (vals != NULL)
	{
		for (i = 0; i < nvals; i++)
			covet_free(mem, vals[i]);
		covet_free(mem, vals);
	}
	stmt_release(stmt, cached);
	return rc;
}

/*
 * Skip white space and comments as SQLite's tokenizer does (a "--" comment
 * ends at a line feed, "/" "*" runs to its "*" "/" or to the end, but is a
 * slash when nothing follows it); return the first keyword's start.
 */
static const char *
first_word(const char *p)
{
	for (;;)
	{
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
			p++;
		if (p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				p++;
		}
		else if (p[0] == '/' && p[1] == '*' && p[2] != '\0')
		{
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		}
		else
			return p;
	}
}

static bool
is_transaction_control(const char *sql)
{
	static const char *const words[] = {"BEGIN", "COMMIT", "END", "ROLLBACK",
	"SAVEPOINT", "RELEASE", NULL};
	const char *p = first_word(sql);
	int			i;

	for (i = 0; words[i] != NULL; i++)
	{
		size_t		n = strlen(words[i]);

		if (sqlite3_strnicmp(p, words[i], (int) n) == 0 &&
			!((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
			  p[n] == '_' || (p[n] >= '0' && p[n] <= '9')))
			return true;
	}
	return false;
}

/*
 * After a migration that ran with foreign keys off (fk_restore): every
 * reference must still hold.  The first violation is named (table, rowid,
 * the parent it refers to), with the number of rows that violate one.
 */
static CovetStatus
fk_check(SqliteCall *call, CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc;

	rc = drv_query(call, "SELECT v.\"table\", v.rowid, v.parent,"
				   " (SELECT count(*) FROM pragma_foreign_key_check)"
				   " FROM pragma_foreign_key_check AS v LIMIT 1", 0, NULL, &res, err);
	if (rc == COVET_OK && res.nrows == 1)
	{
		const char *rowid = COVET_VALUE(&res, 0, 1);
		const char *count = COVET_VALUE(&res, 0, 3);

		if (rowid != NULL)
			covet_error_set(err, COVET_ERR_SQL,
							"foreign key violation: row %s of table \"%s\" refers to a missing row of \"%s\"",
							rowid, COVET_VALUE(&res, 0, 0), COVET_VALUE(&res, 0, 2));
		else
			covet_error_set(err, COVET_ERR_SQL,
							"foreign key violation: a row of table \"%s\" refers to a missing row of \"%s\"",
							COVET_VALUE(&res, 0, 0), COVET_VALUE(&res, 0, 2));
		strncpy(err->sqlstate, "23503", sizeof(err->sqlstate));
		covet_error_detail(err, "%s %s a foreign key (PRAGMA foreign_key_check).",
						   count, strcmp(count, "1") == 0 ? "row violates" : "rows violate");
		covet_error_hint(err, "covet runs migrations with foreign_keys off, as a table rebuild needs, and checks every reference before it commits.");
		rc = COVET_ERR_SQL;
	}
	covet_result_free(&call->driver, &res);
	return rc;
}

static CovetStatus
drv_exec_script(void *ctx, const char *sql, CovetScriptStats *stats,
				CovetError *err)
{
	SqliteCall *call = ctx;
	const char *tail = sql;

	memset(stats, 0, sizeof(*stats));
	while (tail != NULL && *tail != '\0')
	{
		sqlite3_stmt *stmt = NULL;
		const char *start = tail;
		sqlite3_int64 before;
		int			step;

		if (sqlite3_prepare_v2(call->db, start, -1, &stmt, &tail) != SQLITE_OK)
			return sql_error(call, err);
		if (stmt == NULL)		/* only white space or comments left */
			break;
		if (is_transaction_control(start))
		{
			sqlite3_finalize(stmt);
			covet_error_set(err, COVET_ERR_SQL,
							"transaction control statements are not allowed in a migration");
			covet_error_hint(err, "covet runs each migration in its own transaction; remove BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE.");
			return COVET_ERR_SQL;
		}
		before = sqlite3_total_changes64(call->db);
		while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		if (step != SQLITE_DONE)
		{
			CovetStatus rc = sql_error(call, err);

			sqlite3_finalize(stmt);
			return rc;
		}
		/* a SELECT that calls covet_backfill() is counted through its run */
		if (!sqlite3_stmt_readonly(stmt))
			stats->rows += sqlite3_total_changes64(call->db) - before;
		sqlite3_finalize(stmt);
		stats->statements++;
	}
	return call->fk_restore ? fk_check(call, err) : COVET_OK;
}

/* --- savepoints ------------------------------------------------------------ */

static CovetStatus
drv_savepoint_begin(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	char		sql[64];
	CovetStatus rc;

	snprintf(sql, sizeof(sql), "SAVEPOINT covet_sp_%d", call->savepoints + 1);
	if ((rc = covet_sqlite_exec(call, sql, err)) == COVET_OK)
		call->savepoints++;
	return rc;
}

static CovetStatus
drv_savepoint_release(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	char		sql[64];
	CovetStatus rc;

	snprintf(sql, sizeof(sql), "RELEASE covet_sp_%d", call->savepoints);
	if ((rc = covet_sqlite_exec(call, sql, err)) == COVET_OK)
		call->savepoints--;
	return rc;
}

static CovetStatus
drv_savepoint_rollback(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	char		sql[96];
	CovetStatus rc;

	snprintf(sql, sizeof(sql), "ROLLBACK TO covet_sp_%d; RELEASE covet_sp_%d",
			 call->savepoints, call->savepoints);
	if ((rc = covet_sqlite_exec(call, sql, err)) == COVET_OK)
		call->savepoints--;
	return rc;
}

/* --- the lock row ---------------------------------------------------------- */

/* Field 22 of /proc/PID/stat: the process start time in clock ticks. */
static void
proc_start_time(long pid, char *out, size_t outlen)
{
	char		path[64];
	char		buf[1024];
	FILE	   *f;
	size_t		n;
	char	   *p;
	int			field;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces: start after its ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return;
	for (field = 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	n = strcspn(p, " ");
	if (n > 0 && n < outlen)
	{
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

static void
host_name(char *out, size_t outlen)
{
	if (gethostname(out, outlen) != 0)
		snprintf(out, outlen, "unknown");
	out[outlen - 1] = '\0';
}

/* Is the process named by a lock row still running? */
static bool
holder_alive(long pid, const char *host, const char *start)
{
	char		myhost[256];
	char		now_start[64];

	host_name(myhost, sizeof(myhost));
	if (strcmp(host, myhost) != 0)
		return true;			/* another machine: we cannot tell */
	if (kill((pid_t) pid, 0) != 0 && errno == ESRCH)
		return false;
	proc_start_time(pid, now_start, sizeof(now_start));
	if (start[0] != '\0' && now_start[0] != '\0' && strcmp(start, now_start) != 0)
		return false;			/* the pid was reused */
	return true;
}

static int64_t
drv_clock_ms(void *ctx)
{
	struct timespec ts;

	(void) ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static CovetStatus
lock_holder_error(SqliteCall *call, CovetError *err)
{
	CovetResult res = {0};
	CovetError	ignore;

	if (covet_sql_run(&call->driver,
					  "SELECT pid, host, who, since FROM {lock} WHERE id = 1",
					  0, NULL, &res, &ignore) == COVET_OK && res.nrows == 1)
		covet_error_set(err, COVET_ERR_LOCK,
						"migration lock is held by process %s on %s (user \"%s\") since %s",
						COVET_VALUE(&res, 0, 0), COVET_VALUE(&res, 0, 1),
						COVET_VALUE(&res, 0, 2), COVET_VALUE(&res, 0, 3));
	else
		covet_error_set(err, COVET_ERR_LOCK,
						"migration lock is held by another connection to this database");
	covet_error_hint(err, "Wait for that runner to finish, or raise lock_timeout with covet_set('lock_timeout', ms) (now %d ms).",
					 call->conn->lock_timeout_ms);
	covet_result_free(&call->driver, &res);
	return COVET_ERR_LOCK;
}

/*
 * Take the lock row, waiting until deadline.  Returns with no transaction
 * open.
 */
static CovetStatus
lock_row_take(SqliteCall *call, int64_t deadline, CovetError *err)
{
	char		pid[32],
				host[256],
				start[64];
	CovetStatus rc;

	snprintf(pid, sizeof(pid), "%ld", (long) getpid());
	host_name(host, sizeof(host));
	proc_start_time((long) getpid(), start, sizeof(start));

	for (;;)
	{
		int64_t		left = deadline - drv_clock_ms(call);
		CovetResult res = {0};
		bool		held = false;

		sqlite3_busy_timeout(call->db, left > 0 ? (int) left : 0);
		if (covet_sqlite_exec(call, "BEGIN IMMEDIATE", err) != COVET_OK)
		{
			if (call->busy)
				return lock_holder_error(call, err);
			return COVET_ERR_SQL;
		}
		rc = covet_sql_run(&call->driver,
						   "SELECT pid, host, proc_start FROM {lock} WHERE id = 1",
						   0, NULL, &res, err);
		if (rc == COVET_OK && res.nrows == 1)
			held = holder_alive(atol(COVET_VALUE(&res, 0, 0)), COVET_VALUE(&res, 0, 1),
								COVET_VALUE(&res, 0, 2));
		covet_result_free(&call->driver, &res);
		if (rc == COVET_OK && !held)
		{
			const char *p[] = {pid, host, call_who(call), start};

			rc = covet_sql_run(&call->driver,
							   "INSERT OR REPLACE INTO {lock} (id, pid, host, who, since,"
							   " proc_start) VALUES (1, {1}, {2}, {3}, {now}, {4})",
							   4, p, NULL, err);
			if (rc == COVET_OK)
			{
				/* we hold the write lock: only readers can delay this */
				sqlite3_busy_timeout(call->db, COMMIT_WAIT_MS);
				rc = covet_sqlite_exec(call, "COMMIT", err);
			}
			if (rc == COVET_OK)
			{
				call->lock_row = true;
				return COVET_OK;
			}
		}
		covet_sqlite_exec(call, "ROLLBACK", &(CovetError) {0});
		if (rc != COVET_OK)
			return rc;
		if (drv_clock_ms(call) >= deadline)
			return lock_holder_error(call, err);
		sqlite3_sleep(20);
	}
}

static const char *const delete_lock_sql =
"DELETE FROM {lock} WHERE id = 1 AND pid = CAST({1} AS integer)";

static void
lock_row_drop(SqliteCall *call)
{
	char		pid[32];
	const char *p[] = {pid};
	CovetError	ignore;

	snprintf(pid, sizeof(pid), "%ld", (long) getpid());
	if (covet_sqlite_exec(call, "BEGIN IMMEDIATE", &ignore) != COVET_OK)
		return;
	if (covet_sql_run(&call->driver, delete_lock_sql, 1, p, NULL, &ignore) == COVET_OK &&
		covet_sqlite_exec(call, "COMMIT", &ignore) == COVET_OK)
		call->lock_row = false;
	else
		covet_sqlite_exec(call, "ROLLBACK", &ignore);
}

/* Refuse to run inside a statement that writes (BEGIN would fail there). */
CovetStatus
covet_sqlite_check_no_writer(SqliteCall *call, const char *what, CovetError *err)
{
	sqlite3_stmt *s;

	for (s = sqlite3_next_stmt(call->db, NULL); s != NULL; s = sqlite3_next_stmt(call->db, s))
	{
		if (sqlite3_stmt_busy(s) && !sqlite3_stmt_readonly(s))
		{
			covet_error_set(err, COVET_ERR_STATE,
							"%s cannot run inside a statement that writes", what);
			covet_error_hint(err, "Call it from a plain SELECT, e.g. SELECT covet_migrate_up();");
			return COVET_ERR_STATE;
		}
	}
	return COVET_OK;
}

/* The first column of the first row of SQL as an integer; fallback if none. */
static int
query_int(SqliteCall *call, const char *sql, int fallback)
{
	CovetResult res = {0};
	CovetError	ignore;
	int			v = fallback;

	if (call->driver.query(call, sql, 0, NULL, &res, &ignore) == COVET_OK &&
		res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
		v = atoi(COVET_VALUE(&res, 0, 0));
	covet_result_free(&call->driver, &res);
	return v;
}

static int
busy_timeout_now(SqliteCall *call)
{
	return query_int(call, "PRAGMA busy_timeout", 0);
}

static CovetStatus
drv_begin_run(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	int64_t		deadline;
	CovetStatus rc;

	if (call->conn->running)
	{
		covet_error_set(err, COVET_ERR_STATE, "covet's runner is already running on this connection");
		covet_error_hint(err, "A migration cannot call covet's runner functions.");
		return COVET_ERR_STATE;
	}
	if ((rc = covet_sqlite_check_no_writer(call, "covet's runner", err)) != COVET_OK)
		return rc;
	call->saved_busy_ms = busy_timeout_now(call);
	call->conn->running = true;
	call->in_run = true;
	sqlite3_busy_timeout(call->db, call->conn->lock_timeout_ms);
	if ((rc = covet_sqlite_ensure_schema(call, err)) != COVET_OK)
	{
		/* another runner holds the database while covet's tables are made */
		if (call->busy)
			return lock_holder_error(call, err);
		return rc;
	}
	if (!sqlite3_get_autocommit(call->db))
	{
		/* the host's transaction: a savepoint, and SQLite's write lock */
		call->own_txn = false;
		return covet_sqlite_exec(call, "SAVEPOINT covet_run", err);
	}
	call->own_txn = true;
	deadline = drv_clock_ms(call) + call->conn->lock_timeout_ms;
	if ((rc = lock_row_take(call, deadline, err)) != COVET_OK)
		return rc;
	{
		int64_t		left = deadline - drv_clock_ms(call);

		sqlite3_busy_timeout(call->db, left > 0 ? (int) left : 0);
	}
	/* foreign keys off for the run (see the file's header) */
	if (query_int(call, "PRAGMA foreign_keys", 0) == 1 &&
		(rc = covet_sqlite_exec(call, "PRAGMA foreign_keys = OFF", err)) == COVET_OK)
		call->fk_restore = true;
	if (rc != COVET_OK)
	{
		lock_row_drop(call);
		return rc;
	}
	if ((rc = covet_sqlite_exec(call, "BEGIN IMMEDIATE", err)) != COVET_OK)
	{
		if (call->busy)
			rc = lock_holder_error(call, err);
		lock_row_drop(call);
	}
	return rc;
}

static CovetStatus
drv_end_run(void *ctx, bool commit, CovetError *err)
{
	SqliteCall *call = ctx;
	CovetStatus rc = COVET_OK;
	CovetError	ignore;

	if (!call->in_run)
		return COVET_OK;
	if (!call->own_txn)
	{
		if (commit)
			rc = covet_sqlite_exec(call, "RELEASE covet_run", err);
		if (!commit || rc != COVET_OK)
			covet_sqlite_exec(call, "ROLLBACK TO covet_run; RELEASE covet_run", &ignore);
	}
	else if (sqlite3_get_autocommit(call->db))
	{
		/* begin_run failed after taking the lock row; nothing to end */
	}
	else
	{
		/*
		 * The work is done: wait for readers (a waiting runner reading the
		 * lock row) however short lock_timeout is, rather than throw it away.
		 */
		sqlite3_busy_timeout(call->db, call->conn->lock_timeout_ms > COMMIT_WAIT_MS ?
							 call->conn->lock_timeout_ms : COMMIT_WAIT_MS);
		if (commit && call->lock_row)
		{
			char		pid[32];
			const char *p[] = {pid};

			snprintf(pid, sizeof(pid), "%ld", (long) getpid());
			rc = covet_sql_run(&call->driver, delete_lock_sql, 1, p, NULL, err);
		}
		if (commit && rc == COVET_OK)
			rc = covet_sqlite_exec(call, "COMMIT", err);
		if (rc == COVET_OK && commit)
			call->lock_row = false;
		if (!sqlite3_get_autocommit(call->db))
			covet_sqlite_exec(call, "ROLLBACK", &ignore);
	}
	if (call->fk_restore && sqlite3_get_autocommit(call->db))
	{
		covet_sqlite_exec(call, "PRAGMA foreign_keys = ON", &ignore);
		call->fk_restore = false;
	}
	if (call->lock_row)
	{
		sqlite3_busy_timeout(call->db, COMMIT_WAIT_MS);
		lock_row_drop(call);
	}
	sqlite3_busy_timeout(call->db, call->saved_busy_ms);
	call->conn->running = false;
	call->in_run = false;
	return rc;
}

/* --- files ----------------------------------------------------------------- */

static CovetStatus
io_error(CovetError *err, const char *what, const char *path)
{
	return covet_error_set(err, COVET_ERR_IO, "could not %s \"%s\": %s",
						   what, path, strerror(errno));
}

static CovetStatus
drv_read_file(void *ctx, const char *path, char **text, size_t *len,
			  CovetError *err)
{
	SqliteCall *call = ctx;
	FILE	   *f;
	struct stat st;
	char	   *buf;
	size_t		n;

	*text = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return io_error(err, "open", path);
	if (fstat(fileno(f), &st) != 0)
	{
		fclose(f);
		return io_error(err, "stat", path);
	}
	if (st.st_size > MAX_FILE_SIZE)
	{
		fclose(f);
		covet_error_set(err, COVET_ERR_IO, "file \"%s\" is too large", path);
		covet_error_detail(err, "covet reads files of at most %d bytes.", MAX_FILE_SIZE);
		return COVET_ERR_IO;
	}
	if ((buf = covet_alloc(&call->driver.mem, (size_t) st.st_size + 1)) == NULL)
	{
		fclose(f);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	n = fread(buf, 1, (size_t) st.st_size, f);
	if (ferror(f))
	{
		fclose(f);
		covet_free(&call->driver.mem, buf);
		return io_error(err, "read", path);
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return COVET_OK;
}

static CovetStatus
drv_list_dir(void *ctx, const char *path, bool *is_dir, char ***names, int *n,
			 CovetError *err)
{
	SqliteCall *call = ctx;
	CovetMem   *mem = &call->driver.mem;
	struct stat st;
	DIR		   *dir;
	struct dirent *de;
	char	  **list = NULL;
	int			count = 0,
				cap = 0;

	*names = NULL;
	*n = 0;
	*is_dir = false;
	if (stat(path, &st) != 0)
		return io_error(err, "open", path);
	if (S_ISREG(st.st_mode))
		return COVET_OK;
	if (!S_ISDIR(st.st_mode))
		return covet_error_set(err, COVET_ERR_IO,
							   "\"%s\" is neither a file nor a directory", path);
	*is_dir = true;
	if ((dir = opendir(path)) == NULL)
		return io_error(err, "open directory", path);
	while ((de = readdir(dir)) != NULL)
	{
		if (de->d_name[0] == '.')
			continue;
		if (count == cap)
		{
			int			newcap = cap ? cap * 2 : 32;
			char	  **p = covet_alloc(mem, sizeof(char *) * (size_t) newcap);

			if (p == NULL)
				goto nomem;
			if (list != NULL)
			{
				memcpy(p, list, sizeof(char *) * (size_t) count);
				covet_free(mem, list);
			}
			list = p;
			cap = newcap;
		}
		if ((list[count] = covet_strdup(mem, de->d_name)) == NULL)
			goto nomem;
		count++;
	}
	closedir(dir);
	*names = list;
	*n = count;
	return COVET_OK;

nomem:
	closedir(dir);
	while (count > 0)
		covet_free(mem, list[--count]);
	covet_free(mem, list);
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

/* --- the rest ---------------------------------------------------------------- */

static void
drv_notice(void *ctx, const char *msg)
{
	(void) ctx;
	(void) msg;					/* reports carry what SQLite users see */
}

/*
 * The covet command's progress display for runs inside `covet migrate up`:
 * on SQLite a migration is one transaction, so its run's row cannot be
 * read from another connection until it commits; the command (which links
 * the extension in) gets each progress report here instead.  One hook per
 * process; NULL (the loadable extension) changes nothing.
 */
static void (*progress_hook) (void *arg, const CovetProgress *p) = NULL;
static void *progress_hook_arg = NULL;

void
covet_sqlite_set_progress_hook(void (*fn) (void *arg, const CovetProgress *p), void *arg)
{
	progress_hook = fn;
	progress_hook_arg = arg;
}

/* Progress lines go to the log named by covet_set('progress_log', ...),
 * and to the process's hook. */
static void
drv_progress(void *ctx, const CovetProgress *p)
{
	SqliteCall *call = ctx;
	const char *log = call->conn->progress_log;
	char		line[512];
	FILE	   *f;

	if (progress_hook != NULL)
		progress_hook(progress_hook_arg, p);
	if (log == NULL)
		return;
	covet_progress_format(p, line, sizeof(line));
	if (strcmp(log, "stderr") == 0)
	{
		fprintf(stderr, "%s\n", line);
		return;
	}
	if ((f = fopen(log, "a")) != NULL)
	{
		fprintf(f, "%s\n", line);
		fclose(f);
	}
}

static void
drv_set_migration(void *ctx, const char *name)
{
	SqliteCall *call = ctx;

	snprintf(call->conn->migration, sizeof(call->conn->migration), "%s", name ? name : "");
	call->conn->migration_commits = name != NULL && call->driver.commit_steps;
}

static bool
drv_migration_commits(void *ctx)
{
	SqliteCall *call = ctx;

	return call->conn->migration[0] != '\0' && call->conn->migration_commits;
}

static const char *
drv_get_migration(void *ctx)
{
	SqliteCall *call = ctx;

	return call->conn->migration[0] ? call->conn->migration : NULL;
}

/*
 * Commit per batch only when the operation opened its own transaction
 * (autocommit mode, no statement writing).  Inside the host's transaction
 * nothing commits, but the batch's dirty pages are written out to the
 * journal (sqlite3_db_cacheflush, part of the same transaction).  Left in
 * the page cache, they fill it within a few batches; SQLite then spills one
 * page whenever it needs a frame and the clean pages a batch keeps reading
 * (the b-tree's interior pages) are what gets evicted and read back.  Run
 * after each batch, the flush leaves the cache clean as a commit does.
 * The price: a page written by one flush and changed again later (the
 * runs row's, a page two batches share) is overwritten in the WAL, and
 * SQLite then re-reads and re-checksums every frame after the first such
 * one at COMMIT.  Measured on 1M rows (best of 5): email 1.21 -> 1.15 s,
 * split 0.92 -> 0.89 s, remap 0.52 -> 0.54 s, and 1.1 MB less memory.  Only when
 * every database is in WAL mode (batch_flush): with a rollback journal a
 * flush syncs the journal first, an fsync per batch.  A flush that cannot
 * get a lock (SQLITE_BUSY) leaves the pages in the cache, which is no
 * error; any other failure (I/O, memory) fails the run, which rolls back.
 */
static CovetStatus
drv_batch_commit(void *ctx, bool *committed, CovetError *err)
{
	SqliteCall *call = ctx;
	CovetStatus rc;

	*committed = false;
	if (!call->batch_own_txn)
	{
		int			src = call->batch_flush ? sqlite3_db_cacheflush(call->db) : SQLITE_OK;

		if (src != SQLITE_OK && src != SQLITE_BUSY)
			return covet_error_set(err, COVET_ERR_IO, "could not write a batch's pages to the WAL: %s",
								   sqlite3_errstr(src));
		return COVET_OK;
	}
	if ((rc = covet_sqlite_exec(call, "COMMIT", err)) != COVET_OK)
		return rc;
	*committed = true;
	pause_yield();
	return covet_sqlite_exec(call, "BEGIN IMMEDIATE", err);
}

/*
 * A pause wanted by the process (the covet command's Ctrl-C): between two
 * batches of a commit-per-batch run, with no write lock held, wait until
 * the flag is cleared (the command's second connection has written
 * covet_pause, which the run reads next) or PAUSE_YIELD_MS pass.  Without
 * this the run takes the write lock again at once after each COMMIT and
 * the other connection's covet_pause waited seconds for a gap.  One flag
 * per process, set by covet_sqlite_set_pause_flag; NULL (the loadable
 * extension) changes nothing.
 */
#define PAUSE_YIELD_MS 500

static volatile int *pause_flag = NULL;

void
covet_sqlite_set_pause_flag(volatile int *flag)
{
	pause_flag = flag;
}

static void
pause_yield(void)
{
	int			waited = 0;

	while (pause_flag != NULL && *pause_flag && waited < PAUSE_YIELD_MS)
	{
		usleep(2 * 1000);
		waited += 2;
	}
}

/*
 * A failed batch: in commit-per-batch mode roll back its transaction and
 * open the next (the run is then marked failed and committed); in one
 * transaction the caller rolls the whole operation back.
 */
static CovetStatus
drv_batch_rollback(void *ctx, CovetError *err)
{
	SqliteCall *call = ctx;
	CovetStatus rc;

	if (!call->batch_own_txn)
		return COVET_OK;
	if ((rc = covet_sqlite_exec(call, "ROLLBACK", err)) != COVET_OK)
		return rc;
	return covet_sqlite_exec(call, "BEGIN IMMEDIATE", err);
}

/*
 * Statement journals in memory.  SQLite gives a multi-row UPDATE whose
 * expressions may fail (any function call) a statement journal when it runs
 * inside a transaction, as every batch does: the original of each page the
 * batch changes, written to a temporary file under the default temp_store.
 * That file was a third of a batch's time.  With temp_store = MEMORY the
 * journal is a batch's pages in memory (bounded by batch_size), emptied at
 * the end of each batch's statement.
 *
 * Changing temp_store drops the connection's temporary tables, so it is
 * changed only when there are none: in autocommit mode when the temp
 * database holds nothing, inside a transaction only when the temp database
 * was never opened (SQLite refuses otherwise).  It is restored at the end on
 * the same condition; the host's objects are never touched.  SQLite reads
 * the setting when a transaction first writes, so it is set before that.
 */
static void
temp_store_memory(SqliteCall *call)
{
	CovetError	ignore;
	int			was;

	call->saved_temp_store = -1;
	was = query_int(call, "PRAGMA temp_store", 2);
	if (was == 2)
		return;
	if (sqlite3_db_filename(call->db, "temp") != NULL &&
		(!sqlite3_get_autocommit(call->db) ||
		 query_int(call, "SELECT count(*) FROM temp.sqlite_master", 1) != 0))
		return;
	if (covet_sqlite_exec(call, "PRAGMA temp_store = MEMORY", &ignore) == COVET_OK)
		call->saved_temp_store = was;
}

static void
temp_store_restore(SqliteCall *call)
{
	CovetError	ignore;
	char		sql[64];

	if (call->saved_temp_store < 0)
		return;
	if (sqlite3_db_filename(call->db, "temp") == NULL ||
		(sqlite3_get_autocommit(call->db) &&
		 query_int(call, "SELECT count(*) FROM temp.sqlite_master", 1) == 0))
	{
		snprintf(sql, sizeof(sql), "PRAGMA temp_store = %d", call->saved_temp_store);
		covet_sqlite_exec(call, sql, &ignore);
	}
	call->saved_temp_store = -1;
}

/*
 * Where a batched operation's batches go:
 *
 * - autocommit mode: its own transactions, one per batch (batch_own_txn);
 * - a transaction of the host's that has not yet read or written any
 *   database (BEGIN; SELECT covet_backfill(...)): that transaction itself
 *   (batch_whole_txn).  A failed run rolls it back and begins it again,
 *   which leaves it as the host had it.  No savepoint: one open for the
 *   whole run has SQLite copy the original of every page the run changes
 *   to a temporary file (0.15 x the UPDATE's own time, measured), where
 *   the untouched transaction needs no copy at all.  What the rollback
 *   cannot keep is a savepoint the host opened instead of BEGIN (SQLite
 *   does not tell the two apart): after a failed run it is gone, and
 *   README says so;
 * - any other transaction: a savepoint, released or rolled back.
 */
CovetStatus
covet_sqlite_batch_begin(SqliteCall *call, CovetError *err)
{
	CovetStatus rc;

	if ((rc = covet_sqlite_check_no_writer(call, "a batched operation", err)) != COVET_OK)
	{
		covet_error_hint(err, "Call batched operations from a plain SELECT, e.g. SELECT covet_backfill(...);");
		return rc;
	}
	/* other connections (a pause, a reader of covet_runs) hold locks briefly */
	call->saved_busy_ms = busy_timeout_now(call);
	sqlite3_busy_timeout(call->db, call->conn->lock_timeout_ms);
	call->batch_own_txn = sqlite3_get_autocommit(call->db) != 0;
	call->batch_whole_txn = !call->batch_own_txn &&
		sqlite3_txn_state(call->db, NULL) == SQLITE_TXN_NONE;
	call->saved_temp_store = -1;
	if (call->batch_own_txn || call->batch_whole_txn)
		temp_store_memory(call);
	call->batch_flush = !call->batch_own_txn &&
		query_int(call, "SELECT count(*) FROM pragma_database_list AS d WHERE d.name <> 'temp'"
				  " AND (SELECT journal_mode FROM pragma_journal_mode WHERE schema = d.name)"
				  " NOT IN ('wal', 'memory')", 1) == 0;
	if ((rc = covet_sqlite_ensure_schema(call, err)) != COVET_OK)
	{
		temp_store_restore(call);
		sqlite3_busy_timeout(call->db, call->saved_busy_ms);
		return rc;
	}
	call->in_batch = true;
	call->conn->batch_depth++;
	if (call->batch_own_txn)
		return covet_sqlite_exec(call, "BEGIN IMMEDIATE", err);
	if (call->batch_whole_txn)
		return COVET_OK;
	return covet_sqlite_exec(call, "SAVEPOINT covet_batch", err);
}

CovetStatus
covet_sqlite_batch_end(SqliteCall *call, bool ok, CovetError *err)
{
	CovetStatus rc = COVET_OK;
	CovetError	ignore;

	if (!call->in_batch)
		return COVET_OK;
	call->in_batch = false;
	call->conn->batch_depth--;
	if (call->batch_own_txn)
	{
		if (ok)
			rc = covet_sqlite_exec(call, "COMMIT", err);
		if (!sqlite3_get_autocommit(call->db))
			covet_sqlite_exec(call, "ROLLBACK", &ignore);
	}
	else if (call->batch_whole_txn)
	{
		if (!ok)
		{
			covet_sqlite_exec(call, "ROLLBACK", &ignore);
			if (sqlite3_get_autocommit(call->db))
				covet_sqlite_exec(call, "BEGIN", &ignore);
		}
	}
	else
	{
		if (ok)
			rc = covet_sqlite_exec(call, "RELEASE covet_batch", err);
		if (!ok || rc != COVET_OK)
			covet_sqlite_exec(call, "ROLLBACK TO covet_batch; RELEASE covet_batch", &ignore);
	}
	temp_store_restore(call);
	sqlite3_busy_timeout(call->db, call->saved_busy_ms);
	return rc;
}

/*
 * The user the run is recorded under, looked up on first use: getpwuid
 * reads /etc/passwd, which per call was a tenth of loading 1,000 files.
 */
static const char *
call_who(SqliteCall *call)
{
	if (call->who[0] == '\0')
	{
		struct passwd *pw = getpwuid(geteuid());
		const char *user = pw ? pw->pw_name : getenv("USER");

		snprintf(call->who, sizeof(call->who), "%s", user ? user : "unknown");
	}
	return call->who;
}

static const char *
drv_who(void *ctx)
{
	return call_who((SqliteCall *) ctx);
}

static CovetStatus
drv_check_interrupts(void *ctx, CovetError *err)
{
#if SQLITE_VERSION_NUMBER >= 3041000
	SqliteCall *call = ctx;

	if (sqlite3_is_interrupted(call->db))
		return covet_error_set(err, COVET_ERR_STATE, "interrupted");
#else
	(void) ctx;
	(void) err;
#endif
	return COVET_OK;
}

/* A wait between retries of a batch (retries), interruptible every 50 ms. */
static CovetStatus
drv_sleep_ms(void *ctx, int ms, CovetError *err)
{
	while (ms > 0)
	{
		int			step = ms < 50 ? ms : 50;
		CovetStatus rc;

		sqlite3_sleep(step);
		ms -= step;
		if ((rc = drv_check_interrupts(ctx, err)) != COVET_OK)
			return rc;
	}
	return COVET_OK;
}

void
covet_sqlite_call_init(SqliteCall *call, CovetConn *conn)
{
	memset(call, 0, sizeof(*call));
	call->conn = conn;
	call->db = conn->db;
	call->saved_temp_store = -1;
	call->driver.mem.ctx = call;
	call->driver.mem.alloc = call_alloc;
	call->driver.mem.free = call_free;
	call->driver.dialect = &covet_dialect_sqlite;
	call->driver.ctx = call;
	call->driver.lock_timeout_ms = conn->lock_timeout_ms;
	call->driver.query = drv_query;
	call->driver.exec_script = drv_exec_script;
	call->driver.check_statement = drv_check_statement;
	call->driver.check_fragment = NULL;	/* the tokenizer is not exposed */
	call->driver.check_syntax = drv_check_syntax;
	call->driver.savepoint_begin = drv_savepoint_begin;
	call->driver.savepoint_release = drv_savepoint_release;
	call->driver.savepoint_rollback = drv_savepoint_rollback;
	call->driver.begin_run = drv_begin_run;
	call->driver.end_run = drv_end_run;
	call->driver.read_file = drv_read_file;
	call->driver.list_dir = drv_list_dir;
	call->driver.notice = drv_notice;
	call->driver.clock_ms = drv_clock_ms;
	call->driver.who = drv_who;
	call->driver.check_interrupts = drv_check_interrupts;
	call->driver.batch_commit = drv_batch_commit;
	call->driver.batch_rollback = drv_batch_rollback;
	call->driver.progress = drv_progress;
	call->driver.set_migration = drv_set_migration;
	call->driver.get_migration = drv_get_migration;
	call->driver.migration_commits = drv_migration_commits;
	call->driver.exec_toplevel = covet_sqlite_exec_toplevel;
	call->driver.migration_commits = drv_migration_commits;
	call->driver.sleep_ms = drv_sleep_ms;
}

void
covet_sqlite_call_done(SqliteCall *call)
{
	CovetError	ignore;

	if (call->in_run)
		drv_end_run(call, false, &ignore);
	covet_sqlite_batch_end(call, false, &ignore);
	stmt_cache_free(call);
	while (call->blocks != NULL)
	{
		SqliteBlock *b = call->blocks;

		call->blocks = b->next;
		sqlite3_free(b->raw);
	}
}

/* covet_sqlite_schema_exists, covet_sqlite_ensure_schema: sqlite_schema.c */
