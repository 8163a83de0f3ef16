-- A page of a search, newest first (issue 18). A name search finds its
-- contacts by their ids (contact_words); the page is the 50 newest of them.
-- Sorting those ids by contacts.created_at read each contact's row first:
-- thousands of rows scattered over the table for a common name (Роман
-- Петров: 3,979 of 922,732 contacts), most of a search's time when they are
-- not in memory. This index holds, for every contact, whether it was merged,
-- its id and when it was added, so a live contact's date is one seek in it,
-- and ContactBook::Find reads whole rows for the page alone. It starts with
-- merged_into, so it also serves every lookup the index of merged_into did,
-- which it replaces.
CREATE INDEX contacts_live_added ON contacts(merged_into, id, created_at);
DROP INDEX contacts_merged_into;
