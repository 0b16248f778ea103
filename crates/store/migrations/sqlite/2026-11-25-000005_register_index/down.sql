DROP INDEX register_entries_book;
