//! Pictures on the console, end to end: `steward console --images DIR` writes the pictures
//! of `/health show`, `/stakeholder list` and `/renewal list` into DIR as PNG files and names
//! each under its reply; without the flag the replies are the same text and nothing is
//! written. Also keeps README's example pictures (`tests/pictures/`) in step with the
//! renderer (`STEWARD_BLESS=1 cargo test --test pictures` redraws them).

#[expect(dead_code, reason = "each test crate uses part of the shared helpers")]
mod common;

use common::{assert_has, Steward};
use std::path::{Path, PathBuf};

use steward::picture::Picture;

/// Width, height and RGB(A) pixels of a PNG file.
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    pixels.truncate(frame.buffer_size());
    (frame.width, frame.height, pixels)
}

const SCRIPT: &str = "/account add \"Acme Corp\" arr:120k renewal:+100d owner:@jane\n\
    /account add Globex arr:50k renewal:+40d\n\
    /health set \"Acme Corp\" usage:85 adoption:3 nps:9 tickets:decreasing roi:95\n\
    /stakeholder add \"Acme Corp\" \"Alice Chen\" role:champion\n\
    /stakeholder add \"Acme Corp\" \"Bob Ruiz\" role:economic-buyer sentiment:positive\n\
    /health show \"Acme Corp\"\n\
    /stakeholder list \"Acme Corp\"\n\
    /renewal list\n";

#[test]
fn the_console_writes_pictures_with_images_dir_and_names_them() {
    let s = Steward::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let images = dir.path().join("pictures");
    let run = s.console_with(
        &["--images", &images.display().to_string()],
        SCRIPT.as_bytes(),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected = [
        (5, "health-trend-acme-corp.png", "Health score of Acme Corp"),
        (6, "power-grid-acme-corp.png", "Acme Corp"),
        (7, "renewal-timeline-2026-03-02.png", "renewal"),
    ];
    for (reply, file, words) in expected {
        let path = images.join(file);
        let line = format!("Picture: {} — ", path.display());
        assert_has(run.reply(reply), &[&line]);
        let said = run
            .reply(reply)
            .lines()
            .find(|l| l.starts_with("Picture: "))
            .unwrap_or_default();
        assert!(said.contains(words), "{said}");
        let (width, height, pixels) = decode(&path);
        assert_eq!((width, height), (800, 450));
        assert!(pixels.iter().any(|&p| p < 200), "{file} is not blank");
    }
    // The same script without the flag: the same text, no picture lines, nothing written.
    let plain = Steward::new().console_with(&[], SCRIPT.as_bytes());
    for (reply, ..) in expected {
        let with: Vec<&str> = run
            .reply(reply)
            .lines()
            .filter(|l| !l.starts_with("Picture: "))
            .collect();
        assert_eq!(with.join("\n"), plain.reply(reply));
    }
    assert!(!plain.stdout.contains("Picture: "));
}

#[test]
fn an_images_path_that_cannot_be_a_directory_is_refused_at_start() {
    let s = Steward::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("taken");
    std::fs::write(&file, "not a directory").expect("write");
    let run = s.console_with(
        &["--images", &file.display().to_string()],
        b"/steward help\n",
    );
    assert_eq!(run.code, Some(1));
    assert!(run.replies.is_empty(), "nothing was answered");
    assert!(
        run.stderr.contains("cannot use") && run.stderr.contains("for pictures"),
        "{}",
        run.stderr
    );
}

/// README's example pictures, drawn from the renderer's own sample data.
fn examples() -> Vec<(PathBuf, Picture)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pictures");
    steward::picture::examples()
        .into_iter()
        .map(|(name, picture)| (dir.join(name), picture))
        .collect()
}

#[test]
fn readme_pictures_are_drawn_by_the_current_renderer() {
    let bless = std::env::var_os("STEWARD_BLESS").is_some();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for (path, picture) in examples() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert!(
            readme.contains(&format!("tests/pictures/{name}")),
            "README shows {name}"
        );
        let fresh = picture.png();
        if bless {
            std::fs::write(&path, &fresh).expect("write example");
            continue;
        }
        // Compared pixel by pixel with a little tolerance (anti-aliasing may differ by a
        // shade between CPUs), not byte by byte.
        let scratch = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(scratch.path(), &fresh).expect("write");
        let (committed, now) = (decode(&path), decode(scratch.path()));
        assert_eq!((committed.0, committed.1), (now.0, now.1));
        let differing = committed
            .2
            .iter()
            .zip(&now.2)
            .filter(|(a, b)| a.abs_diff(**b) > 8)
            .count();
        assert!(
            differing * 100 < committed.2.len(),
            "{} is out of date: {differing} channel values differ; redraw with STEWARD_BLESS=1 cargo test --test pictures",
            path.display()
        );
    }
}
