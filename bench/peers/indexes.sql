-- Run after loading (copied from /work/shared/peers/postgraphile/indexes.sql without pg_stat_statements, which
-- needs a preloaded library; compare.py runs VACUUM ANALYZE after it): an index on every FK column, the sort key,
-- trigram indexes for the name searches (Q4), the read-only role PostGraphile connects as.
SET client_min_messages = warning;
SET search_path = ll2;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT k.conrelid::regclass AS t, a.attname AS c FROM pg_constraint k
           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
           WHERE k.contype = 'f' AND k.connamespace = 'll2'::regnamespace AND array_length(k.conkey, 1) = 1 LOOP
    EXECUTE format('CREATE INDEX ON %s (%I)', r.t, r.c);
  END LOOP; END $$;
CREATE INDEX ON docking_event (docking, id);
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX ON docking_location USING gin (name public.gin_trgm_ops);
CREATE INDEX ON spacecraft USING gin (name public.gin_trgm_ops);
-- read-only role for PostGraphile
DO $$ BEGIN CREATE ROLE peers_ro LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
ALTER ROLE peers_ro SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA ll2 TO peers_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA ll2 TO peers_ro;
