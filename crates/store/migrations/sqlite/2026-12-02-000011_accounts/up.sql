-- API tokens: an expiry (NULL for tokens issued before expiries existed: they no longer
-- authenticate), the last use and the revocation.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
-- Privilege changes waiting for approval (two-person rule): the change as JSON.
CREATE TABLE privilege_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id BIGINT NOT NULL, pending BOOLEAN NOT NULL, data TEXT NOT NULL);
CREATE INDEX privilege_changes_pending ON privilege_changes(pending, id);
