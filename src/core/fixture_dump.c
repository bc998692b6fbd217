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
#include <string.h>
#include <yaml.h>

#define DUMP_PAGE 1000

typedef struct Dumper
{
	CovetDriver *d;
	CovetFixtureFormat format;
	CovetBuf	out;
	CovetBuf	tmp;
	int64_t		records;
	yaml_emitter_t emitter;
	bool		emitter_open;
	bool		yaml_failed;	/* an event was refused */
} Dumper;

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
			covet_json_string(&dm->out, t->model, strlen(t->model));
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
					covet_json_string(&dm->out, t->cols[i], strlen(t->cols[i]));
					covet_buf_appendf(&dm->out, ": %s", frags[i]);
				}
			}
			covet_buf_append(&dm->out, "}}");
			break;
		case COVET_FORMAT_YAML:
			y_mapping_start(dm, false);
			y_string(dm, "model", 5, true);
			y_string(dm, t->model, strlen(t->model), true);
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
				y_string(dm, t->cols[i], strlen(t->cols[i]), true);
				rc = y_value(dm, frags[i], err);
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

/* SELECT <key>, <json of each column> FROM t [WHERE key > $] ORDER BY key LIMIT n */
static CovetStatus
page_sql(CovetDriver *d, const CovetFxTable *t, bool after, char **sql, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetBuf	b;
	int			i;

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	for (i = 0; i < t->npk; i++)
	{
		covet_quote_ident(&b, t->cols[t->pk[i]]);
		covet_buf_append(&b, ", ");
	}
	for (i = 0; i < t->ncols; i++)
	{
		if (i > 0)
			covet_buf_append(&b, ", ");
		covet_fx_expand(&b, dl, dl->fixture->dump_expr[t->kinds[i]], t->cols[i], t->sql_name,
						NULL, t->sql_types[i], NULL);
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
		covet_buf_appendf(&b, " LIMIT %d", DUMP_PAGE);
	}
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
	int			i,
				r;

	if ((rc = page_sql(d, t, false, &sql[0], err)) != COVET_OK ||
		(rc = page_sql(d, t, true, &sql[1], err)) != COVET_OK)
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
		rc = d->query(d->ctx, first ? sql[0] : sql[1], first ? 0 : t->npk,
					  (const char *const *) last, &res, err);
		if (rc != COVET_OK)
			goto done;
		for (r = 0; r < res.nrows && rc == COVET_OK; r++)
		{
			char	   *const *frags = &COVET_VALUE(&res, r, t->npk);

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
		if (t->npk == 0 || res.nrows < DUMP_PAGE)
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

CovetStatus
covet_fixture_dump(CovetDriver *d, const char *tables, CovetFixtureFormat format,
				   char **out, size_t *len, int64_t *records, CovetError *err)
{
	Dumper		dm;
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
	memset(&dm, 0, sizeof(dm));
	dm.d = d;
	dm.format = format;
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
		if ((rc = dump_table(&dm, tabs[order[i]], err)) != COVET_OK)
			goto done;
	if (format == COVET_FORMAT_JSON)
		covet_buf_append(&dm.out, dm.records == 0 ? "[]\n" : "\n]\n");
	else if (format == COVET_FORMAT_YAML && (rc = yaml_stream(&dm, false, err)) != COVET_OK)
		goto done;
	covet_buf_append(&dm.out, "");
	*len = dm.out.len;
	*records = dm.records;
	rc = covet_buf_finish(&dm.out, out, err);

done:
	if (dm.emitter_open)
		yaml_emitter_delete(&dm.emitter);
	covet_buf_free(&dm.out);
	covet_buf_free(&dm.tmp);
	for (i = 0; i < nnames; i++)
		covet_free(&d->mem, names[i]);
	covet_free(&d->mem, names);
	tables_free(d, tabs, ntabs);
	covet_free(&d->mem, order);
	if (rc != COVET_OK)
		*len = 0;
	return rc;
}

CovetStatus
covet_fixture_dump_file(CovetDriver *d, const char *path, const char *tables,
						CovetFixtureFormat format, int64_t *records, CovetError *err)
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
	if ((rc = covet_fixture_dump(d, tables, format, &text, &len, records, err)) != COVET_OK)
		return rc;
	rc = d->write_file(d->ctx, path, text, len, err);
	covet_free(&d->mem, text);
	if (rc != COVET_OK)
		*records = 0;
	return rc;
}

CovetStatus
covet_fixture_dump_ex(CovetDriver *d, const char *tables, CovetFixtureFormat format,
					  const CovetFixtureOptions *opts, char **out, size_t *len,
					  int64_t *records, CovetError *err)
{
	(void) opts;
	return covet_fixture_dump(d, tables, format, out, len, records, err);
}

CovetStatus
covet_fixture_dump_file_ex(CovetDriver *d, const char *path, const char *tables,
						   CovetFixtureFormat format, const CovetFixtureOptions *opts,
						   int64_t *records, CovetError *err)
{
	(void) opts;
	return covet_fixture_dump_file(d, path, tables, format, records, err);
}
