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
