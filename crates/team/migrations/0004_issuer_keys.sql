-- The organisation issues the badges (issue 15, part 6). An organisation's
-- badge issuer: its identity (a did:web id, a name, a URL), its key
-- generations, and its revocation list, all held by the team server so its
-- members' badges are signed by the organisation and employers verify them
-- against the documents the server publishes for it (/orgs/{slug}/did.json,
-- …/credentials/revocations.json), online or offline.
--
-- A key generation's secret halves (the Ed25519 seed and the RSA key) are
-- never stored in the clear: `secret` is a 12-byte nonce then the
-- ChaCha20-Poly1305 ciphertext under the server's master key (MM_TEAM_KEY,
-- which the database never sees), authenticated with the organisation's id
-- and the key's id, so a row copied to another organisation or key does not
-- open. `master_key_id` names which master key sealed it (a fingerprint,
-- not the key). Rotation retires the current generation (`retired_at`) and
-- adds the next; retired generations stay published so older badges keep
-- verifying, and the servers may not delete them.
--
-- Isolation as in 0001-0003: org_id on every row, forced row-level
-- security, and references that include org_id.

CREATE TABLE issuers (
    org_id      BIGINT PRIMARY KEY REFERENCES organisations (id),
    -- {"id": "did:web:…", "name": …, "url": "https://…"}; the keys are below.
    identity    JSONB NOT NULL CHECK (jsonb_typeof(identity) = 'object'
                    AND identity->>'id' LIKE 'did:web:%'
                    AND length(identity->>'name') BETWEEN 1 AND 200
                    AND identity->>'url' LIKE 'https://%'),
    created_by  BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (org_id, created_by) REFERENCES people (org_id, id)
);

CREATE TABLE issuer_keys (
    org_id            BIGINT NOT NULL REFERENCES issuers (org_id),
    -- 0 for the first generation, then 1, 2, …; the key id is `key-N`.
    generation        INT NOT NULL CHECK (generation >= 0),
    key_id            TEXT NOT NULL CHECK (key_id = 'key-' || generation),
    -- The public halves, as the DID document lists them.
    ed25519_multikey  TEXT NOT NULL CHECK (ed25519_multikey LIKE 'z6Mk%'),
    rsa_jwk           JSONB NOT NULL CHECK (rsa_jwk->>'kty' = 'RSA'),
    -- nonce (12 bytes) || ciphertext || tag (16 bytes).
    secret            BYTEA NOT NULL CHECK (length(secret) > 28),
    master_key_id     TEXT NOT NULL CHECK (length(master_key_id) BETWEEN 1 AND 64),
    created_by        BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    retired_at        TIMESTAMPTZ,
    PRIMARY KEY (org_id, generation),
    UNIQUE (org_id, key_id),
    FOREIGN KEY (org_id, created_by) REFERENCES people (org_id, id)
);
-- One generation signs at a time.
CREATE UNIQUE INDEX issuer_keys_current ON issuer_keys (org_id) WHERE retired_at IS NULL;

-- The 1EdTech revocation list the organisation publishes: one row per
-- revoked badge, with the reason verifiers show.
CREATE TABLE issuer_revocations (
    org_id         BIGINT NOT NULL REFERENCES issuers (org_id),
    credential_id  TEXT NOT NULL CHECK (length(credential_id) BETWEEN 1 AND 500),
    reason         TEXT NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 4000),
    revoked_by     BIGINT,
    revoked_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, credential_id),
    FOREIGN KEY (org_id, revoked_by) REFERENCES people (org_id, id)
);
CREATE INDEX issuer_revocations_at ON issuer_revocations (org_id, revoked_at);

DO $$
DECLARE t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['issuers', 'issuer_keys', 'issuer_revocations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (org_id = mm_org()) '
                       'WITH CHECK (org_id = mm_org())', t);
    END LOOP;
END $$;
