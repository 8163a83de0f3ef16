-- Menus for incoming calls (issue 19, docs/routing.md "Menus"): one row per
-- caller's way through a menu — which menu (its file in the scripts folder),
-- the number dialed, each question's answer in order (JSON [{"node", "keys",
-- "heard", "repeated"}]: heard is key, timeout or invalid), the answers kept
-- (JSON {"source": "Поиск"}), the node the caller was at when it ended, and
-- how it ended (queue:NAME, extension:101, hangup when the menu said
-- goodbye, caller_hung_up, failed). No caller number: the call's own record
-- has it. Times are Unix milliseconds. The IVR-menu report reads these.
CREATE TABLE ivr_visits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          BIGINT NOT NULL,
    ended_at    BIGINT NOT NULL,
    menu        TEXT NOT NULL,
    did         TEXT NOT NULL,
    steps       TEXT NOT NULL,
    answers     TEXT NOT NULL,
    node        TEXT NOT NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX ivr_visits_at ON ivr_visits (at);
