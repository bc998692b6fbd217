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
 *-------------------------------------------------------------------------
 */
#include "fixture.h"
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
} LoadTable;

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

/* The table of a model, described once. */
static CovetStatus
get_table(Loader *L, const char *model, LoadTable **out)
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
	if (L->on_conflict != COVET_CONFLICT_ERROR)
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
		if (field >= 0)
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

/* Every pending batch, parents first. */
static CovetStatus
flush_all(Loader *L)
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
		if (L->tables[i]->nbatch > 0)
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
check_record(Loader *L, LoadTable *lt)
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
			covet_buf_init(&pk, &L->d->mem);
			pk_text(L, t, &pk);
			covet_buf_append(&pk, "");
			covet_error_prefix(L->err, "fixture record %lld (line %lld, model \"%s\", pk %s, field \"%s\"): ",
							   (long long) r->pos, (long long) r->line, lt->name,
							   pk.failed ? "?" : pk.data, t->cols[c]);
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

/* The record is complete: check it and add it to its table's batch. */
static CovetStatus
rec_end(Loader *L)
{
	CovetDriver *d = L->d;
	Rec		   *r = &L->rec;
	LoadTable  *lt;
	CovetFxTable *t;
	CovetStatus rc;
	RecMeta    *m;
	bool		same_shape = true;
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
	if (rc == COVET_ERR_NOT_FOUND)
	{
		record_error(L, COVET_ERR_NOT_FOUND, "unknown model \"%s\"", r->model.data);
		memcpy(L->err->sqlstate, "42P01", 6);
		return L->rc;
	}
	if (rc != COVET_OK)
		return rc;
	t = &lt->t;
	if (L->on_conflict != COVET_CONFLICT_ERROR && t->npk == 0)
		return record_error(L, COVET_ERR_STATE, "on_conflict %s needs a primary key, and table \"%s\" has none",
							L->on_conflict == COVET_CONFLICT_IGNORE ? "ignore" : "update", t->model);

	/* which column each value is */
	if (L->nvals < t->ncols)
	{
		covet_free(&d->mem, L->vals);
		if ((L->vals = covet_alloc(&d->mem, sizeof(int) * (size_t) (t->ncols + 1))) == NULL)
		{
			L->nvals = 0;
			return oom(L);
		}
		L->nvals = t->ncols;
	}
	for (c = 0; c < t->ncols; c++)
		L->vals[c] = -1;
	for (i = 0; i < r->nfields; i++)
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
	}

	if ((rc = check_record(L, lt)) != COVET_OK)
		return rc;

	/* a batch holds records of one shape (the same columns) */
	if (lt->nbatch > 0)
		for (c = 0; c < t->ncols; c++)
			if (lt->shape[c] != (L->vals[c] >= 0))
				same_shape = false;
	if (!same_shape && (rc = flush_all(L)) != COVET_OK)
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

	/* the pk as the error message shows it */
	m->pk_off = lt->pkbuf.len;
	if (t->npk == 1 && L->vals[t->pk[0]] >= 0)
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

	if (!L->d->dialect->fixture->batch_lines)
		append_object(L, lt);
	else if ((c = append_line(L, lt)) >= 0)
	{
		lt->batch.len = m->off; /* the record is not in the batch */
		record_error(L, COVET_ERR_INVALID, "field \"%s\": the text holds the character U+0000, which the database's text cannot store",
					 t->cols[c]);
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
	int			i;

	for (i = 0; i < L->ntables; i++)
	{
		LoadTable  *lt = L->tables[i];

		covet_fx_table_free(d, &lt->t);
		covet_free(&d->mem, lt->name);
		covet_free(&d->mem, lt->shape);
		covet_free(&d->mem, lt->checks);
		covet_free(&d->mem, lt->meta);
		covet_buf_free(&lt->batch);
		covet_buf_free(&lt->pkbuf);
		covet_free(&d->mem, lt);
	}
	covet_free(&d->mem, L->tables);
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

static void
loader_init(Loader *L, CovetDriver *d, CovetError *err, CovetOnConflict on_conflict,
			CovetFixtureFormat format)
{
	memset(L, 0, sizeof(*L));
	L->d = d;
	L->err = err;
	L->on_conflict = on_conflict;
	L->format_name = format == COVET_FORMAT_JSON ? "JSON" : format == COVET_FORMAT_YAML ? "YAML" : "CSV";
	covet_buf_init(&L->tmp, &d->mem);
	covet_buf_init(&L->sql, &d->mem);
	covet_buf_init(&L->rec.model, &d->mem);
	covet_buf_init(&L->rec.arena, &d->mem);
	covet_buf_init(&L->found_pk, &d->mem);
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

		/* which record: the input once more, finding only */
		loader_init(&F, d, &ferr, L->on_conflict, format);
		F.find = &lt->t;
		F.find_pk = br.pk;
		if (br.npk > 0)
			parse_source(&F, data, len, path, format, table);
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

/* A load from text (path NULL) or from a file read in chunks */
static CovetStatus
load_run(CovetDriver *d, const char *data, size_t len, const char *path,
		 CovetFixtureFormat format, CovetOnConflict on_conflict,
		 const char *table, int64_t *records, CovetError *err)
{
	Loader		L;
	CovetError	ignore;

	*records = 0;
	loader_init(&L, d, err, on_conflict, format);
	if ((L.rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
	{
		loader_free(&L);
		return L.rc;
	}
	parse_source(&L, data, len, path, format, table);
	if (L.rc == COVET_OK)
		flush_all(&L);
	if (L.rc == COVET_OK)
		move_sequences(&L);
	if (L.rc == COVET_OK)
		check_foreign_keys(&L, data, len, path, format, table);
	if (L.rc == COVET_OK)
		L.rc = d->savepoint_release(d->ctx, err);
	else
		d->savepoint_rollback(d->ctx, &ignore);
	if (L.rc == COVET_OK)
		*records = L.records;
	loader_free(&L);
	return L.rc;
}

CovetStatus
covet_fixture_load(CovetDriver *d, const char *data, size_t len,
				   CovetFixtureFormat format, CovetOnConflict on_conflict,
				   const char *table, int64_t *records, CovetError *err)
{
	*records = 0;
	if (data == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "data must not be null");
	return load_run(d, data, len, NULL, format, on_conflict, table, records, err);
}

CovetStatus
covet_fixture_load_file(CovetDriver *d, const char *path, CovetFixtureFormat format,
						CovetOnConflict on_conflict, const char *table,
						int64_t *records, CovetError *err)
{
	char	   *text = NULL;
	size_t		len = 0;
	CovetStatus rc;

	*records = 0;
	if (path == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "path must not be null");
	if (d->read_chunk != NULL)
		return load_run(d, NULL, 0, path, format, on_conflict, table, records, err);
	if ((rc = d->read_file(d->ctx, path, &text, &len, err)) != COVET_OK)
		return rc;
	rc = covet_fixture_load(d, text, len, format, on_conflict, table, records, err);
	covet_free(&d->mem, text);
	return rc;
}
