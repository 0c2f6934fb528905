//! Skills and micro-skills (with their principles and resources).

use crate::row::{RowExt, parse, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::*;
use sqlx::any::AnyRow;
use std::collections::HashMap;

impl Store {
    /// Record a new skill. Names are unique, ignoring case.
    ///
    /// # Errors
    /// [`Error::Invalid`] for invalid input or a name already taken.
    pub async fn create_skill(&self, new: &NewSkill, now: DateTime<Utc>) -> Result<Skill> {
        new.validate()?;
        if self.find_skill_by_name(&new.name).await?.is_some() {
            return Err(Error::Invalid(format!(
                "a skill named {:?} already exists",
                new.name.trim()
            )));
        }
        let id = {
            let mut conn = self.write().await?;
            let id = insert_skill_on(&mut conn, new, now).await?;
            conn.commit().await?;
            id
        };
        self.get_skill(id).await
    }

    /// Change the level the person says they hold in a skill (or clear it).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown skill.
    pub async fn set_held_level(&self, id: SkillId, level: Option<Level>) -> Result<Skill> {
        let mut conn = self.write().await?;
        let done = sqlx::query("UPDATE skills SET held_level = $1 WHERE id = $2")
            .bind(level.map(|l| i64::from(l.number())))
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        conn.commit().await?;
        if done.rows_affected() == 0 {
            return Err(not_found("skill", id));
        }
        self.get_skill(id).await
    }

    /// All skills, by name.
    pub async fn list_skills(&self) -> Result<Vec<Skill>> {
        sqlx::query("SELECT * FROM skills ORDER BY lower(name)")
            .fetch_all(&mut *self.read().await?)
            .await?
            .iter()
            .map(skill_from_row)
            .collect()
    }

    /// One skill by id.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_skill(&self, id: SkillId) -> Result<Skill> {
        let row = sqlx::query("SELECT * FROM skills WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *self.read().await?)
            .await?
            .ok_or_else(|| not_found("skill", id))?;
        skill_from_row(&row)
    }

    async fn find_skill_by_name(&self, name: &str) -> Result<Option<Skill>> {
        sqlx::query("SELECT * FROM skills WHERE lower(name) = lower($1)")
            .bind(name.trim().to_owned())
            .fetch_optional(&mut *self.read().await?)
            .await?
            .as_ref()
            .map(skill_from_row)
            .transpose()
    }

    /// A skill by id (`3`, `#3`), exact name (any case), or taxonomy URI.
    ///
    /// # Errors
    /// [`Error::NotFound`] when nothing matches.
    pub async fn find_skill(&self, key: &str) -> Result<Skill> {
        if let Ok(id) = key.parse::<SkillId>() {
            return self.get_skill(id).await;
        }
        if let Some(s) = self.find_skill_by_name(key).await? {
            return Ok(s);
        }
        sqlx::query("SELECT * FROM skills WHERE taxonomy_uri = $1")
            .bind(key.trim().to_owned())
            .fetch_optional(&mut *self.read().await?)
            .await?
            .as_ref()
            .map(skill_from_row)
            .transpose()?
            .ok_or_else(|| Error::NotFound {
                what: "skill",
                key: format!("{key:?}"),
            })
    }

    /// Record a micro-skill with its principles and resources, in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a micro-skill without principles or with bad
    /// links; [`Error::NotFound`] for an unknown parent skill.
    pub async fn create_micro_skill(
        &self,
        new: &NewMicroSkill,
        now: DateTime<Utc>,
    ) -> Result<MicroSkill> {
        new.validate()?;
        self.get_skill(new.skill_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_micro_skill_on(&mut tx, new, now).await?;
        tx.commit().await?;
        self.get_micro_skill(id).await
    }

    /// Record a new skill and a micro-skill of it (whose `skill_id` is
    /// ignored) in one transaction: both or neither.
    ///
    /// # Errors
    /// As [`Store::create_skill`] and [`Store::create_micro_skill`].
    pub async fn create_skill_with_micro_skill(
        &self,
        skill: &NewSkill,
        micro: &NewMicroSkill,
        now: DateTime<Utc>,
    ) -> Result<(Skill, MicroSkill)> {
        skill.validate()?;
        micro.validate()?;
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM skills WHERE lower(name) = lower($1)")
            .bind(skill.name.trim().to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::Invalid(format!(
                "a skill named {:?} already exists",
                skill.name.trim()
            )));
        }
        let skill_id = insert_skill_on(&mut tx, skill, now).await?;
        let new = NewMicroSkill {
            skill_id,
            ..micro.clone()
        };
        let micro_id = insert_micro_skill_on(&mut tx, &new, now).await?;
        tx.commit().await?;
        Ok((
            self.get_skill(skill_id).await?,
            self.get_micro_skill(micro_id).await?,
        ))
    }

    /// One micro-skill with its principles and resources.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_micro_skill(&self, id: MicroSkillId) -> Result<MicroSkill> {
        self.load_micro_skills(Some(id), None)
            .await?
            .pop()
            .ok_or_else(|| not_found("micro-skill", id))
    }

    /// Micro-skills, all or those of one skill, oldest first.
    pub async fn list_micro_skills(&self, skill: Option<SkillId>) -> Result<Vec<MicroSkill>> {
        self.load_micro_skills(None, skill).await
    }

    /// A micro-skill by id or exact name (any case).
    ///
    /// # Errors
    /// [`Error::NotFound`] when nothing matches; [`Error::Invalid`] when a
    /// name fits several.
    pub async fn find_micro_skill(&self, key: &str) -> Result<MicroSkill> {
        if let Ok(id) = key.parse::<MicroSkillId>() {
            return self.get_micro_skill(id).await;
        }
        let wanted = key.trim().to_lowercase();
        let mut hits: Vec<MicroSkill> = self
            .list_micro_skills(None)
            .await?
            .into_iter()
            .filter(|m| m.name.to_lowercase() == wanted)
            .collect();
        match hits.len() {
            0 => Err(Error::NotFound {
                what: "micro-skill",
                key: format!("{key:?}"),
            }),
            1 => Ok(hits.remove(0)),
            _ => Err(Error::Invalid(format!(
                "{} micro-skills are named {key:?}: use the id",
                hits.len()
            ))),
        }
    }

    async fn load_micro_skills(
        &self,
        id: Option<MicroSkillId>,
        skill: Option<SkillId>,
    ) -> Result<Vec<MicroSkill>> {
        let mut conn = self.read().await?;
        load_micro_skills_on(&mut conn, id, skill).await
    }
}

/// Insert a validated skill on `conn` (a transaction's, when the skill is
/// part of a larger change).
pub(crate) async fn insert_skill_on(
    conn: &mut sqlx::AnyConnection,
    new: &NewSkill,
    now: DateTime<Utc>,
) -> Result<SkillId> {
    let row = sqlx::query(
        "INSERT INTO skills (name, kind, taxonomy_uri, description, held_level, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.name.trim().to_owned())
    .bind(new.kind.as_str())
    .bind(new.taxonomy_uri.clone())
    .bind(new.description.clone())
    .bind(new.held_level.map(|l| i64::from(l.number())))
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(SkillId(row.int("id")?))
}

/// Insert a validated micro-skill with its principles and resources on `conn`.
pub(crate) async fn insert_micro_skill_on(
    conn: &mut sqlx::AnyConnection,
    new: &NewMicroSkill,
    now: DateTime<Utc>,
) -> Result<MicroSkillId> {
    let row = sqlx::query(
        "INSERT INTO micro_skills (skill_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(new.skill_id.0)
    .bind(new.name.trim().to_owned())
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let id = row.int("id")?;
    for (i, p) in new.principles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO principles (micro_skill_id, position, name, description)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(p.name.trim().to_owned())
        .bind(p.description.clone())
        .execute(&mut *conn)
        .await?;
    }
    for (i, r) in new.resources.iter().enumerate() {
        sqlx::query(
            "INSERT INTO resources (micro_skill_id, position, url, title) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(r.url.clone())
        .bind(r.title.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(MicroSkillId(id))
}

/// Micro-skills with their principles and resources, read on one connection.
pub(crate) async fn load_micro_skills_on(
    conn: &mut sqlx::AnyConnection,
    id: Option<MicroSkillId>,
    skill: Option<SkillId>,
) -> Result<Vec<MicroSkill>> {
    let rows = sqlx::query(
        "SELECT * FROM micro_skills
             WHERE ($1 IS NULL OR id = $1) AND ($2 IS NULL OR skill_id = $2) ORDER BY id",
    )
    .bind(id.map(|i| i.0))
    .bind(skill.map(|s| s.0))
    .fetch_all(&mut *conn)
    .await?;
    let mut principles: HashMap<i64, Vec<Principle>> = HashMap::new();
    for r in sqlx::query(
        "SELECT p.* FROM principles p JOIN micro_skills m ON m.id = p.micro_skill_id
             WHERE ($1 IS NULL OR m.id = $1) AND ($2 IS NULL OR m.skill_id = $2)
             ORDER BY p.micro_skill_id, p.position",
    )
    .bind(id.map(|i| i.0))
    .bind(skill.map(|s| s.0))
    .fetch_all(&mut *conn)
    .await?
    {
        principles
            .entry(r.int("micro_skill_id")?)
            .or_default()
            .push(Principle {
                id: PrincipleId(r.int("id")?),
                name: r.text("name")?,
                description: r.opt_text("description")?,
            });
    }
    let mut resources: HashMap<i64, Vec<Resource>> = HashMap::new();
    for r in sqlx::query(
        "SELECT r.* FROM resources r JOIN micro_skills m ON m.id = r.micro_skill_id
             WHERE ($1 IS NULL OR m.id = $1) AND ($2 IS NULL OR m.skill_id = $2)
             ORDER BY r.micro_skill_id, r.position",
    )
    .bind(id.map(|i| i.0))
    .bind(skill.map(|s| s.0))
    .fetch_all(&mut *conn)
    .await?
    {
        resources
            .entry(r.int("micro_skill_id")?)
            .or_default()
            .push(Resource {
                url: r.text("url")?,
                title: r.opt_text("title")?,
            });
    }
    rows.iter()
        .map(|r| {
            let id = r.int("id")?;
            Ok(MicroSkill {
                id: MicroSkillId(id),
                skill_id: SkillId(r.int("skill_id")?),
                name: r.text("name")?,
                principles: principles.remove(&id).unwrap_or_default(),
                resources: resources.remove(&id).unwrap_or_default(),
                created_at: r.time("created_at")?,
            })
        })
        .collect()
}

pub(crate) fn skill_from_row(r: &AnyRow) -> Result<Skill> {
    Ok(Skill {
        id: SkillId(r.int("id")?),
        name: r.text("name")?,
        kind: parse("kind", &r.text("kind")?)?,
        taxonomy_uri: r.opt_text("taxonomy_uri")?,
        description: r.opt_text("description")?,
        held_level: r
            .opt_int("held_level")?
            .map(|n| Level::try_from(n as u8))
            .transpose()?,
        created_at: r.time("created_at")?,
    })
}

pub(crate) fn not_found(what: &'static str, id: impl std::fmt::Display) -> Error {
    Error::NotFound {
        what,
        key: id.to_string(),
    }
}
