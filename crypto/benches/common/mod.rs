//! Timing shared by the benchmarks: the benchmark thread's on-CPU time.
//!
//! The machines these run on are shared, and wall time would include the neighbours' work, so
//! each measurement is the thread's on-CPU time (Linux `/proc/thread-self/schedstat`, ±1
//! scheduler tick); elsewhere it falls back to wall time.

use std::time::{Duration, Instant};

/// This thread's on-CPU time so far, where Linux reports it.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Runs `f` `iters` times and returns the on-CPU time (wall time where unavailable), for
/// criterion's `iter_custom`.
pub fn timed(iters: u64, mut f: impl FnMut()) -> Duration {
    let wall = Instant::now();
    let start = cpu_time();
    for _ in 0..iters {
        f();
    }
    match (start, cpu_time()) {
        (Some(start), Some(end)) => end - start,
        _ => wall.elapsed(),
    }
}
