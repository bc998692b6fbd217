/*-------------------------------------------------------------------------
 *
 * mig_progress.c
 *	  Progress of the runs inside `covet migrate up`: a data migration that
 *	  backfills (or runs any batched operation) shows a bar, one per run,
 *	  as `covet backfill` does.
 *
 * PostgreSQL: a thread reads covet's runs table over a second connection
 * every 250 ms, the newest run started after the command began; a run
 * that commits per batch (covet_migrate_up_commit's CALL forms) shows as it
 * goes, one that does not shows when its migration commits.  When a newer
 * run appears the older one's bar is ended with its final row.
 *
 * SQLite: each migration is one transaction, so no other connection can
 * read its run's row before the end; the command links the extension in
 * and takes the run's progress reports in-process instead
 * (covet_sqlite_set_progress_hook, every 100 ms: covet_set
 * 'progress_interval' on the command's connection).
 *
 * Nothing is drawn when no run starts.  --quiet draws nothing; the modes
 * are those of the data commands (a bar on a terminal, timestamped lines
 * otherwise, JSON lines with --json), on stderr.
 *
 * src/cli/mig_progress.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"
#include "mig_progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "covet_sqlite.h"

struct CliMigProgress
{
	CliOutMode	mode;
	pthread_mutex_t mu;
	CliProgress *p;				/* the current run's display, or NULL */
	CliRunSnap	last;			/* its last state */
	long long	start_id;		/* PostgreSQL: runs above this one are ours */
	CliDb	   *db;				/* PostgreSQL: the watcher's connection */
	pthread_t	thread;
	pthread_cond_t cv;
	bool		stop;
	bool		threaded;
};

static bool
done_state(const char *state)
{
	return strcmp(state, "running") != 0 && strcmp(state, "pending") != 0;
}

/* End the current display with its last state (caller holds mu). */
static void
end_current(CliMigProgress *mp)
{
	if (mp->p == NULL)
		return;
	cli_progress_end(mp->p, &mp->last, strcmp(mp->last.state, "completed") == 0 ||
					 strcmp(mp->last.state, "running") == 0);
	cli_progress_free(mp->p);
	mp->p = NULL;
}

/* A state of run s: a new run ends the display of the one before. */
static void
show(CliMigProgress *mp, const CliRunSnap *s, bool final)
{
	pthread_mutex_lock(&mp->mu);
	if (mp->p != NULL && mp->last.id != s->id)
		end_current(mp);
	if (mp->p == NULL && !(final && mp->last.id == s->id))
	{
		char		label[200];

		snprintf(label, sizeof(label), "%s", s->op[0] ? s->op : "run");
		mp->p = cli_progress_new(stderr, mp->mode, label);
	}
	if (mp->p != NULL)
	{
		mp->last = *s;
		if (final)
			end_current(mp);
		else
			cli_progress_draw(mp->p, s);
	}
	pthread_mutex_unlock(&mp->mu);
}

/* ---- SQLite: the driver's progress reports --------------------------------- */

static void
on_report(void *arg, const CovetProgress *r)
{
	CliMigProgress *mp = arg;
	CliRunSnap	s;

	memset(&s, 0, sizeof(s));
	s.id = r->run_id;
	snprintf(s.op, sizeof(s.op), "%s", r->op ? r->op : "run");
	snprintf(s.target, sizeof(s.target), "%s", r->table ? r->table : "");
	snprintf(s.state, sizeof(s.state), "%s", r->final ? "completed" : "running");
	s.done = r->rows_done;
	s.total = r->rows_total > 0 ? r->rows_total : -1;
	s.rate = r->rows_per_sec;
	s.eta = r->eta_sec;
	s.parts = 1;
	show(mp, &s, r->final);
}

/* ---- PostgreSQL: the watcher ----------------------------------------------- */

/* Read run id (0: the newest above start_id) into s; 1 when found. */
static int
read_run(CliMigProgress *mp, long long id, CliRunSnap *s)
{
	CliResult	res = {0};
	CliErr		err = {0};
	char		sql[512];
	int			found = 0;

	if (id != 0)
		snprintf(sql, sizeof(sql),
				 "SELECT id, op, table_name, state, rows_done, rows_total, rows_per_sec,"
				 " eta_seconds FROM %s WHERE id = %lld", cli_db_table(mp->db, "runs"), id);
	else
		snprintf(sql, sizeof(sql),
				 "SELECT id, op, table_name, state, rows_done, rows_total, rows_per_sec,"
				 " eta_seconds FROM %s WHERE id > %lld ORDER BY id DESC LIMIT 1",
				 cli_db_table(mp->db, "runs"), mp->start_id);
	if (cli_db_exec(mp->db, sql, 0, NULL, &res, &err) == 0 && res.nrows == 1)
	{
		memset(s, 0, sizeof(*s));
		s->id = strtoll(cli_result_get(&res, 0, 0), NULL, 10);
		snprintf(s->op, sizeof(s->op), "%s", cli_result_get(&res, 0, 1));
		snprintf(s->target, sizeof(s->target), "%s", cli_result_get(&res, 0, 2));
		snprintf(s->state, sizeof(s->state), "%s", cli_result_get(&res, 0, 3));
		s->done = strtoll(cli_result_get(&res, 0, 4), NULL, 10);
		s->total = cli_result_get(&res, 0, 5) ? strtoll(cli_result_get(&res, 0, 5), NULL, 10) : -1;
		s->rate = cli_result_get(&res, 0, 6) ? strtod(cli_result_get(&res, 0, 6), NULL) : -1;
		s->eta = cli_result_get(&res, 0, 7) ? strtod(cli_result_get(&res, 0, 7), NULL) : -1;
		s->parts = 1;
		if (strcmp(s->state, "completed") == 0 && s->total < s->done)
			s->total = s->done;
		found = 1;
	}
	cli_result_free(&res);
	cli_err_free(&err);
	return found;
}

/* One look: the newest run; the one shown before ends first. */
static void
poll_runs(CliMigProgress *mp)
{
	CliRunSnap	s,
				old;
	long long	shown;

	if (!read_run(mp, 0, &s))
		return;
	pthread_mutex_lock(&mp->mu);
	shown = mp->p != NULL ? mp->last.id : 0;
	pthread_mutex_unlock(&mp->mu);
	if (shown != 0 && shown != s.id && read_run(mp, shown, &old))
		show(mp, &old, true);
	show(mp, &s, done_state(s.state));
}

static void *
watch_main(void *arg)
{
	CliMigProgress *mp = arg;

	for (;;)
	{
		struct timespec until;
		bool		stop;

		poll_runs(mp);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L)
		{
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&mp->mu);
		while (!mp->stop &&
			   pthread_cond_timedwait(&mp->cv, &mp->mu, &until) != ETIMEDOUT)
			;
		stop = mp->stop;
		pthread_mutex_unlock(&mp->mu);
		if (stop)
			break;
	}
	return NULL;
}

/* ---- start and stop ------------------------------------------------------ */

CliMigProgress *
cli_mig_progress_start(const CliOpts *o, CliDb *db)
{
	CliMigProgress *mp;
	CliErr		err = {0};

	if (o->quiet)
		return NULL;
	mp = calloc(1, sizeof(CliMigProgress));
	if (mp == NULL)
		return NULL;
	mp->mode = o->json ? CLI_OUT_JSON :
		(o->tty && isatty(STDERR_FILENO)) ? CLI_OUT_TTY : CLI_OUT_LINES;
	pthread_mutex_init(&mp->mu, NULL);
	if (!cli_db_is_pg(db))
	{
		cli_db_exec(db, "SELECT covet_set('progress_interval', '100ms')", 0, NULL, NULL, &err);
		cli_err_free(&err);
		covet_sqlite_set_progress_hook(on_report, mp);
		return mp;
	}
	if ((mp->db = cli_connect(o, false, &err)) == NULL)
	{
		/* no second connection: no progress, the run goes on */
		cli_err_free(&err);
		return mp;
	}
	if (cli_db_has_table(mp->db, "runs"))
	{
		CliResult	res = {0};
		char		sql[128];

		snprintf(sql, sizeof(sql), "SELECT max(id) FROM %s", cli_db_table(mp->db, "runs"));
		if (cli_db_exec(mp->db, sql, 0, NULL, &res, &err) == 0 && cli_result_get(&res, 0, 0))
			mp->start_id = strtoll(cli_result_get(&res, 0, 0), NULL, 10);
		cli_result_free(&res);
		cli_err_free(&err);
	}
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&mp->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	mp->threaded = pthread_create(&mp->thread, NULL, watch_main, mp) == 0;
	if (!mp->threaded)
		pthread_cond_destroy(&mp->cv);
	return mp;
}

void
cli_mig_progress_stop(CliMigProgress *mp)
{
	if (mp == NULL)
		return;
	if (mp->db == NULL)
		covet_sqlite_set_progress_hook(NULL, NULL);
	if (mp->threaded)
	{
		pthread_mutex_lock(&mp->mu);
		mp->stop = true;
		pthread_cond_signal(&mp->cv);
		pthread_mutex_unlock(&mp->mu);
		pthread_join(mp->thread, NULL);
		pthread_cond_destroy(&mp->cv);
		/* the last word: runs that committed with their migration */
		poll_runs(mp);
	}
	pthread_mutex_lock(&mp->mu);
	end_current(mp);
	pthread_mutex_unlock(&mp->mu);
	if (mp->db != NULL)
		cli_db_close(mp->db);
	pthread_mutex_destroy(&mp->mu);
	free(mp);
}
