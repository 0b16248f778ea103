-- What the dashboard asks on every view: items whose recall is pending, and handovers
-- waiting for a signature. The earlier partial index on pending_ack is never chosen for a
-- bound `pending_ack = ?`, so both became walks of a whole table (100,000 items, 200,000
-- entries: ~100 ms a dashboard).
CREATE INDEX items_recall ON items(recall_pending, id);
DROP INDEX register_pending;
CREATE INDEX register_pending ON register_entries(pending_ack, id);
