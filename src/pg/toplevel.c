/*-------------------------------------------------------------------------
 *
 * toplevel.c
 *		Non-transactional migrations in PostgreSQL: the statements run as
 *		top-level statements in a dynamic background worker, while the
 *		caller (a CALLed procedure that has just committed) waits on its
 *		latch holding no snapshot.
 *
 *		CALL covet_migrate_up_commit();
 *		-- 0007_idx: CREATE INDEX CONCURRENTLY runs in "covet migration 0007_idx"
 *
 * Why a worker.  CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM and the
 * like refuse to run inside any function or procedure (PreventInTransaction-
 * Block sees isTopLevel false), even after a commit; a file's own BEGIN and
 * COMMIT cannot run through SPI at all.  A background worker has no such
 * frame: it runs each statement as exec_simple_query does (start the
 * transaction command, pg_parse_query, pg_analyze_and_rewrite, pg_plan,
 * a portal run with isTopLevel true, finish the transaction command), so
 * the file's BEGIN ... COMMIT groups work as written.  The statements are
 * split by covet's PostgreSQL splitter (pg_script.c), so statement K is
 * the same K in every run.
 *
 * What passes between them: one DSM segment (TopShared and the strings
 * after it), handle in bgw_main_arg.  The caller writes the job (database,
 * session and current role, search_path and a few settings, the text, how
 * many statements to skip); the worker writes its progress and, at the
 * end, its outcome: statements committed, the failing statement and the
 * error's SQLSTATE, message, detail and hint, notes for the caller's
 * NOTICEs; it sets the caller's latch after each statement and at the end
 * (bgw_notify_pid tells the caller when it exits, however it exits).
 *
 * Bookkeeping: after each statement that leaves no transaction block open,
 * the worker runs the core's mark_sql (covet.incomplete.statement = K) as
 * the extension's owner in the statement's own transaction before it
 * commits: an implicit transaction, the last transaction a CONCURRENTLY
 * build or VACUUM leaves open, or the block a COMMIT is about to commit.
 * A block the file rolls back is marked after the ROLLBACK, on its own.
 * So after a crash the row is never behind what committed.
 *
 * The caller.  It holds no snapshot while it waits (the core's commit has
 * just ended its transaction; the catalog snapshot is dropped after the
 * last catalog lookup, and the wait runs no query), otherwise a CONCURRENTLY
 * build would wait for the caller forever (WaitForOlderSnapshots).  A
 * cancel or an error of the caller terminates the worker (PG_ENSURE_ERROR_
 * CLEANUP): the statement in progress rolls back (a CONCURRENTLY build
 * leaves an INVALID index, dropped before the retry).
 *
 * Continued after statement K, the worker first runs again the session
 * settings among statements 1..K (SET and RESET without LOCAL, SELECT
 * set_config(...); not those of a group the file rolled back), in order,
 * with a NOTICE, so statement K + 1 runs under the settings it had the
 * first time.  After a lock timeout it passes the pids that held the lock
 * to the caller (pg_lockwait.c), whose retry loop names them.
 *
 * Rights: the worker connects as the session user and takes the current
 * role, as the background worker of batched runs does (background.c);
 * inside a SECURITY DEFINER function or a security-restricted operation
 * it is refused, as there.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/spin.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"

#include "covet_pg.h"

/* Settings the worker takes over from the caller's session. */
static const char *const copied_settings[] = {
	"search_path", "lock_timeout", "statement_timeout", "maintenance_work_mem",
	"work_mem", "DateStyle", "TimeZone", NULL
};

typedef enum TopState
{
	TOP_STARTING,
	TOP_RUNNING,
	TOP_DONE,
	TOP_FAILED
} TopState;

typedef struct TopShared
{
	slock_t		mutex;
	/* the job, written by the caller */
	Oid			dboid;
	Oid			sessionoid;
	Oid			useroid;
	int			caller_procno;
	int			skip;
	bool		retry;
	int			lock_timeout_ms;	/* the guard's, 0: none */
	Size		name_off;
	Size		sql_off;
	Size		mark_off;
	Size		settings_off;	/* name NUL value NUL ... NUL */
	/* the outcome, written by the worker */
	TopState	state;
	int			statements;		/* committed, the skipped ones included */
	int			failed;
	int64		rows;
	char		sqlstate[6];
	char		message[1024];
	char		detail[1024];
	char		hint[512];
	char		notes[1024];	/* lines for the caller's NOTICEs */
	char		blockers[256];	/* after a lock timeout: "{pid,...}" */
} TopShared;

PGDLLEXPORT void covet_toplevel_main(Datum main_arg);

/* ---------------------------------------------------------------------
 * The caller
 * ---------------------------------------------------------------------
 */

static Size
put_string(char *base, Size *off, const char *s)
{
	Size		at = *off;
	Size		n = strlen(s) + 1;

	memcpy(base + at, s, n);
	*off += n;
	return at;
}

/* The segment: TopShared, then name, sql, mark_sql and the settings. */
static dsm_segment *
job_create(const CovetToplevelJob *job)
{
	StringInfoData settings;
	dsm_segment *seg;
	TopShared  *sh;
	Size		off = MAXALIGN(sizeof(TopShared));
	int			i;

	initStringInfo(&settings);
	for (i = 0; copied_settings[i] != NULL; i++)
	{
		const char *v = GetConfigOption(copied_settings[i], true, false);
		char		ms[32];

		/* the guard's value: the caller's own is back once the step began */
		if (job->lock_timeout_ms > 0 && strcmp(copied_settings[i], "lock_timeout") == 0)
		{
			snprintf(ms, sizeof(ms), "%dms", job->lock_timeout_ms);
			v = ms;
		}
		if (v == NULL)
			continue;
		appendStringInfoString(&settings, copied_settings[i]);
		appendStringInfoChar(&settings, '\0');
		appendStringInfoString(&settings, v);
		appendStringInfoChar(&settings, '\0');
	}
	appendStringInfoChar(&settings, '\0');

	seg = dsm_create(off + strlen(job->name) + strlen(job->sql) +
					 strlen(job->mark_sql) + 3 + settings.len + 1, 0);
	sh = dsm_segment_address(seg);
	memset(sh, 0, sizeof(TopShared));
	SpinLockInit(&sh->mutex);
	sh->dboid = MyDatabaseId;
	sh->sessionoid = GetSessionUserId();
	sh->useroid = GetUserId();
	sh->caller_procno = MyProc->pgprocno;
	sh->skip = job->skip;
	sh->retry = job->retry;
	sh->lock_timeout_ms = job->lock_timeout_ms;
	sh->state = TOP_STARTING;
	sh->statements = job->skip;
	sh->name_off = put_string((char *) sh, &off, job->name);
	sh->sql_off = put_string((char *) sh, &off, job->sql);
	sh->mark_off = put_string((char *) sh, &off, job->mark_sql);
	sh->settings_off = off;
	memcpy((char *) sh + off, settings.data, settings.len + 1);
	pfree(settings.data);
	return seg;
}

static CovetStatus
refuse_here(CovetError *err)
{
	covet_error_set(err, COVET_ERR_STATE,
					"a non-transactional migration needs CALL outside a transaction block");
	strlcpy(err->sqlstate, "25001", sizeof(err->sqlstate));
	covet_error_hint(err, "Run CALL covet_migrate_up_commit() as a statement of its own, not inside BEGIN ... COMMIT or a function.");
	return COVET_ERR_STATE;
}

static void
terminate_worker(int code, Datum arg)
{
	BackgroundWorkerHandle *handle = (BackgroundWorkerHandle *) DatumGetPointer(arg);

	TerminateBackgroundWorker(handle);
}

/* Wait for the worker to finish, holding no snapshot. */
static void
wait_for_worker(TopShared *sh, BackgroundWorkerHandle *handle, const char *name)
{
	PG_ENSURE_ERROR_CLEANUP(terminate_worker, PointerGetDatum(handle));
	{
		for (;;)
		{
			TopState	state;
			pid_t		pid;

			CHECK_FOR_INTERRUPTS();
			SpinLockAcquire(&sh->mutex);
			state = sh->state;
			SpinLockRelease(&sh->mutex);
			if (state == TOP_DONE || state == TOP_FAILED)
				break;
			if (GetBackgroundWorkerPid(handle, &pid) == BGWH_STOPPED)
			{
				/* it may have finished just now */
				SpinLockAcquire(&sh->mutex);
				state = sh->state;
				SpinLockRelease(&sh->mutex);
				if (state == TOP_DONE || state == TOP_FAILED)
					break;
				ereport(ERROR,
						(errcode(ERRCODE_ADMIN_SHUTDOWN),
						 errmsg("the worker running migration \"%s\" ended before it finished", name),
						 errdetail("It was terminated or could not start; what it committed is recorded in covet.incomplete."),
						 errhint("Run the migration again: it continues after the last statement that committed.")));
			}
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 1000, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
	}
	PG_END_ENSURE_ERROR_CLEANUP(terminate_worker, PointerGetDatum(handle));
}

CovetStatus
covet_pg_exec_toplevel(void *ctx, const CovetToplevelJob *job,
					   CovetToplevelResult *out, CovetError *err)
{
	CovetPgCall *call = (CovetPgCall *) ctx;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	dsm_segment *seg;
	TopShared  *sh;
	char	   *p;
	CovetStatus rc = COVET_OK;

	memset(out, 0, sizeof(*out));
	out->statements = job->skip;
	if (!call->nonatomic || call->worker || call->nsavepoints > 0 ||
		IsTransactionBlock())
		return refuse_here(err);
	if (InLocalUserIdChange() || InSecurityRestrictedOperation())
	{
		covet_error_set(err, COVET_ERR_PRIVILEGE,
						"cannot run a non-transactional migration inside a security-definer function or a security-restricted operation");
		covet_error_hint(err, "Call covet_migrate_up_commit() from a session of the role that runs the migrations.");
		return COVET_ERR_PRIVILEGE;
	}

	seg = job_create(job);
	sh = dsm_segment_address(seg);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "covet_pg", sizeof(worker.bgw_library_name));
	strlcpy(worker.bgw_function_name, "covet_toplevel_main", sizeof(worker.bgw_function_name));
	snprintf(worker.bgw_name, sizeof(worker.bgw_name), "covet migration %s", job->name);
	strlcpy(worker.bgw_type, "covet migration", sizeof(worker.bgw_type));
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
	{
		dsm_detach(seg);
		covet_error_set(err, COVET_ERR_STATE,
						"could not start a background worker for migration \"%s\"", job->name);
		strlcpy(err->sqlstate, "53400", sizeof(err->sqlstate));
		covet_error_detail(err, "Every background worker slot is in use (max_worker_processes is %d).",
						   max_worker_processes);
		covet_error_hint(err, "Raise max_worker_processes, or wait for other background workers to finish. Nothing of the migration ran.");
		out->failed = job->skip + 1;
		return COVET_ERR_STATE;
	}

	/* no snapshot from here until the worker is done: not even the catalog's */
	InvalidateCatalogSnapshot();
	if (ActiveSnapshotSet() || MyProc->xmin != InvalidTransactionId)
		ereport(WARNING,
				(errmsg("covet holds a snapshot while migration \"%s\" runs", job->name),
				 errdetail("A CONCURRENTLY statement of the migration may wait for this session.")));
	wait_for_worker(sh, handle, job->name);

	out->statements = sh->statements;
	out->failed = sh->failed;
	out->rows = sh->rows;
	for (p = sh->notes; *p != '\0';)
	{
		char	   *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		ereport(NOTICE, (errmsg("%s", p)));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (sh->state == TOP_FAILED)
	{
		covet_error_set(err, COVET_ERR_SQL, "%s", sh->message);
		strlcpy(err->sqlstate, sh->sqlstate, sizeof(err->sqlstate));
		if (sh->detail[0] != '\0')
			covet_error_detail(err, "%s", sh->detail);
		if (sh->hint[0] != '\0')
			covet_error_hint(err, "%s", sh->hint);
		covet_pg_lock_worker_blockers(sh->blockers);
		rc = COVET_ERR_SQL;
	}
	dsm_detach(seg);
	return rc;
}

/* ---------------------------------------------------------------------
 * The worker
 * ---------------------------------------------------------------------
 */

static TopShared *worker_sh;
static MemoryContext stmt_cxt;

/* The session settings of the statements an earlier run committed. */
static struct
{
	List	   *replay;
	List	   *pending;
	bool		in_block;
}			skipped;

static void
tell_caller(void)
{
	SetLatch(&ProcGlobal->allProcs[worker_sh->caller_procno].procLatch);
}

static void
add_note(const char *fmt,...) pg_attribute_printf(1, 2);

static void
add_note(const char *fmt,...)
{
	size_t		len = strlen(worker_sh->notes);
	va_list		ap;

	if (len > 0 && len < sizeof(worker_sh->notes) - 1)
		worker_sh->notes[len++] = '\n';
	va_start(ap, fmt);
	vsnprintf(worker_sh->notes + len, sizeof(worker_sh->notes) - len, fmt, ap);
	va_end(ap);
}

/* covet.incomplete.statement = n, in the current transaction, as covet. */
static void
mark_statement(const char *name, int n)
{
	const char *mark = (const char *) worker_sh + worker_sh->mark_off;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char		num[16];
	CovetPgRights rights;
	int			rc;

	snprintf(num, sizeof(num), "%d", n);
	values[0] = CStringGetTextDatum(name);
	values[1] = CStringGetTextDatum(num);
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	covet_pg_as_catalog(&rights);
	rc = SPI_execute_with_args(mark, 2, types, values, NULL, false, 0);
	covet_pg_rights_restore(&rights);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update covet.incomplete");
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	PopActiveSnapshot();
}

static bool
counts_rows(CommandTag tag)
{
	return tag == CMDTAG_INSERT || tag == CMDTAG_UPDATE || tag == CMDTAG_DELETE ||
		tag == CMDTAG_MERGE;
}

/*
 * One raw statement as exec_simple_query runs it, inside the transaction
 * command the caller started.  Returns rows changed.
 */
static uint64
run_parsed(RawStmt *parsetree, const char *text)
{
	CommandTag	tag = CreateCommandTag(parsetree->stmt);
	bool		snapshot_set = false;
	List	   *querytrees;
	List	   *plantrees;
	Portal		portal;
	DestReceiver *receiver;
	QueryCompletion qc;
	int16		format = 0;

	if (analyze_requires_snapshot(parsetree))
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		snapshot_set = true;
	}
	querytrees = pg_analyze_and_rewrite_fixedparams(parsetree, text, NULL, 0, NULL);
	plantrees = pg_plan_queries(querytrees, text, CURSOR_OPT_PARALLEL_OK, NULL);
	if (snapshot_set)
		PopActiveSnapshot();

	portal = CreatePortal("", true, true);
	portal->visible = false;
	PortalDefineQuery(portal, NULL, text, tag, plantrees, NULL);
	PortalStart(portal, NULL, 0, InvalidSnapshot);
	PortalSetResultFormat(portal, 1, &format);
	receiver = CreateDestReceiver(DestNone);
	InitializeQueryCompletion(&qc);
	(void) PortalRun(portal, FETCH_ALL, true, true, receiver, receiver, &qc);
	receiver->rDestroy(receiver);
	PortalDrop(portal, false);
	return counts_rows(tag) ? qc.nprocessed : 0;
}

static bool
is_transaction_stmt(RawStmt *raw, TransactionStmtKind kind)
{
	return IsA(raw->stmt, TransactionStmt) &&
		castNode(TransactionStmt, raw->stmt)->kind == kind;
}

/*
 * Statement n of the migration (text), top level, with its bookkeeping;
 * n = 0: covet's own statement (dropping an invalid index), not counted.
 */
static void
run_statement(const char *name, const char *text, int n)
{
	MemoryContext old;
	List	   *raws;
	ListCell   *lc;
	bool		commits = false;
	bool		marked = false;
	uint64		rows = 0;

	pgstat_report_activity(STATE_RUNNING, text);
	debug_query_string = text;
	StartTransactionCommand();
	old = MemoryContextSwitchTo(stmt_cxt);
	raws = pg_parse_query(text);
	foreach(lc, raws)
	{
		RawStmt    *raw = lfirst_node(RawStmt, lc);

		if (is_transaction_stmt(raw, TRANS_STMT_COMMIT))
			commits = true;
		rows += run_parsed(raw, text);
		if (lnext(raws, lc) != NULL)
			CommandCounterIncrement();
	}
	MemoryContextSwitchTo(old);

	/*
	 * The bookkeeping of statement n commits with it: after a statement in
	 * an implicit transaction (TransactionBlockStatusCode 'I'), or with the
	 * block a COMMIT is about to commit ('T').  A block that aborted is
	 * marked once its end has rolled it back.
	 */
	if (n > 0 && (TransactionBlockStatusCode() == 'I' ||
				  (commits && TransactionBlockStatusCode() == 'T')))
	{
		mark_statement(name, n);
		marked = true;
	}
	CommitTransactionCommand();
	if (n > 0 && !marked && TransactionBlockStatusCode() == 'I')
	{
		StartTransactionCommand();
		mark_statement(name, n);
		CommitTransactionCommand();
	}
	pgstat_report_stat(false);
	debug_query_string = NULL;
	MemoryContextReset(stmt_cxt);

	SpinLockAcquire(&worker_sh->mutex);
	worker_sh->rows += rows;
	if (n > 0 && TransactionBlockStatusCode() == 'I')
		worker_sh->statements = Max(worker_sh->statements, n);
	SpinLockRelease(&worker_sh->mutex);
}

static const char *const leftover_sql =
"SELECT n.nspname, c.relname FROM pg_catalog.pg_index i"
" JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
" JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
" WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND NOT i.indisvalid"
" AND (c.relname OPERATOR(pg_catalog.=) $2"
" OR ($4 AND c.relname OPERATOR(pg_catalog.~) '_cc(new|old)[0-9]*$'"
" AND ($3 IS NULL OR pg_catalog.starts_with(c.relname, $3 OPERATOR(pg_catalog.||) '_cc'))))"
" ORDER BY 2";

/*
 * What a failed CONCURRENTLY build of the statement left: the INVALID
 * indexes to drop, as DROP INDEX CONCURRENTLY statements.  CREATE INDEX
 * CONCURRENTLY name: that index; REINDEX INDEX CONCURRENTLY name: its
 * name_ccnew* and name_ccold* copies; REINDEX TABLE CONCURRENTLY: every
 * *_ccnew* and *_ccold* copy of the table.
 */
static List *
leftovers(const char *text)
{
	List	   *raws;
	RawStmt    *raw;
	Oid			table = InvalidOid;
	const char *exact = NULL;
	const char *prefix = NULL;
	bool		reindex = false;
	List	   *drops = NIL;

	raws = pg_parse_query(text);
	if (list_length(raws) != 1)
		return NIL;
	raw = linitial_node(RawStmt, raws);
	if (IsA(raw->stmt, IndexStmt))
	{
		IndexStmt  *is = (IndexStmt *) raw->stmt;

		if (!is->concurrent || is->idxname == NULL)
			return NIL;
		table = RangeVarGetRelid(is->relation, NoLock, true);
		exact = is->idxname;
	}
	else if (IsA(raw->stmt, ReindexStmt))
	{
		ReindexStmt *rs = (ReindexStmt *) raw->stmt;
		ListCell   *lc;
		bool		concurrent = false;

		foreach(lc, rs->params)
			if (strcmp(lfirst_node(DefElem, lc)->defname, "concurrently") == 0)
				concurrent = defGetBoolean(lfirst_node(DefElem, lc));
		if (!concurrent || rs->relation == NULL)
			return NIL;
		if (rs->kind == REINDEX_OBJECT_INDEX)
		{
			Oid			index = RangeVarGetRelid(rs->relation, NoLock, true);

			if (OidIsValid(index))
				table = IndexGetRelation(index, true);
			prefix = rs->relation->relname;
		}
		else if (rs->kind == REINDEX_OBJECT_TABLE)
		{
			table = RangeVarGetRelid(rs->relation, NoLock, true);
			prefix = NULL;		/* every copy of the table's indexes */
		}
		reindex = true;
	}
	if (!OidIsValid(table))
		return NIL;
	{
		Oid			types[4] = {OIDOID, TEXTOID, TEXTOID, BOOLOID};
		Datum		values[4];
		char		nulls[4] = {' ', exact ? ' ' : 'n', prefix ? ' ' : 'n', ' '};
		uint64		i;

		values[0] = ObjectIdGetDatum(table);
		values[1] = exact ? CStringGetTextDatum(exact) : (Datum) 0;
		values[2] = prefix ? CStringGetTextDatum(prefix) : (Datum) 0;
		values[3] = BoolGetDatum(reindex);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args(leftover_sql, 4, types, values, nulls, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read pg_index");
		for (i = 0; i < SPI_processed; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(stmt_cxt);
			char	   *nsp = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
			char	   *rel = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

			drops = lappend(drops, psprintf("DROP INDEX CONCURRENTLY %s",
											quote_qualified_identifier(nsp, rel)));
			MemoryContextSwitchTo(old);
		}
		SPI_finish();
	}
	return drops;
}

/* Before retrying statement text: drop what its failed build left. */
static void
drop_leftovers(const char *name, const char *text)
{
	List	   *drops;
	ListCell   *lc;
	MemoryContext old;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	old = MemoryContextSwitchTo(stmt_cxt);
	drops = leftovers(text);
	MemoryContextSwitchTo(old);
	PopActiveSnapshot();
	CommitTransactionCommand();
	foreach(lc, drops)
	{
		char	   *drop = pstrdup((char *) lfirst(lc));

		add_note("%s: dropped the INVALID index a failed CONCURRENTLY build left before retrying (%s)",
				 name, drop);
		run_statement(name, drop, 0);
		pfree(drop);
	}
}

/*
 * What a skipped statement (one an earlier run committed) was, for the
 * replay of its session settings.
 */
typedef enum SkipKind
{
	SKIP_OTHER,
	SKIP_SETTING,				/* SET / RESET (not LOCAL), SELECT set_config(...) */
	SKIP_BEGIN,
	SKIP_COMMIT,
	SKIP_ROLLBACK
} SkipKind;

static bool
is_set_config(Node *stmt)
{
	SelectStmt *sel;
	ListCell   *lc;

	if (!IsA(stmt, SelectStmt))
		return false;
	sel = (SelectStmt *) stmt;
	if (sel->op != SETOP_NONE || sel->fromClause != NIL || sel->whereClause != NULL ||
		sel->targetList == NIL || sel->valuesLists != NIL)
		return false;
	foreach(lc, sel->targetList)
	{
		ResTarget  *rt = lfirst_node(ResTarget, lc);
		FuncCall   *fc;

		if (rt->val == NULL || !IsA(rt->val, FuncCall))
			return false;
		fc = (FuncCall *) rt->val;
		if (strcmp(strVal(llast(fc->funcname)), "set_config") != 0)
			return false;
	}
	return true;
}

/* text's raw statements in stmt_cxt; NIL if it does not parse */
static List *
parse_quietly(const char *text)
{
	MemoryContext old = MemoryContextSwitchTo(stmt_cxt);
	List	   *volatile raws = NIL;

	PG_TRY();
	{
		raws = pg_parse_query(text);
	}
	PG_CATCH();
	{
		/* a text changed since it ran: not a setting covet can tell */
		MemoryContextSwitchTo(stmt_cxt);
		FlushErrorState();
		raws = NIL;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return raws;
}

static SkipKind
skip_kind(const char *text)
{
	List	   *raws = parse_quietly(text);
	Node	   *stmt;
	SkipKind	kind = SKIP_OTHER;

	if (list_length(raws) != 1)
		return SKIP_OTHER;
	stmt = linitial_node(RawStmt, raws)->stmt;
	if (IsA(stmt, TransactionStmt))
	{
		switch (((TransactionStmt *) stmt)->kind)
		{
			case TRANS_STMT_BEGIN:
			case TRANS_STMT_START:
				kind = SKIP_BEGIN;
				break;
			case TRANS_STMT_COMMIT:
				kind = SKIP_COMMIT;
				break;
			case TRANS_STMT_ROLLBACK:
				kind = SKIP_ROLLBACK;
				break;
			default:
				break;
		}
	}
	else if (IsA(stmt, VariableSetStmt))
	{
		VariableSetStmt *vs = (VariableSetStmt *) stmt;

		/* SET LOCAL and SET TRANSACTION end with their transaction */
		if (!vs->is_local && !(vs->kind == VAR_SET_MULTI && vs->name != NULL &&
							   strncmp(vs->name, "TRANSACTION", 11) == 0))
			kind = SKIP_SETTING;
	}
	else if (is_set_config(stmt))
		kind = SKIP_SETTING;
	return kind;
}

/*
 * The session settings statements 1..skip made, run again before statement
 * skip + 1 so that it runs as it did the first time: SET and RESET (not
 * LOCAL) and SELECT set_config(...), in order, except those inside a group
 * of the file's that was rolled back.  *replay and *pending (of the group
 * open at n) are lists of strings in TopMemoryContext.
 */
static void
skip_track(const char *text, int n, List **replay, List **pending, bool *in_block)
{
	MemoryContext old;

	switch (skip_kind(text))
	{
		case SKIP_BEGIN:
			*in_block = true;
			break;
		case SKIP_COMMIT:
			old = MemoryContextSwitchTo(TopMemoryContext);
			*replay = list_concat(*replay, *pending);
			MemoryContextSwitchTo(old);
			*pending = NIL;
			*in_block = false;
			break;
		case SKIP_ROLLBACK:
			*pending = NIL;
			*in_block = false;
			break;
		case SKIP_SETTING:
			old = MemoryContextSwitchTo(TopMemoryContext);
			if (*in_block)
				*pending = lappend(*pending, psprintf("%d\t%s", n, text));
			else
				*replay = lappend(*replay, psprintf("%d\t%s", n, text));
			MemoryContextSwitchTo(old);
			break;
		case SKIP_OTHER:
			break;
	}
	MemoryContextReset(stmt_cxt);
}

static void
replay_settings(const char *name, List *replay, int next)
{
	StringInfoData nums;
	ListCell   *lc;

	if (replay == NIL)
		return;
	initStringInfo(&nums);
	foreach(lc, replay)
	{
		char	   *item = (char *) lfirst(lc);
		char	   *tab = strchr(item, '\t');

		*tab = '\0';
		appendStringInfo(&nums, "%s%s", nums.len > 0 ? ", " : "", item);
		run_statement(name, tab + 1, 0);
	}
	add_note("migration %s: ran the session settings of statement%s %s again before continuing with statement %d",
			 name, list_length(replay) > 1 ? "s" : "", nums.data, next);
	pfree(nums.data);
}

static void
worker_settings(const char *name)
{
	const char *p = (const char *) worker_sh + worker_sh->settings_off;
	char		app[NAMEDATALEN];

	while (*p != '\0')
	{
		const char *value = p + strlen(p) + 1;

		(void) set_config_option(p, value, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SET, true, WARNING, false);
		p = value + strlen(value) + 1;
	}
	snprintf(app, sizeof(app), "covet migration %s", name);
	(void) set_config_option("application_name", app, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
}

static void
worker_fail(ErrorData *edata, int n)
{
	SpinLockAcquire(&worker_sh->mutex);
	worker_sh->failed = n;
	strlcpy(worker_sh->sqlstate, unpack_sql_state(edata->sqlerrcode), sizeof(worker_sh->sqlstate));
	strlcpy(worker_sh->message, edata->message ? edata->message : "", sizeof(worker_sh->message));
	strlcpy(worker_sh->detail, edata->detail ? edata->detail : "", sizeof(worker_sh->detail));
	strlcpy(worker_sh->hint, edata->hint ? edata->hint : "", sizeof(worker_sh->hint));
	worker_sh->state = TOP_FAILED;
	SpinLockRelease(&worker_sh->mutex);
}

/* A lock timeout: who held the lock the statement waited for. */
static void
worker_blockers(ErrorData *edata)
{
	char		pids[256];

	if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
		return;
	covet_pg_lock_seen_pids(pids, sizeof(pids));
	SpinLockAcquire(&worker_sh->mutex);
	strlcpy(worker_sh->blockers, pids, sizeof(worker_sh->blockers));
	SpinLockRelease(&worker_sh->mutex);
}

void
covet_toplevel_main(Datum main_arg)
{
	dsm_segment *seg;
	const char *name;
	const char *sql;
	CovetPgScript *script = NULL;
	volatile int n = 0;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	CurrentResourceOwner = ResourceOwnerCreate(NULL, "covet migration worker");
	seg = dsm_attach(DatumGetUInt32(main_arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("covet migration worker: the caller is gone")));
	dsm_pin_mapping(seg);
	worker_sh = dsm_segment_address(seg);
	name = (const char *) worker_sh + worker_sh->name_off;
	sql = (const char *) worker_sh + worker_sh->sql_off;

	BackgroundWorkerInitializeConnectionByOid(worker_sh->dboid, worker_sh->sessionoid, 0);
	stmt_cxt = AllocSetContextCreate(TopMemoryContext, "covet statement",
									 ALLOCSET_DEFAULT_SIZES);
	StartTransactionCommand();
	if (worker_sh->useroid != worker_sh->sessionoid)
		SetCurrentRoleId(worker_sh->useroid, superuser_arg(worker_sh->useroid));
	worker_settings(name);
	CommitTransactionCommand();

	SpinLockAcquire(&worker_sh->mutex);
	worker_sh->state = TOP_RUNNING;
	SpinLockRelease(&worker_sh->mutex);

	PG_TRY();
	{
		const char *text;

		script = covet_pg_script_begin(sql, TopMemoryContext);
		for (;;)
		{
			n++;
			text = covet_pg_script_next(script);
			if (text == NULL)
				break;
			if (n <= worker_sh->skip)
			{
				skip_track(text, n, &skipped.replay, &skipped.pending, &skipped.in_block);
				continue;
			}
			if (n == worker_sh->skip + 1)
				replay_settings(name, skipped.replay, n);
			if (worker_sh->retry && n == worker_sh->skip + 1)
				drop_leftovers(name, text);
			CHECK_FOR_INTERRUPTS();
			covet_pg_lock_watch(worker_sh->lock_timeout_ms);
			run_statement(name, text, n);
			tell_caller();
		}
		if (TransactionBlockStatusCode() != 'I' && n-- > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
					 errmsg("the migration ends inside a transaction block it opened"),
					 errhint("End its BEGIN with COMMIT.")));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		FlushErrorState();
		AbortOutOfAnyTransaction();
		worker_blockers(edata);
		worker_fail(edata, n);
		tell_caller();
		pgstat_report_activity(STATE_IDLE, NULL);
		proc_exit(0);
	}
	PG_END_TRY();
	covet_pg_script_end(script);

	SpinLockAcquire(&worker_sh->mutex);
	worker_sh->state = TOP_DONE;
	SpinLockRelease(&worker_sh->mutex);
	tell_caller();
	pgstat_report_stat(true);
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}
