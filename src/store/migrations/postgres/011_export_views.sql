-- What an export shows of the people in it (issue 17): the requester's view
-- of the card, fixed when the export is requested and shown to the approver:
-- 'full', 'masked' (numbers as +7 (912) ***-**-89) or 'pseudonyms' (numbers
-- and names as pseudonyms, no e-mail or comment). Requests made before this
-- were made by roles that see everything or by the analyst; the analyst's are
-- marked 'pseudonyms' so that one still waiting leaves as the analyst sees.
ALTER TABLE export_requests ADD COLUMN shown_as TEXT NOT NULL DEFAULT 'full';
UPDATE export_requests SET shown_as = 'pseudonyms'
    WHERE requested_by IN (SELECT name FROM users WHERE role = 'analyst');
