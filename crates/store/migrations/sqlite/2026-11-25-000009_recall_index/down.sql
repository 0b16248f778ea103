DROP INDEX items_recall;
