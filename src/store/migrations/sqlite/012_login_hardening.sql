-- Login hardening (issue 17): a TOTP code is taken once, and a name that is
-- not a user locks like one that is.
--
-- totp_last_step: the 30-second step (Unix seconds / 30) of the last code a
-- login accepted; a code of that step or an earlier one is refused (replay).
-- In the base, not in a server's memory, so that it holds across servers.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Failed logins under names that are no user, counted and locked exactly as
-- users.failed_logins and users.locked_until are, so that the answers do not
-- tell which names exist. Rows whose lock has lapsed are dropped now and then.
CREATE TABLE login_failures (
    name            TEXT PRIMARY KEY,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    updated_at      BIGINT NOT NULL
);
