-- The schema floor: the floor table's rows copied into the callbase schema (a
-- contact and a phone per row, every index and WAL mode) with no cleaning, no
-- duplicate checks and no history: what the schema alone costs. Run by run.sh
-- against a freshly initialized base with the floor database attached as f.
BEGIN;
INSERT INTO contacts (id, name, region, source, email, comment, created_at, updated_at)
    SELECT rowid, "ФИО", "Город", "Источник", "E-mail", "Комментарий", 0, 0 FROM f.contacts;
INSERT INTO phones (contact_id, e164, raw, created_at)
    SELECT rowid, "Телефон", "Телефон", 0 FROM f.contacts;
COMMIT;
