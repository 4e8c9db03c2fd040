//! The app's stylesheet and script, built into the binary.

use hyper::StatusCode;

use super::{AppError, Page};
use crate::http::response;

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");

/// `GET /app/assets/{name}`.
pub fn serve(name: &str) -> Page {
    let (content_type, body) = match name {
        "app.css" => ("text/css; charset=utf-8", CSS),
        "app.js" => ("text/javascript; charset=utf-8", JS),
        _ => return Err(AppError::NotFound),
    };
    Ok(response::text(
        StatusCode::OK,
        content_type,
        body.to_owned(),
    ))
}
