/*-------------------------------------------------------------------------
 *
 * fixture_fkcheck.c
 *		Foreign keys that would fail at COMMIT: found before it, so that the
 *		error names the record that broke one.
 *
 * A deferred foreign key (Django declares every one DEFERRABLE INITIALLY
 * DEFERRED, on both engines) is checked at COMMIT, where the engine only
 * says "FOREIGN KEY constraint failed" (SQLite) or names the constraint
 * (PostgreSQL).  After a load, for each table it loaded, covet looks for a
 * row whose key has no parent:
 *
 *     SELECT <pk>, <fk> FROM child AS c WHERE c.fk IS NOT NULL
 *         AND NOT EXISTS (SELECT 1 FROM parent AS p WHERE p.key = c.fk)
 *         LIMIT 1
 *
 * PostgreSQL: the DEFERRABLE foreign keys of the table (the others failed
 * at their INSERT already).  SQLite: every foreign key of the table, also
 * when PRAGMA foreign_keys is off (SQLite then checks none, and would keep
 * a row whose parent is missing; Django's loaddata checks the loaded tables
 * at its end on SQLite too, with connection.check_constraints, so both
 * engines refuse such a fixture), unless defer_foreign_keys is on (the
 * caller's transaction loads parents later, as the covet command's pieces
 * do; COMMIT checks), and in PostgreSQL unless covet.fixture_fk_check is
 * 'commit' (what the covet command sets for the same reason).  The
 * catalog queries differ per engine; the search is the same.  The loader
 * then finds the record (fixture_load.c) and words the error the same way
 * on both engines.
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

/* id, parent schema (NULL: visible), parent name, column, referenced column */
static const char *const fk_list_pg =
"SELECT CAST(k.oid AS pg_catalog.text),"
" CASE WHEN pg_catalog.pg_table_is_visible(p.oid) THEN NULL ELSE CAST(n.nspname AS pg_catalog.text) END,"
" CAST(p.relname AS pg_catalog.text), CAST(a.attname AS pg_catalog.text), CAST(b.attname AS pg_catalog.text)"
" FROM pg_catalog.pg_constraint k"
" JOIN pg_catalog.pg_class p ON p.oid OPERATOR(pg_catalog.=) k.confrelid"
" JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.relnamespace"
" CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(k.conkey), pg_catalog.unnest(k.confkey))"
" WITH ORDINALITY AS u(ck, pk, i)"
" JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid"
" AND a.attnum OPERATOR(pg_catalog.=) u.ck"
" JOIN pg_catalog.pg_attribute b ON b.attrelid OPERATOR(pg_catalog.=) k.confrelid"
" AND b.attnum OPERATOR(pg_catalog.=) u.pk"
" WHERE k.contype OPERATOR(pg_catalog.=) 'f' AND k.condeferrable"
" AND COALESCE(pg_catalog.current_setting('covet.fixture_fk_check', true), '')"
" OPERATOR(pg_catalog.<>) 'commit'"
" AND k.conrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass($1)"
" ORDER BY k.oid, u.i";

static const char *const fk_list_sqlite =
"SELECT f.id, NULL, f.\"table\", f.\"from\", f.\"to\""
" FROM pragma_foreign_key_list(?1) AS f"
" WHERE (SELECT defer_foreign_keys FROM pragma_defer_foreign_keys) = 0"
" ORDER BY f.id, f.seq";

void
covet_fx_fk_break_free(CovetDriver *d, CovetFxFkBreak *br)
{
	int			i;

	for (i = 0; br->pk != NULL && i < br->npk; i++)
		covet_free(&d->mem, br->pk[i]);
	covet_free(&d->mem, br->pk);
	covet_free(&d->mem, br->cols);
	covet_free(&d->mem, br->value);
	covet_free(&d->mem, br->parent);
	covet_free(&d->mem, br->field);
	memset(br, 0, sizeof(*br));
}

static CovetStatus
nomem(CovetError *err)
{
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

/* One foreign key (rows [from, to) of the list): a row that breaks it? */
static CovetStatus
check_one(CovetDriver *d, const CovetFxTable *t, CovetResult *fks, int from, int to,
		  bool *found, CovetFxFkBreak *br, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	const char *schema = COVET_VALUE(fks, from, 1);
	const char *parent = COVET_VALUE(fks, from, 2);
	CovetFxTable pt;
	bool		have_pt = false;
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res = {0};
	CovetStatus rc = COVET_OK;
	int			i,
				n = to - from;

	memset(&pt, 0, sizeof(pt));
	/* SQLite's "to" is NULL for the parent's primary key */
	for (i = from; i < to; i++)
		if (COVET_VALUE(fks, i, 4) == NULL)
		{
			if ((rc = covet_fx_table_get(d, parent, &pt, err)) != COVET_OK)
				return rc == COVET_ERR_NOT_FOUND ? COVET_OK : rc;
			have_pt = true;
			if (pt.npk != n)
			{
				covet_fx_table_free(d, &pt);
				return COVET_OK;	/* not a key SQLite could check either */
			}
			break;
		}

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	for (i = 0; i < t->npk; i++)
	{
		covet_buf_append(&b, "CAST(c.");
		covet_quote_ident(&b, t->cols[t->pk[i]]);
		covet_buf_append(&b, dl->engine == COVET_ENGINE_POSTGRES ? " AS pg_catalog.text), " : " AS text), ");
	}
	for (i = from; i < to; i++)
	{
		if (i > from)
			covet_buf_append(&b, ", ");
		covet_buf_append(&b, "CAST(c.");
		covet_quote_ident(&b, COVET_VALUE(fks, i, 3));
		covet_buf_append(&b, dl->engine == COVET_ENGINE_POSTGRES ? " AS pg_catalog.text)" : " AS text)");
	}
	covet_buf_appendf(&b, " FROM %s AS c WHERE ", t->sql_name);
	for (i = from; i < to; i++)
	{
		covet_buf_append(&b, "c.");
		covet_quote_ident(&b, COVET_VALUE(fks, i, 3));
		covet_buf_append(&b, " IS NOT NULL AND ");
	}
	covet_buf_append(&b, "NOT EXISTS (SELECT 1 FROM ");
	if (schema != NULL)
	{
		covet_quote_ident(&b, schema);
		covet_buf_appendc(&b, '.');
	}
	covet_quote_ident(&b, parent);
	covet_buf_append(&b, " AS p WHERE ");
	for (i = from; i < to; i++)
	{
		const char *ref = COVET_VALUE(fks, i, 4);

		if (i > from)
			covet_buf_append(&b, " AND ");
		covet_buf_append(&b, "p.");
		covet_quote_ident(&b, ref != NULL ? ref : pt.cols[pt.pk[i - from]]);
		covet_sql_op(&b, dl, "=");
		covet_buf_append(&b, "c.");
		covet_quote_ident(&b, COVET_VALUE(fks, i, 3));
	}
	covet_buf_append(&b, ") LIMIT 1");
	if (covet_buf_finish(&b, &sql, err) != COVET_OK)
	{
		rc = COVET_ERR_NOMEM;
		goto done;
	}
	if ((rc = d->query(d->ctx, sql, 0, NULL, &res, err)) != COVET_OK)
		goto done;
	if (res.nrows == 0)
		goto done;

	/* the row: its key, the columns and their values */
	*found = true;
	br->npk = t->npk;
	if (t->npk > 0 && (br->pk = covet_alloc0(&d->mem, sizeof(char *) * (size_t) t->npk)) == NULL)
	{
		rc = nomem(err);
		goto done;
	}
	for (i = 0; i < t->npk; i++)
	{
		br->pk[i] = COVET_VALUE(&res, 0, i);
		COVET_VALUE(&res, 0, i) = NULL;
	}
	covet_buf_init(&b, &d->mem);
	for (i = from; i < to; i++)
		covet_buf_appendf(&b, i > from ? ", %s" : "%s", COVET_VALUE(fks, i, 3));
	if (covet_buf_finish(&b, &br->cols, err) != COVET_OK)
	{
		rc = COVET_ERR_NOMEM;
		goto done;
	}
	covet_buf_init(&b, &d->mem);
	for (i = 0; i < n; i++)
		covet_buf_appendf(&b, i > 0 ? ", %s" : "%s", COVET_VALUE(&res, 0, t->npk + i));
	if (covet_buf_finish(&b, &br->value, err) != COVET_OK)
	{
		rc = COVET_ERR_NOMEM;
		goto done;
	}
	covet_buf_init(&b, &d->mem);
	if (schema != NULL)
		covet_buf_appendf(&b, "%s.", schema);
	covet_buf_append(&b, parent);
	if (covet_buf_finish(&b, &br->parent, err) != COVET_OK)
	{
		rc = COVET_ERR_NOMEM;
		goto done;
	}
	if ((br->field = covet_strdup(&d->mem, COVET_VALUE(fks, from, 3))) == NULL)
		rc = nomem(err);

done:
	covet_result_free(d, &res);
	covet_free(&d->mem, sql);
	if (have_pt)
		covet_fx_table_free(d, &pt);
	return rc;
}

CovetStatus
covet_fx_fk_find(CovetDriver *d, const CovetFxTable *t, bool *found,
				 CovetFxFkBreak *br, CovetError *err)
{
	CovetResult fks = {0};
	const char *param = t->lookup;
	CovetStatus rc;
	int			i,
				start = 0;

	*found = false;
	memset(br, 0, sizeof(*br));
	rc = d->query(d->ctx, d->dialect->engine == COVET_ENGINE_POSTGRES ? fk_list_pg : fk_list_sqlite,
				  1, &param, &fks, err);
	if (rc != COVET_OK)
		return rc;
	for (i = 1; i <= fks.nrows && rc == COVET_OK && !*found; i++)
	{
		if (i < fks.nrows && COVET_VALUE(&fks, i, 0) != NULL && COVET_VALUE(&fks, start, 0) != NULL &&
			strcmp(COVET_VALUE(&fks, i, 0), COVET_VALUE(&fks, start, 0)) == 0)
			continue;
		if (COVET_VALUE(&fks, start, 2) != NULL && COVET_VALUE(&fks, start, 3) != NULL)
			rc = check_one(d, t, &fks, start, i, found, br, err);
		start = i;
	}
	covet_result_free(d, &fks);
	if (rc != COVET_OK)
		covet_fx_fk_break_free(d, br);
	return rc;
}
