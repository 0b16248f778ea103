DROP INDEX items_scope;
