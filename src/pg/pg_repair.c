/*-------------------------------------------------------------------------
 *
 * pg_repair.c
 *		covet_baseline, covet_mark_applied, covet_mark_rolled_back,
 *		covet_repair and covet_forget in PostgreSQL: thin wrappers around
 *		src/core/repair.c.
 *
 *		SELECT covet_baseline('0042_orders');
 *		SELECT covet_mark_applied('0043_index');
 *		SELECT covet_repair();
 *		SELECT covet_forget('0045_typo');
 *
 * Each runs in the caller's transaction with the runner lock, like
 * covet_migrate_up, and returns its report.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "covet_pg.h"
#include "repair.h"

typedef enum RepairFn
{
	REPAIR_BASELINE,
	REPAIR_MARK_APPLIED,
	REPAIR_MARK_ROLLED_BACK,
	REPAIR_REPAIR,
	REPAIR_FORGET
} RepairFn;

typedef struct RepairArgs
{
	RepairFn	fn;
	const char *name;
} RepairArgs;

static CovetStatus
core_repair(CovetDriver *d, void *arg, char **report, CovetError *err)
{
	RepairArgs *a = (RepairArgs *) arg;

	switch (a->fn)
	{
		case REPAIR_BASELINE:
			return covet_repair_baseline(d, a->name, report, err);
		case REPAIR_MARK_APPLIED:
		case REPAIR_MARK_ROLLED_BACK:
			return covet_repair_mark(d, a->name, a->fn == REPAIR_MARK_APPLIED,
									 report, err);
		case REPAIR_REPAIR:
			return covet_repair_repair(d, a->name, report, err);
		case REPAIR_FORGET:
			break;
	}
	return covet_repair_forget(d, a->name, report, err);
}

/* The name argument (NULL only where allowed), then the core. */
static Datum
repair_call(FunctionCallInfo fcinfo, RepairFn fn)
{
	RepairArgs	a;

	a.fn = fn;
	a.name = NULL;
	if (PG_NARGS() > 0 && !PG_ARGISNULL(0))
		a.name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	else if (fn != REPAIR_REPAIR)
	{
		CovetError	err;

		covet_error_set(&err, COVET_ERR_NULL, "%s must not be null", "name");
		covet_pg_raise(&err);
	}
	return covet_pg_run_report(core_repair, &a, NULL);
}

/* covet_baseline(name): mark everything up to name applied. */
PG_FUNCTION_INFO_V1(covet_baseline);
Datum
covet_baseline(PG_FUNCTION_ARGS)
{
	return repair_call(fcinfo, REPAIR_BASELINE);
}

/* covet_mark_applied(name): record name applied without running it. */
PG_FUNCTION_INFO_V1(covet_mark_applied);
Datum
covet_mark_applied(PG_FUNCTION_ARGS)
{
	return repair_call(fcinfo, REPAIR_MARK_APPLIED);
}

/* covet_mark_rolled_back(name): record name rolled back without running it. */
PG_FUNCTION_INFO_V1(covet_mark_rolled_back);
Datum
covet_mark_rolled_back(PG_FUNCTION_ARGS)
{
	return repair_call(fcinfo, REPAIR_MARK_ROLLED_BACK);
}

/* covet_repair(name DEFAULT NULL): accept drifted texts, clear incomplete. */
PG_FUNCTION_INFO_V1(covet_repair);
Datum
covet_repair(PG_FUNCTION_ARGS)
{
	return repair_call(fcinfo, REPAIR_REPAIR);
}

/* covet_forget(name): remove a pending definition. */
PG_FUNCTION_INFO_V1(covet_forget);
Datum
covet_forget(PG_FUNCTION_ARGS)
{
	return repair_call(fcinfo, REPAIR_FORGET);
}
