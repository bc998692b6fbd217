/*-------------------------------------------------------------------------
 *
 * covet_pg.h
 *		The PostgreSQL binding's call state, shared by pg_driver.c (the
 *		CovetDriver over SPI) and covet_pg.c (the SQL-callable wrappers).
 *
 * A call is one SQL function invocation: it owns a memory context for all
 * the core allocates, one SPI connection, and the stack of subtransactions
 * the core opened as savepoints.  A batched operation called with CALL
 * outside a transaction block is "nonatomic": its SPI connection may
 * commit, so its memory context hangs from TopMemoryContext and the caller
 * must delete it on error too (covet_pg_call_cleanup in a PG_CATCH).
 * Include after postgres.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COVET_PG_H
#define COVET_PG_H

#include "covet.h"

#include "utils/resowner.h"

/* pg_try_advisory_xact_lock(1668249204, 1): "covt" and the runner lock. */
#define COVET_LOCK_CLASSID	1668249204
#define COVET_LOCK_OBJID	1

/*
 * pg_try_advisory_lock(1668249202, run id): "covr", held by whoever carries
 * a run out while its state may be seen as 'running' (a background worker,
 * a CALL that commits per batch), so that two processes never work on the
 * same run and covet_wait can tell a live run from an interrupted one.
 */
#define COVET_RUN_LOCK_CLASSID	1668249202

/* What to restore after a subtransaction ends, like PL/pgSQL's blocks. */
typedef struct CovetPgSavepoint
{
	MemoryContext cxt;
	ResourceOwner owner;
} CovetPgSavepoint;

typedef struct CovetPgCall
{
	MemoryContext callercxt;	/* where results go */
	MemoryContext callcxt;		/* everything the core allocates */
	CovetPgSavepoint *savepoints;
	int			nsavepoints;
	int			maxsavepoints;
	bool		error_pending;	/* a statement failed; rollback must follow */
	char	   *who;
	Oid			run_as;			/* a run's owner to run statements as, or
								 * InvalidOid (see run_owner) */
	bool		nonatomic;		/* a CALL that may commit (SPI_OPT_NONATOMIC) */
	bool		worker;			/* a background worker: owns its transactions */
	char	   *activity;		/* pg_stat_activity text to restore, or NULL */
	/* an atomic batch's statements: what their ERROR is re-raised with */
	char	   *failure_prefix;
	char	   *failure_hint;
	char	   *failure_detail; /* added to the error's DETAIL (pg_commit.c) */
	/* pg_commit.c: the runner lock is the session-level one, across commits */
	bool		runner_session;
	bool		runner_locked;	/* ... and this call holds it */
	CovetDriver driver;

	/* Outcome of covet_pg_call_run. */
	CovetStatus status;
	char	   *report;
	CovetError	err;
} CovetPgCall;

/* Whose rights a statement runs with, and what to restore after it. */
typedef struct CovetPgRights
{
	Oid			save_user;
	int			save_sec;
	int			nest;			/* GUC nest level */
	bool		keep_settings;	/* AtEOXact_GUC's isCommit */
} CovetPgRights;

/* One core entry point behind a common signature. */
typedef CovetStatus (*CovetPgCoreFn) (CovetDriver *d, void *arg,
									  char **report, CovetError *err);

/* A migration's text, split into statements a window at a time (pg_script.c). */
typedef struct CovetPgScript CovetPgScript;

extern CovetPgScript *covet_pg_script_begin(const char *sql, MemoryContext parent);
extern const char *covet_pg_script_next(CovetPgScript *script);
extern void covet_pg_script_end(CovetPgScript *script);

/* The dialect of a call (pg_dialect.c), allocated in cxt. */
extern const CovetDialect *covet_pg_dialect(MemoryContext cxt);
extern void covet_pg_check_version(void);

extern void covet_pg_call_begin(CovetPgCall *call, int lock_timeout_ms);
extern void covet_pg_call_begin_batch(CovetPgCall *call, int lock_timeout_ms,
									  bool nonatomic);
extern void covet_pg_call_run(CovetPgCall *call, CovetPgCoreFn fn, void *arg);
extern void covet_pg_call_end(CovetPgCall *call);
extern Datum covet_pg_run_report(CovetPgCoreFn fn, void *arg, const CovetDialect *dialect);
extern void covet_pg_call_cleanup(CovetPgCall *call);
extern void covet_pg_call_begin_worker(CovetPgCall *call, int lock_timeout_ms);
extern void covet_pg_raise(const CovetError *err) pg_attribute_noreturn();
extern Oid	covet_pg_extension_owner(void);
extern void covet_pg_as_catalog(CovetPgRights *r);
extern void covet_pg_rights_restore(CovetPgRights *r);
extern CovetStatus covet_pg_run_owner_check(int64 run_id, const char *owner,
											const char *action, Oid *oid,
											CovetError *err);
extern CovetStatus covet_pg_check_file_privilege(bool write, const char *what,
												 const char *hint,
												 CovetError *err);

/* Settings (covet_pg.c). */
extern int	covet_lock_timeout;
extern int	covet_progress_interval;
extern int	covet_batch_sleep;
extern int	covet_max_replication_lag;
extern int	covet_background_start_timeout;

/* toplevel.c: the driver's exec_toplevel (a worker runs the statements) */
extern CovetStatus covet_pg_exec_toplevel(void *ctx, const CovetToplevelJob *job,
										  CovetToplevelResult *out, CovetError *err);

/* pg_commit.c */
extern void covet_pg_runner_unlock(CovetPgCall *call);

/* pg_lockwait.c: lock timeouts of migration statements, retried. */
extern int	covet_ddl_lock_timeout;
extern int	covet_ddl_lock_retries;
extern void covet_pg_lockwait_init(CovetDriver *d);

/* pg_health.c: health signals between batches (issue 16) */
extern int	covet_max_wal_rate;
extern int	covet_lock_wait_pause;
extern char *covet_throttle_when;
extern void covet_pg_health_gucs(void);
extern void covet_pg_health_before_commit(const CovetPgCall *call);
extern CovetStatus covet_pg_health_check(void *ctx, char *reason, size_t len, CovetError *err);
extern void covet_pg_lock_guard_reset(void);
extern void covet_pg_lock_watch(int timeout_ms);
extern void covet_pg_lock_seen_pids(char *out, size_t len);
extern void covet_pg_lock_worker_blockers(const char *pids);

/* background.c */
extern bool covet_pg_run_lock_try(int64 run_id, bool session);
extern void covet_pg_run_lock(int64 run_id, bool session);
extern void covet_pg_run_unlock(int64 run_id);
extern void covet_pg_background_launch(int64 run_id);
extern bool covet_pg_background_launch_one(int64 run_id, bool must);

/* parallel.c: parallel background runs */
extern bool covet_pg_parallel_launch(int64 run_id);
extern void covet_pg_parallel_resume_prepare(int64 run_id);
extern bool covet_pg_parallel_parts_held(int64 run_id);
extern void covet_pg_parallel_driver(CovetDriver *d);
extern void covet_pg_parallel_unlock_all(void);
extern void covet_pg_parallel_worker_begin(int64 run_id);
extern CovetStatus covet_pg_parallel_between_batches(void *ctx, CovetError *err);
extern int64 covet_pg_parallel_worker_next(int64 run_id, int lock_timeout_ms);

#endif							/* COVET_PG_H */
