-- Outbound campaigns (R-OUT): a campaign and its settings (JSON, the
-- CampaignSpec of campaigns/campaign_book.h), the record of every dial with
-- the dial gate's evidence (the legal trail: callbase why PHONE reads it),
-- the operator's disposition, and the callbacks dispositions schedule.
-- Call times are Unix milliseconds, other times Unix seconds. Numbers are
-- E.164 text as in phones (sealed findably on an encrypted base); a
-- disposition's note is sealed like history values.
CREATE TABLE campaigns (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'running', 'paused', 'stopped')),
    purpose         TEXT NOT NULL,
    pacing          TEXT NOT NULL
        CHECK (pacing IN ('preview', 'progressive', 'predictive', 'robot')),
    settings        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT NOT NULL
);

CREATE TABLE campaign_calls (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id),
    contact_id      BIGINT NOT NULL,
    e164            TEXT NOT NULL,
    caller_id       TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    started_at      BIGINT NOT NULL,
    answered_at     BIGINT,
    bridged_at      BIGINT,
    ended_at        BIGINT NOT NULL,
    outcome         TEXT NOT NULL
        CHECK (outcome IN ('answered', 'abandoned', 'busy', 'no_answer', 'invalid', 'rejected',
                           'failed')),
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
    disposed_at     BIGINT
);
CREATE INDEX campaign_calls_e164 ON campaign_calls(e164, started_at);
CREATE INDEX campaign_calls_campaign ON campaign_calls(campaign_id, started_at);

CREATE TABLE callbacks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id),
    call_id         BIGINT NOT NULL REFERENCES campaign_calls(id),
    contact_id      BIGINT NOT NULL,
    agent           TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    done_at         BIGINT
);
CREATE INDEX callbacks_agent ON callbacks(agent, due_at);
