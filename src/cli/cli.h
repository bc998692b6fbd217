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

#endif							/* COVET_CLI_H */
