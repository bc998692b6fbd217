/*-------------------------------------------------------------------------
 *
 * pg_dialect.c
 *		The PostgreSQL dialect of a call: covet_dialect_postgres with the
 *		extension's schema as the func_prefix of covet's own functions.
 *
 * The SQL the core generates calls covet_try_cast, covet_split_part,
 * covet_fake and covet_fixture_rows by that prefix ("public".covet_fake),
 * with arguments of exactly their declared types, and every built-in as
 * pg_catalog's (OPERATOR(pg_catalog.=), pg_catalog.lower): whatever the
 * caller's search_path holds, nothing stands in for them.  Only user
 * fragments resolve names through the search_path.
 *
 * The schema is read from pg_extension for every call (the extension may
 * have been dropped and created again in another schema since the last
 * one); a call runs inside a transaction, as this needs.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "covet_pg.h"

#include <stdlib.h>

/* The schema covet is installed in, or InvalidOid (as PG 16's get_extension_schema). */
static Oid
extension_schema(void)
{
	Oid			ext = get_extension_oid("covet", true);
	Oid			result = InvalidOid;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;

	if (!OidIsValid(ext))
		return InvalidOid;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
		result = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/* Is a (like "0.10.1") a later release than b (dot-separated numbers)? */
static bool
newer_version(const char *a, const char *b)
{
	while (*a || *b)
	{
		long		x = strtol(a, (char **) &a, 10);
		long		y = strtol(b, (char **) &b, 10);

		if (x != y)
			return x > y;
		if (*a == '.')
			a++;
		else if (*a)
			return false;
		if (*b == '.')
			b++;
		else if (*b)
			return false;
	}
	return false;
}

/*
 * The library and the installed extension must be the same version: a
 * library of 0.2.0 over 0.1.0's tables would read columns that are not
 * there.  Checked on the first call of each backend, and again whenever
 * the extension's OID changes (dropped and created again); the catalog
 * is read directly, which needs no privilege.  During CREATE and ALTER
 * EXTENSION, extversion already names the version being installed.
 */
void
covet_pg_check_version(void)
{
	static Oid	verified = InvalidOid;
	Oid			ext = get_extension_oid("covet", true);
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	char	   *version = NULL;

	if (!OidIsValid(ext) || ext == verified)
		return;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, Anum_pg_extension_extversion,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
			version = text_to_cstring(DatumGetTextPP(d));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (version != NULL && strcmp(version, COVET_VERSION) == 0)
	{
		verified = ext;
		return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("covet's tables are at version %s and this library is %s",
					version ? version : "(unknown)", COVET_VERSION),
			 errhint("%s", version != NULL && newer_version(version, COVET_VERSION) ?
					 "A newer covet is installed in this database; install that release's library." :
					 "Run ALTER EXTENSION covet UPDATE.")));
}

const CovetDialect *
covet_pg_dialect(MemoryContext cxt)
{
	CovetDialect *dl = MemoryContextAlloc(cxt, sizeof(CovetDialect));
	Oid			schema = extension_schema();
	char	   *name = OidIsValid(schema) ? get_namespace_name(schema) : NULL;

	*dl = covet_dialect_postgres;
	if (name != NULL)
		dl->func_prefix = MemoryContextStrdup(cxt, psprintf("%s.", quote_identifier(name)));
	return dl;
}
