-- SQLite's 000007 adds a prefix index to its FTS5 table. PostgreSQL's GIN index over
-- to_tsvector already answers prefix queries (w:*); nothing to change, the step is kept so the
-- two backends' migrations stay in step.
SELECT 1;
