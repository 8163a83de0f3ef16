-- Inbound routing (issue 19, docs/routing.md): the center's queues, its
-- numbers and extensions with their routes, the caller lists (VIP with a
-- personal manager, black list) whose numbers are sealed like every other
-- number (store::PhoneKey), the rules by caller, the operators' profiles
-- (team, blend, skills) and the pause reasons the supervisor sets.
CREATE TABLE routing_queues (
    name        TEXT PRIMARY KEY,
    spec        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE routing_numbers (
    number      TEXT PRIMARY KEY,
    extension   INTEGER NOT NULL DEFAULT 0,
    route       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE caller_lists (
    list        TEXT NOT NULL CHECK (list IN ('vip', 'black')),
    e164        TEXT NOT NULL,
    manager     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    added_at    BIGINT NOT NULL,
    added_by    TEXT NOT NULL,
    PRIMARY KEY (list, e164)
);
CREATE TABLE routing_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    rules       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE agent_profiles (
    agent       TEXT PRIMARY KEY,
    team        TEXT NOT NULL DEFAULT '',
    blend       TEXT NOT NULL DEFAULT 'blended' CHECK (blend IN ('blended', 'inbound', 'outbound')),
    skills      TEXT NOT NULL DEFAULT '[]',
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE pause_reasons (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    paid        INTEGER NOT NULL DEFAULT 1,
    max_minutes INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL
);
-- The built-in reasons have no label of their own: screens say them in the
-- user's language by their code; a reason the supervisor adds has a label.
INSERT INTO pause_reasons (code, label, paid, max_minutes, position) VALUES
    ('lunch', '', 0, 60, 1),
    ('break', '', 1, 15, 2),
    ('training', '', 1, 0, 3),
    ('after_call_work', '', 1, 0, 4),
    ('meeting', '', 1, 0, 5);
