-- Issued Open Badges 3.0 credentials (issue 7), as signed and as sent.
-- Numbered 0700 to stay clear of the journal's own migration sequence.
CREATE TABLE credentials (
    id                 TEXT PRIMARY KEY,              -- urn:uuid:...
    goal_id            INTEGER NOT NULL REFERENCES goals (id),
    issued_at          TEXT NOT NULL,
    credential         TEXT NOT NULL,                 -- JSON-LD with its eddsa-rdfc-2022 proof
    jwt_eddsa          TEXT NOT NULL,
    jwt_rs256          TEXT NOT NULL,
    revoked_at         TEXT,
    revocation_reason  TEXT
);
CREATE INDEX credentials_goal ON credentials (goal_id);
