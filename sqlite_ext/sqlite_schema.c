/*-------------------------------------------------------------------------
 *
 * sqlite_schema.c
 *		covet's tables in a SQLite database: created on first use, upgraded
 *		from what an earlier release wrote, versioned in covet_meta.
 *
 * covet_meta(key, value) holds schema_version.  A database with
 * covet_migrations and no covet_meta was written by 0.1.0: version 1.
 * Every call that touches covet's tables goes through
 * covet_sqlite_ensure_schema, which reads the version (one query) and
 *
 *	 - creates the tables of a database that has none (schema_ddl);
 *	 - upgrades older tables in one transaction (BEGIN IMMEDIATE, or a
 *	   savepoint inside the host's transaction): the dialect's schema_steps
 *	   above the version, in order, then schema_ddl (new tables), then the
 *	   new version.  The version is read again once the write lock is
 *	   held, so two connections opening an old file upgrade it once;
 *	 - refuses a database whose version is newer than this library's.
 *
 * covet_status() only reads (DDL cannot run under its SELECT): on tables
 * that need an upgrade it says so (covet_sqlite_schema_check).
 *
 *		sqlite> .load ./covet
 *		sqlite> SELECT covet_migrate_up();      -- a 0.1.0 file: upgraded first
 *		sqlite> SELECT value FROM covet_meta WHERE key = 'schema_version';
 *		2
 *
 * A rebuild (a constraint changed) renames the old table away, creates
 * the table from schema_ddl, copies the columns both have and drops the
 * old one; no table of covet's references a rebuilt one (covet_history),
 * so foreign_keys, which cannot change inside a transaction, does not
 * matter, and the stored CREATE text is the same as a new database's.
 *
 *-------------------------------------------------------------------------
 */
#include "covet_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OLD_TABLE "covet_upgrade_old"

/* The first column of the first row of sql as an integer; def if none. */
static int
query_int(sqlite3 *db, const char *sql, int def)
{
	sqlite3_stmt *st = NULL;
	int			v = def;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Whether main holds a table (not a view) named name.  A lookup in the
 * connection's parsed schema: no scan of sqlite_master, whose size grows
 * with the application's tables (1,000 migrations' tables made every call
 * of covet's pay for a scan of 1,000 rows).
 */
static bool
table_exists(sqlite3 *db, const char *name)
{
	return sqlite3_table_column_metadata(db, "main", name, NULL, NULL, NULL,
										 NULL, NULL, NULL) == SQLITE_OK;
}

/*
 * The version covet's tables are at: 0 when there are none, 1 for
 * 0.1.0's (no covet_meta), else covet_meta's schema_version (-1 when that
 * row is missing or not a number: refused as unknown).
 */
static int
schema_version(SqliteCall *call)
{
	if (!table_exists(call->db, "covet_meta"))
		return table_exists(call->db, "covet_migrations") ? 1 : 0;
	return query_int(call->db, "SELECT CASE WHEN value GLOB '[1-9]*' AND value NOT GLOB '*[^0-9]*'"
					 " THEN CAST(value AS integer) END FROM covet_meta WHERE key = 'schema_version'", -1);
}

bool
covet_sqlite_schema_exists(SqliteCall *call)
{
	return schema_version(call) != 0;
}

/* The CREATE statement of table in schema_ddl, or NULL. */
static const char *
table_ddl(const char *table)
{
	const char *const *ddl;
	size_t		len = strlen(table);

	for (ddl = covet_dialect_sqlite.schema_ddl; *ddl != NULL; ddl++)
	{
		const char *p = strstr(*ddl, "EXISTS ");

		if (strncmp(*ddl, "CREATE TABLE", 12) == 0 && p != NULL &&
			strncmp(p + 7, table, len) == 0 && p[7 + len] == ' ')
			return *ddl;
	}
	return NULL;
}

static CovetStatus
exec_fmt(SqliteCall *call, CovetError *err, const char *fmt, const char *a, const char *b)
{
	char	   *sql = sqlite3_mprintf(fmt, a, b);
	CovetStatus rc;

	if (sql == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	rc = covet_sqlite_exec(call, sql, err);
	sqlite3_free(sql);
	return rc;
}

/* ALTER TABLE ADD COLUMN, unless a column of that name is there. */
static CovetStatus
add_column(SqliteCall *call, const CovetSchemaStep *s, CovetError *err)
{
	char	   *sql;
	int			have;
	size_t		len = strcspn(s->sql, " ");

	sql = sqlite3_mprintf("SELECT count(*) FROM pragma_table_info(%Q) WHERE name = '%.*q'",
						  s->table, (int) len, s->sql);
	if (sql == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	have = query_int(call->db, sql, 0);
	sqlite3_free(sql);
	if (have > 0)
		return COVET_OK;
	return exec_fmt(call, err, "ALTER TABLE %s ADD COLUMN %s", s->table, s->sql);
}

/* The table again from schema_ddl, with the rows of the columns both have. */
static CovetStatus
rebuild(SqliteCall *call, const CovetSchemaStep *s, CovetError *err)
{
	const char *ddl = table_ddl(s->table);
	sqlite3_stmt *st = NULL;
	char	   *cols = NULL;
	CovetStatus rc;

	if (ddl == NULL)
		return covet_error_set(err, COVET_ERR_INTERNAL, "no definition of covet table \"%s\"",
							   s->table);
	if ((rc = exec_fmt(call, err, "ALTER TABLE %s RENAME TO %s", s->table, OLD_TABLE)) != COVET_OK ||
		(rc = covet_sqlite_exec(call, ddl, err)) != COVET_OK)
		return rc;
	/* the columns of the new table that the old one has, in order */
	if (sqlite3_prepare_v2(call->db,
						   "SELECT group_concat('\"' || n.name || '\"', ', ') FROM pragma_table_info(?1) AS n"
						   " WHERE n.name IN (SELECT o.name FROM pragma_table_info('" OLD_TABLE "') AS o)",
						   -1, &st, NULL) != SQLITE_OK)
		return covet_error_set(err, COVET_ERR_SQL, "%s", sqlite3_errmsg(call->db));
	sqlite3_bind_text(st, 1, s->table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
		(cols = sqlite3_mprintf("%s", sqlite3_column_text(st, 0))) == NULL)
	{
		sqlite3_finalize(st);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	sqlite3_finalize(st);
	if (cols == NULL)
		return covet_error_set(err, COVET_ERR_INTERNAL, "covet table \"%s\" has no columns to copy",
							   s->table);
	{
		char	   *sql = sqlite3_mprintf("INSERT INTO %s (%s) SELECT %s FROM " OLD_TABLE,
										  s->table, cols, cols);

		sqlite3_free(cols);
		if (sql == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		rc = covet_sqlite_exec(call, sql, err);
		sqlite3_free(sql);
	}
	if (rc == COVET_OK)
		rc = covet_sqlite_exec(call, "DROP TABLE " OLD_TABLE, err);
	return rc;
}

/* Every step above version, schema_ddl, the new version. */
static CovetStatus
upgrade(SqliteCall *call, int version, CovetError *err)
{
	const CovetDialect *dl = &covet_dialect_sqlite;
	const CovetSchemaStep *s;
	const char *const *ddl;
	char		text[16];
	CovetStatus rc = COVET_OK;

	for (s = dl->schema_steps; version > 0 && rc == COVET_OK && s->version != 0; s++)
	{
		if (s->version <= version)
			continue;
		switch (s->kind)
		{
			case COVET_STEP_ADD_COLUMN:
				rc = add_column(call, s, err);
				break;
			case COVET_STEP_REBUILD:
				rc = rebuild(call, s, err);
				break;
			case COVET_STEP_SQL:
				rc = covet_sqlite_exec(call, s->sql, err);
				break;
		}
	}
	for (ddl = dl->schema_ddl; rc == COVET_OK && *ddl != NULL; ddl++)
		rc = covet_sqlite_exec(call, *ddl, err);
	snprintf(text, sizeof(text), "%d", dl->schema_version);
	if (rc == COVET_OK)
		rc = exec_fmt(call, err, "INSERT OR REPLACE INTO covet_meta (key, value)"
					  " VALUES ('schema_version', %Q)%s", text, "");
	if (rc != COVET_OK && version > 0 && err->code != COVET_ERR_NOMEM)
	{
		covet_error_prefix(err, "could not upgrade covet's tables from version %d: ", version);
		covet_error_hint(err, "Nothing was changed.");
	}
	return rc;
}

static CovetStatus
too_new(int version, CovetError *err)
{
	if (version < 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "covet_meta has no valid schema_version");
		covet_error_hint(err, "The table covet_meta belongs to covet; restore its row"
						 " ('schema_version', '%d') if these tables are covet %s's.",
						 covet_dialect_sqlite.schema_version, COVET_VERSION);
		return COVET_ERR_STATE;
	}
	covet_error_set(err, COVET_ERR_STATE, "covet's tables are at version %d and this library"
					" (covet %s) knows version %d", version, COVET_VERSION,
					covet_dialect_sqlite.schema_version);
	covet_error_hint(err, "A newer covet wrote this database; load that release's extension.");
	return COVET_ERR_STATE;
}

/*
 * For readers (covet_status): OK when the tables are at this library's
 * version; an older database is upgraded by the next call that writes.
 */
CovetStatus
covet_sqlite_schema_check(SqliteCall *call, CovetError *err)
{
	int			version = schema_version(call);
	int			current = covet_dialect_sqlite.schema_version;

	if (version == current || version == 0)
		return COVET_OK;
	if (version > current || version < 0)
		return too_new(version, err);
	covet_error_set(err, COVET_ERR_STATE, "covet's tables are at version %d and this library"
					" (covet %s) uses version %d", version, COVET_VERSION, current);
	covet_error_hint(err, "Any covet function that writes upgrades them, for example"
					 " SELECT covet_migrate_up(NULL, true); covet_status() only reads.");
	return COVET_ERR_STATE;
}

CovetStatus
covet_sqlite_ensure_schema(SqliteCall *call, CovetError *err)
{
	int			version = schema_version(call);
	int			current = covet_dialect_sqlite.schema_version;
	bool		own = sqlite3_get_autocommit(call->db) != 0;
	CovetStatus rc;
	CovetError	ignore;

	if (version == current)
		return COVET_OK;
	/*
	 * version < 0 is judged inside the transaction below: read outside one,
	 * a busy database (another connection creating the tables) looks the
	 * same as a missing row
	 */
	if (version > current)
		return too_new(version, err);
	if ((rc = covet_sqlite_exec(call, own ? "BEGIN IMMEDIATE" : "SAVEPOINT covet_schema", err)) != COVET_OK)
		return rc;
	/* another connection may have done it while this one waited */
	version = schema_version(call);
	if (version > current || version < 0)
		rc = too_new(version, err);
	else if (version < current)
		rc = upgrade(call, version, err);
	if (rc == COVET_OK)
		return covet_sqlite_exec(call, own ? "COMMIT" : "RELEASE covet_schema", err);
	{
		bool		busy = call->busy;

		if (own && !sqlite3_get_autocommit(call->db))
			covet_sqlite_exec(call, "ROLLBACK", &ignore);
		else if (!own)
		{
			covet_sqlite_exec(call, "ROLLBACK TO covet_schema", &ignore);
			covet_sqlite_exec(call, "RELEASE covet_schema", &ignore);
		}
		call->busy = busy;
	}
	return rc;
}
