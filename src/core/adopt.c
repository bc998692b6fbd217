/*-------------------------------------------------------------------------
 *
 * adopt.c
 *		covet_adopt(): take over from another migration tool.  Its history
 *		table, as it is in the database, says which of the migrations loaded
 *		from its files are applied; covet marks those applied without
 *		running them (applied rows, history action 'adopt'), so switching to
 *		covet re-runs nothing.
 *
 *		SELECT covet_load('/srv/app/migrations');	-- golang-migrate files
 *		SELECT covet_adopt();
 *		-- adopted 1_init (golang-migrate version 1 in schema_migrations)
 *		-- ...
 *		-- adopted 12 migrations, 0 already applied, 0 not matched
 *
 * Per format of the loaded migrations (covet.migrations.format), the table
 * it reads and how:
 *
 *		golang-migrate	schema_migrations (version, dirty): every version up
 *						to the one stored; dirty is refused, naming it
 *		dbmate			schema_migrations (version): one row per applied
 *		goose			goose_db_version (version_id, is_applied): the newest
 *						row (largest id) of each version decides
 *		flyway			flyway_schema_history: successful rows in
 *						installed_rank order; BASELINE covers every version
 *						up to its own, UNDO_SQL takes one back; repeatable
 *						scripts by script name, adopted only if Flyway's
 *						checksum of the file is the one it applied
 *		sqitch			sqitch.changes (change): one row per deployed change
 *						(SQLite: attach sqitch's registry as "sqitch", or
 *						a "changes" table in the main database)
 *
 * Rows match migrations by format and version (sqitch: the change name).
 * The tables are read as the caller, with quoted names and no caller SQL;
 * each read is a savepoint, so a table that is not there is reported, not
 * an error.  Rows no migration matches are reported as not matched.
 *
 *-------------------------------------------------------------------------
 */
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Def
{
	const char *name;
	const char *format;
	const char *version;
	const char *source;
	const char *up;
	const char *down;
	bool		applied;
	bool		repeatable;
	bool		adopt;			/* matched: to be marked applied */
	const char *why;			/* what matched it, for history.detail */
} Def;

typedef struct Adopt
{
	CovetResult defres;
	Def		   *defs;
	int			n;
	int			adopted;
	int			already;
	int			unmatched;
	CovetBuf   *report;
	char		detail[256];
} Adopt;

static void
line(Adopt *a, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static void
line(Adopt *a, const char *fmt,...)
{
	char		buf[1024];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (a->report->len > 0)
		covet_buf_appendc(a->report, '\n');
	covet_buf_append(a->report, buf);
}

static CovetStatus
defs_load(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetStatus rc;
	int			i;

	rc = covet_sql_run(d,
					   "SELECT m.name, m.format, m.version, m.source, m.up_sql, m.down_sql,"
					   " CASE WHEN a.name IS NULL THEN 0 ELSE 1 END,"
					   " CASE WHEN m.repeatable THEN 1 ELSE 0 END"
					   " FROM {migrations} m LEFT JOIN {applied} a ON a.name {=} m.name"
					   " WHERE m.format IS NOT NULL AND m.format {<>} 'covet' ORDER BY m.name",
					   0, NULL, &a->defres, err);
	if (rc != COVET_OK)
		return rc;
	a->n = a->defres.nrows;
	a->defs = covet_alloc0(&d->mem, sizeof(Def) * (size_t) (a->n + 1));
	if (a->defs == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < a->n; i++)
	{
		Def		   *m = &a->defs[i];

		m->name = COVET_VALUE(&a->defres, i, 0);
		m->format = COVET_VALUE(&a->defres, i, 1);
		m->version = COVET_VALUE(&a->defres, i, 2);
		m->source = COVET_VALUE(&a->defres, i, 3);
		m->up = COVET_VALUE(&a->defres, i, 4);
		m->down = COVET_VALUE(&a->defres, i, 5);
		m->applied = strcmp(COVET_VALUE(&a->defres, i, 6), "1") == 0;
		m->repeatable = strcmp(COVET_VALUE(&a->defres, i, 7), "1") == 0;
	}
	return COVET_OK;
}

/* Is a migration of this format loaded and not applied? */
static bool
has_format(const Adopt *a, const char *format)
{
	int			i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->defs[i].format, format) == 0 && !a->defs[i].applied)
			return true;
	return false;
}

/*
 * Read a tool's table in a savepoint.  *found false (and a report line)
 * when the statement fails: the table is not there or not as expected.
 */
static CovetStatus
read_table(CovetDriver *d, Adopt *a, const char *sql, const char *table,
		   const char *format, CovetResult *res, bool *found, CovetError *err)
{
	CovetStatus rc;
	CovetError	qerr;

	*found = false;
	memset(res, 0, sizeof(*res));
	if ((rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		return rc;
	covet_error_clear(&qerr);
	rc = covet_sql_run(d, sql, 0, NULL, res, &qerr);
	if (rc == COVET_OK)
	{
		*found = true;
		return d->savepoint_release(d->ctx, err);
	}
	if (rc != COVET_ERR_SQL)
	{
		*err = qerr;
		return rc;
	}
	covet_result_free(d, res);
	if ((rc = d->savepoint_rollback(d->ctx, err)) != COVET_OK)
		return rc;
	/*
	 * Only a missing table means "nothing to adopt".  Any other failure (no
	 * privilege, other columns) must not end in "adopted 0": the next
	 * covet_migrate_up would run every migration again.
	 */
	if (strcmp(qerr.sqlstate, "42P01") != 0 &&
		strncmp(qerr.message, "no such table", 13) != 0)
	{
		*err = qerr;
		covet_error_prefix(err, "could not read the %s history in %s: ", format, table);
		return COVET_ERR_SQL;
	}
	line(a, "no %s history read from %s: %s", format, table, qerr.message);
	return COVET_OK;
}

/* Mark the migration at i to be adopted, with what matched it. */
static void
match(Adopt *a, Def *m, const char *why)
{
	(void) a;
	if (m->applied || m->adopt)
		return;
	m->adopt = true;
	m->why = why;
}

/* Defs of format whose version equals v; false if none. */
static bool
match_version(Adopt *a, const char *format, const char *v, const char *why)
{
	bool		any = false;
	int			i;

	for (i = 0; i < a->n; i++)
	{
		Def		   *m = &a->defs[i];

		if (strcmp(m->format, format) == 0 && m->version != NULL && !m->repeatable &&
			covet_version_cmp_loose(m->version, v) == 0)
		{
			match(a, m, why);
			any = true;
		}
	}
	return any;
}

static void
not_matched(Adopt *a, const char *format, const char *table, const char *what)
{
	a->unmatched++;
	line(a, "not matched: %s in %s (no %s migration is loaded for it)", what, table, format);
}

static CovetStatus
adopt_golang(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	int			r,
				i;

	rc = read_table(d, a, "SELECT CAST(version AS text), CASE WHEN dirty THEN 1 ELSE 0 END"
					" FROM \"schema_migrations\"", "schema_migrations", "golang-migrate",
					&res, &found, err);
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		bool		exact = false;

		if (v == NULL)
			continue;
		if (strcmp(COVET_VALUE(&res, r, 1), "1") == 0)
		{
			rc = covet_error_set(err, COVET_ERR_STATE,
								 "golang-migrate's schema_migrations is dirty at version %s", v);
			covet_error_detail(err, "Migration %s failed part way under golang-migrate; nothing was adopted.", v);
			covet_error_hint(err, "Repair the database by hand and clear the flag (migrate force %s), then adopt again.", v);
			break;
		}
		for (i = 0; i < a->n; i++)
		{
			Def		   *m = &a->defs[i];

			if (strcmp(m->format, "golang-migrate") != 0 || m->version == NULL ||
				covet_version_cmp_loose(m->version, v) > 0)
				continue;
			match(a, m, "schema_migrations (golang-migrate)");
			exact = exact || covet_version_cmp_loose(m->version, v) == 0;
		}
		if (!exact)
		{
			char		what[160];

			snprintf(what, sizeof(what), "version %.100s", v);
			not_matched(a, "golang-migrate", "schema_migrations", what);
		}
	}
	if (found)
		covet_result_free(d, &res);
	return rc;
}

static CovetStatus
adopt_dbmate(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	int			r;

	rc = read_table(d, a, "SELECT CAST(version AS text) FROM \"schema_migrations\"",
					"schema_migrations", "dbmate", &res, &found, err);
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		char		what[160];

		if (v == NULL || match_version(a, "dbmate", v, "schema_migrations (dbmate)"))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "dbmate", "schema_migrations", what);
	}
	if (found)
		covet_result_free(d, &res);
	return rc;
}

/* The value of the last row r' >= r in res (ordered) with the same col 0. */
static bool
last_of_key(const CovetResult *res, int r)
{
	int			k;

	for (k = r + 1; k < res->nrows; k++)
		if (COVET_VALUE(res, k, 0) != NULL && COVET_VALUE(res, r, 0) != NULL &&
			strcmp(COVET_VALUE(res, k, 0), COVET_VALUE(res, r, 0)) == 0)
			return false;
	return true;
}

static CovetStatus
adopt_goose(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	int			r;

	rc = read_table(d, a, "SELECT CAST(version_id AS text), CASE WHEN is_applied THEN 1 ELSE 0 END"
					" FROM \"goose_db_version\" ORDER BY id", "goose_db_version", "goose",
					&res, &found, err);
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		char		what[160];

		if (v == NULL || strcmp(v, "0") == 0 || !last_of_key(&res, r) ||
			strcmp(COVET_VALUE(&res, r, 1), "1") != 0)
			continue;
		if (match_version(a, "goose", v, "goose_db_version (goose)"))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "goose", "goose_db_version", what);
	}
	if (found)
		covet_result_free(d, &res);
	return rc;
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/* A Flyway repeatable row: adopt the script if its checksum is the file's. */
static void
flyway_repeatable(Adopt *a, const char *script, const char *checksum)
{
	int			i;
	char		what[300];

	for (i = 0; i < a->n; i++)
	{
		Def		   *m = &a->defs[i];
		char		sum[16];

		if (strcmp(m->format, "flyway") != 0 || !m->repeatable || m->source == NULL ||
			strcmp(base_name(m->source), base_name(script)) != 0)
			continue;
		snprintf(sum, sizeof(sum), "%d", (int) covet_flyway_checksum(m->up, strlen(m->up)));
		if (checksum != NULL && strcmp(sum, checksum) == 0)
			match(a, m, "flyway_schema_history (flyway)");
		else
			line(a, "not adopted: %s changed since Flyway applied it (checksum %s, now %s); covet_migrate_up applies it again",
				 m->name, checksum ? checksum : "NULL", sum);
		return;
	}
	snprintf(what, sizeof(what), "repeatable script %.200s", script);
	not_matched(a, "flyway", "flyway_schema_history", what);
}

static CovetStatus
adopt_flyway(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	bool	   *undone = NULL;
	int			r,
				i;

	rc = read_table(d, a, "SELECT version, script, CAST(checksum AS text), type"
					" FROM \"flyway_schema_history\" WHERE success"
					" ORDER BY installed_rank", "flyway_schema_history", "flyway",
					&res, &found, err);
	if (rc != COVET_OK || !found)
		return rc;
	/*
	 * undo rows take back what came before them, and so do the DELETE rows
	 * Flyway's repair writes for migrations it marked deleted
	 */
	undone = covet_alloc0(&d->mem, sizeof(bool) * (size_t) (res.nrows + 1));
	if (undone == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (r = 0; rc == COVET_OK && r < res.nrows; r++)
	{
		const char *type = COVET_VALUE(&res, r, 3);
		const char *v = COVET_VALUE(&res, r, 0);

		if (type == NULL || v == NULL ||
			(strcmp(type, "UNDO_SQL") != 0 && strcmp(type, "DELETE") != 0))
			continue;
		undone[r] = true;
		for (i = 0; i < r; i++)
			if (COVET_VALUE(&res, i, 0) != NULL &&
				covet_version_cmp_loose(COVET_VALUE(&res, i, 0), v) == 0)
				undone[i] = true;
	}
	for (r = 0; rc == COVET_OK && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		const char *script = COVET_VALUE(&res, r, 1);
		const char *type = COVET_VALUE(&res, r, 3);
		char		what[160];

		if (undone[r] || type == NULL || strcmp(type, "SCHEMA") == 0)
			continue;
		if (v == NULL)
		{
			/* repeatable: only its last successful row counts */
			bool		last = true;

			for (i = r + 1; i < res.nrows && last; i++)
				last = COVET_VALUE(&res, i, 0) != NULL || COVET_VALUE(&res, i, 1) == NULL ||
					script == NULL || strcmp(COVET_VALUE(&res, i, 1), script) != 0;
			if (last && script != NULL)
				flyway_repeatable(a, script, COVET_VALUE(&res, r, 2));
			continue;
		}
		if (strcmp(type, "BASELINE") == 0)
		{
			for (i = 0; i < a->n; i++)
				if (strcmp(a->defs[i].format, "flyway") == 0 && a->defs[i].version != NULL &&
					!a->defs[i].repeatable &&
					covet_version_cmp_loose(a->defs[i].version, v) <= 0)
					match(a, &a->defs[i], "flyway_schema_history baseline (flyway)");
			continue;
		}
		if (match_version(a, "flyway", v, "flyway_schema_history (flyway)"))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "flyway", "flyway_schema_history", what);
	}
	covet_free(&d->mem, undone);
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
adopt_sqitch(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	int			r,
				i;
	const char *table = "sqitch.changes";

	rc = read_table(d, a, "SELECT change FROM \"sqitch\".\"changes\" ORDER BY committed_at",
					table, "sqitch", &res, &found, err);
	if (rc == COVET_OK && !found)
	{
		table = "changes";
		rc = read_table(d, a, "SELECT change FROM \"changes\" WHERE change_id IS NOT NULL"
						" AND project IS NOT NULL ORDER BY committed_at",
						table, "sqitch", &res, &found, err);
	}
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *c = COVET_VALUE(&res, r, 0);
		bool		any = false;
		char		what[160];

		for (i = 0; c != NULL && i < a->n; i++)
			if (strcmp(a->defs[i].format, "sqitch") == 0 && strcmp(a->defs[i].name, c) == 0)
			{
				match(a, &a->defs[i], "sqitch.changes (sqitch)");
				any = true;
			}
		if (any || c == NULL)
			continue;
		snprintf(what, sizeof(what), "change %.100s", c);
		not_matched(a, "sqitch", table, what);
	}
	if (found)
		covet_result_free(d, &res);
	return rc;
}

/* Write the applied and history rows of the matched migrations. */
static CovetStatus
mark_adopted(CovetDriver *d, Adopt *a, CovetError *err)
{
	const char *who = d->who(d->ctx);
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = 0; rc == COVET_OK && i < a->n; i++)
	{
		Def		   *m = &a->defs[i];
		char		sum[COVET_CHECKSUM_LEN + 1];
		char		detail[300];
		const char *p[] = {m->name, sum, who, detail};

		if (m->applied)
		{
			a->already++;
			continue;
		}
		if (!m->adopt)
			continue;
		covet_checksum_compute(m->up, m->down, sum);
		snprintf(detail, sizeof(detail), "adopted from %s%s%s", m->why,
				 m->version ? " version " : "", m->version ? m->version : "");
		rc = covet_sql_run(d,
						   "INSERT INTO {applied} (name, checksum, applied_at, duration_ms,"
						   " statements, rows, who) VALUES ({1}, {2}, {now}, 0, 0, 0, {3})",
						   3, p, NULL, err);
		if (rc == COVET_OK)
			rc = covet_sql_run(d,
							   "INSERT INTO {history} (name, action, checksum, started_at,"
							   " duration_ms, statements, rows, who, outcome, detail) VALUES"
							   " ({1}, 'adopt', {2}, {now}, 0, 0, 0, {3}, 'ok', {4})",
							   4, p, NULL, err);
		if (rc == COVET_OK)
		{
			a->adopted++;
			line(a, "adopted %s (%s)", m->name, detail + 13);
		}
	}
	return rc;
}

static CovetStatus
adopt_body(CovetDriver *d, void *arg, CovetBuf *report, CovetError *err)
{
	static const struct
	{
		const char *format;
		CovetStatus (*fn) (CovetDriver *, Adopt *, CovetError *);
	}			tools[] = {
		{"golang-migrate", adopt_golang},
		{"dbmate", adopt_dbmate},
		{"goose", adopt_goose},
		{"flyway", adopt_flyway},
		{"sqitch", adopt_sqitch},
	};
	Adopt		a;
	CovetStatus rc;
	size_t		t;

	(void) arg;
	memset(&a, 0, sizeof(a));
	a.report = report;
	rc = defs_load(d, &a, err);
	if (rc == COVET_OK && a.n == 0)
	{
		covet_buf_append(report, "nothing to adopt: no migration was loaded from golang-migrate, dbmate, goose, Flyway or sqitch files");
		goto done;
	}
	for (t = 0; rc == COVET_OK && t < sizeof(tools) / sizeof(tools[0]); t++)
		if (has_format(&a, tools[t].format))
			rc = tools[t].fn(d, &a, err);
	if (rc == COVET_OK)
		rc = mark_adopted(d, &a, err);
	if (rc == COVET_OK)
		line(&a, "adopted %d %s, %d already applied, %d not matched",
			 a.adopted, a.adopted == 1 ? "migration" : "migrations", a.already, a.unmatched);
done:
	covet_free(&d->mem, a.defs);
	covet_result_free(d, &a.defres);
	return rc;
}

CovetStatus
covet_runner_adopt(CovetDriver *d, char **report, CovetError *err)
{
	return covet_runner_frame(d, adopt_body, NULL, report, err);
}
