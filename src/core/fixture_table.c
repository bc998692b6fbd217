/*-------------------------------------------------------------------------
 *
 * fixture_table.c
 *		Tables as fixtures see them: columns, kinds, primary key, the
 *		tables they reference; foreign-key order; template expansion.
 *
 * A table needs no primary key to be dumped or loaded (its records then
 * carry no "pk"), but on_conflict other than error needs one.  Generated
 * columns are left out both ways: they cannot be inserted.
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
covet_fx_table_free(CovetDriver *d, CovetFxTable *t)
{
	int			i;

	for (i = 0; t->cols != NULL && i < t->ncols; i++)
	{
		covet_free(&d->mem, t->cols[i]);
		covet_free(&d->mem, t->types[i]);
		covet_free(&d->mem, t->sql_types[i]);
	}
	for (i = 0; t->parents != NULL && i < t->nparents; i++)
		covet_free(&d->mem, t->parents[i]);
	covet_free(&d->mem, t->cols);
	covet_free(&d->mem, t->types);
	covet_free(&d->mem, t->sql_types);
	covet_free(&d->mem, t->kinds);
	covet_free(&d->mem, t->pk);
	covet_free(&d->mem, t->is_pk);
	covet_free(&d->mem, t->parents);
	covet_free(&d->mem, t->model);
	covet_free(&d->mem, t->lookup);
	covet_free(&d->mem, t->sql_name);
	memset(t, 0, sizeof(*t));
}

int
covet_fx_column(const CovetFxTable *t, const char *name, size_t len)
{
	int			i;

	for (i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i]) == len && memcmp(t->cols[i], name, len) == 0)
			return i;
	/* then ignoring ASCII case, as SQLite does */
	for (i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i]) == len && strncasecmp(t->cols[i], name, len) == 0)
			return i;
	return -1;
}

/* The name describe_sql takes: PostgreSQL quotes (and splits "s.t"). */
static CovetStatus
lookup_name(CovetDriver *d, const char *name, char **out, CovetError *err)
{
	CovetBuf	b;
	const char *dot = strchr(name, '.');

	covet_buf_init(&b, &d->mem);
	if (d->dialect->engine != COVET_ENGINE_POSTGRES)
		covet_buf_append(&b, name);
	else if (dot != NULL)
	{
		char	   *schema = covet_strndup(&d->mem, name, (size_t) (dot - name));

		if (schema == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_quote_ident(&b, schema);
		covet_buf_appendc(&b, '.');
		covet_quote_ident(&b, dot + 1);
		covet_free(&d->mem, schema);
	}
	else
		covet_quote_ident(&b, name);
	return covet_buf_finish(&b, out, err);
}

static CovetStatus
nomem(CovetError *err)
{
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

CovetStatus
covet_fx_table_get(CovetDriver *d, const char *name, CovetFxTable *t,
				   CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetResult res = {0};
	CovetBuf	b;
	const char *param;
	CovetStatus rc;
	int			i,
				n;

	memset(t, 0, sizeof(*t));
	if ((rc = lookup_name(d, name, &t->lookup, err)) != COVET_OK)
		return rc;
	param = t->lookup;
	if ((rc = covet_sql_run(d, dl->describe_sql, 1, &param, &res, err)) != COVET_OK)
		goto done;
	if (res.nrows == 0 || res.ncols < 7 ||
		!(strcmp(COVET_VALUE(&res, 0, 5), "r") == 0 || strcmp(COVET_VALUE(&res, 0, 5), "p") == 0 ||
		  strcmp(COVET_VALUE(&res, 0, 5), "table") == 0))
	{
		rc = covet_error_set(err, COVET_ERR_NOT_FOUND, "table \"%s\" does not exist", name);
		memcpy(err->sqlstate, "42P01", 6);
		goto done;
	}
	t->cols = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows);
	t->types = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows);
	t->sql_types = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows);
	t->kinds = covet_alloc0(&d->mem, sizeof(CovetFixtureKind) * (size_t) res.nrows);
	t->pk = covet_alloc0(&d->mem, sizeof(int) * (size_t) res.nrows);
	t->is_pk = covet_alloc0(&d->mem, sizeof(bool) * (size_t) res.nrows);
	if (t->cols == NULL || t->types == NULL || t->sql_types == NULL || t->kinds == NULL || t->pk == NULL ||
		t->is_pk == NULL)
	{
		rc = nomem(err);
		goto done;
	}
	for (i = 0; i < res.nrows; i++)
	{
		const char *gen = COVET_VALUE(&res, i, 6);
		const char *type = COVET_VALUE(&res, i, 3) ? COVET_VALUE(&res, i, 3) : "";
		const char *sql_type = res.ncols > 7 && COVET_VALUE(&res, i, 7) ? COVET_VALUE(&res, i, 7) : type;
		int			pos = atoi(COVET_VALUE(&res, i, 4));

		if (gen != NULL && strcmp(gen, "0") != 0)
			continue;
		n = t->ncols;
		t->cols[n] = covet_strdup(&d->mem, COVET_VALUE(&res, i, 2));
		t->types[n] = covet_strdup(&d->mem, type);
		t->sql_types[n] = covet_strdup(&d->mem, sql_type);
		if (t->cols[n] == NULL || t->types[n] == NULL || t->sql_types[n] == NULL)
		{
			covet_free(&d->mem, t->cols[n]);
			covet_free(&d->mem, t->types[n]);
			covet_free(&d->mem, t->sql_types[n]);
			rc = nomem(err);
			goto done;
		}
		t->kinds[n] = covet_fixture_kind(dl, type);
		if (pos > 0 && pos <= res.nrows)
		{
			t->pk[pos - 1] = n;
			t->is_pk[n] = true;
			if (pos > t->npk)
				t->npk = pos;
		}
		t->ncols++;
	}

	covet_buf_init(&b, &d->mem);
	if (dl->engine == COVET_ENGINE_POSTGRES)
	{
		covet_quote_ident(&b, COVET_VALUE(&res, 0, 0));
		covet_buf_appendc(&b, '.');
	}
	covet_quote_ident(&b, COVET_VALUE(&res, 0, 1));
	if ((rc = covet_buf_finish(&b, &t->sql_name, err)) != COVET_OK)
		goto done;
	if (dl->fixture->model_sql == NULL)
		t->model = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 1));
	else
	{
		CovetResult m = {0};

		if ((rc = covet_sql_run(d, dl->fixture->model_sql, 1, &param, &m, err)) != COVET_OK)
			goto done;
		if (m.nrows == 1 && COVET_VALUE(&m, 0, 0) != NULL)
			t->model = covet_strdup(&d->mem, COVET_VALUE(&m, 0, 0));
		else
			t->model = covet_strdup(&d->mem, name);
		covet_result_free(d, &m);
	}
	if (t->model == NULL)
	{
		rc = nomem(err);
		goto done;
	}
	covet_result_free(d, &res);

	/* the tables it references */
	if ((rc = covet_sql_run(d, dl->fixture->parents_sql, 1, &param, &res, err)) != COVET_OK)
		goto done;
	if (res.nrows > 0)
	{
		if ((t->parents = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows)) == NULL)
		{
			rc = nomem(err);
			goto done;
		}
		for (i = 0; i < res.nrows; i++)
		{
			if (COVET_VALUE(&res, i, 0) == NULL)
				continue;
			if ((t->parents[t->nparents] = covet_strdup(&d->mem, COVET_VALUE(&res, i, 0))) == NULL)
			{
				rc = nomem(err);
				goto done;
			}
			t->nparents++;
		}
	}
done:
	covet_result_free(d, &res);
	if (rc != COVET_OK)
		covet_fx_table_free(d, t);
	return rc;
}

static bool
same_model(const CovetDialect *dl, const char *a, const char *b)
{
	return dl->engine == COVET_ENGINE_SQLITE ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

CovetStatus
covet_fx_order(CovetDriver *d, CovetFxTable *const *tables, int n, int *order,
			   CovetError *err)
{
	CovetNode  *nodes;
	const char **deps;
	int			ndeps = 0,
				i,
				j,
				k;
	int		   *planned = NULL;
	CovetError	ignore;
	CovetStatus rc = COVET_OK;

	for (i = 0; i < n; i++)
		order[i] = i;
	if (n < 2)
		return COVET_OK;
	for (i = 0; i < n; i++)
		ndeps += tables[i]->nparents;
	nodes = covet_alloc0(&d->mem, sizeof(CovetNode) * (size_t) n);
	deps = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (ndeps + 1));
	if (nodes == NULL || deps == NULL)
	{
		covet_free(&d->mem, nodes);
		covet_free(&d->mem, deps);
		return nomem(err);
	}
	ndeps = 0;
	for (i = 0; i < n; i++)
	{
		nodes[i].name = tables[i]->model;
		nodes[i].deps = deps + ndeps;
		for (j = 0; j < tables[i]->nparents; j++)
		{
			const char *p = tables[i]->parents[j];

			if (same_model(d->dialect, p, tables[i]->model))
				continue;		/* a self-reference is checked per statement */
			for (k = 0; k < n; k++)
				if (same_model(d->dialect, p, tables[k]->model))
					break;
			if (k < n)
				deps[ndeps++] = tables[k]->model;
		}
		nodes[i].ndeps = (int) (deps + ndeps - nodes[i].deps);
	}
	/* a cycle of foreign keys: keep the order given; the engine decides */
	if (covet_plan_order(&d->mem, nodes, n, &planned, &ignore) == COVET_OK)
	{
		memcpy(order, planned, sizeof(int) * (size_t) n);
		covet_free(&d->mem, planned);
	}
	else if (ignore.code == COVET_ERR_NOMEM)
		rc = nomem(err);
	covet_free(&d->mem, nodes);
	covet_free(&d->mem, deps);
	return rc;
}

void
covet_fx_expand(CovetBuf *out, const CovetDialect *dl, const char *tmpl,
				const char *col, const char *table, const char *key,
				const char *type, const char *defs)
{
	const char *p;

	for (p = tmpl; *p; p++)
	{
		if (*p == '%' && p[1] != '\0' && strchr("CTKYDP", p[1]) != NULL)
		{
			switch (p[1])
			{
				case 'P':
					if (dl->func_prefix != NULL)
						covet_buf_append(out, dl->func_prefix);
					break;
				case 'C':
					covet_quote_ident(out, col);
					break;
				case 'T':
					covet_buf_append(out, table);
					break;
				case 'K':
					covet_buf_append(out, key);
					break;
				case 'Y':
					covet_buf_append(out, type);
					break;
				case 'D':
					covet_buf_append(out, defs);
					break;
			}
			p++;
		}
		else if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}')
		{
			covet_buf_append(out, dl->param_prefix);
			covet_buf_appendc(out, p[1]);
			p += 2;
		}
		else
			covet_buf_appendc(out, *p);
	}
}

CovetStatus
covet_fx_split(CovetMem *mem, const char *text, char ***names, int *n,
			   CovetError *err)
{
	const char *p;
	int			cap = 0,
				count = 0;
	char	  **list = NULL;

	*names = NULL;
	*n = 0;
	for (p = text; *p; p++)
		if (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n')
			cap++;
	cap += 1;
	if ((list = covet_alloc0(mem, sizeof(char *) * (size_t) cap)) == NULL)
		return nomem(err);
	p = text;
	while (*p)
	{
		size_t		len;

		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n')
			p++;
		len = strcspn(p, ", \t\n");
		if (len == 0)
			break;
		if ((list[count] = covet_strndup(mem, p, len)) == NULL)
		{
			while (count > 0)
				covet_free(mem, list[--count]);
			covet_free(mem, list);
			return nomem(err);
		}
		count++;
		p += len;
	}
	*names = list;
	*n = count;
	return COVET_OK;
}
