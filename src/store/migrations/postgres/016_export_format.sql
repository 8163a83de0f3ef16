-- The file an export request writes (issue 18): 'csv' (as before) or 'xlsx',
-- chosen when it is requested and shown to the approver.
ALTER TABLE export_requests ADD COLUMN format TEXT NOT NULL DEFAULT 'csv';
