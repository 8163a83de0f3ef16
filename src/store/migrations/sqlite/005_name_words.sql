-- Encryption at rest (R-SEC-4). On an encrypted base contacts.name is sealed,
-- so a name is found by the blind indexes of its case-folded words, one row
-- per word; a plain base leaves this table empty and searches names as text.
-- Whether a base is encrypted, and with which keys, is in settings
-- ('encryption': 'on'; 'encryption.check': a value sealed with the key file's
-- keys, so a wrong key file is caught before anything is read or written).
CREATE TABLE contact_words (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    word        TEXT NOT NULL,
    PRIMARY KEY (word, contact_id)
);
CREATE INDEX contact_words_contact ON contact_words(contact_id);
