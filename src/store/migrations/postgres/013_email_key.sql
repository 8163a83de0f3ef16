-- Encryption at rest (R-SEC-4), e-mail. On an encrypted base contacts.email
-- is sealed like the name, and email_key holds the blind index of the address
-- trimmed and case-folded ("bi1:" and 32 hex digits of its BLAKE2b-128 under
-- a key derived from the index key), so that email=ADDRESS finds it. A plain
-- base leaves it empty and searches the e-mail itself. A base encrypted
-- before this migration has its e-mails sealed and indexed by the first
-- command that opens it with its key file (security::AttachCipher).
ALTER TABLE contacts ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_email_key ON contacts(email_key) WHERE email_key <> '';
