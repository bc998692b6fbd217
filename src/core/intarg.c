/*-------------------------------------------------------------------------
 *
 * intarg.c
 *		Integer arguments read as PostgreSQL's integer and bigint input
 *		functions read them, with their messages.
 *
 * PostgreSQL checks a function's integer argument before covet sees it:
 * '99999999999999999999' for an integer gives "value ... is out of range
 * for type integer", 'ten' gives "invalid input syntax for type integer".
 * SQLite passes any value; its binding hands the value's text to
 * covet_int_parse, which accepts exactly what int4in/int8in (PostgreSQL 15)
 * accept (blanks around, a sign, decimal digits) and fails with the same
 * message and SQLSTATE otherwise, so that both engines judge the same call
 * the same way.  Nothing is clamped.
 *
 * Settings (covet_set) are PostgreSQL integer GUCs in milliseconds; on
 * SQLite covet_setting_ms_parse reads their values as PostgreSQL 15's
 * parse_int does for GUC_UNIT_MS (strtol with base 0, strtod for "1.5" or
 * "1e3", a unit "us", "ms", "s", "min", "h" or "d", rounding half to even)
 * and range-checks them as set_config_option does, with its messages.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool
is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

CovetStatus
covet_int_parse(const char *text, bool bigint, int64_t *out, CovetError *err)
{
	const char *type = bigint ? "bigint" : "integer";
	uint64_t	limit = bigint ? (uint64_t) 1 << 63 : (uint64_t) 1 << 31;
	uint64_t	mag = 0;
	bool		neg = false;
	const char *p = text;

	while (is_blank(*p))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto syntax;
	/* as PostgreSQL: too many digits is out of range, whatever follows */
	while (*p >= '0' && *p <= '9')
	{
		uint64_t	digit = (uint64_t) (*p++ - '0');

		if (mag > (limit - digit) / 10)
			goto range;
		mag = mag * 10 + digit;
	}
	while (is_blank(*p))
		p++;
	if (*p != '\0')
		goto syntax;
	if (!neg && mag == limit)
		goto range;
	*out = neg ? (int64_t) (0 - mag) : (int64_t) mag;
	return COVET_OK;

range:
	covet_error_set(err, COVET_ERR_INVALID, "value \"%s\" is out of range for type %s",
					text, type);
	memcpy(err->sqlstate, "22003", 6);
	return COVET_ERR_INVALID;

syntax:
	covet_error_set(err, COVET_ERR_INVALID, "invalid input syntax for type %s: \"%s\"",
					type, text);
	memcpy(err->sqlstate, "22P02", 6);
	return COVET_ERR_INVALID;
}

/* rint() in the default rounding mode (half to even), without libm */
static double
round_even(double x)
{
	double		r;
	double		diff;

	if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
		return x;				/* whole already (2^52 and beyond), or NaN */
	r = (double) (long long) x;
	diff = x - r;
	if (diff > 0.5 || (diff == 0.5 && ((long long) r) % 2 != 0))
		r += 1.0;
	else if (diff < -0.5 || (diff == -0.5 && ((long long) r) % 2 != 0))
		r -= 1.0;
	return r;
}

/* PostgreSQL's time units for a GUC_UNIT_MS setting, largest first. */
static const struct
{
	const char *unit;
	double		ms;
}			ms_units[] = {
	{"d", 1000.0 * 60 * 60 * 24},
	{"h", 1000.0 * 60 * 60},
	{"min", 1000.0 * 60},
	{"s", 1000.0},
	{"ms", 1.0},
	{"us", 1.0 / 1000},
};

#define NUNITS (sizeof(ms_units) / sizeof(ms_units[0]))

/* value in unit (unit and blanks after it) to ms; false on a bad unit */
static bool
to_ms(double value, const char *unit, double *ms)
{
	char		u[4];
	size_t		n = 0;
	size_t		i;

	while (*unit != '\0' && !is_blank(*unit) && n < 3)
		u[n++] = *unit++;
	u[n] = '\0';
	while (is_blank(*unit))
		unit++;
	if (*unit != '\0')
		return false;
	for (i = 0; i < NUNITS; i++)
	{
		if (strcmp(u, ms_units[i].unit) == 0)
		{
			double		v = value * ms_units[i].ms;

			/* "1.5min": to a whole number of the next smaller unit */
			if (i + 1 < NUNITS)
				v = round_even(v / ms_units[i + 1].ms) * ms_units[i + 1].ms;
			*ms = v;
			return true;
		}
	}
	return false;
}

CovetStatus
covet_setting_ms_parse(const char *name, const char *value, int min, int max,
					   int *out, CovetError *err)
{
	const char *hint = NULL;
	char	   *end;
	double		v;

	errno = 0;
	v = (double) strtol(value, &end, 0);
	if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE)
	{
		errno = 0;
		v = strtod(value, &end);
	}
	if (end == value || errno == ERANGE || v != v)
		goto invalid;
	while (is_blank(*end))
		end++;
	if (*end != '\0' && !to_ms(v, end, &v))
	{
		hint = "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";
		goto invalid;
	}
	v = round_even(v);
	if (v > INT_MAX || v < INT_MIN)
	{
		hint = "Value exceeds integer range.";
		goto invalid;
	}
	if ((int) v < min || (int) v > max)
		return covet_error_set(err, COVET_ERR_INVALID,
							   "%d ms is outside the valid range for parameter \"covet.%s\" (%d .. %d)",
							   (int) v, name, min, max);
	*out = (int) v;
	return COVET_OK;

invalid:
	covet_error_set(err, COVET_ERR_INVALID, "invalid value for parameter \"covet.%s\": \"%s\"",
					name, value);
	if (hint != NULL)
		covet_error_hint(err, "%s", hint);
	return COVET_ERR_INVALID;
}
