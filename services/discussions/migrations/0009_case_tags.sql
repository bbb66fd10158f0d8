-- ListCases filtered by a tag, in list order. The GIN index cases_tags finds a tag's cases but
-- not in creation order, so at a million cases PostgreSQL walked cases_newest and filtered
-- (12,300 rows read for one page of 50 with a tag carried by 1 case in 200: 24 ms, against
-- 0.4 ms without a tag; bench/README.md, cases_bench). One row per (case, tag) of every live
-- case, with the case's creation time, indexed in the list's order. The writers of cases keep
-- it in step (create, update, delete) in the same transaction.
CREATE TABLE case_tags (
  case_id     uuid NOT NULL REFERENCES cases (case_id),
  tag         text NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_newest ON case_tags (tag, created_at DESC, case_id DESC);

INSERT INTO case_tags (case_id, tag, created_at)
SELECT DISTINCT c.case_id, t.tag, c.created_at
FROM cases c, unnest(c.specialty_codes || c.competence_tags) AS t (tag)
WHERE c.deleted_at IS NULL;
