-- What each operator was doing and for how long (issue 19, docs/routing.md,
-- "Operators' time"): one row per spell of a state in serve — ready, on a
-- call, wrapping up, paused with the reason the operator chose (a code of
-- pause_reasons, or desk_gone when the desk went away, '' when none was
-- given) — with the campaign they worked in. Times are Unix milliseconds;
-- ended_at is NULL while the spell lasts. The reports sum them into
-- occupancy and pause time by reason.
CREATE TABLE agent_states (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agent       TEXT NOT NULL,
    campaign_id BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('ready', 'on_call', 'wrap_up', 'paused')),
    reason      TEXT NOT NULL DEFAULT '',
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT
);
CREATE INDEX agent_states_started ON agent_states (started_at);
CREATE INDEX agent_states_agent ON agent_states (agent, started_at);
CREATE INDEX agent_states_open ON agent_states (agent) WHERE ended_at IS NULL;
