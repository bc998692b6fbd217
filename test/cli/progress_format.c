/*-------------------------------------------------------------------------
 *
 * progress_format.c
 *	  Unit tests (TAP) of the progress display's pure formatting
 *	  (src/cli/progress.c): suffixes, ETA, percent, the terminal line at
 *	  several widths, unknown totals, the LINES and JSON texts.
 *
 * Built by "make test/cli/progress_format.t", run by progress_unit.sh.
 *
 * test/cli/progress_format.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"

static int	ntest;
static int	nfail;

static void
check(int cond, const char *fmt,...)
{
	va_list		ap;

	ntest++;
	printf("%s %d - ", cond ? "ok" : "not ok", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		nfail++;
}

static void
is(const char *got, const char *want, const char *what)
{
	check(strcmp(got, want) == 0, "%s", what);
	if (strcmp(got, want) != 0)
		printf("#   got:      '%s'\n#   expected: '%s'\n", got, want);
}

static CliRunSnap
snap(long long done, long long total, double rate, double eta)
{
	CliRunSnap	s;

	memset(&s, 0, sizeof(s));
	s.done = done;
	s.total = total;
	s.rate = rate;
	s.eta = eta;
	s.parts = 1;
	snprintf(s.state, sizeof(s.state), "running");
	return s;
}

static void
test_count(void)
{
	char		b[32];
	static const struct
	{
		double		v;
		const char *want;
	}			cases[] = {
		{0, "0"}, {7, "7"}, {999, "999"}, {999.4, "999"}, {999.6, "1.0k"},
		{1000, "1.0k"}, {1234, "1.2k"}, {12345, "12.3k"}, {99949, "99.9k"},
		{99960, "100k"}, {123456, "123k"}, {999400, "999k"},
		{999600, "1.0M"}, {1500000, "1.5M"}, {2.5e9, "2.5G"},
		{4e12, "4.0T"}, {5e15, "5000T"}, {-1, "-"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		what[64];

		cli_fmt_count(b, sizeof(b), cases[i].v);
		snprintf(what, sizeof(what), "count %.1f is %s", cases[i].v, cases[i].want);
		is(b, cases[i].want, what);
	}
}

static void
test_eta(void)
{
	char		b[32];

	cli_fmt_eta(b, sizeof(b), 0);
	is(b, "0:00:00", "eta 0 s");
	cli_fmt_eta(b, sizeof(b), 0.2);
	is(b, "0:00:01", "eta rounds up a fraction of a second");
	cli_fmt_eta(b, sizeof(b), 59);
	is(b, "0:00:59", "eta 59 s");
	cli_fmt_eta(b, sizeof(b), 61);
	is(b, "0:01:01", "eta 61 s");
	cli_fmt_eta(b, sizeof(b), 3600);
	is(b, "1:00:00", "eta one hour");
	cli_fmt_eta(b, sizeof(b), 36 * 3600 + 62);
	is(b, "36:01:02", "eta over a day keeps counting hours");
	cli_fmt_eta(b, sizeof(b), -1);
	is(b, "-:--:--", "eta unknown");
	cli_fmt_eta(b, sizeof(b), 1e300);
	is(b, "-:--:--", "eta absurd is unknown");
	cli_fmt_time(b, sizeof(b), 0);
	is(b, "1970-01-01T00:00:00Z", "time is ISO 8601 UTC");
	cli_fmt_time(b, sizeof(b), 1796681405LL);
	is(b, "2026-12-07T22:10:05Z", "time of a day in 2026");
}

static void
test_percent(void)
{
	CliRunSnap	s = snap(0, 10, -1, -1);

	check(cli_progress_percent(&s) == 0, "0 of 10 is 0%%");
	s.done = 5;
	check(cli_progress_percent(&s) == 50, "5 of 10 is 50%%");
	s = snap(999, 1000, -1, -1);
	check(cli_progress_percent(&s) == 99, "999 of 1000 is 99%%, not 100");
	s = snap(1000, 1000, -1, -1);
	check(cli_progress_percent(&s) == 100, "1000 of 1000 is 100%%");
	s = snap(1500, 1000, -1, -1);
	check(cli_progress_percent(&s) == 100, "over the total is clamped to 100%%");
	s = snap(0, 0, -1, -1);
	check(cli_progress_percent(&s) == 100, "an empty total is 100%%");
	s = snap(5, -1, -1, -1);
	check(cli_progress_percent(&s) == -1, "unknown total has no percent");
}

static void
test_bar(void)
{
	char		b[512];
	CliRunSnap	s = snap(5600, 10000, 1234, 3.6);
	int			w;

	cli_fmt_bar_line(b, sizeof(b), "backfill users", &s, 80, 0);
	is(b, "backfill users [######......]  56%   5600/10000 rows   1.2k rows/s  ETA 0:00:04",
	   "80 columns: label, bar, percent, rows, rate, ETA");
	check(strlen(b) <= 79, "80 columns: the line leaves the last column free (%zu)", strlen(b));

	for (w = 20; w <= 200; w += 7)
	{
		cli_fmt_bar_line(b, sizeof(b), "backfill a_table_with_a_rather_long_name", &s, w, 0);
		if (strlen(b) > (size_t) (w - 1))
			break;
	}
	check(w > 200, "every width from 20 to 200 fits (failed at %d: %zu)", w, strlen(b));

	cli_fmt_bar_line(b, sizeof(b), "backfill users", &s, 40, 0);
	check(strstr(b, " 56%") != NULL, "40 columns keeps the percent: '%s'", b);
	check(strstr(b, "rows") == NULL, "40 columns drops the rows before the bar");
	check(strlen(b) <= 39, "40 columns fits (%zu)", strlen(b));
	cli_fmt_bar_line(b, sizeof(b), "backfill users", &s, 50, 0);
	check(strstr(b, "5600/10000 rows") != NULL && strstr(b, "ETA") == NULL,
		  "50 columns keeps the rows, drops the ETA: '%s'", b);

	cli_fmt_bar_line(b, sizeof(b), "backfill users", &s, 200, 0);
	check(strstr(b, "[##################################################") == NULL,
		  "200 columns: the bar is capped at 50 cells");
	check(strstr(b, "ETA 0:00:04") != NULL, "200 columns has the ETA");

	s = snap(10000, 10000, 2000000, 0);
	cli_fmt_bar_line(b, sizeof(b), "load", &s, 60, 0);
	check(strstr(b, "load [#") && strstr(b, ".]") == NULL, "100%%: the bar is full: '%s'", b);
	check(strstr(b, "100%") != NULL, "100%% shown");
	check(strstr(b, "2.0M rows/s") != NULL, "rate with M suffix");

	s = snap(0, 10000, -1, -1);
	cli_fmt_bar_line(b, sizeof(b), "load", &s, 60, 0);
	check(strstr(b, "rows/s") == NULL && strstr(b, "ETA") == NULL,
		  "unknown rate: neither rate nor ETA: '%s'", b);
}

static void
test_steady(void)
{
	char		a[512],
				b[512];
	CliRunSnap	s = snap(5, 10000, 12, 900);
	CliRunSnap	t = snap(9999, 10000, 12345, 1);

	cli_fmt_bar_line(a, sizeof(a), "backfill", &s, 80, 0);
	cli_fmt_bar_line(b, sizeof(b), "backfill", &t, 80, 0);
	check(strlen(a) == strlen(b) && strchr(a, ']') - a == strchr(b, ']') - b,
		  "the bar keeps its width as the numbers grow: '%s' / '%s'", a, b);
	snprintf(s.state, sizeof(s.state), "paused");
	cli_fmt_bar_line(a, sizeof(a), "backfill", &s, 80, 0);
	check(strstr(a, "  [paused]") != NULL, "a paused run says so: '%s'", a);
	snprintf(s.state, sizeof(s.state), "completed");
	cli_fmt_bar_line(a, sizeof(a), "backfill", &s, 80, 0);
	check(strstr(a, "[completed]") == NULL, "a completed run does not repeat it");
}

static void
test_unknown_total(void)
{
	char		b[512];
	CliRunSnap	s = snap(12345, -1, 50000, -1);

	cli_fmt_bar_line(b, sizeof(b), "loaddata", &s, 80, 0);
	is(b, "loaddata | 12345 rows  50.0k rows/s", "unknown total: spinner, rows, rate");
	cli_fmt_bar_line(b, sizeof(b), "loaddata", &s, 80, 1);
	check(strncmp(b, "loaddata / ", 11) == 0, "the spinner turns: '%s'", b);
	cli_fmt_bar_line(b, sizeof(b), "loaddata", &s, 80, 3);
	check(strncmp(b, "loaddata \\ ", 11) == 0, "the spinner's fourth frame");
	check(strchr(b, '%') == NULL, "unknown total: no percent");
}

static void
test_lines_json(void)
{
	char		b[1024];
	CliRunSnap	s = snap(5600, 10000, 1234, 3.6);

	cli_fmt_status_line(b, sizeof(b), "backfill users", &s, 0, true);
	is(b, "backfill users: 5600/10000 rows (56%), 1.2k rows/s, ETA 0:00:04",
	   "line while running");
	s = snap(10000, 10000, 1234, 0);
	snprintf(s.state, sizeof(s.state), "completed");
	cli_fmt_status_line(b, sizeof(b), "backfill users", &s, 1, true);
	is(b, "backfill users: done, 10000/10000 rows (100%), 1.2k rows/s", "line at the end");
	s = snap(42, -1, -1, -1);
	snprintf(s.state, sizeof(s.state), "paused");
	cli_fmt_status_line(b, sizeof(b), "x", &s, 0, true);
	is(b, "x: 42 rows [paused]", "line with unknown total and a state");
	snprintf(s.state, sizeof(s.state), "failed");
	cli_fmt_status_line(b, sizeof(b), "x", &s, 1, false);
	is(b, "x: failed, 42 rows", "line of a failed end");

	s = snap(5, 10, 2.5, 2);
	s.id = 7;
	snprintf(s.op, sizeof(s.op), "backfill");
	snprintf(s.target, sizeof(s.target), "us\"ers\n");
	cli_fmt_json(b, sizeof(b), "lab\\el", &s, 0);
	is(b, "{\"time\": \"1970-01-01T00:00:00Z\", \"label\": \"lab\\\\el\", \"id\": 7, "
	   "\"op\": \"backfill\", \"target\": \"us\\\"ers\\u000a\", \"state\": \"running\", "
	   "\"done\": 5, \"total\": 10, \"rate\": 2.5, \"eta\": 2.0, \"parts\": 1}",
	   "JSON object with escapes");
	s = snap(5, -1, -1, -1);
	cli_fmt_json(b, sizeof(b), "", &s, 0);
	check(strstr(b, "\"total\": null, \"rate\": null, \"eta\": null") != NULL,
		  "JSON unknowns are null");
}

int
main(void)
{
	test_count();
	test_eta();
	test_percent();
	test_bar();
	test_steady();
	test_unknown_total();
	test_lines_json();
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
