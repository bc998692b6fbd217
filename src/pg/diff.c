/*-------------------------------------------------------------------------
 *
 * diff.c
 *		covet_diff(source, target, renames): the statements that turn one
 *		schema into another, as rows (src/core/diff_run.c does the work).
 *
 *     SELECT ordinal, statement, hazards FROM covet_diff('public', 'staging');
 *     SELECT statement FROM covet_diff('public', $$CREATE TABLE t (id int)$$);
 *
 * A target holding white space, "(" or ";" is SQL text: it is run in a
 * scratch schema covet_diff_<backend pid>, with search_path set to it,
 * read, and dropped again, all in the caller's transaction.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"

#include "covet_pg.h"
#include "diff.h"

typedef struct DiffCall
{
	CovetDiffArgs args;
	CovetResult *res;
} DiffCall;

static CovetStatus
core_diff(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	DiffCall   *c = arg;

	return covet_diff_run(d, &c->args, c->res, err);
}

static char *
diff_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", name);
		covet_pg_raise(&err);
	}
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* covet_diff(source, target, renames): one row per statement. */
PG_FUNCTION_INFO_V1(covet_diff);
Datum
covet_diff(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CovetPgCall call;
	CovetResult res;
	DiffCall	dc;
	TupleDesc	desc;
	int			i;

	memset(&dc, 0, sizeof(dc));
	dc.args.source = diff_arg(fcinfo, 0, "source");
	dc.args.target = diff_arg(fcinfo, 1, "target");
	dc.args.renames = PG_NARGS() > 2 && !PG_ARGISNULL(2) ?
		text_to_cstring(PG_GETARG_TEXT_PP(2)) : NULL;
	dc.args.target_is_sql = strpbrk(dc.args.target, " \t\r\n(;") != NULL;
	dc.args.scratch_name = psprintf("covet_diff_%d", MyProcPid);
	dc.args.scratch_create = psprintf("CREATE SCHEMA %s", quote_identifier(dc.args.scratch_name));
	/* quietly: no NOTICE listing what the cascade dropped */
	dc.args.scratch_drop = psprintf("SELECT pg_catalog.set_config('client_min_messages', 'warning', true);"
									" DROP SCHEMA %s CASCADE;"
									" SELECT pg_catalog.set_config('client_min_messages', %s, true)",
									quote_identifier(dc.args.scratch_name),
									quote_literal_cstr(GetConfigOption("client_min_messages", false, false)));

	InitMaterializedSRF(fcinfo, 0);
	desc = rsinfo->setDesc;
	memset(&res, 0, sizeof(res));
	dc.res = &res;
	covet_pg_call_begin(&call, covet_lock_timeout);
	covet_pg_call_run(&call, core_diff, &dc);
	if (call.status == COVET_OK)
	{
		if (desc->natts != COVET_DIFF_NCOLS)
			call.status = covet_error_set(&call.err, COVET_ERR_INTERNAL,
										  "covet_diff() is declared with other columns than the library returns");
		else
		{
			AttInMetadata *meta = TupleDescGetAttInMetadata(desc);

			for (i = 0; i < res.nrows; i++)
			{
				HeapTuple	tuple = BuildTupleFromCStrings(meta, &res.values[i * res.ncols]);

				tuplestore_puttuple(rsinfo->setResult, tuple);
				heap_freetuple(tuple);
			}
		}
	}
	covet_pg_call_end(&call);
	if (call.status != COVET_OK)
		covet_pg_raise(&call.err);
	return (Datum) 0;
}
