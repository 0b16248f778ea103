-- The dashboard asks every time for the items whose recall is still pending; without an
-- index that is a walk of the whole items table.
CREATE INDEX items_recall ON items(recall_pending, id);
