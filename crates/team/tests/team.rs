//! The team data on a real PostgreSQL: sign-in, invitations, tokens, roles,
//! and isolation between organisations, both in the application's checks and
//! in row-level security underneath (raw SQL as the server's role).

use mm_team::testing::{TEST_PASSWORD, TestDb, create_org, test_db};
use mm_team::{
    Actor, DeadlineRule, GiveScope, GivenState, InvitationState, ItemPrinciple, Kind, NewCohort,
    NewOrganisation, NewProgramme, Role, ShareKind, TeamStore, Via,
};
use sqlx::Connection as _;

const PASSWORD: &str = TEST_PASSWORD;

/// The server's day, as the team server passes it (UTC).
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn setup(test: &str) -> Option<(TestDb, TeamStore)> {
    let db = test_db(test).await?;
    let team = TeamStore::connect(&db.app_url)
        .await
        .expect("connect as the server's role");
    Some((db, team))
}

async fn org(team: &TeamStore, slug: &str) -> Actor {
    create_org(team, slug).await;
    team.sign_in(slug, &format!("admin@{slug}.example"), PASSWORD)
        .await
        .expect("admin signs in")
        .actor
}

/// Invite and accept: the new member, signed in.
async fn join(team: &TeamStore, admin: &Actor, email: &str, roles: &[Role]) -> Actor {
    let inv = team.invite(admin, email, roles).await.expect("invite");
    team.accept_invitation(&inv.secret, email, PASSWORD)
        .await
        .expect("accept")
        .actor
}

#[tokio::test]
async fn sign_in_says_the_same_for_every_wrong_part_and_sessions_end() {
    let Some((db, team)) = setup("sign_in").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    assert!(admin.has(Role::Admin));
    let wrong = [
        ("acme", "admin@acme.example", "correct horse batterz"),
        ("acme", "nobody@acme.example", PASSWORD),
        ("nowhere", "admin@acme.example", PASSWORD),
    ];
    let mut messages = Vec::new();
    for (slug, email, pw) in wrong {
        let e = team.sign_in(slug, email, pw).await.unwrap_err();
        assert_eq!(e.kind(), Kind::Unauthorized);
        messages.push(e.to_string());
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "{messages:?}");
    // Email case and spaces do not matter.
    let s = team
        .sign_in("acme", "  ADMIN@acme.example ", PASSWORD)
        .await
        .unwrap();
    let again = team.session_actor(&s.secret).await.unwrap();
    assert_eq!(again.person, admin.person);
    team.sign_out(&again).await.unwrap();
    assert_eq!(
        team.session_actor(&s.secret).await.unwrap_err().kind(),
        Kind::Unauthorized
    );
    // A secret of the wrong kind or shape never works.
    for bad in ["", "mms_", "mmt_00", &s.secret.replace("mms_", "mmt_")] {
        assert_eq!(
            team.session_actor(bad).await.unwrap_err().kind(),
            Kind::Unauthorized
        );
    }
    db.drop_schema().await;
}

#[tokio::test]
async fn sessions_expire() {
    let Some((db, team)) = setup("expiry").await else {
        return;
    };
    org(&team, "acme").await;
    let short = team
        .clone()
        .with_session_ttl(std::time::Duration::from_secs(1));
    let s = short
        .sign_in("acme", "admin@acme.example", PASSWORD)
        .await
        .unwrap();
    assert!(short.session_actor(&s.secret).await.is_ok());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        short.session_actor(&s.secret).await.unwrap_err().kind(),
        Kind::Unauthorized
    );
    db.drop_schema().await;
}

#[tokio::test]
async fn invitations_give_their_roles_once_and_only_admins_give_any_role() {
    let Some((db, team)) = setup("invite").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    let inv = team
        .invite(&admin, "Coach@Acme.example", &[Role::Coach, Role::Approver])
        .await
        .unwrap();
    assert_eq!(inv.invitation.email, "coach@acme.example");
    let view = team.invitation_by_secret(&inv.secret).await.unwrap();
    assert_eq!(view.organisation, "acme Ltd");
    assert_eq!(view.state, InvitationState::Open);
    let coach = team
        .accept_invitation(&inv.secret, "Cora Coach", PASSWORD)
        .await
        .unwrap()
        .actor;
    assert_eq!(
        coach.roles,
        [Role::Approver, Role::Coach].into_iter().collect()
    );
    // The link works once.
    let e = team
        .accept_invitation(&inv.secret, "Again", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Conflict);
    assert_eq!(
        team.invitation_by_secret(&inv.secret).await.unwrap().state,
        InvitationState::Accepted
    );
    // A coach invites learners only; a learner invites nobody.
    let e = team
        .invite(&coach, "x@acme.example", &[Role::Admin])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    let learner = join(&team, &coach, "lee@acme.example", &[Role::Learner]).await;
    let e = team
        .invite(&learner, "y@acme.example", &[Role::Learner])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    // A member cannot be invited again; a revoked link stops working.
    let e = team
        .invite(&admin, "lee@acme.example", &[Role::Learner])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Conflict);
    let inv = team
        .invite(&admin, "zed@acme.example", &[Role::Learner])
        .await
        .unwrap();
    team.revoke_invitation(&admin, inv.invitation.id)
        .await
        .unwrap();
    let e = team
        .accept_invitation(&inv.secret, "Zed", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Conflict);
    assert!(e.to_string().contains("revoked"), "{e}");
    // A weak password is refused before anything is written.
    let inv = team
        .invite(&admin, "weak@acme.example", &[Role::Learner])
        .await
        .unwrap();
    let e = team
        .accept_invitation(&inv.secret, "Weak", "short")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("password"));
    assert_eq!(
        team.invitation_by_secret(&inv.secret).await.unwrap().state,
        InvitationState::Open
    );
    db.drop_schema().await;
}

#[tokio::test]
async fn api_tokens_are_shown_once_kept_as_hashes_and_stop_on_revoke() {
    let Some((db, team)) = setup("tokens").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    let t = team
        .create_token(&admin, "laptop CLI", Some(30))
        .await
        .unwrap();
    assert!(t.secret.starts_with("mmt_"));
    let actor = team.token_actor(&t.secret).await.unwrap();
    assert_eq!(actor.person, admin.person);
    let listed = team.tokens(&admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(t.secret.starts_with(&listed[0].prefix));
    assert!(listed[0].prefix.len() < 20);
    // The database holds no secret: not the token, not a session cookie.
    let mut owner = sqlx::PgConnection::connect(
        &db.owner_url
            .replace(&format!("?schema={}", db.schema()), ""),
    )
    .await
    .unwrap();
    let dump: String = sqlx::query_scalar(&format!(
        "SELECT coalesce(string_agg(t::TEXT, ' '), '') FROM (SELECT * FROM \"{s}\".api_tokens) t",
        s = db.schema()
    ))
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert!(!dump.contains(&t.secret[4..]), "the secret is stored");
    team.revoke_token(&admin, t.token.id).await.unwrap();
    assert_eq!(
        team.token_actor(&t.secret).await.unwrap_err().kind(),
        Kind::Unauthorized
    );
    assert!(team.tokens(&admin).await.unwrap()[0].revoked);
    let e = team.create_token(&admin, "x", Some(0)).await.unwrap_err();
    assert_eq!(e.field(), Some("days"));
    db.drop_schema().await;
}

#[tokio::test]
async fn the_last_admin_stays_and_roles_change_with_an_audit_trail() {
    let Some((db, team)) = setup("roles").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    let e = team
        .set_roles(&admin, admin.person, &[Role::Learner])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Conflict);
    let lee = join(&team, &admin, "lee@acme.example", &[Role::Learner]).await;
    let e = team
        .set_roles(&lee, lee.person, &[Role::Admin])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    let m = team
        .set_roles(&admin, lee.person, &[Role::Learner, Role::Coach])
        .await
        .unwrap();
    assert_eq!(m.roles, [Role::Coach, Role::Learner]);
    let trail = team.audit_trail(&admin, 100).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions.first(), Some(&"set_roles"));
    for a in ["organisation_create", "sign_in", "invite", "accept"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert_eq!(
        team.audit_trail(&lee, 10).await.unwrap_err().kind(),
        Kind::Forbidden
    );
    db.drop_schema().await;
}

#[tokio::test]
async fn one_organisation_reaches_nothing_of_another_and_a_learner_nothing_of_another_learner() {
    let Some((db, team)) = setup("isolation").await else {
        return;
    };
    let a = org(&team, "alpha").await;
    let b = org(&team, "beta").await;
    let b_lee = join(&team, &b, "lee@beta.example", &[Role::Learner]).await;
    let b_inv = team
        .invite(&b, "new@beta.example", &[Role::Learner])
        .await
        .unwrap();
    let b_token = team.create_token(&b, "script", None).await.unwrap();
    // Everything A's admin can list is A's.
    let members = team.members(&a).await.unwrap();
    assert_eq!(
        members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
        ["admin@alpha.example"]
    );
    assert!(team.invitations(&a).await.unwrap().is_empty());
    assert!(team.tokens(&a).await.unwrap().is_empty());
    assert!(
        team.audit_trail(&a, 1000)
            .await
            .unwrap()
            .iter()
            .all(|e| !e.detail.to_string().contains("beta"))
    );
    assert_eq!(team.organisation(&a).await.unwrap().slug, "alpha");
    // B's ids, from A: not found, and nothing changes.
    assert_eq!(
        team.member(&a, b_lee.person).await.unwrap_err().kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.set_roles(&a, b_lee.person, &[Role::Admin])
            .await
            .unwrap_err()
            .kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.revoke_invitation(&a, b_inv.invitation.id)
            .await
            .unwrap_err()
            .kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.revoke_token(&a, b_token.token.id)
            .await
            .unwrap_err()
            .kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.member(&b, b_lee.person).await.unwrap().roles,
        [Role::Learner]
    );
    assert!(team.token_actor(&b_token.secret).await.is_ok());
    assert_eq!(
        team.invitation_by_secret(&b_inv.secret)
            .await
            .unwrap()
            .state,
        InvitationState::Open
    );
    // A learner sees only themself.
    let a_lee = join(&team, &a, "lee@alpha.example", &[Role::Learner]).await;
    let a_kim = join(&team, &a, "kim@alpha.example", &[Role::Learner]).await;
    assert_eq!(team.members(&a_lee).await.unwrap().len(), 1);
    assert_eq!(
        team.member(&a_lee, a_kim.person).await.unwrap_err().kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.member(&a_lee, a_lee.person).await.unwrap().email,
        "lee@alpha.example"
    );
    // Same email in two organisations: two separate accounts.
    assert_ne!(a_lee.person, b_lee.person);
    db.drop_schema().await;
}

#[tokio::test]
async fn row_level_security_holds_under_raw_sql_as_the_servers_role() {
    let Some((db, team)) = setup("rls").await else {
        return;
    };
    let a = org(&team, "alpha").await;
    let b = org(&team, "beta").await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .after_connect({
            let schema = db.schema().to_owned();
            move |c, _| {
                let schema = schema.clone();
                Box::pin(async move {
                    sqlx::query(&format!("SET search_path TO \"{schema}\""))
                        .execute(c)
                        .await?;
                    Ok(())
                })
            }
        })
        .connect(db.app_url.split('?').next().unwrap())
        .await
        .unwrap();
    // No organisation named: no rows at all.
    for t in [
        "organisations",
        "people",
        "roles",
        "auth_sessions",
        "api_tokens",
        "invitations",
        "team_audit",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {t}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0, "{t} shows rows without an organisation");
    }
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let orgs: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT org_id FROM people")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(orgs, [a.org]);
    // Writing B's rows from A's scope is refused by the policy.
    let e = sqlx::query("INSERT INTO roles (org_id, person_id, role) VALUES ($1, $2, 'coach')")
        .bind(b.org)
        .bind(b.person)
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(
        e.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501"),
        "{e}"
    );
    tx.rollback().await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let n = sqlx::query("UPDATE people SET name = 'taken' WHERE org_id = $1")
        .bind(b.org)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n.rows_affected(), 0);
    let n = sqlx::query("DELETE FROM auth_sessions")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert!(n.rows_affected() >= 1, "A's own sessions are A's to end");
    tx.rollback().await.unwrap();
    // Naming an actor from B's token inside A's scope answers B's actor and
    // leaves the scope A's (the lookup restores the caller's setting).
    let b_token = team.create_token(&b, "script", None).await.unwrap().secret;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let hash = {
        use sha2::Digest as _;
        sha2::Sha256::digest(b_token.as_bytes()).to_vec()
    };
    let (org, roles): (i64, Vec<String>) =
        sqlx::query_as("SELECT org_id, roles FROM mm_token_actor($1)")
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((org, roles), (b.org, vec!["admin".to_owned()]));
    let orgs: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT org_id FROM people")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(orgs, [a.org], "the lookup left the scope on B");
    tx.rollback().await.unwrap();
    // The setting does not outlive its transaction.
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // The role owns nothing and cannot turn the policies off.
    let e = sqlx::query("ALTER TABLE people DISABLE ROW LEVEL SECURITY")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        e.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("42501"),
        "{e}"
    );
    pool.close().await;
    db.drop_schema().await;
}

#[tokio::test]
async fn the_server_refuses_a_role_that_could_bypass_row_security() {
    let Some(db) = test_db("refuse_owner").await else {
        return;
    };
    let e = TeamStore::connect(&db.owner_url).await.unwrap_err();
    assert_eq!(e.kind(), Kind::Invalid);
    assert!(e.to_string().contains("must not connect as"), "{e}");
    // Migrating twice (a second instance starting) is harmless.
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    assert!(TeamStore::connect(&db.app_url).await.is_ok());
    db.drop_schema().await;
}

#[tokio::test]
async fn a_removed_member_is_signed_out_everywhere_and_cannot_sign_in() {
    let Some((db, team)) = setup("remove").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    let lee = join(&team, &admin, "lee@acme.example", &[Role::Learner]).await;
    let token = team.create_token(&lee, "cli", None).await.unwrap();
    let Via::Session { .. } = &lee.via else {
        panic!("a browser session")
    };
    let lee_session = team
        .sign_in("acme", "lee@acme.example", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        team.remove_member(&lee, admin.person)
            .await
            .unwrap_err()
            .kind(),
        Kind::Forbidden
    );
    team.remove_member(&admin, lee.person).await.unwrap();
    assert_eq!(
        team.session_actor(&lee_session.secret)
            .await
            .unwrap_err()
            .kind(),
        Kind::Unauthorized
    );
    assert_eq!(
        team.token_actor(&token.secret).await.unwrap_err().kind(),
        Kind::Unauthorized
    );
    assert_eq!(
        team.sign_in("acme", "lee@acme.example", PASSWORD)
            .await
            .unwrap_err()
            .kind(),
        Kind::Unauthorized
    );
    assert!(
        team.members(&admin)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != lee.person)
    );
    // The last admin stays.
    assert_eq!(
        team.remove_member(&admin, admin.person)
            .await
            .unwrap_err()
            .kind(),
        Kind::Conflict
    );
    let trail = team.audit_trail(&admin, 100).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions[..2],
        ["sign_in_failed", "remove_member"],
        "{actions:?}"
    );
    db.drop_schema().await;
}

#[tokio::test]
async fn ten_wrong_passwords_lock_an_address_and_the_trail_cannot_be_rewritten() {
    let Some((db, team)) = setup("throttle").await else {
        return;
    };
    org(&team, "acme").await;
    for _ in 0..10 {
        let e = team
            .sign_in("acme", "admin@acme.example", "wrong password!")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), Kind::Unauthorized);
    }
    let e = team
        .sign_in("acme", "admin@acme.example", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::TooMany, "{e}");
    // Another address is not locked by it.
    let admin = {
        let t = team.clone();
        t.create_organisation(NewOrganisation {
            slug: "beta".into(),
            name: "Beta".into(),
            admin_email: "admin@beta.example".into(),
            admin_name: "B".into(),
            admin_password: PASSWORD.into(),
        })
        .await
        .unwrap();
        t.sign_in("beta", "admin@beta.example", PASSWORD)
            .await
            .unwrap()
            .actor
    };
    assert!(admin.has(Role::Admin));
    // The servers' role may append to the trail, never change or delete it.
    let mut c = sqlx::PgConnection::connect(db.app_url.split('?').next().unwrap())
        .await
        .unwrap();
    sqlx::query(&format!("SET search_path TO \"{}\"", db.schema()))
        .execute(&mut c)
        .await
        .unwrap();
    for sql in [
        "UPDATE team_audit SET action = 'x'",
        "DELETE FROM team_audit",
    ] {
        let e = sqlx::query(sql).execute(&mut c).await.unwrap_err();
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some("42501"),
            "{sql}: {e}"
        );
    }
    // A superuser is refused as the servers' role.
    let e = mm_team::migrate(&db.owner_url, "postgres")
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("app_role"), "{e}");
    db.drop_schema().await;
}

/// An item from the first curated micro-skill: three weeks, 90 minutes a week.
fn catalogue_item() -> (mm_team::NewItem, &'static mm_micro::CatalogueMicroSkill) {
    let entry = &mm_micro::catalogue::curated().entries()[0];
    (
        mm_team::NewItem {
            catalogue_id: Some(entry.id.clone()),
            deadline: Some(DeadlineRule::Weeks(3)),
            weekly_minutes: Some(90),
            ..mm_team::NewItem::default()
        },
        entry,
    )
}

#[tokio::test]
async fn programmes_and_cohorts_are_managed_by_admins_and_their_own_coach_and_goals_are_claimed_once()
 {
    let Some((db, team)) = setup("programmes").await else {
        return;
    };
    let admin = org(&team, "acme").await;
    let coach = join(&team, &admin, "coach@acme.example", &[Role::Coach]).await;
    let other_coach = join(&team, &admin, "coach2@acme.example", &[Role::Coach]).await;
    let lee = join(&team, &admin, "lee@acme.example", &[Role::Learner]).await;
    let kim = join(&team, &admin, "kim@acme.example", &[Role::Learner]).await;
    let programme = |slug: &str| NewProgramme {
        slug: slug.into(),
        name: format!("{slug} programme"),
        description: String::new(),
    };
    // A learner creates nothing; a coach makes a programme and adds to it.
    let e = team
        .create_programme(&lee, programme("sql"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    let p = team
        .create_programme(&coach, programme("sql"))
        .await
        .unwrap();
    let e = team
        .create_programme(&admin, programme("sql"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Conflict);
    let (new, entry) = catalogue_item();
    let item = team
        .add_item(&coach, p.id, new.clone(), today())
        .await
        .unwrap();
    assert_eq!(item.name, entry.name);
    assert_eq!(item.done_when, entry.done_when);
    assert_eq!(item.hours, entry.hours);
    assert_eq!(item.deadline, DeadlineRule::Weeks(3));
    assert_eq!(item.weekly_minutes, 90);
    assert_eq!(item.position, 1);
    assert_eq!(
        team.add_item(&coach, p.id, new.clone(), today())
            .await
            .unwrap_err()
            .kind(),
        Kind::Conflict,
        "the same micro-skill twice"
    );
    // Another coach may not change it; an unknown catalogue id writes nothing.
    let e = team
        .add_item(&other_coach, p.id, new.clone(), today())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    let e = team
        .add_item(
            &admin,
            p.id,
            mm_team::NewItem {
                catalogue_id: Some("no-such-thing".into()),
                ..new.clone()
            },
            today(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("catalogue_id"));
    assert_eq!(team.programme(&admin, p.id).await.unwrap().items.len(), 1);
    // A coach leads the cohorts they make, and names no other coach.
    let c = team
        .create_cohort(
            &coach,
            NewCohort {
                name: "Spring".into(),
                coach: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(c.coach, Some(coach.person));
    let e = team
        .create_cohort(
            &coach,
            NewCohort {
                name: "Autumn".into(),
                coach: Some(other_coach.person),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Forbidden);
    let e = team
        .create_cohort(
            &admin,
            NewCohort {
                name: "Autumn".into(),
                coach: Some(lee.person),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("coach"), "a learner cannot lead a cohort");
    // The other coach neither sees nor changes it.
    for e in [
        team.cohort(&other_coach, c.id).await.unwrap_err(),
        team.add_to_cohort(&other_coach, c.id, kim.person)
            .await
            .unwrap_err(),
        team.assign(&other_coach, c.id, p.id).await.unwrap_err(),
        team.claim_goals(&other_coach, GiveScope::Cohort(c.id))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.kind(), Kind::NotFound, "{e}");
    }
    assert!(team.cohorts(&other_coach).await.unwrap().is_empty());
    // Lee joins, the programme is assigned: one goal owed, claimed once.
    team.add_to_cohort(&coach, c.id, lee.person).await.unwrap();
    team.assign(&coach, c.id, p.id).await.unwrap();
    team.assign(&coach, c.id, p.id).await.unwrap();
    let claims = team
        .claim_goals(&coach, GiveScope::Cohort(c.id))
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!((claims[0].person, claims[0].item.id), (lee.person, item.id));
    assert!(!claims[0].retry);
    assert!(
        team.claim_goals(&admin, GiveScope::Cohort(c.id))
            .await
            .unwrap()
            .is_empty(),
        "a claim holds against a second server"
    );
    // A failure is kept and released; the retry is marked as one.
    team.record_failure(&coach, &claims[0], "the journal was down")
        .await
        .unwrap();
    let seen = team.cohort(&coach, c.id).await.unwrap();
    assert_eq!(seen.goals.len(), 1);
    assert_eq!(seen.goals[0].state, GivenState::Failed);
    assert_eq!(seen.goals[0].error.as_deref(), Some("the journal was down"));
    let retry = team
        .claim_goals(&coach, GiveScope::Cohort(c.id))
        .await
        .unwrap();
    assert_eq!(retry.len(), 1);
    assert!(retry[0].retry);
    team.record_given(&coach, &retry[0], 4242).await.unwrap();
    assert_eq!(
        team.record_given(&coach, &retry[0], 4243)
            .await
            .unwrap_err()
            .kind(),
        Kind::NotFound,
        "a goal is given once"
    );
    // Re-adding, re-assigning: nothing more owed. Kim, added later, is owed hers.
    team.remove_from_cohort(&coach, c.id, lee.person)
        .await
        .unwrap();
    team.add_to_cohort(&coach, c.id, lee.person).await.unwrap();
    team.add_to_cohort(&coach, c.id, kim.person).await.unwrap();
    let claims = team
        .claim_goals(&coach, GiveScope::Cohort(c.id))
        .await
        .unwrap();
    assert_eq!(
        claims.iter().map(|g| g.person).collect::<Vec<_>>(),
        [kim.person]
    );
    // A second item reaches every cohort with the programme.
    let second = team
        .add_item(
            &coach,
            p.id,
            mm_team::NewItem {
                catalogue_id: None,
                name: Some("Read a query plan".into()),
                principles: Some(vec![ItemPrinciple {
                    name: "Cost is estimated".into(),
                    description: None,
                }]),
                done_when: Some(vec!["Names the slowest node of a plan".into()]),
                deadline: Some(DeadlineRule::Date(
                    chrono::NaiveDate::from_ymd_opt(2030, 1, 31).unwrap(),
                )),
                weekly_minutes: Some(60),
                ..mm_team::NewItem::default()
            },
            today(),
        )
        .await
        .unwrap();
    let claims = team
        .claim_goals(&coach, GiveScope::Programme(p.id))
        .await
        .unwrap();
    assert_eq!(
        claims
            .iter()
            .map(|g| (g.person, g.item.id))
            .collect::<Vec<_>>(),
        [(lee.person, second.id), (kim.person, second.id)]
    );
    // A learner sees their cohort (only themself in it) and its programme;
    // one not in it sees neither; neither changes anything.
    let mine = team.cohort(&lee, c.id).await.unwrap();
    assert_eq!(
        mine.members.iter().map(|m| m.person).collect::<Vec<_>>(),
        [lee.person]
    );
    assert!(mine.goals.iter().all(|g| g.person == lee.person));
    assert_eq!(team.programmes(&lee).await.unwrap().len(), 1);
    let outsider = join(&team, &admin, "ola@acme.example", &[Role::Learner]).await;
    assert!(team.programmes(&outsider).await.unwrap().is_empty());
    assert_eq!(
        team.programme(&outsider, p.id).await.unwrap_err().kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.cohort(&outsider, c.id).await.unwrap_err().kind(),
        Kind::NotFound
    );
    assert_eq!(
        team.add_to_cohort(&lee, c.id, outsider.person)
            .await
            .unwrap_err()
            .kind(),
        Kind::Forbidden
    );
    assert_eq!(
        team.add_item(&lee, p.id, new.clone(), today())
            .await
            .unwrap_err()
            .kind(),
        Kind::Forbidden
    );
    // Another organisation's admin reaches none of it, and cannot add its
    // people or assign its programmes to a cohort of their own.
    let beta = org(&team, "beta").await;
    let bc = team
        .create_cohort(
            &beta,
            NewCohort {
                name: "Beta".into(),
                coach: None,
            },
        )
        .await
        .unwrap();
    for e in [
        team.programme(&beta, p.id).await.unwrap_err(),
        team.cohort(&beta, c.id).await.unwrap_err(),
        team.add_item(&beta, p.id, new.clone(), today())
            .await
            .unwrap_err(),
        team.add_to_cohort(&beta, c.id, beta.person)
            .await
            .unwrap_err(),
        team.add_to_cohort(&beta, bc.id, lee.person)
            .await
            .unwrap_err(),
        team.assign(&beta, bc.id, p.id).await.unwrap_err(),
        team.remove_from_cohort(&beta, c.id, lee.person)
            .await
            .unwrap_err(),
        team.claim_goals(&beta, GiveScope::Programme(p.id))
            .await
            .unwrap_err(),
        team.record_given(&beta, &claims[0], 1).await.unwrap_err(),
    ] {
        assert_eq!(e.kind(), Kind::NotFound, "{e}");
    }
    assert!(team.programmes(&beta).await.unwrap().is_empty());
    assert_eq!(team.cohorts(&beta).await.unwrap().len(), 1);
    db.drop_schema().await;
}

#[tokio::test]
async fn programme_rows_are_row_secured_and_cannot_point_at_another_organisations() {
    let Some((db, team)) = setup("programme_rls").await else {
        return;
    };
    let a = org(&team, "alpha").await;
    let b = org(&team, "beta").await;
    let (new, _) = catalogue_item();
    let mut ids = Vec::new();
    for admin in [&a, &b] {
        let p = team
            .create_programme(
                admin,
                NewProgramme {
                    slug: "core".into(),
                    name: "Core".into(),
                    description: String::new(),
                },
            )
            .await
            .unwrap();
        team.add_item(admin, p.id, new.clone(), today())
            .await
            .unwrap();
        let c = team
            .create_cohort(
                admin,
                NewCohort {
                    name: "One".into(),
                    coach: None,
                },
            )
            .await
            .unwrap();
        team.add_to_cohort(admin, c.id, admin.person).await.unwrap();
        team.assign(admin, c.id, p.id).await.unwrap();
        team.claim_goals(admin, GiveScope::Cohort(c.id))
            .await
            .unwrap();
        ids.push((p.id, c.id));
    }
    let base = db.app_url.split('?').next().unwrap();
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query(&format!("SET search_path TO \"{}\"", db.schema()))
        .execute(&mut conn)
        .await
        .unwrap();
    let tables = [
        "programmes",
        "programme_items",
        "cohorts",
        "cohort_members",
        "cohort_programmes",
        "given_goals",
    ];
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {t}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{t} shows rows without an organisation");
    }
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    for t in tables {
        let orgs: Vec<i64> = sqlx::query_scalar(&format!("SELECT DISTINCT org_id FROM {t}"))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        assert_eq!(orgs, [a.org], "{t}");
    }
    // A's row naming B's programme does not exist to point at; B's own row is refused.
    let (b_programme, b_cohort) = ids[1];
    let (_, a_cohort) = ids[0];
    for (sql, code) in [
        (
            format!(
                "INSERT INTO cohort_programmes (org_id, cohort_id, programme_id, assigned_by) \
                 VALUES ({}, {a_cohort}, {b_programme}, {})",
                a.org, a.person
            ),
            "23503",
        ),
        (
            format!(
                "INSERT INTO cohort_members (org_id, cohort_id, person_id, added_by) \
                 VALUES ({}, {b_cohort}, {}, {})",
                b.org, a.person, a.person
            ),
            "42501",
        ),
        (
            format!("DELETE FROM given_goals WHERE org_id = {}", a.org),
            "42501",
        ),
    ] {
        sqlx::query("SAVEPOINT probe")
            .execute(&mut *tx)
            .await
            .unwrap();
        let e = sqlx::query(&sql).execute(&mut *tx).await.unwrap_err();
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some(code),
            "{sql}: {e}"
        );
        sqlx::query("ROLLBACK TO SAVEPOINT probe")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let n = sqlx::query("UPDATE programmes SET name = 'taken' WHERE org_id = $1")
        .bind(b.org)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n.rows_affected(), 0);
    tx.rollback().await.unwrap();
    db.drop_schema().await;
}

#[tokio::test]
async fn shares_are_the_learners_own_row_secured_and_never_rewritten() {
    let Some((db, team)) = setup("shares").await else {
        return;
    };
    let a = org(&team, "alpha").await;
    let b = org(&team, "beta").await;
    let (new, _) = catalogue_item();
    let mut cohorts = Vec::new();
    for (n, admin) in [&a, &b].into_iter().enumerate() {
        let p = team
            .create_programme(
                admin,
                NewProgramme {
                    slug: "core".into(),
                    name: "Core".into(),
                    description: String::new(),
                },
            )
            .await
            .unwrap();
        team.add_item(admin, p.id, new.clone(), today())
            .await
            .unwrap();
        let c = team
            .create_cohort(
                admin,
                NewCohort {
                    name: "One".into(),
                    coach: None,
                },
            )
            .await
            .unwrap();
        team.add_to_cohort(admin, c.id, admin.person).await.unwrap();
        team.assign(admin, c.id, p.id).await.unwrap();
        for g in team
            .claim_goals(admin, GiveScope::Cohort(c.id))
            .await
            .unwrap()
        {
            team.record_given(admin, &g, 100 + n as i64).await.unwrap();
        }
        cohorts.push(c.id);
    }
    let lee = join(&team, &a, "lee@alpha.example", &[Role::Learner]).await;
    // A's admin (a member of the cohort) shares a session note of goal 100.
    let (s, created) = team
        .share(&a, ShareKind::SessionNote, 7, 100)
        .await
        .unwrap();
    assert!(created);
    assert_eq!((s.kind, s.item, s.goal), (ShareKind::SessionNote, 7, 100));
    assert_eq!(s.scope, "goal_coaches");
    let (again, created) = team
        .share(&a, ShareKind::SessionNote, 7, 100)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, s.id);
    // Only a goal given to oneself; never B's.
    for (who, goal) in [(&a, 999), (&lee, 100), (&a, 101)] {
        let e = team
            .share(who, ShareKind::Reflection, 8, goal)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), Kind::NotFound, "{goal}");
    }
    assert_eq!(
        team.cohort_shares(&a, cohorts[0]).await.unwrap(),
        vec![s.clone()]
    );
    assert!(team.cohort_shares(&lee, cohorts[0]).await.is_err());
    assert_eq!(
        team.cohort_shares(&b, cohorts[0]).await.unwrap_err().kind(),
        Kind::NotFound
    );
    // Nobody else takes it back.
    for who in [&lee, &b] {
        assert_eq!(
            team.unshare(who, s.id).await.unwrap_err().kind(),
            Kind::NotFound
        );
        assert!(team.my_shares(who).await.unwrap().is_empty());
    }
    let (b_share, _) = team
        .share(&b, ShareKind::ApplicationNote, 9, 101)
        .await
        .unwrap();
    // Under raw SQL as the server's role: no rows without an organisation,
    // only its own with one, none written for another, none rewritten.
    let base = db.app_url.split('?').next().unwrap();
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query(&format!("SET search_path TO \"{}\"", db.schema()))
        .execute(&mut conn)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM shares")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM shares")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(ids, [s.id]);
    for (sql, code) in [
        (
            format!(
                "INSERT INTO shares (org_id, person_id, kind, item_id, goal_id) \
                 VALUES ({}, {}, 'reflection', 1, 101)",
                b.org, b.person
            ),
            "42501",
        ),
        (
            format!("UPDATE shares SET item_id = 8 WHERE id = {}", s.id),
            "42501",
        ),
    ] {
        sqlx::query("SAVEPOINT probe")
            .execute(&mut *tx)
            .await
            .unwrap();
        let e = sqlx::query(&sql).execute(&mut *tx).await.unwrap_err();
        assert_eq!(
            e.as_database_error().and_then(|d| d.code()).as_deref(),
            Some(code),
            "{sql}: {e}"
        );
        sqlx::query("ROLLBACK TO SAVEPOINT probe")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let gone = sqlx::query("DELETE FROM shares WHERE id = $1")
        .bind(b_share.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(gone.rows_affected(), 0, "B's share deleted from A's scope");
    tx.rollback().await.unwrap();
    // Its owner takes it back, audited both ways.
    assert_eq!(team.unshare(&a, s.id).await.unwrap().id, s.id);
    assert!(team.my_shares(&a).await.unwrap().is_empty());
    assert_eq!(team.my_shares(&b).await.unwrap(), vec![b_share]);
    let trail = team.audit_trail(&a, 100).await.unwrap();
    for action in ["share.add", "share.remove"] {
        assert_eq!(
            trail.iter().filter(|e| e.action == action).count(),
            1,
            "{action}: {trail:?}"
        );
    }
    db.drop_schema().await;
}

#[tokio::test]
async fn a_server_refuses_a_schema_older_than_its_release_until_it_is_migrated() {
    let Some((db, _)) = setup("older").await else {
        return;
    };
    let base = db.owner_url.split('?').next().unwrap().to_owned();
    let owner = |sql: String| {
        let base = base.clone();
        async move {
            let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::raw_sql(&sql).execute(&mut c).await.unwrap();
        }
    };
    owner(format!(
        "DELETE FROM \"{}\".mm_team_migrations WHERE version = (SELECT max(version) FROM \"{}\".mm_team_migrations)",
        db.schema(),
        db.schema()
    ))
    .await;
    let e = TeamStore::connect(&db.app_url).await.unwrap_err();
    assert_eq!(e.kind(), Kind::Invalid);
    assert!(
        e.to_string().contains("older than this release") && e.to_string().contains("mm team"),
        "{e}"
    );
    // Migrating applies what is missing; then the server starts.
    owner(format!(
        "DROP FUNCTION IF EXISTS \"{}\".mm_journal_revisions(BIGINT[])",
        db.schema()
    ))
    .await;
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    assert!(TeamStore::connect(&db.app_url).await.is_ok());
}

#[tokio::test]
async fn a_new_master_key_reseals_every_generation_and_the_old_one_opens_none() {
    use mm_app::keys::KeyStore as _;
    use mm_team::{MasterKey, Resealed, reseal};
    let Some((db, _)) = setup("reseal").await else {
        return;
    };
    let (_, old_text) = MasterKey::generate();
    let (_, new_text) = MasterKey::generate();
    let key = |t: &str| MasterKey::parse(t).unwrap();
    let server = |t: &str| {
        let (url, k) = (db.app_url.clone(), key(t));
        async move { TeamStore::connect(&url).await.unwrap().with_master_key(k) }
    };
    let old_server = server(&old_text).await;
    let now = chrono::Utc::now();
    let acme = org(&old_server, "acme").await;
    let globex = org(&old_server, "globex").await;
    // Acme has two generations (one retired), Globex one; Initech none.
    let a = old_server.org_keys(&acme);
    a.create_issuer("Acme Ltd", "https://learn.acme.example/orgs/acme", now)
        .await
        .unwrap();
    a.rotate_keys(now).await.unwrap();
    old_server
        .org_keys(&globex)
        .create_issuer("Globex", "https://learn.globex.example/orgs/globex", now)
        .await
        .unwrap();
    org(&old_server, "initech").await;
    let published = a.record().await.unwrap();
    assert!(a.issuer().await.is_ok());
    // During the rotation a server holds both keys: it signs before the
    // reseal and after, and seals nothing with the old one.
    let both = server(&new_text)
        .await
        .with_previous_master_key(key(&old_text));
    assert!(both.org_keys(&acme).issuer().await.is_ok());
    // (The new key alone cannot open the old seals yet.)
    let e = server(&new_text)
        .await
        .org_keys(&acme)
        .issuer()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("wrong MM_TEAM_KEY"), "{e}");

    let done = reseal(&db.owner_url, &key(&old_text), &key(&new_text))
        .await
        .unwrap();
    assert_eq!(
        done,
        Resealed {
            organisations: 2,
            resealed: 3,
            already: 0
        }
    );
    // A server still on the old key refuses to sign, and says why; one on
    // the new key signs with the same published keys.
    let e = old_server.org_keys(&acme).issuer().await.unwrap_err();
    assert!(e.to_string().contains("wrong MM_TEAM_KEY"), "{e}");
    for who in [&acme, &globex] {
        assert!(both.org_keys(who).issuer().await.is_ok());
    }
    let new_server = server(&new_text).await;
    for who in [&acme, &globex] {
        assert!(new_server.org_keys(who).issuer().await.is_ok());
    }
    assert_eq!(
        new_server.org_keys(&acme).record().await.unwrap(),
        published
    );
    // Run again (as after a stop half-way): nothing left to do.
    let again = reseal(&db.owner_url, &key(&old_text), &key(&new_text))
        .await
        .unwrap();
    assert_eq!((again.resealed, again.already), (0, 3));
    // With a wrong "old" key: refused, and nothing changes.
    let (_, stranger) = MasterKey::generate();
    let (_, next) = MasterKey::generate();
    let e = reseal(&db.owner_url, &key(&stranger), &key(&next))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Invalid);
    assert!(
        e.to_string()
            .contains("does not open with the old master key"),
        "{e}"
    );
    assert!(new_server.org_keys(&acme).issuer().await.is_ok());
    // The same key twice is refused before anything is read.
    let e = reseal(&db.owner_url, &key(&new_text), &key(&new_text))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Kind::Invalid);
    // Each organisation resealed is on record.
    let admin_trail = new_server.audit_trail(&acme, 100).await.unwrap();
    assert_eq!(
        admin_trail
            .iter()
            .filter(|e| e.action == "issuer.reseal")
            .count(),
        1
    );
}
