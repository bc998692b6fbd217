/*-------------------------------------------------------------------------
 *
 * cmd_data.c
 *	  The `covet` command's data commands: loaddata, dumpdata, seed.
 *
 *	  covet loaddata FILE... [--format json|yaml|csv]
 *			[--on-conflict error|ignore|update] [--table T]
 *	  covet dumpdata [TABLE...] [--format json|yaml|csv] [-o FILE]
 *	  covet seed TABLE N [--spec JSON] [--seed S]
 *
 * Files are on the client; nothing needs to be on the database server.
 *
 * loaddata streams.  A file is read 64 kB at a time and parsed on the
 * client by the same libraries the extension uses (yajl, libyaml, libcsv);
 * its records are re-serialized into pieces of at most LOAD_PIECE_RECORDS
 * records (COVET_LOADDATA_PIECE in the environment, for tests) or
 * LOAD_PIECE_BYTES bytes, and each piece is one
 * covet_loaddata() call.  Every piece of every file runs in one
 * transaction, so the load stays all or nothing, and the client holds one
 * piece at a time, never the file: a fixture larger than the client's
 * memory loads.  A record may reference one in a later piece: the
 * transaction defers what can be deferred (covet.fixture_fk_check = 'commit'
 * or defer_foreign_keys: each piece leaves them to COMMIT; PostgreSQL: SET CONSTRAINTS ALL
 * DEFERRED, which covers DEFERRABLE foreign keys; SQLite:
 * foreign_keys = ON with defer_foreign_keys = ON, so every foreign key is
 * checked at COMMIT).  Within a piece covet_loaddata orders tables parents
 * first as always.  An error names the file and the piece's first record;
 * the record and line numbers in the server's message count within the
 * piece.  Progress (stderr) counts records sent; the total is estimated
 * from the file's size and the bytes read so far.
 *
 * dumpdata writes as it reads, one table at a time: covet_dumpdata() of
 * each table (in foreign-key order, parents first, then by name, as
 * covet_dumpdata orders them), joined into one fixture, so the client
 * holds one table's text at a time.  The result is the text
 * covet_dumpdata() of all those tables returns.  -o FILE writes a
 * temporary file next to FILE and renames it at the end.
 *
 * seed is covet_seed() with the command's exit codes and --json.
 *
 * src/cli/cmd_data.c
 *
 *-------------------------------------------------------------------------
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yaml.h>

#define LOAD_READ_BYTES		65536
#define LOAD_PIECE_RECORDS	5000
#define LOAD_PIECE_BYTES	(4 * 1024 * 1024)

/* ---- a growable buffer ------------------------------------------------------ */

typedef struct Buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;
} Buf;

static void
buf_add(Buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap)
	{
		size_t		cap = b->cap ? b->cap : 4096;
		char	   *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (d == NULL)
		{
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_str(Buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_reset(Buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void
buf_free(Buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* ---- shared ------------------------------------------------------------------- */

static const char *
format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	if (strcasecmp(dot, ".json") == 0)
		return "json";
	if (strcasecmp(dot, ".yaml") == 0 || strcasecmp(dot, ".yml") == 0)
		return "yaml";
	if (strcasecmp(dot, ".csv") == 0)
		return "csv";
	return NULL;
}

static bool
valid_format(const char *f)
{
	return strcmp(f, "json") == 0 || strcmp(f, "yaml") == 0 || strcmp(f, "csv") == 0;
}

/* The progress display of a data command: on stderr, unless quiet. */
static CliProgress *
data_progress(const CliOpts *o, const char *label)
{
	CliOutMode	mode;

	if (o->quiet)
		return NULL;
	if (o->json)
		mode = CLI_OUT_JSON;
	else if (o->tty && isatty(STDERR_FILENO))
		mode = CLI_OUT_TTY;
	else
		mode = CLI_OUT_LINES;
	return cli_progress_new(stderr, mode, label);
}

/* ---- loaddata: the loader ------------------------------------------------------ */

typedef struct Loader
{
	CliDb	   *db;
	const char *format;
	const char *on_conflict;
	const char *table;			/* CSV's table */
	const char *file;
	Buf			piece;			/* the records of the piece being built */
	long long	piece_records;
	long long	piece_max;		/* records per piece */
	long long	piece_first;	/* 1-based number of its first record */
	long long	records;		/* records of this file so far */
	long long	loaded;			/* as covet_loaddata counted them, all files */
	long long	file_size;		/* -1 when not a regular file */
	long long	consumed;		/* bytes of the file read */
	CliProgress *prog;
	CliErr	   *err;
	bool		failed;
	/* JSON */
	yajl_gen	gen;
	int			depth;
	long long	first_line;		/* of the first token */
	/* YAML */
	yaml_emitter_t emitter;
	bool		emitter_open;
	/* CSV */
	Buf			header;
	Buf			row;
	int			row_fields;
	bool		have_header;
} Loader;

static void
load_fail(Loader *L, const char *detail, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

static void
load_fail(Loader *L, const char *detail, const char *fmt,...)
{
	va_list		ap;
	char		msg[1024];

	if (L->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_err_set(L->err, "", detail, NULL, "%s", msg);
	L->failed = true;
}

static void
load_draw(Loader *L)
{
	CliRunSnap	s;

	if (L->prog == NULL)
		return;
	memset(&s, 0, sizeof(s));
	snprintf(s.op, sizeof(s.op), "loaddata");
	snprintf(s.target, sizeof(s.target), "%s", L->file);
	snprintf(s.state, sizeof(s.state), "running");
	s.done = L->records;
	s.total = -1;
	if (L->file_size > 0 && L->consumed > 0 && L->records > 0)
	{
		s.total = (long long) ((double) L->records * (double) L->file_size /
							   (double) L->consumed);
		if (s.total < L->records)
			s.total = L->records;
	}
	s.rate = -1;
	s.eta = -1;
	s.parts = 1;
	cli_progress_draw(L->prog, &s);
}

/* Send the piece built so far as one covet_loaddata() call. */
static void
send_piece(Loader *L, const char *text)
{
	const char *params[4];
	CliResult	res = {0};
	const char *n;

	params[0] = text;
	params[1] = L->format;
	params[2] = L->on_conflict;
	params[3] = L->table;
	if (cli_db_exec(L->db, "SELECT covet_loaddata($1, $2, $3, $4)", 4, params,
					&res, L->err) != 0)
	{
		char		ctx[1200];
		size_t		len;

		/* where in the file: the server's numbers count within the piece */
		len = snprintf(ctx, sizeof(ctx),
					   "In %s, the piece of records %lld to %lld (the record and line numbers count from its first record).",
					   L->file, L->piece_first, L->piece_first + L->piece_records - 1);
		if (L->err->detail != NULL && len < sizeof(ctx) - 2)
			snprintf(ctx + len, sizeof(ctx) - len, " %s", L->err->detail);
		free(L->err->detail);
		L->err->detail = strdup(ctx);
		L->failed = true;
		return;
	}
	n = cli_result_get(&res, 0, 0);
	L->loaded += n ? atoll(n) : 0;
	cli_result_free(&res);
	load_draw(L);
}

/* ---- loaddata: JSON ---------------------------------------------------------- */

/*
 * yajl's events go to a generator one record at a time; a record complete
 * (back at depth 1, inside the top-level array) is appended to the piece.
 */
static void
json_piece_flush(Loader *L)
{
	if (L->piece_records == 0 || L->failed)
		return;
	buf_str(&L->piece, "\n]\n");
	if (L->piece.failed)
	{
		load_fail(L, NULL, "out of memory");
		return;
	}
	send_piece(L, L->piece.data);
	buf_reset(&L->piece);
	L->piece_records = 0;
}

static void
json_record_end(Loader *L)
{
	const unsigned char *text;
	size_t		len;

	yajl_gen_get_buf(L->gen, &text, &len);
	if (L->piece_records == 0)
	{
		buf_str(&L->piece, "[\n");
		L->piece_first = L->records + 1;
	}
	else
		buf_str(&L->piece, ",\n");
	buf_add(&L->piece, (const char *) text, len);
	yajl_gen_clear(L->gen);
	yajl_gen_reset(L->gen, NULL);
	L->piece_records++;
	L->records++;
	if (L->piece_records >= L->piece_max || L->piece.len >= LOAD_PIECE_BYTES)
		json_piece_flush(L);
}

/* A value begins: only inside the top-level array; at depth 1, a record. */
static int
json_value_start(Loader *L)
{
	if (L->depth == 0)
	{
		load_fail(L, "Nothing was loaded.",
				  "invalid JSON fixture at line %lld: a JSON fixture is an array of records",
				  L->first_line);
		return 0;
	}
	return 1;
}

static int
json_scalar_end(Loader *L)
{
	if (L->depth == 1)
		json_record_end(L);
	return !L->failed;
}

static int
j_null(void *ctx)
{
	Loader	   *L = ctx;

	if (!json_value_start(L))
		return 0;
	yajl_gen_null(L->gen);
	return json_scalar_end(L);
}

static int
j_bool(void *ctx, int v)
{
	Loader	   *L = ctx;

	if (!json_value_start(L))
		return 0;
	yajl_gen_bool(L->gen, v);
	return json_scalar_end(L);
}

static int
j_number(void *ctx, const char *s, size_t n)
{
	Loader	   *L = ctx;

	if (!json_value_start(L))
		return 0;
	yajl_gen_number(L->gen, s, n);
	return json_scalar_end(L);
}

static int
j_string(void *ctx, const unsigned char *s, size_t n)
{
	Loader	   *L = ctx;

	if (!json_value_start(L))
		return 0;
	yajl_gen_string(L->gen, s, n);
	return json_scalar_end(L);
}

static int
j_start_map(void *ctx)
{
	Loader	   *L = ctx;

	if (!json_value_start(L))
		return 0;
	yajl_gen_map_open(L->gen);
	L->depth++;
	return 1;
}

static int
j_key(void *ctx, const unsigned char *s, size_t n)
{
	Loader	   *L = ctx;

	yajl_gen_string(L->gen, s, n);
	return 1;
}

static int
j_end_map(void *ctx)
{
	Loader	   *L = ctx;

	yajl_gen_map_close(L->gen);
	L->depth--;
	return json_scalar_end(L);
}

static int
j_start_array(void *ctx)
{
	Loader	   *L = ctx;

	if (L->depth == 0)
	{
		L->depth = 1;			/* the fixture's array */
		return 1;
	}
	yajl_gen_array_open(L->gen);
	L->depth++;
	return 1;
}

static int
j_end_array(void *ctx)
{
	Loader	   *L = ctx;

	if (L->depth == 1)
	{
		L->depth = 0;
		return 1;
	}
	yajl_gen_array_close(L->gen);
	L->depth--;
	return json_scalar_end(L);
}

static const yajl_callbacks json_callbacks = {
	j_null, j_bool, NULL, NULL, j_number, j_string,
	j_start_map, j_key, j_end_map, j_start_array, j_end_array
};

/* Lines before: those before the chunk plus its newlines up to upto. */
static long long
line_at(const unsigned char *chunk, size_t upto, long long before)
{
	size_t		i;
	long long	line = before;

	for (i = 0; i < upto; i++)
		if (chunk[i] == '\n')
			line++;
	return line;
}

static void
json_parse_error(Loader *L, yajl_handle h, const unsigned char *chunk,
				 size_t len, long long lines_before)
{
	unsigned char *msg;
	size_t		at = chunk ? yajl_get_bytes_consumed(h) : 0;
	long long	line = line_at(chunk, at < len ? at : len, lines_before) + 1;
	char	   *nl;

	if (L->failed)
		return;
	msg = yajl_get_error(h, 0, chunk, len);
	nl = strchr((char *) msg, '\n');
	if (nl)
		*nl = '\0';
	load_fail(L, "Nothing was loaded.", "invalid JSON fixture at line %lld: %s",
			  line, (char *) msg);
	yajl_free_error(h, msg);
}

static void
load_json(Loader *L, FILE *in)
{
	yajl_handle h = yajl_alloc(&json_callbacks, NULL, L);
	unsigned char *chunk = malloc(LOAD_READ_BYTES);
	long long	lines = 0;
	size_t		n;

	L->gen = yajl_gen_alloc(NULL);
	if (h == NULL || chunk == NULL || L->gen == NULL)
	{
		load_fail(L, NULL, "out of memory");
		goto done;
	}
	L->first_line = 0;
	while (!L->failed && (n = fread(chunk, 1, LOAD_READ_BYTES, in)) > 0)
	{
		size_t		i;

		/* the line of the first token, for the message about the top level */
		for (i = 0; L->first_line <= 0 && i < n; i++)
		{
			if (chunk[i] == '\n')
				L->first_line--;
			else if (chunk[i] != ' ' && chunk[i] != '\t' && chunk[i] != '\r')
				L->first_line = 1 - L->first_line;
		}
		L->consumed += n;
		if (yajl_parse(h, chunk, n) != yajl_status_ok)
		{
			json_parse_error(L, h, chunk, n, lines);
			goto done;
		}
		lines = line_at(chunk, n, lines);
	}
	if (!L->failed && ferror(in))
		load_fail(L, NULL, "could not read \"%s\": %s", L->file, strerror(errno));
	if (!L->failed && yajl_complete_parse(h) != yajl_status_ok)
		json_parse_error(L, h, NULL, 0, lines);
	json_piece_flush(L);
done:
	if (h)
		yajl_free(h);
	if (L->gen)
		yajl_gen_free(L->gen);
	L->gen = NULL;
	free(chunk);
}

/* ---- loaddata: YAML ---------------------------------------------------------- */

static int
yaml_to_buf(void *data, unsigned char *buffer, size_t size)
{
	Loader	   *L = data;

	buf_add(&L->piece, (const char *) buffer, size);
	return L->piece.failed ? 0 : 1;
}

static bool
y_emit(Loader *L, yaml_event_t *ev)
{
	if (!yaml_emitter_emit(&L->emitter, ev))
	{
		load_fail(L, NULL, "could not write a piece of the YAML fixture: %s",
				  L->emitter.problem ? L->emitter.problem : "out of memory");
		return false;
	}
	return true;
}

/* Open a piece: a stream of one document, a block sequence. */
static bool
yaml_piece_open(Loader *L)
{
	yaml_event_t ev;

	if (!yaml_emitter_initialize(&L->emitter))
	{
		load_fail(L, NULL, "out of memory");
		return false;
	}
	L->emitter_open = true;
	yaml_emitter_set_output(&L->emitter, yaml_to_buf, L);
	yaml_emitter_set_unicode(&L->emitter, 1);
	yaml_emitter_set_width(&L->emitter, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (!y_emit(L, &ev))
		return false;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (!y_emit(L, &ev))
		return false;
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	if (!y_emit(L, &ev))
		return false;
	L->piece_first = L->records + 1;
	return true;
}

static void
yaml_piece_flush(Loader *L)
{
	yaml_event_t ev;

	if (!L->emitter_open)
		return;
	if (!L->failed)
	{
		yaml_sequence_end_event_initialize(&ev);
		if (y_emit(L, &ev))
		{
			yaml_document_end_event_initialize(&ev, 1);
			if (y_emit(L, &ev))
			{
				yaml_stream_end_event_initialize(&ev);
				if (y_emit(L, &ev) && !yaml_emitter_flush(&L->emitter))
					load_fail(L, NULL, "could not write a piece of the YAML fixture");
			}
		}
	}
	yaml_emitter_delete(&L->emitter);
	L->emitter_open = false;
	if (!L->failed && L->piece_records > 0)
	{
		if (L->piece.failed)
			load_fail(L, NULL, "out of memory");
		else
			send_piece(L, L->piece.data);
	}
	buf_reset(&L->piece);
	L->piece_records = 0;
}

/*
 * The events of the file: stream, one document, a sequence (depth 1) of
 * records; each record's events go to the piece's emitter as they come
 * (the emitter takes them), so a record is never held whole either.
 */
static void
load_yaml(Loader *L, FILE *in)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int			depth = 0;
	int			docs = 0;
	bool		done = false;

	if (!yaml_parser_initialize(&parser))
	{
		load_fail(L, NULL, "out of memory");
		return;
	}
	yaml_parser_set_input_file(&parser, in);
	while (!done && !L->failed)
	{
		if (!yaml_parser_parse(&parser, &ev))
		{
			load_fail(L, "Nothing was loaded.", "invalid YAML fixture at line %lld: %s",
					  (long long) parser.problem_mark.line + 1,
					  parser.problem ? parser.problem : "parse error");
			break;
		}
		L->consumed = (long long) parser.offset;
		switch (ev.type)
		{
			case YAML_STREAM_START_EVENT:
			case YAML_DOCUMENT_END_EVENT:
				yaml_event_delete(&ev);
				continue;
			case YAML_STREAM_END_EVENT:
				done = true;
				yaml_event_delete(&ev);
				continue;
			case YAML_DOCUMENT_START_EVENT:
				yaml_event_delete(&ev);
				if (++docs > 1)
					load_fail(L, "Nothing was loaded.",
							  "invalid YAML fixture at line %lld: a YAML fixture is one document",
							  (long long) ev.start_mark.line + 1);
				continue;
			default:
				break;
		}
		if (depth == 0)
		{
			bool		seq = ev.type == YAML_SEQUENCE_START_EVENT;
			bool		empty = ev.type == YAML_SCALAR_EVENT &&
				ev.data.scalar.length == 0 && ev.data.scalar.plain_implicit;

			if (seq)
				depth = 1;
			else if (!empty)
				load_fail(L, "Nothing was loaded.",
						  "invalid YAML fixture at line %lld: a YAML fixture is a sequence of records",
						  (long long) ev.start_mark.line + 1);
			yaml_event_delete(&ev);
			continue;
		}
		if (depth == 1 && ev.type == YAML_SEQUENCE_END_EVENT)
		{
			depth = 0;
			yaml_event_delete(&ev);
			continue;
		}
		/* inside a record, or a record starts */
		if (!L->emitter_open && !yaml_piece_open(L))
		{
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (!y_emit(L, &ev))
			break;
		if (depth == 1)			/* a record ended */
		{
			L->piece_records++;
			L->records++;
			if (L->piece_records >= L->piece_max || L->piece.len >= LOAD_PIECE_BYTES)
				yaml_piece_flush(L);
			else if (L->records % 1000 == 0)
				load_draw(L);
		}
	}
	if (!L->failed && ferror(in))
		load_fail(L, NULL, "could not read \"%s\": %s", L->file, strerror(errno));
	yaml_piece_flush(L);
	yaml_parser_delete(&parser);
}

/* ---- loaddata: CSV ------------------------------------------------------------ */

/* One field, RFC 4180: NULL (an unquoted empty field) stays empty. */
static void
csv_field(void *field, size_t len, void *data)
{
	Loader	   *L = data;
	Buf		   *b = L->have_header ? &L->row : &L->header;
	const char *s = field;
	size_t		i,
				from = 0;

	if (L->row_fields++ > 0)
		buf_add(b, ",", 1);
	if (s == NULL)
		return;
	buf_add(b, "\"", 1);
	for (i = 0; i < len; i++)
		if (s[i] == '"')
		{
			buf_add(b, s + from, i + 1 - from);
			buf_add(b, "\"", 1);
			from = i + 1;
		}
	buf_add(b, s + from, len - from);
	buf_add(b, "\"", 1);
}

static void
csv_piece_flush(Loader *L)
{
	if (L->piece_records == 0 || L->failed)
		return;
	if (L->piece.failed || L->header.failed)
	{
		load_fail(L, NULL, "out of memory");
		return;
	}
	send_piece(L, L->piece.data);
	buf_reset(&L->piece);
	L->piece_records = 0;
}

static void
csv_row(int c, void *data)
{
	Loader	   *L = data;

	(void) c;
	L->row_fields = 0;
	if (L->failed)
		return;
	if (!L->have_header)
	{
		buf_add(&L->header, "\n", 1);
		L->have_header = true;
		return;
	}
	if (L->piece_records == 0)
	{
		buf_add(&L->piece, L->header.data, L->header.len);
		L->piece_first = L->records + 1;
	}
	buf_add(&L->piece, L->row.data, L->row.len);
	buf_add(&L->piece, "\n", 1);
	buf_reset(&L->row);
	L->piece_records++;
	L->records++;
	if (L->piece_records >= L->piece_max || L->piece.len >= LOAD_PIECE_BYTES)
		csv_piece_flush(L);
}

/* White space is data, as the extension reads CSV. */
static int
csv_no_space(unsigned char c)
{
	(void) c;
	return 0;
}

/* libcsv stopped at line: the extension's wording. */
static void
csv_parse_error(Loader *L, struct csv_parser *p, long long line)
{
	if (csv_error(p) == CSV_ENOMEM || csv_error(p) == CSV_ETOOBIG)
		load_fail(L, NULL, "out of memory");
	else
		load_fail(L, "Nothing was loaded.", "invalid CSV fixture at line %lld: %s",
				  line, csv_strerror(csv_error(p)));
}

/* The file fed to libcsv a line at a time, so an error names its line. */
static void
load_csv(Loader *L, FILE *in)
{
	struct csv_parser p;
	char	   *chunk = malloc(LOAD_READ_BYTES);
	long long	line = 1;
	size_t		n;

	if (chunk == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
	{
		free(chunk);
		load_fail(L, NULL, "out of memory");
		return;
	}
	csv_set_space_func(&p, csv_no_space);
	while (!L->failed && (n = fread(chunk, 1, LOAD_READ_BYTES, in)) > 0)
	{
		size_t		off = 0;

		L->consumed += n;
		while (off < n && !L->failed)
		{
			const char *nl = memchr(chunk + off, '\n', n - off);
			size_t		len = nl ? (size_t) (nl - (chunk + off)) + 1 : n - off;

			if (csv_parse(&p, chunk + off, len, csv_field, csv_row, L) != len)
				csv_parse_error(L, &p, line);
			off += len;
			if (nl)
				line++;
		}
	}
	if (!L->failed && ferror(in))
		load_fail(L, NULL, "could not read \"%s\": %s", L->file, strerror(errno));
	if (!L->failed && csv_fini(&p, csv_field, csv_row, L) != 0)
		csv_parse_error(L, &p, line > 1 && L->consumed > 0 ? line - 1 : line);
	if (!L->failed && !L->have_header)
		load_fail(L, "Nothing was loaded.", "invalid CSV fixture at line 1: no header row");
	csv_piece_flush(L);
	csv_free(&p);
	free(chunk);
}

/* ---- loaddata: the command ------------------------------------------------------ */

/* Load one file ("-": stdin) into the open transaction. */
static void
load_file(Loader *L, const CliOpts *o, const char *path, const char *format,
		  const char *table)
{
	FILE	   *in;
	struct stat st;
	char		label[300];
	CliRunSnap	s;
	char	   *base = NULL;

	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (in == NULL)
	{
		load_fail(L, NULL, "could not open \"%s\": %s", path, strerror(errno));
		return;
	}
	L->file = strcmp(path, "-") == 0 ? "stdin" : path;
	L->format = format;
	L->table = NULL;
	if (strcmp(format, "csv") == 0)
	{
		if (table == NULL && in != stdin)
		{
			/* the file's base name without ".csv" names the table */
			const char *slash = strrchr(path, '/');
			char	   *dot;

			base = strdup(slash ? slash + 1 : path);
			if (base && (dot = strrchr(base, '.')) != NULL)
				*dot = '\0';
			table = base;
		}
		if (table == NULL)
		{
			load_fail(L, NULL, "a CSV fixture needs a table");
			free(L->err->hint);
			L->err->hint = strdup("Name it with --table.");
			goto done;
		}
		L->table = table;
	}
	L->records = 0;
	L->consumed = 0;
	L->piece_records = 0;
	L->have_header = false;
	L->row_fields = 0;
	L->depth = 0;
	buf_reset(&L->header);
	buf_reset(&L->row);
	buf_reset(&L->piece);
	L->file_size = (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode)) ? st.st_size : -1;
	snprintf(label, sizeof(label), "loaddata %s", L->file);
	L->prog = data_progress(o, label);
	load_draw(L);

	if (strcmp(format, "json") == 0)
		load_json(L, in);
	else if (strcmp(format, "yaml") == 0)
		load_yaml(L, in);
	else
		load_csv(L, in);

	if (L->prog)
	{
		memset(&s, 0, sizeof(s));
		snprintf(s.op, sizeof(s.op), "loaddata");
		snprintf(s.target, sizeof(s.target), "%s", L->file);
		snprintf(s.state, sizeof(s.state), L->failed ? "failed" : "completed");
		s.done = L->records;
		s.total = L->failed ? -1 : L->records;
		s.rate = -1;
		s.eta = -1;
		s.parts = 1;
		cli_progress_end(L->prog, &s, !L->failed);
		cli_progress_free(L->prog);
		L->prog = NULL;
	}
done:
	free(base);
	if (in != stdin)
		fclose(in);
}

static int
db_run(CliDb *db, const char *sql, CliErr *err)
{
	return cli_db_exec(db, sql, 0, NULL, NULL, err);
}

static int
cmd_loaddata(const CliOpts *o, int argc, char **argv)
{
	const char *format = NULL,
			   *on_conflict = "error",
			   *table = NULL;
	const CliOptSpec specs[] = {
		{"--format", &format, NULL},
		{"--on-conflict", &on_conflict, NULL},
		{"--table", &table, NULL},
		{NULL, NULL, NULL}
	};
	char	  **files = calloc(argc + 1, sizeof(char *));
	int			nfiles = 0,
				i,
				rc;
	const CliCmd *cmd = &cli_data_cmds[0];
	CliErr		err = {0};
	Loader		L;
	bool		begun = false;

	if (files == NULL)
		return CLI_EXIT_FAILED;
	if ((rc = cli_parse_args(o, cmd, argc, argv, specs, files, argc, &nfiles)) != 0)
		goto out;
	rc = CLI_EXIT_USAGE;
	if (nfiles == 0)
	{
		rc = cli_usage_error(o, cmd, "loaddata needs at least one file");
		goto out;
	}
	if (format != NULL && !valid_format(format))
	{
		rc = cli_usage_error(o, cmd, "unknown format \"%s\" (json, yaml or csv)", format);
		goto out;
	}
	if (strcmp(on_conflict, "error") != 0 && strcmp(on_conflict, "ignore") != 0 &&
		strcmp(on_conflict, "update") != 0)
	{
		rc = cli_usage_error(o, cmd, "unknown --on-conflict \"%s\" (error, ignore or update)",
							 on_conflict);
		goto out;
	}
	for (i = 0; i < nfiles; i++)
		if (format == NULL && format_of_path(files[i]) == NULL)
		{
			rc = cli_usage_error(o, cmd, "cannot tell the format of \"%s\" from its name", files[i]);
			goto out;
		}

	memset(&L, 0, sizeof(L));
	L.err = &err;
	L.on_conflict = on_conflict;
	L.piece_max = LOAD_PIECE_RECORDS;
	if (getenv("COVET_LOADDATA_PIECE") && atoll(getenv("COVET_LOADDATA_PIECE")) > 0)
		L.piece_max = atoll(getenv("COVET_LOADDATA_PIECE"));
	L.db = cli_connect(o, false, &err);
	if (L.db == NULL)
	{
		rc = cli_err_report(&err, o->json);
		goto out;
	}
	/* one transaction; what can be deferred is checked at COMMIT */
	if (cli_db_is_pg(L.db))
		rc = db_run(L.db, "BEGIN", &err) || db_run(L.db, "SET CONSTRAINTS ALL DEFERRED", &err) ||
			db_run(L.db, "SET LOCAL covet.fixture_fk_check = 'commit'", &err);
	else
		rc = db_run(L.db, "PRAGMA foreign_keys = ON", &err) || db_run(L.db, "BEGIN", &err) ||
			db_run(L.db, "PRAGMA defer_foreign_keys = ON", &err);
	begun = true;
	for (i = 0; rc == 0 && i < nfiles && !L.failed; i++)
		load_file(&L, o, files[i], format ? format : format_of_path(files[i]), table);
	if (rc == 0 && !L.failed)
		rc = db_run(L.db, "COMMIT", &err);
	else if (rc == 0)
		rc = -1;
	if (rc != 0)
	{
		CliErr		ignore = {0};

		if (begun)
			db_run(L.db, "ROLLBACK", &ignore);
		cli_err_free(&ignore);
		rc = cli_err_report(&err, o->json);
	}
	else if (o->json)
		printf("{\"ok\": true, \"command\": \"loaddata\", \"loaded\": %lld, \"files\": %d}\n",
			   L.loaded, nfiles);
	else if (!o->quiet)
		printf("loaded %lld records from %d file%s\n", L.loaded, nfiles, nfiles == 1 ? "" : "s");
	cli_db_close(L.db);
	buf_free(&L.piece);
	buf_free(&L.header);
	buf_free(&L.row);
out:
	cli_err_free(&err);
	free(files);
	return rc;
}

/* ---- dumpdata ---------------------------------------------------------------------- */

static const char pg_tables_sql[] =
	"SELECT CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN c.relname"
	" ELSE pg_catalog.concat(n.nspname, '.', c.relname) END"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" WHERE c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}') AND NOT c.relispartition"
	" AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,covet}')"
	" AND NOT n.nspname OPERATOR(pg_catalog.~~) 'pg\\_%'"
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep"
	" WHERE dep.classid OPERATOR(pg_catalog.=) CAST('pg_catalog.pg_class' AS pg_catalog.regclass)"
	" AND dep.objid OPERATOR(pg_catalog.=) c.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e')"
	" ORDER BY 1";

/* Every foreign key as (child, parent), named as the tables list names them. */
static const char pg_fkeys_sql[] =
	"SELECT CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN c.relname"
	" ELSE pg_catalog.concat(n.nspname, '.', c.relname) END,"
	" CASE WHEN pg_catalog.pg_table_is_visible(p.oid) THEN p.relname"
	" ELSE pg_catalog.concat(pn.nspname, '.', p.relname) END"
	" FROM pg_catalog.pg_constraint k"
	" JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid"
	" JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
	" JOIN pg_catalog.pg_class p ON p.oid OPERATOR(pg_catalog.=) k.confrelid"
	" JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) p.relnamespace"
	" WHERE k.contype OPERATOR(pg_catalog.=) 'f'";

static const char sqlite_tables_sql[] =
	"SELECT name FROM sqlite_master WHERE type = 'table'"
	" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND name NOT LIKE 'covet\\_%' ESCAPE '\\'"
	" ORDER BY name";

static const char sqlite_fkeys_sql[] =
	"SELECT m.name, f.\"table\" FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f"
	" WHERE m.type = 'table'";

/*
 * tables in foreign-key order: parents first, then by name (covet_dumpdata
 * orders the same way); a cycle keeps name order for what is left.
 */
static void
order_tables(char **names, int n, const CliResult *fk, bool pg)
{
	bool	   *placed = calloc(n > 0 ? n : 1, sizeof(bool));
	char	  **out = calloc(n > 0 ? n : 1, sizeof(char *));
	int			nout = 0,
				i,
				j,
				r;

	if (placed == NULL || out == NULL)
		goto done;
	/* name order first */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--)
		{
			char	   *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	while (nout < n)
	{
		int			pick = -1;

		for (i = 0; i < n && pick < 0; i++)
		{
			bool		ready = true;

			if (placed[i])
				continue;
			for (r = 0; ready && fk && r < fk->nrows; r++)
			{
				const char *child = cli_result_get(fk, r, 0);
				const char *parent = cli_result_get(fk, r, 1);

				if (!child || !parent ||
					(pg ? strcmp(child, names[i]) : strcasecmp(child, names[i])) != 0 ||
					(pg ? strcmp(parent, names[i]) : strcasecmp(parent, names[i])) == 0)
					continue;
				for (j = 0; j < n; j++)
					if (!placed[j] && j != i &&
						(pg ? strcmp(parent, names[j]) : strcasecmp(parent, names[j])) == 0)
						ready = false;
			}
			if (ready)
				pick = i;
		}
		if (pick < 0)			/* a cycle: the first left, by name */
			for (i = 0; i < n && pick < 0; i++)
				if (!placed[i])
					pick = i;
		placed[pick] = true;
		out[nout++] = names[pick];
	}
	memcpy(names, out, sizeof(char *) * n);
done:
	free(placed);
	free(out);
}

/*
 * Write one table's dump into out: JSON without its brackets, records
 * joined by ",\n"; YAML as it is; CSV as it is.  *records: whether any.
 */
static bool
write_table_dump(FILE *out, const char *format, const char *text, bool *any)
{
	size_t		len = strlen(text);

	if (strcmp(format, "csv") == 0)
		return fwrite(text, 1, len, out) == len;
	if (strcmp(text, "[]\n") == 0 || len == 0)
		return true;
	if (strcmp(format, "json") == 0)
	{
		/* "[\n{...},\n{...}\n]\n" */
		if (len < 5 || strncmp(text, "[\n", 2) != 0 || strcmp(text + len - 3, "\n]\n") != 0)
			return fwrite(text, 1, len, out) == len;
		if (fputs(*any ? ",\n" : "[\n", out) < 0)
			return false;
		*any = true;
		return fwrite(text + 2, 1, len - 5, out) == len - 5;
	}
	*any = true;
	return fwrite(text, 1, len, out) == len;
}

static int
cmd_dumpdata(const CliOpts *o, int argc, char **argv)
{
	const char *format = "json",
			   *outpath = NULL;
	const CliOptSpec specs[] = {
		{"--format", &format, NULL},
		{"--output", &outpath, NULL},
		{"-o", &outpath, NULL},
		{NULL, NULL, NULL}
	};
	const CliCmd *cmd = &cli_data_cmds[1];
	char	  **pos = calloc(argc + 1, sizeof(char *));
	char	  **names = NULL;
	char	   *tmppath = NULL;
	int			npos = 0,
				nnames = 0,
				i,
				rc;
	CliErr		err = {0};
	CliResult	tabs = {0},
				fk = {0};
	CliDb	   *db = NULL;
	FILE	   *out = stdout;
	bool		any = false,
				pg;

	if (pos == NULL)
		return CLI_EXIT_FAILED;
	if ((rc = cli_parse_args(o, cmd, argc, argv, specs, pos, argc, &npos)) != 0)
		goto out;
	if (!valid_format(format))
	{
		rc = cli_usage_error(o, cmd, "unknown format \"%s\" (json, yaml or csv)", format);
		goto out;
	}
	db = cli_connect(o, true, &err);
	if (db == NULL)
	{
		rc = cli_err_report(&err, o->json);
		goto out;
	}
	pg = cli_db_is_pg(db);

	/* the tables: those named (commas or spaces too), or every table */
	names = calloc(argc + 1, sizeof(char *));
	if (names == NULL)
	{
		rc = CLI_EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < npos; i++)
	{
		char	   *save = NULL,
				   *t;

		for (t = strtok_r(pos[i], ", \t\n", &save); t; t = strtok_r(NULL, ", \t\n", &save))
		{
			char	  **grown = realloc(names, sizeof(char *) * (nnames + 2));

			if (grown == NULL)
				break;
			names = grown;
			names[nnames++] = t;
		}
	}
	/* one transaction: every table read from the same snapshot */
	rc = db_run(db, pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", &err);
	if (rc == 0 && nnames == 0)
	{
		rc = cli_db_exec(db, pg ? pg_tables_sql : sqlite_tables_sql, 0, NULL, &tabs, &err);
		if (rc == 0)
		{
			char	  **grown = realloc(names, sizeof(char *) * (tabs.nrows + 1));

			if (grown != NULL)
			{
				names = grown;
				for (i = 0; i < tabs.nrows; i++)
					if (cli_result_get(&tabs, i, 0) != NULL)
						names[nnames++] = (char *) cli_result_get(&tabs, i, 0);
			}
		}
	}
	if (rc == 0)
		rc = cli_db_exec(db, pg ? pg_fkeys_sql : sqlite_fkeys_sql, 0, NULL, &fk, &err);
	if (rc != 0)
	{
		rc = cli_err_report(&err, o->json);
		goto out;
	}
	if (strcmp(format, "csv") == 0 && nnames != 1)
	{
		cli_err_set(&err, "22023", NULL, "Name one table, or use the json or yaml format.",
					"a CSV fixture holds exactly one table, not %d", nnames);
		rc = cli_err_report(&err, o->json);
		goto out;
	}
	/* named twice: once */
	for (i = 0; i < nnames; i++)
	{
		int			j;

		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0)
				break;
		if (j < i)
		{
			memmove(names + i, names + i + 1, sizeof(char *) * (nnames - i - 1));
			nnames--;
			i--;
		}
	}
	order_tables(names, nnames, &fk, pg);

	if (outpath != NULL && strcmp(outpath, "-") != 0)
	{
		size_t		n = strlen(outpath) + 32;

		tmppath = malloc(n);
		if (tmppath == NULL)
		{
			rc = CLI_EXIT_FAILED;
			goto out;
		}
		snprintf(tmppath, n, "%s.tmp%ld", outpath, (long) getpid());
		out = fopen(tmppath, "wb");
		if (out == NULL)
		{
			cli_err_set(&err, "58P01", NULL, NULL, "could not open \"%s\" for writing: %s",
						tmppath, strerror(errno));
			out = stdout;
			free(tmppath);
			tmppath = NULL;
			rc = cli_err_report(&err, o->json);
			goto out;
		}
	}
	for (i = 0; i < nnames; i++)
	{
		CliResult	res = {0};
		const char *params[2] = {names[i], format};
		bool		written;

		if (cli_db_exec(db, "SELECT covet_dumpdata($1, $2)", 2, params, &res, &err) != 0)
		{
			rc = cli_err_report(&err, o->json);
			goto out;
		}
		written = write_table_dump(out, format, cli_result_get(&res, 0, 0) ?
								   cli_result_get(&res, 0, 0) : "", &any);
		cli_result_free(&res);
		if (!written)
		{
			cli_err_set(&err, "58030", NULL, NULL, "could not write \"%s\": %s",
						outpath ? outpath : "stdout", strerror(errno));
			rc = cli_err_report(&err, o->json);
			goto out;
		}
	}
	if (strcmp(format, "json") == 0)
		fputs(any ? "\n]\n" : "[]\n", out);
	else if (strcmp(format, "yaml") == 0 && !any)
		fputs("[]\n", out);
	if (fflush(out) != 0 || (out != stdout && (fsync(fileno(out)) != 0 || ferror(out))))
	{
		cli_err_set(&err, "58030", NULL, NULL, "could not write \"%s\": %s",
					outpath ? outpath : "stdout", strerror(errno));
		rc = cli_err_report(&err, o->json);
		goto out;
	}
	if (out != stdout)
	{
		fclose(out);
		out = stdout;
		if (rename(tmppath, outpath) != 0)
		{
			cli_err_set(&err, "58030", NULL, NULL, "could not rename \"%s\" to \"%s\": %s",
						tmppath, outpath, strerror(errno));
			rc = cli_err_report(&err, o->json);
			goto out;
		}
		free(tmppath);
		tmppath = NULL;
		if (o->json)
		{
			printf("{\"ok\": true, \"command\": \"dumpdata\", \"file\": ");
			cli_json_str(stdout, outpath);
			printf(", \"tables\": %d}\n", nnames);
		}
		else if (!o->quiet)
			fprintf(stderr, "dumped %d table%s to %s\n", nnames, nnames == 1 ? "" : "s", outpath);
	}
	rc = CLI_EXIT_OK;
out:
	if (out != stdout)
		fclose(out);
	if (tmppath != NULL)
	{
		unlink(tmppath);
		free(tmppath);
	}
	if (db != NULL)
	{
		CliErr		ignore = {0};

		db_run(db, "ROLLBACK", &ignore);
		cli_err_free(&ignore);
		cli_db_close(db);
	}
	cli_result_free(&tabs);
	cli_result_free(&fk);
	cli_err_free(&err);
	free(names);
	free(pos);
	return rc;
}

/* ---- seed ---------------------------------------------------------------------------- */

static bool
is_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int
cmd_seed(const CliOpts *o, int argc, char **argv)
{
	const char *spec = NULL,
			   *seed = "0";
	const CliOptSpec specs[] = {
		{"--spec", &spec, NULL},
		{"--seed", &seed, NULL},
		{NULL, NULL, NULL}
	};
	const CliCmd *cmd = &cli_data_cmds[2];
	char	   *pos[2];
	int			npos = 0,
				rc;
	CliErr		err = {0};
	CliResult	res = {0};
	CliDb	   *db;
	const char *params[4];
	const char *msg;

	if ((rc = cli_parse_args(o, cmd, argc, argv, specs, pos, 2, &npos)) != 0)
		return rc;
	if (npos != 2)
		return cli_usage_error(o, cmd, "seed needs a table and a number of rows");
	if (!is_integer(pos[1]))
		return cli_usage_error(o, cmd, "the number of rows must be an integer, not \"%s\"", pos[1]);
	if (!is_integer(seed))
		return cli_usage_error(o, cmd, "--seed must be an integer, not \"%s\"", seed);
	db = cli_connect(o, false, &err);
	if (db == NULL)
	{
		rc = cli_err_report(&err, o->json);
		cli_err_free(&err);
		return rc;
	}
	params[0] = pos[0];
	params[1] = pos[1];
	params[2] = spec;
	params[3] = seed;
	if (cli_db_exec(db, cli_db_is_pg(db) ?
					"SELECT covet_seed($1, CAST($2 AS bigint), $3, CAST($4 AS bigint))" :
					"SELECT covet_seed($1, CAST($2 AS integer), $3, CAST($4 AS integer))",
					4, params, &res, &err) != 0)
		rc = cli_err_report(&err, o->json);
	else
	{
		msg = cli_result_get(&res, 0, 0);
		if (o->json)
		{
			printf("{\"ok\": true, \"command\": \"seed\", \"table\": ");
			cli_json_str(stdout, pos[0]);
			printf(", \"rows\": %s, \"message\": ", pos[1]);
			cli_json_str(stdout, msg);
			printf("}\n");
		}
		else if (!o->quiet)
			printf("%s\n", msg ? msg : "");
		rc = CLI_EXIT_OK;
	}
	cli_result_free(&res);
	cli_err_free(&err);
	cli_db_close(db);
	return rc;
}

/* ---- the table ------------------------------------------------------------------------ */

const CliCmd cli_data_cmds[] = {
	{"loaddata", cmd_loaddata, "load fixture files (JSON, YAML, CSV), streamed, all or nothing",
		"Usage: covet loaddata FILE... [--format json|yaml|csv]\n"
		"                      [--on-conflict error|ignore|update] [--table T]\n"
		"\n"
		"Load fixtures from files on this machine (\"-\": stdin), all files in one\n"
		"transaction: all or nothing.  A file is read and sent in pieces of up to\n"
		"5,000 records, so a fixture larger than memory loads.\n"
		"  --format F         json, yaml or csv (default: from the file name)\n"
		"  --on-conflict X    error (default), ignore or update, by primary key\n"
		"  --table T          CSV's table (default: the file name without .csv)\n"
		"Progress goes to stderr; the count of records loaded to stdout.\n"},
	{"dumpdata", cmd_dumpdata, "dump tables as a fixture, one table at a time",
		"Usage: covet dumpdata [TABLE...] [--format json|yaml|csv] [-o FILE]\n"
		"\n"
		"Write the rows of the tables (default: every table but covet's own),\n"
		"parents first, as a fixture, to stdout or FILE (replaced at the end), one\n"
		"table at a time, read in one snapshot.\n"
		"  --format F         json (default), yaml or csv (one table)\n"
		"  -o, --output FILE  write to FILE instead of stdout\n"},
	{"seed", cmd_seed, "insert N rows of deterministic fake data into a table",
		"Usage: covet seed TABLE N [--spec JSON] [--seed S]\n"
		"\n"
		"Insert N rows of fake data into TABLE (covet_seed), all or none.\n"
		"  --spec JSON        generators by column, e.g. '{\"email\": \"email\"}'\n"
		"                     (default: inferred from the columns)\n"
		"  --seed S           the same seed gives the same rows on both engines\n"},
	{NULL}
};
