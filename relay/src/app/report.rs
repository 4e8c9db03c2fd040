//! The report page, for the team (`/app/reports/{id}`: triage, comments, activity, share links)
//! and for a share link (`/app/s/{token}`: the report and nothing of the team's), with the
//! screenshot and attachments, the rebuilt DOM snapshot and the exports.

use bugcap_protocol::Report;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};

use super::pages::{Me, ReportPage, ShareView};
use super::view::{ActivityView, ReportView, Stored, times};
use super::{AppError, Page, dom, export, field, render, see_other, signed_in, writer};
use crate::admin::triage::{MAX_COMMENT_CHARS, parse_change};
use crate::admin::{media, shares};
use crate::http::request_base;
use crate::http::response::{self, Body};
use crate::state::AppState;
use crate::store::{
    Activity, MediaRow, MediaState, Scope, Session, ShareInfo, Store, StoreError, StoredReport,
    TRIAGE, Triage,
};

/// Everything the page shows, read in one go.
struct Loaded {
    stored: StoredReport,
    report: Report,
    media: Vec<MediaRow>,
    triage: Option<Triage>,
    shares: Vec<ShareInfo>,
    activity: Vec<Activity>,
}

fn known(id: &str) -> Result<(), AppError> {
    uuid::Uuid::parse_str(id)
        .map(drop)
        .map_err(|_| AppError::NotFound)
}

fn parse(stored: &StoredReport) -> Result<Report, AppError> {
    serde_json::from_value(stored.report.clone())
        .map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))
}

/// Reads a report; `team` adds what only the team sees.
fn load(store: &Store, id: &str, team: bool) -> Result<Loaded, AppError> {
    let stored = store.get_report(id)?.ok_or(AppError::NotFound)?;
    let report = parse(&stored)?;
    let media = store.media_of(id)?;
    let (triage, shares, activity) = if team {
        (
            store.triage_of(id)?,
            store.shares_of(id)?,
            store.activity_of(id)?,
        )
    } else {
        (None, Vec::new(), Vec::new())
    };
    Ok(Loaded {
        stored,
        report,
        media,
        triage,
        shares,
        activity,
    })
}

fn view(loaded: &Loaded, base: &str) -> ReportView {
    ReportView::of(
        &Stored {
            report: &loaded.report,
            project: &loaded.stored.project,
            environment: &loaded.stored.environment,
            received_at: loaded.stored.received_at,
            media: &loaded.media,
        },
        &format!("{base}/media"),
    )
}

/// Renders the team's page for `id`, with a notice or a share link just made.
async fn team_page(
    state: &AppState,
    session: &Session,
    id: String,
    status: StatusCode,
    notice: Option<String>,
    new_share: Option<String>,
) -> Page {
    known(&id)?;
    let base = format!("/app/reports/{id}");
    let loaded = state
        .store
        .call(move |store| Ok(load(store, &id, true)))
        .await??;
    let page = ReportPage {
        signed_in: Some(Me {
            name: session.actor.name.clone(),
            csrf: session.csrf.clone(),
        }),
        shared: false,
        r: view(&loaded, &base),
        triage: loaded.triage.clone(),
        base,
        new_share,
        notice,
        can_write: session.allows(Scope::ReportsWrite),
        csrf: session.csrf.clone(),
        statuses: &TRIAGE,
        undelivered: loaded.stored.status == "undeliverable",
        shares: loaded
            .shares
            .iter()
            .map(|s| ShareView {
                id: s.id,
                prefix: s.prefix.clone(),
                created_by: s.created_by.clone(),
                created: times(s.created_at).0,
                revoked: s.revoked_at.is_some(),
            })
            .collect(),
        activity: loaded.activity.iter().map(ActivityView::of).collect(),
    };
    Ok(render(state, status, &page))
}

/// The report page again, with why a form was refused (422).
async fn refused(state: &AppState, session: &Session, id: String, notice: String) -> Page {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    team_page(state, session, id, status, Some(notice), None).await
}

/// `GET /app/reports/{id}`.
pub async fn page(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    let session = signed_in(state, req.headers()).await?;
    team_page(state, &session, id, StatusCode::OK, None, None).await
}

/// Redirects to a completed attachment's short-lived signed URL.
fn media_redirect(state: &AppState, base: &str, row: Option<MediaRow>) -> Page {
    let url = media::completed_url(state, row, base)?;
    Ok(response::redirect(&url))
}

/// `GET /app/reports/{id}/media/{name}`.
pub async fn media(state: &AppState, req: Request<Incoming>, id: String, name: String) -> Page {
    signed_in(state, req.headers()).await?;
    known(&id)?;
    let base = request_base(state, req.headers());
    let row = state
        .store
        .call(move |store| store.media(&id, &name))
        .await?;
    media_redirect(state, &base, row)
}

/// A document for the snapshot frame, with its own CSP (sandboxed, loads nothing), framable by
/// the app only.
fn frame(html: String) -> Page {
    let mut res = response::text(StatusCode::OK, "text/html; charset=utf-8", html);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(dom::CSP),
    );
    h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

/// The frame's document when the snapshot cannot be shown.
fn frame_notice(why: &str) -> Page {
    frame(dom::notice(why))
}

/// A report's DOM snapshot rebuilt as a document, or why it cannot be shown.
pub enum Snapshot {
    Html(String),
    Unavailable(String),
}

/// The report's snapshot rebuilt: inline in the report, or read back from the object store
/// when it travelled as an attachment (`dom.json`). `NotFound` when the report has none. The
/// report page's frame and the MCP server both read it through here.
pub async fn rebuilt_snapshot(state: &AppState, id: String) -> Result<Snapshot, AppError> {
    let unavailable = |why: &str| Ok(Snapshot::Unavailable(why.to_owned()));
    let stored = {
        let id = id.clone();
        state.store.call(move |store| store.get_report(&id)).await?
    }
    .ok_or(AppError::NotFound)?;
    let dom = parse(&stored)?.dom.ok_or(AppError::NotFound)?;
    if let Some(node) = &dom.node {
        let value = serde_json::to_value(node)
            .map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))?;
        return Ok(Snapshot::Html(dom::rebuild(&value)));
    }
    let name = dom.attachment.ok_or(AppError::NotFound)?;
    let row = state
        .store
        .call(move |store| store.media(&id, &name))
        .await?
        .filter(|m| m.state == MediaState::Complete)
        .ok_or(AppError::NotFound)?;
    if row.object.size > dom::MAX_REBUILD_BYTES {
        return unavailable("This snapshot is too large to rebuild here.");
    }
    let _turn = dom::REBUILDS.acquire().await;
    let bytes = match state.objects.read_verified(&row.object).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return unavailable("The snapshot in storage is missing or not what was sent."),
        Err(e) => {
            tracing::warn!(error = %e, "reading a DOM snapshot back failed");
            return unavailable("The object store did not answer; try again.");
        }
    };
    match dom::rebuild_stored(bytes).await {
        Ok(html) => Ok(Snapshot::Html(html)),
        Err(e) => Ok(Snapshot::Unavailable(format!(
            "This snapshot could not be rebuilt: {e}."
        ))),
    }
}

async fn snapshot_frame(state: &AppState, id: String) -> Page {
    match rebuilt_snapshot(state, id).await? {
        Snapshot::Html(html) => frame(html),
        Snapshot::Unavailable(why) => frame_notice(&why),
    }
}

/// `GET /app/reports/{id}/dom`.
pub async fn dom(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    signed_in(state, req.headers()).await?;
    known(&id)?;
    snapshot_frame(state, id).await
}

fn download(body: String, content_type: &'static str, name: &str) -> Page {
    let mut res = response::text(StatusCode::OK, content_type, body);
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// A report as Markdown, for a tracker or an agent; `link` is where the team reads it in the
/// app. Blocking.
pub fn report_markdown(store: &Store, id: &str, link: &str) -> Result<String, AppError> {
    let loaded = load(store, id, false)?;
    Ok(markdown_of(&loaded, &format!("/app/reports/{id}"), link))
}

fn markdown_of(loaded: &Loaded, base: &str, link: &str) -> String {
    export::markdown(&view(loaded, base), link)
}

/// `GET /app/reports/{id}/export.md` and `.json`.
pub async fn export(state: &AppState, req: Request<Incoming>, id: String, markdown: bool) -> Page {
    signed_in(state, req.headers()).await?;
    known(&id)?;
    let link = format!("{}/app/reports/{id}", request_base(state, req.headers()));
    let name = short(&id).to_owned();
    if markdown {
        let text = state
            .store
            .call(move |store| Ok(report_markdown(store, &id, &link)))
            .await??;
        return download(
            text,
            "text/markdown; charset=utf-8",
            &format!("report-{name}.md"),
        );
    }
    let doc = state
        .store
        .call(move |store| Ok(crate::admin::reports::document(store, &id)))
        .await??;
    download(
        pretty(&doc),
        "application/json",
        &format!("report-{name}.json"),
    )
}

fn pretty(doc: &serde_json::Value) -> String {
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// The last eight characters of an id or path, for file names.
fn short(text: &str) -> &str {
    let cut = text.len().saturating_sub(8);
    text.get(cut..).unwrap_or(text)
}

/// `POST /app/reports/{id}/triage` with `status`, `assignee` (empty: no one), `labels`
/// (comma-separated).
pub async fn triage(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    let (session, fields) = writer(state, req).await?;
    known(&id)?;
    let mut body = serde_json::Map::new();
    if let Some(status) = field(&fields, "status") {
        body.insert("status".into(), status.into());
    }
    if let Some(assignee) = field(&fields, "assignee") {
        let assignee = assignee.trim();
        body.insert(
            "assignee".into(),
            if assignee.is_empty() {
                serde_json::Value::Null
            } else {
                assignee.into()
            },
        );
    }
    if let Some(labels) = field(&fields, "labels") {
        let list: Vec<serde_json::Value> = labels
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Into::into)
            .collect();
        body.insert("labels".into(), list.into());
    }
    let change = match parse_change(&body, &[]) {
        Ok(change) => change,
        Err(e) => return refused(state, &session, id, AppError::from(e).to_string()).await,
    };
    let actor = session.actor.clone();
    let ids = vec![id.clone()];
    state
        .store
        .call(move |store| store.change_triage(&ids, &actor, &change))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other(&format!("/app/reports/{id}")))
}

/// `POST /app/reports/{id}/comments` with `body`.
pub async fn comment(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    let (session, fields) = writer(state, req).await?;
    known(&id)?;
    let text = field(&fields, "body").unwrap_or_default().trim().to_owned();
    if text.is_empty() || text.chars().count() > MAX_COMMENT_CHARS {
        let notice = format!("A comment is 1 to {MAX_COMMENT_CHARS} characters.");
        return refused(state, &session, id, notice).await;
    }
    let actor = session.actor.clone();
    let report = id.clone();
    state
        .store
        .call(move |store| store.add_comment(&report, &actor, &text))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other(&format!("/app/reports/{id}#h-activity")))
}

/// `POST /app/reports/{id}/shares`: makes a link and shows it, this once, on the page.
pub async fn share(state: &AppState, req: Request<Incoming>, id: String) -> Page {
    let base = request_base(state, req.headers());
    let (session, _) = writer(state, req).await?;
    known(&id)?;
    let actor = session.actor.clone();
    let report = id.clone();
    let (token, _) = state
        .store
        .call(move |store| store.create_share(&report, &actor))
        .await?
        .ok_or(AppError::NotFound)?;
    let link = shares::link(&base, &token);
    team_page(state, &session, id, StatusCode::OK, None, Some(link)).await
}

/// `POST /app/reports/{id}/shares/{share}/revoke`.
pub async fn unshare(state: &AppState, req: Request<Incoming>, id: String, share: String) -> Page {
    let (session, _) = writer(state, req).await?;
    known(&id)?;
    let share: i64 = share.parse().map_err(|_| AppError::NotFound)?;
    let actor = session.actor.clone();
    let report = id.clone();
    let revoked = state
        .store
        .call(move |store| store.revoke_share(&report, share, &actor))
        .await?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/app/reports/{id}#h-share")))
}

/// The report a share link opens.
async fn shared_id(state: &AppState, token: String) -> Result<String, AppError> {
    Ok(shares::shared_id(state, token).await?)
}

/// Share pages must not hand their URL (which holds the link's secret) to anyone.
fn no_referrer(mut res: hyper::Response<Body>) -> hyper::Response<Body> {
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// `GET /app/s/{token}`: the shared report, for anyone holding the link.
pub async fn shared_page(state: &AppState, token: String) -> Page {
    let base = format!("/app/s/{token}");
    let id = shared_id(state, token).await?;
    let loaded = state
        .store
        .call(move |store| Ok(load(store, &id, false)))
        .await??;
    let page = ReportPage {
        signed_in: None,
        shared: true,
        r: view(&loaded, &base),
        triage: None,
        base,
        new_share: None,
        notice: None,
        can_write: false,
        csrf: String::new(),
        statuses: &TRIAGE,
        shares: Vec::new(),
        activity: Vec::new(),
        undelivered: false,
    };
    Ok(no_referrer(render(state, StatusCode::OK, &page)))
}

/// `GET /app/s/{token}/media/{name}`.
pub async fn shared_media(
    state: &AppState,
    req: Request<Incoming>,
    token: String,
    name: String,
) -> Page {
    let base = request_base(state, req.headers());
    let id = shared_id(state, token).await?;
    let row = state
        .store
        .call(move |store| store.media(&id, &name))
        .await?;
    media_redirect(state, &base, row).map(no_referrer)
}

/// `GET /app/s/{token}/dom`.
pub async fn shared_dom(state: &AppState, token: String) -> Page {
    let id = shared_id(state, token).await?;
    snapshot_frame(state, id).await
}

/// `GET /app/s/{token}/export.md` and `.json`: what the share shows, nothing more.
pub async fn shared_export(state: &AppState, token: String, markdown: bool) -> Page {
    let base = format!("/app/s/{token}");
    let id = shared_id(state, token).await?;
    if markdown {
        let loaded = state
            .store
            .call(move |store| Ok(load(store, &id, false)))
            .await??;
        let text = markdown_of(&loaded, &base, "(shared report)");
        return download(text, "text/markdown; charset=utf-8", "report.md").map(no_referrer);
    }
    let doc = state
        .store
        .call(move |store| Ok(shares::document(store, &id)))
        .await??;
    download(pretty(&doc), "application/json", "report.json").map(no_referrer)
}
