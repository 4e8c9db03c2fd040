//! The app's pages: askama templates under `relay/templates/app/`, checked at compile time and
//! HTML-escaped by default (no value is ever marked safe).

use askama::Template;

use super::view::{ActivityView, ReportView};
use crate::store::Triage;

/// The signed-in reader, for the header's sign-out form.
pub struct Me {
    pub name: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "app/sign_in.html")]
pub struct SignIn {
    pub signed_in: Option<Me>,
    pub shared: bool,
    pub message: Option<String>,
    pub next: String,
}

#[derive(Template)]
#[template(path = "app/error.html")]
pub struct ErrorPage {
    pub signed_in: Option<Me>,
    pub shared: bool,
    pub heading: String,
    pub message: String,
}

/// A page that reloads itself, so a link followed from another site (which a `SameSite=Strict`
/// cookie does not accompany) arrives signed in.
#[derive(Template)]
#[template(path = "app/refresh.html")]
pub struct Refresh;

pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// The filter form's values, as the reader typed them.
#[derive(Default)]
pub struct Filters {
    pub q: String,
    pub project: String,
    pub environment: String,
    pub url: String,
    pub reporter: String,
    pub category: String,
    pub assignee: String,
    pub label: String,
    pub has_errors: String,
    pub since: String,
    pub until: String,
    /// Whether any filter (not the search) is set: the filter panel opens.
    pub any_set: bool,
}

pub struct Row {
    pub id: String,
    pub href: String,
    pub title: String,
    pub page_url: String,
    pub reporter: String,
    pub received: String,
    pub received_iso: String,
    pub errors: i64,
    pub failed: i64,
    pub status: String,
    pub assignee: Option<String>,
    pub labels: Vec<String>,
    pub thumb: Option<String>,
    /// Its delivery was retried past the horizon (a dead letter).
    pub undelivered: bool,
}

#[derive(Template)]
#[template(path = "app/inbox.html")]
pub struct Inbox {
    pub signed_in: Option<Me>,
    pub shared: bool,
    pub tabs: Vec<Tab>,
    pub status_param: Option<String>,
    pub filters: Filters,
    pub environments: Vec<(&'static str, &'static str)>,
    pub error_choices: Vec<(&'static str, &'static str)>,
    pub clear_href: String,
    pub problem: Option<String>,
    pub rows: Vec<Row>,
    pub csrf: String,
    pub back: String,
    pub can_write: bool,
    pub statuses: &'static [&'static str],
    pub first_page: bool,
    pub first_href: String,
    pub next_href: Option<String>,
}

pub struct ShareView {
    pub id: i64,
    pub prefix: String,
    pub created_by: String,
    pub created: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "app/report.html")]
pub struct ReportPage {
    pub signed_in: Option<Me>,
    pub shared: bool,
    pub r: ReportView,
    pub triage: Option<Triage>,
    /// This report's path in the app (`/app/reports/{id}` or `/app/s/{token}`).
    pub base: String,
    pub new_share: Option<String>,
    pub notice: Option<String>,
    pub can_write: bool,
    pub csrf: String,
    pub statuses: &'static [&'static str],
    pub shares: Vec<ShareView>,
    pub activity: Vec<ActivityView>,
    /// The team's page of a dead letter: delivery was retried past the horizon.
    pub undelivered: bool,
}
