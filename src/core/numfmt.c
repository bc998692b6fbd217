/*-------------------------------------------------------------------------
 *
 * numfmt.c
 *		Numbers as text that reads back exactly.
 *
 * A double is written with the fewest significant digits (up to 17) that
 * strtod turns back into the same double, so keys, checkpoints and dumped
 * values never lose a bit.  SQLite's own text for a REAL has 15 digits,
 * which loses some: 0.1 + 0.2 would come back as 0.3.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
covet_double_text(double v, char *out, size_t outlen)
{
	int			prec;

	if (isnan(v))
	{
		snprintf(out, outlen, "NaN");
		return;
	}
	if (isinf(v))
	{
		snprintf(out, outlen, v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (prec = 1; prec <= 17; prec++)
	{
		snprintf(out, outlen, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* "1" reads back as an integer: keep it a real number in text */
	if (strpbrk(out, ".eEn") == NULL && strlen(out) + 3 <= outlen)
		strcat(out, ".0");
}
