/*-------------------------------------------------------------------------
 *
 * test_plan.c
 *		Dependency order: dependencies first, ties by name; duplicate,
 *		missing-dependency and cycle errors with exact messages; large
 *		plans; every allocation failure.
 *
 * Plans are written as specs: "b:a c:a,b a" is three migrations, b
 * depending on a, c on a and b, a on nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Spec
{
	CovetNode  *nodes;
	int			n;
	char	   *text;			/* the spec, cut into names in place */
	const char **deps;
} Spec;

static void
spec_parse(const char *spec, Spec *s)
{
	size_t		len = strlen(spec);
	char	   *p;
	int			di = 0;

	s->text = malloc(len + 1);
	memcpy(s->text, spec, len + 1);
	s->nodes = calloc(len + 1, sizeof(CovetNode));
	s->deps = calloc(len + 1, sizeof(char *));
	s->n = 0;
	p = s->text;
	while (*p)
	{
		CovetNode  *node;
		char	   *colon;
		char	   *end;

		if (*p == ' ')
		{
			p++;
			continue;
		}
		end = p;
		while (*end && *end != ' ')
			end++;
		if (*end)
			*end++ = '\0';
		node = &s->nodes[s->n++];
		node->name = p;
		node->deps = &s->deps[di];
		colon = strchr(p, ':');
		if (colon)
		{
			char	   *d = colon + 1;

			*colon = '\0';
			while (*d)
			{
				char	   *comma = strchr(d, ',');

				if (comma)
					*comma = '\0';
				s->deps[di++] = d;
				node->ndeps++;
				if (!comma)
					break;
				d = comma + 1;
			}
		}
		p = end;
	}
}

static void
spec_free(Spec *s)
{
	free(s->text);
	free(s->nodes);
	free(s->deps);
}

/*
 * Order a spec; on success out holds the names joined by spaces, on
 * failure the error message.  Checks that nothing leaks either way.
 */
static CovetStatus
run(const char *spec, char *out, size_t outsize)
{
	Spec		s;
	CovetError	err;
	CovetStatus rc;
	int		   *order = NULL;
	long		live = tap_mem_live();

	spec_parse(spec, &s);
	covet_error_clear(&err);
	rc = covet_plan_order(tap_mem(), s.nodes, s.n, &order, &err);
	out[0] = '\0';
	if (rc == COVET_OK)
	{
		int			i;

		for (i = 0; i < s.n; i++)
		{
			if (i > 0)
				strncat(out, " ", outsize - strlen(out) - 1);
			strncat(out, s.nodes[order[i]].name, outsize - strlen(out) - 1);
		}
		covet_free(tap_mem(), order);
	}
	else
	{
		snprintf(out, outsize, "%s", err.message);
		if (order != NULL)
			diag("order set on error");
	}
	if (tap_mem_live() != live)
		diag("%s: %ld allocations leaked", spec, tap_mem_live() - live);
	spec_free(&s);
	return rc;
}

static void
order_is(const char *spec, const char *expected, const char *what)
{
	char		out[4096];

	is_int(run(spec, out, sizeof(out)), COVET_OK, "%s: ordered", what);
	is_str(out, expected, "%s: order", what);
}

static void
fails(const char *spec, CovetStatus code, const char *message, const char *what)
{
	char		out[4096];

	is_int(run(spec, out, sizeof(out)), code, "%s: status", what);
	is_str(out, message, "%s: message", what);
}

static void
test_order(void)
{
	CovetError	err;
	int		   *order = (int *) &err;

	order_is("c b a", "a b c", "ties by name");
	order_is("b10 b2 b1", "b1 b2 b10", "ties as versions: digit runs as numbers");
	order_is("V1_10__b V1_1__a V2__c V1__z V1.2__y", "V1__z V1_1__a V1.2__y V1_10__b V2__c",
			 "Flyway versions: 1 < 1.1 < 1.2 < 1.10 < 2");
	order_is("20240102120000_a 20240101130000_b 20231231000000_c",
			 "20231231000000_c 20240101130000_b 20240102120000_a",
			 "timestamps of equal length keep their order");
	order_is("10_c:2_b 2_b 1_a", "1_a 2_b 10_c", "dependencies, then versions");
	order_is("a:c b c", "b c a", "dependencies first");
	order_is("a:z z", "z a", "dependency before a smaller name");
	order_is("d:b,c b:a c:a a", "a b c d", "diamond");
	order_is("a:b,c b:d c:d d", "d b c a", "diamond against name order");
	order_is("c:a,b b:a a", "a b c", "given order does not matter (1)");
	order_is("a b:a c:a,b", "a b c", "given order does not matter (2)");
	order_is("b:a,a a", "a b", "same dependency listed twice");
	order_is("x:a,b y:b a b:a", "a b x y", "two ready, smallest first");
	order_is("e:d d:c c:b b:a a f", "a b c d e f", "chain then independent");
	order_is("only", "only", "one migration");

	is_int(covet_plan_order(tap_mem(), NULL, 0, &order, &err), COVET_OK,
		   "no migrations");
	ok(order == NULL, "no migrations: order is NULL");
}

static void
test_errors(void)
{
	char		spec[200000];
	char		out[4096];
	CovetError	err;
	int		   *order;
	CovetNode	node = {NULL, NULL, 0};
	int			i;

	fails("b a b", COVET_ERR_DUPLICATE, "migration \"b\" is defined twice",
		  "duplicate name");
	fails("c c a a", COVET_ERR_DUPLICATE, "migration \"a\" is defined twice",
		  "first duplicate by name");
	fails("b:x a", COVET_ERR_DEPENDENCY,
		  "migration \"b\" depends on \"x\", which is not defined",
		  "missing dependency");
	fails("c:a0 b:z,y,a a", COVET_ERR_DEPENDENCY,
		  "migration \"b\" depends on \"y\", which is not defined",
		  "first missing dependency by name");
	fails("a:b b:a c:x", COVET_ERR_DEPENDENCY,
		  "migration \"c\" depends on \"x\", which is not defined",
		  "missing dependency reported before a cycle");
	fails("a:a", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: a -> a", "self-dependency");
	fails("b:a a:b", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: a -> b -> a", "two-cycle");
	fails("a:c b:a c:b", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: a -> c -> b -> a",
		  "three-cycle, in dependency order");
	fails("a:b b:c c:d d:c", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: c -> d -> c",
		  "only the cycle, not what leads to it");
	fails("z x:y y:w,x w:z", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: x -> y -> x",
		  "placed migrations are not in the cycle");
	fails("q:r r:s s:p p:q a b:a", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: p -> q -> r -> s -> p",
		  "cycle printed from its smallest name");
	fails("b:c c:b", COVET_ERR_DEPENDENCY,
		  "dependency cycle among migrations: b -> c -> b",
		  "cycle of non-first names");

	covet_error_clear(&err);
	{
		Spec		s;

		spec_parse("a:b b:a", &s);
		covet_plan_order(tap_mem(), s.nodes, s.n, &order, &err);
		spec_free(&s);
	}
	is_str(covet_error_sqlstate(&err), "42P17", "cycle: SQLSTATE 42P17");
	is_str(err.detail, "Each migration depends on the one after it.",
		   "cycle: detail explains the arrows");
	ok(err.hint[0] != '\0', "cycle: hint");

	/* A cycle too long for the message is cut short, not mid-name. */
	spec[0] = '\0';
	for (i = 0; i < 300; i++)
	{
		char		one[300];

		snprintf(one, sizeof(one), "%s%0100d:%0100d", i ? " " : "", i,
				 (i + 1) % 300);
		strcat(spec, one);
	}
	is_int(run(spec, out, sizeof(out)), COVET_ERR_DEPENDENCY, "long cycle: status");
	ok(strncmp(out, "dependency cycle among migrations: ", 35) == 0 &&
	   strlen(out) > 900 && strlen(out) < 1024 &&
	   strcmp(out + strlen(out) - 7, " -> ...") == 0 &&
	   strstr(out, " ->  -> ") == NULL &&
	   strlen(out) == 35 + 100 + 8 * 104 + 7,
	   "long cycle: message cut at a name and ends with \" -> ...\"");

	covet_error_clear(&err);
	is_int(covet_plan_order(tap_mem(), &node, 1, &order, &err), COVET_ERR_NULL,
		   "NULL name");
	is_int(covet_plan_order(tap_mem(), NULL, -1, &order, &err), COVET_ERR_INVALID,
		   "negative count");
}

static void
test_large(void)
{
	int			n = 2000;
	CovetNode  *nodes = calloc((size_t) n, sizeof(CovetNode));
	char	  (*names)[16] = calloc((size_t) n, 16);
	const char **deps = calloc((size_t) n, sizeof(char *));
	int		   *order = NULL;
	int		   *pos;
	CovetError	err;
	clock_t		t0;
	double		secs;
	bool		good = true;
	int			i;
	int			big = 20000;

	/* A chain given in reverse: m1999 depends on m1998 ... */
	for (i = 0; i < n; i++)
	{
		int			k = n - 1 - i;

		snprintf(names[i], 16, "m%04d", k);
		nodes[i].name = names[i];
		if (k > 0)
		{
			deps[i] = names[i + 1];
			nodes[i].deps = &deps[i];
			nodes[i].ndeps = 1;
		}
	}
	t0 = clock();
	is_int(covet_plan_order(tap_mem(), nodes, n, &order, &err), COVET_OK,
		   "2000-node chain in reverse");
	secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
	for (i = 0; i < n && good; i++)
		good = (order[i] == n - 1 - i);
	ok(good, "2000-node chain: m0000 .. m1999");
	ok(secs < 0.5, "2000-node chain is fast (%.4f s)", secs);
	covet_free(tap_mem(), order);
	free(nodes);
	free(names);
	free(deps);

	/*
	 * 20000 nodes, each depending on up to three smaller-numbered ones,
	 * names shuffled: the order must respect every dependency and be a
	 * permutation.
	 */
	nodes = calloc((size_t) big, sizeof(CovetNode));
	names = calloc((size_t) big, 16);
	deps = calloc((size_t) big * 3, sizeof(char *));
	pos = calloc((size_t) big, sizeof(int));
	srand(42);
	for (i = 0; i < big; i++)
	{
		int			j;

		/* names in a scrambled order relative to the dependencies */
		snprintf(names[i], 16, "n%05d", (int) (((long) i * 7919) % big));
		nodes[i].name = names[i];
		nodes[i].deps = &deps[i * 3];
		for (j = 0; j < 3 && i > 0; j++)
			deps[i * 3 + nodes[i].ndeps++] = names[rand() % i];
	}
	t0 = clock();
	is_int(covet_plan_order(tap_mem(), nodes, big, &order, &err), COVET_OK,
		   "20000 nodes, 60000 dependencies");
	secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
	good = true;
	for (i = 0; i < big; i++)
		pos[i] = -1;
	for (i = 0; i < big; i++)
		pos[order[i]] = i;
	for (i = 0; i < big && good; i++)
	{
		int			j;

		if (pos[i] < 0)
			good = false;
		for (j = 0; j < nodes[i].ndeps && good; j++)
		{
			int			d = (int) ((const char (*)[16]) nodes[i].deps[j] -
								   (const char (*)[16]) names);

			good = pos[d] < pos[i];
		}
	}
	ok(good, "20000 nodes: a permutation with every dependency first");
	ok(secs < 2.0, "20000 nodes is fast (%.4f s)", secs);
	covet_free(tap_mem(), order);
	free(nodes);
	free(names);
	free(deps);
	free(pos);
	is_int(tap_mem_live(), 0, "large plans: everything freed");
}

static void
nomem_loop(const char *spec, CovetStatus final, const char *what)
{
	Spec		s;
	CovetError	err;
	int		   *order = NULL;
	long		nalloc;
	long		k;
	int			bad = 0;

	spec_parse(spec, &s);
	tap_mem_fail_after(-1);
	is_int(covet_plan_order(tap_mem(), s.nodes, s.n, &order, &err), final,
		   "%s: runs", what);
	nalloc = tap_mem_allocs();
	covet_free(tap_mem(), order);
	for (k = 0; k < nalloc; k++)
	{
		CovetStatus rc;

		order = NULL;
		tap_mem_fail_after(k);
		rc = covet_plan_order(tap_mem(), s.nodes, s.n, &order, &err);
		if (rc != COVET_ERR_NOMEM || order != NULL || tap_mem_live() != 0)
		{
			diag("%s: failing allocation %ld gave %d", what, k, (int) rc);
			bad++;
			covet_free(tap_mem(), order);
		}
	}
	tap_mem_fail_after(-1);
	spec_free(&s);
	ok(nalloc > 3 && bad == 0,
	   "%s: each of %ld allocation failures gives NOMEM, no leaks", what, nalloc);
}

int
main(void)
{
	test_order();
	test_errors();
	test_large();
	nomem_loop("d:b,c b:a c:a a", COVET_OK, "diamond");
	nomem_loop("a:b b:c c:b", COVET_ERR_DEPENDENCY, "cycle");
	is_int(tap_mem_live(), 0, "no live allocations at the end");
	return done_testing();
}
