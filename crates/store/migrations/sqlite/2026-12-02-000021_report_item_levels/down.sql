DROP INDEX items_level_scope;
