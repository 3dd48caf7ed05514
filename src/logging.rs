//! Purpose: tracing setup. `RUST_LOG` filters (default `info`), but dependency targets that
//! can print tokens, signatures or wire frames stay at `warn` unless
//! `STEWARD_UNSAFE_TRACE=1` (DECISIONS 24).

use tracing_subscriber::EnvFilter;

/// Targets that may log secrets below `warn`.
pub const SECRET_BEARING_TARGETS: [&str; 8] = [
    "tungstenite",
    "tokio_tungstenite",
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "rustls",
    "slack_morphism",
];

/// The filter for a `RUST_LOG` value and the unsafe-trace switch.
pub fn filter(rust_log: Option<&str>, unsafe_trace: bool) -> EnvFilter {
    let mut filter =
        EnvFilter::try_new(rust_log.unwrap_or("info")).unwrap_or_else(|_| EnvFilter::new("info"));
    // The storage backend reports recovery problems itself; Steward turns them into one line.
    for target in crate::store::backend::QUIET_LOG_TARGETS {
        if !rust_log.is_some_and(|l| l.contains(target)) {
            if let Ok(directive) = format!("{target}=off").parse() {
                filter = filter.add_directive(directive);
            }
        }
    }
    if !unsafe_trace {
        for target in SECRET_BEARING_TARGETS {
            if let Ok(directive) = format!("{target}=warn").parse() {
                filter = filter.add_directive(directive);
            }
        }
    }
    filter
}

/// Installs the global subscriber (logs go to stderr, replies to stdout).
pub fn init() {
    let rust_log = std::env::var("RUST_LOG").ok();
    let unsafe_trace = std::env::var("STEWARD_UNSAFE_TRACE").as_deref() == Ok("1");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(rust_log.as_deref(), unsafe_trace))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
