/*-------------------------------------------------------------------------
 *
 * fixture_names.c
 *		Django's names in fixtures: which table a model is, which column a
 *		foreign-key field is, which row a natural key is.
 *
 * A record's "model": "blog.post" is the table named exactly so if there
 * is one, else Django's default table "blog_post" (app label, underscore,
 * model name, lower case; Django's own models by their db_table, as
 * "contenttypes.contenttype" -> "django_content_type"); a model_map argument ({"auth.user": "users"})
 * names any other table, and then only that one is tried.  A field
 * "author" that is no column is the column "author_id" when that is a
 * one-column foreign key.  A value that is a list where a foreign key
 * expects a scalar is a natural key: the values of the first unique index
 * of the referenced table with that many columns (non-primary ones first,
 * oldest first), in order, and the row found gives the referenced column.
 *
 *		SELECT covet_loaddata(:'fixture', model_map => '{"auth.user": "users"}');
 *
 * The loader (fixture_load.c) asks here lazily: a fixture in covet's own
 * shape runs none of these queries.  Everything is read through the
 * dialect's catalog queries (fks_sql, uniques_sql in fixture_sql.c).
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"
#include "seed_json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static CovetStatus
nomem(CovetError *err)
{
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

CovetStatus
covet_fixture_style(const char *name, CovetFixtureStyle *out, CovetError *err)
{
	if (name == NULL || strcasecmp(name, "covet") == 0)
		*out = COVET_STYLE_COVET;
	else if (strcasecmp(name, "django") == 0)
		*out = COVET_STYLE_DJANGO;
	else
	{
		covet_error_set(err, COVET_ERR_INVALID, "unknown style \"%s\"", name);
		covet_error_hint(err, "The styles are covet and django.");
		memcpy(err->sqlstate, "22023", 6);
		return COVET_ERR_INVALID;
	}
	return COVET_OK;
}

/* --- model_map ---------------------------------------------------------------- */

static CovetStatus
map_error(CovetError *err, const char *why)
{
	covet_error_set(err, COVET_ERR_INVALID, "invalid model_map: %s", why);
	covet_error_hint(err, "model_map is a JSON object of model names to table names, as {\"auth.user\": \"users\"}.");
	memcpy(err->sqlstate, "22023", 6);
	return COVET_ERR_INVALID;
}

CovetStatus
covet_fx_map_parse(CovetMem *mem, const char *json, CovetFxMap *map, CovetError *err)
{
	CovetJson  *j = NULL;
	CovetError	e;
	CovetStatus rc;
	int			i;

	memset(map, 0, sizeof(*map));
	if (json == NULL)
		return COVET_OK;
	if ((rc = covet_json_parse(mem, json, &j, &e)) != COVET_OK)
	{
		const char *why = e.message;

		if (rc == COVET_ERR_NOMEM)
		{
			*err = e;
			return rc;
		}
		if (strncmp(why, "invalid spec: ", 14) == 0)
			why += 14;
		return map_error(err, why);
	}
	if (j->type != COVET_JSON_OBJECT)
	{
		covet_json_free(mem, j);
		return map_error(err, "not a JSON object");
	}
	map->models = covet_alloc0(mem, sizeof(char *) * (size_t) (j->n + 1));
	map->tables = covet_alloc0(mem, sizeof(char *) * (size_t) (j->n + 1));
	if (map->models == NULL || map->tables == NULL)
	{
		covet_json_free(mem, j);
		covet_fx_map_free(mem, map);
		return nomem(err);
	}
	for (i = 0; i < j->n; i++)
	{
		if (j->items[i]->type != COVET_JSON_STRING || j->items[i]->text[0] == '\0')
		{
			char		why[300];

			snprintf(why, sizeof(why), "the table of model \"%.200s\" is not a non-empty string", j->keys[i]);
			covet_json_free(mem, j);
			covet_fx_map_free(mem, map);
			return map_error(err, why);
		}
		map->models[i] = covet_strdup(mem, j->keys[i]);
		map->tables[i] = covet_strdup(mem, j->items[i]->text);
		map->n = i + 1;
		if (map->models[i] == NULL || map->tables[i] == NULL)
		{
			covet_json_free(mem, j);
			covet_fx_map_free(mem, map);
			return nomem(err);
		}
	}
	covet_json_free(mem, j);
	return COVET_OK;
}

void
covet_fx_map_free(CovetMem *mem, CovetFxMap *map)
{
	int			i;

	for (i = 0; i < map->n; i++)
	{
		covet_free(mem, map->models[i]);
		covet_free(mem, map->tables[i]);
	}
	covet_free(mem, map->models);
	covet_free(mem, map->tables);
	memset(map, 0, sizeof(*map));
}

/* Django compares model names without case. */
const char *
covet_fx_map_table(const CovetFxMap *map, const char *model)
{
	int			i;

	for (i = 0; i < map->n; i++)
		if (strcasecmp(map->models[i], model) == 0)
			return map->tables[i];
	return NULL;
}

const char *
covet_fx_map_model(const CovetFxMap *map, const char *table)
{
	int			i;

	for (i = 0; i < map->n; i++)
		if (strcmp(map->tables[i], table) == 0)
			return map->models[i];
	return NULL;
}

/* Django's own models whose db_table is not "<app>_<model>" */
static const char *const contrib_tables[][2] = {
	{"contenttypes.contenttype", "django_content_type"},
	{"sessions.session", "django_session"},
	{"sites.site", "django_site"},
	{"admin.logentry", "django_admin_log"},
	{"flatpages.flatpage", "django_flatpage"},
	{"redirects.redirect", "django_redirect"},
};

char *
covet_fx_django_table(CovetMem *mem, const char *model)
{
	const char *dot = strchr(model, '.');
	char	   *out,
			   *p;
	size_t		i;

	for (i = 0; i < sizeof(contrib_tables) / sizeof(contrib_tables[0]); i++)
		if (strcasecmp(model, contrib_tables[i][0]) == 0)
			return covet_strdup(mem, contrib_tables[i][1]);
	if (dot == NULL || dot == model || dot[1] == '\0' || strchr(dot + 1, '.') != NULL)
		return NULL;
	if ((out = covet_strdup(mem, model)) == NULL)
		return NULL;
	for (p = out; *p; p++)
		*p = *p == '.' ? '_' : (char) tolower((unsigned char) *p);
	return out;
}

char *
covet_fx_django_model(CovetMem *mem, const char *table)
{
	const char *us = strchr(table, '_');
	char	   *out;
	size_t		i;

	for (i = 0; i < sizeof(contrib_tables) / sizeof(contrib_tables[0]); i++)
		if (strcmp(table, contrib_tables[i][1]) == 0)
			return covet_strdup(mem, contrib_tables[i][0]);
	if ((out = covet_strdup(mem, table)) == NULL)
		return NULL;
	if (us != NULL && us != table && us[1] != '\0' && strchr(table, '.') == NULL)
		out[us - table] = '.';
	return out;
}

/* --- foreign keys and unique indexes -------------------------------------------- */

void
covet_fx_links_free(CovetDriver *d, CovetFxLinks *l)
{
	int			i;

	for (i = 0; i < l->nfks; i++)
	{
		covet_free(&d->mem, l->fks[i].target);
		covet_free(&d->mem, l->fks[i].ref);
	}
	for (i = 0; i < l->nuniq; i++)
		covet_free(&d->mem, l->uniq[i].cols);
	covet_free(&d->mem, l->fks);
	covet_free(&d->mem, l->uniq);
	memset(l, 0, sizeof(*l));
}

static CovetStatus
read_fks(CovetDriver *d, const CovetFxTable *t, CovetFxLinks *l, CovetError *err)
{
	CovetResult res = {0};
	const char *param = t->lookup;
	CovetStatus rc;
	int			i;

	if ((rc = covet_sql_run(d, d->dialect->fixture->fks_sql, 1, &param, &res, err)) != COVET_OK)
		return rc;
	if (res.nrows > 0 && (l->fks = covet_alloc0(&d->mem, sizeof(CovetFxFk) * (size_t) res.nrows)) == NULL)
		rc = nomem(err);
	for (i = 0; rc == COVET_OK && i < res.nrows; i++)
	{
		const char *col = COVET_VALUE(&res, i, 0);
		const char *target = COVET_VALUE(&res, i, 1);
		const char *ref = COVET_VALUE(&res, i, 2);
		CovetFxFk  *f = &l->fks[l->nfks];

		if (col == NULL || target == NULL)
			continue;
		if ((f->col = covet_fx_column(t, col, strlen(col))) < 0)
			continue;
		f->target = covet_strdup(&d->mem, target);
		f->ref = ref != NULL ? covet_strdup(&d->mem, ref) : NULL;
		l->nfks++;
		if (f->target == NULL || (ref != NULL && f->ref == NULL))
			rc = nomem(err);
	}
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
read_uniques(CovetDriver *d, const CovetFxTable *t, CovetFxLinks *l, CovetError *err)
{
	CovetResult res = {0};
	const char *param = t->lookup;
	CovetStatus rc;
	int			i,
				start;

	if ((rc = covet_sql_run(d, d->dialect->fixture->uniques_sql, 1, &param, &res, err)) != COVET_OK)
		return rc;
	if (res.nrows > 0 && (l->uniq = covet_alloc0(&d->mem, sizeof(CovetFxUnique) * (size_t) res.nrows)) == NULL)
		rc = nomem(err);
	for (start = 0; rc == COVET_OK && start < res.nrows; start = i)
	{
		CovetFxUnique *u = &l->uniq[l->nuniq];
		bool		usable = true;
		int			k;

		for (i = start; i < res.nrows && strcmp(COVET_VALUE(&res, i, 0), COVET_VALUE(&res, start, 0)) == 0; i++)
			;
		if ((u->cols = covet_alloc0(&d->mem, sizeof(int) * (size_t) (i - start))) == NULL)
		{
			rc = nomem(err);
			break;
		}
		for (k = start; k < i; k++)
		{
			const char *col = COVET_VALUE(&res, k, 1);
			int			c = col != NULL ? covet_fx_column(t, col, strlen(col)) : -1;

			if (c < 0)
				usable = false;
			else
				u->cols[u->ncols++] = c;
		}
		u->primary = COVET_VALUE(&res, start, 2) != NULL && strcmp(COVET_VALUE(&res, start, 2), "1") == 0;
		if (usable)
			l->nuniq++;
		else
		{
			covet_free(&d->mem, u->cols);
			memset(u, 0, sizeof(*u));
		}
	}
	covet_result_free(d, &res);
	return rc;
}

CovetStatus
covet_fx_links_get(CovetDriver *d, const CovetFxTable *t, CovetFxLinks *l, CovetError *err)
{
	CovetStatus rc;

	if (l->loaded)
		return COVET_OK;
	if ((rc = read_fks(d, t, l, err)) == COVET_OK)
		rc = read_uniques(d, t, l, err);
	if (rc != COVET_OK)
	{
		covet_fx_links_free(d, l);
		return rc;
	}
	l->loaded = true;
	return COVET_OK;
}

const CovetFxFk *
covet_fx_fk_of(const CovetFxLinks *l, int col)
{
	int			i;

	for (i = 0; i < l->nfks; i++)
		if (l->fks[i].col == col)
			return &l->fks[i];
	return NULL;
}

const CovetFxUnique *
covet_fx_unique_of(const CovetFxLinks *l, int ncols)
{
	int			i;

	/* non-primary ones come first (uniques_sql) */
	for (i = 0; i < l->nuniq; i++)
		if (l->uniq[i].ncols == ncols)
			return &l->uniq[i];
	return NULL;
}

/* --- natural keys --------------------------------------------------------------- */

CovetStatus
covet_fx_natural_find(CovetDriver *d, const CovetFxTable *t, const CovetFxUnique *u,
					  int ref, const char *const *vals, char **out, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetResult res = {0};
	CovetBuf	b;
	char	   *sql = NULL;
	char		param[16];
	CovetStatus rc;
	int			i;

	*out = NULL;
	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	covet_quote_ident(&b, t->cols[ref]);
	covet_buf_appendf(&b, " FROM %s WHERE ", t->sql_name);
	for (i = 0; i < u->ncols; i++)
	{
		if (i > 0)
			covet_buf_append(&b, " AND ");
		snprintf(param, sizeof(param), "%s%d", dl->param_prefix, i + 1);
		covet_fx_expand(&b, dl, dl->fixture->key_eq, t->cols[u->cols[i]], t->sql_name, param,
						t->sql_types[u->cols[i]], NULL);
	}
	covet_buf_append(&b, " LIMIT 2");
	if (covet_buf_finish(&b, &sql, err) != COVET_OK)
		return COVET_ERR_NOMEM;
	rc = d->query(d->ctx, sql, u->ncols, vals, &res, err);
	covet_free(&d->mem, sql);
	if (rc != COVET_OK)
		return rc;
	if (res.nrows >= 1 && COVET_VALUE(&res, 0, 0) != NULL &&
		(*out = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 0))) == NULL)
		rc = nomem(err);
	covet_result_free(d, &res);
	return rc;
}
