//! A goal's page, `/goals/{id}`: where it stands (deadline, this week, pace),
//! the done-when criteria to tick and untick, practice sessions to log,
//! applications with an evidence file, reflections, the mastery check with
//! what is missing, the plan and its calendar, extending and abandoning.
//!
//! Every action is a plain HTML form that posts (with the CSRF field) and
//! redirects back to the page (`?done=…#section`), so it all works without
//! JavaScript. A refused action shows the page again with the reason beside
//! the form at fault, keeping what was typed. Each handler calls one `mm-app`
//! workflow, the same one as the API in `api::goals`.

use super::forms::{Notice, csrf, download, multipart_action, see_other};
use super::layout::{Nav, page};
use crate::api::input::{Fields, criterion_number, goal_id, read_form};
use crate::error::HttpError;
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Form, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_app::goals::GoalDetail;
use mm_app::plan::{CalendarRequest, PlanResult};
use mm_app::practice::{LogInput, SessionDetails};
use mm_app::records::{About, ApplyInput, ReflectInput};
use mm_app::{App, ErrorKind, Person};
use mm_core::mastery::{Condition, ConditionKind};
use mm_core::pace::PaceStatus;
use mm_core::parse::format_minutes;
use mm_core::plan::ItemKind;
use mm_core::{Evidence, GoalId, GoalState, ReflectionTarget, SessionId};
use std::collections::HashMap;

/// The goal page's routes that take small bodies.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/goals/{id}", get(show))
        .route("/goals/{id}/criteria/{n}", post(tick))
        .route("/goals/{id}/sessions", post(log_practice))
        .route("/goals/{id}/reflections", post(reflect))
        .route("/goals/{id}/check", post(check))
        .route("/goals/{id}/extend", post(extend))
        .route("/goals/{id}/abandon", post(abandon))
        .route("/goals/{id}/plan", post(make_plan))
        .route("/goals/{id}/availability", post(availability))
        .route("/goals/{id}/calendar", post(calendar))
}

/// The routes that take an upload (the router gives them the upload limit).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/goals/{id}/applications", post(apply))
}

/// Where on the goal page a missing condition is fixed, and the words for it.
pub fn condition_action(kind: ConditionKind) -> (&'static str, &'static str) {
    match kind {
        ConditionKind::Criteria => ("criteria", "Tick the criteria you meet"),
        ConditionKind::Application => ("apply", "Record an application"),
        ConditionKind::Principles => ("reflect", "Write a reflection"),
        ConditionKind::Sessions | ConditionKind::Days | ConditionKind::Minutes => {
            ("practice", "Log a practice session")
        }
    }
}

/// What each `?done=` says, and the section it belongs to.
fn done_message(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "practice" => ("practice", "Session logged."),
        "tick" => ("criteria", "Criterion ticked."),
        "untick" => ("criteria", "Criterion unticked."),
        "apply" => ("apply", "Application recorded."),
        "reflect" => ("reflect", "Reflection recorded."),
        "achieved" => (
            "mastery",
            "Every condition holds: the goal is achieved. Its refresher cards start now.",
        ),
        "not-yet" => (
            "mastery",
            "Not achieved yet: the conditions still missing are listed here.",
        ),
        "extend" => (
            "deadline",
            "Deadline moved; the old one is kept in the history.",
        ),
        "abandon" => ("overview", "Goal abandoned; the reason is kept with it."),
        "plan" => ("plan", "Plan made from now."),
        "availability" => ("plan", "Availability saved and the plan made."),
        _ => return None,
    })
}

async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(raw): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = goal_id(&raw)?;
    let app = state.app().await?;
    let notice = q
        .get("done")
        .and_then(|c| done_message(c))
        .map(|(section, m)| Notice::done(section, m));
    render_page(&app, id, &session, notice, None).await
}

/// The page, with a notice, answering with the failure's status when there is one.
async fn render_page(
    app: &App,
    id: GoalId,
    session: &Session,
    notice: Option<Notice>,
    failure: Option<&HttpError>,
) -> Result<Response, PageError> {
    let detail = mm_app::goals::detail(app, id).await?;
    let body = render(
        &detail,
        app.person(),
        session,
        notice.as_ref(),
        app.approvals(),
    );
    let status = failure.map_or(axum::http::StatusCode::OK, |e| e.status);
    let title = format!("Goal {}: {}", id, detail.micro_skill.name);
    Ok((
        status,
        Html(page(&title, Nav::None, Some(session), body).into_string()),
    )
        .into_response())
}

/// What every action of the goal page starts from: the goal in the path
/// (`{id}`), the signed-in session, and the application for the request.
struct On {
    state: AppState,
    app: App,
    id: GoalId,
    session: Session,
}

impl FromRequestParts<AppState> for On {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| HttpError::new(e.status(), e.body_text()))?;
        let id = goal_id(params.get("id").map_or("", String::as_str))?;
        let Extension(session) = Extension::<Session>::from_request_parts(parts, state)
            .await
            .map_err(|e| HttpError::new(e.status(), e.body_text()))?;
        Ok(On {
            state: state.clone(),
            app: state.app().await?,
            id,
            session,
        })
    }
}

impl On {
    /// After the action: back to the page on success; on a refusal, the
    /// page again with the reason beside the form in `section`, keeping
    /// what was `typed` (an unknown goal is a 404 page).
    async fn finish(
        &self,
        section: &'static str,
        typed: Fields,
        outcome: mm_app::Result<&'static str>,
    ) -> Result<Response, PageError> {
        let id = self.id;
        match outcome {
            Ok(code) => Ok(see_other(&format!(
                "/goals/{id}?done={code}#{}",
                done_message(code).map_or(section, |(s, _)| s)
            ))),
            Err(e) if e.kind() == ErrorKind::NotFound && e.what() == Some("goal") => Err(e.into()),
            Err(e) => {
                let e = HttpError::from(e);
                let notice = Notice::failed(section, &e, typed);
                render_page(&self.app, id, &self.session, Some(notice), Some(&e)).await
            }
        }
    }
}

async fn tick(
    on: On,
    Path((_, n)): Path<(String, String)>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let n = criterion_number(&n)?;
    let met = f.get("met") != "0";
    let outcome = mm_app::goals::tick(&on.app, on.id, n, met)
        .await
        .map(|_| if met { "tick" } else { "untick" });
    on.finish("criteria", f, outcome).await
}

/// The details of a session as the practice form sends them.
pub fn session_details(f: &Fields) -> mm_app::Result<SessionDetails> {
    let difficulty = match f.opt("difficulty") {
        None => None,
        Some(d) => Some(d.parse::<u8>().map_err(|_| {
            mm_app::Error::invalid_field(
                "difficulty",
                format!("{d:?} is not 1 (easy) to 5 (very hard)"),
            )
        })?),
    };
    Ok(SessionDetails {
        aim: f.get("aim").trim().to_owned(),
        reps: f.count("reps", 0)?,
        errors: f.count("errors", 0)?,
        interruptions: f.count("interruptions", 0)?,
        difficulty,
        feedback: f.opt("feedback"),
        notes: f.opt("notes"),
    })
}

async fn log_practice(on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let outcome = async {
        let details = session_details(&f)?;
        mm_app::practice::log(
            &on.app,
            LogInput {
                goal: on.id,
                minutes: f.get("minutes").to_owned(),
                at: f.opt("at").unwrap_or_else(|| "now".into()),
                lasted: f.opt("lasted"),
                details,
            },
        )
        .await
        .map(|_| "practice")
    }
    .await;
    on.finish("practice", f, outcome).await
}

async fn apply(
    on: On,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let form = form.map_err(|e| HttpError::new(e.status(), e.body_text()))?;
    let (f, upload) = read_form(form, "evidence").await?;
    let outcome = async {
        let evidence = crate::api::input::evidence(&f, upload.as_ref())?;
        mm_app::records::apply(
            &on.app,
            ApplyInput {
                goal: on.id,
                at: f.opt("at").unwrap_or_else(|| "now".into()),
                context: f.get("context").trim().to_owned(),
                outcome: f.get("outcome").trim().to_owned(),
                impact: f.opt("impact"),
                evidence,
            },
        )
        .await
        .map(|_| "apply")
    }
    .await;
    on.finish("apply", f, outcome).await
}

async fn reflect(on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let (app, id) = (&on.app, on.id);
    let outcome = async {
        // The goal must exist even when the reflection is about one of its sessions.
        app.store().get_goal(id).await?;
        let about = match f.opt("about").as_deref() {
            None | Some("goal") => About::Goal(id),
            Some(s) => {
                let sid = s
                    .strip_prefix("session-")
                    .and_then(|n| n.parse::<i64>().ok())
                    .ok_or_else(|| {
                        mm_app::Error::invalid_field("about", format!("{s:?} is not a session"))
                    })?;
                let s = app.store().get_session(SessionId(sid)).await?;
                if s.goal_id != id {
                    return Err(mm_app::Error::invalid_field(
                        "about",
                        format!("session {sid} is not one of goal {id}'s"),
                    ));
                }
                About::Session(s.id)
            }
        };
        mm_app::records::reflect(
            app,
            ReflectInput {
                about,
                worked: f.get("worked").trim().to_owned(),
                didnt: f.get("didnt").trim().to_owned(),
                next: f.get("next").trim().to_owned(),
                principles: f.all("principle"),
            },
        )
        .await
        .map(|_| "reflect")
    }
    .await;
    on.finish("reflect", f, outcome).await
}

async fn check(on: On) -> Result<Response, PageError> {
    let outcome = mm_app::goals::check(&on.app, on.id)
        .await
        .map(|c| if c.achieved { "achieved" } else { "not-yet" });
    on.finish("mastery", Fields::default(), outcome).await
}

async fn extend(on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let outcome = mm_app::goals::extend(&on.app, on.id, f.get("to"), f.get("reason"))
        .await
        .map(|_| "extend");
    on.finish("deadline", f, outcome).await
}

async fn abandon(on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let outcome = mm_app::goals::abandon(&on.app, on.id, f.get("reason"))
        .await
        .map(|_| "abandon");
    on.finish("abandon", f, outcome).await
}

/// Plan the goal; a goal that no longer fits its availability is refused
/// with the honest ways out.
async fn plan_or_shortfall(app: &App, id: GoalId) -> mm_app::Result<()> {
    match mm_app::plan::plan(app, id).await? {
        PlanResult::Fits(_) => Ok(()),
        PlanResult::Short(s) => Err(mm_app::Error::conflict(format!(
            "the goal no longer fits your availability before {}: {} of the {} needed cannot be placed. {}",
            s.deadline,
            format_minutes(s.minutes_missing),
            format_minutes(s.minutes_needed),
            match s.extend_to {
                Some(d) => format!("Extend the deadline to {d} or later, or add practice windows."),
                None => "Add practice windows, or narrow the criteria.".to_owned(),
            }
        ))),
    }
}

async fn make_plan(on: On) -> Result<Response, PageError> {
    let outcome = plan_or_shortfall(&on.app, on.id).await.map(|()| "plan");
    on.finish("plan", Fields::default(), outcome).await
}

async fn availability(mut on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let outcome = async {
        on.app.store().get_goal(on.id).await?;
        mm_app::profile::set(
            &on.app,
            &mm_app::profile::ProfileChange {
                availability: Some(f.get("availability").to_owned()),
                timezone: f.opt("timezone"),
                ..Default::default()
            },
        )
        .await?;
        // The plan is made with the new windows.
        on.app = on.state.app().await?;
        plan_or_shortfall(&on.app, on.id)
            .await
            .map(|()| "availability")
    }
    .await;
    on.finish("plan", f, outcome).await
}

async fn calendar(on: On, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let outcome = async {
        let alarm_minutes = match f.opt("alarm") {
            None => None,
            Some(a) => Some(
                mm_core::parse::parse_minutes(&a)
                    .map_err(|e| mm_app::Error::invalid_field("alarm", e.to_string()))?,
            ),
        };
        mm_app::plan::export_calendar(
            &on.app,
            &CalendarRequest {
                goal: Some(on.id),
                alarm_minutes,
            },
        )
        .await
    }
    .await;
    match outcome {
        Ok(cal) => Ok(download(
            &format!("micromastery-goal-{}.ics", on.id),
            "text/calendar; charset=utf-8",
            cal.text.into_bytes(),
        )),
        Err(e) => on.finish("plan", f, Err(e)).await,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        ((f64::from(part) / f64::from(whole)).clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

fn day(d: chrono::NaiveDate) -> Markup {
    html! { time datetime=(d) { (d.format("%a %-d %b %Y")) } }
}

fn moment(p: &Person, t: chrono::DateTime<chrono::Utc>) -> Markup {
    let local = p.zone.local(t);
    html! { time datetime=(t.to_rfc3339()) { (local.format("%a %-d %b %Y, %H:%M")) } }
}

/// The field's label, input and hint, wired for assistive technology, with
/// what was typed in a failed form and `aria-invalid` on the field at fault.
struct Field<'a> {
    section: &'static str,
    name: &'static str,
    label: &'a str,
    hint: Option<&'a str>,
    value: &'a str,
    required: bool,
}

impl Field<'_> {
    fn id(&self) -> String {
        format!("{}-{}", self.section, self.name)
    }

    fn hint_id(&self) -> Option<String> {
        self.hint.map(|_| format!("{}-hint", self.id()))
    }

    fn described_by(&self, notice: Option<&Notice>) -> Option<String> {
        let err = Notice::invalid(notice, self.section, self.name)
            .map(|_| format!("{}-error", self.section));
        match (self.hint_id(), err) {
            (Some(h), Some(e)) => Some(format!("{h} {e}")),
            (h, e) => h.or(e),
        }
    }

    fn text(&self, notice: Option<&Notice>) -> Markup {
        let value = Notice::value(notice, self.section, self.name, self.value);
        html! {
            div class="field" {
                label for=(self.id()) { (self.label) @if !self.required { span class="hint" { " (optional)" } } }
                input id=(self.id()) name=(self.name) type="text" value=(value)
                    required[self.required]
                    aria-invalid=[Notice::invalid(notice, self.section, self.name)]
                    aria-describedby=[self.described_by(notice)];
                @if let Some(h) = self.hint { span id=[self.hint_id()] class="hint" { (h) } }
            }
        }
    }

    fn number(&self, notice: Option<&Notice>) -> Markup {
        let value = Notice::value(notice, self.section, self.name, self.value);
        html! {
            div class="field" {
                label for=(self.id()) { (self.label) }
                input id=(self.id()) name=(self.name) type="number" min="0" step="1" inputmode="numeric" value=(value)
                    aria-invalid=[Notice::invalid(notice, self.section, self.name)]
                    aria-describedby=[self.described_by(notice)];
            }
        }
    }

    fn area(&self, notice: Option<&Notice>) -> Markup {
        let value = Notice::value(notice, self.section, self.name, self.value);
        html! {
            div class="field" {
                label for=(self.id()) { (self.label) @if !self.required { span class="hint" { " (optional)" } } }
                textarea id=(self.id()) name=(self.name) rows="2"
                    required[self.required]
                    aria-invalid=[Notice::invalid(notice, self.section, self.name)]
                    aria-describedby=[self.described_by(notice)] { (value) }
                @if let Some(h) = self.hint { span id=[self.hint_id()] class="hint" { (h) } }
            }
        }
    }
}

fn field<'a>(section: &'static str, name: &'static str, label: &'a str) -> Field<'a> {
    Field {
        section,
        name,
        label,
        hint: None,
        value: "",
        required: false,
    }
}

/// The whole goal page (`approvals`: where each application of a goal
/// that needs approval stands, on a team server).
pub fn render(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    approvals: &mm_app::approvals::Approvals,
) -> Markup {
    let g = &d.goal;
    let open = !d.state.is_closed();
    html! {
        p class="crumbs" { a href="/" { "Dashboard" } " › Goal " (g.id) }
        h1 { (d.micro_skill.name) }
        p class="state" {
            "Goal " (g.id) " · " strong { (d.state) } " · a micro-skill of "
            @if let Some(uri) = &d.skill_uri { a href=(uri) rel="noreferrer" { (d.skill) } } @else { (d.skill) }
            " · aiming for level " (g.target_level)
        }
        (overview(d, p, notice))
        (mastery(d, session, notice))
        (criteria(d, p, session, notice, open))
        (practice(d, p, session, notice, open))
        (applications(d, p, session, notice, open, approvals))
        (reflections(d, p, session, notice, open))
        (plan(d, p, session, notice, open))
        @if open { (deadline(d, session, notice)) }
    }
}

fn overview(d: &GoalDetail, p: &Person, notice: Option<&Notice>) -> Markup {
    let g = &d.goal;
    let pc = &d.pace;
    let today = p.today();
    let days_left = (g.deadline - today).num_days();
    let pace_class = match pc.status {
        PaceStatus::Ahead => "pace-ahead",
        PaceStatus::OnTrack => "pace-on_track",
        PaceStatus::Behind => "pace-behind",
    };
    html! {
        section id="overview" aria-labelledby="overview-h" {
            h2 id="overview-h" { "Where it stands" }
            (Notice::render(notice, "overview"))
            dl class="measures" {
                dt { "Deadline" }
                dd {
                    (day(g.deadline))
                    @if d.state.is_closed() {
                        @if let Some(t) = g.closed_at { " · " (d.state) " on " (day(p.date_of(t))) }
                        @if let Some(r) = &g.abandon_reason { " (" (r) ")" }
                    } @else if days_left >= 0 {
                        " · " (plural(days_left as usize, "day", "days")) " left (started " (day(g.start)) ")"
                    } @else {
                        " · " span class="late" { (plural(days_left.unsigned_abs() as usize, "day", "days")) " past" }
                    }
                }
                dt { "This week" }
                dd {
                    progress max="100" value=(percent(pc.week_minutes, pc.week_budget)) aria-label="This week's practice against the weekly budget" { (percent(pc.week_minutes, pc.week_budget)) "%" }
                    " " (format_minutes(pc.week_minutes)) " of " (format_minutes(pc.week_budget))
                }
                dt { "Practice" }
                dd {
                    progress max="100" value=(percent(pc.minutes_done, pc.minutes_planned)) aria-label="Practice so far against the plan" { (percent(pc.minutes_done, pc.minutes_planned)) "%" }
                    " " (format_minutes(pc.minutes_done)) " of " (format_minutes(pc.minutes_planned)) " planned, in "
                    (plural(d.sessions.len(), "session", "sessions"))
                }
                dt { "Pace" }
                dd {
                    span class=(pace_class) { (pc.status.as_str()) }
                    " (" (format_minutes(pc.minutes_expected)) " expected by today)"
                    @if let Some(finish) = pc.projected_finish {
                        "; at this pace the plan is done on " (day(finish))
                        @if pc.projected_late { " " span class="late" { "(after the deadline)" } }
                    } @else {
                        "; no practice yet to project a finish"
                    }
                }
            }
            @if !g.extensions.is_empty() {
                h3 { "Deadline changes" }
                ul {
                    @for e in &g.extensions {
                        li { "From " (day(e.old_deadline)) " to " (day(e.new_deadline)) ", on " (day(p.date_of(e.at))) ": " (e.reason) }
                    }
                }
            }
        }
    }
}

fn condition_item(c: &Condition, goal: GoalId, on_page: bool) -> Markup {
    let (anchor, action) = condition_action(c.kind);
    let href = if on_page {
        format!("#{anchor}")
    } else {
        format!("/goals/{goal}#{anchor}")
    };
    html! {
        @if c.met {
            li class="met" { span class="mark" aria-hidden="true" { "✓ " } span class="said" { "Met: " } (c.detail) }
        } @else {
            li class="missing" {
                span class="mark" aria-hidden="true" { "✗ " } span class="said" { "Missing: " } (c.detail)
                " " a class="action" href=(href) { (action) }
            }
        }
    }
}

/// A mastery condition as the dashboard lists it: what is missing, and a
/// link to the goal page's form that fixes it.
pub fn condition_on_dashboard(c: &Condition, goal: GoalId) -> Markup {
    condition_item(c, goal, false)
}

fn mastery(d: &GoalDetail, session: &Session, notice: Option<&Notice>) -> Markup {
    let g = &d.goal;
    let met = d.mastery.conditions.iter().filter(|c| c.met).count();
    html! {
        section id="mastery" aria-labelledby="mastery-h" {
            h2 id="mastery-h" { "Mastery: " (met) " of " (d.mastery.conditions.len()) " conditions met" }
            (Notice::render(notice, "mastery"))
            ul class="conditions" {
                @for c in &d.mastery.conditions { (condition_item(c, g.id, true)) }
            }
            @match d.state {
                GoalState::Achieved => {
                    p class="achieved" {
                        strong { "Achieved." } " "
                        @if d.badges.is_empty() {
                            a href=(format!("/badges?goal={}#issue", g.id)) { "Issue a badge for it" }
                        } @else {
                            (plural(d.badges.len(), "badge", "badges")) " issued: "
                            a href="/badges" { "see your badges" }
                        }
                    }
                }
                GoalState::Abandoned => { p { "This goal was given up." } }
                _ => {
                    form method="post" action=(format!("/goals/{}/check", g.id)) {
                        (csrf(session))
                        p {
                            "The mastery rule marks the goal achieved only when every condition holds. "
                            button type="submit" { "Check mastery now" }
                        }
                    }
                }
            }
        }
    }
}

fn criteria(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    open: bool,
) -> Markup {
    let g = &d.goal;
    html! {
        section id="criteria" aria-labelledby="criteria-h" {
            h2 id="criteria-h" { "Done when" }
            (Notice::render(notice, "criteria"))
            ol class="criteria" {
                @for (i, c) in g.criteria.iter().enumerate() {
                    @let n = i + 1;
                    @let text_id = format!("criterion-{n}");
                    li class=(if c.met_at.is_some() { "met" } else { "missing" }) {
                        span id=(text_id) { (c.text) }
                        " "
                        @if let Some(t) = c.met_at {
                            span class="said" { span class="mark" aria-hidden="true" { "✓ " } "met on " (day(p.date_of(t))) }
                        } @else {
                            span class="said" { "not yet" }
                        }
                        @if open {
                            form class="inline" method="post" action=(format!("/goals/{}/criteria/{n}", g.id)) {
                                (csrf(session))
                                input type="hidden" name="met" value=(if c.met_at.is_some() { "0" } else { "1" });
                                button type="submit" class="quiet" aria-describedby=(text_id) {
                                    @if c.met_at.is_some() { "Untick" } @else { "Tick" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn practice(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    open: bool,
) -> Markup {
    const S: &str = "practice";
    html! {
        section id="practice" aria-labelledby="practice-h" {
            h2 id="practice-h" { "Practice" }
            (Notice::render(notice, S))
            @if open {
                form class="upload" method="post" action=(format!("/goals/{}/sessions", d.goal.id)) {
                    (csrf(session))
                    h3 { "Log a session" }
                    div class="row" {
                        (Field { hint: Some("45m, 1h15m, or minutes: 45"), required: true, ..field(S, "minutes", "Focused time") }.text(notice))
                        (Field { hint: Some("now, 18:30, yesterday 18:30, 2026-11-20 07:00"), value: "now", ..field(S, "at", "When it started") }.text(notice))
                        (Field { hint: Some("when breaks made it longer"), ..field(S, "lasted", "Wall-clock length") }.text(notice))
                    }
                    (Field { hint: Some("one specific thing you practised"), required: true, ..field(S, "aim", "Aim") }.text(notice))
                    div class="row" {
                        (field(S, "reps", "Repetitions").number(notice))
                        (field(S, "errors", "Errors").number(notice))
                        (field(S, "interruptions", "Interruptions").number(notice))
                        div class="field" {
                            label for="practice-difficulty" { "Difficulty" }
                            @let chosen = Notice::value(notice, S, "difficulty", "");
                            select id="practice-difficulty" name="difficulty" aria-invalid=[Notice::invalid(notice, S, "difficulty")] {
                                option value="" selected[chosen.is_empty()] { "not said" }
                                @for (n, w) in [(1, "easy"), (2, "fair"), (3, "hard"), (4, "harder"), (5, "very hard")] {
                                    @let v = n.to_string();
                                    option value=(v) selected[chosen == v] { (n) " (" (w) ")" }
                                }
                            }
                        }
                    }
                    (Field { hint: Some("what a teacher, a test or the result told you"), ..field(S, "feedback", "Feedback") }.area(notice))
                    (field(S, "notes", "Notes").area(notice))
                    div { button type="submit" { "Log the session" } }
                }
            }
            @if d.sessions.is_empty() {
                p { "No sessions yet." }
            } @else {
                table {
                    caption { (plural(d.sessions.len(), "session", "sessions")) ", oldest first" }
                    thead { tr {
                        th scope="col" { "When" } th scope="col" { "Aim" } th scope="col" { "Focused" }
                        th scope="col" { "Reps" } th scope="col" { "Errors" } th scope="col" { "Difficulty" } th scope="col" { "Feedback" }
                    } }
                    tbody {
                        @for s in &d.sessions {
                            tr {
                                th scope="row" { (moment(p, s.started_at)) }
                                td { (s.aim) }
                                td { (format_minutes(s.focused_minutes)) }
                                td { (s.reps) }
                                td { (s.errors) }
                                td { @if let Some(x) = s.difficulty { (x) " of 5" } @else { "–" } }
                                td { (s.feedback.as_deref().or(s.notes.as_deref()).unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn evidence_view(e: &Evidence) -> Markup {
    match e {
        Evidence::Link { url } => html! { a href=(url) rel="noreferrer" { (url) } },
        Evidence::File { name, sha256 } => html! {
            (name) " " span class="hint" { "(SHA-256 " code { (sha256.chars().take(16).collect::<String>()) "…" } ")" }
        },
    }
}

/// Where an application stands with the approvers, and their message.
fn verdict_view(v: Option<&mm_app::approvals::Verdict>) -> Markup {
    use mm_app::approvals::VerdictState;
    html! {
        p class="approval" {
            "Approval: "
            @match v.map(|v| v.state) {
                None | Some(VerdictState::Pending) => { strong { "pending" } " (an approver accepts it before it counts)" }
                Some(VerdictState::Approved) => { strong class="met-word" { "approved" } " (it counts)" }
                Some(VerdictState::Rejected) => { strong class="missing-word" { "rejected" } " (it does not count)" }
            }
        }
        @if let Some(m) = v.and_then(|v| v.message.as_deref()) {
            p class="approval-message" { "The approver's message: " q { (m) } }
        }
    }
}

fn applications(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    open: bool,
    approvals: &mm_app::approvals::Approvals,
) -> Markup {
    const S: &str = "apply";
    let needs_approval = approvals.required(d.goal.id);
    html! {
        section id="apply" aria-labelledby="apply-h" {
            h2 id="apply-h" { "Applications" }
            p { "Using the skill for real, at work or in life, is what the mastery rule asks beyond practice." }
            (Notice::render(notice, S))
            @if open {
                form class="upload" method="post" enctype="multipart/form-data" action=(multipart_action(&format!("/goals/{}/applications", d.goal.id), session)) {
                    h3 { "Record an application" }
                    (Field { hint: Some("the project, meeting or task"), required: true, ..field(S, "context", "Where you used it") }.text(notice))
                    (Field { required: true, ..field(S, "outcome", "What came of it") }.area(notice))
                    (field(S, "impact", "What difference it made").area(notice))
                    (Field { hint: Some("now, yesterday 15:00, 2026-11-20 14:00"), value: "now", ..field(S, "at", "When") }.text(notice))
                    div class="field" {
                        label for="apply-evidence" { "Evidence file " span class="hint" { "(optional)" } }
                        input id="apply-evidence" name="evidence" type="file" aria-describedby="apply-evidence-hint"
                            aria-invalid=[Notice::invalid(notice, S, "evidence")];
                        span id="apply-evidence-hint" class="hint" {
                            "Up to " (crate::UPLOAD_LIMIT / (1024 * 1024)) " MB. The file stays with you: the journal keeps its name and SHA-256 fingerprint, "
                            "so a copy can later be shown to be the one recorded."
                        }
                    }
                    (Field { hint: Some("or a link to the work (https://…)"), ..field(S, "evidence_url", "Evidence link") }.text(notice))
                    div { button type="submit" { "Record the application" } }
                }
            }
            @if d.applications.is_empty() {
                p { "No applications yet." }
            } @else {
                ul class="records" {
                    @for a in &d.applications {
                        li {
                            strong { (a.context) } " · " (moment(p, a.at))
                            p { (a.outcome) }
                            @if let Some(i) = &a.impact { p { "Impact: " (i) } }
                            @if let Some(e) = &a.evidence { p { "Evidence: " (evidence_view(e)) } }
                            @if needs_approval { (verdict_view(approvals.verdict(a.id))) }
                        }
                    }
                }
            }
        }
    }
}

fn reflections(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    open: bool,
) -> Markup {
    const S: &str = "reflect";
    let covered = |pr: &mm_core::Principle| d.reflected.contains(&pr.id);
    let about_typed = Notice::value(notice, S, "about", "goal");
    html! {
        section id="reflect" aria-labelledby="reflect-h" {
            h2 id="reflect-h" { "Reflections" }
            p {
                "Looking back on each principle keeps mastery from being shallow: "
                @for (i, pr) in d.micro_skill.principles.iter().enumerate() {
                    @if i > 0 { ", " }
                    strong { (pr.name) } " "
                    @if covered(pr) { span class="said met-word" { "(reflected on)" } } @else { span class="said missing-word" { "(not yet)" } }
                }
                "."
            }
            (Notice::render(notice, S))
            @if open {
                form class="upload" method="post" action=(format!("/goals/{}/reflections", d.goal.id)) {
                    (csrf(session))
                    h3 { "Write a reflection" }
                    div class="field" {
                        label for="reflect-about" { "About" }
                        select id="reflect-about" name="about" aria-invalid=[Notice::invalid(notice, S, "about")] {
                            option value="goal" selected[about_typed == "goal"] { "the goal as a whole" }
                            @for s in d.sessions.iter().rev() {
                                @let v = format!("session-{}", s.id);
                                option value=(v) selected[about_typed == v] { "the session of " (p.zone.local(s.started_at).format("%-d %b %H:%M")) ": " (s.aim) }
                            }
                        }
                    }
                    (field(S, "worked", "What worked").area(notice))
                    (field(S, "didnt", "What did not").area(notice))
                    (field(S, "next", "What next").area(notice))
                    @if !d.micro_skill.principles.is_empty() {
                        fieldset {
                            legend { "The principles it is about" }
                            @for pr in &d.micro_skill.principles {
                                @let id = format!("reflect-principle-{}", pr.id);
                                @let v = pr.id.to_string();
                                div class="check" {
                                    input type="checkbox" id=(id) name="principle" value=(v)
                                        checked[notice.is_some_and(|n| n.section == S && n.failed && n.typed.has("principle", &v))];
                                    label for=(id) { (pr.name) @if let Some(desc) = &pr.description { span class="hint" { " — " (desc) } } }
                                }
                            }
                        }
                    }
                    div { button type="submit" { "Record the reflection" } }
                }
            }
            @if d.reflections.is_empty() {
                p { "No reflections yet." }
            } @else {
                ul class="records" {
                    @for r in &d.reflections {
                        li {
                            strong {
                                @match r.target {
                                    ReflectionTarget::Goal { .. } => { "On the goal" }
                                    ReflectionTarget::Session { id } => { "On session " (id) }
                                    ReflectionTarget::Week { week } => { "On the week " (week) }
                                }
                            }
                            " · " (moment(p, r.at))
                            @if !r.worked.is_empty() { p { "Worked: " (r.worked) } }
                            @if !r.didnt.is_empty() { p { "Did not: " (r.didnt) } }
                            @if !r.next.is_empty() { p { "Next: " (r.next) } }
                            @let names: Vec<&str> = d.micro_skill.principles.iter().filter(|pr| r.principles.contains(&pr.id)).map(|pr| pr.name.as_str()).collect();
                            @if !names.is_empty() { p class="hint" { "Principles: " (names.join(", ")) } }
                        }
                    }
                }
            }
        }
    }
}

fn plan(
    d: &GoalDetail,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    open: bool,
) -> Markup {
    const S: &str = "plan";
    let gid = d.goal.id;
    html! {
        section id="plan" aria-labelledby="plan-h" {
            h2 id="plan-h" { "Plan" }
            (Notice::render(notice, S))
            @if let Some(plan) = &d.plan {
                @let upcoming: Vec<_> = plan.items.iter().filter(|i| i.end() > p.now).collect();
                p {
                    "Made " (moment(p, plan.made_at)) " for " (format_minutes(plan.minutes_needed)) " still to practise before " (day(plan.deadline))
                    ", in " (plan.tz) ". "
                    (plural(upcoming.len(), "item is", "items are")) " still ahead."
                }
                @if !upcoming.is_empty() {
                    table {
                        caption { "What is planned next" }
                        thead { tr { th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "Length" } th scope="col" { "Aim" } } }
                        tbody {
                            @for it in upcoming.iter().take(12) {
                                tr {
                                    th scope="row" { time datetime=(it.start.to_rfc3339()) { (it.local_start.format("%a %-d %b, %H:%M")) } }
                                    td { (match it.kind { ItemKind::Practice => "practice", ItemKind::Apply => "practice, then apply", ItemKind::Reflect => "reflect" }) }
                                    td { (format_minutes(it.minutes)) }
                                    td { (it.title) }
                                }
                            }
                        }
                    }
                    @if upcoming.len() > 12 { p class="hint" { "…and " (upcoming.len() - 12) " more in the calendar." } }
                }
                form class="inline-form" method="post" action=(format!("/goals/{gid}/calendar")) {
                    (csrf(session))
                    label for="plan-alarm" { "Reminder before each session" }
                    select id="plan-alarm" name="alarm" {
                        option value="" { "none" }
                        option value="10m" selected { "10 minutes" }
                        option value="30m" { "30 minutes" }
                    }
                    button type="submit" { "Download the calendar (.ics)" }
                }
            } @else if open {
                p { "No plan yet: a plan spreads focused sessions over the days to the deadline, inside the times you can practise." }
            } @else {
                p { "No plan was made for this goal." }
            }
            @if open {
                @if let Some(av) = &d.availability {
                    form method="post" action=(format!("/goals/{gid}/plan")) {
                        (csrf(session))
                        p {
                            "You practise " (av) ". "
                            button type="submit" class=(if d.plan.is_some() { "quiet" } else { "" }) {
                                @if d.plan.is_some() { "Re-plan from now" } @else { "Make the plan" }
                            }
                        }
                    }
                } @else {
                    form class="upload" method="post" action=(format!("/goals/{gid}/availability")) {
                        (csrf(session))
                        h3 { "When can you practise?" }
                        (Field { hint: Some("weekly windows, e.g. mon-fri 07:00-07:40, sat 10:00-11:30"), required: true, ..field(S, "availability", "Practice windows") }.text(notice))
                        (Field { hint: Some("an IANA zone such as Europe/Paris"), value: "UTC", required: true, ..field(S, "timezone", "Time zone") }.text(notice))
                        div { button type="submit" { "Save and make the plan" } }
                    }
                }
            }
        }
    }
}

fn deadline(d: &GoalDetail, session: &Session, notice: Option<&Notice>) -> Markup {
    let gid = d.goal.id;
    html! {
        section id="deadline" aria-labelledby="deadline-h" {
            h2 id="deadline-h" { "Deadline" }
            (Notice::render(notice, "deadline"))
            form class="upload" method="post" action=(format!("/goals/{gid}/extend")) {
                (csrf(session))
                h3 { "Extend the deadline" }
                p class="hint" { "The old deadline and your reason stay in the goal's history." }
                (Field { hint: Some("a later date (2026-12-20) or an offset (+1w)"), required: true, ..field("deadline", "to", "New deadline") }.text(notice))
                (Field { required: true, ..field("deadline", "reason", "Why") }.text(notice))
                div { button type="submit" { "Extend" } }
            }
            section id="abandon" aria-labelledby="abandon-h" {
                h3 id="abandon-h" { "Give the goal up" }
                (Notice::render(notice, "abandon"))
                form class="upload" method="post" action=(format!("/goals/{gid}/abandon")) {
                    (csrf(session))
                    (Field { required: true, hint: Some("kept with the goal"), ..field("abandon", "reason", "Why") }.text(notice))
                    div { button type="submit" class="danger" { "Abandon the goal" } }
                }
            }
        }
    }
}
