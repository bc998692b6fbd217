/*-------------------------------------------------------------------------
 *
 * catalog.c
 *		Read a schema into the catalog model (catalog.h) through the
 *		engine's query set (catalog_sql.c); resolve names.
 *
 * The reader runs each query of the set once for the whole schema (not a
 * query per table: a 100-table schema is a dozen queries), then sorts the
 * rows into their tables.  Every string it keeps is copied into the
 * catalog's arena; the driver's result sets are freed as it goes.
 *
 * In PostgreSQL the queries run with search_path set to the schema alone
 * (the query set's before and after), restored when the read ends,
 * whether it succeeds or not.
 *
 *-------------------------------------------------------------------------
 */
#include "catalog.h"
#include "seed_json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------
 * The arena
 * ---------------------------------------------------------------------
 */
struct CovetArenaBlock
{
	CovetArenaBlock *next;
	size_t		used;
	size_t		cap;
	/* data follows, aligned */
};

#define ARENA_ALIGN 16
#define ARENA_HEAD ((sizeof(CovetArenaBlock) + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1))
#define ARENA_BLOCK 65536

void
covet_arena_init(CovetArena *a, CovetMem *mem)
{
	a->mem = mem;
	a->blocks = NULL;
	a->failed = false;
}

void *
covet_arena_alloc(CovetArena *a, size_t size)
{
	CovetArenaBlock *b = a->blocks;
	char	   *p;

	size = (size + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (b == NULL || b->cap - b->used < size)
	{
		size_t		cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;

		b = covet_alloc(a->mem, ARENA_HEAD + cap);
		if (b == NULL)
		{
			a->failed = true;
			return NULL;
		}
		b->cap = cap;
		b->used = 0;
		/* a large allocation goes behind the current block */
		if (cap != ARENA_BLOCK && a->blocks != NULL)
		{
			b->next = a->blocks->next;
			a->blocks->next = b;
		}
		else
		{
			b->next = a->blocks;
			a->blocks = b;
		}
	}
	p = (char *) b + ARENA_HEAD + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *
covet_arena_strdup(CovetArena *a, const char *s)
{
	size_t		n;
	char	   *p;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if ((p = covet_arena_alloc(a, n + 1)) != NULL)
		memcpy(p, s, n + 1);
	return p;
}

void
covet_arena_free(CovetArena *a)
{
	while (a->blocks != NULL)
	{
		CovetArenaBlock *next = a->blocks->next;

		covet_free(a->mem, a->blocks);
		a->blocks = next;
	}
}

/* ---------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------
 */

/*
 * One identifier at *pp: quoted ("..", and in SQLite [..] and `..`) or
 * bare (letters, digits, _ and $, and bytes above 127).  Its text goes to
 * buf (folded when bare and fold).  false: none there, or unclosed.
 */
static bool
ident_scan(const char **pp, CovetEngine engine, bool fold, CovetBuf *buf)
{
	const char *p = *pp;

	if (*p == '"' || (engine == COVET_ENGINE_SQLITE && (*p == '[' || *p == '`')))
	{
		char		close = *p == '[' ? ']' : *p;

		p++;
		for (;;)
		{
			if (*p == '\0')
				return false;
			if (*p == close)
			{
				if (close != ']' && p[1] == close)
				{
					covet_buf_appendc(buf, close);
					p += 2;
					continue;
				}
				break;
			}
			covet_buf_appendc(buf, *p++);
		}
		*pp = p + 1;
		return true;
	}
	if (!(isalpha((unsigned char) *p) || *p == '_' || (unsigned char) *p >= 128))
		return false;
	while (isalnum((unsigned char) *p) || *p == '_' || *p == '$' || (unsigned char) *p >= 128)
	{
		char		c = *p++;

		if (fold && c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		covet_buf_appendc(buf, c);
	}
	*pp = p;
	return true;
}

static const char *
skip_space(const char *p)
{
	for (;;)
	{
		while (isspace((unsigned char) *p))
			p++;
		if (p[0] == '-' && p[1] == '-')
		{
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*')
		{
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
			continue;
		}
		return p;
	}
}

CovetStatus
covet_catalog_name_parse(CovetMem *mem, CovetEngine engine, const char *what,
						 const char *name, char **schema, char **object,
						 CovetError *err)
{
	CovetBuf	parts[2];
	const char *p = name;
	int			n = 0;
	CovetStatus rc = COVET_OK;
	bool		fold = engine == COVET_ENGINE_POSTGRES;

	*schema = *object = NULL;
	covet_buf_init(&parts[0], mem);
	covet_buf_init(&parts[1], mem);
	while (isspace((unsigned char) *p))
		p++;
	for (;;)
	{
		if (n == 2 || !ident_scan(&p, engine, fold, &parts[n]) || parts[n].len == 0)
		{
			rc = COVET_ERR_INVALID;
			break;
		}
		n++;
		if (*p != '.')
			break;
		p++;
	}
	while (rc == COVET_OK && isspace((unsigned char) *p))
		p++;
	if (rc == COVET_OK && *p != '\0')
		rc = COVET_ERR_INVALID;
	if (rc != COVET_OK)
	{
		covet_buf_free(&parts[0]);
		covet_buf_free(&parts[1]);
		covet_error_set(err, COVET_ERR_INVALID, "invalid %s name \"%s\"", what, name);
		covet_error_detail(err, "A name is an identifier, or a schema and an identifier joined by a dot; either may be quoted.");
		return COVET_ERR_INVALID;
	}
	if (n == 2)
	{
		if ((rc = covet_buf_finish(&parts[0], schema, err)) != COVET_OK)
		{
			covet_buf_free(&parts[1]);
			return rc;
		}
		if ((rc = covet_buf_finish(&parts[1], object, err)) != COVET_OK)
		{
			covet_free(mem, *schema);
			*schema = NULL;
		}
		return rc;
	}
	covet_buf_free(&parts[1]);
	return covet_buf_finish(&parts[0], object, err);
}

CovetStatus
covet_catalog_resolve(CovetDriver *d, const char *what, const char *name,
					  char **schema, char **object, CovetError *err)
{
	const CovetCatalogSql *q = covet_catalog_sql(d->dialect);
	char	   *sch = NULL,
			   *obj = NULL;
	CovetBuf	b,
				qn;
	CovetResult res;
	CovetStatus rc;
	char	   *sql = NULL,
			   *qname = NULL;
	const char *params[2];

	*schema = *object = NULL;
	memset(&res, 0, sizeof(res));
	if ((rc = covet_catalog_name_parse(&d->mem, d->dialect->engine, what, name,
									   &sch, &obj, err)) != COVET_OK)
		return rc;
	covet_buf_init(&b, &d->mem);
	covet_sql_expand(d->dialect, &b, q->resolve);
	covet_buf_init(&qn, &d->mem);
	if (d->dialect->engine == COVET_ENGINE_POSTGRES)
	{
		if (sch != NULL)
		{
			covet_quote_ident(&qn, sch);
			covet_buf_appendc(&qn, '.');
		}
		covet_quote_ident(&qn, obj);
	}
	else
		covet_buf_append(&qn, obj);
	if ((rc = covet_buf_finish(&b, &sql, err)) == COVET_OK &&
		(rc = covet_buf_finish(&qn, &qname, err)) == COVET_OK)
	{
		params[0] = sch;
		params[1] = qname;
		rc = d->query(d->ctx, sql, 2, params, &res, err);
	}
	if (rc == COVET_OK && res.nrows == 0)
		rc = covet_error_set(err, COVET_ERR_NOT_FOUND, "%s \"%s\" does not exist", what, name);
	if (rc == COVET_OK &&
		((*schema = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 0))) == NULL ||
		 (*object = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 1))) == NULL))
	{
		covet_free(&d->mem, *schema);
		*schema = NULL;
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	covet_result_free(d, &res);
	covet_buf_free(&b);
	covet_buf_free(&qn);
	covet_free(&d->mem, sql);
	covet_free(&d->mem, qname);
	covet_free(&d->mem, sch);
	covet_free(&d->mem, obj);
	return rc;
}

CovetStatus
covet_catalog_create_rename(CovetMem *mem, const char *sql, const char *schema,
							const char *name, char **out, CovetError *err)
{
	static const char *const kinds[] = {"TABLE", "VIEW", "INDEX", "TRIGGER", NULL};
	const char *p = skip_space(sql);
	const char *start;
	CovetBuf	word,
				last,
				b;
	bool		ok = false;
	int			i;

	covet_buf_init(&word, mem);
	covet_buf_init(&last, mem);
	/* CREATE [TEMP|TEMPORARY] [UNIQUE] kind [IF NOT EXISTS] */
	for (i = 0; i < 6; i++)
	{
		const char *save = p;
		int			k;
		bool		kind = false;

		covet_buf_reset(&word);
		if (!ident_scan(&p, COVET_ENGINE_POSTGRES, true, &word) || word.failed)
			break;
		p = skip_space(p);
		if (i == 0)
		{
			if (strcmp(word.data, "create") != 0)
				break;
			continue;
		}
		for (k = 0; kinds[k] != NULL; k++)
			if (strcasecmp(word.data, kinds[k]) == 0)
				kind = true;
		if (kind)
		{
			ok = true;
			break;
		}
		if (strcmp(word.data, "temp") != 0 && strcmp(word.data, "temporary") != 0 &&
			strcmp(word.data, "unique") != 0 && strcmp(word.data, "or") != 0 &&
			strcmp(word.data, "replace") != 0)
		{
			p = save;
			break;
		}
	}
	if (ok && strncasecmp(p, "IF", 2) == 0 && isspace((unsigned char) p[2]))
	{
		const char *q = skip_space(p + 2);

		if (strncasecmp(q, "NOT", 3) == 0 && isspace((unsigned char) q[3]))
		{
			q = skip_space(q + 3);
			if (strncasecmp(q, "EXISTS", 6) == 0)
				p = skip_space(q + 6);
		}
	}
	start = p;
	if (ok)
	{
		ok = ident_scan(&p, COVET_ENGINE_SQLITE, false, &last);
		if (ok && *p == '.')
		{
			p++;
			covet_buf_reset(&last);
			ok = ident_scan(&p, COVET_ENGINE_SQLITE, false, &last);
		}
	}
	covet_buf_free(&word);
	if (!ok || last.failed)
	{
		covet_buf_free(&last);
		return covet_error_set(err, COVET_ERR_INVALID, "not a CREATE statement covet can rename: %.60s", sql);
	}
	covet_buf_init(&b, mem);
	covet_buf_appendn(&b, sql, (size_t) (start - sql));
	if (schema != NULL)
	{
		covet_quote_ident(&b, schema);
		covet_buf_appendc(&b, '.');
	}
	covet_quote_ident(&b, name ? name : last.data);
	covet_buf_append(&b, p);
	covet_buf_free(&last);
	return covet_buf_finish(&b, out, err);
}

/* ---------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------
 */
typedef struct Reader
{
	CovetDriver *d;
	const CovetCatalogSql *q;
	CovetCatalog *cat;
	const char *schema;
	char	   *quoted;			/* the schema, quoted */
	CovetError *err;
} Reader;

#define V(res, r, c) COVET_VALUE(res, r, c)

static CovetStatus
nomem(CovetError *err)
{
	return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
}

/* Run a query of the set: %D the quoted schema, {1} the schema. */
static CovetStatus
run(Reader *r, const char *tmpl, CovetResult *res)
{
	CovetBuf	pre,
				b;
	const char *p;
	char	   *sql = NULL;
	CovetStatus rc;
	const char *params[1];

	memset(res, 0, sizeof(*res));
	covet_buf_init(&pre, &r->d->mem);
	for (p = tmpl; *p; p++)
	{
		if (p[0] == '%' && p[1] == 'D')
		{
			covet_buf_append(&pre, r->quoted);
			p++;
		}
		else
			covet_buf_appendc(&pre, *p);
	}
	if (pre.failed)
	{
		covet_buf_free(&pre);
		return nomem(r->err);
	}
	covet_buf_init(&b, &r->d->mem);
	covet_sql_expand(r->d->dialect, &b, pre.data);
	covet_buf_free(&pre);
	if ((rc = covet_buf_finish(&b, &sql, r->err)) != COVET_OK)
		return rc;
	params[0] = r->schema;
	rc = r->d->query(r->d->ctx, sql, strstr(tmpl, "{1}") ? 1 : 0, params, res, r->err);
	covet_free(&r->d->mem, sql);
	return rc;
}

static char *
dup(Reader *r, const char *s)
{
	return covet_arena_strdup(&r->cat->arena, s);
}

static bool
truth(const char *v)
{
	return v != NULL && (strcmp(v, "t") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static int64_t
num(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

/* A JSON array of strings (and nulls) into the arena. */
static CovetStatus
json_list(Reader *r, const char *text, int *n, char ***out)
{
	CovetJson  *j = NULL;
	CovetStatus rc;
	int			i;

	*n = 0;
	*out = NULL;
	if (text == NULL)
		return COVET_OK;
	if ((rc = covet_json_parse(&r->d->mem, text, &j, r->err)) != COVET_OK)
		return rc;
	if (j->type == COVET_JSON_ARRAY && j->n > 0)
	{
		*out = covet_arena_alloc(&r->cat->arena, sizeof(char *) * (size_t) j->n);
		for (i = 0; *out != NULL && i < j->n; i++)
			(*out)[i] = j->items[i]->type == COVET_JSON_NULL ? NULL : dup(r, j->items[i]->text);
		*n = j->n;
	}
	covet_json_free(&r->d->mem, j);
	return r->cat->arena.failed ? nomem(r->err) : COVET_OK;
}

static int
cmp_table(const void *a, const void *b)
{
	return strcmp(((const CovetCatTable *) a)->name, ((const CovetCatTable *) b)->name);
}

static int
table_index(const CovetCatalog *cat, const char *name)
{
	int			lo = 0,
				hi = cat->ntables - 1;

	if (name == NULL)
		return -1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(cat->tables[mid].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

CovetCatTable *
covet_catalog_table(const CovetCatalog *cat, const char *name)
{
	int			i = table_index(cat, name);

	return i < 0 ? NULL : &cat->tables[i];
}

CovetCatView *
covet_catalog_view(const CovetCatalog *cat, const char *name)
{
	int			i;

	for (i = 0; i < cat->nviews; i++)
		if (strcmp(cat->views[i].name, name) == 0)
			return &cat->views[i];
	return NULL;
}

int
covet_catalog_column_index(const CovetCatTable *t, const char *name)
{
	int			i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

CovetCatColumn *
covet_catalog_column(const CovetCatTable *t, const char *name)
{
	int			i = covet_catalog_column_index(t, name);

	return i < 0 ? NULL : &t->cols[i];
}

static CovetStatus
read_tables(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if ((rc = run(r, r->q->tables, &res)) != COVET_OK)
		return rc;
	cat->ntables = res.nrows;
	cat->tables = covet_arena_alloc(&cat->arena, sizeof(CovetCatTable) * (size_t) (res.nrows + 1));
	for (i = 0; cat->tables != NULL && i < res.nrows; i++)
	{
		CovetCatTable *t = &cat->tables[i];

		t->name = dup(r, V(&res, i, 0));
		t->comment = dup(r, V(&res, i, 1));
		t->rows = V(&res, i, 2) ? num(V(&res, i, 2)) : -1;
		t->create_sql = dup(r, V(&res, i, 3));
		t->without_rowid = truth(V(&res, i, 4));
		t->strict = truth(V(&res, i, 5));
		t->autoincrement = truth(V(&res, i, 6));
	}
	covet_result_free(r->d, &res);
	if (cat->arena.failed)
		return nomem(r->err);
	qsort(cat->tables, (size_t) cat->ntables, sizeof(CovetCatTable), cmp_table);
	return COVET_OK;
}

/*
 * Rows of a per-table query: count them per table (column 0), give each
 * table an array of n items of size, and call fill for each row.
 */
typedef void (*FillFn) (Reader *r, CovetCatTable *t, CovetResult *res, int row);

static CovetStatus
per_table(Reader *r, const char *tmpl, size_t size, size_t count_off,
		  size_t array_off, FillFn fill)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int		   *counts;
	int			i;

	if ((rc = run(r, tmpl, &res)) != COVET_OK)
		return rc;
	counts = covet_arena_alloc(&cat->arena, sizeof(int) * (size_t) (cat->ntables + 1));
	for (i = 0; counts != NULL && i < res.nrows; i++)
	{
		int			t = table_index(cat, V(&res, i, 0));

		if (t >= 0)
			counts[t]++;
	}
	for (i = 0; counts != NULL && i < cat->ntables; i++)
	{
		char	   *tb = (char *) &cat->tables[i];

		if (counts[i] > 0)
			*(void **) (tb + array_off) = covet_arena_alloc(&cat->arena, size * (size_t) counts[i]);
	}
	for (i = 0; counts != NULL && !cat->arena.failed && i < res.nrows; i++)
	{
		int			t = table_index(cat, V(&res, i, 0));

		if (t >= 0)
		{
			fill(r, &cat->tables[t], &res, i);
			(*(int *) ((char *) &cat->tables[t] + count_off))++;
		}
	}
	covet_result_free(r->d, &res);
	if (cat->arena.failed || counts == NULL)
		return nomem(r->err);
	return COVET_OK;
}

static void
fill_column(Reader *r, CovetCatTable *t, CovetResult *res, int i)
{
	CovetCatColumn *c = &t->cols[t->ncols];
	const char *v;

	c->name = dup(r, V(res, i, 1));
	c->type = dup(r, V(res, i, 2) ? V(res, i, 2) : "");
	c->cast_type = dup(r, V(res, i, 3) ? V(res, i, 3) : "");
	c->default_expr = dup(r, V(res, i, 4));
	c->notnull = truth(V(res, i, 5));
	v = V(res, i, 6);
	c->identity = v && *v ? v[0] : 0;
	v = V(res, i, 7);
	c->generated = v && *v ? v[0] : 0;
	c->generated_expr = dup(r, V(res, i, 8));
	c->pk = (int) num(V(res, i, 9));
	c->auto_fill = truth(V(res, i, 10));
	c->unique = truth(V(res, i, 11));
	c->collation = dup(r, V(res, i, 12));
	c->comment = dup(r, V(res, i, 13));
	c->identity_options = dup(r, V(res, i, 14));
}

/* PostgreSQL's confdeltype letters, or SQLite's words. */
static char
fk_action(const char *v)
{
	if (v == NULL || *v == '\0')
		return 'a';
	if (v[1] == '\0')
		return v[0];
	if (strcasecmp(v, "CASCADE") == 0)
		return 'c';
	if (strcasecmp(v, "SET NULL") == 0)
		return 'n';
	if (strcasecmp(v, "SET DEFAULT") == 0)
		return 'd';
	if (strcasecmp(v, "RESTRICT") == 0)
		return 'r';
	return 'a';
}

static void
fill_constraint(Reader *r, CovetCatTable *t, CovetResult *res, int i)
{
	CovetCatConstraint *c = &t->cons[t->ncons];
	const char *k = V(res, i, 2);
	int			nref = 0;

	c->name = dup(r, V(res, i, 1) ? V(res, i, 1) : "");
	c->kind = (CovetConKind) (k ? k[0] : 'c');
	if (json_list(r, V(res, i, 3), &c->ncols, &c->cols) != COVET_OK)
		r->cat->arena.failed = true;
	c->check_expr = dup(r, V(res, i, 4));
	c->ref_table = dup(r, V(res, i, 5));
	if (json_list(r, V(res, i, 6), &nref, &c->ref_cols) != COVET_OK)
		r->cat->arena.failed = true;
	c->on_delete = fk_action(V(res, i, 7));
	c->on_update = fk_action(V(res, i, 8));
	c->deferrable = truth(V(res, i, 9));
	c->deferred = truth(V(res, i, 10));
	c->validated = truth(V(res, i, 11));
	c->definition = dup(r, V(res, i, 12));
	c->comment = dup(r, V(res, i, 13));
}

static void
fill_index(Reader *r, CovetCatTable *t, CovetResult *res, int i)
{
	CovetCatIndex *x = &t->idx[t->nidx];
	int			nexpr = 0;

	x->table = t->name;
	x->name = dup(r, V(res, i, 1));
	x->unique = truth(V(res, i, 2));
	x->method = dup(r, V(res, i, 3));
	if (json_list(r, V(res, i, 4), &x->ncols, &x->cols) != COVET_OK ||
		json_list(r, V(res, i, 5), &nexpr, &x->exprs) != COVET_OK)
		r->cat->arena.failed = true;
	x->predicate = dup(r, V(res, i, 6));
	x->definition = dup(r, V(res, i, 7));
	x->constraint = dup(r, V(res, i, 8));
	x->comment = dup(r, V(res, i, 9));
}

/* Append a dependency to an array grown in the arena (small arrays). */
static void
dep_add(Reader *r, CovetCatDep **deps, int *n, CovetCatKind kind, const char *name)
{
	CovetCatDep *nd = covet_arena_alloc(&r->cat->arena, sizeof(CovetCatDep) * (size_t) (*n + 1));

	if (nd == NULL)
		return;
	if (*n > 0)
		memcpy(nd, *deps, sizeof(CovetCatDep) * (size_t) *n);
	nd[*n].kind = kind;
	nd[*n].name = dup(r, name);
	*deps = nd;
	(*n)++;
}

static bool
name_eq(CovetEngine engine, const char *a, size_t alen, const char *b)
{
	if (strlen(b) != alen)
		return false;
	return engine == COVET_ENGINE_SQLITE ? strncasecmp(a, b, alen) == 0 : strncmp(a, b, alen) == 0;
}

/*
 * SQLite keeps no record of what a view or trigger reads: every
 * identifier of its text that names a table or view of the schema is a
 * dependency (strings and comments skipped; a column with a table's name
 * adds a dependency too many, which only orders more strictly).
 */
static void
deps_from_text(Reader *r, const char *sql, const char *self,
			   CovetCatDep **deps, int *n)
{
	CovetCatalog *cat = r->cat;
	const char *p = sql;
	CovetBuf	id;

	covet_buf_init(&id, &r->d->mem);
	while (p != NULL && *p)
	{
		const char *q;
		int			i;

		if (*p == '\'')
		{
			q = strchr(p + 1, '\'');
			while (q != NULL && q[1] == '\'')
				q = strchr(q + 2, '\'');
			p = q ? q + 1 : NULL;
			continue;
		}
		if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*'))
		{
			p = skip_space(p);
			continue;
		}
		q = p;
		covet_buf_reset(&id);
		if (!ident_scan(&q, COVET_ENGINE_SQLITE, false, &id) || id.failed)
		{
			p++;
			continue;
		}
		p = q;
		if (self != NULL && name_eq(cat->engine, id.data, id.len, self))
			continue;
		for (i = 0; i < cat->ntables; i++)
			if (name_eq(cat->engine, id.data, id.len, cat->tables[i].name))
				break;
		if (i < cat->ntables)
		{
			int			k;

			for (k = 0; k < *n; k++)
				if (strcmp((*deps)[k].name, cat->tables[i].name) == 0)
					break;
			if (k == *n)
				dep_add(r, deps, n, COVET_CAT_TABLE, cat->tables[i].name);
			continue;
		}
		for (i = 0; i < cat->nviews; i++)
			if (name_eq(cat->engine, id.data, id.len, cat->views[i].name))
				break;
		if (i < cat->nviews)
		{
			int			k;

			for (k = 0; k < *n; k++)
				if (strcmp((*deps)[k].name, cat->views[i].name) == 0)
					break;
			if (k == *n)
				dep_add(r, deps, n, COVET_CAT_VIEW, cat->views[i].name);
		}
	}
	covet_buf_free(&id);
}

static CovetStatus
read_views(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if ((rc = run(r, r->q->views, &res)) != COVET_OK)
		return rc;
	cat->nviews = res.nrows;
	cat->views = covet_arena_alloc(&cat->arena, sizeof(CovetCatView) * (size_t) (res.nrows + 1));
	for (i = 0; cat->views != NULL && i < res.nrows; i++)
	{
		cat->views[i].name = dup(r, V(&res, i, 0));
		cat->views[i].definition = dup(r, V(&res, i, 1));
		cat->views[i].materialized = truth(V(&res, i, 2));
		cat->views[i].comment = dup(r, V(&res, i, 3));
	}
	covet_result_free(r->d, &res);
	if (cat->arena.failed)
		return nomem(r->err);
	if (r->q->view_deps == NULL)
	{
		for (i = 0; i < cat->nviews; i++)
			deps_from_text(r, cat->views[i].definition, cat->views[i].name,
						   &cat->views[i].deps, &cat->views[i].ndeps);
		return cat->arena.failed ? nomem(r->err) : COVET_OK;
	}
	if ((rc = run(r, r->q->view_deps, &res)) != COVET_OK)
		return rc;
	for (i = 0; i < res.nrows; i++)
	{
		CovetCatView *v = covet_catalog_view(cat, V(&res, i, 0));
		const char *k = V(&res, i, 1);

		if (v != NULL && V(&res, i, 2) != NULL)
			dep_add(r, &v->deps, &v->ndeps,
					strcmp(k, "function") == 0 ? COVET_CAT_FUNCTION :
					strcmp(k, "view") == 0 ? COVET_CAT_VIEW : COVET_CAT_TABLE,
					V(&res, i, 2));
	}
	covet_result_free(r->d, &res);
	return cat->arena.failed ? nomem(r->err) : COVET_OK;
}

static CovetStatus
read_sequences(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if (r->q->sequences == NULL)
		return COVET_OK;
	if ((rc = run(r, r->q->sequences, &res)) != COVET_OK)
		return rc;
	cat->nsequences = res.nrows;
	cat->sequences = covet_arena_alloc(&cat->arena, sizeof(CovetCatSequence) * (size_t) (res.nrows + 1));
	for (i = 0; cat->sequences != NULL && i < res.nrows; i++)
	{
		CovetCatSequence *s = &cat->sequences[i];

		s->name = dup(r, V(&res, i, 0));
		s->type = dup(r, V(&res, i, 1));
		s->start = num(V(&res, i, 2));
		s->increment = num(V(&res, i, 3));
		s->min = num(V(&res, i, 4));
		s->max = num(V(&res, i, 5));
		s->cache = num(V(&res, i, 6));
		s->cycle = truth(V(&res, i, 7));
		s->owned_by = dup(r, V(&res, i, 8));
		s->comment = dup(r, V(&res, i, 9));
	}
	covet_result_free(r->d, &res);
	return cat->arena.failed ? nomem(r->err) : COVET_OK;
}

static CovetStatus
read_enums(Reader *r)
{
	CovetResult res;
	CovetStatus rc = COVET_OK;
	CovetCatalog *cat = r->cat;
	int			i;

	if (r->q->enums == NULL)
		return COVET_OK;
	if ((rc = run(r, r->q->enums, &res)) != COVET_OK)
		return rc;
	cat->nenums = res.nrows;
	cat->enums = covet_arena_alloc(&cat->arena, sizeof(CovetCatEnum) * (size_t) (res.nrows + 1));
	for (i = 0; rc == COVET_OK && cat->enums != NULL && i < res.nrows; i++)
	{
		cat->enums[i].name = dup(r, V(&res, i, 0));
		rc = json_list(r, V(&res, i, 1), &cat->enums[i].nvalues, &cat->enums[i].values);
		cat->enums[i].comment = dup(r, V(&res, i, 2));
	}
	covet_result_free(r->d, &res);
	if (rc == COVET_OK && cat->arena.failed)
		rc = nomem(r->err);
	return rc;
}

static CovetStatus
read_functions(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if (r->q->functions == NULL)
		return COVET_OK;
	if ((rc = run(r, r->q->functions, &res)) != COVET_OK)
		return rc;
	cat->nfunctions = res.nrows;
	cat->functions = covet_arena_alloc(&cat->arena, sizeof(CovetCatFunction) * (size_t) (res.nrows + 1));
	for (i = 0; cat->functions != NULL && i < res.nrows; i++)
	{
		CovetCatFunction *f = &cat->functions[i];
		const char *k = V(&res, i, 2);

		f->name = dup(r, V(&res, i, 0));
		f->signature = dup(r, V(&res, i, 1));
		f->kind = k && *k ? k[0] : 'f';
		f->definition = dup(r, V(&res, i, 3));
		f->comment = dup(r, V(&res, i, 4));
	}
	covet_result_free(r->d, &res);
	return cat->arena.failed ? nomem(r->err) : COVET_OK;
}

static CovetStatus
read_triggers(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if ((rc = run(r, r->q->triggers, &res)) != COVET_OK)
		return rc;
	cat->ntriggers = res.nrows;
	cat->triggers = covet_arena_alloc(&cat->arena, sizeof(CovetCatTrigger) * (size_t) (res.nrows + 1));
	for (i = 0; cat->triggers != NULL && i < res.nrows; i++)
	{
		CovetCatTrigger *t = &cat->triggers[i];

		t->name = dup(r, V(&res, i, 0));
		t->table = dup(r, V(&res, i, 1));
		t->definition = dup(r, V(&res, i, 2));
		if (V(&res, i, 3) != NULL)
			dep_add(r, &t->deps, &t->ndeps, COVET_CAT_FUNCTION, V(&res, i, 3));
		else if (cat->engine == COVET_ENGINE_SQLITE)
			deps_from_text(r, t->definition, t->name, &t->deps, &t->ndeps);
		t->comment = dup(r, V(&res, i, 4));
	}
	covet_result_free(r->d, &res);
	return cat->arena.failed ? nomem(r->err) : COVET_OK;
}

static CovetStatus
read_others(Reader *r)
{
	CovetResult res;
	CovetStatus rc;
	CovetCatalog *cat = r->cat;
	int			i;

	if ((rc = run(r, r->q->others, &res)) != COVET_OK)
		return rc;
	cat->nothers = res.nrows;
	cat->others = covet_arena_alloc(&cat->arena, sizeof(CovetCatOther) * (size_t) (res.nrows + 1));
	for (i = 0; cat->others != NULL && i < res.nrows; i++)
	{
		cat->others[i].kind = dup(r, V(&res, i, 0));
		cat->others[i].name = dup(r, V(&res, i, 1));
		cat->others[i].definition = dup(r, V(&res, i, 2));
	}
	covet_result_free(r->d, &res);
	return cat->arena.failed ? nomem(r->err) : COVET_OK;
}

CovetStatus
covet_catalog_count_rows(CovetDriver *d, const CovetCatalog *cat,
						 CovetCatTable *table, CovetError *err)
{
	const CovetCatalogSql *q = covet_catalog_sql(d->dialect);
	CovetBuf	b;
	const char *p;
	char	   *sql = NULL;
	CovetResult res;
	CovetStatus rc;

	covet_buf_init(&b, &d->mem);
	for (p = q->count_rows; *p; p++)
	{
		if (p[0] == '%' && p[1] == 'T')
		{
			covet_quote_ident(&b, cat->schema);
			covet_buf_appendc(&b, '.');
			covet_quote_ident(&b, table->name);
			p++;
		}
		else if (p[0] == '{' && strncmp(p, "{pg}", 4) == 0)
		{
			covet_buf_append(&b, d->dialect->catalog);
			p += 3;
		}
		else
			covet_buf_appendc(&b, *p);
	}
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	memset(&res, 0, sizeof(res));
	rc = d->query(d->ctx, sql, 0, NULL, &res, err);
	covet_free(&d->mem, sql);
	if (rc != COVET_OK)
		return rc;
	table->rows = res.nrows > 0 ? num(V(&res, 0, 0)) : -1;
	covet_result_free(d, &res);
	return COVET_OK;
}

/* Append tmpl with %T (the table), %C (column col) and %S expanded. */
static void
sample_expand(CovetDriver *d, const CovetCatalog *cat, const CovetCatTable *t,
			  const char *tmpl, int col, CovetBuf *b)
{
	const CovetCatalogSql *q = covet_catalog_sql(d->dialect);
	const char *p;
	int			i;

	for (p = tmpl; *p; p++)
	{
		if (p[0] == '%' && p[1] == 'T')
		{
			covet_quote_ident(b, cat->schema);
			covet_buf_appendc(b, '.');
			covet_quote_ident(b, t->name);
			p++;
		}
		else if (p[0] == '%' && p[1] == 'C')
		{
			covet_quote_ident(b, t->cols[col].name);
			p++;
		}
		else if (p[0] == '%' && p[1] == 'S')
		{
			for (i = 0; i < t->ncols; i++)
				sample_expand(d, cat, t, q->sample_column, i, b);
			p++;
		}
		else if (p[0] == '{' && strncmp(p, "{pg}", 4) == 0)
		{
			covet_buf_append(b, d->dialect->catalog);
			p += 3;
		}
		else
			covet_buf_appendc(b, *p);
	}
}

CovetStatus
covet_catalog_sample(CovetDriver *d, const CovetCatalog *cat,
					 CovetCatTable *table, CovetError *err)
{
	const CovetCatalogSql *q = covet_catalog_sql(d->dialect);
	CovetArena *a = (CovetArena *) &cat->arena;
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res;
	CovetStatus rc;
	int			i;

	covet_buf_init(&b, &d->mem);
	sample_expand(d, cat, table, q->sample, -1, &b);
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	memset(&res, 0, sizeof(res));
	rc = d->query(d->ctx, sql, 0, NULL, &res, err);
	covet_free(&d->mem, sql);
	if (rc != COVET_OK)
		return rc;
	table->rows = res.nrows > 0 ? num(V(&res, 0, 0)) : -1;
	for (i = 0; res.nrows > 0 && i < table->ncols && 2 + 2 * i < res.ncols; i++)
	{
		const char *lo = V(&res, 0, 1 + 2 * i),
				   *hi = V(&res, 0, 2 + 2 * i);
		CovetBuf	s;

		covet_buf_init(&s, &d->mem);
		covet_buf_append(&s, "");
		if (lo != NULL || hi != NULL)
		{
			covet_buf_appendf(&s, "%zu:", lo ? strlen(lo) : 0);
			covet_buf_append(&s, lo ? lo : "");
			covet_buf_appendc(&s, ':');
			covet_buf_append(&s, hi ? hi : "");
		}
		table->cols[i].sample = s.failed ? NULL : covet_arena_strdup(a, s.data);
		covet_buf_free(&s);
		if (table->cols[i].sample == NULL)
			rc = nomem(err);
	}
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
count_rows(Reader *r)
{
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = 0; rc == COVET_OK && i < r->cat->ntables; i++)
		rc = covet_catalog_count_rows(r->d, r->cat, &r->cat->tables[i], r->err);
	return rc;
}

/* SQLite: the connection's foreign keys setting (a rebuild restores it). */
static CovetStatus
read_foreign_keys(Reader *r)
{
	CovetResult res;
	CovetStatus rc;

	if (r->q->foreign_keys == NULL)
		return COVET_OK;
	memset(&res, 0, sizeof(res));
	rc = r->d->query(r->d->ctx, r->q->foreign_keys, 0, NULL, &res, r->err);
	if (rc == COVET_OK && res.nrows > 0 && V(&res, 0, 0) != NULL)
		r->cat->foreign_keys_off = !truth(V(&res, 0, 0));
	covet_result_free(r->d, &res);
	return rc;
}

static CovetStatus
read_all(Reader *r, int flags)
{
	CovetStatus rc;

	if ((rc = read_tables(r)) != COVET_OK ||
		(rc = per_table(r, r->q->columns, sizeof(CovetCatColumn),
						offsetof(CovetCatTable, ncols),
						offsetof(CovetCatTable, cols), fill_column)) != COVET_OK ||
		(rc = per_table(r, r->q->constraints, sizeof(CovetCatConstraint),
						offsetof(CovetCatTable, ncons),
						offsetof(CovetCatTable, cons), fill_constraint)) != COVET_OK ||
		(rc = per_table(r, r->q->indexes, sizeof(CovetCatIndex),
						offsetof(CovetCatTable, nidx),
						offsetof(CovetCatTable, idx), fill_index)) != COVET_OK ||
		(rc = read_views(r)) != COVET_OK ||
		(rc = read_sequences(r)) != COVET_OK ||
		(rc = read_enums(r)) != COVET_OK ||
		(rc = read_functions(r)) != COVET_OK ||
		(rc = read_triggers(r)) != COVET_OK ||
		(rc = read_others(r)) != COVET_OK ||
		(rc = read_foreign_keys(r)) != COVET_OK)
		return rc;
	if (flags & COVET_CATALOG_ROWS)
		return count_rows(r);
	return COVET_OK;
}

/* Run a one-parameter statement of the set, keeping its first value. */
static CovetStatus
run_setting(Reader *r, const char *tmpl, const char *param, char **keep)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res;
	CovetStatus rc;
	const char *params[1];

	covet_buf_init(&b, &r->d->mem);
	covet_sql_expand(r->d->dialect, &b, tmpl);
	if ((rc = covet_buf_finish(&b, &sql, r->err)) != COVET_OK)
		return rc;
	params[0] = param;
	memset(&res, 0, sizeof(res));
	rc = r->d->query(r->d->ctx, sql, 1, params, &res, r->err);
	covet_free(&r->d->mem, sql);
	if (rc == COVET_OK && keep != NULL && res.nrows > 0)
	{
		*keep = covet_strdup(&r->d->mem, V(&res, 0, 0) ? V(&res, 0, 0) : "");
		if (*keep == NULL)
			rc = nomem(r->err);
	}
	covet_result_free(r->d, &res);
	return rc;
}

CovetStatus
covet_catalog_read(CovetDriver *d, const char *schema, int flags,
				   CovetCatalog **out, CovetError *err)
{
	Reader		r;
	CovetResult res;
	CovetStatus rc;
	CovetBuf	b;
	char	   *saved = NULL;
	CovetCatalog *cat;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.q = covet_catalog_sql(d->dialect);
	r.err = err;
	r.schema = schema;
	if ((cat = covet_alloc0(&d->mem, sizeof(CovetCatalog))) == NULL)
		return nomem(err);
	covet_arena_init(&cat->arena, &d->mem);
	cat->engine = d->dialect->engine;
	r.cat = cat;

	/* the schema must exist; its real name (SQLite: names without case) */
	rc = run(&r, r.q->schema_exists, &res);
	if (rc == COVET_OK && res.nrows == 0)
	{
		rc = covet_error_set(err, COVET_ERR_NOT_FOUND, "schema \"%s\" does not exist", schema);
		memcpy(err->sqlstate, "3F000", 6);
	}
	if (rc == COVET_OK)
		cat->schema = dup(&r, V(&res, 0, 0));
	covet_result_free(d, &res);
	if (rc == COVET_OK && cat->schema == NULL)
		rc = nomem(err);
	if (rc != COVET_OK)
	{
		covet_catalog_free(d, cat);
		return rc;
	}
	r.schema = cat->schema;
	covet_buf_init(&b, &d->mem);
	covet_quote_ident(&b, cat->schema);
	if ((rc = covet_buf_finish(&b, &r.quoted, err)) != COVET_OK)
	{
		covet_catalog_free(d, cat);
		return rc;
	}
	if (r.q->before != NULL)
		rc = run_setting(&r, r.q->before, cat->schema, &saved);
	if (rc == COVET_OK)
		rc = read_all(&r, flags);
	/* after an error the caller's rollback restores the setting */
	if (saved != NULL && rc == COVET_OK)
		rc = run_setting(&r, r.q->after, saved, NULL);
	covet_free(&d->mem, saved);
	covet_free(&d->mem, r.quoted);
	if (rc != COVET_OK)
	{
		covet_catalog_free(d, cat);
		return rc;
	}
	*out = cat;
	return COVET_OK;
}

void
covet_catalog_free(CovetDriver *d, CovetCatalog *cat)
{
	if (cat == NULL)
		return;
	covet_arena_free(&cat->arena);
	covet_free(&d->mem, cat);
}

/* SQLite: run each CREATE statement of text with its object in scratch. */
static CovetStatus
run_qualified(CovetDriver *d, const char *scratch, const char *text, CovetError *err)
{
	CovetStmtSplit sp;
	CovetStmtInfo st;
	CovetStatus rc = COVET_OK;

	covet_stmt_split_begin(&sp, d->dialect->engine, text);
	while (rc == COVET_OK && covet_stmt_split_next(&sp, &st))
	{
		char	   *one = covet_strndup(&d->mem, st.start, st.len);
		char	   *q = NULL;
		const char *p;

		if (one == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		p = skip_space(one);
		if (*p == '\0' || *p == ';')
		{
			covet_free(&d->mem, one);
			continue;
		}
		if (strncasecmp(p, "CREATE", 6) != 0 ||
			covet_catalog_create_rename(&d->mem, one, scratch, NULL, &q, err) != COVET_OK)
		{
			covet_error_set(err, COVET_ERR_INVALID, "target SQL statement %d is not a CREATE statement covet can build", st.number);
			covet_error_detail(err, "On SQLite the target SQL may hold only CREATE TABLE, CREATE INDEX, CREATE VIEW and CREATE TRIGGER statements.");
			covet_free(&d->mem, one);
			return COVET_ERR_INVALID;
		}
		covet_free(&d->mem, one);
		rc = d->query(d->ctx, q, 0, NULL, NULL, err);
		covet_free(&d->mem, q);
	}
	return rc;
}

CovetStatus
covet_catalog_read_sql(CovetDriver *d, const char *scratch, const char *create_sql,
					   const char *drop_sql, bool qualify, const char *text,
					   CovetCatalog **out, CovetError *err)
{
	const CovetCatalogSql *q = covet_catalog_sql(d->dialect);
	Reader		r;
	char	   *saved = NULL;
	CovetStatus rc;
	CovetScriptStats st;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.q = q;
	r.err = err;
	if ((rc = d->exec_script(d->ctx, create_sql, &st, err)) != COVET_OK)
		return rc;
	if (q->before != NULL)
		rc = run_setting(&r, q->before, scratch, &saved);
	if (rc == COVET_OK)
		rc = qualify ? run_qualified(d, scratch, text, err) :
			d->exec_script(d->ctx, text, &st, err);
	if (rc == COVET_OK && saved != NULL)
		rc = run_setting(&r, q->after, saved, NULL);
	covet_free(&d->mem, saved);
	if (rc == COVET_OK)
		rc = covet_catalog_read(d, scratch, COVET_CATALOG_ALL, out, err);
	if (rc == COVET_OK && (rc = d->exec_script(d->ctx, drop_sql, &st, err)) == COVET_OK)
		return COVET_OK;
	if (qualify)
	{
		CovetError	e2;

		/* SQLite: the failed statement left no transaction of ours open */
		(void) d->exec_script(d->ctx, drop_sql, &st, &e2);
	}
	if (*out != NULL)
	{
		covet_catalog_free(d, *out);
		*out = NULL;
	}
	return rc;
}
