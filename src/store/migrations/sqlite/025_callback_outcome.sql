-- A caller who pressed 1 to be called back instead of waiting (issue 19,
-- docs/routing.md, "A callback instead of waiting"): their incoming call's
-- record closes with the outcome 'callback' — neither answered nor abandoned.
-- SQLite cannot change a column's constraint, so the table is rebuilt with
-- the same ids, and callbacks with it (a parent table cannot be dropped while
-- rows refer to it; the rename makes callbacks refer to campaign_calls
-- again), as 009 did.
CREATE TABLE campaign_calls_025 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id),
    contact_id      BIGINT NOT NULL,
    e164            TEXT NOT NULL,
    caller_id       TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    started_at      BIGINT NOT NULL,
    answered_at     BIGINT,
    bridged_at      BIGINT,
    ended_at        BIGINT,
    outcome         TEXT
        CHECK (outcome IN ('answered', 'abandoned', 'busy', 'no_answer', 'invalid', 'rejected',
                           'failed', 'interrupted', 'callback')),
    cause           INTEGER NOT NULL DEFAULT 0,
    agent           TEXT NOT NULL DEFAULT '',
    short_call      INTEGER NOT NULL DEFAULT 0,
    robot_step      TEXT NOT NULL DEFAULT '',
    robot_keys      TEXT NOT NULL DEFAULT '',
    evidence        TEXT NOT NULL,
    network         TEXT NOT NULL DEFAULT 'sim',
    disposition     TEXT,
    disposition_tags TEXT,
    disposition_note TEXT NOT NULL DEFAULT '',
    callback_at     BIGINT,
    disposed_at     BIGINT,
    robot_actions   TEXT NOT NULL DEFAULT '',
    recording       TEXT NOT NULL DEFAULT '',
    direction       TEXT NOT NULL DEFAULT 'out',
    route           TEXT NOT NULL DEFAULT '',
    CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
INSERT INTO campaign_calls_025 SELECT id, campaign_id, contact_id, e164, caller_id, attempt,
    started_at, answered_at, bridged_at, ended_at, outcome, cause, agent, short_call, robot_step,
    robot_keys, evidence, network, disposition, disposition_tags, disposition_note, callback_at,
    disposed_at, robot_actions, recording, direction, route FROM campaign_calls;
CREATE TABLE callbacks_025 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id),
    call_id         BIGINT NOT NULL REFERENCES campaign_calls_025(id),
    contact_id      BIGINT NOT NULL,
    agent           TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    done_at         BIGINT
);
INSERT INTO callbacks_025 SELECT id, campaign_id, call_id, contact_id, agent, due_at, done_at
    FROM callbacks;
DROP TABLE callbacks;
DROP TABLE campaign_calls;
ALTER TABLE campaign_calls_025 RENAME TO campaign_calls;
ALTER TABLE callbacks_025 RENAME TO callbacks;
CREATE INDEX callbacks_agent ON callbacks(agent, due_at);
CREATE INDEX callbacks_contact ON callbacks(contact_id);
CREATE INDEX campaign_calls_e164 ON campaign_calls(e164, started_at);
CREATE INDEX campaign_calls_campaign ON campaign_calls(campaign_id, started_at);
CREATE INDEX campaign_calls_open ON campaign_calls(campaign_id) WHERE ended_at IS NULL;
CREATE INDEX campaign_calls_agent ON campaign_calls(agent, started_at);
CREATE INDEX campaign_calls_in ON campaign_calls(started_at) WHERE direction = 'in';
