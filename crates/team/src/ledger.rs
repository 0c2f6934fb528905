//! The organisation's ledger of the badges it signed: every credential its
//! keys signed for a member (written by [`crate::OrgKeys`] before the
//! member's journal records it), listed to its admins (a member sees their
//! own), revoked by an admin (the organisation's revocation list, which
//! verifiers read), and published to anyone with the link.

use crate::people::{audit, parse_time};
use crate::{Actor, Error, Kind, PersonId, Result, Role, TeamStore, enter, org_by_slug};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A badge the organisation signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedBadge {
    /// The credential's id (`urn:uuid:…`).
    pub id: String,
    /// The member it was issued to.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// The micro-skill it certifies.
    pub micro_skill: String,
    /// The member's goal it was issued for (in their journal).
    pub goal: i64,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Why it was revoked, when it was (verifiers show the reason).
    pub revoked: Option<String>,
    /// Where the server publishes it: `/orgs/{slug}/credentials/{uuid}.json`.
    pub published_path: String,
}

type Row = (
    String,
    PersonId,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
);

const LEDGER_SQL: &str = "SELECT c.credential_id, c.person_id, p.name, c.micro_skill, c.goal_id, \
     mm_iso(c.issued_at), r.reason, o.slug \
     FROM issued_credentials c \
     JOIN people p ON p.org_id = c.org_id AND p.id = c.person_id \
     JOIN organisations o ON o.id = c.org_id \
     LEFT JOIN issuer_revocations r ON r.org_id = c.org_id AND r.credential_id = c.credential_id \
     WHERE c.org_id = mm_org()";

fn badge(r: Row) -> Result<IssuedBadge> {
    let (id, person, person_name, micro_skill, goal, issued_at, revoked, slug) = r;
    let uuid = id.trim_start_matches("urn:uuid:").to_owned();
    Ok(IssuedBadge {
        published_path: format!("/orgs/{slug}/credentials/{uuid}.json"),
        id,
        person,
        person_name,
        micro_skill,
        goal,
        issued_at: parse_time(&issued_at)?,
        revoked,
    })
}

/// Whether `s` is a UUID's text (what a published credential's file is named).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn no_badge() -> Error {
    Error::new(Kind::NotFound, "no such badge in this organisation")
}

impl TeamStore {
    /// The badges the organisation signed, newest first: all of them for
    /// an admin, a member's own for anyone else.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn issued_badges(&self, actor: &Actor) -> Result<Vec<IssuedBadge>> {
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<Row> = if actor.has(Role::Admin) {
            sqlx::query_as(&format!(
                "{LEDGER_SQL} ORDER BY c.issued_at DESC, c.credential_id"
            ))
            .fetch_all(&mut *tx)
            .await?
        } else {
            sqlx::query_as(&format!(
                "{LEDGER_SQL} AND c.person_id = $1 ORDER BY c.issued_at DESC, c.credential_id"
            ))
            .bind(actor.person)
            .fetch_all(&mut *tx)
            .await?
        };
        tx.commit().await?;
        rows.into_iter().map(badge).collect()
    }

    /// Revoke a member's badge (admins only): the organisation's published
    /// revocation list names it with `reason` from now on, and the trail
    /// says who did it. Revoking it again changes the reason.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone but an admin; [`Kind::NotFound`] for
    /// a badge the organisation did not sign; [`Kind::Invalid`] for an
    /// empty or overlong reason.
    pub async fn revoke_issued(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
    ) -> Result<IssuedBadge> {
        actor.require(&[Role::Admin], "revoke a member's badge")?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 4000 {
            return Err(Error::invalid(
                "reason",
                "say why the badge is revoked (1 to 4000 characters): verifiers show it",
            ));
        }
        let id = if id.starts_with("urn:uuid:") {
            id.to_owned()
        } else {
            format!("urn:uuid:{id}")
        };
        if !is_uuid(id.trim_start_matches("urn:uuid:")) {
            return Err(Error::invalid(
                "id",
                format!("{id:?} is not a badge's id (urn:uuid:… or its UUID)"),
            ));
        }
        let mut tx = self.scope(actor.org).await?;
        let person: Option<PersonId> = sqlx::query_scalar(
            "SELECT person_id FROM issued_credentials WHERE org_id = mm_org() AND credential_id = $1",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
        let person = person.ok_or_else(no_badge)?;
        sqlx::query(
            "INSERT INTO issuer_revocations (org_id, credential_id, reason, revoked_by) \
             VALUES (mm_org(), $1, $2, $3) ON CONFLICT (org_id, credential_id) \
             DO UPDATE SET reason = EXCLUDED.reason",
        )
        .bind(&id)
        .bind(reason)
        .bind(actor.person)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "badge_revoke",
            Some(format!("credential:{id}")),
            serde_json::json!({ "reason": reason, "person": person, "by": "admin" }),
        )
        .await?;
        let row: Row = sqlx::query_as(&format!("{LEDGER_SQL} AND c.credential_id = $1"))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        badge(row)
    }

    /// A credential organisation `slug` signed, as published (anyone with
    /// its link: `/orgs/{slug}/credentials/{uuid}.json`).
    ///
    /// # Errors
    /// [`Kind::NotFound`] for an unknown organisation or credential.
    pub async fn published_credential(&self, slug: &str, uuid: &str) -> Result<String> {
        if !is_uuid(uuid) {
            return Err(no_badge());
        }
        let mut tx = self.unscoped().await?;
        let org = org_by_slug(&mut tx, slug.trim())
            .await?
            .ok_or_else(no_badge)?;
        enter(&mut tx, org).await?;
        let credential: Option<String> = sqlx::query_scalar(
            "SELECT credential FROM issued_credentials WHERE org_id = mm_org() AND credential_id = $1",
        )
        .bind(format!("urn:uuid:{}", uuid.to_ascii_lowercase()))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        credential.ok_or_else(no_badge)
    }
}

#[cfg(test)]
mod tests {
    use super::is_uuid;

    #[test]
    fn published_names_are_uuids() {
        assert!(is_uuid("3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"));
        for bad in [
            "",
            "revocations",
            "3f2b8c1e9a4d4e6f8b2a1c3d5e7f9a0b",
            "../../etc/passwd-000000000000000000",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
