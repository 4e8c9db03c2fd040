//! URL scrubbing: userinfo and sensitive query values are replaced; the rest of the URL (scheme,
//! host, path, other parameters, fragment) is kept so the report still says where it happened.

use super::headers::REDACTED;
use super::names::is_sensitive_param;
use super::patterns::Found;
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

/// The secrets of URLs inside free text (a console message, an error, a body, the user's
/// words, the DOM's text): for each `://` at `marks` (ascending), the URL's userinfo
/// (`url_userinfo`) and the values of its sensitive query and fragment parameters
/// (`url_param`), in text order. A URL ends at whitespace, a quote, `<`, `>`, a backtick or a
/// backslash (where it sits inside an escaped string). Values already replaced are left alone,
/// so running the rules over their own output finds nothing.
pub fn secrets_in_text(b: &[u8], marks: &[usize], extra_keys: &[String], out: &mut Vec<Found>) {
    let mut done = 0;
    for &mark in marks {
        let start = mark + 3;
        if start < done {
            continue; // inside the URL just handled
        }
        let end = start
            + b[start..]
                .iter()
                .position(|&c| {
                    c.is_ascii_whitespace()
                        || c.is_ascii_control()
                        || matches!(c, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\')
                })
                .unwrap_or(b.len() - start);
        done = end;
        let url = &b[start..end];
        let authority_end = url
            .iter()
            .position(|&c| matches!(c, b'/' | b'?' | b'#'))
            .unwrap_or(url.len());
        if let Some(at) = url[..authority_end].iter().rposition(|&c| c == b'@')
            && at > 0
            && !url.starts_with(b"[REDACTED")
        {
            out.push(Found {
                start,
                end: start + at,
                rule: "url_userinfo",
            });
        }
        let rest = &url[authority_end..];
        let (before_fragment, fragment) = match rest.iter().position(|&c| c == b'#') {
            Some(h) => (&rest[..h], Some(h + 1)),
            None => (rest, None),
        };
        let base = start + authority_end;
        if let Some(q) = before_fragment.iter().position(|&c| c == b'?') {
            params(
                b,
                base + q + 1,
                base + before_fragment.len(),
                extra_keys,
                out,
            );
        }
        // OAuth implicit flows put tokens in the fragment as a query string.
        if let Some(f) = fragment {
            params(b, base + f, end, extra_keys, out);
        }
    }
}

/// Where `://` follows a word byte: the marks [`super::patterns::scan`] notes, for a text it
/// did not scan.
pub fn marks(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = crate::search::find(&b[from..], b"://") {
        let at = from + p;
        if at > 0 && super::patterns::is_word(b[at - 1]) {
            out.push(at);
        }
        from = at + 3;
    }
    out
}

/// Sensitive values of the `a=1&b=2` in `b[from..to]`.
fn params(b: &[u8], from: usize, to: usize, extra_keys: &[String], out: &mut Vec<Found>) {
    let mut i = from;
    while i < to {
        let part_end = b[i..to]
            .iter()
            .position(|&c| c == b'&')
            .map_or(to, |p| i + p);
        if let Some(eq) = b[i..part_end].iter().position(|&c| c == b'=') {
            let (name, value) = (&b[i..i + eq], &b[i + eq + 1..part_end]);
            if !value.is_empty()
                && !value.starts_with(b"[REDACTED")
                && is_sensitive_param(&percent_decode(&String::from_utf8_lossy(name)), extra_keys)
            {
                out.push(Found {
                    start: i + eq + 1,
                    end: part_end,
                    rule: "url_param",
                });
            }
        }
        i = part_end + 1;
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
