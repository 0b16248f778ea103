-- Need-to-know inside the words (issue 10, "no oracles", the remaining oracle): with 000013 a
-- reader who is not agency-wide matched `search : (words) AND scope : (u3 OR h7 OR d7)`, so
-- FTS5 still walked the posting list of each word over the items of OTHER units at the
-- reader's levels (a word found only there cost 5.6 times a word found nowhere).
--
-- Each level gets a second contentless table (`items_ntk_1..3`) whose only column holds every
-- word of the item's folded text qualified by each need-to-know key of the item:
-- `u<unit>z<word> h<holder>z<word> d<drafter>z<word>` (no term for an empty key). The keys are
-- digits, so `z` ends them unambiguously, and the terms stay letters and digits (unicode61
-- keeps each one whole). A need-to-know reader's search opens only these tables and asks, for
-- each word, `("u3zw" OR "h7zw" OR "d7zw")` (the last word as a prefix: a term range scan that
-- stays inside those keys), so every posting list it reads belongs to items it may see.
-- Agency-wide readers keep `items_fts_*`. The words are split in SQL (json_each over the
-- space-separated folded text, which holds letters and digits only), so the triggers keep the
-- terms in step when the text, level, unit, holder or drafter changes, in the same statement.
CREATE VIRTUAL TABLE items_ntk_1 USING fts5(terms, content='', tokenize='unicode61');
CREATE VIRTUAL TABLE items_ntk_2 USING fts5(terms, content='', tokenize='unicode61');
CREATE VIRTUAL TABLE items_ntk_3 USING fts5(terms, content='', tokenize='unicode61');
INSERT INTO items_ntk_1(rowid, terms) SELECT items.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(items.search), ' ', '","') || '"]') j, (SELECT 'u' || items.unit_id || 'z' AS v UNION ALL SELECT 'h' || items.holder_id || 'z' UNION ALL SELECT 'd' || items.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) FROM items WHERE items.level = 1;
INSERT INTO items_ntk_2(rowid, terms) SELECT items.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(items.search), ' ', '","') || '"]') j, (SELECT 'u' || items.unit_id || 'z' AS v UNION ALL SELECT 'h' || items.holder_id || 'z' UNION ALL SELECT 'd' || items.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) FROM items WHERE items.level = 2;
INSERT INTO items_ntk_3(rowid, terms) SELECT items.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(items.search), ' ', '","') || '"]') j, (SELECT 'u' || items.unit_id || 'z' AS v UNION ALL SELECT 'h' || items.holder_id || 'z' UNION ALL SELECT 'd' || items.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) FROM items WHERE items.level = 3;
CREATE TRIGGER items_ntk_ai AFTER INSERT ON items BEGIN
  INSERT INTO items_ntk_1(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 1;
  INSERT INTO items_ntk_2(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 2;
  INSERT INTO items_ntk_3(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 3;
END;
CREATE TRIGGER items_ntk_ad AFTER DELETE ON items BEGIN
  INSERT INTO items_ntk_1(items_ntk_1, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 1;
  INSERT INTO items_ntk_2(items_ntk_2, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 2;
  INSERT INTO items_ntk_3(items_ntk_3, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 3;
END;
CREATE TRIGGER items_ntk_au AFTER UPDATE OF search, level, unit_id, holder_id, drafter_id ON items
WHEN old.search IS NOT new.search OR old.level IS NOT new.level OR old.unit_id IS NOT new.unit_id
  OR old.holder_id IS NOT new.holder_id OR old.drafter_id IS NOT new.drafter_id BEGIN
  INSERT INTO items_ntk_1(items_ntk_1, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 1;
  INSERT INTO items_ntk_2(items_ntk_2, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 2;
  INSERT INTO items_ntk_3(items_ntk_3, rowid, terms) SELECT 'delete', old.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(old.search), ' ', '","') || '"]') j, (SELECT 'u' || old.unit_id || 'z' AS v UNION ALL SELECT 'h' || old.holder_id || 'z' UNION ALL SELECT 'd' || old.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE old.level = 3;
  INSERT INTO items_ntk_1(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 1;
  INSERT INTO items_ntk_2(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 2;
  INSERT INTO items_ntk_3(rowid, terms) SELECT new.id, (SELECT group_concat(p.v || j.value, ' ') FROM json_each('["' || replace(trim(new.search), ' ', '","') || '"]') j, (SELECT 'u' || new.unit_id || 'z' AS v UNION ALL SELECT 'h' || new.holder_id || 'z' UNION ALL SELECT 'd' || new.drafter_id || 'z') p WHERE j.value <> '' AND p.v IS NOT NULL) WHERE new.level = 3;
END;
