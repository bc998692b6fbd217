/*-------------------------------------------------------------------------
 *
 * cmd_ops.c
 *	  The `covet` command's batched data operations: backfill and one
 *	  command per named operation, runs, watch, pause, resume, cancel,
 *	  undo.
 *
 * The operations' commands come from covet_op_defs (src/core/ops.c), the
 * one description of every operation's arguments: `covet copy-field` is
 * covet_copy_field, its first argument (table_name) is the command's TABLE,
 * and every other argument an option named after it (--source, --dest,
 * --reverse-expr, ...; --batch for batch_size).  A boolean argument is a
 * flag, --NAME or --no-NAME.  Arguments not given keep the SQL defaults of
 * covet_op_defs, so both engines get the same call.
 *
 * Foreground runs commit per batch: CALL covet_<op>_commit(...) on
 * PostgreSQL, SELECT covet_<op>(...) in autocommit mode on SQLite.  While
 * the call runs, a watcher thread (watch.c) reads the run's row over a
 * second connection (covet.runs / covet_runs: rows_done, rows_total,
 * rows_per_sec, eta_seconds, state) and draws it (progress.c).  Ctrl-C
 * (SIGINT) does not kill the run: the watcher calls covet_pause(run) on
 * its connection, the run stops cleanly after its current batch, and the
 * command prints how to resume and exits 1.  A second Ctrl-C kills the
 * command as usual (the run keeps its checkpoint either way).
 *
 * --background (PostgreSQL) hands the run to a background worker
 * (covet_<op>_background) and returns its id at once.
 *
 * src/cli/cmd_ops.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"
#include "covet.h"
#include "watch_parts.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the watcher's view of a run ------------------------------------------- */

static volatile sig_atomic_t interrupted = 0;

/* set while a pause is wanted and not yet written: the run yields (SQLite) */
static volatile int pause_wanted = 0;

static void
on_sigint(int sig)
{
	(void) sig;
	interrupted = 1;
	pause_wanted = 1;
	/* a second Ctrl-C ends the command as usual */
	signal(SIGINT, SIG_DFL);
}

typedef struct RunWatch
{
	CliDb	   *db;				/* the watcher's own connection */
	long long	start_id;		/* the largest run id before this run */
	long long	id;				/* the run; 0 until it is seen */
	char		op[64];			/* covet_op_defs name, to find the run */
	bool		pause_on_sigint;
	bool		pause_sent;
	volatile bool finished;		/* the run is no longer pending or running */
	char		state[32];
} RunWatch;

static long long
to_ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static bool
is_active(const char *state)
{
	return strcmp(state, "running") == 0 || strcmp(state, "pending") == 0;
}

/* The largest run id now (0 when there is none, or no runs table yet). */
static long long
max_run_id(CliDb *db)
{
	CliResult	res = {0};
	CliErr		err = {0};
	char		sql[128];
	long long	id = 0;

	if (!cli_db_has_table(db, "runs"))
		return 0;
	snprintf(sql, sizeof(sql), "SELECT max(id) FROM %s", cli_db_table(db, "runs"));
	if (cli_db_exec(db, sql, 0, NULL, &res, &err) == 0)
		id = to_ll(cli_result_get(&res, 0, 0));
	cli_result_free(&res);
	cli_err_free(&err);
	return id;
}

/* CliSnapFn: the run's row, read over the watcher's connection. */
static int
run_snap(void *ctx, CliRunSnap *snap)
{
	RunWatch   *w = ctx;
	CliResult	res = {0};
	CliErr		err = {0};
	char		sql[512],
				idtext[32];
	const char *p[1];
	int			rc;

	if (w->id == 0)
	{
		snprintf(idtext, sizeof(idtext), "%lld", w->start_id);
		p[0] = w->op;
		snprintf(sql, sizeof(sql), "SELECT min(id) FROM %s WHERE id > %s AND op = $1",
				 cli_db_table(w->db, "runs"), idtext);
		if (!cli_db_has_table(w->db, "runs") ||
			cli_db_exec(w->db, sql, 1, p, &res, &err) != 0 ||
			cli_result_get(&res, 0, 0) == NULL)
		{
			cli_result_free(&res);
			cli_err_free(&err);
			return 0;
		}
		w->id = to_ll(cli_result_get(&res, 0, 0));
		cli_result_free(&res);
	}
	snprintf(sql, sizeof(sql),
			 "SELECT id, op, table_name, state, rows_done, rows_total, rows_per_sec,"
			 " eta_seconds FROM %s WHERE id = %lld", cli_db_table(w->db, "runs"), w->id);
	rc = cli_db_exec(w->db, sql, 0, NULL, &res, &err);
	if (rc != 0 || res.nrows != 1)
	{
		cli_result_free(&res);
		cli_err_free(&err);
		return rc != 0 ? -1 : 0;
	}
	memset(snap, 0, sizeof(*snap));
	snap->id = w->id;
	snprintf(snap->op, sizeof(snap->op), "%s", cli_result_get(&res, 0, 1));
	snprintf(snap->target, sizeof(snap->target), "%s", cli_result_get(&res, 0, 2));
	snprintf(snap->state, sizeof(snap->state), "%s", cli_result_get(&res, 0, 3));
	snap->done = to_ll(cli_result_get(&res, 0, 4));
	snap->total = cli_result_get(&res, 0, 5) ? to_ll(cli_result_get(&res, 0, 5)) : -1;
	snap->rate = cli_result_get(&res, 0, 6) ? strtod(cli_result_get(&res, 0, 6), NULL) : -1;
	snap->eta = cli_result_get(&res, 0, 7) ? strtod(cli_result_get(&res, 0, 7), NULL) : -1;
	snap->parts = 1;
	if (strcmp(snap->state, "completed") == 0 && snap->total < snap->done)
		snap->total = snap->done;
	snprintf(w->state, sizeof(w->state), "%s", snap->state);
	cli_result_free(&res);

	if (interrupted && w->pause_on_sigint && !w->pause_sent && is_active(snap->state))
	{
		int			tries;

		/*
		 * A run that commits batch after batch takes SQLite's write lock
		 * again at once; it yields between batches while pause_wanted is
		 * set (cli_db_yield_writes), and a few quick tries meet that.
		 */
		snprintf(sql, sizeof(sql), "SELECT covet_pause(%lld)", w->id);
		for (tries = 0; tries < 200 && !w->pause_sent; tries++)
		{
			if (cli_db_exec(w->db, sql, 0, NULL, NULL, &err) == 0)
			{
				w->pause_sent = true;
				pause_wanted = 0;
			}
			else if (cli_err_exit_code(&err) != CLI_EXIT_LOCKED)
				tries = 200;	/* not a lock: the next drawing tries again */
			else
				usleep(2 * 1000);
			cli_err_free(&err);
		}
	}
	w->finished = !is_active(snap->state);
	return 1;
}

/* The progress display for o: on stderr, so that stdout keeps the result. */
static CliProgress *
progress_for(const CliOpts *o, const char *label, FILE **devnull)
{
	*devnull = NULL;
	if (o->quiet)
	{
		*devnull = fopen("/dev/null", "w");
		return cli_progress_new(*devnull, CLI_OUT_LINES, label);
	}
	if (o->json)
		return cli_progress_new(stderr, CLI_OUT_JSON, label);
	return cli_progress_new(stderr, (o->tty && isatty(STDERR_FILENO)) ? CLI_OUT_TTY : CLI_OUT_LINES,
							label);
}

/* The run's row as the final report (JSON or a line). */
static int
report_run(const CliOpts *o, CliDb *db, const char *command, long long id)
{
	CliResult	res = {0};
	CliErr		err = {0};
	char		sql[256];

	snprintf(sql, sizeof(sql),
			 "SELECT id AS run, op, table_name, state, rows_done, rows_total, batches, error"
			 " FROM %s WHERE id = %lld", cli_db_table(db, "runs"), id);
	if (cli_db_exec(db, sql, 0, NULL, &res, &err) != 0 || res.nrows != 1)
	{
		if (err.message == NULL)
			cli_err_set(&err, "42704", NULL, NULL, "run %lld does not exist", id);
		cli_result_free(&res);
		{
			int			code = cli_err_report(&err, o->json);

			cli_err_free(&err);
			return code;
		}
	}
	if (o->json)
	{
		int			j;

		printf("{\"ok\": true, \"command\": ");
		cli_json_str(stdout, command);
		for (j = 0; j < res.ncols; j++)
		{
			printf(", ");
			cli_json_str(stdout, res.colnames[j]);
			printf(": ");
			cli_json_value(stdout, &res, 0, j);
		}
		printf("}\n");
	}
	else
		printf("run %lld (%s on %s): %s, %s rows in %s batches\n", id,
			   cli_result_get(&res, 0, 1), cli_result_get(&res, 0, 2),
			   cli_result_get(&res, 0, 3), cli_result_get(&res, 0, 4),
			   cli_result_get(&res, 0, 6));
	cli_result_free(&res);
	return CLI_EXIT_OK;
}

/*
 * Run sql (a call that carries out a run and commits per batch) with a
 * progress display; op names the run to find it when id is 0.
 */
static int
run_watched(const CliOpts *o, CliDb *db, const char *command, const char *sql,
			int np, const char **p, const char *op, long long id)
{
	RunWatch	w;
	CliErr		err = {0};
	CliProgress *prog;
	CliWatch   *watch;
	FILE	   *devnull;
	struct sigaction sa,
				old;
	int			rc,
				code;
	bool		paused;

	memset(&w, 0, sizeof(w));
	if ((w.db = cli_connect(o, false, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	cli_db_watcher(w.db);
	w.start_id = max_run_id(w.db);
	w.id = id;
	w.pause_on_sigint = true;
	snprintf(w.op, sizeof(w.op), "%s", op);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	pause_wanted = 0;
	sigaction(SIGINT, &sa, &old);

	prog = progress_for(o, command, &devnull);
	watch = cli_watch_start(prog, run_snap, &w, 250);
	cli_db_yield_writes(db, &pause_wanted);
	rc = cli_db_exec(db, sql, np, p, NULL, &err);
	cli_db_yield_writes(db, NULL);
	/* the run's last state, read before the final drawing */
	cli_watch_stop(watch, rc == 0 && !interrupted);
	cli_progress_free(prog);
	if (devnull)
		fclose(devnull);
	sigaction(SIGINT, &old, NULL);

	if (w.id == 0)
	{
		/* the run ended before the watcher saw it */
		CliRunSnap	s;

		run_snap(&w, &s);
	}
	paused = interrupted && w.id != 0;
	if (paused)
	{
		cli_err_free(&err);
		cli_err_set(&err, "57014", NULL, NULL, "interrupted: run %lld is %s", w.id,
					w.state[0] ? w.state : "paused");
		free(err.hint);
		err.hint = malloc(128);
		snprintf(err.hint, 128, "Resume it with: covet resume %lld", w.id);
		code = cli_err_report(&err, o->json);
	}
	else if (rc != 0)
	{
		code = cli_err_report(&err, o->json);
		if (w.id != 0 && w.state[0] && !o->json && !o->quiet)
			fprintf(stderr, "covet: run %lld is %s; covet resume %lld continues it from its checkpoint\n",
					w.id, w.state, w.id);
	}
	else if (w.id != 0)
		code = report_run(o, w.db, command, w.id);
	else
	{
		cli_err_set(&err, "", NULL, NULL, "the run was not found in covet's runs table");
		code = cli_err_report(&err, o->json);
	}
	cli_err_free(&err);
	cli_db_close(w.db);
	return code;
}

/* ---- the operations -------------------------------------------------------- */

static const CovetOpDef *
op_def(const char *command)
{
	char		name[64];
	size_t		i;

	for (i = 0; command[i] && i < sizeof(name) - 1; i++)
		name[i] = command[i] == '-' ? '_' : command[i];
	name[i] = '\0';
	return covet_op_find(name);
}

/* "--reverse-expr" for reverse_expr */
static void
opt_name(char *out, size_t n, const char *arg)
{
	size_t		i,
				o = 0;

	out[o++] = '-';
	out[o++] = '-';
	for (i = 0; arg[i] && o < n - 1; i++)
		out[o++] = arg[i] == '_' ? '-' : arg[i];
	out[o] = '\0';
}

static void
op_usage(FILE *out, const char *command)
{
	const CovetOpDef *def = op_def(command);
	int			i;
	char		opt[64];

	if (def == NULL)
		return;
	fprintf(out, "Usage: covet %s TABLE", command);
	for (i = 1; i < def->nargs; i++)
	{
		const CovetOpArg *a = &def->args[i];

		opt_name(opt, sizeof(opt), a->name);
		if (a->type == COVET_ARG_BOOL)
			fprintf(out, " [%s%s]", strcmp(a->default_sql, "true") == 0 ? "--no-" : "--",
					opt + 2);
		else if (a->default_sql == NULL)
			fprintf(out, " %s VALUE", opt);
		else
			fprintf(out, " [%s %s]", strcmp(a->name, "batch_size") == 0 ? "--batch" : opt,
					a->type == COVET_ARG_INT ? "N" : "VALUE");
	}
	fprintf(out, " [--background]\n\n"
			"covet_%s as a command: commits per batch (PostgreSQL: CALL covet_%s_commit;\n"
			"SQLite: covet_%s in autocommit mode) with a progress display read from\n"
			"covet's runs table; Ctrl-C pauses the run after its current batch\n"
			"(resume with covet resume RUN).  --background (PostgreSQL) starts it in a\n"
			"background worker (covet_%s_background) and prints the run id.\n"
			"Defaults:", def->name, def->name, def->name, def->name);
	for (i = 1; i < def->nargs; i++)
		if (def->args[i].default_sql != NULL)
			fprintf(out, " %s %s%s", def->args[i].name, def->args[i].default_sql,
					i < def->nargs - 1 ? "," : "");
	fprintf(out, ".\n");
}

/* Whether s is a decimal integer that fits an int. */
static bool
is_int(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '\0' || strlen(p) > 9)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static int
cmd_op(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd(argv[0]);
	const CovetOpDef *def = op_def(argv[0]);
	const char *vals[COVET_OP_MAXARGS] = {0};
	const char *params[COVET_OP_MAXARGS];
	bool		background = false,
				ended = false;
	char		sql[2048],
				opt[64];
	int			i,
				j,
				last = 0,
				np = 0,
				code;
	size_t		len;
	CliErr		err = {0};
	CliDb	   *db;

	if (def == NULL)
		return cli_usage_error(o, cmd, "no operation %s", argv[0]);
	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		bool		found = false;

		if (!ended && strcmp(a, "--") == 0)
		{
			ended = true;
			continue;
		}
		if (ended || a[0] != '-' || a[1] == '\0')
		{
			if (vals[0] != NULL)
				return cli_usage_error(o, cmd, "too many arguments for %s: \"%s\"", argv[0], a);
			vals[0] = a;
			continue;
		}
		if (strcmp(a, "--background") == 0)
		{
			background = true;
			continue;
		}
		for (j = 1; j < def->nargs && !found; j++)
		{
			const CovetOpArg *d = &def->args[j];
			const char *v = NULL;

			opt_name(opt, sizeof(opt), d->name);
			if (d->type == COVET_ARG_BOOL)
			{
				if (strcmp(a, opt) == 0)
					vals[j] = "true", found = true;
				else if (strncmp(a, "--no-", 5) == 0 && strcmp(a + 5, opt + 2) == 0)
					vals[j] = "false", found = true;
				continue;
			}
			len = strlen(opt);
			if (strcmp(d->name, "batch_size") == 0 && strncmp(a, "--batch", 7) == 0 &&
				(a[7] == '\0' || a[7] == '='))
				strcpy(opt, "--batch"), len = 7;
			if (strncmp(a, opt, len) != 0 || (a[len] != '\0' && a[len] != '='))
				continue;
			found = true;
			if (a[len] == '=')
				v = a + len + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return cli_usage_error(o, cmd, "option %s needs a value", opt);
			if (d->type == COVET_ARG_INT && !is_int(v))
				return cli_usage_error(o, cmd, "%s must be an integer, not \"%s\"", opt, v);
			vals[j] = v;
		}
		if (!found)
			return cli_usage_error(o, cmd, "unknown option \"%s\" for %s", a, argv[0]);
	}
	for (j = 0; j < def->nargs; j++)
	{
		if (vals[j] != NULL)
			last = j;
		else if (def->args[j].default_sql == NULL)
		{
			if (j == 0)
				return cli_usage_error(o, cmd, "covet %s needs the table's name", argv[0]);
			opt_name(opt, sizeof(opt), def->args[j].name);
			return cli_usage_error(o, cmd, "covet %s needs %s", argv[0], opt);
		}
	}
	if ((db = cli_connect(o, false, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	/* covet_x(args...) with the defaults of covet_op_defs for those not given */
	len = snprintf(sql, sizeof(sql), "%s covet_%s%s(",
				   (cli_db_is_pg(db) && !background) ? "CALL" : "SELECT", def->name,
				   background ? "_background" : (cli_db_is_pg(db) ? "_commit" : ""));
	for (j = 0; j <= last; j++)
	{
		const CovetOpArg *d = &def->args[j];
		char		piece[64];

		if (vals[j] == NULL)
			snprintf(piece, sizeof(piece), "%s", d->default_sql);
		else if (d->type == COVET_ARG_TEXT)
		{
			params[np++] = vals[j];
			snprintf(piece, sizeof(piece), "$%d%s", np, cli_db_is_pg(db) ? "::text" : "");
		}
		else
			snprintf(piece, sizeof(piece), "%s", vals[j]);	/* checked above */
		len += snprintf(sql + len, sizeof(sql) - len, "%s%s", j ? ", " : "", piece);
	}
	snprintf(sql + len, sizeof(sql) - len, ")");

	if (background)
	{
		CliResult	res = {0};

		if (cli_db_exec(db, sql, np, params, &res, &err) != 0)
		{
			code = cli_err_report(&err, o->json);
			cli_err_free(&err);
		}
		else
		{
			long long	id = to_ll(cli_result_get(&res, 0, 0));

			if (o->json)
				printf("{\"ok\": true, \"command\": \"%s\", \"run\": %lld, \"state\": \"pending\"}\n",
					   argv[0], id);
			else
				printf("run %lld started in the background; follow it with: covet watch %lld\n",
					   id, id);
			code = CLI_EXIT_OK;
		}
		cli_result_free(&res);
	}
	else
		code = run_watched(o, db, argv[0], sql, np, params, def->name, 0);
	cli_db_close(db);
	return code;
}

/* ---- runs, watch, pause, resume, cancel, undo ------------------------------ */

static int
cmd_runs(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("runs");
	char	   *pos[1];
	int			npos,
				code;
	CliErr		err = {0};
	CliResult	res = {0};
	CliDb	   *db;
	char		sql[1024];
	bool		pg;

	if (cli_parse_args(o, cmd, argc, argv, NULL, pos, 0, &npos) != 0)
		return CLI_EXIT_USAGE;
	if ((db = cli_connect(o, true, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	pg = cli_db_is_pg(db);
	if (!pg && !cli_db_has_table(db, "runs"))
		snprintf(sql, sizeof(sql), "SELECT NULL AS id, NULL AS op, NULL AS table_name, NULL AS state,"
				 " NULL AS rows_done, NULL AS rows_total, NULL AS percent, NULL AS rows_per_sec,"
				 " NULL AS eta_seconds, NULL AS started_at, NULL AS migration, NULL AS error WHERE 0");
	else
		snprintf(sql, sizeof(sql),
				 "SELECT id, op, table_name, state, rows_done, rows_total,"
				 " CASE WHEN state = 'completed' OR rows_done >= rows_total THEN 100"
				 "  WHEN rows_total > 0 THEN round(100.0 * rows_done / rows_total, 1) END AS percent,"
				 " round(rows_per_sec%s, 1) AS rows_per_sec, round(eta_seconds%s, 1) AS eta_seconds,"
				 " %s AS started_at, migration, error FROM %s ORDER BY id",
				 pg ? "::numeric" : "", pg ? "::numeric" : "",
				 pg ? "pg_catalog.to_char(pg_catalog.timezone('UTC', started_at), 'YYYY-MM-DD HH24:MI:SS')"
				 : "substr(started_at, 1, 19)", cli_db_table(db, "runs"));
	if (cli_db_exec(db, sql, 0, NULL, &res, &err) != 0)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		cli_db_close(db);
		return code;
	}
	cli_db_close(db);
	cli_print_rows(o->json, "runs", "runs", &res);
	cli_result_free(&res);
	return CLI_EXIT_OK;
}

/* RUN of a run command: a positive integer. */
static int
run_arg(const CliOpts *o, const CliCmd *cmd, int argc, char **argv,
		const CliOptSpec *specs, long long *id)
{
	char	   *pos[1];
	int			npos;

	if (cli_parse_args(o, cmd, argc, argv, specs, pos, 1, &npos) != 0)
		return CLI_EXIT_USAGE;
	if (npos != 1)
		return cli_usage_error(o, cmd, "covet %s needs a run id", cmd->name);
	if (!is_int(pos[0]) || pos[0][0] == '-' || (*id = to_ll(pos[0])) <= 0)
		return cli_usage_error(o, cmd, "a run id is a positive integer, not \"%s\"", pos[0]);
	return 0;
}

static int
cmd_watch(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("watch");
	long long	id;
	RunWatch	w;
	CliErr		err = {0};
	CliProgress *prog;
	CliWatch   *watch;
	CliRunSnap	s;
	FILE	   *devnull;
	int			code;

	if ((code = run_arg(o, cmd, argc, argv, NULL, &id)) != 0)
		return code;
	memset(&w, 0, sizeof(w));
	if ((w.db = cli_connect(o, true, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	cli_db_watcher(w.db);
	w.id = id;
	if (run_snap(&w, &s) != 1)
	{
		cli_err_set(&err, "42704", NULL, "covet runs lists the runs.", "run %lld does not exist", id);
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		cli_db_close(w.db);
		return code;
	}
	prog = progress_for(o, "watch", &devnull);
	interrupted = 0;
	signal(SIGINT, on_sigint);
	watch = cli_watch_start(prog, run_snap, &w, 250);
	/* a parallel run: a line per part under the total */
	cli_watch_parts(watch, cli_parts_read, w.db, stderr);
	while (!w.finished && !interrupted)
		usleep(100 * 1000);
	cli_watch_stop(watch, strcmp(w.state, "completed") == 0);
	signal(SIGINT, SIG_DFL);
	cli_progress_free(prog);
	if (devnull)
		fclose(devnull);
	code = report_run(o, w.db, "watch", id);
	if (code == CLI_EXIT_OK && strcmp(w.state, "completed") != 0 && !interrupted)
		code = CLI_EXIT_FAILED;
	cli_db_close(w.db);
	return code;
}

/* pause, cancel, undo: SELECT covet_x(RUN), then the run's row. */
static int
steer(const CliOpts *o, int argc, char **argv, const char *fn)
{
	const CliCmd *cmd = cli_find_cmd(argv[0]);
	long long	id;
	CliErr		err = {0};
	CliDb	   *db;
	char		sql[128];
	int			code;

	if ((code = run_arg(o, cmd, argc, argv, NULL, &id)) != 0)
		return code;
	if ((db = cli_connect(o, false, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	snprintf(sql, sizeof(sql), "SELECT %s(%lld)", fn, id);
	if (cli_db_exec(db, sql, 0, NULL, NULL, &err) != 0)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
	}
	else
		code = report_run(o, db, argv[0], id);
	cli_db_close(db);
	return code;
}

static int
cmd_pause(const CliOpts *o, int argc, char **argv)
{
	return steer(o, argc, argv, "covet_pause");
}

static int
cmd_cancel(const CliOpts *o, int argc, char **argv)
{
	return steer(o, argc, argv, "covet_cancel");
}

static int
cmd_undo(const CliOpts *o, int argc, char **argv)
{
	return steer(o, argc, argv, "covet_undo");
}

static int
cmd_resume(const CliOpts *o, int argc, char **argv)
{
	const CliCmd *cmd = cli_find_cmd("resume");
	bool		background = false;
	const CliOptSpec specs[] = {{"--background", NULL, &background}, {NULL}};
	long long	id;
	CliErr		err = {0};
	CliDb	   *db;
	char		sql[128];
	int			code;

	if ((code = run_arg(o, cmd, argc, argv, specs, &id)) != 0)
		return code;
	if ((db = cli_connect(o, false, &err)) == NULL)
	{
		code = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return code;
	}
	if (background)
	{
		snprintf(sql, sizeof(sql), "SELECT covet_resume_background(%lld)", id);
		if (cli_db_exec(db, sql, 0, NULL, NULL, &err) != 0)
		{
			code = cli_err_report(&err, o->json);
			cli_err_free(&err);
		}
		else
		{
			if (o->json)
				printf("{\"ok\": true, \"command\": \"resume\", \"run\": %lld, \"state\": \"pending\"}\n", id);
			else
				printf("run %lld resumed in the background; follow it with: covet watch %lld\n", id, id);
			code = CLI_EXIT_OK;
		}
	}
	else
	{
		snprintf(sql, sizeof(sql), "%s(%lld)",
				 cli_db_is_pg(db) ? "CALL covet_resume_commit" : "SELECT covet_resume", id);
		code = run_watched(o, db, "resume", sql, 0, NULL, "", id);
	}
	cli_db_close(db);
	return code;
}

/* Usage of an operation's command: made from covet_op_defs (main.c). */
void
cli_ops_usage(FILE *out, const char *command)
{
	op_usage(out, command);
}

#define OP_CMD(name, summary) {name, cmd_op, summary, NULL}

const CliCmd cli_ops_cmds[] = {
	OP_CMD("backfill", "UPDATE a table in batches: --set EXPR [--where EXPR]"),
	OP_CMD("copy-field", "copy a column into another, optionally transformed"),
	OP_CMD("transform-field", "set a column to an expression of itself"),
	OP_CMD("populate-field", "fill a column with a value (by default where NULL)"),
	OP_CMD("split-field", "split a column into several"),
	OP_CMD("merge-fields", "join columns into one"),
	OP_CMD("convert-type", "convert a column's values to another type"),
	OP_CMD("rename-values", "map a column's values to others (JSON mapping)"),
	OP_CMD("dedup", "delete rows whose unique fields repeat"),
	{"runs", cmd_runs, "every batched run with its progress",
		"Usage: covet runs\n\n"
		"Every batched run (covet.runs / covet_runs): state, rows done, percent,\n"
	"rows per second, ETA, the migration that started it, its error.\n"},
	{"watch", cmd_watch, "follow a run's progress until it ends",
		"Usage: covet watch RUN\n\n"
		"Draw the run's progress (read from covet's runs table) until it is no\n"
	"longer pending or running; exit 0 if it completed, else 1.\n"},
	{"pause", cmd_pause, "stop a run after its current batch",
		"Usage: covet pause RUN\n\n"
	"The run stops after its current batch, state paused (covet_pause).\n"},
	{"resume", cmd_resume, "carry on a paused, failed or interrupted run",
		"Usage: covet resume RUN [--background]\n\n"
		"Carry on from the run's checkpoint, committing per batch, with a progress\n"
	"display; --background (PostgreSQL) in a background worker.\n"},
	{"cancel", cmd_cancel, "stop a run for good",
		"Usage: covet cancel RUN\n\n"
	"The run stops after its current batch for good, state cancelled (covet_cancel).\n"},
	{"undo", cmd_undo, "put back what a run changed",
		"Usage: covet undo RUN\n\n"
	"Restore what the run changed; it becomes rolled back (covet_undo).\n"},
	{NULL}
};
