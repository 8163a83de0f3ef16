-- The schema floor: the floor table's rows copied into the callbase schema (a
-- contact and a phone per row) with no cleaning, no duplicate checks and no
-- history, loaded the way callbase loads a first import (the store's bulk
-- mode: a rollback journal, no foreign-key or CHECK constraints, the E.164
-- index built after the rows): what the schema alone costs. Run by run.sh against a freshly
-- initialized base with the floor database attached as f.
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = OFF;
PRAGMA ignore_check_constraints = ON;
BEGIN;
DROP INDEX phones_e164;
INSERT INTO contacts (id, name, region, source, email, comment, created_at, updated_at)
    SELECT rowid, "ФИО", "Город", "Источник", "E-mail", "Комментарий", 0, 0 FROM f.contacts;
INSERT INTO phones (contact_id, e164, raw, created_at)
    SELECT rowid, "Телефон", "Телефон", 0 FROM f.contacts;
CREATE INDEX phones_e164 ON phones(e164);
COMMIT;
