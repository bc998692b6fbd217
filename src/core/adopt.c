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
 *		-- adopted 1_init (public.schema_migrations (golang-migrate) version 1)
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
 * Each table is resolved once, explicitly (resolve_table: the first schema
 * of current_schemas(false), or database of pragma_database_list, that has
 * it; never the temp one an unqualified name would find first), and the
 * report and history.detail name it; sqitch.changes is read for the
 * project of the loaded sqitch.plan only (%project=).
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
	char		why[8][400];	/* what matched, per table read */
	int			nwhy;
} Adopt;

/* A tool's history table, resolved once (resolve_table). */
typedef struct Table
{
	bool		found;
	char		sql[600];		/* "schema"."table", quoted */
	char		shown[300];		/* schema.table, for the report */
} Table;

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

/* "why" text for history.detail and the report, kept in a. */
static const char *
why_text(Adopt *a, const Table *t, const char *what)
{
	char	   *w = a->why[a->nwhy < 7 ? a->nwhy++ : 7];

	snprintf(w, sizeof(a->why[0]), "%s (%s)", t->shown, what);
	return w;
}

/*
 * Where a tool's table is, resolved once and explicitly, never through an
 * unqualified name: PostgreSQL, the first schema of current_schemas(false)
 * (the search_path without pg_temp and pg_catalog) that has a relation of
 * that name; SQLite, the first database of pragma_database_list (main,
 * then the attached ones; not temp) that has a table or view of that name.
 * schema: look only there (sqitch's registry).  t->found false: none.
 */
static CovetStatus
resolve_table(CovetDriver *d, const char *schema, const char *table, Table *t,
			  CovetError *err)
{
	CovetBuf	sql;
	char	   *q = NULL;
	CovetResult res;
	CovetStatus rc;
	int			r;
	bool		pg = d->dialect->engine == COVET_ENGINE_POSTGRES;

	memset(t, 0, sizeof(*t));
	memset(&res, 0, sizeof(res));
	covet_buf_init(&sql, &d->mem);
	if (pg)
	{
		/* a schema named by the tool (sqitch's registry) need not be in the path */
		if (schema != NULL)
		{
			covet_buf_append(&sql, "SELECT s.nsp FROM (SELECT ");
			covet_quote_literal(&sql, schema);
			covet_buf_append(&sql, "::pg_catalog.name AS nsp, 1 AS i) s");
		}
		else
			covet_buf_append(&sql, "SELECT s.nsp FROM pg_catalog.unnest(pg_catalog.current_schemas(false))"
							 " WITH ORDINALITY AS s(nsp, i)");
		covet_buf_append(&sql, " WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
						 " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
						 " WHERE n.nspname OPERATOR(pg_catalog.=) s.nsp AND c.relname OPERATOR(pg_catalog.=) ");
		covet_quote_literal(&sql, table);
		covet_buf_append(&sql, "::pg_catalog.name) ORDER BY s.i LIMIT 1");
		if ((rc = covet_buf_finish(&sql, &q, err)) != COVET_OK)
			return rc;
		rc = d->query(d->ctx, q, 0, NULL, &res, err);
		covet_free(&d->mem, q);
		if (rc != COVET_OK)
			return rc;
		if (res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
		{
			t->found = true;
			snprintf(t->shown, sizeof(t->shown), "%s.%s", COVET_VALUE(&res, 0, 0), table);
		}
		covet_result_free(d, &res);
	}
	else
	{
		covet_buf_append(&sql, "SELECT name FROM pragma_database_list WHERE name <> 'temp'");
		if (schema != NULL)
		{
			covet_buf_append(&sql, " AND name = ");
			covet_quote_literal(&sql, schema);
		}
		covet_buf_append(&sql, " ORDER BY seq");
		if ((rc = covet_buf_finish(&sql, &q, err)) != COVET_OK)
			return rc;
		rc = d->query(d->ctx, q, 0, NULL, &res, err);
		covet_free(&d->mem, q);
		for (r = 0; rc == COVET_OK && !t->found && r < res.nrows; r++)
		{
			const char *db = COVET_VALUE(&res, r, 0);
			CovetResult one;

			memset(&one, 0, sizeof(one));
			covet_buf_init(&sql, &d->mem);
			covet_buf_append(&sql, "SELECT count(*) FROM ");
			covet_quote_ident(&sql, db);
			covet_buf_append(&sql, ".sqlite_master WHERE type IN ('table', 'view') AND name = ");
			covet_quote_literal(&sql, table);
			if ((rc = covet_buf_finish(&sql, &q, err)) != COVET_OK)
				break;
			rc = d->query(d->ctx, q, 0, NULL, &one, err);
			covet_free(&d->mem, q);
			if (rc == COVET_OK && one.nrows == 1 && strcmp(COVET_VALUE(&one, 0, 0), "0") != 0)
			{
				t->found = true;
				snprintf(t->shown, sizeof(t->shown), "%s.%s", db, table);
			}
			covet_result_free(d, &one);
		}
		covet_result_free(d, &res);
		if (rc != COVET_OK)
			return rc;
	}
	if (t->found)
	{
		CovetBuf	qn;
		char	   *dot = strrchr(t->shown, '.');
		char	   *qs = NULL;

		covet_buf_init(&qn, &d->mem);
		*dot = '\0';
		covet_quote_ident(&qn, t->shown);
		*dot = '.';
		covet_buf_appendc(&qn, '.');
		covet_quote_ident(&qn, table);
		if ((rc = covet_buf_finish(&qn, &qs, err)) != COVET_OK)
			return rc;
		snprintf(t->sql, sizeof(t->sql), "%s", qs);
		covet_free(&d->mem, qs);
	}
	return COVET_OK;
}

static CovetStatus read_table_p(CovetDriver *d, Adopt *a, const char *sql,
								int nparams, const char *const *params,
								const char *schema, const char *table_name,
								const char *format, Table *t, CovetResult *res,
								bool *found, CovetError *err);

/*
 * Read a tool's table, resolved first (resolve_table), in a savepoint:
 * sql is a format with one %s, the qualified table.  *found false (and a
 * report line) when there is no such table.
 */
static CovetStatus
read_table(CovetDriver *d, Adopt *a, const char *sql, const char *schema,
		   const char *table_name, const char *format, Table *t,
		   CovetResult *res, bool *found, CovetError *err)
{
	return read_table_p(d, a, sql, 0, NULL, schema, table_name, format, t, res,
						found, err);
}

/* The same, with nparams text parameters for sql ($1 / ?1). */
static CovetStatus
read_table_p(CovetDriver *d, Adopt *a, const char *sql, int nparams,
			 const char *const *params, const char *schema,
			 const char *table_name, const char *format, Table *t,
			 CovetResult *res, bool *found, CovetError *err)
{
	CovetStatus rc;
	CovetError	qerr;
	char		text[2048];
	const char *table;

	*found = false;
	memset(res, 0, sizeof(*res));
	if ((rc = resolve_table(d, schema, table_name, t, err)) != COVET_OK)
		return rc;
	if (!t->found)
	{
		if (schema != NULL)
			line(a, "no %s history read: there is no table %s.%s", format, schema, table_name);
		else
			line(a, "no %s history read: there is no table %s in %s", format, table_name,
				 d->dialect->engine == COVET_ENGINE_POSTGRES ?
				 "the schemas of the search_path" : "the main or attached databases");
		return COVET_OK;
	}
	table = t->shown;
	snprintf(text, sizeof(text), sql, t->sql);
	if ((rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		return rc;
	covet_error_clear(&qerr);
	rc = d->query(d->ctx, text, nparams, params, res, &qerr);
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

	Table		t;
	const char *why;

	rc = read_table(d, a, "SELECT CAST(version AS text), CASE WHEN dirty THEN 1 ELSE 0 END"
					" FROM %s", NULL, "schema_migrations", "golang-migrate",
					&t, &res, &found, err);
	why = why_text(a, &t, "golang-migrate");
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		bool		exact = false;

		if (v == NULL)
			continue;
		if (strcmp(COVET_VALUE(&res, r, 1), "1") == 0)
		{
			rc = covet_error_set(err, COVET_ERR_STATE,
								 "golang-migrate's %s is dirty at version %s", t.shown, v);
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
			match(a, m, why);
			exact = exact || covet_version_cmp_loose(m->version, v) == 0;
		}
		if (!exact)
		{
			char		what[160];

			snprintf(what, sizeof(what), "version %.100s", v);
			not_matched(a, "golang-migrate", t.shown, what);
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

	Table		t;
	const char *why;

	rc = read_table(d, a, "SELECT CAST(version AS text) FROM %s", NULL,
					"schema_migrations", "dbmate", &t, &res, &found, err);
	why = why_text(a, &t, "dbmate");
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		char		what[160];

		if (v == NULL || match_version(a, "dbmate", v, why))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "dbmate", t.shown, what);
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

	Table		t;
	const char *why;

	rc = read_table(d, a, "SELECT CAST(version_id AS text), CASE WHEN is_applied THEN 1 ELSE 0 END"
					" FROM %s ORDER BY id", NULL, "goose_db_version", "goose",
					&t, &res, &found, err);
	why = why_text(a, &t, "goose");
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		const char *v = COVET_VALUE(&res, r, 0);
		char		what[160];

		if (v == NULL || strcmp(v, "0") == 0 || !last_of_key(&res, r) ||
			strcmp(COVET_VALUE(&res, r, 1), "1") != 0)
			continue;
		if (match_version(a, "goose", v, why))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "goose", t.shown, what);
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
flyway_repeatable(Adopt *a, const Table *t, const char *why, const char *script,
				  const char *checksum)
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
			match(a, m, why);
		else
			line(a, "not adopted: %s changed since Flyway applied it (checksum %s, now %s); covet_migrate_up applies it again",
				 m->name, checksum ? checksum : "NULL", sum);
		return;
	}
	snprintf(what, sizeof(what), "repeatable script %.200s", script);
	not_matched(a, "flyway", t->shown, what);
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

	Table		t;
	const char *why,
			   *why_base;

	rc = read_table(d, a, "SELECT version, script, CAST(checksum AS text), type"
					" FROM %s WHERE success"
					" ORDER BY installed_rank", NULL, "flyway_schema_history", "flyway",
					&t, &res, &found, err);
	why = why_text(a, &t, "flyway");
	why_base = why_text(a, &t, "flyway baseline");
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
				flyway_repeatable(a, &t, why, script, COVET_VALUE(&res, r, 2));
			continue;
		}
		if (strcmp(type, "BASELINE") == 0)
		{
			for (i = 0; i < a->n; i++)
				if (strcmp(a->defs[i].format, "flyway") == 0 && a->defs[i].version != NULL &&
					!a->defs[i].repeatable &&
					covet_version_cmp_loose(a->defs[i].version, v) <= 0)
					match(a, &a->defs[i], why_base);
			continue;
		}
		if (match_version(a, "flyway", v, why))
			continue;
		snprintf(what, sizeof(what), "version %.100s", v);
		not_matched(a, "flyway", t.shown, what);
	}
	covet_free(&d->mem, undone);
	covet_result_free(d, &res);
	return rc;
}

/*
 * The project of the loaded sqitch plan (its %project= pragma), read from
 * sqitch.plan next to the deploy/ directory of a loaded change's file;
 * "" when it cannot be read (covet_load_text, no right to read files).
 */
static void
sqitch_project(CovetDriver *d, Adopt *a, char *project, size_t len)
{
	const char *source = NULL;
	const char *dep;
	char		path[1200];
	char	   *text = NULL;
	size_t		tlen = 0;
	size_t		pos = 0;
	CovetError	ferr;
	int			i;

	project[0] = '\0';
	for (i = 0; i < a->n && source == NULL; i++)
		if (strcmp(a->defs[i].format, "sqitch") == 0 && a->defs[i].source != NULL)
			source = a->defs[i].source;
	if (source == NULL || d->read_file == NULL)
		return;
	dep = NULL;
	for (i = 0; source[i] != '\0'; i++)
		if (strncmp(source + i, "deploy/", 7) == 0 && (i == 0 || source[i - 1] == '/'))
			dep = source + i;
	if (dep == NULL || (size_t) (dep - source) + 12 >= sizeof(path))
		return;
	snprintf(path, sizeof(path), "%.*ssqitch.plan", (int) (dep - source), source);
	if (d->read_file(d->ctx, path, &text, &tlen, &ferr) != COVET_OK || text == NULL)
		return;
	while (pos < tlen)
	{
		const char *l = text + pos;
		const char *eol = memchr(l, '\n', tlen - pos);
		size_t		n = eol ? (size_t) (eol - l) : tlen - pos;
		size_t		k = 0;

		pos += n + 1;
		while (k < n && (l[k] == ' ' || l[k] == '\t'))
			k++;
		if (n - k > 9 && strncmp(l + k, "%project=", 9) == 0)
		{
			size_t		e = k + 9;

			while (e < n && l[e] != ' ' && l[e] != '\t' && l[e] != '\r')
				e++;
			snprintf(project, len, "%.*s", (int) (e - k - 9), l + k + 9);
			break;
		}
	}
	covet_free(&d->mem, text);
}

static CovetStatus
adopt_sqitch(CovetDriver *d, Adopt *a, CovetError *err)
{
	CovetResult res;
	bool		found;
	CovetStatus rc;
	int			r,
				i;
	Table		t;
	const char *why;
	char		project[256];
	CovetBuf	q;
	char	   *sql = NULL;
	const char *c;
	const char *params[1];

	/* the changes of the plan's project only (a registry serves many) */
	sqitch_project(d, a, project, sizeof(project));

	/* the project is a parameter ($1 / ?1), never part of the text */
	covet_buf_init(&q, &d->mem);
	covet_buf_append(&q, "SELECT change FROM %s WHERE change_id IS NOT NULL");
	if (project[0] != '\0')
		covet_buf_append(&q, d->dialect->engine == COVET_ENGINE_POSTGRES ?
						 " AND project OPERATOR(pg_catalog.=) CAST($1 AS text)" :
						 " AND project = ?1");
	covet_buf_append(&q, " ORDER BY committed_at");
	if ((rc = covet_buf_finish(&q, &sql, err)) != COVET_OK)
		return rc;
	params[0] = project;
	rc = read_table_p(d, a, sql, project[0] ? 1 : 0, params, "sqitch", "changes",
					  "sqitch", &t, &res, &found, err);
	if (rc == COVET_OK && !found)
		rc = read_table_p(d, a, sql, project[0] ? 1 : 0, params, NULL, "changes",
						  "sqitch", &t, &res, &found, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_OK && found)
	{
		if (project[0] != '\0')
			line(a, "read %s for sqitch project %s", t.shown, project);
		else
			line(a, "read %s for every sqitch project: the plan's %%project could not be read", t.shown);
	}
	why = why_text(a, &t, "sqitch");
	for (r = 0; rc == COVET_OK && found && r < res.nrows; r++)
	{
		char		what[160];
		bool		any = false;

		c = COVET_VALUE(&res, r, 0);
		for (i = 0; c != NULL && i < a->n; i++)
			if (strcmp(a->defs[i].format, "sqitch") == 0 && strcmp(a->defs[i].name, c) == 0)
			{
				match(a, &a->defs[i], why);
				any = true;
			}
		if (any || c == NULL)
			continue;
		snprintf(what, sizeof(what), "change %.100s", c);
		not_matched(a, "sqitch", t.shown, what);
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
