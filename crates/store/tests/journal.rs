//! The lossless journal, on both backends: every table of the schema (read
//! from the database's own catalogue) is exported or named as derived; a
//! journal that fills every table round-trips row by row; and the edit/undo
//! operations change one thing each, in one transaction, with an audit record.

use chrono::Duration;
use mm_core::balance::Membership;
use mm_core::journal::AuditAction;
use mm_core::plan::{ItemKind, Plan, PlannedItem};
use mm_core::retention::{Card, Rating, Review, Subject};
use mm_core::*;
use mm_store::Error;
use mm_store::*;
use std::collections::BTreeMap;

mod common;
use common::*;

async fn dump(store: &Store) -> BTreeMap<String, TableDump> {
    let mut out = BTreeMap::new();
    for t in store.tables().await.unwrap() {
        if !DERIVED_TABLES.iter().any(|(d, _)| *d == t) {
            out.insert(t.clone(), store.dump_table(&t).await.unwrap());
        }
    }
    out
}

both!(
    every_table_is_exported_or_derived,
    |store: Store| async move {
        let tables = store.tables().await.unwrap();
        assert!(tables.len() >= EXPORTED_TABLES.len(), "{tables:?}");
        for t in &tables {
            let exported = EXPORTED_TABLES.contains(&t.as_str());
            let derived = DERIVED_TABLES
                .iter()
                .any(|(d, why)| d == t && !why.is_empty());
            assert!(
                exported || derived,
                "table {t} is neither exported by `mm export` nor named in DERIVED_TABLES with a reason"
            );
            assert!(!(exported && derived), "table {t} is in both lists");
        }
        for t in EXPORTED_TABLES {
            assert!(
                tables.iter().any(|x| x == t),
                "EXPORTED_TABLES names {t}, which the schema lacks"
            );
        }
    }
);

both!(
    a_full_journal_round_trips_row_by_row,
    |store: Store| async move {
        fill(&store).await;
        let before = dump(&store).await;
        for t in EXPORTED_TABLES {
            assert!(!before[*t].rows.is_empty(), "fill() left {t} empty");
        }
        let journal = store.export(now()).await.unwrap();
        // Through the JSON text, as `mm export` writes it.
        let text = serde_json::to_string_pretty(&journal).unwrap();
        let parsed = mm_core::journal::Journal::from_json(&text).unwrap();
        let (fresh, _dir) = fresh_like(&store, "a_full_journal_round_trips_row_by_row_b").await;
        let counts = fresh.import(&parsed).await.unwrap();
        assert_eq!(counts.credentials, 1);
        assert_eq!(counts.history, 2);
        let after = dump(&fresh).await;
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        for (t, d) in &before {
            assert_eq!(d, &after[t], "table {t}");
        }
        // Ids continue past the imported ones.
        let s = fresh
            .create_skill(
                &NewSkill {
                    name: "SQL".into(),
                    kind: SkillKind::Knowledge,
                    taxonomy_uri: None,
                    description: None,
                    held_level: None,
                },
                now(),
            )
            .await
            .unwrap();
        assert!(s.id.0 > 1);
        // A second import into the same store is refused and writes nothing.
        let err = fresh.import(&parsed).await.unwrap_err();
        assert!(err.to_string().contains("already holds a journal"), "{err}");
        fresh.close().await;
        if fresh.backend() == Backend::Postgres {
            drop_schema("a_full_journal_round_trips_row_by_row_b").await;
        }
    }
);

both!(edit_a_session_with_history, |store: Store| async move {
    let (_, _, goal) = seed(&store).await;
    let s = store
        .log_session(&session(goal.id, 2, 30), now())
        .await
        .unwrap();
    let edited = store
        .edit_session(
            s.id,
            &SessionPatch {
                aim: Some("  pivot by quarter ".into()),
                focused_minutes: Some(50),
                notes: Some(Some("longer".into())),
                ..SessionPatch::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(edited.aim, "pivot by quarter");
    assert_eq!(edited.focused_minutes, 50);
    assert!(
        edited.ended_at - edited.started_at >= Duration::minutes(50),
        "lengthened to fit"
    );
    assert_eq!(store.get_session(s.id).await.unwrap(), edited);
    let h = store.list_history(None).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].action, AuditAction::Edit);
    assert_eq!(h[0].record, "session");
    assert_eq!(h[0].record_id, s.id.to_string());
    assert_eq!(
        h[0].before.as_ref().unwrap()["aim"],
        "drill grouping by month"
    );
    assert_eq!(h[0].after.as_ref().unwrap()["focused_minutes"], 50);
    // Nothing to change: refused, no record.
    let err = store
        .edit_session(
            s.id,
            &SessionPatch {
                aim: Some("pivot by quarter".into()),
                ..SessionPatch::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    // An invalid result: refused, session unchanged.
    let err = store
        .edit_session(
            s.id,
            &SessionPatch {
                started_at: Some(now() + Duration::days(1)),
                ..SessionPatch::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("future"), "{err}");
    assert_eq!(store.get_session(s.id).await.unwrap(), edited);
    assert_eq!(store.list_history(None).await.unwrap().len(), 1);
    assert!(matches!(
        store
            .edit_session(SessionId(999), &SessionPatch::default(), now())
            .await
            .unwrap_err(),
        Error::NotFound { .. }
    ));
});

both!(
    delete_a_session_takes_its_reflections,
    |store: Store| async move {
        let (_, micro, goal) = seed(&store).await;
        let s = store
            .log_session(&session(goal.id, 2, 30), now())
            .await
            .unwrap();
        let r = store
            .add_reflection(&NewReflection {
                target: ReflectionTarget::Session { id: s.id },
                at: now(),
                worked: "w".into(),
                didnt: String::new(),
                next: String::new(),
                principles: vec![micro.principles[0].id],
            })
            .await
            .unwrap();
        let (gone, reflections) = store.delete_session(s.id, now()).await.unwrap();
        assert_eq!(gone, s);
        assert_eq!(reflections, vec![r]);
        assert!(store.list_sessions(None).await.unwrap().is_empty());
        assert!(store.list_reflections().await.unwrap().is_empty());
        let h = store.list_history(None).await.unwrap();
        assert_eq!(h[0].action, AuditAction::Delete);
        assert!(h[0].after.is_none());
        assert_eq!(
            h[0].before.as_ref().unwrap()["reflections"][0]["worked"],
            "w"
        );
    }
);

both!(
    evidence_of_an_achieved_goal_is_kept,
    |store: Store| async move {
        let (_, micro, goal) = seed(&store).await;
        let mut sessions = vec![];
        for days in 1..=3 {
            sessions.push(
                store
                    .log_session(&session(goal.id, days, 45), now())
                    .await
                    .unwrap(),
            );
        }
        for n in 1..=2 {
            store.tick_criterion(goal.id, n, true, now()).await.unwrap();
        }
        store
            .add_application(
                &NewApplication {
                    goal_id: goal.id,
                    at: now() - Duration::hours(2),
                    context: "sales review".into(),
                    outcome: "pivot in 4 minutes".into(),
                    impact: None,
                    evidence: None,
                },
                now(),
            )
            .await
            .unwrap();
        store
            .add_reflection(&NewReflection {
                target: ReflectionTarget::Goal { id: goal.id },
                at: now() - Duration::hours(1),
                worked: "aggregation first".into(),
                didnt: "untidy data".into(),
                next: "dates".into(),
                principles: micro.principles.iter().map(|p| p.id).collect(),
            })
            .await
            .unwrap();
        let (g, report) = store
            .try_achieve(
                goal.id,
                &mm_core::mastery::MasteryRule::default(),
                chrono::FixedOffset::east_opt(0).unwrap(),
                now(),
            )
            .await
            .unwrap();
        assert!(report.achieved(), "{report:?}");
        assert_eq!(g.state, GoalState::Achieved);
        let before = store.export(now()).await.unwrap();
        let s = sessions[0].id;
        let err = store
            .edit_session(
                s,
                &SessionPatch {
                    aim: Some("x".into()),
                    ..SessionPatch::default()
                },
                now(),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("achieved"), "{err}");
        assert!(store.delete_session(s, now()).await.is_err());
        let r = store.list_reflections().await.unwrap()[0].id;
        assert!(store.delete_reflection(r, now()).await.is_err());
        assert!(
            store
                .tick_criterion(goal.id, 1, false, now())
                .await
                .is_err()
        );
        assert_eq!(
            store.export(now()).await.unwrap(),
            before,
            "nothing changed"
        );
    }
);

both!(reword_a_micro_skill, |store: Store| async move {
    let (_, micro, goal) = seed(&store).await;
    store
        .save_card(&Card {
            subject: Subject::Principle {
                id: micro.principles[1].id,
            },
            goal_id: goal.id,
            label: "tidy data".into(),
            stability: 2.0,
            difficulty: 5.0,
            last_review: today(),
            due: today() + Duration::days(2),
            reviews: vec![Review {
                on: today(),
                rating: Rating::Good,
            }],
        })
        .await
        .unwrap();
    let m = store
        .edit_micro_skill(
            micro.id,
            &MicroSkillPatch {
                name: Some("Pivot 10k rows in 4 minutes".into()),
                principles: vec![PrinciplePatch {
                    number: 2,
                    name: Some("tidy tables".into()),
                    description: Some(None),
                }],
                add_principles: vec![NewPrinciple {
                    name: "filtering".into(),
                    description: None,
                }],
                remove_principles: vec![1],
                remove_resources: vec![1],
                add_resources: vec![],
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(m.name, "Pivot 10k rows in 4 minutes");
    let names: Vec<&str> = m.principles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["tidy tables", "filtering"]);
    assert_eq!(m.principles[0].id, micro.principles[1].id, "ids stay");
    assert_eq!(m.principles[0].description, None);
    assert!(m.resources.is_empty());
    assert_eq!(store.get_micro_skill(micro.id).await.unwrap(), m);
    let cards = store.list_cards().await.unwrap();
    assert_eq!(cards[0].label, "tidy tables", "the card follows the rename");
    // A principle a card recalls cannot go; nothing changes.
    let err = store
        .edit_micro_skill(
            micro.id,
            &MicroSkillPatch {
                remove_principles: vec![1],
                ..MicroSkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("reword it instead"), "{err}");
    // An unreferenced one can.
    let err = store
        .edit_micro_skill(
            micro.id,
            &MicroSkillPatch {
                remove_principles: vec![2],
                principles: vec![],
                ..MicroSkillPatch::default()
            },
            now(),
        )
        .await;
    assert!(err.is_ok(), "removing an unreferenced one is fine: {err:?}");
    assert_eq!(
        store
            .get_micro_skill(micro.id)
            .await
            .unwrap()
            .principles
            .len(),
        1
    );
    assert_eq!(store.list_history(None).await.unwrap().len(), 2);
});

both!(rename_and_link_skills, |store: Store| async move {
    let (skill, _, _) = seed(&store).await;
    let other = store
        .create_skill(
            &NewSkill {
                name: "my sheets".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: None,
                description: None,
                held_level: None,
            },
            now(),
        )
        .await
        .unwrap();
    let dup = store
        .edit_skill(
            other.id,
            &SkillPatch {
                name: Some("EXCEL".into()),
                ..SkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(dup.to_string().contains("already named"), "{dup}");
    let taken = store
        .edit_skill(
            other.id,
            &SkillPatch {
                taxonomy_uri: Some(skill.taxonomy_uri.clone()),
                ..SkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(taken.to_string().contains("already stands for"), "{taken}");
    let linked = store
        .edit_skill(
            other.id,
            &SkillPatch {
                name: Some("Sheets".into()),
                taxonomy_uri: Some(Some("http://data.europa.eu/esco/skill/x".into())),
                ..SkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(linked.name, "Sheets");
    assert_eq!(
        store
            .find_skill("http://data.europa.eu/esco/skill/x")
            .await
            .unwrap()
            .id,
        other.id
    );
    let h = store.list_history(None).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        h[0].summary,
        format!("skill {}: name, taxonomy_uri", other.id)
    );
});

both!(untick_is_recorded_tick_is_not, |store: Store| async move {
    let (_, _, goal) = seed(&store).await;
    store.tick_criterion(goal.id, 1, true, now()).await.unwrap();
    assert!(store.list_history(None).await.unwrap().is_empty());
    let g = store
        .tick_criterion(goal.id, 1, false, now())
        .await
        .unwrap();
    assert!(g.criteria[0].met_at.is_none());
    let h = store.list_history(None).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].record, "criterion");
    assert!(h[0].before.as_ref().unwrap()["met_at"].is_string());
});

both!(delete_a_goal, |store: Store| async move {
    fill(&store).await;
    let goal = store.list_goals().await.unwrap()[0].clone();
    // It has a badge: refused, nothing deleted.
    let err = store.delete_goal(goal.id, now()).await.unwrap_err();
    assert!(err.to_string().contains("badge"), "{err}");
    assert_eq!(store.list_sessions(None).await.unwrap().len(), 2);
    // A second goal without a badge goes with everything on it.
    let micro = store.list_micro_skills(None).await.unwrap()[0].clone();
    let g2 = store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Proficient,
                start: today(),
                deadline: today() + Duration::days(20),
                weekly_minutes: 60,
                criteria: vec!["faster".into()],
            },
            now(),
            today(),
        )
        .await
        .unwrap();
    let s = store
        .log_session(&session(g2.id, 0, 20), now())
        .await
        .unwrap();
    store
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Session { id: s.id },
            at: now(),
            worked: "w".into(),
            didnt: String::new(),
            next: String::new(),
            principles: vec![],
        })
        .await
        .unwrap();
    store
        .set_goal_arc(g2.id, Membership::Standalone)
        .await
        .unwrap();
    let done = store.delete_goal(g2.id, now()).await.unwrap();
    assert_eq!((done.sessions, done.reflections), (1, 1));
    assert!(matches!(
        store.get_goal(g2.id).await.unwrap_err(),
        Error::NotFound { .. }
    ));
    assert_eq!(
        store.list_sessions(None).await.unwrap().len(),
        2,
        "goal 1's stay"
    );
    assert!(!store.goal_memberships().await.unwrap().contains_key(&g2.id));
    let last = store.list_history(Some(1)).await.unwrap();
    assert_eq!(last[0].record, "goal");
    assert_eq!(
        last[0].before.as_ref().unwrap()["sessions"][0]["id"],
        s.id.0
    );
    // The journal still round-trips.
    let j = store.export(now()).await.unwrap();
    j.validate().unwrap();
});

both!(
    undo_takes_back_edits_and_deletions,
    |store: Store| async move {
        let (skill, micro, goal) = seed(&store).await;
        let s = store
            .log_session(&session(goal.id, 2, 30), now())
            .await
            .unwrap();
        let r = store
            .add_reflection(&NewReflection {
                target: ReflectionTarget::Session { id: s.id },
                at: now(),
                worked: "w".into(),
                didnt: String::new(),
                next: String::new(),
                principles: vec![micro.principles[0].id],
            })
            .await
            .unwrap();
        let edited = store
            .edit_session(
                s.id,
                &SessionPatch {
                    aim: Some("pivot by quarter".into()),
                    ..SessionPatch::default()
                },
                now(),
            )
            .await
            .unwrap();
        store.delete_session(s.id, now()).await.unwrap();
        // Latest first: the deletion, with the reflection on the session.
        let u = store.undo(None, now()).await.unwrap();
        assert_eq!((u.action, u.undoes), (AuditAction::Undo, Some(2)));
        assert_eq!(store.get_session(s.id).await.unwrap(), edited);
        assert_eq!(store.list_reflections().await.unwrap(), vec![r]);
        // Then the edit.
        store.undo(None, now()).await.unwrap();
        assert_eq!(store.get_session(s.id).await.unwrap(), s);
        assert!(matches!(
            store.undo(None, now()).await.unwrap_err(),
            Error::NotFound { .. }
        ));
        let again = store.undo(Some(1), now()).await.unwrap_err();
        assert!(again.to_string().contains("already undone"), "{again}");
        let undo_of_undo = store.undo(Some(3), now()).await.unwrap_err();
        assert!(
            undo_of_undo.to_string().contains("itself an undo"),
            "{undo_of_undo}"
        );

        // Only the latest change to a record can be taken back.
        for aim in ["a", "b"] {
            store
                .edit_session(
                    s.id,
                    &SessionPatch {
                        aim: Some(aim.into()),
                        ..SessionPatch::default()
                    },
                    now(),
                )
                .await
                .unwrap();
        }
        let h = store.list_history(None).await.unwrap();
        let first_of_two = h[h.len() - 2].id;
        let err = store.undo(Some(first_of_two), now()).await.unwrap_err();
        assert!(err.to_string().contains("undo it first"), "{err}");
        assert_eq!(store.get_session(s.id).await.unwrap().aim, "b");

        // An untick and a rename come back too.
        store.tick_criterion(goal.id, 1, true, now()).await.unwrap();
        let ticked = store.get_goal(goal.id).await.unwrap().criteria[0].met_at;
        store
            .tick_criterion(goal.id, 1, false, now())
            .await
            .unwrap();
        store.undo(None, now()).await.unwrap();
        assert_eq!(
            store.get_goal(goal.id).await.unwrap().criteria[0].met_at,
            ticked
        );
        store
            .edit_skill(
                skill.id,
                &SkillPatch {
                    name: Some("Spreadsheets".into()),
                    ..SkillPatch::default()
                },
                now(),
            )
            .await
            .unwrap();
        store.undo(None, now()).await.unwrap();
        assert_eq!(store.get_skill(skill.id).await.unwrap(), skill);

        // A reworded micro-skill is kept in the history, not undone.
        store
            .edit_micro_skill(
                micro.id,
                &MicroSkillPatch {
                    name: Some("Pivot faster".into()),
                    ..MicroSkillPatch::default()
                },
                now(),
            )
            .await
            .unwrap();
        let err = store.undo(None, now()).await.unwrap_err();
        assert!(err.to_string().contains("not supported"), "{err}");
        // Every undo is itself in the history, and the history travels.
        let undos = store
            .list_history(None)
            .await
            .unwrap()
            .iter()
            .filter(|h| h.action == AuditAction::Undo)
            .count();
        assert_eq!(undos, 4);
        let (fresh, _dir) = fresh_like(&store, "undo_takes_back_edits_and_deletions_b").await;
        fresh
            .import(&store.export(now()).await.unwrap())
            .await
            .unwrap();
        assert_eq!(
            fresh.list_history(None).await.unwrap(),
            store.list_history(None).await.unwrap()
        );
        fresh.close().await;
        if fresh.backend() == Backend::Postgres {
            drop_schema("undo_takes_back_edits_and_deletions_b").await;
        }
    }
);

/// A second goal, on a micro-skill of its own, with a row in every table a
/// goal's deletion removes: ticked criterion, extension, sessions,
/// applications with evidence, reflections on the goal and on a session
/// with principle tags, a plan exported to a calendar, an arc, and cards
/// (one on a principle, with reviews) whose FSRS state does not survive a
/// JSON number read back by serde_json.
async fn fill_second_goal(store: &Store) -> (MicroSkill, Goal) {
    let skill = store.list_skills().await.unwrap()[0].clone();
    let micro = store
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: skill.id,
                name: "Chart a year of sales by month".into(),
                principles: vec![
                    NewPrinciple {
                        name: "one message per chart".into(),
                        description: None,
                    },
                    NewPrinciple {
                        name: "label the axes".into(),
                        description: Some("units too".into()),
                    },
                ],
                resources: vec![],
            },
            now(),
        )
        .await
        .unwrap();
    let goal = store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Proficient,
                start: today() - Duration::days(6),
                deadline: today() + Duration::days(10),
                weekly_minutes: 120,
                criteria: vec!["a chart a day".into(), "no legend needed".into()],
            },
            now() - Duration::days(6),
            today() - Duration::days(6),
        )
        .await
        .unwrap();
    store.tick_criterion(goal.id, 2, true, now()).await.unwrap();
    store
        .extend_goal(goal.id, today() + Duration::days(17), "holiday", now())
        .await
        .unwrap();
    let s1 = store
        .log_session(&session(goal.id, 4, 25), now())
        .await
        .unwrap();
    store
        .log_session(&session(goal.id, 2, 40), now())
        .await
        .unwrap();
    for (i, evidence) in [
        Evidence::Link {
            url: "https://example.org/chart".into(),
        },
        Evidence::File {
            name: "chart.png".into(),
            sha256: "ab".repeat(32),
        },
    ]
    .into_iter()
    .enumerate()
    {
        store
            .add_application(
                &NewApplication {
                    goal_id: goal.id,
                    at: now() - Duration::days(3 - i as i64),
                    context: "monthly report".into(),
                    outcome: "one chart instead of a table".into(),
                    impact: Some("read in a glance".into()),
                    evidence: Some(evidence),
                },
                now(),
            )
            .await
            .unwrap();
    }
    for target in [
        ReflectionTarget::Session { id: s1.id },
        ReflectionTarget::Goal { id: goal.id },
    ] {
        store
            .add_reflection(&NewReflection {
                target,
                at: now() - Duration::days(1),
                worked: "one message".into(),
                didnt: "too many colours".into(),
                next: "grey first".into(),
                principles: micro.principles.iter().map(|p| p.id).collect(),
            })
            .await
            .unwrap();
    }
    let item = PlannedItem {
        kind: ItemKind::Practice,
        date: today() + Duration::days(1),
        local_start: (today() + Duration::days(1)).and_hms_opt(8, 0, 0).unwrap(),
        start: now() + Duration::hours(15),
        minutes: 40,
        week: Week::of(today()),
        key: format!("goal{}-2026-11-21-practice-0", goal.id),
        title: "practice: chart a year".into(),
    };
    store
        .save_plan(&Plan {
            goal_id: goal.id,
            made_at: now(),
            from: today(),
            deadline: today() + Duration::days(17),
            tz: "Europe/Paris".into(),
            minutes_needed: 120,
            items: vec![item.clone()],
        })
        .await
        .unwrap();
    store
        .record_calendar_export(&[goal.id], &[item])
        .await
        .unwrap();
    let arc = store.add_arc("reporting", None, now()).await.unwrap();
    store
        .set_goal_arc(goal.id, Membership::Arc(arc.id))
        .await
        .unwrap();
    for (subject, label, stability) in [
        (
            Subject::Principle {
                id: micro.principles[0].id,
            },
            "one message per chart",
            // Its double, 3.9000000953674316, reads back one unit in the
            // last place off through serde_json's default number parser.
            3.9_f32,
        ),
        (Subject::MicroSkill { id: micro.id }, "chart a year", 2.3),
    ] {
        store
            .save_card(&Card {
                subject,
                goal_id: goal.id,
                label: label.into(),
                stability,
                difficulty: 6.1,
                last_review: today(),
                due: today() + Duration::days(4),
                reviews: vec![
                    Review {
                        on: today() - Duration::days(3),
                        rating: Rating::Again,
                    },
                    Review {
                        on: today(),
                        rating: Rating::Easy,
                    },
                ],
            })
            .await
            .unwrap();
    }
    (micro, store.get_goal(goal.id).await.unwrap())
}

/// Every table but the history, which an undo adds to.
fn without_history(mut d: BTreeMap<String, TableDump>) -> (BTreeMap<String, TableDump>, TableDump) {
    let h = d.remove("audit_log").unwrap();
    (d, h)
}

both!(
    undo_a_goal_deletion_puts_back_every_row,
    |store: Store| async move {
        fill(&store).await;
        let (_, goal) = fill_second_goal(&store).await;
        let full = dump(&store).await;
        for t in EXPORTED_TABLES {
            assert!(!full[*t].rows.is_empty(), "the fill left {t} empty");
        }
        let (before, history) = without_history(full);
        for round in 1..=2 {
            let done = store.delete_goal(goal.id, now()).await.unwrap();
            assert_eq!(
                (
                    done.sessions,
                    done.applications,
                    done.reflections,
                    done.retention_cards
                ),
                (2, 2, 2, 2)
            );
            let (gone, _) = without_history(dump(&store).await);
            assert_ne!(gone, before, "round {round}: the goal's rows went");
            let rec = store.list_history(Some(1)).await.unwrap().pop().unwrap();
            let kept = rec.before.as_ref().unwrap();
            for key in [
                "goal",
                "sessions",
                "applications",
                "reflections",
                "plan",
                "plan_row",
                "goal_arc",
                "retention_cards",
            ] {
                assert!(!kept[key].is_null(), "round {round}: {key} kept");
            }
            assert_eq!(kept["goal"]["id"], goal.id.0, "readable as before");
            assert!(kept["plan"]["items"].is_array());
            let undo = store.undo(None, now()).await.unwrap();
            assert_eq!(undo.undoes, Some(rec.id));
            assert_eq!(undo.summary, format!("undo #{}: {}", rec.id, rec.summary));
            let (after, h) = without_history(dump(&store).await);
            assert_eq!(
                before.keys().collect::<Vec<_>>(),
                after.keys().collect::<Vec<_>>()
            );
            for (t, d) in &before {
                assert_eq!(d, &after[t], "round {round}: table {t}");
            }
            assert_eq!(h.rows.len(), history.rows.len() + 2 * round);
        }
        assert_eq!(store.get_goal(goal.id).await.unwrap(), goal);
    }
);

/// A fresh store holding `journal`, and its name for [`drop_fresh`].
async fn imported(
    store: &Store,
    name: &'static str,
    journal: &mm_core::journal::Journal,
) -> (Store, Option<tempfile::TempDir>, &'static str) {
    let (fresh, dir) = fresh_like(store, name).await;
    fresh.import(journal).await.unwrap();
    (fresh, dir, name)
}

async fn drop_fresh((fresh, _dir, name): (Store, Option<tempfile::TempDir>, &'static str)) {
    let pg = fresh.backend() == Backend::Postgres;
    fresh.close().await;
    if pg {
        drop_schema(name).await;
    }
}

/// An undo that is refused leaves every table as it was.
async fn refused(store: &Store, change: i64, expect: &str) {
    let before = dump(store).await;
    let err = store.undo(Some(change), now()).await.unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    assert!(err.to_string().contains(expect), "{err}");
    assert_eq!(dump(store).await, before, "nothing written");
}

both!(
    undo_a_goal_deletion_that_no_longer_fits,
    |store: Store| async move {
        fill(&store).await;
        let (micro, goal) = fill_second_goal(&store).await;
        store.delete_goal(goal.id, now()).await.unwrap();
        let journal = store.export(now()).await.unwrap();
        let del = journal.history.last().unwrap().id;
        let kept = journal.history.last().unwrap().before.clone().unwrap();

        // Recorded before deletions kept everything: refused.
        let mut old = journal.clone();
        let b = old.history.last_mut().unwrap().before.as_mut().unwrap();
        for key in ["plan_row", "goal_arc", "retention_cards"] {
            b.as_object_mut().unwrap().remove(key);
        }
        let fresh = imported(&store, "no_longer_fits_old", &old).await;
        refused(&fresh.0, del, "cannot be undone").await;
        drop_fresh(fresh).await;

        // Its micro-skill gone (from an edited export): refused.
        let mut no_micro = journal.clone();
        no_micro.micro_skills.retain(|m| m.id != micro.id);
        let fresh = imported(&store, "no_longer_fits_micro", &no_micro).await;
        refused(
            &fresh.0,
            del,
            &format!("micro-skill {}, which is gone", micro.id),
        )
        .await;
        drop_fresh(fresh).await;

        // One of its ids taken by a newer record: refused, naming it.
        let mut taken = journal.clone();
        let mut s: Session = serde_json::from_value(kept["sessions"][1].clone()).unwrap();
        s.goal_id = store.list_goals().await.unwrap()[0].id;
        taken.sessions.push(s.clone());
        let fresh = imported(&store, "no_longer_fits_ids", &taken).await;
        refused(&fresh.0, del, &format!("session {}", s.id)).await;
        drop_fresh(fresh).await;

        // Its arc gone: it comes back outside any arc, and the undo says so.
        let mut no_arc = journal.clone();
        let arc = match kept["goal_arc"]["membership"]["arc"].as_i64() {
            Some(a) => a,
            None => panic!("the goal was in an arc: {kept}"),
        };
        no_arc.arcs.retain(|a| a.id.0 != arc);
        let fresh = imported(&store, "no_longer_fits_arc", &no_arc).await;
        let undo = fresh.0.undo(Some(del), now()).await.unwrap();
        assert!(
            undo.summary.ends_with(&format!(
                "without what was removed since: its place in arc {arc}"
            )),
            "{}",
            undo.summary
        );
        assert_eq!(fresh.0.get_goal(goal.id).await.unwrap(), goal);
        assert!(
            !fresh
                .0
                .goal_memberships()
                .await
                .unwrap()
                .contains_key(&goal.id)
        );
        assert_eq!(fresh.0.list_sessions(Some(goal.id)).await.unwrap().len(), 2);
        drop_fresh(fresh).await;

        // A principle removed since (possible once the goal's tags and card
        // went): back without that tag and card, said in the summary.
        let fresh = imported(&store, "no_longer_fits_principle", &journal).await;
        let p = micro.principles[0].id;
        fresh
            .0
            .edit_micro_skill(
                micro.id,
                &MicroSkillPatch {
                    remove_principles: vec![1],
                    ..MicroSkillPatch::default()
                },
                now(),
            )
            .await
            .unwrap();
        let undo = fresh.0.undo(Some(del), now()).await.unwrap();
        assert!(
            undo.summary.contains(&format!("tag of principle {p}"))
                && undo
                    .summary
                    .contains("the retention card for \"one message per chart\""),
            "{}",
            undo.summary
        );
        let reflections = fresh.0.list_reflections().await.unwrap();
        let on_goal: Vec<_> = reflections
            .iter()
            .filter(|r| r.principles.contains(&micro.principles[1].id))
            .collect();
        assert_eq!(on_goal.len(), 2, "both reflections back");
        assert!(on_goal.iter().all(|r| !r.principles.contains(&p)));
        let cards = fresh.0.list_cards().await.unwrap();
        assert!(
            cards
                .iter()
                .any(|c| c.subject == Subject::MicroSkill { id: micro.id })
        );
        assert!(
            !cards
                .iter()
                .any(|c| c.subject == Subject::Principle { id: p })
        );
        drop_fresh(fresh).await;

        // Another goal now holds the card for one of its subjects: refused.
        let other = store.list_goals().await.unwrap()[0].id;
        store
            .save_card(&Card {
                subject: Subject::MicroSkill { id: micro.id },
                goal_id: other,
                label: "chart a year".into(),
                stability: 1.0,
                difficulty: 5.0,
                last_review: today(),
                due: today() + Duration::days(1),
                reviews: vec![],
            })
            .await
            .unwrap();
        refused(
            &store,
            del,
            &format!("goal {other} now holds the retention card"),
        )
        .await;
    }
);
