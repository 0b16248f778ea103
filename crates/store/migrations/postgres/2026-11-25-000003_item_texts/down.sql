DROP TABLE item_texts;
