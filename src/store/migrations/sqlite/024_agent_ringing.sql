-- A spell of "ringing" (issue 19, docs/routing.md, "Operators' time"): the
-- operator's phone rang for a call and did not take it; the ring is kept
-- apart from talk. SQLite cannot change a column's constraint, so the table
-- is rebuilt with the same ids.
CREATE TABLE agent_states_024 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agent       TEXT NOT NULL,
    campaign_id BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('ready', 'ringing', 'on_call', 'wrap_up', 'paused')),
    reason      TEXT NOT NULL DEFAULT '',
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT
);
INSERT INTO agent_states_024 (id, agent, campaign_id, state, reason, started_at, ended_at)
    SELECT id, agent, campaign_id, state, reason, started_at, ended_at FROM agent_states;
DROP TABLE agent_states;
ALTER TABLE agent_states_024 RENAME TO agent_states;
CREATE INDEX agent_states_started ON agent_states (started_at);
CREATE INDEX agent_states_agent ON agent_states (agent, started_at);
CREATE INDEX agent_states_open ON agent_states (agent) WHERE ended_at IS NULL;
