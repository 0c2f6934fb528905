-- The organisation answers for the badges it signs (issue 15, part 6): its
-- ledger of every credential signed with its keys, written before the
-- member's journal records the badge. From it the server publishes each
-- credential at /orgs/{slug}/credentials/{uuid}.json (so links to a badge
-- resolve, as the solo issuer's do), lists them to the organisation's
-- admins, and lets an admin revoke a member's badge (issuer_revocations,
-- the list verifiers read).
--
-- Append-only for the servers: a credential signed stays on record.
-- Isolation as in 0001-0007: org_id on every row, forced row-level
-- security, and references that include org_id.

CREATE TABLE issued_credentials (
    org_id         BIGINT NOT NULL REFERENCES issuers (org_id),
    credential_id  TEXT NOT NULL CHECK (credential_id LIKE 'urn:uuid:%' AND length(credential_id) <= 100),
    person_id      BIGINT NOT NULL,
    goal_id        BIGINT NOT NULL,
    micro_skill    TEXT NOT NULL CHECK (length(micro_skill) BETWEEN 1 AND 500),
    issued_at      TIMESTAMPTZ NOT NULL,
    -- The signed credential (JSON-LD with its proof), byte for byte as issued.
    credential     TEXT NOT NULL,
    PRIMARY KEY (org_id, credential_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);
CREATE INDEX issued_credentials_person ON issued_credentials (org_id, person_id, issued_at);

ALTER TABLE issued_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE issued_credentials FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON issued_credentials USING (org_id = mm_org()) WITH CHECK (org_id = mm_org());
