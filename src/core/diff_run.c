/*-------------------------------------------------------------------------
 *
 * diff_run.c
 *		covet_diff(source, target [, renames]) for both bindings: read the
 *		two schemas (or build the target from SQL text in a scratch
 *		schema), compare, and return the steps as rows.
 *
 *     SELECT ordinal, statement, hazards
 *       FROM covet_diff('public', 'staging');
 *     SELECT statement FROM covet_diff('main', 'CREATE TABLE t (id integer PRIMARY KEY)');
 *
 * Rows: ordinal, statement, reverse_statement, object, hazards (diff.h).
 * Tables that are only in one of the two, or lose a column, are sampled
 * (rows counted, each column's least and greatest value), for the rename
 * candidates' scores.
 *
 *-------------------------------------------------------------------------
 */
#include "diff.h"

#include <stdio.h>
#include <string.h>

const CovetColumn covet_diff_columns[COVET_DIFF_NCOLS] = {
	{"ordinal", COVET_COL_INT},
	{"statement", COVET_COL_TEXT},
	{"reverse_statement", COVET_COL_TEXT},
	{"object", COVET_COL_TEXT},
	{"hazards", COVET_COL_TEXT},
};

static void
renames_free(CovetMem *mem, CovetRename *r, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		covet_free(mem, r[i].table);
		covet_free(mem, r[i].column);
		covet_free(mem, r[i].to);
	}
	covet_free(mem, r);
}

/* Sample the tables that are in one catalog only or lose a column. */
CovetStatus
covet_diff_sample_unmatched(CovetDriver *d, CovetCatalog *a, const CovetCatalog *b,
							CovetError *err)
{
	CovetStatus rc = COVET_OK;
	int			i;

	for (i = 0; rc == COVET_OK && i < a->ntables; i++)
	{
		const CovetCatTable *other = covet_catalog_table(b, a->tables[i].name);
		bool		lost = other == NULL;
		int			k;

		/* a table losing a column: its candidates are scored by data too */
		for (k = 0; !lost && k < a->tables[i].ncols; k++)
			lost = covet_catalog_column(other, a->tables[i].cols[k].name) == NULL;
		if (lost)
			rc = covet_catalog_sample(d, a, &a->tables[i], err);
	}
	return rc;
}

static CovetStatus
to_rows(CovetDriver *d, const CovetDiff *diff, CovetResult *out, CovetError *err)
{
	int			i;

	out->ncols = COVET_DIFF_NCOLS;
	out->nrows = 0;
	if (diff->nsteps == 0)
		return COVET_OK;
	out->values = covet_alloc0(&d->mem, sizeof(char *) * (size_t) diff->nsteps * COVET_DIFF_NCOLS);
	if (out->values == NULL)
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	for (i = 0; i < diff->nsteps; i++)
	{
		const CovetDiffStep *s = &diff->steps[i];
		char		num[16];
		CovetBuf	hz;
		char	  **row = &out->values[i * COVET_DIFF_NCOLS];

		out->nrows = i + 1;
		snprintf(num, sizeof(num), "%d", s->ordinal);
		covet_buf_init(&hz, &d->mem);
		covet_diff_hazards_text(s->hazards, s->note, &hz);
		row[0] = covet_strdup(&d->mem, num);
		row[1] = s->statement ? covet_strdup(&d->mem, s->statement) : NULL;
		row[2] = s->reverse ? covet_strdup(&d->mem, s->reverse) : NULL;
		row[3] = covet_strdup(&d->mem, s->object ? s->object : "");
		row[4] = hz.len > 0 && !hz.failed ? covet_strdup(&d->mem, hz.data) : NULL;
		if (row[0] == NULL || row[3] == NULL || hz.failed ||
			(s->statement && row[1] == NULL) || (s->reverse && row[2] == NULL) ||
			(hz.len > 0 && row[4] == NULL))
		{
			covet_buf_free(&hz);
			return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		}
		covet_buf_free(&hz);
	}
	return COVET_OK;
}

CovetStatus
covet_diff_run(CovetDriver *d, const CovetDiffArgs *args, CovetResult *out,
			   CovetError *err)
{
	CovetRename *renames = NULL;
	int			nrenames = 0;
	CovetCatalog *src = NULL,
			   *tgt = NULL;
	CovetDiff  *diff = NULL;
	CovetStatus rc;

	memset(out, 0, sizeof(*out));
	if ((rc = covet_diff_renames_parse(&d->mem, args->renames, &renames, &nrenames, err)) != COVET_OK)
		return rc;
	rc = covet_catalog_read(d, args->source, COVET_CATALOG_ALL, &src, err);
	if (rc == COVET_OK && args->target_is_sql && args->target_driver != NULL)
	{
		CovetDriver *td = args->target_driver;
		CovetScriptStats st;

		if ((rc = td->exec_script(td->ctx, args->target, &st, err)) != COVET_OK)
			covet_error_prefix(err, "target SQL: ");
		else
			rc = covet_catalog_read(td, "main", COVET_CATALOG_ALL, &tgt, err);
	}
	else if (rc == COVET_OK)
		rc = args->target_is_sql ?
			covet_catalog_read_sql(d, args->scratch_name, args->scratch_create,
								   args->scratch_drop, false, args->target, &tgt, err) :
			covet_catalog_read(d, args->target, COVET_CATALOG_ALL, &tgt, err);
	if (rc == COVET_OK && strcmp(src->schema, tgt->schema) == 0 && !args->target_is_sql)
	{
		rc = covet_error_set(err, COVET_ERR_INVALID, "source and target are the same schema \"%s\"", src->schema);
		covet_error_hint(err, "Compare two schemas, or give the target as SQL text.");
	}
	if (rc == COVET_OK)
		rc = covet_diff_sample_unmatched(d, src, tgt, err);
	if (rc == COVET_OK && !args->target_is_sql)
		rc = covet_diff_sample_unmatched(d, tgt, src, err);
	if (rc == COVET_OK)
		rc = covet_diff_catalogs(&d->mem, src, tgt, renames, nrenames, &diff, err);
	if (rc == COVET_OK)
		rc = to_rows(d, diff, out, err);
	if (rc != COVET_OK)
		covet_result_free(d, out);
	covet_diff_free(&d->mem, diff);
	covet_catalog_free(d, src);
	covet_catalog_free(args->target_is_sql && args->target_driver ? args->target_driver : d, tgt);
	renames_free(&d->mem, renames, nrenames);
	return rc;
}
