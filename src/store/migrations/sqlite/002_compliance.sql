-- Compliance: registries (their numbers live in index files beside the base;
-- the base records the versions), the stop-list, consents with their texts and
-- double opt-in requests, deletion requests, call attempts and the inactivity
-- review list, calling rules and holidays. Numbers are E.164 text as in phones.
-- Times are Unix seconds (UTC).
CREATE TABLE registry_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    file            TEXT NOT NULL,
    numbers         BIGINT NOT NULL,
    bytes           BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    source          TEXT NOT NULL,
    source_sha256   TEXT NOT NULL,
    rejected        BIGINT NOT NULL DEFAULT 0,
    loaded_at       BIGINT NOT NULL,
    loaded_by       TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE stop_list (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    category        TEXT NOT NULL
        CHECK (category IN ('do_not_disturb', 'written_only', 'not_now')),
    until_at        BIGINT,
    channel         TEXT NOT NULL
        CHECK (channel IN ('operator', 'robot', 'import', 'api', 'cli')),
    note            TEXT NOT NULL DEFAULT '',
    added_at        BIGINT NOT NULL,
    added_by        TEXT NOT NULL,
    removed_at      BIGINT,
    removed_by      TEXT,
    removal_reason  TEXT
);
CREATE INDEX stop_list_e164 ON stop_list(e164);

CREATE TABLE consent_purposes (
    name            TEXT PRIMARY KEY,
    description     TEXT NOT NULL DEFAULT '',
    builtin         INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
INSERT INTO consent_purposes (name, description, builtin, created_at) VALUES
    ('service', 'calls about a service the person uses', 1, 0),
    ('marketing', 'advertising and offers', 1, 0);

CREATE TABLE consent_texts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose         TEXT NOT NULL REFERENCES consent_purposes(name),
    version         INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (purpose, version)
);

CREATE TABLE consents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    purpose         TEXT NOT NULL REFERENCES consent_purposes(name),
    obtained_at     BIGINT NOT NULL,
    channel         TEXT NOT NULL
        CHECK (channel IN ('web_form', 'call', 'paper', 'sms', 'import')),
    text_id         BIGINT REFERENCES consent_texts(id),
    form_id         TEXT NOT NULL DEFAULT '',
    ip              TEXT NOT NULL DEFAULT '',
    user_agent      TEXT NOT NULL DEFAULT '',
    sms_sent_at     BIGINT,
    sms_confirmed_at BIGINT,
    recorded_at     BIGINT NOT NULL,
    recorded_by     TEXT NOT NULL,
    revoked_at      BIGINT,
    revoked_how     TEXT,
    revoked_by      TEXT
);
CREATE INDEX consents_e164 ON consents(e164, purpose);

CREATE TABLE consent_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    purpose         TEXT NOT NULL REFERENCES consent_purposes(name),
    text_id         BIGINT REFERENCES consent_texts(id),
    code_hash       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    wrong_codes     INTEGER NOT NULL DEFAULT 0,
    locked_at       BIGINT,
    confirmed_at    BIGINT,
    consent_id      BIGINT REFERENCES consents(id),
    requested_by    TEXT NOT NULL
);
CREATE INDEX consent_requests_e164 ON consent_requests(e164);

CREATE TABLE deletion_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'call', 'web', 'letter')),
    note            TEXT NOT NULL DEFAULT '',
    received_at     BIGINT NOT NULL,
    received_by     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processed')),
    processed_at    BIGINT,
    processed_by    TEXT,
    archives_due_at BIGINT NOT NULL,
    archives_done_at BIGINT
);
CREATE INDEX deletion_requests_e164 ON deletion_requests(e164);

CREATE TABLE deletion_steps (
    request_id      BIGINT NOT NULL REFERENCES deletion_requests(id),
    at              BIGINT NOT NULL,
    step            TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deletion_steps_request ON deletion_steps(request_id);

CREATE TABLE call_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    at              BIGINT NOT NULL,
    outcome         TEXT NOT NULL
        CHECK (outcome IN ('answered', 'busy', 'no_answer', 'failed', 'invalid', 'rejected')),
    failed          INTEGER NOT NULL,
    utc_offset      INTEGER,
    campaign_id     BIGINT,
    recorded_by     TEXT NOT NULL
);
CREATE INDEX call_attempts_e164 ON call_attempts(e164, at);

CREATE TABLE inactive_review (
    e164            TEXT PRIMARY KEY,
    since           BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    reviewed_at     BIGINT,
    reviewed_by     TEXT,
    decision        TEXT
);

CREATE TABLE settings (
    name            TEXT PRIMARY KEY,
    value           TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL
);

CREATE TABLE holidays (
    day             TEXT PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT ''
);
