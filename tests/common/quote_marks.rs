//! The quotation marks of every keyboard, written out independently of `src/command/quotes.rs`
//! so the tests that use them check the table rather than repeat it.

/// The quotation marks of every keyboard, as (opening, closing).
pub const QUOTES: [(&str, &str); 11] = [
    ("\"", "\""),
    ("“", "”"),
    ("”", "”"),
    ("„", "“"),
    ("„", "”"),
    ("«", "»"),
    ("»", "«"),
    ("‹", "›"),
    ("'", "'"),
    ("‘", "’"),
    ("‚", "‘"),
];
