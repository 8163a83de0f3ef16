-- Security: users and roles, the operators' access to numbers, export
-- requests that need approval, and the append-only, hash-chained audit log.
-- Times are Unix seconds (UTC).
CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL
        CHECK (role IN ('operator', 'supervisor', 'analyst', 'admin', 'dpo', 'service')),
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL DEFAULT '',
    totp_enabled    INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    disabled_at     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE operator_access (
    user_id         BIGINT NOT NULL REFERENCES users(id),
    e164            TEXT NOT NULL,
    last_contact_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, e164)
);

CREATE TABLE export_requests (
    id              BIGSERIAL PRIMARY KEY,
    requested_by    TEXT NOT NULL,
    requested_at    BIGINT NOT NULL,
    filter          TEXT NOT NULL DEFAULT '',
    encoding        TEXT NOT NULL DEFAULT 'utf-8',
    reason          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'downloaded')),
    decided_by      TEXT,
    decided_at      BIGINT,
    rows_written    BIGINT
);

CREATE TABLE audit_log (
    id              BIGSERIAL PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL DEFAULT '',
    records         TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_action_at ON audit_log(action, at);
-- Append-only: the log refuses changes (verify still catches anyone who drops
-- these triggers first).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
