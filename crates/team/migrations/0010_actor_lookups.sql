-- Who a request acts as, in one round trip (issue 15, part 9). Every
-- request to the team server names its actor from a cookie or a bearer
-- token; doing it as a transaction of its own (look the secret up, set the
-- organisation, stamp the token's use, read the roles, commit) cost six
-- round trips before any work. These functions do the same in one
-- statement, as the owner (like the lookups of 0001), setting the
-- organisation only for the rows they read and restoring the caller's
-- setting before they return.

-- The live API token a bearer secret's hash names, its use stamped (to the
-- minute, so a busy script does not write on every request), with the
-- person's roles.
CREATE FUNCTION mm_token_actor(p_hash BYTEA)
RETURNS TABLE (org_id BIGINT, person_id BIGINT, token_id BIGINT, roles TEXT[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    found_org BIGINT;
    found_person BIGINT;
    found_token BIGINT;
    caller TEXT := current_setting('mm.org', true);
BEGIN
    SELECT k.org_id, k.person_id, k.token_id INTO found_org, found_person, found_token
    FROM mm_token_by_hash(p_hash) k;
    IF found_org IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('mm.org', found_org::TEXT, true);
    UPDATE api_tokens t SET last_used_at = now() WHERE t.id = found_token
        AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute');
    RETURN QUERY SELECT found_org, found_person, found_token,
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM roles r
                  WHERE r.org_id = found_org AND r.person_id = found_person), '{}'::TEXT[]);
    PERFORM set_config('mm.org', coalesce(caller, ''), true);
END $$;

-- The live browser sign-in a cookie's hash names, with its CSRF token and
-- the person's roles.
CREATE FUNCTION mm_session_actor(p_hash BYTEA)
RETURNS TABLE (org_id BIGINT, person_id BIGINT, session_id BIGINT, csrf TEXT, roles TEXT[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    found_org BIGINT;
    found_person BIGINT;
    found_session BIGINT;
    caller TEXT := current_setting('mm.org', true);
BEGIN
    SELECT k.org_id, k.person_id, k.session_id INTO found_org, found_person, found_session
    FROM mm_session_by_hash(p_hash) k;
    IF found_org IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('mm.org', found_org::TEXT, true);
    RETURN QUERY SELECT found_org, found_person, found_session, s.csrf,
        coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM roles r
                  WHERE r.org_id = found_org AND r.person_id = found_person), '{}'::TEXT[])
        FROM auth_sessions s WHERE s.id = found_session;
    PERFORM set_config('mm.org', coalesce(caller, ''), true);
END $$;

REVOKE ALL ON FUNCTION mm_token_actor(BYTEA), mm_session_actor(BYTEA) FROM PUBLIC;
