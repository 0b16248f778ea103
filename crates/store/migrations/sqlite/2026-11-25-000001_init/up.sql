-- bmnn schema, SQLite. Keep in step with ../../postgres (same migration names).
-- Key columns serve the filters (clearance, status, dates, numbering); `data` holds the
-- record as JSON (the domain type), so adding a field needs no migration.
CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE units (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE positions (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL,
  password_hash TEXT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
);
CREATE TABLE delegations (id INTEGER PRIMARY KEY AUTOINCREMENT, grantee_id BIGINT NOT NULL, data TEXT NOT NULL);
CREATE TABLE catalogues (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE catalogue_items (id INTEGER PRIMARY KEY AUTOINCREMENT, catalogue_id BIGINT NOT NULL, data TEXT NOT NULL);
CREATE TABLE items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  level SMALLINT NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  unit_id BIGINT,
  holder_id BIGINT,
  drafter_id BIGINT,
  catalogue_item_id BIGINT,
  expiry TEXT,
  recall_pending BOOLEAN NOT NULL DEFAULT 0,
  search TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX items_level ON items(level, id);
CREATE INDEX items_status ON items(status);
CREATE INDEX items_expiry ON items(expiry) WHERE expiry IS NOT NULL;
CREATE INDEX items_catalogue ON items(catalogue_item_id);
CREATE TABLE item_events (id INTEGER PRIMARY KEY AUTOINCREMENT, item_id BIGINT NOT NULL REFERENCES items(id), data TEXT NOT NULL);
CREATE INDEX item_events_item ON item_events(item_id);
CREATE TABLE requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  level SMALLINT NOT NULL,
  requester_id BIGINT NOT NULL,
  item_ids TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX requests_status ON requests(status);
CREATE TABLE register_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  number BIGINT NOT NULL,
  level SMALLINT NOT NULL,
  item_id BIGINT,
  to_user BIGINT,
  pending_ack BOOLEAN NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  UNIQUE (kind, year, number)
);
CREATE INDEX register_pending ON register_entries(pending_ack) WHERE pending_ack;
CREATE TABLE notices (id INTEGER PRIMARY KEY AUTOINCREMENT, item_id BIGINT NOT NULL, level SMALLINT NOT NULL, open BOOLEAN NOT NULL, data TEXT NOT NULL);
CREATE INDEX notices_open ON notices(open);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE api_tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id BIGINT NOT NULL, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY NOT NULL, user_id BIGINT NOT NULL, data TEXT NOT NULL);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE attachments (id INTEGER PRIMARY KEY AUTOINCREMENT, item_id BIGINT NOT NULL, level SMALLINT NOT NULL, meta TEXT NOT NULL, content BLOB NOT NULL);
CREATE INDEX attachments_item ON attachments(item_id);
