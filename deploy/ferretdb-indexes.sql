-- Installed by deploy/stack.sh into FerretDB's PostgreSQL database (development and CI only; production runs
-- MongoDB). Why: FerretDB 1.24 turns every equality filter, `_id` included, into `_jsonb->'<field>' @> <value>`,
-- which its own btree indexes cannot serve, so each find or update by `_id` (or by an indexed field such as
-- `orderId`) scans the whole collection and slows down as the data grows (10 ms per lookup at 40,000 orders).
-- A GIN index on the field's expression serves exactly that operator.
--
-- What gets one: `_id`; `outboxPending`, which the outbox relays sweep by (packages/outbox); and every
-- top-level field that a declared index (mongoose `schema.index(...)`, which FerretDB turns into a btree
-- index) names, so that the indexes the code declares for MongoDB also work here. Dotted paths are not
-- pushed down to PostgreSQL by FerretDB at all, so an index cannot help them.
--
-- An event trigger does this for every table and index FerretDB creates; the block at the end does it for
-- those created before the trigger existed. Idempotent.

-- The top-level field names in the btree indexes on one table, plus `_id` and `outboxPending`.
CREATE OR REPLACE FUNCTION oms_ferretdb_lookup_fields(tbl oid) RETURNS SETOF text LANGUAGE sql STABLE AS $$
  SELECT '_id' UNION SELECT 'outboxPending'
  UNION
  SELECT substring(pg_get_indexdef(i.indexrelid, k, true) FROM '^\(?_jsonb -> ''([^'']+)''::text\)?$')
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
  CROSS JOIN LATERAL generate_series(1, i.indnatts) AS k
  WHERE i.indrelid = tbl
    AND substring(pg_get_indexdef(i.indexrelid, k, true) FROM '^\(?_jsonb -> ''([^'']+)''::text\)?$') IS NOT NULL
$$;

-- Give every lookup field of one FerretDB table its GIN index (named <table>_oms_<hash of field>_gin).
CREATE OR REPLACE FUNCTION oms_index_ferretdb_table(tbl oid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  field text;
  qualified text;
  relname text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = tbl AND attname = '_jsonb' AND NOT attisdropped) THEN
    RETURN;
  END IF;
  SELECT format('%I.%I', n.nspname, c.relname), c.relname INTO qualified, relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
  FOR field IN SELECT oms_ferretdb_lookup_fields(tbl) LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
      left(relname, 40) || '_oms_' || left(md5(field), 8) || '_gin', qualified, field);
  END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION oms_index_ferretdb_ids() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  obj record;
  tbl oid;
BEGIN
  FOR obj IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    IF obj.command_tag = 'CREATE TABLE' AND obj.object_type = 'table' THEN
      tbl := obj.objid;
    ELSIF obj.command_tag = 'CREATE INDEX' AND obj.object_type = 'index' THEN
      -- Only FerretDB's own (btree) indexes; the GIN indexes made here fire this trigger too.
      SELECT i.indrelid INTO tbl FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree' WHERE i.indexrelid = obj.objid;
    ELSE
      tbl := NULL;
    END IF;
    IF tbl IS NOT NULL THEN
      PERFORM oms_index_ferretdb_table(tbl);
    END IF;
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS oms_index_ferretdb_ids;
CREATE EVENT TRIGGER oms_index_ferretdb_ids ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'CREATE INDEX')
  EXECUTE FUNCTION oms_index_ferretdb_ids();

DO $$
DECLARE
  t record;
BEGIN
  -- Names used by the first version of this file (same indexes, now named by field hash).
  FOR t IN SELECT format('%I.%I', schemaname, indexname) AS name FROM pg_indexes
    WHERE indexname LIKE '%\_oms\_id\_gin' OR indexname LIKE '%\_oms\_outbox\_gin'
  LOOP
    EXECUTE 'DROP INDEX IF EXISTS ' || t.name;
  END LOOP;
  FOR t IN
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  LOOP
    PERFORM oms_index_ferretdb_table(t.oid);
  END LOOP;
END;
$$;

-- The key in `_jsonb->$1` is a bound parameter: only a plan made with its value can use the index.
ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;
