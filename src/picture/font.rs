//! Purpose: the text of pictures — fonts compiled into the binary, parsed once — laid out as
//! placed glyphs, measured for layout and cut to fit.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, Glyph, GlyphId, PxScale, ScaleFont};

/// Ubuntu Light reads well at chart sizes; Hack fills in what it lacks (arrows, symbols).
/// Parsed on first use and kept: parsing per picture would cost more than drawing it.
fn fonts() -> &'static [FontRef<'static>] {
    static FONTS: OnceLock<Vec<FontRef<'static>>> = OnceLock::new();
    FONTS.get_or_init(|| {
        [
            epaint_default_fonts::UBUNTU_LIGHT,
            epaint_default_fonts::HACK_REGULAR,
        ]
        .into_iter()
        .filter_map(|bytes| FontRef::try_from_slice(bytes).ok())
        .collect()
    })
}

/// A glyph at its position (baseline origin at y = 0), with the font that has it.
pub struct Placed {
    pub font: &'static FontRef<'static>,
    pub glyph: Glyph,
}

/// The first font that has `c`; else the main font's "missing" box, so nothing vanishes
/// silently (CJK names, emoji).
fn pick(c: char) -> Option<(usize, &'static FontRef<'static>, GlyphId)> {
    let fonts = fonts();
    fonts
        .iter()
        .enumerate()
        .find_map(|(i, font)| {
            let id = font.glyph_id(c);
            (id.0 != 0).then_some((i, font, id))
        })
        .or_else(|| fonts.first().map(|font| (0, font, font.glyph_id(c))))
}

/// Lays `text` out from x = 0 at `size` px; returns the glyphs and the total advance.
/// Control characters (newlines, tabs) are dropped: a label is one line.
pub fn layout(text: &str, size: f32) -> (Vec<Placed>, f32) {
    let scale = PxScale::from(size);
    let mut x = 0.0;
    let mut placed = Vec::with_capacity(text.len());
    let mut previous: Option<(usize, GlyphId)> = None;
    for c in text.chars().filter(|c| !c.is_control()) {
        let Some((index, font, id)) = pick(c) else {
            continue;
        };
        let scaled = font.as_scaled(scale);
        if let Some((previous_index, previous_id)) = previous {
            if previous_index == index {
                x += scaled.kern(previous_id, id);
            }
        }
        placed.push(Placed {
            font,
            glyph: id.with_scale_and_position(scale, point(x, 0.0)),
        });
        x += scaled.h_advance(id);
        previous = Some((index, id));
    }
    (placed, x)
}

/// The width of `text` in px.
pub fn width(text: &str, size: f32) -> f32 {
    layout(text, size).1
}

fn advance(c: char, size: f32) -> f32 {
    pick(c).map_or(0.0, |(_, font, id)| font.as_scaled(size).h_advance(id))
}

/// `text`, cut and ended with "…" when wider than `max` px. Linear in the part kept, so a
/// pathological 100,000-character name costs no more than a short one.
pub fn fit(text: &str, size: f32, max: f32) -> String {
    let ellipsis = advance('…', size);
    let mut used = 0.0;
    let mut cut = None;
    for (at, c) in text.char_indices().filter(|(_, c)| !c.is_control()) {
        used += advance(c, size);
        if cut.is_none() && used > max - ellipsis {
            cut = Some(at);
        }
        if used > max {
            let kept = text[..cut.unwrap_or(at)].trim_end();
            return format!("{kept}…");
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_parse_and_measure() {
        assert_eq!(fonts().len(), 2);
        let short = width("Acme", 14.0);
        assert!(short > 20.0 && short < 60.0, "{short}");
        assert!(width("Acme Corporation", 14.0) > short);
        assert_eq!(width("", 14.0), 0.0);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("Acme", 14.0, 200.0), "Acme");
        let long = "Very Long Account Name Incorporated ".repeat(3000);
        let cut = fit(&long, 14.0, 120.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 14.0) <= 120.5, "{}", width(&cut, 14.0));
        // Characters no font has still take room (the "missing" box), never a panic.
        assert!(width("株式会社 🚀", 14.0) > 0.0);
    }
}
