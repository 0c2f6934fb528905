//! Signing in: passwords (argon2id), browser sessions kept in the database,
//! API tokens for scripts and the CLI, and invitations by link.
//!
//! A wrong organisation, an unknown email and a wrong password all answer
//! the same words after the same work (an unknown email is checked against a
//! dummy hash), so sign-in tells an outsider nothing about who has an account.

use crate::people::{
    add_person, audit, check_name, member_in, normalise_email, parse_roles, parse_time, roles_of,
};
use crate::secret;
use crate::{
    Actor, ApiToken, Error, Invitation, InvitationState, InvitationView, Kind, OrgId, PersonId,
    Result, Role, TeamStore, Via,
};
use crate::{enter, org_by_slug};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use sqlx::{Postgres, Transaction};
use std::sync::OnceLock;

/// The prefix of a browser session's secret (the cookie's value).
pub const SESSION_PREFIX: &str = "mms_";
/// The prefix of an API token.
pub const TOKEN_PREFIX: &str = "mmt_";
/// The prefix of an invitation link's secret.
pub const INVITATION_PREFIX: &str = "mmi_";

/// Wrong passwords allowed for one address within the window.
const MAX_FAILURES: i64 = 10;
/// The window, in minutes.
const FAILURE_WINDOW_MINUTES: i32 = 15;

/// How many days an invitation link works.
const INVITATION_DAYS: i64 = 14;

/// A fresh sign-in: the cookie's secret (shown to the browser once) and who
/// it signs in.
pub struct SignIn {
    /// The session's secret: the cookie's value.
    pub secret: String,
    /// The person it signs in, with the session's CSRF token.
    pub actor: Actor,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("secret", &"<hidden>")
            .field("actor", &self.actor)
            .finish()
    }
}

/// A new API token: its secret, shown this once, and what is kept of it.
pub struct NewApiToken {
    /// The secret, for `Authorization: Bearer …`. Never shown again.
    pub secret: String,
    /// The token as lists show it.
    pub token: ApiToken,
}

impl std::fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiToken")
            .field("secret", &"<hidden>")
            .field("token", &self.token)
            .finish()
    }
}

/// A new invitation: the link's secret, shown this once, and the invitation.
pub struct NewInvitation {
    /// The secret the link carries.
    pub secret: String,
    /// The invitation.
    pub invitation: Invitation,
}

impl std::fmt::Debug for NewInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewInvitation")
            .field("secret", &"<hidden>")
            .field("invitation", &self.invitation)
            .finish()
    }
}

/// Refuse a password too short to resist guessing, or too long to hash cheaply.
pub(crate) fn check_password(pw: &str) -> Result<()> {
    let n = pw.chars().count();
    if n < 12 {
        return Err(Error::invalid(
            "password",
            "choose a password of at least 12 characters",
        ));
    }
    if pw.len() > 1024 {
        return Err(Error::invalid(
            "password",
            "a password is at most 1024 bytes",
        ));
    }
    Ok(())
}

/// The argon2id hash (PHC string) of `pw`, computed off the async threads.
pub(crate) async fn hash_password(pw: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::new(Kind::Internal, format!("hashing the password failed: {e}")))
    })
    .await
    .map_err(|e| Error::new(Kind::Internal, format!("hashing the password failed: {e}")))?
}

/// Whether `pw` matches the PHC string `phc` (or, for `None`, a dummy: the
/// same work, always false).
async fn verify_password(pw: String, phc: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(pw.as_bytes(), &parsed)
            .is_ok();
        ok && known
    })
    .await
    .map_err(|e| Error::new(Kind::Internal, format!("checking the password failed: {e}")))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

fn wrong_sign_in() -> Error {
    Error::unauthorized("the organisation, email or password is wrong")
}

fn expired_sign_in() -> Error {
    Error::unauthorized("you are not signed in, or your sign-in has ended: sign in again")
}

fn bad_token() -> Error {
    Error::unauthorized("the API token is wrong, expired or revoked")
}

impl TeamStore {
    /// Sign in with the organisation's slug, an email and a password: a new
    /// browser session.
    ///
    /// # Errors
    /// [`Kind::Unauthorized`], in the same words, for any of the three wrong.
    pub async fn sign_in(&self, slug: &str, email: &str, password: &str) -> Result<SignIn> {
        let email = email.trim().to_lowercase();
        let mut tx = self.unscoped().await?;
        let org = org_by_slug(&mut tx, slug.trim()).await?;
        let found: Option<(PersonId, String)> = match org {
            Some(org) => {
                enter(&mut tx, org).await?;
                sqlx::query_as(
                    "SELECT id, password_hash FROM people \
                     WHERE org_id = mm_org() AND email = $1 AND disabled_at IS NULL",
                )
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        if org.is_some() {
            // At most MAX_FAILURES wrong passwords for one address in the
            // window, counted from the audit trail (so across instances).
            let recent: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM team_audit WHERE org_id = mm_org() AND action = 'sign_in_failed' \
                 AND subject = $1 AND at > now() - make_interval(mins => $2)",
            )
            .bind(format!("email:{email}"))
            .bind(FAILURE_WINDOW_MINUTES)
            .fetch_one(&mut *tx)
            .await?;
            if recent >= MAX_FAILURES {
                return Err(Error::new(
                    Kind::TooMany,
                    format!(
                        "too many wrong passwords for this address: wait {FAILURE_WINDOW_MINUTES} minutes, or ask an admin"
                    ),
                ));
            }
        }
        let ok = verify_password(password.to_owned(), found.as_ref().map(|f| f.1.clone())).await?;
        let (Some(org), Some((person, _)), true) = (org, found.as_ref(), ok) else {
            if let Some(org) = org {
                audit(
                    &mut tx,
                    org,
                    found.as_ref().map(|f| f.0),
                    "sign_in_failed",
                    Some(format!("email:{email}")),
                    serde_json::json!({}),
                )
                .await?;
                tx.commit().await?;
            }
            return Err(wrong_sign_in());
        };
        let person = *person;
        let signed_in = self.open_session(&mut tx, org, person).await?;
        audit(
            &mut tx,
            org,
            Some(person),
            "sign_in",
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    pub(crate) async fn open_session(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        org: OrgId,
        person: PersonId,
    ) -> Result<SignIn> {
        let secret = secret::fresh(SESSION_PREFIX);
        let csrf = secret::fresh("");
        let ttl = i64::try_from(self.session_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO auth_sessions (org_id, person_id, token_hash, csrf, expires_at) \
             VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING id",
        )
        .bind(org)
        .bind(person)
        .bind(secret::hash(&secret))
        .bind(&csrf)
        .bind(ttl as f64)
        .fetch_one(&mut **tx)
        .await?;
        let roles = roles_of(tx, person).await?;
        Ok(SignIn {
            secret,
            actor: Actor {
                org,
                person,
                roles,
                via: Via::Session { id, csrf },
            },
        })
    }

    /// Who a browser session's secret signs in.
    ///
    /// # Errors
    /// [`Kind::Unauthorized`] for a wrong, ended or expired session, or a
    /// person who was removed.
    pub async fn session_actor(&self, secret: &str) -> Result<Actor> {
        if !secret::well_formed(secret, SESSION_PREFIX) {
            return Err(expired_sign_in());
        }
        // One statement (see migration 0010): the sign-in, its CSRF token, the roles.
        let found: Option<(OrgId, PersonId, i64, String, Vec<String>)> = sqlx::query_as(
            "SELECT org_id, person_id, session_id, csrf, roles FROM mm_session_actor($1)",
        )
        .bind(secret::hash(secret))
        .fetch_optional(&self.pool)
        .await?;
        let (org, person, id, csrf, roles) = found.ok_or_else(expired_sign_in)?;
        Ok(Actor {
            org,
            person,
            roles: parse_roles(&roles)?.into_iter().collect(),
            via: Via::Session { id, csrf },
        })
    }

    /// End the actor's browser session (a token's actor: nothing to end).
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn sign_out(&self, actor: &Actor) -> Result<()> {
        if let Via::Session { id, .. } = &actor.via {
            let mut tx = self.scope(actor.org).await?;
            sqlx::query(
                "UPDATE auth_sessions SET ended_at = now() WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "sign_out",
                None,
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Make an API token for the actor, lasting `days` (or until revoked).
    ///
    /// # Errors
    /// [`Kind::Invalid`] for an empty name or a lifetime outside 1–3650 days.
    pub async fn create_token(
        &self,
        actor: &Actor,
        name: &str,
        days: Option<u32>,
    ) -> Result<NewApiToken> {
        let name = check_name("name", name)?;
        if name.chars().count() > 100 {
            return Err(Error::invalid(
                "name",
                "a token's name is at most 100 characters",
            ));
        }
        if let Some(d) = days
            && !(1..=3650).contains(&d)
        {
            return Err(Error::invalid("days", "a token lasts 1 to 3650 days"));
        }
        let secret = secret::fresh(TOKEN_PREFIX);
        let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
        let mut tx = self.scope(actor.org).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (org_id, person_id, name, token_hash, prefix, expires_at) \
             VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::INT IS NULL THEN NULL ELSE now() + make_interval(days => $6::INT) END) \
             RETURNING id",
        )
        .bind(actor.org)
        .bind(actor.person)
        .bind(&name)
        .bind(secret::hash(&secret))
        .bind(&prefix)
        .bind(days.map(|d| d as i32))
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "token_create",
            Some(format!("token:{id}")),
            serde_json::json!({ "name": name }),
        )
        .await?;
        let token = token_in(&mut tx, actor.person, id).await?;
        tx.commit().await?;
        Ok(NewApiToken { secret, token })
    }

    /// The actor's own API tokens, newest first.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<TokenRow> = sqlx::query_as(&format!(
            "{TOKEN_SQL} WHERE org_id = mm_org() AND person_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?;
        rows.into_iter().map(token).collect()
    }

    /// Revoke one of the actor's own API tokens: it stops working at once.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a token that is not theirs.
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<ApiToken> {
        let mut tx = self.scope(actor.org).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) \
             WHERE org_id = mm_org() AND person_id = $1 AND id = $2",
        )
        .bind(actor.person)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::not_found("token"));
        }
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "token_revoke",
            Some(format!("token:{id}")),
            serde_json::json!({}),
        )
        .await?;
        let t = token_in(&mut tx, actor.person, id).await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Who an API token's secret acts for.
    ///
    /// # Errors
    /// [`Kind::Unauthorized`] for a wrong, expired or revoked token.
    pub async fn token_actor(&self, secret: &str) -> Result<Actor> {
        if !secret::well_formed(secret, TOKEN_PREFIX) {
            return Err(bad_token());
        }
        // One statement (see migration 0010): the token, its use stamped to
        // the minute (a busy script does not write on every request), the roles.
        let found: Option<(OrgId, PersonId, i64, Vec<String>)> =
            sqlx::query_as("SELECT org_id, person_id, token_id, roles FROM mm_token_actor($1)")
                .bind(secret::hash(secret))
                .fetch_optional(&self.pool)
                .await?;
        let (org, person, id, roles) = found.ok_or_else(bad_token)?;
        Ok(Actor {
            org,
            person,
            roles: parse_roles(&roles)?.into_iter().collect(),
            via: Via::Token { id },
        })
    }

    /// Invite `email` to the actor's organisation with `roles`. An admin may
    /// give any role; a coach may invite learners only.
    ///
    /// # Errors
    /// [`Kind::Forbidden`]; [`Kind::Invalid`] for a bad email or no roles;
    /// [`Kind::Conflict`] when that email is already a member.
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        roles: &[Role],
    ) -> Result<NewInvitation> {
        actor.require(&[Role::Admin, Role::Coach], "invite people")?;
        let email = normalise_email(email)?;
        let mut roles: Vec<Role> = roles.to_vec();
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(Error::invalid("roles", "give at least one role"));
        }
        if !actor.has(Role::Admin) && roles != [Role::Learner] {
            return Err(Error::forbidden("a coach may invite learners only"));
        }
        let secret = secret::fresh(INVITATION_PREFIX);
        let mut tx = self.scope(actor.org).await?;
        let member: Option<i64> =
            sqlx::query_scalar("SELECT id FROM people WHERE org_id = mm_org() AND email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        if member.is_some() {
            return Err(Error::new(
                Kind::Conflict,
                format!("{email} is already a member"),
            ));
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitations (org_id, email, roles, token_hash, invited_by, expires_at) \
             VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING id",
        )
        .bind(actor.org)
        .bind(&email)
        .bind(&names)
        .bind(secret::hash(&secret))
        .bind(actor.person)
        .bind(INVITATION_DAYS as i32)
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "invite",
            Some(format!("invitation:{id}")),
            serde_json::json!({ "email": email, "roles": names }),
        )
        .await?;
        let invitation = invitation_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(NewInvitation { secret, invitation })
    }

    /// The organisation's invitations, newest first (admins and coaches).
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for other roles.
    pub async fn invitations(&self, actor: &Actor) -> Result<Vec<Invitation>> {
        actor.require(&[Role::Admin, Role::Coach], "see invitations")?;
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "{INVITATION_SQL} WHERE org_id = mm_org() ORDER BY created_at DESC, id DESC"
        ))
        .fetch_all(&mut *tx)
        .await?;
        rows.into_iter().map(invitation).collect()
    }

    /// Take back an open invitation: its link stops working.
    ///
    /// # Errors
    /// [`Kind::Forbidden`]; [`Kind::NotFound`]; [`Kind::Conflict`] when it
    /// was already accepted.
    pub async fn revoke_invitation(&self, actor: &Actor, id: i64) -> Result<Invitation> {
        actor.require(&[Role::Admin, Role::Coach], "revoke invitations")?;
        let mut tx = self.scope(actor.org).await?;
        let current = invitation_in(&mut tx, id).await?;
        if current.state == InvitationState::Accepted {
            return Err(Error::new(
                Kind::Conflict,
                "that invitation was already accepted",
            ));
        }
        sqlx::query(
            "UPDATE invitations SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "invitation_revoke",
            Some(format!("invitation:{id}")),
            serde_json::json!({}),
        )
        .await?;
        let after = invitation_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// What an invitation link offers, for its holder (no sign-in needed).
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a link that names no invitation.
    pub async fn invitation_by_secret(&self, secret: &str) -> Result<InvitationView> {
        let mut tx = self.unscoped().await?;
        let (org, id) = invitation_of(&mut tx, secret).await?;
        enter(&mut tx, org).await?;
        let inv = invitation_in(&mut tx, id).await?;
        let (organisation, slug): (String, String) =
            sqlx::query_as("SELECT name, slug FROM organisations WHERE id = mm_org()")
                .fetch_one(&mut *tx)
                .await?;
        Ok(InvitationView {
            organisation,
            slug,
            email: inv.email,
            roles: inv.roles,
            state: inv.state,
        })
    }

    /// Accept an invitation: an account with `name` and `password` and the
    /// invitation's roles, signed in. The link then stops working.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a link that names no invitation;
    /// [`Kind::Conflict`] for one used, revoked or expired, or when its email
    /// already has an account; [`Kind::Invalid`] for the name or password.
    pub async fn accept_invitation(
        &self,
        secret: &str,
        name: &str,
        password: &str,
    ) -> Result<SignIn> {
        let name = check_name("name", name)?;
        check_password(password)?;
        let hash = hash_password(password.to_owned()).await?;
        let mut tx = self.unscoped().await?;
        let (org, id) = invitation_of(&mut tx, secret).await?;
        enter(&mut tx, org).await?;
        // Lock it: two clicks on the link make one account.
        sqlx::query("SELECT id FROM invitations WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let inv = invitation_in(&mut tx, id).await?;
        match inv.state {
            InvitationState::Open => {}
            InvitationState::Accepted => {
                return Err(Error::new(
                    Kind::Conflict,
                    "this invitation was already accepted: sign in instead",
                ));
            }
            InvitationState::Revoked => {
                return Err(Error::new(
                    Kind::Conflict,
                    "this invitation was revoked: ask for a new one",
                ));
            }
            InvitationState::Expired => {
                return Err(Error::new(
                    Kind::Conflict,
                    "this invitation has expired: ask for a new one",
                ));
            }
        }
        let person = add_person(
            &mut tx,
            org,
            &inv.email,
            &name,
            &hash,
            inv.roles.iter().copied(),
        )
        .await
        .map_err(|e| match e {
            c if c.kind() == Kind::Conflict => Error::new(
                Kind::Conflict,
                format!("{} already has an account: sign in instead", inv.email),
            ),
            other => other,
        })?;
        sqlx::query("UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1")
            .bind(id)
            .bind(person)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            org,
            Some(person),
            "accept",
            Some(format!("invitation:{id}")),
            serde_json::json!({ "person": person }),
        )
        .await?;
        member_in(&mut tx, person).await?;
        let signed_in = self.open_session(&mut tx, org, person).await?;
        tx.commit().await?;
        Ok(signed_in)
    }
}

async fn invitation_of(
    tx: &mut Transaction<'static, Postgres>,
    secret: &str,
) -> Result<(OrgId, i64)> {
    if !secret::well_formed(secret, INVITATION_PREFIX) {
        return Err(Error::not_found("invitation"));
    }
    let found: Option<(OrgId, i64)> =
        sqlx::query_as("SELECT org_id, invitation_id FROM mm_invitation_by_hash($1)")
            .bind(secret::hash(secret))
            .fetch_optional(&mut **tx)
            .await?;
    found.ok_or_else(|| Error::not_found("invitation"))
}

const TOKEN_SQL: &str = "SELECT id, name, prefix, mm_iso(created_at), mm_iso(expires_at), \
     mm_iso(last_used_at), revoked_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= now()) FROM api_tokens";

type TokenRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
);

fn token(r: TokenRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.0,
        name: r.1,
        prefix: r.2,
        created_at: parse_time(&r.3)?,
        expires_at: r.4.as_deref().map(parse_time).transpose()?,
        last_used_at: r.5.as_deref().map(parse_time).transpose()?,
        revoked: r.6,
    })
}

async fn token_in(
    tx: &mut Transaction<'static, Postgres>,
    person: PersonId,
    id: i64,
) -> Result<ApiToken> {
    let row: Option<TokenRow> = sqlx::query_as(&format!(
        "{TOKEN_SQL} WHERE org_id = mm_org() AND person_id = $1 AND id = $2"
    ))
    .bind(person)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    token(row.ok_or_else(|| Error::not_found("token"))?)
}

const INVITATION_SQL: &str = "SELECT id, email, roles, invited_by, mm_iso(created_at), mm_iso(expires_at), \
     CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN revoked_at IS NOT NULL THEN 'revoked' \
          WHEN expires_at <= now() THEN 'expired' ELSE 'open' END FROM invitations";

type InvitationRow = (i64, String, Vec<String>, i64, String, String, String);

fn invitation(r: InvitationRow) -> Result<Invitation> {
    Ok(Invitation {
        id: r.0,
        email: r.1,
        roles: parse_roles(&r.2)?,
        invited_by: r.3,
        created_at: parse_time(&r.4)?,
        expires_at: parse_time(&r.5)?,
        state: match r.6.as_str() {
            "accepted" => InvitationState::Accepted,
            "revoked" => InvitationState::Revoked,
            "expired" => InvitationState::Expired,
            _ => InvitationState::Open,
        },
    })
}

async fn invitation_in(tx: &mut Transaction<'static, Postgres>, id: i64) -> Result<Invitation> {
    let row: Option<InvitationRow> = sqlx::query_as(&format!(
        "{INVITATION_SQL} WHERE org_id = mm_org() AND id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    invitation(row.ok_or_else(|| Error::not_found("invitation"))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert_eq!(
            check_password("short").unwrap_err().field(),
            Some("password")
        );
        assert!(check_password(&"x".repeat(2000)).is_err());
        assert!(check_password("correct horse battery").is_ok());
    }

    #[tokio::test]
    async fn passwords_are_argon2id_and_verify_only_themselves() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(
            verify_password("correct horse battery".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("correct horse batterz".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("no account has this password".into(), None)
                .await
                .unwrap()
        );
    }
}
