#!/usr/bin/env bash
# pg_realsets.sh: real migration sets on PostgreSQL, loaded unchanged
# (test/realsets/, see its README.md).  Prints TAP.
#
# For each PostgreSQL set: the files are those its NOTICE lists (SHA-256);
# psql sends every file with covet_load_text, as README shows
# (\set content `cat FILE`, then covet_load_text('FILE', :'content')), so
# nothing is read on the server; covet_migrate_up applies all; a digest of
# the catalog of schema public (tables, columns, constraints, indexes,
# comments) is the one recorded here; covet_migrate_down rolls everything
# back and nothing of the set is left; a second covet_migrate_up gives the
# same digest; a second load changes nothing.
#
# No set here needs a statement covet cannot yet run in a transaction
# (CREATE INDEX CONCURRENTLY, a file's own BEGIN/COMMIT).  TODO(notx): sets
# that do belong here once the notx branch runs such migrations.
set -u
cd "$(dirname "$0")/../.." || exit 1
. test/scripts/lib/tap.sh
. test/scripts/lib/pg.sh

# set format migrations digest
SETS="simplebank golang-migrate 5 bf244719"

catalog_text() {
	q "SELECT coalesce(string_agg(x, E'\n' ORDER BY x COLLATE \"C\"), '') FROM (
	     SELECT format('table %s', c.relname) AS x FROM pg_class c
	      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S', 'v')
	     UNION ALL
	     SELECT format('column %s.%s %s %s %s', c.relname, a.attname,
	                   format_type(a.atttypid, a.atttypmod), a.attnotnull,
	                   pg_get_expr(d.adbin, d.adrelid))
	       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
	        AND a.attnum > 0 AND NOT a.attisdropped
	     UNION ALL
	     SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
	       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
	     UNION ALL
	     SELECT format('index %s', pg_get_indexdef(indexrelid)) FROM pg_index i
	       JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace
	     UNION ALL
	     SELECT format('comment %s %s %s', c.relname, d.objsubid, d.description)
	       FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
	      WHERE c.relnamespace = 'public'::regnamespace) s"
}

catalog_digest() {
	catalog_text | md5sum | cut -c1-8
}

# load_set NAME: every file through covet_load_text, one psql call; prints
# the reports, one per line.
load_set() {
	local f script=$TMP/load.sql
	: >"$script"
	# up halves first: a down half completes the definition its up half made
	for f in $(ls test/realsets/"$1"/migrations/* | grep -v '\.down\.sql$') \
		$(ls test/realsets/"$1"/migrations/* | grep '\.down\.sql$'); do
		printf '\\set content `cat %s`\nSELECT covet_load_text(%s, :'"'"'content'"'"');\n' \
			"$f" "'$(basename "$f")'" >>"$script"
	done
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -f "$script" 2>&1
}

pg_scratch realsets
set -- $SETS
while [ $# -ge 4 ]; do
	name=$1 fmt=$2 count=$3 want=$4
	shift 4
	dir=test/realsets/$name
	listed=$(awk 'length($1) == 64 && $2 ~ /^migrations\// { print $2 }' "$dir/NOTICE" | sort)
	present=$(cd "$dir" && ls migrations/* | sort)
	is "$present" "$listed" "$name: the files are those NOTICE lists"
	bad=$(cd "$dir" && awk 'length($1) == 64 && $2 ~ /^migrations\//' NOTICE | sha256sum -c --quiet 2>&1)
	is "$bad" "" "$name: every file is unchanged (SHA-256)"

	create_db
	out=$(load_set "$name")
	is "$(grep -Ec "^(re)?defined .* \($fmt format\)\$" <<<"$out")" "$(ls "$dir"/migrations | wc -l)" \
		"$name: every file loads as $fmt (up halves defined, down halves fill them in)"
	is "$(q "SELECT count(*) FROM covet.migrations WHERE format = '$fmt' AND down_sql IS NOT NULL")" \
		"$count" "$name: $count migrations, each with its down"
	out=$(q "SELECT covet_migrate_up()")
	is "$(grep -c '^applied ' <<<"$out")" "$count" "$name: all applied"
	got=$(catalog_digest)
	if [ "$got" = "$want" ]; then
		ok "$name: the catalog after apply"
	else
		not_ok "$name: the catalog after apply" "got $got, want $want:
$(catalog_text)"
	fi
	out=$(q "SELECT covet_migrate_down($count)")
	is "$(grep -c '^rolled back ' <<<"$out")" "$count" "$name: all rolled back"
	is "$(q "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" "0" \
		"$name: nothing of the set is left"
	q "SELECT covet_migrate_up()" >/dev/null
	is "$(catalog_digest)" "$got" "$name: applied again, the same catalog"
	out=$(load_set "$name")
	is "$(grep -vc '^unchanged ' <<<"$out")" "0" "$name: loading again changes nothing"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
done
done_testing
