DROP INDEX register_pending;
CREATE INDEX register_pending ON register_entries(pending_ack) WHERE pending_ack;
DROP INDEX items_recall;
