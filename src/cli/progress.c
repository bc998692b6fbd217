/*-------------------------------------------------------------------------
 *
 * progress.c
 *	  The `covet` command's progress display: a bar on a terminal, plain
 *	  timestamped lines elsewhere, or one JSON object per line.
 *
 * Three modes (CliOutMode):
 *	  CLI_OUT_TTY	one line redrawn in place ("\r", the line, "\033[K"), as
 *					wide as the terminal (TIOCGWINSZ; COLUMNS; else 80):
 *					  backfill users [#########.......]  56%  5600/10000 rows  1.2k rows/s  ETA 0:00:03
 *					With the total unknown, a spinner and the rows done.
 *					At most one redraw per CLI_PROGRESS_TTY_MS.
 *	  CLI_OUT_LINES	a timestamped line (ISO 8601 UTC) at the first draw,
 *					then at most one per interval (default 5 s), and one
 *					at the end:
 *					  2026-12-07T22:10:05Z backfill users: 5600/10000 rows (56%), 1.2k rows/s, ETA 0:00:03
 *	  CLI_OUT_JSON	the same cadence (default 1 s), one object per line
 *					with the fields of CliRunSnap plus "time" and "label".
 *
 * The rate and the ETA come from the snapshot when it has them (covet's
 * runs table computes both); otherwise from the rows done since the first
 * draw.  cli_progress_end always draws, whatever the rate limit, and a
 * successful end shows 100%.
 *
 * The formatting functions (cli_fmt_*) are pure, for the unit tests in
 * test/cli/progress_format.c.  A CliProgress is guarded by a mutex, so the
 * watcher thread (watch.c) and the main thread may both draw.
 *
 * src/cli/progress.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define CLI_PROGRESS_TTY_MS		200		/* at most 5 redraws a second */
#define CLI_PROGRESS_LINES_MS	5000
#define CLI_PROGRESS_JSON_MS	1000

struct CliProgress
{
	FILE	   *out;
	CliOutMode	mode;
	char	   *label;
	int			interval_ms;	/* between two draws, end excepted */
	pthread_mutex_t mu;
	double		t_start;		/* monotonic seconds at creation */
	double		t_last;			/* of the last draw; < 0 before the first */
	long long	done_first;		/* rows done at the first draw */
	double		t_first;
	int			spin;
	bool		ended;
};

/* ---- pure formatting ---------------------------------------------------- */

/*
 * A count with a suffix: 950, 12.3k, 1.2M, 3.4G (one decimal under 100 of
 * the unit, none above).  Negative: "-".
 */
void
cli_fmt_count(char *buf, size_t n, double v)
{
	static const char *const units[] = {"", "k", "M", "G", "T"};
	int			u = 0;

	if (v < 0 || isnan(v))
	{
		snprintf(buf, n, "-");
		return;
	}
	if (v >= 999.5)
	{
		/* the unit is chosen on the rounded value: 999,960 shows "1.0M" */
		do
		{
			v /= 1000.0;
			u++;
		} while (u < 4 && v >= 999.5);
	}
	if (u == 0)
		snprintf(buf, n, "%.0f", v);
	else if (v < 99.95)
		snprintf(buf, n, "%.1f%s", v, units[u]);
	else
		snprintf(buf, n, "%.0f%s", v, units[u]);
}

/* Seconds as h:mm:ss (h grows as needed); unknown (< 0): "-:--:--". */
void
cli_fmt_eta(char *buf, size_t n, double secs)
{
	long long	s;

	if (secs < 0 || isnan(secs) || isinf(secs) || secs > 359999999.0)
	{
		snprintf(buf, n, "-:--:--");
		return;
	}
	s = (long long) ceil(secs);
	snprintf(buf, n, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
}

/* Wall clock seconds as ISO 8601 UTC, "2026-12-07T22:10:05Z". */
void
cli_fmt_time(char *buf, size_t n, long long t)
{
	struct tm	tm;
	time_t		tt = (time_t) t;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Percent of done over total, clamped to 0..100; -1 when total unknown. */
int
cli_progress_percent(const CliRunSnap *s)
{
	double		pct;

	if (s->total < 0)
		return -1;
	if (s->total == 0)
		return 100;
	pct = 100.0 * (double) s->done / (double) s->total;
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	/* 99.6% is not done yet: never show 100 before the end */
	if (pct > 99 && s->done < s->total)
		return 99;
	return (int) pct;
}

/* Append to buf (of size n, holding len bytes) with printf formatting. */
static size_t
append(char *buf, size_t n, size_t len, const char *fmt,...)
{
	va_list		ap;
	int			r;

	if (len >= n)
		return len;
	va_start(ap, fmt);
	r = vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return len;
	return (len + r >= n) ? n - 1 : len + r;
}

/*
 * The terminal line for s, at most width - 1 characters (the last column
 * is left free so the terminal never wraps).  spin picks the spinner's
 * frame when the total is unknown.  To fit, the ETA goes first, then the
 * rate, then the row counts; then the label is cut, then the bar shrinks.
 */
void
cli_fmt_bar_line(char *buf, size_t n, const char *label,
				 const CliRunSnap *s, int width, int spin)
{
	static const char spinner[] = "|/-\\";
	char		rate[32],
				eta[32],
				tail[160];
	size_t		tl = 0,
				len = 0;
	int			pct = cli_progress_percent(s);
	int			lablen = label ? (int) strlen(label) : 0;
	int			avail,
				barw,
				i;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (width < 10)
		width = 10;
	if ((size_t) width > n)
		width = (int) n;
	cli_fmt_count(rate, sizeof(rate), s->rate);
	cli_fmt_eta(eta, sizeof(eta), s->eta);

	/* the right-hand part: drop pieces until a short label and bar fit */
	for (i = 0; i < 4; i++)
	{
		int			need = (pct >= 0 ? 12 : 1) + (lablen < 12 ? lablen : 12) + 1;

		tl = 0;
		tail[0] = '\0';
		/* fields padded to steady widths, so the bar does not jump */
		if (pct >= 0)
			tl = append(tail, sizeof(tail), tl, " %3d%%", pct);
		if (i < 3 && pct >= 0)
			tl = append(tail, sizeof(tail), tl, "  %*lld/%lld rows",
						snprintf(NULL, 0, "%lld", s->total), s->done, s->total);
		else if (pct < 0)
			tl = append(tail, sizeof(tail), tl, " %lld rows", s->done);
		if (i < 2 && s->rate >= 0)
			tl = append(tail, sizeof(tail), tl, "  %5s rows/s", rate);
		if (i < 1 && pct >= 0 && s->eta >= 0)
			tl = append(tail, sizeof(tail), tl, "  ETA %s", eta);
		/* a run that stopped says how */
		if (s->state[0] && strcmp(s->state, "running") != 0 &&
			strcmp(s->state, "completed") != 0 && strcmp(s->state, "pending") != 0)
			tl = append(tail, sizeof(tail), tl, "  [%s]", s->state);
		if (width - 1 - (int) tl >= need)
			break;
	}

	avail = width - 1 - (int) tl;	/* for the label, a space and the bar */
	if (avail < 0)
		avail = 0;
	if (pct >= 0)
	{
		barw = avail - (lablen > 0 ? lablen + 1 : 0);
		if (barw < 12)
		{
			lablen = avail - 12 - 1;
			if (lablen < 0)
				lablen = 0;
			barw = avail - (lablen > 0 ? lablen + 1 : 0);
		}
		if (barw > 52)
			barw = 52;
		if (lablen > 0)
			len = append(buf, n, len, "%.*s ", lablen, label);
		if (barw >= 3)
		{
			int			fill = (int) ((long long) (barw - 2) * pct / 100);

			len = append(buf, n, len, "[");
			for (i = 0; i < barw - 2; i++)
				len = append(buf, n, len, "%c", i < fill ? '#' : '.');
			len = append(buf, n, len, "]");
		}
	}
	else
	{
		if (lablen > avail - 2)
			lablen = avail - 2 > 0 ? avail - 2 : 0;
		if (lablen > 0)
			len = append(buf, n, len, "%.*s ", lablen, label);
		len = append(buf, n, len, "%c", spinner[spin & 3]);
	}
	len = append(buf, n, len, "%s", tail);
	if (len > (size_t) (width - 1))
		buf[width - 1] = '\0';
}

/* The text of one LINES-mode line, without the timestamp or the newline. */
void
cli_fmt_status_line(char *buf, size_t n, const char *label,
					const CliRunSnap *s, int final, bool ok)
{
	char		rate[32],
				eta[32];
	size_t		len = 0;
	int			pct = cli_progress_percent(s);

	cli_fmt_count(rate, sizeof(rate), s->rate);
	cli_fmt_eta(eta, sizeof(eta), s->eta);
	len = append(buf, n, len, "%s: ", label ? label : "");
	if (final)
		len = append(buf, n, len, "%s, ",
					 ok ? "done" : (s->state[0] ? s->state : "failed"));
	if (pct >= 0)
		len = append(buf, n, len, "%lld/%lld rows (%d%%)", s->done, s->total, pct);
	else
		len = append(buf, n, len, "%lld rows", s->done);
	if (s->rate >= 0)
		len = append(buf, n, len, ", %s rows/s", rate);
	if (!final && pct >= 0 && s->eta >= 0)
		len = append(buf, n, len, ", ETA %s", eta);
	if (!final && s->state[0] && strcmp(s->state, "running") != 0)
		append(buf, n, len, " [%s]", s->state);
}

/* s as JSON text with escapes for '"', '\\' and control characters. */
static size_t
append_json_str(char *buf, size_t n, size_t len, const char *s)
{
	len = append(buf, n, len, "\"");
	for (; s && *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\')
			len = append(buf, n, len, "\\%c", c);
		else if (c < 0x20)
			len = append(buf, n, len, "\\u%04x", c);
		else
			len = append(buf, n, len, "%c", c);
	}
	return append(buf, n, len, "\"");
}

/* A number for JSON: null when unknown (< 0). */
static size_t
append_json_num(char *buf, size_t n, size_t len, double v)
{
	if (v < 0 || isnan(v) || isinf(v))
		return append(buf, n, len, "null");
	return append(buf, n, len, "%.1f", v);
}

/* One JSON object (no newline) for s at wall time t. */
void
cli_fmt_json(char *buf, size_t n, const char *label, const CliRunSnap *s,
			 long long t)
{
	char		ts[32];
	size_t		len = 0;

	cli_fmt_time(ts, sizeof(ts), t);
	len = append(buf, n, len, "{\"time\": \"%s\", \"label\": ", ts);
	len = append_json_str(buf, n, len, label ? label : "");
	len = append(buf, n, len, ", \"id\": %lld, \"op\": ", s->id);
	len = append_json_str(buf, n, len, s->op);
	len = append(buf, n, len, ", \"target\": ");
	len = append_json_str(buf, n, len, s->target);
	len = append(buf, n, len, ", \"state\": ");
	len = append_json_str(buf, n, len, s->state);
	len = append(buf, n, len, ", \"done\": %lld, \"total\": ", s->done);
	if (s->total < 0)
		len = append(buf, n, len, "null");
	else
		len = append(buf, n, len, "%lld", s->total);
	len = append(buf, n, len, ", \"rate\": ");
	len = append_json_num(buf, n, len, s->rate);
	len = append(buf, n, len, ", \"eta\": ");
	len = append_json_num(buf, n, len, s->eta);
	append(buf, n, len, ", \"parts\": %d}", s->parts);
}

/* ---- the display ---------------------------------------------------------- */

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
term_width(FILE *out)
{
	struct winsize ws;
	const char *cols;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	cols = getenv("COLUMNS");
	if (cols && atoi(cols) > 0)
		return atoi(cols);
	return 80;
}

CliProgress *
cli_progress_new(FILE *out, CliOutMode mode, const char *label)
{
	CliProgress *p = calloc(1, sizeof(CliProgress));

	if (!p)
		return NULL;
	p->label = strdup(label ? label : "");
	if (!p->label)
	{
		free(p);
		return NULL;
	}
	p->out = out;
	p->mode = mode;
	p->interval_ms = mode == CLI_OUT_TTY ? CLI_PROGRESS_TTY_MS :
		mode == CLI_OUT_JSON ? CLI_PROGRESS_JSON_MS : CLI_PROGRESS_LINES_MS;
	p->t_start = mono_now();
	p->t_last = -1;
	p->t_first = -1;
	pthread_mutex_init(&p->mu, NULL);
	return p;
}

/* The minimum time between two draws (the end always draws). */
void
cli_progress_set_interval(CliProgress *p, int ms)
{
	pthread_mutex_lock(&p->mu);
	p->interval_ms = ms < 0 ? 0 : ms;
	pthread_mutex_unlock(&p->mu);
}

/* s with the rate and the ETA filled from elapsed time where unknown. */
static CliRunSnap
with_estimates(CliProgress *p, const CliRunSnap *s, double now)
{
	CliRunSnap	e = *s;

	if (p->t_first < 0)
	{
		p->t_first = now;
		p->done_first = s->done;
	}
	if (e.rate < 0 && now - p->t_first >= 0.5 && s->done >= p->done_first)
		e.rate = (double) (s->done - p->done_first) / (now - p->t_first);
	if (e.eta < 0 && e.total >= 0 && e.rate > 0)
		e.eta = (double) (e.total > e.done ? e.total - e.done : 0) / e.rate;
	return e;
}

static void
emit(CliProgress *p, const CliRunSnap *s, int final, bool ok)
{
	char		line[1024];

	if (p->mode == CLI_OUT_TTY)
	{
		cli_fmt_bar_line(line, sizeof(line), p->label, s, term_width(p->out),
						 p->spin++);
		fprintf(p->out, "\r%s\033[K%s", line, final ? "\n" : "");
	}
	else if (p->mode == CLI_OUT_LINES)
	{
		char		ts[32];

		cli_fmt_time(ts, sizeof(ts), time(NULL));
		cli_fmt_status_line(line, sizeof(line), p->label, s, final, ok);
		fprintf(p->out, "%s %s\n", ts, line);
	}
	else
	{
		cli_fmt_json(line, sizeof(line), p->label, s, time(NULL));
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
}

void
cli_progress_draw(CliProgress *p, const CliRunSnap *s)
{
	double		now = mono_now();
	CliRunSnap	e;

	if (!p || !s)
		return;
	pthread_mutex_lock(&p->mu);
	e = with_estimates(p, s, now);
	if (!p->ended &&
		(p->t_last < 0 || (now - p->t_last) * 1000.0 >= p->interval_ms))
	{
		emit(p, &e, 0, true);
		p->t_last = now;
	}
	pthread_mutex_unlock(&p->mu);
}

void
cli_progress_end(CliProgress *p, const CliRunSnap *s, bool ok)
{
	double		now = mono_now();
	CliRunSnap	e;

	if (!p || !s)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->ended)
	{
		pthread_mutex_unlock(&p->mu);
		return;
	}
	e = *s;
	if (ok)
	{
		if (e.total < 0 || e.total < e.done)
			e.total = e.done;
		e.done = e.total;
		e.eta = -1;
		if (!e.state[0] || strcmp(e.state, "running") == 0)
			snprintf(e.state, sizeof(e.state), "completed");
	}
	else if (!e.state[0])
		snprintf(e.state, sizeof(e.state), "failed");
	/* the overall rate of the whole run */
	if (e.rate < 0 && now - p->t_start > 0.001)
		e.rate = (double) e.done / (now - p->t_start);
	if (!ok)
		e.eta = -1;
	emit(p, &e, 1, ok);
	p->ended = true;
	pthread_mutex_unlock(&p->mu);
}

void
cli_progress_free(CliProgress *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p->label);
	free(p);
}
