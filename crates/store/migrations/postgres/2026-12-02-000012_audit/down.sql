DROP TABLE audit_read_marks;
ALTER TABLE audit_head DROP COLUMN mac;
ALTER TABLE audit_log DROP COLUMN mac;
