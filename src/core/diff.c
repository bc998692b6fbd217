/*-------------------------------------------------------------------------
 *
 * diff.c
 *		Compare two catalogs of one engine; the statements that turn the
 *		source schema into the target, in dependency order, each with its
 *		reverse, hazards and rename candidates (diff.h).
 *
 * The steps come in phases (diff.h); within a phase, objects go by name.
 * Every step has a reverse such that running the reverses from the last
 * step to the first gives the source back (its data excepted: a dropped
 * column comes back empty).  A creation is made of the same steps as the
 * matching drop, so the two are mirror images: CREATE TABLE, its indexes,
 * its comments, its foreign keys.
 *
 * PostgreSQL: definitions are those pg_catalog prints with search_path set
 * to the schema (catalog.h), so the statements must run with search_path
 * set to the source schema (covet_makemigration writes that SET).  Object
 * names covet writes itself are qualified with the source schema and
 * quoted.
 *
 * SQLite: a table is compared by its CREATE text, cut into items (column
 * definitions and table constraints) with white space normalised.  What
 * ALTER TABLE can do (add a column at the end, drop a plain column, rename)
 * is done with it; anything else is the 12-step rebuild of the ALTER TABLE
 * documentation: foreign keys off outside the transaction, a new table,
 * copy, drop, rename, the table's indexes made again, views and triggers
 * over it dropped before and created after, the AUTOINCREMENT counter
 * kept, covet_foreign_key_check() before the end, foreign keys back as
 * they were: on, or still off when the source's connection had them off
 * (the setting is the connection's, read with the catalog).
 *
 *-------------------------------------------------------------------------
 */
#include "diff.h"
#include "seed_json.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct TableMap
{
	const CovetCatTable *s;		/* source table, or NULL: added */
	const CovetCatTable *t;		/* target table, or NULL: dropped */
	bool		renamed;
	bool		rebuild;		/* SQLite: the 12-step rebuild */
	bool		cols_changed;	/* a column dropped, renamed or retyped */
	int		   *colmap;			/* per source column: target column or -1 */
	bool		dropped_early;	/* PostgreSQL: dropped before the new tables,
								 * whose index names it holds */
} TableMap;

typedef struct Differ
{
	CovetMem   *mem;
	CovetDiff  *diff;
	CovetArena *a;
	const CovetCatalog *src;
	const CovetCatalog *tgt;
	bool		pg;
	const CovetRename *renames;
	int			nrenames;
	int			cap;
	CovetError *err;
	int			nmaps;
	TableMap   *maps;			/* source tables, then added target ones */
	bool	   *view_drop;		/* per source view */
	bool	   *view_create;	/* per target view */
	bool	   *trig_drop;
	bool	   *trig_create;
	bool	   *enum_recreate;	/* per source enum */
	bool	   *func_drop;		/* per source function: dropped or recreated */
	bool		any_rebuild;
	const char **seq_to;		/* per source sequence: its new name when the
								 * column owning it is renamed, or NULL */
	const TableMap *cur;		/* the table pg_table_cons compares */
	int			ndef_done;
	const char *def_done[64];	/* "table.column": default set by an enum's
								 * recreation, not by the column's diff */
} Differ;

/* ---------------------------------------------------------------------
 * Strings and steps
 * ---------------------------------------------------------------------
 */
static char *
sf(Differ *D, const char *fmt,...)
	__attribute__((format(printf, 2, 3)));

static char *
sf(Differ *D, const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (p = covet_arena_alloc(D->a, (size_t) n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t) n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static char *
quoted(Differ *D, const char *name, bool literal)
{
	CovetBuf	b;
	char	   *s;

	covet_buf_init(&b, D->mem);
	if (literal)
		covet_quote_literal(&b, name);
	else
		covet_quote_ident(&b, name);
	s = b.failed ? NULL : covet_arena_strdup(D->a, b.data);
	if (s == NULL)
		D->a->failed = true;
	covet_buf_free(&b);
	return s;
}

#define QI(name) quoted(D, (name), false)
#define QL(text) ((text) ? quoted(D, (text), true) : "NULL")
/* "schema"."name" in the source schema */
#define QN(name) sf(D, "%s.%s", QI(D->src->schema), QI(name))

static void
step(Differ *D, int hazards, const char *note, const char *object,
	 const char *stmt, const char *rev)
{
	CovetDiff  *diff = D->diff;
	CovetDiffStep *s;

	if (diff->nsteps == D->cap)
	{
		int			cap = D->cap ? D->cap * 2 : 64;
		CovetDiffStep *n = covet_arena_alloc(D->a, sizeof(CovetDiffStep) * (size_t) cap);

		if (n == NULL)
			return;
		if (diff->nsteps > 0)
			memcpy(n, diff->steps, sizeof(CovetDiffStep) * (size_t) diff->nsteps);
		diff->steps = n;
		D->cap = cap;
	}
	s = &diff->steps[diff->nsteps++];
	s->ordinal = diff->nsteps;
	s->statement = (char *) stmt;
	s->reverse = (char *) rev;
	s->object = (char *) object;
	s->hazards = hazards;
	s->note = (char *) note;
	if (hazards & COVET_HZ_NON_TRANSACTIONAL)
		diff->transactional = false;
}

static bool
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Without a trailing ";" and white space (pg_get_viewdef ends with one). */
static char *
chop(Differ *D, const char *s)
{
	size_t		n;
	char	   *p;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n > 0 && (isspace((unsigned char) s[n - 1]) || s[n - 1] == ';'))
		n--;
	if ((p = covet_arena_alloc(D->a, n + 1)) != NULL)
		memcpy(p, s, n);
	return p;
}

/* ---------------------------------------------------------------------
 * Renames
 * ---------------------------------------------------------------------
 */
CovetStatus
covet_diff_renames_parse(CovetMem *mem, const char *json, CovetRename **out,
						 int *n, CovetError *err)
{
	CovetJson  *j = NULL;
	CovetError	jerr;
	CovetRename *r;
	int			i;

	*out = NULL;
	*n = 0;
	covet_error_clear(err);
	if (json == NULL || json[strspn(json, " \t\r\n")] == '\0')
		return COVET_OK;
	if (covet_json_parse(mem, json, &j, &jerr) != COVET_OK)
	{
		const char *why = strncmp(jerr.message, "invalid spec: ", 14) == 0 ?
			jerr.message + 14 : jerr.message;

		if (jerr.code == COVET_ERR_NOMEM)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_error_set(err, COVET_ERR_INVALID, "invalid renames argument");
		covet_error_detail(err, "The JSON does not parse: %s.", why);
		covet_error_hint(err, "renames is a JSON object: {\"table.column\": \"new_column\", \"table\": \"new_table\"}.");
		return COVET_ERR_INVALID;
	}
	if (j->type != COVET_JSON_OBJECT)
	{
		covet_json_free(mem, j);
		covet_error_set(err, COVET_ERR_INVALID, "invalid renames argument");
		covet_error_detail(err, "renames must be a JSON object.");
		covet_error_hint(err, "renames is a JSON object: {\"table.column\": \"new_column\", \"table\": \"new_table\"}.");
		return COVET_ERR_INVALID;
	}
	if ((r = covet_alloc0(mem, sizeof(CovetRename) * (size_t) (j->n + 1))) == NULL)
	{
		covet_json_free(mem, j);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < j->n; i++)
	{
		const char *key = j->keys[i];
		const char *dot = strchr(key, '.');

		if (j->items[i]->type != COVET_JSON_STRING || j->items[i]->text[0] == '\0' ||
			key[0] == '\0' || (dot != NULL && (dot == key || dot[1] == '\0' || strchr(dot + 1, '.'))))
		{
			covet_error_set(err, COVET_ERR_INVALID, "invalid renames argument");
			covet_error_detail(err, "Member \"%s\" must name a table or table.column and give the new name as a string.", key);
			covet_error_hint(err, "renames is a JSON object: {\"table.column\": \"new_column\", \"table\": \"new_table\"}.");
			break;
		}
		r[i].table = dot ? covet_strndup(mem, key, (size_t) (dot - key)) : covet_strdup(mem, key);
		r[i].column = dot ? covet_strdup(mem, dot + 1) : NULL;
		r[i].to = covet_strdup(mem, j->items[i]->text);
		if (r[i].table == NULL || (dot && r[i].column == NULL) || r[i].to == NULL)
		{
			covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			i++;
			break;
		}
	}
	if (i < j->n || err->code == COVET_ERR_NOMEM)
	{
		int			k,
					nmade = i < j->n ? i + 1 : j->n;
		CovetStatus code = err->code;

		for (k = 0; k < nmade; k++)
		{
			covet_free(mem, r[k].table);
			covet_free(mem, r[k].column);
			covet_free(mem, r[k].to);
		}
		covet_free(mem, r);
		covet_json_free(mem, j);
		return code;
	}
	*n = j->n;
	covet_json_free(mem, j);
	*out = r;
	return COVET_OK;
}

static const char *
rename_of(Differ *D, const char *table, const char *column)
{
	int			i;

	for (i = 0; i < D->nrenames; i++)
		if (strcmp(D->renames[i].table, table) == 0 &&
			streq(D->renames[i].column, column))
			return D->renames[i].to;
	return NULL;
}

/* ---------------------------------------------------------------------
 * SQLite's CREATE TABLE text, cut into items
 * ---------------------------------------------------------------------
 */
typedef struct Items
{
	int			n;
	char	  **item;			/* normalised */
	char	  **colname;		/* column items: the name (unquoted); NULL
								 * for a table constraint */
	char	   *tail;			/* after the closing parenthesis */
} Items;

/* Append s[0..n) normalised: white space runs to one space, none next to ( ) , */
static char *
normalise(Differ *D, const char *s, size_t n)
{
	char	   *out = covet_arena_alloc(D->a, n + 1);
	size_t		o = 0,
				i = 0;
	char		q = 0;

	if (out == NULL)
		return NULL;
	while (i < n && isspace((unsigned char) s[i]))
		i++;
	for (; i < n; i++)
	{
		char		c = s[i];

		if (q)
		{
			out[o++] = c;
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '-' && i + 1 < n && s[i + 1] == '-')
		{
			while (i + 1 < n && s[i + 1] != '\n')
				i++;
			c = ' ';
		}
		else if (c == '/' && i + 1 < n && s[i + 1] == '*')
		{
			for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
				;
			i++;
			c = ' ';
		}
		if (c == '\'' || c == '"' || c == '`')
			q = c;
		else if (c == '[')
			q = ']';
		if (isspace((unsigned char) c))
		{
			size_t		k = i + 1;

			while (k < n && isspace((unsigned char) s[k]))
				k++;
			i = k - 1;
			if (k == n || s[k] == ')' || s[k] == ',' || o == 0 ||
				out[o - 1] == '(' || out[o - 1] == ' ')
				continue;
			c = ' ';
		}
		if ((c == ')' || c == ',') && o > 0 && out[o - 1] == ' ')
			o--;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

/* The first identifier of an item, unquoted. */
static char *
first_ident(Differ *D, const char *s)
{
	const char *p = s;
	char		close;
	const char *e;
	char	   *out;

	if (*p == '"' || *p == '`' || *p == '[')
	{
		CovetBuf	b;

		close = *p == '[' ? ']' : *p;
		covet_buf_init(&b, D->mem);
		for (p++; *p; p++)
		{
			if (*p == close)
			{
				if (close != ']' && p[1] == close)
				{
					covet_buf_appendc(&b, close);
					p++;
					continue;
				}
				break;
			}
			covet_buf_appendc(&b, *p);
		}
		out = b.failed ? NULL : covet_arena_strdup(D->a, b.data ? b.data : "");
		covet_buf_free(&b);
		return out;
	}
	for (e = p; *e && (isalnum((unsigned char) *e) || *e == '_' || *e == '$' || (unsigned char) *e >= 128); e++)
		;
	out = covet_arena_alloc(D->a, (size_t) (e - p) + 1);
	if (out)
		memcpy(out, p, (size_t) (e - p));
	return out;
}

/* What follows the item's first identifier (its name). */
static const char *
after_name(const char *s)
{
	const char *p = s;

	if (*p == '"' || *p == '`' || *p == '[')
	{
		char		close = *p == '[' ? ']' : *p;

		for (p++; *p; p++)
			if (*p == close)
			{
				if (close != ']' && p[1] == close)
				{
					p++;
					continue;
				}
				p++;
				break;
			}
	}
	else
		while (*p && (isalnum((unsigned char) *p) || *p == '_' || *p == '$' || (unsigned char) *p >= 128))
			p++;
	while (*p == ' ')
		p++;
	return p;
}

static bool
word_is(const char *s, const char *w)
{
	size_t		n = strlen(w);

	return strncasecmp(s, w, n) == 0 && !isalnum((unsigned char) s[n]) && s[n] != '_';
}

static void
items_split(Differ *D, const char *sql, Items *it)
{
	const char *p = sql ? strchr(sql, '(') : NULL;
	const char *start;
	int			depth = 0,
				cap = 0;
	char		q = 0;

	memset(it, 0, sizeof(*it));
	if (p == NULL)
		return;
	start = ++p;
	for (; *p; p++)
	{
		char		c = *p;

		if (q)
		{
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '-' && p[1] == '-')
		{
			while (p[1] && p[1] != '\n')
				p++;
			continue;
		}
		if (c == '/' && p[1] == '*')
		{
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 1 : p + strlen(p) - 1;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`')
			q = c;
		else if (c == '[')
			q = ']';
		else if (c == '(')
			depth++;
		else if ((c == ',' || c == ')') && depth == 0)
		{
			char	   *item = normalise(D, start, (size_t) (p - start));

			if (it->n == cap)
			{
				int			nc = cap ? cap * 2 : 16;
				char	  **ni = covet_arena_alloc(D->a, sizeof(char *) * (size_t) nc);
				char	  **nn = covet_arena_alloc(D->a, sizeof(char *) * (size_t) nc);

				if (ni == NULL || nn == NULL)
					return;
				if (it->n)
				{
					memcpy(ni, it->item, sizeof(char *) * (size_t) it->n);
					memcpy(nn, it->colname, sizeof(char *) * (size_t) it->n);
				}
				it->item = ni;
				it->colname = nn;
				cap = nc;
			}
			if (item == NULL)
				return;
			it->item[it->n] = item;
			it->colname[it->n] = (word_is(item, "CONSTRAINT") || word_is(item, "PRIMARY") ||
								  word_is(item, "UNIQUE") || word_is(item, "CHECK") ||
								  word_is(item, "FOREIGN")) ? NULL : first_ident(D, item);
			it->n++;
			start = p + 1;
			if (c == ')')
			{
				it->tail = normalise(D, p + 1, strlen(p + 1));
				return;
			}
		}
		else if (c == ')')
			depth--;
	}
}

static int
item_col(const Items *it, const char *name)
{
	int			i;

	for (i = 0; i < it->n; i++)
		if (it->colname[i] != NULL && strcasecmp(it->colname[i], name) == 0)
			return i;
	return -1;
}

/*
 * SQLite: a CREATE text from after its object's name, normalised (so that
 * "CREATE INDEX IF NOT EXISTS i ON t (a)" and "CREATE INDEX \"main\".\"i\"
 * ON t(a)" compare equal).
 */
static char *
canon(Differ *D, const char *sql)
{
	char	   *out = NULL;
	char	   *at,
			   *res;
	CovetError	e;

	if (sql == NULL)
		return NULL;
	if (covet_catalog_create_rename(D->mem, sql, NULL, "\x01", &out, &e) != COVET_OK)
		return normalise(D, sql, strlen(sql));
	at = strstr(out, "\"\x01\"");
	res = at ? normalise(D, at + 3, strlen(at + 3)) : normalise(D, out, strlen(out));
	covet_free(D->mem, out);
	return res;
}

/* Does sql hold the identifier name (any quoting, any case)? */
static bool
mentions(const char *sql, const char *name)
{
	const char *p = sql;
	size_t		n = strlen(name);

	if (sql == NULL)
		return false;
	while ((p = strcasestr(p, name)) != NULL)
	{
		bool		before = p == sql || !(isalnum((unsigned char) p[-1]) || p[-1] == '_');
		bool		after = !(isalnum((unsigned char) p[n]) || p[n] == '_');

		if (before && after)
			return true;
		p += n;
	}
	return false;
}

/* Can ALTER TABLE ADD COLUMN take this column definition? */
static bool
addable(const char *item)
{
	const char *rest = after_name(item);

	if (strcasestr(rest, "PRIMARY") || strcasestr(rest, "UNIQUE") ||
		strcasestr(rest, "STORED") || strcasestr(rest, "CURRENT_") ||
		strcasestr(rest, "DEFAULT (") || strcasestr(rest, "DEFAULT("))
		return false;
	if (strcasestr(rest, "NOT NULL") &&
		(!strcasestr(rest, "DEFAULT") || strcasestr(rest, "DEFAULT NULL")))
		return false;
	if (strcasestr(rest, "REFERENCES") && strcasestr(rest, "DEFAULT") &&
		!strcasestr(rest, "DEFAULT NULL"))
		return false;
	return true;
}

/* Can ALTER TABLE DROP COLUMN drop column i of table s? */
static bool
droppable(const CovetCatTable *s, const Items *it, int item)
{
	const char *name = it->colname[item];
	const char *rest = after_name(it->item[item]);
	int			i,
				k;

	if (strcasestr(rest, "PRIMARY") || strcasestr(rest, "UNIQUE") ||
		strcasestr(rest, "REFERENCES") || strcasestr(rest, "GENERATED") ||
		strcasestr(rest, " AS ("))
		return false;
	for (i = 0; i < it->n; i++)
		if (i != item && mentions(it->colname[i] ? after_name(it->item[i]) : it->item[i], name))
			return false;
	/* indexes over it: dropped before and made again after (sl_tables) */
	(void) s;
	(void) k;
	return true;
}

/* ---------------------------------------------------------------------
 * Matching tables and columns
 * ---------------------------------------------------------------------
 */
static bool
same_shape(const CovetCatTable *a, const CovetCatTable *b)
{
	int			i;

	if (a->ncols != b->ncols)
		return false;
	for (i = 0; i < a->ncols; i++)
		if (strcmp(a->cols[i].name, b->cols[i].name) != 0 ||
			strcasecmp(a->cols[i].type, b->cols[i].type) != 0)
			return false;
	return true;
}

static CovetStatus
bad_rename(Differ *D, const char *fmt, const char *a, const char *b)
{
	covet_error_set(D->err, COVET_ERR_INVALID, "invalid renames argument");
	covet_error_detail(D->err, fmt, a, b);
	return COVET_ERR_INVALID;
}

static CovetStatus
match_tables(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	bool	   *taken;
	int			i,
				k,
				n = 0;

	D->maps = covet_arena_alloc(D->a, sizeof(TableMap) * (size_t) (S->ntables + T->ntables + 1));
	taken = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (T->ntables + 1));
	if (D->maps == NULL || taken == NULL)
		return covet_error_set(D->err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < D->nrenames; i++)
	{
		const CovetRename *r = &D->renames[i];
		const CovetCatTable *st = covet_catalog_table(S, r->table);

		if (st == NULL)
			return bad_rename(D, "There is no table \"%s\" in schema \"%s\".", r->table, S->schema);
		if (r->column != NULL && covet_catalog_column(st, r->column) == NULL)
			return bad_rename(D, "Table \"%s\" has no column \"%s\".", r->table, r->column);
		if (r->column == NULL && covet_catalog_table(T, r->to) == NULL)
			return bad_rename(D, "The target has no table \"%s\"; renames names the new table. (%s)", r->to, "");
	}
	for (i = 0; i < S->ntables; i++)
	{
		TableMap   *m = &D->maps[n++];
		const char *to = rename_of(D, S->tables[i].name, NULL);
		const CovetCatTable *t = covet_catalog_table(T, to ? to : S->tables[i].name);

		m->s = &S->tables[i];
		if (t != NULL && !taken[t - T->tables])
		{
			m->t = t;
			m->renamed = to != NULL && strcmp(to, m->s->name) != 0;
			taken[t - T->tables] = true;
		}
	}
	for (k = 0; k < T->ntables; k++)
		if (!taken[k])
			D->maps[n++].t = &T->tables[k];
	D->nmaps = n;

	/* column maps */
	for (i = 0; i < n; i++)
	{
		TableMap   *m = &D->maps[i];

		if (m->s == NULL || m->t == NULL)
			continue;
		m->colmap = covet_arena_alloc(D->a, sizeof(int) * (size_t) (m->s->ncols + 1));
		if (m->colmap == NULL)
			return covet_error_set(D->err, COVET_ERR_NOMEM, "out of memory");
		for (k = 0; k < m->s->ncols; k++)
		{
			const char *to = rename_of(D, m->s->name, m->s->cols[k].name);

			m->colmap[k] = covet_catalog_column_index(m->t, to ? to : m->s->cols[k].name);
			if (to != NULL && m->colmap[k] < 0)
				return bad_rename(D, "The target table \"%s\" has no column \"%s\"; renames names the new column.",
								  m->t->name, to);
			if (m->colmap[k] < 0 || to != NULL ||
				strcmp(m->s->cols[k].type, m->t->cols[m->colmap[k]].type) != 0 ||
				!streq(m->s->cols[k].collation, m->t->cols[m->colmap[k]].collation))
				m->cols_changed = true;
		}
	}
	return COVET_OK;
}

static TableMap *
map_of_source(Differ *D, const char *name)
{
	int			i;

	for (i = 0; i < D->nmaps; i++)
		if (D->maps[i].s != NULL && strcmp(D->maps[i].s->name, name) == 0)
			return &D->maps[i];
	return NULL;
}

/* "table.column" of the source as the target names it (renames followed). */
static const char *
owner_in_target(Differ *D, const char *owned_by)
{
	const char *dot = owned_by ? strchr(owned_by, '.') : NULL;
	TableMap   *m;
	int			k;

	if (dot == NULL)
		return NULL;
	m = map_of_source(D, sf(D, "%.*s", (int) (dot - owned_by), owned_by));
	if (m == NULL || m->t == NULL || (k = covet_catalog_column_index(m->s, dot + 1)) < 0 ||
		m->colmap[k] < 0)
		return NULL;
	return sf(D, "%s.%s", m->t->name, m->t->cols[m->colmap[k]].name);
}

/*
 * A serial's sequence follows its column: a source sequence the target
 * lacks, owned by a column the target has (renamed or not), and a target
 * sequence the source lacks, owned by that column, are one sequence
 * renamed (ALTER SEQUENCE ... RENAME), so its counter is kept.
 */
static void
match_sequences(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			i,
				k;

	D->seq_to = covet_arena_alloc(D->a, sizeof(char *) * (size_t) (S->nsequences + 1));
	if (D->seq_to == NULL)
		return;
	for (i = 0; i < S->nsequences; i++)
	{
		const char *owner = owner_in_target(D, S->sequences[i].owned_by);
		bool		kept = false;

		for (k = 0; k < T->nsequences; k++)
			if (strcmp(T->sequences[k].name, S->sequences[i].name) == 0)
				kept = true;
		if (kept || owner == NULL)
			continue;
		for (k = 0; k < T->nsequences; k++)
		{
			const char *tn = T->sequences[k].name;
			int			j;
			bool		in_source = false,
						taken = false;

			for (j = 0; j < S->nsequences; j++)
				if (strcmp(S->sequences[j].name, tn) == 0)
					in_source = true;
			for (j = 0; j < i; j++)
				if (D->seq_to[j] && strcmp(D->seq_to[j], tn) == 0)
					taken = true;
			if (!in_source && !taken && streq(T->sequences[k].owned_by, owner))
			{
				D->seq_to[i] = tn;
				break;
			}
		}
	}
}

/* The source sequence renamed to name, or NULL. */
static const CovetCatSequence *
seq_renamed_from(Differ *D, const char *name)
{
	int			i;

	for (i = 0; D->seq_to && i < D->src->nsequences; i++)
		if (D->seq_to[i] && strcmp(D->seq_to[i], name) == 0)
			return &D->src->sequences[i];
	return NULL;
}

/* Was source table.column's default set by an enum's recreation? */
static bool
default_done(Differ *D, const char *table, const char *column)
{
	const char *key = sf(D, "%s.%s", table, column);
	int			i;

	for (i = 0; key && i < D->ndef_done; i++)
		if (strcmp(D->def_done[i], key) == 0)
			return true;
	return false;
}

/* Defaults equal once renamed sequences are followed (nextval('x'::regclass)). */
static bool
default_same(Differ *D, const char *a, const char *b)
{
	int			i;

	if (streq(a, b))
		return true;
	if (a == NULL || b == NULL)
		return false;
	for (i = 0; D->seq_to && i < D->src->nsequences; i++)
	{
		const char *from,
				   *at;

		if (D->seq_to[i] == NULL)
			continue;
		from = sf(D, "'%s'::regclass", D->src->sequences[i].name);
		if ((at = strstr(a, from)) != NULL &&
			strcmp(sf(D, "%.*s'%s'::regclass%s", (int) (at - a), a, D->seq_to[i], at + strlen(from)), b) == 0)
			return true;
	}
	return false;
}

/* The same values sampled on both sides (and some values). */
static bool
same_sample(const CovetCatColumn *a, const CovetCatColumn *b)
{
	return a->sample != NULL && b->sample != NULL && a->sample[0] != '\0' &&
		strcmp(a->sample, b->sample) == 0;
}

/*
 * A dropped table's rename candidate, as a note; NULL when none.  Every
 * added table of the same shape is a candidate, scored by the data where
 * the source has some: the same row count, then the same sample values
 * (each column's least and greatest); the best one is named.
 */
static char *
table_candidates(Differ *D, const CovetCatTable *s)
{
	const CovetCatTable *best = NULL;
	int			best_score = -1;
	bool		best_rows = false,
				best_values = false;
	int			i,
				k;

	for (i = 0; i < D->nmaps; i++)
	{
		const CovetCatTable *t = D->maps[i].t;
		bool		rows,
					values = true;
		int			score;

		if (D->maps[i].s != NULL || t == NULL || !same_shape(s, t))
			continue;
		rows = s->rows > 0 && t->rows == s->rows;
		for (k = 0; k < s->ncols && values; k++)
			values = same_sample(&s->cols[k], &t->cols[k]);
		values = values && rows && s->ncols > 0;
		score = (rows ? 1 : 0) + (values ? 2 : 0);
		if (score > best_score)
		{
			best = t;
			best_score = score;
			best_rows = rows;
			best_values = values;
		}
	}
	if (best == NULL)
		return NULL;
	return sf(D, "table %s: same columns%s%s; accept with renames => '{\"%s\": \"%s\"}'",
			  best->name, best_rows ? ", same row count" : "",
			  best_values ? ", same sample values" : "", s->name, best->name);
}

/*
 * A dropped column's rename candidate: an added column of the same type,
 * the one with the same sample values first when the target has data.
 */
static char *
column_candidate(Differ *D, const TableMap *m, int scol)
{
	const CovetCatColumn *c = &m->s->cols[scol];
	int			k,
				i,
				best = -1;
	bool		best_values = false;

	for (k = 0; k < m->t->ncols; k++)
	{
		bool		used = false;

		for (i = 0; i < m->s->ncols; i++)
			if (m->colmap[i] == k)
				used = true;
		if (!used && strcasecmp(m->t->cols[k].type, c->type) == 0)
		{
			bool		values = m->s->rows > 0 && same_sample(c, &m->t->cols[k]);

			if (best < 0 || (values && !best_values))
			{
				best = k;
				best_values = values;
			}
		}
	}
	if (best < 0)
		return NULL;
	return sf(D, "column %s.%s: same type%s; accept with renames => '{\"%s.%s\": \"%s\"}'",
			  m->t->name, m->t->cols[best].name,
			  best_values ? ", same sample values" : m->s->rows > 0 ? ", table has data" : "",
			  m->s->name, c->name, m->t->cols[best].name);
}

/* ---------------------------------------------------------------------
 * Dependencies: which views and triggers go and come back
 * ---------------------------------------------------------------------
 */
static bool
table_touched(Differ *D, const char *source_table)
{
	TableMap   *m = map_of_source(D, source_table);

	return m == NULL || m->t == NULL || m->renamed || m->rebuild || m->cols_changed;
}

static bool
func_touched(Differ *D, const char *sig)
{
	int			i;

	for (i = 0; i < D->src->nfunctions; i++)
		if (strcmp(D->src->functions[i].signature, sig) == 0)
			return D->func_drop[i];
	return false;
}

static bool
view_def_same(Differ *D, const CovetCatView *a, const CovetCatView *b)
{
	if (D->pg)
		return streq(a->definition, b->definition);
	return streq(canon(D, a->definition), canon(D, b->definition));
}

/* Does a source view depend (directly or not) on something that changes? */
static bool
view_affected(Differ *D, int v, int depth)
{
	const CovetCatView *sv = &D->src->views[v];
	const CovetCatView *tv = covet_catalog_view(D->tgt, sv->name);
	int			i;

	if (tv == NULL || !view_def_same(D, sv, tv) || depth > 64)
		return true;
	for (i = 0; i < sv->ndeps; i++)
	{
		const CovetCatDep *d = &sv->deps[i];

		if (d->kind == COVET_CAT_TABLE && table_touched(D, d->name))
			return true;
		if (d->kind == COVET_CAT_FUNCTION && func_touched(D, d->name))
			return true;
		if (d->kind == COVET_CAT_VIEW)
		{
			int			k;

			for (k = 0; k < D->src->nviews; k++)
				if (strcmp(D->src->views[k].name, d->name) == 0 && view_affected(D, k, depth + 1))
					return true;
		}
	}
	return false;
}

static bool
trigger_same(Differ *D, const CovetCatTrigger *a, const CovetCatTrigger *b)
{
	if (D->pg)
		return streq(a->definition, b->definition);
	return streq(canon(D, a->definition), canon(D, b->definition));
}

static void
mark_dependents(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			i,
				k;

	D->view_drop = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (S->nviews + 1));
	D->view_create = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (T->nviews + 1));
	D->trig_drop = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (S->ntriggers + 1));
	D->trig_create = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (T->ntriggers + 1));
	if (D->a->failed)
		return;
	for (i = 0; i < S->nviews; i++)
		D->view_drop[i] = view_affected(D, i, 0);
	for (k = 0; k < T->nviews; k++)
	{
		const CovetCatView *sv = covet_catalog_view(S, T->views[k].name);

		D->view_create[k] = sv == NULL || D->view_drop[sv - S->views];
	}
	for (i = 0; i < S->ntriggers; i++)
	{
		const CovetCatTrigger *st = &S->triggers[i];
		const CovetCatTrigger *tt = NULL;
		bool		touched = table_touched(D, st->table);

		for (k = 0; k < T->ntriggers; k++)
			if (strcmp(T->triggers[k].name, st->name) == 0 &&
				strcmp(T->triggers[k].table, st->table) == 0)
				tt = &T->triggers[k];
		for (k = 0; !touched && k < st->ndeps; k++)
			touched = (st->deps[k].kind == COVET_CAT_TABLE && table_touched(D, st->deps[k].name)) ||
				(st->deps[k].kind == COVET_CAT_FUNCTION && func_touched(D, st->deps[k].name));
		for (k = 0; !touched && k < st->ndeps; k++)
			if (st->deps[k].kind == COVET_CAT_VIEW)
			{
				const CovetCatView *v = covet_catalog_view(S, st->deps[k].name);

				touched = v != NULL && D->view_drop[v - S->views];
			}
		D->trig_drop[i] = tt == NULL || touched || !trigger_same(D, st, tt);
	}
	for (k = 0; k < T->ntriggers; k++)
	{
		D->trig_create[k] = true;
		for (i = 0; i < S->ntriggers; i++)
			if (strcmp(S->triggers[i].name, T->triggers[k].name) == 0 &&
				strcmp(S->triggers[i].table, T->triggers[k].table) == 0 && !D->trig_drop[i])
				D->trig_create[k] = false;
	}
}

/* Views in dependency order (what a view reads first); reversed: drops. */
static void
view_visit(const CovetCatalog *cat, int v, const bool *want, bool *done,
		   int *order, int *n, int depth)
{
	int			i,
				k;

	if (done[v] || depth > 64)
		return;
	done[v] = true;
	for (i = 0; i < cat->views[v].ndeps; i++)
		if (cat->views[v].deps[i].kind == COVET_CAT_VIEW)
			for (k = 0; k < cat->nviews; k++)
				if (strcmp(cat->views[k].name, cat->views[v].deps[i].name) == 0 && want[k])
					view_visit(cat, k, want, done, order, n, depth + 1);
	order[(*n)++] = v;
}

static int *
view_order(Differ *D, const CovetCatalog *cat, const bool *want, int *n)
{
	bool	   *done = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (cat->nviews + 1));
	int		   *order = covet_arena_alloc(D->a, sizeof(int) * (size_t) (cat->nviews + 1));
	int			i;

	*n = 0;
	if (done == NULL || order == NULL)
		return NULL;
	for (i = 0; i < cat->nviews; i++)
		if (want[i])
			view_visit(cat, i, want, done, order, n, 0);
	return order;
}

/* ---------------------------------------------------------------------
 * Statements of objects
 * ---------------------------------------------------------------------
 */
static char *
view_create_sql(Differ *D, const CovetCatView *v)
{
	char	   *out = NULL;
	CovetError	e;

	if (D->pg)
		return sf(D, "CREATE VIEW %s AS\n%s", QN(v->name), chop(D, v->definition));
	if (covet_catalog_create_rename(D->mem, v->definition, D->src->schema, NULL, &out, &e) != COVET_OK)
		return chop(D, v->definition);
	{
		char	   *s = chop(D, out);

		covet_free(D->mem, out);
		return s;
	}
}

static char *
sqlite_create(Differ *D, const char *sql, const char *name)
{
	char	   *out = NULL;
	char	   *s;
	CovetError	e;

	if (covet_catalog_create_rename(D->mem, sql, D->src->schema, name, &out, &e) != COVET_OK)
		return chop(D, sql);
	s = chop(D, out);
	covet_free(D->mem, out);
	return s;
}

static char *
trigger_create_sql(Differ *D, const CovetCatTrigger *t)
{
	if (D->pg)
		return chop(D, t->definition);
	return sqlite_create(D, t->definition, NULL);
}

static char *
trigger_drop_sql(Differ *D, const CovetCatTrigger *t)
{
	if (D->pg)
		return sf(D, "DROP TRIGGER %s ON %s", QI(t->name), QN(t->table));
	return sf(D, "DROP TRIGGER %s", QN(t->name));
}

/* An identity's sequence options, " (START WITH 1 INCREMENT BY 1)", or "". */
static const char *
idopts(Differ *D, const CovetCatColumn *c)
{
	return c->identity_options ? sf(D, " (%s)", c->identity_options) : "";
}

/* "START WITH 1 INCREMENT BY 2" as ALTER COLUMN's "START WITH 1 SET INCREMENT BY 2" */
static const char *
idset(Differ *D, const char *opts)
{
	const char *inc = strstr(opts, " INCREMENT BY ");

	if (inc == NULL)
		return opts;
	return sf(D, "%.*s SET%s", (int) (inc - opts), opts, inc);
}

/* PostgreSQL: a column as CREATE TABLE and ADD COLUMN write it. */
static char *
pg_coldef(Differ *D, const CovetCatColumn *c, bool with_notnull)
{
	return sf(D, "%s %s%s%s%s%s%s%s%s%s",
			  QI(c->name), c->type,
			  c->collation ? " COLLATE " : "", c->collation ? c->collation : "",
			  c->generated ? sf(D, " GENERATED ALWAYS AS (%s) STORED", c->generated_expr ? c->generated_expr : "NULL") : "",
			  c->identity ? sf(D, " GENERATED %s AS IDENTITY%s",
							   c->identity == 'a' ? "ALWAYS" : "BY DEFAULT", idopts(D, c)) : "",
			  c->default_expr && !c->generated && !c->identity ? " DEFAULT " : "",
			  c->default_expr && !c->generated && !c->identity ? c->default_expr : "",
			  with_notnull && c->notnull && !c->identity ? " NOT NULL" : "",
			  "");
}

static const char *
strip_not_valid(Differ *D, const char *def)
{
	size_t		n = def ? strlen(def) : 0;

	if (n > 10 && strcmp(def + n - 10, " NOT VALID") == 0)
	{
		char	   *s = covet_arena_alloc(D->a, n - 9);

		if (s)
			memcpy(s, def, n - 10);
		return s;
	}
	return def;
}

static char *
pg_table_create(Differ *D, const CovetCatTable *t)
{
	CovetBuf	b;
	char	   *s;
	int			i;
	bool		first = true;

	covet_buf_init(&b, D->mem);
	covet_buf_appendf(&b, "CREATE TABLE %s (", QN(t->name));
	for (i = 0; i < t->ncols; i++, first = false)
		covet_buf_appendf(&b, "%s\n    %s", first ? "" : ",", pg_coldef(D, &t->cols[i], true));
	for (i = 0; i < t->ncons; i++)
		if (t->cons[i].kind != COVET_CON_FOREIGN)
		{
			covet_buf_appendf(&b, "%s\n    CONSTRAINT %s %s", first ? "" : ",",
							  QI(t->cons[i].name), strip_not_valid(D, t->cons[i].definition));
			first = false;
		}
	covet_buf_append(&b, "\n)");
	s = b.failed ? NULL : covet_arena_strdup(D->a, b.data);
	covet_buf_free(&b);
	if (s == NULL)
		D->a->failed = true;
	return s;
}

static char *
pg_index_create(Differ *D, const CovetCatTable *t, const CovetCatIndex *x, bool concurrently)
{
	return sf(D, "CREATE %sINDEX %s%s ON %s%s", x->unique ? "UNIQUE " : "",
			  concurrently ? "CONCURRENTLY " : "", QI(x->name), QN(t->name), x->definition);
}

static char *
pg_index_drop(Differ *D, const CovetCatIndex *x, bool concurrently)
{
	return sf(D, "DROP INDEX %s%s", concurrently ? "CONCURRENTLY " : "", QN(x->name));
}

static void
comment_step(Differ *D, const char *what, const char *target, const char *from,
			 const char *to)
{
	if (streq(from, to))
		return;
	step(D, 0, NULL, sf(D, "comment on %s", what),
		 sf(D, "COMMENT ON %s IS %s", target, QL(to)),
		 sf(D, "COMMENT ON %s IS %s", target, QL(from)));
}

/* ---------------------------------------------------------------------
 * Phase 1: views and triggers that go or change
 * ---------------------------------------------------------------------
 */
static void
drop_views_triggers(Differ *D)
{
	const CovetCatalog *S = D->src;
	int			n,
				i;
	int		   *order;

	for (i = 0; i < S->ntriggers; i++)
		if (D->trig_drop[i])
			step(D, D->pg ? COVET_HZ_EXCLUSIVE_LOCK : 0, NULL,
				 sf(D, "trigger %s.%s", S->triggers[i].table, S->triggers[i].name),
				 trigger_drop_sql(D, &S->triggers[i]),
				 trigger_create_sql(D, &S->triggers[i]));
	order = view_order(D, S, D->view_drop, &n);
	for (i = n - 1; order != NULL && i >= 0; i--)
	{
		const CovetCatView *v = &S->views[order[i]];

		if (D->pg && v->comment)
			comment_step(D, sf(D, "view %s", v->name), sf(D, "VIEW %s", QN(v->name)), v->comment, NULL);
		step(D, D->pg ? COVET_HZ_EXCLUSIVE_LOCK : 0, NULL, sf(D, "view %s", v->name),
			 sf(D, "DROP VIEW %s", QN(v->name)), view_create_sql(D, v));
	}
}

static void
create_views_triggers(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			n,
				i;
	int		   *order = view_order(D, T, D->view_create, &n);

	for (i = 0; order != NULL && i < n; i++)
	{
		const CovetCatView *v = &T->views[order[i]];

		step(D, 0, NULL, sf(D, "view %s", v->name), view_create_sql(D, v),
			 sf(D, "DROP VIEW %s", QN(v->name)));
		if (D->pg && v->comment)
			comment_step(D, sf(D, "view %s", v->name), sf(D, "VIEW %s", QN(v->name)), NULL, v->comment);
	}
	for (i = 0; D->pg && i < T->nviews; i++)
	{
		const CovetCatView *sv = covet_catalog_view(S, T->views[i].name);

		if (!D->view_create[i] && sv != NULL)
			comment_step(D, sf(D, "view %s", sv->name), sf(D, "VIEW %s", QN(sv->name)),
						 sv->comment, T->views[i].comment);
	}
	for (i = 0; i < T->ntriggers; i++)
		if (D->trig_create[i])
			step(D, D->pg ? COVET_HZ_EXCLUSIVE_LOCK : 0, NULL,
				 sf(D, "trigger %s.%s", T->triggers[i].table, T->triggers[i].name),
				 trigger_create_sql(D, &T->triggers[i]),
				 trigger_drop_sql(D, &T->triggers[i]));
}

/* ---------------------------------------------------------------------
 * PostgreSQL: enums, sequences, functions
 * ---------------------------------------------------------------------
 */
static const CovetCatEnum *
enum_of(const CovetCatalog *cat, const char *name)
{
	int			i;

	for (i = 0; i < cat->nenums; i++)
		if (strcmp(cat->enums[i].name, name) == 0)
			return &cat->enums[i];
	return NULL;
}

static char *
enum_values(Differ *D, const CovetCatEnum *e)
{
	CovetBuf	b;
	char	   *s;
	int			i;

	covet_buf_init(&b, D->mem);
	for (i = 0; i < e->nvalues; i++)
	{
		if (i)
			covet_buf_append(&b, ", ");
		covet_quote_literal(&b, e->values[i]);
	}
	s = b.failed ? NULL : covet_arena_strdup(D->a, b.data ? b.data : "");
	covet_buf_free(&b);
	return s ? s : "";
}

/* Are a's values b's with some added (same relative order)? */
static bool
enum_only_added(const CovetCatEnum *a, const CovetCatEnum *b)
{
	int			i = 0,
				k;

	for (k = 0; k < b->nvalues && i < a->nvalues; k++)
		if (strcmp(a->values[i], b->values[k]) == 0)
			i++;
	return i == a->nvalues;
}

/*
 * A default that names type "from" (PostgreSQL prints 'sad'::mood, or
 * '{sad}'::mood[]) with the type named "to" instead; NULL when it names
 * no such type.
 */
static char *
default_retyped(Differ *D, const char *def, const char *from, const char *to)
{
	const char *forms[2];
	int			f;

	forms[0] = sf(D, "::%s", from);
	forms[1] = sf(D, "::%s", QI(from));
	for (f = 0; def != NULL && f < 2; f++)
	{
		const char *at = strstr(def, forms[f]);
		size_t		n = forms[f] ? strlen(forms[f]) : 0;

		if (at != NULL && !isalnum((unsigned char) at[n]) && at[n] != '_' && at[n] != '"')
			return sf(D, "%.*s::%s%s", (int) (at - def), def, QI(to), at + n);
	}
	return NULL;
}

/* The target's column that source table.column becomes, or NULL. */
static const CovetCatColumn *
column_in_target(Differ *D, const CovetCatTable *tb, int col)
{
	TableMap   *m = map_of_source(D, tb->name);

	if (m == NULL || m->t == NULL || m->colmap == NULL || m->colmap[col] < 0)
		return NULL;
	return &m->t->cols[m->colmap[col]];
}

/* The rename-recreate-recast way from values of s to values of t. */
static void
enum_recreate(Differ *D, const CovetCatEnum *s, const CovetCatEnum *t)
{
	const char *old = sf(D, "%s__covet_old", s->name);
	int			i,
				k;

	step(D, 0, NULL, sf(D, "enum %s", s->name),
		 sf(D, "ALTER TYPE %s RENAME TO %s", QN(s->name), QI(old)),
		 sf(D, "ALTER TYPE %s RENAME TO %s", QN(old), QI(s->name)));
	step(D, 0, NULL, sf(D, "enum %s", s->name),
		 sf(D, "CREATE TYPE %s AS ENUM (%s)", QN(t->name), enum_values(D, t)),
		 sf(D, "DROP TYPE %s", QN(t->name)));
	for (i = 0; i < D->src->ntables; i++)
	{
		const CovetCatTable *tb = &D->src->tables[i];

		for (k = 0; k < tb->ncols; k++)
			if (strcmp(tb->cols[k].type, s->name) == 0 ||
				strcmp(tb->cols[k].type, sf(D, "%s[]", s->name)) == 0)
			{
				bool		arr = strchr(tb->cols[k].type, '[') != NULL;
				const char *def = tb->cols[k].default_expr;
				const CovetCatColumn *tc = column_in_target(D, tb, k);

				/* a default over the type cannot be cast: off, then back */
				if (def != NULL)
					step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", tb->name, tb->cols[k].name),
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", QN(tb->name), QI(tb->cols[k].name)),
						 default_retyped(D, def, s->name, old) ?
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", QN(tb->name), QI(tb->cols[k].name),
							default_retyped(D, def, s->name, old)) :
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", QN(tb->name), QI(tb->cols[k].name), def));
				step(D, COVET_HZ_REWRITES_TABLE | COVET_HZ_EXCLUSIVE_LOCK, NULL,
					 sf(D, "column %s.%s", tb->name, tb->cols[k].name),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s TYPE %s%s USING CAST(CAST(%s AS text%s) AS %s%s)",
						QN(tb->name), QI(tb->cols[k].name), QN(s->name), arr ? "[]" : "",
						QI(tb->cols[k].name), arr ? "[]" : "", QN(s->name), arr ? "[]" : ""),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s TYPE %s%s USING CAST(CAST(%s AS text%s) AS %s%s)",
						QN(tb->name), QI(tb->cols[k].name), QN(old), arr ? "[]" : "",
						QI(tb->cols[k].name), arr ? "[]" : "", QN(old), arr ? "[]" : ""));
				/*
				 * The target's default, when the column keeps the type: set
				 * here, so that the reverse drops it before recasting back.
				 */
				if (def != NULL && tc != NULL && D->ndef_done < 64 &&
					(strcmp(tc->type, t->name) == 0 || strcmp(tc->type, sf(D, "%s[]", t->name)) == 0))
				{
					if (tc->default_expr != NULL)
						step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", tb->name, tb->cols[k].name),
							 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", QN(tb->name), QI(tb->cols[k].name),
								tc->default_expr),
							 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", QN(tb->name), QI(tb->cols[k].name)));
					D->def_done[D->ndef_done++] = sf(D, "%s.%s", tb->name, tb->cols[k].name);
				}
			}
	}
	step(D, 0, NULL, sf(D, "enum %s", s->name),
		 sf(D, "DROP TYPE %s", QN(old)),
		 sf(D, "CREATE TYPE %s AS ENUM (%s)", QN(old), enum_values(D, s)));
}

static void
enums_sequences_functions(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			i;

	for (i = 0; i < T->nenums; i++)
	{
		const CovetCatEnum *t = &T->enums[i];
		const CovetCatEnum *s = enum_of(S, t->name);

		if (s == NULL)
		{
			step(D, 0, NULL, sf(D, "enum %s", t->name),
				 sf(D, "CREATE TYPE %s AS ENUM (%s)", QN(t->name), enum_values(D, t)),
				 sf(D, "DROP TYPE %s", QN(t->name)));
			if (t->comment)
				comment_step(D, sf(D, "enum %s", t->name), sf(D, "TYPE %s", QN(t->name)), NULL, t->comment);
			continue;
		}
		if (s->nvalues == t->nvalues && enum_only_added(s, t))
			;
		else if (enum_only_added(s, t))
		{
			int			k,
						j = 0;

			/* each added value before the next kept one, or at the end */
			for (k = 0; k < t->nvalues; k++)
			{
				if (j < s->nvalues && strcmp(s->values[j], t->values[k]) == 0)
				{
					j++;
					continue;
				}
				step(D, COVET_HZ_COMMIT_BEFORE_USE, NULL, sf(D, "enum %s", t->name),
					 j < s->nvalues ?
					 sf(D, "ALTER TYPE %s ADD VALUE %s BEFORE %s", QN(t->name), QL(t->values[k]), QL(s->values[j])) :
					 sf(D, "ALTER TYPE %s ADD VALUE %s", QN(t->name), QL(t->values[k])),
					 NULL);
			}
			/* a value cannot be removed: the reverse recreates the type */
			D->diff->steps[D->diff->nsteps - 1].reverse = NULL;
			{
				int			before = D->diff->nsteps;
				CovetDiff  *diff = D->diff;
				char	   *rev;
				CovetBuf	b;
				int			x;

				int			saved = D->ndef_done;

				enum_recreate(D, t, s);
				D->ndef_done = saved;
				covet_buf_init(&b, D->mem);
				for (x = before; x < diff->nsteps; x++)
					covet_buf_appendf(&b, "%s%s", x > before ? ";\n" : "", diff->steps[x].statement);
				rev = b.failed ? NULL : covet_arena_strdup(D->a, b.data);
				covet_buf_free(&b);
				diff->nsteps = before;
				diff->steps[before - 1].reverse = rev;
			}
		}
		else
			enum_recreate(D, s, t);
		comment_step(D, sf(D, "enum %s", t->name), sf(D, "TYPE %s", QN(t->name)), s->comment, t->comment);
	}
	for (i = 0; i < T->nsequences; i++)
	{
		const CovetCatSequence *t = &T->sequences[i];
		const CovetCatSequence *s = NULL;
		int			k;

		for (k = 0; k < S->nsequences; k++)
			if (strcmp(S->sequences[k].name, t->name) == 0)
				s = &S->sequences[k];
		if (s == NULL && (s = seq_renamed_from(D, t->name)) != NULL)
			step(D, 0, NULL, sf(D, "sequence %s", t->name),
				 sf(D, "ALTER SEQUENCE %s RENAME TO %s", QN(s->name), QI(t->name)),
				 sf(D, "ALTER SEQUENCE %s RENAME TO %s", QN(t->name), QI(s->name)));
		if (s == NULL)
			step(D, 0, NULL, sf(D, "sequence %s", t->name),
				 sf(D, "CREATE SEQUENCE %s AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld CACHE %lld%s",
					QN(t->name), t->type, (long long) t->increment, (long long) t->min,
					(long long) t->max, (long long) t->start, (long long) t->cache,
					t->cycle ? " CYCLE" : " NO CYCLE"),
				 sf(D, "DROP SEQUENCE %s", QN(t->name)));
		else if (strcmp(s->type, t->type) != 0 || s->increment != t->increment ||
				 s->min != t->min || s->max != t->max || s->start != t->start ||
				 s->cache != t->cache || s->cycle != t->cycle)
			step(D, 0, NULL, sf(D, "sequence %s", t->name),
				 sf(D, "ALTER SEQUENCE %s AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld CACHE %lld%s",
					QN(t->name), t->type, (long long) t->increment, (long long) t->min,
					(long long) t->max, (long long) t->start, (long long) t->cache,
					t->cycle ? " CYCLE" : " NO CYCLE"),
				 sf(D, "ALTER SEQUENCE %s AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld CACHE %lld%s",
					QN(t->name), s->type, (long long) s->increment, (long long) s->min,
					(long long) s->max, (long long) s->start, (long long) s->cache,
					s->cycle ? " CYCLE" : " NO CYCLE"));
		comment_step(D, sf(D, "sequence %s", t->name), sf(D, "SEQUENCE %s", QN(t->name)),
					 s ? s->comment : NULL, t->comment);
	}
	for (i = 0; i < T->nfunctions; i++)
	{
		const CovetCatFunction *t = &T->functions[i];
		const CovetCatFunction *s = NULL;
		const char *kw = t->kind == 'p' ? "PROCEDURE" : "FUNCTION";
		int			k;

		for (k = 0; k < S->nfunctions; k++)
			if (strcmp(S->functions[k].signature, t->signature) == 0)
				s = &S->functions[k];
		if (s != NULL && !D->func_drop[s - S->functions] && streq(s->definition, t->definition))
		{
			comment_step(D, sf(D, "function %s", t->signature),
						 sf(D, "%s %s%s", kw, QN(t->name), strchr(t->signature, '(')),
						 s->comment, t->comment);
			continue;
		}
		if (s != NULL && !D->func_drop[s - S->functions])
			step(D, 0, NULL, sf(D, "function %s", t->signature),
				 sf(D, "CREATE OR REPLACE %s %s%s", kw, QN(t->name), chop(D, t->definition)),
				 sf(D, "CREATE OR REPLACE %s %s%s", kw, QN(s->name), chop(D, s->definition)));
		else
			step(D, 0, NULL, sf(D, "function %s", t->signature),
				 sf(D, "CREATE %s %s%s", kw, QN(t->name), chop(D, t->definition)),
				 sf(D, "DROP %s %s%s", kw, QN(t->name), strchr(t->signature, '(')));
		comment_step(D, sf(D, "function %s", t->signature),
					 sf(D, "%s %s%s", kw, QN(t->name), strchr(t->signature, '(')),
					 s && !D->func_drop[s - S->functions] ? s->comment : NULL, t->comment);
	}
}

/* "RETURNS ..." line of a function definition */
static bool
same_returns(const char *a, const char *b)
{
	const char *ra = strstr(a, "RETURNS ");
	const char *rb = strstr(b, "RETURNS ");
	size_t		na,
				nb;

	if (ra == NULL || rb == NULL)
		return ra == rb;
	na = strcspn(ra, "\n");
	nb = strcspn(rb, "\n");
	return na == nb && strncmp(ra, rb, na) == 0;
}

static void
mark_functions(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			i,
				k;

	D->func_drop = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (S->nfunctions + 1));
	for (i = 0; D->func_drop != NULL && i < S->nfunctions; i++)
	{
		const CovetCatFunction *t = NULL;

		for (k = 0; k < T->nfunctions; k++)
			if (strcmp(T->functions[k].signature, S->functions[i].signature) == 0)
				t = &T->functions[k];
		D->func_drop[i] = t == NULL || t->kind != S->functions[i].kind ||
			!same_returns(S->functions[i].definition, t->definition);
	}
}

static void
drop_functions_sequences_enums(Differ *D)
{
	const CovetCatalog *S = D->src,
			   *T = D->tgt;
	int			i,
				k;

	for (i = 0; i < S->nfunctions; i++)
		if (D->func_drop[i])
		{
			const CovetCatFunction *s = &S->functions[i];
			const char *kw = s->kind == 'p' ? "PROCEDURE" : "FUNCTION";

			/* a recreated one (new result type) was created above: drop first */
			comment_step(D, sf(D, "function %s", s->signature),
						 sf(D, "%s %s%s", kw, QN(s->name), strchr(s->signature, '(')), s->comment, NULL);
			step(D, 0, NULL, sf(D, "function %s", s->signature),
				 sf(D, "DROP %s %s%s", kw, QN(s->name), strchr(s->signature, '(')),
				 sf(D, "CREATE %s %s%s", kw, QN(s->name), chop(D, s->definition)));
		}
	for (i = 0; i < S->nsequences; i++)
	{
		const CovetCatSequence *s = &S->sequences[i];
		bool		kept = false;
		TableMap   *m = NULL;

		for (k = 0; k < T->nsequences; k++)
			if (strcmp(T->sequences[k].name, s->name) == 0)
				kept = true;
		if (kept || (D->seq_to && D->seq_to[i]))
			continue;
		if (s->owned_by != NULL)
		{
			char	   *tb = sf(D, "%s", s->owned_by);

			if (tb && strchr(tb, '.'))
				*strchr(tb, '.') = '\0';
			m = tb ? map_of_source(D, tb) : NULL;
		}
		step(D, 0, NULL, sf(D, "sequence %s", s->name),
			 sf(D, "DROP SEQUENCE %s%s", m != NULL && m->t == NULL ? "IF EXISTS " : "", QN(s->name)),
			 sf(D, "CREATE SEQUENCE %s AS %s INCREMENT BY %lld MINVALUE %lld MAXVALUE %lld START WITH %lld CACHE %lld%s",
				QN(s->name), s->type, (long long) s->increment, (long long) s->min,
				(long long) s->max, (long long) s->start, (long long) s->cache,
				s->cycle ? " CYCLE" : " NO CYCLE"));
	}
	for (i = 0; i < S->nenums; i++)
		if (enum_of(T, S->enums[i].name) == NULL)
			step(D, 0, NULL, sf(D, "enum %s", S->enums[i].name),
				 sf(D, "DROP TYPE %s", QN(S->enums[i].name)),
				 sf(D, "CREATE TYPE %s AS ENUM (%s)", QN(S->enums[i].name), enum_values(D, &S->enums[i])));
}

/* ---------------------------------------------------------------------
 * Tables: PostgreSQL
 * ---------------------------------------------------------------------
 */
static const CovetCatConstraint *
con_of(const CovetCatTable *t, const char *name)
{
	int			i;

	for (i = 0; i < t->ncons; i++)
		if (strcmp(t->cons[i].name, name) == 0)
			return &t->cons[i];
	return NULL;
}

static const CovetCatIndex *
idx_of(const CovetCatTable *t, const char *name)
{
	int			i;

	for (i = 0; i < t->nidx; i++)
		if (strcmp(t->idx[i].name, name) == 0)
			return &t->idx[i];
	return NULL;
}

/* PostgreSQL prints a name bare when it is lower case letters, digits, _ */
static const char *
pg_ident(Differ *D, const char *name)
{
	const char *p;

	if (!(islower((unsigned char) name[0]) || name[0] == '_'))
		return QI(name);
	for (p = name; *p; p++)
		if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) || *p == '_'))
			return QI(name);
	return name;
}

/*
 * A source definition (constraint, index) with the columns of the current
 * table's renames written as the target names them, so that a key over a
 * renamed column is the same key.  Names in quotes and bare ones are
 * matched; string literals are skipped.
 */
static const char *
renamed_def(Differ *D, const char *def)
{
	const TableMap *m = D->cur;
	CovetBuf	b;
	const char *p;
	char	   *out;
	bool		any = false;
	int			k;

	if (def == NULL || m == NULL || m->s == NULL || m->t == NULL || m->colmap == NULL)
		return def;
	for (k = 0; k < m->s->ncols; k++)
		if (m->colmap[k] >= 0 && strcmp(m->s->cols[k].name, m->t->cols[m->colmap[k]].name) != 0)
			any = true;
	if (!any)
		return def;
	covet_buf_init(&b, D->mem);
	for (p = def; *p;)
	{
		if (*p == '\'')
		{
			const char *e = p + 1;

			while (*e && !(*e == '\'' && e[1] != '\''))
				e += (*e == '\'' ? 2 : 1);
			if (*e)
				e++;
			covet_buf_appendf(&b, "%.*s", (int) (e - p), p);
			p = e;
		}
		else if (*p == '"' || isalpha((unsigned char) *p) || *p == '_')
		{
			const char *e = p;
			char	   *name;
			bool		quoted = *p == '"';

			if (quoted)
			{
				CovetBuf	n;

				covet_buf_init(&n, D->mem);
				covet_buf_append(&n, "");
				for (e = p + 1; *e; e++)
				{
					if (*e == '"' && e[1] == '"')
						covet_buf_appendc(&n, *e++);
					else if (*e == '"')
						break;
					else
						covet_buf_appendc(&n, *e);
				}
				if (*e)
					e++;
				name = n.failed ? NULL : covet_arena_strdup(D->a, n.data);
				covet_buf_free(&n);
			}
			else
			{
				while (isalnum((unsigned char) *e) || *e == '_' || *e == '$')
					e++;
				name = sf(D, "%.*s", (int) (e - p), p);
			}
			k = -1;
			if (name != NULL && !(p > def && p[-1] == '.') && *e != '(')
				k = covet_catalog_column_index(m->s, name);
			if (k >= 0 && m->colmap[k] >= 0)
				covet_buf_append(&b, pg_ident(D, m->t->cols[m->colmap[k]].name));
			else
				covet_buf_appendf(&b, "%.*s", (int) (e - p), p);
			p = e;
		}
		else
			covet_buf_appendc(&b, *p++);
	}
	out = b.failed ? NULL : covet_arena_strdup(D->a, b.data);
	covet_buf_free(&b);
	return out ? out : def;
}

static bool
con_same(Differ *D, const CovetCatConstraint *a, const CovetCatConstraint *b)
{
	return a->kind == b->kind && (streq(a->definition, b->definition) ||
								  streq(renamed_def(D, a->definition), b->definition));
}

static bool
idx_same(Differ *D, const CovetCatIndex *a, const CovetCatIndex *b)
{
	return a->unique == b->unique && (streq(a->definition, b->definition) ||
									  streq(renamed_def(D, a->definition), b->definition));
}

/* FK / check added to a table with rows: NOT VALID, then VALIDATE. */
static void
pg_con_add(Differ *D, const char *tname, const CovetCatConstraint *c, bool existing)
{
	const char *obj = sf(D, "constraint %s.%s", tname, c->name);
	const char *def = strip_not_valid(D, c->definition);
	const char *drop = sf(D, "ALTER TABLE %s DROP CONSTRAINT %s", QN(tname), QI(c->name));

	if (c->kind == COVET_CON_FOREIGN || c->kind == COVET_CON_CHECK)
	{
		step(D, 0, NULL, obj,
			 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s %s%s", QN(tname), QI(c->name), def,
				existing || !c->validated ? " NOT VALID" : ""),
			 drop);
		if (existing && c->validated)
			step(D, COVET_HZ_SCANS_TABLE, NULL, obj,
				 sf(D, "ALTER TABLE %s VALIDATE CONSTRAINT %s", QN(tname), QI(c->name)), NULL);
	}
	else if (existing && (c->kind == COVET_CON_PRIMARY || c->kind == COVET_CON_UNIQUE))
	{
		const CovetCatIndex *x = NULL;
		const CovetCatTable *t = covet_catalog_table(D->tgt, tname);
		int			i;

		for (i = 0; t != NULL && i < t->nidx; i++)
			if (streq(t->idx[i].constraint, c->name))
				x = &t->idx[i];
		if (x != NULL)
		{
			step(D, COVET_HZ_BUILDS_INDEX | COVET_HZ_NON_TRANSACTIONAL, NULL, obj,
				 pg_index_create(D, t, x, true),
				 sf(D, "DROP INDEX CONCURRENTLY IF EXISTS %s", QN(x->name)));
			step(D, COVET_HZ_EXCLUSIVE_LOCK | (c->kind == COVET_CON_PRIMARY ? COVET_HZ_SCANS_TABLE : 0), NULL, obj,
				 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s", QN(tname), QI(c->name),
					c->kind == COVET_CON_PRIMARY ? "PRIMARY KEY" : "UNIQUE", QI(x->name)),
				 drop);
		}
		else
			step(D, COVET_HZ_BUILDS_INDEX | COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
				 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s %s", QN(tname), QI(c->name), def), drop);
	}
	else
		step(D, existing ? COVET_HZ_BUILDS_INDEX | COVET_HZ_EXCLUSIVE_LOCK : 0, NULL, obj,
			 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s %s", QN(tname), QI(c->name), def), drop);
	if (c->comment)
		comment_step(D, obj + 11, sf(D, "CONSTRAINT %s ON %s", QI(c->name), QN(tname)), NULL, c->comment);
}

static void
pg_con_drop(Differ *D, const char *tname, const CovetCatConstraint *c)
{
	const char *obj = sf(D, "constraint %s.%s", tname, c->name);

	step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
		 sf(D, "ALTER TABLE %s DROP CONSTRAINT %s", QN(tname), QI(c->name)),
		 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s %s", QN(tname), QI(c->name), c->definition));
}

static bool
rewrites_type(const char *from, const char *to)
{
	int			a,
				b;

	if (strcmp(to, "text") == 0 && (strncmp(from, "character varying", 17) == 0))
		return false;
	if (sscanf(from, "character varying(%d)", &a) == 1 && sscanf(to, "character varying(%d)", &b) == 1)
		return b < a;
	if (strcmp(from, "character varying") == 0 && strcmp(to, "text") == 0)
		return false;
	return true;
}

static void
pg_new_table(Differ *D, const CovetCatTable *t)
{
	int			i;

	step(D, 0, NULL, sf(D, "table %s", t->name), pg_table_create(D, t),
		 sf(D, "DROP TABLE %s", QN(t->name)));
	for (i = 0; i < t->nidx; i++)
		if (t->idx[i].constraint == NULL)
			step(D, 0, NULL, sf(D, "index %s", t->idx[i].name),
				 pg_index_create(D, t, &t->idx[i], false), pg_index_drop(D, &t->idx[i], false));
	comment_step(D, sf(D, "table %s", t->name), sf(D, "TABLE %s", QN(t->name)), NULL, t->comment);
	for (i = 0; i < t->ncols; i++)
		comment_step(D, sf(D, "column %s.%s", t->name, t->cols[i].name),
					 sf(D, "COLUMN %s.%s", QN(t->name), QI(t->cols[i].name)), NULL, t->cols[i].comment);
	for (i = 0; i < t->nidx; i++)
		comment_step(D, sf(D, "index %s", t->idx[i].name), sf(D, "INDEX %s", QN(t->idx[i].name)),
					 NULL, t->idx[i].comment);
}

/* Column changes of a kept table (its current name: the target's). */
static void
pg_alter_columns(Differ *D, TableMap *m, bool drops)
{
	const CovetCatTable *s = m->s,
			   *t = m->t;
	const char *tn = t->name;
	int			i,
				k;

	if (!drops)
	{
		/* added columns */
		for (k = 0; k < t->ncols; k++)
		{
			const CovetCatColumn *c = &t->cols[k];
			bool		mapped = false;
			bool		nn_steps;

			for (i = 0; i < s->ncols; i++)
				if (m->colmap[i] == k)
					mapped = true;
			if (mapped)
				continue;
			/* NOT NULL without a default: the CHECK way (fails on rows) */
			nn_steps = c->notnull && c->default_expr == NULL && !c->identity && !c->generated;
			step(D, COVET_HZ_EXCLUSIVE_LOCK |
				 (c->identity || c->generated ? COVET_HZ_REWRITES_TABLE : 0), NULL,
				 sf(D, "column %s.%s", tn, c->name),
				 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(tn), pg_coldef(D, c, !nn_steps)),
				 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(tn), QI(c->name)));
			if (nn_steps)
			{
				const char *cn = sf(D, "%s_%s_not_null", tn, c->name);

				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", tn, c->name),
					 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", QN(tn), QI(cn), QI(c->name)),
					 sf(D, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", QN(tn), QI(cn)));
				step(D, COVET_HZ_SCANS_TABLE, NULL, sf(D, "column %s.%s", tn, c->name),
					 sf(D, "ALTER TABLE %s VALIDATE CONSTRAINT %s", QN(tn), QI(cn)), NULL);
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", tn, c->name),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", QN(tn), QI(c->name)),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", QN(tn), QI(c->name)));
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", tn, c->name),
					 sf(D, "ALTER TABLE %s DROP CONSTRAINT %s", QN(tn), QI(cn)),
					 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", QN(tn), QI(cn), QI(c->name)));
			}
			comment_step(D, sf(D, "column %s.%s", tn, c->name),
						 sf(D, "COLUMN %s.%s", QN(tn), QI(c->name)), NULL, c->comment);
		}
		/* changed columns */
		for (i = 0; i < s->ncols; i++)
		{
			const CovetCatColumn *a = &s->cols[i],
					   *b;
			const char *obj,
					   *cn;

			if (m->colmap[i] < 0)
				continue;
			b = &t->cols[m->colmap[i]];
			obj = sf(D, "column %s.%s", tn, b->name);
			cn = QI(b->name);
			if (a->generated != b->generated || !streq(a->generated_expr, b->generated_expr))
			{
				step(D, COVET_HZ_REWRITES_TABLE | COVET_HZ_EXCLUSIVE_LOCK | COVET_HZ_DELETES_DATA, NULL, obj,
					 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(tn), cn),
					 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(tn), pg_coldef(D, a, true)));
				step(D, COVET_HZ_REWRITES_TABLE | COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(tn), pg_coldef(D, b, true)),
					 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(tn), cn));
				continue;
			}
			if (a->identity != b->identity)
			{
				if (a->identity && !b->identity)
					step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", QN(tn), cn),
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s", QN(tn), cn,
							a->identity == 'a' ? "ALWAYS" : "BY DEFAULT", idopts(D, a)));
				else if (!a->identity)
					step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s", QN(tn), cn,
							b->identity == 'a' ? "ALWAYS" : "BY DEFAULT", idopts(D, b)),
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", QN(tn), cn));
				else
					step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET GENERATED %s", QN(tn), cn,
							b->identity == 'a' ? "ALWAYS" : "BY DEFAULT"),
						 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET GENERATED %s", QN(tn), cn,
							a->identity == 'a' ? "ALWAYS" : "BY DEFAULT"));
			}
			/* identity options: the sequence behind it (SET START, SET INCREMENT) */
			if (a->identity && b->identity && a->identity_options && b->identity_options &&
				strcmp(a->identity_options, b->identity_options) != 0)
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET %s", QN(tn), cn, idset(D, b->identity_options)),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET %s", QN(tn), cn, idset(D, a->identity_options)));
			if (!default_same(D, a->default_expr, b->default_expr) && a->default_expr != NULL && !a->identity &&
				!default_done(D, s->name, a->name))
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", QN(tn), cn),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", QN(tn), cn, a->default_expr));
			if (strcmp(a->type, b->type) != 0 || !streq(a->collation, b->collation))
			{
				bool		rw = !streq(a->collation, b->collation) || rewrites_type(a->type, b->type);

				step(D, COVET_HZ_EXCLUSIVE_LOCK | (rw ? COVET_HZ_REWRITES_TABLE : 0), NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s TYPE %s%s%s USING CAST(%s AS %s)", QN(tn), cn, b->type,
						b->collation ? " COLLATE " : "", b->collation ? b->collation : "", cn, b->type),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s TYPE %s%s%s USING CAST(%s AS %s)", QN(tn), cn, a->type,
						a->collation ? " COLLATE " : "", a->collation ? a->collation : "", cn, a->type));
			}
			if (!default_same(D, a->default_expr, b->default_expr) && b->default_expr != NULL && !b->identity && !b->generated &&
				!default_done(D, s->name, a->name))
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", QN(tn), cn, b->default_expr),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", QN(tn), cn));
			if (!a->notnull && b->notnull)
			{
				const char *ck = sf(D, "%s_%s_not_null", tn, b->name);

				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", QN(tn), QI(ck), cn),
					 sf(D, "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", QN(tn), QI(ck)));
				step(D, COVET_HZ_SCANS_TABLE, NULL, obj,
					 sf(D, "ALTER TABLE %s VALIDATE CONSTRAINT %s", QN(tn), QI(ck)), NULL);
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", QN(tn), cn),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", QN(tn), cn));
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s DROP CONSTRAINT %s", QN(tn), QI(ck)),
					 sf(D, "ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", QN(tn), QI(ck), cn));
			}
			else if (a->notnull && !b->notnull && !(a->pk && !b->pk))
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, obj,
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", QN(tn), cn),
					 sf(D, "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", QN(tn), cn));
			comment_step(D, obj, sf(D, "COLUMN %s.%s", QN(tn), cn), a->comment, b->comment);
		}
		return;
	}
	/* dropped columns */
	for (i = 0; i < s->ncols; i++)
		if (m->colmap[i] < 0)
		{
			char	   *cand = column_candidate(D, m, i);

			step(D, COVET_HZ_DELETES_DATA | COVET_HZ_EXCLUSIVE_LOCK |
				 (cand ? COVET_HZ_RENAME_CANDIDATE : 0), cand,
				 sf(D, "column %s.%s", tn, s->cols[i].name),
				 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(tn), QI(s->cols[i].name)),
				 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(tn), pg_coldef(D, &s->cols[i], true)));
		}
}

/* Constraints and indexes of a kept table: drops (phase a) or adds (b). */
static void
pg_table_cons(Differ *D, TableMap *m, int phase)
{
	const CovetCatTable *s = m->s,
			   *t = m->t;
	const char *tn = t->name;
	int			i;

	D->cur = m;
	for (i = 0; phase == 0 && i < s->ncons; i++)
	{
		const CovetCatConstraint *a = &s->cons[i];
		const CovetCatConstraint *b = con_of(t, a->name);

		if (b != NULL && con_same(D, a, b))
			continue;
		if (b == NULL)
		{
			int			k;

			/* the same constraint under another name: a rename */
			for (k = 0; k < t->ncons; k++)
				if (con_of(s, t->cons[k].name) == NULL && con_same(D, a, &t->cons[k]))
					break;
			if (k < t->ncons)
			{
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "constraint %s.%s", tn, a->name),
					 sf(D, "ALTER TABLE %s RENAME CONSTRAINT %s TO %s", QN(tn), QI(a->name), QI(t->cons[k].name)),
					 sf(D, "ALTER TABLE %s RENAME CONSTRAINT %s TO %s", QN(tn), QI(t->cons[k].name), QI(a->name)));
				continue;
			}
		}
		/* validated later (NOT VALID in the target): nothing to drop */
		if (b != NULL && a->kind == b->kind &&
			streq(strip_not_valid(D, renamed_def(D, a->definition)), strip_not_valid(D, b->definition)))
		{
			if (!a->validated && b->validated)
				step(D, COVET_HZ_SCANS_TABLE, NULL, sf(D, "constraint %s.%s", tn, a->name),
					 sf(D, "ALTER TABLE %s VALIDATE CONSTRAINT %s", QN(tn), QI(a->name)), NULL);
			continue;
		}
		pg_con_drop(D, tn, a);
	}
	for (i = 0; phase == 0 && i < s->nidx; i++)
	{
		const CovetCatIndex *a = &s->idx[i];
		const CovetCatIndex *b = idx_of(t, a->name);

		if (a->constraint != NULL)
			continue;
		if (b != NULL && b->constraint == NULL && idx_same(D, a, b))
			continue;
		if (b == NULL)
		{
			int			k;

			for (k = 0; k < t->nidx; k++)
				if (t->idx[k].constraint == NULL && idx_of(s, t->idx[k].name) == NULL &&
					idx_same(D, a, &t->idx[k]))
					break;
			if (k < t->nidx)
			{
				step(D, 0, NULL, sf(D, "index %s", a->name),
					 sf(D, "ALTER INDEX %s RENAME TO %s", QN(a->name), QI(t->idx[k].name)),
					 sf(D, "ALTER INDEX %s RENAME TO %s", QN(t->idx[k].name), QI(a->name)));
				continue;
			}
		}
		if (b != NULL)			/* changed: the old one goes first */
			step(D, COVET_HZ_NON_TRANSACTIONAL, NULL, sf(D, "index %s", a->name),
				 pg_index_drop(D, a, true), pg_index_create(D, s, a, true));
	}
	for (i = 0; phase == 1 && i < t->nidx; i++)
	{
		const CovetCatIndex *b = &t->idx[i];
		const CovetCatIndex *a = idx_of(s, b->name);
		int			k;

		if (b->constraint != NULL || (a != NULL && a->constraint == NULL && idx_same(D, a, b)))
			continue;
		for (k = 0; a == NULL && k < s->nidx; k++)
			if (s->idx[k].constraint == NULL && idx_of(t, s->idx[k].name) == NULL &&
				idx_same(D, &s->idx[k], b))
				break;
		if (a == NULL && k < s->nidx)
			continue;			/* renamed */
		step(D, COVET_HZ_BUILDS_INDEX | COVET_HZ_NON_TRANSACTIONAL, NULL, sf(D, "index %s", b->name),
			 pg_index_create(D, t, b, true), sf(D, "DROP INDEX CONCURRENTLY IF EXISTS %s", QN(b->name)));
	}
	for (i = 0; phase == 1 && i < t->ncons; i++)
	{
		const CovetCatConstraint *b = &t->cons[i];
		const CovetCatConstraint *a = con_of(s, b->name);
		int			k;

		if (b->kind == COVET_CON_FOREIGN)
			continue;			/* with the other foreign keys */
		if (a != NULL && (con_same(D, a, b) || (a->kind == b->kind &&
											 streq(strip_not_valid(D, renamed_def(D, a->definition)),
												   strip_not_valid(D, b->definition)))))
			continue;
		for (k = 0; a == NULL && k < s->ncons; k++)
			if (con_of(t, s->cons[k].name) == NULL && con_same(D, &s->cons[k], b))
				break;
		if (a == NULL && k < s->ncons)
			continue;
		pg_con_add(D, tn, b, true);
	}
	for (i = 0; phase == 2 && i < s->nidx; i++)
	{
		const CovetCatIndex *a = &s->idx[i];
		int			k;

		if (a->constraint != NULL || idx_of(t, a->name) != NULL)
			continue;
		for (k = 0; k < t->nidx; k++)
			if (t->idx[k].constraint == NULL && idx_of(s, t->idx[k].name) == NULL && idx_same(D, a, &t->idx[k]))
				break;
		if (k < t->nidx)
			continue;
		step(D, COVET_HZ_NON_TRANSACTIONAL, NULL, sf(D, "index %s", a->name),
			 pg_index_drop(D, a, true), pg_index_create(D, t, a, true));
	}
	for (i = 0; phase == 2 && i < t->nidx; i++)
		if (t->idx[i].constraint == NULL)
		{
			const CovetCatIndex *a = idx_of(s, t->idx[i].name);

			comment_step(D, sf(D, "index %s", t->idx[i].name), sf(D, "INDEX %s", QN(t->idx[i].name)),
						 a ? a->comment : NULL, t->idx[i].comment);
		}
	for (i = 0; phase == 2 && i < t->ncons; i++)
	{
		const CovetCatConstraint *a = con_of(s, t->cons[i].name);

		if (a != NULL && con_same(D, a, &t->cons[i]))
			comment_step(D, sf(D, "constraint %s.%s", tn, a->name),
						 sf(D, "CONSTRAINT %s ON %s", QI(a->name), QN(tn)), a->comment, t->cons[i].comment);
	}
}

/* Foreign keys: of new tables, and new or changed ones of kept tables. */
static void
pg_foreign_keys(Differ *D)
{
	int			i,
				k;

	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];

		if (m->t == NULL)
			continue;
		for (k = 0; k < m->t->ncons; k++)
		{
			const CovetCatConstraint *b = &m->t->cons[k];
			const CovetCatConstraint *a = m->s ? con_of(m->s, b->name) : NULL;

			if (b->kind != COVET_CON_FOREIGN)
				continue;
			D->cur = m;
			if (a != NULL && (con_same(D, a, b) || streq(strip_not_valid(D, renamed_def(D, a->definition)),
													  strip_not_valid(D, b->definition))))
				continue;
			if (m->s != NULL && a == NULL)
			{
				int			j;

				for (j = 0; j < m->s->ncons; j++)
					if (con_of(m->t, m->s->cons[j].name) == NULL && con_same(D, &m->s->cons[j], b))
						break;
				if (j < m->s->ncons)
					continue;	/* renamed */
			}
			pg_con_add(D, m->t->name, b, m->s != NULL);
		}
	}
}

/* PostgreSQL: one table that goes, its foreign keys, indexes and comments first. */
static void
pg_drop_table(Differ *D, const CovetCatTable *s, const char *cand)
{
	int			k;

	for (k = 0; k < s->ncons; k++)
		if (s->cons[k].kind == COVET_CON_FOREIGN)
			pg_con_drop(D, s->name, &s->cons[k]);
	for (k = 0; k < s->nidx; k++)
		if (s->idx[k].constraint == NULL)
			step(D, 0, NULL, sf(D, "index %s", s->idx[k].name),
				 pg_index_drop(D, &s->idx[k], false), pg_index_create(D, s, &s->idx[k], false));
	for (k = 0; k < s->ncols; k++)
		comment_step(D, sf(D, "column %s.%s", s->name, s->cols[k].name),
					 sf(D, "COLUMN %s.%s", QN(s->name), QI(s->cols[k].name)), s->cols[k].comment, NULL);
	comment_step(D, sf(D, "table %s", s->name), sf(D, "TABLE %s", QN(s->name)), s->comment, NULL);
	step(D, COVET_HZ_DELETES_DATA | COVET_HZ_EXCLUSIVE_LOCK | (cand ? COVET_HZ_RENAME_CANDIDATE : 0),
		 cand, sf(D, "table %s", s->name),
		 sf(D, "DROP TABLE %s", QN(s->name)), pg_table_create(D, s));
}

/*
 * A table that goes and holds an index name (its key's, say) that a new
 * table takes: index names are the schema's, so it is dropped before the
 * new tables are made, when nothing else references it.  A sequence it
 * owns that the target keeps is let go first (OWNED BY NONE), or the drop
 * would take it along.
 */
static void
pg_drop_tables_early(Differ *D)
{
	int			i,
				j,
				k,
				x;

	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];
		const CovetCatTable *s = m->s;
		bool		clash = false,
					referenced = false;

		if (s == NULL || m->t != NULL)
			continue;
		for (j = 0; j < D->nmaps && !clash; j++)
			if (D->maps[j].s == NULL && D->maps[j].t != NULL)
				for (k = 0; k < s->nidx && !clash; k++)
					for (x = 0; x < D->maps[j].t->nidx; x++)
						if (strcmp(s->idx[k].name, D->maps[j].t->idx[x].name) == 0)
							clash = true;
		for (j = 0; j < D->src->ntables && clash; j++)
			if (&D->src->tables[j] != s)
				for (k = 0; k < D->src->tables[j].ncons; k++)
					if (D->src->tables[j].cons[k].kind == COVET_CON_FOREIGN &&
						streq(D->src->tables[j].cons[k].ref_table, s->name))
						referenced = true;
		if (!clash || referenced)
			continue;
		for (j = 0; j < D->src->nsequences; j++)
		{
			const CovetCatSequence *q = &D->src->sequences[j];
			const char *dot = q->owned_by ? strchr(q->owned_by, '.') : NULL;

			if (dot == NULL || strncmp(q->owned_by, s->name, (size_t) (dot - q->owned_by)) != 0 ||
				s->name[dot - q->owned_by] != '\0')
				continue;
			for (k = 0; k < D->tgt->nsequences; k++)
				if (strcmp(D->tgt->sequences[k].name, q->name) == 0)
					step(D, 0, NULL, sf(D, "sequence %s", q->name),
						 sf(D, "ALTER SEQUENCE %s OWNED BY NONE", QN(q->name)),
						 sf(D, "ALTER SEQUENCE %s OWNED BY %s.%s", QN(q->name), QN(s->name), QI(dot + 1)));
		}
		pg_drop_table(D, s, table_candidates(D, s));
		m->dropped_early = true;
	}
}

/* Tables that go: children (by foreign key) first; mirrors pg_new_table. */
static void
drop_tables(Differ *D)
{
	int			i,
				k,
				j,
				pass;
	bool	   *done = covet_arena_alloc(D->a, sizeof(bool) * (size_t) (D->nmaps + 1));

	if (done == NULL)
		return;
	for (pass = 0; pass < D->nmaps + 1; pass++)
	{
		bool		progress = false;

		for (i = 0; i < D->nmaps; i++)
		{
			TableMap   *m = &D->maps[i];
			const CovetCatTable *s = m->s;
			bool		blocked = false;
			char	   *cand;

			if (s == NULL || m->t != NULL || done[i])
				continue;
			/* a dropped table that still references s goes first */
			for (k = 0; k < D->nmaps && pass < D->nmaps; k++)
			{
				TableMap   *o = &D->maps[k];

				if (k == i || o->s == NULL || o->t != NULL || done[k])
					continue;
				for (j = 0; j < o->s->ncons; j++)
					if (o->s->cons[j].kind == COVET_CON_FOREIGN && streq(o->s->cons[j].ref_table, s->name))
						blocked = true;
			}
			if (blocked)
				continue;
			done[i] = progress = true;
			if (m->dropped_early)
				continue;
			cand = table_candidates(D, s);
			if (D->pg)
				pg_drop_table(D, s, cand);
			else
			{
				for (k = 0; k < s->nidx; k++)
					step(D, 0, NULL, sf(D, "index %s", s->idx[k].name),
						 sf(D, "DROP INDEX %s", QN(s->idx[k].name)),
						 sqlite_create(D, s->idx[k].definition, NULL));
				step(D, COVET_HZ_DELETES_DATA | (cand ? COVET_HZ_RENAME_CANDIDATE : 0),
					 cand, sf(D, "table %s", s->name),
					 sf(D, "DROP TABLE %s", QN(s->name)), sqlite_create(D, s->create_sql, NULL));
			}
		}
		if (!progress)
			break;
	}
}

static void
pg_tables(Differ *D)
{
	int			i;

	/* renames first: later statements name tables and columns as the target does */
	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];
		int			k;

		if (m->s == NULL || m->t == NULL)
			continue;
		if (m->renamed)
			step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "table %s", m->s->name),
				 sf(D, "ALTER TABLE %s RENAME TO %s", QN(m->s->name), QI(m->t->name)),
				 sf(D, "ALTER TABLE %s RENAME TO %s", QN(m->t->name), QI(m->s->name)));
		for (k = 0; k < m->s->ncols; k++)
			if (m->colmap[k] >= 0 && strcmp(m->s->cols[k].name, m->t->cols[m->colmap[k]].name) != 0)
				step(D, COVET_HZ_EXCLUSIVE_LOCK, NULL, sf(D, "column %s.%s", m->t->name, m->s->cols[k].name),
					 sf(D, "ALTER TABLE %s RENAME COLUMN %s TO %s", QN(m->t->name), QI(m->s->cols[k].name),
						QI(m->t->cols[m->colmap[k]].name)),
					 sf(D, "ALTER TABLE %s RENAME COLUMN %s TO %s", QN(m->t->name),
						QI(m->t->cols[m->colmap[k]].name), QI(m->s->cols[k].name)));
	}
	pg_drop_tables_early(D);
	for (i = 0; i < D->nmaps; i++)
		if (D->maps[i].s == NULL)
			pg_new_table(D, D->maps[i].t);
	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];

		if (m->s == NULL || m->t == NULL)
			continue;
		pg_table_cons(D, m, 0);
		pg_alter_columns(D, m, false);
		pg_table_cons(D, m, 1);
		comment_step(D, sf(D, "table %s", m->t->name), sf(D, "TABLE %s", QN(m->t->name)),
					 m->s->comment, m->t->comment);
	}
	pg_foreign_keys(D);
	/* sequences owned by columns of the target */
	for (i = 0; i < D->tgt->nsequences; i++)
	{
		const CovetCatSequence *t = &D->tgt->sequences[i];
		const char *was = NULL;
		int			k;

		for (k = 0; k < D->src->nsequences; k++)
			if (strcmp(D->src->sequences[k].name, t->name) == 0)
				was = D->src->sequences[k].owned_by ? D->src->sequences[k].owned_by : "";
		if (was != NULL && streq(was, t->owned_by ? t->owned_by : ""))
			continue;
		/* owned by a column that is only renamed: the same owner */
		if (was != NULL && *was && t->owned_by != NULL && streq(owner_in_target(D, was), t->owned_by))
			continue;
		/* renamed with its column (match_sequences): still owned by it */
		if (was == NULL && seq_renamed_from(D, t->name) != NULL)
			continue;
		if (t->owned_by != NULL)
		{
			char	   *tb = sf(D, "%s", t->owned_by);
			char	   *col = tb ? strchr(tb, '.') : NULL;
			const char *back = NULL;

			if (col == NULL)
				continue;
			*col++ = '\0';
			/* the reverse gives it back to its owner (as then named) */
			if (was != NULL && *was)
			{
				char	   *ob = sf(D, "%s", owner_in_target(D, was) ? owner_in_target(D, was) : was);
				char	   *oc = ob ? strchr(ob, '.') : NULL;

				if (oc != NULL)
				{
					TableMap   *om;

					*oc++ = '\0';
					om = map_of_source(D, ob);
					/* a table dropped early is not there yet: its own step gives it back */
					if (om == NULL || !om->dropped_early)
						back = sf(D, "ALTER SEQUENCE %s OWNED BY %s.%s", QN(t->name), QN(ob), QI(oc));
				}
			}
			step(D, 0, NULL, sf(D, "sequence %s", t->name),
				 sf(D, "ALTER SEQUENCE %s OWNED BY %s.%s", QN(t->name), QN(tb), QI(col)),
				 back ? back : sf(D, "ALTER SEQUENCE %s OWNED BY NONE", QN(t->name)));
		}
		else if (was != NULL)
			step(D, 0, NULL, sf(D, "sequence %s", t->name),
				 sf(D, "ALTER SEQUENCE %s OWNED BY NONE", QN(t->name)), NULL);
	}
	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];

		if (m->s == NULL || m->t == NULL)
			continue;
		pg_table_cons(D, m, 2);
		pg_alter_columns(D, m, true);
	}
	drop_tables(D);
}

/* ---------------------------------------------------------------------
 * Tables: SQLite
 * ---------------------------------------------------------------------
 */
/* Decide ALTER or rebuild for a kept table, from the items. */
static bool
sl_can_alter(Differ *D, TableMap *m, Items *si, Items *ti)
{
	int			i,
				k,
				last = -1,
				nconst_s = 0,
				nconst_t = 0;

	items_split(D, m->s->create_sql, si);
	items_split(D, m->t->create_sql, ti);
	if (!streq(si->tail, ti->tail) || m->s->without_rowid != m->t->without_rowid)
		return false;
	for (i = 0; i < si->n; i++)
		if (si->colname[i] == NULL)
		{
			nconst_s++;
			for (k = 0; k < ti->n; k++)
				if (ti->colname[k] == NULL && strcmp(si->item[i], ti->item[k]) == 0)
					break;
			if (k == ti->n)
				return false;
		}
	for (k = 0; k < ti->n; k++)
		if (ti->colname[k] == NULL)
			nconst_t++;
	if (nconst_s != nconst_t)
		return false;
	/* kept columns: same definition, same order */
	for (i = 0; i < m->s->ncols; i++)
	{
		int			sidx = item_col(si, m->s->cols[i].name);
		int			tidx;

		if (m->colmap[i] < 0)
		{
			if (sidx < 0 || !droppable(m->s, si, sidx) || !addable(si->item[sidx]))
				return false;
			continue;
		}
		tidx = item_col(ti, m->t->cols[m->colmap[i]].name);
		if (sidx < 0 || tidx < 0 || tidx < last ||
			strcmp(after_name(si->item[sidx]), after_name(ti->item[tidx])) != 0)
			return false;
		last = tidx;
	}
	/* added columns: after every kept one, each one ADD COLUMN can take */
	for (k = 0; k < m->t->ncols; k++)
	{
		bool		kept = false;
		int			tidx;

		for (i = 0; i < m->s->ncols; i++)
			if (m->colmap[i] == k)
				kept = true;
		if (kept)
			continue;
		tidx = item_col(ti, m->t->cols[k].name);
		if (tidx < 0 || tidx < last || !addable(ti->item[tidx]) || !droppable(m->t, ti, tidx))
			return false;
	}
	return true;
}

static void
sl_rebuild(Differ *D, TableMap *m)
{
	const CovetCatTable *s = m->s,
			   *t = m->t;
	const char *tmp = sf(D, "covet_new_%s", t->name);
	const char *old = sf(D, "covet_old_%s", t->name);
	const char *obj = sf(D, "table %s", t->name);
	const char *cur = t->name;	/* renames ran before: the live table's name */
	char	   *cand = NULL;
	CovetBuf	tc,
				sc;
	char	   *tcols,
			   *scols;
	int			i;
	bool		first = true;
	int			hz = COVET_HZ_REBUILD | COVET_HZ_REWRITES_TABLE;

	covet_buf_init(&tc, D->mem);
	covet_buf_init(&sc, D->mem);
	for (i = 0; i < s->ncols; i++)
	{
		if (m->colmap[i] < 0 || s->cols[i].generated || t->cols[m->colmap[i]].generated)
			continue;
		covet_buf_append(&tc, first ? "" : ", ");
		covet_quote_ident(&tc, t->cols[m->colmap[i]].name);
		covet_buf_append(&sc, first ? "" : ", ");
		covet_quote_ident(&sc, s->cols[i].name);
		first = false;
	}
	tcols = tc.failed ? NULL : covet_arena_strdup(D->a, tc.data ? tc.data : "");
	scols = sc.failed ? NULL : covet_arena_strdup(D->a, sc.data ? sc.data : "");
	covet_buf_free(&tc);
	covet_buf_free(&sc);
	for (i = 0; i < s->ncols && cand == NULL; i++)
		if (m->colmap[i] < 0)
			cand = column_candidate(D, m, i);
	for (i = 0; i < s->nidx; i++)
		step(D, 0, NULL, sf(D, "index %s", s->idx[i].name),
			 sf(D, "DROP INDEX %s", QN(s->idx[i].name)),
			 sqlite_create(D, s->idx[i].definition, NULL));
	/* mirror images: the reverse rebuilds the source's shape */
	step(D, hz, NULL, obj, sqlite_create(D, t->create_sql, tmp),
		 sf(D, "ALTER TABLE %s RENAME TO %s", QN(old), QI(cur)));
	step(D, hz, NULL, obj,
		 first ? sf(D, "SELECT 0 WHERE 0") :
		 sf(D, "INSERT INTO %s (%s) SELECT %s FROM %s", QN(tmp), tcols, scols, QN(cur)),
		 sf(D, "DROP TABLE %s", QN(t->name)));
	if (s->autoincrement && t->autoincrement)
		step(D, hz, NULL, obj,
			 sf(D, "INSERT INTO %s.sqlite_sequence (name, seq) SELECT %s, seq FROM %s.sqlite_sequence"
				" WHERE name = %s AND NOT EXISTS (SELECT 1 FROM %s.sqlite_sequence WHERE name = %s)",
				QI(D->src->schema), QL(tmp), QI(D->src->schema), QL(cur), QI(D->src->schema), QL(tmp)),
			 sf(D, "INSERT INTO %s.sqlite_sequence (name, seq) SELECT %s, seq FROM %s.sqlite_sequence"
				" WHERE name = %s AND NOT EXISTS (SELECT 1 FROM %s.sqlite_sequence WHERE name = %s)",
				QI(D->src->schema), QL(old), QI(D->src->schema), QL(t->name), QI(D->src->schema), QL(old)));
	if (s->autoincrement && t->autoincrement)
		step(D, hz, NULL, obj,
			 sf(D, "UPDATE %s.sqlite_sequence SET seq = max(seq, (SELECT seq FROM %s.sqlite_sequence WHERE name = %s))"
				" WHERE name = %s", QI(D->src->schema), QI(D->src->schema), QL(cur), QL(tmp)),
			 sf(D, "UPDATE %s.sqlite_sequence SET seq = max(seq, (SELECT seq FROM %s.sqlite_sequence WHERE name = %s))"
				" WHERE name = %s", QI(D->src->schema), QI(D->src->schema), QL(t->name), QL(old)));
	step(D, hz | COVET_HZ_DELETES_DATA | (cand ? COVET_HZ_RENAME_CANDIDATE : 0), cand, obj,
		 sf(D, "DROP TABLE %s", QN(cur)),
		 first ? sf(D, "SELECT 0 WHERE 0") :
		 sf(D, "INSERT INTO %s (%s) SELECT %s FROM %s", QN(old), scols, tcols, QN(t->name)));
	step(D, hz, NULL, obj,
		 sf(D, "ALTER TABLE %s RENAME TO %s", QN(tmp), QI(t->name)),
		 sqlite_create(D, s->create_sql, old));
	(void) scols;
	for (i = 0; i < t->nidx; i++)
		step(D, COVET_HZ_BUILDS_INDEX, NULL, sf(D, "index %s", t->idx[i].name),
			 sqlite_create(D, t->idx[i].definition, NULL),
			 sf(D, "DROP INDEX %s", QN(t->idx[i].name)));
}

static bool
sl_idx_same(Differ *D, const CovetCatIndex *a, const CovetCatIndex *b)
{
	return a->unique == b->unique && streq(canon(D, a->definition), canon(D, b->definition));
}

static void
sl_tables(Differ *D)
{
	int			i,
				k;

	/* table and column renames */
	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];

		if (m->s == NULL || m->t == NULL)
			continue;
		if (m->renamed)
			step(D, 0, NULL, sf(D, "table %s", m->s->name),
				 sf(D, "ALTER TABLE %s RENAME TO %s", QN(m->s->name), QI(m->t->name)),
				 sf(D, "ALTER TABLE %s RENAME TO %s", QN(m->t->name), QI(m->s->name)));
		if (m->rebuild)
			continue;
		for (k = 0; k < m->s->ncols; k++)
			if (m->colmap[k] >= 0 && strcmp(m->s->cols[k].name, m->t->cols[m->colmap[k]].name) != 0)
				step(D, 0, NULL, sf(D, "column %s.%s", m->t->name, m->s->cols[k].name),
					 sf(D, "ALTER TABLE %s RENAME COLUMN %s TO %s", QN(m->t->name), QI(m->s->cols[k].name),
						QI(m->t->cols[m->colmap[k]].name)),
					 sf(D, "ALTER TABLE %s RENAME COLUMN %s TO %s", QN(m->t->name),
						QI(m->t->cols[m->colmap[k]].name), QI(m->s->cols[k].name)));
	}
	for (i = 0; i < D->nmaps; i++)
	{
		const CovetCatTable *t = D->maps[i].t;

		if (D->maps[i].s != NULL || t == NULL)
			continue;
		step(D, 0, NULL, sf(D, "table %s", t->name), sqlite_create(D, t->create_sql, NULL),
			 sf(D, "DROP TABLE %s", QN(t->name)));
		for (k = 0; k < t->nidx; k++)
			step(D, 0, NULL, sf(D, "index %s", t->idx[k].name),
				 sqlite_create(D, t->idx[k].definition, NULL), sf(D, "DROP INDEX %s", QN(t->idx[k].name)));
	}
	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];
		Items		si,
					ti;

		if (m->s == NULL || m->t == NULL)
			continue;
		if (m->rebuild)
		{
			sl_rebuild(D, m);
			continue;
		}
		items_split(D, m->s->create_sql, &si);
		items_split(D, m->t->create_sql, &ti);
		/* indexes that go or change */
		for (k = 0; k < m->s->nidx; k++)
		{
			const CovetCatIndex *b = idx_of(m->t, m->s->idx[k].name);

			if (b == NULL || !sl_idx_same(D, &m->s->idx[k], b))
				step(D, 0, NULL, sf(D, "index %s", m->s->idx[k].name),
					 sf(D, "DROP INDEX %s", QN(m->s->idx[k].name)),
					 sqlite_create(D, m->s->idx[k].definition, NULL));
		}
		for (k = 0; k < m->t->ncols; k++)
		{
			int			j,
						tidx;
			bool		kept = false;

			for (j = 0; j < m->s->ncols; j++)
				if (m->colmap[j] == k)
					kept = true;
			if (kept || (tidx = item_col(&ti, m->t->cols[k].name)) < 0)
				continue;
			step(D, 0, NULL, sf(D, "column %s.%s", m->t->name, m->t->cols[k].name),
				 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(m->t->name), ti.item[tidx]),
				 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(m->t->name), QI(m->t->cols[k].name)));
		}
		for (k = 0; k < m->t->nidx; k++)
		{
			const CovetCatIndex *a = idx_of(m->s, m->t->idx[k].name);

			if (a == NULL || !sl_idx_same(D, a, &m->t->idx[k]))
				step(D, COVET_HZ_BUILDS_INDEX, NULL, sf(D, "index %s", m->t->idx[k].name),
					 sqlite_create(D, m->t->idx[k].definition, NULL),
					 sf(D, "DROP INDEX %s", QN(m->t->idx[k].name)));
		}
		for (k = 0; k < m->s->ncols; k++)
		{
			int			sidx;

			if (m->colmap[k] >= 0 || (sidx = item_col(&si, m->s->cols[k].name)) < 0)
				continue;
			{
				char	   *cand = column_candidate(D, m, k);

				step(D, COVET_HZ_DELETES_DATA | COVET_HZ_REWRITES_TABLE | (cand ? COVET_HZ_RENAME_CANDIDATE : 0),
					 cand, sf(D, "column %s.%s", m->t->name, m->s->cols[k].name),
					 sf(D, "ALTER TABLE %s DROP COLUMN %s", QN(m->t->name), QI(m->s->cols[k].name)),
					 sf(D, "ALTER TABLE %s ADD COLUMN %s", QN(m->t->name), si.item[sidx]));
			}
		}
	}
	drop_tables(D);
}

/* ---------------------------------------------------------------------
 * Objects not covered, and the whole
 * ---------------------------------------------------------------------
 */
static void
not_covered(Differ *D)
{
	int			i,
				k;

	for (i = 0; i < D->src->nothers; i++)
	{
		const CovetCatOther *a = &D->src->others[i];
		bool		same = false;

		for (k = 0; k < D->tgt->nothers; k++)
			if (strcmp(a->kind, D->tgt->others[k].kind) == 0 &&
				strcmp(a->name, D->tgt->others[k].name) == 0 &&
				streq(a->definition, D->tgt->others[k].definition))
				same = true;
		if (!same)
			step(D, COVET_HZ_NOT_COVERED, sf(D, "%s %s differs or is not in the target; covet does not compare %ss", a->kind, a->name, a->kind),
				 sf(D, "%s %s", a->kind, a->name), NULL, NULL);
	}
	for (k = 0; k < D->tgt->nothers; k++)
	{
		const CovetCatOther *b = &D->tgt->others[k];
		bool		seen = false;

		for (i = 0; i < D->src->nothers; i++)
			if (strcmp(b->kind, D->src->others[i].kind) == 0 &&
				strcmp(b->name, D->src->others[i].name) == 0)
				seen = true;
		if (!seen)
			step(D, COVET_HZ_NOT_COVERED, sf(D, "%s %s is only in the target; covet does not create %ss", b->kind, b->name, b->kind),
				 sf(D, "%s %s", b->kind, b->name), NULL, NULL);
	}
}

static void
sl_mark_rebuilds(Differ *D)
{
	int			i;

	for (i = 0; i < D->nmaps; i++)
	{
		TableMap   *m = &D->maps[i];
		Items		si,
					ti;

		if (m->s == NULL || m->t == NULL)
			continue;
		if (streq(canon(D, m->s->create_sql), canon(D, m->t->create_sql)) &&
			!m->cols_changed)
			continue;
		if (!sl_can_alter(D, m, &si, &ti))
		{
			m->rebuild = true;
			D->any_rebuild = true;
		}
		else
		{
			int			k;

			for (k = 0; k < m->s->ncols; k++)
				if (m->colmap[k] < 0)
					m->cols_changed = true;
		}
	}
}

CovetStatus
covet_diff_catalogs(CovetMem *mem, const CovetCatalog *source,
					const CovetCatalog *target, const CovetRename *renames,
					int nrenames, CovetDiff **out, CovetError *err)
{
	Differ		Dv;
	Differ	   *D = &Dv;
	CovetDiff  *diff;
	CovetStatus rc;
	/* a rebuild leaves foreign keys as the source's connection had them */
	const char *restore = source->foreign_keys_off ?
		"PRAGMA foreign_keys = OFF" : "PRAGMA foreign_keys = ON";

	*out = NULL;
	if ((diff = covet_alloc0(mem, sizeof(CovetDiff))) == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	covet_arena_init(&diff->arena, mem);
	diff->transactional = true;
	memset(D, 0, sizeof(*D));
	D->mem = mem;
	D->diff = diff;
	D->a = &diff->arena;
	D->src = source;
	D->tgt = target;
	D->pg = source->engine == COVET_ENGINE_POSTGRES;
	D->renames = renames;
	D->nrenames = nrenames;
	D->err = err;

	if ((rc = match_tables(D)) != COVET_OK)
	{
		covet_diff_free(mem, diff);
		return rc;
	}
	if (D->pg)
	{
		match_sequences(D);
		mark_functions(D);
	}
	else
	{
		D->func_drop = covet_arena_alloc(D->a, sizeof(bool));
		sl_mark_rebuilds(D);
	}
	mark_dependents(D);
	if (D->a->failed)
	{
		covet_diff_free(mem, diff);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	if (D->any_rebuild)
	{
		step(D, COVET_HZ_NON_TRANSACTIONAL | COVET_HZ_REBUILD, "outside the transaction: PRAGMA foreign_keys does nothing inside one",
			 "pragma foreign_keys", "PRAGMA foreign_keys = OFF", restore);
		step(D, COVET_HZ_REBUILD, NULL, "foreign key check",
			 sf(D, "SELECT covet_foreign_key_check(%s)", QL(source->schema)),
			 sf(D, "SELECT covet_foreign_key_check(%s)", QL(source->schema)));
	}
	drop_views_triggers(D);
	if (D->pg)
	{
		enums_sequences_functions(D);
		pg_tables(D);
		drop_functions_sequences_enums(D);
	}
	else
		sl_tables(D);
	create_views_triggers(D);
	not_covered(D);
	if (D->any_rebuild)
	{
		step(D, COVET_HZ_REBUILD, NULL, "foreign key check",
			 sf(D, "SELECT covet_foreign_key_check(%s)", QL(source->schema)),
			 sf(D, "SELECT covet_foreign_key_check(%s)", QL(source->schema)));
		step(D, COVET_HZ_NON_TRANSACTIONAL | COVET_HZ_REBUILD,
			 source->foreign_keys_off ? "outside the transaction: foreign keys were off when the source was read, and stay off" :
			 "outside the transaction: PRAGMA foreign_keys does nothing inside one",
			 "pragma foreign_keys", restore, "PRAGMA foreign_keys = OFF");
	}
	if (D->a->failed)
	{
		covet_diff_free(mem, diff);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	*out = diff;
	return COVET_OK;
}

void
covet_diff_free(CovetMem *mem, CovetDiff *diff)
{
	if (diff == NULL)
		return;
	covet_arena_free(&diff->arena);
	covet_free(mem, diff);
}

void
covet_diff_hazards_text(int hazards, const char *note, CovetBuf *out)
{
	static const struct
	{
		int			bit;
		const char *word;
	}			words[] = {
		{COVET_HZ_DELETES_DATA, "deletes data"},
		{COVET_HZ_REWRITES_TABLE, "rewrites table"},
		{COVET_HZ_EXCLUSIVE_LOCK, "access exclusive lock"},
		{COVET_HZ_BUILDS_INDEX, "builds index"},
		{COVET_HZ_SCANS_TABLE, "scans table"},
		{COVET_HZ_NON_TRANSACTIONAL, "non-transactional"},
		{COVET_HZ_REBUILD, "rebuild"},
		{COVET_HZ_RENAME_CANDIDATE, "rename candidate"},
		{COVET_HZ_NOT_COVERED, "not covered"},
		{COVET_HZ_COMMIT_BEFORE_USE, "commit before use"},
	};
	size_t		i;
	bool		first = true;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (hazards & words[i].bit)
		{
			covet_buf_append(out, first ? "" : ", ");
			covet_buf_append(out, words[i].word);
			first = false;
		}
	if (note != NULL)
		covet_buf_appendf(out, "%s(%s)", first ? "" : " ", note);
}
