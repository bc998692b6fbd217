/*
 * stub_progress.c: a minimal stand-in for progress.c and watch.c (branch
 * cliprog) until they are merged; deleted at the merge.  Lines only.
 */
#include "cli.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct CliProgress
{
	FILE	   *out;
	CliOutMode	mode;
};

struct CliWatch
{
	CliProgress *p;
	CliSnapFn	fn;
	void	   *ctx;
	int			interval_ms;
	volatile int stop;
	pthread_t	thread;
	CliRunSnap	last;
	int			have;
};

CliProgress *
cli_progress_new(FILE *out, CliOutMode mode, const char *label)
{
	CliProgress *p = calloc(1, sizeof(*p));

	(void) label;
	p->out = out;
	p->mode = mode;
	return p;
}

void
cli_progress_draw(CliProgress *p, const CliRunSnap *s)
{
	fprintf(p->out, "run %lld %s: %lld/%lld rows\n", s->id, s->state, s->done, s->total);
	fflush(p->out);
}

void
cli_progress_end(CliProgress *p, const CliRunSnap *s, bool ok)
{
	fprintf(p->out, "run %lld %s: %lld rows%s\n", s->id, s->state, s->done, ok ? "" : " (stopped)");
	fflush(p->out);
}

void
cli_progress_free(CliProgress *p)
{
	free(p);
}

static void *
watch_main(void *arg)
{
	CliWatch   *w = arg;

	while (!w->stop)
	{
		CliRunSnap	s;

		memset(&s, 0, sizeof(s));
		if (w->fn(w->ctx, &s) == 1)
		{
			w->last = s;
			w->have = 1;
			cli_progress_draw(w->p, &s);
		}
		usleep(w->interval_ms * 1000);
	}
	return NULL;
}

CliWatch *
cli_watch_start(CliProgress *p, CliSnapFn fn, void *ctx, int interval_ms)
{
	CliWatch   *w = calloc(1, sizeof(*w));

	w->p = p;
	w->fn = fn;
	w->ctx = ctx;
	w->interval_ms = interval_ms;
	pthread_create(&w->thread, NULL, watch_main, w);
	return w;
}

void
cli_watch_stop(CliWatch *w, bool ok)
{
	CliRunSnap	s;

	w->stop = 1;
	pthread_join(w->thread, NULL);
	memset(&s, 0, sizeof(s));
	if (w->fn(w->ctx, &s) == 1)
		cli_progress_end(w->p, &s, ok);
	else if (w->have)
		cli_progress_end(w->p, &w->last, ok);
	free(w);
}
