-- Least privilege (issue 17, R-SEC-1). Break-glass: an administrator's
-- time-limited view of business data for a support case, asked for with a
-- reason and approved by the dpo (security/break_glass.h). Times are Unix
-- seconds (UTC).
CREATE TABLE break_glass (
    id              BIGSERIAL PRIMARY KEY,
    user_name       TEXT NOT NULL,
    reason          TEXT NOT NULL,
    seconds         BIGINT NOT NULL,
    requested_at    BIGINT NOT NULL,
    approved_by     TEXT NOT NULL DEFAULT '',
    approved_at     BIGINT,
    ends_at         BIGINT,
    ended_at        BIGINT,
    ended_by        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX break_glass_user ON break_glass(user_name, ends_at);

-- Teams and contact assignment (R-SEC-1): a user belongs to at most one
-- team; a contact is assigned to at most one user (operators see what is
-- assigned to them; a supervisor with a team sees their team's contacts).
CREATE TABLE teams (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL
);
ALTER TABLE users ADD COLUMN team_id BIGINT REFERENCES teams(id);
ALTER TABLE contacts ADD COLUMN assigned_to BIGINT REFERENCES users(id);
CREATE INDEX contacts_assigned_to ON contacts(assigned_to);
-- An operator's own calls of the last day, for what they may see.
CREATE INDEX campaign_calls_agent ON campaign_calls(agent, started_at);
CREATE INDEX callbacks_contact ON callbacks(contact_id);

-- The access review: when each user last used each permission (a route or a
-- command that needs it), kept as one row per user and permission.
CREATE TABLE permission_use (
    user_name       TEXT NOT NULL,
    permission      TEXT NOT NULL,
    last_used_at    BIGINT NOT NULL,
    PRIMARY KEY (user_name, permission)
);
