//! Where the official API descriptions are. They are not part of the project: a bare clone
//! has none, and `cargo test` passes there with the conformance tests ignored and the fake
//! Slack and Discord servers checking only what they check themselves. `STEWARD_API_SPECS`
//! names the folder holding `discord-api-spec/openapi.json` and `slack-api-specs/…` (CI sets
//! it to the copy beside the project); once it is set, every request the fakes see is validated
//! against the descriptions, and a missing file fails loudly instead of skipping.
//!
//! The conformance tests are `#[ignore]`d with the reason and run with
//! `STEWARD_API_SPECS=DIR cargo test -- --ignored conformance`.

use std::path::PathBuf;

/// The variable naming the descriptions' folder.
const VARIABLE: &str = "STEWARD_API_SPECS";

/// The file at `relative` inside the descriptions' folder, or `None` when the variable is
/// unset. Panics when it is set and the file is missing: a conformance run must never pass
/// by checking nothing.
pub fn find(relative: &str) -> Option<PathBuf> {
    let folder = std::env::var_os(VARIABLE)?;
    let mut path = PathBuf::from(folder);
    if path.is_relative() {
        path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    }
    let path = path.join(relative);
    assert!(
        path.is_file(),
        "{VARIABLE} is set, but {} is missing",
        path.display()
    );
    Some(path)
}

/// The file at `relative`, for a conformance test that cannot run without it.
pub fn require(relative: &str) -> PathBuf {
    find(relative).unwrap_or_else(|| {
        panic!(
            "this conformance test needs the official API descriptions: \
             set {VARIABLE} to the folder holding {relative}"
        )
    })
}
