/*-------------------------------------------------------------------------
 *
 * watch_parts.c
 *	  The parts of a parallel run, read and printed for the watcher: one
 *	  line per part under the run's total (see watch_parts.h).
 *
 * A parallel run (PostgreSQL, workers => N) is a parent run and part runs
 * with parent_id set (README "Parallel background runs"); the parent's row
 * holds the total the bar shows.  A runs table without parent_id (a SQLite
 * database of 0.1.0 not yet upgraded) has no parts: the query fails and
 * nothing is shown.
 *
 * src/cli/watch_parts.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "watch_parts.h"

int
cli_parts_read(CliDb *db, long long parent, CliRunSnap *parts, int max)
{
	CliResult	res = {0};
	CliErr		err = {0};
	char		sql[256];
	int			i,
				n = 0;

	if (!db || parent <= 0 || max <= 0)
		return 0;
	snprintf(sql, sizeof(sql),
			 "SELECT id, state, rows_done, rows_total, rows_per_sec FROM %s"
			 " WHERE parent_id = %lld ORDER BY id", cli_db_table(db, "runs"), parent);
	if (cli_db_exec(db, sql, 0, NULL, &res, &err) != 0)
	{
		cli_err_free(&err);
		cli_result_free(&res);
		return 0;
	}
	for (i = 0; i < res.nrows && n < max; i++, n++)
	{
		CliRunSnap *p = &parts[n];
		const char *v;

		memset(p, 0, sizeof(*p));
		p->id = strtoll(cli_result_get(&res, i, 0), NULL, 10);
		snprintf(p->state, sizeof(p->state), "%s", cli_result_get(&res, i, 1));
		v = cli_result_get(&res, i, 2);
		p->done = v ? strtoll(v, NULL, 10) : 0;
		v = cli_result_get(&res, i, 3);
		p->total = v ? strtoll(v, NULL, 10) : -1;
		v = cli_result_get(&res, i, 4);
		p->rate = v ? strtod(v, NULL) : -1;
		p->eta = -1;
		p->parts = 1;
	}
	cli_result_free(&res);
	return n;
}

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

void
cli_parts_print(FILE *out, const CliRunSnap *parts, int n)
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
