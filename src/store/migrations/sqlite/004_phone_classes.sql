-- What many phones share — line type, country, region, operator, time zone
-- and UTC offset — is stored once in phone_classes and referred to by id: a
-- base of millions of numbers holds a few thousand classes, and a phone row
-- shrinks by about half (the import writes fewer bytes). The key joins the
-- fields with '|' (the offset in minutes, empty when unknown); the code builds
-- the same key (contacts::PhoneClassKey).
CREATE TABLE phone_classes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL DEFAULT 'unknown',
    country     TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    operator    TEXT NOT NULL DEFAULT '',
    timezone    TEXT NOT NULL DEFAULT '',
    utc_offset  INTEGER
);

INSERT INTO phone_classes (key, type, region, operator, timezone, utc_offset)
    SELECT DISTINCT type || '||' || region || '|' || operator || '|' || timezone || '|' ||
               COALESCE(CAST(utc_offset AS TEXT), ''),
           type, region, operator, timezone, utc_offset
    FROM phones;

ALTER TABLE phones ADD COLUMN class_id BIGINT REFERENCES phone_classes(id);
UPDATE phones SET class_id = (
    SELECT k.id FROM phone_classes k WHERE k.key = phones.type || '||' || phones.region || '|' ||
        phones.operator || '|' || phones.timezone || '|' ||
        COALESCE(CAST(phones.utc_offset AS TEXT), ''));
ALTER TABLE phones DROP COLUMN type;
ALTER TABLE phones DROP COLUMN region;
ALTER TABLE phones DROP COLUMN operator;
ALTER TABLE phones DROP COLUMN utc_offset;
ALTER TABLE phones DROP COLUMN timezone;
