/*-------------------------------------------------------------------------
 *
 * covet.h
 *		The engine-neutral core of covet: status codes, errors, memory,
 *		the driver interface each binding fills, and the core's entry points.
 *
 * The core never includes postgres.h or sqlite3.h.  It reaches the database
 * only through a CovetDriver, and keeps only memory it got from the driver's
 * allocator, so an engine error that long-jumps out of a driver callback
 * (PostgreSQL's elog) leaks nothing: the binding owns that memory and frees
 * it when the call ends.
 *
 * Every fallible function returns a CovetStatus and writes results through
 * out-pointers; on failure the CovetError holds a message, a detail and a
 * hint in bounded buffers, worded after PostgreSQL's message style guide.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_H
#define COVET_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COVET_VERSION "0.2.0"

/* Longest migration name accepted. */
#define COVET_NAME_MAX 128

typedef enum CovetStatus
{
	COVET_OK = 0,
	COVET_ERR_NOMEM,			/* allocation failed: 53200 */
	COVET_ERR_INVALID,			/* bad argument value: 22023 */
	COVET_ERR_NULL,				/* NULL where a value is required: 22004 */
	COVET_ERR_NOT_FOUND,		/* unknown migration or target: 42704 */
	COVET_ERR_DUPLICATE,		/* name defined twice: 42710 */
	COVET_ERR_DEPENDENCY,		/* cycle or missing dependency: 42P17 */
	COVET_ERR_CHECKSUM,			/* applied text changed: 55000 */
	COVET_ERR_PARSE,			/* malformed migration file: 42601 */
	COVET_ERR_SQL,				/* the database's own error, sqlstate kept */
	COVET_ERR_LOCK,				/* runner lock not obtained: 55P03 */
	COVET_ERR_IO,				/* file could not be read: 58030 */
	COVET_ERR_PRIVILEGE,		/* caller lacks a privilege: 42501 */
	COVET_ERR_STATE,			/* not possible in this state: 55000 */
	COVET_ERR_INTERNAL			/* a bug in covet: XX000 */
} CovetStatus;

typedef struct CovetError
{
	CovetStatus code;
	char		sqlstate[6];	/* five characters and NUL; "" = from code */
	char		message[1024];
	char		detail[1024];
	char		hint[512];
} CovetError;

/* error.c */
extern void covet_error_clear(CovetError *err);
extern CovetStatus covet_error_set(CovetError *err, CovetStatus code,
								   const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern CovetStatus covet_error_setv(CovetError *err, CovetStatus code,
									const char *fmt, va_list ap)
			__attribute__((format(printf, 3, 0)));
extern void covet_error_detail(CovetError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void covet_error_hint(CovetError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void covet_error_prefix(CovetError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern const char *covet_error_sqlstate(const CovetError *err);
extern const char *covet_status_sqlstate(CovetStatus code);

/*
 * Memory.  alloc returns NULL on failure; memory lives until free or until
 * the binding's call ends, whichever comes first.
 */
typedef struct CovetMem
{
	void	   *ctx;
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *ptr);
} CovetMem;

extern void *covet_alloc(CovetMem *mem, size_t size);
extern void *covet_alloc0(CovetMem *mem, size_t size);
extern void covet_free(CovetMem *mem, void *ptr);
extern char *covet_strdup(CovetMem *mem, const char *s);
extern char *covet_strndup(CovetMem *mem, const char *s, size_t n);

/* buf.c: a growing string; a failed allocation is sticky, checked at end. */
typedef struct CovetBuf
{
	CovetMem   *mem;
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;
} CovetBuf;

extern void covet_buf_init(CovetBuf *buf, CovetMem *mem);
extern void covet_buf_append(CovetBuf *buf, const char *s);
extern void covet_buf_appendn(CovetBuf *buf, const char *s, size_t n);
extern void covet_buf_appendc(CovetBuf *buf, char c);
extern void covet_buf_appendf(CovetBuf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void covet_buf_reset(CovetBuf *buf);
/* Hand the string over (never NULL on COVET_OK); the buffer is emptied. */
extern CovetStatus covet_buf_finish(CovetBuf *buf, char **out, CovetError *err);
extern void covet_buf_free(CovetBuf *buf);

/* sha256.c: hex digest, 64 characters and NUL. */
#define COVET_CHECKSUM_LEN 64
extern void covet_sha256_hex(const unsigned char *data, size_t len,
							 char out[COVET_CHECKSUM_LEN + 1]);

/*
 * The checksum of a migration: SHA-256 over the up text, one NUL byte, and
 * the down text (nothing when there is no down section).
 */
extern void covet_checksum_compute(const char *up, const char *down,
								   char out[COVET_CHECKSUM_LEN + 1]);

/* names.c: migration names are [A-Za-z0-9_.-]{1,128}. */
extern CovetStatus covet_name_check(const char *what, const char *name,
									CovetError *err);

/*
 * boolarg.c: a boolean argument's text read as PostgreSQL's boolin reads
 * it ("invalid input syntax for type boolean", 22P02, otherwise);
 * covet_bool_arg adds the DETAIL "Argument <name> of <function>."
 */
extern CovetStatus covet_bool_parse(const char *text, bool *out, CovetError *err);
extern CovetStatus covet_bool_arg(const char *function, const char *name,
								  const char *text, bool *out, CovetError *err);

/*
 * intarg.c: an integer argument's text read as PostgreSQL reads an integer
 * (bigint false) or a bigint, with its messages (out of range, invalid
 * input syntax) and SQLSTATEs.
 */
extern CovetStatus covet_int_parse(const char *text, bool bigint, int64_t *out,
								   CovetError *err);

/*
 * The value of setting covet.<name>, milliseconds from min to max, read as
 * PostgreSQL reads an integer GUC with a time unit ("1min", "1.5s"), with
 * its messages.
 */
#define COVET_SETTINGS_HINT \
	"The settings are \"lock_timeout\" and \"progress_interval\" (and \"progress_log\" on SQLite)."
extern CovetStatus covet_setting_ms_parse(const char *name, const char *value,
										  int min, int max, int *out,
										  CovetError *err);

/* migfile.c: one migration file. */
typedef struct CovetMigFile
{
	char	   *name;			/* file name without directory and ".sql" */
	char	   *up;				/* text of the up section, never NULL */
	char	   *down;			/* text of the down section ("" if empty),
								 * NULL if absent */
	char	  **depends;		/* names from "-- covet:depends" lines */
	int			ndepends;
	char	   *kind;			/* "schema" (default) or "data" */
	bool		atomic;			/* false with "-- covet:no-transaction" */
	bool		repeatable;		/* "-- covet:repeatable" (formats.h) */
} CovetMigFile;

extern CovetStatus covet_migfile_parse(CovetMem *mem, const char *filename,
									   const char *text, size_t len,
									   CovetMigFile *out, CovetError *err);

/* Split a depends_on argument ("a, b c") into names. */
extern CovetStatus covet_depends_split(CovetMem *mem, const char *text,
									   char ***names, int *n, CovetError *err);

/* plan.c: dependency order. */
typedef struct CovetNode
{
	const char *name;
	const char *const *deps;
	int			ndeps;
} CovetNode;

/*
 * Order nodes so that every node comes after its dependencies, ties broken
 * by name (strcmp).  *order receives n indexes into nodes.  A duplicate
 * name, a dependency on an undefined name, or a cycle is an error naming the
 * migrations involved.
 */
extern CovetStatus covet_plan_order(CovetMem *mem, const CovetNode *nodes,
									int n, int **order, CovetError *err);

/* Dialects: every difference between the engines' SQL lives here. */
typedef enum CovetEngine
{
	COVET_ENGINE_POSTGRES,
	COVET_ENGINE_SQLITE
} CovetEngine;

/*
 * One step of the upgrade of SQLite's tables (dialect.c, "Upgrading
 * covet's tables" in ARCHITECTURE.md).  A database at schema version v
 * runs, in list order, every step whose version is above v; then every
 * statement of schema_ddl (CREATE ... IF NOT EXISTS: new tables); then
 * records the version.
 */
typedef enum CovetSchemaStepKind
{
	COVET_STEP_ADD_COLUMN,		/* ALTER TABLE table ADD COLUMN sql, unless
								 * the column is there */
	COVET_STEP_REBUILD,			/* table made again from schema_ddl (a CHECK
								 * or constraint changed): common columns
								 * copied */
	COVET_STEP_SQL				/* sql as it is */
} CovetSchemaStepKind;

typedef struct CovetSchemaStep
{
	int			version;		/* the schema version this step belongs to */
	CovetSchemaStepKind kind;
	const char *table;
	const char *sql;
} CovetSchemaStep;

typedef struct CovetDialect
{
	CovetEngine engine;
	const char *name;			/* "postgresql", "sqlite" */
	const char *param_prefix;	/* "$" or "?" */
	const char *table_prefix;	/* "covet." or "covet_" */
	const char *now_expr;		/* current time as stored in history */
	const char *ts_param_open;	/* wraps a parameter read as a timestamp */
	const char *ts_param_close;
	const char *const *schema_ddl;	/* NULL-terminated; NULL if installed */
	int			schema_version; /* SQLite: what schema_ddl creates */
	const CovetSchemaStep *schema_steps;	/* ends with version 0 */
	bool		cast_key_params;	/* CAST text parameters to the key's type */
	/* One parameter {1}: the table name (quoted in PostgreSQL); columns:
	 * schema, table, column, type, key position (0 = none), kind,
	 * generated (1/0), the type as a CAST spells it (in PostgreSQL
	 * qualified where a keyword does not fix it to pg_catalog's). */
	const char *describe_sql;
	/*
	 * SQLite: a key column's values must all have the storage class its
	 * declared type implies (text keys in an INTEGER column would sort
	 * after every number and be skipped).
	 */
	bool		check_key_storage;
	/* SQLite: batch rowid tables by rowid (see batch.c, rowid_wanted) */
	bool		rowid_key;
	/* after INSERT INTO t (cols): PostgreSQL's OVERRIDING SYSTEM VALUE */
	const char *insert_override;
	/* {1} = the table's SQL name; one number, the planner's row estimate */
	const char *estimate_sql;
	const char *split_part_fn;	/* covet_split_part in both */
	const char *concat_ws_fn;	/* skips NULLs */
	const char *try_cast_fn;	/* (text, type) -> text or NULL */
	/*
	 * %L and %R equal or both NULL.  Not PostgreSQL's IS NOT DISTINCT FROM:
	 * that takes "=" from the search_path.
	 */
	const char *null_safe_eq;
	/* x IN (a, b): x, in_open, the list, in_close */
	const char *in_open;
	const char *in_close;
	/*
	 * covet_seed (seed.c).  seed_describe_sql: {1} as for describe_sql;
	 * columns: schema, table (real names), kind, column, type, not null,
	 * has a default, key position, filled by the database (identity,
	 * serial, rowid alias), generated, single-column unique, the type as
	 * a CAST spells it (as for describe_sql).  seed_fks_sql: {1} the same;
	 * foreign key id, position, column, parent schema, parent table,
	 * parent column (NULL: the parent's primary key).  seed_rows_cte (or
	 * NULL) and seed_rows_from give the rows {lo}..{hi} as covet_rows(r).
	 */
	const char *seed_describe_sql;
	const char *seed_fks_sql;
	const char *seed_rows_cte;
	const char *seed_rows_from;
	/*
	 * Or NULL: rows that carry their generated values as well, columns
	 * covet_rows.c1 .. c<seed_rows_gen_max>; {gens} is a string literal of
	 * each value's generator (covet_seed_gens_encode), so the values come
	 * from the row source, not from one covet_fake call each.
	 */
	const char *seed_rows_gen_from;
	int			seed_rows_gen_max;
	bool		seed_cast_values;	/* covet_fake returns text: CAST it */
	/*
	 * What the generated SQL puts before the name of covet's own SQL
	 * functions (covet_fake, covet_fixture_rows); NULL: nothing.  The
	 * PostgreSQL binding sets the quoted schema and a dot on a copy of the
	 * dialect, so the SQL does not depend on the caller's search_path.
	 */
	const char *func_prefix;
	/*
	 * Built-in operators, functions and types, spelled so that nothing on
	 * the caller's search_path can stand in for them: an operator is
	 * op_open, the operator, op_close ("OPERATOR(pg_catalog." ">" ")" in
	 * PostgreSQL, the bare ">" in SQLite); catalog goes before a built-in
	 * function or a type name that is not a keyword ("pg_catalog." or
	 * nothing).  In templates: "{>}" and "{pg}" (covet_sql_expand).
	 */
	const char *op_open;
	const char *op_close;
	const char *catalog;
	/*
	 * Arguments of covet's own functions are cast to their declared types
	 * (PostgreSQL picks among overloads by type, and one in the same schema
	 * with a closer match would win; SQLite goes by name and count).
	 */
	bool		cast_fn_args;
	/* fixture_sql.c: the SQL of dumpdata and loaddata */
	const struct CovetFixtureSql *fixture;
} CovetDialect;

extern const CovetDialect covet_dialect_postgres;
extern const CovetDialect covet_dialect_sqlite;

/*
 * Expand a SQL template for a dialect: "{name}" becomes covet's table
 * "name" ("covet"."name" or "covet_name"), "{1}".."{99}" a parameter ($1 or
 * ?1), "{t1}".."{t99}" a parameter holding a timestamp (cast in
 * PostgreSQL, plain in SQLite), "{now}" the clock expression, "{=}" (any
 * operator: "{<>}", "{||}", ...) the built-in operator and "{pg}" the
 * prefix of a built-in function or type (see op_open and catalog).
 */
extern void covet_sql_expand(const CovetDialect *dialect, CovetBuf *out,
							 const char *tmpl);

/* Append the built-in operator op, with a space on either side. */
extern void covet_sql_op(CovetBuf *out, const CovetDialect *dialect, const char *op);

/* Query results: text values, row-major, NULL for SQL NULL. */
typedef struct CovetResult
{
	int			nrows;
	int			ncols;
	char	  **values;
	int64_t		affected;		/* rows changed by the statement */
} CovetResult;

#define COVET_VALUE(res, row, col) ((res)->values[(row) * (res)->ncols + (col)])

typedef struct CovetScriptStats
{
	int			statements;		/* statements executed */
	int64_t		rows;			/* rows inserted, updated or deleted */
} CovetScriptStats;

/* What a batched run reports while it goes (batch.c). */
typedef struct CovetProgress
{
	int64_t		run_id;
	const char *op;
	const char *table;
	int64_t		rows_done;
	int64_t		rows_total;		/* estimate; 0 when unknown */
	int64_t		batches;
	double		rows_per_sec;
	double		eta_sec;		/* < 0 when unknown */
	double		percent;		/* < 0 when unknown */
	bool		final;
} CovetProgress;

/*
 * A non-transactional migration's statements for the driver's
 * exec_toplevel (toplevel.c).  mark_sql is covet's bookkeeping, expanded
 * for the dialect, with two parameters: the migration's name and the
 * number of its statements committed so far.
 */
typedef struct CovetToplevelJob
{
	const char *name;			/* the migration */
	const char *sql;			/* its up or down text */
	int			skip;			/* statements committed before: run the rest */
	bool		retry;			/* statement skip + 1 failed before */
	const char *mark_sql;
	int			lock_timeout_ms;	/* > 0: each statement's lock_timeout
									 * (covet.ddl_lock_timeout) */
} CovetToplevelJob;

typedef struct CovetToplevelResult
{
	int			statements;		/* committed, the skipped ones included */
	int			failed;			/* the statement that failed (1-based), or 0 */
	int64_t		rows;			/* rows the statements run here changed */
} CovetToplevelResult;

/* What a statement that embeds caller fragments must parse as. */
typedef enum CovetSqlShape
{
	COVET_SQL_UPDATE,			/* UPDATE, no WITH, no RETURNING */
	COVET_SQL_DELETE,			/* DELETE, no WITH, no USING, no RETURNING */
	COVET_SQL_SELECT			/* one SELECT, no WITH, no set operation */
} CovetSqlShape;

/*
 * The driver: everything the core does to the world goes through here.
 *
 * query and exec_script return COVET_ERR_SQL with the engine's message and
 * SQLSTATE when the statement fails and a savepoint is open; the caller then
 * rolls that savepoint back before running anything else.  Outside any
 * savepoint an engine may instead abort the whole call (PostgreSQL).
 */
typedef struct CovetDriver
{
	CovetMem	mem;
	const CovetDialect *dialect;
	void	   *ctx;
	int			lock_timeout_ms;	/* how long begin_run waits for the lock */

	/* One statement, text parameters; res may be NULL. */
	CovetStatus (*query) (void *ctx, const char *sql, int nparams,
						  const char *const *params, CovetResult *res,
						  CovetError *err);
	/* A script of statements, split by the engine's own parser. */
	CovetStatus (*exec_script) (void *ctx, const char *sql,
								CovetScriptStats *stats, CovetError *err);

	/*
	 * The engine's own reading of SQL that embeds caller fragments
	 * (sqlfrag.c, batch.c), without running anything; errors are
	 * COVET_ERR_INVALID.  check_statement: sql must be exactly one
	 * statement of the given shape, nothing after it but white space and
	 * comments, with exactly nparams parameters (PostgreSQL: raw_parser;
	 * SQLite: sqlite3_prepare_v2's tail and sqlite3_bind_parameter_count).
	 * check_fragment (optional, NULL: the core's scanner alone): the
	 * fragment alone through the engine's tokenizer, with the rules of
	 * covet_sql_check_fragment (PostgreSQL: core_yylex; SQLite does not
	 * expose its tokenizer).  query refuses a text of more than one
	 * statement in every driver.
	 */
	CovetStatus (*check_statement) (void *ctx, const char *sql,
									CovetSqlShape shape, int nparams,
									CovetError *err);
	CovetStatus (*check_fragment) (void *ctx, const char *what,
								   const char *fragment, CovetError *err);

	/*
	 * check_syntax (optional): does sql parse as one statement of the
	 * shape, names unresolved?  sql names the table
	 * COVET_FRAGMENT_PROBE, which does not exist (PostgreSQL: raw_parser;
	 * SQLite: prepare, where "no such table" means the text parsed).  The
	 * error's message is the engine's own.
	 */
	CovetStatus (*check_syntax) (void *ctx, const char *sql, CovetSqlShape shape,
								 CovetError *err);
	/* Nested savepoints (subtransactions). */
	CovetStatus (*savepoint_begin) (void *ctx, CovetError *err);
	CovetStatus (*savepoint_release) (void *ctx, CovetError *err);
	CovetStatus (*savepoint_rollback) (void *ctx, CovetError *err);

	/*
	 * Take the runner lock (waiting up to lock_timeout_ms, then failing with
	 * a message naming the holder) and open the run's transaction; end_run
	 * commits it (commit true) or rolls it back, and releases the lock.
	 */
	CovetStatus (*begin_run) (void *ctx, CovetError *err);
	CovetStatus (*end_run) (void *ctx, bool commit, CovetError *err);

	/* Files: read one whole; list a directory's entries (names only). */
	CovetStatus (*read_file) (void *ctx, const char *path, char **text,
							  size_t *len, CovetError *err);
	/* *is_dir false: path is a regular file and *names is empty. */
	CovetStatus (*list_dir) (void *ctx, const char *path, bool *is_dir,
							 char ***names, int *n, CovetError *err);

	void		(*notice) (void *ctx, const char *msg);
	int64_t		(*clock_ms) (void *ctx);
	const char *(*who) (void *ctx);
	CovetStatus (*check_interrupts) (void *ctx, CovetError *err);

	/*
	 * Batched operations (batch.c).  Optional: NULL means "not supported
	 * here" for batch_commit (every run is atomic) and "silent" for
	 * progress.
	 *
	 * batch_commit commits the work done so far when this call may commit
	 * (a CALL outside a transaction block in PostgreSQL, autocommit mode in
	 * SQLite) and opens the next transaction; *committed tells whether it
	 * did.
	 */
	CovetStatus (*batch_commit) (void *ctx, bool *committed, CovetError *err);

	/*
	 * Optional.  When set, batches run without a savepoint of their own and
	 * a failed batch is undone by this: in commit-per-batch mode it rolls
	 * back the batch's transaction and opens the next; in one-transaction
	 * mode it does nothing, as the caller rolls the whole operation back.
	 * (SQLite: a nested savepoint makes every changed page go to a
	 * sub-journal.)  NULL: each batch is a savepoint.
	 */
	CovetStatus (*batch_rollback) (void *ctx, CovetError *err);

	/*
	 * Optional, with batch_rollback: for a driver whose errors outside a
	 * savepoint cannot come back to the core (PostgreSQL: an ERROR outside
	 * a subtransaction must propagate at once).  Before a batch's
	 * statements the core hands it the text to put before the message of
	 * an error they raise, and the hint to give it; NULL, NULL after them.
	 */
	void		(*batch_failure_text) (void *ctx, const char *prefix, const char *hint);
	void		(*progress) (void *ctx, const CovetProgress *p);

	/*
	 * Called between committed batches (optional): sleep, wait for
	 * replication to catch up, or fail to stop the run.
	 */
	CovetStatus (*throttle) (void *ctx, CovetError *err);

	/*
	 * Optional (NULL: no health signals, as in SQLite): after a committed
	 * batch, should the run wait before the next?  Writes why into reason
	 * (a sentence fragment naming the signal, its value and its limit), or
	 * leaves it empty to go on.  Called again after each wait of the
	 * core's (batch_health.c) until it says go on.
	 */
	CovetStatus (*health_check) (void *ctx, char *reason, size_t len, CovetError *err);

	/*
	 * The migration being applied on this connection, if any: runs started
	 * from inside a migration are tagged with it, so migrate_down can undo
	 * them.  set_migration(NULL) clears it.
	 */
	void		(*set_migration) (void *ctx, const char *name);
	const char *(*get_migration) (void *ctx);

	/*
	 * Fixtures (fixture_dump.c): write a whole file, replacing it.  NULL
	 * means files cannot be written here.  PostgreSQL: server-side, only
	 * for pg_write_server_files or a superuser.
	 */
	CovetStatus (*write_file) (void *ctx, const char *path, const char *data,
							   size_t len, CovetError *err);

	/*
	 * Fixture files in pieces, so that memory stays flat whatever their
	 * size (optional: NULL means whole files through read_file and
	 * write_file).  read_chunk reads up to size bytes at offset (*got 0 at
	 * the end; fewer than size is no sign of the end: a driver may hold back
	 * an incomplete multibyte character).  append_file writes to a
	 * temporary twin of path (first: created empty); finish_file moves the
	 * twin over path (keep) or removes it.  PostgreSQL: server-side, with
	 * the privileges read_file and write_file ask for.
	 */
	CovetStatus (*read_chunk) (void *ctx, const char *path, int64_t offset,
							   char *buf, size_t size, size_t *got,
							   CovetError *err);
	CovetStatus (*append_file) (void *ctx, const char *path, const char *data,
								size_t len, bool first, CovetError *err);
	CovetStatus (*finish_file) (void *ctx, const char *path, bool keep,
								CovetError *err);

	/*
	 * Optional (NULL: query).  covet's own bookkeeping: the statements
	 * covet_sql_run makes from templates that name covet's tables
	 * ("{runs}", "{undo_7}").  Such a statement carries no caller text
	 * except as parameters and touches no caller table.  PostgreSQL runs
	 * it as the extension's owner with search_path "pg_catalog, pg_temp",
	 * so a role needs no grant on covet's tables to use covet.
	 */
	CovetStatus (*query_catalog) (void *ctx, const char *sql, int nparams,
								  const char *const *params, CovetResult *res,
								  CovetError *err);

	/*
	 * Optional (NULL: one role, as in SQLite).  Called right after a run's
	 * row is read, with its owner (runs.who) and what is about to be done
	 * to it ("resume", "undo", "pause", "cancel").  Fails with
	 * COVET_ERR_PRIVILEGE unless the caller may steer the owner's runs;
	 * otherwise query runs every statement from then on as the owner,
	 * until run_owner is called with owner NULL.
	 */
	CovetStatus (*run_owner) (void *ctx, int64_t run_id, const char *owner,
							  const char *action, CovetError *err);

	/*
	 * Optional (NULL: "CREATE TABLE <undo_table> AS <select_sql>" through
	 * query).  Create a run's undo table, undo_table (covet's, as
	 * "{undo_N}" expands), with the columns of select_sql, a query of the
	 * caller's table that returns no row, so that the caller may insert
	 * into it and read it while covet owns it.
	 */
	CovetStatus (*create_undo) (void *ctx, const char *undo_table,
								const char *select_sql, CovetError *err);

	/*
	 * Optional (NULL: non-transactional migrations cannot run here).  Run
	 * the statements of job->sql after the first job->skip, each as a
	 * top-level statement outside any transaction of covet's (the core has
	 * committed everything before): a statement that refuses a transaction
	 * block runs, and the text's own BEGIN ... COMMIT are obeyed.  After
	 * each statement that leaves no transaction block open, mark_sql
	 * records how many have committed, in the same transaction where the
	 * engine allows it.  Stops at the first error: err holds the engine's
	 * message and SQLSTATE, out->failed the statement, out->statements what
	 * committed.  Returns with a transaction of covet's usable again.
	 * When job->retry and the statement to run first is a CONCURRENTLY
	 * build that left an INVALID index behind, that index is dropped first.
	 */
	CovetStatus (*exec_toplevel) (void *ctx, const CovetToplevelJob *job,
								  CovetToplevelResult *out, CovetError *err);

	/*
	 * Commit per migration (commit.c; covet_migrate_up_commit and
	 * covet_migrate_down_commit).  Optional: NULL means this call cannot
	 * commit, and the _commit forms refuse.  step_commit commits the
	 * migration just recorded (its work, its applied and history rows)
	 * and opens the next transaction; the runner lock stays held.
	 */
	CovetStatus (*step_commit) (void *ctx, CovetError *err);

	/*
	 * Optional, with step_commit: for a driver whose errors outside a
	 * savepoint cannot come back to the core (PostgreSQL).  When set, a
	 * migration of a commit-per-migration run has no savepoint of its own,
	 * so that what it calls may commit (CALL covet_backfill_commit(...)
	 * commits per batch); before it runs the core hands the driver the
	 * text to put before the message of an error it raises and the detail
	 * to add (which migrations stayed applied), NULL, NULL after it.  The
	 * error then ends the call, and its transaction, at once.
	 */
	void		(*step_failure_text) (void *ctx, const char *prefix, const char *detail);

	/*
	 * Optional: is the migration being applied (get_migration) run by a
	 * _commit form?  Then a run it starts that is identical to an
	 * unfinished run the same migration started before is resumed, not
	 * refused (batch.c).
	 */
	bool		(*migration_commits) (void *ctx);

	/*
	 * Optional (NULL: nobody else can be carrying a run out).  Is another
	 * process carrying run_id out right now?  PostgreSQL: somebody holds
	 * the run lock (1668249202, run_id).
	 */
	bool		(*run_alive) (void *ctx, int64_t run_id);

	/* Set by commit.c for the length of a commit-per-migration run. */
	bool		commit_steps;

	/*
	 * Lock timeouts of migration statements, retried (retry.c).  Optional:
	 * with lock_guard NULL a migration runs once as it is (SQLite, where
	 * the busy timeout applies).  ddl_lock_timeout_ms (0: off) and
	 * ddl_lock_retries are the settings when the call began.  lock_guard
	 * (on) makes the statements that follow wait at most
	 * ddl_lock_timeout_ms for a lock and notes what they wait for;
	 * lock_guard(off) restores the caller's setting.  is_lock_timeout: did
	 * err come from such a wait?  lock_blockers: after one, who held that
	 * lock (pid, user, application, query), as one sentence, or "" when
	 * unknown.  sleep_ms sleeps, checking for interrupts.
	 */
	int			ddl_lock_timeout_ms;
	int			ddl_lock_retries;
	CovetStatus (*lock_guard) (void *ctx, bool on, CovetError *err);
	bool		(*is_lock_timeout) (void *ctx, const CovetError *err);
	CovetStatus (*lock_blockers) (void *ctx, char **text, CovetError *err);
	CovetStatus (*sleep_ms) (void *ctx, int ms, CovetError *err);

	/*
	 * Optional (NULL: no other process can carry a run out, as in SQLite).
	 * The run lock of a part of a parallel run (batch_parts.c), taken
	 * (take true) before this call resumes or undoes the part: fails with
	 * COVET_ERR_STATE when another process holds it.  take false releases
	 * a lock this call took (err may be NULL).
	 */
	CovetStatus (*run_lock) (void *ctx, int64_t run_id, bool take, CovetError *err);
} CovetDriver;

extern void covet_result_free(CovetDriver *d, CovetResult *res);

/*
 * Run a template (see covet_sql_expand) with text parameters.  A template
 * that names one of covet's tables goes to the driver's query_catalog:
 * it must never hold caller text (pass that as a parameter).
 */
extern CovetStatus covet_sql_run(CovetDriver *d, const char *tmpl, int nparams,
								 const char *const *params, CovetResult *res,
								 CovetError *err);

/*
 * runner.c: the migration runner.  Each entry point returns a report (text
 * for the user, one line per migration) through *report.
 */
typedef struct CovetDefine
{
	const char *name;
	const char *up;
	const char *down;			/* NULL: no down section; blank: a no-op one */
	const char *depends_on;		/* names separated by commas or spaces */
	const char *kind;			/* NULL = "schema" */
	bool		atomic;
} CovetDefine;

extern CovetStatus covet_runner_define(CovetDriver *d, const CovetDefine *def,
									   char **report, CovetError *err);
extern CovetStatus covet_runner_load(CovetDriver *d, const char *path,
									 char **report, CovetError *err);
extern CovetStatus covet_runner_up(CovetDriver *d, const char *target,
								   bool dry_run, char **report,
								   CovetError *err);
/* steps > 0 rolls back that many; else target names the one to stay. */
extern CovetStatus covet_runner_down(CovetDriver *d, int steps,
									 const char *target, bool dry_run,
									 char **report, CovetError *err);
extern CovetStatus covet_runner_apply(CovetDriver *d, const char *name,
									  bool dry_run, char **report,
									  CovetError *err);

/*
 * commit.c: the same runs, each migration committed with its applied and
 * history rows (the driver's step_commit) while the runner lock stays
 * held.  A failure rolls back that migration only; the error names it and
 * its DETAIL lists those this call committed.  A dry run commits nothing
 * and is the same as covet_runner_up's.  Without step_commit (a call
 * inside a transaction) they refuse.
 */
extern CovetStatus covet_runner_up_commit(CovetDriver *d, const char *target,
										  bool dry_run, char **report,
										  CovetError *err);
extern CovetStatus covet_runner_down_commit(CovetDriver *d, int steps,
											const char *target, bool dry_run,
											char **report, CovetError *err);

/* Used by runner.c's run loop in a commit-per-migration run. */
extern void covet_commit_step_begin(CovetDriver *d, const char *name, bool up,
									const CovetBuf *done);
extern CovetStatus covet_commit_step_end(CovetDriver *d, const char *name,
										 CovetBuf *done, CovetError *err);
extern void covet_commit_step_failed(CovetDriver *d, bool up, const CovetBuf *done,
									 CovetError *err);
extern void covet_commit_detail(CovetBuf *out, bool up, const CovetBuf *done);

/*
 * covet_status(): one row per defined migration in plan order (name order
 * when the dependencies are broken), columns as in covet_status_columns.
 * Booleans are "true"/"false"; the binding converts to its engine's types.
 */
typedef enum CovetColType
{
	COVET_COL_TEXT,
	COVET_COL_INT,
	COVET_COL_BOOL,
	COVET_COL_TIMESTAMP
} CovetColType;

typedef struct CovetColumn
{
	const char *name;
	CovetColType type;
} CovetColumn;

/*
 * state is "pending", "applied" or "incomplete" (a non-transactional
 * migration that stopped: statement = how many of its statements
 * committed, error = why it stopped; NULL otherwise).
 */
#define COVET_STATUS_NCOLS 13
extern const CovetColumn covet_status_columns[COVET_STATUS_NCOLS];
extern CovetStatus covet_runner_status(CovetDriver *d, CovetResult *out,
									   CovetError *err);

/*
 * sqlfrag.c: SQL quoting and the check applied to user-supplied fragments
 * (set lists, where filters, expressions) before covet puts them inside
 * its own statements.  A fragment is read as the engine's tokenizer reads
 * it (engine: which one) and must be one balanced piece: no ';', no
 * parameter ($1 in PostgreSQL; ?, ?N, :a, @a, $a, #a in SQLite), no ')'
 * without its '(' and no '(' left open outside strings, quoted identifiers
 * and comments; every string, quoted identifier, comment and dollar quote
 * closed; no lone carriage return inside a "--" comment.  covet always
 * places a fragment on lines of its own, so a trailing "--" comment cannot
 * swallow covet's SQL.  covet_fragment_check adds the driver's
 * check_fragment (the engine's own tokens); the statements that embed
 * fragments then go through the driver's check_statement (batch.c).
 */
extern void covet_quote_ident(CovetBuf *out, const char *name);
extern void covet_quote_literal(CovetBuf *out, const char *value);
extern CovetStatus covet_sql_check_fragment(CovetEngine engine, const char *what,
											const char *sql, CovetError *err);
extern CovetStatus covet_fragment_check(CovetDriver *d, const char *what,
										const char *sql, CovetError *err);
/*
 * fragparse.c: a caller's fragment read by the engine's parser in a probe
 * statement of its own (an expression, a SET list), so that a fragment
 * that does not parse is reported with the caller's text and the
 * argument's name ("invalid where expression \"id <\"", DETAIL the
 * engine's message), the same message on both engines.
 */
#define COVET_FRAGMENT_PROBE "covet_fragment_probe"
typedef enum CovetFragKind
{
	COVET_FRAG_EXPR,			/* one expression */
	COVET_FRAG_SET,				/* a SET list */
	COVET_FRAG_ORDER_BY			/* an ORDER BY list */
} CovetFragKind;
extern CovetStatus covet_fragment_parse(CovetDriver *d, const char *what,
										CovetFragKind kind, const char *sql,
										CovetError *err);
extern CovetStatus covet_sql_order_by(CovetEngine engine, CovetMem *mem,
									  const char *list, bool reverse, char **out,
									  CovetError *err);
extern CovetStatus covet_sql_set_targets(CovetEngine engine, CovetMem *mem,
										 const char *set_sql, char ***names,
										 int *n, CovetError *err);

/*
 * stmtsplit.c: a migration's text split into statements as the engine
 * reads it (strings, comments, dollar quotes, routine and trigger bodies
 * skipped), each classified for transactions.
 */
typedef enum CovetStmtKind
{
	COVET_STMT_OTHER,
	COVET_STMT_BEGIN,			/* BEGIN, START TRANSACTION */
	COVET_STMT_COMMIT,			/* COMMIT, END */
	COVET_STMT_ROLLBACK,		/* ROLLBACK, ABORT (not ROLLBACK TO) */
	COVET_STMT_NO_BLOCK			/* refuses a transaction block */
} CovetStmtKind;

typedef struct CovetStmtInfo
{
	const char *start;			/* its first token */
	size_t		len;			/* up to and with its ';' */
	int			number;			/* 1-based */
	CovetStmtKind kind;
	const char *what;			/* "CREATE INDEX CONCURRENTLY", "BEGIN"; or NULL */
} CovetStmtInfo;

typedef struct CovetStmtSplit
{
	CovetEngine engine;
	const char *p;
	int			number;
} CovetStmtSplit;

extern void covet_stmt_split_begin(CovetStmtSplit *s, CovetEngine engine,
								   const char *sql);
extern bool covet_stmt_split_next(CovetStmtSplit *s, CovetStmtInfo *out);

/*
 * Must a migration run outside a transaction: does its up or down text
 * hold its own transaction control or a statement that refuses a
 * transaction block?  why: "it holds CREATE INDEX CONCURRENTLY at
 * statement 2".
 */
extern bool covet_stmt_needs_toplevel(CovetEngine engine, const char *up,
									  const char *down, char *why,
									  size_t whylen);

/*
 * toplevel.c: one non-transactional migration, statement by statement
 * (covet.incomplete keeps how far it got), in a commit-per-migration run
 * (the driver's step_commit commits what is before it).  On success the incomplete row
 * is deleted in the open transaction, for the caller to commit with the
 * migration's applied and history rows; on failure the row keeps the
 * statement reached and the error, a history row "incomplete" is
 * written, both are committed, and the error names the statement.
 */
typedef struct CovetToplevelStep
{
	const char *name;
	const char *action;			/* "apply" or "rollback" */
	const char *sql;
	const char *checksum;		/* of the migration's current text */
	const char *started_at;		/* as {now} gives it */
} CovetToplevelStep;

extern CovetStatus covet_toplevel_run(CovetDriver *d, const CovetToplevelStep *step,
									  CovetScriptStats *stats, CovetError *err);
extern void covet_toplevel_detect(CovetEngine engine, const char *name,
								  const char *up, const char *down,
								  bool *atomic, char *msg, size_t msglen);
extern CovetStatus covet_toplevel_refuse(const char *name, bool up,
										 CovetError *err);

/* batch.c: batched data operations over a table, in primary-key order. */
typedef enum CovetRunState
{
	COVET_RUN_PENDING,
	COVET_RUN_RUNNING,
	COVET_RUN_COMPLETED,
	COVET_RUN_FAILED,
	COVET_RUN_PAUSED,
	COVET_RUN_CANCELLED,
	COVET_RUN_ROLLED_BACK,
	COVET_RUN_COMPLETED_ERRORS	/* completed, with rows skipped (run_errors) */
} CovetRunState;

extern const char *covet_run_state_name(CovetRunState state);

typedef struct CovetTableInfo
{
	char	   *sql_name;		/* quoted, ready for SQL: "app"."users" */
	char	   *display;		/* for messages: app.users */
	int			ncols;
	char	  **cols;			/* column names in table order */
	char	  **types;			/* declared types as a CAST spells them */
	bool	   *generated;		/* computed by the database, never written */
	int			npk;
	int		   *pk;				/* indexes into cols, in key order */
	/* batched by rowid (SQLite): the primary key, also kept in undo data */
	int			nrealpk;
	int		   *realpk;
} CovetTableInfo;

extern CovetStatus covet_table_describe(CovetDriver *d, const char *table,
										CovetTableInfo *out, CovetError *err);
extern void covet_table_free(CovetDriver *d, CovetTableInfo *t);
extern int	covet_table_column(const CovetTableInfo *t, const char *name);


/* Progress arithmetic, kept pure for the unit tests. */
extern void covet_progress_compute(CovetProgress *p, int64_t elapsed_ms);
extern void covet_progress_format(const CovetProgress *p, char *out, size_t outlen);

typedef enum CovetOpKind
{
	COVET_OP_UPDATE,			/* UPDATE t SET <set> WHERE <range> AND <where> */
	COVET_OP_DELETE				/* DELETE FROM t WHERE <range> AND <where> */
} CovetOpKind;

/*
 * One batched operation, as the named operations build it.  set_sql and
 * where_sql have passed covet_fragment_check; where_sql may refer to the
 * table by the alias "t".
 */
typedef struct CovetOp
{
	const char *op;				/* "backfill", "copy_field", ... */
	const char *table;			/* as the caller named it */
	CovetOpKind kind;
	const char *set_sql;		/* COVET_OP_UPDATE */
	const char *where_sql;		/* NULL: every row */
	const char *const *undo_cols;	/* columns an update changes; NULL:
									 * the targets of set_sql */
	int			nundo;
	const char *reverse_set;	/* migrate_down without undo: SET list */
	const char *args;			/* what the caller passed, for the runs row */
	int64_t		batch_size;
	bool		keep_undo;
	int			progress_ms;	/* between progress reports; 0 = default,
								 * < 0 = after every batch */
	/* the arguments every operation takes (opargs.c), kept in runs.args */
	int			workers;		/* 1..64; > 1 only _background (PostgreSQL) */
	int			batch_time_ms;	/* 0: off */
	int			retries;		/* 0..100 */
	bool		on_error_skip;	/* on_error 'skip' (else 'stop') */
	/* set by covet_op_prepare: what covet_op_free releases */
	char	   *owned_set;
	char	   *owned_where;
	char	   *owned_reverse;
	char	   *owned_args;
} CovetOp;

/* ops.c: the named operations, described once for both bindings. */
typedef enum CovetArgType
{
	COVET_ARG_TEXT,
	COVET_ARG_INT,
	COVET_ARG_BOOL
} CovetArgType;

typedef struct CovetOpArg
{
	const char *name;
	CovetArgType type;
	const char *default_sql;	/* NULL: required; else the SQL default */
} CovetOpArg;

#define COVET_OP_MAXARGS 12

typedef struct CovetOpDef
{
	const char *name;			/* SQL function covet_<name> */
	int			nargs;
	CovetOpArg	args[COVET_OP_MAXARGS];
} CovetOpDef;

extern const CovetOpDef covet_op_defs[];	/* ends with name NULL */
extern const CovetOpDef *covet_op_find(const char *name);

/*
 * Build the CovetOp of a named operation from its arguments as text (NULL
 * = SQL NULL; only the first nargs are given, the rest take defaults).
 * Checks names against the table and, for convert_type without
 * skip_errors, that every value converts (naming the key of the first that
 * does not).  Nothing is changed.
 */
extern CovetStatus covet_op_prepare(CovetDriver *d, const char *name,
									const char *const *args, int nargs,
									CovetOp *op, CovetError *err);
extern void covet_op_free(CovetMem *mem, CovetOp *op);

/*
 * opargs.c: workers, batch_time_ms, retries and on_error, the arguments
 * every operation takes last.  CovetOpRunArgs holds them as a run keeps
 * them (runs.args); covet_op_runargs_read gets them back on resume (absent
 * keys: the defaults, as for runs made before 0.2.0).
 */
typedef struct CovetOpRunArgs
{
	int			workers;
	int			batch_time_ms;	/* 0: off */
	int			retries;
	bool		on_error_skip;
} CovetOpRunArgs;

#define COVET_OP_MAX_WORKERS 64
#define COVET_OP_MAX_BATCH_TIME_MS 3600000
#define COVET_OP_MAX_RETRIES 100

extern void covet_op_runargs_default(CovetOpRunArgs *ra);
/* One argument's value as text (NULL: SQL NULL) into ra, range-checked. */
extern CovetStatus covet_op_runarg_set(const char *function, const char *name,
									   const char *text, CovetOpRunArgs *ra,
									   CovetError *err);
/* From a run's args JSON; each value range-checked as when it was given. */
extern CovetStatus covet_op_runargs_read(const char *function, const char *args_json,
										 CovetOpRunArgs *ra, CovetError *err);
/*
 * Can this form of the operation (function: covet_<op>, covet_<op>_commit
 * or covet_<op>_background) carry out a run with this many workers?
 * PostgreSQL: more than one only in the background form; SQLite: one.
 */
extern CovetStatus covet_op_check_workers(CovetEngine engine, const char *function,
										  bool background, int workers,
										  CovetError *err);

/* covet_split_part(s, delim, n, rest), exposed as SQL in both engines. */
extern bool covet_split_part(const char *s, const char *delim, int n, bool rest,
							 const char **out, size_t *len);

/*
 * covet_try_cast for SQLite, where CAST never fails: is text a complete
 * value of the SQL type?  Unknown types are an error.
 */
extern CovetStatus covet_text_converts(const char *text, const char *type,
									   bool *ok, CovetError *err);

extern CovetStatus covet_batch_create(CovetDriver *d, const CovetOp *op,
									  int64_t *run_id, CovetError *err);
extern CovetStatus covet_batch_start(CovetDriver *d, const CovetOp *op,
									 int64_t *run_id, CovetError *err);
/* progress_ms: 0 = default, < 0 = after every batch */
extern CovetStatus covet_batch_resume(CovetDriver *d, int64_t run_id,
									  int progress_ms, CovetError *err);
extern CovetStatus covet_batch_set_state(CovetDriver *d, int64_t run_id,
										 CovetRunState state, CovetError *err);
extern CovetStatus covet_batch_undo(CovetDriver *d, int64_t run_id,
									CovetError *err);

/*
 * batch_twin.c: an identical unfinished run (same op and args) refuses a
 * new one, unless the migration that started it runs again under a
 * _commit form: then *twin_id is that run, to resume (see the file).
 */
extern CovetStatus covet_batch_twin(CovetDriver *d, const CovetOp *op,
									int64_t *twin_id, CovetError *err);
extern CovetStatus covet_batch_twin_completed(CovetDriver *d, int64_t run_id,
											  bool *yes, CovetError *err);

/*
 * Seeding: fake data (seed_gen.c) and covet_seed (seed.c).
 *
 * A generator spec is text, e.g. "email", "int(1, 100)",
 * "choice(new:3, done:6)", "date(2020-01-01, 2024-12-31); null=0.1"
 * (README, "Seeding", has the grammar).  Parsed once, a generator gives
 * the value of a row as a pure function of (generator, key, row): key is
 * the column's stream, covet_fake_key(seed, column name).  No engine RNG,
 * no floating point: the same seed gives the same rows on every engine.
 */
typedef enum CovetFakeKind
{
	COVET_FAKE_NULL,
	COVET_FAKE_INT,				/* .i */
	COVET_FAKE_REAL,			/* .text (formatted by the core) and .real */
	COVET_FAKE_DECIMAL,			/* .text, exact, with the generator's scale */
	COVET_FAKE_BOOL,			/* .i: 0 or 1 */
	COVET_FAKE_TEXT				/* .text, .len bytes of UTF-8 */
} CovetFakeKind;

typedef struct CovetFakeValue
{
	CovetFakeKind kind;
	int64_t		i;
	double		real;
	const char *text;			/* into the caller's buffer or the generator */
	size_t		len;
	char		buf[1024];		/* where text values are built */
} CovetFakeValue;

typedef struct CovetFakeGen CovetFakeGen;

/*
 * Parse a generator spec.  The memory comes from mem and stays until
 * covet_fake_free (bindings cache the result across calls: SQLite's
 * auxdata, PostgreSQL's fn_extra).  "default" is not a generator (it
 * leaves a column to the database): covet_seed handles it.
 */
extern CovetStatus covet_fake_parse(CovetMem *mem, const char *spec,
									CovetFakeGen **out, CovetError *err);
extern void covet_fake_free(CovetMem *mem, CovetFakeGen *gen);
/* Can it give NULL (the null generator, or a null probability above 0)? */
extern bool covet_fake_nullable(const CovetFakeGen *gen);
/* The value of row (1-based) in the stream key. */
extern void covet_fake_eval(const CovetFakeGen *gen, int64_t key, int64_t row,
							CovetFakeValue *out);
/*
 * The generators of a row source (seed_rows_gen_from): for each value its
 * key, a space, the spec's length in bytes, a colon and the spec, back to
 * back ("123 5:email-4 10:int(1, 9)").  covet_seed_gens_next reads one:
 * false at the end or on text it did not write (*bad set).
 */
extern void covet_seed_gens_encode(CovetBuf *b, int64_t key, const char *spec);
extern bool covet_seed_gens_next(const char **p, int64_t *key, const char **spec,
								 size_t *len, bool *bad);
/* Text of a value for engines that cast text (PostgreSQL); NULL for NULL. */
extern const char *covet_fake_text(CovetFakeValue *v);
/* The stream of a column: a well-mixed 63-bit key from seed and name. */
extern int64_t covet_fake_key(int64_t seed, const char *column);
/* What covet_fake_parse accepts, for messages: "first_name, last_name, ..." */
extern const char *covet_fake_generator_names(void);

/*
 * covet_seed(table, n, spec, seed): insert n rows into table in one
 * statement (INSERT ... SELECT covet_fake(...) FROM <n rows>) inside a
 * savepoint: all rows or none.  spec is a JSON object mapping columns to
 * generators (NULL: infer every column).  *report: "inserted N rows into T".
 */
extern CovetStatus covet_seed(CovetDriver *d, const char *table, int64_t n,
							  const char *spec, int64_t seed, char **report,
							  CovetError *err);

/*
 * The SQL covet_seed would run, without running it (for tests and for
 * covet_seed's own use); the table is read, nothing is written.
 */
extern CovetStatus covet_seed_sql(CovetDriver *d, const char *table, int64_t n,
								  const char *spec, int64_t seed, char **sql,
								  CovetError *err);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (civil.c). */
extern int64_t covet_days_from_civil(int64_t y, int m, int d);
extern void covet_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* --- Fixtures: dumpdata and loaddata (fixture_*.c) ------------------------ */

/*
 * fixture_codec.c: pure encodings.
 *
 * Base64 is RFC 4648's standard alphabet with padding; decoding is strict
 * (no white space, length a multiple of 4).  out needs
 * COVET_BASE64_DECODED_MAX(len) bytes.
 */
#define COVET_BASE64_DECODED_MAX(len) (((len) / 4 + 1) * 3)
extern void covet_base64_encode(CovetBuf *out, const unsigned char *data,
								size_t len);
extern bool covet_base64_decode(const char *text, size_t len,
								unsigned char *out, size_t *outlen);

/*
 * The shortest text that reads back (strtod) to the same double: %.1g up
 * to %.17g; "-0" for negative zero, "Infinity", "-Infinity", "NaN".
 * covet_json_double writes a JSON number that says it is a float ("1.0",
 * not "1"), and 1e999 / -1e999 for infinities (NaN becomes null).
 */
#define COVET_DOUBLE_LEN 32
extern void covet_format_double(double v, char *out, size_t outlen);
extern void covet_json_double(CovetBuf *out, double v);

/* A JSON string literal; a CSV field (RFC 4180; NULL is an empty field). */
extern void covet_json_string(CovetBuf *out, const char *s, size_t len);

/*
 * Text as a JSON string literal, with to_json(text)'s and json_quote()'s
 * escapes (json_quote.c): covet_json_quoted_len is its length, quotes
 * included; covet_json_quote_to writes it to dst (that long; no NUL) and
 * returns the length.
 */
extern size_t covet_json_quoted_len(const char *s, size_t len);
extern size_t covet_json_quote_to(char *dst, const char *s, size_t len);
extern void covet_csv_field(CovetBuf *out, const char *value, size_t len);

/* Undo covet_json_string: text is a whole JSON string literal. */
extern bool covet_json_unescape(CovetBuf *out, const char *text, size_t len);
/* Read the strict JSON string literal at *p (arguments, specs); see fixture_codec.c. */
extern bool covet_json_read_string(CovetBuf *out, const char **p, const char **why);

/*
 * A JSON value as a field of COPY's text format: null is \N, a string its
 * decoded text (unless raw: embedded JSON keeps its text), anything else
 * its JSON text; backslash, tab, newline and carriage return are escaped.
 * false: the text holds U+0000, which the format cannot carry (the field
 * is written without it).  scratch: a work buffer.
 */
extern bool covet_copy_field(CovetBuf *out, CovetBuf *scratch, const char *json,
							 size_t len, bool raw);

typedef enum CovetFixtureFormat
{
	COVET_FORMAT_JSON,
	COVET_FORMAT_YAML,
	COVET_FORMAT_CSV
} CovetFixtureFormat;

typedef enum CovetOnConflict
{
	COVET_CONFLICT_ERROR,		/* a duplicate key fails the load */
	COVET_CONFLICT_IGNORE,		/* keep the row already there */
	COVET_CONFLICT_UPDATE		/* overwrite it with the fixture's fields */
} CovetOnConflict;

/* "json" (NULL), "yaml", "csv"; "error" (NULL), "ignore", "update" */
extern CovetStatus covet_fixture_format(const char *name, CovetFixtureFormat *out,
										CovetError *err);
extern CovetStatus covet_fixture_on_conflict(const char *name, CovetOnConflict *out,
											 CovetError *err);

/*
 * What a column's values look like in a fixture, from its declared type:
 * decides the SQL that turns a value into JSON and back.
 */
typedef enum CovetFixtureKind
{
	COVET_FX_TEXT,				/* and everything else (dates, uuid, ...) */
	COVET_FX_INT,
	COVET_FX_REAL,
	COVET_FX_NUMERIC,
	COVET_FX_BOOL,
	COVET_FX_BLOB,				/* base64 in the fixture */
	COVET_FX_JSON,				/* embedded as a JSON value */
	COVET_FX_ARRAY,				/* PostgreSQL arrays: embedded JSON arrays */
	COVET_FX_NKINDS
} CovetFixtureKind;

extern CovetFixtureKind covet_fixture_kind(const CovetDialect *dialect,
										   const char *type);

/*
 * The fixture SQL of a dialect.  Templates use "{1}" for the one parameter
 * (as covet_sql_expand), "%C" for a quoted column, "%T" for the quoted
 * table, "%K" for the key of a column in a batch record ("c0", "c1", ...),
 * "%Y" for the column's declared type, "%D" for the column definitions
 * of a load and "%P" for the dialect's func_prefix.
 */
typedef struct CovetFixtureSql
{
	/* a column's value as JSON text ("null" for NULL), per kind */
	const char *dump_expr[COVET_FX_NKINDS];
	/* a batch record's value as the column's SQL value, per kind */
	const char *load_expr[COVET_FX_NKINDS];
	/* one column definition of load_from's %D (NULL: none needed) */
	const char *load_def[COVET_FX_NKINDS];
	/* the rows of a batch, {1} = the batch; %P = the dialect's func_prefix */
	const char *load_from;
	/*
	 * How a batch is written.  false: a JSON array of records keyed by
	 * column ({"c0": 1, "c2": "x"}).  true: one line per record, the values
	 * of the batch's columns in column order separated by tabs, in COPY's
	 * text format (\N for NULL; backslash, tab, newline and carriage return
	 * escaped; JSON strings decoded, other JSON values as their text).
	 */
	bool		batch_lines;
	/* the user's tables as model names, no parameters */
	const char *tables_sql;
	/* {1} = table as describe_sql takes it; the model name (NULL: the
	 * table name describe_sql returns) */
	const char *model_sql;
	/* {1} = table as describe_sql takes it; model names of its parents */
	const char *parents_sql;
	/* after a load, per integer key column: move its sequence past the
	 * largest key; {1} = %T as text, {2} = the column's name.  NULL: none */
	const char *sequence_sql;
	/* {1} = table as describe_sql takes it; its one-column foreign keys:
	 * the column, the referenced table's model name, the referenced column
	 * (NULL: its primary key); for Django's names (fixture_names.c) */
	const char *fks_sql;
	/* {1} = table as describe_sql takes it; its unique indexes without a
	 * predicate or expressions, one row per column in key order: an id,
	 * the column (NULL: an expression), 1 for the primary key; primary
	 * key last */
	const char *uniques_sql;
	/* a natural key's column equals a parameter: %C the column, %K the
	 * parameter ("$1"), %Y the column's type as a cast spells it */
	const char *key_eq;
} CovetFixtureSql;

extern const CovetFixtureSql covet_fixture_sql_postgres;
extern const CovetFixtureSql covet_fixture_sql_sqlite;

/*
 * covet_dumpdata: the rows of the named tables (names separated by commas
 * or spaces; NULL = every user table but covet's own) in the format, tables
 * in foreign-key order (parents first), rows in primary-key order.  JSON
 * and YAML use Django's fixture shape:
 *
 *     [{"model": "users", "pk": 1, "fields": {"name": "Ada"}}]
 *
 * with "pk": {"a": 1, "b": "x"} for a composite key.  CSV takes one table:
 * a header row, then one line per row.  *records = rows written.
 */
extern CovetStatus covet_fixture_dump(CovetDriver *d, const char *tables,
									  CovetFixtureFormat format, char **out,
									  size_t *len, int64_t *records,
									  CovetError *err);
/* The same, written to a file through d->write_file. */
extern CovetStatus covet_fixture_dump_file(CovetDriver *d, const char *path,
										   const char *tables,
										   CovetFixtureFormat format,
										   int64_t *records, CovetError *err);

/*
 * covet_loaddata: insert a fixture's records, all or nothing (one
 * savepoint), in batches of one statement per table and a few thousand
 * records, tables in foreign-key order within what is pending.  table is
 * the model of a CSV fixture (ignored otherwise).  A bad record fails the
 * load with an error naming its position, line, model, pk and field.
 * *records = records read.
 */
extern CovetStatus covet_fixture_load(CovetDriver *d, const char *data,
									  size_t len, CovetFixtureFormat format,
									  CovetOnConflict on_conflict,
									  const char *table, int64_t *records,
									  CovetError *err);
/* The same, reading the file through d->read_file. */
extern CovetStatus covet_fixture_load_file(CovetDriver *d, const char *path,
										   CovetFixtureFormat format,
										   CovetOnConflict on_conflict,
										   const char *table,
										   int64_t *records, CovetError *err);

/*
 * Django's naming (fixture_names.c; README "Coming from Django fixtures").
 * model_map: a JSON object of model names to table names (NULL: none).
 * ignore_unknown: skip fields (and records of models) that no table has,
 * with a notice of how many.  style: how a dump names foreign keys and
 * many-to-many tables ("covet", the default, or "django").
 */
typedef enum CovetFixtureStyle
{
	COVET_STYLE_COVET,
	COVET_STYLE_DJANGO
} CovetFixtureStyle;

typedef struct CovetFixtureOptions
{
	const char *model_map;
	bool		ignore_unknown;
	CovetFixtureStyle style;
} CovetFixtureOptions;

/* "covet" (NULL), "django" */
extern CovetStatus covet_fixture_style(const char *name, CovetFixtureStyle *out,
									   CovetError *err);

/* The functions above with options (NULL: the defaults). */
extern CovetStatus covet_fixture_load_ex(CovetDriver *d, const char *data,
										 size_t len, CovetFixtureFormat format,
										 CovetOnConflict on_conflict,
										 const char *table,
										 const CovetFixtureOptions *opts,
										 int64_t *records, CovetError *err);
extern CovetStatus covet_fixture_load_file_ex(CovetDriver *d, const char *path,
											  CovetFixtureFormat format,
											  CovetOnConflict on_conflict,
											  const char *table,
											  const CovetFixtureOptions *opts,
											  int64_t *records,
											  CovetError *err);
extern CovetStatus covet_fixture_dump_ex(CovetDriver *d, const char *tables,
										 CovetFixtureFormat format,
										 const CovetFixtureOptions *opts,
										 char **out, size_t *len,
										 int64_t *records, CovetError *err);
extern CovetStatus covet_fixture_dump_file_ex(CovetDriver *d, const char *path,
											  const char *tables,
											  CovetFixtureFormat format,
											  const CovetFixtureOptions *opts,
											  int64_t *records,
											  CovetError *err);

#endif							/* COVET_H */
