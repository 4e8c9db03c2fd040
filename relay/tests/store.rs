//! One storage suite, run against both backends: every test below runs once on SQLite (a
//! temporary data directory) and once on PostgreSQL (a throwaway cluster started for it). What
//! the relay promises about its data must hold whichever database keeps it.

mod support;

use bugcap_protocol::{Environment, Report};
use bugcap_relay::auth::origin::OriginPattern;
use bugcap_relay::store::{
    Actor, DoneStatus, InsertOutcome, ListQuery, MediaState, NewWidgetKey, Scope, Settled,
    Settlement, Store, Thumbnail, TriageChange, WidgetKey,
};
use serde_json::json;
use support::postgres::Postgres;

/// A store to test, and what keeps its database alive.
struct Backend {
    store: Store,
    _dir: Option<tempfile::TempDir>,
    pg: Option<Postgres>,
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    Backend {
        store: Store::open(dir.path()).unwrap(),
        _dir: Some(dir),
        pg: None,
    }
}

fn postgres() -> Backend {
    let pg = Postgres::start();
    let url = pg.database("bugcap");
    Backend {
        store: Store::open_postgres(&url).unwrap(),
        _dir: None,
        pg: Some(pg),
    }
}

/// Each test, once per backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(super::sqlite()); })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(super::postgres()); })*
        }
    };
}

on_both!(
    keys_are_found_by_their_secret_and_refused_once_revoked,
    tokens_keep_their_scopes_and_projects,
    a_report_is_stored_once_per_id,
    the_inbox_lists_newest_first_and_pages,
    the_inbox_filters_and_searches,
    triage_changes_and_comments_are_logged,
    media_complete_the_report_and_expire,
    the_outbox_yields_due_reports_and_settles_them,
    an_expired_lease_passes_the_row_on,
    retries_end_in_a_dead_letter_that_can_be_replayed,
    accounts_sessions_and_share_links,
    thumbnails_are_kept_and_replaced,
    two_stores_on_one_database_store_an_id_once,
    deleting_a_report_leaves_nothing_of_it,
    one_relay_at_a_time_takes_a_sweep,
);

fn block_on<T>(work: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work)
}

fn new_key(store: &Store, project: &str) -> (String, WidgetKey) {
    let (secret, _) = store
        .create_widget_key(&NewWidgetKey {
            project: project.into(),
            environment: Environment::Production,
            origins: vec![OriginPattern::parse("https://shop.example", false).unwrap()],
        })
        .unwrap();
    let key = store.find_widget_key(&secret).unwrap().unwrap();
    (secret, key)
}

fn report(id: &str, text: &str, extra: serde_json::Value) -> Report {
    let mut r: serde_json::Value =
        serde_json::from_str(include_str!("../../protocol/examples/minimal-report.json")).unwrap();
    r["id"] = id.into();
    r["feedback"]["text"] = text.into();
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    serde_json::from_value(r).unwrap()
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn insert(store: &Store, key: &WidgetKey, report: Report) -> InsertOutcome {
    block_on(store.insert_report(key.clone(), report)).unwrap()
}

fn keys_are_found_by_their_secret_and_refused_once_revoked(b: Backend) {
    let store = &b.store;
    let (secret, key) = new_key(store, "shop");
    assert_eq!(key.project, "shop");
    assert_eq!(key.origins.len(), 1);
    let mut wrong = secret.clone();
    wrong.pop();
    wrong.push(if secret.ends_with('A') { 'B' } else { 'A' });
    assert!(store.find_widget_key(&wrong).unwrap().is_none());
    assert!(store.find_widget_key("not a key").unwrap().is_none());
    assert_eq!(store.active_origin_patterns().unwrap().len(), 1);

    let listed = store.list_widget_keys().unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    let (rotated, _) = store.rotate_widget_key(&key.prefix).unwrap();
    assert!(store.find_widget_key(&rotated).unwrap().is_some());
    store.revoke_widget_key(&key.prefix).unwrap();
    assert!(store.find_widget_key(&secret).unwrap().is_none());
    assert!(
        store.revoke_widget_key(&key.prefix).is_err(),
        "already revoked"
    );
    assert!(store.revoke_widget_key("bc_pub_nope").is_err());
    let actions: Vec<String> = store
        .audit_log(10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["key.revoke", "key.rotate", "key.create", "key.create"]
    );
}

fn tokens_keep_their_scopes_and_projects(b: Backend) {
    let store = &b.store;
    let (secret, info) = store
        .create_admin_token(&[Scope::ReportsRead], &["shop".into()])
        .unwrap();
    let token = store.find_admin_token(&secret).unwrap().unwrap();
    assert_eq!(token.scopes, [Scope::ReportsRead]);
    assert!(token.reaches("shop") && !token.reaches("blog"));
    assert_eq!(store.list_admin_tokens().unwrap()[0].projects, ["shop"]);
    store
        .record_audit("mcp.get_report", &info.prefix, "r1")
        .unwrap();
    store.revoke_admin_token(&info.prefix).unwrap();
    assert!(store.find_admin_token(&secret).unwrap().is_none());
    assert_eq!(store.audit_log(1).unwrap()[0].action, "token.revoke");
}

fn a_report_is_stored_once_per_id(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    let (_, other) = new_key(store, "shop");
    let r = report(&id(1), "Cart total is wrong", json!({}));
    assert_eq!(
        insert(store, &key, r.clone()),
        InsertOutcome::Created {
            status: "received".into()
        }
    );
    assert_eq!(
        insert(store, &key, r.clone()),
        InsertOutcome::AlreadyStored {
            status: "received".into()
        }
    );
    assert_eq!(
        insert(store, &other, r.clone()),
        InsertOutcome::IdTakenByAnotherKey
    );
    let stored = store.get_report(&id(1)).unwrap().unwrap();
    assert_eq!(stored.report["feedback"]["text"], "Cart total is wrong");
    assert_eq!(stored.key_prefix, key.prefix);
    let raw = store.get_report_json(&id(1)).unwrap().unwrap();
    let again: serde_json::Value = serde_json::from_str(raw.report.get()).unwrap();
    assert_eq!(again, stored.report);
    assert!(store.get_report(&id(2)).unwrap().is_none());
    assert_eq!(store.project_of(&id(1)).unwrap().as_deref(), Some("shop"));
}

fn the_inbox_lists_newest_first_and_pages(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    for n in 1..=5 {
        insert(
            store,
            &key,
            report(&id(n), &format!("report {n}"), json!({})),
        );
    }
    let first = store
        .list_reports(&ListQuery {
            limit: 2,
            ..ListQuery::default()
        })
        .unwrap();
    let ids: Vec<&str> = first.reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [id(5), id(4)]);
    let second = store
        .list_reports(&ListQuery {
            limit: 2,
            after: first.next,
            ..ListQuery::default()
        })
        .unwrap();
    let ids: Vec<&str> = second.reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [id(3), id(2)]);
    let last = store
        .list_reports(&ListQuery {
            limit: 2,
            after: second.next,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(last.reports.len(), 1);
    assert!(last.next.is_none());
    assert_eq!(first.reports[0].title, "report 5");
    assert_eq!(first.reports[0].status, "new");
    assert_eq!(first.reports[0].delivery, "received");
}

fn the_inbox_filters_and_searches(b: Backend) {
    let store = &b.store;
    let (_, shop) = new_key(store, "shop");
    let (_, blog) = new_key(store, "blog");
    insert(
        store,
        &shop,
        report(
            &id(1),
            "Cart total is wrong",
            json!({
                "page": { "url": "https://shop.example/cart", "title": "Cart", "viewport": { "width": 1280, "height": 800 }, "device_pixel_ratio": 1, "user_agent": "UA", "language": "en", "time_zone": "UTC" },
                "identity": { "id": "u_1", "email": "Ana@Example.com" },
                "console": [{ "level": "warn", "message": "quantity mismatch detected", "timestamp": 1 }],
                "errors": [{ "kind": "error", "message": "TypeError: x is undefined", "timestamp": 1 }]
            }),
        ),
    );
    insert(
        store,
        &shop,
        report(&id(2), "Avatar upload hangs", json!({})),
    );
    insert(
        store,
        &blog,
        report(&id(3), "Comment box is gone", json!({})),
    );
    let list = |q: ListQuery| -> Vec<String> {
        store
            .list_reports(&ListQuery { limit: 50, ..q })
            .unwrap()
            .reports
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    assert_eq!(
        list(ListQuery {
            project: Some("shop".into()),
            ..Default::default()
        }),
        [id(2), id(1)]
    );
    assert_eq!(
        list(ListQuery {
            within: Some(vec!["blog".into()]),
            ..Default::default()
        }),
        [id(3)]
    );
    assert_eq!(
        list(ListQuery {
            has_errors: Some(true),
            ..Default::default()
        }),
        [id(1)]
    );
    assert_eq!(
        list(ListQuery {
            reporter: Some("ana@example.com".into()),
            ..Default::default()
        }),
        [id(1)],
        "reporters' emails match whatever their case"
    );
    assert_eq!(
        list(ListQuery {
            url_prefix: Some("https://shop.example/c".into()),
            ..Default::default()
        }),
        [id(1)]
    );
    assert!(
        list(ListQuery {
            url_prefix: Some("https://shop.example/%".into()),
            ..Default::default()
        })
        .is_empty(),
        "a wildcard in the prefix is a character"
    );
    let search = |words: &str| {
        list(ListQuery {
            search: Some(words.into()),
            ..Default::default()
        })
    };
    assert_eq!(search("cart"), [id(1)]);
    assert_eq!(search("CART TOT"), [id(1)], "words are prefixes, any case");
    assert_eq!(search("mism"), [id(1)], "console messages are searched");
    assert_eq!(search("TypeError undefined"), [id(1)]);
    assert_eq!(search("shop.example"), [id(1)], "URLs are searched");
    assert_eq!(search("avatar"), [id(2)]);
    assert!(search("cart avatar").is_empty(), "every word is required");
    assert!(search("absent").is_empty());
    assert_eq!(search("\" OR * NEAR( ) :* & | !"), Vec::<String>::new());

    store
        .change_triage(
            &[id(2)],
            &Actor::user("ana"),
            &TriageChange {
                labels: Some(vec!["ui".into(), "upload".into()]),
                assignee: Some(Some("bo".into())),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        list(ListQuery {
            label: Some("upload".into()),
            ..Default::default()
        }),
        [id(2)]
    );
    assert_eq!(
        list(ListQuery {
            assignee: Some(None),
            ..Default::default()
        }),
        [id(3), id(1)]
    );
}

fn triage_changes_and_comments_are_logged(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    insert(store, &key, report(&id(1), "one", json!({})));
    insert(store, &key, report(&id(2), "two", json!({})));
    let ana = Actor::user("ana");
    let change = TriageChange {
        status: Some("triaged".into()),
        ..Default::default()
    };
    let missing = store.change_triage(&[id(1), id(9)], &ana, &change).unwrap();
    assert!(missing.is_none(), "all or none");
    assert_eq!(store.triage_of(&id(1)).unwrap().unwrap().status, "new");
    let changed = store
        .change_triage(&[id(1), id(2)], &ana, &change)
        .unwrap()
        .unwrap();
    assert!(changed.iter().all(|t| t.status == "triaged"));
    let comment = store
        .add_comment(&id(1), &Actor::token("bc_adm_x"), "<b>looks like</b> #42")
        .unwrap()
        .unwrap();
    assert!(store.add_comment(&id(9), &ana, "x").unwrap().is_none());
    let activity = store.activity_of(&id(1)).unwrap();
    assert_eq!(activity.len(), 2);
    assert_eq!(activity[0].kind, "status");
    assert_eq!(
        activity[0].detail,
        json!({ "from": "new", "to": "triaged" })
    );
    assert_eq!(activity[1].id, comment.id);
    assert_eq!(activity[1].detail["body"], "<b>looks like</b> #42");
    assert_eq!(activity[1].actor, Actor::token("bc_adm_x"));
}

fn media_complete_the_report_and_expire(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    let attachments = json!({ "attachments": [
        { "name": "screenshot.png", "content_type": "image/png", "size": 10, "sha256": "a".repeat(64) },
        { "name": "dom.json", "content_type": "application/json", "size": 20, "sha256": "b".repeat(64) }
    ]});
    let outcome = insert(
        store,
        &key,
        report(&id(1), "with media", attachments.clone()),
    );
    assert_eq!(
        outcome,
        InsertOutcome::Created {
            status: "awaiting_media".into()
        }
    );
    assert_eq!(store.report_key_id(&id(1)).unwrap(), Some(key.id));
    let first = store
        .grant_upload_url(&id(1), "screenshot.png", 1000, 120)
        .unwrap();
    let again = store
        .grant_upload_url(&id(1), "screenshot.png", 1010, 120)
        .unwrap();
    assert_eq!(first, again, "one live URL at a time");
    assert_eq!(
        store.complete_media(&id(1), "screenshot.png").unwrap(),
        MediaState::Complete
    );
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "awaiting_media"
    );
    let shots = store.screenshots_of(&[id(1), id(2)]).unwrap();
    assert_eq!(
        shots.get(&id(1)).map(String::as_str),
        Some("screenshot.png")
    );
    let media = store.media(&id(1), "dom.json").unwrap().unwrap();
    assert_eq!(media.state, MediaState::Declared);
    assert_eq!(
        media.object.key,
        format!("shop/production/{}/dom.json", id(1))
    );
    // The grace period ends before the DOM snapshot arrives.
    let expired = store.expire_media(&id(1)).unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].name, "dom.json");
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "received"
    );
    let states: Vec<MediaState> = store
        .media_of(&id(1))
        .unwrap()
        .into_iter()
        .map(|m| m.state)
        .collect();
    assert_eq!(states, [MediaState::Missing, MediaState::Complete]);
    // The last attachment arriving makes the report ready on its own.
    insert(
        store,
        &key,
        report(
            &id(2),
            "one shot",
            json!({ "attachments": [attachments["attachments"][0]] }),
        ),
    );
    store.complete_media(&id(2), "screenshot.png").unwrap();
    assert_eq!(
        store.get_report(&id(2)).unwrap().unwrap().status,
        "received"
    );
}

fn the_outbox_yields_due_reports_and_settles_them(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    for n in 1..=3 {
        insert(store, &key, report(&id(n), "x", json!({})));
    }
    let due = store.claim_deliveries("a", 60_000, 600_000, 10).unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.report_id.as_str()).collect();
    assert_eq!(ids, [id(1), id(2), id(3)], "oldest first");
    assert!(due.iter().all(|d| d.attempts == 0 && !d.media_overdue));
    assert!(
        store
            .claim_deliveries("b", 60_000, 600_000, 10)
            .unwrap()
            .is_empty(),
        "leased rows are nobody else's"
    );
    let settled = store
        .settle_deliveries(
            "a",
            3_600_000,
            &[
                (id(1), Settled::Done(DoneStatus::Delivered)),
                (
                    id(2),
                    Settled::Retry {
                        in_ms: 60_000,
                        error: "the webhook answered 500".into(),
                    },
                ),
                (id(3), Settled::Released),
            ],
        )
        .unwrap();
    assert_eq!(settled, Settlement::default());
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "delivered"
    );
    // Released: free for anyone at once, not counted as an attempt.
    let due = store.claim_deliveries("b", 60_000, 600_000, 10).unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.report_id.as_str()).collect();
    assert_eq!(ids, [id(3)]);
    assert_eq!(due[0].attempts, 0);
    // Only the holder of a lease settles it.
    let settled = store
        .settle_deliveries(
            "a",
            3_600_000,
            &[(id(3), Settled::Done(DoneStatus::Delivered))],
        )
        .unwrap();
    assert_eq!(settled.lost, [id(3)]);
    assert_eq!(
        store.get_report(&id(3)).unwrap().unwrap().status,
        "received"
    );
    let next = store.next_delivery_at(600_000).unwrap().unwrap();
    let now = bugcap_relay::store::now_ms();
    assert!(
        next > now + 50_000 && next <= now + 60_000,
        "{next} vs {now}"
    );
}

/// A lease that runs out (its relay died) frees the row for another relay.
fn an_expired_lease_passes_the_row_on(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    insert(store, &key, report(&id(1), "x", json!({})));
    assert_eq!(
        store
            .claim_deliveries("dead", 1, 600_000, 10)
            .unwrap()
            .len(),
        1
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let due = store
        .claim_deliveries("alive", 60_000, 600_000, 10)
        .unwrap();
    assert_eq!(due.len(), 1);
    let settled = store
        .settle_deliveries(
            "dead",
            3_600_000,
            &[(id(1), Settled::Done(DoneStatus::Delivered))],
        )
        .unwrap();
    assert_eq!(
        settled.lost,
        [id(1)],
        "the dead relay's late outcome is not recorded"
    );
    store
        .settle_deliveries(
            "alive",
            3_600_000,
            &[(id(1), Settled::Done(DoneStatus::Delivered))],
        )
        .unwrap();
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "delivered"
    );
}

/// Retries end at the horizon in a dead letter, which is listed and replayed.
fn retries_end_in_a_dead_letter_that_can_be_replayed(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    insert(store, &key, report(&id(1), "x", json!({})));
    insert(store, &key, report(&id(2), "y", json!({})));
    store.claim_deliveries("a", 60_000, 600_000, 10).unwrap();
    let failed = |id: String| {
        (
            id,
            Settled::Retry {
                in_ms: 1000,
                error: "the webhook answered 503".into(),
            },
        )
    };
    // A horizon of 0: any failure is past it. A long one: the row is retried.
    let settled = store.settle_deliveries("a", 0, &[failed(id(1))]).unwrap();
    assert_eq!(settled.dead, [id(1)]);
    let settled = store
        .settle_deliveries("a", 3_600_000, &[failed(id(2))])
        .unwrap();
    assert!(settled.dead.is_empty());
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "undeliverable"
    );
    let dead = store.outbox_entries(true, 10).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].report_id, id(1));
    assert_eq!(dead[0].attempts, 1);
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("the webhook answered 503")
    );
    assert_eq!(store.outbox_entries(false, 10).unwrap().len(), 2);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let due = store.claim_deliveries("a", 60_000, 600_000, 10).unwrap();
    let ids: Vec<&str> = due.iter().map(|d| d.report_id.as_str()).collect();
    assert_eq!(ids, [id(2)], "a dead letter is not retried");
    assert_eq!(store.replay_dead(Some(&id(1))).unwrap(), 1);
    assert_eq!(store.replay_dead(None).unwrap(), 0);
    assert_eq!(
        store.get_report(&id(1)).unwrap().unwrap().status,
        "received"
    );
    let due = store.claim_deliveries("b", 60_000, 600_000, 10).unwrap();
    assert_eq!(due[0].report_id, id(1));
    assert_eq!(due[0].attempts, 0);
}

fn accounts_sessions_and_share_links(b: Backend) {
    let store = &b.store;
    store
        .create_user("Ana", "correct horse battery", &[Scope::ReportsRead])
        .unwrap();
    assert!(
        store
            .create_user("ana", "another long password", &[])
            .is_err(),
        "names are unique whatever their case"
    );
    assert!(
        store
            .check_password("ana", "wrong password!!")
            .unwrap()
            .is_none()
    );
    let user = store
        .check_password("ANA", "correct horse battery")
        .unwrap()
        .unwrap();
    let cookie = store.open_user_session(&user).unwrap();
    let session = store.find_session(&cookie).unwrap().unwrap();
    assert_eq!(session.actor, Actor::user("Ana"));
    assert_eq!(store.open_sessions().unwrap(), 1);
    store.disable_user("ana").unwrap();
    assert!(
        store.find_session(&cookie).unwrap().is_none(),
        "ends with the account"
    );
    assert!(store.list_users().unwrap()[0].disabled_at.is_some());

    let (_, key) = new_key(store, "shop");
    insert(store, &key, report(&id(1), "shared", json!({})));
    assert!(
        store
            .create_share(&id(9), &Actor::user("bo"))
            .unwrap()
            .is_none()
    );
    let (link, info) = store
        .create_share(&id(1), &Actor::user("bo"))
        .unwrap()
        .unwrap();
    assert_eq!(store.shared_report_id(&link).unwrap(), Some(id(1)));
    assert_eq!(store.shares_of(&id(1)).unwrap()[0].id, info.id);
    assert!(
        store
            .revoke_share(&id(1), info.id, &Actor::user("bo"))
            .unwrap()
    );
    assert!(
        !store
            .revoke_share(&id(1), info.id, &Actor::user("bo"))
            .unwrap()
    );
    assert_eq!(store.shared_report_id(&link).unwrap(), None);
    let kinds: Vec<String> = store
        .activity_of(&id(1))
        .unwrap()
        .into_iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, ["share", "unshare"]);
    assert!(store.prune_sessions().is_ok());
}

fn thumbnails_are_kept_and_replaced(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    insert(store, &key, report(&id(1), "x", json!({})));
    assert_eq!(store.thumbnail(&id(1)).unwrap(), Thumbnail::Unmade);
    store.save_thumbnail(&id(1), None).unwrap();
    assert_eq!(store.thumbnail(&id(1)).unwrap(), Thumbnail::Unavailable);
    store
        .save_thumbnail(&id(1), Some(&[0xff, 0xd8, 1, 2]))
        .unwrap();
    assert_eq!(
        store.thumbnail(&id(1)).unwrap(),
        Thumbnail::Jpeg(vec![0xff, 0xd8, 1, 2])
    );
}

/// Two relays on one database (two stores on one SQLite file, or one Postgres database) given
/// the same id at once: the database decides, one stores it, the other sees it stored.
fn two_stores_on_one_database_store_an_id_once(b: Backend) {
    let second = match &b.pg {
        Some(pg) => Store::open_postgres(&pg.url("bugcap")).unwrap(),
        None => Store::open(b._dir.as_ref().unwrap().path()).unwrap(),
    };
    let (secret, key) = new_key(&b.store, "shop");
    let key_b = second.find_widget_key(&secret).unwrap().unwrap();
    for n in 1..=20 {
        let r = report(&id(n), "raced", json!({}));
        let (a, z) = block_on(async {
            tokio::join!(
                b.store.insert_report(key.clone(), r.clone()),
                second.insert_report(key_b.clone(), r.clone())
            )
        });
        let mut outcomes = [a.unwrap(), z.unwrap()];
        outcomes.sort_by_key(|o| matches!(o, InsertOutcome::AlreadyStored { .. }));
        assert!(
            matches!(
                outcomes,
                [
                    InsertOutcome::Created { .. },
                    InsertOutcome::AlreadyStored { .. }
                ]
            ),
            "{outcomes:?}"
        );
    }
    let all = second
        .list_reports(&ListQuery {
            limit: 100,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(all.reports.len(), 20);
    assert_eq!(
        second.claim_deliveries("b", 60_000, 0, 100).unwrap().len(),
        20
    );
    assert!(
        b.store
            .claim_deliveries("a", 60_000, 0, 100)
            .unwrap()
            .is_empty()
    );
    // Revoked on one relay, refused on the other at its next request.
    b.store.revoke_widget_key(&key.prefix).unwrap();
    assert!(second.find_widget_key(&secret).unwrap().is_none());
}

/// A data-deletion request: after it, nothing the store kept about the report is left.
fn deleting_a_report_leaves_nothing_of_it(b: Backend) {
    let store = &b.store;
    let (_, key) = new_key(store, "shop");
    let media = json!({ "attachments": [
        { "name": "screenshot.png", "content_type": "image/png", "size": 10, "sha256": "a".repeat(64) }
    ]});
    insert(
        store,
        &key,
        report(&id(1), "Delete me: ana@example.com", media),
    );
    insert(store, &key, report(&id(2), "Keep me", json!({})));
    let ana = Actor::user("ana");
    store
        .change_triage(
            &[id(1)],
            &ana,
            &TriageChange {
                labels: Some(vec!["gdpr".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    store
        .add_comment(&id(1), &ana, "asked to be forgotten")
        .unwrap();
    let (link, _) = store.create_share(&id(1), &ana).unwrap().unwrap();
    store.save_thumbnail(&id(1), Some(&[1, 2, 3])).unwrap();
    store.complete_media(&id(1), "screenshot.png").unwrap();

    assert_eq!(store.delete_report(&id(1), "request").unwrap(), Some(()));
    assert_eq!(store.delete_report(&id(1), "request").unwrap(), None);
    assert!(store.get_report(&id(1)).unwrap().is_none());
    assert!(store.media_of(&id(1)).unwrap().is_empty());
    assert!(store.activity_of(&id(1)).unwrap().is_empty());
    assert!(store.shares_of(&id(1)).unwrap().is_empty());
    assert_eq!(store.shared_report_id(&link).unwrap(), None);
    assert_eq!(store.thumbnail(&id(1)).unwrap(), Thumbnail::Unmade);
    assert!(store.triage_of(&id(1)).unwrap().is_none());
    let search = |words: &str| {
        store
            .list_reports(&ListQuery {
                search: Some(words.into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .reports
            .len()
    };
    assert_eq!(search("forgotten delete"), 0);
    assert_eq!(search("keep"), 1);
    let left: Vec<String> = store
        .claim_deliveries("a", 60_000, 0, 10)
        .unwrap()
        .into_iter()
        .map(|d| d.report_id)
        .collect();
    assert_eq!(left, [id(2)], "its outbox row is gone too");
    let entry = &store.audit_log(1).unwrap()[0];
    assert_eq!(
        (entry.action.as_str(), entry.subject.as_str()),
        ("report.delete", id(1).as_str())
    );

    // What the sweep picks: received before a time, oldest first; audit entries by age.
    let later = bugcap_relay::store::now_ms() + 1000;
    assert_eq!(store.reports_received_before(later, 10).unwrap(), [id(2)]);
    assert!(store.reports_received_before(0, 10).unwrap().is_empty());
    assert!(store.prune_audit(later).unwrap() >= 2);
    assert!(store.audit_log(10).unwrap().is_empty());
}

/// The retention sweep's turn: one relay holds it; the others wait for its release and for the
/// interval to pass.
fn one_relay_at_a_time_takes_a_sweep(b: Backend) {
    let store = &b.store;
    assert!(store.take_sweep("retention", "a", 60_000, 0).unwrap());
    assert!(
        !store.take_sweep("retention", "b", 60_000, 0).unwrap(),
        "held by a"
    );
    store.release_sweep("retention", "b").unwrap();
    assert!(
        !store.take_sweep("retention", "b", 60_000, 0).unwrap(),
        "only a releases it"
    );
    store.release_sweep("retention", "a").unwrap();
    assert!(
        !store
            .take_sweep("retention", "b", 60_000, 3_600_000)
            .unwrap(),
        "it ran less than an hour ago"
    );
    assert!(store.take_sweep("retention", "b", 60_000, 0).unwrap());
    // A lease that ran out (its relay died) passes on.
    assert!(store.take_sweep("other", "c", 1, 0).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(10));
    assert!(store.take_sweep("other", "d", 60_000, 0).unwrap());
}

/// Relays starting together on an empty database: one creates the schema, the others wait for
/// it under the advisory lock and find nothing left to do.
#[test]
fn relays_starting_at_once_on_an_empty_postgres_migrate_it_once() {
    let pg = Postgres::start();
    let url = pg.database("bugcap");
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Store::open_postgres(&url).map(|_| ()))
        })
        .collect();
    for start in starts {
        start.join().unwrap().unwrap();
    }
    let versions = pg.psql(
        "bugcap",
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM bugcap_schema",
    );
    assert_eq!(versions, "1,2,3");
}
