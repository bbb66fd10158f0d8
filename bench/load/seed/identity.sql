-- Seeds identity (run by seed.sh as the identity role; psql variables :doctors, :template):
-- :doctors verified accounts doctor<n>@load.meltingdoc.test whose password is the template
-- account's (registered through RegisterAccount just before, so the argon2id hash is the
-- service's own), and one AccountVerified event per doctor in identity's outbox: the relay
-- publishes them and profiles creates the profiles from them, as in production.
\set ON_ERROR_STOP 1
\ir protobuf.sql
\ir doctors.sql
BEGIN;
SELECT password_hash AS hash FROM credentials JOIN accounts USING (account_id)
WHERE lower(email) = lower(:'template') \gset
INSERT INTO accounts (account_id, email, civility, given_name, family_name, status, role,
                      created_at, updated_at)
SELECT account_id, email, civility, given_name, family_name, 'verified', 'doctor',
       now() - interval '800 days' + n * interval '1 hour', now()
FROM seed_doctors;
INSERT INTO credentials (account_id, password_hash, changed_at)
SELECT account_id, :'hash', now() FROM seed_doctors;
-- AccountVerified {1 account_id, 2 rpps, 3 civility, 4 given_name, 5 family_name,
-- 6 specialty_code} (the label is profiles' own), aggregate "account", version 1.
INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload)
SELECT id, 'account', account_id::text, 1, 'account_verified',
       pg_temp.pb_event(id, 'account', account_id, 1, now(), 10,
         pg_temp.pb_str(1, account_id::text) || pg_temp.pb_str(2, rpps) ||
         pg_temp.pb_str(3, civility) || pg_temp.pb_str(4, given_name) ||
         pg_temp.pb_str(5, family_name) || pg_temp.pb_str(6, specialty_code))
FROM (SELECT *, gen_random_uuid() AS id FROM seed_doctors) d
ORDER BY n;
COMMIT;
