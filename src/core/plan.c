/*-------------------------------------------------------------------------
 *
 * plan.c
 *		The order migrations run in: dependencies first, ties by name.
 *
 * Kahn's algorithm over a min-heap of the ready migrations keyed by name,
 * so among migrations whose dependencies are all placed the smallest name
 * goes next, names compared as versions (covet_version_cmp: digit runs as
 * numbers, so 2_x < 10_x and V1_1__a < V1_10__b; names of equal length
 * such as covet's timestamps keep their strcmp order).  Formats without
 * dependencies (golang-migrate, dbmate, goose, Flyway) are thereby
 * ordered by version.  The order is therefore a pure function of the set
 * of migrations and their dependencies, whatever order they are given in.
 *
 * Names are found through an index sorted by name (binary search), and
 * names are compared once, when sorting; the heap holds ranks in that
 * index.  The whole is O(n log n + e log n) for n migrations and e
 * dependencies, because plans of thousands of migrations are normal.
 *
 * Errors are checked in a fixed order and the first by name is reported,
 * so the same input always gives the same message: a duplicate name, then
 * a dependency on an undefined name, then a cycle (one actual cycle, from
 * its smallest name, each migration followed by one it depends on).
 *
 * All working memory comes from the caller's CovetMem and is freed on every
 * path; only *order is handed back.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One entry of the name index. */
typedef struct PlanName
{
	const char *name;
	int			node;			/* index into nodes */
} PlanName;

/* Names in version order (node = rank in the name index). */
static int
plan_version_cmp(const void *a, const void *b)
{
	const PlanName *x = a;
	const PlanName *y = b;
	int			c = covet_version_cmp(x->name, y->name);

	if (c != 0)
		return c;
	return (x->node > y->node) - (x->node < y->node);
}

static int
plan_name_cmp(const void *a, const void *b)
{
	const PlanName *x = a;
	const PlanName *y = b;
	int			c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return (x->node > y->node) - (x->node < y->node);
}

/* The index entry of name, or -1. */
static int
plan_find(const PlanName *index, int n, const char *name)
{
	int			lo = 0;
	int			hi = n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(index[mid].name, name);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* A binary min-heap of ranks. */
static void
heap_push(int *heap, int *len, int rank)
{
	int			i = (*len)++;

	while (i > 0)
	{
		int			parent = (i - 1) / 2;

		if (heap[parent] <= rank)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = rank;
}

static int
heap_pop(int *heap, int *len)
{
	int			top = heap[0];
	int			last = heap[--(*len)];
	int			i = 0;

	for (;;)
	{
		int			child = 2 * i + 1;

		if (child >= *len)
			break;
		if (child + 1 < *len && heap[child + 1] < heap[child])
			child++;
		if (last <= heap[child])
			break;
		heap[i] = heap[child];
		i = child;
	}
	if (*len > 0)
		heap[i] = last;
	return top;
}

/*
 * Append sep and s to the bounded message msg; once they would not fit, end
 * the message with " -> ..." instead.  Returns false when cut short.
 */
static bool
msg_append(char *msg, size_t size, const char *sep, const char *s)
{
	static const char more[] = " -> ...";
	size_t		used = strlen(msg);
	size_t		seplen = strlen(sep);
	size_t		len = strlen(s);

	if (used + seplen + len + sizeof(more) > size)
	{
		if (used + sizeof(more) <= size)
			memcpy(msg + used, more, sizeof(more));
		return false;
	}
	memcpy(msg + used, sep, seplen);
	memcpy(msg + used + seplen, s, len + 1);
	return true;
}

/* The smallest dependency of rank r that is not placed yet, or -1. */
static int
cycle_next(const int *depstart, const int *deprank, const bool *placed, int r)
{
	int			next = -1;
	int			j;

	for (j = depstart[r]; j < depstart[r + 1]; j++)
	{
		if (!placed[deprank[j]] && (next < 0 || deprank[j] < next))
			next = deprank[j];
	}
	return next;
}

/*
 * Report a cycle among the ranks not placed.  Every such migration has a
 * dependency not placed, so walking from the smallest one to its smallest
 * unplaced dependency, and so on, must come back to a migration already on
 * the walk; the walk from there on is a cycle.
 *
 * depstart/deprank hold each rank's dependencies (as ranks); pos is scratch
 * space of n ints.
 */
static CovetStatus
plan_cycle(const PlanName *index, int n, const int *depstart,
		   const int *deprank, const bool *placed, int *pos,
		   CovetError *err)
{
	char		chain[sizeof(err->message) - 64];
	int			start = -1;
	int			r;
	int			step;
	int			len;
	int			smallest;
	int			k;
	bool		complete = true;

	for (r = 0; r < n; r++)
	{
		pos[r] = -1;
		if (start < 0 && !placed[r])
			start = r;
	}
	if (start < 0)
		return covet_error_set(err, COVET_ERR_INTERNAL,
							   "dependency cycle expected but not found");

	/* Walk until a migration repeats; pos[] holds the step of each. */
	r = start;
	for (step = 0; pos[r] < 0; step++)
	{
		int			next = cycle_next(depstart, deprank, placed, r);

		if (next < 0)
			return covet_error_set(err, COVET_ERR_INTERNAL,
								   "migration \"%s\" is not placed but its dependencies are",
								   index[r].name);
		pos[r] = step;
		r = next;
	}

	/* r is on the cycle: go round once to find its smallest rank. */
	len = step - pos[r];
	smallest = r;
	for (k = 0; k < len; k++)
	{
		if (r < smallest)
			smallest = r;
		r = cycle_next(depstart, deprank, placed, r);
	}

	/* And once more from there to print it. */
	chain[0] = '\0';
	r = smallest;
	for (k = 0; k <= len && complete; k++)
	{
		complete = msg_append(chain, sizeof(chain), k > 0 ? " -> " : "",
							  index[r].name);
		r = cycle_next(depstart, deprank, placed, r);
	}

	covet_error_set(err, COVET_ERR_DEPENDENCY,
					"dependency cycle among migrations: %s", chain);
	if (complete)
		covet_error_detail(err, "Each migration depends on the one after it.");
	else
		covet_error_detail(err, "Each migration depends on the one after it; "
						   "the cycle has %d migrations.", len);
	covet_error_hint(err, "Remove one of these dependencies.");
	return COVET_ERR_DEPENDENCY;
}

CovetStatus
covet_plan_order(CovetMem *mem, const CovetNode *nodes, int n, int **order,
				 CovetError *err)
{
	PlanName   *index = NULL;
	int		   *depstart = NULL;	/* n + 1: rank's dependencies in deprank */
	int		   *deprank = NULL;
	int		   *outstart = NULL;	/* n + 1: rank's dependents in outrank */
	int		   *outrank = NULL;
	int		   *indeg = NULL;
	int		   *heap = NULL;
	PlanName   *vorder = NULL;	/* ranks in version order */
	int		   *vpos = NULL;	/* rank -> position in vorder */
	bool	   *placed = NULL;
	int		   *result = NULL;
	size_t		nedges = 0;
	int			nheap = 0;
	int			nplaced = 0;
	int			i;
	int			r;
	int			e;
	CovetStatus rc = COVET_OK;

	*order = NULL;
	if (n < 0 || (n > 0 && nodes == NULL))
		return covet_error_set(err, COVET_ERR_INVALID,
							   "invalid number of migrations: %d", n);
	if (n == 0)
		return COVET_OK;
	for (i = 0; i < n; i++)
	{
		int			j;

		if (nodes[i].name == NULL)
			return covet_error_set(err, COVET_ERR_NULL,
								   "migration name must not be null");
		if (nodes[i].ndeps < 0 || (nodes[i].ndeps > 0 && nodes[i].deps == NULL))
			return covet_error_set(err, COVET_ERR_INVALID,
								   "invalid dependencies of migration \"%s\"",
								   nodes[i].name);
		for (j = 0; j < nodes[i].ndeps; j++)
			if (nodes[i].deps[j] == NULL)
				return covet_error_set(err, COVET_ERR_NULL,
									   "dependency name of migration \"%s\" must not be null",
									   nodes[i].name);
		nedges += (size_t) nodes[i].ndeps;
	}
	if (nedges >= (size_t) 0x7fffffff)
		return covet_error_set(err, COVET_ERR_INVALID,
							   "too many dependencies: %zu", nedges);

	index = covet_alloc(mem, sizeof(PlanName) * (size_t) n);
	depstart = covet_alloc(mem, sizeof(int) * ((size_t) n + 1));
	deprank = covet_alloc(mem, sizeof(int) * nedges);
	outstart = covet_alloc0(mem, sizeof(int) * ((size_t) n + 1));
	outrank = covet_alloc(mem, sizeof(int) * nedges);
	indeg = covet_alloc(mem, sizeof(int) * (size_t) n);
	heap = covet_alloc(mem, sizeof(int) * (size_t) n);
	vorder = covet_alloc(mem, sizeof(PlanName) * (size_t) n);
	vpos = covet_alloc(mem, sizeof(int) * (size_t) n);
	placed = covet_alloc0(mem, sizeof(bool) * (size_t) n);
	result = covet_alloc(mem, sizeof(int) * (size_t) n);
	if (!index || !depstart || !deprank || !outstart || !outrank ||
		!indeg || !heap || !placed || !result || !vorder || !vpos)
	{
		rc = covet_error_set(err, COVET_ERR_NOMEM, "out of memory");
		goto done;
	}

	/* The name index; equal names end up next to each other. */
	for (i = 0; i < n; i++)
	{
		index[i].name = nodes[i].name;
		index[i].node = i;
	}
	qsort(index, (size_t) n, sizeof(PlanName), plan_name_cmp);
	for (r = 1; r < n; r++)
	{
		if (strcmp(index[r - 1].name, index[r].name) == 0)
		{
			rc = covet_error_set(err, COVET_ERR_DUPLICATE,
								 "migration \"%s\" is defined twice",
								 index[r].name);
			goto done;
		}
	}

	/*
	 * Dependencies as ranks, in name order; the first migration (by name)
	 * with an undefined dependency is reported, naming the smallest one.
	 */
	e = 0;
	for (r = 0; r < n; r++)
	{
		const CovetNode *node = &nodes[index[r].node];
		const char *missing = NULL;
		int			j;

		depstart[r] = e;
		for (j = 0; j < node->ndeps; j++)
		{
			int			d = plan_find(index, n, node->deps[j]);

			if (d >= 0)
				deprank[e++] = d;
			else if (missing == NULL || strcmp(node->deps[j], missing) < 0)
				missing = node->deps[j];
		}
		if (missing != NULL)
		{
			rc = covet_error_set(err, COVET_ERR_DEPENDENCY,
								 "migration \"%s\" depends on \"%s\", which is not defined",
								 node->name, missing);
			covet_error_hint(err, "Define \"%s\" first, or remove the dependency.",
							 missing);
			goto done;
		}
		indeg[r] = e - depstart[r];
	}
	depstart[n] = e;

	/* Dependents of each rank: count, prefix sums, fill, shift back. */
	for (i = 0; i < e; i++)
		outstart[deprank[i] + 1]++;
	for (r = 0; r < n; r++)
		outstart[r + 1] += outstart[r];
	for (r = 0; r < n; r++)
	{
		int			j;

		for (j = depstart[r]; j < depstart[r + 1]; j++)
			outrank[outstart[deprank[j]]++] = r;
	}
	for (r = n; r > 0; r--)
		outstart[r] = outstart[r - 1];
	outstart[0] = 0;

	/* The heap's keys: positions in version order. */
	for (r = 0; r < n; r++)
	{
		vorder[r].name = index[r].name;
		vorder[r].node = r;
	}
	qsort(vorder, (size_t) n, sizeof(PlanName), plan_version_cmp);
	for (i = 0; i < n; i++)
		vpos[vorder[i].node] = i;

	/* Kahn's algorithm, smallest ready name (as a version) first. */
	for (r = 0; r < n; r++)
		if (indeg[r] == 0)
			heap_push(heap, &nheap, vpos[r]);
	while (nheap > 0)
	{
		int			j;

		r = vorder[heap_pop(heap, &nheap)].node;
		placed[r] = true;
		result[nplaced++] = index[r].node;
		for (j = outstart[r]; j < outstart[r + 1]; j++)
			if (--indeg[outrank[j]] == 0)
				heap_push(heap, &nheap, vpos[outrank[j]]);
	}

	if (nplaced < n)
	{
		/* heap is free now: use it as the walk's scratch space */
		rc = plan_cycle(index, n, depstart, deprank, placed, heap, err);
		goto done;
	}

	*order = result;
	result = NULL;

done:
	covet_free(mem, index);
	covet_free(mem, depstart);
	covet_free(mem, deprank);
	covet_free(mem, outstart);
	covet_free(mem, outrank);
	covet_free(mem, indeg);
	covet_free(mem, heap);
	covet_free(mem, vorder);
	covet_free(mem, vpos);
	covet_free(mem, placed);
	covet_free(mem, result);
	return rc;
}
