//! Which address a request comes from. Forwarding headers are trusted only when the TCP peer
//! is one of the operator's proxies; otherwise anyone could pick their own rate-limit bucket by
//! sending `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use hyper::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`) or single addresses (`127.0.0.1`).
    pub fn parse(entries: &[String]) -> Result<TrustedProxies, String> {
        entries
            .iter()
            .map(|e| {
                e.parse::<IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("trusted proxy {e:?} is not an IP address or CIDR"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client address: the socket peer, unless the peer is a trusted proxy, in which case
    /// the nearest untrusted hop named in `Forwarded` or `X-Forwarded-For` (read right to left).
    pub fn client_ip(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer.ip());
        if !self.contains(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        for hop in hops.iter().rev() {
            if !self.contains(*hop) {
                return *hop;
            }
        }
        // Every hop is a proxy of ours (or there were none): the leftmost is the best we know.
        hops.first().copied().unwrap_or(peer)
    }
}

/// Addresses from `Forwarded: for=…` if present, else from `X-Forwarded-For`, left to right.
/// Unparseable entries end the list there: what stands left of garbage cannot be trusted.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let mut out = Vec::new();
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            let Some(value) = element
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case("for"))
                .map(|(_, v)| v.trim().trim_matches('"'))
            else {
                continue;
            };
            match parse_node(value) {
                Some(ip) => out.push(ip),
                None => out.clear(),
            }
        }
        return out;
    }
    for value in headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for item in value.split(',') {
            match parse_node(item.trim()) {
                Some(ip) => out.push(ip),
                None => out.clear(),
            }
        }
    }
    out
}

/// `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` or `2001:db8::1`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sock) = s.parse::<SocketAddr>() {
        return Some(canonical(sock.ip()));
    }
    s.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
        .map(canonical)
}

/// IPv4-mapped IPv6 addresses are the IPv4 address, so one client has one bucket.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 40000)
    }

    #[test]
    fn forwarding_headers_from_untrusted_peers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("forwarded", "for=2.2.2.2")]);
        assert_eq!(
            none.client_ip(peer("203.0.113.9"), &h),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into(), "127.0.0.1".into()]).unwrap();
        // The client forged the leftmost entry; our proxy appended the real address.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            t.client_ip(peer("10.0.0.1"), &h),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let h = headers(&[(
            "forwarded",
            r#"for="[2001:db8::1]:443";proto=https, for=10.9.9.9"#,
        )]);
        assert_eq!(
            t.client_ip(peer("127.0.0.1"), &h),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            t.client_ip(peer("127.0.0.1"), &HeaderMap::new()),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn garbage_resets_what_stands_left_of_it() {
        let t = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        let h = headers(&[("x-forwarded-for", "1.1.1.1, unknown, 10.0.0.2")]);
        assert_eq!(
            t.client_ip(peer("10.0.0.1"), &h),
            "10.0.0.2".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn mapped_addresses_are_one_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(peer("::ffff:192.0.2.1"), &HeaderMap::new()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
        assert!(TrustedProxies::parse(&["not-an-ip".into()]).is_err());
    }
}
