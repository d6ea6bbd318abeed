//! Load profiles run as scenarios (the `migration` pack): a short paced load against the
//! system, then its verdicts.
//! - When the load profile {string} runs against the system
//! - Then every delivery of the load was acknowledged
//! - Then no expected reaction of the load was lost
//! - Then no reaction of the load was accepted twice
//! - Then the system kept to the DIP's rate limit
//! - Then the system rode out the DIP's outage
//! - Then every objective of the load profile held

use std::path::Path;

use cucumber::{then, when};

use super::QualWorld;
use crate::load::{self, Profile};
use crate::report::load::LoadReport;
use crate::session::StepFailure;

/// A profile of the shipped `migration` pack by name, or a profile file.
fn profile(name: &str) -> Result<Profile, StepFailure> {
    let shipped = format!("features/migration/profiles/{name}.toml");
    let loaded = match crate::embedded::file(&shipped) {
        Some(text) => Profile::parse(Path::new(&shipped), text),
        None => Profile::load(Path::new(name)),
    };
    loaded.map_err(|e| StepFailure::setup(format!("load profile {name:?}: {e}")))
}

fn report(w: &mut QualWorld) -> Result<&LoadReport, StepFailure> {
    w.load.as_ref().ok_or_else(|| {
        StepFailure::setup("no load has run in this scenario: run a load profile first")
    })
}

#[when(expr = "the load profile {string} runs against the system")]
async fn runs(w: &mut QualWorld, name: String) -> Result<(), StepFailure> {
    let profile = profile(&name)?;
    let harness = w.session()?.harness.clone();
    let outcome =
        load::engine::run_on(&harness, &profile, Vec::new(), std::future::pending(), None)
            .await
            .map_err(|e| StepFailure::setup(format!("load profile {name:?}: {e}")))?;
    let r = outcome.report;
    let f = &r.families[0];
    if f.sent == 0 {
        return Err(StepFailure::unmet(
            format!("the load profile {name:?} sends its deliveries"),
            format!("nothing was sent ({})", r.stopped_by),
            &[],
        ));
    }
    w.load = Some(r);
    Ok(())
}

#[then(expr = "every delivery of the load was acknowledged")]
fn acknowledged(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    let f = &r.families[0];
    if f.acknowledged == f.sent && f.sent > 0 {
        return Ok(());
    }
    Err(StepFailure::unmet(
        format!(
            "every one of the {} deliveries answered 201 within the ack timeout (G1)",
            f.sent
        ),
        format!(
            "{} acknowledged, {} rejected (400), {} with no answer within the ack timeout or another status; ack p99 {:.1} ms, max {:.1} ms",
            f.acknowledged, f.rejected, f.errors, f.ack.p99_ms, f.ack.max_ms
        ),
        &[],
    ))
}

#[then(expr = "no expected reaction of the load was lost")]
fn not_lost(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    let f = &r.families[0];
    if f.reactions_expected == 0 {
        return Err(StepFailure::unmet(
            format!(
                "each acknowledged {} answered with {}",
                f.delivery,
                f.reactions.join(" and ")
            ),
            format!(
                "no answer within the ack timeout to any of the {} deliveries, so no reaction was due: nothing can be said of losses",
                f.sent
            ),
            &[],
        ));
    }
    if r.lost_count == 0 {
        return Ok(());
    }
    let named: Vec<String> = r
        .lost
        .iter()
        .take(20)
        .map(|l| format!("MPAN {} {}", l.mpan, l.reaction))
        .collect();
    Err(StepFailure::unmet(
        format!(
            "each acknowledged {} answered with {} exactly once (S4), every one accepted by the DIP",
            f.delivery,
            f.reactions.join(" and ")
        ),
        format!(
            "{} of {} expected reactions lost: {}{}{}{}",
            r.lost_count,
            f.reactions_expected,
            named.join(", "),
            if r.lost_count > named.len() as u64 {
                format!(" and {} more", r.lost_count - named.len() as u64)
            } else {
                String::new()
            },
            load::refusals(r),
            if f.reactions_received == 0 && r.refused.is_empty() {
                "; no submission of them came at all"
            } else {
                ""
            }
        ),
        &[],
    ))
}

#[then(expr = "no reaction of the load was accepted twice")]
fn not_twice(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    if r.duplicate_count == 0 {
        return Ok(());
    }
    let named: Vec<String> = r
        .duplicates
        .iter()
        .take(20)
        .map(|d| format!("MPAN {} {} ({} times)", d.mpan, d.reaction, d.accepted))
        .collect();
    Err(StepFailure::unmet(
        "each reaction accepted once only (S6)",
        format!(
            "{} reactions accepted more than once: {}",
            r.duplicate_count,
            named.join(", ")
        ),
        &[],
    ))
}

#[then(expr = "the system kept to the DIP's rate limit")]
fn kept_limit(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    let Some(v) = &r.rate_limit else {
        return Err(StepFailure::setup(
            "the load profile sets no rate limit ([dip] rate_limit)",
        ));
    };
    if v.ok && v.throttled > 0 {
        return Ok(());
    }
    if v.ok {
        return Err(StepFailure::unmet(
            format!(
                "the load reaches the DIP's rate limit of {} per second, and the system backs off on 429 (S6)",
                v.limit
            ),
            format!(
                "no submission was answered 429 ({} submissions at most in a second): the load proves nothing about backing off",
                v.peak_per_second
            ),
            &[],
        ));
    }
    Err(StepFailure::unmet(
        format!(
            "submissions back off on 429, never more than {} per second ({} with {:.0}% tolerance) in any one-second window (S6)",
            v.limit,
            v.limit,
            v.tolerance * 100.0
        ),
        format!(
            "broke the rate limit: {} submissions in the one-second window from {:.2} s; {} answered 429 in all{}",
            v.peak_per_second,
            std::time::Duration::from_millis(v.peak_at_ms).as_secs_f64(),
            v.throttled,
            if r.lost_count > 0 {
                format!(
                    "; {} reactions never accepted (no accepted resubmission)",
                    r.lost_count
                )
            } else {
                String::new()
            }
        ),
        &[],
    ))
}

#[then(expr = "the system rode out the DIP's outage")]
fn rode_out(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    let Some(o) = &r.outage else {
        return Err(StepFailure::setup(
            "the load profile has no outage ([dip] outage)",
        ));
    };
    if o.unavailable == 0 {
        return Err(StepFailure::unmet(
            format!(
                "submissions meet the DIP's outage of {} ms at {} ms, and are resubmitted until accepted (S6)",
                o.length_ms, o.at_ms
            ),
            "no submission met the outage: the load proves nothing about riding it out",
            &[],
        ));
    }
    let f = &r.families[0];
    if r.lost_count == 0 && f.reactions_received >= f.reactions_expected {
        return Ok(());
    }
    Err(StepFailure::unmet(
        format!(
            "every submission answered 503 during the outage resubmitted until accepted (S6): {} reactions",
            f.reactions_expected
        ),
        format!(
            "{} answered 503; {} of {} reactions accepted, {} lost (no accepted resubmission){}",
            o.unavailable,
            f.reactions_received,
            f.reactions_expected,
            r.lost_count,
            load::refusals(r)
        ),
        &[],
    ))
}

#[then(expr = "every objective of the load profile held")]
fn objectives(w: &mut QualWorld) -> Result<(), StepFailure> {
    let r = report(w)?;
    let failed: Vec<String> = r
        .objectives
        .iter()
        .filter(|o| !o.ok)
        .map(|o| format!("{} ({}): {}", o.name, o.measured, o.detail))
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(StepFailure::unmet(
        format!(
            "every objective held: {}",
            r.objectives
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        failed.join("; "),
        &[],
    ))
}
