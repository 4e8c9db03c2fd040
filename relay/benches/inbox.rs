//! The inbox's list at scale: 100,000 stored reports (each with console lines, an error on one
//! in five, varied text, pages and reporters), then the store's answer to the list the inbox
//! opens on, a filtered list, a full-text search and a later page, each timed many times. The
//! target is "well under 50 ms" of server time per answer. Prints figures only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bugcap_protocol::{Environment, Report};
use bugcap_relay::auth::origin::OriginPattern;
use bugcap_relay::store::{ListQuery, Store};
use bugcap_relay::store::{NewWidgetKey, WidgetKey};

const REPORTS: usize = 100_000;
const RUNS: usize = 30;

const WORDS: [&str; 16] = [
    "checkout", "total", "invoice", "profile", "avatar", "upload", "search", "filter", "export",
    "login", "password", "reset", "cart", "coupon", "shipping", "address",
];

fn report(i: usize) -> Report {
    let w = |k: usize| WORDS[(i / k + k) % WORDS.len()];
    let errors = if i.is_multiple_of(5) {
        format!(
            r#"[{{"kind":"error","message":"TypeError: {} is undefined in {}","timestamp":1795774530000}}]"#,
            w(3),
            w(7)
        )
    } else {
        "[]".into()
    };
    let console: Vec<String> = (0..10)
        .map(|k| {
            format!(
                r#"{{"level":"log","message":"{} step {k} took {}ms","timestamp":1795774530000}}"#,
                w(k + 1),
                i % 97
            )
        })
        .collect();
    let text = format!(
        r#"{{"id":"{}","schema_version":1,"created_at":"2026-11-22T10:15:30.123Z",
        "feedback":{{"text":"The {} {} does not work after {} (case {i})"}},
        "page":{{"url":"https://shop.example.com/{}/{}","title":"{} page","viewport":{{"width":1280,"height":800}},"device_pixel_ratio":2,"user_agent":"Mozilla/5.0 Chrome/156.0","language":"en-GB","time_zone":"Europe/London"}},
        "identity":{{"id":"u_{}","email":"user{}@example.com"}},
        "console":[{}],"errors":{errors},"client":{{"name":"bugcap","version":"0.1.0"}}}}"#,
        uuid::Uuid::from_u128(i as u128 | (0x4 << 76) | (0x8 << 60)),
        w(1),
        w(2),
        w(5),
        w(11),
        i % 50,
        w(13),
        i % 1000,
        i % 1000,
        console.join(",")
    );
    serde_json::from_str(&text).expect("the bench's report is valid")
}

fn time(store: &Store, label: &str, query: &ListQuery) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    let mut rows = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let page = store.list_reports(query).expect("list");
        // What the route does with it: the JSON answer.
        let body = serde_json::to_vec(&page.reports).expect("json");
        times.push(start.elapsed());
        rows = page.reports.len();
        std::hint::black_box(body);
    }
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "  {label:<44} {rows:>4} rows   median {:>7.2} ms   p95 {:>7.2} ms",
        median.as_secs_f64() * 1e3,
        times[RUNS * 95 / 100].as_secs_f64() * 1e3
    );
    median
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open(dir.path()).expect("store"));
    let (secret, _) = store
        .create_widget_key(&NewWidgetKey {
            project: "shop".into(),
            environment: Environment::Production,
            origins: vec![OriginPattern::parse("https://shop.example.com", false).expect("origin")],
        })
        .expect("key");
    let key: WidgetKey = store
        .find_widget_key(&secret)
        .expect("lookup")
        .expect("the new key");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    rt.block_on(async {
        // The writer commits what arrives together in one transaction: 256 in flight at a time.
        for chunk in (0..REPORTS).collect::<Vec<_>>().chunks(256) {
            let inserts = chunk.iter().map(|&i| {
                let (store, key) = (store.clone(), key.clone());
                tokio::spawn(async move { store.insert_report(key, report(i)).await })
            });
            for insert in inserts.collect::<Vec<_>>() {
                insert.await.expect("task").expect("insert");
            }
        }
    });
    println!(
        "\nInbox list over {REPORTS} stored reports (stored in {:.1} s through the ingest writer)",
        started.elapsed().as_secs_f64()
    );
    let first = ListQuery {
        limit: 50,
        ..ListQuery::default()
    };
    let next = store.list_reports(&first).expect("list").next;
    let with = |change: fn(&mut ListQuery)| {
        let mut query = first.clone();
        change(&mut query);
        query
    };
    let queries: [(&str, ListQuery); 12] = [
        ("first page, newest first", first.clone()),
        (
            "second page (cursor)",
            ListQuery {
                after: next,
                ..first.clone()
            },
        ),
        (
            "status + has_errors + URL prefix",
            with(|q| {
                q.status = vec!["new".into()];
                q.has_errors = Some(true);
                q.url_prefix = Some("https://shop.example.com/cart".into());
            }),
        ),
        (
            "search: one common word",
            with(|q| q.search = Some("invoice".into())),
        ),
        (
            "search: three words, one from errors",
            with(|q| q.search = Some("coupon shipping undefined".into())),
        ),
        (
            "search: a two-letter word prefix",
            with(|q| q.search = Some("co".into())),
        ),
        (
            "search: a three-letter word prefix",
            with(|q| q.search = Some("inv".into())),
        ),
        (
            "project + environment",
            with(|q| {
                q.project = Some("shop".into());
                q.environment = Some("production".into());
            }),
        ),
        (
            "a filter nothing matches (walks all)",
            with(|q| q.url_prefix = Some("https://elsewhere.example/".into())),
        ),
        (
            "search: a rare phrase",
            with(|q| q.search = Some("case 4242".into())),
        ),
        (
            "by reporter",
            with(|q| q.reporter = Some("user7@example.com".into())),
        ),
        (
            "project + search",
            with(|q| {
                q.project = Some("shop".into());
                q.search = Some("checkout".into());
            }),
        ),
    ];
    let worst = queries
        .iter()
        .map(|(label, query)| time(&store, label, query))
        .max()
        .unwrap_or_default();
    println!(
        "  target: well under 50 ms per answer: slowest median {:.2} ms ({})",
        worst.as_secs_f64() * 1e3,
        if worst < Duration::from_millis(50) {
            "met"
        } else {
            "not met"
        }
    );
}
