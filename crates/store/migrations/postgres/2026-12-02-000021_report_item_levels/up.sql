-- SQLite's 000021 adds a covering index for the report's join of events to their items.
-- PostgreSQL answers that join with a hash join over the period's events; nothing to change,
-- the step is kept so the two backends' migrations stay in step.
SELECT 1;
