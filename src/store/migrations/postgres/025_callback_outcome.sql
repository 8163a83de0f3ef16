-- A caller who pressed 1 to be called back instead of waiting (issue 19,
-- docs/routing.md, "A callback instead of waiting"): their incoming call's
-- record closes with the outcome 'callback' — neither answered nor abandoned.
ALTER TABLE campaign_calls DROP CONSTRAINT campaign_calls_outcome_check;
ALTER TABLE campaign_calls ADD CONSTRAINT campaign_calls_outcome_check
    CHECK (outcome IN ('answered', 'abandoned', 'busy', 'no_answer', 'invalid', 'rejected',
                       'failed', 'interrupted', 'callback'));
