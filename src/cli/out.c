/*-------------------------------------------------------------------------
 *
 * out.c
 *	  The `covet` command's output: JSON values and psql-style tables.
 *
 * Every value comes from the database as text (CliResult).  In JSON a
 * column that holds a count, a duration or an id is written as a number
 * and drift as a boolean, decided by the column's name, so that both
 * engines give the same document (PostgreSQL's "t" and SQLite's 1 are
 * both true).  Tables are aligned as psql aligns them: headers centred,
 * numbers to the right, "(N rows)" below.
 *
 * src/cli/out.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const number_cols[] = {
	"id", "duration_ms", "rows", "statement", "statements", "rows_done",
	"rows_total", "batches", "batch_size", "rows_per_sec", "eta_seconds",
	"percent", "run", "pid", "ordinal", NULL
};

static const char *const bool_cols[] = {"drift", NULL};

static bool
in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

void
cli_json_str(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
	{
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *) s; *p; p++)
	{
		switch (*p)
		{
			case '"':
				fputs("\\\"", out);
				break;
			case '\\':
				fputs("\\\\", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				if (*p < 0x20)
					fprintf(out, "\\u%04x", *p);
				else
					fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* Whether s is a JSON number as it stands. */
static bool
is_number(const char *s)
{
	char	   *end;

	if (s == NULL || s[0] == '\0' || s[0] == '+' || s[0] == '.')
		return false;
	if (strcmp(s, "NaN") == 0 || strstr(s, "nf") != NULL)
		return false;
	(void) strtod(s, &end);
	return *end == '\0';
}

void
cli_json_value(FILE *out, const CliResult *res, int row, int col)
{
	const char *v = cli_result_get(res, row, col);
	const char *name = res->colnames[col];

	if (v != NULL && in_list(name, number_cols) && is_number(v))
		fputs(v, out);
	else if (v != NULL && in_list(name, bool_cols))
		fputs((strcmp(v, "t") == 0 || strcmp(v, "1") == 0 || strcmp(v, "true") == 0) ?
			  "true" : "false", out);
	else
		cli_json_str(out, v);
}

void
cli_json_rows(FILE *out, const CliResult *res)
{
	int			i,
				j;

	fputc('[', out);
	for (i = 0; i < res->nrows; i++)
	{
		fputs(i ? ", {" : "{", out);
		for (j = 0; j < res->ncols; j++)
		{
			if (j)
				fputs(", ", out);
			cli_json_str(out, res->colnames[j]);
			fputs(": ", out);
			cli_json_value(out, res, i, j);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

void
cli_json_lines(FILE *out, const char *text)
{
	const char *p = text;
	bool		first = true;

	fputc('[', out);
	while (p != NULL && *p != '\0')
	{
		const char *nl = strchr(p, '\n');
		size_t		len = nl ? (size_t) (nl - p) : strlen(p);
		char	   *line = strndup(p, len);

		if (!first)
			fputs(", ", out);
		cli_json_str(out, line);
		free(line);
		first = false;
		p = nl ? nl + 1 : NULL;
	}
	fputc(']', out);
}

/* Display width of a UTF-8 string (one column per code point). */
static int
width(const char *s)
{
	int			w = 0;

	for (; s && *s; s++)
		if (((unsigned char) *s & 0xC0) != 0x80)
			w++;
	return w;
}

static void
pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

void
cli_print_table(FILE *out, const CliResult *res)
{
	int		   *w = calloc(res->ncols ? res->ncols : 1, sizeof(int));
	bool	   *right = calloc(res->ncols ? res->ncols : 1, sizeof(bool));
	int			i,
				j;

	for (j = 0; j < res->ncols; j++)
	{
		w[j] = width(res->colnames[j]);
		right[j] = in_list(res->colnames[j], number_cols);
		for (i = 0; i < res->nrows; i++)
		{
			const char *v = cli_result_get(res, i, j);
			int			vw = width(v);

			if (vw > w[j])
				w[j] = vw;
		}
	}
	for (j = 0; j < res->ncols; j++)
	{
		int			space = w[j] - width(res->colnames[j]);

		fputs(j ? " | " : " ", out);
		pad(out, space / 2);
		fputs(res->colnames[j], out);
		if (j < res->ncols - 1)
			pad(out, space - space / 2);
	}
	fputc('\n', out);
	for (j = 0; j < res->ncols; j++)
	{
		fputs(j ? "-+-" : "-", out);
		for (i = 0; i < w[j]; i++)
			fputc('-', out);
	}
	fputs("-\n", out);
	for (i = 0; i < res->nrows; i++)
	{
		for (j = 0; j < res->ncols; j++)
		{
			const char *v = cli_result_get(res, i, j);
			int			space = w[j] - width(v);

			fputs(j ? " | " : " ", out);
			if (right[j])
				pad(out, space);
			/* a value's own newlines would break the table */
			for (; v && *v; v++)
				fputc(*v == '\n' ? ' ' : *v, out);
			if (!right[j] && j < res->ncols - 1)
				pad(out, space);
		}
		fputc('\n', out);
	}
	fprintf(out, "(%d row%s)\n", res->nrows, res->nrows == 1 ? "" : "s");
	free(w);
	free(right);
}

void
cli_print_rows(bool json, const char *command, const char *key,
			   const CliResult *res)
{
	if (!json)
	{
		cli_print_table(stdout, res);
		return;
	}
	printf("{\"ok\": true, \"command\": \"%s\", \"%s\": ", command, key);
	cli_json_rows(stdout, res);
	printf("}\n");
}
