/*-------------------------------------------------------------------------
 *
 * names.c
 *		What a migration name may look like.
 *
 * Names are file-name shaped: letters, digits, '_', '-' and '.', at most
 * COVET_NAME_MAX characters.  They are always passed to SQL as parameters;
 * the restriction is for people (file names, logs, messages), and it turns
 * a pasted SQL fragment into a clear error instead of a strange migration.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

CovetStatus
covet_name_check(const char *what, const char *name, CovetError *err)
{
	size_t		len;
	const char *p;

	if (name == NULL)
		return covet_error_set(err, COVET_ERR_NULL, "%s must not be null", what);
	len = strlen(name);
	if (len == 0)
		return covet_error_set(err, COVET_ERR_INVALID, "%s must not be empty", what);
	for (p = name; *p; p++)
	{
		char		c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
		{
			covet_error_set(err, COVET_ERR_INVALID, "invalid %s \"%.200s\"", what, name);
			covet_error_detail(err, "Character %d is not allowed in a migration name.",
							   (int) (p - name) + 1);
			covet_error_hint(err, "Migration names may contain letters, digits, \"_\", \"-\" and \".\".");
			return COVET_ERR_INVALID;
		}
	}
	if (len > COVET_NAME_MAX)
	{
		covet_error_set(err, COVET_ERR_INVALID, "%s is too long", what);
		covet_error_detail(err, "The name has %zu characters; the limit is %d.",
						   len, COVET_NAME_MAX);
		return COVET_ERR_INVALID;
	}
	return COVET_OK;
}
