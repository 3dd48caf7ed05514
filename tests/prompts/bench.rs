//! Purpose: the prompt reader's latency at 10,000 accounts (fuzzy account matching and
//! book-wide stakeholder search included). Run with
//! `cargo test --release --test prompts -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use super::fixture::big_book;
use super::{cases, read_case};

#[test]
#[ignore]
fn bench_prompt_reader_10k() {
    let book = big_book();
    assert_eq!(book.len(), 10_000);
    let cases = cases();
    // Every prompt is read RUNS times. `raw` keeps every read; `typical` keeps each prompt's
    // median read, which discounts a read that was merely preempted on a busy machine.
    const RUNS: usize = 7;
    let mut raw = Vec::new();
    let mut typical = Vec::new();
    for case in &cases {
        let mut runs: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(read_case(case, &book));
                start.elapsed()
            })
            .collect();
        raw.extend(&runs);
        runs.sort();
        typical.push((runs[RUNS / 2], case.prompt.as_str()));
    }
    raw.sort();
    typical.sort();
    let pick = |v: &[Duration], q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    let medians: Vec<Duration> = typical.iter().map(|t| t.0).collect();
    let slowest = std::env::var("BENCH_SLOWEST")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    for (took, prompt) in typical.iter().rev().take(slowest) {
        println!("{took:>12?}  {prompt}");
    }
    println!(
        "prompt → command at 10,000 accounts, {} prompts × {RUNS}: every read p50 {:?}, \
         p99 {:?}, max {:?}; per-prompt median p50 {:?}, p99 {:?}, max {:?}",
        cases.len(),
        pick(&raw, 0.50),
        pick(&raw, 0.99),
        raw[raw.len() - 1],
        pick(&medians, 0.50),
        pick(&medians, 0.99),
        medians[medians.len() - 1],
    );
    let p99 = pick(&medians, 0.99);
    assert!(p99 <= Duration::from_millis(1), "p99 {p99:?} is over 1 ms");
}
