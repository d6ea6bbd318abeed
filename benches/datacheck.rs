//! Data check throughput and peak memory on generated files.
//!
//! `cargo bench --bench datacheck` generates files of 1M and 10M rows (override with
//! `MHHS_QUAL_BENCH_ROWS=100000,1000000`) in a temp folder, then checks each in a child
//! process of its own and reports rows per second and the child's peak resident memory
//! (VmHWM from /proc/self/status). The check is single-threaded, so rows/s is per core.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use mhhs_qual::datacheck::{Options, check};
use mhhs_qual::market::Plan;
use mhhs_qual::market::generator::{Format, write};

fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn child(file: &Path) {
    let started = Instant::now();
    let mut findings = 0u64;
    let summary = check(file, &Options::default(), &mut |_| findings += 1).expect("check runs");
    let secs = started.elapsed().as_secs_f64();
    #[expect(
        clippy::cast_precision_loss,
        reason = "row counts fit an f64 well enough"
    )]
    let rate = summary.rows as f64 / secs;
    println!(
        "{:>10} rows  {:>8.2} s  {:>10.0} rows/s  peak {:>6.1} MB  index {:.1} MB  findings {}",
        summary.rows,
        secs,
        rate,
        peak_mb(),
        f64::from(u32::try_from(summary.index_bytes).unwrap_or(u32::MAX)) / 1_048_576.0,
        findings
    );
}

fn main() {
    if let Some(file) = std::env::var_os("MHHS_QUAL_BENCH_CHILD") {
        child(Path::new(&file));
        return;
    }
    let sizes: Vec<u64> = std::env::var("MHHS_QUAL_BENCH_ROWS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    for rows in sizes {
        let file = dir.path().join(format!("bench-{rows}.csv"));
        let started = Instant::now();
        let f = std::fs::File::create(&file).expect("create");
        write(&Plan::new(2026, &[]), rows, Format::Csv, f).expect("generate");
        let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
        println!(
            "generated {rows} rows ({} MB) in {:.1} s",
            bytes / 1_048_576,
            started.elapsed().as_secs_f64()
        );
        let status = Command::new(std::env::current_exe().expect("own path"))
            .env("MHHS_QUAL_BENCH_CHILD", &file)
            .status()
            .expect("child runs");
        assert!(status.success());
        let _ = std::fs::remove_file(&file);
    }
}
