-- Campaigns that survive a restart (issue 17, item 13): a call's record is
-- written when it is dialed and completed when it ends, so an open record
-- (ended_at and outcome NULL) is a call in progress. A server that starts
-- finds the records a crash left open and closes them as 'interrupted'. The
-- dial gate's attempt likewise is written at the dial ('dialing') and given
-- its outcome at the end. SQLite cannot change a column's constraints, so
-- both tables are rebuilt, and callbacks with campaign_calls (a parent table
-- cannot be dropped while rows refer to it; the ids stay the same, and the
-- rename makes callbacks refer to campaign_calls again).

CREATE TABLE campaign_calls_009 (
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
                           'failed', 'interrupted')),
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
    CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
INSERT INTO campaign_calls_009 SELECT id, campaign_id, contact_id, e164, caller_id, attempt,
    started_at, answered_at, bridged_at, ended_at, outcome, cause, agent, short_call, robot_step,
    robot_keys, evidence, network, disposition, disposition_tags, disposition_note, callback_at,
    disposed_at, robot_actions, recording, direction FROM campaign_calls;
CREATE TABLE callbacks_009 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id),
    call_id         BIGINT NOT NULL REFERENCES campaign_calls_009(id),
    contact_id      BIGINT NOT NULL,
    agent           TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    done_at         BIGINT
);
INSERT INTO callbacks_009 SELECT id, campaign_id, call_id, contact_id, agent, due_at, done_at
    FROM callbacks;
DROP TABLE callbacks;
DROP TABLE campaign_calls;
ALTER TABLE campaign_calls_009 RENAME TO campaign_calls;
ALTER TABLE callbacks_009 RENAME TO callbacks;
CREATE INDEX callbacks_agent ON callbacks(agent, due_at);
CREATE INDEX campaign_calls_e164 ON campaign_calls(e164, started_at);
CREATE INDEX campaign_calls_campaign ON campaign_calls(campaign_id, started_at);
CREATE INDEX campaign_calls_open ON campaign_calls(campaign_id) WHERE ended_at IS NULL;

CREATE TABLE call_attempts_009 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    e164            TEXT NOT NULL,
    at              BIGINT NOT NULL,
    outcome         TEXT NOT NULL
        CHECK (outcome IN ('answered', 'busy', 'no_answer', 'failed', 'invalid', 'rejected',
                           'dialing', 'interrupted')),
    failed          INTEGER NOT NULL,
    utc_offset      INTEGER,
    campaign_id     BIGINT,
    recorded_by     TEXT NOT NULL
);
INSERT INTO call_attempts_009 SELECT id, e164, at, outcome, failed, utc_offset, campaign_id,
    recorded_by FROM call_attempts;
DROP TABLE call_attempts;
ALTER TABLE call_attempts_009 RENAME TO call_attempts;
CREATE INDEX call_attempts_e164 ON call_attempts(e164, at);
CREATE INDEX call_attempts_dialing ON call_attempts(recorded_by) WHERE outcome = 'dialing';
