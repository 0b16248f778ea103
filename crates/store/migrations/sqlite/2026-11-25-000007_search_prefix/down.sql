DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(search, content='items', content_rowid='id', tokenize='unicode61');
INSERT INTO items_fts(items_fts) VALUES ('rebuild');
