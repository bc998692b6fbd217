#!/usr/bin/env bash
# pg_shadow.sh: no operator, function or type that a user puts on the
# search_path runs inside covet's own SQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: in a database whose schema public (where covet is
# installed, and where any user with CREATE there could do the same) holds
# shadows of what covet's generated SQL uses, none of them runs, and every
# operation still gives the right result.  The shadows: the operators
# = <> < <= > >= for every key type covet batches on (integer, bigint, text,
# varchar and its cross forms with text, uuid, timestamp; a composite key
# uses two of them) and for the types of covet's own catalog queries
# (smallint, oid, name, "char", boolean, timestamptz, numeric), + and - for
# integers, || and ~~ for text; the functions lower, upper, length,
# split_part, concat_ws, to_json, format_type, quote_ident, to_regclass,
# textregexeq, clock_timestamp, now, generate_series, translate, encode,
# decode, pg_table_is_visible and setval; the aggregates count(*), max,
# sum; overloads of covet's own covet_try_cast, covet_split_part and
# covet_fake that a varchar or integer argument would pick; and domains
# public.text, public.uuid, public.json and public.bytea.  Each shadow
# (SECURITY INVOKER) writes a row into public.canary when it runs and
# otherwise behaves as the built-in does.
#
# For each key type (and two of the user's: an enum in a schema that is not
# on the search_path, a domain over varchar in public, each with shadowing
# operators of its own), every named operation (backfill, copy_field,
# transform_field, populate_field, split_field, merge_fields,
# convert_type, rename_values, dedup) runs in each mode: SELECT (atomic),
# CALL ..._commit at top level, ..._background and covet_wait,
# covet_resume after a batch failed (a trigger fails rows with n > 25), and
# covet_undo after an atomic run; then covet_seed (with a foreign key),
# covet_dumpdata and covet_loaddata (json, yaml, csv) and the runner
# (covet_define, covet_migrate_up with a data migration, covet_status,
# covet_migrate_down undoing the data migration's run).  All of it twice:
# with the default search_path (pg_catalog first, implicitly) and with
# SET search_path = public, pg_catalog (every shadow ahead of the
# built-in).  After each: the canary is empty (one test) and the result is
# right (one test).
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch shadow
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

# --- the shadows ------------------------------------------------------------------

setup=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<'EOF'
CREATE TABLE public.canary (what pg_catalog.text);
-- key types of the user's: an enum in a schema off the search_path, a domain in public
CREATE SCHEMA app;
DO $do$
BEGIN
	EXECUTE pg_catalog.format('CREATE TYPE app.mood AS ENUM (%s)',
		(SELECT pg_catalog.string_agg(pg_catalog.quote_literal(pg_catalog.concat('l', pg_catalog.lpad(pg_catalog.concat(g), 2, '0'))), ', ')
		   FROM pg_catalog.generate_series(1, 40) AS g));
END
$do$;
CREATE DOMAIN public.code AS character varying(10);
CREATE FUNCTION public.canary_hit(what pg_catalog.text) RETURNS void
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	INSERT INTO public.canary VALUES (what);
END $$;
CREATE FUNCTION public.canary_true(what pg_catalog.text) RETURNS boolean
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	PERFORM public.canary_hit(what);
	RETURN true;
END $$;

-- operators: (left, right, operators, result type or NULL for boolean)
DO $do$
DECLARE
	spec pg_catalog.text[];
	op pg_catalog.text;
	n integer := 0;
	ret pg_catalog.text;
BEGIN
	FOREACH spec SLICE 1 IN ARRAY ARRAY[
		['integer', 'integer', '= <> < <= > >= + -'],
		['bigint', 'bigint', '= <> < <= > >= + -'],
		['bigint', 'integer', '= <> < <= > >= + -'],
		['integer', 'bigint', '= <> < <= > >= + -'],
		['smallint', 'smallint', '= <> < <= > >='],
		['smallint', 'integer', '= <> < <= > >='],
		['pg_catalog.text', 'pg_catalog.text', '= <> < <= > >= || ~~'],
		['character varying', 'character varying', '= <> < <= > >= || ~~'],
		['character varying', 'pg_catalog.text', '= <> < <= > >= || ~~'],
		['pg_catalog.text', 'character varying', '= <> < <= > >= ||'],
		['pg_catalog.uuid', 'pg_catalog.uuid', '= <> < <= > >='],
		['timestamp', 'timestamp', '= <> < <= > >='],
		['pg_catalog.timestamptz', 'pg_catalog.timestamptz', '= <> < <= > >='],
		['pg_catalog.oid', 'pg_catalog.oid', '= <> < <= > >='],
		['pg_catalog.regclass', 'pg_catalog.regclass', '= <>'],
		['pg_catalog.name', 'pg_catalog.name', '= <> < <= > >='],
		['pg_catalog.name', 'pg_catalog.text', '= <> ~~'],
		['pg_catalog."char"', 'pg_catalog."char"', '= <>'],
		['boolean', 'boolean', '= <>'],
		['numeric', 'numeric', '= <> < <= > >='],
		['app.mood', 'app.mood', '= <> < <= > >='],
		['public.code', 'public.code', '= <> < <= > >=']]
	LOOP
		FOREACH op IN ARRAY pg_catalog.string_to_array(spec[3], ' ')
		LOOP
			n := n OPERATOR(pg_catalog.+) 1;
			ret := CASE WHEN op OPERATOR(pg_catalog.=) '||' THEN 'pg_catalog.text'
						WHEN op OPERATOR(pg_catalog.=) ANY (ARRAY['+', '-']) THEN
							CASE WHEN 'bigint' OPERATOR(pg_catalog.=) ANY (spec[1:2]) THEN 'bigint' ELSE 'integer' END
						ELSE 'boolean' END;
			EXECUTE pg_catalog.format(
				'CREATE FUNCTION public.shadow_op_%s(a %s, b %s) RETURNS %s '
				'LANGUAGE plpgsql SECURITY INVOKER AS $f$ BEGIN '
				'PERFORM public.canary_hit(%L); RETURN a OPERATOR(pg_catalog.%s) b; END $f$',
				n, spec[1], spec[2], ret,
				pg_catalog.format('%s(%s, %s)', op, spec[1], spec[2]), op);
			EXECUTE pg_catalog.format(
				'CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.shadow_op_%s)',
				op, spec[1], spec[2], n);
		END LOOP;
	END LOOP;
END
$do$;

-- functions: name, arguments, result, the built-in's call
DO $do$
DECLARE
	spec pg_catalog.text[];
	n integer := 0;
BEGIN
	FOREACH spec SLICE 1 IN ARRAY ARRAY[
		['lower', 'a character varying', 'pg_catalog.text', 'pg_catalog.lower(a)'],
		['lower', 'a pg_catalog.text', 'pg_catalog.text', 'pg_catalog.lower(a)'],
		['upper', 'a character varying', 'pg_catalog.text', 'pg_catalog.upper(a)'],
		['upper', 'a pg_catalog.text', 'pg_catalog.text', 'pg_catalog.upper(a)'],
		['length', 'a character varying', 'integer', 'pg_catalog.length(a)'],
		['split_part', 'a character varying, b pg_catalog.text, c integer', 'pg_catalog.text', 'pg_catalog.split_part(a, b, c)'],
		['concat_ws', 'a pg_catalog.text, b character varying, c character varying', 'pg_catalog.text', 'pg_catalog.concat_ws(a, b, c)'],
		['to_json', 'a pg_catalog.text', 'pg_catalog.json', 'pg_catalog.to_json(a)'],
		['to_json', 'a character varying', 'pg_catalog.json', 'pg_catalog.to_json(a)'],
		['to_json', 'a integer', 'pg_catalog.json', 'pg_catalog.to_json(a)'],
		['to_json', 'a pg_catalog.uuid', 'pg_catalog.json', 'pg_catalog.to_json(a)'],
		['to_json', 'a timestamp', 'pg_catalog.json', 'pg_catalog.to_json(a)'],
		['format_type', 'a pg_catalog.oid, b integer', 'pg_catalog.text', 'pg_catalog.format_type(a, b)'],
		['quote_ident', 'a pg_catalog.text', 'pg_catalog.text', 'pg_catalog.quote_ident(a)'],
		['to_regclass', 'a pg_catalog.text', 'pg_catalog.regclass', 'pg_catalog.to_regclass(a)'],
		['textregexeq', 'a pg_catalog.text, b pg_catalog.text', 'boolean', 'pg_catalog.textregexeq(a, b)'],
		['regexp_replace', 'a pg_catalog.text, b pg_catalog.text, c pg_catalog.text', 'pg_catalog.text', 'pg_catalog.regexp_replace(a, b, c)'],
		['clock_timestamp', '', 'pg_catalog.timestamptz', 'pg_catalog.clock_timestamp()'],
		['now', '', 'pg_catalog.timestamptz', 'pg_catalog.now()'],
		['translate', 'a pg_catalog.text, b pg_catalog.text, c pg_catalog.text', 'pg_catalog.text', 'pg_catalog.translate(a, b, c)'],
		['encode', 'a pg_catalog.bytea, b pg_catalog.text', 'pg_catalog.text', 'pg_catalog.encode(a, b)'],
		['decode', 'a pg_catalog.text, b pg_catalog.text', 'pg_catalog.bytea', 'pg_catalog.decode(a, b)'],
		['pg_table_is_visible', 'a pg_catalog.oid', 'boolean', 'pg_catalog.pg_table_is_visible(a)'],
		['setval', 'a pg_catalog.regclass, b bigint', 'bigint', 'pg_catalog.setval(a, b)'],
		['covet_try_cast', 'a character varying, b pg_catalog.text', 'pg_catalog.text', 'public.covet_try_cast(CAST(a AS pg_catalog.text), b)'],
		['covet_split_part', 'a character varying, b pg_catalog.text, c integer, d boolean', 'pg_catalog.text', 'public.covet_split_part(CAST(a AS pg_catalog.text), b, c, d)'],
		['covet_fake', 'a pg_catalog.text, b integer, c bigint', 'pg_catalog.text', 'public.covet_fake(a, CAST(b AS bigint), c)']]
	LOOP
		n := n OPERATOR(pg_catalog.+) 1;
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql SECURITY INVOKER AS $f$ BEGIN '
			'PERFORM public.canary_hit(%L); RETURN %s; END $f$',
			spec[1], spec[2], spec[3], pg_catalog.format('%s(%s)', spec[1], spec[2]), spec[4]);
	END LOOP;
END
$do$;

CREATE FUNCTION public.generate_series(a bigint, b bigint) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	PERFORM public.canary_hit('generate_series(bigint, bigint)');
	RETURN QUERY SELECT g FROM pg_catalog.generate_series(a, b) AS g;
END $$;

CREATE FUNCTION public.shadow_count_step(s bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	PERFORM public.canary_hit('count(*)');
	RETURN s OPERATOR(pg_catalog.+) 1;
END $$;
CREATE AGGREGATE public.count(*) (SFUNC = public.shadow_count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION public.shadow_max_step(s bigint, v bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	PERFORM public.canary_hit('max/sum(bigint)');
	RETURN pg_catalog.int8larger(s, v);
END $$;
CREATE FUNCTION public.shadow_max_step4(s bigint, v integer) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	PERFORM public.canary_hit('max(integer)');
	RETURN pg_catalog.int8larger(s, CAST(v AS bigint));
END $$;
CREATE AGGREGATE public.max(bigint) (SFUNC = public.shadow_max_step, STYPE = bigint);
CREATE AGGREGATE public.max(integer) (SFUNC = public.shadow_max_step4, STYPE = bigint);
CREATE AGGREGATE public.sum(bigint) (SFUNC = public.shadow_max_step, STYPE = bigint);

CREATE DOMAIN public.text AS pg_catalog.text CHECK (public.canary_true('domain public.text'));
CREATE DOMAIN public.uuid AS pg_catalog.uuid CHECK (public.canary_true('domain public.uuid'));
CREATE DOMAIN public.json AS pg_catalog.json CHECK (public.canary_true('domain public.json'));
CREATE DOMAIN public.bytea AS pg_catalog.bytea CHECK (public.canary_true('domain public.bytea'));

-- a batch fails on rows with n > 25 while guard.fail is true
CREATE TABLE public.guard (fail boolean NOT NULL);
INSERT INTO public.guard VALUES (false);
CREATE FUNCTION public.shadow_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
	IF (SELECT g.fail FROM public.guard AS g) AND OLD.n OPERATOR(pg_catalog.>) 25 THEN
		RAISE EXCEPTION 'forced failure at n = %', OLD.n;
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END $$;

SELECT pg_catalog.count(*) FROM pg_catalog.pg_operator WHERE oprnamespace OPERATOR(pg_catalog.=) CAST('public' AS pg_catalog.regnamespace);
EOF
)
like "$setup" '^[0-9]+$' "shadows in public: $setup operators, functions, aggregates, domains"

# The shadows work: each one, called as a built-in would be, writes the canary.
probe=$(psql -X -qAt -d "$DB" 2>&1 <<'EOF'
SET search_path = public, pg_catalog;
SELECT CAST('a' AS character varying) = CAST('a' AS character varying), lower(CAST('A' AS character varying)),
	   1 + 1, CAST('x' AS text), count(*) FROM (VALUES (1)) AS v(x);
RESET search_path;
SELECT pg_catalog.count(DISTINCT what) FROM public.canary;
TRUNCATE public.canary;
EOF
)
is "$(tail -n 1 <<<"$probe")" "5" "the shadows fire when the search_path finds them (varchar =, lower, int +, text domain, count)"

# --- the tables -------------------------------------------------------------------

# KEYS: name | key column definitions | key values from g (1..40)
KEYS=(
	"integer|id integer PRIMARY KEY|g"
	"bigint|id bigint PRIMARY KEY|CAST(pg_catalog.concat(g, '000000000') AS bigint)"
	"text|id pg_catalog.text PRIMARY KEY|pg_catalog.concat('k', pg_catalog.lpad(pg_catalog.concat(g), 3, '0'))"
	"varchar|id character varying(20) PRIMARY KEY|pg_catalog.concat('k', pg_catalog.lpad(pg_catalog.concat(g), 3, '0'))"
	"uuid|id pg_catalog.uuid PRIMARY KEY|CAST(pg_catalog.md5(pg_catalog.concat(g)) AS pg_catalog.uuid)"
	"timestamp|id timestamp PRIMARY KEY|CAST(pg_catalog.concat('2020-01-01 12:', pg_catalog.lpad(pg_catalog.concat(g), 2, '0')) AS timestamp)"
	"composite|k1 pg_catalog.text, k2 integer, PRIMARY KEY (k1, k2)|pg_catalog.concat('k', pg_catalog.mod(g, 3)), g"
	"enum|id app.mood PRIMARY KEY|CAST(pg_catalog.concat('l', pg_catalog.lpad(pg_catalog.concat(g), 2, '0')) AS app.mood)"
	"domain|id public.code PRIMARY KEY|CAST(pg_catalog.concat('c', pg_catalog.lpad(pg_catalog.concat(g), 2, '0')) AS public.code)"
)

COLS="n integer NOT NULL, s character varying(40), s2 character varying(40), p character varying(40),
	full_name character varying(80), first character varying(40), last character varying(40),
	first2 character varying(40), last2 character varying(40), full2 character varying(80),
	amount character varying(20), amount_i integer, status character varying(20), grp integer"
VALUES_FROM_G="g, pg_catalog.concat('v', g), NULL, NULL,
	pg_catalog.concat('first', g, ' last', g), NULL, NULL,
	pg_catalog.concat('a', g), pg_catalog.concat('b', g), NULL,
	pg_catalog.concat(g), NULL,
	CASE WHEN pg_catalog.mod(g, 2) OPERATOR(pg_catalog.=) 0 THEN 'NEW' ELSE 'done' END,
	pg_catalog.div(g OPERATOR(pg_catalog.+) 1, 2)"

ddl=""
for spec in "${KEYS[@]}"; do
	IFS='|' read -r name keydef keyval <<<"$spec"
	ddl+="CREATE TABLE public.k_$name ($keydef, $COLS);
CREATE TRIGGER guard BEFORE UPDATE OR DELETE ON public.k_$name FOR EACH ROW EXECUTE FUNCTION public.shadow_guard();
"
done
is "$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "$ddl" 2>&1)" "" "a table for each key type (integer, bigint, text, varchar, uuid, timestamp, composite; an enum in schema app, a domain over varchar in public)"

# --- the operations ---------------------------------------------------------------

# OPS: name | arguments after table_name | digest | before | after
OPS=(
	"backfill|set => 'n = n OPERATOR(pg_catalog.+) 1'|pg_catalog.sum(n)|820|860"
	"copy_field|source => 's', dest => 's2'|pg_catalog.count(*) FILTER (WHERE s2 OPERATOR(pg_catalog.=) s)|0|40"
	"transform_field|field => 's', expr => 'pg_catalog.upper'|pg_catalog.count(*) FILTER (WHERE s OPERATOR(pg_catalog.~~) 'V%')|0|40"
	"populate_field|field => 'p', value => '''x'''|pg_catalog.count(*) FILTER (WHERE p OPERATOR(pg_catalog.=) 'x')|0|40"
	"split_field|source => 'full_name', dests => 'first, last'|pg_catalog.count(*) FILTER (WHERE first OPERATOR(pg_catalog.=) pg_catalog.concat('first', n) AND last OPERATOR(pg_catalog.=) pg_catalog.concat('last', n))|0|40"
	"merge_fields|sources => 'first2, last2', dest => 'full2'|pg_catalog.count(*) FILTER (WHERE full2 OPERATOR(pg_catalog.=) pg_catalog.concat('a', n, ' b', n))|0|40"
	"convert_type|field => 'amount', target_type => 'integer', dest => 'amount_i'|COALESCE(pg_catalog.sum(amount_i), 0)|0|820"
	"rename_values|field => 'status', mapping => '{\"new\": \"pending\"}', case_sensitive => false|pg_catalog.count(*) FILTER (WHERE status OPERATOR(pg_catalog.=) 'pending')|0|20"
	"dedup|unique_fields => 'grp'|pg_catalog.count(*)|40|20"
)

# one_mode TABLE KEYVAL OP ARGS DIGEST MODE TAG: the SQL of one run
one_mode() {
	local table=$1 keyval=$2 op=$3 args=$4 digest=$5 mode=$6 tag=$7
	local call="table_name => '$table', $args, batch_size => 10"
	cat <<EOF
RESET search_path;
TRUNCATE public.$table;
INSERT INTO public.$table SELECT $keyval, $VALUES_FROM_G FROM pg_catalog.generate_series(1, 40) AS g;
UPDATE public.guard SET fail = false;
TRUNCATE public.canary;
\\set mid ''
$SET_PATH
EOF
	case $mode in
		atomic)
			echo "SELECT covet_$op($call) AS rid \\gset" ;;
		commit)
			echo "CALL covet_${op}_commit($call);" ;;
		background)
			echo "SELECT covet_${op}_background($call) AS rid \\gset"
			echo "SELECT covet_wait(:rid) AS state \\gset" ;;
		resume)
			echo "UPDATE public.guard SET fail = true;"
			echo "CALL covet_${op}_commit($call);"
			echo "UPDATE public.guard SET fail = false;"
			echo "SELECT pg_catalog.max(id) AS rid FROM covet.runs \\gset"
			echo "SELECT covet_resume(:rid) AS resumed \\gset" ;;
		undo)
			echo "SELECT covet_$op($call) AS rid \\gset"
			echo "SELECT pg_catalog.concat(($digest), ';') AS mid FROM public.$table \\gset"
			echo "SELECT covet_undo(:rid) AS undone \\gset" ;;
	esac
	cat <<EOF
RESET search_path;
SELECT pg_catalog.concat_ws('|', 'RESULT', '$tag',
	(SELECT pg_catalog.count(*) FROM public.canary),
	pg_catalog.concat(:'mid', (SELECT $digest FROM public.$table)),
	(SELECT pg_catalog.string_agg(DISTINCT what, ', ') FROM public.canary));
EOF
}

# run_script NAME SQL: run it, print its RESULT lines; errors go to $TMP/NAME.err
run_script() {
	psql -X -qAt -d "$DB" -f - 2>"$TMP/$1.err" <<<"$2" | grep '^RESULT|'
}

# check_results LINES EXPECTED...: TAP for each "RESULT|tag|canary|digest|hits" line
# (EXPECTED is "tag=digest" for each line, in order)
check_results() {
	local lines=$1 errfile=$2 want tag got canary digest hits
	shift 2
	for want in "$@"; do
		tag=${want%%=*}
		got=$(grep -F "RESULT|$tag|" <<<"$lines" | head -n 1)
		IFS='|' read -r _ _ canary digest hits <<<"$got"
		if [ -z "$got" ]; then
			not_ok "$tag: ran" "$(tail -n 5 "$errfile")"
			not_ok "$tag: right result" "no result line"
			continue
		fi
		is "$canary" "0" "$tag: no shadow ran${hits:+ ($hits)}"
		if [ "$digest" = "${want#*=}" ]; then
			ok "$tag: right result"
		else
			not_ok "$tag: right result" "got:  '$digest'
want: '${want#*=}'
$(grep -m 3 ERROR "$errfile")"
		fi
	done
}

for path in default public; do
	if [ "$path" = default ]; then
		SET_PATH="RESET search_path;"
		pathname="default search_path"
	else
		SET_PATH="SET search_path = public, pg_catalog;"
		pathname="search_path public, pg_catalog"
	fi
	for spec in "${KEYS[@]}"; do
		IFS='|' read -r kname _ keyval <<<"$spec"
		sql="\\set ON_ERROR_STOP 0
"
		wants=()
		for opspec in "${OPS[@]}"; do
			IFS='|' read -r op args digest before after <<<"$opspec"
			for mode in atomic commit background resume undo; do
				tag="$op $mode on a $kname key, $pathname"
				sql+=$(one_mode "k_$kname" "$keyval" "$op" "$args" "$digest" "$mode" "$tag")
				sql+="
"
				if [ "$mode" = undo ]; then
					wants+=("$tag=$after;$before")
				else
					wants+=("$tag=$after")
				fi
			done
		done
		lines=$(run_script "ops-$path-$kname" "$sql")
		check_results "$lines" "$TMP/ops-$path-$kname.err" "${wants[@]}"
	done
done

# --- the batch range still uses the primary key index ------------------------------

# auto_explain shows the plan of every statement covet runs (LOG messages to
# the client): with the operators written OPERATOR(pg_catalog.>) and the keys
# cast to pg_catalog's types, each batch's range is an index condition (an
# index, index-only or bitmap index scan of the primary key; the planner
# picks, as it did for the bare operators, which are the same operators).
q "CREATE TABLE public.big_int (id integer PRIMARY KEY, n integer NOT NULL);
   CREATE TABLE public.big_varchar (id character varying(20) PRIMARY KEY, n integer NOT NULL);
   CREATE TABLE public.big_composite (k1 pg_catalog.text, k2 integer, n integer NOT NULL, PRIMARY KEY (k1, k2));
   INSERT INTO public.big_int SELECT g, g FROM pg_catalog.generate_series(1, 20000) AS g;
   INSERT INTO public.big_varchar SELECT pg_catalog.concat('k', pg_catalog.lpad(pg_catalog.concat(g), 6, '0')), g
	 FROM pg_catalog.generate_series(1, 20000) AS g;
   INSERT INTO public.big_composite SELECT pg_catalog.concat('k', pg_catalog.mod(g, 7)), g, g
	 FROM pg_catalog.generate_series(1, 20000) AS g;
   ANALYZE public.big_int, public.big_varchar, public.big_composite" >/dev/null
for path in default public; do
	for kname in int varchar composite; do
		plans=$(psql -X -qAt -d "$DB" 2>&1 <<EOF
TRUNCATE public.canary;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = true;
SET client_min_messages = log;
$([ "$path" = public ] && echo "SET search_path = public, pg_catalog;")
SELECT covet_backfill('big_$kname', 'n = n OPERATOR(pg_catalog.+) 1', 1000);
RESET search_path;
RESET client_min_messages;
SELECT pg_catalog.concat('CANARY ', pg_catalog.count(*)) FROM public.canary;
EOF
)
		seq=$(grep -c "Seq Scan on big_$kname" <<<"$plans")
		idx=$(grep -c -E "Index (Only )?Scan (Backward )?using big_${kname}_pkey on big_$kname|Bitmap Index Scan on big_${kname}_pkey" <<<"$plans")
		if [ "$seq" -eq 0 ] && [ "$idx" -ge 40 ] && grep -q '^CANARY 0$' <<<"$plans"; then
			ok "EXPLAIN: a backfill on big_$kname in 20 batches ($path search_path) scans it by its primary key index only ($idx index scans, no sequential scan)"
		else
			not_ok "EXPLAIN: a backfill on big_$kname in 20 batches ($path search_path) scans it by its primary key index only" \
				"$idx index scans, $seq sequential scans; $(grep -m 1 -E 'CANARY|ERROR' <<<"$plans")"
		fi
	done
done

# --- seeding, fixtures, the runner ------------------------------------------------

q "CREATE TABLE public.seed_p (id integer PRIMARY KEY, name pg_catalog.text, email character varying(80),
	u pg_catalog.uuid, at timestamp, price numeric(10,2), flag boolean, day pg_catalog.date, doc pg_catalog.json);
   CREATE TABLE public.seed_c (id bigint PRIMARY KEY, parent_id integer NOT NULL REFERENCES public.seed_p,
	note character varying(30));
   CREATE TABLE public.fx_p (id character varying(10) PRIMARY KEY, t pg_catalog.text, u pg_catalog.uuid, ts timestamp,
	b pg_catalog.bytea, j pg_catalog.jsonb, a integer[], n numeric(8,2), serial_no serial);
   CREATE TABLE public.fx_c (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	p character varying(10) REFERENCES public.fx_p, note pg_catalog.text);
   CREATE TABLE public.rm_data (id character varying(10) PRIMARY KEY, n integer NOT NULL);" >/dev/null

# digests of the fixture tables (both; fx_p alone), to compare after a load
FXP_ROWS="(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(',', id, t, u, ts, pg_catalog.encode(b, 'hex'), j, a, n, serial_no), ';' ORDER BY id) FROM public.fx_p)"
FX_DIGEST="SELECT pg_catalog.md5(pg_catalog.concat($FXP_ROWS,
	(SELECT pg_catalog.string_agg(pg_catalog.concat_ws(',', id, p, note), ';' ORDER BY id) FROM public.fx_c)))"
FXP_DIGEST="SELECT pg_catalog.md5($FXP_ROWS)"
FX_FILL="TRUNCATE public.fx_c, public.fx_p;
INSERT INTO public.fx_p (id, t, u, ts, b, j, a, n, serial_no)
	SELECT pg_catalog.concat('p', g), pg_catalog.concat('text ', g), CAST(pg_catalog.md5(pg_catalog.concat(g)) AS pg_catalog.uuid),
	CAST(pg_catalog.concat('2021-02-03 04:05:', pg_catalog.lpad(pg_catalog.concat(g), 2, '0')) AS timestamp),
	pg_catalog.convert_to(pg_catalog.concat('bytes', g), 'UTF8'), CAST(pg_catalog.concat('{\"k\": ', g, '}') AS pg_catalog.jsonb),
	ARRAY[g, g], CAST(pg_catalog.concat(g, '.25') AS numeric), g FROM pg_catalog.generate_series(1, 12) AS g;
INSERT INTO public.fx_c (id, p, note) SELECT g, pg_catalog.concat('p', g), pg_catalog.concat('note ', g) FROM pg_catalog.generate_series(1, 12) AS g;"
q "$FX_FILL" >/dev/null
fxp_before=$(q "$FXP_DIGEST")
fx_before=$(q "$FX_DIGEST")

for path in default public; do
	if [ "$path" = default ]; then
		SET_PATH="RESET search_path;"
		pathname="default search_path"
	else
		SET_PATH="SET search_path = public, pg_catalog;"
		pathname="search_path public, pg_catalog"
	fi
	pre="RESET search_path;
TRUNCATE public.canary;
\\set mid ''
$SET_PATH"
	post() {
		cat <<EOF
RESET search_path;
SELECT pg_catalog.concat_ws('|', 'RESULT', '$1', (SELECT pg_catalog.count(*) FROM public.canary),
	pg_catalog.concat(:'mid', ($2)), (SELECT pg_catalog.string_agg(DISTINCT what, ', ') FROM public.canary));
EOF
	}
	sql="\\set ON_ERROR_STOP 0
RESET search_path;
TRUNCATE public.seed_c, public.seed_p;
$pre
SELECT covet_seed('seed_p', 30) AS r \\gset
SELECT covet_seed('seed_c', 50) AS r \\gset
$(post "covet_seed, $pathname" "SELECT pg_catalog.concat((SELECT pg_catalog.count(*) FROM public.seed_p), ' ', (SELECT pg_catalog.count(*) FROM public.seed_c), ' ', (SELECT pg_catalog.count(*) FROM public.seed_c AS c JOIN public.seed_p AS p ON p.id OPERATOR(pg_catalog.=) c.parent_id))")
"
	wants=("covet_seed, $pathname=30 50 50")
	for fmt in json yaml csv; do
		tables="fx_p, fx_c"
		[ "$fmt" = csv ] && tables="fx_p"
		tag="covet_dumpdata and covet_loaddata ($fmt), $pathname"
		sql+="RESET search_path;
$FX_FILL
$pre
SELECT covet_dumpdata('$tables', '$fmt') AS dump \\gset
RESET search_path;
TRUNCATE public.fx_c, public.fx_p;
$SET_PATH
SELECT covet_loaddata(:'dump', '$fmt', 'error'$([ "$fmt" = csv ] && echo ", 'fx_p'")) AS loaded \\gset
"
		if [ "$fmt" = csv ]; then
			sql+="$(post "$tag" "$FXP_DIGEST")
"
			wants+=("$tag=$fxp_before")
		else
			sql+="$(post "$tag" "$FX_DIGEST")
"
			wants+=("$tag=$fx_before")
		fi
	done
	sql+="RESET search_path;
TRUNCATE public.rm_data;
INSERT INTO public.rm_data SELECT pg_catalog.concat('r', pg_catalog.lpad(pg_catalog.concat(g), 3, '0')), g FROM pg_catalog.generate_series(1, 40) AS g;
DROP TABLE IF EXISTS public.rm_schema;
DELETE FROM covet.history; DELETE FROM covet.applied; DELETE FROM covet.migrations;
$pre
SELECT covet_define('m1_schema', 'CREATE TABLE public.rm_schema (id integer PRIMARY KEY)', 'DROP TABLE public.rm_schema') AS r \\gset
SELECT covet_define('m2_data', 'SELECT covet_backfill(''public.rm_data'', ''n = n OPERATOR(pg_catalog.+) 100'', 10)', NULL, 'm1_schema', 'data') AS r \\gset
SELECT covet_migrate_up() AS r \\gset
SELECT pg_catalog.string_agg(pg_catalog.concat(name, ':', state), ' ' ORDER BY name) AS mid FROM covet_status() \\gset
$(post "covet_define, covet_migrate_up, covet_status, $pathname" "SELECT pg_catalog.concat(' ', pg_catalog.sum(n), ' ', pg_catalog.to_regclass('public.rm_schema') IS NOT NULL) FROM public.rm_data")
$pre
SELECT covet_migrate_down(2) AS r \\gset
SELECT pg_catalog.string_agg(pg_catalog.concat(name, ':', state), ' ' ORDER BY name) AS mid FROM covet_status() \\gset
$(post "covet_migrate_down undoing the data migration run, covet_status, $pathname" "SELECT pg_catalog.concat(' ', pg_catalog.sum(n), ' ', pg_catalog.to_regclass('public.rm_schema') IS NOT NULL) FROM public.rm_data")
"
	wants+=("covet_define, covet_migrate_up, covet_status, $pathname=m1_schema:applied m2_data:applied 4820 t")
	wants+=("covet_migrate_down undoing the data migration run, covet_status, $pathname=m1_schema:pending m2_data:pending 820 f")
	lines=$(run_script "more-$path" "$sql")
	check_results "$lines" "$TMP/more-$path.err" "${wants[@]}"
done

done_testing
