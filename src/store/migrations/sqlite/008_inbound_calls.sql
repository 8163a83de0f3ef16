-- Inbound calls (issue 6, R-IN-2): a campaign's operators take calls to the
-- center's numbers too. 'in' rows have the caller in e164, the number they
-- dialed in caller_id, attempt 0, and contact_id 0 when the caller is unknown.
ALTER TABLE campaign_calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'out';
