/*-------------------------------------------------------------------------
 *
 * cli.h
 *	  The `covet` command: the interfaces its modules share.
 *
 * The command is a client over the same covet_* SQL functions: it opens a
 * database (PostgreSQL through libpq, or SQLite with the covet extension
 * linked in), runs covet's functions and prints what they return.  The SQL
 * functions stay the one source of behaviour; the command adds what only a
 * client can do (files on the deploy machine, progress bars, exit codes).
 *
 * Modules:
 *	  main.c, db.c, cmd_migrate.c, cmd_ops.c	options, dispatch, connections,
 *											the runner and run commands
 *	  cmd_data.c							loaddata, dumpdata, seed
 *	  cmd_schema.c							diff, makemigration, squash
 *	  progress.c, watch.c					progress bars and the watcher
 *
 * src/cli/cli.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_CLI_H
#define COVET_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (documented in README and covet.1). */
#define CLI_EXIT_OK		0			/* done */
#define CLI_EXIT_FAILED	1			/* the operation failed */
#define CLI_EXIT_USAGE	2			/* bad arguments */
#define CLI_EXIT_LOCKED	3			/* another runner holds the lock */
#define CLI_EXIT_FINDING 4			/* a lint or dry-run finding */

/* ---- connections (db.c) ------------------------------------------------ */

/* An error from the database or from the command itself. */
typedef struct CliErr
{
	char		sqlstate[6];	/* "" when not from the database */
	char	   *message;		/* malloc'd; NULL when no error */
	char	   *detail;
	char	   *hint;
} CliErr;

/* A result set, all values as text (NULL for SQL NULL), row-major. */
typedef struct CliResult
{
	int			nrows;
	int			ncols;
	char	  **colnames;
	char	  **values;			/* values[row * ncols + col] */
} CliResult;

typedef struct CliDb CliDb;

/*
 * Open "postgresql://...", "postgres://...", any other libpq connection
 * string holding '=' ("host=... dbname=..."), "sqlite:PATH" or a plain file
 * path (SQLite).  NULL on failure, with err filled.
 */
extern CliDb *cli_db_open(const char *url, CliErr *err);
extern void cli_db_close(CliDb *db);
extern bool cli_db_is_pg(const CliDb *db);

/*
 * Run one statement with text parameters written $1, $2, ... on both
 * engines; res may be NULL when the rows are not wanted.  Returns 0, or -1
 * with err filled (SQLSTATE, message, detail, hint as the server sent them).
 */
extern int	cli_db_exec(CliDb *db, const char *sql, int nparams,
						const char *const *params, CliResult *res,
						CliErr *err);
/*
 * Run sql n times, with row i of params (nparams each, row-major); vals[i]
 * gets the first column of its first row (malloc'd, NULL for none).  On
 * PostgreSQL the n calls go in one round trip (libpq's pipeline mode).
 * Returns 0, or -1 with err filled and *failed the index of the call that
 * failed (the calls after it did not run; vals before it are filled).
 */
extern int	cli_db_exec_each(CliDb *db, const char *sql, int nparams,
							 const char *const *params, int n, char **vals,
							 int *failed, CliErr *err);
extern const char *cli_result_get(const CliResult *res, int row, int col);
extern void cli_result_free(CliResult *res);
extern void cli_err_free(CliErr *err);

/* Print err as psql does (ERROR:, DETAIL:, HINT:) or as JSON; exit code. */
extern int	cli_err_report(const CliErr *err, bool json);

/* ---- commands ------------------------------------------------------------ */

/* Options every command sees, parsed by main.c. */
typedef struct CliOpts
{
	const char *db_url;			/* --db or DATABASE_URL or "sqlite:covet.db" */
	const char *dir;			/* --dir, default "./migrations" */
	bool		json;			/* --json */
	bool		quiet;
	bool		tty;			/* stdout is a terminal and --no-progress unset */
} CliOpts;

/* One command: argv[0] is the command's own name. */
typedef int (*CliCmdFn) (const CliOpts *o, int argc, char **argv);

typedef struct CliCmd
{
	const char *name;			/* "loaddata", "migrate" */
	CliCmdFn	fn;
	const char *summary;		/* one line for `covet --help` */
	const char *usage;			/* the text of `covet NAME --help` */
} CliCmd;

/* Each command module exports its table, ended by a {NULL} entry. */
extern const CliCmd cli_migrate_cmds[];	/* cmd_migrate.c */
extern const CliCmd cli_ops_cmds[];		/* cmd_ops.c */
extern const CliCmd cli_data_cmds[];	/* cmd_data.c */
extern const CliCmd cli_schema_cmds[];	/* cmd_schema.c */

/* ---- progress (progress.c, watch.c) -------------------------------------- */

/* What a progress display shows of a run at one moment. */
typedef struct CliRunSnap
{
	long long	id;				/* run id; 0 before the run exists */
	char		op[64];			/* "backfill", "loaddata", ... */
	char		target[128];	/* table or migration name */
	char		state[32];		/* running, paused, completed, failed ... */
	long long	done;			/* rows done */
	long long	total;			/* -1 when unknown */
	double		rate;			/* rows per second; < 0 when unknown */
	double		eta;			/* seconds left; < 0 when unknown */
	int			parts;			/* > 1 for a parallel run, else 1 */
} CliRunSnap;

typedef enum CliOutMode
{
	CLI_OUT_TTY,				/* a bar redrawn in place */
	CLI_OUT_LINES,				/* timestamped lines, a few per minute */
	CLI_OUT_JSON				/* one JSON object per line */
} CliOutMode;

typedef struct CliProgress CliProgress;

extern CliProgress *cli_progress_new(FILE *out, CliOutMode mode,
									 const char *label);
/* Draw s; rate-limited inside (a few redraws a second at most). */
extern void cli_progress_draw(CliProgress *p, const CliRunSnap *s);
/* The final state (100% when ok), then a newline on a terminal. */
extern void cli_progress_end(CliProgress *p, const CliRunSnap *s, bool ok);
extern void cli_progress_free(CliProgress *p);

/*
 * Fill snap with the run's current state, read over the watcher's own
 * connection.  Returns 1 when filled, 0 when there is no run yet, -1 on
 * error.
 */
typedef int (*CliSnapFn) (void *ctx, CliRunSnap *snap);

/* A thread calling fn every interval_ms and drawing, until stopped. */
typedef struct CliWatch CliWatch;

extern CliWatch *cli_watch_start(CliProgress *p, CliSnapFn fn, void *ctx,
								 int interval_ms);
/* Stop and join the thread, then draw the last state with ok. */
extern void cli_watch_stop(CliWatch *w, bool ok);


/* ---- additions (db.c, out.c): for every module ---------------------------- */

/*
 * As cli_db_open, but a SQLite file that does not exist is an error (for
 * commands that only read: status, history, runs, watch) instead of a new
 * empty database.
 */
extern CliDb *cli_db_open_existing(const char *url, CliErr *err);
/* Fill err with a message of the command itself (no SQLSTATE). */
extern void cli_err_set(CliErr *err, const char *sqlstate, const char *detail,
						const char *hint, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
/* cli_err_report with the exit code given (JSON names it); returns it. */
extern int	cli_err_report_code(const CliErr *err, bool json, int code);
/* The exit code err stands for: CLI_EXIT_LOCKED or CLI_EXIT_FAILED. */
extern int	cli_err_exit_code(const CliErr *err);
/*
 * SQLite: while *flag is non-zero, a statement of db that is outside a write
 * transaction (a run between its batches) sleeps briefly, so that another
 * connection's write (the watcher's covet_pause) is not starved by a run
 * that commits batch after batch.  Set it up before the run (the handler
 * cannot be installed while the connection is busy); NULL turns it off.
 * Nothing on PostgreSQL.
 */
extern void cli_db_yield_writes(CliDb *db, volatile int *flag);
/*
 * SQLite: a watcher's connection retries a busy database every millisecond
 * (up to 10 s) instead of SQLite's growing sleeps, which a run committing
 * batch after batch would keep outrunning.  Nothing on PostgreSQL.
 */
extern void cli_db_watcher(CliDb *db);
/* covet's tables ("history", "runs") as this engine names them. */
extern const char *cli_db_table(const CliDb *db, const char *what);
/* Whether covet's table exists yet (SQLite creates them on first write). */
extern bool cli_db_has_table(CliDb *db, const char *what);

/* Output helpers (out.c). */
extern void cli_json_str(FILE *out, const char *s);	/* "..." or null */
/* A JSON value for column col of res (numbers and booleans by column name). */
extern void cli_json_value(FILE *out, const CliResult *res, int row, int col);
/* res as a JSON array of objects, one per row. */
extern void cli_json_rows(FILE *out, const CliResult *res);
/* Lines of text as a JSON array of strings. */
extern void cli_json_lines(FILE *out, const char *text);
/* res as psql prints it: aligned columns, a header, "(N rows)". */
extern void cli_print_table(FILE *out, const CliResult *res);
/* A listing command's result on stdout: the table, or with --json
 * {"ok": true, "command": command, key: [rows]}. */
extern void cli_print_rows(bool json, const char *command, const char *key,
						   const CliResult *res);
/* mkdir -p (cmd_migrate.c): 0, or -1 with errno set. */
extern int	cli_make_dirs(const char *dir);
/* Print usage of cmd to out. */
extern void cli_usage(FILE *out, const CliCmd *cmd);
/* Print "covet: ERROR: usage..." and the command's usage; CLI_EXIT_USAGE. */
extern int	cli_usage_error(const CliOpts *o, const CliCmd *cmd, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
/* The usage of an operation's command, made from covet_op_defs (cmd_ops.c);
 * a CliCmd whose usage is NULL prints this. */
extern void cli_ops_usage(FILE *out, const char *command);
/* The command entry named name in one of the tables, or NULL. */
extern const CliCmd *cli_find_cmd(const char *name);

/* Open o's database (must_exist: see cli_db_open_existing) and apply
 * --lock-timeout (main.c). */
extern CliDb *cli_connect(const CliOpts *o, bool must_exist, CliErr *err);

/*
 * Send the files of o->dir (when it exists) with covet_load_text, in a
 * transaction of their own (own_txn) or the caller's; *report: the load
 * report, malloc'd or NULL (cmd_migrate.c).  0, or -1 with err filled.
 */
extern int	cli_send_dir(CliDb *db, const CliOpts *o, bool own_txn, char **report,
						 CliErr *err);

/* Whether --lock-timeout was given (main.c). */
extern bool cli_lock_timeout_given(void);

/* A command's own option: "--name VALUE" (value != NULL) or a flag. */
typedef struct CliOptSpec
{
	const char *name;			/* "--to" */
	const char **value;			/* set to the value; NULL for a flag */
	bool	   *flag;			/* set to true for a flag */
} CliOptSpec;

/*
 * Parse argv[1..] of a command: options of specs (ended by {NULL}) and up to
 * maxpos positional arguments into pos (npos of them).  On a bad option or
 * too many arguments prints the usage error and returns CLI_EXIT_USAGE;
 * else 0 (main.c).
 */
extern int	cli_parse_args(const CliOpts *o, const CliCmd *cmd, int argc,
						   char **argv, const CliOptSpec *specs,
						   char **pos, int maxpos, int *npos);

#endif							/* COVET_CLI_H */
