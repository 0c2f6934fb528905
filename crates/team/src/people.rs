//! Organisations, the people in them and their roles, and the audit trail.
//!
//! What each role sees: an admin, a coach or an approver sees every member of
//! their organisation; a learner sees only themself. A member another person
//! may not see answers "not found", exactly as a member that does not exist.

use crate::accounts::{check_password, hash_password};
use crate::{Actor, Error, Kind, OrgId, PersonId, Result, Role, TeamStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Postgres, Transaction};
use std::collections::BTreeSet;

/// An organisation: a company, a training provider, an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Its id.
    pub id: OrgId,
    /// Its short name in URLs (`/o/{slug}/sign-in`).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A person in an organisation, with their roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// Their id.
    pub id: PersonId,
    /// Their email address (lower case).
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their roles.
    pub roles: Vec<Role>,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// A new organisation and its first admin.
#[derive(Clone, Deserialize)]
pub struct NewOrganisation {
    /// Its short name in URLs: lower-case letters, digits and `-`, 2–63 long.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The first admin's email.
    pub admin_email: String,
    /// The first admin's name.
    pub admin_name: String,
    /// The first admin's password (at least 12 characters).
    pub admin_password: String,
}

impl std::fmt::Debug for NewOrganisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOrganisation")
            .field("slug", &self.slug)
            .field("name", &self.name)
            .field("admin_email", &self.admin_email)
            .field("admin_name", &self.admin_name)
            .field("admin_password", &"<hidden>")
            .finish()
    }
}

/// An invitation to join, as its organisation's admins and coaches see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// Its id.
    pub id: i64,
    /// Who is invited.
    pub email: String,
    /// The roles they get on accepting.
    pub roles: Vec<Role>,
    /// Who invited them.
    pub invited_by: PersonId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Until when the link works.
    pub expires_at: DateTime<Utc>,
    /// Whether it can still be accepted.
    pub state: InvitationState,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// It can be accepted.
    Open,
    /// Someone accepted it.
    Accepted,
    /// An admin took it back.
    Revoked,
    /// Its link is past its expiry.
    Expired,
}

impl InvitationState {
    /// The state in a page's words: "open", "accepted", "taken back",
    /// "expired".
    pub fn label(self) -> &'static str {
        match self {
            InvitationState::Open => "open",
            InvitationState::Accepted => "accepted",
            InvitationState::Revoked => "taken back",
            InvitationState::Expired => "expired",
        }
    }

    /// Why an invitation in this state cannot be used any more, as its
    /// link's page says it (none for an open one).
    pub fn why_unusable(self) -> Option<&'static str> {
        match self {
            InvitationState::Open => None,
            InvitationState::Accepted => Some("someone has accepted it already"),
            InvitationState::Revoked => Some("it was taken back"),
            InvitationState::Expired => Some("it has expired"),
        }
    }
}

/// What the holder of an invitation link sees before accepting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    /// The organisation's name.
    pub organisation: String,
    /// Its slug (where to sign in afterwards).
    pub slug: String,
    /// The address invited.
    pub email: String,
    /// The roles on accepting.
    pub roles: Vec<Role>,
    /// Whether it can still be accepted.
    pub state: InvitationState,
}

/// An API token as its owner sees it (never the secret again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Its id.
    pub id: i64,
    /// What its owner called it.
    pub name: String,
    /// Its first characters, to tell tokens apart.
    pub prefix: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (none for the system).
    pub actor: Option<PersonId>,
    /// What: `sign_in`, `invite`, `accept`, `set_roles`, `token_create`, …
    pub action: String,
    /// What it concerned (`person:12`, `token:3`).
    pub subject: Option<String>,
    /// Details.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::new(
                Kind::Internal,
                format!("a stored moment is unreadable: {e}"),
            )
        })
}

pub(crate) fn parse_roles(names: &[String]) -> Result<Vec<Role>> {
    let mut roles: Vec<Role> = names
        .iter()
        .map(|n| Role::parse(n))
        .collect::<Result<_>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// A valid email, lower-cased and trimmed.
pub(crate) fn normalise_email(raw: &str) -> Result<String> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && e.matches('@').count() == 1
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(e)
    } else {
        Err(Error::invalid(
            "email",
            format!("{:?} is not an email address", raw.trim()),
        ))
    }
}

/// A valid display name, trimmed.
pub(crate) fn check_name(field: &'static str, raw: &str) -> Result<String> {
    let n = raw.trim();
    if n.is_empty() || n.chars().count() > 200 || n.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "give a name of 1 to 200 characters, without control characters",
        ));
    }
    Ok(n.to_owned())
}

pub(crate) fn check_slug(raw: &str) -> Result<String> {
    let s = raw.trim();
    let ok = (2..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Error::invalid(
            "slug",
            format!("{s:?} is not a slug: 2 to 63 lower-case letters, digits and -"),
        ))
    }
}

pub(crate) async fn audit(
    tx: &mut Transaction<'static, Postgres>,
    org: OrgId,
    actor: Option<PersonId>,
    action: &str,
    subject: Option<String>,
    detail: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO team_audit (org_id, actor_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(sqlx::types::Json(detail))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new person of organisation `org` (the transaction's) with `roles`.
pub(crate) async fn add_person(
    tx: &mut Transaction<'static, Postgres>,
    org: OrgId,
    email: &str,
    name: &str,
    password_hash: &str,
    roles: impl IntoIterator<Item = Role>,
) -> Result<PersonId> {
    let person: PersonId = sqlx::query_scalar(
        "INSERT INTO people (org_id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org)
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .fetch_one(&mut **tx)
    .await?;
    insert_roles(tx, org, person, roles).await?;
    Ok(person)
}

/// Give `person` each of `roles` (on top of what they hold).
pub(crate) async fn insert_roles(
    tx: &mut Transaction<'static, Postgres>,
    org: OrgId,
    person: PersonId,
    roles: impl IntoIterator<Item = Role>,
) -> Result<()> {
    for r in roles {
        sqlx::query("INSERT INTO roles (org_id, person_id, role) VALUES ($1, $2, $3)")
            .bind(org)
            .bind(person)
            .bind(r.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn roles_of(
    tx: &mut Transaction<'static, Postgres>,
    person: PersonId,
) -> Result<BTreeSet<Role>> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM roles WHERE person_id = $1 AND org_id = mm_org()")
            .bind(person)
            .fetch_all(&mut **tx)
            .await?;
    Ok(parse_roles(&names)?.into_iter().collect())
}

const MEMBER_SQL: &str = "SELECT p.id, p.email, p.name, mm_iso(p.created_at), \
     coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') \
     FROM people p LEFT JOIN roles r ON r.org_id = p.org_id AND r.person_id = p.id \
     WHERE p.org_id = mm_org() AND p.disabled_at IS NULL";

type MemberRow = (i64, String, String, String, Vec<String>);

type AuditRow = (
    i64,
    String,
    Option<i64>,
    String,
    Option<String>,
    sqlx::types::Json<serde_json::Value>,
);

fn member(row: MemberRow) -> Result<Member> {
    Ok(Member {
        id: row.0,
        email: row.1,
        name: row.2,
        joined_at: parse_time(&row.3)?,
        roles: parse_roles(&row.4)?,
    })
}

impl TeamStore {
    /// Create an organisation with its first admin, in one transaction.
    ///
    /// # Errors
    /// [`Kind::Invalid`] naming the field (slug, name, email, password);
    /// [`Kind::Conflict`] when the slug is taken.
    pub async fn create_organisation(
        &self,
        new: NewOrganisation,
    ) -> Result<(Organisation, Member)> {
        let slug = check_slug(&new.slug)?;
        let name = check_name("name", &new.name)?;
        let email = normalise_email(&new.admin_email)?;
        let admin_name = check_name("admin_name", &new.admin_name)?;
        check_password(&new.admin_password)?;
        let hash = hash_password(new.admin_password).await?;
        let mut tx = self.unscoped().await?;
        let org: OrgId = sqlx::query_scalar("SELECT mm_create_organisation($1, $2)")
            .bind(&slug)
            .bind(&name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match Error::from(e) {
                c if c.kind() == Kind::Conflict => Error::new(
                    Kind::Conflict,
                    format!("the slug {slug:?} is taken by another organisation"),
                ),
                other => other,
            })?;
        crate::enter(&mut tx, org).await?;
        let person = add_person(&mut tx, org, &email, &admin_name, &hash, [Role::Admin]).await?;
        audit(
            &mut tx,
            org,
            Some(person),
            "organisation_create",
            Some(format!("organisation:{org}")),
            serde_json::json!({ "slug": slug }),
        )
        .await?;
        let organisation = organisation_in(&mut tx).await?;
        let admin = member_in(&mut tx, person).await?;
        tx.commit().await?;
        Ok((organisation, admin))
    }

    /// The actor's organisation.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn organisation(&self, actor: &Actor) -> Result<Organisation> {
        let mut tx = self.scope(actor.org).await?;
        organisation_in(&mut tx).await
    }

    /// The members the actor may see: everyone for an admin, a coach or an
    /// approver; only themself for a learner.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn members(&self, actor: &Actor) -> Result<Vec<Member>> {
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<MemberRow> = if sees_everyone(actor) {
            sqlx::query_as(&format!("{MEMBER_SQL} GROUP BY p.id ORDER BY p.name, p.id"))
                .fetch_all(&mut *tx)
                .await?
        } else {
            sqlx::query_as(&format!("{MEMBER_SQL} AND p.id = $1 GROUP BY p.id"))
                .bind(actor.person)
                .fetch_all(&mut *tx)
                .await?
        };
        rows.into_iter().map(member).collect()
    }

    /// One member, if the actor may see them.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a member who does not exist, is in another
    /// organisation or is not the actor's to see.
    pub async fn member(&self, actor: &Actor, id: PersonId) -> Result<Member> {
        if !sees_everyone(actor) && id != actor.person {
            return Err(Error::not_found("member"));
        }
        let mut tx = self.scope(actor.org).await?;
        member_in(&mut tx, id).await
    }

    /// Give a member exactly `roles` (admin only). The organisation keeps at
    /// least one admin.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] unless the actor is an admin; [`Kind::NotFound`];
    /// [`Kind::Invalid`] for no roles; [`Kind::Conflict`] when it would leave
    /// no admin.
    pub async fn set_roles(&self, actor: &Actor, id: PersonId, roles: &[Role]) -> Result<Member> {
        actor.require(&[Role::Admin], "change roles")?;
        let roles: BTreeSet<Role> = roles.iter().copied().collect();
        if roles.is_empty() {
            return Err(Error::invalid("roles", "give at least one role"));
        }
        let mut tx = self.scope(actor.org).await?;
        // Lock the organisation's admins so two demotions cannot both pass.
        let admins: Vec<PersonId> = sqlx::query_scalar(
            "SELECT person_id FROM roles WHERE org_id = mm_org() AND role = 'admin' ORDER BY person_id FOR UPDATE",
        )
        .fetch_all(&mut *tx)
        .await?;
        let before = member_in(&mut tx, id).await?;
        if !roles.contains(&Role::Admin) && admins == [id] {
            return Err(Error::new(
                Kind::Conflict,
                "the organisation must keep at least one admin: make someone else an admin first",
            ));
        }
        sqlx::query("DELETE FROM roles WHERE org_id = mm_org() AND person_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_roles(&mut tx, actor.org, id, roles.iter().copied()).await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "set_roles",
            Some(format!("person:{id}")),
            serde_json::json!({ "before": before.roles, "after": roles }),
        )
        .await?;
        let after = member_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Remove a member (admin only): they can no longer sign in, their
    /// sessions end and their API tokens stop, at once on every instance.
    /// Their journal stays; the audit trail says who removed them.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] unless the actor is an admin; [`Kind::NotFound`];
    /// [`Kind::Conflict`] for the organisation's last admin.
    pub async fn remove_member(&self, actor: &Actor, id: PersonId) -> Result<()> {
        actor.require(&[Role::Admin], "remove members")?;
        let mut tx = self.scope(actor.org).await?;
        let admins: Vec<PersonId> = sqlx::query_scalar(
            "SELECT r.person_id FROM roles r JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id \
             WHERE r.org_id = mm_org() AND r.role = 'admin' AND p.disabled_at IS NULL ORDER BY 1 FOR UPDATE",
        )
        .fetch_all(&mut *tx)
        .await?;
        let gone = member_in(&mut tx, id).await?;
        if admins == [id] {
            return Err(Error::new(
                Kind::Conflict,
                "the organisation must keep at least one admin: make someone else an admin first",
            ));
        }
        sqlx::query("UPDATE people SET disabled_at = now() WHERE org_id = mm_org() AND id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE auth_sessions SET ended_at = now() \
             WHERE org_id = mm_org() AND person_id = $1 AND ended_at IS NULL",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = now() \
             WHERE org_id = mm_org() AND person_id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "remove_member",
            Some(format!("person:{id}")),
            serde_json::json!({ "email": gone.email }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The audit trail, newest first (admin only).
    ///
    /// # Errors
    /// [`Kind::Forbidden`] unless the actor is an admin.
    pub async fn audit_trail(&self, actor: &Actor, limit: u32) -> Result<Vec<AuditEntry>> {
        actor.require(&[Role::Admin], "read the audit trail")?;
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, mm_iso(at), actor_id, action, subject, detail FROM team_audit \
                 WHERE org_id = mm_org() ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit.min(10_000)))
        .fetch_all(&mut *tx)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.0,
                    at: parse_time(&r.1)?,
                    actor: r.2,
                    action: r.3,
                    subject: r.4,
                    detail: r.5.0,
                })
            })
            .collect()
    }
}

fn sees_everyone(actor: &Actor) -> bool {
    actor.has(Role::Admin) || actor.has(Role::Coach) || actor.has(Role::Approver)
}

pub(crate) async fn organisation_in(
    tx: &mut Transaction<'static, Postgres>,
) -> Result<Organisation> {
    let row: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, slug, name, mm_iso(created_at) FROM organisations WHERE id = mm_org()",
    )
    .fetch_optional(&mut **tx)
    .await?;
    let (id, slug, name, created) = row.ok_or_else(|| Error::not_found("organisation"))?;
    Ok(Organisation {
        id,
        slug,
        name,
        created_at: parse_time(&created)?,
    })
}

pub(crate) async fn member_in(
    tx: &mut Transaction<'static, Postgres>,
    id: PersonId,
) -> Result<Member> {
    let row: Option<MemberRow> =
        sqlx::query_as(&format!("{MEMBER_SQL} AND p.id = $1 GROUP BY p.id"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    member(row.ok_or_else(|| Error::not_found("member"))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_bad_ones_named() {
        assert_eq!(
            normalise_email("  Ada@Example.ORG ").unwrap(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.org",
            "a@b",
            "a b@x.org",
            "a@@x.org",
            "a@x.org.",
        ] {
            let e = normalise_email(bad).unwrap_err();
            assert_eq!(e.field(), Some("email"), "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(check_slug("acme-2").unwrap(), "acme-2");
        for bad in ["a", "Acme", "-acme", "ac me", "acme/x", &"a".repeat(64)] {
            assert!(check_slug(bad).is_err(), "{bad:?}");
        }
    }
}
