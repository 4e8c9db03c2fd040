//! Rate limits against the running binary: per client IP, per key, and which address counts
//! as the client's.

mod support;

use support::{ORIGIN, Relay, fresh_report};

fn start(args: &[&str]) -> Relay {
    Relay::start_in(tempfile::tempdir().unwrap(), args)
}

/// Only the per-IP limiter, with a burst of two: the third request from one client is refused.
const IP_BURST_OF_TWO: [&str; 6] = [
    "--rate-per-ip",
    "6",
    "--rate-ip-burst",
    "2",
    "--rate-per-key",
    "0",
];

fn post_from(relay: &Relay, key: &str, forwarded_for: Option<&str>) -> support::Response {
    let body = fresh_report().to_string();
    let extra: Vec<(&str, &str)> = forwarded_for
        .map(|f| ("x-forwarded-for", f))
        .into_iter()
        .collect();
    relay.post_bytes(key, &extra, body.as_bytes())
}

#[test]
fn one_client_over_its_rate_gets_429_with_retry_after() {
    let relay = start(&[
        "--rate-per-ip",
        "6",
        "--rate-ip-burst",
        "3",
        "--rate-per-key",
        "0",
    ]);
    let key = relay.create_key(&[ORIGIN]);
    for _ in 0..3 {
        assert_eq!(post_from(&relay, &key, None).status, 201);
    }
    let res = post_from(&relay, &key, None);
    assert_eq!(
        (res.status, res.error_code().as_str()),
        (429, "rate_limited")
    );
    let wait: u64 = res
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    // Refused before the key is even looked at: a flood never reaches the database.
    let res = post_from(&relay, "bc_pub_nonsense", None);
    assert_eq!(res.status, 429);
}

#[test]
fn a_spoofed_forwarded_for_from_an_untrusted_peer_does_not_buy_a_new_bucket() {
    let relay = start(&IP_BURST_OF_TWO);
    let key = relay.create_key(&[ORIGIN]);
    let spoofed = [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
    ];
    let statuses: Vec<u16> = spoofed
        .iter()
        .map(|ip| post_from(&relay, &key, Some(ip)).status)
        .collect();
    assert_eq!(statuses, [201, 201, 429, 429]);
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let relay = start(&[&IP_BURST_OF_TWO[..], &["--trusted-proxy", "127.0.0.0/8"]].concat());
    let key = relay.create_key(&[ORIGIN]);
    for ip in [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
    ] {
        assert_eq!(post_from(&relay, &key, Some(ip)).status, 201, "{ip}");
    }
    // The same forwarded client is still limited.
    assert_eq!(post_from(&relay, &key, Some("198.51.100.1")).status, 201);
    assert_eq!(post_from(&relay, &key, Some("198.51.100.1")).status, 429);
}

#[test]
fn one_key_over_its_rate_is_limited_whatever_the_clients() {
    let relay = start(&[
        "--rate-per-ip",
        "0",
        "--rate-per-key",
        "6",
        "--rate-key-burst",
        "2",
        "--trusted-proxy",
        "127.0.0.1",
    ]);
    let key = relay.create_key(&[ORIGIN]);
    let other = relay.create_key(&[ORIGIN]);
    let statuses: Vec<u16> = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
        .iter()
        .map(|ip| post_from(&relay, &key, Some(ip)).status)
        .collect();
    assert_eq!(statuses, [201, 201, 429]);
    assert_eq!(
        post_from(&relay, &other, Some("203.0.113.4")).status,
        201,
        "another key is unaffected"
    );
}

#[test]
fn media_requests_have_buckets_of_their_own_checked_before_the_signature() {
    let relay = start(&IP_BURST_OF_TWO);
    let path =
        "/v1/uploads/0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23/screenshot.png?expires=1&signature=00";
    let put = || {
        relay
            .raw("PUT", path, &[("content-type", "image/png")], b"x")
            .status
    };
    // Refused for their signature while the bucket lasts, then for the rate: a client cannot
    // make the relay check signatures (or stream bodies) as fast as it can send them.
    // Eight media requests per report in the per-address burst: 2 × 8.
    let statuses: Vec<u16> = (0..17).map(|_| put()).collect();
    assert_eq!(statuses[..16], [403; 16], "{statuses:?}");
    assert_eq!(statuses[16], 429, "{statuses:?}");
    // Reports keep their own bucket, and the upload-url and complete calls share the media one.
    let key = relay.create_key(&[ORIGIN]);
    assert_eq!(post_from(&relay, &key, None).status, 201);
    let complete = relay.raw(
        "POST",
        "/v1/reports/0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23/media/complete",
        &[
            ("content-type", "application/json"),
            ("x-bugcap-key", key.as_str()),
            ("origin", ORIGIN),
        ],
        br#"{"name":"screenshot.png"}"#,
    );
    assert_eq!(complete.status, 429);
}

#[test]
fn one_report_cannot_make_media_requests_without_end() {
    // No per-address limit to speak of: the per-report bucket (64 in a burst) is what stops it.
    let relay = start(&[
        "--rate-per-ip",
        "6000",
        "--rate-ip-burst",
        "1000",
        "--rate-per-key",
        "0",
    ]);
    let put = |id: &str| {
        relay
            .raw(
                "PUT",
                &format!("/v1/uploads/{id}/screenshot.png?expires=1&signature=00"),
                &[("content-type", "image/png")],
                b"x",
            )
            .status
    };
    let one = "0b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23";
    let statuses: Vec<u16> = (0..65).map(|_| put(one)).collect();
    assert_eq!(statuses[..64], [403; 64], "{statuses:?}");
    assert_eq!(statuses[64], 429, "{statuses:?}");
    // Another report has its own.
    assert_eq!(put("1b7c9a52-3f4e-4d1a-9c57-2e8f0d6a1b23"), 403);
}
