-- Statistics for change_xid (0004_change_feed.sql): without them the planner guessed a third
-- of the table for `change_xid >= X` and read all 200,000 doctors sequentially on every
-- reading of the in-memory index (~150 ms each, bench/README.md, search_bench); with them the
-- index answers in microseconds. Later tables (Reindex's copies) are analyzed by the switch.
ANALYZE doctors;
ANALYZE suggestions;
