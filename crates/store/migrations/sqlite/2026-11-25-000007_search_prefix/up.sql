-- The last word of a search is a prefix (the user may still be typing it: "bao cao x").
-- Without a prefix index FTS5 merges the doclists of every term with that prefix on each
-- query (7.5 ms for "d*" over 100,000 items); with indexes of 1-3 letter prefixes it reads one
-- doclist (0.7 ms) for about 8% more index. The triggers of 000004 keep feeding this table.
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(search, content='items', content_rowid='id', tokenize='unicode61', prefix='1 2 3');
INSERT INTO items_fts(items_fts) VALUES ('rebuild');
