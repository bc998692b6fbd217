/*-------------------------------------------------------------------------
 *
 * pg_driver.c
 *		covet's CovetDriver for PostgreSQL: SPI, subtransactions, the
 *		runner's advisory lock, server-side files (migrations read,
 *		fixtures read and written).
 *
 * Each SQL function call gets a CovetPgCall: a memory context (a child of
 * the caller's, or of TopMemoryContext for a CALL that commits) that holds
 * everything the core allocates and is deleted when the call ends, and one
 * SPI connection.  The core runs in the caller's transaction, except in a
 * batched operation's CALL outside a transaction block (below).
 *
 * Errors.  A statement that fails while the core has a savepoint open is
 * caught (PG_TRY around SPI, the error copied into the call's context and
 * flushed) and handed back as COVET_ERR_SQL with PostgreSQL's SQLSTATE; the
 * core must roll that savepoint back before it runs anything else, and the
 * driver refuses other statements until it does.  With no savepoint open an
 * error propagates as usual and aborts the caller's transaction.  If an
 * error escapes the core while savepoints are open, covet_pg_call_run rolls
 * them back before re-throwing, so the caller never inherits one.
 *
 * Batched operations (batch.c).  A call begun with covet_pg_call_begin_batch
 * and nonatomic true (a CALL outside a transaction block) commits in
 * batch_commit with SPI_commit, which starts the next transaction itself.
 * Its memory context hangs from TopMemoryContext so that it outlives those
 * commits; the caller deletes it with covet_pg_call_end, or with
 * covet_pg_call_cleanup when an error escapes.  SPI_commit refuses to run
 * inside a subtransaction, and the core never commits with a savepoint
 * open: each batch runs in its own savepoint (an internal subtransaction),
 * which is what lets a failed batch be rolled back and the run be marked
 * failed and committed (SPI_rollback would fail there on the portal's
 * snapshot).  Progress goes to the client as NOTICEs and to
 * pg_stat_activity.query, restored when the call ends.
 *
 * A background worker's call (covet_pg_call_begin_worker) is nonatomic too,
 * but there is no procedure to commit: batch_commit ends the worker's own
 * transaction (pop the snapshot, SPI_finish, CommitTransactionCommand),
 * flushes table statistics, and starts the next one the same way.
 *
 * Rights.  covet's own bookkeeping (query_catalog: the statements on
 * covet's tables) runs as the extension's owner with search_path
 * "pg_catalog, pg_temp", set for that one statement (a SET clause on the
 * routines would make the procedures atomic), so a role needs only
 * EXECUTE on covet's functions, never a grant on its tables.  Those
 * statements hold no caller text but parameters and touch no caller
 * table.  Everything else runs as the caller, except once run_owner has
 * named a run's owner who is not the caller (a member of it steering its
 * run), or in a background worker, whose session user is the launcher's:
 * then each statement runs as that owner, in a security-restricted
 * operation whose settings changes are undone after it, as PostgreSQL
 * runs a table owner's index expressions in VACUUM.  Undo tables belong
 * to the extension's owner; the run's owner gets SELECT and INSERT.
 *
 * Locking.  begin_run polls pg_try_advisory_xact_lock(1668249204, 1) until
 * covet.lock_timeout; the lock is released when the caller's transaction
 * ends (see ARCHITECTURE.md for why it is the transaction-level lock).  The
 * procedures that commit per migration (runner_session, pg_commit.c) poll
 * the session-level lock on the same key instead, and release it on their
 * way out.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "access/detoast.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/gram.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "covet_pg.h"

/* Migration files larger than this are refused. */
/* Files read whole (migrations, fixtures): up to what a text value can hold. */
#define COVET_MAX_FILE_SIZE ((off_t) MaxAllocSize - 1)

/* How often begin_run retries the lock, in milliseconds. */
#define COVET_LOCK_POLL_MS 20

/* ---------------------------------------------------------------------
 * Memory
 * ---------------------------------------------------------------------
 */
static void *
drv_mem_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocExtended((MemoryContext) ctx, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
drv_mem_free(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* ---------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------
 */

/*
 * Turn the error being handled in a PG_CATCH block into a CovetError.  With
 * no driver savepoint open there is nothing to roll back to: re-throw.
 */
static CovetStatus
catch_error(CovetPgCall *call, CovetError *err)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(call->callcxt);
	if (call->nsavepoints == 0 && call->failure_prefix != NULL)
	{
		/*
		 * An atomic batch's statement: re-raise at once (nothing may run
		 * between), with the run and the batch named, as the core names
		 * them where it gets the error back.
		 */
		edata = CopyErrorData();
		FlushErrorState();
		edata->message = psprintf("%s%s", call->failure_prefix,
								  edata->message ? edata->message : "unknown error");
		edata->hint = call->failure_hint ? pstrdup(call->failure_hint) : edata->hint;
		if (call->failure_detail != NULL)
			edata->detail = edata->detail ?
				psprintf("%s\n%s", edata->detail, call->failure_detail) :
				pstrdup(call->failure_detail);
		ReThrowError(edata);
	}
	if (call->nsavepoints == 0)
		PG_RE_THROW();
	edata = CopyErrorData();
	FlushErrorState();
	call->error_pending = true;

	covet_error_set(err, COVET_ERR_SQL, "%s",
					edata->message ? edata->message : "unknown error");
	strlcpy(err->sqlstate, unpack_sql_state(edata->sqlerrcode),
			sizeof(err->sqlstate));
	if (edata->detail)
		covet_error_detail(err, "%s", edata->detail);
	if (edata->hint)
		covet_error_hint(err, "%s", edata->hint);
	FreeErrorData(edata);
	return COVET_ERR_SQL;
}

/* After a caught error only a savepoint rollback may touch the database. */
static CovetStatus
check_no_pending_error(CovetPgCall *call, CovetError *err)
{
	if (!call->error_pending)
		return COVET_OK;
	return covet_error_set(err, COVET_ERR_INTERNAL,
						   "statement run after a failed one without rolling back its savepoint");
}

static CovetStatus
spi_error(CovetError *err, int spirc)
{
	if (spirc == SPI_ERROR_TRANSACTION)
	{
		covet_error_set(err, COVET_ERR_SQL,
						"transaction control statements are not allowed in a migration");
		strlcpy(err->sqlstate, "2D000", sizeof(err->sqlstate));
		covet_error_hint(err, "Each migration runs in a savepoint of the caller's transaction; remove BEGIN, COMMIT, ROLLBACK and SAVEPOINT.");
		return COVET_ERR_SQL;
	}
	if (spirc == SPI_ERROR_COPY)
	{
		covet_error_set(err, COVET_ERR_SQL,
						"COPY to or from the client is not allowed in a migration");
		strlcpy(err->sqlstate, "0A000", sizeof(err->sqlstate));
		return COVET_ERR_SQL;
	}
	return covet_error_set(err, COVET_ERR_INTERNAL, "SPI failed: %s",
						   SPI_result_code_string(spirc));
}

/* ---------------------------------------------------------------------
 * Statements
 * ---------------------------------------------------------------------
 */
typedef struct QueryState
{
	const char *sql;
	int			nparams;
	const char *const *params;
	CovetResult *res;
	CovetError *err;
	CovetStatus rc;
} QueryState;

/* How many statements PostgreSQL's parser finds in sql. */
static int
count_statements(const char *sql)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "covet parse",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	int			n = list_length(raw_parser(sql, RAW_PARSE_DEFAULT));

	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return n;
}

static CovetStatus
more_than_one(CovetError *err, const char *sql)
{
	covet_error_set(err, COVET_ERR_INVALID, "the SQL text holds more than one statement");
	covet_error_detail(err, "The text was: %.200s", sql);
	return COVET_ERR_INVALID;
}

/*
 * A result value as text, like SPI_getvalue.  A text value stored
 * compressed or out of line (a migration's text can be tens of megabytes)
 * is detoasted into a fresh copy that becomes the C string in place: one
 * copy of it in memory, not two (SPI_getvalue detoasts, then textout
 * copies the detoasted value).
 */
static char *
result_value(HeapTuple tuple, TupleDesc desc, int col)
{
	Datum		d;
	bool		isnull;
	struct varlena *v;
	Size		len;

	if (TupleDescAttr(desc, col - 1)->atttypid != TEXTOID)
		return SPI_getvalue(tuple, desc, col);
	d = SPI_getbinval(tuple, desc, col, &isnull);
	if (isnull)
		return NULL;
	v = (struct varlena *) DatumGetPointer(d);
	if (!VARATT_IS_EXTERNAL(v) && !VARATT_IS_COMPRESSED(v))
		return SPI_getvalue(tuple, desc, col);
	v = detoast_attr(v);		/* always a new palloc'd 4-byte-header value */
	len = VARSIZE(v) - VARHDRSZ;
	memmove(v, VARDATA(v), len);
	((char *) v)[len] = '\0';
	return (char *) v;
}

static void
query_run(CovetPgCall *call, QueryState *q)
{
	Oid		   *types = NULL;
	Datum	   *values = NULL;
	char	   *nulls = NULL;
	int			spirc;
	int			i;

	if (q->nparams > 0)
	{
		MemoryContext old = MemoryContextSwitchTo(call->callcxt);

		types = palloc(sizeof(Oid) * q->nparams);
		values = palloc(sizeof(Datum) * q->nparams);
		nulls = palloc(q->nparams);
		for (i = 0; i < q->nparams; i++)
		{
			types[i] = TEXTOID;
			nulls[i] = q->params[i] ? ' ' : 'n';
			values[i] = q->params[i] ? CStringGetTextDatum(q->params[i]) : (Datum) 0;
		}
		MemoryContextSwitchTo(old);
	}

	/*
	 * SPI runs every statement of a text: refuse a second one.  Statements
	 * are separated by ';', so a text without one is a single statement and
	 * costs nothing more; the others are parsed once more, in a context of
	 * their own.
	 */
	if (strchr(q->sql, ';') != NULL && count_statements(q->sql) > 1)
	{
		q->rc = more_than_one(q->err, q->sql);
		return;
	}
	spirc = SPI_execute_with_args(q->sql, q->nparams, types, values, nulls,
								  false, 0);
	/* a run makes thousands of these: give the parameters back at once */
	if (q->nparams > 0)
	{
		for (i = 0; i < q->nparams; i++)
			if (q->params[i])
				pfree(DatumGetPointer(values[i]));
		pfree(types);
		pfree(values);
		pfree(nulls);
	}
	if (spirc < 0)
	{
		q->rc = spi_error(q->err, spirc);
		return;
	}

	if (q->res != NULL)
	{
		CovetResult *res = q->res;

		res->affected = (int64_t) SPI_processed;
		if (SPI_tuptable != NULL)
		{
			TupleDesc	desc = SPI_tuptable->tupdesc;
			uint64		nrows = SPI_processed;
			int			ncols = desc->natts;
			MemoryContext old;
			int			r,
						c;

			if (nrows > (uint64) (INT_MAX / Max(ncols, 1)))
			{
				q->rc = covet_error_set(q->err, COVET_ERR_INTERNAL,
										"query returned too many rows");
				SPI_freetuptable(SPI_tuptable);
				return;
			}
			old = MemoryContextSwitchTo(call->callcxt);
			res->nrows = (int) nrows;
			res->ncols = ncols;
			res->values = palloc0(sizeof(char *) * Max(res->nrows * ncols, 1));
			for (r = 0; r < res->nrows; r++)
				for (c = 0; c < ncols; c++)
					COVET_VALUE(res, r, c) =
						result_value(SPI_tuptable->vals[r], desc, c + 1);
			MemoryContextSwitchTo(old);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	q->rc = COVET_OK;
}

static CovetStatus
query_plain(CovetPgCall *call, const char *sql, int nparams, const char *const *params,
			CovetResult *res, CovetError *err)
{
	QueryState	q;
	MemoryContext oldcxt = CurrentMemoryContext;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (check_no_pending_error(call, err) != COVET_OK)
		return err->code;

	q.sql = sql;
	q.nparams = nparams;
	q.params = params;
	q.res = res;
	q.err = err;
	q.rc = COVET_OK;

	PG_TRY();
	{
		query_run(call, &q);
	}
	PG_CATCH();
	{
		q.rc = catch_error(call, err);
		if (res != NULL)
			memset(res, 0, sizeof(*res));
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	return q.rc;
}

/* ---------------------------------------------------------------------
 * Whose rights a statement runs with
 * ---------------------------------------------------------------------
 */

/* The role that owns the covet extension, and so covet's tables. */
Oid
covet_pg_extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("covet"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(owner))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"covet\" is not installed in this database")));
	return owner;
}

/*
 * Become the extension's owner, with search_path "pg_catalog, pg_temp",
 * for covet's own statements; covet_pg_rights_restore goes back.
 */
void
covet_pg_as_catalog(CovetPgRights *r)
{
	Oid			owner = covet_pg_extension_owner();

	GetUserIdAndSecContext(&r->save_user, &r->save_sec);
	r->nest = NewGUCNestLevel();
	r->keep_settings = true;
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	SetUserIdAndSecContext(owner, r->save_sec | SECURITY_LOCAL_USERID_CHANGE);
}

/*
 * Become a run's owner for one of its statements: a security-restricted
 * operation (no temporary objects, no SET ROLE), and whatever settings the
 * statement changes are undone when covet_pg_rights_restore comes back.
 */
static void
as_run_owner(CovetPgRights *r, Oid owner)
{
	GetUserIdAndSecContext(&r->save_user, &r->save_sec);
	r->nest = NewGUCNestLevel();
	r->keep_settings = false;
	SetUserIdAndSecContext(owner, r->save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

/*
 * Back to the caller.  On an error there is no need: the (sub)transaction
 * abort that follows restores both the role and the settings.
 */
void
covet_pg_rights_restore(CovetPgRights *r)
{
	SetUserIdAndSecContext(r->save_user, r->save_sec);
	AtEOXact_GUC(r->keep_settings, r->nest);
}

/* One statement as the extension's owner (catalog) or as the run's owner. */
static CovetStatus
query_with_rights(CovetPgCall *call, bool catalog, const char *sql, int nparams,
				  const char *const *params, CovetResult *res, CovetError *err)
{
	CovetPgRights r;
	CovetStatus rc;

	if (catalog)
		covet_pg_as_catalog(&r);
	else
		as_run_owner(&r, call->run_as);
	PG_TRY();
	{
		rc = query_plain(call, sql, nparams, params, res, err);
	}
	PG_CATCH();
	{
		SetUserIdAndSecContext(r.save_user, r.save_sec);
		PG_RE_THROW();
	}
	PG_END_TRY();
	covet_pg_rights_restore(&r);
	return rc;
}

static CovetStatus
drv_query(void *ctx, const char *sql, int nparams, const char *const *params,
		  CovetResult *res, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	/*
	 * A worker runs its run's statements restricted even as the owner: its
	 * session user is the launcher's, which RESET ROLE would give back.
	 */
	if (OidIsValid(call->run_as) && (call->run_as != GetUserId() || call->worker))
		return query_with_rights(call, false, sql, nparams, params, res, err);
	return query_plain(call, sql, nparams, params, res, err);
}

static CovetStatus
drv_query_catalog(void *ctx, const char *sql, int nparams, const char *const *params,
				  CovetResult *res, CovetError *err)
{
	return query_with_rights((CovetPgCall *) ctx, true, sql, nparams, params, res, err);
}

/*
 * May the current user act on (action: "resume", "undo", "pause",
 * "cancel") run_id, owned by role owner (runs.who)?  Only as a member of
 * that role (superusers are members of every role).  *oid: the owner's
 * role, InvalidOid when it no longer exists (then only a superuser may
 * pause or cancel the run; nobody may run its statements).
 */
CovetStatus
covet_pg_run_owner_check(int64 run_id, const char *owner, const char *action,
						 Oid *oid, CovetError *err)
{
	bool		steer_only = strcmp(action, "pause") == 0 || strcmp(action, "cancel") == 0;

	*oid = get_role_oid(owner, true);
	if (!OidIsValid(*oid))
	{
		if (steer_only && superuser())
			return COVET_OK;
		covet_error_set(err, COVET_ERR_PRIVILEGE, "cannot %s run %lld: its owner, role \"%s\", does not exist",
						action, (long long) run_id, owner);
		strlcpy(err->sqlstate, "42704", sizeof(err->sqlstate));
		covet_error_detail(err, "covet runs a run's statements as the role that started it.");
		covet_error_hint(err, "A superuser may cancel the run.");
		return COVET_ERR_PRIVILEGE;
	}
	if (*oid == GetUserId() || is_member_of_role(GetUserId(), *oid))
		return COVET_OK;
	covet_error_set(err, COVET_ERR_PRIVILEGE, "permission denied to %s run %lld of role \"%s\"",
					action, (long long) run_id, owner);
	covet_error_detail(err, "Only members of role \"%s\" may resume, undo, pause or cancel its runs.", owner);
	return COVET_ERR_PRIVILEGE;
}

static CovetStatus
drv_run_owner(void *ctx, int64_t run_id, const char *owner, const char *action,
			  CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	Oid			oid;

	call->run_as = InvalidOid;
	if (owner == NULL)
		return COVET_OK;
	if (covet_pg_run_owner_check(run_id, owner, action, &oid, err) != COVET_OK)
		return err->code;
	call->run_as = oid;
	return COVET_OK;
}

/* A column's collation, schema-qualified, or NULL for its type's own. */
static char *
column_collation(Form_pg_attribute a)
{
	HeapTuple	tup;
	Form_pg_collation c;
	char	   *name;

	if (!OidIsValid(a->attcollation) || a->attcollation == get_typcollation(a->atttypid))
		return NULL;
	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(a->attcollation));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for collation %u", a->attcollation);
	c = (Form_pg_collation) GETSTRUCT(tup);
	name = quote_qualified_identifier(get_namespace_name(c->collnamespace), NameStr(c->collname));
	ReleaseSysCache(tup);
	return name;
}

typedef struct UndoState
{
	const char *undo_table;
	const char *select_sql;
	char	   *ddl;
	CovetError *err;
	CovetStatus rc;
} UndoState;

/*
 * The CREATE TABLE of an undo table: the columns of select_sql, parsed
 * (never run) with the caller's rights, every type and collation
 * schema-qualified.
 */
static void
undo_ddl(CovetPgCall *call, UndoState *u)
{
	SPIPlanPtr	plan = SPI_prepare(u->select_sql, 0, NULL);
	CachedPlanSource *src;
	TupleDesc	desc;
	StringInfoData buf;
	MemoryContext old;
	int			i;

	if (plan == NULL)
	{
		u->rc = spi_error(u->err, SPI_result);
		return;
	}
	src = (CachedPlanSource *) linitial(SPI_plan_get_plan_sources(plan));
	desc = src->resultDesc;
	if (desc == NULL)
		elog(ERROR, "covet's undo query returns no columns");
	old = MemoryContextSwitchTo(call->callcxt);
	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE TABLE %s (", u->undo_table);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);
		char	   *coll = column_collation(a);

		appendStringInfo(&buf, "%s%s %s", i > 0 ? ", " : "",
						 quote_identifier(NameStr(a->attname)),
						 format_type_extended(a->atttypid, a->atttypmod,
											  FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
		if (coll != NULL)
			appendStringInfo(&buf, " COLLATE %s", coll);
	}
	appendStringInfoChar(&buf, ')');
	MemoryContextSwitchTo(old);
	SPI_freeplan(plan);
	u->ddl = buf.data;
	u->rc = COVET_OK;
}

/*
 * An undo table in schema covet: created by the extension's owner (no
 * role needs CREATE there), its columns those of the caller's query;
 * the caller, who owns the run, may fill and read it, and covet drops it.
 */
static CovetStatus
drv_create_undo(void *ctx, const char *undo_table, const char *select_sql,
				CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	UndoState	u;
	MemoryContext oldcxt = CurrentMemoryContext;
	CovetStatus rc;
	char	   *grant;

	if (check_no_pending_error(call, err) != COVET_OK)
		return err->code;
	u.undo_table = undo_table;
	u.select_sql = select_sql;
	u.ddl = NULL;
	u.err = err;
	u.rc = COVET_OK;
	PG_TRY();
	{
		undo_ddl(call, &u);
	}
	PG_CATCH();
	{
		u.rc = catch_error(call, err);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	if (u.rc != COVET_OK)
		return u.rc;
	rc = drv_query_catalog(call, u.ddl, 0, NULL, NULL, err);
	pfree(u.ddl);
	if (rc != COVET_OK)
		return rc;
	grant = psprintf("GRANT SELECT, INSERT ON %s TO %s", undo_table, quote_identifier(call->who));
	rc = drv_query_catalog(call, grant, 0, NULL, NULL, err);
	pfree(grant);
	return rc;
}

typedef struct ScriptState
{
	const char *sql;
	CovetPgScript *script;
	CovetScriptStats *stats;
	CovetError *err;
	CovetStatus rc;
} ScriptState;

static bool first_token_is_call(const char *text);

static void
script_run(CovetPgCall *call, ScriptState *s)
{
	const char *text;

	s->script = covet_pg_script_begin(s->sql, call->callcxt);
	while ((text = covet_pg_script_next(s->script)) != NULL)
	{
		int			spirc;

		CHECK_FOR_INTERRUPTS();

		/*
		 * A migration of a procedure that commits per migration (no
		 * savepoint open, pg_commit.c): its CALL statements run nonatomic,
		 * as PL/pgSQL runs them, so that CALL covet_backfill_commit(...)
		 * commits per batch.  Other statements run as usual: nonatomic
		 * execution would give them no snapshot of their own.
		 */
		if (call->nonatomic && !call->worker && call->nsavepoints == 0 &&
			call->driver.commit_steps && first_token_is_call(text))
		{
			SPIExecuteOptions opts;

			memset(&opts, 0, sizeof(opts));
			opts.allow_nonatomic = true;
			spirc = SPI_execute_extended(text, &opts);
		}
		else
			spirc = SPI_execute(text, false, 0);
		if (spirc < 0)
		{
			s->rc = spi_error(s->err, spirc);
			return;
		}
		s->stats->statements++;
		switch (spirc)
		{
			case SPI_OK_INSERT:
			case SPI_OK_UPDATE:
			case SPI_OK_DELETE:
			case SPI_OK_INSERT_RETURNING:
			case SPI_OK_UPDATE_RETURNING:
			case SPI_OK_DELETE_RETURNING:
			case SPI_OK_MERGE:
				s->stats->rows += (int64_t) SPI_processed;
				break;
			default:
				break;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	s->rc = COVET_OK;
}

/*
 * Run a migration's text, statement by statement as PostgreSQL's lexer
 * finds them (pg_script.c), so memory does not grow with the script's
 * length; each statement is parsed and run by SPI in its own memory, which
 * SPI resets.  A syntax error in statement K is reported when K is reached,
 * after statements 1 to K-1 ran (in the migration's savepoint, which the
 * core then rolls back).  stats->statements counts the statements that
 * completed, also when one fails.
 */
static CovetStatus
drv_exec_script(void *ctx, const char *sql, CovetScriptStats *stats,
			   CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	ScriptState s;
	MemoryContext oldcxt = CurrentMemoryContext;

	stats->statements = 0;
	stats->rows = 0;
	if (check_no_pending_error(call, err) != COVET_OK)
		return err->code;

	s.sql = sql;
	s.script = NULL;
	s.stats = stats;
	s.err = err;
	s.rc = COVET_OK;

	PG_TRY();
	{
		script_run(call, &s);
	}
	PG_CATCH();
	{
		s.rc = catch_error(call, err);
	}
	PG_END_TRY();
	covet_pg_script_end(s.script);
	MemoryContextSwitchTo(oldcxt);
	return s.rc;
}

/* ---------------------------------------------------------------------
 * The engine's reading of caller fragments (sqlfrag.c, batch.c)
 * ---------------------------------------------------------------------
 */

/* What PostgreSQL's own lexer sees in a text. */
typedef struct LexCount
{
	int			depth;			/* '(' minus ')' at the end */
	int			min_depth;		/* lowest it went */
	int			semicolons;
	int			params;			/* $n */
} LexCount;

static void
lex_count(const char *text, LexCount *c)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;

	memset(c, 0, sizeof(*c));
	scanner = scanner_init(text, &yyextra, &ScanKeywords, ScanKeywordTokens);
	while ((tok = core_yylex(&yylval, &yylloc, scanner)) != 0)
	{
		if (tok == '(')
			c->depth++;
		else if (tok == ')' && --c->depth < c->min_depth)
			c->min_depth = c->depth;
		else if (tok == ';')
			c->semicolons++;
		else if (tok == PARAM)
			c->params++;
	}
	scanner_finish(scanner);
}

/* Is the first token of a statement the keyword CALL? */
static bool
first_token_is_call(const char *text)
{
	core_yy_extra_type yyextra;
	core_yyscan_t scanner;
	core_YYSTYPE yylval;
	YYLTYPE		yylloc;
	int			tok;

	scanner = scanner_init(text, &yyextra, &ScanKeywords, ScanKeywordTokens);
	tok = core_yylex(&yylval, &yylloc, scanner);
	scanner_finish(scanner);
	return tok == CALL;
}

typedef struct ParseCheck
{
	const char *sql;
	const char *what;			/* check_fragment: the argument's name */
	CovetSqlShape shape;
	int			nparams;
	CovetError *err;
	CovetStatus rc;
} ParseCheck;

static void
fragment_check_run(ParseCheck *c)
{
	LexCount	lc;
	const char *problem = NULL;

	lex_count(c->sql, &lc);
	if (lc.semicolons > 0)
		problem = "\";\" is not allowed";
	else if (lc.params > 0)
		problem = "parameters are not allowed";
	else if (lc.min_depth < 0)
		problem = "unbalanced \")\"";
	else if (lc.depth > 0)
		problem = "unbalanced \"(\"";
	if (problem == NULL)
	{
		c->rc = COVET_OK;
		return;
	}
	covet_error_set(c->err, COVET_ERR_INVALID, "invalid %s: %s", c->what, problem);
	covet_error_detail(c->err, "The %s was: %.300s", c->what, c->sql);
	c->rc = COVET_ERR_INVALID;
}

static void
statement_check_run(ParseCheck *c)
{
	List	   *stmts = raw_parser(c->sql, RAW_PARSE_DEFAULT);
	Node	   *stmt;
	bool		ok;
	LexCount	lc;
	static const char *const names[] = {"UPDATE", "DELETE", "SELECT"};

	if (list_length(stmts) > 1)
	{
		c->rc = more_than_one(c->err, c->sql);
		return;
	}
	if (list_length(stmts) == 0)
	{
		c->rc = covet_error_set(c->err, COVET_ERR_INVALID, "the SQL text holds no statement");
		return;
	}
	stmt = linitial_node(RawStmt, stmts)->stmt;
	switch (c->shape)
	{
		case COVET_SQL_UPDATE:
			ok = IsA(stmt, UpdateStmt) &&
				((UpdateStmt *) stmt)->withClause == NULL &&
				((UpdateStmt *) stmt)->returningList == NIL;
			break;
		case COVET_SQL_DELETE:
			ok = IsA(stmt, DeleteStmt) &&
				((DeleteStmt *) stmt)->withClause == NULL &&
				((DeleteStmt *) stmt)->usingClause == NIL &&
				((DeleteStmt *) stmt)->returningList == NIL;
			break;
		default:
			ok = IsA(stmt, SelectStmt) &&
				((SelectStmt *) stmt)->withClause == NULL &&
				((SelectStmt *) stmt)->op == SETOP_NONE &&
				((SelectStmt *) stmt)->intoClause == NULL;
			break;
	}
	if (!ok)
	{
		c->rc = covet_error_set(c->err, COVET_ERR_INVALID, "the SQL text is not one %s statement",
								names[c->shape]);
		return;
	}
	lex_count(c->sql, &lc);
	if (lc.params != c->nparams)
	{
		c->rc = covet_error_set(c->err, COVET_ERR_INVALID, "parameters are not allowed");
		return;
	}
	c->rc = COVET_OK;
}

/*
 * Run a parse check.  The lexer and the raw parser touch no catalog and
 * no shared state, so a syntax error they raise can be caught without a
 * subtransaction and becomes COVET_ERR_INVALID; anything else (a cancel,
 * out of memory, stack depth) propagates.
 */
static CovetStatus
parse_check(CovetPgCall *call, void (*fn) (ParseCheck *), ParseCheck *c)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	MemoryContext cxt = AllocSetContextCreate(call->callcxt, "covet parse check",
											  ALLOCSET_SMALL_SIZES);

	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(c);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			category;

		MemoryContextSwitchTo(call->callcxt);
		edata = CopyErrorData();
		category = ERRCODE_TO_CATEGORY(edata->sqlerrcode);
		if (category != ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION &&
			category != ERRCODE_DATA_EXCEPTION &&
			edata->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED)
		{
			FreeErrorData(edata);
			MemoryContextSwitchTo(cxt);
			PG_RE_THROW();
		}
		FlushErrorState();
		if (c->what != NULL)
			covet_error_set(c->err, COVET_ERR_INVALID, "invalid %s: %s", c->what,
							edata->message ? edata->message : "syntax error");
		else
			covet_error_set(c->err, COVET_ERR_INVALID, "%s",
							edata->message ? edata->message : "syntax error");
		strlcpy(c->err->sqlstate, unpack_sql_state(edata->sqlerrcode),
				sizeof(c->err->sqlstate));
		if (c->what != NULL)
			covet_error_detail(c->err, "The %s was: %.300s", c->what, c->sql);
		FreeErrorData(edata);
		c->rc = COVET_ERR_INVALID;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
	return c->rc;
}

/* check_statement: raw_parser; one statement of the shape, nparams $n. */
static CovetStatus
drv_check_statement(void *ctx, const char *sql, CovetSqlShape shape, int nparams,
					CovetError *err)
{
	ParseCheck	c = {sql, NULL, shape, nparams, err, COVET_OK};

	return parse_check((CovetPgCall *) ctx, statement_check_run, &c);
}

/* check_syntax: raw_parser reads one statement of the shape (no names resolved). */
static CovetStatus
drv_check_syntax(void *ctx, const char *sql, CovetSqlShape shape, CovetError *err)
{
	ParseCheck	c = {sql, NULL, shape, 0, err, COVET_OK};

	return parse_check((CovetPgCall *) ctx, statement_check_run, &c);
}

/* check_fragment: the fragment alone through core_yylex. */
static CovetStatus
drv_check_fragment(void *ctx, const char *what, const char *fragment, CovetError *err)
{
	ParseCheck	c = {fragment, what, COVET_SQL_SELECT, 0, err, COVET_OK};

	return parse_check((CovetPgCall *) ctx, fragment_check_run, &c);
}

/* ---------------------------------------------------------------------
 * Savepoints: internal subtransactions, as PL/pgSQL's exception blocks
 * ---------------------------------------------------------------------
 */
static CovetStatus
drv_savepoint_begin(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	CovetPgSavepoint *sp;

	if (check_no_pending_error(call, err) != COVET_OK)
		return err->code;
	if (call->nsavepoints == call->maxsavepoints)
	{
		int			newmax = Max(call->maxsavepoints * 2, 4);

		if (call->savepoints == NULL)
			call->savepoints = MemoryContextAlloc(call->callcxt,
												  sizeof(CovetPgSavepoint) * newmax);
		else
			call->savepoints = repalloc(call->savepoints,
										sizeof(CovetPgSavepoint) * newmax);
		call->maxsavepoints = newmax;
	}
	sp = &call->savepoints[call->nsavepoints];
	sp->cxt = CurrentMemoryContext;
	sp->owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(sp->cxt);
	call->nsavepoints++;
	return COVET_OK;
}

/* End the innermost savepoint; also used to unwind after an error. */
static void
savepoint_end(CovetPgCall *call, bool commit)
{
	CovetPgSavepoint *sp = &call->savepoints[call->nsavepoints - 1];

	if (commit)
		ReleaseCurrentSubTransaction();
	else
		RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(sp->cxt);
	CurrentResourceOwner = sp->owner;
	call->nsavepoints--;
	call->error_pending = false;
}

static CovetStatus
drv_savepoint_release(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	if (call->nsavepoints == 0)
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "savepoint released without one open");
	if (call->error_pending)
	{
		/* Releasing would keep a half-aborted subtransaction: roll back. */
		savepoint_end(call, false);
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "savepoint released after a failed statement");
	}
	savepoint_end(call, true);
	return COVET_OK;
}

static CovetStatus
drv_savepoint_rollback(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	if (call->nsavepoints == 0)
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "savepoint rolled back without one open");
	savepoint_end(call, false);
	return COVET_OK;
}

/* ---------------------------------------------------------------------
 * The runner lock
 * ---------------------------------------------------------------------
 */

/* Who holds the lock, for the error message; "" parts when not visible. */
static void
lock_holder_error(CovetPgCall *call, CovetError *err)
{
	const char *sql =
		"SELECT pg_catalog.format('process %s (user \"%s\", application \"%s\")',"
		" pid, who, application_name),"
		" since FROM \"covet\".\"lock\" LIMIT 1";
	CovetResult res;
	CovetError qerr;
	CovetStatus rc;

	rc = drv_query_catalog(call, sql, 0, NULL, &res, &qerr);
	if (rc == COVET_OK && res.nrows == 1 && COVET_VALUE(&res, 0, 0) != NULL)
	{
		const char *since = COVET_VALUE(&res, 0, 1);

		covet_error_set(err, COVET_ERR_LOCK,
						"migration lock is held by %s%s%s",
						COVET_VALUE(&res, 0, 0),
						since ? " since " : "", since ? since : "");
	}
	else
		covet_error_set(err, COVET_ERR_LOCK,
						"migration lock is held by another process");
	covet_error_hint(err, "Wait for that runner to finish, or raise covet.lock_timeout (now %d ms).",
					 call->driver.lock_timeout_ms);
	if (rc == COVET_OK)
		covet_result_free(&call->driver, &res);
}

/*
 * The transaction-level lock, or for a procedure that commits per
 * migration (runner_session, pg_commit.c) the session-level one on the
 * same key, which it releases on every way out.
 */
static bool
lock_try(CovetPgCall *call)
{
	if (!call->runner_session)
		return DatumGetBool(DirectFunctionCall2(pg_try_advisory_xact_lock_int4,
												Int32GetDatum(COVET_LOCK_CLASSID),
												Int32GetDatum(COVET_LOCK_OBJID)));
	if (!call->runner_locked)
		call->runner_locked =
			DatumGetBool(DirectFunctionCall2(pg_try_advisory_lock_int4,
											 Int32GetDatum(COVET_LOCK_CLASSID),
											 Int32GetDatum(COVET_LOCK_OBJID)));
	return call->runner_locked;
}

static CovetStatus
drv_begin_run(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	TimestampTz start;

	if (IsolationUsesXactSnapshot())
	{
		covet_error_set(err, COVET_ERR_STATE,
						"covet's runner must run at READ COMMITTED");
		covet_error_hint(err, "Run it outside an explicit REPEATABLE READ or SERIALIZABLE transaction.");
		return COVET_ERR_STATE;
	}

	start = GetCurrentTimestamp();
	while (!lock_try(call))
	{
		if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(),
									   call->driver.lock_timeout_ms))
		{
			lock_holder_error(call, err);
			return COVET_ERR_LOCK;
		}
		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 COVET_LOCK_POLL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	return COVET_OK;
}

/*
 * The run's transaction is the caller's: on success it commits with the
 * caller, on failure the binding raises an ERROR that aborts it, and the
 * transaction-level lock goes with it either way.
 */
static CovetStatus
drv_end_run(void *ctx, bool commit, CovetError *err)
{
	return COVET_OK;
}

/* ---------------------------------------------------------------------
 * Files on the server
 * ---------------------------------------------------------------------
 */
/*
 * May the current user read (or write) files on the server?  what names
 * the files in the message ("migration files"); hint is the way around.
 */
CovetStatus
covet_pg_check_file_privilege(bool write, const char *what, const char *hint,
							  CovetError *err)
{
	const char *role = write ? "pg_write_server_files" : "pg_read_server_files";

	if (superuser() ||
		has_privs_of_role(GetUserId(), write ? ROLE_PG_WRITE_SERVER_FILES
						  : ROLE_PG_READ_SERVER_FILES))
		return COVET_OK;
	covet_error_set(err, COVET_ERR_PRIVILEGE, "permission denied to %s %s",
					write ? "write" : "read", what);
	covet_error_detail(err, "Only superusers and roles with privileges of the \"%s\" role may %s files on the server.",
					   role, write ? "write" : "read");
	covet_error_hint(err, "%s", hint);
	return COVET_ERR_PRIVILEGE;
}

static CovetStatus
check_file_privilege(CovetError *err)
{
	return covet_pg_check_file_privilege(false, "migration files",
										 "Grant pg_read_server_files to the role, or define the migrations with covet_define().",
										 err);
}

static CovetStatus
io_error(CovetError *err, const char *what, const char *path, int errnum)
{
	return covet_error_set(err, COVET_ERR_IO, "could not %s \"%s\": %s",
						   what, path, strerror(errnum));
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static CovetStatus
drv_list_dir(void *ctx, const char *path, bool *is_dir, char ***names, int *n,
			CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	struct stat st;
	DIR		   *dir;
	struct dirent *de;
	char	  **list;
	int			count = 0;
	int			max = 16;

	*is_dir = false;
	*names = NULL;
	*n = 0;
	if (check_file_privilege(err) != COVET_OK)
		return err->code;
	if (stat(path, &st) != 0)
		return io_error(err, "open", path, errno);
	if (S_ISREG(st.st_mode))
		return COVET_OK;
	if (!S_ISDIR(st.st_mode))
		return covet_error_set(err, COVET_ERR_IO,
							   "\"%s\" is neither a file nor a directory", path);

	*is_dir = true;
	dir = AllocateDir(path);
	if (dir == NULL)
		return io_error(err, "open directory", path, errno);

	list = MemoryContextAlloc(call->callcxt, sizeof(char *) * max);
	errno = 0;
	while ((de = readdir(dir)) != NULL)
	{
		size_t		len = strlen(de->d_name);
		char	   *full;
		bool		regular;

		CHECK_FOR_INTERRUPTS();
		if (len <= 4 || strcmp(de->d_name + len - 4, ".sql") != 0 ||
			de->d_name[0] == '.')
			continue;
		full = psprintf("%s/%s", path, de->d_name);
		regular = stat(full, &st) == 0 && S_ISREG(st.st_mode);
		pfree(full);
		if (!regular)
			continue;
		if (count == max)
		{
			max *= 2;
			list = repalloc(list, sizeof(char *) * max);
		}
		list[count++] = MemoryContextStrdup(call->callcxt, de->d_name);
		errno = 0;
	}
	if (errno != 0)
	{
		int			save = errno;

		FreeDir(dir);
		return io_error(err, "read directory", path, save);
	}
	FreeDir(dir);

	qsort(list, count, sizeof(char *), name_cmp);
	*names = list;
	*n = count;
	return COVET_OK;
}

static CovetStatus
drv_read_file(void *ctx, const char *path, char **text, size_t *len,
			 CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	struct stat st;
	int			fd;
	char	   *buf;
	size_t		size;
	size_t		got = 0;

	*text = NULL;
	*len = 0;
	if (check_file_privilege(err) != COVET_OK)
		return err->code;

	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
	if (fd < 0)
		return io_error(err, "open", path, errno);
	if (fstat(fd, &st) != 0)
	{
		int			save = errno;

		CloseTransientFile(fd);
		return io_error(err, "stat", path, save);
	}
	if (!S_ISREG(st.st_mode))
	{
		CloseTransientFile(fd);
		return covet_error_set(err, COVET_ERR_IO, "\"%s\" is not a regular file",
							   path);
	}
	if (st.st_size > COVET_MAX_FILE_SIZE)
	{
		CloseTransientFile(fd);
		covet_error_set(err, COVET_ERR_IO, "file \"%s\" is too large",
						path);
		strlcpy(err->sqlstate, "54000", sizeof(err->sqlstate));
		covet_error_detail(err, "The file has %lld bytes; the limit is %lld.",
						   (long long) st.st_size, (long long) COVET_MAX_FILE_SIZE);
		return COVET_ERR_IO;
	}

	size = (size_t) st.st_size;
	buf = MemoryContextAllocExtended(call->callcxt, size + 1, MCXT_ALLOC_NO_OOM);
	if (buf == NULL)
	{
		CloseTransientFile(fd);
		return covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
	}
	while (got < size)
	{
		ssize_t		r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
		{
			int			save = errno;

			CloseTransientFile(fd);
			pfree(buf);
			return io_error(err, "read", path, save);
		}
		if (r == 0)
			break;				/* the file shrank while we read it */
		got += (size_t) r;
	}
	CloseTransientFile(fd);
	buf[got] = '\0';

	if (!pg_verifymbstr(buf, (int) got, true))
	{
		pfree(buf);
		covet_error_set(err, COVET_ERR_IO,
						"migration file \"%s\" is not valid in the database encoding \"%s\"",
						path, GetDatabaseEncodingName());
		strlcpy(err->sqlstate, "22021", sizeof(err->sqlstate));
		return COVET_ERR_IO;
	}
	*text = buf;
	*len = got;
	return COVET_OK;
}

/*
 * Write a whole file (a fixture dump), replacing it.  The text goes to a
 * temporary file next to it, which is flushed and then renamed over the
 * target (durable_rename), so the target is either the old file or the
 * complete new one, never half of one; on any failure, a cancel included,
 * the temporary file is removed.
 */
static CovetStatus
drv_write_file(void *ctx, const char *path, const char *data, size_t len,
			   CovetError *err)
{
	char	   *tmp;
	FILE	   *volatile f = NULL;
	volatile CovetStatus rc = COVET_OK;

	if (covet_pg_check_file_privilege(true, "fixture files",
									  "Grant pg_write_server_files to the role, or call covet_dumpdata() and save its result on the client.",
									  err) != COVET_OK)
		return err->code;
	if (path[0] == '\0')
		return covet_error_set(err, COVET_ERR_INVALID, "path must not be empty");

	tmp = psprintf("%s.covet-tmp.%d", path, MyProcPid);
	PG_TRY();
	{
		size_t		done = 0;

		f = AllocateFile(tmp, PG_BINARY_W);
		if (f == NULL)
			rc = covet_error_set(err, COVET_ERR_IO, "could not open \"%s\" for writing: %s",
								 path, strerror(errno));
		while (rc == COVET_OK && done < len)
		{
			size_t		n = Min(len - done, (size_t) 1024 * 1024);

			CHECK_FOR_INTERRUPTS();
			errno = 0;
			if (fwrite(data + done, 1, n, f) != n)
				rc = io_error(err, "write", path, errno ? errno : ENOSPC);
			done += n;
		}
		if (f != NULL)
		{
			if (rc == COVET_OK && fflush(f) != 0)
				rc = io_error(err, "write", path, errno);
			if (FreeFile(f) != 0 && rc == COVET_OK)
				rc = io_error(err, "write", path, errno);
			f = NULL;
		}
		/* fsyncs the file, renames it, fsyncs the directory */
		if (rc == COVET_OK && durable_rename(tmp, path, LOG) != 0)
			rc = io_error(err, "replace", path, errno);
		if (rc != COVET_OK)
			(void) unlink(tmp);
	}
	PG_CATCH();
	{
		if (f != NULL)
			FreeFile(f);
		(void) unlink(tmp);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pfree(tmp);
	return rc;
}

/* ---------------------------------------------------------------------
 * The rest
 * ---------------------------------------------------------------------
 */
static void
drv_notice(void *ctx, const char *msg)
{
	ereport(NOTICE, (errmsg("%s", msg)));
}

static int64_t
drv_clock_ms(void *ctx)
{
	return (int64_t) (GetCurrentTimestamp() / 1000);
}

static const char *
drv_who(void *ctx)
{
	return ((CovetPgCall *) ctx)->who;
}

static CovetStatus
drv_check_interrupts(void *ctx, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	volatile CovetStatus rc = COVET_OK;
	MemoryContext oldcxt = CurrentMemoryContext;

	if (!INTERRUPTS_PENDING_CONDITION())
		return COVET_OK;
	PG_TRY();
	{
		CHECK_FOR_INTERRUPTS();
	}
	PG_CATCH();
	{
		rc = catch_error(call, err);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	return rc;
}

/* ---------------------------------------------------------------------
 * Batched operations
 * ---------------------------------------------------------------------
 */

/*
 * The migration the runner is applying in this backend, so that the runs a
 * migration starts (nested calls, each with its own CovetPgCall) are
 * tagged with it.  covet_pg_call_run restores it when a call ends, also on
 * error, so a failed migration leaves no stale name behind.
 */
static char current_migration[COVET_NAME_MAX + 1];

/* ... and whether a _commit form applies it (batch_twin.c) */
static bool current_migration_commits;

static void
drv_set_migration(void *ctx, const char *name)
{
	strlcpy(current_migration, name ? name : "", sizeof(current_migration));
	current_migration_commits = name != NULL && ((CovetPgCall *) ctx)->driver.commit_steps;
}

static bool
drv_migration_commits(void *ctx)
{
	return current_migration[0] != '\0' && current_migration_commits;
}

/* Does another process hold the run lock (1668249202, run_id)? */
static bool
drv_run_alive(void *ctx, int64_t run_id)
{
	if (!covet_pg_run_lock_try(run_id, true))
		return true;
	covet_pg_run_unlock(run_id);
	return false;
}

static const char *
drv_get_migration(void *ctx)
{
	return current_migration[0] ? current_migration : NULL;
}

/*
 * Commit the batch just done, in a CALL outside a transaction block only.
 * SPI_commit switches back to the memory context current before it, so
 * make that one that outlives the transaction.
 */
static CovetStatus
drv_batch_commit(void *ctx, bool *committed, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	*committed = false;
	if (!call->nonatomic)
		return COVET_OK;
	if (call->nsavepoints > 0)
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "covet tried to commit with a savepoint open");
	if (check_no_pending_error(call, err) != COVET_OK)
		return err->code;
	covet_pg_health_before_commit(call);
	MemoryContextSwitchTo(call->callcxt);
	if (call->worker)
	{
		/* A background worker: end this transaction, open the next. */
		PopActiveSnapshot();
		if (SPI_finish() != SPI_OK_FINISH)
			elog(ERROR, "SPI_finish failed");
		CommitTransactionCommand();
		/* let autovacuum see this batch's dead rows (rate-limited) */
		pgstat_report_stat(false);
		StartTransactionCommand();
		MemoryContextSwitchTo(call->callcxt);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
	}
	else
		SPI_commit();
	*committed = true;
	return COVET_OK;
}

/*
 * An atomic run (a SELECT, or a CALL that cannot commit) needs no
 * subtransaction per batch: a failed batch fails the caller's transaction
 * whole, and a subtransaction per batch would give the transaction one
 * subtransaction XID per batch.  Past 64 of them PostgreSQL marks its
 * snapshot data overflowed, and every other session's visibility checks
 * go through pg_subtrans until it ends.  So the batches run bare; their
 * ERROR propagates at once, renamed by catch_error with the text the core
 * gives here.  batch_rollback is then never reached with anything to undo.
 */
static CovetStatus
drv_batch_rollback_atomic(void *ctx, CovetError *err)
{
	(void) ctx;
	(void) err;
	return COVET_OK;
}

static void
drv_batch_failure_text(void *ctx, const char *prefix, const char *hint)
{
	CovetPgCall *call = (CovetPgCall *) ctx;

	if (call->failure_prefix != NULL)
		pfree(call->failure_prefix);
	if (call->failure_hint != NULL)
		pfree(call->failure_hint);
	call->failure_prefix = prefix ? MemoryContextStrdup(call->callcxt, prefix) : NULL;
	call->failure_hint = hint ? MemoryContextStrdup(call->callcxt, hint) : NULL;
}

/* Progress: a NOTICE, and the same text in pg_stat_activity.query. */
static void
drv_progress(void *ctx, const CovetProgress *p)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	char		line[512];

	covet_progress_format(p, line, sizeof(line));
	if (call->activity == NULL)
		call->activity = MemoryContextStrdup(call->callcxt,
											 debug_query_string ? debug_query_string : "");
	pgstat_report_activity(STATE_RUNNING, line);
	ereport(NOTICE, (errmsg("%s", line)));
}

/* ---------------------------------------------------------------------
 * A call
 * ---------------------------------------------------------------------
 */
static void
call_init(CovetPgCall *call, int lock_timeout_ms, bool nonatomic)
{
	CovetDriver *d = &call->driver;

	covet_pg_check_version();
	memset(call, 0, sizeof(*call));
	call->callercxt = CurrentMemoryContext;
	call->nonatomic = nonatomic;
	call->callcxt = AllocSetContextCreate(nonatomic ? TopMemoryContext : CurrentMemoryContext,
										  "covet call", ALLOCSET_DEFAULT_SIZES);
	call->who = MemoryContextStrdup(call->callcxt,
									GetUserNameFromId(GetUserId(), false));
	covet_error_clear(&call->err);
	call->status = COVET_OK;

	d->mem.ctx = call->callcxt;
	d->mem.alloc = drv_mem_alloc;
	d->mem.free = drv_mem_free;
	d->dialect = covet_pg_dialect(call->callcxt);
	d->ctx = call;
	d->lock_timeout_ms = lock_timeout_ms;
	d->query = drv_query;
	d->exec_script = drv_exec_script;
	d->check_statement = drv_check_statement;
	d->check_fragment = drv_check_fragment;
	d->check_syntax = drv_check_syntax;
	d->savepoint_begin = drv_savepoint_begin;
	d->savepoint_release = drv_savepoint_release;
	d->savepoint_rollback = drv_savepoint_rollback;
	d->begin_run = drv_begin_run;
	d->end_run = drv_end_run;
	d->read_file = drv_read_file;
	d->write_file = drv_write_file;
	d->list_dir = drv_list_dir;
	d->notice = drv_notice;
	d->clock_ms = drv_clock_ms;
	d->who = drv_who;
	d->check_interrupts = drv_check_interrupts;
	d->batch_commit = drv_batch_commit;
	d->progress = drv_progress;
	d->set_migration = drv_set_migration;
	d->get_migration = drv_get_migration;
	d->migration_commits = drv_migration_commits;
	d->run_alive = drv_run_alive;
	d->query_catalog = drv_query_catalog;
	d->run_owner = drv_run_owner;
	d->create_undo = drv_create_undo;
	d->exec_toplevel = covet_pg_exec_toplevel;
	covet_pg_lockwait_init(d);
	if (nonatomic)
		d->health_check = covet_pg_health_check;
}

void
covet_pg_call_begin(CovetPgCall *call, int lock_timeout_ms)
{
	call_init(call, lock_timeout_ms, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

/*
 * A batched operation's call.  With nonatomic (a CALL outside a transaction
 * block), the caller must run it inside PG_TRY and call
 * covet_pg_call_cleanup in PG_CATCH: its memory context is not a child of
 * any transaction's.
 */
void
covet_pg_call_begin_batch(CovetPgCall *call, int lock_timeout_ms, bool nonatomic)
{
	call_init(call, lock_timeout_ms, nonatomic);
	if (!nonatomic)
	{
		call->driver.batch_rollback = drv_batch_rollback_atomic;
		call->driver.batch_failure_text = drv_batch_failure_text;
	}
	if (SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0) != SPI_OK_CONNECT)
	{
		covet_pg_call_cleanup(call);
		elog(ERROR, "SPI_connect failed");
	}
}

/*
 * A background worker's call (background.c): the worker has started a
 * transaction and pushed a snapshot; batch_commit commits it and starts the
 * next.  The memory outlives those commits (a child of TopMemoryContext);
 * the worker deletes it with covet_pg_call_end or covet_pg_call_cleanup.
 */
void
covet_pg_call_begin_worker(CovetPgCall *call, int lock_timeout_ms)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

	call_init(call, lock_timeout_ms, true);
	call->worker = true;
	MemoryContextSwitchTo(old);
	if (SPI_connect() != SPI_OK_CONNECT)
	{
		covet_pg_call_cleanup(call);
		elog(ERROR, "SPI_connect failed");
	}
}

/*
 * Run one core entry point.  An error that escapes it (raised where no
 * savepoint catches it) first unwinds the savepoints the core left open.
 */
void
covet_pg_call_run(CovetPgCall *call, CovetPgCoreFn fn, void *arg)
{
	char		migration[sizeof(current_migration)];
	bool		commits = current_migration_commits;

	memcpy(migration, current_migration, sizeof(migration));
	PG_TRY();
	{
		call->status = fn(&call->driver, arg, &call->report, &call->err);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(call->callercxt);
		memcpy(current_migration, migration, sizeof(migration));
		current_migration_commits = commits;
		covet_pg_lock_guard_reset();
		if (call->nsavepoints == 0)
			PG_RE_THROW();
		edata = CopyErrorData();
		FlushErrorState();
		while (call->nsavepoints > 0)
			savepoint_end(call, false);
		ReThrowError(edata);
	}
	PG_END_TRY();
	memcpy(current_migration, migration, sizeof(migration));
	current_migration_commits = commits;

	if (call->nsavepoints > 0)
	{
		int			left = call->nsavepoints;

		while (call->nsavepoints > 0)
			savepoint_end(call, false);
		if (call->status == COVET_OK)
			call->status = covet_error_set(&call->err, COVET_ERR_INTERNAL,
										   "covet left %d savepoints open", left);
	}
	if (call->status != COVET_OK && call->err.message[0] == '\0')
		covet_error_set(&call->err, call->status, "covet failed without a message");
}

/* Close SPI and free the call's memory; results must be copied out first. */
void
covet_pg_call_end(CovetPgCall *call)
{
	if (SPI_finish() != SPI_OK_FINISH)
	{
		covet_pg_call_cleanup(call);
		elog(ERROR, "SPI_finish failed");
	}
	covet_pg_call_cleanup(call);
}

/*
 * Restore pg_stat_activity and free the call's memory; safe to call twice
 * and on the way out of an error (SPI itself is cleaned up by the abort).
 */
void
covet_pg_call_cleanup(CovetPgCall *call)
{
	if (call->callcxt == NULL)
		return;
	if (call->activity != NULL)
		pgstat_report_activity(STATE_RUNNING, call->activity);
	call->activity = NULL;
	MemoryContextSwitchTo(call->callercxt);
	MemoryContextDelete(call->callcxt);
	call->callcxt = NULL;
}

/* The one place a CovetError becomes a PostgreSQL error. */
void
covet_pg_raise(const CovetError *err)
{
	const char *s = covet_error_sqlstate(err);
	int			code = ERRCODE_INTERNAL_ERROR;
	int			i;
	bool		valid = strlen(s) == 5;

	for (i = 0; valid && i < 5; i++)
		valid = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z');
	if (valid)
		code = MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);

	ereport(ERROR,
			(errcode(code),
			 errmsg("%s", err->message),
			 err->detail[0] ? errdetail("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}
