-- Inbound routing (issue 19): where the router sent an incoming call and why,
-- as JSON {"route": "queue:vip", "reason": "vip", "params": {...}}; '' for
-- outbound calls and for incoming calls taken before routing was configured.
ALTER TABLE campaign_calls ADD COLUMN route TEXT NOT NULL DEFAULT '';
