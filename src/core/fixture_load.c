/*-------------------------------------------------------------------------
 *
 * fixture_load.c
 *		covet_loaddata: a JSON, YAML or CSV fixture into tables.
 *
 * How it works.  A streaming parser (yajl events for JSON, libyaml events
 * for YAML, libcsv for CSV) hands records to the loader one at a time: a
 * model, a pk and fields whose values are JSON text.  The loader checks
 * each against its table (unknown model or field, base64 of blob columns)
 * and appends it to the table's pending batch: in SQLite a JSON object
 * keyed by column position ({"c0": 1, "c2": "x"}), in PostgreSQL a line of
 * COPY's text format (the dialect's batch_lines).  A batch becomes one
 * statement,
 *
 *     INSERT INTO t (cols) SELECT <per-column conversion> FROM <rows of $1>
 *         WHERE true [ON CONFLICT (pk) DO NOTHING | DO UPDATE SET ...]
 *
 * with json_each in SQLite and covet_fixture_rows in PostgreSQL (the
 * dialect's SQL).  Pending batches are flushed together, tables in
 * foreign-key order (parents first), when one is full, when a table's
 * records change shape (other fields), and at the end; memory stays
 * bounded by the batch limits, not the fixture.
 *
 * All or nothing: the whole load runs in one savepoint and each statement
 * in a nested one.  When a batch fails, its records are tried one by one
 * (in order, so a duplicate inside the batch is found too) to name the
 * record: position, line, model, pk, and the field when the engine's
 * message names a column or a per-field probe fails.  If every record goes
 * in on its own, they stay in: the batch failed only as one statement.
 *
 * Forward references: a natural key that names no row yet (a record
 * listed later) is kept aside with the record's position and key
 * (Deferred); after the last batch a foreign key is set by an UPDATE of
 * the record's row and a many-to-many list's rows join their batch, as
 * Django's loaddata saves deferred fields at its end.  Only such
 * references grow with the fixture.
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"
#include "seed_json.h"
#include "yajl_mem.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define BATCH_RECORDS 2000
#define BATCH_BYTES (4 * 1024 * 1024)
#define PENDING_BYTES (16 * 1024 * 1024)
#define MAX_DEPTH 200
#define MAX_PARENTS 16			/* multi-table inheritance, levels followed */

typedef struct RecMeta
{
	int64_t		pos;
	int64_t		line;
	size_t		off;			/* the record's JSON in the batch */
	size_t		len;
	size_t		pk_off;			/* its pk as text, in pkbuf */
} RecMeta;

typedef struct LoadTable
{
	CovetFxTable t;
	char	   *name;			/* as the fixture spelled the model */
	CovetBuf	batch;			/* "[{...},{...}" */
	int			nbatch;
	bool	   *shape;			/* columns present in the batch's records */
	RecMeta    *meta;
	int			metacap;
	CovetBuf	pkbuf;
	bool		loaded;
	CovetFxCheck *checks;		/* per column (fixture_check.c) */
	/* Django's names (fixture_names.c), read when first needed */
	CovetFxLinks links;
	struct M2m *m2ms;			/* many-to-many fields tried, found or not */
	int			nm2ms;
	bool	   *notnull;		/* per column, read at a first forward reference */
	/* a many-to-many table: its rows wait for both sides */
	bool		deferred;
	const char *label;			/* in messages: the owner's model */
	const char *label_field;	/* ... and its field */
} LoadTable;

/* A field of a model that is a many-to-many table "<table>_<field>". */
typedef struct M2m
{
	char	   *field;
	LoadTable  *table;			/* NULL: no such table */
	LoadTable  *target;
	int			owner_col;
	int			target_col;
} M2m;

/* A model name as the fixture spells it: its table (NULL: none) */
typedef struct Alias
{
	char	   *name;
	LoadTable  *table;
} Alias;

/* A field of the current record noted for later: which, its column, its value */
typedef struct FieldNote
{
	int			field;
	int			col;
	size_t		off;			/* the value as the record gave it, in arena */
} FieldNote;

typedef struct FieldNotes
{
	FieldNote  *v;
	int			n;
	int			cap;
} FieldNotes;

/*
 * A forward reference: a natural key that named no row when its record
 * was read, resolved after the last batch (Django's loaddata defers such
 * a field and saves it at its end).  Either a foreign key, written by an
 * UPDATE of the record's row, or a many-to-many field, whose rows are
 * inserted then.  The row is found by its key: the record's pk, or the
 * values of a unique constraint it gives (a record without "pk").
 */
typedef struct Deferred
{
	int64_t		pos;
	int64_t		line;
	LoadTable  *lt;
	int			col;			/* a foreign key's column, or -1 */
	int			m2m;			/* else the many-to-many field (lt->m2ms) */
	char	   *field;			/* as the record names it */
	char	   *value;			/* the natural key, or the list, JSON text */
	char	   *owner;			/* many-to-many: the owner's pk as JSON, or NULL */
	int			nkey;
	int		   *key_cols;		/* the columns that find the row */
	char	  **key_vals;		/* ... and their values as text */
} Deferred;

/* One record as the parser delivers it. */
typedef struct Rec
{
	int64_t		pos;
	int64_t		line;
	bool		has_model;
	CovetBuf	model;
	CovetBuf	arena;			/* names and values */
	int			nfields;
	int			cap;
	size_t	   *name_off;		/* [i] in arena, NUL-terminated */
	size_t	   *val_off;
	bool	   *is_pk;			/* from "pk" rather than "fields" */
	bool		pk_scalar;		/* "pk": value (the one key column) */
} Rec;

typedef struct Loader
{
	CovetDriver *d;
	CovetError *err;
	CovetStatus rc;				/* the first failure; parsing stops */
	CovetOnConflict on_conflict;
	const char *format_name;
	LoadTable **tables;
	int			ntables;
	int			captables;
	int64_t		records;
	size_t		pending_bytes;
	Rec			rec;
	int		   *vals;			/* per column: field index or -1 */
	int			nvals;
	CovetBuf	tmp;
	CovetBuf	sql;
	/* only finding a record (fixture_fkcheck.c's row), not loading */
	const CovetFxTable *find;
	char	  **find_pk;		/* its primary key values as text */
	int64_t		found_pos;
	int64_t		found_line;
	CovetBuf	found_pk;		/* as the record gives it */
	const CovetFixtureOptions *opts;	/* the load's, for finding */
	/* Django's names */
	CovetFxMap	map;
	bool		ignore_unknown;
	int64_t		skipped_fields;
	int64_t		skipped_records;
	Alias	   *aliases;
	int			naliases;
	int			capaliases;
	int		   *m2m_fields;		/* this record's: field index, M2m index */
	int			nm2m_fields;
	int			capm2m_fields;
	/* forward references */
	FieldNotes	fwd;			/* this record's foreign keys to resolve later */
	Deferred   *deferred;
	int			ndeferred;
	int			capdeferred;
} Loader;

static CovetStatus
oom(Loader *L)
{
	if (L->rc == COVET_OK)
		L->rc = covet_error_set(L->err, COVET_ERR_NOMEM, "out of memory");
	return L->rc;
}

/* A parse error at a line: "invalid JSON fixture at line 3: ..." */
static CovetStatus
syntax_error(Loader *L, int64_t line, const char *what)
{
	if (L->rc != COVET_OK)
		return L->rc;
	L->rc = covet_error_set(L->err, COVET_ERR_PARSE, "invalid %s fixture at line %lld: %s",
							L->format_name, (long long) line, what);
	covet_error_detail(L->err, "Nothing was loaded.");
	return L->rc;
}

/* A record that cannot be loaded, before any SQL ran */
static CovetStatus
record_error(Loader *L, CovetStatus code, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static CovetStatus
record_error(Loader *L, CovetStatus code, const char *fmt,...)
{
	va_list		ap;

	if (L->rc != COVET_OK)
		return L->rc;
	va_start(ap, fmt);
	L->rc = covet_error_setv(L->err, code, fmt, ap);
	va_end(ap);
	covet_error_prefix(L->err, "fixture record %lld (line %lld): ",
					   (long long) L->rec.pos, (long long) L->rec.line);
	covet_error_detail(L->err, "Nothing was loaded.");
	return L->rc;
}

/*
 * A name holding U+0000, which no SQL identifier can hold: refused before
 * it is cut short at the NUL (it was reported as another field "given
 * twice", or as "id" when it was "id\u0000x").
 */
static CovetStatus
nul_error(Loader *L, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static CovetStatus
nul_error(Loader *L, const char *fmt,...)
{
	va_list		ap;

	if (L->rc != COVET_OK)
		return L->rc;
	va_start(ap, fmt);
	L->rc = covet_error_setv(L->err, COVET_ERR_INVALID, fmt, ap);
	va_end(ap);
	covet_error_prefix(L->err, "fixture record %lld (line %lld): ",
					   (long long) L->rec.pos, (long long) L->rec.line);
	covet_error_detail(L->err, "Nothing was loaded.");
	memcpy(L->err->sqlstate, "22P05", 6);	/* untranslatable_character */
	return L->rc;
}

/* --- records from the parsers ------------------------------------------- */

/* A record that is not even an object still has a position. */
static void
rec_position(Loader *L, int64_t line)
{
	L->rec.pos = ++L->records;
	L->rec.line = line;
}

static void
rec_begin(Loader *L, int64_t line)
{
	Rec		   *r = &L->rec;

	r->pos = ++L->records;
	r->line = line;
	r->has_model = false;
	r->nfields = 0;
	r->pk_scalar = false;
	covet_buf_reset(&r->model);
	covet_buf_reset(&r->arena);
}

static CovetStatus
rec_model(Loader *L, const char *s, size_t len)
{
	Rec		   *r = &L->rec;

	if (r->has_model)
		return record_error(L, COVET_ERR_PARSE, "\"model\" given twice");
	if (memchr(s, '\0', len) != NULL)
		return nul_error(L, "the model name contains U+0000");
	r->has_model = true;
	covet_buf_reset(&r->model);
	covet_buf_appendn(&r->model, s, len);
	return r->model.failed ? oom(L) : COVET_OK;
}

/* A field (or a pk member; name NULL for "pk": value) with its JSON text. */
static CovetStatus
rec_value(Loader *L, const char *name, size_t nlen, const char *val, size_t vlen,
		  bool pk)
{
	Rec		   *r = &L->rec;

	if (r->nfields == r->cap)
	{
		int			cap = r->cap ? r->cap * 2 : 16;
		size_t	   *no = covet_alloc(&L->d->mem, sizeof(size_t) * (size_t) cap);
		size_t	   *vo = covet_alloc(&L->d->mem, sizeof(size_t) * (size_t) cap);
		bool	   *ip = covet_alloc(&L->d->mem, sizeof(bool) * (size_t) cap);

		if (no == NULL || vo == NULL || ip == NULL)
		{
			covet_free(&L->d->mem, no);
			covet_free(&L->d->mem, vo);
			covet_free(&L->d->mem, ip);
			return oom(L);
		}
		if (r->nfields > 0)
		{
			memcpy(no, r->name_off, sizeof(size_t) * (size_t) r->nfields);
			memcpy(vo, r->val_off, sizeof(size_t) * (size_t) r->nfields);
			memcpy(ip, r->is_pk, sizeof(bool) * (size_t) r->nfields);
		}
		covet_free(&L->d->mem, r->name_off);
		covet_free(&L->d->mem, r->val_off);
		covet_free(&L->d->mem, r->is_pk);
		r->name_off = no;
		r->val_off = vo;
		r->is_pk = ip;
		r->cap = cap;
	}
	if (name == NULL)
	{
		r->pk_scalar = true;
		name = "";
		nlen = 0;
	}
	else if (memchr(name, '\0', nlen) != NULL)
	{
		int			pos = 1;
		int			i;

		/* the position among the record's fields, or its pk members */
		for (i = 0; i < r->nfields; i++)
			pos += r->is_pk[i] == pk && r->arena.data[r->name_off[i]] != '\0';
		if (pk)
			return nul_error(L, "the name of primary key member %d contains U+0000", pos);
		return nul_error(L, "the name of field %d contains U+0000", pos);
	}
	r->name_off[r->nfields] = r->arena.len;
	covet_buf_appendn(&r->arena, name, nlen);
	covet_buf_appendc(&r->arena, '\0');
	r->val_off[r->nfields] = r->arena.len;
	covet_buf_appendn(&r->arena, val, vlen);
	covet_buf_appendc(&r->arena, '\0');
	r->is_pk[r->nfields] = pk;
	r->nfields++;
	return r->arena.failed ? oom(L) : COVET_OK;
}

static bool is_json_number(const char *s, size_t len);

#define REC_NAME(r, i) ((r)->arena.data + (r)->name_off[i])
#define REC_VAL(r, i) ((r)->arena.data + (r)->val_off[i])

/*
 * How each column's values are judged (fixture_check.c).  SQLite's INTEGER
 * PRIMARY KEY is the 64-bit rowid, whatever the name says.
 */
static CovetFxCheck *
check_plans(CovetDriver *d, const CovetFxTable *t)
{
	CovetFxCheck *ck = covet_alloc0(&d->mem, sizeof(CovetFxCheck) * (size_t) (t->ncols + 1));
	int			c;

	for (c = 0; ck != NULL && c < t->ncols; c++)
	{
		covet_fx_check_plan(d->dialect, t->types[c], t->kinds[c], &ck[c]);
		if (d->dialect->engine != COVET_ENGINE_POSTGRES && t->npk == 1 && t->is_pk[c] &&
			strcasecmp(t->types[c], "integer") == 0)
			ck[c].type = COVET_CK_INT8;
	}
	return ck;
}

/* The table named so, described once. */
static CovetStatus
describe_table(Loader *L, const char *model, LoadTable **out)
{
	CovetDriver *d = L->d;
	LoadTable  *lt;
	CovetError	err2;
	CovetStatus rc;
	int			i;

	*out = NULL;
	for (i = 0; i < L->ntables; i++)
		if (strcmp(L->tables[i]->name, model) == 0)
		{
			*out = L->tables[i];
			return COVET_OK;
		}
	if ((lt = covet_alloc0(&d->mem, sizeof(LoadTable))) == NULL)
		return oom(L);
	rc = covet_fx_table_get(d, model, &lt->t, &err2);
	if (rc == COVET_ERR_NOT_FOUND)
	{
		covet_free(&d->mem, lt);
		return COVET_ERR_NOT_FOUND;
	}
	if (rc != COVET_OK)
	{
		covet_free(&d->mem, lt);
		*L->err = err2;
		return L->rc = rc;
	}
	/* the same table under another spelling shares the pending batch */
	for (i = 0; i < L->ntables; i++)
		if (strcmp(L->tables[i]->t.sql_name, lt->t.sql_name) == 0)
		{
			covet_fx_table_free(d, &lt->t);
			covet_free(&d->mem, lt);
			*out = L->tables[i];
			return COVET_OK;
		}
	lt->name = covet_strdup(&d->mem, model);
	lt->shape = covet_alloc0(&d->mem, sizeof(bool) * (size_t) (lt->t.ncols + 1));
	if ((lt->checks = check_plans(d, &lt->t)) == NULL)
	{
		covet_free(&d->mem, lt->name);
		lt->name = NULL;
	}
	covet_buf_init(&lt->batch, &d->mem);
	covet_buf_init(&lt->pkbuf, &d->mem);
	if (L->ntables == L->captables)
	{
		int			cap = L->captables ? L->captables * 2 : 8;
		LoadTable **nt = covet_alloc(&d->mem, sizeof(LoadTable *) * (size_t) cap);

		if (nt != NULL && L->ntables > 0)
			memcpy(nt, L->tables, sizeof(LoadTable *) * (size_t) L->ntables);
		if (nt != NULL)
		{
			covet_free(&d->mem, L->tables);
			L->tables = nt;
			L->captables = cap;
		}
	}
	if (lt->name == NULL || lt->shape == NULL || L->ntables == L->captables)
	{
		covet_free(&d->mem, lt->name);
		covet_free(&d->mem, lt->shape);
		covet_free(&d->mem, lt->checks);
		covet_fx_table_free(d, &lt->t);
		covet_free(&d->mem, lt);
		return oom(L);
	}
	L->tables[L->ntables++] = lt;
	*out = lt;
	return COVET_OK;
}

static CovetStatus
add_alias(Loader *L, const char *name, LoadTable *lt)
{
	CovetDriver *d = L->d;

	if (L->naliases == L->capaliases)
	{
		int			cap = L->capaliases ? L->capaliases * 2 : 8;
		Alias	   *na = covet_alloc(&d->mem, sizeof(Alias) * (size_t) cap);

		if (na == NULL)
			return oom(L);
		if (L->naliases > 0)
			memcpy(na, L->aliases, sizeof(Alias) * (size_t) L->naliases);
		covet_free(&d->mem, L->aliases);
		L->aliases = na;
		L->capaliases = cap;
	}
	if ((L->aliases[L->naliases].name = covet_strdup(&d->mem, name)) == NULL)
		return oom(L);
	L->aliases[L->naliases++].table = lt;
	return COVET_OK;
}

/*
 * The table of a model: the one model_map names, else the table named
 * exactly so, else Django's default table ("blog.post" -> "blog_post").
 * COVET_ERR_NOT_FOUND when there is none (the caller words the message).
 */
static CovetStatus
get_table(Loader *L, const char *model, LoadTable **out)
{
	const char *mapped = covet_fx_map_table(&L->map, model);
	char	   *dj = NULL;
	CovetStatus rc;
	int			i;

	*out = NULL;
	for (i = 0; i < L->naliases; i++)
		if (strcmp(L->aliases[i].name, model) == 0)
		{
			*out = L->aliases[i].table;
			return *out != NULL ? COVET_OK : COVET_ERR_NOT_FOUND;
		}
	if (mapped != NULL)
		rc = describe_table(L, mapped, out);
	else
	{
		rc = describe_table(L, model, out);
		if (rc == COVET_ERR_NOT_FOUND && (dj = covet_fx_django_table(&L->d->mem, model)) != NULL &&
			strcmp(dj, model) != 0)
		{
			rc = describe_table(L, dj, out);
			/* messages name the model as the fixture spells it */
			if (rc == COVET_OK && strcmp((*out)->name, dj) == 0)
			{
				char	   *name = covet_strdup(&L->d->mem, model);

				if (name == NULL)
				{
					covet_free(&L->d->mem, dj);
					return oom(L);
				}
				covet_free(&L->d->mem, (*out)->name);
				(*out)->name = name;
			}
		}
		covet_free(&L->d->mem, dj);
	}
	if (rc != COVET_OK && rc != COVET_ERR_NOT_FOUND)
		return rc;
	if (add_alias(L, model, *out) != COVET_OK)
		return L->rc;
	return rc;
}

/* "unknown model": naming the tables tried */
static CovetStatus
unknown_model(Loader *L, const char *model)
{
	const char *mapped = covet_fx_map_table(&L->map, model);
	char	   *dj = mapped ? NULL : covet_fx_django_table(&L->d->mem, model);

	if (mapped != NULL)
		record_error(L, COVET_ERR_NOT_FOUND, "unknown model \"%s\": model_map names table \"%s\", which does not exist",
					 model, mapped);
	else if (dj != NULL && strcmp(dj, model) != 0)
		record_error(L, COVET_ERR_NOT_FOUND, "unknown model \"%s\": no table \"%s\" or \"%s\"", model, model, dj);
	else
		record_error(L, COVET_ERR_NOT_FOUND, "unknown model \"%s\": no table \"%s\"", model, model);
	covet_free(&L->d->mem, dj);
	memcpy(L->err->sqlstate, "42P01", 6);
	if (mapped == NULL)
		covet_error_hint(L->err, "Name its table in model_map, as {\"%s\": \"table\"}.", model);
	return L->rc;
}

/* --- batches --------------------------------------------------------------- */

static void
append_pk_list(CovetBuf *b, const CovetFxTable *t)
{
	int			i;

	for (i = 0; i < t->npk; i++)
	{
		if (i > 0)
			covet_buf_append(b, ", ");
		covet_quote_ident(b, t->cols[t->pk[i]]);
	}
}

/* FROM part: the dialect's row source over {1}, with the batch's columns */
static void
append_from(Loader *L, CovetBuf *b, const LoadTable *lt)
{
	const CovetDialect *dl = L->d->dialect;
	const CovetFxTable *t = &lt->t;
	CovetBuf	defs;
	char		key[16];
	bool		first = true;
	int			c;

	covet_buf_init(&defs, &L->d->mem);
	for (c = 0; c < t->ncols; c++)
	{
		if (!lt->shape[c] || dl->fixture->load_def[t->kinds[c]] == NULL)
			continue;
		snprintf(key, sizeof(key), "c%d", c);
		if (!first)
			covet_buf_append(&defs, ", ");
		first = false;
		covet_fx_expand(&defs, dl, dl->fixture->load_def[t->kinds[c]], t->cols[c], t->sql_name,
						key, t->sql_types[c], NULL);
	}
	covet_buf_append(&defs, "");
	if (defs.failed)
		b->failed = true;
	else
		covet_fx_expand(b, dl, dl->fixture->load_from, NULL, t->sql_name, NULL, NULL, defs.data);
	covet_buf_free(&defs);
}

static CovetStatus
insert_sql(Loader *L, const LoadTable *lt, char **sql)
{
	const CovetDialect *dl = L->d->dialect;
	const CovetFxTable *t = &lt->t;
	CovetBuf	b;
	char		key[16];
	bool		first = true;
	int			c;

	covet_buf_init(&b, &L->d->mem);
	covet_buf_appendf(&b, "INSERT INTO %s (", t->sql_name);
	for (c = 0; c < t->ncols; c++)
	{
		if (!lt->shape[c])
			continue;
		if (!first)
			covet_buf_append(&b, ", ");
		first = false;
		covet_quote_ident(&b, t->cols[c]);
	}
	covet_buf_appendf(&b, ")%s SELECT ", dl->insert_override ? dl->insert_override : "");
	first = true;
	for (c = 0; c < t->ncols; c++)
	{
		if (!lt->shape[c])
			continue;
		if (!first)
			covet_buf_append(&b, ", ");
		first = false;
		snprintf(key, sizeof(key), "c%d", c);
		covet_fx_expand(&b, dl, dl->fixture->load_expr[t->kinds[c]], t->cols[c], t->sql_name,
						key, t->sql_types[c], NULL);
	}
	covet_buf_append(&b, " FROM ");
	append_from(L, &b, lt);
	covet_buf_append(&b, " WHERE true");
	if (L->on_conflict != COVET_CONFLICT_ERROR && lt->deferred)
		covet_buf_append(&b, " ON CONFLICT DO NOTHING");	/* a pair is all its key */
	else if (L->on_conflict != COVET_CONFLICT_ERROR)
	{
		bool		any = false;

		covet_buf_append(&b, " ON CONFLICT (");
		append_pk_list(&b, t);
		covet_buf_append(&b, ") DO ");
		if (L->on_conflict == COVET_CONFLICT_UPDATE)
			for (c = 0; c < t->ncols; c++)
			{
				if (!lt->shape[c] || t->is_pk[c])
					continue;
				covet_buf_append(&b, any ? ", " : "UPDATE SET ");
				covet_quote_ident(&b, t->cols[c]);
				covet_buf_append(&b, " = excluded.");
				covet_quote_ident(&b, t->cols[c]);
				any = true;
			}
		if (!any)
			covet_buf_append(&b, "NOTHING");
	}
	return covet_buf_finish(&b, sql, L->err) == COVET_OK ? COVET_OK : oom(L);
}

/* Does the engine's message name one of the record's columns? */
static int
field_in_message(const LoadTable *lt, const bool *present, const char *msg)
{
	const CovetFxTable *t = &lt->t;
	char		pat[300];
	int			c;

	for (c = 0; c < t->ncols; c++)
	{
		if (!present[c])
			continue;
		snprintf(pat, sizeof(pat), "%s.%s", lt->t.model, t->cols[c]);
		if (strstr(msg, pat) != NULL)
			return c;
		snprintf(pat, sizeof(pat), "column \"%s\"", t->cols[c]);
		if (strstr(msg, pat) != NULL)
			return c;
	}
	return -1;
}

/* Which field alone fails to convert?  -1 if none does. */
static int
probe_fields(Loader *L, const LoadTable *lt, const char *one)
{
	CovetDriver *d = L->d;
	const CovetDialect *dl = d->dialect;
	const CovetFxTable *t = &lt->t;
	int			c,
				found = -1;

	/* the row source reads every field as text; one column is converted */
	for (c = 0; c < t->ncols && found < 0; c++)
	{
		CovetBuf	b;
		char	   *sql = NULL;
		char		key[16];
		CovetError	e2;
		CovetStatus rc;

		if (!lt->shape[c])
			continue;
		snprintf(key, sizeof(key), "c%d", c);
		covet_buf_init(&b, &d->mem);
		covet_buf_append(&b, "SELECT ");
		covet_fx_expand(&b, dl, dl->fixture->load_expr[t->kinds[c]], t->cols[c], t->sql_name,
						key, t->sql_types[c], NULL);
		covet_buf_append(&b, " FROM ");
		append_from(L, &b, lt);
		if (covet_buf_finish(&b, &sql, &e2) != COVET_OK)
			break;
		if (d->savepoint_begin(d->ctx, &e2) != COVET_OK)
		{
			covet_free(&d->mem, sql);
			break;
		}
		rc = d->query(d->ctx, sql, 1, &one, NULL, &e2);
		d->savepoint_rollback(d->ctx, &e2);
		covet_free(&d->mem, sql);
		if (rc != COVET_OK)
			found = c;
	}
	return found;
}

/* The batch failed: find the record, and name it in *L->err. */
static CovetStatus
find_bad_record(Loader *L, LoadTable *lt, const char *sql, const CovetError *batch_err)
{
	CovetDriver *d = L->d;
	CovetBuf	one;
	CovetError	e;
	CovetStatus rc = COVET_OK;
	bool		lines = d->dialect->fixture->batch_lines;
	int			i,
				field;

	covet_buf_init(&one, &d->mem);
	for (i = 0; i < lt->nbatch; i++)
	{
		const RecMeta *m = &lt->meta[i];
		const char *param;

		covet_buf_reset(&one);
		if (!lines)
			covet_buf_appendc(&one, '[');
		covet_buf_appendn(&one, lt->batch.data + m->off, m->len);
		if (!lines)
			covet_buf_appendc(&one, ']');
		if (one.failed)
		{
			rc = oom(L);
			break;
		}
		param = one.data;
		if ((rc = d->savepoint_begin(d->ctx, &e)) != COVET_OK)
		{
			*L->err = e;
			break;
		}
		rc = d->query(d->ctx, sql, 1, &param, NULL, &e);
		if (rc == COVET_OK)
		{
			/* kept, so that a later duplicate of it fails as it should */
			if ((rc = d->savepoint_release(d->ctx, &e)) != COVET_OK)
			{
				*L->err = e;
				break;
			}
			continue;
		}
		d->savepoint_rollback(d->ctx, &(CovetError) {0});
		if (rc != COVET_ERR_SQL)
		{
			*L->err = e;
			break;
		}
		field = field_in_message(lt, lt->shape, e.message);
		if (field < 0)
			field = probe_fields(L, lt, param);
		*L->err = e;
		if (lt->label != NULL)
			covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", pk %s, field \"%s\"): ",
							   (long long) m->pos, (long long) m->line, lt->label,
							   lt->pkbuf.data + m->pk_off, lt->label_field);
		else if (field >= 0)
			covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", pk %s, field \"%s\"): ",
							   (long long) m->pos, (long long) m->line, lt->name,
							   lt->pkbuf.data + m->pk_off, lt->t.cols[field]);
		else
			covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", pk %s): ",
							   (long long) m->pos, (long long) m->line, lt->name,
							   lt->pkbuf.data + m->pk_off);
		if (L->err->detail[0] == '\0')
			covet_error_detail(L->err, "Nothing was loaded.");
		rc = COVET_ERR_SQL;
		break;
	}
	/*
	 * Every record went in on its own, in order, and is kept: the batch
	 * failed only as one statement (PostgreSQL's ON CONFLICT DO UPDATE
	 * refuses to touch a row twice when a key repeats in the batch), and
	 * the records one after the other are what the fixture means.
	 */
	(void) batch_err;
	covet_buf_free(&one);
	return L->rc = rc;
}

static CovetStatus
flush_table(Loader *L, LoadTable *lt)
{
	CovetDriver *d = L->d;
	char	   *sql = NULL;
	const char *param;
	CovetError	e;
	CovetStatus rc;
	bool		lines = d->dialect->fixture->batch_lines;

	if (lt->nbatch == 0)
		return COVET_OK;
	if ((rc = insert_sql(L, lt, &sql)) != COVET_OK)
		return rc;
	if (!lines)
		covet_buf_appendc(&lt->batch, ']');
	if (lt->batch.failed)
	{
		covet_free(&d->mem, sql);
		return oom(L);
	}
	param = lt->batch.data;
	if ((rc = d->savepoint_begin(d->ctx, L->err)) != COVET_OK)
	{
		covet_free(&d->mem, sql);
		return L->rc = rc;
	}
	rc = d->query(d->ctx, sql, 1, &param, NULL, &e);
	if (rc == COVET_OK)
		rc = d->savepoint_release(d->ctx, L->err);
	else
	{
		CovetError	e2;

		if (d->savepoint_rollback(d->ctx, &e2) != COVET_OK)
		{
			*L->err = e2;
			L->rc = e2.code;
		}
		else if (rc == COVET_ERR_SQL)
		{
			if (!lines)
				lt->batch.len--;	/* the closing ']' */
			rc = find_bad_record(L, lt, sql, &e);
		}
		else
			*L->err = e;
		rc = L->rc != COVET_OK ? L->rc : rc;
	}
	covet_free(&d->mem, sql);
	if (rc != COVET_OK)
		return L->rc = rc;
	lt->loaded = true;
	L->pending_bytes -= lt->batch.len < L->pending_bytes ? lt->batch.len : L->pending_bytes;
	lt->nbatch = 0;
	covet_buf_reset(&lt->batch);
	covet_buf_reset(&lt->pkbuf);
	return COVET_OK;
}

/*
 * Every pending batch, parents first.  Rows of many-to-many tables wait
 * (all: false) unless a batch is full or the fixture ends, so that both
 * sides are in when they go.
 */
static CovetStatus
flush_pending(Loader *L, bool all)
{
	CovetDriver *d = L->d;
	CovetFxTable **ts;
	LoadTable **lts;
	int		   *order;
	int			n = 0,
				i;
	CovetStatus rc = COVET_OK;

	if (L->ntables == 0)
		return COVET_OK;
	ts = covet_alloc(&d->mem, sizeof(CovetFxTable *) * (size_t) L->ntables);
	lts = covet_alloc(&d->mem, sizeof(LoadTable *) * (size_t) L->ntables);
	order = covet_alloc(&d->mem, sizeof(int) * (size_t) L->ntables);
	if (ts == NULL || lts == NULL || order == NULL)
		rc = oom(L);
	for (i = 0; rc == COVET_OK && i < L->ntables; i++)
		if (L->tables[i]->nbatch > 0 && (all || !L->tables[i]->deferred))
		{
			lts[n] = L->tables[i];
			ts[n++] = &L->tables[i]->t;
		}
	if (rc == COVET_OK && (rc = covet_fx_order(d, ts, n, order, L->err)) != COVET_OK)
		L->rc = rc;
	for (i = 0; rc == COVET_OK && i < n; i++)
		rc = flush_table(L, lts[order[i]]);
	if (rc == COVET_OK && d->check_interrupts != NULL &&
		(rc = d->check_interrupts(d->ctx, L->err)) != COVET_OK)
		L->rc = rc;
	covet_free(&d->mem, ts);
	covet_free(&d->mem, lts);
	covet_free(&d->mem, order);
	L->pending_bytes = 0;
	for (i = 0; i < L->ntables; i++)
		L->pending_bytes += L->tables[i]->batch.len;
	return rc;
}

static CovetStatus
flush_all(Loader *L)
{
	return flush_pending(L, true);
}

/* Is a JSON string value valid base64?  (value is the JSON literal) */
static bool
base64_ok(Loader *L, const char *val, bool *nomem)
{
	size_t		n;
	unsigned char *out;
	bool		ok;

	*nomem = false;
	covet_buf_reset(&L->tmp);
	if (!covet_json_unescape(&L->tmp, val, strlen(val)))
		return false;
	if (L->tmp.failed)
	{
		*nomem = true;
		return false;
	}
	if ((out = covet_alloc(&L->d->mem, COVET_BASE64_DECODED_MAX(L->tmp.len))) == NULL)
	{
		*nomem = true;
		return false;
	}
	ok = covet_base64_decode(L->tmp.data, L->tmp.len, out, &n);
	covet_free(&L->d->mem, out);
	return ok;
}

/* {"c0": v, "c3": v}, after "[" or "," */
static void
append_object(Loader *L, LoadTable *lt)
{
	const Rec  *r = &L->rec;
	CovetBuf   *b = &lt->batch;
	char		key[24];
	bool		first = true;
	int			c;

	covet_buf_appendc(b, lt->nbatch == 0 ? '[' : ',');
	lt->meta[lt->nbatch].off = b->len;
	covet_buf_appendc(b, '{');
	for (c = 0; c < lt->t.ncols; c++)
	{
		int			len;

		if (L->vals[c] < 0)
			continue;
		len = snprintf(key, sizeof(key), first ? "\"c%d\":" : ",\"c%d\":", c);
		covet_buf_appendn(b, key, (size_t) len);
		covet_buf_append(b, REC_VAL(r, L->vals[c]));
		first = false;
	}
	covet_buf_appendc(b, '}');
}

/*
 * v<TAB>v<NEWLINE>: the batch's columns in order (dialect batch_lines).
 * Returns the column whose text holds U+0000, or -1.
 */
static int
append_line(Loader *L, LoadTable *lt)
{
	const Rec  *r = &L->rec;
	CovetBuf   *b = &lt->batch;
	bool		first = true;
	int			c,
				nul = -1;

	lt->meta[lt->nbatch].off = b->len;
	for (c = 0; c < lt->t.ncols; c++)
	{
		const char *v;
		CovetFixtureKind kind = lt->t.kinds[c];

		if (L->vals[c] < 0)
			continue;
		if (!first)
			covet_buf_appendc(b, '\t');
		first = false;
		v = REC_VAL(r, L->vals[c]);
		if (!covet_copy_field(b, &L->tmp, v, strlen(v),
							  kind == COVET_FX_JSON || kind == COVET_FX_ARRAY) && nul < 0)
			nul = c;
	}
	covet_buf_appendc(b, '\n');
	return nul;
}

/*
 * The column whose text holds U+0000, or -1: what append_line finds for
 * PostgreSQL, whose text cannot hold it, found the same way for SQLite,
 * which would store the text cut short there (one judgement on both).
 */
static int
nul_column(Loader *L, const LoadTable *lt)
{
	const Rec  *r = &L->rec;
	int			c;

	for (c = 0; c < lt->t.ncols; c++)
	{
		const char *v;
		CovetFixtureKind kind = lt->t.kinds[c];

		if (L->vals[c] < 0 || kind == COVET_FX_JSON || kind == COVET_FX_ARRAY)
			continue;
		v = REC_VAL(r, L->vals[c]);
		if (v[0] != '"' || strstr(v, "\\u0000") == NULL)
			continue;
		covet_buf_reset(&L->tmp);
		if (covet_json_unescape(&L->tmp, v, strlen(v)) && L->tmp.data != NULL &&
			memchr(L->tmp.data, '\0', L->tmp.len) != NULL)
			return c;
	}
	return -1;
}

/* The record's pk as error messages show it: 7, {"a": 1, "b": "x"}, null */
static void
pk_text(Loader *L, const CovetFxTable *t, CovetBuf *b)
{
	const Rec  *r = &L->rec;
	int			i;

	if (t->npk == 1 && L->vals[t->pk[0]] >= 0)
		covet_buf_append(b, REC_VAL(r, L->vals[t->pk[0]]));
	else if (t->npk > 1)
	{
		covet_buf_appendc(b, '{');
		for (i = 0; i < t->npk; i++)
		{
			int			v = L->vals[t->pk[i]];

			if (i > 0)
				covet_buf_append(b, ", ");
			covet_json_string(b, t->cols[t->pk[i]], strlen(t->cols[t->pk[i]]));
			covet_buf_append(b, ": ");
			covet_buf_append(b, v >= 0 ? REC_VAL(r, v) : "null");
		}
		covet_buf_appendc(b, '}');
	}
	else
		covet_buf_append(b, "null");
}

/*
 * Every value against its column's type, as PostgreSQL would judge it, on
 * both engines (fixture_check.c); on SQLite a value may be rewritten to
 * what SQLite stores (booleans 1/0, dates and times in its text form).
 */
static CovetStatus
check_record(Loader *L, LoadTable *lt, const char *pk_shown)
{
	Rec		   *r = &L->rec;
	const CovetFxTable *t = &lt->t;
	CovetBuf	out;
	int			c;

	covet_buf_init(&out, &L->d->mem);
	for (c = 0; c < t->ncols; c++)
	{
		int			i = L->vals[c];
		bool		rewritten;
		CovetError	e;

		if (i < 0)
			continue;
		covet_buf_reset(&out);
		if (covet_fx_check_value(&lt->checks[c], REC_VAL(r, i), &L->tmp, &out, &rewritten, &e) != COVET_OK)
		{
			CovetBuf	pk;

			covet_buf_free(&out);
			*L->err = e;
			if (e.code == COVET_ERR_NOMEM)
				return L->rc = COVET_ERR_NOMEM;
			/* a many-to-many row: the owner's record and field */
			covet_buf_init(&pk, &L->d->mem);
			if (pk_shown != NULL)
				covet_buf_append(&pk, pk_shown);
			else
				pk_text(L, t, &pk);
			covet_buf_append(&pk, "");
			covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", pk %s, field \"%s\"): ",
							   (long long) r->pos, (long long) r->line,
							   lt->label != NULL ? lt->label : lt->name,
							   pk.failed ? "?" : pk.data,
							   lt->label_field != NULL ? lt->label_field : t->cols[c]);
			covet_buf_free(&pk);
			if (L->err->detail[0] == '\0')
				covet_error_detail(L->err, "Nothing was loaded.");
			return L->rc = COVET_ERR_INVALID;
		}
		if (rewritten)
		{
			if (out.failed)
			{
				covet_buf_free(&out);
				return oom(L);
			}
			r->val_off[i] = r->arena.len;
			covet_buf_appendn(&r->arena, out.data, out.len);
			covet_buf_appendc(&r->arena, '\0');
			if (r->arena.failed || out.failed)
			{
				covet_buf_free(&out);
				return oom(L);
			}
		}
	}
	covet_buf_free(&out);
	return COVET_OK;
}

/* Is the value (JSON text) the same as a row's text? */
static bool
same_value(Loader *L, const char *json, const char *text)
{
	if (text == NULL)
		return strcmp(json, "null") == 0;
	if (json[0] != '"')
		return strcmp(json, text) == 0;
	covet_buf_reset(&L->tmp);
	if (!covet_json_unescape(&L->tmp, json, strlen(json)))
		return false;
	covet_buf_append(&L->tmp, "");
	return !L->tmp.failed && strcmp(L->tmp.data, text) == 0;
}

/* Finding mode: is this the record of the row in L->find?  (first wins) */
static CovetStatus
find_record(Loader *L)
{
	Rec		   *r = &L->rec;
	const CovetFxTable *ft = L->find;
	LoadTable  *lt;
	CovetStatus rc;
	int			k,
				i;

	if (L->found_pos > 0 || !r->has_model)
		return COVET_OK;
	covet_buf_append(&r->model, "");
	if (r->model.failed)
		return oom(L);
	rc = get_table(L, r->model.data, &lt);
	if (rc == COVET_ERR_NOT_FOUND)
		return COVET_OK;
	if (rc != COVET_OK)
		return rc;
	if (strcmp(lt->t.sql_name, ft->sql_name) != 0 || ft->npk == 0)
		return COVET_OK;
	covet_buf_reset(&L->found_pk);
	if (ft->npk > 1)
		covet_buf_appendc(&L->found_pk, '{');
	for (k = 0; k < ft->npk; k++)
	{
		const char *col = ft->cols[ft->pk[k]];
		int			hit = -1;

		for (i = 0; i < r->nfields && hit < 0; i++)
		{
			const char *name = REC_NAME(r, i);

			if ((ft->npk == 1 && r->is_pk[i] && name[0] == '\0') || strcasecmp(name, col) == 0)
				hit = i;
		}
		if (hit < 0 || !same_value(L, REC_VAL(r, hit), L->find_pk[k]))
			return COVET_OK;
		if (ft->npk > 1)
		{
			if (k > 0)
				covet_buf_append(&L->found_pk, ", ");
			covet_json_string(&L->found_pk, col, strlen(col));
			covet_buf_append(&L->found_pk, ": ");
		}
		covet_buf_append(&L->found_pk, REC_VAL(r, hit));
	}
	if (ft->npk > 1)
		covet_buf_appendc(&L->found_pk, '}');
	covet_buf_append(&L->found_pk, "");
	if (L->found_pk.failed)
		return oom(L);
	L->found_pos = r->pos;
	L->found_line = r->line;
	return COVET_OK;
}

/* --- Django's names ---------------------------------------------------------- */

/* Room for the values of a table's columns in L->vals, all -1. */
static CovetStatus
vals_reset(Loader *L, int ncols)
{
	int			c;

	if (L->nvals < ncols)
	{
		covet_free(&L->d->mem, L->vals);
		if ((L->vals = covet_alloc(&L->d->mem, sizeof(int) * (size_t) (ncols + 1))) == NULL)
		{
			L->nvals = 0;
			return oom(L);
		}
		L->nvals = ncols;
	}
	for (c = 0; c < ncols; c++)
		L->vals[c] = -1;
	return COVET_OK;
}

static CovetStatus
links(Loader *L, LoadTable *lt)
{
	CovetStatus rc;

	if (!lt->links.loaded && (rc = covet_fx_links_get(L->d, &lt->t, &lt->links, L->err)) != COVET_OK)
		return L->rc = rc;
	return COVET_OK;
}

static bool
same_name(const CovetDialect *dl, const char *a, const char *b)
{
	return dl->engine == COVET_ENGINE_SQLITE ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/*
 * The many-to-many table of a field: "<table>_<field>" with two one-column
 * foreign keys, to this table and to the target (a self-reference:
 * from_<model>_id and to_<model>_id).  *out -1 when there is none.
 */
static CovetStatus inherit_parent(Loader *L, LoadTable *lt, LoadTable **parent);

static CovetStatus
find_m2m_at(Loader *L, LoadTable *lt, const char *field, int depth, int *out)
{
	CovetDriver *d = L->d;
	M2m		   *m;
	M2m			found = {0};
	CovetBuf	b;
	char	   *name = NULL;
	const char *owner_model = lt->t.model;
	CovetStatus rc;
	int			i;

	*out = -1;
	for (i = 0; i < lt->nm2ms; i++)
		if (strcmp(lt->m2ms[i].field, field) == 0)
		{
			*out = lt->m2ms[i].table != NULL ? i : -1;
			return COVET_OK;
		}
	/* the table's own name, without a schema */
	if (strrchr(owner_model, '.') != NULL && d->dialect->engine == COVET_ENGINE_POSTGRES)
		owner_model = strrchr(owner_model, '.') + 1;
	covet_buf_init(&b, &d->mem);
	covet_buf_appendf(&b, "%s_%s", owner_model, field);
	if (covet_buf_finish(&b, &name, L->err) != COVET_OK)
		return oom(L);
	rc = describe_table(L, name, &found.table);
	covet_free(&d->mem, name);
	if (rc == COVET_OK && found.table != lt && links(L, found.table) == COVET_OK &&
		found.table->links.nfks == 2)
	{
		CovetFxLinks *k = &found.table->links;
		CovetFxTable *mt = &found.table->t;
		bool		to0 = same_name(d->dialect, k->fks[0].target, lt->t.model);
		bool		to1 = same_name(d->dialect, k->fks[1].target, lt->t.model);
		int			own = -1;

		if (to0 && to1)
			own = strncasecmp(mt->cols[k->fks[0].col], "from_", 5) == 0 ? 0 :
				strncasecmp(mt->cols[k->fks[1].col], "from_", 5) == 0 ? 1 : -1;
		else if (to0 || to1)
			own = to0 ? 0 : 1;
		if (own >= 0 &&
			(rc = get_table(L, k->fks[1 - own].target, &found.target)) == COVET_OK)
		{
			found.owner_col = k->fks[own].col;
			found.target_col = k->fks[1 - own].col;
		}
		else
			found.table = NULL;
	}
	else
		found.table = NULL;
	if (L->rc != COVET_OK)
		return L->rc;
	if (found.table == NULL && depth < MAX_PARENTS)
	{
		/* multi-table inheritance: the parent's field, by the same key */
		LoadTable  *parent;
		int			pi;

		if (inherit_parent(L, lt, &parent) != COVET_OK ||
			(parent != NULL && find_m2m_at(L, parent, field, depth + 1, &pi) != COVET_OK))
			return L->rc;
		if (parent != NULL && pi >= 0)
			found = parent->m2ms[pi];
	}
	if (found.table != NULL && found.table->label == NULL)
	{
		found.table->deferred = true;
		found.table->label = lt->name;
	}
	if ((found.field = covet_strdup(&d->mem, field)) == NULL)
		return oom(L);
	m = covet_alloc(&d->mem, sizeof(M2m) * (size_t) (lt->nm2ms + 1));
	if (m == NULL)
	{
		covet_free(&d->mem, found.field);
		return oom(L);
	}
	if (lt->nm2ms > 0)
		memcpy(m, lt->m2ms, sizeof(M2m) * (size_t) lt->nm2ms);
	covet_free(&d->mem, lt->m2ms);
	lt->m2ms = m;
	if (found.table != NULL && found.table->label_field == NULL)
		found.table->label_field = found.field;
	lt->m2ms[lt->nm2ms++] = found;
	*out = found.table != NULL ? lt->nm2ms - 1 : -1;
	return COVET_OK;
}

static CovetStatus
find_m2m(Loader *L, LoadTable *lt, const char *field, int *out)
{
	return find_m2m_at(L, lt, field, 0, out);
}

/*
 * The parent of a table in Django's multi-table inheritance: the table
 * its one primary-key column references (NULL: none).
 */
static CovetStatus
inherit_parent(Loader *L, LoadTable *lt, LoadTable **parent)
{
	const CovetFxFk *fk;
	CovetStatus rc;

	*parent = NULL;
	if (lt->t.npk != 1 || links(L, lt) != COVET_OK)
		return L->rc;
	if ((fk = covet_fx_fk_of(&lt->links, lt->t.pk[0])) == NULL)
		return COVET_OK;
	rc = get_table(L, fk->target, parent);
	if (rc != COVET_OK || *parent == lt)
		*parent = NULL;
	return rc == COVET_ERR_NOT_FOUND ? COVET_OK : rc;
}

/*
 * Is the field one of an ancestor's (multi-table inheritance)?  A child's
 * record may carry its parents' fields; Django's loaddata saves only the
 * child's own table (save_base with raw=True), so they are left alone.
 */
static CovetStatus
inherited_field(Loader *L, LoadTable *lt, const char *name, bool *found)
{
	LoadTable  *cur = lt;
	int			depth;

	*found = false;
	for (depth = 0; depth < MAX_PARENTS && !*found; depth++)
	{
		LoadTable  *parent;
		CovetBuf	b;
		int			c;

		if (inherit_parent(L, cur, &parent) != COVET_OK)
			return L->rc;
		if (parent == NULL)
			break;
		c = covet_fx_column(&parent->t, name, strlen(name));
		if (c < 0)
		{
			/* a foreign key under its field's name */
			covet_buf_init(&b, &L->d->mem);
			covet_buf_appendf(&b, "%s_id", name);
			if (b.failed)
				return oom(L);
			c = covet_fx_column(&parent->t, b.data, b.len);
			covet_buf_free(&b);
			if (c >= 0 && (links(L, parent) != COVET_OK || covet_fx_fk_of(&parent->links, c) == NULL))
				c = -1;
		}
		if (L->rc != COVET_OK)
			return L->rc;
		*found = c >= 0;
		cur = parent;
	}
	return COVET_OK;
}

/*
 * A field that is no column: "author" as the foreign key "author_id", or
 * a list as a many-to-many table (its own, or an ancestor's).  *col / *m2m
 * -1 when neither.
 */
static CovetStatus
django_field(Loader *L, LoadTable *lt, const char *name, bool is_list, int *col, int *m2m)
{
	CovetBuf	b;
	int			c;

	*col = -1;
	*m2m = -1;
	covet_buf_init(&b, &L->d->mem);
	covet_buf_appendf(&b, "%s_id", name);
	if (b.failed)
		return oom(L);
	c = covet_fx_column(&lt->t, b.data, b.len);
	covet_buf_free(&b);
	if (c >= 0)
	{
		if (links(L, lt) != COVET_OK)
			return L->rc;
		if (covet_fx_fk_of(&lt->links, c) != NULL)
		{
			*col = c;
			return COVET_OK;
		}
	}
	if (is_list)
		return find_m2m(L, lt, name, m2m);
	return COVET_OK;
}

/* A JSON value (parsed) as JSON text. */
static void
json_text(CovetBuf *out, const CovetJson *j)
{
	int			i;

	switch (j->type)
	{
		case COVET_JSON_NULL:
			covet_buf_append(out, "null");
			break;
		case COVET_JSON_BOOL:
			covet_buf_append(out, j->boolean ? "true" : "false");
			break;
		case COVET_JSON_NUMBER:
			covet_buf_append(out, j->text);
			break;
		case COVET_JSON_STRING:
			covet_json_string(out, j->text, strlen(j->text));
			break;
		case COVET_JSON_ARRAY:
		case COVET_JSON_OBJECT:
			covet_buf_appendc(out, j->type == COVET_JSON_ARRAY ? '[' : '{');
			for (i = 0; i < j->n; i++)
			{
				if (i > 0)
					covet_buf_appendc(out, ',');
				if (j->type == COVET_JSON_OBJECT)
				{
					covet_json_string(out, j->keys[i], strlen(j->keys[i]));
					covet_buf_appendc(out, ':');
				}
				json_text(out, j->items[i]);
			}
			covet_buf_appendc(out, j->type == COVET_JSON_ARRAY ? ']' : '}');
			break;
	}
}

/* The text of a scalar JSON value as a lookup parameter. */
static const char *
key_text(const CovetJson *j)
{
	if (j->type == COVET_JSON_BOOL)
		return j->boolean ? "true" : "false";
	return j->text;				/* NULL for null: no row matches */
}

/*
 * The value (text, in *found; NULL when no row matches) of column ref of
 * the row of target whose natural key is items[0..n).  A key of as many
 * scalars as a unique index has columns is that index's values, in order.
 * Otherwise a unique index with one foreign-key column takes its other
 * columns' values first and the rest of the key as the natural key of the
 * referenced table (Django's auth.permission: codename, then its content
 * type's app label and model).  *why says why there is no such index.
 */
static CovetStatus
natural_lookup(Loader *L, LoadTable *target, int ref, CovetJson *const *items, int n,
			   int depth, char **found, const char **why)
{
	CovetDriver *d = L->d;
	const CovetFxLinks *k;
	const char **vals = NULL;
	char	   *sub = NULL;
	int			i,
				c,
				scalars = 0;

	*found = NULL;
	*why = NULL;
	if (links(L, target) != COVET_OK)
		return L->rc;
	k = &target->links;
	for (i = 0; i < n; i++)
		scalars += items[i]->type != COVET_JSON_ARRAY && items[i]->type != COVET_JSON_OBJECT;
	if ((vals = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (n + 1))) == NULL)
		return oom(L);
	for (i = 0; i < k->nuniq && L->rc == COVET_OK; i++)
	{
		const CovetFxUnique *u = &k->uniq[i];
		const CovetFxFk *fk = NULL;
		int			fkpos = -1,
					next = 0;

		if (u->ncols == n && scalars == n)
		{
			for (c = 0; c < n; c++)
				vals[c] = key_text(items[c]);
		}
		else if (u->ncols < n && depth < 3)
		{
			/* one foreign-key column, the rest of the key its natural key */
			for (c = 0; c < u->ncols; c++)
				if (covet_fx_fk_of(k, u->cols[c]) != NULL)
				{
					if (fkpos >= 0)
						break;
					fkpos = c;
				}
			if (fkpos < 0 || c < u->ncols)
				continue;
			fk = covet_fx_fk_of(k, u->cols[fkpos]);
			for (c = 0; c < u->ncols; c++)
			{
				if (c == fkpos)
					continue;
				if (items[next]->type == COVET_JSON_ARRAY || items[next]->type == COVET_JSON_OBJECT)
					break;
				vals[c] = key_text(items[next++]);
			}
			if (c < u->ncols)
				continue;
			{
				LoadTable  *t2;
				int			ref2;
				const char *why2;
				CovetStatus rc = get_table(L, fk->target, &t2);

				if (rc == COVET_ERR_NOT_FOUND)
					continue;
				if (rc != COVET_OK)
					break;
				ref2 = fk->ref != NULL ? covet_fx_column(&t2->t, fk->ref, strlen(fk->ref)) :
					t2->t.npk == 1 ? t2->t.pk[0] : -1;
				if (ref2 < 0 ||
					natural_lookup(L, t2, ref2, items + next, n - next, depth + 1, &sub, &why2) != COVET_OK)
					break;
				if (sub == NULL && why2 != NULL)
					continue;	/* no index fits the rest */
				if (sub == NULL)
				{
					*why = NULL;	/* fits, and nothing matches */
					break;
				}
				vals[fkpos] = sub;
			}
		}
		else
			continue;
		/* records of this fixture read so far are visible to the lookup */
		if (target->nbatch > 0 && flush_pending(L, false) != COVET_OK)
			break;
		if ((L->rc = covet_fx_natural_find(d, &target->t, u, ref, vals, found, L->err)) != COVET_OK)
			break;
		covet_free(&d->mem, vals);
		covet_free(&d->mem, sub);
		return COVET_OK;
	}
	if (L->rc == COVET_OK && i == k->nuniq)
		*why = "no unique constraint fits it";
	covet_free(&d->mem, vals);
	covet_free(&d->mem, sub);
	return L->rc;
}

/*
 * A natural key (a JSON list, parsed) of the table the foreign key fk
 * references: the referenced value as JSON text in *out.  field names
 * the record's field in messages.  missing (NULL: an error) is set when
 * no row has the key yet: a forward reference, which Django resolves at
 * the end of the load.
 */
static CovetStatus
natural_key(Loader *L, const CovetFxFk *fk, const char *field, const CovetJson *key,
			CovetBuf *out, bool *missing)
{
	CovetDriver *d = L->d;
	LoadTable  *target;
	char	   *found = NULL;
	const char *why = NULL;
	CovetBuf	shown;
	CovetStatus rc;
	int			ref;

	covet_buf_init(&shown, &d->mem);
	json_text(&shown, key);
	covet_buf_append(&shown, "");
	if (shown.failed)
		return oom(L);
	if ((rc = get_table(L, fk->target, &target)) != COVET_OK)
	{
		if (rc == COVET_ERR_NOT_FOUND)
			record_error(L, COVET_ERR_NOT_FOUND, "field \"%s\": the table \"%s\" of natural key %s does not exist",
						 field, fk->target, shown.data);
		goto done;
	}
	ref = fk->ref != NULL ? covet_fx_column(&target->t, fk->ref, strlen(fk->ref)) :
		target->t.npk == 1 ? target->t.pk[0] : -1;
	if (ref >= 0 && natural_lookup(L, target, ref, key->items, key->n, 0, &found, &why) != COVET_OK)
		goto done;
	if (ref < 0 || why != NULL)
	{
		record_error(L, COVET_ERR_NOT_FOUND, "field \"%s\": natural key %s, but no unique constraint of table \"%s\" fits it",
					 field, shown.data, target->t.model);
		covet_error_hint(L->err, "A natural key holds the values of a unique constraint in order; a foreign key among them takes the rest of the key as its own natural key.");
		memcpy(L->err->sqlstate, "42P10", 6);
		goto done;
	}
	if (found == NULL && missing != NULL)
	{
		*missing = true;
		goto done;
	}
	if (found == NULL)
	{
		record_error(L, COVET_ERR_NOT_FOUND, "field \"%s\": no row of table \"%s\" has natural key %s",
					 field, target->t.model, shown.data);
		memcpy(L->err->sqlstate, "23503", 6);
		goto done;
	}
	if (is_json_number(found, strlen(found)) &&
		(target->t.kinds[ref] == COVET_FX_INT || target->t.kinds[ref] == COVET_FX_NUMERIC))
		covet_buf_append(out, found);
	else
		covet_json_string(out, found, strlen(found));
	if (out->failed)
		oom(L);
done:
	covet_free(&d->mem, found);
	covet_buf_free(&shown);
	return L->rc;
}

/* Note field i (column c) of the current record, with its value as given */
static CovetStatus
note_field(Loader *L, FieldNotes *notes, int i, int c)
{
	if (notes->n == notes->cap)
	{
		int			cap = notes->cap ? notes->cap * 2 : 4;
		FieldNote  *v = covet_alloc(&L->d->mem, sizeof(FieldNote) * (size_t) cap);

		if (v == NULL)
			return oom(L);
		if (notes->n > 0)
			memcpy(v, notes->v, sizeof(FieldNote) * (size_t) notes->n);
		covet_free(&L->d->mem, notes->v);
		notes->v = v;
		notes->cap = cap;
	}
	notes->v[notes->n].field = i;
	notes->v[notes->n].col = c;
	notes->v[notes->n].off = L->rec.val_off[i];
	notes->n++;
	return COVET_OK;
}

/*
 * Is column c NOT NULL?  (the dialect's seed_describe_sql: name in column
 * 3, NOT NULL in column 5; read once per table)
 */
static CovetStatus
column_notnull(Loader *L, LoadTable *lt, int c, bool *out)
{
	CovetDriver *d = L->d;
	CovetResult res = {0};
	const char *param = lt->t.lookup;
	int			i,
				k;

	if (lt->notnull == NULL)
	{
		if ((L->rc = covet_sql_run(d, d->dialect->seed_describe_sql, 1, &param, &res, L->err)) != COVET_OK)
			return L->rc;
		if ((lt->notnull = covet_alloc0(&d->mem, sizeof(bool) * (size_t) (lt->t.ncols + 1))) == NULL)
		{
			covet_result_free(d, &res);
			return oom(L);
		}
		for (i = 0; i < res.nrows; i++)
		{
			const char *name = COVET_VALUE(&res, i, 3);
			const char *nn = COVET_VALUE(&res, i, 5);

			k = name != NULL ? covet_fx_column(&lt->t, name, strlen(name)) : -1;
			if (k >= 0 && nn != NULL)
				lt->notnull[k] = strcmp(nn, "1") == 0 || strcmp(nn, "t") == 0 || strcmp(nn, "true") == 0;
		}
		covet_result_free(d, &res);
	}
	*out = lt->notnull[c];
	return COVET_OK;
}

/* A field's value that is a list where a foreign key expects a scalar. */
static CovetStatus
natural_field(Loader *L, LoadTable *lt, int c, int i)
{
	Rec		   *r = &L->rec;
	const CovetFxFk *fk;
	CovetJson  *key = NULL;
	CovetError	e;
	CovetBuf	out;
	bool		missing = false;

	if (links(L, lt) != COVET_OK)
		return L->rc;
	if ((fk = covet_fx_fk_of(&lt->links, c)) == NULL)
		return COVET_OK;		/* the column's type judges the list */
	if (covet_json_parse(&L->d->mem, REC_VAL(r, i), &key, &e) != COVET_OK)
		return e.code == COVET_ERR_NOMEM ? oom(L) :
			record_error(L, COVET_ERR_INVALID, "field \"%s\": invalid natural key", lt->t.cols[c]);
	covet_buf_init(&out, &L->d->mem);
	if (natural_key(L, fk, REC_NAME(r, i), key, &out, &missing) == COVET_OK && missing)
	{
		bool		notnull = false;

		/*
		 * a forward reference: null now, the key's row at the end; a NOT
		 * NULL column cannot wait (Django's insert of it fails too)
		 */
		if (column_notnull(L, lt, c, &notnull) == COVET_OK && notnull)
			natural_key(L, fk, REC_NAME(r, i), key, &out, NULL);
		else if (L->rc == COVET_OK && note_field(L, &L->fwd, i, c) == COVET_OK)
			covet_buf_append(&out, "null");
	}
	if (L->rc == COVET_OK && out.failed)
		oom(L);
	else if (L->rc == COVET_OK)
	{
		/* the value becomes the key found */
		r->val_off[i] = r->arena.len;
		covet_buf_appendn(&r->arena, out.data, out.len);
		covet_buf_appendc(&r->arena, '\0');
		if (r->arena.failed)
			oom(L);
	}
	covet_buf_free(&out);
	covet_json_free(&L->d->mem, key);
	return L->rc;
}

/*
 * A record without "pk" whose fields hold all the columns of a unique
 * index (not the primary key) is the row that index finds, if there is
 * one: its pk is that row's (Django's build_instance, for models with a
 * natural key).  The lookup sees the rows of this fixture already written.
 */
static CovetStatus
natural_pk(Loader *L, LoadTable *lt)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	CovetFxTable *t = &lt->t;
	const CovetFxUnique *u = NULL;
	CovetBuf   *texts = NULL;
	const char **vals = NULL;
	char	   *found = NULL;
	CovetBuf	json;
	int			i,
				k;

	if (links(L, lt) != COVET_OK)
		return L->rc;
	for (i = 0; i < lt->links.nuniq && u == NULL; i++)
	{
		const CovetFxUnique *c = &lt->links.uniq[i];

		if (c->primary)
			continue;
		for (k = 0; k < c->ncols; k++)
		{
			int			v = L->vals[c->cols[k]];
			const char *val = v >= 0 ? REC_VAL(r, v) : NULL;

			if (val == NULL || val[0] == '[' || val[0] == '{' || strcmp(val, "null") == 0)
				break;
		}
		if (k == c->ncols)
			u = c;
	}
	if (u == NULL)
		return COVET_OK;
	texts = covet_alloc0(&d->mem, sizeof(CovetBuf) * (size_t) u->ncols);
	vals = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (u->ncols + 1));
	if (texts == NULL || vals == NULL)
	{
		covet_free(&d->mem, texts);
		covet_free(&d->mem, vals);
		return oom(L);
	}
	for (k = 0; k < u->ncols; k++)
	{
		const char *val = REC_VAL(r, L->vals[u->cols[k]]);

		covet_buf_init(&texts[k], &d->mem);
		if (val[0] != '"' || !covet_json_unescape(&texts[k], val, strlen(val)))
			covet_buf_append(&texts[k], val);
		covet_buf_append(&texts[k], "");
		if (texts[k].failed)
			oom(L);
		vals[k] = texts[k].data;
	}
	if (L->rc == COVET_OK &&
		(L->rc = covet_fx_natural_find(d, t, u, t->pk[0], vals, &found, L->err)) == COVET_OK &&
		found != NULL)
	{
		covet_buf_init(&json, &d->mem);
		if (is_json_number(found, strlen(found)) &&
			(t->kinds[t->pk[0]] == COVET_FX_INT || t->kinds[t->pk[0]] == COVET_FX_NUMERIC))
			covet_buf_append(&json, found);
		else
			covet_json_string(&json, found, strlen(found));
		if (json.failed)
			oom(L);
		else
		{
			L->vals[t->pk[0]] = r->nfields;
			rec_value(L, t->cols[t->pk[0]], strlen(t->cols[t->pk[0]]), json.data, json.len, true);
		}
		covet_buf_free(&json);
	}
	for (k = 0; k < u->ncols; k++)
		covet_buf_free(&texts[k]);
	covet_free(&d->mem, texts);
	covet_free(&d->mem, vals);
	covet_free(&d->mem, found);
	return L->rc;
}

/* --- records into batches ------------------------------------------------------ */

/*
 * Add the record (L->rec, its columns in L->vals) to the table's batch.
 * pk_shown: the pk for messages (NULL: the record's).
 */
static CovetStatus
enqueue(Loader *L, LoadTable *lt, const char *pk_shown)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	CovetFxTable *t = &lt->t;
	CovetStatus rc;
	RecMeta    *m;
	bool		same_shape = true;
	int			i,
				c;

	if ((rc = check_record(L, lt, pk_shown)) != COVET_OK)
		return rc;

	/* a batch holds records of one shape (the same columns) */
	if (lt->nbatch > 0)
		for (c = 0; c < t->ncols; c++)
			if (lt->shape[c] != (L->vals[c] >= 0))
				same_shape = false;
	if (!same_shape && (rc = flush_pending(L, false)) != COVET_OK)
		return rc;
	if (lt->nbatch == 0)
		for (c = 0; c < t->ncols; c++)
			lt->shape[c] = L->vals[c] >= 0;

	if (lt->nbatch == lt->metacap)
	{
		int			cap = lt->metacap ? lt->metacap * 2 : 64;
		RecMeta    *nm = covet_alloc(&d->mem, sizeof(RecMeta) * (size_t) cap);

		if (nm == NULL)
			return oom(L);
		if (lt->nbatch > 0)
			memcpy(nm, lt->meta, sizeof(RecMeta) * (size_t) lt->nbatch);
		covet_free(&d->mem, lt->meta);
		lt->meta = nm;
		lt->metacap = cap;
	}
	m = &lt->meta[lt->nbatch];
	m->pos = r->pos;
	m->line = r->line;
	m->off = lt->batch.len;

	/* the pk as the error message shows it */
	m->pk_off = lt->pkbuf.len;
	if (pk_shown != NULL)
		covet_buf_append(&lt->pkbuf, pk_shown);
	else if (t->npk == 1 && L->vals[t->pk[0]] >= 0)
		covet_buf_append(&lt->pkbuf, REC_VAL(r, L->vals[t->pk[0]]));
	else if (t->npk > 1)
	{
		covet_buf_appendc(&lt->pkbuf, '{');
		for (i = 0; i < t->npk; i++)
		{
			int			v = L->vals[t->pk[i]];

			if (i > 0)
				covet_buf_append(&lt->pkbuf, ", ");
			covet_json_string(&lt->pkbuf, t->cols[t->pk[i]], strlen(t->cols[t->pk[i]]));
			covet_buf_append(&lt->pkbuf, ": ");
			covet_buf_append(&lt->pkbuf, v >= 0 ? REC_VAL(r, v) : "null");
		}
		covet_buf_appendc(&lt->pkbuf, '}');
	}
	else
		covet_buf_append(&lt->pkbuf, "null");
	covet_buf_appendc(&lt->pkbuf, '\0');

	if (L->d->dialect->fixture->batch_lines)
		c = append_line(L, lt);
	else if ((c = nul_column(L, lt)) < 0)
		append_object(L, lt);
	if (c >= 0)
	{
		lt->batch.len = m->off; /* the record is not in the batch */
		record_error(L, COVET_ERR_INVALID, "field \"%s\": the text holds the character U+0000, which the database's text cannot store",
					 lt->label_field != NULL ? lt->label_field : t->cols[c]);
		memcpy(L->err->sqlstate, "22P05", 6);
		return L->rc;
	}
	m->len = lt->batch.len - m->off;
	if (lt->batch.failed || lt->pkbuf.failed)
		return oom(L);
	L->pending_bytes += m->len + 1;
	lt->nbatch++;
	if (lt->nbatch >= BATCH_RECORDS || lt->batch.len >= BATCH_BYTES ||
		L->pending_bytes >= PENDING_BYTES)
		return flush_all(L);
	return COVET_OK;
}

/* --- forward references --------------------------------------------------------- */

static void
deferred_free(CovetDriver *d, Deferred *df)
{
	int			k;

	covet_free(&d->mem, df->field);
	covet_free(&d->mem, df->value);
	covet_free(&d->mem, df->owner);
	for (k = 0; df->key_vals != NULL && k < df->nkey; k++)
		covet_free(&d->mem, df->key_vals[k]);
	covet_free(&d->mem, df->key_vals);
	covet_free(&d->mem, df->key_cols);
	memset(df, 0, sizeof(*df));
}

/* A value (JSON text) that can find a row: a scalar, not null */
static bool
is_key_value(const char *val)
{
	return val[0] != '[' && val[0] != '{' && strcmp(val, "null") != 0;
}

/* The key of cols[0..n) into df: the columns and their values as text */
static CovetStatus
key_set(Loader *L, Deferred *df, const int *cols, int n, char *const *texts)
{
	CovetDriver *d = L->d;
	int			k;

	df->key_cols = covet_alloc(&d->mem, sizeof(int) * (size_t) n);
	df->key_vals = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (n + 1));
	if (df->key_cols == NULL || df->key_vals == NULL)
		return oom(L);
	df->nkey = n;
	for (k = 0; k < n; k++)
	{
		df->key_cols[k] = cols[k];
		if ((df->key_vals[k] = covet_strdup(&d->mem, texts[k])) == NULL)
			return oom(L);
	}
	return COVET_OK;
}

/*
 * The columns that find the current record's row once it is written, into
 * df: its primary key if the record gives it, else the first unique
 * constraint whose columns it gives (not null).  *ok false: none.
 */
static CovetStatus
record_key(Loader *L, LoadTable *lt, Deferred *df, bool *ok)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	const CovetFxTable *t = &lt->t;
	const int  *cols = NULL;
	char	  **texts;
	int			n = 0,
				i,
				k;

	*ok = false;
	for (k = 0; k < t->npk; k++)
		if (L->vals[t->pk[k]] < 0 || !is_key_value(REC_VAL(r, L->vals[t->pk[k]])))
			break;
	if (t->npk > 0 && k == t->npk)
	{
		cols = t->pk;
		n = t->npk;
	}
	else if (links(L, lt) != COVET_OK)
		return L->rc;
	for (i = 0; cols == NULL && i < lt->links.nuniq; i++)
	{
		const CovetFxUnique *u = &lt->links.uniq[i];

		for (k = 0; k < u->ncols; k++)
			if (L->vals[u->cols[k]] < 0 || !is_key_value(REC_VAL(r, L->vals[u->cols[k]])))
				break;
		if (k == u->ncols)
		{
			cols = u->cols;
			n = u->ncols;
		}
	}
	if (cols == NULL)
		return COVET_OK;
	if ((texts = covet_alloc0(&d->mem, sizeof(char *) * (size_t) n)) == NULL)
		return oom(L);
	for (k = 0; k < n && L->rc == COVET_OK; k++)
	{
		const char *val = REC_VAL(r, L->vals[cols[k]]);
		CovetBuf	b;

		covet_buf_init(&b, &d->mem);
		if (val[0] != '"' || !covet_json_unescape(&b, val, strlen(val)))
		{
			covet_buf_reset(&b);
			covet_buf_append(&b, val);
		}
		if (covet_buf_finish(&b, &texts[k], L->err) != COVET_OK)
			oom(L);
	}
	if (L->rc == COVET_OK && key_set(L, df, cols, n, texts) == COVET_OK)
		*ok = true;
	for (k = 0; k < n; k++)
		covet_free(&d->mem, texts[k]);
	covet_free(&d->mem, texts);
	return L->rc;
}

/* A new forward reference of the current record (NULL: out of memory) */
static Deferred *
deferred_new(Loader *L, LoadTable *lt, const char *field, const char *value)
{
	CovetDriver *d = L->d;
	Deferred   *df;

	if (L->ndeferred == L->capdeferred)
	{
		int			cap = L->capdeferred ? L->capdeferred * 2 : 16;
		Deferred   *n = covet_alloc(&d->mem, sizeof(Deferred) * (size_t) cap);

		if (n == NULL)
		{
			oom(L);
			return NULL;
		}
		if (L->ndeferred > 0)
			memcpy(n, L->deferred, sizeof(Deferred) * (size_t) L->ndeferred);
		covet_free(&d->mem, L->deferred);
		L->deferred = n;
		L->capdeferred = cap;
	}
	df = &L->deferred[L->ndeferred++];
	memset(df, 0, sizeof(*df));
	df->pos = L->rec.pos;
	df->line = L->rec.line;
	df->lt = lt;
	df->col = -1;
	df->m2m = -1;
	df->field = covet_strdup(&d->mem, field);
	df->value = covet_strdup(&d->mem, value);
	if (df->field == NULL || df->value == NULL)
	{
		oom(L);
		return NULL;
	}
	return df;
}

/*
 * A forward reference of a record that has no key to find its row by later
 * fails now: the natural key's own error (its lookup once more).
 */
static CovetStatus
reference_error(Loader *L, LoadTable *lt, const FieldNote *fn)
{
	CovetJson  *key = NULL;
	CovetError	e;
	CovetBuf	out;
	const CovetFxFk *fk = covet_fx_fk_of(&lt->links, fn->col);

	if (fk == NULL || covet_json_parse(&L->d->mem, L->rec.arena.data + fn->off, &key, &e) != COVET_OK)
		return oom(L);
	covet_buf_init(&out, &L->d->mem);
	natural_key(L, fk, REC_NAME(&L->rec, fn->field), key, &out, NULL);
	covet_buf_free(&out);
	covet_json_free(&L->d->mem, key);
	return L->rc;
}

/*
 * The record's foreign keys whose natural key named no row (L->fwd), after
 * the record joined its batch (null there): each resolved at the end.
 */
static CovetStatus
defer_fks(Loader *L, LoadTable *lt)
{
	Rec		   *r = &L->rec;
	int			k;

	for (k = 0; k < L->fwd.n && L->rc == COVET_OK; k++)
	{
		const FieldNote *fn = &L->fwd.v[k];
		Deferred   *df = deferred_new(L, lt, REC_NAME(r, fn->field), r->arena.data + fn->off);
		bool		ok;

		if (df == NULL)
			break;
		df->col = fn->col;
		if (record_key(L, lt, df, &ok) != COVET_OK)
			break;
		if (!ok)
		{
			deferred_free(L->d, df);
			L->ndeferred--;
			reference_error(L, lt, fn);
		}
	}
	return L->rc;
}

/*
 * The owner's pk (JSON) of a record written without one: its row found by
 * key (record_key), the record's batch written first.
 */
static CovetStatus
owner_pk(Loader *L, LoadTable *lt, const Deferred *key, const char *field, CovetBuf *out)
{
	CovetDriver *d = L->d;
	const CovetFxTable *t = &lt->t;
	CovetFxUnique u = {0};
	char	   *found = NULL;

	if (t->npk != 1 || key->nkey == 0)
		return record_error(L, COVET_ERR_INVALID, "many-to-many field \"%s\" needs the record's \"pk\"", field);
	if (lt->nbatch > 0 && flush_pending(L, false) != COVET_OK)
		return L->rc;
	u.ncols = key->nkey;
	u.cols = key->key_cols;
	if ((L->rc = covet_fx_natural_find(d, t, &u, t->pk[0], (const char *const *) key->key_vals,
									   &found, L->err)) != COVET_OK)
		return L->rc;
	if (found == NULL)
		return record_error(L, COVET_ERR_INVALID, "many-to-many field \"%s\" needs the record's \"pk\"", field);
	covet_buf_reset(out);
	if (is_json_number(found, strlen(found)) &&
		(t->kinds[t->pk[0]] == COVET_FX_INT || t->kinds[t->pk[0]] == COVET_FX_NUMERIC))
		covet_buf_append(out, found);
	else
		covet_json_string(out, found, strlen(found));
	covet_buf_append(out, "");
	covet_free(&d->mem, found);
	return out->failed ? oom(L) : COVET_OK;
}

/*
 * The rows of many-to-many field mi of lt for a list (JSON text).  owner:
 * the owner's pk as JSON, or empty when the record has none (then key
 * finds its row).  A natural key that names no row yet defers the whole
 * field (Django's loaddata does) unless at_end; otherwise it is an error.
 */
static CovetStatus
m2m_rows(Loader *L, LoadTable *lt, int mi, CovetBuf *owner, const Deferred *key,
		 const char *list_text, bool at_end)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	M2m		   *m = &lt->m2ms[mi];
	CovetJson  *list = NULL;
	CovetError	err2;
	const CovetFxFk *tfk;
	CovetBuf	v;
	size_t	   *offs = NULL;
	bool		missing = false;
	int			e;

	if (covet_json_parse(&d->mem, list_text, &list, &err2) != COVET_OK)
	{
		if (err2.code == COVET_ERR_NOMEM)
			return oom(L);
		return record_error(L, COVET_ERR_INVALID, "field \"%s\": invalid list", m->field);
	}
	covet_buf_init(&v, &d->mem);
	tfk = links(L, m->table) == COVET_OK ? covet_fx_fk_of(&m->table->links, m->target_col) : NULL;
	if (L->rc == COVET_OK && (offs = covet_alloc(&d->mem, sizeof(size_t) * (size_t) (list->n + 1))) == NULL)
		oom(L);
	/* the targets first: the whole field waits if one is not there yet */
	for (e = 0; e < list->n && L->rc == COVET_OK && !missing; e++)
	{
		const CovetJson *item = list->items[e];

		offs[e] = v.len;
		if (item->type == COVET_JSON_ARRAY && tfk != NULL)
			natural_key(L, tfk, m->field, item, &v, at_end ? NULL : &missing);
		else
			json_text(&v, item);
		covet_buf_appendc(&v, '\0');
		if (v.failed)
			oom(L);
	}
	if (L->rc == COVET_OK && missing)
	{
		Deferred   *df = deferred_new(L, lt, m->field, list_text);

		if (df != NULL)
		{
			df->m2m = mi;
			if (owner->len > 0 && (df->owner = covet_strdup(&d->mem, owner->data)) == NULL)
				oom(L);
			else if (owner->len == 0 && key->nkey == 0)
				record_error(L, COVET_ERR_INVALID, "many-to-many field \"%s\" needs the record's \"pk\"", m->field);
			else if (owner->len == 0)
				key_set(L, df, key->key_cols, key->nkey, key->key_vals);
		}
		goto done;
	}
	if (L->rc == COVET_OK && list->n > 0 && owner->len == 0)
		owner_pk(L, lt, key, m->field, owner);
	for (e = 0; e < list->n && L->rc == COVET_OK; e++)
	{
		const char *val = v.data + offs[e];

		if (vals_reset(L, m->table->t.ncols) != COVET_OK)
			break;
		L->vals[m->owner_col] = r->nfields;
		if (rec_value(L, m->table->t.cols[m->owner_col], strlen(m->table->t.cols[m->owner_col]),
					  owner->data, strlen(owner->data), false) != COVET_OK)
			break;
		L->vals[m->target_col] = r->nfields;
		if (rec_value(L, m->table->t.cols[m->target_col], strlen(m->table->t.cols[m->target_col]),
					  val, strlen(val), false) != COVET_OK)
			break;
		enqueue(L, m->table, owner->data);
	}
done:
	covet_free(&d->mem, offs);
	covet_buf_free(&v);
	covet_json_free(&d->mem, list);
	return L->rc;
}

/* The rows of the record's many-to-many fields, after the record itself. */
static CovetStatus
enqueue_m2m(Loader *L, LoadTable *lt)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	CovetBuf	owner;
	Deferred	key;
	char	  **lists;
	int			pkv = lt->t.npk == 1 ? L->vals[lt->t.pk[0]] : -1;
	int			k;

	memset(&key, 0, sizeof(key));
	covet_buf_init(&owner, &d->mem);
	if (pkv >= 0 && strcmp(REC_VAL(r, pkv), "null") != 0)
		covet_buf_append(&owner, REC_VAL(r, pkv));
	covet_buf_append(&owner, "");
	if (owner.failed)
		return oom(L);
	if (owner.len == 0)
	{
		bool		ok;

		/* no pk: the row's key, read before L->vals holds the rows' */
		if (record_key(L, lt, &key, &ok) != COVET_OK)
		{
			deferred_free(d, &key);
			covet_buf_free(&owner);
			return L->rc;
		}
	}
	/* the lists, copied: the rows' values go to the record's arena */
	if ((lists = covet_alloc0(&d->mem, sizeof(char *) * (size_t) L->nm2m_fields)) == NULL)
		oom(L);
	for (k = 0; k < L->nm2m_fields && L->rc == COVET_OK; k++)
		if ((lists[k] = covet_strdup(&d->mem, REC_VAL(r, L->m2m_fields[2 * k]))) == NULL)
			oom(L);
	for (k = 0; k < L->nm2m_fields && L->rc == COVET_OK; k++)
		m2m_rows(L, lt, L->m2m_fields[2 * k + 1], &owner, &key, lists[k], false);
	for (k = 0; lists != NULL && k < L->nm2m_fields; k++)
		covet_free(&d->mem, lists[k]);
	covet_free(&d->mem, lists);
	deferred_free(d, &key);
	covet_buf_free(&owner);
	return L->rc;
}

/*
 * The forward references, after the last batch, in the order of their
 * records: a foreign key is set on its row,
 *
 *     UPDATE t SET fk = (SELECT ref FROM target WHERE ref = $1) WHERE key = $2
 *
 * and a many-to-many field's rows join their batch, written at the end.
 * A natural key that still names no row fails the load, naming its record.
 */
static CovetStatus
resolve_one_fk(Loader *L, Deferred *df)
{
	CovetDriver *d = L->d;
	const CovetDialect *dl = d->dialect;
	LoadTable  *lt = df->lt;
	const CovetFxFk *fk = covet_fx_fk_of(&lt->links, df->col);
	LoadTable  *target;
	CovetJson  *key = NULL;
	CovetError	e;
	CovetBuf	out,
				found,
				b;
	const char **params = NULL;
	char	   *sql = NULL;
	char		param[16];
	int			ref,
				k;

	if (fk == NULL || get_table(L, fk->target, &target) != COVET_OK)
		return L->rc != COVET_OK ? L->rc : oom(L);
	if (covet_json_parse(&d->mem, df->value, &key, &e) != COVET_OK)
		return oom(L);
	covet_buf_init(&out, &d->mem);
	covet_buf_init(&found, &d->mem);
	covet_buf_init(&b, &d->mem);
	if (natural_key(L, fk, df->field, key, &out, NULL) != COVET_OK)
		goto done;
	covet_buf_append(&out, "");
	if (out.data[0] != '"' || !covet_json_unescape(&found, out.data, out.len))
	{
		covet_buf_reset(&found);
		covet_buf_append(&found, out.data);
	}
	covet_buf_append(&found, "");
	ref = fk->ref != NULL ? covet_fx_column(&target->t, fk->ref, strlen(fk->ref)) : target->t.pk[0];
	covet_buf_appendf(&b, "UPDATE %s SET ", lt->t.sql_name);
	covet_quote_ident(&b, lt->t.cols[df->col]);
	covet_buf_append(&b, " = (SELECT ");
	covet_quote_ident(&b, target->t.cols[ref]);
	covet_buf_appendf(&b, " FROM %s WHERE ", target->t.sql_name);
	snprintf(param, sizeof(param), "%s1", dl->param_prefix);
	covet_fx_expand(&b, dl, dl->fixture->key_eq, target->t.cols[ref], target->t.sql_name, param,
					target->t.sql_types[ref], NULL);
	covet_buf_append(&b, ") WHERE ");
	for (k = 0; k < df->nkey; k++)
	{
		if (k > 0)
			covet_buf_append(&b, " AND ");
		snprintf(param, sizeof(param), "%s%d", dl->param_prefix, k + 2);
		covet_fx_expand(&b, dl, dl->fixture->key_eq, lt->t.cols[df->key_cols[k]], lt->t.sql_name,
						param, lt->t.sql_types[df->key_cols[k]], NULL);
	}
	if (L->on_conflict == COVET_CONFLICT_IGNORE)
	{
		/* a row that was there before keeps its value */
		covet_buf_append(&b, " AND ");
		covet_quote_ident(&b, lt->t.cols[df->col]);
		covet_buf_append(&b, " IS NULL");
	}
	if ((params = covet_alloc(&d->mem, sizeof(char *) * (size_t) (df->nkey + 1))) == NULL ||
		found.failed || covet_buf_finish(&b, &sql, L->err) != COVET_OK)
	{
		oom(L);
		goto done;
	}
	params[0] = found.data;
	for (k = 0; k < df->nkey; k++)
		params[k + 1] = df->key_vals[k];
	if ((L->rc = d->query(d->ctx, sql, df->nkey + 1, params, NULL, L->err)) != COVET_OK)
		covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", field \"%s\"): ",
						   (long long) df->pos, (long long) df->line, lt->name, df->field);
done:
	covet_free(&d->mem, sql);
	covet_free(&d->mem, params);
	covet_buf_free(&b);
	covet_buf_free(&found);
	covet_buf_free(&out);
	covet_json_free(&d->mem, key);
	return L->rc;
}

static CovetStatus
resolve_deferred(Loader *L)
{
	Rec		   *r = &L->rec;
	CovetBuf	owner;
	int			i;

	if (L->ndeferred == 0)
		return COVET_OK;
	if (flush_all(L) != COVET_OK)
		return L->rc;
	covet_buf_init(&owner, &L->d->mem);
	for (i = 0; i < L->ndeferred && L->rc == COVET_OK; i++)
	{
		Deferred   *df = &L->deferred[i];

		/* messages name the record; the rows' values use its arena */
		r->pos = df->pos;
		r->line = df->line;
		r->nfields = 0;
		covet_buf_reset(&r->arena);
		if (df->col >= 0)
		{
			resolve_one_fk(L, df);
			continue;
		}
		covet_buf_reset(&owner);
		if (df->owner != NULL)
			covet_buf_append(&owner, df->owner);
		covet_buf_append(&owner, "");
		if (owner.failed)
			oom(L);
		else
			m2m_rows(L, df->lt, df->m2m, &owner, df, df->value, true);
	}
	covet_buf_free(&owner);
	if (L->rc == COVET_OK)
		flush_all(L);
	return L->rc;
}

/* Remember field i of the record as many-to-many field m of its table. */
static CovetStatus
note_m2m(Loader *L, int i, int m)
{
	if (L->nm2m_fields == L->capm2m_fields)
	{
		int			cap = L->capm2m_fields ? L->capm2m_fields * 2 : 8;
		int		   *n = covet_alloc(&L->d->mem, sizeof(int) * 2 * (size_t) cap);

		if (n == NULL)
			return oom(L);
		if (L->nm2m_fields > 0)
			memcpy(n, L->m2m_fields, sizeof(int) * 2 * (size_t) L->nm2m_fields);
		covet_free(&L->d->mem, L->m2m_fields);
		L->m2m_fields = n;
		L->capm2m_fields = cap;
	}
	L->m2m_fields[2 * L->nm2m_fields] = i;
	L->m2m_fields[2 * L->nm2m_fields + 1] = m;
	L->nm2m_fields++;
	return COVET_OK;
}

/* The record is complete: check it and add it to its table's batch. */
static CovetStatus
rec_end(Loader *L)
{
	Rec		   *r = &L->rec;
	LoadTable  *lt;
	CovetFxTable *t;
	CovetStatus rc;
	int			nfields = r->nfields;
	int			i,
				c;

	if (L->rc != COVET_OK)
		return L->rc;
	if (L->find != NULL)
		return find_record(L);
	if (!r->has_model)
		return record_error(L, COVET_ERR_PARSE, "no \"model\"");
	covet_buf_append(&r->model, "");
	if (r->model.failed)
		return oom(L);
	rc = get_table(L, r->model.data, &lt);
	if (rc == COVET_ERR_NOT_FOUND && L->ignore_unknown)
	{
		L->skipped_records++;	/* as Django's --ignorenonexistent */
		return COVET_OK;
	}
	if (rc == COVET_ERR_NOT_FOUND)
		return unknown_model(L, r->model.data);
	if (rc != COVET_OK)
		return rc;
	t = &lt->t;
	if (L->on_conflict != COVET_CONFLICT_ERROR && t->npk == 0)
		return record_error(L, COVET_ERR_STATE, "on_conflict %s needs a primary key, and table \"%s\" has none",
							L->on_conflict == COVET_CONFLICT_IGNORE ? "ignore" : "update", t->model);

	/* which column each value is */
	if (vals_reset(L, t->ncols) != COVET_OK)
		return L->rc;
	L->nm2m_fields = 0;
	L->fwd.n = 0;
	for (i = 0; i < nfields; i++)
	{
		const char *name = REC_NAME(r, i);
		const char *val = REC_VAL(r, i);

		if (r->is_pk[i] && name[0] == '\0')
		{
			/* "pk": value */
			if (strcmp(val, "null") == 0)
				continue;
			if (t->npk == 0)
				return record_error(L, COVET_ERR_INVALID, "model \"%s\" has no primary key, but the record has a \"pk\"", lt->name);
			if (t->npk > 1)
				return record_error(L, COVET_ERR_INVALID, "the primary key of model \"%s\" has %d columns: \"pk\" must be an object", lt->name, t->npk);
			c = t->pk[0];
		}
		else
		{
			c = covet_fx_column(t, name, strlen(name));
			if (c < 0 && !r->is_pk[i])
			{
				int			m2m;

				if (django_field(L, lt, name, val[0] == '[', &c, &m2m) != COVET_OK)
					return L->rc;
				if (m2m >= 0)
				{
					if (note_m2m(L, i, m2m) != COVET_OK)
						return L->rc;
					continue;
				}
				if (c < 0)
				{
					bool		inherited;

					if (inherited_field(L, lt, name, &inherited) != COVET_OK)
						return L->rc;
					if (inherited)
						continue;
				}
				if (c < 0 && L->ignore_unknown)
				{
					L->skipped_fields++;
					continue;
				}
				name = REC_NAME(r, i);
				val = REC_VAL(r, i);
			}
			if (c < 0)
			{
				record_error(L, COVET_ERR_NOT_FOUND, "unknown field \"%s\" of model \"%s\"", name, lt->name);
				memcpy(L->err->sqlstate, "42703", 6);
				return L->rc;
			}
			if (r->is_pk[i] && !t->is_pk[c])
				return record_error(L, COVET_ERR_INVALID, "\"%s\" in \"pk\" is not a primary key column of model \"%s\"", name, lt->name);
		}
		if (L->vals[c] >= 0)
			return record_error(L, COVET_ERR_INVALID, "field \"%s\" given twice", t->cols[c]);
		L->vals[c] = i;
		if (t->kinds[c] == COVET_FX_BLOB && val[0] == '"')
		{
			bool		nomem;

			if (!base64_ok(L, val, &nomem))
			{
				if (nomem)
					return oom(L);
				record_error(L, COVET_ERR_INVALID, "field \"%s\": invalid base64 for a %s column", t->cols[c], t->types[c]);
				memcpy(L->err->sqlstate, "22P02", 6);
				return L->rc;
			}
		}
		if (val[0] == '[' && t->kinds[c] != COVET_FX_JSON && t->kinds[c] != COVET_FX_ARRAY &&
			natural_field(L, lt, c, i) != COVET_OK)
			return L->rc;
	}
	if (t->npk == 1 && L->vals[t->pk[0]] < 0 && nfields > 0 && natural_pk(L, lt) != COVET_OK)
		return L->rc;
	if (enqueue(L, lt, NULL) != COVET_OK)
		return L->rc;
	if (L->fwd.n > 0 && defer_fks(L, lt) != COVET_OK)
		return L->rc;
	if (L->nm2m_fields > 0)
		return enqueue_m2m(L, lt);
	return COVET_OK;
}

/* --- the input: text in memory, or a file read in chunks ------------------ */

#define CHUNK_BYTES (1024 * 1024)

typedef struct Source
{
	Loader	   *L;
	const char *path;			/* a file read through read_chunk, or NULL */
	int64_t		offset;			/* in the file, of the next chunk */
	char	   *buf;			/* the file's current chunk */
	const char *data;			/* the current chunk */
	size_t		len;
	size_t		off;			/* what is read of it */
	bool		eof;			/* no chunk after this one */
	bool		at_line_start;
} Source;

static void
src_init_text(Source *s, Loader *L, const char *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->L = L;
	s->data = data;
	s->len = len;
	s->eof = true;
	s->at_line_start = true;
}

static void
src_init_file(Source *s, Loader *L, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->L = L;
	s->path = path;
	s->at_line_start = true;
}

/* The next chunk, when this one is read; false at the end or on an error */
static bool
src_fill(Source *s)
{
	Loader	   *L = s->L;
	CovetDriver *d = L->d;
	size_t		got = 0;

	while (s->off == s->len)
	{
		if (s->eof || L->rc != COVET_OK)
			return false;
		if (s->buf == NULL && (s->buf = covet_alloc(&d->mem, CHUNK_BYTES)) == NULL)
			return oom(L), false;
		if ((L->rc = d->read_chunk(d->ctx, s->path, s->offset, s->buf, CHUNK_BYTES, &got,
								   L->err)) != COVET_OK)
			return false;
		if (d->check_interrupts != NULL &&
			(L->rc = d->check_interrupts(d->ctx, L->err)) != COVET_OK)
			return false;
		s->data = s->buf;
		s->len = got;
		s->off = 0;
		s->offset += (int64_t) got;
		if (got == 0)
			s->eof = true;
	}
	return true;
}

/*
 * The next piece of input: up to and including a newline, or to the end of
 * a chunk.  *new_line: the piece starts a line.  false at the end.
 */
static bool
src_piece(Source *s, const char **piece, size_t *n, bool *new_line)
{
	const char *nl;

	if (s->off == s->len && !src_fill(s))
		return false;
	nl = memchr(s->data + s->off, '\n', s->len - s->off);
	*piece = s->data + s->off;
	*n = nl ? (size_t) (nl - (s->data + s->off)) + 1 : s->len - s->off;
	*new_line = s->at_line_start;
	s->at_line_start = nl != NULL;
	s->off += *n;
	return true;
}

/* libyaml's read handler: 1 with *size_read (0 at the end), 0 on an error */
static int
src_yaml_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	Source	   *s = data;
	size_t		n;

	*size_read = 0;
	if (s->off == s->len && !src_fill(s))
		return s->L->rc == COVET_OK;
	n = s->len - s->off < size ? s->len - s->off : size;
	memcpy(buffer, s->data + s->off, n);
	s->off += n;
	*size_read = n;
	return 1;
}

static void
src_free(Source *s)
{
	covet_free(&s->L->d->mem, s->buf);
	s->buf = NULL;
}

/* --- JSON (yajl) ------------------------------------------------------------- */

typedef enum JState
{
	J_TOP,						/* before the array */
	J_ARRAY,					/* between records */
	J_RECORD,					/* a record's keys */
	J_MODEL,					/* the value of "model" */
	J_PK,						/* the value of "pk" */
	J_PK_OBJECT,				/* members of a composite pk */
	J_FIELDS_START,				/* the value of "fields" */
	J_FIELDS,					/* field names and values */
	J_CAPTURE,					/* inside a field's object or array */
	J_DONE
} JState;

typedef struct JParser
{
	Loader	   *L;
	JState		state;
	JState		capture_return;
	bool		capture_pk;
	int64_t		line;
	CovetBuf	key;			/* the current field or pk member */
	CovetBuf	cap;			/* JSON text of a captured value */
	int			depth;
	bool		need_comma[MAX_DEPTH];
	bool		after_key;
} JParser;

static int
j_fail(JParser *p, const char *fmt, const char *arg)
{
	char		what[300];

	snprintf(what, sizeof(what), fmt, arg);
	syntax_error(p->L, p->line, what);
	return 0;
}

/* A scalar value: JSON text in text/len. */
static int
j_scalar(JParser *p, const char *text, size_t len, bool is_string, const char *raw, size_t rawlen)
{
	Loader	   *L = p->L;

	switch (p->state)
	{
		case J_TOP:
			return j_fail(p, "%s", "a JSON fixture is an array of records");
		case J_ARRAY:
			rec_position(L, p->line);
			return record_error(L, COVET_ERR_PARSE, "a record is an object with \"model\", \"pk\" and \"fields\""), 0;
		case J_MODEL:
			if (!is_string)
				return record_error(L, COVET_ERR_PARSE, "\"model\" must be a string"), 0;
			p->state = J_RECORD;
			return rec_model(L, raw, rawlen) == COVET_OK;
		case J_PK:
			p->state = J_RECORD;
			return rec_value(L, NULL, 0, text, len, true) == COVET_OK;
		case J_PK_OBJECT:
			return rec_value(L, p->key.data, p->key.len, text, len, true) == COVET_OK;
		case J_FIELDS_START:
			return record_error(L, COVET_ERR_PARSE, "\"fields\" must be an object"), 0;
		case J_FIELDS:
			return rec_value(L, p->key.data, p->key.len, text, len, false) == COVET_OK;
		case J_CAPTURE:
			if (p->need_comma[p->depth] && !p->after_key)
				covet_buf_appendc(&p->cap, ',');
			p->need_comma[p->depth] = true;
			p->after_key = false;
			covet_buf_appendn(&p->cap, text, len);
			return 1;
		case J_RECORD:
		case J_DONE:
			break;
	}
	return j_fail(p, "%s", "unexpected value");
}

static int
j_null(void *ctx)
{
	return j_scalar(ctx, "null", 4, false, NULL, 0);
}

static int
j_bool(void *ctx, int v)
{
	return j_scalar(ctx, v ? "true" : "false", v ? 4 : 5, false, NULL, 0);
}

static int
j_number(void *ctx, const char *s, size_t len)
{
	return j_scalar(ctx, s, len, false, NULL, 0);
}

static int
j_string(void *ctx, const unsigned char *s, size_t len)
{
	JParser    *p = ctx;

	covet_buf_reset(&p->L->tmp);
	covet_json_string(&p->L->tmp, (const char *) s, len);
	if (p->L->tmp.failed)
		return oom(p->L), 0;
	/* tmp is reused by checks below rec_value: copy first */
	return j_scalar(p, p->L->tmp.data, p->L->tmp.len, true, (const char *) s, len);
}

/* A value nested inside a captured field: a comma before it if needed. */
static int
capture_nest(JParser *p)
{
	if (p->need_comma[p->depth] && !p->after_key)
		covet_buf_appendc(&p->cap, ',');
	p->need_comma[p->depth] = true;
	if (++p->depth >= MAX_DEPTH)
		return j_fail(p, "%s", "values nested too deeply");
	return 1;
}

static int
j_start_map(void *ctx)
{
	JParser    *p = ctx;

	switch (p->state)
	{
		case J_TOP:
			return j_fail(p, "%s", "a JSON fixture is an array of records");
		case J_ARRAY:
			rec_begin(p->L, p->line);
			p->state = J_RECORD;
			return 1;
		case J_MODEL:
			return record_error(p->L, COVET_ERR_PARSE, "\"model\" must be a string"), 0;
		case J_PK:
			p->state = J_PK_OBJECT;
			return 1;
		case J_FIELDS_START:
			p->state = J_FIELDS;
			return 1;
		case J_PK_OBJECT:
			return record_error(p->L, COVET_ERR_PARSE, "a \"pk\" member must be a scalar"), 0;
		case J_FIELDS:
			p->state = J_CAPTURE;
			p->depth = 0;
			p->after_key = false;
			covet_buf_reset(&p->cap);
			break;
		case J_CAPTURE:
			if (!capture_nest(p))
				return 0;
			break;
		default:
			return j_fail(p, "%s", "unexpected object");
	}
	covet_buf_appendc(&p->cap, '{');
	p->need_comma[p->depth] = false;
	p->after_key = false;
	return 1;
}

static int
j_start_array(void *ctx)
{
	JParser    *p = ctx;

	switch (p->state)
	{
		case J_TOP:
			p->state = J_ARRAY;
			return 1;
		case J_ARRAY:
			rec_position(p->L, p->line);
			return record_error(p->L, COVET_ERR_PARSE, "a record is an object with \"model\", \"pk\" and \"fields\""), 0;
		case J_MODEL:
			return record_error(p->L, COVET_ERR_PARSE, "\"model\" must be a string"), 0;
		case J_PK:
		case J_PK_OBJECT:
			return record_error(p->L, COVET_ERR_PARSE, "\"pk\" must be a scalar, or an object for a composite key"), 0;
		case J_FIELDS_START:
			return record_error(p->L, COVET_ERR_PARSE, "\"fields\" must be an object"), 0;
		case J_FIELDS:
			p->state = J_CAPTURE;
			p->depth = 0;
			covet_buf_reset(&p->cap);
			break;
		case J_CAPTURE:
			if (!capture_nest(p))
				return 0;
			break;
		default:
			return j_fail(p, "%s", "unexpected array");
	}
	covet_buf_appendc(&p->cap, '[');
	p->need_comma[p->depth] = false;
	p->after_key = false;
	return 1;
}

static int
j_end_container(JParser *p, char close)
{
	covet_buf_appendc(&p->cap, close);
	p->after_key = false;
	if (p->depth > 0)
	{
		p->depth--;
		return 1;
	}
	p->state = J_FIELDS;
	covet_buf_append(&p->cap, "");
	if (p->cap.failed)
		return oom(p->L), 0;
	return rec_value(p->L, p->key.data, p->key.len, p->cap.data, p->cap.len, false) == COVET_OK;
}

static int
j_map_key(void *ctx, const unsigned char *s, size_t len)
{
	JParser    *p = ctx;

	switch (p->state)
	{
		case J_RECORD:
			if (len == 5 && memcmp(s, "model", 5) == 0)
				p->state = J_MODEL;
			else if (len == 2 && memcmp(s, "pk", 2) == 0)
				p->state = J_PK;
			else if (len == 6 && memcmp(s, "fields", 6) == 0)
				p->state = J_FIELDS_START;
			else if (memchr(s, '\0', len) != NULL)
				return nul_error(p->L, "a key of the record contains U+0000"), 0;
			else
				return record_error(p->L, COVET_ERR_PARSE, "unknown key \"%.*s\" (a record has \"model\", \"pk\" and \"fields\")",
									(int) (len > 60 ? 60 : len), (const char *) s), 0;
			return 1;
		case J_PK_OBJECT:
		case J_FIELDS:
			covet_buf_reset(&p->key);
			covet_buf_appendn(&p->key, (const char *) s, len);
			covet_buf_append(&p->key, "");
			return p->key.failed ? (oom(p->L), 0) : 1;
		case J_CAPTURE:
			if (p->need_comma[p->depth])
				covet_buf_appendc(&p->cap, ',');
			p->need_comma[p->depth] = true;
			covet_json_string(&p->cap, (const char *) s, len);
			covet_buf_appendc(&p->cap, ':');
			p->after_key = true;
			return 1;
		default:
			return j_fail(p, "%s", "unexpected key");
	}
}

static int
j_end_map(void *ctx)
{
	JParser    *p = ctx;

	switch (p->state)
	{
		case J_RECORD:
			p->state = J_ARRAY;
			return rec_end(p->L) == COVET_OK;
		case J_PK_OBJECT:
		case J_FIELDS:
			p->state = J_RECORD;
			return 1;
		case J_CAPTURE:
			return j_end_container(p, '}');
		default:
			return j_fail(p, "%s", "unexpected end of object");
	}
}

static int
j_end_array(void *ctx)
{
	JParser    *p = ctx;

	switch (p->state)
	{
		case J_ARRAY:
			p->state = J_DONE;
			return 1;
		case J_CAPTURE:
			return j_end_container(p, ']');
		default:
			return j_fail(p, "%s", "unexpected end of array");
	}
}

static const yajl_callbacks json_callbacks = {
	j_null, j_bool, NULL, NULL, j_number, j_string,
	j_start_map, j_map_key, j_end_map, j_start_array, j_end_array
};

static void
yajl_message(JParser *p, yajl_handle h, const unsigned char *text, size_t len)
{
	unsigned char *msg = yajl_get_error(h, 0, text, len);
	char		buf[300];
	size_t		n;

	snprintf(buf, sizeof(buf), "%s", msg ? (const char *) msg : "syntax error");
	if (msg != NULL)
		yajl_free_error(h, msg);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	syntax_error(p->L, p->line, buf);
}

typedef struct JInput
{
	JParser    *p;
	Source	   *src;
} JInput;

/* The parse, inside covet_yajl_run: all its state is in *in. */
static void
json_body(yajl_handle h, void *arg)
{
	JInput	   *in = arg;
	JParser    *p = in->p;
	Loader	   *L = p->L;
	const char *piece;
	size_t		n;
	bool		new_line;

	/* line by line, so that callbacks and errors know their line */
	while (L->rc == COVET_OK && src_piece(in->src, &piece, &n, &new_line))
	{
		if (new_line)
			p->line++;
		if (yajl_parse(h, (const unsigned char *) piece, n) != yajl_status_ok)
		{
			if (L->rc == COVET_OK)
				yajl_message(p, h, (const unsigned char *) piece, n);
			return;
		}
	}
	if (L->rc != COVET_OK)
		return;
	if (p->line == 0)
		p->line = 1;
	if (L->rc == COVET_OK && yajl_complete_parse(h) != yajl_status_ok && L->rc == COVET_OK)
		yajl_message(p, h, NULL, 0);
}

static CovetStatus
parse_json(Loader *L, Source *src)
{
	JParser		p;
	JInput		in;
	CovetError	nomem;

	memset(&p, 0, sizeof(p));
	p.L = L;
	p.state = J_TOP;
	covet_buf_init(&p.key, &L->d->mem);
	covet_buf_init(&p.cap, &L->d->mem);
	in.p = &p;
	in.src = src;
	if (covet_yajl_run(&L->d->mem, &json_callbacks, &p, json_body, &in, &nomem) != COVET_OK)
		oom(L);
	if (p.line == 0)
		p.line = 1;
	if (L->rc == COVET_OK && p.state != J_DONE)
		syntax_error(L, p.line, "unexpected end of input");
	covet_buf_free(&p.key);
	covet_buf_free(&p.cap);
	return L->rc;
}

/* --- YAML (libyaml) ---------------------------------------------------------- */

typedef struct YParser
{
	Loader	   *L;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool		have_event;
} YParser;

static CovetStatus
y_next(YParser *y)
{
	if (y->have_event)
		yaml_event_delete(&y->ev);
	y->have_event = false;
	if (!yaml_parser_parse(&y->parser, &y->ev))
	{
		char		what[300];

		/*
		 * libyaml (0.2.5) fails without naming an error where some of its
		 * allocations fail (yaml_parser_scan_tag): that is out of memory too.
		 */
		if (y->parser.error == YAML_MEMORY_ERROR || y->parser.error == YAML_NO_ERROR)
			return oom(y->L);

		snprintf(what, sizeof(what), "%s%s%s",
				 y->parser.problem ? y->parser.problem : "syntax error",
				 y->parser.context ? " " : "", y->parser.context ? y->parser.context : "");
		return syntax_error(y->L, (int64_t) y->parser.problem_mark.line + 1, what);
	}
	y->have_event = true;
	return COVET_OK;
}

static int64_t
y_line(YParser *y)
{
	return (int64_t) y->ev.start_mark.line + 1;
}

static bool
is_json_number(const char *s, size_t len)
{
	size_t		i = 0;

	if (i < len && s[i] == '-')
		i++;
	if (i >= len)
		return false;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < len && s[i] == '.')
	{
		i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == len;
}

static bool
one_of(const char *s, size_t len, const char *const *words)
{
	int			i;

	for (i = 0; words[i] != NULL; i++)
		if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0)
			return true;
	return false;
}

/* A scalar event as JSON text, by YAML 1.2's core schema for plain ones. */
static void
y_scalar_json(CovetBuf *out, const yaml_event_t *ev)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"true", "True", "TRUE", NULL};
	static const char *const falses[] = {"false", "False", "FALSE", NULL};
	static const char *const pinf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
	static const char *const ninf[] = {"-.inf", "-.Inf", "-.INF", NULL};
	const char *s = (const char *) ev->data.scalar.value;
	size_t		len = ev->data.scalar.length;
	const char *tag = (const char *) ev->data.scalar.tag;

	if (tag != NULL && strcmp(tag, YAML_STR_TAG) != 0 && strcmp(tag, "tag:yaml.org,2002:binary") != 0 &&
		strcmp(tag, YAML_NULL_TAG) != 0 && strcmp(tag, YAML_BOOL_TAG) != 0 &&
		strcmp(tag, YAML_INT_TAG) != 0 && strcmp(tag, YAML_FLOAT_TAG) != 0)
		tag = NULL;
	if ((tag != NULL && strcmp(tag, YAML_STR_TAG) == 0) ||
		(tag == NULL && ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE))
	{
		covet_json_string(out, s, len);
		return;
	}
	if (tag != NULL && strcmp(tag, "tag:yaml.org,2002:binary") == 0)
	{
		/* base64 as written, without the line breaks */
		CovetBuf	b64;
		size_t		i;

		covet_buf_init(&b64, out->mem);
		for (i = 0; i < len; i++)
			if (s[i] != '\n' && s[i] != ' ' && s[i] != '\r' && s[i] != '\t')
				covet_buf_appendc(&b64, s[i]);
		covet_buf_append(&b64, "");
		if (b64.failed)
			out->failed = true;
		else
			covet_json_string(out, b64.data, b64.len);
		covet_buf_free(&b64);
		return;
	}
	if (one_of(s, len, nulls))
		covet_buf_append(out, "null");
	else if (one_of(s, len, trues))
		covet_buf_append(out, "true");
	else if (one_of(s, len, falses))
		covet_buf_append(out, "false");
	else if (is_json_number(s, len))
		covet_buf_appendn(out, s, len);
	else if (len > 1 && s[0] == '+' && is_json_number(s + 1, len - 1))
		covet_buf_appendn(out, s + 1, len - 1);
	else if (one_of(s, len, pinf))
		covet_buf_append(out, "1e999");
	else if (one_of(s, len, ninf))
		covet_buf_append(out, "-1e999");
	else
		covet_json_string(out, s, len);
}

/* The current event's value (scalar, mapping or sequence) as JSON text. */
static CovetStatus
y_value_json(YParser *y, CovetBuf *out, int depth)
{
	Loader	   *L = y->L;
	bool		first = true;

	if (depth >= MAX_DEPTH)
		return syntax_error(L, y_line(y), "values nested too deeply");
	switch (y->ev.type)
	{
		case YAML_SCALAR_EVENT:
			y_scalar_json(out, &y->ev);
			return out->failed ? oom(L) : COVET_OK;
		case YAML_ALIAS_EVENT:
			return syntax_error(L, y_line(y), "aliases are not supported in fixtures");
		case YAML_SEQUENCE_START_EVENT:
			covet_buf_appendc(out, '[');
			for (;;)
			{
				if (y_next(y) != COVET_OK)
					return L->rc;
				if (y->ev.type == YAML_SEQUENCE_END_EVENT)
					break;
				if (!first)
					covet_buf_appendc(out, ',');
				first = false;
				if (y_value_json(y, out, depth + 1) != COVET_OK)
					return L->rc;
			}
			covet_buf_appendc(out, ']');
			return out->failed ? oom(L) : COVET_OK;
		case YAML_MAPPING_START_EVENT:
			covet_buf_appendc(out, '{');
			for (;;)
			{
				if (y_next(y) != COVET_OK)
					return L->rc;
				if (y->ev.type == YAML_MAPPING_END_EVENT)
					break;
				if (y->ev.type != YAML_SCALAR_EVENT)
					return syntax_error(L, y_line(y), "mapping keys must be scalars");
				if (!first)
					covet_buf_appendc(out, ',');
				first = false;
				covet_json_string(out, (const char *) y->ev.data.scalar.value, y->ev.data.scalar.length);
				covet_buf_appendc(out, ':');
				if (y_next(y) != COVET_OK || y_value_json(y, out, depth + 1) != COVET_OK)
					return L->rc;
			}
			covet_buf_appendc(out, '}');
			return out->failed ? oom(L) : COVET_OK;
		default:
			return syntax_error(L, y_line(y), "unexpected event");
	}
}

static bool
scalar_is(const yaml_event_t *ev, const char *word)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == strlen(word) &&
		memcmp(ev->data.scalar.value, word, strlen(word)) == 0;
}

/* One record: the current event is its MAPPING_START. */
static CovetStatus
y_record(YParser *y)
{
	Loader	   *L = y->L;
	CovetBuf   *v = &L->tmp;

	rec_begin(L, y_line(y));
	for (;;)
	{
		if (y_next(y) != COVET_OK)
			return L->rc;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (scalar_is(&y->ev, "model"))
		{
			if (y_next(y) != COVET_OK)
				return L->rc;
			if (y->ev.type != YAML_SCALAR_EVENT)
				return record_error(L, COVET_ERR_PARSE, "\"model\" must be a string");
			if (rec_model(L, (const char *) y->ev.data.scalar.value, y->ev.data.scalar.length) != COVET_OK)
				return L->rc;
		}
		else if (scalar_is(&y->ev, "pk"))
		{
			if (y_next(y) != COVET_OK)
				return L->rc;
			if (y->ev.type == YAML_SCALAR_EVENT)
			{
				covet_buf_reset(v);
				if (y_value_json(y, v, 0) != COVET_OK ||
					rec_value(L, NULL, 0, v->data, v->len, true) != COVET_OK)
					return L->rc;
			}
			else if (y->ev.type == YAML_MAPPING_START_EVENT)
			{
				for (;;)
				{
					char	   *name;
					size_t		nlen;

					if (y_next(y) != COVET_OK)
						return L->rc;
					if (y->ev.type == YAML_MAPPING_END_EVENT)
						break;
					if (y->ev.type != YAML_SCALAR_EVENT)
						return record_error(L, COVET_ERR_PARSE, "a \"pk\" member must be a scalar");
					nlen = y->ev.data.scalar.length;
					name = covet_strndup(&L->d->mem, (const char *) y->ev.data.scalar.value, nlen);
					if (name == NULL)
						return oom(L);
					covet_buf_reset(v);
					if (y_next(y) == COVET_OK && y->ev.type != YAML_SCALAR_EVENT)
						record_error(L, COVET_ERR_PARSE, "a \"pk\" member must be a scalar");
					if (L->rc == COVET_OK && y_value_json(y, v, 0) == COVET_OK)
						rec_value(L, name, nlen, v->data, v->len, true);
					covet_free(&L->d->mem, name);
					if (L->rc != COVET_OK)
						return L->rc;
				}
			}
			else
				return record_error(L, COVET_ERR_PARSE, "\"pk\" must be a scalar, or a mapping for a composite key");
		}
		else if (scalar_is(&y->ev, "fields"))
		{
			if (y_next(y) != COVET_OK)
				return L->rc;
			if (y->ev.type != YAML_MAPPING_START_EVENT)
				return record_error(L, COVET_ERR_PARSE, "\"fields\" must be a mapping");
			for (;;)
			{
				char	   *name;
				size_t		nlen;

				if (y_next(y) != COVET_OK)
					return L->rc;
				if (y->ev.type == YAML_MAPPING_END_EVENT)
					break;
				if (y->ev.type != YAML_SCALAR_EVENT)
					return syntax_error(L, y_line(y), "field names must be scalars");
				nlen = y->ev.data.scalar.length;
				name = covet_strndup(&L->d->mem, (const char *) y->ev.data.scalar.value, nlen);
				if (name == NULL)
					return oom(L);
				covet_buf_reset(v);
				if (y_next(y) == COVET_OK && y_value_json(y, v, 0) == COVET_OK)
					rec_value(L, name, nlen, v->data, v->len, false);
				covet_free(&L->d->mem, name);
				if (L->rc != COVET_OK)
					return L->rc;
			}
		}
		else if (y->ev.type == YAML_SCALAR_EVENT &&
				 memchr(y->ev.data.scalar.value, '\0', y->ev.data.scalar.length) != NULL)
			return nul_error(L, "a key of the record contains U+0000");
		else if (y->ev.type == YAML_SCALAR_EVENT)
		{
			char		key[100];

			snprintf(key, sizeof(key), "%.*s", (int) (y->ev.data.scalar.length > 60 ? 60 : y->ev.data.scalar.length),
					 (const char *) y->ev.data.scalar.value);
			return record_error(L, COVET_ERR_PARSE, "unknown key \"%s\" (a record has \"model\", \"pk\" and \"fields\")", key);
		}
		else
			return record_error(L, COVET_ERR_PARSE, "a record's keys are \"model\", \"pk\" and \"fields\"");
	}
	return rec_end(L);
}

static CovetStatus
parse_yaml(Loader *L, Source *src)
{
	YParser		y;
	bool		seen_doc = false;

	memset(&y, 0, sizeof(y));
	y.L = L;
	if (!yaml_parser_initialize(&y.parser))
		return oom(L);
	yaml_parser_set_input(&y.parser, src_yaml_read, src);
	while (L->rc == COVET_OK && y_next(&y) == COVET_OK)
	{
		if (y.ev.type == YAML_STREAM_END_EVENT)
			break;
		if (y.ev.type == YAML_STREAM_START_EVENT || y.ev.type == YAML_DOCUMENT_END_EVENT)
			continue;
		if (y.ev.type == YAML_DOCUMENT_START_EVENT)
		{
			if (seen_doc)
			{
				syntax_error(L, y_line(&y), "a YAML fixture is one document");
				break;
			}
			seen_doc = true;
			continue;
		}
		if (y.ev.type != YAML_SEQUENCE_START_EVENT)
		{
			syntax_error(L, y_line(&y), "a YAML fixture is a sequence of records");
			break;
		}
		for (;;)
		{
			if (y_next(&y) != COVET_OK)
				break;
			if (y.ev.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (y.ev.type != YAML_MAPPING_START_EVENT)
			{
				rec_position(L, y_line(&y));
				record_error(L, COVET_ERR_PARSE, "a record is a mapping with \"model\", \"pk\" and \"fields\"");
				break;
			}
			if (y_record(&y) != COVET_OK)
				break;
		}
	}
	if (y.have_event)
		yaml_event_delete(&y.ev);
	yaml_parser_delete(&y.parser);
	return L->rc;
}

/* --- CSV (libcsv) ------------------------------------------------------------ */

typedef struct CParser
{
	Loader	   *L;
	LoadTable  *lt;
	int64_t		line;			/* of the chunk being parsed */
	int64_t		row_line;		/* where the current row started, 0 = not yet */
	int64_t		row;			/* rows ended, header included */
	int			nheader;
	char	  **header;			/* column names from the header row */
	int		   *hcol;			/* their columns */
	int			nfield;			/* fields seen in this row */
} CParser;

static int
c_space(unsigned char c)
{
	(void) c;
	return 0;					/* white space is data */
}

typedef struct JsonCheck
{
	const char *s;
	size_t		len;
	bool		valid;
} JsonCheck;

static void
json_check(yajl_handle h, void *arg)
{
	JsonCheck  *jc = arg;

	jc->valid = yajl_parse(h, (const unsigned char *) jc->s, jc->len) == yajl_status_ok &&
		yajl_complete_parse(h) == yajl_status_ok;
}

/* Text of a CSV field as a JSON value for a column of this kind. */
static void
csv_json(Loader *L, CovetBuf *out, const char *s, size_t len, CovetFixtureKind kind)
{
	if (s == NULL)
	{
		covet_buf_append(out, "null");
		return;
	}
	switch (kind)
	{
		case COVET_FX_INT:
		case COVET_FX_REAL:
		case COVET_FX_NUMERIC:
			if (is_json_number(s, len))
			{
				covet_buf_appendn(out, s, len);
				return;
			}
			break;
		case COVET_FX_BOOL:
			if (is_json_number(s, len))
			{
				covet_buf_appendn(out, s, len);
				return;
			}
			if ((len == 4 && strncasecmp(s, "true", 4) == 0) || (len == 1 && (s[0] == 't' || s[0] == 'T')))
			{
				covet_buf_append(out, "true");
				return;
			}
			if ((len == 5 && strncasecmp(s, "false", 5) == 0) || (len == 1 && (s[0] == 'f' || s[0] == 'F')))
			{
				covet_buf_append(out, "false");
				return;
			}
			break;
		case COVET_FX_JSON:
		case COVET_FX_ARRAY:
			{
				JsonCheck	jc = {s, len, false};
				CovetError	nomem;

				if (covet_yajl_run(&L->d->mem, NULL, NULL, json_check, &jc, &nomem) != COVET_OK)
				{
					out->failed = true;
					return;
				}
				if (jc.valid)
				{
					covet_buf_appendn(out, s, len);
					return;
				}
				break;
			}
		default:
			break;
	}
	covet_json_string(out, s, len);
}

static void
c_field(void *s, size_t len, void *data)
{
	CParser    *c = data;
	Loader	   *L = c->L;
	const char *text = s;
	size_t		i;

	if (L->rc != COVET_OK)
		return;
	if (c->row_line == 0)
	{
		c->row_line = c->line;
		for (i = 0; text != NULL && i < len; i++)
			if (text[i] == '\n')
				c->row_line--;
	}
	if (c->row == 0)
	{
		/* the header */
		char	  **nh;

		if (text == NULL || len == 0)
		{
			syntax_error(L, c->row_line, "empty column name in the CSV header");
			return;
		}
		if (memchr(text, '\0', len) != NULL)
		{
			char		what[80];

			snprintf(what, sizeof(what), "column name %d of the CSV header contains U+0000",
					 c->nheader + 1);
			syntax_error(L, c->row_line, what);
			memcpy(L->err->sqlstate, "22P05", 6);
			return;
		}
		nh = covet_alloc(&L->d->mem, sizeof(char *) * (size_t) (c->nheader + 1));
		if (nh == NULL)
		{
			oom(L);
			return;
		}
		if (c->nheader > 0)
			memcpy(nh, c->header, sizeof(char *) * (size_t) c->nheader);
		covet_free(&L->d->mem, c->header);
		c->header = nh;
		if ((c->header[c->nheader] = covet_strndup(&L->d->mem, text, len)) == NULL)
		{
			oom(L);
			return;
		}
		c->nheader++;
		return;
	}
	if (c->nfield == 0)
	{
		rec_begin(L, c->row_line);
		if (rec_model(L, c->lt->name, strlen(c->lt->name)) != COVET_OK)
			return;
	}
	if (c->nfield >= c->nheader)
	{
		c->nfield++;
		return;					/* counted, reported at the end of the row */
	}
	covet_buf_reset(&L->tmp);
	csv_json(L, &L->tmp, text, len, c->lt->t.kinds[c->hcol[c->nfield]]);
	if (L->tmp.failed)
	{
		oom(L);
		return;
	}
	{
		const char *name = c->header[c->nfield];

		rec_value(L, name, strlen(name), L->tmp.data, L->tmp.len, false);
	}
	c->nfield++;
}

static void
c_row(int ch, void *data)
{
	CParser    *c = data;
	Loader	   *L = c->L;
	int			i,
				j;

	(void) ch;
	if (L->rc != COVET_OK)
		return;
	if (c->row == 0)
	{
		c->row = 1;
		c->row_line = 0;
		if ((c->hcol = covet_alloc(&L->d->mem, sizeof(int) * (size_t) (c->nheader + 1))) == NULL)
		{
			oom(L);
			return;
		}
		for (i = 0; i < c->nheader; i++)
		{
			char		what[300];

			c->hcol[i] = covet_fx_column(&c->lt->t, c->header[i], strlen(c->header[i]));
			if (c->hcol[i] < 0)
			{
				snprintf(what, sizeof(what), "unknown column \"%s\" of table \"%s\" in the header",
						 c->header[i], c->lt->name);
				syntax_error(L, 1, what);
				memcpy(L->err->sqlstate, "42703", 6);
				return;
			}
			for (j = 0; j < i; j++)
				if (c->hcol[j] == c->hcol[i])
				{
					snprintf(what, sizeof(what), "column \"%s\" appears twice in the header", c->header[i]);
					syntax_error(L, 1, what);
					return;
				}
		}
		return;
	}
	if (c->nfield != c->nheader)
	{
		record_error(L, COVET_ERR_PARSE, "%d fields, but the header has %d", c->nfield, c->nheader);
		return;
	}
	c->row++;
	c->nfield = 0;
	c->row_line = 0;
	rec_end(L);
}

/* libcsv stopped: out of memory (its buffer could not grow) or bad CSV */
static void
csv_failure(Loader *L, struct csv_parser *cp, int64_t line)
{
	char		what[200];

	if (csv_error(cp) == CSV_ENOMEM || csv_error(cp) == CSV_ETOOBIG)
	{
		oom(L);
		return;
	}
	snprintf(what, sizeof(what), "%s", csv_strerror(csv_error(cp)));
	syntax_error(L, line, what);
}

static CovetStatus
parse_csv(Loader *L, Source *src, const char *table)
{
	struct csv_parser cp;
	CParser		c;
	const char *piece;
	size_t		n;
	bool		new_line;
	int			i;
	CovetStatus rc;

	if (table == NULL)
	{
		covet_error_set(L->err, COVET_ERR_NULL, "table_name must not be null for a CSV fixture");
		covet_error_hint(L->err, "A CSV fixture holds the rows of one table: name it.");
		return L->rc = COVET_ERR_NULL;
	}
	memset(&c, 0, sizeof(c));
	c.L = L;
	rc = get_table(L, table, &c.lt);
	if (rc == COVET_ERR_NOT_FOUND)
	{
		covet_error_set(L->err, COVET_ERR_NOT_FOUND, "table \"%s\" does not exist", table);
		memcpy(L->err->sqlstate, "42P01", 6);
		return L->rc = COVET_ERR_NOT_FOUND;
	}
	if (rc != COVET_OK)
		return rc;
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
		return oom(L);
	csv_set_space_func(&cp, c_space);
	while (L->rc == COVET_OK && src_piece(src, &piece, &n, &new_line))
	{
		if (new_line)
			c.line++;
		if (csv_parse(&cp, piece, n, c_field, c_row, &c) != n && L->rc == COVET_OK)
			csv_failure(L, &cp, c.line);
	}
	if (L->rc == COVET_OK && csv_fini(&cp, c_field, c_row, &c) != 0 && L->rc == COVET_OK)
		csv_failure(L, &cp, c.line);
	if (L->rc == COVET_OK && c.row == 0)
		syntax_error(L, 1, "no header row");
	csv_free(&cp);
	for (i = 0; i < c.nheader; i++)
		covet_free(&L->d->mem, c.header[i]);
	covet_free(&L->d->mem, c.header);
	covet_free(&L->d->mem, c.hcol);
	return L->rc;
}

/* --- the load ------------------------------------------------------------------ */

/*
 * PostgreSQL: sequences and identity columns move past the loaded values
 * (every integer column that owns one, key or not), so that the next
 * INSERT that takes a default does not collide.
 */
static CovetStatus
move_sequences(Loader *L)
{
	CovetDriver *d = L->d;
	const char *tmpl = d->dialect->fixture->sequence_sql;
	int			i,
				k;

	if (tmpl == NULL)
		return COVET_OK;
	for (i = 0; i < L->ntables; i++)
	{
		LoadTable  *lt = L->tables[i];

		if (!lt->loaded)
			continue;
		for (k = 0; k < lt->t.ncols; k++)
		{
			int			c = k;
			CovetBuf	b;
			char	   *sql;
			const char *params[2];
			CovetStatus rc;

			if (lt->t.kinds[c] != COVET_FX_INT)
				continue;
			covet_buf_init(&b, &d->mem);
			covet_fx_expand(&b, d->dialect, tmpl, lt->t.cols[c], lt->t.sql_name, NULL, NULL, NULL);
			if (covet_buf_finish(&b, &sql, L->err) != COVET_OK)
				return L->rc = COVET_ERR_NOMEM;
			params[0] = lt->t.sql_name;
			params[1] = lt->t.cols[c];
			rc = d->query(d->ctx, sql, 2, params, NULL, L->err);
			covet_free(&d->mem, sql);
			if (rc != COVET_OK)
				return L->rc = rc;
		}
	}
	return COVET_OK;
}

static void
loader_free(Loader *L)
{
	CovetDriver *d = L->d;
	int			i,
				k;

	for (i = 0; i < L->ntables; i++)
	{
		LoadTable  *lt = L->tables[i];

		covet_fx_table_free(d, &lt->t);
		covet_fx_links_free(d, &lt->links);
		for (k = 0; k < lt->nm2ms; k++)
			covet_free(&d->mem, lt->m2ms[k].field);
		covet_free(&d->mem, lt->m2ms);
		covet_free(&d->mem, lt->name);
		covet_free(&d->mem, lt->shape);
		covet_free(&d->mem, lt->checks);
		covet_free(&d->mem, lt->notnull);
		covet_free(&d->mem, lt->meta);
		covet_buf_free(&lt->batch);
		covet_buf_free(&lt->pkbuf);
		covet_free(&d->mem, lt);
	}
	covet_free(&d->mem, L->tables);
	for (i = 0; i < L->naliases; i++)
		covet_free(&d->mem, L->aliases[i].name);
	covet_free(&d->mem, L->aliases);
	covet_free(&d->mem, L->m2m_fields);
	covet_free(&d->mem, L->fwd.v);
	for (i = 0; i < L->ndeferred; i++)
		deferred_free(d, &L->deferred[i]);
	covet_free(&d->mem, L->deferred);
	covet_fx_map_free(&d->mem, &L->map);
	covet_free(&d->mem, L->vals);
	covet_free(&d->mem, L->rec.name_off);
	covet_free(&d->mem, L->rec.val_off);
	covet_free(&d->mem, L->rec.is_pk);
	covet_buf_free(&L->rec.model);
	covet_buf_free(&L->rec.arena);
	covet_buf_free(&L->tmp);
	covet_buf_free(&L->sql);
	covet_buf_free(&L->found_pk);
}

/* opts (NULL: none) are Django's names: model_map, ignore_unknown */
static CovetStatus
loader_init(Loader *L, CovetDriver *d, CovetError *err, CovetOnConflict on_conflict,
			CovetFixtureFormat format, const CovetFixtureOptions *opts)
{
	memset(L, 0, sizeof(*L));
	L->d = d;
	L->err = err;
	L->on_conflict = on_conflict;
	L->opts = opts;
	L->format_name = format == COVET_FORMAT_JSON ? "JSON" : format == COVET_FORMAT_YAML ? "YAML" : "CSV";
	covet_buf_init(&L->tmp, &d->mem);
	covet_buf_init(&L->sql, &d->mem);
	covet_buf_init(&L->rec.model, &d->mem);
	covet_buf_init(&L->rec.arena, &d->mem);
	covet_buf_init(&L->found_pk, &d->mem);
	L->ignore_unknown = opts != NULL && opts->ignore_unknown;
	if (opts != NULL)
		L->rc = covet_fx_map_parse(&d->mem, opts->model_map, &L->map, err);
	return L->rc;
}

/* The whole input through its parser: text (path NULL) or a file */
static void
parse_source(Loader *L, const char *data, size_t len, const char *path,
			 CovetFixtureFormat format, const char *table)
{
	Source		src;

	if (path != NULL)
		src_init_file(&src, L, path);
	else
		src_init_text(&src, L, data, len);
	switch (format)
	{
		case COVET_FORMAT_JSON:
			parse_json(L, &src);
			break;
		case COVET_FORMAT_YAML:
			parse_yaml(L, &src);
			break;
		case COVET_FORMAT_CSV:
			parse_csv(L, &src, table);
			break;
	}
	src_free(&src);
}

/*
 * Foreign keys the engine would check at COMMIT (deferred): a row of a
 * loaded table without its parent fails the load here, naming the record
 * it came from (found by reading the input again) and the missing key.
 */
static CovetStatus
check_foreign_keys(Loader *L, const char *data, size_t len, const char *path,
				   CovetFixtureFormat format, const char *table)
{
	CovetDriver *d = L->d;
	int			i;

	for (i = 0; i < L->ntables; i++)
	{
		LoadTable  *lt = L->tables[i];
		CovetFxFkBreak br;
		bool		found;
		Loader		F;
		CovetError	ferr;

		if (!lt->loaded)
			continue;
		if ((L->rc = covet_fx_fk_find(d, &lt->t, &found, &br, L->err)) != COVET_OK)
			return L->rc;
		if (!found)
			continue;

		/*
		 * which record: the input once more, finding only, its models
		 * resolved as the load resolved them (model_map, app.model)
		 */
		if (loader_init(&F, d, &ferr, L->on_conflict, format, L->opts) == COVET_OK)
		{
			F.find = &lt->t;
			F.find_pk = br.pk;
			if (br.npk > 0)
				parse_source(&F, data, len, path, format, table);
		}
		if (F.found_pos > 0)
			covet_error_set(L->err, COVET_ERR_SQL,
							"fixture record %lld (line %lld, model \"%s\", pk %s, field \"%s\"): foreign key violated: key (%s)=(%s) is not present in table \"%s\"",
							(long long) F.found_pos, (long long) F.found_line, lt->name,
							F.found_pk.data, br.field, br.cols, br.value, br.parent);
		else
			covet_error_set(L->err, COVET_ERR_SQL,
							"foreign key violated in table \"%s\": key (%s)=(%s) is not present in table \"%s\"",
							lt->t.model, br.cols, br.value, br.parent);
		memcpy(L->err->sqlstate, "23503", 6);
		covet_error_detail(L->err, "Nothing was loaded.");
		loader_free(&F);
		covet_fx_fk_break_free(d, &br);
		return L->rc = COVET_ERR_SQL;
	}
	return COVET_OK;
}

/* ignore_unknown: say what was skipped */
static void
skipped_notice(Loader *L)
{
	char		msg[200];

	if (L->d->notice == NULL || (L->skipped_fields == 0 && L->skipped_records == 0))
		return;
	snprintf(msg, sizeof(msg), "ignore_unknown skipped %lld field%s and %lld record%s that no table has",
			 (long long) L->skipped_fields, L->skipped_fields == 1 ? "" : "s",
			 (long long) L->skipped_records, L->skipped_records == 1 ? "" : "s");
	L->d->notice(L->d->ctx, msg);
}

/* A load from text (path NULL) or from a file read in chunks */
static CovetStatus
load_run(CovetDriver *d, const char *data, size_t len, const char *path,
		 CovetFixtureFormat format, CovetOnConflict on_conflict,
		 const char *table, const CovetFixtureOptions *opts,
		 int64_t *records, CovetError *err)
{
	Loader		L;
	CovetError	ignore;
	CovetStatus rc;

	*records = 0;
	if ((rc = loader_init(&L, d, err, on_conflict, format, opts)) != COVET_OK)
	{
		loader_free(&L);
		return rc;
	}
	if ((L.rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
	{
		loader_free(&L);
		return L.rc;
	}
	parse_source(&L, data, len, path, format, table);
	if (L.rc == COVET_OK)
		flush_all(&L);
	if (L.rc == COVET_OK)
		resolve_deferred(&L);
	if (L.rc == COVET_OK)
		move_sequences(&L);
	if (L.rc == COVET_OK)
		check_foreign_keys(&L, data, len, path, format, table);
	if (L.rc == COVET_OK)
		L.rc = d->savepoint_release(d->ctx, err);
	else
		d->savepoint_rollback(d->ctx, &ignore);
	if (L.rc == COVET_OK)
	{
		*records = L.records - L.skipped_records;
		skipped_notice(&L);
	}
	loader_free(&L);
	return L.rc;
}

CovetStatus
covet_fixture_load(CovetDriver *d, const char *data, size_t len,
				   CovetFixtureFormat format, CovetOnConflict on_conflict,
				   const char *table, int64_t *records, CovetError *err)
{
	return covet_fixture_load_ex(d, data, len, format, on_conflict, table, NULL, records, err);
}

CovetStatus
covet_fixture_load_ex(CovetDriver *d, const char *data, size_t len,
					  CovetFixtureFormat format, CovetOnConflict on_conflict,
					  const char *table, const CovetFixtureOptions *opts,
					  int64_t *records, CovetError *err)
{
	*records = 0;
	if (data == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "data must not be null");
	return load_run(d, data, len, NULL, format, on_conflict, table, opts, records, err);
}

CovetStatus
covet_fixture_load_file(CovetDriver *d, const char *path, CovetFixtureFormat format,
						CovetOnConflict on_conflict, const char *table,
						int64_t *records, CovetError *err)
{
	return covet_fixture_load_file_ex(d, path, format, on_conflict, table, NULL, records, err);
}

CovetStatus
covet_fixture_load_file_ex(CovetDriver *d, const char *path, CovetFixtureFormat format,
						   CovetOnConflict on_conflict, const char *table,
						   const CovetFixtureOptions *opts, int64_t *records,
						   CovetError *err)
{
	char	   *text = NULL;
	size_t		len = 0;
	CovetStatus rc;

	*records = 0;
	if (path == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "path must not be null");
	if (opts != NULL && opts->model_map != NULL)
	{
		/* a bad argument before the file */
		CovetFxMap	map;

		if ((rc = covet_fx_map_parse(&d->mem, opts->model_map, &map, err)) != COVET_OK)
			return rc;
		covet_fx_map_free(&d->mem, &map);
	}
	if (d->read_chunk != NULL)
		return load_run(d, NULL, 0, path, format, on_conflict, table, opts, records, err);
	if ((rc = d->read_file(d->ctx, path, &text, &len, err)) != COVET_OK)
		return rc;
	rc = covet_fixture_load_ex(d, text, len, format, on_conflict, table, opts, records, err);
	covet_free(&d->mem, text);
	return rc;
}
