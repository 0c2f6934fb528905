-- Saved market analyses: one row per `mm market analyse` run, with the whole
-- report as JSON (for `mm discover`/`mm next` to reuse without re-reading the
-- corpus) and one row per skill for plain SQL queries.
CREATE TABLE market_analyses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    sources     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    postings    INTEGER NOT NULL,
    dated       INTEGER NOT NULL,
    report      TEXT NOT NULL
);

CREATE TABLE market_skills (
    analysis_id  INTEGER NOT NULL REFERENCES market_analyses (id) ON DELETE CASCADE,
    skill_uri    TEXT NOT NULL,
    label        TEXT NOT NULL,
    postings     INTEGER NOT NULL,
    share        REAL NOT NULL,
    ci_low       REAL NOT NULL,
    ci_high      REAL NOT NULL,
    trend_slope  REAL,
    trend_p      REAL,
    PRIMARY KEY (analysis_id, skill_uri)
);
