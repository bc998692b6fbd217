/*-------------------------------------------------------------------------
 *
 * batch.c
 *		Batched data operations: an UPDATE or DELETE over a table, in
 *		primary-key order, one keyset range at a time.
 *
 * A run:
 *	 1. checks the table (it must exist and have a primary key) and the
 *		caller's fragments: the engine's own parser reads every statement
 *		that embeds them (check_run_sql: one statement of the expected kind,
 *		no parameter of the caller's), then they are compiled against the
 *		table with a predicate that matches nothing, inside a savepoint, so
 *		a bad column or a type mismatch is reported before any row changes
 *		(the reverse SET list too).  Resume and undo have the engine read
 *		the SQL stored in the runs row again before they run it;
 *	 2. fixes the upper bound of the key (the largest key now), so that a
 *		run ends even while rows keep arriving;
 *	 3. writes its row in the runs table, and creates its undo table (the
 *		key and the old values of the changed columns, or whole rows for a
 *		delete) unless undo is off;
 *	 4. per batch: finds the batch's last key (the n-th key after the last
 *		one done, through the primary key index, never OFFSET from the
 *		start), saves the old values, runs the statement over the range
 *		(last, end], and moves the run's checkpoint to end, all in one
 *		savepoint; then lets the driver commit when this call may commit.
 *		The checkpoint is in the same transaction as the batch it belongs
 *		to, so after a crash a resumed run neither skips nor repeats a row.
 *
 * A failing batch is rolled back; the run is marked failed with the error
 * and the key where the batch started, and can be resumed after a fix.
 *
 * Keys are stored as JSON arrays of strings (["42"], ["eu","7"]) and bound
 * back as text parameters, cast to the key column's type where the engine
 * needs it (PostgreSQL).
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "batch_parts.h"
#include "batch_tune.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_PROGRESS_MS 5000

/* Key spans stay far from int64 overflow, even after growing 4x. */
#define MAX_SPAN (INT64_MAX / 8)

/*
 * A span from a computed width, kept in [1, MAX_SPAN] before it becomes an
 * integer: a sparse key (density 2^61) times batch_size is far beyond
 * int64, and such a double converted as is gave nonsense, a span of 1.
 */
static int64_t
span_of(double want)
{
	if (!(want >= 1.0))
		return 1;
	if (want >= (double) MAX_SPAN)
		return MAX_SPAN;
	return (int64_t) want;
}

const char *
covet_run_state_name(CovetRunState state)
{
	switch (state)
	{
		case COVET_RUN_PENDING:
			return "pending";
		case COVET_RUN_RUNNING:
			return "running";
		case COVET_RUN_COMPLETED:
			return "completed";
		case COVET_RUN_FAILED:
			return "failed";
		case COVET_RUN_PAUSED:
			return "paused";
		case COVET_RUN_CANCELLED:
			return "cancelled";
		case COVET_RUN_ROLLED_BACK:
			return "rolled back";
		case COVET_RUN_COMPLETED_ERRORS:
			return "completed with errors";
	}
	return "unknown";
}

/* --- progress arithmetic ------------------------------------------------- */

void
covet_progress_compute(CovetProgress *p, int64_t elapsed_ms)
{
	p->rows_per_sec = elapsed_ms > 0 ? (double) p->rows_done * 1000.0 / (double) elapsed_ms : 0.0;
	if (p->rows_total > 0)
	{
		double		pct = 100.0 * (double) p->rows_done / (double) p->rows_total;

		p->percent = pct > 100.0 ? 100.0 : pct;
	}
	else
		p->percent = -1.0;
	if (p->final)
		p->eta_sec = 0.0;
	else if (p->rows_total > 0 && p->rows_per_sec > 0.0)
	{
		int64_t		left = p->rows_total - p->rows_done;

		p->eta_sec = left > 0 ? (double) left / p->rows_per_sec : 0.0;
	}
	else
		p->eta_sec = -1.0;
}

void
covet_progress_format(const CovetProgress *p, char *out, size_t outlen)
{
	char		pct[32],
				eta[32];

	if (p->percent >= 0)
		snprintf(pct, sizeof(pct), "%.1f%%", p->percent);
	else
		snprintf(pct, sizeof(pct), "?%%");
	if (p->eta_sec >= 0)
		snprintf(eta, sizeof(eta), "%.0f s", p->eta_sec);
	else
		snprintf(eta, sizeof(eta), "unknown");
	snprintf(out, outlen, "covet run %lld (%s on %s): %s, %lld of %s%lld rows, %lld batches, %.0f rows/s, ETA %s%s",
			 (long long) p->run_id, p->op, p->table, pct,
			 (long long) p->rows_done, p->rows_total > 0 ? "" : "~",
			 (long long) p->rows_total, (long long) p->batches, p->rows_per_sec, eta,
			 p->final ? " (done)" : "");
}

/* --- keys as JSON arrays of strings ---------------------------------------- */

static CovetStatus
key_encode(CovetMem *mem, char *const *values, int n, char **out, CovetError *err)
{
	CovetBuf	buf;
	int			i;

	covet_buf_init(&buf, mem);
	covet_buf_appendc(&buf, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			covet_buf_appendc(&buf, ',');
		covet_json_string(&buf, values[i], strlen(values[i]));
	}
	covet_buf_appendc(&buf, ']');
	return covet_buf_finish(&buf, out, err);
}

/* Decode what key_encode wrote into *values (n strings). */
static CovetStatus
key_decode_all(CovetMem *mem, const char *text, char ***values, int *n,
			   CovetError *err)
{
	const char *p = text;
	const char *start;
	char	  **v = NULL;
	int			count = 0,
				cap = 0;
	CovetBuf	buf;

	*values = NULL;
	*n = 0;
	covet_buf_init(&buf, mem);
	if (*p++ != '[')
		goto bad;
	while (*p != ']')
	{
		if (count > 0 && *p++ != ',')
			goto bad;
		start = p;
		if (*p++ != '"')
			goto bad;
		/* to the closing quote; covet_json_unescape decodes what is between */
		while (*p != '"')
		{
			if (*p == '\\')
				p++;
			if (*p == '\0')
				goto bad;
			p++;
		}
		p++;
		covet_buf_reset(&buf);
		if (!covet_json_unescape(&buf, start, (size_t) (p - start)))
			goto bad;
		if (count == cap)
		{
			char	  **nv = covet_alloc(mem, sizeof(char *) * (size_t) (cap ? cap * 2 : 4));

			if (nv == NULL)
				goto nomem;
			if (v != NULL)
			{
				memcpy(nv, v, sizeof(char *) * (size_t) count);
				covet_free(mem, v);
			}
			v = nv;
			cap = cap ? cap * 2 : 4;
		}
		if (buf.failed || (v[count] = covet_strdup(mem, buf.data)) == NULL)
			goto nomem;
		count++;
	}
	if (p[1] != '\0')
		goto bad;
	covet_buf_free(&buf);
	*values = v;
	*n = count;
	return COVET_OK;

nomem:
	covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	goto fail;
bad:
	covet_error_set(err, COVET_ERR_INTERNAL, "malformed key \"%.100s\" in a run", text);
fail:
	covet_buf_free(&buf);
	while (count > 0)
		covet_free(mem, v[--count]);
	covet_free(mem, v);
	return err->code;
}

/* Decode a key of exactly n values. */
static CovetStatus
key_decode(CovetMem *mem, const char *text, int n, char ***values, CovetError *err)
{
	int			got;
	CovetStatus rc = key_decode_all(mem, text, values, &got, err);

	if (rc == COVET_OK && got != n)
	{
		while (got > 0)
			covet_free(mem, (*values)[--got]);
		covet_free(mem, *values);
		*values = NULL;
		return covet_error_set(err, COVET_ERR_STATE,
							   "the key \"%.100s\" of this run does not match the table's primary key", text);
	}
	return rc;
}

/* --- tables ------------------------------------------------------------------ */

/* The key codec, for batch_parts.c. */
CovetStatus
covet_batch_key_encode(CovetMem *mem, char *const *values, int n, char **out,
					   CovetError *err)
{
	return key_encode(mem, values, n, out, err);
}

CovetStatus
covet_batch_key_decode(CovetMem *mem, const char *text, int n, char ***values,
					   CovetError *err)
{
	return key_decode(mem, text, n, values, err);
}

void
covet_table_free(CovetDriver *d, CovetTableInfo *t)
{
	int			i;

	for (i = 0; t->cols != NULL && i < t->ncols; i++)
	{
		covet_free(&d->mem, t->cols[i]);
		covet_free(&d->mem, t->types[i]);
	}
	covet_free(&d->mem, t->cols);
	covet_free(&d->mem, t->types);
	covet_free(&d->mem, t->generated);
	covet_free(&d->mem, t->pk);
	covet_free(&d->mem, t->realpk);
	covet_free(&d->mem, t->sql_name);
	covet_free(&d->mem, t->display);
	memset(t, 0, sizeof(*t));
}

/* A column by exact name, else by name ignoring ASCII case (SQLite's rule). */
int
covet_table_column(const CovetTableInfo *t, const char *name)
{
	int			i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return i;
	for (i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i], name) == 0)
			return i;
	return -1;
}

/*
 * Look a table up: "name" or "schema.name", exact names (they are quoted).
 * Columns: schema, table, column, type, key position (0 = not in the key),
 * kind ("r"/"p" = table in PostgreSQL, "table" in SQLite).
 */
CovetStatus
covet_table_describe(CovetDriver *d, const char *table, CovetTableInfo *out,
					 CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	CovetResult res = {0};
	CovetBuf	name;
	char	   *qualified = NULL;
	const char *dot;
	const char *param;
	CovetStatus rc;
	int			i;

	memset(out, 0, sizeof(*out));
	if (table == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "table must not be null");
	if (*table == '\0')
		return covet_error_set(err, COVET_ERR_INVALID, "table must not be empty");

	/* PostgreSQL resolves a quoted, maybe qualified name; SQLite the bare name */
	covet_buf_init(&name, &d->mem);
	dot = strchr(table, '.');
	if (dl->engine == COVET_ENGINE_POSTGRES && dot != NULL)
	{
		char	   *schema = covet_strndup(&d->mem, table, (size_t) (dot - table));

		if (schema == NULL)
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		covet_quote_ident(&name, schema);
		covet_buf_appendc(&name, '.');
		covet_quote_ident(&name, dot + 1);
		covet_free(&d->mem, schema);
	}
	else if (dl->engine == COVET_ENGINE_POSTGRES)
		covet_quote_ident(&name, table);
	else
		covet_buf_append(&name, table);
	if ((rc = covet_buf_finish(&name, &qualified, err)) != COVET_OK)
		return rc;
	param = qualified;
	rc = covet_sql_run(d, dl->describe_sql, 1, &param, &res, err);
	covet_free(&d->mem, qualified);
	if (rc != COVET_OK)
		return rc;

	if (res.nrows == 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "table \"%s\" does not exist", table);
		memcpy(err->sqlstate, "42P01", 6);
		if (dl->engine == COVET_ENGINE_POSTGRES)
			covet_error_hint(err, "Names are exact (case-sensitive); qualify with the schema as \"schema.table\" if it is not on the search_path.");
		rc = COVET_ERR_NOT_FOUND;
		goto done;
	}
	if (strcmp(COVET_VALUE(&res, 0, 5), "r") != 0 && strcmp(COVET_VALUE(&res, 0, 5), "p") != 0 &&
		strcmp(COVET_VALUE(&res, 0, 5), "table") != 0)
	{
		covet_error_set(err, COVET_ERR_INVALID, "\"%s\" is not a table", table);
		memcpy(err->sqlstate, "42809", 6);
		covet_error_hint(err, "covet works through a table by its primary key; name the table behind the view.");
		rc = COVET_ERR_INVALID;
		goto done;
	}

	out->ncols = res.nrows;
	out->cols = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows);
	out->types = covet_alloc0(&d->mem, sizeof(char *) * (size_t) res.nrows);
	out->pk = covet_alloc0(&d->mem, sizeof(int) * (size_t) res.nrows);
	out->generated = covet_alloc0(&d->mem, sizeof(bool) * (size_t) res.nrows);
	covet_buf_init(&name, &d->mem);
	if (dl->engine == COVET_ENGINE_POSTGRES)
	{
		covet_quote_ident(&name, COVET_VALUE(&res, 0, 0));
		covet_buf_appendc(&name, '.');
	}
	covet_quote_ident(&name, COVET_VALUE(&res, 0, 1));
	if (out->cols == NULL || out->types == NULL || out->pk == NULL || out->generated == NULL ||
		(rc = covet_buf_finish(&name, &out->sql_name, err)) != COVET_OK ||
		(out->display = covet_strdup(&d->mem, table)) == NULL)
	{
		covet_buf_free(&name);
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < res.nrows; i++)
	{
		int			pos = atoi(COVET_VALUE(&res, i, 4));

		/* the spelling a cast takes (column 8) where the dialect gives it */
		const char *type = COVET_VALUE(&res, i, res.ncols > 7 ? 7 : 3);

		out->cols[i] = covet_strdup(&d->mem, COVET_VALUE(&res, i, 2));
		out->types[i] = covet_strdup(&d->mem, type ? type : "");
		if (out->cols[i] == NULL || out->types[i] == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			goto done;
		}
		out->generated[i] = res.ncols > 6 && COVET_VALUE(&res, i, 6) != NULL &&
			strcmp(COVET_VALUE(&res, i, 6), "1") == 0;
		if (pos > 0 && pos <= res.nrows)
		{
			out->pk[pos - 1] = i;
			if (pos > out->npk)
				out->npk = pos;
		}
	}
	if (out->npk == 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "table \"%s\" has no primary key", table);
		covet_error_detail(err, "covet works through a table in primary-key order, batch by batch.");
		covet_error_hint(err, "Add one first, e.g. ALTER TABLE ... ADD PRIMARY KEY (id), or run a single UPDATE.");
		rc = COVET_ERR_STATE;
	}
done:
	covet_result_free(d, &res);
	if (rc != COVET_OK)
		covet_table_free(d, out);
	return rc;
}

/* --- the statements of a run ------------------------------------------------ */

typedef struct Run
{
	int64_t		id;
	char		id_text[32];
	CovetTableInfo table;
	CovetOpKind kind;
	char	   *op;
	char	   *set_sql;
	char	   *where_sql;
	char	   *undo_table;		/* expanded name, NULL: no undo */
	char	  **undo_names;		/* saved non-key columns (update) */
	int			nundo;
	char	   *reverse_set;	/* SET list that undoes set_sql, or NULL */
	int64_t		batch_size;
	int64_t		rows_done;
	int64_t		rows_total;
	int64_t		batches;
	char	  **upper;			/* npk values */
	char	  **last;			/* npk values, NULL before the first batch */
	bool		done;			/* the last batch (up to upper) has run */
	/*
	 * A single integer key: batches are key spans sized from the key
	 * density seen so far, so no index walk is needed to find their end.
	 */
	bool		span_mode;
	int64_t		span;
	int64_t		lo_key;			/* smallest key at the start, minus one */
	/*
	 * A filtered run in span mode is not counted up front (a count is a
	 * scan of the whole table); its total is estimated from how far
	 * through the key range it is (total_by_key).
	 */
	bool		total_by_key;
	int			progress_ms;
	/* parallel runs (batch_parts.c) */
	int64_t		parent_id;		/* a part: its parent; else 0 */
	int64_t		nparts;			/* a parent: how many parts it has */
	char	  **lower;			/* a part: the key its range starts after */
	/*
	 * The arguments every operation takes last (opargs.c), from runs.args
	 * on resume; see CovetOp.
	 */
	int			workers;
	int			batch_time_ms;	/* 0: off */
	int			retries;
	bool		on_error_skip;
	/*
	 * Issue 16 (batch_tune.c, batch_errors.c): the batch-size controller
	 * of batch_time_ms; on_error 'skip' halves a failed batch until the
	 * failing row is alone, which is recorded in run_errors and stepped
	 * over (bisecting: halving, the size restored after the skip).
	 * alone: this call commits batch by batch, so one can fail alone.
	 */
	bool		alone;
	bool		bisecting;
	int64_t		size_before_bisect;
	CovetTune	tune;
	/* built once */
	char	   *sql_boundary[3];	/* [0] first batch, [1] later ones, */
	char	   *sql_undo[3];	/* [2] one key (run_errors' keys again) */
	char	   *sql_main[3];
} Run;

/* "k1", "k2" (with a prefix such as "t.") */
void
covet_batch_key_list(CovetBuf *b, const CovetTableInfo *t, const char *prefix,
				const char *suffix)
{
	int			i;

	for (i = 0; i < t->npk; i++)
	{
		if (i > 0)
			covet_buf_append(b, ", ");
		covet_buf_append(b, prefix);
		covet_quote_ident(b, t->cols[t->pk[i]]);
		covet_buf_append(b, suffix);
	}
}

/* Every column the database lets us write (not generated), with a prefix. */
static void
append_stored_list(CovetBuf *b, const CovetTableInfo *t, const char *prefix)
{
	int			i;
	bool		first = true;

	for (i = 0; i < t->ncols; i++)
	{
		if (t->generated[i])
			continue;
		if (!first)
			covet_buf_append(b, ", ");
		covet_buf_append(b, prefix);
		covet_quote_ident(b, t->cols[i]);
		first = false;
	}
}

/* "c1", "c2" of the saved columns, each with a prefix */
static void
append_undo_list(CovetBuf *b, const Run *r, const char *prefix)
{
	int			i;

	/* batched by rowid: keep the primary key with the old values too */
	for (i = 0; i < r->table.nrealpk; i++)
	{
		covet_buf_append(b, ", ");
		covet_buf_append(b, prefix);
		covet_quote_ident(b, r->table.cols[r->table.realpk[i]]);
	}

	for (i = 0; i < r->nundo; i++)
	{
		covet_buf_append(b, ", ");
		covet_buf_append(b, prefix);
		covet_quote_ident(b, r->undo_names[i]);
	}
}

/* ({n}, {n+1}, ...) with casts to the key types where the engine needs them */
void
covet_batch_key_params(CovetBuf *b, const CovetDialect *dl, const CovetTableInfo *t,
				  int first_param)
{
	int			i;

	covet_buf_appendc(b, '(');
	for (i = 0; i < t->npk; i++)
	{
		const char *type = t->types[t->pk[i]];

		if (i > 0)
			covet_buf_append(b, ", ");
		if (dl->cast_key_params && type[0] != '\0')
			covet_buf_appendf(b, "CAST(%s%d AS %s)", dl->param_prefix, first_param + i, type);
		else
			covet_buf_appendf(b, "%s%d", dl->param_prefix, first_param + i);
	}
	covet_buf_appendc(b, ')');
}

/* WHERE range: [(keys) > (last) AND] (keys) <= (end) */
static void
append_range(CovetBuf *b, const CovetDialect *dl, const CovetTableInfo *t,
			 const char *prefix, int v)
{
	int			p = 1;
	bool		with_last = v == 1;

	if (v == 2)
	{
		/* one key */
		covet_buf_appendc(b, '(');
		covet_batch_key_list(b, t, prefix, "");
		covet_buf_appendc(b, ')');
		covet_sql_op(b, dl, "=");
		covet_batch_key_params(b, dl, t, 1);
		return;
	}
	if (with_last)
	{
		covet_buf_appendc(b, '(');
		covet_batch_key_list(b, t, prefix, "");
		covet_buf_appendc(b, ')');
		covet_sql_op(b, dl, ">");
		covet_batch_key_params(b, dl, t, p);
		covet_buf_append(b, " AND ");
		p += t->npk;
	}
	covet_buf_appendc(b, '(');
	covet_batch_key_list(b, t, prefix, "");
	covet_buf_appendc(b, ')');
	covet_sql_op(b, dl, "<=");
	covet_batch_key_params(b, dl, t, p);
}

static CovetStatus
build_statements(CovetDriver *d, Run *r, CovetError *err)
{
	const CovetDialect *dl = d->dialect;
	const CovetTableInfo *t = &r->table;
	CovetStatus rc;
	int			v;

	for (v = 0; v < 3; v++)
	{
		CovetBuf	b;

		/*
		 * The batch's last key: walk batch_size entries of the primary key
		 * index from the last key done.  Every batch costs the same wherever
		 * it is in the table; nothing pages from the start.  No row means
		 * fewer than batch_size keys are left: the batch ends at the upper
		 * bound.
		 */
		covet_buf_init(&b, &d->mem);
		covet_buf_append(&b, "SELECT ");
		covet_batch_key_list(&b, t, "", "");
		covet_buf_appendf(&b, " FROM %s WHERE ", t->sql_name);
		append_range(&b, dl, t, "", v);
		covet_buf_append(&b, " ORDER BY ");
		covet_batch_key_list(&b, t, "", "");
		covet_buf_appendf(&b, " LIMIT 1 OFFSET %lld", (long long) (r->batch_size - 1));
		if ((rc = covet_buf_finish(&b, &r->sql_boundary[v], err)) != COVET_OK)
			return rc;

		if (r->undo_table != NULL)
		{
			covet_buf_init(&b, &d->mem);
			covet_buf_appendf(&b, "INSERT INTO %s SELECT ", r->undo_table);
			if (r->kind == COVET_OP_DELETE)
				append_stored_list(&b, t, "t.");
			else
			{
				covet_batch_key_list(&b, t, "t.", "");
				append_undo_list(&b, r, "t.");
			}
			covet_buf_appendf(&b, " FROM %s AS t WHERE ", t->sql_name);
			append_range(&b, dl, t, "t.", v);
			if (r->where_sql != NULL)
				covet_buf_appendf(&b, " AND (\n%s\n)", r->where_sql);
			if ((rc = covet_buf_finish(&b, &r->sql_undo[v], err)) != COVET_OK)
				return rc;
		}

		covet_buf_init(&b, &d->mem);
		if (r->kind == COVET_OP_DELETE)
			covet_buf_appendf(&b, "DELETE FROM %s AS t WHERE ", t->sql_name);
		else
			covet_buf_appendf(&b, "UPDATE %s AS t SET\n%s\nWHERE ", t->sql_name, r->set_sql);
		append_range(&b, dl, t, "t.", v);
		if (r->where_sql != NULL)
			covet_buf_appendf(&b, " AND (\n%s\n)", r->where_sql);
		if ((rc = covet_buf_finish(&b, &r->sql_main[v], err)) != COVET_OK)
			return rc;
	}
	return COVET_OK;
}

static void
free_values(CovetDriver *d, char **values, int n)
{
	int			i;

	if (values == NULL)
		return;
	for (i = 0; i < n; i++)
		covet_free(&d->mem, values[i]);
	covet_free(&d->mem, values);
}

static void
run_free(CovetDriver *d, Run *r)
{
	int			v;

	free_values(d, r->upper, r->table.npk);
	free_values(d, r->last, r->table.npk);
	free_values(d, r->lower, r->table.npk);
	for (v = 0; v < 3; v++)
	{
		covet_free(&d->mem, r->sql_boundary[v]);
		covet_free(&d->mem, r->sql_undo[v]);
		covet_free(&d->mem, r->sql_main[v]);
	}
	covet_free(&d->mem, r->op);
	covet_free(&d->mem, r->set_sql);
	covet_free(&d->mem, r->where_sql);
	covet_free(&d->mem, r->undo_table);
	free_values(d, r->undo_names, r->nundo);
	covet_free(&d->mem, r->reverse_set);
	covet_table_free(d, &r->table);
	memset(r, 0, sizeof(*r));
}

/* Copy npk strings out of a result row. */
static CovetStatus
values_from_row(CovetDriver *d, const CovetResult *res, int row, int n,
				char ***out, CovetError *err)
{
	char	  **v = covet_alloc0(&d->mem, sizeof(char *) * (size_t) n);
	int			i;

	*out = NULL;
	if (v == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
	{
		const char *s = COVET_VALUE(res, row, i);

		if (s == NULL || (v[i] = covet_strdup(&d->mem, s)) == NULL)
		{
			free_values(d, v, n);
			return s == NULL ?
				covet_error_set(err, COVET_ERR_INTERNAL, "NULL in a primary key") :
				covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
	}
	*out = v;
	return COVET_OK;
}

/* --- one batch ------------------------------------------------------------- */

static void
report_progress(CovetDriver *d, const Run *r, int64_t elapsed_ms, int64_t rows_this_session,
				bool final)
{
	CovetProgress p;

	if (d->progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.run_id = r->id;
	p.op = r->op;
	p.table = r->table.display;
	p.rows_done = rows_this_session;
	p.rows_total = r->rows_total - (r->rows_done - rows_this_session);
	p.batches = r->batches;
	p.final = final;
	covet_progress_compute(&p, elapsed_ms);
	/* show the run's totals, with this session's rate */
	p.rows_done = r->rows_done;
	p.rows_total = r->rows_total;
	if (p.rows_total > 0)
		p.percent = p.rows_done >= p.rows_total ? 100.0 : 100.0 * (double) p.rows_done / (double) p.rows_total;
	d->progress(d->ctx, &p);
}

/* Update the run row: checkpoint, counters, rate, state. */
static CovetStatus
run_checkpoint(CovetDriver *d, Run *r, const char *last_key, double rate,
			   double eta, CovetRunState state, CovetError *err)
{
	char		done[32],
				batches[32],
				rate_s[48],
				eta_s[48],
				total[32],
				size[32];
	const char *p[] = {r->id_text, last_key, done, batches, rate_s, eta_s,
	covet_run_state_name(state), total, size};

	snprintf(done, sizeof(done), "%lld", (long long) r->rows_done);
	snprintf(total, sizeof(total), "%lld", (long long) r->rows_total);
	snprintf(batches, sizeof(batches), "%lld", (long long) r->batches);
	snprintf(size, sizeof(size), "%lld", (long long) (r->bisecting && !r->span_mode ? r->size_before_bisect : r->batch_size));
	snprintf(rate_s, sizeof(rate_s), "%.1f", rate);
	snprintf(eta_s, sizeof(eta_s), "%.1f", eta < 0 ? 0.0 : eta);
	return covet_sql_run(d,
						 "UPDATE {runs} SET last_key = {2}, rows_done = CAST({3} AS bigint),"
						 " batches = CAST({4} AS bigint), batch_size = CAST({9} AS bigint),"
						 " rows_per_sec = CAST({5} AS double precision),"
						 " eta_seconds = CAST({6} AS double precision),"
						 " state = CASE WHEN {7} {=} 'running'"
						 " AND (state {=} 'paused' OR state {=} 'cancelled')"
						 " THEN state ELSE {7} END,"
						 " updated_at = {now},"
						 " finished_at = CASE WHEN {7} {=} 'completed' OR {7} {=} 'failed'"
						 " OR {7} {=} 'cancelled' THEN {now} END,"
						 " rows_total = CASE WHEN {7} {=} 'completed' THEN CAST({3} AS bigint)"
						 " ELSE CAST({8} AS bigint) END"
						 " WHERE id {=} CAST({1} AS bigint)",
						 9, p, NULL, err);
}

/* Checkpoint a running run at r->last, the end of its last batch. */
static CovetStatus
run_save(CovetDriver *d, Run *r, double rate, double eta, CovetError *err)
{
	char	   *last_text = NULL;
	CovetStatus rc = COVET_OK;

	if (r->last != NULL)
		rc = key_encode(&d->mem, r->last, r->table.npk, &last_text, err);
	if (rc == COVET_OK)
		rc = run_checkpoint(d, r, last_text, rate, eta, COVET_RUN_RUNNING, err);
	covet_free(&d->mem, last_text);
	return rc;
}

static CovetStatus
run_mark_failed(CovetDriver *d, Run *r, const char *key, const CovetError *cause,
				CovetError *err)
{
	const char *p[] = {r->id_text, cause->message, key};

	return covet_sql_run(d,
						 "UPDATE {runs} SET state = 'failed', error = {2}, error_key = {3},"
						 " updated_at = {now}, finished_at = {now} WHERE id {=} CAST({1} AS bigint)",
						 3, p, NULL, err);
}

static CovetStatus
commit_if_possible(CovetDriver *d, CovetError *err)
{
	bool		committed;

	if (d->batch_commit == NULL)
		return COVET_OK;
	return d->batch_commit(d->ctx, &committed, err);
}

/*
 * Between committed batches: has another session paused or cancelled the
 * run?  Then throttle (sleep, replication lag) as the driver wants.
 */
static CovetStatus
between_batches(CovetDriver *d, Run *r, bool *stop, CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {r->id_text};
	CovetStatus rc;

	*stop = false;
	rc = covet_sql_run(d, "SELECT state FROM {runs} WHERE id {=} CAST({1} AS bigint)", 1, p, &res, err);
	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL &&
		(strcmp(COVET_VALUE(&res, 0, 0), "paused") == 0 ||
		 strcmp(COVET_VALUE(&res, 0, 0), "cancelled") == 0))
		*stop = true;
	covet_result_free(d, &res);
	if (rc == COVET_OK && !*stop && d->throttle != NULL)
		rc = d->throttle(d->ctx, err);
	if (rc == COVET_OK && !*stop)
		rc = covet_batch_health_wait(d, r->id_text, stop, err);
	return rc;
}

/*
 * What an error in the batch after r->last is prefixed with:
 * "run 7 failed in the batch after key [\"30\"]: ", or "... in its first
 * batch: ".  *out is allocated; NULL on failure.
 */
static CovetStatus
batch_failure_prefix(CovetDriver *d, const Run *r, char **out, CovetError *err)
{
	char	   *key = NULL;
	CovetBuf	b;
	CovetStatus rc;

	*out = NULL;
	if (r->last != NULL &&
		(rc = key_encode(&d->mem, r->last, r->table.npk, &key, err)) != COVET_OK)
		return rc;
	covet_buf_init(&b, &d->mem);
	if (key != NULL)
		covet_buf_appendf(&b, "run %lld failed in the batch after key %s: ", (long long) r->id, key);
	else
		covet_buf_appendf(&b, "run %lld failed in its first batch: ", (long long) r->id);
	covet_free(&d->mem, key);
	return covet_buf_finish(&b, out, err);
}

#define HINT_ATOMIC_FAILED "Nothing was changed: the operation ran in one transaction, which is rolled back."

/*
 * Run one batch inside a savepoint.  *end receives the batch's last key
 * (NULL when nothing is left).  A failure of the batch's own SQL comes back
 * as COVET_ERR_SQL with *failed_in_batch set and the savepoint rolled back.
 */
static CovetStatus
run_batch(CovetDriver *d, Run *r, char ***end, int64_t *rows, bool *failed_in_batch,
		  CovetError *err)
{
	const int	npk = r->table.npk;
	const int	v = r->last != NULL ? 1 : 0;
	const char **params;
	CovetResult res = {0};
	CovetStatus rc = COVET_OK;
	CovetError	ignore;
	int			i;

	*end = NULL;
	*rows = 0;
	*failed_in_batch = false;
	params = covet_alloc(&d->mem, sizeof(char *) * (size_t) (2 * npk + 1));
	if (params == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < npk; i++)
	{
		if (v == 1)
		{
			params[i] = r->last[i];
			params[npk + i] = r->upper[i];
		}
		else
			params[i] = r->upper[i];
	}
	if (r->done)
		goto done;
	if (r->span_mode)
	{
		int64_t		from = r->last ? strtoll(r->last[0], NULL, 10) : r->lo_key;
		int64_t		upper = strtoll(r->upper[0], NULL, 10);
		int64_t		gap;
		int64_t		to;
		char		text[32];

		/* from + span, but never past the upper bound (nor past INT64_MAX) */
		if (__builtin_sub_overflow(upper, from, &gap) || gap > r->span)
		{
			if (__builtin_add_overflow(from, r->span, &to) || to > upper)
				to = upper;
		}
		else
			to = upper;
		snprintf(text, sizeof(text), "%lld", (long long) to);
		if (to >= upper)
			r->done = true;
		if ((*end = covet_alloc0(&d->mem, sizeof(char *))) == NULL ||
			((*end)[0] = covet_strdup(&d->mem, text)) == NULL)
		{
			rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			goto done;
		}
		goto have_end;
	}
	rc = d->query(d->ctx, r->sql_boundary[v], (v + 1) * npk, params, &res, err);
	if (rc != COVET_OK)
		goto done;
	if (res.nrows == 0)
	{
		/* the last batch: up to the upper bound */
		CovetResult upper = {0};

		upper.nrows = 1;
		upper.ncols = npk;
		upper.values = r->upper;
		rc = values_from_row(d, &upper, 0, npk, end, err);
		r->done = true;
	}
	else
	{
		rc = values_from_row(d, &res, 0, npk, end, err);
		/* exactly batch_size keys were left: this is the last batch */
		for (i = 0; rc == COVET_OK && i < npk && strcmp((*end)[i], r->upper[i]) == 0; i++)
			;
		if (rc == COVET_OK && i == npk)
			r->done = true;
	}
	if (rc != COVET_OK)
		goto done;
have_end:
	/* now the range is (last, end] */
	for (i = 0; i < npk; i++)
		params[v * npk + i] = (*end)[i];

	if (d->batch_rollback == NULL && (rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		goto done;
	if (d->batch_rollback != NULL && d->batch_failure_text != NULL)
	{
		char	   *prefix = NULL;

		if ((rc = batch_failure_prefix(d, r, &prefix, err)) != COVET_OK)
			goto done;
		d->batch_failure_text(d->ctx, prefix, HINT_ATOMIC_FAILED);
		covet_free(&d->mem, prefix);
	}
	if (r->undo_table != NULL)
		rc = d->query(d->ctx, r->sql_undo[v], (v + 1) * npk, params, NULL, err);
	if (rc == COVET_OK)
	{
		CovetResult mres = {0};

		rc = d->query(d->ctx, r->sql_main[v], (v + 1) * npk, params, &mres, err);
		*rows = mres.affected;
		covet_result_free(d, &mres);
	}
	if (d->batch_rollback != NULL && d->batch_failure_text != NULL)
		d->batch_failure_text(d->ctx, NULL, NULL);
	if (rc == COVET_OK)
	{
		if (d->batch_rollback == NULL)
			rc = d->savepoint_release(d->ctx, err);
		goto done;
	}
	*failed_in_batch = rc == COVET_ERR_SQL;
	if ((d->batch_rollback != NULL ? d->batch_rollback(d->ctx, &ignore) :
		 d->savepoint_rollback(d->ctx, &ignore)) != COVET_OK)
	{
		*err = ignore;
		rc = ignore.code;
		*failed_in_batch = false;
	}
done:
	/* a batch that failed in its SQL keeps its end for retries and skip */
	if (rc != COVET_OK && *end != NULL && !*failed_in_batch)
	{
		free_values(d, *end, npk);
		*end = NULL;
	}
	covet_result_free(d, &res);
	covet_free(&d->mem, params);
	return rc;
}

/* The boundary statement carries batch_size: build them all again. */
static CovetStatus
rebuild_statements(CovetDriver *d, Run *r, CovetError *err)
{
	int			v;

	for (v = 0; v < 3; v++)
	{
		covet_free(&d->mem, r->sql_boundary[v]);
		covet_free(&d->mem, r->sql_undo[v]);
		covet_free(&d->mem, r->sql_main[v]);
		r->sql_boundary[v] = r->sql_undo[v] = r->sql_main[v] = NULL;
	}
	return build_statements(d, r, err);
}

/* The size a bisecting run works with: the key span, or the batch size. */
static CovetStatus
set_size(CovetDriver *d, Run *r, int64_t size, CovetError *err)
{
	if (r->span_mode)
	{
		r->span = size;
		return COVET_OK;
	}
	if (size == r->batch_size)
		return COVET_OK;
	r->batch_size = size;
	return rebuild_statements(d, r, err);
}

/*
 * batch_time_ms: after a batch of rows that took elapsed_ms, the next
 * batch's size (batch_tune.c).  A span-mode run aims its spans at
 * batch_size rows, so the rows it did are the size it ran with.
 */
static CovetStatus
tune_after_batch(CovetDriver *d, Run *r, int64_t rows, int64_t elapsed_ms, CovetError *err)
{
	int64_t		size;

	if (r->batch_time_ms <= 0 || r->bisecting)
		return COVET_OK;
	size = r->span_mode && rows > 0 ? rows : r->batch_size;
	size = covet_tune_next(&r->tune, size, (double) elapsed_ms);
	if (size == r->batch_size)
		return COVET_OK;
	if (r->span_mode)
	{
		/* the next span is already aimed at the old size: rescale it */
		r->span = span_of((double) r->span * (double) size / (double) r->batch_size);
		r->batch_size = size;
		return COVET_OK;
	}
	return set_size(d, r, size, err);
}

/*
 * A batch failed in its SQL (cause) in a run whose batches commit one by
 * one: retry it after a jittered, growing wait when the error is
 * transient and retries are left (*attempt counts them for this batch);
 * else with on_error 'skip' halve it, or, when it is one row, record that
 * row's key and error in run_errors and step over it, which restores the
 * size.  *again: go on with the next batch; else the run fails with cause.
 * *endp (the failed batch's end) becomes the checkpoint when a row is
 * skipped, and is then NULL.
 */
static CovetStatus
after_failed_batch(CovetDriver *d, Run *r, char ***endp, int *attempt,
				   const CovetError *cause, bool *again, CovetError *err)
{
	int64_t		size = r->span_mode ? r->span : r->batch_size;
	char	   *key = NULL;
	CovetStatus rc;

	*again = false;
	r->done = false;
	if (*attempt < r->retries &&
		covet_batch_error_transient(covet_error_sqlstate(cause)))
	{
		(*attempt)++;
		*again = true;
		return covet_batch_retry_wait(d, r->id_text, *attempt, cause, err);
	}
	*attempt = 0;
	if (!r->on_error_skip || *endp == NULL)
		return COVET_OK;
	*again = true;
	if (size > 1)
	{
		if (!r->bisecting)
		{
			r->bisecting = true;
			r->size_before_bisect = size;
		}
		return set_size(d, r, size / 2, err);
	}
	if ((rc = key_encode(&d->mem, *endp, r->table.npk, &key, err)) != COVET_OK)
		return rc;
	rc = covet_batch_error_record(d, r->id_text, key, cause, err);
	covet_free(&d->mem, key);
	if (rc != COVET_OK)
		return rc;
	free_values(d, r->last, r->table.npk);
	r->last = *endp;
	*endp = NULL;
	if ((rc = run_save(d, r, 0.0, 0.0, err)) == COVET_OK)
		rc = commit_if_possible(d, err);
	if (rc == COVET_OK && r->bisecting)
	{
		r->bisecting = false;
		rc = set_size(d, r, r->size_before_bisect, err);
	}
	return rc;
}

/*
 * A filtered run's total: the rows it changed over the fraction of its key
 * range done.  Time goes with the keys scanned, not the rows changed, so
 * percent and ETA follow the key.
 */
static void
estimate_by_key(Run *r, const char *reached)
{
	double		upper = (double) strtoll(r->upper[0], NULL, 10);
	double		done = (double) strtoll(reached, NULL, 10) - (double) r->lo_key;
	double		range = upper - (double) r->lo_key;

	if (range <= 0.0 || done <= 0.0)
		return;
	if (done >= range)
		r->rows_total = r->rows_done;
	else
		r->rows_total = (int64_t) ((double) r->rows_done * range / done + 0.5);
}

/*
 * Run batches until the upper bound, a failure, or a pause/cancel.
 *
 * The run's row is checkpointed with each batch that commits.  When nothing
 * commits (one transaction: the host's, or SELECT in PostgreSQL), no other
 * session can read the row before the end, and a crash loses the row with
 * the batches; so it is written only when progress is reported and when
 * the loop ends, however it ends (a host that keeps the batches done before
 * a failure must find the key they reached).  In SQLite's WAL this matters:
 * the row's page, rewritten after each batch's pages were flushed, is a
 * WAL frame overwritten in place.
 */
static CovetStatus
run_loop(CovetDriver *d, Run *r, CovetError *err)
{
	const int	npk = r->table.npk;
	int64_t		t0 = d->clock_ms(d->ctx);
	int64_t		last_report = t0;
	int64_t		rows_session = 0;
	CovetStatus rc = COVET_OK;
	bool		one_txn = false;	/* known after the first batch */
	bool		unsaved = false;	/* the row lags r->last */
	double		rate = 0.0;
	int			attempt = 0;	/* retries of the batch at r->last */

	for (;;)
	{
		char	  **end = NULL;
		char	   *start_text = NULL;
		int64_t		rows;
		bool		failed_in_batch;
		CovetProgress p;
		int64_t		now;
		bool		report_due;
		int64_t		batch_t0;

		if ((rc = d->check_interrupts(d->ctx, err)) != COVET_OK)
			break;
		batch_t0 = d->clock_ms(d->ctx);
		rc = run_batch(d, r, &end, &rows, &failed_in_batch, err);
		if (rc != COVET_OK)
		{
			CovetError	cause = *err;
			bool		committed = false;

			if (failed_in_batch && r->alone)
			{
				bool		again;

				rc = after_failed_batch(d, r, &end, &attempt, &cause, &again, err);
				free_values(d, end, npk);
				if (rc != COVET_OK)
					break;
				if (again)
					continue;
				*err = cause;
				rc = COVET_ERR_SQL;
			}
			else
				free_values(d, end, npk);
			if (!failed_in_batch)
				break;
			/* record the failure where the batch started, keep what was done */
			if (r->last != NULL)
				rc = key_encode(&d->mem, r->last, npk, &start_text, err);
			else
				start_text = NULL;
			if (unsaved && (rc == COVET_ERR_SQL || rc == COVET_OK))
			{
				rc = run_save(d, r, rate, 0.0, err);
				unsaved = rc != COVET_OK;
			}
			if (rc == COVET_ERR_SQL || rc == COVET_OK)
				rc = run_mark_failed(d, r, start_text, &cause, err);
			if (rc == COVET_OK && d->batch_commit != NULL)
				rc = d->batch_commit(d->ctx, &committed, err);
			covet_free(&d->mem, start_text);
			if (rc != COVET_OK)
				break;
			*err = cause;
			{
				char	   *prefix = NULL;
				CovetError	ignore;

				if (batch_failure_prefix(d, r, &prefix, &ignore) == COVET_OK)
					covet_error_prefix(err, "%s", prefix);
				covet_free(&d->mem, prefix);
			}
			if (committed)
				covet_error_hint(err, "Rows before that batch stay changed; fix the cause and call covet_resume(%lld).",
								 (long long) r->id);
			else
				covet_error_hint(err, HINT_ATOMIC_FAILED);
			rc = COVET_ERR_SQL;
			break;
		}
		if (end == NULL)
			break;				/* nothing left below the upper bound */

		r->rows_done += rows;
		rows_session += rows;
		r->batches++;
		attempt = 0;
		if (r->span_mode && !r->bisecting)
		{
			/* aim the next span at batch_size rows; grow at most 4x at a time */
			double		want = rows > 0 ? (double) r->span * (double) r->batch_size / (double) rows : (double) r->span * 4;

			if (want > (double) r->span * 4)
				want = (double) r->span * 4;
			r->span = span_of(want);
		}
		if (r->total_by_key)
			estimate_by_key(r, end[0]);
		now = d->clock_ms(d->ctx);
		memset(&p, 0, sizeof(p));
		p.rows_done = rows_session;
		p.rows_total = r->rows_total - (r->rows_done - rows_session);
		covet_progress_compute(&p, now - t0);
		rate = p.rows_per_sec;
		free_values(d, r->last, npk);
		r->last = end;
		report_due = r->progress_ms < 0 || now - last_report >= r->progress_ms;
		unsaved = true;
		if (!one_txn || report_due)
		{
			rc = run_save(d, r, p.rows_per_sec, p.eta_sec, err);
			unsaved = rc != COVET_OK;
		}
		if (rc == COVET_OK && d->batch_commit == NULL)
		{
			one_txn = true;
			rc = tune_after_batch(d, r, rows, d->clock_ms(d->ctx) - batch_t0, err);
		}
		else if (rc == COVET_OK)
		{
			bool		committed = false;

			rc = d->batch_commit(d->ctx, &committed, err);
			one_txn = !committed;
			if (rc == COVET_OK)
				rc = tune_after_batch(d, r, rows, d->clock_ms(d->ctx) - batch_t0, err);
			if (rc == COVET_OK && committed && !r->done)
			{
				bool		stop;

				rc = between_batches(d, r, &stop, err);
				if (rc == COVET_OK && stop)
				{
					report_progress(d, r, now - t0, rows_session, false);
					return COVET_OK;
				}
			}
		}
		if (rc != COVET_OK)
			break;
		if (report_due)
		{
			report_progress(d, r, now - t0, rows_session, false);
			last_report = now;
		}
	}
	if (rc != COVET_OK && unsaved)
	{
		CovetError	ignore;

		/* best effort: the error that stopped the run is the one to report */
		(void) run_save(d, r, rate, 0.0, &ignore);
	}
	if (rc == COVET_OK)
	{
		char	   *last_text = NULL;
		CovetProgress p;

		memset(&p, 0, sizeof(p));
		p.rows_done = rows_session;
		p.final = true;
		covet_progress_compute(&p, d->clock_ms(d->ctx) - t0);
		if (r->last != NULL)
			rc = key_encode(&d->mem, r->last, npk, &last_text, err);
		if (rc == COVET_OK)
			rc = run_checkpoint(d, r, last_text, p.rows_per_sec, 0.0, COVET_RUN_COMPLETED, err);
		covet_free(&d->mem, last_text);
		if (rc == COVET_OK)
			rc = commit_if_possible(d, err);
		if (rc == COVET_OK)
			report_progress(d, r, d->clock_ms(d->ctx) - t0, rows_session, true);
	}
	return rc;
}

/* --- start ----------------------------------------------------------------- */

/*
 * A statement of the run that embeds fragments, matching no row: the SET
 * list set (NULL for a delete) and the run's filter.  With guard, an
 * update gets a FROM clause of covet's own after its SET list, so a SET
 * list that brings a FROM clause of its own cannot parse.
 */
static CovetStatus
fragment_statement(CovetDriver *d, const Run *r, const char *set, bool guard,
				   char **out, CovetError *err)
{
	CovetBuf	b;

	covet_buf_init(&b, &d->mem);
	if (set == NULL)
		covet_buf_appendf(&b, "DELETE FROM %s AS t WHERE false", r->table.sql_name);
	else
		covet_buf_appendf(&b, "UPDATE %s AS t SET\n%s\n%sWHERE false", r->table.sql_name, set,
						  guard ? "FROM (SELECT 1) AS covet_guard " : "");
	if (r->where_sql != NULL)
		covet_buf_appendf(&b, " AND (\n%s\n)", r->where_sql);
	return covet_buf_finish(&b, out, err);
}

/*
 * Have the engine read the run's SQL, without running it: each stored
 * fragment through covet_fragment_check, then each statement that embeds
 * them through the driver's check_statement.  At creation, and again
 * (stored: a fragment's error then names the run) before resume or undo
 * runs what the runs row holds.
 */
static CovetStatus
check_run_sql(CovetDriver *d, const Run *r, bool reverse, bool stored, CovetError *err)
{
	const char *set = reverse ? r->reverse_set : r->kind == COVET_OP_DELETE ? NULL : r->set_sql;
	const char *what = reverse ? "reverse_expr" : set == NULL ? "where" :
		r->where_sql ? "set or where" : "set";
	char	   *sql = NULL;
	CovetStatus rc;

	if ((set != NULL && (rc = covet_fragment_check(d, reverse ? "reverse_expr" : "set", set, err)) != COVET_OK) ||
		(r->where_sql != NULL && (rc = covet_fragment_check(d, "where", r->where_sql, err)) != COVET_OK))
	{
		if (stored && rc != COVET_ERR_NOMEM)
			covet_error_prefix(err, "run %s: ", r->id_text);
		return rc;
	}
	if (!reverse && set == NULL && r->kind == COVET_OP_UPDATE)
		return covet_error_set(err, COVET_ERR_INVALID, "the run has no SET list");
	if ((rc = fragment_statement(d, r, set, set != NULL, &sql, err)) != COVET_OK)
		return rc;
	rc = d->check_statement(d->ctx, sql, set != NULL ? COVET_SQL_UPDATE : COVET_SQL_DELETE, 0, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_ERR_INVALID)
	{
		covet_error_prefix(err, "invalid %s for table \"%s\": ", what, r->table.display);
		if (err->hint[0] == '\0')
			covet_error_hint(err, "Nothing was changed.");
	}
	return rc;
}

/*
 * Compile the fragments against the table, matching no row; nothing
 * changes.  The engine reads them first (check_run_sql): nothing that
 * does not parse as the expected statement is ever run.  The reverse SET
 * list is compiled too, so a bad one fails here and not at undo.
 */
static CovetStatus
validate_fragments(CovetDriver *d, const Run *r, CovetError *err)
{
	int			pass;
	CovetStatus rc = COVET_OK;

	for (pass = 0; pass < 2 && rc == COVET_OK; pass++)
	{
		bool		reverse = pass == 1;
		char	   *sql = NULL;
		CovetError	ignore;

		if (reverse && r->reverse_set == NULL)
			break;
		if ((rc = check_run_sql(d, r, reverse, false, err)) != COVET_OK ||
			(rc = fragment_statement(d, r, reverse ? r->reverse_set :
									 r->kind == COVET_OP_DELETE ? NULL : r->set_sql,
									 false, &sql, err)) != COVET_OK)
			return rc;
		if ((rc = d->savepoint_begin(d->ctx, err)) == COVET_OK)
		{
			rc = d->query(d->ctx, sql, 0, NULL, NULL, err);
			if (d->savepoint_rollback(d->ctx, &ignore) != COVET_OK && rc == COVET_OK)
			{
				*err = ignore;
				rc = ignore.code;
			}
			else if (rc == COVET_ERR_SQL)
			{
				covet_error_prefix(err, "invalid %s for table \"%s\": ",
								   reverse ? "reverse_expr" : r->kind == COVET_OP_DELETE ? "where" :
								   r->where_sql ? "set or where" : "set", r->table.display);
				if (err->hint[0] == '\0')
					covet_error_hint(err, "Nothing was changed.");
			}
		}
		covet_free(&d->mem, sql);
	}
	return rc;
}

static CovetStatus
upper_key(CovetDriver *d, Run *r, CovetError *err)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetResult res = {0};
	CovetStatus rc;

	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	covet_batch_key_list(&b, &r->table, "", "");
	covet_buf_appendf(&b, " FROM %s ORDER BY ", r->table.sql_name);
	covet_batch_key_list(&b, &r->table, "", " DESC");
	covet_buf_append(&b, " LIMIT 1");
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = d->query(d->ctx, sql, 0, NULL, &res, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_OK && res.nrows == 1)
		rc = values_from_row(d, &res, 0, r->table.npk, &r->upper, err);
	covet_result_free(d, &res);
	return rc;
}

/* Run a one-value query; *out stays unchanged when it gives no number. */
static CovetStatus
query_number(CovetDriver *d, const char *sql, int nparams, const char *const *params,
			 int64_t *out, bool *found, CovetError *err)
{
	CovetResult res = {0};
	CovetStatus rc = d->query(d->ctx, sql, nparams, params, &res, err);

	*found = false;
	if (rc == COVET_OK && res.nrows == 1 && res.ncols >= 1 && COVET_VALUE(&res, 0, 0) != NULL)
	{
		*out = strtoll(COVET_VALUE(&res, 0, 0), NULL, 10);
		*found = true;
	}
	covet_result_free(d, &res);
	return rc;
}

static bool
is_integer_type(const char *type)
{
	return strcasestr(type, "int") != NULL;
}

/* a single integer key (or the rowid): batches are key spans */
static bool
integer_key(const Run *r)
{
	return r->table.npk == 1 && is_integer_type(r->table.types[r->table.pk[0]]);
}

/* The lowest key of a single integer key; found false on an empty table. */
static CovetStatus
lowest_key(CovetDriver *d, Run *r, int64_t *lo, bool *found, CovetError *err)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetStatus rc;

	*found = false;
	covet_buf_init(&b, &d->mem);
	covet_buf_append(&b, "SELECT ");
	covet_quote_ident(&b, r->table.cols[r->table.pk[0]]);
	covet_buf_appendf(&b, " FROM %s ORDER BY ", r->table.sql_name);
	covet_quote_ident(&b, r->table.cols[r->table.pk[0]]);
	covet_buf_append(&b, " LIMIT 1");
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = query_number(d, sql, 0, NULL, lo, found, err);
	covet_free(&d->mem, sql);
	return rc;
}

/*
 * Span mode for a single integer key: the first span assumes the keys are
 * as dense as the estimate says (rows_total over the key range).
 */
static CovetStatus
span_setup(CovetDriver *d, Run *r, CovetError *err)
{
	CovetStatus rc;
	bool		found = false;
	int64_t		lo = 0,
				upper;
	double		density;

	r->span_mode = false;
	r->total_by_key = false;
	if (r->upper == NULL || !integer_key(r))
		return COVET_OK;
	if (r->lower != NULL)
	{
		/* a part of a parallel run: its range starts after lower */
		found = true;
		lo = strtoll(r->lower[0], NULL, 10);
		if (lo == INT64_MAX)
			return COVET_OK;
		lo++;
	}
	else if ((rc = lowest_key(d, r, &lo, &found, err)) != COVET_OK || !found)
		return rc;
	upper = strtoll(r->upper[0], NULL, 10);
	if (lo == INT64_MIN || upper < lo)
		return COVET_OK;		/* odd keys: walk the index instead */
	r->lo_key = lo - 1;
	density = r->rows_total > 0 ? ((double) upper - (double) lo + 1.0) / (double) r->rows_total : 1.0;
	if (density < 1.0)
		density = 1.0;
	r->span = span_of((double) r->batch_size * density);
	r->span_mode = true;
	r->total_by_key = r->where_sql != NULL;
	return COVET_OK;
}

/*
 * How many rows the run will see, for percent and ETA.  Counting a big
 * table costs a few percent of the whole run, so estimate: the engine's
 * statistics (PostgreSQL's reltuples), or the span of an integer key.  A
 * filter makes those useless as a total; a filtered run on an integer key
 * gets its total from the key fraction it has reached (total_by_key), and
 * the statistics only size its first span.  A filtered run on another key
 * is counted.  The run's row gets the exact figure when it completes.
 */
static CovetStatus
estimate_rows(CovetDriver *d, Run *r, CovetError *err)
{
	CovetBuf	b;
	char	   *sql = NULL;
	CovetStatus rc;
	bool		found = false;
	bool		by_key = r->where_sql != NULL && integer_key(r);

	r->rows_total = 0;
	if (r->upper == NULL || (by_key && d->dialect->estimate_sql == NULL))
		return COVET_OK;
	covet_buf_init(&b, &d->mem);
	if ((r->where_sql == NULL || by_key) && d->dialect->estimate_sql != NULL)
	{
		const char *p[] = {r->table.sql_name};

		covet_sql_expand(d->dialect, &b, d->dialect->estimate_sql);
		if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
			return rc;
		rc = query_number(d, sql, 1, p, &r->rows_total, &found, err);
		covet_free(&d->mem, sql);
		if (rc != COVET_OK || (found && r->rows_total > 0) || by_key)
			return rc;
		covet_buf_init(&b, &d->mem);
	}
	if (r->where_sql == NULL && integer_key(r))
	{
		/*
		 * The key span, in C: keys from -2^62 to 2^62 span more than a
		 * bigint holds, which SQL arithmetic would refuse (PostgreSQL) or
		 * turn into a REAL (SQLite).
		 */
		int64_t		lo = 0;
		int64_t		upper = strtoll(r->upper[0], NULL, 10);
		int64_t		span;

		covet_buf_free(&b);
		rc = lowest_key(d, r, &lo, &found, err);
		if (rc != COVET_OK || !found)
			return rc;
		if (__builtin_sub_overflow(upper, lo, &span) || __builtin_add_overflow(span, 1, &span))
			span = INT64_MAX;
		r->rows_total = span;
		return COVET_OK;
	}
	covet_buf_appendf(&b, "SELECT %scount(*) FROM %s AS t", d->dialect->catalog, r->table.sql_name);
	if (r->where_sql != NULL)
		covet_buf_appendf(&b, " WHERE (\n%s\n)", r->where_sql);
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		return rc;
	rc = query_number(d, sql, 0, NULL, &r->rows_total, &found, err);
	covet_free(&d->mem, sql);
	return rc;
}

/*
 * SQLite: a rowid table's b-tree is keyed by its rowid; a PRIMARY KEY that
 * is not an INTEGER PRIMARY KEY is a separate index, so batches over it
 * cost an index probe and a table lookup for every row, where one UPDATE
 * just scans.  Such tables are batched by rowid (stable: a batched update
 * never changes the key).  The primary key is still required, and still
 * the key that dedup orders by and undo data is matched on.
 */
static CovetStatus
rowid_wanted(CovetDriver *d, const CovetTableInfo *t, bool *yes, CovetError *err)
{
	CovetResult res = {0};
	const char *p[] = {t->display};
	CovetStatus rc;

	*yes = false;
	if (!d->dialect->rowid_key || covet_table_column(t, "rowid") >= 0)
		return COVET_OK;
	if (t->npk == 1 && strcasecmp(t->types[t->pk[0]], "integer") == 0)
		return COVET_OK;		/* an INTEGER PRIMARY KEY is the rowid */
	rc = covet_sql_run(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
					   " AND name = {1} COLLATE NOCASE AND sql LIKE '%without%rowid%'",
					   1, p, &res, err);
	*yes = rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL &&
		strcmp(COVET_VALUE(&res, 0, 0), "0") == 0;
	covet_result_free(d, &res);
	return rc;
}

/* Make the rowid the run's key: one more (generated, never written) column. */
static CovetStatus
use_rowid_key(CovetDriver *d, CovetTableInfo *t, CovetError *err)
{
	int			n = t->ncols;
	char	  **cols = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (n + 1));
	char	  **types = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (n + 1));
	bool	   *gen = covet_alloc0(&d->mem, sizeof(bool) * (size_t) (n + 1));
	int		   *pk = covet_alloc0(&d->mem, sizeof(int));

	if (cols == NULL || types == NULL || gen == NULL || pk == NULL ||
		(cols[n] = covet_strdup(&d->mem, "rowid")) == NULL ||
		(types[n] = covet_strdup(&d->mem, "integer")) == NULL)
	{
		covet_free(&d->mem, cols ? cols[n] : NULL);
		covet_free(&d->mem, cols);
		covet_free(&d->mem, types);
		covet_free(&d->mem, gen);
		covet_free(&d->mem, pk);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	memcpy(cols, t->cols, sizeof(char *) * (size_t) n);
	memcpy(types, t->types, sizeof(char *) * (size_t) n);
	memcpy(gen, t->generated, sizeof(bool) * (size_t) n);
	gen[n] = true;
	pk[0] = n;
	covet_free(&d->mem, t->cols);
	covet_free(&d->mem, t->types);
	covet_free(&d->mem, t->generated);
	t->realpk = t->pk;
	t->nrealpk = t->npk;
	t->cols = cols;
	t->types = types;
	t->generated = gen;
	t->pk = pk;
	t->npk = 1;
	t->ncols = n + 1;
	return COVET_OK;
}

/* SQLite's affinity of a declared type (datatype3.html, section 3.1). */
typedef enum Affinity
{
	AFF_INTEGER,
	AFF_TEXT,
	AFF_BLOB,
	AFF_REAL,
	AFF_NUMERIC
} Affinity;

static Affinity
affinity_of(const char *type)
{
	if (strcasestr(type, "int"))
		return AFF_INTEGER;
	if (strcasestr(type, "char") || strcasestr(type, "clob") || strcasestr(type, "text"))
		return AFF_TEXT;
	if (type[0] == '\0' || strcasestr(type, "blob"))
		return AFF_BLOB;
	if (strcasestr(type, "real") || strcasestr(type, "floa") || strcasestr(type, "doub"))
		return AFF_REAL;
	return AFF_NUMERIC;
}

/*
 * Keys travel between batches as text and come back through their column's
 * type.  In SQLite that only orders correctly when every key value has the
 * storage class the declared type implies: refuse untyped or BLOB key
 * columns, and columns holding keys of another class.
 */
static CovetStatus
check_key_storage(CovetDriver *d, const Run *r, CovetError *err)
{
	const CovetTableInfo *t = &r->table;
	int			i;

	if (!d->dialect->check_key_storage)
		return COVET_OK;
	for (i = 0; i < t->npk; i++)
	{
		const char *col = t->cols[t->pk[i]];
		const char *type = t->types[t->pk[i]];
		Affinity	aff = affinity_of(type);
		CovetBuf	b;
		char	   *sql = NULL;
		CovetResult res = {0};
		CovetStatus rc;

		if (aff == AFF_BLOB)
		{
			covet_error_set(err, COVET_ERR_STATE, "key column \"%s\" of table \"%s\" has %s",
							col, t->display, type[0] ? "BLOB affinity" : "no declared type");
			covet_error_detail(err, "covet orders batches by the key, and SQLite orders values of different storage classes apart.");
			covet_error_hint(err, "Declare the key column INTEGER, TEXT or REAL.");
			return COVET_ERR_STATE;
		}
		/* an INTEGER PRIMARY KEY is the rowid: always an integer */
		if (t->npk == 1 && strcasecmp(type, "integer") == 0)
			continue;
		covet_buf_init(&b, &d->mem);
		covet_buf_append(&b, "SELECT typeof(");
		covet_quote_ident(&b, col);
		covet_buf_appendf(&b, ") FROM %s WHERE typeof(", t->sql_name);
		covet_quote_ident(&b, col);
		covet_buf_append(&b, aff == AFF_INTEGER ? ") <> 'integer'" :
						 aff == AFF_TEXT ? ") <> 'text'" : ") NOT IN ('integer', 'real')");
		covet_buf_append(&b, " LIMIT 1");
		if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
			return rc;
		rc = d->query(d->ctx, sql, 0, NULL, &res, err);
		covet_free(&d->mem, sql);
		if (rc == COVET_OK && res.nrows > 0)
		{
			covet_error_set(err, COVET_ERR_STATE, "key column \"%s\" of table \"%s\" holds %s values",
							col, t->display, COVET_VALUE(&res, 0, 0));
			covet_error_detail(err, "Its declared type \"%s\" implies %s keys; SQLite orders other storage classes apart, so batches would skip them.",
							   type, aff == AFF_INTEGER ? "integer" : aff == AFF_TEXT ? "text" : "numeric");
			covet_error_hint(err, "Convert those keys first, e.g. UPDATE ... SET %s = CAST(%s AS ...).", col, col);
			rc = COVET_ERR_STATE;
		}
		covet_result_free(d, &res);
		if (rc != COVET_OK)
			return rc;
	}
	return COVET_OK;
}

/*
 * A batched UPDATE must not change the key: rows would move between key
 * ranges (changed twice or not at all), and the undo data is keyed by it.
 */
static CovetStatus
check_set_targets(CovetDriver *d, const Run *r, CovetError *err)
{
	char	  **targets = NULL;
	int			n = 0,
				i,
				k;
	CovetStatus rc;

	if (r->kind != COVET_OP_UPDATE)
		return COVET_OK;
	if ((rc = covet_sql_set_targets(d->dialect->engine, &d->mem, r->set_sql, &targets, &n, err)) != COVET_OK)
		return rc;
	for (i = 0; rc == COVET_OK && i < n; i++)
	{
		int			c = covet_table_column(&r->table, targets[i]);

		for (k = 0; c >= 0 && k < r->table.npk; k++)
			if (r->table.pk[k] == c)
			{
				covet_error_set(err, COVET_ERR_INVALID,
								"a batched update cannot change the primary key column \"%s\"",
								r->table.cols[c]);
				covet_error_detail(err, "Rows would move between key ranges, and be changed twice or not at all.");
				covet_error_hint(err, "Use one UPDATE for a key change, or fill a new column in batches and switch to it.");
				rc = COVET_ERR_INVALID;
				break;
			}
		if (rc == COVET_OK && c >= 0 && r->table.generated[c])
		{
			covet_error_set(err, COVET_ERR_INVALID, "column \"%s\" is a generated column", r->table.cols[c]);
			covet_error_hint(err, "The database computes it; change the columns it is computed from.");
			rc = COVET_ERR_INVALID;
		}
	}
	free_values(d, targets, n);
	return rc;
}

/* Create the undo table: the key and the columns the run changes. */
static CovetStatus
create_undo(CovetDriver *d, Run *r, const CovetOp *op, CovetError *err)
{
	CovetBuf	b;
	char	   *tmpl = NULL;
	char	   *sql = NULL;
	char	   *names = NULL;
	CovetStatus rc;
	int			i;

	covet_buf_init(&b, &d->mem);
	covet_buf_appendf(&b, "{undo_%lld}", (long long) r->id);
	if ((rc = covet_buf_finish(&b, &tmpl, err)) != COVET_OK)
		return rc;
	covet_buf_init(&b, &d->mem);
	covet_sql_expand(d->dialect, &b, tmpl);
	covet_free(&d->mem, tmpl);
	if ((rc = covet_buf_finish(&b, &r->undo_table, err)) != COVET_OK)
		return rc;

	if (r->kind == COVET_OP_UPDATE)
	{
		char	  **targets = NULL;
		int			ntargets = 0;
		const char *const *cols = op->undo_cols;
		int			ncols = op->nundo;

		if (cols == NULL)
		{
			if ((rc = covet_sql_set_targets(d->dialect->engine, &d->mem, op->set_sql, &targets, &ntargets, err)) != COVET_OK)
				return rc;
			cols = (const char *const *) targets;
			ncols = ntargets;
		}
		r->undo_names = covet_alloc0(&d->mem, sizeof(char *) * (size_t) (ncols + 1));
		rc = r->undo_names ? COVET_OK : covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		for (i = 0; rc == COVET_OK && i < ncols; i++)
		{
			int			c = covet_table_column(&r->table, cols[i]);

			if (c < 0)
			{
				covet_error_set(err, COVET_ERR_NOT_FOUND, "column \"%s\" of table \"%s\" does not exist",
								cols[i], r->table.display);
				memcpy(err->sqlstate, "42703", 6);
				rc = COVET_ERR_NOT_FOUND;
			}
			else if ((r->undo_names[i] = covet_strdup(&d->mem, r->table.cols[c])) == NULL)
				rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
			else
				r->nundo = i + 1;
		}
		free_values(d, targets, ntargets);
		if (rc != COVET_OK)
			return rc;
		if ((rc = key_encode(&d->mem, r->undo_names, r->nundo, &names, err)) != COVET_OK)
			return rc;
	}
	covet_buf_init(&b, &d->mem);
	if (d->create_undo == NULL)
		covet_buf_appendf(&b, "CREATE TABLE %s AS ", r->undo_table);
	covet_buf_append(&b, "SELECT ");
	if (r->kind == COVET_OP_DELETE)
		append_stored_list(&b, &r->table, "t.");
	else
	{
		covet_batch_key_list(&b, &r->table, "t.", "");
		append_undo_list(&b, r, "t.");
	}
	covet_buf_appendf(&b, " FROM %s AS t WHERE false", r->table.sql_name);
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
	{
		covet_free(&d->mem, names);
		return rc;
	}
	if (d->create_undo != NULL)
		rc = d->create_undo(d->ctx, r->undo_table, sql, err);
	else
		rc = d->query(d->ctx, sql, 0, NULL, NULL, err);
	covet_free(&d->mem, sql);
	if (rc == COVET_OK)
	{
		const char *p[] = {r->id_text, r->undo_table, names};

		rc = covet_sql_run(d, "UPDATE {runs} SET undo_table = {2}, undo_columns = {3}"
						   " WHERE id {=} CAST({1} AS bigint)", 3, p, NULL, err);
	}
	covet_free(&d->mem, names);
	return rc;
}

static CovetStatus
key_columns_json(CovetDriver *d, const CovetTableInfo *t, char **out, CovetError *err)
{
	char	  **names = covet_alloc(&d->mem, sizeof(char *) * (size_t) (t->npk + 1));
	CovetStatus rc;
	int			i;

	if (names == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < t->npk; i++)
		names[i] = t->cols[t->pk[i]];
	rc = key_encode(&d->mem, names, t->npk, out, err);
	covet_free(&d->mem, names);
	return rc;
}

/*
 * Check an operation and write its run, state pending, with its undo table;
 * nothing in the table changes yet.
 */
CovetStatus
covet_batch_create(CovetDriver *d, const CovetOp *op, int64_t *run_id,
				   CovetError *err)
{
	Run			r;
	CovetResult res = {0};
	char	   *keycols = NULL;
	char	   *upper_text = NULL;
	CovetStatus rc;

	*run_id = 0;
	memset(&r, 0, sizeof(r));
	if (op->batch_size <= 0)
	{
		covet_error_set(err, COVET_ERR_INVALID, "batch_size must be greater than zero");
		covet_error_detail(err, "batch_size was %lld.", (long long) op->batch_size);
		return COVET_ERR_INVALID;
	}
	if (op->kind == COVET_OP_UPDATE &&
		(rc = covet_fragment_check(d, "set", op->set_sql, err)) != COVET_OK)
		return rc;
	if (op->where_sql != NULL &&
		(rc = covet_fragment_check(d, "where", op->where_sql, err)) != COVET_OK)
		return rc;
	if (op->reverse_set != NULL &&
		(rc = covet_fragment_check(d, "reverse_expr", op->reverse_set, err)) != COVET_OK)
		return rc;
	/* an identical unfinished run: refused, or carried on (batch_twin.c) */
	if ((rc = covet_batch_twin(d, op, run_id, err)) != COVET_OK || *run_id != 0)
		return rc;
	if ((rc = covet_table_describe(d, op->table, &r.table, err)) != COVET_OK)
		return rc;

	r.kind = op->kind;
	r.batch_size = op->batch_size;
	if ((r.op = covet_strdup(&d->mem, op->op)) == NULL ||
		(op->set_sql && (r.set_sql = covet_strdup(&d->mem, op->set_sql)) == NULL) ||
		(op->where_sql && (r.where_sql = covet_strdup(&d->mem, op->where_sql)) == NULL) ||
		(op->reverse_set && (r.reverse_set = covet_strdup(&d->mem, op->reverse_set)) == NULL))
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = check_set_targets(d, &r, err)) != COVET_OK)
		goto done;
	{
		bool		by_rowid;

		if ((rc = rowid_wanted(d, &r.table, &by_rowid, err)) != COVET_OK ||
			(by_rowid && (rc = use_rowid_key(d, &r.table, err)) != COVET_OK))
			goto done;
	}
	if ((rc = check_key_storage(d, &r, err)) != COVET_OK)
		goto done;
	if ((rc = validate_fragments(d, &r, err)) != COVET_OK)
		goto done;
	if ((rc = upper_key(d, &r, err)) != COVET_OK)
		goto done;
	if ((rc = estimate_rows(d, &r, err)) != COVET_OK)
		goto done;
	if ((rc = span_setup(d, &r, err)) != COVET_OK)
		goto done;
	if (r.where_sql != NULL && integer_key(&r))
		r.rows_total = 0;		/* not known before the first batch */
	if ((rc = key_columns_json(d, &r.table, &keycols, err)) != COVET_OK)
		goto done;
	if (r.upper != NULL &&
		(rc = key_encode(&d->mem, r.upper, r.table.npk, &upper_text, err)) != COVET_OK)
		goto done;

	{
		char		bs[32],
					total[32];
		const char *migration = d->get_migration ? d->get_migration(d->ctx) : NULL;
		const char *p[] = {r.op, r.table.display, op->args, r.kind == COVET_OP_DELETE ? "delete" : "update",
			r.set_sql, r.where_sql, r.reverse_set, keycols, upper_text, bs, total,
		migration, d->who(d->ctx)};

		snprintf(bs, sizeof(bs), "%lld", (long long) r.batch_size);
		snprintf(total, sizeof(total), "%lld", (long long) r.rows_total);
		rc = covet_sql_run(d,
						   "INSERT INTO {runs} (op, table_name, args, kind, set_sql, where_sql,"
						   " reverse_set, key_columns, upper_key, batch_size, rows_total, migration,"
						   " who, state, rows_done, batches, started_at, updated_at)"
						   " VALUES ({1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, CAST({10} AS bigint),"
						   " CAST({11} AS bigint), {12}, {13}, 'pending', 0, 0, {now}, {now}) RETURNING id",
						   13, p, &res, err);
	}
	if (rc != COVET_OK)
		goto done;
	if (res.nrows != 1 || COVET_VALUE(&res, 0, 0) == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_INTERNAL, "could not read the new run's id");
		goto done;
	}
	r.id = strtoll(COVET_VALUE(&res, 0, 0), NULL, 10);
	snprintf(r.id_text, sizeof(r.id_text), "%lld", (long long) r.id);
	*run_id = r.id;
	if (op->keep_undo && (rc = create_undo(d, &r, op, err)) != COVET_OK)
		goto done;
	if (op->workers > 1 && r.upper != NULL)
	{
		int			nparts;

		/* a parallel run: this row is the parent of one run per key range */
		if ((rc = covet_batch_parts_create(d, r.id, &r.table, r.upper, r.rows_total,
										   op->workers, &nparts, err)) != COVET_OK)
			goto done;
	}
done:
	covet_result_free(d, &res);
	covet_free(&d->mem, keycols);
	covet_free(&d->mem, upper_text);
	run_free(d, &r);
	return rc;
}

/* Create a run and carry it out at once. */
CovetStatus
covet_batch_start(CovetDriver *d, const CovetOp *op, int64_t *run_id,
				  CovetError *err)
{
	CovetStatus rc = covet_batch_create(d, op, run_id, err);

	if (rc == COVET_OK)
		rc = commit_if_possible(d, err);
	if (rc == COVET_OK)
		rc = covet_batch_resume(d, *run_id, op->progress_ms, err);
	return rc;
}

/*
 * The run's owner, to the driver (see CovetDriver.run_owner): it refuses
 * a caller who may not act on the owner's runs, and runs the run's
 * statements as the owner.
 */
static CovetStatus
run_owner_set(CovetDriver *d, int64_t run_id, const char *owner, const char *action,
			  CovetError *err)
{
	if (d->run_owner == NULL)
		return COVET_OK;
	if (owner == NULL)
		return covet_error_set(err, COVET_ERR_INTERNAL, "run %lld has no owner", (long long) run_id);
	return d->run_owner(d->ctx, run_id, owner, action, err);
}

/* From here on, statements run as the caller again. */
static void
run_owner_clear(CovetDriver *d, int64_t run_id)
{
	CovetError	ignore;

	if (d->run_owner != NULL)
		(void) d->run_owner(d->ctx, run_id, NULL, NULL, &ignore);
}

/* Pause or cancel a run from any session; it stops after its current batch. */
CovetStatus
covet_batch_set_state(CovetDriver *d, int64_t run_id, CovetRunState state,
					  CovetError *err)
{
	CovetResult res = {0};
	char		id[32];
	const char *p[] = {id, covet_run_state_name(state)};
	CovetStatus rc;

	if (state != COVET_RUN_PAUSED && state != COVET_RUN_CANCELLED)
		return covet_error_set(err, COVET_ERR_INTERNAL, "a run can only be paused or cancelled");
	snprintf(id, sizeof(id), "%lld", (long long) run_id);
	rc = covet_sql_run(d, "SELECT state, who FROM {runs} WHERE id {=} CAST({1} AS bigint)", 1, p, &res, err);
	if (rc != COVET_OK)
		goto done;
	if (res.nrows == 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "run %lld does not exist", (long long) run_id);
		rc = COVET_ERR_NOT_FOUND;
		goto done;
	}
	if ((rc = run_owner_set(d, run_id, COVET_VALUE(&res, 0, 1),
							state == COVET_RUN_PAUSED ? "pause" : "cancel", err)) != COVET_OK)
		goto done;
	{
		const char *now = COVET_VALUE(&res, 0, 0);
		bool		ok = strcmp(now, "pending") == 0 || strcmp(now, "running") == 0 ||
			(state == COVET_RUN_CANCELLED && (strcmp(now, "paused") == 0 || strcmp(now, "failed") == 0));

		if (!ok)
		{
			covet_error_set(err, COVET_ERR_STATE, "run %lld is %s and cannot be %s",
							(long long) run_id, now, state == COVET_RUN_PAUSED ? "paused" : "cancelled");
			rc = COVET_ERR_STATE;
			goto done;
		}
	}
	rc = covet_sql_run(d, "UPDATE {runs} SET state = {2}, updated_at = {now} WHERE id {=} CAST({1} AS bigint)",
					   2, p, NULL, err);
	/* a parallel run's parts stop with it */
	if (rc == COVET_OK)
		rc = covet_batch_parts_set_state(d, run_id, state, err);
done:
	run_owner_clear(d, run_id);
	covet_result_free(d, &res);
	return rc;
}

/* --- resume and undo ------------------------------------------------------- */

static const char *const run_load_sql =
"SELECT op, table_name, kind, set_sql, where_sql, undo_table, upper_key, last_key,"
" rows_done, rows_total, batches, batch_size, state, key_columns, undo_columns,"
" reverse_set, who, args, parent_id, lower_key,"
" (SELECT {pg}count(*) FROM {runs} c WHERE c.parent_id {=} CAST({1} AS bigint))"
" FROM {runs} WHERE id {=} CAST({1} AS bigint)";

/*
 * workers, batch_time_ms, retries and on_error as the run was given them
 * (runs.args; a run made before 0.2.0 gets the defaults), checked again.
 */
static CovetStatus
run_args_load(CovetDriver *d, Run *r, const char *args_json, CovetError *err)
{
	CovetOpRunArgs ra;
	char		function[64];
	CovetStatus rc;

	snprintf(function, sizeof(function), "covet_%s", r->op);
	if ((rc = covet_op_runargs_read(function, args_json, &ra, err)) != COVET_OK ||
		(rc = covet_op_check_workers(d->dialect->engine, function, true, ra.workers, err)) != COVET_OK)
		return rc;
	r->workers = ra.workers;
	r->batch_time_ms = ra.batch_time_ms;
	r->retries = ra.retries;
	r->on_error_skip = ra.on_error_skip;
	return COVET_OK;
}

/*
 * A run's undo table is always covet's "{undo_<id>}": covet drops it with
 * covet's rights, so a runs row naming any other table is refused.
 */
static CovetStatus
check_undo_name(CovetDriver *d, const Run *r, CovetError *err)
{
	CovetBuf	b;
	char		tmpl[48];
	char	   *want = NULL;
	CovetStatus rc;

	if (r->undo_table == NULL)
		return COVET_OK;
	/* the parts of a parallel run share their parent's */
	snprintf(tmpl, sizeof(tmpl), "{undo_%lld}", (long long) (r->parent_id ? r->parent_id : r->id));
	covet_buf_init(&b, &d->mem);
	covet_sql_expand(d->dialect, &b, tmpl);
	if ((rc = covet_buf_finish(&b, &want, err)) != COVET_OK)
		return rc;
	if (strcmp(want, r->undo_table) != 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "run %lld names an undo table that is not covet's",
						(long long) r->id);
		covet_error_detail(err, "Its row names %.200s; covet names it %s.", r->undo_table, want);
		rc = COVET_ERR_STATE;
	}
	covet_free(&d->mem, want);
	return rc;
}

/*
 * Load a run to act on it (action: "resume" or "undo").  The driver's
 * run_owner sees the owner first: it may refuse, and it runs what follows
 * (the table's description included) as the owner.
 */
static CovetStatus
run_load(CovetDriver *d, int64_t run_id, const char *action, Run *r, char **state,
		 CovetError *err)
{
	CovetResult res = {0};
	const char *p[1];
	CovetStatus rc;

	memset(r, 0, sizeof(*r));
	*state = NULL;
	r->id = run_id;
	snprintf(r->id_text, sizeof(r->id_text), "%lld", (long long) run_id);
	p[0] = r->id_text;
	if ((rc = covet_sql_run(d, run_load_sql, 1, p, &res, err)) != COVET_OK)
		return rc;
	if (res.nrows == 0)
	{
		covet_error_set(err, COVET_ERR_NOT_FOUND, "run %lld does not exist", (long long) run_id);
		covet_error_hint(err, "covet_runs lists the runs.");
		rc = COVET_ERR_NOT_FOUND;
		goto done;
	}
	if ((rc = run_owner_set(d, run_id, COVET_VALUE(&res, 0, 16), action, err)) != COVET_OK)
		goto done;
	if ((rc = covet_table_describe(d, COVET_VALUE(&res, 0, 1), &r->table, err)) != COVET_OK)
		goto done;
	/* a run keyed by rowid (see rowid_wanted) stays keyed by rowid */
	if (strcmp(COVET_VALUE(&res, 0, 13), "[\"rowid\"]") == 0 &&
		covet_table_column(&r->table, "rowid") < 0 &&
		(rc = use_rowid_key(d, &r->table, err)) != COVET_OK)
		goto done;
	r->kind = strcmp(COVET_VALUE(&res, 0, 2), "delete") == 0 ? COVET_OP_DELETE : COVET_OP_UPDATE;
	r->op = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 0));
	if (COVET_VALUE(&res, 0, 3))
		r->set_sql = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 3));
	if (COVET_VALUE(&res, 0, 4))
		r->where_sql = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 4));
	if (COVET_VALUE(&res, 0, 5))
		r->undo_table = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 5));
	*state = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 12));
	r->rows_done = strtoll(COVET_VALUE(&res, 0, 8), NULL, 10);
	r->rows_total = COVET_VALUE(&res, 0, 9) ? strtoll(COVET_VALUE(&res, 0, 9), NULL, 10) : 0;
	r->batches = strtoll(COVET_VALUE(&res, 0, 10), NULL, 10);
	r->batch_size = strtoll(COVET_VALUE(&res, 0, 11), NULL, 10);
	r->progress_ms = DEFAULT_PROGRESS_MS;
	if (r->op == NULL || *state == NULL)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (COVET_VALUE(&res, 0, 6) != NULL)
		rc = key_decode(&d->mem, COVET_VALUE(&res, 0, 6), r->table.npk, &r->upper, err);
	if (rc == COVET_OK && COVET_VALUE(&res, 0, 7) != NULL)
		rc = key_decode(&d->mem, COVET_VALUE(&res, 0, 7), r->table.npk, &r->last, err);
	if (rc == COVET_OK && COVET_VALUE(&res, 0, 14) != NULL)
		rc = key_decode_all(&d->mem, COVET_VALUE(&res, 0, 14), &r->undo_names, &r->nundo, err);
	if (rc == COVET_OK && COVET_VALUE(&res, 0, 15) != NULL &&
		(r->reverse_set = covet_strdup(&d->mem, COVET_VALUE(&res, 0, 15))) == NULL)
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	r->parent_id = COVET_VALUE(&res, 0, 18) ? strtoll(COVET_VALUE(&res, 0, 18), NULL, 10) : 0;
	r->nparts = COVET_VALUE(&res, 0, 20) ? strtoll(COVET_VALUE(&res, 0, 20), NULL, 10) : 0;
	if (rc == COVET_OK && COVET_VALUE(&res, 0, 19) != NULL)
		rc = key_decode(&d->mem, COVET_VALUE(&res, 0, 19), r->table.npk, &r->lower, err);
	if (rc == COVET_OK)
		rc = check_undo_name(d, r, err);
	if (rc == COVET_OK && strcmp(action, "resume") == 0)
		rc = run_args_load(d, r, COVET_VALUE(&res, 0, 17), err);
	covet_tune_init(&r->tune, r->batch_time_ms, COVET_TUNE_MIN_ROWS, COVET_TUNE_MAX_ROWS);
	if (rc != COVET_OK && rc != COVET_ERR_NOMEM)
		covet_error_prefix(err, "run %lld: ", (long long) run_id);
done:
	covet_result_free(d, &res);
	if (rc != COVET_OK)
	{
		covet_free(&d->mem, *state);
		*state = NULL;
		run_free(d, r);
	}
	return rc;
}

/*
 * One recorded key again (retry_recorded), in a savepoint or the batch's
 * own transaction as run_batch does: *failed when its SQL failed (then
 * rolled back, err the cause).
 */
static CovetStatus
run_one_key(CovetDriver *d, Run *r, char **key, int64_t *rows, bool *failed,
			CovetError *err)
{
	const char *const *params = (const char *const *) key;
	CovetResult mres = {0};
	CovetStatus rc = COVET_OK;
	CovetError	ignore;

	*failed = false;
	*rows = 0;
	if (d->batch_rollback == NULL && (rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		return rc;
	if (r->undo_table != NULL)
		rc = d->query(d->ctx, r->sql_undo[2], r->table.npk, params, NULL, err);
	if (rc == COVET_OK)
		rc = d->query(d->ctx, r->sql_main[2], r->table.npk, params, &mres, err);
	*rows = mres.affected;
	covet_result_free(d, &mres);
	if (rc == COVET_OK)
		return d->batch_rollback == NULL ? d->savepoint_release(d->ctx, err) : COVET_OK;
	*failed = rc == COVET_ERR_SQL;
	if ((d->batch_rollback != NULL ? d->batch_rollback(d->ctx, &ignore) :
		 d->savepoint_rollback(d->ctx, &ignore)) != COVET_OK)
	{
		*err = ignore;
		*failed = false;
		return ignore.code;
	}
	return rc;
}

/*
 * covet_resume of a run that completed with errors: the keys in
 * run_errors, each on its own, in key order.  One that succeeds now is
 * forgotten, one that fails again gets its new error; each commits.
 */
static CovetStatus
retry_recorded(CovetDriver *d, Run *r, CovetError *err)
{
	const char *p[] = {r->id_text};
	CovetResult keys = {0};
	CovetStatus rc;
	int			i;

	rc = covet_sql_run(d, "SELECT key FROM {run_errors} WHERE run_id {=} CAST({1} AS bigint)"
					   " ORDER BY at, key", 1, p, &keys, err);
	for (i = 0; rc == COVET_OK && i < keys.nrows; i++)
	{
		const char *text = COVET_VALUE(&keys, i, 0);
		char	  **key = NULL;
		int64_t		rows;
		bool		failed;

		if ((rc = key_decode(&d->mem, text, r->table.npk, &key, err)) != COVET_OK)
			break;
		rc = run_one_key(d, r, key, &rows, &failed, err);
		free_values(d, key, r->table.npk);
		if (rc == COVET_OK)
		{
			r->rows_done += rows;
			rc = covet_batch_error_forget(d, r->id_text, text, err);
		}
		else if (failed)
		{
			CovetError	cause = *err;

			rc = covet_batch_error_record(d, r->id_text, text, &cause, err);
		}
		if (rc == COVET_OK)
			rc = commit_if_possible(d, err);
	}
	covet_result_free(d, &keys);
	if (rc == COVET_OK)
	{
		char	   *last_text = NULL;

		if (r->last != NULL)
			rc = key_encode(&d->mem, r->last, r->table.npk, &last_text, err);
		if (rc == COVET_OK)
			rc = run_checkpoint(d, r, last_text, 0.0, 0.0, COVET_RUN_COMPLETED, err);
		covet_free(&d->mem, last_text);
	}
	return rc;
}

/* A completed run with rows in run_errors is "completed with errors". */
static CovetStatus
errors_final_state(CovetDriver *d, Run *r, CovetError *err)
{
	const char *p[] = {r->id_text};
	CovetStatus rc;

	if (!r->on_error_skip)
		return COVET_OK;
	rc = covet_sql_run(d, "UPDATE {runs} SET state = 'completed with errors'"
					   " WHERE id {=} CAST({1} AS bigint) AND state {=} 'completed'"
					   " AND EXISTS (SELECT 1 FROM {run_errors} e WHERE e.run_id {=} CAST({1} AS bigint))",
					   1, p, NULL, err);
	if (rc == COVET_OK)
		rc = commit_if_possible(d, err);
	return rc;
}

CovetStatus
covet_batch_resume(CovetDriver *d, int64_t run_id, int progress_ms, CovetError *err)
{
	Run			r;
	char	   *state = NULL;
	CovetStatus rc;

	if ((rc = run_load(d, run_id, "resume", &r, &state, err)) != COVET_OK)
	{
		run_owner_clear(d, run_id);
		return rc;
	}
	r.progress_ms = progress_ms != 0 ? progress_ms : DEFAULT_PROGRESS_MS;
	if (strcmp(state, "completed") == 0)
	{
		bool		done = false;

		/* its migration's earlier attempt completed it (batch_twin.c) */
		if ((rc = covet_batch_twin_completed(d, run_id, &done, err)) != COVET_OK || done)
			goto done;
	}
	if (strcmp(state, "running") != 0 && strcmp(state, "failed") != 0 &&
		strcmp(state, "paused") != 0 && strcmp(state, "pending") != 0 &&
		strcmp(state, "completed with errors") != 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "run %lld is %s and cannot be resumed",
						(long long) run_id, state);
		covet_error_hint(err, "Only pending, running (after a crash), failed, paused and completed with errors runs can be resumed.");
		rc = COVET_ERR_STATE;
		goto done;
	}
	if (r.nparts > 0)
	{
		/* a parallel run: its parts, each checked and run as its owner */
		run_owner_clear(d, run_id);
		rc = covet_batch_parts_resume(d, run_id, r.progress_ms, err);
		goto done;
	}
	/* stored SQL is read by the engine again before any of it runs */
	if ((rc = check_run_sql(d, &r, false, true, err)) != COVET_OK)
		goto done;
	if ((rc = build_statements(d, &r, err)) != COVET_OK)
		goto done;
	if ((rc = span_setup(d, &r, err)) != COVET_OK)
		goto done;
	{
		const char *p[] = {r.id_text};

		rc = covet_sql_run(d, "UPDATE {runs} SET state = 'running', error = NULL, error_key = NULL,"
						   " finished_at = NULL, updated_at = {now} WHERE id {=} CAST({1} AS bigint)",
						   1, p, NULL, err);
	}
	if (rc == COVET_OK && d->batch_commit != NULL)
		rc = d->batch_commit(d->ctx, &r.alone, err);
	if (rc == COVET_OK && !r.alone && (r.retries > 0 || r.on_error_skip))
		rc = covet_batch_errors_refuse(err);
	if (rc == COVET_OK && strcmp(state, "completed with errors") == 0)
		rc = retry_recorded(d, &r, err);
	else if (rc == COVET_OK)
	{
		if (r.upper == NULL)
			rc = run_checkpoint(d, &r, NULL, 0.0, 0.0, COVET_RUN_COMPLETED, err);
		else
			rc = run_loop(d, &r, err);
	}
	if (rc == COVET_OK)
		rc = errors_final_state(d, &r, err);
done:
	run_owner_clear(d, run_id);
	covet_free(&d->mem, state);
	run_free(d, &r);
	return rc;
}

/*
 * Undo a run: put back the saved values (or the deleted rows) from its undo
 * table in one statement, or apply its reverse SET list to the key range it
 * reached.  The run becomes "rolled back" and its undo table is dropped.
 */
CovetStatus
covet_batch_undo(CovetDriver *d, int64_t run_id, CovetError *err)
{
	Run			r;
	char	   *state = NULL;
	char	   *sql = NULL;
	char	  **rev_params = NULL;
	int			nrev = 0;
	CovetBuf	b;
	CovetStatus rc;
	int			i;

	if ((rc = run_load(d, run_id, "undo", &r, &state, err)) != COVET_OK)
	{
		run_owner_clear(d, run_id);
		return rc;
	}
	if (strcmp(state, "rolled back") == 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "run %lld is already rolled back", (long long) run_id);
		rc = COVET_ERR_STATE;
		goto done;
	}
	if (r.undo_table == NULL && r.reverse_set == NULL)
	{
		covet_error_set(err, COVET_ERR_STATE, "run %lld kept no undo data", (long long) run_id);
		covet_error_detail(err, "It was started with undo switched off and has no reverse expression.");
		rc = COVET_ERR_STATE;
		goto done;
	}
	if (r.parent_id != 0)
	{
		covet_error_set(err, COVET_ERR_STATE, "run %lld is a part of run %lld", (long long) run_id,
						(long long) r.parent_id);
		covet_error_hint(err, "Undo the whole run with covet_undo(%lld).", (long long) r.parent_id);
		rc = COVET_ERR_STATE;
		goto done;
	}
	if (r.undo_table == NULL && (rc = check_run_sql(d, &r, true, true, err)) != COVET_OK)
		goto done;
	/* a parallel run: no worker may still be carrying a part out */
	if (r.nparts > 0 && (rc = covet_batch_parts_lock(d, run_id, err)) != COVET_OK)
		goto done;
	if (r.nparts > 0 && r.undo_table == NULL)
	{
		if ((rc = covet_batch_parts_reverse(d, run_id, &r.table, r.reverse_set, r.where_sql,
											&sql, &rev_params, &nrev, err)) != COVET_OK)
			goto done;
		goto have_sql;
	}
	covet_buf_init(&b, &d->mem);
	if (r.undo_table != NULL && r.kind == COVET_OP_DELETE)
	{
		/* the deleted rows come back with their own keys and values */
		covet_buf_appendf(&b, "INSERT INTO %s (", r.table.sql_name);
		append_stored_list(&b, &r.table, "");
		covet_buf_appendf(&b, ")%s SELECT ", d->dialect->insert_override);
		append_stored_list(&b, &r.table, "");
		covet_buf_appendf(&b, " FROM %s", r.undo_table);
	}
	else if (r.undo_table != NULL)
	{
		covet_buf_appendf(&b, "UPDATE %s AS t SET ", r.table.sql_name);
		for (i = 0; i < r.nundo; i++)
		{
			if (i > 0)
				covet_buf_append(&b, ", ");
			covet_quote_ident(&b, r.undo_names[i]);
			covet_buf_append(&b, " = u.");
			covet_quote_ident(&b, r.undo_names[i]);
		}
		covet_buf_appendf(&b, " FROM %s AS u WHERE (", r.undo_table);
		covet_batch_key_list(&b, &r.table, "t.", "");
		covet_buf_appendc(&b, ')');
		covet_sql_op(&b, d->dialect, "=");
		covet_buf_appendc(&b, '(');
		covet_batch_key_list(&b, &r.table, "u.", "");
		covet_buf_append(&b, ")");
	}
	else
	{
		covet_buf_appendf(&b, "UPDATE %s AS t SET\n%s\nWHERE ", r.table.sql_name, r.reverse_set);
		if (r.last == NULL)
			covet_buf_append(&b, "false");
		else
			append_range(&b, d->dialect, &r.table, "t.", false);
		if (r.where_sql != NULL)
			covet_buf_appendf(&b, " AND (\n%s\n)", r.where_sql);
	}
	if ((rc = covet_buf_finish(&b, &sql, err)) != COVET_OK)
		goto done;
have_sql:
	if ((rc = d->savepoint_begin(d->ctx, err)) != COVET_OK)
		goto done;
	if (rev_params != NULL)
		rc = d->query(d->ctx, sql, nrev, (const char *const *) rev_params, NULL, err);
	else
		rc = d->query(d->ctx, sql, r.undo_table == NULL && r.last != NULL ? r.table.npk : 0,
					  (const char *const *) r.last, NULL, err);
	if (rc == COVET_OK && r.undo_table != NULL)
	{
		/* covet's table (check_undo_name): dropped with covet's rights */
		covet_free(&d->mem, sql);
		covet_buf_init(&b, &d->mem);
		covet_buf_appendf(&b, "DROP TABLE {undo_%lld}", (long long) r.id);
		if ((rc = covet_buf_finish(&b, &sql, err)) == COVET_OK)
			rc = covet_sql_run(d, sql, 0, NULL, NULL, err);
	}
	if (rc == COVET_OK)
	{
		const char *p[] = {r.id_text};

		rc = covet_sql_run(d, "UPDATE {runs} SET state = 'rolled back', undo_table = NULL,"
						   " updated_at = {now} WHERE id {=} CAST({1} AS bigint)", 1, p, NULL, err);
	}
	if (rc == COVET_OK && r.nparts > 0)
		rc = covet_batch_parts_undone(d, run_id, err);
	if (rc == COVET_OK)
		rc = d->savepoint_release(d->ctx, err);
	else
	{
		CovetError	ignore;

		if (rc == COVET_ERR_SQL)
			covet_error_prefix(err, "undo of run %lld failed: ", (long long) run_id);
		d->savepoint_rollback(d->ctx, &ignore);
	}
	if (rc == COVET_OK)
		rc = commit_if_possible(d, err);
done:
	run_owner_clear(d, run_id);
	free_values(d, rev_params, nrev);
	covet_free(&d->mem, sql);
	covet_free(&d->mem, state);
	run_free(d, &r);
	return rc;
}
