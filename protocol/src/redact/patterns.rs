//! Secret shapes found anywhere in free text, in one pass and without a regex engine.
//!
//! The scanner jumps from word to word (a word is a run of `[A-Za-z0-9_-]`); only at a word's
//! first byte does it look closer, dispatching on that byte to small validators with checksums
//! where the format has one (Luhn for cards, mod 97 for IBANs). Clean prose and data therefore
//! cost about one table lookup per byte, and the engine stays small enough to ship in the wasm.

use super::names::{KeyClass, classify_bytes};
use crate::search::find;

/// One secret found in a text: the byte range to replace and the rule that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub rule: &'static str,
}

/// Optional rules, off by default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub emails: bool,
    pub ip_addresses: bool,
}

const WORD: u8 = 1;
const B64: u8 = 2; // base64 / base64url / token characters beyond word bytes: . + / = ~

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
            t[i] = WORD | B64;
        } else if matches!(c, b'.' | b'+' | b'/' | b'=' | b'~') {
            t[i] = B64;
        }
        i += 1;
    }
    t
};

/// A byte of a word (`[A-Za-z0-9_-]`).
#[inline]
pub(super) fn is_word(c: u8) -> bool {
    CLASS[c as usize] & WORD != 0
}

#[inline]
fn is_token(c: u8) -> bool {
    CLASS[c as usize] != 0
}

fn run(b: &[u8], mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && pred(b[i]) {
        i += 1;
    }
    i
}

/// True when the byte at `i` (if any) does not continue a word.
fn boundary(b: &[u8], i: usize) -> bool {
    i >= b.len() || !is_word(b[i])
}

/// Word positions of a text, 64 bytes at a time: finding where words start and end is then
/// bit arithmetic rather than a mispredicted branch at every boundary.
struct WordMask<'a> {
    b: &'a [u8],
    base: usize,
    mask: u64,
}

impl<'a> WordMask<'a> {
    fn new(b: &'a [u8]) -> Self {
        let mut m = WordMask {
            b,
            base: usize::MAX,
            mask: 0,
        };
        m.load(0);
        m
    }

    /// Makes the loaded chunk start at `pos`. Bytes past the end count as non-word.
    fn load(&mut self, pos: usize) {
        let chunk = &self.b[pos.min(self.b.len())..(pos + 64).min(self.b.len())];
        self.base = pos;
        self.mask = word_mask(chunk);
    }

    fn bits_from(&mut self, pos: usize) -> u64 {
        if pos < self.base || pos >= self.base + 64 {
            self.load(pos);
        }
        self.mask >> (pos - self.base)
    }

    /// First word byte at or after `pos`.
    fn next_word(&mut self, mut pos: usize) -> Option<usize> {
        while pos < self.b.len() {
            let bits = self.bits_from(pos);
            if bits != 0 {
                return Some(pos + bits.trailing_zeros() as usize);
            }
            pos = self.base + 64;
        }
        None
    }

    /// First non-word byte at or after `pos` (or the end of the text).
    fn word_end(&mut self, mut pos: usize) -> usize {
        while pos < self.b.len() {
            let bits = !self.bits_from(pos);
            // `bits_from` leaves `base <= pos < base + 64`; zeros shifted in at the top are not
            // word ends, so only the first `valid` bits count.
            let valid = 64 - (pos - self.base);
            let tz = bits.trailing_zeros() as usize;
            if tz < valid {
                return (pos + tz).min(self.b.len());
            }
            pos = self.base + 64;
        }
        self.b.len()
    }
}

/// Bit `k` set when `chunk[k]` (k < 64) is a word byte.
fn word_mask(chunk: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if chunk.len() == 64 {
        return sse2::word_mask64(chunk.try_into().expect("64 bytes"));
    }
    word_mask_scalar(chunk)
}

fn word_mask_scalar(chunk: &[u8]) -> u64 {
    let mut mask = 0u64;
    for (k, &c) in chunk.iter().enumerate().take(64) {
        mask |= ((CLASS[c as usize] & WORD) as u64) << k;
    }
    mask
}

/// The same classification as [`CLASS`]'s `WORD` bit, sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    pub fn word_mask64(chunk: &[u8; 64]) -> u64 {
        let mut mask = 0u64;
        for (k, block) in chunk.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is part of the x86_64 baseline, and `block` is exactly 16 readable
            // bytes (an unaligned load is used).
            let bits = unsafe { word_bits16(block.as_ptr()) };
            mask |= (bits as u64) << (16 * k);
        }
        mask
    }

    /// `[A-Za-z0-9_-]` as a 16-bit mask. Bytes >= 0x80 are negative as signed bytes, so every
    /// range test below is false for them, as in the scalar table.
    #[target_feature(enable = "sse2")]
    unsafe fn word_bits16(p: *const u8) -> u32 {
        let c = unsafe { _mm_loadu_si128(p as *const __m128i) };
        let lower = _mm_or_si128(c, _mm_set1_epi8(0x20));
        let alpha = _mm_and_si128(
            _mm_cmpgt_epi8(lower, _mm_set1_epi8(b'a' as i8 - 1)),
            _mm_cmpgt_epi8(_mm_set1_epi8(b'z' as i8 + 1), lower),
        );
        let digit = _mm_and_si128(
            _mm_cmpgt_epi8(c, _mm_set1_epi8(b'0' as i8 - 1)),
            _mm_cmpgt_epi8(_mm_set1_epi8(b'9' as i8 + 1), c),
        );
        let punct = _mm_or_si128(
            _mm_cmpeq_epi8(c, _mm_set1_epi8(b'_' as i8)),
            _mm_cmpeq_epi8(c, _mm_set1_epi8(b'-' as i8)),
        );
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), punct)) as u32
    }
}

/// Appends every secret in `text` to `out`, in order and without overlaps.
///
/// `urls` receives the position of every `://` that follows a word (a URL's scheme), for the
/// URL rules ([`super::url::secrets_in_text`]): noting them here costs one byte comparison per
/// word instead of another pass over the text.
pub fn scan(text: &str, options: Options, out: &mut Vec<Found>, urls: &mut Vec<usize>) {
    let b = text.as_bytes();
    let first = out.len();
    let mut words = WordMask::new(b);
    let mut i = 0;
    while let Some(start) = words.next_word(i) {
        let end = words.word_end(start);
        if b.get(end) == Some(&b':') && b[end..].starts_with(b"://") {
            urls.push(end);
        }
        match at_word(b, start, end) {
            Some(found) => {
                i = found.end.max(start + 1);
                out.push(found);
            }
            None => i = end,
        }
    }
    if options.emails || options.ip_addresses {
        let mut extra = Vec::new();
        if options.emails {
            emails(b, &mut extra);
        }
        if options.ip_addresses {
            ip_addresses(text, &mut extra);
        }
        merge(out, first, extra);
    }
}

/// Adds `extra` to `out[first..]`, keeping order and dropping anything overlapping a match.
pub(super) fn merge(out: &mut Vec<Found>, first: usize, extra: Vec<Found>) {
    if extra.is_empty() {
        return;
    }
    let mut all: Vec<Found> = out.drain(first..).chain(extra).collect();
    all.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut last_end = 0;
    for f in all {
        if f.start >= last_end {
            last_end = f.end;
            out.push(f);
        }
    }
}

/// Checks the word `b[i..end]` (and what follows it) against every rule that can start there.
fn at_word(b: &[u8], i: usize, end: usize) -> Option<Found> {
    let word = &b[i..end];
    let len = word.len();
    let found = |e: usize, rule| {
        Some(Found {
            start: i,
            end: e,
            rule,
        })
    };
    let starts = |p: &[u8]| word.starts_with(p);
    // Every check is gated on the word's length first: ordinary words are short, and most
    // secret shapes are long, so prose never reaches a prefix comparison. The only short
    // starts are `Bearer` (6), `SG` (2) and a PEM header's dashes.
    let may_start_shape = len >= 10 || len == 6 || len == 2 || b[i] == b'-';
    match b[i] {
        _ if !may_start_shape => {}
        b'-' if b[i..].starts_with(b"-----BEGIN ") => return pem(b, i),
        b'e' if len >= 10 && starts(b"eyJ") => {
            if let Some(e) = jwt(b, i) {
                return found(e, "jwt");
            }
        }
        b'B' | b'b' if len == 6 && word.eq_ignore_ascii_case(b"bearer") => {
            if let Some(f) = bearer(b, end) {
                return Some(f);
            }
        }
        b'A' if len == 20 || len == 39 => {
            if len == 20
                && [
                    &b"AKIA"[..],
                    b"ASIA",
                    b"AGPA",
                    b"AIDA",
                    b"AROA",
                    b"ANPA",
                    b"ANVA",
                    b"AIPA",
                ]
                .iter()
                .any(|p| word.starts_with(p))
                && word[4..]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(c))
            {
                return found(end, "aws_access_key_id");
            }
            if len == 39 && starts(b"AIza") {
                return found(end, "google_api_key");
            }
        }
        b'g' if len >= 25 => {
            let classic = [&b"ghp_"[..], b"gho_", b"ghu_", b"ghs_", b"ghr_"];
            if len == 40 && classic.iter().any(|p| word.starts_with(p)) && alnum(&word[4..]) {
                return found(end, "github_token");
            }
            if starts(b"github_pat_") && len >= 11 + 70 {
                return found(end, "github_token");
            }
            let gitlab = [&b"glpat-"[..], b"glptt-", b"glrt-", b"gldt-", b"gloas-"];
            if let Some(p) = gitlab.iter().find(|p| word.starts_with(p))
                && len >= p.len() + 20
            {
                return found(end, "gitlab_token");
            }
        }
        b'x' if len >= 15 => {
            let slack = starts(b"xapp-")
                || (starts(b"xox") && b"abposr".contains(&word[3]) && word[4] == b'-');
            if slack {
                return found(end, "slack_token");
            }
        }
        b's' | b'r' if len >= 24 => {
            let stripe = [&b"sk_live_"[..], b"rk_live_", b"sk_test_", b"rk_test_"];
            if let Some(p) = stripe.iter().find(|p| word.starts_with(p))
                && alnum(&word[p.len()..])
            {
                return found(end, "stripe_key");
            }
            if starts(b"sk-ant-") && len >= 7 + 32 {
                return found(end, "anthropic_key");
            }
            if starts(b"sk-") && len >= 3 + 32 && has_digit_and_letter(&word[3..]) {
                return found(end, "openai_key");
            }
        }
        b'n' if len == 40 && starts(b"npm_") && alnum(&word[4..]) => {
            return found(end, "npm_token");
        }
        b'S' if len == 2 || len == 34 => {
            if word == b"SG" {
                if let Some(e) = sendgrid(b, end) {
                    return found(e, "sendgrid_key");
                }
            } else if starts(b"SK") && word[2..].iter().all(u8::is_ascii_hexdigit) {
                return found(end, "twilio_key");
            }
        }
        _ => {}
    }
    if b[i].is_ascii_digit() {
        if let Some(e) = card(b, i) {
            return found(e, "card_number");
        }
    } else if b[i].is_ascii_uppercase()
        && let Some(e) = iban(b, i)
    {
        return found(e, "iban");
    }
    pair(b, i, end)
}

fn alnum(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_alphanumeric)
}

fn has_digit_and_letter(s: &[u8]) -> bool {
    s.iter().any(u8::is_ascii_digit) && s.iter().any(u8::is_ascii_alphabetic)
}

fn b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// `eyJ…` header `.` `eyJ…` payload `.` signature (possibly empty for `alg: none`).
fn jwt(b: &[u8], i: usize) -> Option<usize> {
    let h = run(b, i, b64url);
    if h - i < 10 || b.get(h) != Some(&b'.') || !b[h + 1..].starts_with(b"eyJ") {
        return None;
    }
    let p = run(b, h + 1, b64url);
    if p - (h + 1) < 10 || b.get(p) != Some(&b'.') {
        return None;
    }
    let s = run(b, p + 1, b64url);
    Some(if s > p + 1 { s } else { p + 1 })
}

/// `Bearer <token>`: the token (not the word) is replaced, across a line break if logs split it.
fn bearer(b: &[u8], word_end: usize) -> Option<Found> {
    let start = run(b, word_end, |c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
    if start == word_end || start - word_end > 4 {
        return None;
    }
    let body = run(b, start, |c| is_token(c) && c != b'=');
    let end = run(b, body, |c| c == b'=');
    let token = &b[start..body];
    let long = token.len() >= 16;
    let short_but_coded = token.len() >= 8 && has_digit_and_letter(token);
    if (long || short_but_coded) && !token.starts_with(b"[REDACTED") {
        Some(Found {
            start,
            end,
            rule: "bearer",
        })
    } else {
        None
    }
}

/// A PEM private-key block, from `-----BEGIN … PRIVATE KEY…-----` to its END line (or to the
/// end of the text when the block was cut off).
fn pem(b: &[u8], i: usize) -> Option<Found> {
    let label_start = i + "-----BEGIN ".len();
    let label_end = label_start + find(&b[label_start..(label_start + 60).min(b.len())], b"-----")?;
    let label = &b[label_start..label_end];
    find(label, b"PRIVATE KEY")?;
    let after = label_end + 5;
    let end = match find(&b[after..], b"-----END ") {
        Some(e) => {
            let end_line = after + e + "-----END ".len();
            find(&b[end_line..], b"-----").map_or(b.len(), |x| end_line + x + 5)
        }
        None => b.len(),
    };
    Some(Found {
        start: i,
        end,
        rule: "private_key",
    })
}

/// `SG.` + 22 + `.` + 43 characters.
fn sendgrid(b: &[u8], sg_end: usize) -> Option<usize> {
    if b.get(sg_end) != Some(&b'.') {
        return None;
    }
    let a = run(b, sg_end + 1, b64url);
    if a - (sg_end + 1) != 22 || b.get(a) != Some(&b'.') {
        return None;
    }
    let c = run(b, a + 1, b64url);
    (c - (a + 1) == 43).then_some(c)
}

/// 13–19 digits, optionally grouped by single spaces or dashes, with a known card prefix and a
/// valid Luhn checksum. Longer digit runs (ids, UUIDs) are not cards.
fn card(b: &[u8], i: usize) -> Option<usize> {
    let mut digits = [0u8; 19];
    let mut n = 0;
    let mut j = i;
    let mut sep = None;
    while let Some(&c) = b.get(j) {
        if c.is_ascii_digit() {
            if n == 19 {
                return None;
            }
            digits[n] = c - b'0';
            n += 1;
            j += 1;
            continue;
        }
        let next_is_digit = b.get(j + 1).is_some_and(u8::is_ascii_digit);
        if matches!(c, b' ' | b'-') && next_is_digit && sep.is_none_or(|s| s == c) {
            sep = Some(c);
            j += 1;
            continue;
        }
        break;
    }
    if !(13..=19).contains(&n) || !boundary(b, j) {
        return None;
    }
    let d = &digits[..n];
    (card_prefix_ok(d) && luhn(d)).then_some(j)
}

fn card_prefix_ok(d: &[u8]) -> bool {
    let prefix = |k: usize| d[..k].iter().fold(0u32, |acc, &x| acc * 10 + x as u32);
    let len = d.len();
    let (p2, p3, p4) = (prefix(2), prefix(3), prefix(4));
    (d[0] == 4 && matches!(len, 13 | 16 | 19))
        || (((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16)
        || (matches!(p2, 34 | 37) && len == 15)
        || ((p4 == 6011 || p2 == 65 || (644..=649).contains(&p3)) && (16..=19).contains(&len))
        || ((3528..=3589).contains(&p4) && (16..=19).contains(&len))
        || (((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len))
        || (p2 == 62 && (16..=19).contains(&len))
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &x)| {
            let x = x as u32;
            if k % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// IBAN lengths by country (the SEPA area and other common ones).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VG", 24),
    (b"XK", 20),
];

/// Country code, two check digits and the account part, compact or in groups of four
/// separated by single spaces; the length must fit the country and mod 97 must be 1.
fn iban(b: &[u8], i: usize) -> Option<usize> {
    // Shape first (two letters, two digits), then the country table; no allocation.
    let head = b.get(i..i + 4)?;
    if !(head[1].is_ascii_uppercase() && head[2].is_ascii_digit() && head[3].is_ascii_digit()) {
        return None;
    }
    let &(_, len) = IBAN_LENGTHS.iter().find(|(c, _)| c[..] == head[..2])?;
    let mut chars = [0u8; 34];
    let mut n = 0;
    let mut j = i;
    while n < len {
        let c = *b.get(j)?;
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            chars[n] = c;
            n += 1;
            j += 1;
        } else if c == b' ' && n % 4 == 0 && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        } else {
            return None;
        }
    }
    if !boundary(b, j) {
        return None;
    }
    let chars = &chars[..n];
    let mut rem = 0u32;
    for &c in chars[4..].iter().chain(&chars[..4]) {
        rem = if c.is_ascii_digit() {
            (rem * 10 + (c - b'0') as u32) % 97
        } else {
            (rem * 100 + (c - b'A' + 10) as u32) % 97
        };
    }
    (rem == 1).then_some(j)
}

/// `password=…`, `"api_key": "…"`, `token: …`: a sensitive name followed by `=` or `:` and a
/// value. Only the value is replaced.
fn pair(b: &[u8], i: usize, end: usize) -> Option<Found> {
    let word = &b[i..end];
    // Sensitive names are 3-48 characters and never start with a digit.
    if word.len() < 3 || word.len() > 48 || word[0].is_ascii_digit() {
        return None;
    }
    // Cheap test first: is the word followed by `=` or `:` at all?
    let mut j = end;
    if matches!(b.get(j), Some(b'"' | b'\'')) {
        j += 1;
    }
    j = run(b, j, |c| c == b' ' || c == b'\t');
    let sep = *b.get(j)?;
    if sep != b'=' && sep != b':' {
        return None;
    }
    if sep == b':' && b[j..].starts_with(b"://") {
        return None;
    }
    let class = classify_bytes(word, &[]);
    if class == KeyClass::Plain {
        return None;
    }
    let mut v = run(b, j + 1, |c| c == b' ' || c == b'\t');
    let quote = match b.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            v += 1;
            Some(q)
        }
        _ => None,
    };
    let limit = (v + 1024).min(b.len());
    let value_end = match quote {
        Some(q) => {
            let mut k = v;
            while k < limit && b[k] != q {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            k.min(limit)
        }
        None => run(&b[..limit], v, |c| {
            !c.is_ascii_whitespace()
                && !matches!(
                    c,
                    b'&' | b',' | b';' | b')' | b'}' | b']' | b'"' | b'\'' | b'<' | b'>'
                )
        }),
    };
    let value = &b[v..value_end];
    // `Authorization: Bearer abc…`: the scheme word is kept and the credential after it goes.
    if quote.is_none() && is_auth_scheme(value) {
        let t = run(b, value_end, |c| c == b' ' || c == b'\t');
        let t_end = run(b, t, is_token);
        if t > value_end && t_end > t && !b[t..].starts_with(b"[REDACTED") {
            let rule = if value.eq_ignore_ascii_case(b"bearer") {
                "bearer"
            } else {
                "secret_pair"
            };
            return Some(Found {
                start: t,
                end: t_end,
                rule,
            });
        }
        return None;
    }
    let harmless = value.is_empty()
        || value.starts_with(b"[REDACTED")
        || matches!(value, b"null" | b"true" | b"false" | b"undefined" | b"None")
        || (class == KeyClass::TextOnly && value.iter().all(|c| c.is_ascii_digit() || *c == b'.'));
    if harmless {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    let has = |n: &[u8]| find(&lower, n).is_some();
    let rule = if has(b"aws") && has(b"secret") {
        "aws_secret_access_key"
    } else {
        "secret_pair"
    };
    Some(Found {
        start: v,
        end: value_end,
        rule,
    })
}

fn is_auth_scheme(word: &[u8]) -> bool {
    [
        &b"bearer"[..],
        b"basic",
        b"token",
        b"digest",
        b"negotiate",
        b"apikey",
    ]
    .iter()
    .any(|s| word.eq_ignore_ascii_case(s))
}

fn emails(b: &[u8], out: &mut Vec<Found>) {
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
    for at in b
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b'@')
        .map(|(k, _)| k)
    {
        let mut s = at;
        while s > 0 && local(b[s - 1]) {
            s -= 1;
        }
        let mut e = run(b, at + 1, domain);
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let host = &b[at + 1..e];
        let tld_ok = host
            .rsplit(|&c| c == b'.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.iter().all(u8::is_ascii_alphabetic));
        if s < at && host.contains(&b'.') && tld_ok {
            out.push(Found {
                start: s,
                end: e,
                rule: "email",
            });
        }
    }
}

fn ip_addresses(text: &str, out: &mut Vec<Found>) {
    let b = text.as_bytes();
    let cand = |c: u8| c.is_ascii_hexdigit() || c == b'.' || c == b':';
    let mut i = 0;
    while i < b.len() {
        if !cand(b[i]) || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let mut e = run(b, i, cand);
        while e > i && b[e - 1] == b'.' {
            e -= 1;
        }
        let s = &b[i..e];
        let ok = boundary(b, e) && (super::ip::is_ipv4(s) || super::ip::is_ipv6(s));
        if ok {
            out.push(Found {
                start: i,
                end: e,
                rule: "ip_address",
            });
        }
        i = e.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_word_mask_agrees_with_the_table_on_every_byte() {
        let all: Vec<u8> = (0..=255u8).collect();
        for window in all.windows(64).chain([&all[192..]]) {
            assert_eq!(word_mask(window), word_mask_scalar(window), "{window:?}");
        }
        let mut x = 0x2545f4914f6cdd1du64;
        for _ in 0..2000 {
            let chunk: Vec<u8> = (0..64)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert_eq!(word_mask(&chunk), word_mask_scalar(&chunk));
        }
    }

    fn rules(text: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        scan(text, Options::default(), &mut out, &mut Vec::new());
        out.iter()
            .map(|f| (f.rule, text[f.start..f.end].to_owned()))
            .collect()
    }

    #[test]
    fn luhn_and_prefixes() {
        assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
        assert_eq!(
            rules("card 4111 1111 1111 1111."),
            [("card_number", "4111 1111 1111 1111".into())]
        );
        assert_eq!(
            rules("378282246310005"),
            [("card_number", "378282246310005".into())],
            "at the very end"
        );
        assert!(
            rules("order 1111 1111 1111 1117").is_empty(),
            "no card starts with 1"
        );
        assert!(
            rules("4111 1111-1111 1111").is_empty(),
            "mixed separators are not one number"
        );
    }

    #[test]
    fn pair_values_only() {
        assert_eq!(
            rules("password=hunter2&x=1"),
            [("secret_pair", "hunter2".into())]
        );
        assert_eq!(
            rules(r#"{"api_key": "abc\"def"}"#),
            [("secret_pair", r#"abc\"def"#.into())]
        );
        assert!(rules("max_tokens=256").is_empty());
        assert!(rules("token://x").is_empty(), "a URL scheme is not a pair");
    }
}
