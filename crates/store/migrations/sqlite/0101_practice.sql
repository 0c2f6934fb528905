-- Practice science: the current plan of each goal, long-term arcs and the
-- goals that belong to them, and FSRS retention cards with their reviews.
CREATE TABLE plans (
    goal_id  INTEGER PRIMARY KEY REFERENCES goals (id) ON DELETE CASCADE,
    made_at  TEXT NOT NULL,
    -- mm_core::plan::Plan as JSON: the dated items are read and written whole.
    plan     TEXT NOT NULL
);

CREATE TABLE arcs (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX arcs_name_unique ON arcs (lower(name));

-- A goal in an arc (deeper study), or standalone when arc_id is NULL.
CREATE TABLE goal_arcs (
    goal_id  INTEGER PRIMARY KEY REFERENCES goals (id) ON DELETE CASCADE,
    arc_id   INTEGER REFERENCES arcs (id)
);

CREATE TABLE retention_cards (
    id            INTEGER PRIMARY KEY,
    goal_id       INTEGER NOT NULL REFERENCES goals (id),
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('micro_skill', 'principle')),
    subject_id    INTEGER NOT NULL,
    label         TEXT NOT NULL,
    stability     REAL NOT NULL,
    difficulty    REAL NOT NULL,
    last_review   TEXT NOT NULL,
    due           TEXT NOT NULL,
    UNIQUE (subject_kind, subject_id)
);
CREATE INDEX retention_cards_due ON retention_cards (due);

CREATE TABLE retention_reviews (
    card_id   INTEGER NOT NULL REFERENCES retention_cards (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    on_date   TEXT NOT NULL,
    rating    INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    PRIMARY KEY (card_id, position)
);
