//! The team server's JSON API under `/api/v1/team`, described by its own
//! OpenAPI document ([`TeamApiDoc`], served at `/api/v1/team/openapi.json`).
//! Sign in with `POST /api/v1/team/sign-in` (a cookie and a CSRF token) or
//! send an API token as `Authorization: Bearer mmt_…`.

use super::{MaybeSigned, Signed, TeamState, approvals, coaching, issuer, programmes, sso};
use crate::api::input::ApiJson;
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use mm_team::{ApiToken, AuditEntry, Invitation, InvitationView, Member, Organisation, Role, Via};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The team server's OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Micromastery team server",
        description = "Organisations, people and roles, programmes and cohorts on the team server (`mm serve --team`). Sign in with `POST /api/v1/team/sign-in` (it sets the `mm_team` cookie and answers the CSRF token to send in `X-CSRF-Token` with every request that changes something), or send an API token as `Authorization: Bearer mmt_…`. Errors are `{error, message, field?}`: a member of one organisation reaching another's records gets 404, a role that may not act 403.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        sign_in, sign_out, me, organisation, members, member, remove_member, set_roles,
        invitations, invite, revoke_invitation, join_preview, join,
        tokens, create_token, revoke_token, audit,
        programmes::programmes, programmes::create_programme, programmes::programme,
        programmes::update_programme, programmes::delete_programme,
        programmes::add_item, programmes::update_item, programmes::remove_item,
        programmes::cohorts, programmes::create_cohort, programmes::cohort,
        programmes::add_member, programmes::remove_member, programmes::assign,
        programmes::unassign, programmes::give_again,
        approvals::approvals, approvals::decide, approvals::mine,
        coaching::matrix, coaching::progress, coaching::at_risk, coaching::cohort_shared,
        coaching::learner, coaching::shared, coaching::my_shares, coaching::share,
        coaching::unshare, issuer::issuer, issuer::create_issuer, issuer::rotate,
        issuer::published, issuer::revocations, issuer::credential, issuer::badges,
        issuer::revoke_badge,
        sso::settings, sso::set_settings, sso::remove_settings,
    ),
    components(schemas(ErrorJson)),
    tags(
        (name = "sign-in", description = "Signing in and out, joining by invitation, and the organisation's single sign-on (its OpenID provider: people sign in at /o/{slug}/sso)"),
        (name = "people", description = "The organisation, its members and their roles"),
        (name = "tokens", description = "API tokens for scripts and the CLI"),
        (name = "programmes", description = "Programmes of micro-skills, cohorts, and the goals assigning one gives each member. A goal once given is the member's: changing or removing a micro-skill, or unassigning or deleting a programme, changes only what is given from then on"),
        (name = "coaching", description = "What coaches see of a cohort (skill matrix, progress, learners at risk, shared notes; JSON or CSV) and of one learner, what they can see of you, and sharing your notes with them item by item"),
        (name = "approvals", description = "Evidence approval: applications that count toward mastery once an approver accepts them"),
        (name = "badges", description = "The organisation issues the badges: its issuer (created and rotated by admins; the secret keys sealed with the server's master key), and the documents it publishes for verifiers, without sign-in"),
    )
)]
pub struct TeamApiDoc;

/// The document as pretty JSON.
pub fn openapi_json() -> String {
    TeamApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}

/// The team API's routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/api/v1/team/openapi.json", get(openapi))
        .route("/api/v1/team/sign-in", post(sign_in))
        .route("/api/v1/team/sign-out", post(sign_out))
        .route("/api/v1/team/me", get(me))
        .route("/api/v1/team/organisation", get(organisation))
        .route("/api/v1/team/members", get(members))
        .route(
            "/api/v1/team/members/{id}",
            get(member).delete(remove_member),
        )
        .route("/api/v1/team/members/{id}/roles", put(set_roles))
        .route("/api/v1/team/invitations", get(invitations).post(invite))
        .route("/api/v1/team/invitations/{id}", delete(revoke_invitation))
        .route("/api/v1/team/join", get(join_preview).post(join))
        .route("/api/v1/team/tokens", get(tokens).post(create_token))
        .route("/api/v1/team/tokens/{id}", delete(revoke_token))
        .route("/api/v1/team/audit", get(audit))
        .merge(programmes::routes())
        .merge(approvals::routes())
        .merge(coaching::routes())
        .merge(issuer::routes())
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}

/// A record's id in a path.
pub(crate) fn id(raw: &str) -> Result<i64, HttpError> {
    id_named(raw, "id")
}

/// A record's id in the path's `field`.
pub(crate) fn id_named(raw: &str, field: &str) -> Result<i64, HttpError> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        let mut e = HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{raw:?} is not an id (a positive whole number)"),
        );
        e.field = Some(field.into());
        e
    })
}

/// Signing in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// The organisation's slug.
    pub organisation: String,
    /// Your email.
    pub email: String,
    /// Your password.
    pub password: String,
}

/// A sign-in: who, and the CSRF token for requests that change something.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    /// The person signed in.
    pub member: Member,
    /// Send it in `X-CSRF-Token` with every request that changes something.
    pub csrf: String,
}

fn signed_in_response(state: &TeamState, s: mm_team::SignIn, member: Member) -> Response {
    let csrf = match &s.actor.via {
        Via::Session { csrf, .. } => csrf.clone(),
        Via::Token { .. } => String::new(),
    };
    let mut res = (StatusCode::OK, Json(SignedIn { member, csrf })).into_response();
    if let Ok(v) = HeaderValue::from_str(&state.cookie(&s.secret)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Sign in with your organisation, email and password (sets the `mm_team` cookie).
#[utoipa::path(post, path = "/api/v1/team/sign-in", tag = "sign-in", request_body = SignInBody,
    responses((status = 200, body = SignedIn), (status = 401, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn sign_in(
    State(state): State<TeamState>,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Response, ApiError> {
    let s = state
        .team()
        .sign_in(&body.organisation, &body.email, &body.password)
        .await?;
    let member = state.team().member(&s.actor, s.actor.person).await?;
    Ok(signed_in_response(&state, s, member))
}

/// Sign out: the session ends on every instance at once.
#[utoipa::path(post, path = "/api/v1/team/sign-out", tag = "sign-in",
    responses((status = 204), (status = 401, body = ErrorJson)))]
pub async fn sign_out(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Response, ApiError> {
    state.team().sign_out(&actor).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&state.cleared_cookie()) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// Who you are, where.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Your organisation.
    pub organisation: Organisation,
    /// You, with your roles.
    pub member: Member,
    /// Your session's CSRF token (none when you use an API token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
}

/// Who is signed in, in which organisation, with which roles.
#[utoipa::path(get, path = "/api/v1/team/me", tag = "people",
    responses((status = 200, body = Me), (status = 401, body = ErrorJson)))]
pub async fn me(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Me>, ApiError> {
    Ok(Json(Me {
        organisation: state.team().organisation(&actor).await?,
        member: state.team().member(&actor, actor.person).await?,
        csrf: match &actor.via {
            Via::Session { csrf, .. } => Some(csrf.clone()),
            Via::Token { .. } => None,
        },
    }))
}

/// Your organisation.
#[utoipa::path(get, path = "/api/v1/team/organisation", tag = "people",
    responses((status = 200, body = Organisation), (status = 401, body = ErrorJson)))]
pub async fn organisation(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Organisation>, ApiError> {
    Ok(Json(state.team().organisation(&actor).await?))
}

/// The members you may see: everyone for admins, coaches and approvers; a learner sees themself.
#[utoipa::path(get, path = "/api/v1/team/members", tag = "people",
    responses((status = 200, body = [Member]), (status = 401, body = ErrorJson)))]
pub async fn members(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<Member>>, ApiError> {
    Ok(Json(state.team().members(&actor).await?))
}

/// One member (404 for one you may not see).
#[utoipa::path(get, path = "/api/v1/team/members/{id}", tag = "people",
    params(("id" = i64, Path, description = "The member's id")),
    responses((status = 200, body = Member), (status = 404, body = ErrorJson)))]
pub async fn member(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Member>, ApiError> {
    Ok(Json(state.team().member(&actor, id(&raw)?).await?))
}

/// Remove a member (admins only): they cannot sign in any more, and their sessions and tokens stop at once.
#[utoipa::path(delete, path = "/api/v1/team/members/{id}", tag = "people",
    params(("id" = i64, Path, description = "The member's id")),
    responses((status = 204), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson)))]
pub async fn remove_member(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id(&raw)?;
    state.team().remove_member(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member's roles.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// Exactly the roles they should hold (at least one).
    pub roles: Vec<Role>,
}

/// Give a member exactly these roles (admins only; the organisation keeps an admin).
#[utoipa::path(put, path = "/api/v1/team/members/{id}/roles", tag = "people", request_body = RolesBody,
    params(("id" = i64, Path, description = "The member's id")),
    responses((status = 200, body = Member), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson)))]
pub async fn set_roles(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<RolesBody>,
) -> Result<Json<Member>, ApiError> {
    let id = id(&raw)?;
    Ok(Json(state.team().set_roles(&actor, id, &body.roles).await?))
}

/// The organisation's invitations, newest first (admins and coaches).
#[utoipa::path(get, path = "/api/v1/team/invitations", tag = "people",
    responses((status = 200, body = [Invitation]), (status = 403, body = ErrorJson)))]
pub async fn invitations(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<Invitation>>, ApiError> {
    Ok(Json(state.team().invitations(&actor).await?))
}

/// An invitation to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    /// Who to invite.
    pub email: String,
    /// Their roles on joining (a coach may invite learners only).
    pub roles: Vec<Role>,
}

/// A new invitation and its link (shown this once).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    /// The invitation.
    pub invitation: Invitation,
    /// The link to send them; it works once, for 14 days.
    pub link: String,
}

/// Invite someone by link.
#[utoipa::path(post, path = "/api/v1/team/invitations", tag = "people", request_body = InviteBody,
    responses((status = 201, body = InvitationCreated), (status = 403, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn invite(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<(StatusCode, Json<InvitationCreated>), ApiError> {
    let made = state
        .team()
        .invite(&actor, &body.email, &body.roles)
        .await?;
    let link = format!("{}/join?token={}", state.base_url(&headers), made.secret);
    Ok((
        StatusCode::CREATED,
        Json(InvitationCreated {
            invitation: made.invitation,
            link,
        }),
    ))
}

/// Take back an open invitation.
#[utoipa::path(delete, path = "/api/v1/team/invitations/{id}", tag = "people",
    params(("id" = i64, Path, description = "The invitation's id")),
    responses((status = 200, body = Invitation), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson)))]
pub async fn revoke_invitation(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Invitation>, ApiError> {
    let id = id(&raw)?;
    Ok(Json(state.team().revoke_invitation(&actor, id).await?))
}

/// An invitation link's secret.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JoinQuery {
    /// The `token` of the invitation link.
    pub token: String,
}

/// What an invitation link offers (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/team/join", tag = "sign-in", params(JoinQuery),
    responses((status = 200, body = InvitationView), (status = 404, body = ErrorJson)))]
pub async fn join_preview(
    State(state): State<TeamState>,
    Query(q): Query<JoinQuery>,
) -> Result<Json<InvitationView>, ApiError> {
    Ok(Json(state.team().invitation_by_secret(&q.token).await?))
}

/// Accepting an invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    /// The `token` of the invitation link.
    pub token: String,
    /// Your name.
    pub name: String,
    /// Your new password (at least 12 characters).
    pub password: String,
}

/// Accept an invitation: your account, signed in (sets the `mm_team` cookie).
#[utoipa::path(post, path = "/api/v1/team/join", tag = "sign-in", request_body = JoinBody,
    responses((status = 200, body = SignedIn), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn join(
    State(state): State<TeamState>,
    MaybeSigned(_): MaybeSigned,
    ApiJson(body): ApiJson<JoinBody>,
) -> Result<Response, ApiError> {
    let s = state
        .team()
        .accept_invitation(&body.token, &body.name, &body.password)
        .await?;
    let member = state.team().member(&s.actor, s.actor.person).await?;
    Ok(signed_in_response(&state, s, member))
}

/// Your API tokens, newest first (never their secrets).
#[utoipa::path(get, path = "/api/v1/team/tokens", tag = "tokens",
    responses((status = 200, body = [ApiToken]), (status = 401, body = ErrorJson)))]
pub async fn tokens(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(state.team().tokens(&actor).await?))
}

/// A token to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What it is for ("laptop CLI").
    pub name: String,
    /// How many days it works (1–3650); none: until revoked.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub days: Option<u32>,
}

/// A new API token: its secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// The token as lists show it.
    pub token: ApiToken,
    /// Send it as `Authorization: Bearer …`. Never shown again.
    pub secret: String,
}

/// Make an API token for scripts and the CLI.
#[utoipa::path(post, path = "/api/v1/team/tokens", tag = "tokens", request_body = TokenBody,
    responses((status = 201, body = TokenCreated), (status = 422, body = ErrorJson)))]
pub async fn create_token(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let made = state
        .team()
        .create_token(&actor, &body.name, body.days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token: made.token,
            secret: made.secret,
        }),
    ))
}

/// Revoke one of your API tokens: it stops working on every instance at once.
#[utoipa::path(delete, path = "/api/v1/team/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 200, body = ApiToken), (status = 404, body = ErrorJson)))]
pub async fn revoke_token(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<ApiToken>, ApiError> {
    let id = id(&raw)?;
    Ok(Json(state.team().revoke_token(&actor, id).await?))
}

/// How much of the audit trail to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// At most this many entries, newest first (default 100, at most 10,000).
    pub limit: Option<u32>,
}

/// The organisation's audit trail, newest first (admins only).
#[utoipa::path(get, path = "/api/v1/team/audit", tag = "people", params(AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ErrorJson)))]
pub async fn audit(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        state
            .team()
            .audit_trail(&actor, q.limit.unwrap_or(100))
            .await?,
    ))
}
