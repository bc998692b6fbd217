/*-------------------------------------------------------------------------
 *
 * fuzz_fixture_json.c
 *		Fuzz target: a JSON fixture loaded by covet_fixture_load through
 *		the fake driver of fuzz.h, in the PostgreSQL dialect (COPY lines,
 *		on_conflict error) and the SQLite one (JSON batches, update).
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CovetError	err;
	CovetStatus rc;

	covet_error_clear(&err);
	rc = fuzz_load(&covet_dialect_postgres, data, size, COVET_FORMAT_JSON,
				   COVET_CONFLICT_ERROR, &err);
	fuzz_check_error(rc, &err);
	covet_error_clear(&err);
	rc = fuzz_load(&covet_dialect_sqlite, data, size, COVET_FORMAT_JSON,
				   COVET_CONFLICT_UPDATE, &err);
	fuzz_check_error(rc, &err);
	return 0;
}
