//! Acknowledged means stored: reports sent by concurrent clients while the relay is killed with
//! SIGKILL mid-stream are all there after a restart, if they were answered 201.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{ORIGIN, Relay, fresh_report};

#[test]
fn every_report_answered_201_survives_a_kill_9() {
    let mut relay = Relay::start_in(
        tempfile::tempdir().unwrap(),
        &["--rate-per-ip", "0", "--rate-per-key", "0"],
    );
    let key = relay.create_key(&[ORIGIN]);
    let addr = relay.addr.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));

    let senders: Vec<_> = (0..8)
        .map(|_| {
            let (key, addr, acknowledged, count) = (
                key.clone(),
                addr.clone(),
                acknowledged.clone(),
                count.clone(),
            );
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let report = fresh_report();
                    let Some(status) = support::post_to(&addr, &key, &report) else {
                        return;
                    };
                    // A dying relay cuts connections; it must never answer anything but 201.
                    assert_eq!(
                        status, 201,
                        "a sound relay under concurrent load answered {status}"
                    );
                    acknowledged
                        .lock()
                        .unwrap()
                        .push(report["id"].as_str().unwrap().to_owned());
                    count.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();

    // Kill while the senders are in full flow.
    while count.load(Ordering::SeqCst) < 150 {
        std::thread::sleep(Duration::from_millis(5));
    }
    relay.kill_hard_and_restart();
    for s in senders {
        s.join().unwrap();
    }

    let token = relay.create_token("reports:read");
    let acknowledged = acknowledged.lock().unwrap();
    assert!(
        acknowledged.len() >= 150,
        "only {} acknowledged",
        acknowledged.len()
    );
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| relay.get_report(&token, id).status != 200)
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged reports were lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
}
