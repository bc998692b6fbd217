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
cli_parts_read(void *ctx, long long parent, CliRunSnap *parts, int max)
{
	CliDb	   *db = ctx;
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
