-- Real calls (issue 6): what a robot script did on each call, and the WAV
-- file both sides of an answered call were recorded to ('' for none).
ALTER TABLE campaign_calls ADD COLUMN robot_actions TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign_calls ADD COLUMN recording TEXT NOT NULL DEFAULT '';
