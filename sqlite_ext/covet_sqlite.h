/*-------------------------------------------------------------------------
 *
 * covet_sqlite.h
 *		Shared declarations of the SQLite binding.
 *
 * One CovetConn per database connection holds the settings; one SqliteCall
 * per SQL function call holds the driver, the memory the core allocated
 * during the call (freed at its end) and the transaction state of a run.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_SQLITE_H
#define COVET_SQLITE_H

#include <sqlite3ext.h>
#include "covet.h"

#ifndef COVET_SQLITE_MAIN
SQLITE_EXTENSION_INIT3
#endif

typedef struct CovetConn
{
	sqlite3    *db;
	int			lock_timeout_ms;
	bool		running;		/* a runner call is under way */
	int			batch_depth;	/* batched operations under way */
	char		migration[COVET_NAME_MAX + 1];	/* being applied, or "" */
	bool		migration_commits;	/* ... by a _commit form (batch_twin.c) */
	char	   *progress_log;	/* "stderr", a file name, or NULL */
	int			progress_ms;
} CovetConn;

typedef struct SqliteBlock SqliteBlock;

typedef struct SqliteCall
{
	CovetConn  *conn;
	sqlite3    *db;
	CovetDriver driver;
	SqliteBlock *blocks;		/* everything allocated during the call */
	int			savepoints;		/* open driver savepoints */
	bool		own_txn;		/* the run opened its own transaction */
	bool		in_run;			/* between begin_run and end_run */
	bool		lock_row;		/* this call wrote the lock row */
	bool		batch_own_txn;	/* a batched operation commits per batch */
	bool		batch_whole_txn;	/* ... or is the whole of the host's transaction */
	bool		batch_flush;	/* write each batch's pages out (WAL only) */
	bool		in_batch;
	int			saved_busy_ms;	/* the host's busy timeout, restored */
	int			saved_temp_store;	/* -1, or the host's temp_store, restored */
	bool		busy;			/* the last failure was SQLITE_BUSY/LOCKED */
	bool		fk_restore;		/* the run turned foreign_keys off: back on at end_run */
	char		who[128];
	struct SqliteStmtCache *stmts;	/* covet's statements kept prepared for the call */
} SqliteCall;

extern void covet_sqlite_call_init(SqliteCall *call, CovetConn *conn);
extern void covet_sqlite_call_done(SqliteCall *call);
extern void covet_sqlite_finish(sqlite3_context *ctx, SqliteCall *call,
								CovetStatus rc, const char *report,
								const CovetError *err);
extern CovetStatus covet_sqlite_ensure_schema(SqliteCall *call, CovetError *err);
extern bool covet_sqlite_schema_exists(SqliteCall *call);
extern CovetStatus covet_sqlite_schema_check(SqliteCall *call, CovetError *err);
extern CovetStatus covet_sqlite_batch_begin(SqliteCall *call, CovetError *err);
extern CovetStatus covet_sqlite_exec(SqliteCall *call, const char *sql, CovetError *err);
/* The covet command's Ctrl-C: a commit-per-batch run yields between batches
 * while *flag is set (sqlite_driver.c); NULL: never. */
extern void covet_sqlite_set_pause_flag(volatile int *flag);
/* The covet command's progress display: each progress report of a run on
 * any connection of the process goes to fn(arg, p) too; NULL: none. */
extern void covet_sqlite_set_progress_hook(void (*fn) (void *arg, const CovetProgress *p),
										   void *arg);
extern CovetStatus covet_sqlite_check_no_writer(SqliteCall *call, const char *what,
												CovetError *err);
extern CovetMem covet_sqlite_malloc_mem;
extern void covet_sqlite_result_fake(sqlite3_context *ctx, const CovetFakeValue *v);

/* covet_sqlite.c: arguments and errors, the same for every function. */
extern void covet_sqlite_result_error(sqlite3_context *ctx, const CovetError *err);
extern void covet_sqlite_error_text(sqlite3_context *ctx, CovetStatus code,
									const char *fmt, const char *arg);
extern const char *covet_sqlite_arg_text(int argc, sqlite3_value **argv, int i);
extern bool covet_sqlite_no_nul(sqlite3_context *ctx, int argc, sqlite3_value **argv,
								const char *names);
extern bool covet_sqlite_arg_int(sqlite3_context *ctx, int argc, sqlite3_value **argv,
								 int i, const char *name, int64_t *out);
/* pg_only.c: PostgreSQL-only names say so on SQLite. */
extern int	covet_pg_only_register(sqlite3 *db, char **pzErrMsg);

extern bool covet_sqlite_arg_bool(sqlite3_context *ctx, int argc, sqlite3_value **argv,
								  int i, const char *function, const char *name, bool dflt,
								  bool *out);
extern bool covet_sqlite_value_bool(sqlite3_context *ctx, sqlite3_value *v,
									const char *function, const char *name, bool *out);
extern bool covet_sqlite_value_int(sqlite3_context *ctx, sqlite3_value *v, bool bigint,
								   int64_t *out);
/* "%.0f" of any double fits */
#define COVET_SQLITE_INT_TEXT 320
extern const char *covet_sqlite_int_text(sqlite3_value *v, char *buf);
extern CovetStatus covet_sqlite_batch_end(SqliteCall *call, bool ok, CovetError *err);

/* toplevel.c: the driver's exec_toplevel (non-transactional migrations) */
extern CovetStatus covet_sqlite_exec_toplevel(void *ctx, const CovetToplevelJob *job,
											  CovetToplevelResult *out, CovetError *err);

extern int	covet_status_vtab_register(sqlite3 *db, CovetConn *conn);
extern int	covet_series_vtab_register(sqlite3 *db);

/* commit.c: the runner's commit-per-migration forms */
extern void covet_sqlite_fn_migrate_up_commit(sqlite3_context *ctx, int argc,
											  sqlite3_value **argv);
extern void covet_sqlite_fn_migrate_down_commit(sqlite3_context *ctx, int argc,
												sqlite3_value **argv);

/* Each feature registers its own SQL functions (fixtures.c, seed.c). */
extern int	covet_fixtures_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg);
extern int	covet_seed_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg);
extern int	covet_formats_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg);
extern int	covet_schemagen_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg);
/* diff.c: covet_diff (a table-valued function), covet_foreign_key_check */
extern int	covet_diff_register(sqlite3 *db, CovetConn *conn, char **pzErrMsg);

#endif							/* COVET_SQLITE_H */
