-- Saved filters (issue 18, section 3): a user keeps the filter of a search
-- under a name and opens it later. Per user (a filter is the user's own,
-- never shown to others); the expressions as a JSON array of strings,
-- sealed on an encrypted base (a filter may hold a name or a number).
CREATE TABLE saved_filters (
    id          BIGSERIAL PRIMARY KEY,
    owner       TEXT NOT NULL,
    name        TEXT NOT NULL,
    expressions TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (owner, name)
);
