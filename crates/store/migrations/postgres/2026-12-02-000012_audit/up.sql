-- Keyed audit records (format v2): HMAC of (seq, hash) under the audit subkey of the data key;
-- NULL for records of the old unkeyed format (see crates/core/src/audit.rs).
ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE audit_head ADD COLUMN mac TEXT;
-- Audited reads: one row per (user, object, hour) already recorded, so that reads are
-- written to the audit chain at most once per user, object and hour, and at most a fixed
-- number per user and hour. Rows older than a day are pruned as new ones arrive.
CREATE TABLE audit_read_marks (
    user_id BIGINT NOT NULL,
    hour TEXT NOT NULL,
    object TEXT NOT NULL,
    PRIMARY KEY (user_id, hour, object)
);
