-- Incoming calls that never reached a queue (issue 19, docs/routing.md):
-- refused by the black list, or answered with a message instead (a number
-- without a route, a message route, a queue with nobody at work). When, from
-- whom (the number sealed like every number, store::PhoneKey), to which of
-- the center's numbers, what the router decided and why; the inbound report
-- counts them beside the queues.
CREATE TABLE inbound_unqueued (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT NOT NULL,
    e164        TEXT NOT NULL,
    did         TEXT NOT NULL,
    route       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    network     TEXT NOT NULL
);
CREATE INDEX inbound_unqueued_at ON inbound_unqueued (at);
-- The inbound report reads a period's incoming calls; outbound dials are the
-- bulk of campaign_calls, so the incoming ones get an index of their own.
CREATE INDEX campaign_calls_in ON campaign_calls(started_at) WHERE direction = 'in';
