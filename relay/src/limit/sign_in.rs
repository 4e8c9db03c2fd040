//! Failed sign-ins per account name: after [`MAX_FAILURES`] wrong passwords within
//! [`FAILURE_WINDOW`], that name is refused until the oldest failure ages out.
//!
//! Why our own counter and not a `governor` bucket: a bucket counts every attempt, so a team
//! whose people (or whose tests) sign in often locked themselves out with the right password.
//! Only failures should count, yet a failure is known only after the password hash is checked,
//! and a burst of parallel guesses would all pass a check made before any of them failed. So an
//! attempt *reserves* a failure before the password is looked at ([`SignInFailures::begin`])
//! and gives it back only on success ([`Attempt::succeeded`]); an attempt dropped any other way
//! stays counted.
//!
//! Names are whatever was typed (lowercased, at most the form's field length), so the map is
//! bounded: entries whose failures have all aged out are pruned, and past [`MAX_NAMES`] the
//! entry idle longest is evicted.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Wrong passwords allowed per account within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// How long a failure counts against its account.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Account names tracked at once.
const MAX_NAMES: usize = 50_000;

type Failures = HashMap<String, VecDeque<Instant>>;

/// The relay's failed sign-in counts, keyed by lowercased account name.
#[derive(Default)]
pub struct SignInFailures {
    by_name: Arc<Mutex<Failures>>,
}

/// One sign-in attempt that has reserved a failure; counted unless [`Attempt::succeeded`].
#[must_use = "an attempt counts as a failure unless it is marked as succeeded"]
pub struct Attempt {
    by_name: Arc<Mutex<Failures>>,
    name: String,
    at: Instant,
}

impl Attempt {
    /// The password was right: the reserved failure and the account's earlier ones are
    /// forgotten, so a person who mistyped a few times starts afresh.
    pub fn succeeded(self) {
        lock(&self.by_name).remove(&self.name);
    }
}

fn lock(m: &Mutex<Failures>) -> std::sync::MutexGuard<'_, Failures> {
    // The map holds only counters; a panic elsewhere leaves it usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SignInFailures {
    /// Reserves a failure for `name`, or `Err(wait)` when it already has [`MAX_FAILURES`]
    /// (reserved or real) within the window. Call before the password is verified.
    pub fn begin(&self, name: &str) -> Result<Attempt, Duration> {
        self.begin_at(name, Instant::now())
    }

    fn begin_at(&self, name: &str, now: Instant) -> Result<Attempt, Duration> {
        let name = name.to_lowercase();
        let mut map = lock(&self.by_name);
        if !map.contains_key(&name) && map.len() >= MAX_NAMES {
            prune_map(&mut map, now);
            if map.len() >= MAX_NAMES {
                evict_idlest(&mut map);
            }
        }
        let failures = map.entry(name.clone()).or_default();
        while failures
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= FAILURE_WINDOW)
        {
            failures.pop_front();
        }
        if failures.len() >= MAX_FAILURES {
            let oldest = failures.front().copied().unwrap_or(now);
            return Err((oldest + FAILURE_WINDOW).saturating_duration_since(now));
        }
        failures.push_back(now);
        Ok(Attempt {
            by_name: self.by_name.clone(),
            name,
            at: now,
        })
    }

    /// Forgets names whose failures have all aged out; call periodically.
    pub fn prune(&self) {
        prune_map(&mut lock(&self.by_name), Instant::now());
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        lock(&self.by_name).len()
    }
}

fn prune_map(map: &mut Failures, now: Instant) {
    map.retain(|_, failures| {
        failures
            .back()
            .is_some_and(|t| now.saturating_duration_since(*t) < FAILURE_WINDOW)
    });
    map.shrink_to_fit();
}

fn evict_idlest(map: &mut Failures) {
    let idlest = map
        .iter()
        .min_by_key(|(_, failures)| failures.back().copied())
        .map(|(name, _)| name.clone());
    if let Some(name) = idlest {
        map.remove(&name);
    }
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt").field("at", &self.at).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_failures_count_and_success_starts_afresh() {
        let limits = SignInFailures::default();
        let t0 = Instant::now();
        for _ in 0..20 {
            limits.begin_at("ana", t0).unwrap().succeeded();
        }
        for _ in 0..MAX_FAILURES - 1 {
            drop(limits.begin_at("Ana", t0).unwrap());
        }
        limits.begin_at("ana", t0).unwrap().succeeded();
        for _ in 0..MAX_FAILURES {
            drop(limits.begin_at("ANA", t0).unwrap());
        }
        let wait = limits.begin_at("ana", t0).unwrap_err();
        assert_eq!(wait, FAILURE_WINDOW);
        assert!(limits.begin_at("bo", t0).is_ok(), "other names are free");
        let later = t0 + FAILURE_WINDOW;
        assert!(limits.begin_at("ana", later).is_ok(), "failures age out");
    }

    #[test]
    fn attempts_in_flight_count_before_they_fail() {
        let limits = SignInFailures::default();
        let t0 = Instant::now();
        let held: Vec<Attempt> = (0..MAX_FAILURES)
            .map(|_| limits.begin_at("ana", t0).unwrap())
            .collect();
        assert!(limits.begin_at("ana", t0).is_err(), "parallel guesses wait");
        drop(held);
        assert!(limits.begin_at("ana", t0).is_err());
    }

    #[test]
    fn the_map_stays_bounded() {
        let limits = SignInFailures::default();
        let t0 = Instant::now();
        for i in 0..MAX_NAMES + 10 {
            let at = t0 + Duration::from_millis(i as u64);
            drop(limits.begin_at(&format!("name{i}"), at).unwrap());
        }
        assert_eq!(limits.tracked(), MAX_NAMES);
        let later = t0 + FAILURE_WINDOW + Duration::from_secs(60);
        prune_map(&mut lock(&limits.by_name), later);
        assert_eq!(limits.tracked(), 0);
    }
}
