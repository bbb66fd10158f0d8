-- Seeds discussions (run by seed.sh as the discussions role; psql variables :cases, :doctors,
-- :replies_every): :cases cases by the seeded doctors, half in the general space and half in
-- their topic's specialty space, one every 10 minutes up to now, each with its revision 1 and
-- its author following it; every :replies_every-th case has two replies (0: none). Each case
-- and reply gets the CaseChanged / ReplyChanged event that CreateCase / AddReply would have
-- written in the same transaction, so the relay and search index them as in production.
\set ON_ERROR_STOP 1
\ir protobuf.sql
\ir case_texts.sql
BEGIN;
CREATE TEMP TABLE seed_cases AS
SELECT n,
       pg_temp.load_id('10ad0002', n) AS case_id,
       CASE WHEN n % 2 = 0 THEN '00000000-0000-4000-8000-000000000001'::uuid
            ELSE ('00000000-0000-4000-8001-0000000000' || substr(x.specialty_code, 3, 2))::uuid END AS space_id,
       pg_temp.load_id('10ad0001', 1 + (n * 7919) % :doctors) AS author_id,
       x.title, x.context, x.examination, x.investigations, x.question,
       ARRAY[x.specialty_code] AS specialty_codes, x.tags AS competence_tags,
       now() - (:cases - n) * interval '10 minutes' AS created_at,
       (:replies_every > 0 AND n % greatest(:replies_every, 1) = 0) AS has_replies
FROM generate_series(1::bigint, :cases) AS n
JOIN seed_case_texts x ON x.k = n % (SELECT count(*) FROM seed_case_texts);

CREATE TEMP TABLE seed_replies AS
SELECT c.n, j, pg_temp.load_id('10ad0003', 2 * (c.n / greatest(:replies_every, 1)) + j) AS reply_id, c.case_id,
       pg_temp.load_id('10ad0001', 1 + (c.n * 104729 + j * 31) % :doctors) AS author_id,
       r.text, c.created_at + (j + 1) * interval '1 hour' AS created_at
FROM seed_cases c, generate_series(0, 1) AS j, seed_reply_texts r
WHERE c.has_replies AND r.k = (c.n + j) % (SELECT count(*) FROM seed_reply_texts);

CREATE TEMP TABLE seed_case_state AS
SELECT c.*, count(r.reply_id)::int AS reply_count, 1 + count(r.reply_id) AS version,
       coalesce(max(r.created_at), c.created_at) AS last_activity_at
FROM seed_cases c LEFT JOIN seed_replies r USING (case_id)
GROUP BY c.n, c.case_id, c.space_id, c.author_id, c.title, c.context, c.examination,
         c.investigations, c.question, c.specialty_codes, c.competence_tags, c.created_at,
         c.has_replies;

INSERT INTO cases (case_id, space_id, author_id, title, context, examination, investigations,
                   question, specialty_codes, competence_tags, reply_count, version, created_at,
                   updated_at, last_activity_at)
SELECT case_id, space_id, author_id, title, context, examination, investigations, question,
       specialty_codes, competence_tags, reply_count, version, created_at, created_at,
       last_activity_at
FROM seed_case_state ORDER BY n;
INSERT INTO case_revisions (case_id, version, title, context, examination, investigations,
                            question, specialty_codes, competence_tags, editor_id, created_at)
SELECT case_id, 1, title, context, examination, investigations, question, specialty_codes,
       competence_tags, author_id, created_at
FROM seed_cases ORDER BY n;
INSERT INTO case_follows (case_id, account_id, created_at)
SELECT case_id, author_id, created_at FROM seed_cases;
INSERT INTO replies (reply_id, case_id, author_id, text, created_at, updated_at)
SELECT reply_id, case_id, author_id, text, created_at, created_at FROM seed_replies ORDER BY n, j;
INSERT INTO reply_revisions (reply_id, version, text, created_at)
SELECT reply_id, 1, text, created_at FROM seed_replies;

-- CaseChanged {1 case_id, 2 space_id, 3 title, 4 author_id, 5 context, 6 examination,
-- 7 investigations, 8 question, 9 specialty_codes, 10 competence_tags, 15 reply_count,
-- 16 create_time, 17 update_time, 18 last_activity_time, 19 created} at the case's version,
-- then ReplyChanged {1 reply_id, 2 case_id, 4 author_id, 5 text, 9 create_time,
-- 10 update_time, 11 created} for each reply, in that order.
INSERT INTO outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload)
SELECT id, aggregate_type, aggregate_id::text, version, event_type,
       pg_temp.pb_event(id, aggregate_type, aggregate_id, version, occur_time, field, payload)
FROM (
  SELECT n, 0 AS j, gen_random_uuid() AS id, 'case' AS aggregate_type, case_id AS aggregate_id,
         version, 'case_changed' AS event_type, last_activity_at AS occur_time, 14 AS field,
         pg_temp.pb_str(1, case_id::text) || pg_temp.pb_str(2, space_id::text) ||
         pg_temp.pb_str(3, title) || pg_temp.pb_str(4, author_id::text) ||
         pg_temp.pb_str(5, context) || pg_temp.pb_str(6, examination) ||
         pg_temp.pb_str(7, investigations) || pg_temp.pb_str(8, question) ||
         pg_temp.pb_strs(9, specialty_codes) || pg_temp.pb_strs(10, competence_tags) ||
         pg_temp.pb_int(15, reply_count) || pg_temp.pb_ts(16, created_at) ||
         pg_temp.pb_ts(17, created_at) || pg_temp.pb_ts(18, last_activity_at) ||
         pg_temp.pb_bool(19, true) AS payload
  FROM seed_case_state
  UNION ALL
  SELECT n, 1 + j, gen_random_uuid(), 'reply', reply_id, 1, 'reply_changed', created_at, 16,
         pg_temp.pb_str(1, reply_id::text) || pg_temp.pb_str(2, case_id::text) ||
         pg_temp.pb_str(4, author_id::text) || pg_temp.pb_str(5, text) ||
         pg_temp.pb_ts(9, created_at) || pg_temp.pb_ts(10, created_at) || pg_temp.pb_bool(11, true)
  FROM seed_replies
) e
ORDER BY n, j;
COMMIT;
