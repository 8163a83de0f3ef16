-- Campaigns that survive a restart (issue 17, item 13): a call's record is
-- written when it is dialed and completed when it ends, so an open record
-- (ended_at and outcome NULL) is a call in progress. A server that starts
-- finds the records a crash left open and closes them as 'interrupted'. The
-- dial gate's attempt likewise is written at the dial ('dialing') and given
-- its outcome at the end.
ALTER TABLE campaign_calls ALTER COLUMN ended_at DROP NOT NULL;
ALTER TABLE campaign_calls ALTER COLUMN outcome DROP NOT NULL;
ALTER TABLE campaign_calls DROP CONSTRAINT campaign_calls_outcome_check;
ALTER TABLE campaign_calls ADD CONSTRAINT campaign_calls_outcome_check
    CHECK (outcome IN ('answered', 'abandoned', 'busy', 'no_answer', 'invalid', 'rejected',
                       'failed', 'interrupted'));
ALTER TABLE campaign_calls ADD CONSTRAINT campaign_calls_open_check
    CHECK ((ended_at IS NULL) = (outcome IS NULL));
CREATE INDEX campaign_calls_open ON campaign_calls(campaign_id) WHERE ended_at IS NULL;

ALTER TABLE call_attempts DROP CONSTRAINT call_attempts_outcome_check;
ALTER TABLE call_attempts ADD CONSTRAINT call_attempts_outcome_check
    CHECK (outcome IN ('answered', 'busy', 'no_answer', 'failed', 'invalid', 'rejected',
                       'dialing', 'interrupted'));
CREATE INDEX call_attempts_dialing ON call_attempts(recorded_by) WHERE outcome = 'dialing';
