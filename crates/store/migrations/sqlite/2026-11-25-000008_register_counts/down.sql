DROP TRIGGER register_counts_ad;
DROP TRIGGER register_counts_ai;
DROP TABLE register_counts;
