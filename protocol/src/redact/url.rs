//! URL scrubbing: userinfo and sensitive query values are replaced; the rest of the URL (scheme,
//! host, path, other parameters, fragment) is kept so the report still says where it happened.

use super::headers::REDACTED;
use super::names::is_sensitive_param;
use super::{Counts, Redactor};

impl Redactor {
    /// Scrubs a URL (absolute or relative). Text that is not a URL is only pattern-scanned.
    pub fn url(&self, url: &str, counts: &mut Counts) -> String {
        let (before_query, query, fragment) = split(url);
        let mut out = String::with_capacity(url.len());
        out.push_str(&self.strip_userinfo(before_query, counts));
        if let Some(query) = query {
            out.push('?');
            out.push_str(&self.query(query, counts));
        }
        if let Some(fragment) = fragment {
            out.push('#');
            // OAuth implicit flows put tokens in the fragment as a query string.
            out.push_str(&if fragment.contains('=') {
                self.query(fragment, counts)
            } else {
                fragment.to_owned()
            });
        }
        self.text(&out, counts).into_owned()
    }

    fn strip_userinfo(&self, before_query: &str, counts: &mut Counts) -> String {
        let Some(scheme_end) = crate::search::find(before_query.as_bytes(), b"://") else {
            return before_query.to_owned();
        };
        let authority_start = scheme_end + 3;
        let authority_end = before_query[authority_start..]
            .find('/')
            .map_or(before_query.len(), |e| authority_start + e);
        let authority = &before_query[authority_start..authority_end];
        match authority.rfind('@') {
            Some(at) if &authority[..at] != REDACTED => {
                counts.add("url_userinfo");
                format!(
                    "{}{REDACTED}@{}",
                    &before_query[..authority_start],
                    &before_query[authority_start + at + 1..]
                )
            }
            _ => before_query.to_owned(),
        }
    }

    /// Replaces the values of sensitive parameters in `a=1&b=2`, keeping order and names.
    pub fn query(&self, query: &str, counts: &mut Counts) -> String {
        let mut out = String::with_capacity(query.len());
        for (k, part) in query.split('&').enumerate() {
            if k > 0 {
                out.push('&');
            }
            match part.split_once('=') {
                Some((name, value))
                    if !value.is_empty() && value != REDACTED && self.sensitive_param(name) =>
                {
                    out.push_str(name);
                    out.push('=');
                    out.push_str(REDACTED);
                    counts.add("url_param");
                }
                _ => out.push_str(part),
            }
        }
        out
    }

    fn sensitive_param(&self, raw_name: &str) -> bool {
        let decoded = percent_decode(raw_name);
        is_sensitive_param(&decoded, &self.extra_keys)
    }
}

fn split(url: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    match rest.split_once('?') {
        Some((b, q)) => (b, Some(q), fragment),
        None => (rest, None, fragment),
    }
}

/// Decodes `%XX` and `+` in a form or query name; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    if !s.contains(['%', '+']) {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
