//! Whether a run of text is an IP address, for the `ip_address` rule. The same answers as
//! `str::parse::<Ipv4Addr>()` and `::<Ipv6Addr>()` (a test holds them to std on every shape of
//! candidate), without std's generic address parser, which is a lot of the reporter's wasm
//! for two yes-or-no questions.

use crate::search::find;

/// `a.b.c.d`: four decimal octets of at most 255, none with a leading zero (std reads `01` as
/// ambiguous octal, and refuses it).
pub fn is_ipv4(s: &[u8]) -> bool {
    let mut octets = 0;
    for octet in s.split(|&c| c == b'.') {
        octets += 1;
        let digits = octet.len();
        if octets > 4
            || !(1..=3).contains(&digits)
            || !octet.iter().all(u8::is_ascii_digit)
            || (digits > 1 && octet[0] == b'0')
            || octet.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')) > 255
        {
            return false;
        }
    }
    octets == 4
}

/// Eight groups of one to four hex digits, or fewer with one `::` standing for the zero groups
/// left out (at least one); the last two groups may be written as an IPv4 address.
pub fn is_ipv6(s: &[u8]) -> bool {
    match find(s, b"::") {
        None => groups(s, true) == Some(8),
        Some(at) => {
            let (head, tail) = (&s[..at], &s[at + 2..]);
            let head = if head.is_empty() {
                Some(0)
            } else {
                groups(head, false)
            };
            let tail = if tail.is_empty() {
                Some(0)
            } else {
                groups(tail, true)
            };
            matches!((head, tail), (Some(h), Some(t)) if h + t <= 7)
        }
    }
}

/// How many 16-bit groups `s` (`:`-separated) holds, or `None` when one is not a group. With
/// `ends`, the last may be an IPv4 address, which counts two.
fn groups(s: &[u8], ends: bool) -> Option<usize> {
    let mut count = 0;
    let mut parts = s.split(|&c| c == b':').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if ends && last && part.contains(&b'.') {
            return is_ipv4(part).then_some(count + 2);
        }
        if !(1..=4).contains(&part.len()) || !part.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        count += 1;
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn agree(s: &str) {
        assert_eq!(
            is_ipv4(s.as_bytes()),
            s.parse::<Ipv4Addr>().is_ok(),
            "IPv4 {s:?}"
        );
        assert_eq!(
            is_ipv6(s.as_bytes()),
            s.parse::<Ipv6Addr>().is_ok(),
            "IPv6 {s:?}"
        );
    }

    #[test]
    fn known_addresses_and_near_misses() {
        for s in [
            "1.2.3.4",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1234.1.1.1",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "1::2::3",
            ":::",
            "1:::2",
            ":1::2",
            "1:",
            "::1.2.3.4",
            "::ffff:192.168.0.1",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5::1.2.3.4",
            "1:2:3:4:5:6::1.2.3.4",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1.2.3.4::",
            "1.2.3.4::1",
            "::1.2.3.4:5",
            "::1.2.3.1234",
            "12345::",
            "abcd:ef01::",
            "ABCD::0",
            "fe80::1",
            "2001:db8:85a3::8a2e:370:7334",
            "::1.2.3",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1::3:4:5:6:7:8",
            "::01.2.3.4",
            "0::0.0.0.0",
            "",
            ".",
            ":",
        ] {
            agree(s);
        }
    }

    /// Every string of up to five symbols from an alphabet that covers each case the parsers
    /// branch on, then random ones of up to twelve.
    #[test]
    fn agrees_with_std_on_every_shape() {
        const ALPHABET: &[&str] = &[
            "1", "0", "25", "192", "256", "ff", "F", "abcd", "12345", ".", ":", "::", "1.2.3.4",
        ];
        let mut level = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &level {
                agree(s);
                next.extend(ALPHABET.iter().map(|a| format!("{s}{a}")));
            }
            level = next;
        }
        level.iter().for_each(|s| agree(s));
        let mut x = 0x9e3779b97f4a7c15u64;
        for _ in 0..200_000 {
            let mut s = String::new();
            let len = (x % 12) as usize + 1;
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(ALPHABET[(x % ALPHABET.len() as u64) as usize]);
            }
            agree(&s);
        }
    }
}
