-- Creates, in the current database, one schema per service owned by that service's role,
-- so that each role can use its own schema and no other. Run as a superuser with psql:
--   psql -v ON_ERROR_STOP=1 -d <database> -f deploy/sql/bootstrap.sql
-- Idempotent. Roles are cluster-wide; passwords are set separately by the deploy scripts.
\set ON_ERROR_STOP 1
SELECT current_database() AS db \gset

DO $$
DECLARE svc text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['identity', 'profiles', 'discussions', 'search'] LOOP
    -- Roles are cluster-wide, and tests bootstrap several databases at once: create and
    -- configure a role only when needed, so concurrent runs do not update the same catalog row.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = svc) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I LOGIN', svc);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created by a concurrent bootstrap
      END;
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, svc);
    -- Only the owner: no other role may even look up names in this schema.
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), svc);
    -- Unqualified names resolve to the service's own schema.
    IF NOT EXISTS (
        SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE r.rolname = svc AND s.setdatabase = 0
          AND format('search_path=%s, extensions', svc) = ANY (s.setconfig)) THEN
      EXECUTE format('ALTER ROLE %I SET search_path = %I, extensions', svc, svc);
    END IF;
  END LOOP;
END $$;

-- Nobody but the owner creates objects in public, and nobody connects without a grant.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;

-- Text-search helpers shared by every service: functions only, no data.
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA extensions TO identity, profiles, discussions, search;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions;
