-- Single sign-on for institutions (issue 15, part 2): an organisation's
-- OpenID provider, the provider identities linked to its people, and the
-- sign-ins under way.
--
-- The client secret is never stored in the clear: as the issuer keys
-- (0004), it is a 12-byte nonce then the ChaCha20-Poly1305 ciphertext under
-- the server's master key, authenticated with the organisation's id, and
-- `master_key_id` names the master key that sealed it. A public client
-- (PKCE only) has no secret.
--
-- A sign-in under way is kept in the database, not in an instance, so the
-- provider may send the browser back to any instance. Its `state` is the
-- secret the browser also carries in a cookie (only its SHA-256 is kept);
-- the row is used once and lasts minutes.
--
-- Isolation as in 0001-0006: org_id on every row, forced row-level
-- security, and references that include org_id.

CREATE TABLE sso_providers (
    org_id         BIGINT PRIMARY KEY REFERENCES organisations (id),
    issuer         TEXT NOT NULL CHECK (issuer ~ '^https?://' AND length(issuer) <= 500),
    client_id      TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
    client_secret  BYTEA CHECK (length(client_secret) > 28),
    master_key_id  TEXT CHECK ((client_secret IS NULL) = (master_key_id IS NULL)),
    -- What the sign-in page's button says: "Sign in with <label>".
    label          TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    -- Email domains whose verified addresses join as learners at their
    -- first sign-in (empty: only existing members sign in).
    join_domains   TEXT[] NOT NULL DEFAULT '{}' CHECK (cardinality(join_domains) <= 50),
    updated_by     BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, updated_by) REFERENCES people (org_id, id)
);

CREATE TABLE sso_identities (
    org_id     BIGINT NOT NULL,
    issuer     TEXT NOT NULL,
    -- The provider's `sub`: stable for the person, unlike their email.
    subject    TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    person_id  BIGINT NOT NULL,
    linked_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, issuer, subject),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id) ON DELETE CASCADE
);
CREATE INDEX sso_identities_person ON sso_identities (org_id, person_id);

CREATE TABLE sso_logins (
    org_id         BIGINT NOT NULL REFERENCES organisations (id),
    state_hash     BYTEA PRIMARY KEY CHECK (length(state_hash) = 32),
    issuer         TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ
);
CREATE INDEX sso_logins_expiry ON sso_logins (org_id, expires_at);

DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['sso_providers', 'sso_identities', 'sso_logins'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (org_id = mm_org()) '
                       'WITH CHECK (org_id = mm_org())', t);
    END LOOP;
END $$;
