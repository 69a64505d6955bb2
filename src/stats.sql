-- migreview stats, file format 1: the sizes and activity of this database's
-- tables, read from the catalog and the statistics views only, never from a
-- table's rows.  Its one value is the stats file; run it read-only:
--   PGOPTIONS='-c default_transaction_read_only=on -c statement_timeout=60s
--   -c lock_timeout=5s -c client_encoding=UTF8' psql -X -A -t -f stats.sql "$URL" > stats.json
-- Each table and each index is one line, in (schema, name) order, so that
-- two files compare with diff.  A partitioned table carries the sums over
-- its partitions.
WITH rel AS (
	SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	WHERE c.relkind IN ('r', 'p', 'm')
	  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	  AND n.nspname !~ '^pg_(toast|temp_)'
),
-- each table's own relations: a partitioned table's whole tree, else itself
part AS (
	SELECT r.oid AS root, t.relid, t.isleaf
	FROM rel r, pg_catalog.pg_partition_tree(r.oid) t
	WHERE r.kind = 'p'
	UNION ALL
	SELECT r.oid, r.oid, true FROM rel r WHERE r.kind <> 'p'
),
sized AS (
	SELECT p.root,
	       sum(CASE WHEN p.isleaf AND c.reltuples >= 0 THEN round(c.reltuples) END) AS rows,
	       sum(coalesce(pg_catalog.pg_table_size(p.relid), 0)) AS heap_bytes,
	       sum(coalesce(pg_catalog.pg_indexes_size(p.relid), 0)) AS index_bytes,
	       sum(coalesce(s.n_live_tup, 0)) AS live_tuples,
	       sum(coalesce(s.n_dead_tup, 0)) AS dead_tuples,
	       sum(coalesce(s.n_tup_ins, 0)) AS inserts,
	       sum(coalesce(s.n_tup_upd, 0)) AS updates,
	       sum(coalesce(s.n_tup_del, 0)) AS deletes,
	       sum(coalesce(s.seq_scan, 0)) AS seq_scans,
	       sum(coalesce(s.idx_scan, 0)) AS index_scans
	FROM part p
	JOIN pg_catalog.pg_class c ON c.oid = p.relid
	LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = p.relid
	GROUP BY p.root
),
tables AS (
	SELECT string_agg(json_build_object(
		'schema', r.schema, 'name', r.name, 'kind', r.kind,
		'rows', coalesce(z.rows, -1)::bigint,
		'heap_bytes', z.heap_bytes::bigint, 'index_bytes', z.index_bytes::bigint,
		'total_bytes', (z.heap_bytes + z.index_bytes)::bigint,
		'live_tuples', z.live_tuples::bigint, 'dead_tuples', z.dead_tuples::bigint,
		'inserts', z.inserts::bigint, 'updates', z.updates::bigint,
		'deletes', z.deletes::bigint, 'seq_scans', z.seq_scans::bigint,
		'index_scans', z.index_scans::bigint)::text, E',\n  '
		ORDER BY r.schema COLLATE "C", r.name COLLATE "C") AS lines
	FROM rel r JOIN sized z ON z.root = r.oid
),
indexes AS (
	SELECT string_agg(json_build_object(
		'schema', r.schema, 'table', r.name, 'name', ic.relname,
		'bytes', CASE WHEN ic.relkind = 'I'
			 THEN (SELECT coalesce(sum(pg_catalog.pg_relation_size(t.relid)), 0)
			       FROM pg_catalog.pg_partition_tree(i.indexrelid) t)
			 ELSE coalesce(pg_catalog.pg_relation_size(i.indexrelid), 0) END::bigint
		)::text, E',\n  '
		ORDER BY r.schema COLLATE "C", r.name COLLATE "C", ic.relname COLLATE "C") AS lines
	FROM rel r
	JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
	JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
)
SELECT '{"migreview_stats": 1,' || E'\n'
	|| ' "taken_at": ' || to_json(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
	|| ',' || E'\n'
	|| ' "server_version": ' || to_json(current_setting('server_version'))
	|| ', "server_version_num": ' || current_setting('server_version_num')::int
	|| ',' || E'\n'
	|| ' "database": ' || to_json(current_database()::text) || ',' || E'\n'
	|| ' "since": ' || to_json(to_char(
		coalesce((SELECT d.stats_reset FROM pg_catalog.pg_stat_database d
			  WHERE d.datname = current_database()), pg_catalog.pg_postmaster_start_time())
		AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) || ',' || E'\n'
	|| ' "tables": [' || coalesce(E'\n  ' || (SELECT lines FROM tables), '') || E'\n ],\n'
	|| ' "indexes": [' || coalesce(E'\n  ' || (SELECT lines FROM indexes), '') || E'\n ]}'
