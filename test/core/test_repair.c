/*
 * test_repair.c: the pure parts of repair.c and retry.c: the order in
 * which covet_migrate_down rolls back applied migrations, and the waits
 * between retries after a lock timeout.
 */
#include "tap.h"
#include "repair.h"

#include <string.h>

/* Order of names as one string "a b c". */
static const char *
order_text(const CovetDownNode *nodes, const int *order, int n, char *buf, size_t len)
{
	int			i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, nodes[order[i]].name, len - strlen(buf) - 1);
	}
	return buf;
}

static void
test_down_order(void)
{
	static const char *const dep_a[] = {"a"};
	static const char *const dep_b[] = {"b"};
	CovetDownNode nodes[] = {
		{"a", NULL, 0},
		{"b", dep_a, 1},
		{"c", dep_b, 1},
		{"hotfix", NULL, 0},
	};
	int64_t		seq_plain[] = {0, 1, 2, 3};
	int64_t		seq_dep_late[] = {9, 1, 2, 3};	/* a marked applied last */
	int64_t		seq_tie[] = {0, 0, 0, 0};
	CovetError	err;
	char		buf[128];
	int		   *order = NULL;

	is_int(covet_down_order(tap_mem(), nodes, seq_plain, 4, &order, &err), COVET_OK,
		   "down order: plain");
	is_str(order_text(nodes, order, 4, buf, sizeof(buf)), "hotfix c b a",
		   "latest applied first: the hotfix applied last goes first");
	covet_free(tap_mem(), order);

	is_int(covet_down_order(tap_mem(), nodes, seq_dep_late, 4, &order, &err), COVET_OK,
		   "down order: a dependency applied after its dependents");
	is_str(order_text(nodes, order, 4, buf, sizeof(buf)), "hotfix c b a",
		   "a dependency still waits for everything that depends on it");
	covet_free(tap_mem(), order);

	is_int(covet_down_order(tap_mem(), nodes, seq_tie, 4, &order, &err), COVET_OK,
		   "down order: ties");
	is_str(order_text(nodes, order, 4, buf, sizeof(buf)), "hotfix c b a",
		   "ties go by name, latest name first");
	covet_free(tap_mem(), order);

	is_int(covet_down_order(tap_mem(), nodes, seq_plain, 0, &order, &err), COVET_OK,
		   "down order: nothing applied");
	covet_free(tap_mem(), order);

	tap_mem_fail_after(1);
	is_int(covet_down_order(tap_mem(), nodes, seq_plain, 4, &order, &err), COVET_ERR_NOMEM,
		   "down order: out of memory is reported");
	ok(order == NULL, "down order: nothing left behind after out of memory");
	tap_mem_fail_after(-1);
}

static void
test_cycle(void)
{
	static const char *const dep_x[] = {"x"};
	static const char *const dep_y[] = {"y"};
	CovetDownNode nodes[] = {{"x", dep_y, 1}, {"y", dep_x, 1}};
	int64_t		seq[] = {0, 1};
	CovetError	err;
	int		   *order = NULL;

	is_int(covet_down_order(tap_mem(), nodes, seq, 2, &order, &err), COVET_ERR_DEPENDENCY,
		   "down order: a cycle is an error");
	is_str(err.message, "dependency cycle among applied migrations", "cycle message");
}

static void
test_delays(void)
{
	int			i;
	bool		in_range = true;

	is_int(covet_retry_delay_ms(1, 50), 100, "first retry: 100 ms without jitter");
	is_int(covet_retry_delay_ms(2, 50), 200, "second retry: 200 ms");
	is_int(covet_retry_delay_ms(3, 50), 400, "third retry: 400 ms");
	is_int(covet_retry_delay_ms(7, 50), 5000, "seventh retry: capped at 5 s");
	is_int(covet_retry_delay_ms(1000, 50), 5000, "any later retry: capped at 5 s");
	is_int(covet_retry_delay_ms(1, 0), 50, "jitter: at least half");
	is_int(covet_retry_delay_ms(1, 100), 150, "jitter: at most one and a half");
	is_int(covet_retry_delay_ms(7, 100), 7500, "jitter above the cap: 7.5 s at most");
	for (i = 0; i < 10000; i++)
	{
		int			ms = covet_retry_delay_ms(1 + i % 12, (uint32_t) i * 2654435761u);

		if (ms < 50 || ms > 7500)
			in_range = false;
	}
	ok(in_range, "every wait between 50 ms and 7.5 s");
}

int
main(void)
{
	test_down_order();
	test_cycle();
	test_delays();
	is_int(tap_mem_live(), 0, "no memory left allocated");
	return done_testing();
}
