/*-------------------------------------------------------------------------
 *
 * progress_drive.c
 *	  A test program driving the progress display (progress.c) and the
 *	  watcher (watch.c) as a command does, without a database.
 *
 *	  progress_drive.t MODE TOTAL STEPS STEP_MS [watch [INTERVAL_MS]] [fail]
 *
 * MODE is tty, lines, json or auto (tty when stdout is a terminal, else
 * lines, as the command chooses).  The "operation" advances TOTAL / STEPS
 * rows every STEP_MS milliseconds; TOTAL -1 is an unknown total.  Without
 * "watch" the main thread draws after each step; with it a watcher thread
 * reads a shared counter (its own "connection") every INTERVAL_MS and
 * draws, and cli_watch_stop draws the end.  "fail" ends the run as failed
 * halfway.  Run by progress_pty.sh.
 *
 * test/cli/progress_drive.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

typedef struct DriveCtx
{
	atomic_llong done;
	long long	total;
	atomic_int	failed;
} DriveCtx;

static int
drive_snap(void *arg, CliRunSnap *s)
{
	DriveCtx   *c = arg;

	s->id = 1;
	snprintf(s->op, sizeof(s->op), "backfill");
	snprintf(s->target, sizeof(s->target), "users");
	snprintf(s->state, sizeof(s->state), "%s",
			 atomic_load(&c->failed) ? "failed" : "running");
	s->done = atomic_load(&c->done);
	s->parts = 1;
	s->total = c->total;
	return 1;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	CliOutMode	mode;
	CliProgress *p;
	CliWatch   *w = NULL;
	DriveCtx	c;
	long long	total,
				steps,
				i;
	int			step_ms,
				interval = 100;
	bool		watch = false,
				fail = false;

	if (argc < 5)
	{
		fprintf(stderr, "usage: progress_drive.t MODE TOTAL STEPS STEP_MS [watch [MS]] [fail]\n");
		return 2;
	}
	if (strcmp(argv[1], "tty") == 0)
		mode = CLI_OUT_TTY;
	else if (strcmp(argv[1], "lines") == 0)
		mode = CLI_OUT_LINES;
	else if (strcmp(argv[1], "json") == 0)
		mode = CLI_OUT_JSON;
	else
		mode = isatty(STDOUT_FILENO) ? CLI_OUT_TTY : CLI_OUT_LINES;
	total = atoll(argv[2]);
	steps = atoll(argv[3]);
	step_ms = atoi(argv[4]);
	for (i = 5; i < argc; i++)
	{
		if (strcmp(argv[i], "watch") == 0)
		{
			watch = true;
			if (i + 1 < argc && atoi(argv[i + 1]) > 0)
				interval = atoi(argv[++i]);
		}
		else if (strcmp(argv[i], "fail") == 0)
			fail = true;
	}

	memset(&c, 0, sizeof(c));
	c.total = total;
	p = cli_progress_new(stdout, mode, "backfill users");
	if (mode != CLI_OUT_TTY && getenv("DRIVE_INTERVAL_MS"))
		cli_progress_set_interval(p, atoi(getenv("DRIVE_INTERVAL_MS")));
	if (watch)
		w = cli_watch_start(p, drive_snap, &c, interval);

	for (i = 1; i <= steps; i++)
	{
		long long	done = (total > 0 ? total : steps * 100) * i / steps;

		sleep_ms(step_ms);
		if (fail && i > steps / 2)
		{
			atomic_store(&c.failed, 1);
			break;
		}
		atomic_store(&c.done, done);
		if (!watch)
		{
			CliRunSnap	s;

			memset(&s, 0, sizeof(s));
			drive_snap(&c, &s);
			s.rate = -1;
			s.eta = -1;
			cli_progress_draw(p, &s);
		}
	}

	if (watch)
		cli_watch_stop(w, !fail);
	else
	{
		CliRunSnap	s;

		memset(&s, 0, sizeof(s));
		drive_snap(&c, &s);
		s.rate = -1;
		s.eta = -1;
		cli_progress_end(p, &s, !fail);
	}
	cli_progress_free(p);
	return fail ? 1 : 0;
}
