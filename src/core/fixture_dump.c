/*-------------------------------------------------------------------------
 *
 * fixture_dump.c
 *		covet_dumpdata: tables as a JSON, YAML or CSV fixture.
 *
 * Each value is turned into JSON text by SQL the dialect supplies
 * (fixture_sql.c), so the core only arranges ready fragments: JSON copies
 * them, YAML re-emits them through libyaml's emitter (objects and arrays
 * of json columns parsed again with yajl), CSV unquotes strings.
 *
 * Tables come parents first (foreign keys), then by name; rows in
 * primary-key order, read a page at a time by keyset (never OFFSET), so
 * the only large thing in memory is the text being returned.
 *
 *-------------------------------------------------------------------------
 */
#include "fixture.h"
#include "yajl_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define DUMP_PAGE 1000
/* JSON records made by the engine: later pages of about this much text */
#define DUMP_PAGE_BYTES (1024 * 1024)
#define DUMP_PAGE_MAX 20000
#define FLUSH_BYTES (1024 * 1024)

/* A many-to-many table written as a list field of its owner. */
typedef struct DumpM2m
{
	char	   *field;
	char	   *sql;			/* the targets of one owner, {1} = its key */
} DumpM2m;

/* How a table is named in the dump (model_map, style => 'django'). */
typedef struct DumpNames
{
	char	   *model;			/* NULL: the table's */
	char	  **fields;			/* per column; NULL: the column's name */
	int			nm2m;
	DumpM2m    *m2m;
	bool		skip;			/* a many-to-many table of a dumped owner */
	int			nfields_;		/* entries of fields */
} DumpNames;

typedef struct Dumper
{
	CovetDriver *d;
	CovetFixtureFormat format;
	const DumpNames *cur;		/* of the table being written */
	char	  **cur_key;		/* the row's primary key, as text */
	CovetBuf	out;
	CovetBuf	tmp;
	int64_t		records;
	yaml_emitter_t emitter;
	bool		emitter_open;
	bool		yaml_failed;	/* an event was refused */
	const char *path;			/* streamed to this file (append_file) */
	bool		started;		/* the file's first piece is written */
	bool		naive_tstz;		/* style 'django': timestamptz without offset */
} Dumper;

/*
 * A dump to a file goes out in pieces of about FLUSH_BYTES, after each page
 * of rows (force: whatever is left, at the end).
 */
static CovetStatus
dump_flush(Dumper *dm, bool force, CovetError *err)
{
	CovetDriver *d = dm->d;
	CovetStatus rc;

	if (dm->path == NULL || (!force && dm->out.len < FLUSH_BYTES))
		return COVET_OK;
	if (dm->out.failed)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if (dm->out.len == 0 && dm->started)
		return COVET_OK;
	rc = d->append_file(d->ctx, dm->path, dm->out.data ? dm->out.data : "", dm->out.len,
						!dm->started, err);
	dm->started = true;
	covet_buf_reset(&dm->out);
	return rc;
}

/* --- YAML ---------------------------------------------------------------------- */

static int
yaml_write(void *data, unsigned char *buffer, size_t size)
{
	Dumper	   *dm = data;

	covet_buf_appendn(&dm->out, (const char *) buffer, size);
	return dm->out.failed ? 0 : 1;
}

static void
y_emit(Dumper *dm, yaml_event_t *ev)
{
	if (dm->yaml_failed)
	{
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&dm->emitter, ev))
		dm->yaml_failed = true;
}

/* Would this text read back as the same string if written plain? */
static bool
plain_safe(const char *s, size_t len)
{
	static const char *const words[] = {"null", "Null", "NULL", "true", "True", "TRUE",
		"false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
	"off", "Off", "OFF", "y", "Y", "n", "N", NULL};
	size_t		i;
	int			k;

	if (len == 0 || len > 100)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			  (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	for (k = 0; words[k] != NULL; k++)
		if (strlen(words[k]) == len && memcmp(words[k], s, len) == 0)
			return false;
	return true;
}

/* A string scalar: plain when that reads back the same, else double-quoted. */
static void
y_string(Dumper *dm, const char *s, size_t len, bool allow_plain)
{
	yaml_event_t ev;
	bool		plain = allow_plain && plain_safe(s, len);

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) s, (int) len,
									  plain, !plain,
									  plain ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE))
	{
		dm->yaml_failed = true;
		return;
	}
	y_emit(dm, &ev);
}

/* null, true, false, a number: plain */
static void
y_plain(Dumper *dm, const char *s, size_t len)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) s, (int) len,
									  1, 0, YAML_PLAIN_SCALAR_STYLE))
	{
		dm->yaml_failed = true;
		return;
	}
	y_emit(dm, &ev);
}

static void
y_mapping_start(Dumper *dm, bool flow)
{
	yaml_event_t ev;

	if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
											 flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE))
	{
		dm->yaml_failed = true;
		return;
	}
	y_emit(dm, &ev);
}

static void
y_mapping_end(Dumper *dm)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	y_emit(dm, &ev);
}

static void
y_sequence_start(Dumper *dm, bool flow)
{
	yaml_event_t ev;

	if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
											  flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE))
	{
		dm->yaml_failed = true;
		return;
	}
	y_emit(dm, &ev);
}

static void
y_sequence_end(Dumper *dm)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	y_emit(dm, &ev);
}

/* yajl callbacks: a json column's object or array as YAML flow events */
static int
yj_null(void *ctx)
{
	y_plain(ctx, "null", 4);
	return 1;
}

static int
yj_bool(void *ctx, int v)
{
	y_plain(ctx, v ? "true" : "false", v ? 4 : 5);
	return 1;
}

static int
yj_number(void *ctx, const char *s, size_t len)
{
	y_plain(ctx, s, len);
	return 1;
}

static int
yj_string(void *ctx, const unsigned char *s, size_t len)
{
	y_string(ctx, (const char *) s, len, false);
	return 1;
}

static int
yj_key(void *ctx, const unsigned char *s, size_t len)
{
	y_string(ctx, (const char *) s, len, true);
	return 1;
}

static int
yj_start_map(void *ctx)
{
	y_mapping_start(ctx, true);
	return 1;
}

static int
yj_end_map(void *ctx)
{
	y_mapping_end(ctx);
	return 1;
}

static int
yj_start_array(void *ctx)
{
	y_sequence_start(ctx, true);
	return 1;
}

static int
yj_end_array(void *ctx)
{
	y_sequence_end(ctx);
	return 1;
}

static const yajl_callbacks yaml_from_json = {
	yj_null, yj_bool, NULL, NULL, yj_number, yj_string,
	yj_start_map, yj_key, yj_end_map, yj_start_array, yj_end_array
};

typedef struct JsonToYaml
{
	const char *frag;
	size_t		len;
	bool		ok;
} JsonToYaml;

static void
json_to_yaml(yajl_handle h, void *arg)
{
	JsonToYaml *jy = arg;

	jy->ok = yajl_parse(h, (const unsigned char *) jy->frag, jy->len) == yajl_status_ok &&
		yajl_complete_parse(h) == yajl_status_ok;
}

/* One value (JSON text from the dialect's SQL) as YAML events. */
static CovetStatus
y_value(Dumper *dm, const char *frag, CovetError *err)
{
	size_t		len = strlen(frag);

	if (frag[0] == '"')
	{
		covet_buf_reset(&dm->tmp);
		if (!covet_json_unescape(&dm->tmp, frag, len))
			return covet_error_set(err, COVET_ERR_INTERNAL, "malformed JSON string from the database: %.60s", frag);
		if (dm->tmp.failed)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		y_string(dm, dm->tmp.data, dm->tmp.len, false);
	}
	else if (frag[0] == '{' || frag[0] == '[')
	{
		JsonToYaml	jy = {frag, len, false};
		CovetStatus rc;

		rc = covet_yajl_run(&dm->d->mem, &yaml_from_json, dm, json_to_yaml, &jy, err);
		if (rc != COVET_OK)
			return rc;
		if (!jy.ok)
			return covet_error_set(err, COVET_ERR_INTERNAL, "malformed JSON value from the database: %.60s", frag);
	}
	else
		y_plain(dm, frag, len);
	return COVET_OK;
}

/* --- records ----------------------------------------------------------------- */

/* A fragment as CSV: strings unquoted, null empty, the rest as written. */
static CovetStatus
csv_value(Dumper *dm, const char *frag, CovetError *err)
{
	if (strcmp(frag, "null") == 0)
		return COVET_OK;
	if (frag[0] == '"')
	{
		covet_buf_reset(&dm->tmp);
		if (!covet_json_unescape(&dm->tmp, frag, strlen(frag)))
			return covet_error_set(err, COVET_ERR_INTERNAL, "malformed JSON string from the database: %.60s", frag);
		if (dm->tmp.failed)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_csv_field(&dm->out, dm->tmp.data, dm->tmp.len);
		return COVET_OK;
	}
	covet_csv_field(&dm->out, frag, strlen(frag));
	return COVET_OK;
}

#define MODEL_OF(dm, t) ((dm)->cur != NULL && (dm)->cur->model != NULL ? (dm)->cur->model : (t)->model)
#define FIELD_OF(dm, t, i) ((dm)->cur != NULL && (dm)->cur->fields != NULL && (dm)->cur->fields[i] != NULL ? \
							(dm)->cur->fields[i] : (t)->cols[i])

/* The JSON list of a many-to-many field of the current row, in dm->tmp. */
static CovetStatus
m2m_list(Dumper *dm, const DumpM2m *m, CovetError *err)
{
	CovetDriver *d = dm->d;
	CovetResult res = {0};
	const char *param = dm->cur_key[0];
	CovetStatus rc;
	int			r;

	if ((rc = d->query(d->ctx, m->sql, 1, &param, &res, err)) != COVET_OK)
		return rc;
	covet_buf_reset(&dm->tmp);
	covet_buf_appendc(&dm->tmp, '[');
	for (r = 0; r < res.nrows; r++)
	{
		if (r > 0)
			covet_buf_append(&dm->tmp, ", ");
		covet_buf_append(&dm->tmp, COVET_VALUE(&res, r, 0) ? COVET_VALUE(&res, r, 0) : "null");
	}
	covet_buf_append(&dm->tmp, "]");
	covet_result_free(d, &res);
	return dm->tmp.failed ? covet_error_set(err, COVET_ERR_NOMEM, "out of memory") : COVET_OK;
}

/* One row; frags[c] is column c's JSON text. */
static CovetStatus
write_record(Dumper *dm, const CovetFxTable *t, char *const *frags, CovetError *err)
{
	CovetStatus rc = COVET_OK;
	int			i;

	switch (dm->format)
	{
		case COVET_FORMAT_JSON:
			covet_buf_append(&dm->out, dm->records == 0 ? "[\n{\"model\": " : ",\n{\"model\": ");
			covet_json_string(&dm->out, MODEL_OF(dm, t), strlen(MODEL_OF(dm, t)));
			if (t->npk == 1)
				covet_buf_appendf(&dm->out, ", \"pk\": %s", frags[t->pk[0]]);
			else if (t->npk > 1)
			{
				covet_buf_append(&dm->out, ", \"pk\": {");
				for (i = 0; i < t->npk; i++)
				{
					if (i > 0)
						covet_buf_append(&dm->out, ", ");
					covet_json_string(&dm->out, t->cols[t->pk[i]], strlen(t->cols[t->pk[i]]));
					covet_buf_appendf(&dm->out, ": %s", frags[t->pk[i]]);
				}
				covet_buf_appendc(&dm->out, '}');
			}
			covet_buf_append(&dm->out, ", \"fields\": {");
			{
				bool		first = true;

				for (i = 0; i < t->ncols; i++)
				{
					if (t->is_pk[i])
						continue;
					if (!first)
						covet_buf_append(&dm->out, ", ");
					first = false;
					covet_json_string(&dm->out, FIELD_OF(dm, t, i), strlen(FIELD_OF(dm, t, i)));
					covet_buf_appendf(&dm->out, ": %s", frags[i]);
				}
				for (i = 0; dm->cur != NULL && i < dm->cur->nm2m && rc == COVET_OK; i++)
				{
					const DumpM2m *m = &dm->cur->m2m[i];

					if ((rc = m2m_list(dm, m, err)) != COVET_OK)
						break;
					if (!first)
						covet_buf_append(&dm->out, ", ");
					first = false;
					covet_json_string(&dm->out, m->field, strlen(m->field));
					covet_buf_appendf(&dm->out, ": %s", dm->tmp.data);
				}
			}
			covet_buf_append(&dm->out, "}}");
			break;
		case COVET_FORMAT_YAML:
			y_mapping_start(dm, false);
			y_string(dm, "model", 5, true);
			y_string(dm, MODEL_OF(dm, t), strlen(MODEL_OF(dm, t)), true);
			if (t->npk == 1)
			{
				y_string(dm, "pk", 2, true);
				rc = y_value(dm, frags[t->pk[0]], err);
			}
			else if (t->npk > 1)
			{
				y_string(dm, "pk", 2, true);
				y_mapping_start(dm, false);
				for (i = 0; i < t->npk && rc == COVET_OK; i++)
				{
					y_string(dm, t->cols[t->pk[i]], strlen(t->cols[t->pk[i]]), true);
					rc = y_value(dm, frags[t->pk[i]], err);
				}
				y_mapping_end(dm);
			}
			y_string(dm, "fields", 6, true);
			y_mapping_start(dm, false);
			for (i = 0; i < t->ncols && rc == COVET_OK; i++)
			{
				if (t->is_pk[i])
					continue;
				y_string(dm, FIELD_OF(dm, t, i), strlen(FIELD_OF(dm, t, i)), true);
				rc = y_value(dm, frags[i], err);
			}
			for (i = 0; dm->cur != NULL && i < dm->cur->nm2m && rc == COVET_OK; i++)
			{
				const DumpM2m *m = &dm->cur->m2m[i];
				char	   *list;

				if ((rc = m2m_list(dm, m, err)) != COVET_OK ||
					(rc = covet_buf_finish(&dm->tmp, &list, err)) != COVET_OK)
					break;
				covet_buf_init(&dm->tmp, &dm->d->mem);
				y_string(dm, m->field, strlen(m->field), true);
				rc = y_value(dm, list, err);
				covet_free(&dm->d->mem, list);
			}
			y_mapping_end(dm);
			y_mapping_end(dm);
			break;
		case COVET_FORMAT_CSV:
			for (i = 0; i < t->ncols && rc == COVET_OK; i++)
			{
				if (i > 0)
					covet_buf_appendc(&dm->out, ',');
				rc = csv_value(dm, frags[i], err);
			}
			covet_buf_appendc(&dm->out, '\n');
			break;
	}
	if (rc == COVET_OK && dm->yaml_failed)
		rc = covet_error_set(err, dm->out.failed ? COVET_ERR_NOMEM : COVET_ERR_INTERNAL,
							 "could not write YAML: %s",
							 dm->emitter.problem ? dm->emitter.problem : "out of memory");
	dm->records++;
	return rc;
}

/*
 * The record SQL of a JSON dump: the constant text pending in lit goes out
 * as a SQL literal before the next expression.  A backslash in it (a name
 * no one uses) would read differently under standard_conforming_strings =
 * off: *ok = false, and the dump formats the record in C instead.
 */
typedef struct RecSql
{
	CovetBuf   *b;				/* the expression (func: the arguments) */
	CovetBuf	lit;			/* constant text not written yet */
	CovetBuf	flags;			/* func: covet_json_record's flags */
	bool		func;			/* SQLite: one covet_json_record call */
	bool		any;			/* b holds a first operand */
	bool		ok;
} RecSql;

static void
rec_flush(RecSql *rs, const CovetDialect *dl)
{
	if (rs->lit.len == 0)
		return;
	covet_buf_append(&rs->lit, "");
	if (rs->lit.data == NULL || memchr(rs->lit.data, '\\', rs->lit.len) != NULL)
		rs->ok = false;
	else
	{
		if (rs->any)
		{
			if (rs->func)
				covet_buf_append(rs->b, ", ");
			else
				covet_sql_op(rs->b, dl, "||");
		}
		if (rs->func && dl->engine == COVET_ENGINE_POSTGRES)
		{
			covet_buf_append(rs->b, "CAST(");
			covet_quote_literal(rs->b, rs->lit.data);
			covet_buf_append(rs->b, " AS pg_catalog.text)");
		}
		else
			covet_quote_literal(rs->b, rs->lit.data);
		covet_buf_appendc(&rs->flags, 'c');
		rs->any = true;
	}
	covet_buf_reset(&rs->lit);
}

/*
 * A column's JSON: its template; in a covet_json_record call, a column of
 * a kind the dialect writes by storage class goes as it is ('v')
 */
static void
rec_expr(RecSql *rs, const CovetDialect *dl, const char *tmpl, const CovetFxTable *t, int col,
		 bool naive_tstz)
{
	char		flag = rs->func ? covet_fx_record_flag(dl, t, col, naive_tstz) : 'c';
	bool		raw = flag != 'c';

	rec_flush(rs, dl);
	if (rs->any)
	{
		if (rs->func)
			covet_buf_append(rs->b, ", ");
		else
			covet_sql_op(rs->b, dl, "||");
	}
	if (raw)
		covet_quote_ident(rs->b, t->cols[col]);
	else
	{
		covet_buf_appendc(rs->b, '(');
		covet_fx_expand(rs->b, dl, tmpl, t->cols[col], t->sql_name, NULL, t->sql_types[col], NULL);
		covet_buf_appendc(rs->b, ')');
	}
	covet_buf_appendc(&rs->flags, flag);
	rs->any = true;
}

/*
 * One JSON record as one SQL expression, the text write_record gives:
 * {"model": M, "pk": K, "fields": {"f": V, ...}}.  The engine makes it (no
 * value crosses into C one by one), so a page comes back as one text per
 * row.
 */
static CovetStatus
record_expr(const Dumper *dm, const CovetFxTable *t, CovetBuf *out, bool *ok, CovetError *err)
{
	const CovetDialect *dl = dm->d->dialect;
	RecSql		rs;
	CovetBuf	args;
	bool		first = true;
	bool		failed;
	int			i;

	memset(&rs, 0, sizeof(rs));
	covet_buf_init(&args, &dm->d->mem);
	covet_buf_init(&rs.lit, &dm->d->mem);
	covet_buf_init(&rs.flags, &dm->d->mem);
	rs.b = &args;
	rs.ok = true;

	/*
	 * covet_json_record of the binding (sqlite_ext/fixtures.c,
	 * src/pg/fixtures.c), whose arguments are two per column at most, and
	 * 100 at most (PostgreSQL's limit; SQLite's registration follows)
	 */
	rs.func = t->ncols <= 45 &&
		(dl->engine == COVET_ENGINE_SQLITE ||
		 (dl->engine == COVET_ENGINE_POSTGRES && dl->func_prefix != NULL && dl->func_prefix[0] != '\0'));
	covet_buf_append(&rs.lit, "{\"model\": ");
	covet_json_string(&rs.lit, MODEL_OF(dm, t), strlen(MODEL_OF(dm, t)));
	if (t->npk == 1)
	{
		covet_buf_append(&rs.lit, ", \"pk\": ");
		rec_expr(&rs, dl, covet_fx_dump_expr(dl, t, t->pk[0], dm->naive_tstz), t, t->pk[0], dm->naive_tstz);
	}
	else if (t->npk > 1)
	{
		covet_buf_append(&rs.lit, ", \"pk\": {");
		for (i = 0; i < t->npk; i++)
		{
			if (i > 0)
				covet_buf_append(&rs.lit, ", ");
			covet_json_string(&rs.lit, t->cols[t->pk[i]], strlen(t->cols[t->pk[i]]));
			covet_buf_append(&rs.lit, ": ");
			rec_expr(&rs, dl, covet_fx_dump_expr(dl, t, t->pk[i], dm->naive_tstz), t, t->pk[i], dm->naive_tstz);
		}
		covet_buf_appendc(&rs.lit, '}');
	}
	covet_buf_append(&rs.lit, ", \"fields\": {");
	for (i = 0; i < t->ncols; i++)
	{
		if (t->is_pk[i])
			continue;
		if (!first)
			covet_buf_append(&rs.lit, ", ");
		first = false;
		covet_json_string(&rs.lit, FIELD_OF(dm, t, i), strlen(FIELD_OF(dm, t, i)));
		covet_buf_append(&rs.lit, ": ");
		rec_expr(&rs, dl, covet_fx_dump_expr(dl, t, i, dm->naive_tstz), t, i, dm->naive_tstz);
	}
	covet_buf_append(&rs.lit, "}}");
	rec_flush(&rs, dl);
	covet_buf_append(&rs.flags, "");
	if (rs.func)
	{
		covet_fx_expand(out, dl, "%Pcovet_json_record(", NULL, NULL, NULL, NULL, NULL);
		covet_quote_literal(out, rs.flags.data ? rs.flags.data : "");
		covet_buf_append(out, ", ");
	}
	else
		covet_buf_appendc(out, '(');
	covet_buf_appendn(out, args.data ? args.data : "", args.len);
	covet_buf_appendc(out, ')');
	failed = rs.lit.failed || rs.flags.failed || args.failed;
	covet_buf_free(&rs.lit);
	covet_buf_free(&rs.flags);
	covet_buf_free(&args);
	*ok = rs.ok;
	return failed ? covet_error_set(err, COVET_ERR_NOMEM, "out of memory") : COVET_OK;
}

/*
 * SELECT <key>, <json of each column> FROM t [WHERE key > $] ORDER BY key
 * LIMIT n; record: SELECT <key>, <the record's JSON text> ... instead
 */
static CovetStatus
page_sql(const Dumper *dm, const CovetFxTable *t, bool record, bool agg, bool after, int limit,
		 char **sql, bool *ok, CovetError *err)
{
	CovetDriver *d = dm->d;
	const CovetDialect *dl = d->dialect;
	CovetBuf	b;
	CovetStatus rc;
	int			i;

	covet_buf_init(&b, &d->mem);
	if (agg)
		covet_buf_append(&b, "SELECT CAST(pg_catalog.max(s.k) AS pg_catalog.text),"
						 " CAST(pg_catalog.count(*) AS pg_catalog.text),"
						 " pg_catalog.string_agg(s.r, E',\\n') FROM (");
	covet_buf_append(&b, "SELECT ");
	for (i = 0; i < t->npk; i++)
	{
		covet_quote_ident(&b, t->cols[t->pk[i]]);
		covet_buf_append(&b, ", ");
	}
	if (record)
	{
		if ((rc = record_expr(dm, t, &b, ok, err)) != COVET_OK)
		{
			covet_buf_free(&b);
			return rc;
		}
	}
	else
		for (i = 0; i < t->ncols; i++)
		{
			if (i > 0)
				covet_buf_append(&b, ", ");
			covet_fx_expand(&b, dl, covet_fx_dump_expr(dl, t, i, dm->naive_tstz), t->cols[i],
							t->sql_name, NULL, t->sql_types[i], NULL);
		}
	covet_buf_appendf(&b, " FROM %s", t->sql_name);
	if (t->npk > 0)
	{
		if (after)
		{
			covet_buf_append(&b, " WHERE (");
			for (i = 0; i < t->npk; i++)
			{
				if (i > 0)
					covet_buf_append(&b, ", ");
				covet_quote_ident(&b, t->cols[t->pk[i]]);
			}
			covet_buf_appendc(&b, ')');
			covet_sql_op(&b, dl, ">");
			covet_buf_appendc(&b, '(');
			for (i = 0; i < t->npk; i++)
			{
				const char *type = t->sql_types[t->pk[i]];

				if (i > 0)
					covet_buf_append(&b, ", ");
				if (dl->cast_key_params && type[0] != '\0')
					covet_buf_appendf(&b, "CAST(%s%d AS %s)", dl->param_prefix, i + 1, type);
				else
					covet_buf_appendf(&b, "%s%d", dl->param_prefix, i + 1);
			}
			covet_buf_appendc(&b, ')');
		}
		covet_buf_append(&b, " ORDER BY ");
		for (i = 0; i < t->npk; i++)
		{
			if (i > 0)
				covet_buf_append(&b, ", ");
			covet_quote_ident(&b, t->cols[t->pk[i]]);
		}
		covet_buf_appendf(&b, " LIMIT %d", limit);
	}
	if (agg)
		covet_buf_append(&b, ") AS s(k, r)");
	return covet_buf_finish(&b, sql, err);
}

static CovetStatus
dump_table(Dumper *dm, const CovetFxTable *t, CovetError *err)
{
	CovetDriver *d = dm->d;
	char	   *sql[2] = {NULL, NULL};
	char	  **last = NULL;
	CovetResult res = {0};
	CovetStatus rc;
	bool		first = true;
	/* JSON records made by the engine; many-to-many lists need C */
	bool		record = dm->format == COVET_FORMAT_JSON && (dm->cur == NULL || dm->cur->nm2m == 0);

	/*
	 * PostgreSQL, one integer key: a page is one row, its records joined by
	 * string_agg (in the subquery's key order, as a plain aggregate over a
	 * LIMIT reads them) and its last key max(k); each row SPI returns costs
	 * a tuple copy and a type look-up per value.
	 */
	bool		agg = record && d->dialect->engine == COVET_ENGINE_POSTGRES && t->npk == 1 &&
		t->kinds[t->pk[0]] == COVET_FX_INT;
	bool		ok = true;
	int			limit = DUMP_PAGE;	/* of the page being read */
	size_t		page_bytes = 0; /* the first page's text */
	int			i,
				r;

	if (record)
	{
		if ((rc = page_sql(dm, t, true, agg, false, DUMP_PAGE, &sql[0], &ok, err)) != COVET_OK)
			goto done;
		if (!ok)
		{
			covet_free(&d->mem, sql[0]);
			sql[0] = NULL;
			record = agg = false;
		}
	}
	if (sql[0] == NULL && (rc = page_sql(dm, t, record, agg, false, DUMP_PAGE, &sql[0], &ok, err)) != COVET_OK)
		goto done;
	if (t->npk > 0 && (last = covet_alloc0(&d->mem, sizeof(char *) * (size_t) t->npk)) == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (dm->format == COVET_FORMAT_CSV)
	{
		for (i = 0; i < t->ncols; i++)
		{
			if (i > 0)
				covet_buf_appendc(&dm->out, ',');
			covet_csv_field(&dm->out, t->cols[i], strlen(t->cols[i]));
		}
		covet_buf_appendc(&dm->out, '\n');
	}
	for (;;)
	{
		if (!first && sql[1] == NULL)
		{
			/*
			 * The later pages: engine-made records of about DUMP_PAGE_BYTES
			 * (by the first page's size), so that a table of small rows
			 * takes fewer queries, each parsed and planned
			 */
			if (record && page_bytes > 0)
			{
				size_t		per = page_bytes / DUMP_PAGE + 1;
				size_t		want = DUMP_PAGE_BYTES / per;

				limit = want < DUMP_PAGE ? DUMP_PAGE : want > DUMP_PAGE_MAX ? DUMP_PAGE_MAX : (int) want;
			}
			if ((rc = page_sql(dm, t, record, agg, true, limit, &sql[1], &ok, err)) != COVET_OK)
				goto done;
		}
		rc = d->query(d->ctx, first ? sql[0] : sql[1], first ? 0 : t->npk,
					  (const char *const *) last, &res, err);
		if (rc != COVET_OK)
			goto done;
		if (agg)
		{
			int64_t		n = res.nrows == 1 && COVET_VALUE(&res, 0, 1) != NULL ?
				(int64_t) strtoll(COVET_VALUE(&res, 0, 1), NULL, 10) : 0;

			if (n > 0)
			{
				size_t		before = dm->out.len;

				if (COVET_VALUE(&res, 0, 0) == NULL || COVET_VALUE(&res, 0, 2) == NULL)
				{
					rc = covet_error_set(err, COVET_ERR_INTERNAL, "no JSON for a record of \"%s\"", t->model);
					goto done;
				}
				covet_buf_append(&dm->out, dm->records == 0 ? "[\n" : ",\n");
				covet_buf_append(&dm->out, COVET_VALUE(&res, 0, 2));
				dm->records += n;
				if (first)
					page_bytes = dm->out.len - before;
			}
			if (d->check_interrupts != NULL && (rc = d->check_interrupts(d->ctx, err)) != COVET_OK)
				goto done;
			if ((rc = dump_flush(dm, false, err)) != COVET_OK)
				goto done;
			if (n < limit)
				break;
			covet_free(&d->mem, last[0]);
			last[0] = COVET_VALUE(&res, 0, 0);
			COVET_VALUE(&res, 0, 0) = NULL;
			covet_result_free(d, &res);
			first = false;
			continue;
		}
		for (r = 0; record && r < res.nrows; r++)
		{
			const char *text = COVET_VALUE(&res, r, t->npk);
			size_t		before = dm->out.len;

			if (text == NULL)
			{
				rc = covet_error_set(err, COVET_ERR_INTERNAL, "no JSON for a record of \"%s\"", t->model);
				goto done;
			}
			covet_buf_append(&dm->out, dm->records == 0 ? "[\n" : ",\n");
			covet_buf_append(&dm->out, text);
			dm->records++;
			if (first)
				page_bytes += dm->out.len - before;
		}
		for (r = 0; !record && r < res.nrows && rc == COVET_OK; r++)
		{
			char	   *const *frags = &COVET_VALUE(&res, r, t->npk);

			dm->cur_key = &COVET_VALUE(&res, r, 0);

			for (i = 0; i < t->ncols; i++)
				if (frags[i] == NULL)
				{
					rc = covet_error_set(err, COVET_ERR_INTERNAL, "no JSON for column \"%s\"", t->cols[i]);
					goto done;
				}
			rc = write_record(dm, t, frags, err);
		}
		if (rc != COVET_OK)
			goto done;
		if (d->check_interrupts != NULL && (rc = d->check_interrupts(d->ctx, err)) != COVET_OK)
			goto done;
		if ((rc = dump_flush(dm, false, err)) != COVET_OK)
			goto done;
		if (t->npk == 0 || res.nrows < limit)
			break;
		/* the next page starts after this page's last key */
		for (i = 0; i < t->npk; i++)
		{
			covet_free(&d->mem, last[i]);
			last[i] = COVET_VALUE(&res, res.nrows - 1, i);
			COVET_VALUE(&res, res.nrows - 1, i) = NULL;
		}
		covet_result_free(d, &res);
		first = false;
	}
done:
	covet_result_free(d, &res);
	for (i = 0; last != NULL && i < t->npk; i++)
		covet_free(&d->mem, last[i]);
	covet_free(&d->mem, last);
	covet_free(&d->mem, sql[0]);
	covet_free(&d->mem, sql[1]);
	return rc;
}

static void
tables_free(CovetDriver *d, CovetFxTable **tables, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (tables[i] != NULL)
		{
			covet_fx_table_free(d, tables[i]);
			covet_free(&d->mem, tables[i]);
		}
	covet_free(&d->mem, tables);
}

static CovetStatus
yaml_stream(Dumper *dm, bool start, CovetError *err)
{
	yaml_event_t ev;

	if (start)
	{
		if (!yaml_emitter_initialize(&dm->emitter))
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		dm->emitter_open = true;
		yaml_emitter_set_output(&dm->emitter, yaml_write, dm);
		yaml_emitter_set_unicode(&dm->emitter, 1);
		yaml_emitter_set_width(&dm->emitter, -1);
		yaml_emitter_set_indent(&dm->emitter, 2);
		yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
		y_emit(dm, &ev);
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		y_emit(dm, &ev);
		y_sequence_start(dm, false);
	}
	else
	{
		y_sequence_end(dm);
		yaml_document_end_event_initialize(&ev, 1);
		y_emit(dm, &ev);
		yaml_stream_end_event_initialize(&ev);
		y_emit(dm, &ev);
		if (!dm->yaml_failed && !yaml_emitter_flush(&dm->emitter))
			dm->yaml_failed = true;
	}
	if (dm->yaml_failed)
		return covet_error_set(err, dm->out.failed ? COVET_ERR_NOMEM : COVET_ERR_INTERNAL,
							   "could not write YAML: %s",
							   dm->emitter.problem ? dm->emitter.problem : "out of memory");
	return COVET_OK;
}

/* --- Django's names ---------------------------------------------------------- */

static void
names_free(CovetDriver *d, DumpNames *names, int n)
{
	int			i,
				k;

	for (i = 0; names != NULL && i < n; i++)
	{
		covet_free(&d->mem, names[i].model);
		for (k = 0; names[i].fields != NULL && k < names[i].nfields_; k++)
			covet_free(&d->mem, names[i].fields[k]);
		covet_free(&d->mem, names[i].fields);
		for (k = 0; k < names[i].nm2m; k++)
		{
			covet_free(&d->mem, names[i].m2m[k].field);
			covet_free(&d->mem, names[i].m2m[k].sql);
		}
		covet_free(&d->mem, names[i].m2m);
	}
	covet_free(&d->mem, names);
}

static bool
same_table(const CovetDialect *dl, const char *a, const char *b)
{
	return dl->engine == COVET_ENGINE_SQLITE ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/*
 * Is table x (links lx) a many-to-many table of a dumped table: an id and
 * two one-column foreign keys, named "<owner>_<field>"?  Then the owner's
 * records get the field, and x is not written as a model.
 */
static CovetStatus
find_owner(CovetDriver *d, CovetFxTable **tabs, int ntabs, int x, const CovetFxLinks *lx,
		   DumpNames *names, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	const CovetFxTable *t = tabs[x];
	int			k,
				o;

	if (lx->nfks != 2 || t->ncols != 3 || t->npk != 1 ||
		t->is_pk[lx->fks[0].col] || t->is_pk[lx->fks[1].col])
		return COVET_OK;
	for (k = 0; k < 2; k++)
		for (o = 0; o < ntabs; o++)
		{
			const CovetFxTable *ot = tabs[o];
			size_t		n = strlen(ot->model);
			int			own = k,
						tgt;
			DumpM2m    *m;
			CovetBuf	b;

			if (o == x || names[o].skip || !same_table(dl, lx->fks[k].target, ot->model) ||
				strlen(t->model) <= n + 1 || t->model[n] != '_' ||
				!(dl->engine == COVET_ENGINE_SQLITE ? strncasecmp(t->model, ot->model, n) == 0 :
				  strncmp(t->model, ot->model, n) == 0) || ot->npk != 1)
				continue;
			if (same_table(dl, lx->fks[0].target, lx->fks[1].target))
			{
				/* a self-reference: from_<model>_id is the owner */
				own = strncasecmp(t->cols[lx->fks[0].col], "from_", 5) == 0 ? 0 :
					strncasecmp(t->cols[lx->fks[1].col], "from_", 5) == 0 ? 1 : -1;
				if (own < 0)
					return COVET_OK;
			}
			tgt = 1 - own;
			if ((m = covet_alloc(&d->mem, sizeof(DumpM2m) * (size_t) (names[o].nm2m + 1))) == NULL)
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			if (names[o].nm2m > 0)
				memcpy(m, names[o].m2m, sizeof(DumpM2m) * (size_t) names[o].nm2m);
			covet_free(&d->mem, names[o].m2m);
			names[o].m2m = m;
			m = &names[o].m2m[names[o].nm2m];
			memset(m, 0, sizeof(*m));
			names[o].nm2m++;
			m->field = covet_strdup(&d->mem, t->model + n + 1);
			covet_buf_init(&b, &d->mem);
			covet_buf_append(&b, "SELECT ");
			covet_fx_expand(&b, dl, dl->fixture->dump_expr[t->kinds[lx->fks[tgt].col]], t->cols[lx->fks[tgt].col],
							t->sql_name, NULL, t->sql_types[lx->fks[tgt].col], NULL);
			covet_buf_appendf(&b, " FROM %s WHERE ", t->sql_name);
			covet_fx_expand(&b, dl, dl->fixture->key_eq, t->cols[lx->fks[own].col], t->sql_name,
							dl->engine == COVET_ENGINE_POSTGRES ? "$1" : "?1",
							t->sql_types[lx->fks[own].col], NULL);
			covet_buf_append(&b, " ORDER BY ");
			covet_quote_ident(&b, t->cols[t->pk[0]]);
			if (covet_buf_finish(&b, &m->sql, err) != COVET_OK || m->field == NULL)
				return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			names[x].skip = true;
			return COVET_OK;
		}
	return COVET_OK;
}

/* The names of each table in the dump. */
static CovetStatus
dump_names(CovetDriver *d, CovetFxTable **tabs, int ntabs, const CovetFixtureOptions *opts,
		   DumpNames **out, CovetError *err)
{
	CovetFxMap	map;
	CovetFxLinks *links = NULL;
	DumpNames  *names;
	bool		django = opts->style == COVET_STYLE_DJANGO;
	CovetStatus rc;
	int			i,
				c;

	*out = NULL;
	if ((rc = covet_fx_map_parse(&d->mem, opts->model_map, &map, err)) != COVET_OK)
		return rc;
	names = covet_alloc0(&d->mem, sizeof(DumpNames) * (size_t) (ntabs + 1));
	links = covet_alloc0(&d->mem, sizeof(CovetFxLinks) * (size_t) (ntabs + 1));
	if (names == NULL || links == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; rc == COVET_OK && i < ntabs; i++)
	{
		const char *m = covet_fx_map_model(&map, tabs[i]->model);

		if (m != NULL)
			names[i].model = covet_strdup(&d->mem, m);
		else if (django)
			names[i].model = covet_fx_django_model(&d->mem, tabs[i]->model);
		if ((m != NULL || django) && names[i].model == NULL)
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		if (rc == COVET_OK && django)
			rc = covet_fx_links_get(d, tabs[i], &links[i], err);
	}
	for (i = 0; rc == COVET_OK && django && i < ntabs; i++)
		rc = find_owner(d, tabs, ntabs, i, &links[i], names, err);
	/* foreign keys under the field's name: "author_id" -> "author" */
	for (i = 0; rc == COVET_OK && django && i < ntabs; i++)
	{
		const CovetFxTable *t = tabs[i];

		if ((names[i].fields = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (t->ncols + 1))) == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			break;
		}
		names[i].nfields_ = t->ncols;
		for (c = 0; c < t->ncols; c++)
		{
			size_t		n = strlen(t->cols[c]);

			if (t->is_pk[c] || n <= 3 || strcmp(t->cols[c] + n - 3, "_id") != 0 ||
				covet_fx_fk_of(&links[i], c) == NULL)
				continue;
			if ((names[i].fields[c] = covet_strndup(&d->mem, t->cols[c], n - 3)) == NULL)
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
	}
	for (i = 0; links != NULL && i < ntabs; i++)
		covet_fx_links_free(d, &links[i]);
	covet_free(&d->mem, links);
	covet_fx_map_free(&d->mem, &map);
	if (rc != COVET_OK)
	{
		names_free(d, names, ntabs);
		return rc;
	}
	*out = names;
	return COVET_OK;
}

/* A dump as text (path NULL) or streamed to a file through append_file */
static CovetStatus
dump_run(CovetDriver *d, const char *tables, CovetFixtureFormat format,
		 const CovetFixtureOptions *opts, const char *path, char **out, size_t *len,
		 int64_t *records, CovetError *err)
{
	Dumper		dm;
	DumpNames  *dnames = NULL;
	char	  **names = NULL;
	int			nnames = 0;
	CovetFxTable **tabs = NULL;
	int			ntabs = 0;
	int		   *order = NULL;
	CovetStatus rc;
	int			i,
				j;

	*out = NULL;
	*len = 0;
	*records = 0;
	if (opts != NULL && opts->model_map != NULL)
	{
		/* a bad argument before any table */
		CovetFxMap	map;

		if ((rc = covet_fx_map_parse(&d->mem, opts->model_map, &map, err)) != COVET_OK)
			return rc;
		covet_fx_map_free(&d->mem, &map);
	}
	memset(&dm, 0, sizeof(dm));
	dm.d = d;
	dm.format = format;
	dm.path = path;
	dm.naive_tstz = opts != NULL && opts->style == COVET_STYLE_DJANGO;
	covet_buf_init(&dm.out, &d->mem);
	covet_buf_init(&dm.tmp, &d->mem);

	/* which tables */
	if (tables != NULL)
		rc = covet_fx_split(&d->mem, tables, &names, &nnames, err);
	else
	{
		CovetResult res = {0};

		rc = covet_sql_run(d, d->dialect->fixture->tables_sql, 0, NULL, &res, err);
		if (rc == COVET_OK && res.nrows > 0)
		{
			if ((names = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows)) == NULL)
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			for (i = 0; rc == COVET_OK && i < res.nrows; i++)
			{
				names[nnames] = COVET_VALUE(&res, i, 0);
				COVET_VALUE(&res, i, 0) = NULL;
				if (names[nnames] != NULL)
					nnames++;
			}
		}
		covet_result_free(d, &res);
	}
	if (rc != COVET_OK)
		goto done;
	if (tables != NULL && nnames == 0)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "no table named in \"%s\"", tables);
		covet_error_hint(err, "Name tables separated by commas or spaces, or pass NULL for every table.");
		goto done;
	}
	if (format == COVET_FORMAT_CSV && nnames != 1)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "a CSV fixture holds exactly one table, not %d", nnames);
		covet_error_hint(err, "Name one table, or use the json or yaml format.");
		goto done;
	}
	if (nnames > 0 &&
		((tabs = covet_alloc0(&d->mem, sizeof(CovetFxTable *) * (size_t) nnames)) == NULL ||
		 (order = covet_alloc0(&d->mem, sizeof(int) * (size_t) nnames)) == NULL))
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nnames; i++)
	{
		CovetFxTable *t = covet_alloc0(&d->mem, sizeof(CovetFxTable));

		if (t == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			goto done;
		}
		if ((rc = covet_fx_table_get(d, names[i], t, err)) != COVET_OK)
		{
			covet_free(&d->mem, t);
			goto done;
		}
		for (j = 0; j < ntabs; j++)
			if (strcmp(tabs[j]->sql_name, t->sql_name) == 0)
				break;
		if (j < ntabs)
		{
			covet_fx_table_free(d, t);	/* named twice */
			covet_free(&d->mem, t);
			continue;
		}
		tabs[ntabs++] = t;
	}
	if ((rc = covet_fx_order(d, tabs, ntabs, order, err)) != COVET_OK)
		goto done;
	if (opts != NULL && (opts->model_map != NULL || opts->style != COVET_STYLE_COVET) &&
		(rc = dump_names(d, tabs, ntabs, opts, &dnames, err)) != COVET_OK)
		goto done;

	switch (format)
	{
		case COVET_FORMAT_JSON:
			break;
		case COVET_FORMAT_YAML:
			if ((rc = yaml_stream(&dm, true, err)) != COVET_OK)
				goto done;
			break;
		case COVET_FORMAT_CSV:
			break;
	}
	for (i = 0; i < ntabs; i++)
	{
		dm.cur = dnames != NULL ? &dnames[order[i]] : NULL;
		if (dm.cur != NULL && dm.cur->skip)
			continue;
		if ((rc = dump_table(&dm, tabs[order[i]], err)) != COVET_OK)
			goto done;
	}
	if (format == COVET_FORMAT_JSON)
		covet_buf_append(&dm.out, dm.records == 0 ? "[]\n" : "\n]\n");
	else if (format == COVET_FORMAT_YAML && (rc = yaml_stream(&dm, false, err)) != COVET_OK)
		goto done;
	*records = dm.records;
	if (path != NULL)
	{
		rc = dump_flush(&dm, true, err);
		goto done;
	}
	covet_buf_append(&dm.out, "");
	*len = dm.out.len;
	rc = covet_buf_finish(&dm.out, out, err);

done:
	if (dm.emitter_open)
		yaml_emitter_delete(&dm.emitter);
	covet_buf_free(&dm.out);
	covet_buf_free(&dm.tmp);
	for (i = 0; i < nnames; i++)
		covet_free(&d->mem, names[i]);
	covet_free(&d->mem, names);
	names_free(d, dnames, ntabs);
	tables_free(d, tabs, ntabs);
	covet_free(&d->mem, order);
	if (rc != COVET_OK)
	{
		*len = 0;
		*records = 0;
	}
	return rc;
}

CovetStatus
covet_fixture_dump(CovetDriver *d, const char *tables, CovetFixtureFormat format,
				   char **out, size_t *len, int64_t *records, CovetError *err)
{
	return dump_run(d, tables, format, NULL, NULL, out, len, records, err);
}

CovetStatus
covet_fixture_dump_ex(CovetDriver *d, const char *tables, CovetFixtureFormat format,
					  const CovetFixtureOptions *opts, char **out, size_t *len,
					  int64_t *records, CovetError *err)
{
	return dump_run(d, tables, format, opts, NULL, out, len, records, err);
}

CovetStatus
covet_fixture_dump_file(CovetDriver *d, const char *path, const char *tables,
						CovetFixtureFormat format, int64_t *records, CovetError *err)
{
	return covet_fixture_dump_file_ex(d, path, tables, format, NULL, records, err);
}

CovetStatus
covet_fixture_dump_file_ex(CovetDriver *d, const char *path, const char *tables,
						   CovetFixtureFormat format, const CovetFixtureOptions *opts,
						   int64_t *records, CovetError *err)
{
	char	   *text = NULL;
	size_t		len = 0;
	CovetStatus rc;

	*records = 0;
	if (path == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "path must not be null");
	if (d->write_file == NULL)
	{
		covet_error_set(err, COVET_ERR_STATE, "covet cannot write files here");
		return COVET_ERR_STATE;
	}
	if (d->append_file != NULL && d->finish_file != NULL)
	{
		/* streamed: rows go to the file as they are read */
		CovetError	e2;

		rc = dump_run(d, tables, format, opts, path, &text, &len, records, err);
		if (rc == COVET_OK)
			rc = d->finish_file(d->ctx, path, true, err);
		else
			d->finish_file(d->ctx, path, false, &e2);
		if (rc != COVET_OK)
			*records = 0;
		return rc;
	}
	if ((rc = covet_fixture_dump_ex(d, tables, format, opts, &text, &len, records, err)) != COVET_OK)
		return rc;
	rc = d->write_file(d->ctx, path, text, len, err);
	covet_free(&d->mem, text);
	if (rc != COVET_OK)
		*records = 0;
	return rc;
}
