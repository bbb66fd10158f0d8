-- Keep a case's tsvector in the heap row (compressed if need be) rather than in the TOAST
-- table: ranking (ts_rank_cd) and the window's `document @@` filter read the document of
-- every row they visit, and out of line each read was a TOAST index probe plus a chunk,
-- ~2.5 more buffers per row (bench/README.md, search_bench: "amylose" 104 ms -> 25 ms of
-- ranking over 6,000 matches). Under MAIN the toaster compresses and moves the body, replies
-- text and words out of line first. Applies to rows written from now on; a Reindex (which
-- builds its copies with LIKE ... INCLUDING ALL) or VACUUM FULL rewrites the existing ones.
ALTER TABLE cases ALTER COLUMN document SET STORAGE MAIN;
