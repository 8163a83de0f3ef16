-- Search as people type it (issue 18). Names: contacts.name_words now holds
-- the search words of a name on a plain base too (" ксения борисова ": folded,
-- ё as е, split at every ASCII character that is not a letter or a digit;
-- contacts::SearchWords), and the blind indexes of those words on an
-- encrypted one, as before. A trigger copies each word of name_words into
-- contact_words, so that name~БОРИСОВА КСЕН reads one range of its primary key
-- a word (word >= 'ксен' AND word < 'ксен' || U+10FFFF; the column compares
-- bytes, COLLATE "C") and intersects the ids found, in any order, instead of
-- a scan of every name. One B-tree and
-- no index by contact: the trigger deletes a contact's words by the words it
-- had (OLD.name_words), so an import writes one index entry a word.
-- Numbers: phones.tail_key is the last seven digits of a plain E.164 number
-- read backwards as an integer (+79161234567 -> 7654321), so the last N
-- digits (4..7) are one range of it (4567 -> 7654000..7654999). The database
-- computes it from e164 (a generated column), so it is NULL on an encrypted
-- base, whose e164 is sealed: no digit of a number is stored in clear there.
-- Existing plain bases get name_words here (the same folding, in SQL:
-- translate, not lower(), which depends on the locale); an encrypted base
-- re-keys its words ё-folded when first opened with its key file
-- (security::AttachCipher, encryption.version 3).
CREATE TABLE contact_words (
    word TEXT COLLATE "C" NOT NULL,
    contact_id BIGINT NOT NULL,
    PRIMARY KEY (word, contact_id)
);

UPDATE contacts
SET name_words = ' ' || translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЁё!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~' || chr(9) || chr(10) || chr(13),
                                  'abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъыьэюяее                                ' || '   ') || ' '
WHERE name <> '' AND name_words = ''
  AND NOT EXISTS (SELECT 1 FROM settings WHERE name = 'encryption' AND value = 'on');

INSERT INTO contact_words (word, contact_id)
SELECT DISTINCT w, c.id FROM contacts c, regexp_split_to_table(btrim(c.name_words), ' +') AS w
WHERE c.name_words <> '' AND w <> ''
ON CONFLICT DO NOTHING;

CREATE FUNCTION contact_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF TG_OP = 'UPDATE' AND NEW.name_words IS NOT DISTINCT FROM OLD.name_words THEN
            RETURN NULL;
        END IF;
        DELETE FROM contact_words
        WHERE contact_id = OLD.id
          AND word IN (SELECT regexp_split_to_table(btrim(OLD.name_words), ' +'));
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.name_words <> '' THEN
        INSERT INTO contact_words (word, contact_id)
        SELECT DISTINCT w, NEW.id FROM regexp_split_to_table(btrim(NEW.name_words), ' +') AS w
        WHERE w <> ''
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER contact_words_sync AFTER INSERT OR DELETE OR UPDATE OF name_words ON contacts
FOR EACH ROW EXECUTE FUNCTION contact_words_sync();

ALTER TABLE phones ADD COLUMN tail_key BIGINT GENERATED ALWAYS AS (
    CASE WHEN e164 ~ '^[+][0-9]{7,}$' THEN CAST(reverse(right(e164, 7)) AS BIGINT) END) STORED;
CREATE INDEX phones_tail_key ON phones(tail_key);
