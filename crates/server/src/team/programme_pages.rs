//! The team pages of programmes and cohorts: on the team page (`/team`) the
//! programmes and cohorts one may see, with forms to create them for admins
//! and coaches; a programme's page (`/team/programmes/{id}`), where its
//! manager finds curated catalogue micro-skills and adds them with a goal
//! template; a cohort's page (`/team/cohorts/{id}`), where its manager adds
//! and removes members, assigns programmes and gives owed goals again. A
//! learner sees their cohorts, their programmes' micro-skills and links to
//! the goals given to them in their own journal. Plain forms, no script;
//! every form that changes something carries the session's CSRF token.
//!
//! Whoever may change a programme also renames it, changes or removes its
//! micro-skills and deletes it once no cohort has it; a cohort's manager
//! unassigns its programmes. The pages say what that does to goals already
//! given: nothing (they are the members'); only goals given later follow.

use super::TeamState;
use super::pages::{
    Retry, SignedPage, csrf, field_error, form_error, page, query_value, see_other, typed,
    with_status,
};
use super::programmes::{GiveReport, give};
use crate::api::input::Fields;
use crate::error::{HttpError, PageError};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_team::{Actor, Cohort, DeadlineRule, GiveScope, GivenState, Member, Programme, Role};

/// The pages' routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/team/programmes", post(create_programme))
        .route("/team/programmes/{id}", get(programme_page))
        .route("/team/programmes/{id}/items", post(add_item))
        .route("/team/programmes/{id}/edit", post(edit_programme))
        .route("/team/programmes/{id}/delete", post(delete_programme))
        .route("/team/programmes/{id}/items/{item}/edit", post(edit_item))
        .route(
            "/team/programmes/{id}/items/{item}/remove",
            post(remove_item),
        )
        .route("/team/cohorts", post(create_cohort))
        .route("/team/cohorts/{id}", get(cohort_page))
        .route("/team/cohorts/{id}/members", post(add_member))
        .route(
            "/team/cohorts/{id}/members/{person}/remove",
            post(remove_member),
        )
        .route("/team/cohorts/{id}/programmes", post(assign))
        .route(
            "/team/cohorts/{id}/programmes/{programme}/remove",
            post(unassign),
        )
        .route("/team/cohorts/{id}/goals", post(give_again))
}

fn manages(actor: &Actor) -> bool {
    actor.has(Role::Admin) || actor.has(Role::Coach)
}

/// Whether the actor may change programme `p`: an admin, or the coach who made it.
fn may_change_programme(actor: &Actor, p: &Programme) -> bool {
    actor.has(Role::Admin) || (actor.has(Role::Coach) && p.created_by == actor.person)
}

/// What a change to a programme does to the goals already given.
const GIVEN_STAY: &str = "Goals already given are the members' and stay as they were in their \
     journals; only goals given from now on (to members who join later) follow a change.";

fn deadline(rule: &DeadlineRule) -> String {
    match rule {
        DeadlineRule::Weeks(w) => format!("{w} weeks after it is given"),
        DeadlineRule::Date(d) => format!("on {d}"),
    }
}

fn path_id(raw: &str) -> Result<i64, PageError> {
    Ok(super::api::id(raw)?)
}

/// The programmes and cohorts section of the team page.
pub(super) async fn home_section(
    state: &TeamState,
    actor: &Actor,
    retry: Option<&Retry>,
) -> Result<Markup, HttpError> {
    let team = state.team();
    let programmes = team.programmes(actor).await?;
    let cohorts = team.cohorts(actor).await?;
    Ok(html! {
        section aria-labelledby="cohorts-h" id="cohorts" {
            h2 id="cohorts-h" { @if manages(actor) { "Cohorts" } @else { "Your cohorts" } }
            @if cohorts.is_empty() {
                p { "No cohorts yet." }
            } @else {
                ul {
                    @for c in &cohorts {
                        li { a href=(format!("/team/cohorts/{}", c.id)) { (c.name) }
                            " · " (c.programmes.len()) " programmes"
                            @if manages(actor) { " · " (c.members.len()) " members" } }
                    }
                }
            }
            @if manages(actor) {
                form method="post" action="/team/cohorts" {
                    (csrf(actor))
                    (form_error(retry, "cohort", &["name"]))
                    label for="cohort-name" { "New cohort" }
                    input id="cohort-name" name="name" required maxlength="200" value=(typed(retry, "cohort", "name").unwrap_or(""));
                    (field_error(retry, "cohort", "name"))
                    button type="submit" { "Create the cohort" }
                }
            }
        }
        section aria-labelledby="programmes-h" id="programmes" {
            h2 id="programmes-h" { @if manages(actor) { "Programmes" } @else { "Your programmes" } }
            @if programmes.is_empty() {
                p { "No programmes yet." }
            } @else {
                ul {
                    @for p in &programmes {
                        li { a href=(format!("/team/programmes/{}", p.id)) { (p.name) }
                            " · " (p.items.len()) " micro-skills" }
                    }
                }
            }
            @if manages(actor) {
                form method="post" action="/team/programmes" {
                    (csrf(actor))
                    (form_error(retry, "programme", &["name", "slug", "description"]))
                    label for="programme-name" { "New programme" }
                    input id="programme-name" name="name" required maxlength="200" value=(typed(retry, "programme", "name").unwrap_or(""));
                    (field_error(retry, "programme", "name"))
                    label for="programme-slug" { "Short name (letters, digits, -)" }
                    input id="programme-slug" name="slug" required pattern="[a-z0-9][a-z0-9-]{1,62}" value=(typed(retry, "programme", "slug").unwrap_or(""));
                    (field_error(retry, "programme", "slug"))
                    label for="programme-description" { "What it is for" }
                    textarea id="programme-description" name="description" maxlength="4000" { (typed(retry, "programme", "description").unwrap_or("")) }
                    (field_error(retry, "programme", "description"))
                    button type="submit" { "Create the programme" }
                }
            }
        }
    })
}

/// `&given=…&failed=…` of a redirect after giving goals: counts only (the
/// cohort's page says for each member why one was not given).
fn counts(r: &GiveReport) -> String {
    format!("&given={}&failed={}", r.given.len(), r.failed.len())
}

/// What a page says after the form that redirected to it with `?done=…`
/// (fixed sentences and counts: the query never puts its text on the page).
fn done_notice(q: &[(String, String)], what: &str) -> Option<Markup> {
    let count = |name: &str| {
        query_value(q, name)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let said = match query_value(q, "done")? {
        "created" => format!("{what} created."),
        "added" => "Micro-skill added.".to_owned(),
        "saved" => format!("Saved. {GIVEN_STAY}"),
        "removed" => "Removed. The goals it gave stay in the members' journals.".to_owned(),
        "member-added" => "Member added.".to_owned(),
        "member-removed" => "Taken out of the cohort. The goals given stay in their journal.".to_owned(),
        "assigned" => "Programme assigned.".to_owned(),
        "unassigned" => "Unassigned. Members who join later are not given its goals; the goals it gave stay in the members' journals.".to_owned(),
        "given" => "Owed goals given again.".to_owned(),
        _ => return None,
    };
    let (given, failed) = (count("given"), count("failed"));
    Some(html! {
        p class="notice" role="status" { (said) }
        @if given > 0 { p class="notice" role="status" { (given) " goals given to members' journals." } }
        @if failed > 0 {
            p class="notice failed" role="alert" { (failed) " goals could not be given: each cohort's page says for whom and why; “Give owed goals” there tries again." }
        }
    })
}

async fn programme_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let query = q
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let notice = done_notice(&q, "Programme");
    render_programme(&state, &actor, path_id(&raw)?, &query, notice, None).await
}

async fn render_programme(
    state: &TeamState,
    actor: &Actor,
    id: i64,
    query: &str,
    notice: Option<Markup>,
    retry: Option<&Retry>,
) -> Result<Response, PageError> {
    let p: Programme = state
        .team()
        .programme(actor, id)
        .await
        .map_err(HttpError::from)?;
    let found: Vec<&mm_micro::CatalogueMicroSkill> = if query.is_empty() {
        Vec::new()
    } else {
        mm_micro::catalogue::curated()
            .search(query, 10)
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    };
    let cohorts: Vec<Cohort> = if manages(actor) {
        state.team().cohorts(actor).await.map_err(HttpError::from)?
    } else {
        Vec::new()
    };
    let may_change = may_change_programme(actor, &p);
    let assigned: Vec<&str> = cohorts
        .iter()
        .filter(|c| c.programmes.iter().any(|a| a.programme == p.id))
        .map(|c| c.name.as_str())
        .collect();
    let res = page(
        &p.name,
        Some(actor),
        html! {
            p { a href="/team" { "← Team" } }
            h1 { (p.name) }
            @if let Some(n) = notice { (n) }
            @if !p.description.is_empty() { p { (p.description) } }
            h2 { "Micro-skills" }
            @if p.items.is_empty() { p { "None yet." } }
            @if may_change && !p.items.is_empty() { p { (GIVEN_STAY) } }
            ol {
                @for i in &p.items {
                    li {
                        strong { (i.name) }
                        @if let Some(c) = &i.catalogue_id { " (catalogue: " code { (c) } ")" }
                        p { "Due " (deadline(&i.deadline)) ", " (mm_core::parse::format_minutes(i.weekly_minutes)) " a week"
                            @if let Some(h) = i.hours { ", about " (h) " hours" } "." }
                        p { "Principles: " (i.principles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("; ")) }
                        p { "Done when:" }
                        ul { @for c in &i.done_when { li { (c) } } }
                        @if may_change { (item_forms(actor, p.id, i, retry)) }
                    }
                }
            }
            @if manages(actor) {
                section aria-labelledby="add-h" {
                    h2 id="add-h" { "Add a micro-skill from the catalogue" }
                    // A failed addition whose entry the search no longer shows.
                    @if let Some(r) = retry.filter(|r| r.form.starts_with("add-") && !found.iter().any(|m| r.form == format!("add-{}", m.id))) {
                        p class="notice failed" role="alert" { (r.error.message) }
                    }
                    form method="get" action=(format!("/team/programmes/{}", p.id)) {
                        label for="q" { "Search the curated catalogue" }
                        input id="q" name="q" value=(query) required;
                        button type="submit" { "Search" }
                    }
                    @for m in &found {
                        @let form = format!("add-{}", m.id);
                        form method="post" action=(format!("/team/programmes/{}/items", p.id)) class="catalogue-entry" {
                            (csrf(actor))
                            input type="hidden" name="catalogue_id" value=(m.id);
                            input type="hidden" name="q" value=(query);
                            (form_error(retry, &form, &["weeks", "deadline", "weekly_minutes"]))
                            p { strong { (m.name) } " " code { (m.id) } }
                            label { "Weeks to the deadline " input name="weeks" type="number" min="1" max="520" value=(typed(retry, &form, "weeks").map_or_else(|| m.weeks.unwrap_or(4).to_string(), str::to_owned)); }
                            (field_error(retry, &form, "deadline"))
                            (field_error(retry, &form, "weeks"))
                            label { "Minutes a week " input name="weekly_minutes" type="number" min="1" max="10080" value=(typed(retry, &form, "weekly_minutes").map_or_else(|| m.weekly_minutes().unwrap_or(120).to_string(), str::to_owned)); }
                            (field_error(retry, &form, "weekly_minutes"))
                            button type="submit" { "Add" }
                        }
                    }
                    @if !query.is_empty() && found.is_empty() { p { "Nothing in the catalogue matches." } }
                }
                @if may_change {
                    section aria-labelledby="edit-h" {
                        h2 id="edit-h" { "Rename the programme" }
                        form method="post" action=(format!("/team/programmes/{}/edit", p.id)) {
                            (csrf(actor))
                            (form_error(retry, "rename", &["name", "description"]))
                            label for="programme-name" { "Name" }
                            input id="programme-name" name="name" required maxlength="200" value=(typed(retry, "rename", "name").unwrap_or(&p.name));
                            (field_error(retry, "rename", "name"))
                            label for="programme-description" { "What it is for" }
                            textarea id="programme-description" name="description" maxlength="4000" { (typed(retry, "rename", "description").unwrap_or(&p.description)) }
                            (field_error(retry, "rename", "description"))
                            button type="submit" { "Save" }
                        }
                        h2 { "Delete the programme" }
                        @if assigned.is_empty() {
                            p { "The goals it gave stay in the members' journals." }
                        } @else {
                            p { "Assigned to " (assigned.join(", ")) ": unassign it on each cohort's page first (the goals it gave stay)." }
                        }
                        form method="post" action=(format!("/team/programmes/{}/delete", p.id)) {
                            (csrf(actor))
                            (form_error(retry, "delete", &[]))
                            button class="danger" type="submit" { "Delete " (p.name) }
                        }
                    }
                }
                @if !cohorts.is_empty() {
                    section aria-labelledby="assign-h" {
                        h2 id="assign-h" { "Assign to a cohort" }
                        @for c in &cohorts {
                            form method="post" action=(format!("/team/cohorts/{}/programmes", c.id)) {
                                (csrf(actor))
                                input type="hidden" name="programme" value=(p.id);
                                button type="submit" { "Assign to " (c.name) }
                            }
                        }
                    }
                }
            }
        },
    );
    Ok(with_status(res, retry))
}

async fn cohort_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let notice = done_notice(&q, "Cohort");
    render_cohort(&state, &actor, path_id(&raw)?, notice, None).await
}

async fn render_cohort(
    state: &TeamState,
    actor: &Actor,
    id: i64,
    notice: Option<Markup>,
    retry: Option<&Retry>,
) -> Result<Response, PageError> {
    let team = state.team();
    let c = team.cohort(actor, id).await.map_err(HttpError::from)?;
    let mut programmes = Vec::new();
    for a in &c.programmes {
        programmes.push(
            team.programme(actor, a.programme)
                .await
                .map_err(HttpError::from)?,
        );
    }
    let item_name = |item: i64| {
        programmes
            .iter()
            .flat_map(|p| &p.items)
            .find(|i| i.id == item)
            .map_or_else(
                || format!("item {item} (removed from its programme)"),
                |i| i.name.clone(),
            )
    };
    let may_change =
        actor.has(Role::Admin) || (actor.has(Role::Coach) && c.coach == Some(actor.person));
    let (members, all_programmes): (Vec<Member>, Vec<Programme>) = if may_change {
        (
            team.members(actor).await.map_err(HttpError::from)?,
            team.programmes(actor).await.map_err(HttpError::from)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let name_of = |person: i64| {
        c.members
            .iter()
            .find(|m| m.person == person)
            .map_or_else(|| format!("member {person}"), |m| m.name.clone())
    };
    let res = page(
        &c.name,
        Some(actor),
        html! {
            p { a href="/team" { "← Team" } }
            h1 { (c.name) }
            @if let Some(n) = notice { (n) }
            @if may_change { p { a href=(format!("/team/cohorts/{}/coach", c.id)) { "Skill matrix, progress and learners at risk" } } }
            h2 { "Programmes" }
            @if programmes.is_empty() { p { "None assigned yet." } }
            ul {
                @for p in &programmes {
                    li { a href=(format!("/team/programmes/{}", p.id)) { (p.name) } " · " (p.items.len()) " micro-skills"
                        @if may_change {
                            form method="post" action=(format!("/team/cohorts/{}/programmes/{}/remove", c.id, p.id)) {
                                (csrf(actor))
                                button class="quiet" type="submit" { "Unassign from the cohort" }
                            }
                        }
                    }
                }
            }
            @if may_change && !programmes.is_empty() { p { "Unassigning a programme stops giving its goals to members who join later; the goals it gave stay in the members' journals." } }
            h2 { @if may_change { "Members" } @else { "Your goals" } }
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "Goal" } } }
                tbody {
                    @for g in &c.goals {
                        tr {
                            td { (name_of(g.person)) }
                            td { (item_name(g.item)) }
                            td {
                                @match (g.state, g.goal, g.person == actor.person) {
                                    (GivenState::Given, Some(goal), true) => { a href=(format!("/goals/{goal}")) { "your goal " (goal) } }
                                    (GivenState::Given, _, _) => { "given" }
                                    (GivenState::Failed, _, _) => {
                                        // A goal held back on purpose says so itself.
                                        @let why = g.error.as_deref().unwrap_or("");
                                        @if why.starts_with("not given") { (why) } @else { "failed: " (why) }
                                    }
                                    (GivenState::Pending, _, _) => { "owed" }
                                }
                            }
                        }
                    }
                }
            }
            @if may_change {
                ul {
                    @for m in &c.members {
                        li { (m.name) " (" (m.email) ") "
                            form method="post" action=(format!("/team/cohorts/{}/members/{}/remove", c.id, m.person)) {
                                (csrf(actor))
                                button class="quiet" type="submit" { "Take out of the cohort" }
                            }
                        }
                    }
                }
                @let chosen = |form: &str, name: &str, id: i64| typed(retry, form, name) == Some(id.to_string().as_str());
                form method="post" action=(format!("/team/cohorts/{}/members", c.id)) {
                    (csrf(actor))
                    (form_error(retry, "add-member", &["person"]))
                    label for="person" { "Add a member" }
                    select id="person" name="person" required {
                        @for m in members.iter().filter(|m| !c.members.iter().any(|cm| cm.person == m.id)) {
                            option value=(m.id) selected[chosen("add-member", "person", m.id)] { (m.name) " (" (m.email) ")" }
                        }
                    }
                    (field_error(retry, "add-member", "person"))
                    button type="submit" { "Add" }
                }
                form method="post" action=(format!("/team/cohorts/{}/programmes", c.id)) {
                    (csrf(actor))
                    (form_error(retry, "assign", &["programme"]))
                    label for="programme" { "Assign a programme" }
                    select id="programme" name="programme" required {
                        @for p in &all_programmes { option value=(p.id) selected[chosen("assign", "programme", p.id)] { (p.name) } }
                    }
                    (field_error(retry, "assign", "programme"))
                    button type="submit" { "Assign" }
                }
                form method="post" action=(format!("/team/cohorts/{}/goals", c.id)) {
                    (csrf(actor))
                    button type="submit" { "Give owed goals" }
                }
            }
        },
    );
    Ok(with_status(res, retry))
}

fn number(f: &Fields, name: &'static str) -> Result<Option<u32>, HttpError> {
    match f.opt(name) {
        None => Ok(None),
        Some(v) => v.trim().parse::<u32>().map(Some).map_err(|_| {
            let mut e = HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{v:?} is not a whole number"),
            );
            e.field = Some(name.into());
            e
        }),
    }
}

async fn create_programme(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let made = state
        .team()
        .create_programme(
            &actor,
            mm_team::NewProgramme {
                slug: f.get("slug").to_owned(),
                name: f.get("name").to_owned(),
                description: f.get("description").to_owned(),
            },
        )
        .await;
    match made {
        Ok(p) => Ok(see_other(&format!(
            "/team/programmes/{}?done=created",
            p.id
        ))),
        Err(e) => {
            let retry = Retry::new("programme", f, e)?;
            super::pages::home_again(&state, actor, &headers, retry).await
        }
    }
}

async fn add_item(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let id = path_id(&raw)?;
    let added = async {
        let new = mm_team::NewItem {
            catalogue_id: f.opt("catalogue_id"),
            deadline: number(&f, "weeks")?.map(DeadlineRule::Weeks),
            weekly_minutes: number(&f, "weekly_minutes")?,
            ..mm_team::NewItem::default()
        };
        state
            .team()
            .add_item(&actor, id, new, state.today_anywhere())
            .await
            .map_err(HttpError::from)
    }
    .await;
    match added {
        Ok(_) => {
            let r = give(&state, &actor, GiveScope::Programme(id)).await?;
            Ok(see_other(&format!(
                "/team/programmes/{id}?done=added{}",
                counts(&r)
            )))
        }
        Err(e) => {
            let form = format!("add-{}", f.get("catalogue_id"));
            let query = f.get("q").trim().to_owned();
            let retry = Retry::new(form, f, e)?;
            render_programme(&state, &actor, id, &query, None, Some(&retry)).await
        }
    }
}

async fn create_cohort(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let made = state
        .team()
        .create_cohort(
            &actor,
            mm_team::NewCohort {
                name: f.get("name").to_owned(),
                coach: None,
            },
        )
        .await;
    match made {
        Ok(c) => Ok(see_other(&format!("/team/cohorts/{}?done=created", c.id))),
        Err(e) => {
            let retry = Retry::new("cohort", f, e)?;
            super::pages::home_again(&state, actor, &headers, retry).await
        }
    }
}

/// Give what the cohort's members are owed after `done`, then 303 to its
/// page saying so.
async fn after_change(
    state: &TeamState,
    actor: &Actor,
    cohort: i64,
    done: &str,
) -> Result<Response, PageError> {
    let r = give(state, actor, GiveScope::Cohort(cohort)).await?;
    Ok(see_other(&format!(
        "/team/cohorts/{cohort}?done={done}{}",
        counts(&r)
    )))
}

/// The cohort's page again, its `form` failed with `e`.
async fn cohort_again(
    state: &TeamState,
    actor: &Actor,
    cohort: i64,
    form: &str,
    f: Fields,
    e: impl Into<HttpError>,
) -> Result<Response, PageError> {
    let retry = Retry::new(form, f, e)?;
    render_cohort(state, actor, cohort, None, Some(&retry)).await
}

async fn add_member(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let cohort = path_id(&raw)?;
    let added = async {
        let person = super::api::id_named(f.get("person"), "person")?;
        state
            .team()
            .add_to_cohort(&actor, cohort, person)
            .await
            .map_err(HttpError::from)
    }
    .await;
    match added {
        Ok(_) => after_change(&state, &actor, cohort, "member-added").await,
        Err(e) => cohort_again(&state, &actor, cohort, "add-member", f, e).await,
    }
}

async fn remove_member(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path((raw, person)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let cohort = path_id(&raw)?;
    let person = super::api::id_named(&person, "person")?;
    state
        .team()
        .remove_from_cohort(&actor, cohort, person)
        .await
        .map_err(HttpError::from)?;
    Ok(see_other(&format!(
        "/team/cohorts/{cohort}?done=member-removed"
    )))
}

async fn assign(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let cohort = path_id(&raw)?;
    let assigned = async {
        let programme = super::api::id_named(f.get("programme"), "programme")?;
        state
            .team()
            .assign(&actor, cohort, programme)
            .await
            .map_err(HttpError::from)
    }
    .await;
    match assigned {
        Ok(_) => after_change(&state, &actor, cohort, "assigned").await,
        Err(e) => cohort_again(&state, &actor, cohort, "assign", f, e).await,
    }
}

async fn give_again(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    after_change(&state, &actor, path_id(&raw)?, "given").await
}

/// The forms that change or remove item `i` of programme `programme`.
fn item_forms(
    actor: &Actor,
    programme: i64,
    i: &mm_team::ProgrammeItem,
    retry: Option<&Retry>,
) -> Markup {
    let base = format!("/team/programmes/{programme}/items/{}", i.id);
    let form = format!("item-{}", i.id);
    let form = form.as_str();
    // What was typed, when this form failed; else the item as it is.
    let value = |name: &str, now: String| typed(retry, form, name).map_or(now, str::to_owned);
    let principles: Vec<String> = i
        .principles
        .iter()
        .map(|p| match &p.description {
            Some(d) => format!("{}: {d}", p.name),
            None => p.name.clone(),
        })
        .collect();
    let (weeks, date) = match i.deadline {
        DeadlineRule::Weeks(w) => (w.to_string(), String::new()),
        DeadlineRule::Date(d) => (String::new(), d.to_string()),
    };
    let fields = [
        "name",
        "principles",
        "done_when",
        "deadline",
        "weekly_minutes",
        "hours",
        "level",
    ];
    html! {
        details open[retry.is_some_and(|r| r.form == form)] {
            summary { "Change " (i.name) }
            form method="post" action=(format!("{base}/edit")) {
                (csrf(actor))
                (form_error(retry, form, &fields))
                label { "Micro-skill " input name="name" required maxlength="200" value=(value("name", i.name.clone())); }
                (field_error(retry, form, "name"))
                label { "Principles, one a line (name: what it means; the meaning optional) "
                    textarea name="principles" required { (value("principles", principles.join("\n"))) } }
                (field_error(retry, form, "principles"))
                label { "Done when, one criterion a line " textarea name="done_when" required { (value("done_when", i.done_when.join("\n"))) } }
                (field_error(retry, form, "done_when"))
                label { "Weeks to the deadline after it is given " input name="weeks" type="number" min="1" max="520" value=(value("weeks", weeks)); }
                label { "or on the date " input name="date" type="date" value=(value("date", date)); }
                (field_error(retry, form, "deadline"))
                label { "Minutes a week " input name="weekly_minutes" type="number" min="1" max="10080" required value=(value("weekly_minutes", i.weekly_minutes.to_string())); }
                (field_error(retry, form, "weekly_minutes"))
                label { "Hours of practice " input name="hours" type="number" min="1" max="10000" value=(value("hours", i.hours.map(|h| h.to_string()).unwrap_or_default())); }
                (field_error(retry, form, "hours"))
                label { "Level aimed at (1 novice to 5 expert) " input name="level" type="number" min="1" max="5" required value=(value("level", i.level.to_string())); }
                (field_error(retry, form, "level"))
                p { (GIVEN_STAY) }
                button type="submit" { "Save the change" }
            }
            form method="post" action=(format!("{base}/remove")) {
                (csrf(actor))
                (form_error(retry, &format!("remove-{}", i.id), &[]))
                button class="danger" type="submit" { "Remove " (i.name) " from the programme" }
                " Nobody is given its goal any more; the goals it gave stay in the members' journals."
            }
        }
    }
}

/// The lines of a textarea, trimmed, blank ones left out.
fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn invalid(field: &'static str, message: String) -> HttpError {
    let mut e = HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    e.field = Some(field.into());
    e
}

/// An item change from its form: every field sent replaces its value.
fn item_change(f: &Fields) -> Result<mm_team::ItemChange, HttpError> {
    let deadline = match (number(f, "weeks")?, f.opt("date")) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "deadline",
                "give weeks after it is given, or a date, not both".into(),
            ));
        }
        (Some(w), None) => Some(DeadlineRule::Weeks(w)),
        (None, Some(d)) => Some(DeadlineRule::Date(d.parse().map_err(|_| {
            invalid("deadline", format!("{d:?} is not a date (YYYY-MM-DD)"))
        })?)),
        (None, None) => None,
    };
    let level = number(f, "level")?.map(|l| u8::try_from(l).unwrap_or(u8::MAX));
    Ok(mm_team::ItemChange {
        name: f.raw("name"),
        principles: f.raw("principles").map(|raw| {
            lines(&raw)
                .into_iter()
                .map(|l| match l.split_once(": ") {
                    Some((name, meaning)) => mm_team::ItemPrinciple {
                        name: name.trim().to_owned(),
                        description: Some(meaning.trim().to_owned()),
                    },
                    None => mm_team::ItemPrinciple {
                        name: l,
                        description: None,
                    },
                })
                .collect()
        }),
        done_when: f.raw("done_when").map(|raw| lines(&raw)),
        hours: number(f, "hours")?,
        level,
        deadline,
        weekly_minutes: number(f, "weekly_minutes")?,
    })
}

async fn edit_programme(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let id = path_id(&raw)?;
    let change = mm_team::ProgrammeChange {
        name: f.raw("name"),
        description: f.raw("description"),
    };
    match state.team().update_programme(&actor, id, change).await {
        Ok(_) => Ok(see_other(&format!("/team/programmes/{id}?done=saved"))),
        Err(e) => {
            let retry = Retry::new("rename", f, e)?;
            render_programme(&state, &actor, id, "", None, Some(&retry)).await
        }
    }
}

async fn delete_programme(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = path_id(&raw)?;
    match state.team().delete_programme(&actor, id).await {
        Ok(()) => Ok(see_other("/team?done=programme-deleted#programmes")),
        Err(e) => {
            let retry = Retry::new("delete", Fields::default(), e)?;
            render_programme(&state, &actor, id, "", None, Some(&retry)).await
        }
    }
}

fn item_ids(raw: &str, item: &str) -> Result<(i64, i64), PageError> {
    Ok((path_id(raw)?, super::api::id_named(item, "item")?))
}

async fn edit_item(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path((raw, item)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let (id, item) = item_ids(&raw, &item)?;
    let changed = async {
        let change = item_change(&f)?;
        let today = state.today_anywhere();
        state
            .team()
            .update_item(&actor, id, item, change, today)
            .await
            .map_err(HttpError::from)
    }
    .await;
    match changed {
        Ok(_) => Ok(see_other(&format!("/team/programmes/{id}?done=saved"))),
        Err(e) => {
            let retry = Retry::new(format!("item-{item}"), f, e)?;
            render_programme(&state, &actor, id, "", None, Some(&retry)).await
        }
    }
}

async fn remove_item(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path((raw, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, item) = item_ids(&raw, &item)?;
    match state.team().remove_item(&actor, id, item).await {
        Ok(_) => Ok(see_other(&format!("/team/programmes/{id}?done=removed"))),
        Err(e) => {
            let retry = Retry::new(format!("remove-{item}"), Fields::default(), e)?;
            render_programme(&state, &actor, id, "", None, Some(&retry)).await
        }
    }
}

async fn unassign(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path((raw, programme)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let cohort = path_id(&raw)?;
    let programme = super::api::id_named(&programme, "programme")?;
    state
        .team()
        .unassign(&actor, cohort, programme)
        .await
        .map_err(HttpError::from)?;
    Ok(see_other(&format!(
        "/team/cohorts/{cohort}?done=unassigned"
    )))
}
