-- The person's journal: skills, micro-skills and principles, goals, practice,
-- applications, reflections, settings. Timestamps are RFC 3339 UTC text with
-- nine fractional digits (sortable); dates are YYYY-MM-DD.
CREATE TABLE skills (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('skill', 'knowledge', 'transversal')),
    taxonomy_uri  TEXT,
    description   TEXT,
    held_level    INTEGER CHECK (held_level BETWEEN 1 AND 5),
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX skills_name_unique ON skills (lower(name));

CREATE TABLE micro_skills (
    id          INTEGER PRIMARY KEY,
    skill_id    INTEGER NOT NULL REFERENCES skills (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX micro_skills_skill ON micro_skills (skill_id);

CREATE TABLE principles (
    id              INTEGER PRIMARY KEY,
    micro_skill_id  INTEGER NOT NULL REFERENCES micro_skills (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    UNIQUE (micro_skill_id, position)
);

CREATE TABLE resources (
    micro_skill_id  INTEGER NOT NULL REFERENCES micro_skills (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    url             TEXT NOT NULL,
    title           TEXT,
    PRIMARY KEY (micro_skill_id, position)
);

CREATE TABLE goals (
    id              INTEGER PRIMARY KEY,
    micro_skill_id  INTEGER NOT NULL REFERENCES micro_skills (id),
    target_level    INTEGER NOT NULL CHECK (target_level BETWEEN 1 AND 5),
    state           TEXT NOT NULL CHECK (state IN ('planned', 'active', 'achieved', 'abandoned')),
    start_date      TEXT NOT NULL,
    deadline        TEXT NOT NULL,
    weekly_minutes  INTEGER NOT NULL CHECK (weekly_minutes > 0),
    created_at      TEXT NOT NULL,
    closed_at       TEXT,
    abandon_reason  TEXT
);

CREATE TABLE criteria (
    id        INTEGER PRIMARY KEY,
    goal_id   INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    met_at    TEXT,
    UNIQUE (goal_id, position)
);

CREATE TABLE goal_extensions (
    goal_id       INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    at            TEXT NOT NULL,
    old_deadline  TEXT NOT NULL,
    new_deadline  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    PRIMARY KEY (goal_id, position)
);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    goal_id          INTEGER NOT NULL REFERENCES goals (id),
    started_at       TEXT NOT NULL,
    ended_at         TEXT NOT NULL,
    focused_minutes  INTEGER NOT NULL CHECK (focused_minutes > 0),
    interruptions    INTEGER NOT NULL DEFAULT 0,
    aim              TEXT NOT NULL,
    reps             INTEGER NOT NULL DEFAULT 0,
    errors           INTEGER NOT NULL DEFAULT 0,
    difficulty       INTEGER CHECK (difficulty BETWEEN 1 AND 5),
    feedback         TEXT,
    notes            TEXT
);
CREATE INDEX sessions_goal ON sessions (goal_id, started_at);

CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    goal_id          INTEGER NOT NULL REFERENCES goals (id),
    at               TEXT NOT NULL,
    context          TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    impact           TEXT,
    evidence_kind    TEXT CHECK (evidence_kind IN ('link', 'file')),
    evidence_url     TEXT,
    evidence_name    TEXT,
    evidence_sha256  TEXT
);
CREATE INDEX applications_goal ON applications (goal_id);

CREATE TABLE reflections (
    id           INTEGER PRIMARY KEY,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('session', 'goal', 'week')),
    session_id   INTEGER REFERENCES sessions (id),
    goal_id      INTEGER REFERENCES goals (id),
    week         TEXT,
    at           TEXT NOT NULL,
    worked       TEXT NOT NULL,
    didnt        TEXT NOT NULL,
    next         TEXT NOT NULL
);

CREATE TABLE reflection_principles (
    reflection_id  INTEGER NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    principle_id   INTEGER NOT NULL REFERENCES principles (id),
    PRIMARY KEY (reflection_id, principle_id)
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
