-- A spell of "ringing" (issue 19, docs/routing.md, "Operators' time"): the
-- operator's phone rang for a call and did not take it; the ring is kept
-- apart from talk.
ALTER TABLE agent_states DROP CONSTRAINT agent_states_state_check;
ALTER TABLE agent_states ADD CONSTRAINT agent_states_state_check
    CHECK (state IN ('ready', 'ringing', 'on_call', 'wrap_up', 'paused'));
