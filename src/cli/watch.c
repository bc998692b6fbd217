/*-------------------------------------------------------------------------
 *
 * watch.c
 *	  The watcher: a thread that reads a run's state every interval and
 *	  draws it, while the main thread waits for the operation itself.
 *
 * The thread only calls the CliSnapFn with its ctx, which holds a
 * connection of its own (a second libpq connection, or a second SQLite
 * handle on the same file): the main thread's connection is busy running
 * the operation and is never touched here.  Draws go through the
 * CliProgress, whose mutex serializes them with any draw of the main thread.
 *
 * cli_watch_stop asks the thread to stop (a condition variable wakes it
 * from its wait at once), joins it, then reads the state one last time on
 * the same ctx (the thread is gone, so nothing else uses it) and draws the
 * end.  The CliWatch is freed; the CliProgress and ctx stay the caller's.
 *
 * The parts of a parallel run (watch_parts.h): once cli_watch_parts has
 * given the watcher a CliPartsFn (cli_parts_read over the ctx's
 * connection), each reading also counts the
 * run's parts, and a line per part goes under the total every
 * PARTS_EVERY_S seconds (when out is no terminal) and at the end.
 *
 * src/cli/watch.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "cli.h"
#include "watch_parts.h"

#define PARTS_EVERY_S 5

struct CliWatch
{
	CliProgress *p;
	CliSnapFn	fn;
	void	   *ctx;
	int			interval_ms;
	pthread_t	thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool		stop;			/* under mu */
	bool		have;			/* last holds a snapshot */
	CliRunSnap	last;			/* written by the thread only while it runs */
	/* parts of a parallel run (cli_watch_parts); parts_fn under mu */
	CliPartsFn	parts_fn;
	void	   *parts_ctx;
	FILE	   *parts_out;
	time_t		parts_printed;
};

/* 1234567 -> "1,234,567" */
static void
thousands(char *out, size_t len, long long v)
{
	char		digits[32];
	size_t		n,
				i,
				o = 0;

	snprintf(digits, sizeof(digits), "%lld", v < 0 ? -v : v);
	n = strlen(digits);
	if (v < 0 && o + 1 < len)
		out[o++] = '-';
	for (i = 0; i < n && o + 2 < len; i++)
	{
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static void
parts_print(FILE *out, const CliRunSnap *parts, int n)
{
	int			i;

	for (i = 0; out && i < n; i++)
	{
		const CliRunSnap *p = &parts[i];
		char		done[32],
					total[32],
					rate[48] = "";

		thousands(done, sizeof(done), p->done);
		thousands(total, sizeof(total), p->total);
		if (p->rate > 0 && strcmp(p->state, "running") == 0)
		{
			char		r[32];

			thousands(r, sizeof(r), (long long) (p->rate + 0.5));
			snprintf(rate, sizeof(rate), ", %s rows/s", r);
		}
		if (p->total > 0)
			fprintf(out, "  part %lld (%d of %d): %s, %s of %s rows (%.0f%%)%s\n", p->id, i + 1, n,
					p->state, done, total,
					p->done >= p->total ? 100.0 : 100.0 * (double) p->done / (double) p->total, rate);
		else
			fprintf(out, "  part %lld (%d of %d): %s, %s rows%s\n", p->id, i + 1, n, p->state, done, rate);
	}
	if (out)
		fflush(out);
}

/* The run's parts into snap->parts; a line per part now and then. */
static void
watch_parts(CliWatch *w, CliRunSnap *snap, bool final)
{
	CliRunSnap	parts[CLI_MAX_PARTS];
	CliPartsFn	fn;
	void	   *ctx;
	int			n;

	pthread_mutex_lock(&w->mu);
	fn = w->parts_fn;
	ctx = w->parts_ctx;
	pthread_mutex_unlock(&w->mu);
	if (!fn || snap->id <= 0)
		return;
	n = fn(ctx, snap->id, parts, CLI_MAX_PARTS);
	if (n <= 0)
		return;
	snap->parts = n;
	if (final || (w->parts_out && !isatty(fileno(w->parts_out)) &&
				  time(NULL) - w->parts_printed >= PARTS_EVERY_S))
	{
		parts_print(w->parts_out, parts, n);
		w->parts_printed = time(NULL);
	}
}

void
cli_watch_parts(CliWatch *w, CliPartsFn fn, void *ctx, FILE *out)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->parts_fn = fn;
	w->parts_ctx = ctx;
	w->parts_out = out;
	w->parts_printed = time(NULL);
	pthread_mutex_unlock(&w->mu);
}

static void
deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long) (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L)
	{
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *
watch_main(void *arg)
{
	CliWatch   *w = arg;

	for (;;)
	{
		CliRunSnap	snap;
		struct timespec until;
		bool		stop;

		memset(&snap, 0, sizeof(snap));
		snap.total = -1;
		snap.rate = -1;
		snap.eta = -1;
		snap.parts = 1;
		if (w->fn(w->ctx, &snap) == 1)
		{
			watch_parts(w, &snap, false);
			w->last = snap;
			w->have = true;
			cli_progress_draw(w->p, &snap);
		}

		deadline_after(&until, w->interval_ms);
		pthread_mutex_lock(&w->mu);
		while (!w->stop &&
			   pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
			;
		stop = w->stop;
		pthread_mutex_unlock(&w->mu);
		if (stop)
			break;
	}
	return NULL;
}

CliWatch *
cli_watch_start(CliProgress *p, CliSnapFn fn, void *ctx, int interval_ms)
{
	CliWatch   *w;
	pthread_condattr_t ca;

	if (!p || !fn)
		return NULL;
	w = calloc(1, sizeof(CliWatch));
	if (!w)
		return NULL;
	w->p = p;
	w->fn = fn;
	w->ctx = ctx;
	w->interval_ms = interval_ms > 0 ? interval_ms : 200;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, watch_main, w) != 0)
	{
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

void
cli_watch_stop(CliWatch *w, bool ok)
{
	CliRunSnap	snap;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);

	/* the final state, read on the watcher's ctx now that the thread is gone */
	memset(&snap, 0, sizeof(snap));
	snap.total = -1;
	snap.rate = -1;
	snap.eta = -1;
	snap.parts = 1;
	if (w->fn(w->ctx, &snap) == 1)
		w->last = snap;
	else if (!w->have)
		w->last = snap;
	cli_progress_end(w->p, &w->last, ok);
	/* a line per part under the total */
	watch_parts(w, &w->last, true);

	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
