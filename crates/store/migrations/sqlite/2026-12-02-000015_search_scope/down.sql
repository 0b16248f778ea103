DROP TRIGGER items_ntk_ai;
DROP TRIGGER items_ntk_ad;
DROP TRIGGER items_ntk_au;
DROP TABLE items_ntk_1;
DROP TABLE items_ntk_2;
DROP TABLE items_ntk_3;
