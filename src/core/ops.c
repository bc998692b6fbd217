/*-------------------------------------------------------------------------
 *
 * ops.c
 *		The named batched operations: their SQL signatures, and how each one
 *		becomes a CovetOp (a SET list and a filter, or a delete filter) for
 *		the batch engine.
 *
 * covet_op_defs is the one description of every operation's arguments;
 * both bindings register their SQL functions from it, so the engines
 * cannot drift apart.  Every binding passes arguments as text (booleans as
 * "true"/"false", NULL as a NULL pointer) and lets covet_op_prepare check
 * and convert them.
 *
 * Identifiers (tables, columns) are always quoted.  Expressions (set,
 * where, transform, reverse) are SQL by design and pass
 * covet_fragment_check; batch.c has the engine parse the statements that
 * embed them.  Values (delimiters, mapping entries) become
 * quoted literals.
 *
 *-------------------------------------------------------------------------
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Common trailing arguments of every operation. */
#define BATCH_ARGS \
	{"batch_size", COVET_ARG_INT, "10000"}, \
	{"undo", COVET_ARG_BOOL, "true"}

/*
 * The arguments every operation takes last, after undo (opargs.c): the
 * same four in the same order, whatever came before.
 */
#define RUN_ARGS \
	{"workers", COVET_ARG_INT, "1"}, \
	{"batch_time_ms", COVET_ARG_INT, "NULL"}, \
	{"retries", COVET_ARG_INT, "0"}, \
	{"on_error", COVET_ARG_TEXT, "'stop'"}

const CovetOpDef covet_op_defs[] = {
	{"backfill", 9, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"set", COVET_ARG_TEXT, NULL},
			{"batch_size", COVET_ARG_INT, "10000"},
			{"where", COVET_ARG_TEXT, "NULL"},
			{"undo", COVET_ARG_BOOL, "true"},
		RUN_ARGS}},
	{"copy_field", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"source", COVET_ARG_TEXT, NULL},
			{"dest", COVET_ARG_TEXT, NULL},
			{"transform", COVET_ARG_TEXT, "NULL"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"transform_field", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"field", COVET_ARG_TEXT, NULL},
			{"expr", COVET_ARG_TEXT, NULL},
			{"reverse_expr", COVET_ARG_TEXT, "NULL"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"populate_field", 11, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"field", COVET_ARG_TEXT, NULL},
			{"value", COVET_ARG_TEXT, NULL},
			{"where", COVET_ARG_TEXT, "NULL"},
			{"only_null", COVET_ARG_BOOL, "true"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"split_field", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"source", COVET_ARG_TEXT, NULL},
			{"dests", COVET_ARG_TEXT, NULL},
			{"delimiter", COVET_ARG_TEXT, "' '"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"merge_fields", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"sources", COVET_ARG_TEXT, NULL},
			{"dest", COVET_ARG_TEXT, NULL},
			{"separator", COVET_ARG_TEXT, "' '"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"convert_type", 12, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"field", COVET_ARG_TEXT, NULL},
			{"target_type", COVET_ARG_TEXT, NULL},
			{"default_value", COVET_ARG_TEXT, "NULL"},
			{"skip_errors", COVET_ARG_BOOL, "false"},
			{"dest", COVET_ARG_TEXT, "NULL"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"rename_values", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"field", COVET_ARG_TEXT, NULL},
			{"mapping", COVET_ARG_TEXT, NULL},
			{"case_sensitive", COVET_ARG_BOOL, "true"},
		BATCH_ARGS,
		RUN_ARGS}},
	{"dedup", 10, {
			{"table_name", COVET_ARG_TEXT, NULL},
			{"unique_fields", COVET_ARG_TEXT, NULL},
			{"keep", COVET_ARG_TEXT, "'first'"},
			{"order_by", COVET_ARG_TEXT, "NULL"},
		BATCH_ARGS,
		RUN_ARGS}},
	{NULL, 0, {{NULL, 0, NULL}}}
};

const CovetOpDef *
covet_op_find(const char *name)
{
	const CovetOpDef *def;

	for (def = covet_op_defs; def->name != NULL; def++)
		if (strcmp(def->name, name) == 0)
			return def;
	return NULL;
}

/* --- argument access ------------------------------------------------------- */

typedef struct Args
{
	const CovetOpDef *def;
	const char *const *v;
	int			n;
} Args;

static int
arg_index(const Args *a, const char *name)
{
	int			i;

	for (i = 0; i < a->def->nargs; i++)
		if (strcmp(a->def->args[i].name, name) == 0)
			return i;
	return -1;
}

/* The argument's value, or its default when absent (not when SQL NULL). */
static const char *
arg(const Args *a, const char *name)
{
	int			i = arg_index(a, name);

	if (i < 0)
		return NULL;
	return i < a->n ? a->v[i] : NULL;
}

static bool
given(const Args *a, const char *name)
{
	int			i = arg_index(a, name);

	return i >= 0 && i < a->n;
}

/*
 * A caller's fragment: covet's scanner and the engine's tokenizer
 * (sqlfrag.c), then the engine's parser alone (fragparse.c), so that one
 * that does not parse is reported with its own text.
 */
static CovetStatus
fragment(CovetDriver *d, const char *what, CovetFragKind kind, const char *sql,
		 CovetError *err)
{
	CovetStatus rc = covet_fragment_check(d, what, sql, err);

	if (rc == COVET_OK)
		rc = covet_fragment_parse(d, what, kind, sql, err);
	return rc;
}

/* A boolean as PostgreSQL reads one (boolarg.c), its error naming it. */
static CovetStatus
parse_bool(const Args *a, const char *name, const char *text, bool *out, CovetError *err)
{
	char		function[64];

	snprintf(function, sizeof(function), "covet_%s", a->def->name);
	return covet_bool_arg(function, name, text, out, err);
}

/* The arguments every operation takes last (opargs.c), into op. */
static CovetStatus
run_args(const Args *a, CovetOp *op, CovetError *err)
{
	static const char *const names[] = {"workers", "batch_time_ms", "retries", "on_error"};
	CovetOpRunArgs ra;
	char		function[64];
	size_t		i;

	covet_op_runargs_default(&ra);
	snprintf(function, sizeof(function), "covet_%s", a->def->name);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		CovetStatus rc;

		if (given(a, names[i]) &&
			(rc = covet_op_runarg_set(function, names[i], arg(a, names[i]), &ra, err)) != COVET_OK)
			return rc;
	}
	op->workers = ra.workers;
	op->batch_time_ms = ra.batch_time_ms;
	op->retries = ra.retries;
	op->on_error_skip = ra.on_error_skip;
	return COVET_OK;
}

/*
 * Check every argument: required ones present and not NULL, NULL only where
 * the default is NULL, types right.  Fills the common fields of op.
 */
static CovetStatus
check_args(const Args *a, CovetOp *op, CovetError *err)
{
	int			i;
	CovetStatus status;

	if (a->n > a->def->nargs)
		return covet_error_set(err, COVET_ERR_INVALID, "covet_%s takes at most %d arguments",
							   a->def->name, a->def->nargs);
	for (i = 0; i < a->def->nargs; i++)
	{
		const CovetOpArg *d = &a->def->args[i];
		const char *v = i < a->n ? a->v[i] : NULL;
		bool		present = i < a->n;

		if (!present && d->default_sql == NULL)
			return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", d->name);
		if (present && v == NULL && (d->default_sql == NULL || strcmp(d->default_sql, "NULL") != 0))
			return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", d->name);
		if (v == NULL)
			continue;
		if (d->type == COVET_ARG_INT)
		{
			int64_t		x;
			CovetStatus rc = covet_int_parse(v, false, &x, err);

			if (rc != COVET_OK)
				return rc;
			if (strcmp(d->name, "batch_size") == 0)
				op->batch_size = x;
		}
		else if (d->type == COVET_ARG_BOOL)
		{
			bool		b;
			CovetStatus rc = parse_bool(a, d->name, v, &b, err);

			if (rc != COVET_OK)
				return rc;
		}
	}
	if ((status = run_args(a, op, err)) != COVET_OK)
		return status;
	op->table = arg(a, "table_name");
	if (!given(a, "batch_size"))
		op->batch_size = 10000;
	op->keep_undo = true;
	if (given(a, "undo") && arg(a, "undo") != NULL)
		parse_bool(a, "undo", arg(a, "undo"), &op->keep_undo, err);
	return COVET_OK;
}

static bool
bool_arg(const Args *a, const char *name, bool dflt)
{
	bool		b = dflt;
	CovetError	ignore;

	if (given(a, name) && arg(a, name) != NULL)
		parse_bool(a, name, arg(a, name), &b, &ignore);
	return b;
}

/* --- helpers ------------------------------------------------------------------ */

/* Split "a, b c" into column names (trimmed, non-empty). */
static CovetStatus
split_names(CovetMem *mem, const char *what, const char *text, char ***out, int *n,
			CovetError *err)
{
	char	  **list;
	int			count = 0;
	const char *p = text;

	*out = NULL;
	*n = 0;
	list = covet_alloc0(mem, sizeof(char *) * (strlen(text) / 2 + 2));
	if (list == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	while (*p)
	{
		const char *start;

		while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if ((list[count] = covet_strndup(mem, start, (size_t) (p - start))) == NULL)
		{
			while (count > 0)
				covet_free(mem, list[--count]);
			covet_free(mem, list);
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
		count++;
	}
	if (count == 0)
	{
		covet_free(mem, list);
		return covet_error_set(err, COVET_ERR_INVALID, "%s must name at least one column", what);
	}
	*out = list;
	*n = count;
	return COVET_OK;
}

static void
free_list(CovetMem *mem, char **list, int n)
{
	while (n > 0)
		covet_free(mem, list[--n]);
	covet_free(mem, list);
}

/*
 * The name of a function of covet's (covet_try_cast) or a built-in, and its
 * "(": covet's own get the dialect's func_prefix (the extension's schema in
 * PostgreSQL); a name with a schema is written as it is.
 */
static void
append_call(CovetBuf *b, const CovetDialect *dl, const char *fn)
{
	if (dl->func_prefix != NULL && strchr(fn, '.') == NULL)
		covet_buf_append(b, dl->func_prefix);
	covet_buf_append(b, fn);
	covet_buf_appendc(b, '(');
}

/* CAST("column" AS text), text being the built-in type (cast_fn_args) */
static void
append_as_text(CovetBuf *b, const CovetDialect *dl, const char *column)
{
	if (dl->cast_fn_args)
		covet_buf_append(b, "CAST(");
	covet_quote_ident(b, column);
	if (dl->cast_fn_args)
		covet_buf_appendf(b, " AS %stext)", dl->catalog);
}

/* CAST("column" AS text) in every dialect */
static void
append_cast_text(CovetBuf *b, const CovetDialect *dl, const char *column)
{
	covet_buf_append(b, "CAST(");
	covet_quote_ident(b, column);
	covet_buf_appendf(b, " AS %stext)", dl->catalog);
}

/* CAST('literal' AS text), so that covet's functions match exactly */
static void
append_text_literal(CovetBuf *b, const CovetDialect *dl, const char *s)
{
	if (dl->cast_fn_args)
		covet_buf_append(b, "CAST(");
	covet_quote_literal(b, s);
	if (dl->cast_fn_args)
		covet_buf_appendf(b, " AS %stext)", dl->catalog);
}

/* A bare function name ("lower", "app.fix") is applied to the column. */
static bool
is_function_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			  (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* expr, or fn("column") when expr is a bare function name */
static void
append_expr_on(CovetBuf *b, const char *expr, const char *column)
{
	if (is_function_name(expr))
	{
		covet_buf_append(b, expr);
		covet_buf_appendc(b, '(');
		covet_quote_ident(b, column);
		covet_buf_appendc(b, ')');
	}
	else
	{
		covet_buf_append(b, "(\n");
		covet_buf_append(b, expr);
		covet_buf_append(b, "\n)");
	}
}

/* --- a tiny JSON reader for {"old": "new", ...} ------------------------------ */

static const char *
json_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* "f" or lower("f"), with the dialect's built-in lower */
static void
append_folded(CovetBuf *b, const CovetDialect *dl, const char *column, bool fold)
{
	if (fold)
		covet_buf_appendf(b, "%slower(", dl->catalog);
	covet_quote_ident(b, column);
	if (fold)
		covet_buf_appendc(b, ')');
}

/*
 * CASE WHEN f = 'old' THEN 'new' ... ELSE f END and the list of the old
 * values (f IN (...), or = ANY (ARRAY[...]): dialect in_open).  A searched
 * CASE, since the simple one compares with whatever "=" the search_path
 * finds first.
 */
static CovetStatus
mapping_sql(CovetMem *mem, const CovetDialect *dl, const char *json, const char *column,
			bool case_sensitive, CovetBuf *set, CovetBuf *where, CovetError *err)
{
	CovetBuf	key,
				val;
	const char *p = json_space(json);
	const char *why = NULL;
	int			count = 0;
	bool		ok;
	CovetStatus rc = COVET_OK;

	covet_buf_init(&key, mem);
	covet_buf_init(&val, mem);
	if (*p++ != '{')
		goto bad;
	covet_quote_ident(set, column);
	covet_buf_append(set, " = CASE");
	append_folded(where, dl, column, !case_sensitive);
	covet_buf_append(where, dl->in_open);
	for (p = json_space(p); *p != '}'; p = json_space(p))
	{
		if (count > 0)
		{
			if (*p++ != ',')
				goto bad;
			p = json_space(p);
		}
		if (*p != '"')
			goto bad;
		ok = covet_json_read_string(&key, &p, &why);
		if (key.failed)
			goto nomem;		/* first: the string may look bad after it */
		if (!ok)
			goto bad_string;
		p = json_space(p);
		if (*p++ != ':')
			goto bad;
		p = json_space(p);
		if (*p != '"')
			goto bad;
		ok = covet_json_read_string(&val, &p, &why);
		if (val.failed)
			goto nomem;		/* first: the string may look bad after it */
		if (!ok)
			goto bad_string;
		covet_buf_append(set, " WHEN ");
		append_folded(set, dl, column, !case_sensitive);
		covet_sql_op(set, dl, "=");
		if (count > 0)
			covet_buf_append(where, ", ");
		if (!case_sensitive)
		{
			covet_buf_appendf(set, "%slower(", dl->catalog);
			covet_buf_appendf(where, "%slower(", dl->catalog);
		}
		covet_quote_literal(set, key.data);
		covet_quote_literal(where, key.data);
		if (!case_sensitive)
		{
			covet_buf_appendc(set, ')');
			covet_buf_appendc(where, ')');
		}
		covet_buf_append(set, " THEN ");
		covet_quote_literal(set, val.data);
		count++;
	}
	if (*json_space(p + 1) != '\0')
		goto bad;
	if (set->failed || where->failed)
		goto nomem;
	if (count == 0)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "mapping must not be empty");
		covet_error_hint(err, "Give a JSON object of old to new values, e.g. {\"new\": \"pending\"}.");
		goto done;
	}
	covet_buf_append(set, " ELSE ");
	covet_quote_ident(set, column);
	covet_buf_append(set, " END");
	covet_buf_append(where, dl->in_close);
	goto done;
bad:
	if (set->failed || where->failed)
		goto nomem;				/* what failed first */
	rc = covet_error_set(err, COVET_ERR_INVALID, "invalid mapping: expected a JSON object of strings");
	covet_error_detail(err, "The mapping was: %.300s", json);
	covet_error_hint(err, "For example: {\"new\": \"pending\", \"done\": \"finished\"}.");
	goto done;
nomem:
	rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	goto done;
bad_string:
	if (set->failed || where->failed)
		goto nomem;
	rc = covet_error_set(err, COVET_ERR_INVALID, "invalid mapping: %s at character %d",
						 why, (int) (p - json) + 1);
	covet_error_detail(err, "The mapping was: %.300s", json);
	covet_error_hint(err, "For example: {\"new\": \"pending\", \"done\": \"finished\"}.");
done:
	covet_buf_free(&key);
	covet_buf_free(&val);
	return rc;
}

/* --- the operations ---------------------------------------------------------- */

/* The table's own spelling of a column the caller named, or an error. */
static CovetStatus
column(const CovetTableInfo *t, const char *what, const char *name, const char **out,
	   CovetError *err)
{
	int			i = covet_table_column(t, name);

	if (i < 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "column \"%s\" of table \"%s\" does not exist",
						name, t->display);
		memcpy(err->sqlstate, "42703", 6);
		covet_error_detail(err, "It was given as %s.", what);
		return COVET_ERR_NOT_FOUND;
	}
	*out = t->cols[i];
	return COVET_OK;
}

/* A column the operation writes: it must exist and not be generated. */
static CovetStatus
target(const CovetTableInfo *t, const char *what, const char *name, const char **out,
	   CovetError *err)
{
	CovetStatus rc = column(t, what, name, out, err);
	int			i = covet_table_column(t, name);

	if (rc == COVET_OK && t->generated[i])
	{
		covet_error_set(err, COVET_ERR_INVALID, "column \"%s\" of table \"%s\" is a generated column",
						*out, t->display);
		covet_error_hint(err, "The database computes it; change the columns it is computed from.");
		return COVET_ERR_INVALID;
	}
	return rc;
}

/* Check a list of column names in place, replacing each by the table's spelling. */
static CovetStatus
columns(CovetMem *mem, const CovetTableInfo *t, const char *what, char **list, int n,
		CovetError *err)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		const char *real;
		char	   *copy;
		CovetStatus rc = column(t, what, list[i], &real, err);

		if (rc != COVET_OK)
			return rc;
		if ((copy = covet_strdup(mem, real)) == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_free(mem, list[i]);
		list[i] = copy;
	}
	return COVET_OK;
}

/* d."c" and t."c" equal or both NULL: the dialect's null_safe_eq */
static void
append_null_safe_eq(CovetBuf *b, const CovetDialect *dl, const char *column)
{
	const char *p;

	for (p = dl->null_safe_eq; *p; p++)
	{
		if (p[0] == '%' && (p[1] == 'L' || p[1] == 'R'))
		{
			covet_buf_append(b, p[1] == 'L' ? "d." : "t.");
			covet_quote_ident(b, column);
			p++;
		}
		else
			covet_buf_appendc(b, *p);
	}
}

/* Is text one bare identifier (a column name as 0.1.0's order_by took it)? */
static bool
bare_word(const char *text)
{
	const char *p = text;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
			  (*p >= '0' && *p <= '9') || *p == '$'))
			return false;
	return true;
}

/* alias."k1" or (alias."k1", alias."k2"): the key */
static void
append_key_tuple(CovetBuf *b, const CovetTableInfo *t, const char *alias, bool parens)
{
	int			i;

	if (parens && t->npk > 1)
		covet_buf_appendc(b, '(');
	for (i = 0; i < t->npk; i++)
	{
		if (i > 0)
			covet_buf_append(b, ", ");
		covet_buf_appendf(b, "%s.", alias);
		covet_quote_ident(b, t->cols[t->pk[i]]);
	}
	if (parens && t->npk > 1)
		covet_buf_appendc(b, ')');
}

/*
 * dedup with an ORDER BY list: delete a row unless it is the first of its
 * twins in the list's order (keep first) or the last (keep last: the list
 * reversed), the key breaking ties:
 *
 *   t.k <> (SELECT d.k FROM tbl AS d WHERE <twins> ORDER BY
 *           <list, each item's direction and NULLS spelled out>,
 *           d.k ASC|DESC LIMIT 1)
 *
 * The list's names resolve to d, the inner table.  It has passed the
 * fragment checks and the engine's parser as an ORDER BY list alone.
 */
static CovetStatus
dedup_ordered(CovetDriver *d, const CovetTableInfo *t, char **cols, int n,
			  const char *order, bool last, CovetBuf *where, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	char	   *list = NULL;
	CovetStatus rc;
	int			i;

	if ((rc = fragment(d, "order_by", COVET_FRAG_ORDER_BY, order, err)) != COVET_OK ||
		(rc = covet_sql_order_by(dl->engine, &d->mem, order, last, &list, err)) != COVET_OK)
		return rc;
	append_key_tuple(where, t, "t", true);
	covet_buf_appendc(where, ' ');
	covet_sql_op(where, dl, "<>");
	covet_buf_append(where, " (SELECT ");
	append_key_tuple(where, t, "d", false);
	covet_buf_appendf(where, " FROM %s AS d WHERE ", t->sql_name);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			covet_buf_append(where, " AND ");
		append_null_safe_eq(where, dl, cols[i]);
	}
	covet_buf_append(where, " ORDER BY\n");
	covet_buf_append(where, list);
	for (i = 0; i < t->npk; i++)
	{
		covet_buf_append(where, ",\nd.");
		covet_quote_ident(where, t->cols[t->pk[i]]);
		covet_buf_append(where, last ? " DESC" : " ASC");
	}
	covet_buf_append(where, "\nLIMIT 1)");
	covet_free(&d->mem, list);
	return COVET_OK;
}

/* (alias."c1", alias."k1", ...): the order columns then the key */
static void
append_order_tuple(CovetBuf *b, const CovetTableInfo *t, const char *order,
				   const char *alias)
{
	int			i;

	covet_buf_appendc(b, '(');
	if (order != NULL)
	{
		covet_buf_appendf(b, "%s.", alias);
		covet_quote_ident(b, order);
		covet_buf_append(b, ", ");
	}
	for (i = 0; i < t->npk; i++)
	{
		if (i > 0)
			covet_buf_append(b, ", ");
		covet_buf_appendf(b, "%s.", alias);
		covet_quote_ident(b, t->cols[t->pk[i]]);
	}
	covet_buf_appendc(b, ')');
}

/*
 * convert_type without skip_errors: find the first row (in key order) whose
 * value does not convert, and fail naming its key and value.
 */
static CovetStatus
convert_precheck(CovetDriver *d, const CovetTableInfo *t, const char *field,
				 const char *type, CovetError *err)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res = {0};
	CovetStatus rc;
	int			i;

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	append_cast_text(&b, d->dialect, field);
	for (i = 0; i < t->npk; i++)
	{
		covet_buf_append(&b, ", ");
		append_cast_text(&b, d->dialect, t->cols[t->pk[i]]);
	}
	covet_buf_appendf(&b, " FROM %s AS t WHERE ", t->sql_name);
	covet_quote_ident(&b, field);
	covet_buf_append(&b, " IS NOT NULL AND ");
	append_call(&b, d->dialect, d->dialect->try_cast_fn);
	append_cast_text(&b, d->dialect, field);
	covet_buf_append(&b, ", ");
	append_text_literal(&b, d->dialect, type);
	covet_buf_append(&b, ") IS NULL ORDER BY ");
	for (i = 0; i < t->npk; i++)
	{
		if (i > 0)
			covet_buf_append(&b, ", ");
		covet_quote_ident(&b, t->cols[t->pk[i]]);
	}
	covet_buf_append(&b, " LIMIT 1");
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = d->query(d->ctx, sql, 0, NULL, &res, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_OK && res.nrows == 1)
	{
		covet_buf_init(&b, &d->mem);
		for (i = 0; i < t->npk; i++)
		{
			if (i > 0)
				covet_buf_append(&b, ", ");
			covet_buf_append(&b, COVET_VALUE(&res, 0, 1 + i) ? COVET_VALUE(&res, 0, 1 + i) : "NULL");
		}
		covet_error_set(err, COVET_ERR_INVALID,
						"value \"%.200s\" of column \"%s\" cannot be converted to %s",
						COVET_VALUE(&res, 0, 0), field, type);
		memcpy(err->sqlstate, "22P02", 6);
		covet_error_detail(err, "It is in the row with key (%s); no row was changed.",
						   b.data ? b.data : "");
		covet_error_hint(err, "Fix that value, or pass skip_errors => true to store default_value instead.");
		covet_buf_free(&b);
		rc = COVET_ERR_INVALID;
	}
	covet_result_free(d, &res);
	return rc;
}

/* default_value must itself be a value of target_type. */
static CovetStatus
default_converts(CovetDriver *d, const char *dflt, const char *type, CovetError *err)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res = {0};
	const char *p[] = {dflt, type};
	CovetStatus rc;

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	append_call(&b, d->dialect, d->dialect->try_cast_fn);
	covet_buf_appendf(&b, "CAST({1} AS {pg}text), CAST({2} AS {pg}text))");
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = covet_sql_run(d, sql, 2, p, &res, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_OK && (res.nrows != 1 || COVET_VALUE(&res, 0, 0) == NULL))
	{
		covet_error_set(err, COVET_ERR_INVALID, "default_value \"%.200s\" cannot be converted to %s",
						dflt, type);
		memcpy(err->sqlstate, "22P02", 6);
		rc = COVET_ERR_INVALID;
	}
	covet_result_free(d, &res);
	return rc;
}

static CovetStatus
build(CovetDriver *d, const CovetTableInfo *t, const Args *a, CovetBuf *set,
	  CovetBuf *where, CovetBuf *reverse, CovetOp *op, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetMem   *mem = &d->mem;
	const char *name = a->def->name;
	CovetStatus rc = COVET_OK;
	const char *x;
	const char *col = NULL;
	const char *col2 = NULL;

	if (strcmp(name, "backfill") == 0)
	{
		if ((rc = fragment(d, "set", COVET_FRAG_SET, arg(a, "set"), err)) != COVET_OK)
			return rc;
		covet_buf_append(set, arg(a, "set"));
		if ((x = arg(a, "where")) != NULL)
		{
			if ((rc = fragment(d, "where", COVET_FRAG_EXPR, x, err)) != COVET_OK)
				return rc;
			covet_buf_append(where, x);
		}
	}
	else if (strcmp(name, "copy_field") == 0)
	{
		if ((rc = column(t, "source", arg(a, "source"), &col, err)) != COVET_OK ||
			(rc = target(t, "dest", arg(a, "dest"), &col2, err)) != COVET_OK)
			return rc;
		covet_quote_ident(set, col2);
		covet_buf_append(set, " = ");
		if ((x = arg(a, "transform")) != NULL)
		{
			if ((rc = fragment(d, "transform", COVET_FRAG_EXPR, x, err)) != COVET_OK)
				return rc;
			append_expr_on(set, x, col);
		}
		else
			covet_quote_ident(set, col);
	}
	else if (strcmp(name, "transform_field") == 0)
	{
		if ((rc = target(t, "field", arg(a, "field"), &col, err)) != COVET_OK ||
			(rc = fragment(d, "expr", COVET_FRAG_EXPR, arg(a, "expr"), err)) != COVET_OK)
			return rc;
		covet_quote_ident(set, col);
		covet_buf_append(set, " = ");
		append_expr_on(set, arg(a, "expr"), col);
		if ((x = arg(a, "reverse_expr")) != NULL)
		{
			if ((rc = fragment(d, "reverse_expr", COVET_FRAG_EXPR, x, err)) != COVET_OK)
				return rc;
			covet_quote_ident(reverse, col);
			covet_buf_append(reverse, " = ");
			append_expr_on(reverse, x, col);
		}
	}
	else if (strcmp(name, "populate_field") == 0)
	{
		if ((rc = target(t, "field", arg(a, "field"), &col, err)) != COVET_OK ||
			(rc = fragment(d, "value", COVET_FRAG_EXPR, arg(a, "value"), err)) != COVET_OK)
			return rc;
		covet_quote_ident(set, col);
		covet_buf_append(set, " = (\n");
		covet_buf_append(set, arg(a, "value"));
		covet_buf_append(set, "\n)");
		if (bool_arg(a, "only_null", true))
		{
			covet_quote_ident(where, col);
			covet_buf_append(where, " IS NULL");
		}
		if ((x = arg(a, "where")) != NULL)
		{
			if ((rc = fragment(d, "where", COVET_FRAG_EXPR, x, err)) != COVET_OK)
				return rc;
			if (where->len > 0)
				covet_buf_append(where, " AND (\n");
			covet_buf_append(where, x);
			if (bool_arg(a, "only_null", true))
				covet_buf_append(where, "\n)");
		}
	}
	else if (strcmp(name, "split_field") == 0 || strcmp(name, "merge_fields") == 0)
	{
		bool		split = name[0] == 's';
		char	  **cols;
		int			n,
					i;
		const char *sep = arg(a, split ? "delimiter" : "separator");

		if (sep == NULL)
			sep = " ";
		if (split && sep[0] == '\0')
			return covet_error_set(err, COVET_ERR_INVALID, "delimiter must not be empty");
		if ((rc = split ? column(t, "source", arg(a, "source"), &col, err) :
			 target(t, "dest", arg(a, "dest"), &col, err)) != COVET_OK)
			return rc;
		if ((rc = split_names(mem, split ? "dests" : "sources", arg(a, split ? "dests" : "sources"),
							  &cols, &n, err)) != COVET_OK)
			return rc;
		if ((rc = columns(mem, t, split ? "dests" : "sources", cols, n, err)) != COVET_OK)
		{
			free_list(mem, cols, n);
			return rc;
		}
		if (split)
		{
			/* a NULL source has no parts: leave those rows alone */
			covet_quote_ident(where, col);
			covet_buf_append(where, " IS NOT NULL");
			for (i = 0; i < n; i++)
			{
				if (i > 0)
					covet_buf_append(set, ", ");
				covet_quote_ident(set, cols[i]);
				covet_buf_append(set, " = ");
				append_call(set, dl, dl->split_part_fn);
				append_as_text(set, dl, col);
				covet_buf_append(set, ", ");
				append_text_literal(set, dl, sep);
				covet_buf_appendf(set, ", %d, %s)", i + 1, i == n - 1 ? "true" : "false");
			}
		}
		else
		{
			covet_quote_ident(set, col);
			covet_buf_append(set, " = ");
			append_call(set, dl, dl->concat_ws_fn);
			append_text_literal(set, dl, sep);
			for (i = 0; i < n; i++)
			{
				covet_buf_append(set, ", ");
				covet_quote_ident(set, cols[i]);
			}
			covet_buf_appendc(set, ')');
		}
		free_list(mem, cols, n);
	}
	else if (strcmp(name, "convert_type") == 0)
	{
		const char *type = arg(a, "target_type");
		const char *dflt = arg(a, "default_value");

		if ((rc = column(t, "field", arg(a, "field"), &col, err)) != COVET_OK)
			return rc;
		col2 = col;
		if (arg(a, "dest") != NULL && (rc = target(t, "dest", arg(a, "dest"), &col2, err)) != COVET_OK)
			return rc;
		/* a type name: words, digits, parentheses, commas; nothing else */
		for (x = type; *x; x++)
			if (!((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') || (*x >= '0' && *x <= '9') ||
				  *x == '_' || *x == ' ' || *x == '(' || *x == ')' || *x == ',' || *x == '.'))
			{
				covet_error_set(err, COVET_ERR_INVALID, "invalid target_type \"%s\"", type);
				covet_error_hint(err, "Give a type name such as integer, numeric(10,2) or date.");
				return COVET_ERR_INVALID;
			}
		if ((rc = covet_fragment_check(d, "target_type", type, err)) != COVET_OK)
			return rc;
		if (dflt != NULL && (rc = default_converts(d, dflt, type, err)) != COVET_OK)
			return rc;
		if (!bool_arg(a, "skip_errors", false) &&
			(rc = convert_precheck(d, t, col, type, err)) != COVET_OK)
			return rc;
		/* CASE WHEN try_cast(f) IS NULL THEN default ELSE CAST(f AS type) END */
		covet_quote_ident(set, col2);
		covet_buf_append(set, " = CASE WHEN ");
		append_call(set, dl, dl->try_cast_fn);
		append_cast_text(set, dl, col);
		covet_buf_append(set, ", ");
		append_text_literal(set, dl, type);
		covet_buf_append(set, ") IS NULL THEN ");
		if (dflt != NULL)
		{
			covet_buf_append(set, "CAST(");
			covet_quote_literal(set, dflt);
			covet_buf_appendf(set, " AS %s)", type);
		}
		else
			covet_buf_append(set, "NULL");
		covet_buf_append(set, " ELSE CAST(");
		covet_quote_ident(set, col);
		covet_buf_appendf(set, " AS %s) END", type);
		covet_quote_ident(where, col);
		covet_buf_append(where, " IS NOT NULL");
	}
	else if (strcmp(name, "rename_values") == 0)
	{
		if ((rc = target(t, "field", arg(a, "field"), &col, err)) != COVET_OK)
			return rc;
		rc = mapping_sql(mem, dl, arg(a, "mapping"), col,
						 bool_arg(a, "case_sensitive", true), set, where, err);
	}
	else if (strcmp(name, "dedup") == 0)
	{
		const char *keep = arg(a, "keep") ? arg(a, "keep") : "first";
		const char *order = arg(a, "order_by");
		char	  **cols;
		int			n,
					i;

		if (strcmp(keep, "first") != 0 && strcmp(keep, "last") != 0)
		{
			covet_error_set(err, COVET_ERR_INVALID, "invalid keep \"%s\"", keep);
			covet_error_hint(err, "keep is \"first\" or \"last\".");
			return COVET_ERR_INVALID;
		}
		if ((rc = split_names(mem, "unique_fields", arg(a, "unique_fields"), &cols, &n, err)) != COVET_OK)
			return rc;
		if ((rc = columns(mem, t, "unique_fields", cols, n, err)) != COVET_OK ||
			(order != NULL && bare_word(order) &&
			 (rc = column(t, "order_by", order, &order, err)) != COVET_OK))
		{
			free_list(mem, cols, n);
			return rc;
		}
		op->kind = COVET_OP_DELETE;
		if (order != NULL)
		{
			CovetBuf	q;
			char	   *quoted = NULL;

			/* a bare column name: as the table spells it */
			covet_buf_init(&q, mem);
			if (bare_word(arg(a, "order_by")))
				covet_quote_ident(&q, order);
			else
				covet_buf_append(&q, order);
			if ((rc = covet_buf_finish(&q, &quoted, err)) == COVET_OK)
				rc = dedup_ordered(d, t, cols, n, quoted, strcmp(keep, "last") == 0, where, err);
			covet_free(mem, quoted);
			free_list(mem, cols, n);
			return rc;
		}
		/* delete a row when an earlier (keep first) or later (keep last) twin exists */
		covet_buf_appendf(where, "EXISTS (SELECT 1 FROM %s AS d WHERE ", t->sql_name);
		for (i = 0; i < n; i++)
		{
			append_null_safe_eq(where, dl, cols[i]);
			covet_buf_append(where, " AND ");
		}
		append_order_tuple(where, t, order, "d");
		covet_sql_op(where, dl, strcmp(keep, "first") == 0 ? "<" : ">");
		append_order_tuple(where, t, order, "t");
		covet_buf_appendc(where, ')');
		free_list(mem, cols, n);
	}
	return rc;
}

/* The arguments as given, for the runs row: {"set": "...", "batch_size": 10000} */
static CovetStatus
args_json(CovetMem *mem, const Args *a, char **out, CovetError *err)
{
	CovetBuf	b;
	int			i;

	covet_buf_init(&b, mem);
	covet_buf_appendc(&b, '{');
	for (i = 0; i < a->n && i < a->def->nargs; i++)
	{
		const CovetOpArg *d = &a->def->args[i];

		if (i > 0)
			covet_buf_append(&b, ", ");
		covet_json_string(&b, d->name, strlen(d->name));
		covet_buf_append(&b, ": ");
		if (a->v[i] == NULL)
			covet_buf_append(&b, "null");
		else if (d->type == COVET_ARG_TEXT)
			covet_json_string(&b, a->v[i], strlen(a->v[i]));
		else
			covet_buf_append(&b, a->v[i]);
	}
	/* the arguments every run keeps, left off on SQLite: their defaults */
	for (; i < a->def->nargs; i++)
	{
		const char *name = a->def->args[i].name;
		const char *dflt = strcmp(name, "workers") == 0 ? "1" :
			strcmp(name, "batch_time_ms") == 0 ? "null" :
			strcmp(name, "retries") == 0 ? "0" :
			strcmp(name, "on_error") == 0 ? "\"stop\"" : NULL;

		if (dflt == NULL)
			continue;
		covet_buf_append(&b, ", ");
		covet_json_string(&b, name, strlen(name));
		covet_buf_append(&b, ": ");
		covet_buf_append(&b, dflt);
	}
	covet_buf_appendc(&b, '}');
	return covet_buf_finish(&b, out, err);
}

CovetStatus
covet_op_prepare(CovetDriver *d, const char *name, const char *const *args,
				 int nargs, CovetOp *op, CovetError *err)
{
	CovetMem   *mem = &d->mem;
	CovetTableInfo table;
	Args		a;
	CovetBuf	set,
				where,
				reverse;
	CovetStatus rc;

	memset(op, 0, sizeof(*op));
	a.def = covet_op_find(name);
	a.v = args;
	a.n = nargs;
	if (a.def == NULL)
		return covet_error_set(err, COVET_ERR_INTERNAL, "unknown operation \"%s\"", name);
	op->op = a.def->name;
	op->kind = COVET_OP_UPDATE;
	if ((rc = check_args(&a, op, err)) != COVET_OK)
		return rc;

	if ((rc = covet_table_describe(d, op->table, &table, err)) != COVET_OK)
		return rc;
	if ((rc = args_json(mem, &a, &op->owned_args, err)) != COVET_OK)
	{
		covet_table_free(d, &table);
		return rc;
	}
	op->args = op->owned_args;
	covet_buf_init(&set, mem);
	covet_buf_init(&where, mem);
	covet_buf_init(&reverse, mem);
	rc = build(d, &table, &a, &set, &where, &reverse, op, err);
	covet_table_free(d, &table);
	if (rc == COVET_OK && (set.failed || where.failed || reverse.failed))
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	if (rc == COVET_OK)
	{
		op->owned_set = set.len > 0 ? set.data : NULL;
		op->owned_where = where.len > 0 ? where.data : NULL;
		op->owned_reverse = reverse.len > 0 ? reverse.data : NULL;
		if (op->owned_set == NULL)
			covet_buf_free(&set);
		if (op->owned_where == NULL)
			covet_buf_free(&where);
		if (op->owned_reverse == NULL)
			covet_buf_free(&reverse);
		op->set_sql = op->owned_set;
		op->where_sql = op->owned_where;
		op->reverse_set = op->owned_reverse;
		return COVET_OK;
	}
	covet_buf_free(&set);
	covet_buf_free(&where);
	covet_buf_free(&reverse);
	covet_op_free(mem, op);
	return rc;
}

void
covet_op_free(CovetMem *mem, CovetOp *op)
{
	covet_free(mem, op->owned_set);
	covet_free(mem, op->owned_where);
	covet_free(mem, op->owned_reverse);
	covet_free(mem, op->owned_args);
	op->owned_set = op->owned_where = op->owned_reverse = op->owned_args = NULL;
}

/* --- pure SQL helpers, the same in both engines ---------------------------- */

/*
 * Part n (1-based) of s split at delim; with rest, part n and everything
 * after it.  *out points into s; *len is its length.  False when s has
 * fewer than n parts.
 */
bool
covet_split_part(const char *s, const char *delim, int n, bool rest,
				 const char **out, size_t *len)
{
	size_t		dl = strlen(delim);
	const char *start = s;
	const char *next;
	int			i;

	if (dl == 0 || n < 1)
		return false;
	for (i = 1; i < n; i++)
	{
		next = strstr(start, delim);
		if (next == NULL)
			return false;
		start = next + dl;
	}
	*out = start;
	if (rest || (next = strstr(start, delim)) == NULL)
		*len = strlen(start);
	else
		*len = (size_t) (next - start);
	return true;
}

static bool
ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
	{
		char		x = (*a >= 'A' && *a <= 'Z') ? (char) (*a + 32) : *a;
		char		y = (*b >= 'A' && *b <= 'Z') ? (char) (*b + 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t		i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * What SQLite's CAST would accept without inventing a value: integers and
 * reals must be complete numbers (CAST('12abc' AS INTEGER) gives 12 there),
 * dates YYYY-MM-DD, timestamps a date, a space or T, and HH:MM[:SS[.fff]].
 */
CovetStatus
covet_text_converts(const char *text, const char *type, bool *ok, CovetError *err)
{
	char		base[64];
	size_t		n;
	const char *p;
	char	   *end;

	*ok = false;
	for (n = 0; type[n] && type[n] != '(' && n < sizeof(base) - 1; n++)
		base[n] = type[n];
	while (n > 0 && base[n - 1] == ' ')
		n--;
	base[n] = '\0';
	for (p = text; *p == ' ' || *p == '\t'; p++)
		;
	if (ieq(base, "text") || ieq(base, "varchar") || ieq(base, "char") || ieq(base, "character varying"))
		*ok = true;
	else if (ieq(base, "integer") || ieq(base, "int") || ieq(base, "bigint") || ieq(base, "smallint"))
	{
		long long	v;

		(void) v;
		v = strtoll(p, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		*ok = end != p && *end == '\0' && (p[0] != '+' || p[1] != '\0');
	}
	else if (ieq(base, "real") || ieq(base, "double precision") || ieq(base, "float") ||
			 ieq(base, "numeric") || ieq(base, "decimal"))
	{
		double		v = strtod(p, &end);

		(void) v;
		while (*end == ' ' || *end == '\t')
			end++;
		*ok = end != p && *end == '\0' &&
			(ieq(base, "numeric") || ieq(base, "decimal") ? true : true);
		/* no hexadecimal, infinities or NaN for numbers from text */
		if (*ok && (strpbrk(p, "xXnN") != NULL))
			*ok = false;
	}
	else if (ieq(base, "boolean") || ieq(base, "bool"))
		*ok = ieq(p, "true") || ieq(p, "false") || ieq(p, "t") || ieq(p, "f") ||
			ieq(p, "1") || ieq(p, "0") || ieq(p, "yes") || ieq(p, "no");
	else if (ieq(base, "date") || ieq(base, "timestamp") || ieq(base, "timestamptz"))
	{
		bool		date = all_digits(p, 4) && p[4] == '-' && all_digits(p + 5, 2) &&
			p[7] == '-' && all_digits(p + 8, 2);

		if (date && ieq(base, "date"))
			*ok = p[10] == '\0';
		else if (date)
			*ok = p[10] == '\0' ||
				((p[10] == ' ' || p[10] == 'T') && all_digits(p + 11, 2) && p[13] == ':' &&
				 all_digits(p + 14, 2));
	}
	else
	{
		covet_error_set(err, COVET_ERR_INVALID, "covet cannot convert to type \"%s\" in SQLite", type);
		covet_error_hint(err, "SQLite conversions know integer, real, numeric, text, boolean, date and timestamp.");
		return COVET_ERR_INVALID;
	}
	return COVET_OK;
}

CovetStatus
covet_mapping_sql(CovetMem *mem, const CovetDialect *dialect, const char *json,
				  const char *column, bool case_sensitive, CovetBuf *set,
				  CovetBuf *where, CovetError *err)
{
	return mapping_sql(mem, dialect, json, column, case_sensitive, set, where, err);
}
