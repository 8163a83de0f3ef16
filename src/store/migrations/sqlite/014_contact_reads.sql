-- Contacts read per user (issue 17, item 4; api/read_volume.h): the counts
-- behind the limits contacts_read_per_hour and contacts_read_per_day, in the
-- base so that a restart does not start them over and so that the API, other
-- servers and the CLI add up to one count per user.
--
-- One row per user, minute (Unix seconds / 60) and writer: the counter that
-- counted them (a server's run or a CLI command, a random token), so that a
-- server reads back only what others counted and never its own twice. Rows
-- older than 24 hours are dropped now and then.
CREATE TABLE contact_reads (
    actor       TEXT NOT NULL,
    minute      BIGINT NOT NULL,
    writer      TEXT NOT NULL,
    contacts    BIGINT NOT NULL,
    PRIMARY KEY (actor, minute, writer)
);

-- Until when a user's bulk read has been reported: the bulk_read audit record
-- is written once per window, whichever server or command refused first.
CREATE TABLE contact_read_alerts (
    actor           TEXT PRIMARY KEY,
    alerted_until   BIGINT NOT NULL
);
