-- Search as people type it (issue 18). Names: contacts.name_words now holds
-- the search words of a name on a plain base too (" ксения борисова ": folded,
-- ё as е, split at every ASCII character that is not a letter or a digit;
-- contacts::SearchWords), and the blind indexes of those words on an
-- encrypted one, as before. A trigger copies each word of name_words into
-- contact_words, so that name~БОРИСОВА КСЕН reads one range of its primary key
-- a word (word >= 'ксен' AND word < 'ксен' || U+10FFFF) and intersects
-- the ids found, in any order, instead of a scan of every name. One B-tree and
-- no index by contact: the trigger deletes a contact's words by the words it
-- had (OLD.name_words), so an import writes one index entry a word.
-- Numbers: phones.tail_key is the last seven digits of a plain E.164 number
-- read backwards as an integer (+79161234567 -> 7654321), so the last N
-- digits (4..7) are one range of it (4567 -> 7654000..7654999). The database
-- computes it from e164 (a generated column), so it is NULL on an encrypted
-- base, whose e164 is sealed: no digit of a number is stored in clear there.
-- Existing plain bases get name_words here (the same folding, in SQL);
-- an encrypted base re-keys its words ё-folded when first opened with its key
-- file (security::AttachCipher, encryption.version 3).
CREATE TABLE contact_words (
    word TEXT NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (word, contact_id)
) WITHOUT ROWID;

-- lower() folds ASCII; the Russian letters, ё and the separators in steps
-- (one expression of all of them is deeper than SQLite's parser allows).
UPDATE contacts SET name_words = ' ' || lower(name) || ' '
WHERE name <> '' AND name_words = '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, 'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к'), 'Л', 'л')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, 'М', 'м'), 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ё', 'е'), 'ё', 'е'), '!', ' '), '"', ' ')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, '#', ' '), '$', ' '), '%', ' '), '&', ' '), '''', ' '), '(', ' '), ')', ' '), '*', ' '), '+', ' '), ',', ' '), '-', ' '), '.', ' ')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, '/', ' '), ':', ' '), ';', ' '), '<', ' '), '=', ' '), '>', ' '), '?', ' '), '@', ' '), '[', ' '), '\', ' '), ']', ' '), '^', ' ')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');
UPDATE contacts SET name_words = replace(replace(replace(replace(replace(replace(replace(replace(replace(name_words, '_', ' '), '`', ' '), '{', ' '), '|', ' '), '}', ' '), '~', ' '), char(9), ' '), char(10), ' '), char(13), ' ')
WHERE name_words <> '' AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');

INSERT OR IGNORE INTO contact_words (word, contact_id)
SELECT j.value, c.id FROM contacts c,
     json_each(CASE WHEN json_valid('["' || replace(trim(c.name_words), ' ', '","') || '"]')
                    THEN '["' || replace(trim(c.name_words), ' ', '","') || '"]' ELSE '[]' END) j
WHERE c.name_words <> '' AND j.value <> '';

CREATE TRIGGER contact_words_insert AFTER INSERT ON contacts WHEN NEW.name_words <> '' BEGIN
    INSERT OR IGNORE INTO contact_words (word, contact_id)
    SELECT value, NEW.id FROM json_each(CASE WHEN json_valid('["' || replace(trim(NEW.name_words), ' ', '","') || '"]')
                                             THEN '["' || replace(trim(NEW.name_words), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '';
END;
CREATE TRIGGER contact_words_update AFTER UPDATE OF name_words ON contacts
WHEN NEW.name_words IS NOT OLD.name_words BEGIN
    DELETE FROM contact_words WHERE contact_id = OLD.id AND word IN (
        SELECT value FROM json_each(CASE WHEN json_valid('["' || replace(trim(OLD.name_words), ' ', '","') || '"]')
                                         THEN '["' || replace(trim(OLD.name_words), ' ', '","') || '"]' ELSE '[]' END));
    INSERT OR IGNORE INTO contact_words (word, contact_id)
    SELECT value, NEW.id FROM json_each(CASE WHEN json_valid('["' || replace(trim(NEW.name_words), ' ', '","') || '"]')
                                             THEN '["' || replace(trim(NEW.name_words), ' ', '","') || '"]' ELSE '[]' END)
    WHERE value <> '';
END;
CREATE TRIGGER contact_words_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_words WHERE contact_id = OLD.id AND word IN (
        SELECT value FROM json_each(CASE WHEN json_valid('["' || replace(trim(OLD.name_words), ' ', '","') || '"]')
                                         THEN '["' || replace(trim(OLD.name_words), ' ', '","') || '"]' ELSE '[]' END));
END;

ALTER TABLE phones ADD COLUMN tail_key INTEGER GENERATED ALWAYS AS (
    CASE WHEN length(e164) >= 8 AND substr(e164, 1, 1) = '+'
              AND NOT (substr(e164, 2) GLOB '*[^0-9]*')
         THEN CAST(substr(e164, -1, 1) || substr(e164, -2, 1) || substr(e164, -3, 1) ||
                   substr(e164, -4, 1) || substr(e164, -5, 1) || substr(e164, -6, 1) ||
                   substr(e164, -7, 1) AS INTEGER) END) VIRTUAL;
CREATE INDEX phones_tail_key ON phones(tail_key);
