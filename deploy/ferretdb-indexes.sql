-- Installed by deploy/stack.sh into FerretDB's PostgreSQL database (development and CI only; production runs
-- MongoDB). Why: FerretDB 1.24 turns every equality filter, `_id` included, into `_jsonb->'<field>' @> <value>`,
-- which its own btree indexes cannot serve, so each find or update by `_id` scans the whole collection and
-- slows down as the data grows (10 ms per lookup at 40,000 orders). A GIN index on the field's expression
-- serves exactly that operator. Indexed so: `_id`, and `outboxPending`, which the outbox relays sweep by
-- (packages/outbox). This event trigger adds both to every table FerretDB creates; the block at the end adds
-- them to tables created before the trigger existed. Idempotent.
CREATE OR REPLACE FUNCTION oms_index_ferretdb_ids() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  obj record;
BEGIN
  FOR obj IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' LOOP
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = obj.objid AND attname = '_jsonb' AND NOT attisdropped) THEN
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> ''_id'') jsonb_path_ops)',
        left(split_part(obj.object_identity, '.', 2), 50) || '_oms_id_gin', obj.object_identity);
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> ''outboxPending'') jsonb_path_ops)',
        left(split_part(obj.object_identity, '.', 2), 50) || '_oms_outbox_gin', obj.object_identity);
    END IF;
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS oms_index_ferretdb_ids;
CREATE EVENT TRIGGER oms_index_ferretdb_ids ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION oms_index_ferretdb_ids();

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped)
  LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> ''_id'') jsonb_path_ops)',
      left(t.relname, 50) || '_oms_id_gin', t.nspname, t.relname);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> ''outboxPending'') jsonb_path_ops)',
      left(t.relname, 50) || '_oms_outbox_gin', t.nspname, t.relname);
  END LOOP;
END;
$$;

-- The key in `_jsonb->$1` is a bound parameter: only a plan made with its value can use the index.
ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;
