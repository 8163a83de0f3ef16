-- The number base: contacts, phones, statuses, tags, custom fields, history,
-- imports and merges. Times are Unix seconds (UTC).
CREATE TABLE contacts (
    id                  BIGSERIAL PRIMARY KEY,
    name                TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    source              TEXT NOT NULL DEFAULT '',
    owner_group         TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    comment             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'callback', 'decided', 'refused', 'inactive')),
    callback_at         BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    last_interaction_at BIGINT,
    import_id           BIGINT,
    merged_into         BIGINT REFERENCES contacts(id)
);
CREATE INDEX contacts_status ON contacts(status);
CREATE INDEX contacts_merged_into ON contacts(merged_into);

CREATE TABLE phones (
    id          BIGSERIAL PRIMARY KEY,
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    position    INTEGER NOT NULL DEFAULT 0,
    e164        TEXT NOT NULL,
    extension   TEXT NOT NULL DEFAULT '',
    label       TEXT NOT NULL DEFAULT 'основной',
    raw         TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL DEFAULT 'unknown',
    region      TEXT NOT NULL DEFAULT '',
    operator    TEXT NOT NULL DEFAULT '',
    utc_offset  INTEGER,
    timezone    TEXT NOT NULL DEFAULT '',
    qc          INTEGER NOT NULL DEFAULT 0,
    valid       INTEGER NOT NULL DEFAULT 1,
    inactive    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX phones_e164 ON phones(e164);
CREATE INDEX phones_contact ON phones(contact_id);

CREATE TABLE tag_categories (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE tags (
    id          BIGSERIAL PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES tag_categories(id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT,
    UNIQUE (category_id, name)
);

CREATE TABLE contact_tags (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    tag_id      BIGINT NOT NULL REFERENCES tags(id),
    added_at    BIGINT NOT NULL,
    added_by    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags(tag_id);

CREATE TABLE field_defs (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL CHECK (type IN ('number', 'date', 'text', 'enum')),
    enum_values TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL
);

CREATE TABLE field_values (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id),
    field_id    BIGINT NOT NULL REFERENCES field_defs(id),
    value       TEXT NOT NULL,
    PRIMARY KEY (contact_id, field_id)
);

CREATE TABLE history (
    id          BIGSERIAL PRIMARY KEY,
    contact_id  BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    field       TEXT NOT NULL DEFAULT '',
    before      TEXT,
    after       TEXT,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_contact ON history(contact_id, at);

CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    encoding    TEXT NOT NULL DEFAULT '',
    delimiter   TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL DEFAULT '',
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    status      TEXT NOT NULL DEFAULT 'running',
    rows_read   BIGINT NOT NULL DEFAULT 0,
    inserted    BIGINT NOT NULL DEFAULT 0,
    merged      BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX imports_sha256 ON imports(sha256);

CREATE TABLE import_errors (
    import_id   BIGINT NOT NULL REFERENCES imports(id),
    line        BIGINT NOT NULL,
    col         TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL
);
CREATE INDEX import_errors_import ON import_errors(import_id);

CREATE TABLE merges (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    kept_id     BIGINT NOT NULL REFERENCES contacts(id),
    merged_ids  TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    undone_at   BIGINT
);
