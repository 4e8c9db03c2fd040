//! Request rate limits per widget key and per client IP (GCRA via `governor`), answered with
//! 429 and `Retry-After`. Idle buckets are dropped periodically so memory stays bounded.
//!
//! A report's media requests (`upload-url`, the `PUT` to the local store, `complete`) have
//! buckets of their own, per client IP and per report, so a report with a screenshot and a DOM
//! snapshot costs one report of the report rate, not five: a user who files a second report
//! right after the first is not refused. The media buckets still stop floods: a signed URL
//! stays valid for minutes, and without them one URL could be `PUT` over and over.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::sign_in::{Attempt, SignInFailures};

/// A rate: `per_minute` sustained, bursts of up to `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    fn quota(self) -> Option<Quota> {
        let per_minute = NonZeroU32::new(self.per_minute)?;
        let burst = NonZeroU32::new(self.burst.max(1))?;
        Some(Quota::per_minute(per_minute).allow_burst(burst))
    }
}

struct Keyed<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(rate: Rate) -> Self {
        Keyed {
            limiter: rate.quota().map(DefaultKeyedRateLimiter::keyed),
        }
    }

    /// `Err(wait)` when `key` is over its rate.
    fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    fn prune(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Why a request was throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    Ip(Duration),
    Key(Duration),
    /// Too many media requests for one report.
    Report(Duration),
    /// Too many sign-in attempts from one address or for one account.
    SignIn(Duration),
}

impl Throttled {
    /// Whole seconds to wait, at least one, for `Retry-After`.
    pub fn retry_after_secs(self) -> u64 {
        let (Throttled::Ip(d) | Throttled::Key(d) | Throttled::Report(d) | Throttled::SignIn(d)) =
            self;
        d.as_secs() + u64::from(d.subsec_nanos() > 0)
    }

    pub fn reason(self) -> &'static str {
        match self {
            Throttled::Ip(_) => "ip",
            Throttled::Key(_) => "key",
            Throttled::Report(_) => "report",
            Throttled::SignIn(_) => "address or account",
        }
    }
}

/// Media requests allowed per report in the per-IP media bucket: a screenshot and a DOM
/// snapshot take three requests each (`upload-url`, `PUT`, `complete`), with room for retries.
const MEDIA_REQUESTS_PER_REPORT: u32 = 8;

/// Media requests for one report, whoever makes them: all 16 attachments a report may declare
/// take 48 (three requests each), which leaves 16 for retries.
const MEDIA_PER_REPORT: Rate = Rate {
    per_minute: 64,
    burst: 64,
};

/// Sign-in attempts per client address, right or wrong (each costs a password hash). Wrong
/// passwords are also counted per account name, whoever tries it, in [`SignInFailures`] (so
/// guessing one account's password from many addresses is as slow as from one).
const SIGN_IN_PER_IP: Rate = Rate {
    per_minute: 10,
    burst: 10,
};

/// The relay's limiters. A rate of 0 per minute turns that limiter off.
pub struct RateLimits {
    per_ip: Keyed<IpAddr>,
    per_key: Keyed<i64>,
    media_per_ip: Keyed<IpAddr>,
    media_per_report: Keyed<u128>,
    sign_in_per_ip: Keyed<IpAddr>,
    sign_in_failures: SignInFailures,
}

impl RateLimits {
    pub fn new(per_ip: Rate, per_key: Rate) -> Self {
        RateLimits {
            per_ip: Keyed::new(per_ip),
            per_key: Keyed::new(per_key),
            media_per_ip: Keyed::new(Rate {
                per_minute: per_ip.per_minute.saturating_mul(MEDIA_REQUESTS_PER_REPORT),
                burst: per_ip.burst.saturating_mul(MEDIA_REQUESTS_PER_REPORT),
            }),
            // Off with the per-IP limit (a load test, a relay behind its own limiter).
            media_per_report: Keyed::new(if per_ip.per_minute == 0 {
                Rate {
                    per_minute: 0,
                    burst: 0,
                }
            } else {
                MEDIA_PER_REPORT
            }),
            sign_in_per_ip: Keyed::new(SIGN_IN_PER_IP),
            sign_in_failures: SignInFailures::default(),
        }
    }

    /// Checked on every sign-in attempt before the password is looked at; `account` is the
    /// name typed (none for an admin token, which cannot be guessed). The attempt returned for
    /// an account counts as a failure unless it is marked as succeeded.
    pub fn check_sign_in(
        &self,
        ip: IpAddr,
        account: Option<&str>,
    ) -> Result<Option<Attempt>, Throttled> {
        self.sign_in_per_ip.check(&ip).map_err(Throttled::SignIn)?;
        account
            .map(|name| self.sign_in_failures.begin(name))
            .transpose()
            .map_err(Throttled::SignIn)
    }

    /// Checked first on every media request (`upload-url`, a local-store `PUT`, `complete`),
    /// before the key or the URL's signature is looked at. These requests do not count against
    /// the report buckets.
    pub fn check_media(&self, ip: IpAddr, report: uuid::Uuid) -> Result<(), Throttled> {
        self.media_per_ip.check(&ip).map_err(Throttled::Ip)?;
        self.media_per_report
            .check(&report.as_u128())
            .map_err(Throttled::Report)
    }

    /// Checked before anything else, so floods never reach the database.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), Throttled> {
        self.per_ip.check(&ip).map_err(Throttled::Ip)
    }

    /// Checked once the key is known: one site's traffic cannot starve another's.
    pub fn check_key(&self, key_id: i64) -> Result<(), Throttled> {
        self.per_key.check(&key_id).map_err(Throttled::Key)
    }

    /// Drops buckets that are full again (idle clients); call periodically.
    pub fn prune(&self) {
        self.per_ip.prune();
        self.per_key.prune();
        self.media_per_ip.prune();
        self.media_per_report.prune();
        self.sign_in_per_ip.prune();
        self.sign_in_failures.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_throttle_with_a_wait() {
        let limits = RateLimits::new(
            Rate {
                per_minute: 6,
                burst: 2,
            },
            Rate {
                per_minute: 0,
                burst: 0,
            },
        );
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(limits.check_ip(ip).is_ok());
        assert!(limits.check_ip(ip).is_ok());
        let t = limits.check_ip(ip).unwrap_err();
        assert_eq!(t.reason(), "ip");
        assert!(
            (1..=10).contains(&t.retry_after_secs()),
            "{}",
            t.retry_after_secs()
        );
        // Another client has its own bucket; a disabled limiter never throttles.
        assert!(limits.check_ip("192.0.2.2".parse().unwrap()).is_ok());
        for _ in 0..100 {
            assert!(limits.check_key(1).is_ok());
        }
    }
}
