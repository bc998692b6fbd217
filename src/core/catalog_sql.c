/*-------------------------------------------------------------------------
 *
 * catalog_sql.c
 *		The catalog's query sets: one for PostgreSQL (pg_catalog), one for
 *		SQLite (sqlite_schema and the pragma table-valued functions).
 *
 * Every query takes the schema's real name as {1} and returns its rows in
 * the order catalog.c reads them (by table, then position).  Lists (a
 * constraint's columns, an enum's values) come as JSON arrays.  The
 * PostgreSQL set runs with search_path set to the schema alone (before /
 * after), so the definitions it prints name the schema's own objects
 * unqualified and two schemas holding the same objects read the same;
 * every operator and function in it is pg_catalog's ({=}, {pg}), and it
 * writes no IN (...) or CASE x WHEN, which would take "=" from that
 * search_path.  Objects that belong to an extension are left out.
 *
 * SQLite: "%D" is the quoted database name ("main"."sqlite_schema"); the
 * pragma functions take the name as their schema argument.  Its checks
 * and generated expressions are not exposed by any pragma: they are in the
 * table's CREATE text, which the diff compares.  covet's own tables
 * (covet_*) are not part of any SQLite schema read here.
 *
 * Templates must not hold "{" other than covet_sql_expand's ("{1}", "{=}",
 * "{pg}"): an array literal is written ARRAY[...].
 *
 *-------------------------------------------------------------------------
 */
#include "catalog.h"

/* Not a member of an extension: needs the object's class and oid. */
#define PG_NOT_EXT(cls, oid) \
" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid {=} CAST('" cls "' AS pg_catalog.regclass)" \
" AND e.objid {=} " oid " AND e.deptype {=} 'e')"

#define PG_NSP " n.nspname {=} {1}"

/* The type as a cast spells it, whatever the search_path (dialect.c). */
#define PG_FORMAT_TYPE \
"pg_catalog.format_type(a.atttypid, a.atttypmod)"

/* name, comment, rows (estimate) */
static const char pg_tables[] =
"SELECT c.relname, pg_catalog.obj_description(c.oid, 'pg_class'),"
" CAST(c.reltuples AS pg_catalog.int8), NULL, false, false, false"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND c.relkind {=} 'r' AND NOT c.relispartition"
PG_NOT_EXT("pg_class", "c.oid")
" ORDER BY c.relname";

/*
 * table, column, type, cast type, default, not null, identity, generated,
 * generation expression, key position, filled by the database, unique,
 * collation (when not the type's), comment, identity options ("START WITH
 * 1 INCREMENT BY 1", from the identity's sequence)
 */
static const char pg_columns[] =
"SELECT c.relname, a.attname, " PG_FORMAT_TYPE ", " PG_FORMAT_TYPE ","
" CASE WHEN a.attgenerated {=} '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,"
" a.attnotnull, CAST(a.attidentity AS pg_catalog.text), CAST(a.attgenerated AS pg_catalog.text),"
" CASE WHEN a.attgenerated {<>} '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,"
" COALESCE((SELECT k.i {+} 1 FROM pg_catalog.pg_index x,"
" pg_catalog.generate_subscripts(x.indkey, 1) AS k(i)"
" WHERE x.indrelid {=} c.oid AND x.indisprimary AND x.indkey[k.i] {=} a.attnum), 0),"
" a.attidentity {<>} '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) {~~} 'nextval(%', false),"
" EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indrelid {=} c.oid AND x.indisunique"
" AND x.indnkeyatts {=} 1 AND x.indkey[0] {=} a.attnum AND x.indpred IS NULL),"
" CASE WHEN a.attcollation {<>} t.typcollation THEN (SELECT pg_catalog.quote_ident(co.collname)"
" FROM pg_catalog.pg_collation co WHERE co.oid {=} a.attcollation) END,"
" pg_catalog.col_description(c.oid, a.attnum),"
" CASE WHEN a.attidentity {<>} '' THEN (SELECT pg_catalog.concat('START WITH ', s.seqstart,"
" ' INCREMENT BY ', s.seqincrement) FROM pg_catalog.pg_depend dd"
" JOIN pg_catalog.pg_sequence s ON s.seqrelid {=} dd.objid"
" WHERE dd.classid {=} CAST('pg_class' AS pg_catalog.regclass) AND dd.refclassid {=} CAST('pg_class' AS pg_catalog.regclass)"
" AND dd.refobjid {=} c.oid AND dd.refobjsubid {=} a.attnum AND dd.deptype {=} 'i') END"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} c.oid AND a.attnum {>} 0 AND NOT a.attisdropped"
" JOIN pg_catalog.pg_type t ON t.oid {=} a.atttypid"
" LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid {=} c.oid AND d.adnum {=} a.attnum"
" WHERE" PG_NSP " AND c.relkind {=} 'r' AND NOT c.relispartition"
" ORDER BY c.relname, a.attnum";

/*
 * table, name, kind, columns (JSON), check expression, referenced table,
 * referenced columns (JSON), on delete, on update, deferrable, deferred,
 * validated, definition, comment
 */
static const char pg_constraints[] =
"SELECT c.relname, con.conname, CAST(con.contype AS pg_catalog.text),"
" (SELECT pg_catalog.json_agg(a.attname ORDER BY k.i) FROM pg_catalog.generate_subscripts(con.conkey, 1) AS k(i)"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} con.conrelid AND a.attnum {=} con.conkey[k.i]),"
" CASE WHEN con.contype {=} 'c' THEN pg_catalog.pg_get_expr(con.conbin, con.conrelid) END,"
" (SELECT CASE WHEN pn.oid {=} n.oid THEN pc.relname"
" ELSE pg_catalog.concat(pg_catalog.quote_ident(pn.nspname), '.', pg_catalog.quote_ident(pc.relname)) END"
" FROM pg_catalog.pg_class pc JOIN pg_catalog.pg_namespace pn ON pn.oid {=} pc.relnamespace"
" WHERE pc.oid {=} con.confrelid),"
" (SELECT pg_catalog.json_agg(a.attname ORDER BY k.i) FROM pg_catalog.generate_subscripts(con.confkey, 1) AS k(i)"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} con.confrelid AND a.attnum {=} con.confkey[k.i]),"
" CAST(con.confdeltype AS pg_catalog.text), CAST(con.confupdtype AS pg_catalog.text),"
" con.condeferrable, con.condeferred, con.convalidated,"
" pg_catalog.pg_get_constraintdef(con.oid), pg_catalog.obj_description(con.oid, 'pg_constraint')"
" FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid {=} con.conrelid"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND c.relkind {=} 'r' AND NOT c.relispartition"
" AND con.contype {=} ANY (ARRAY['p', 'u', 'c', 'f', 'x']::pg_catalog.\"char\"[]) AND con.conislocal"
" ORDER BY c.relname, con.conname";

/*
 * table, name, unique, method, columns (JSON, null for an expression),
 * expressions (JSON), predicate, definition (what follows the table in
 * pg_get_indexdef: " USING btree (a) WHERE ..."), constraint, comment
 */
static const char pg_indexes[] =
"SELECT c.relname, ic.relname, x.indisunique, am.amname,"
" (SELECT pg_catalog.json_agg(a.attname ORDER BY k.i) FROM pg_catalog.generate_series(0, x.indnkeyatts {-} 1) AS k(i)"
" LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid {=} c.oid AND a.attnum {=} x.indkey[k.i] AND a.attnum {>} 0),"
" (SELECT pg_catalog.json_agg(CASE WHEN x.indkey[k.i] {=} 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.i {+} 1, true) END ORDER BY k.i)"
" FROM pg_catalog.generate_series(0, x.indnkeyatts {-} 1) AS k(i)),"
" pg_catalog.pg_get_expr(x.indpred, x.indrelid),"
" pg_catalog.substr(pg_catalog.pg_get_indexdef(x.indexrelid),"
" pg_catalog.strpos(pg_catalog.pg_get_indexdef(x.indexrelid), ' USING ')),"
" (SELECT con.conname FROM pg_catalog.pg_constraint con WHERE con.conindid {=} x.indexrelid"
" AND con.conrelid {=} c.oid AND con.contype {=} ANY (ARRAY['p', 'u', 'x']::pg_catalog.\"char\"[])),"
" pg_catalog.obj_description(ic.oid, 'pg_class')"
" FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid {=} x.indrelid"
" JOIN pg_catalog.pg_class ic ON ic.oid {=} x.indexrelid"
" JOIN pg_catalog.pg_am am ON am.oid {=} ic.relam"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND c.relkind {=} 'r' AND NOT c.relispartition"
" ORDER BY c.relname, ic.relname";

/* name, definition, materialized, comment */
static const char pg_views[] =
"SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid), false, pg_catalog.obj_description(c.oid, 'pg_class')"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND c.relkind {=} 'v'" PG_NOT_EXT("pg_class", "c.oid")
" ORDER BY c.relname";

/* view, kind of what it uses ("table", "view", "function"), its name */
static const char pg_view_deps[] =
"SELECT DISTINCT v.relname, CASE WHEN d.refclassid {=} CAST('pg_proc' AS pg_catalog.regclass) THEN 'function'"
" WHEN rc.relkind {=} 'v' THEN 'view' ELSE 'table' END,"
" CASE WHEN d.refclassid {=} CAST('pg_proc' AS pg_catalog.regclass)"
" THEN (SELECT pg_catalog.concat(p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')')"
" FROM pg_catalog.pg_proc p WHERE p.oid {=} d.refobjid) ELSE rc.relname END"
" FROM pg_catalog.pg_class v JOIN pg_catalog.pg_namespace n ON n.oid {=} v.relnamespace"
" JOIN pg_catalog.pg_rewrite r ON r.ev_class {=} v.oid"
" JOIN pg_catalog.pg_depend d ON d.classid {=} CAST('pg_rewrite' AS pg_catalog.regclass) AND d.objid {=} r.oid"
" LEFT JOIN pg_catalog.pg_class rc ON d.refclassid {=} CAST('pg_class' AS pg_catalog.regclass) AND rc.oid {=} d.refobjid"
" WHERE" PG_NSP " AND v.relkind {=} 'v' AND d.refobjid {<>} v.oid"
" AND (rc.relnamespace {=} n.oid OR (d.refclassid {=} CAST('pg_proc' AS pg_catalog.regclass)"
" AND (SELECT p.pronamespace FROM pg_catalog.pg_proc p WHERE p.oid {=} d.refobjid) {=} n.oid))"
" ORDER BY 1, 2, 3";

/* name, type, start, increment, min, max, cache, cycle, owned by, comment */
static const char pg_sequences[] =
"SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
" s.seqmin, s.seqmax, s.seqcache, s.seqcycle,"
" (SELECT pg_catalog.concat(tc.relname, '.', a.attname) FROM pg_catalog.pg_depend d"
" JOIN pg_catalog.pg_class tc ON tc.oid {=} d.refobjid"
" JOIN pg_catalog.pg_attribute a ON a.attrelid {=} d.refobjid AND a.attnum {=} d.refobjsubid"
" WHERE d.classid {=} CAST('pg_class' AS pg_catalog.regclass) AND d.objid {=} c.oid"
" AND d.refclassid {=} CAST('pg_class' AS pg_catalog.regclass) AND d.deptype {=} 'a'),"
" pg_catalog.obj_description(c.oid, 'pg_class')"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" JOIN pg_catalog.pg_sequence s ON s.seqrelid {=} c.oid"
" WHERE" PG_NSP " AND c.relkind {=} 'S'" PG_NOT_EXT("pg_class", "c.oid")
" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid {=} CAST('pg_class' AS pg_catalog.regclass)"
" AND d.objid {=} c.oid AND d.deptype {=} 'i')"
" ORDER BY c.relname";

/* name, values (JSON, in order), comment */
static const char pg_enums[] =
"SELECT t.typname, (SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)"
" FROM pg_catalog.pg_enum e WHERE e.enumtypid {=} t.oid),"
" pg_catalog.obj_description(t.oid, 'pg_type')"
" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid {=} t.typnamespace"
" WHERE" PG_NSP " AND t.typtype {=} 'e'" PG_NOT_EXT("pg_type", "t.oid")
" ORDER BY t.typname";

/*
 * name, signature, kind, definition (pg_get_functiondef after the
 * qualified name: "(a integer)\n RETURNS ..."), comment
 */
static const char pg_functions[] =
"SELECT p.proname, pg_catalog.concat(p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')'),"
" CAST(p.prokind AS pg_catalog.text),"
" pg_catalog.substr(pg_catalog.pg_get_functiondef(p.oid),"
" pg_catalog.length(pg_catalog.concat('CREATE OR REPLACE ',"
" CASE WHEN p.prokind {=} 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, ' ',"
" pg_catalog.quote_ident(n.nspname), '.', pg_catalog.quote_ident(p.proname))) {+} 1),"
" pg_catalog.obj_description(p.oid, 'pg_proc')"
" FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid {=} p.pronamespace"
" WHERE" PG_NSP " AND p.prokind {<>} 'a'" PG_NOT_EXT("pg_proc", "p.oid")
" ORDER BY 2";

/* name, table, definition, function it runs (signature), comment */
static const char pg_triggers[] =
"SELECT tg.tgname, c.relname, pg_catalog.pg_get_triggerdef(tg.oid, true),"
" (SELECT pg_catalog.concat(p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')')"
" FROM pg_catalog.pg_proc p WHERE p.oid {=} tg.tgfoid AND p.pronamespace {=} n.oid),"
" pg_catalog.obj_description(tg.oid, 'pg_trigger')"
" FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid {=} tg.tgrelid"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND NOT tg.tgisinternal AND c.relkind {=} 'r'"
" ORDER BY c.relname, tg.tgname";

/* kind, name, definition: what the model does not cover */
static const char pg_others[] =
"SELECT k, nm, df FROM ("
" SELECT CASE WHEN c.relkind {=} 'm' THEN 'materialized view' WHEN c.relkind {=} 'p' THEN 'partitioned table'"
" WHEN c.relkind {=} 'f' THEN 'foreign table' WHEN c.relkind {=} 'c' THEN 'composite type'"
" WHEN c.relispartition THEN 'partition' END AS k, c.relname AS nm,"
" CASE WHEN c.relkind {=} 'm' THEN pg_catalog.pg_get_viewdef(c.oid) END AS df"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND (c.relkind {=} ANY (ARRAY['m', 'p', 'f', 'c']::pg_catalog.\"char\"[]) OR c.relispartition)"
PG_NOT_EXT("pg_class", "c.oid")
" UNION ALL SELECT CASE WHEN t.typtype {=} 'd' THEN 'domain' WHEN t.typtype {=} 'r' THEN 'range type'"
" ELSE 'type' END, t.typname, NULL"
" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid {=} t.typnamespace"
" WHERE" PG_NSP " AND t.typtype {=} ANY (ARRAY['d', 'r', 'b']::pg_catalog.\"char\"[]) AND t.typelem {=} 0"
PG_NOT_EXT("pg_type", "t.oid")
" UNION ALL SELECT 'aggregate', pg_catalog.concat(p.proname, '(', pg_catalog.pg_get_function_identity_arguments(p.oid), ')'), NULL"
" FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid {=} p.pronamespace"
" WHERE" PG_NSP " AND p.prokind {=} 'a'" PG_NOT_EXT("pg_proc", "p.oid")
" UNION ALL SELECT 'policy', pg_catalog.concat(c.relname, '.', po.polname), NULL"
" FROM pg_catalog.pg_policy po JOIN pg_catalog.pg_class c ON c.oid {=} po.polrelid"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace WHERE" PG_NSP
" UNION ALL SELECT 'rule', pg_catalog.concat(c.relname, '.', r.rulename), pg_catalog.pg_get_ruledef(r.oid)"
" FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid {=} r.ev_class"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace WHERE" PG_NSP " AND r.rulename {<>} '_RETURN'"
" UNION ALL SELECT 'row level security', c.relname, NULL"
" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
" WHERE" PG_NSP " AND c.relrowsecurity"
" UNION ALL SELECT 'table inheritance', pg_catalog.concat(c.relname, ' inherits ', p.relname), NULL"
" FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid {=} i.inhrelid"
" JOIN pg_catalog.pg_class p ON p.oid {=} i.inhparent"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace WHERE" PG_NSP " AND NOT c.relispartition"
" UNION ALL SELECT 'collation', co.collname, NULL FROM pg_catalog.pg_collation co"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} co.collnamespace WHERE" PG_NSP
PG_NOT_EXT("pg_collation", "co.oid")
" UNION ALL SELECT 'statistics object', st.stxname, NULL FROM pg_catalog.pg_statistic_ext st"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} st.stxnamespace WHERE" PG_NSP
" UNION ALL SELECT 'text search configuration', cf.cfgname, NULL FROM pg_catalog.pg_ts_config cf"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} cf.cfgnamespace WHERE" PG_NSP
PG_NOT_EXT("pg_ts_config", "cf.oid")
" UNION ALL SELECT 'text search dictionary', dc.dictname, NULL FROM pg_catalog.pg_ts_dict dc"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} dc.dictnamespace WHERE" PG_NSP
PG_NOT_EXT("pg_ts_dict", "dc.oid")
" UNION ALL SELECT 'operator', pg_catalog.concat(o.oprname, '(', pg_catalog.format_type(o.oprleft, NULL), ', ',"
" pg_catalog.format_type(o.oprright, NULL), ')'), NULL FROM pg_catalog.pg_operator o"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} o.oprnamespace WHERE" PG_NSP
PG_NOT_EXT("pg_operator", "o.oid")
" UNION ALL SELECT 'operator family', f.opfname, NULL FROM pg_catalog.pg_opfamily f"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} f.opfnamespace WHERE" PG_NSP
PG_NOT_EXT("pg_opfamily", "f.oid")
" UNION ALL SELECT 'conversion', cv.conname, NULL FROM pg_catalog.pg_conversion cv"
" JOIN pg_catalog.pg_namespace n ON n.oid {=} cv.connamespace WHERE" PG_NSP
PG_NOT_EXT("pg_conversion", "cv.oid")
" ) AS o ORDER BY 1, 2";

static const CovetCatalogSql pg_sql = {
	.schema_exists = "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE" PG_NSP,
	.before = "SELECT pg_catalog.current_setting('search_path'),"
	" pg_catalog.set_config('search_path', pg_catalog.quote_ident({1}), true)",
	.after = "SELECT pg_catalog.set_config('search_path', {1}, true)",
	.tables = pg_tables,
	.columns = pg_columns,
	.constraints = pg_constraints,
	.indexes = pg_indexes,
	.views = pg_views,
	.view_deps = pg_view_deps,
	.sequences = pg_sequences,
	.enums = pg_enums,
	.functions = pg_functions,
	.function_deps = NULL,
	.triggers = pg_triggers,
	.others = pg_others,
	.count_rows = "SELECT {pg}count(*) FROM %T",
	.sample = "SELECT {pg}count(*)%S FROM %T",
	.sample_column = ", pg_catalog.min(CAST(%C AS pg_catalog.text)), pg_catalog.max(CAST(%C AS pg_catalog.text))",
	.resolve = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
	" JOIN pg_catalog.pg_namespace n ON n.oid {=} c.relnamespace"
	" WHERE c.oid {=} pg_catalog.to_regclass({2})",
};

/* SQLite: a user table of database %D (not SQLite's, not covet's). */
#define SL_USER_TABLE(m) \
" " m ".type = 'table' AND " m ".name NOT LIKE 'sqlite\\_%' ESCAPE '\\'" \
" AND " m ".name NOT LIKE 'covet\\_%' ESCAPE '\\' AND " m ".sql NOT LIKE 'CREATE VIRTUAL%'"

static const char sl_tables[] =
"SELECT m.name, NULL, -1, m.sql, l.wr, l.strict,"
" m.sql LIKE '%AUTOINCREMENT%'"
" FROM %D.sqlite_schema AS m JOIN pragma_table_list(m.name) AS l ON l.schema = {1}"
" WHERE" SL_USER_TABLE("m") " ORDER BY m.name";

static const char sl_columns[] =
"SELECT m.name, p.name, p.type, p.type, p.dflt_value, p.\"notnull\", '',"
" CASE p.hidden WHEN 2 THEN 'v' WHEN 3 THEN 's' ELSE '' END, NULL, p.pk,"
" p.pk = 1 AND upper(p.type) = 'INTEGER' AND NOT l.wr"
" AND (SELECT count(*) FROM pragma_table_info(m.name, {1}) AS q WHERE q.pk > 0) = 1,"
" EXISTS (SELECT 1 FROM pragma_index_list(m.name, {1}) AS i WHERE i.\"unique\" AND NOT i.partial"
" AND (SELECT count(*) FROM pragma_index_info(i.name, {1})) = 1"
" AND (SELECT ii.name FROM pragma_index_info(i.name, {1}) AS ii) = p.name),"
" NULL, NULL, NULL"
" FROM %D.sqlite_schema AS m JOIN pragma_table_list(m.name) AS l ON l.schema = {1},"
" pragma_table_xinfo(m.name, {1}) AS p"
" WHERE" SL_USER_TABLE("m") " AND p.hidden <> 1 ORDER BY m.name, p.cid";

static const char sl_constraints[] =
"SELECT t, nm, k, cols, NULL, rt, rcols, od, ou, 0, 0, 1, NULL, NULL FROM ("
" SELECT m.name AS t, '' AS nm, 'p' AS k,"
" (SELECT json_group_array(name) FROM (SELECT p.name FROM pragma_table_info(m.name, {1}) AS p"
" WHERE p.pk > 0 ORDER BY p.pk)) AS cols, NULL AS rt, NULL AS rcols, NULL AS od, NULL AS ou, 0 AS o"
" FROM %D.sqlite_schema AS m WHERE" SL_USER_TABLE("m")
" AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, {1}) AS p WHERE p.pk > 0)"
" UNION ALL SELECT m.name, '', 'u',"
" (SELECT json_group_array(name) FROM (SELECT ii.name FROM pragma_index_info(i.name, {1}) AS ii ORDER BY ii.seqno)),"
" NULL, NULL, NULL, NULL, 1 + i.seq"
" FROM %D.sqlite_schema AS m, pragma_index_list(m.name, {1}) AS i"
" WHERE" SL_USER_TABLE("m") " AND i.origin = 'u'"
" UNION ALL SELECT m.name, '', 'f', json_group_array(f.\"from\"), f.\"table\","
" json_group_array(f.\"to\"), f.on_delete, f.on_update, 1000 + f.id"
" FROM %D.sqlite_schema AS m, pragma_foreign_key_list(m.name, {1}) AS f"
" WHERE" SL_USER_TABLE("m") " GROUP BY m.name, f.id"
") ORDER BY t, o";

static const char sl_indexes[] =
"SELECT m.tbl_name, m.name, i.\"unique\", NULL,"
" (SELECT json_group_array(name) FROM (SELECT x.name FROM pragma_index_xinfo(m.name, {1}) AS x"
" WHERE x.key ORDER BY x.seqno)),"
" NULL, CASE WHEN i.partial THEN '' END, m.sql, NULL, NULL"
" FROM %D.sqlite_schema AS m JOIN pragma_index_list(m.tbl_name, {1}) AS i ON i.name = m.name"
" WHERE m.type = 'index' AND m.sql IS NOT NULL"
" AND m.tbl_name NOT LIKE 'covet\\_%' ESCAPE '\\'"
" ORDER BY m.tbl_name, m.name";

static const char sl_views[] =
"SELECT m.name, m.sql, 0, NULL FROM %D.sqlite_schema AS m WHERE m.type = 'view' ORDER BY m.name";

static const char sl_triggers[] =
"SELECT m.name, m.tbl_name, m.sql, NULL, NULL FROM %D.sqlite_schema AS m"
" WHERE m.type = 'trigger' AND m.tbl_name NOT LIKE 'covet\\_%' ESCAPE '\\' ORDER BY m.tbl_name, m.name";

static const char sl_others[] =
"SELECT 'virtual table', m.name, m.sql FROM %D.sqlite_schema AS m"
" WHERE m.type = 'table' AND m.sql LIKE 'CREATE VIRTUAL%' ORDER BY m.name";

static const CovetCatalogSql sqlite_sql = {
	.schema_exists = "SELECT d.name FROM pragma_database_list AS d WHERE d.name = {1} COLLATE NOCASE",
	.before = NULL,
	.after = NULL,
	.tables = sl_tables,
	.columns = sl_columns,
	.constraints = sl_constraints,
	.indexes = sl_indexes,
	.views = sl_views,
	.view_deps = NULL,
	.sequences = NULL,
	.enums = NULL,
	.functions = NULL,
	.function_deps = NULL,
	.triggers = sl_triggers,
	.others = sl_others,
	.count_rows = "SELECT count(*) FROM %T",
	.sample = "SELECT count(*)%S FROM %T",
	.sample_column = ", min(CAST(%C AS TEXT)), max(CAST(%C AS TEXT))",
	.resolve = "SELECT l.schema, l.name FROM pragma_table_list AS l"
	" WHERE l.name = {2} COLLATE NOCASE AND ({1} IS NULL OR l.schema = {1} COLLATE NOCASE)"
	" AND l.type IN ('table', 'view')"
	" ORDER BY CASE l.schema WHEN 'temp' THEN 0 WHEN 'main' THEN 1 ELSE 2 END LIMIT 1",
	.foreign_keys = "SELECT foreign_keys FROM pragma_foreign_keys",
};

/*
 * The one place that picks a query set by engine; when batch, seed and the
 * fixtures move onto the catalog this becomes a member of CovetDialect.
 */
const CovetCatalogSql *
covet_catalog_sql(const CovetDialect *dialect)
{
	return dialect->engine == COVET_ENGINE_POSTGRES ? &pg_sql : &sqlite_sql;
}
