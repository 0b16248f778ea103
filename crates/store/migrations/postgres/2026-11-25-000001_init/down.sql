DROP TABLE attachments; DROP TABLE sessions; DROP TABLE api_tokens; DROP TABLE audit_head; DROP TABLE audit_log;
DROP TABLE notices; DROP TABLE register_entries; DROP TABLE requests; DROP TABLE item_events; DROP TABLE items;
DROP TABLE catalogue_items; DROP TABLE catalogues; DROP TABLE delegations; DROP TABLE users; DROP TABLE positions;
DROP TABLE units; DROP TABLE settings;
