//! The page at `/`: paste text or drop a page, see the title and metadata, the main text with
//! entities and words marked, the removed blocks in place with their kind and reason, and the
//! time of each stage. Three static files compiled into the binary: no CDN, no build step.
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

const HTML: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/page.css");
const JS: &str = include_str!("page/page.js");

/// Scripts and styles only from this server, nothing inline, no frames.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The files change with the binary: revalidate rather than keep a stale copy.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// GET /
pub async fn html() -> Response {
    let mut r = asset(HTML, "text/html; charset=utf-8");
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    r
}

/// GET /page.css
pub async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

/// GET /page.js
pub async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}
