//! Purpose: any [`Scene`] → PNG bytes, in-process: tiny-skia fills and strokes the shapes,
//! ab_glyph's coverage is blended in for text, png encodes.

use tiny_skia::{
    FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, PremultipliedColorU8, Rect, Stroke,
    StrokeDash, Transform,
};

use super::font;
use super::scene::{Anchor, Colour, Label, MarkShape, Point, Scene, Shape};

/// The largest canvas drawn; a bigger request is clamped rather than allocating gigabytes.
const MAX_SIDE: u32 = 4096;
/// The largest text drawn, in px.
const MAX_TEXT_SIZE: f32 = 200.0;

/// Draws `scene` and encodes it as an RGB PNG. Shapes with non-finite or empty geometry are
/// skipped, so no data makes this panic.
pub fn png(scene: &Scene) -> Vec<u8> {
    let width = scene.width.clamp(1, MAX_SIDE);
    let height = scene.height.clamp(1, MAX_SIDE);
    let Some(mut pixmap) = Pixmap::new(width, height) else {
        return Vec::new();
    };
    pixmap.fill(to_skia(opaque(scene.background)));
    for shape in &scene.shapes {
        draw(&mut pixmap, shape);
    }
    encode(&pixmap)
}

/// The background is opaque so every pixel is, and the PNG can drop the alpha channel.
fn opaque(c: Colour) -> Colour {
    Colour { a: 255, ..c }
}

fn to_skia(c: Colour) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(c.r, c.g, c.b, c.a)
}

fn paint(c: Colour, anti_alias: bool) -> Paint<'static> {
    let mut paint = Paint {
        anti_alias,
        ..Paint::default()
    };
    paint.set_color(to_skia(c));
    paint
}

fn draw(pixmap: &mut Pixmap, shape: &Shape) {
    let identity = Transform::identity();
    match shape {
        Shape::Rect { x, y, w, h, fill } => {
            // Bands and cells sit on whole pixels; no anti-aliasing keeps their edges crisp.
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pixmap.fill_rect(rect, &paint(*fill, false), identity, None);
            }
        }
        Shape::Line {
            points,
            colour,
            width,
            dashed,
        } => {
            let mut path = PathBuilder::new();
            for (i, p) in points.iter().filter(|p| finite(p)).enumerate() {
                if i == 0 {
                    path.move_to(p.x, p.y);
                } else {
                    path.line_to(p.x, p.y);
                }
            }
            let stroke = Stroke {
                width: *width,
                line_cap: LineCap::Round,
                line_join: LineJoin::Round,
                dash: if *dashed {
                    StrokeDash::new(vec![6.0, 4.0], 0.0)
                } else {
                    None
                },
                ..Stroke::default()
            };
            if let Some(path) = path.finish() {
                pixmap.stroke_path(&path, &paint(*colour, true), &stroke, identity, None);
            }
        }
        Shape::Mark {
            at,
            radius,
            shape,
            fill,
            outline,
        } => {
            if *shape == MarkShape::Circle {
                disc(pixmap, *at, *radius, *fill, *outline);
            } else if let Some(path) = polygon(*at, *radius, *shape) {
                let paint_fill = paint(*fill, true);
                pixmap.fill_path(&path, &paint_fill, FillRule::Winding, identity, None);
                let stroke = Stroke {
                    width: 1.2,
                    ..Stroke::default()
                };
                pixmap.stroke_path(&path, &paint(*outline, true), &stroke, identity, None);
            }
        }
        Shape::Text(label) => draw_text(pixmap, label),
    }
}

fn finite(p: &Point) -> bool {
    p.x.is_finite() && p.y.is_finite()
}

fn positive(v: f32) -> bool {
    v.is_finite() && v > 0.0
}

/// A filled circle with a 1.2 px outline, drawn straight into the pixels from each pixel's
/// distance to the centre: tiny-skia's general path filler spends more on setting up one
/// small circle than this spends drawing it, and a timeline draws 150.
fn disc(pixmap: &mut Pixmap, at: Point, r: f32, fill: Colour, outline: Colour) {
    if !finite(&at) || !positive(r) {
        return;
    }
    let (width, height) = (pixmap.width() as i64, pixmap.height() as i64);
    let reach = r + 1.5;
    // Float-to-int casts saturate, so a far-off or huge circle clamps to the canvas.
    let xs = ((at.x - reach).floor() as i64).max(0)..((at.x + reach).ceil() as i64).min(width);
    let ys = ((at.y - reach).floor() as i64).max(0)..((at.y + reach).ceil() as i64).min(height);
    let pixels = pixmap.pixels_mut();
    for y in ys {
        for x in xs.clone() {
            let d = (x as f32 + 0.5 - at.x).hypot(y as f32 + 0.5 - at.y);
            // Coverage ramps over one pixel at each edge: the anti-aliasing.
            let inside = (r - d + 0.5).clamp(0.0, 1.0);
            let edge = (1.1 - (d - r).abs()).clamp(0.0, 1.0);
            let at = (y * width + x) as usize;
            if inside > 0.0 {
                pixels[at] = blend(pixels[at], fill, inside);
            }
            if edge > 0.0 {
                pixels[at] = blend(pixels[at], outline, edge);
            }
        }
    }
}

/// The outline of a mark other than a circle (circles are drawn by [`disc`]).
fn polygon(at: Point, r: f32, shape: MarkShape) -> Option<tiny_skia::Path> {
    if !finite(&at) || !positive(r) {
        return None;
    }
    // Corners in units of the radius; squares and triangles look larger than a circle of the
    // same radius, diamonds smaller, so each is scaled to look alike.
    let corners: &[(f32, f32)] = match shape {
        MarkShape::Circle => return None,
        MarkShape::Square => &[(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
        MarkShape::Diamond => &[(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)],
        MarkShape::Triangle => &[(0.0, -1.15), (1.15, 0.92), (-1.15, 0.92)],
    };
    let mut path = PathBuilder::new();
    for (i, (dx, dy)) in corners.iter().enumerate() {
        let (x, y) = (at.x + dx * r, at.y + dy * r);
        if i == 0 {
            path.move_to(x, y);
        } else {
            path.line_to(x, y);
        }
    }
    path.close();
    path.finish()
}

fn draw_text(pixmap: &mut Pixmap, label: &Label) {
    // A glyph's raster is as big as its size squared: far past any label, skip it.
    if !finite(&label.at) || !positive(label.size) || label.size > MAX_TEXT_SIZE {
        return;
    }
    let (glyphs, advance) = font::layout(&label.text, label.size);
    let left = label.at.x
        - match label.anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => advance / 2.0,
            Anchor::End => advance,
        };
    // Bold is the regular face drawn twice, a fraction of a pixel apart: no second font.
    let passes: &[f32] = if label.bold { &[0.0, 0.6] } else { &[0.0] };
    let (width, height) = (pixmap.width() as i64, pixmap.height() as i64);
    let pixels = pixmap.pixels_mut();
    for placed in glyphs {
        let x = placed.glyph.position.x + left;
        // Off-canvas glyphs of an over-long label are not rasterized at all.
        if x < -label.size * 2.0 || x > width as f32 {
            continue;
        }
        for dx in passes {
            let mut glyph = placed.glyph.clone();
            glyph.position.x = x + dx;
            glyph.position.y = label.at.y;
            let Some(outline) = ab_glyph::Font::outline_glyph(placed.font, glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let x = bounds.min.x as i64 + i64::from(gx);
                let y = bounds.min.y as i64 + i64::from(gy);
                if (0..width).contains(&x) && (0..height).contains(&y) {
                    let at = (y * width + x) as usize;
                    // The light face's thin strokes fade at small sizes; lifting partial
                    // coverage keeps them legible in a chat preview.
                    let c = coverage.clamp(0.0, 1.0);
                    let lifted = c * (1.5 - 0.5 * c);
                    pixels[at] = blend(pixels[at], label.colour, lifted);
                }
            });
        }
    }
}

/// `colour` at `coverage` over a premultiplied pixel (source-over).
fn blend(under: PremultipliedColorU8, colour: Colour, coverage: f32) -> PremultipliedColorU8 {
    let alpha = coverage * f32::from(colour.a) / 255.0;
    let keep = 1.0 - alpha;
    let mix = |src: u8, dst: u8| (f32::from(src) * alpha + f32::from(dst) * keep).round();
    let a = mix(255, under.alpha()).min(255.0) as u8;
    // Rounding must never make a channel exceed alpha (premultiplied invariant).
    let channel = |src: u8, dst: u8| (mix(src, dst) as u8).min(a);
    PremultipliedColorU8::from_rgba(
        channel(colour.r, under.red()),
        channel(colour.g, under.green()),
        channel(colour.b, under.blue()),
        a,
    )
    .unwrap_or(under)
}

/// RGB (the canvas is opaque), fast deflate: a chart compresses well even at the fast level,
/// and the slower levels cost several times the drawing.
fn encode(pixmap: &Pixmap) -> Vec<u8> {
    let rgb: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let written = encoder.write_header().and_then(|mut writer| {
        writer.write_image_data(&rgb)?;
        writer.finish()
    });
    match written {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// A PNG's width, height and RGB pixels, row by row: how the tests look at pictures.
#[cfg(test)]
pub fn decode(png: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buffer).expect("a PNG image");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let pixels = buffer[..info.buffer_size()]
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::scene::{palette, pt};

    fn pixel(pixels: &[[u8; 3]], x: u32, y: u32) -> [u8; 3] {
        pixels[(y * 800 + x) as usize]
    }

    fn rgb(c: Colour) -> [u8; 3] {
        [c.r, c.g, c.b]
    }

    #[test]
    fn draws_shapes_and_text_where_the_scene_says() {
        let mut scene = Scene::new();
        scene.rect((100.0, 100.0), (200.0, 100.0), palette::YELLOW);
        scene.mark(pt(500.0, 150.0), 20.0, MarkShape::Circle, palette::BLUE);
        scene.line(
            vec![pt(0.0, 300.0), pt(800.0, 300.0)],
            palette::VERMILLION,
            4.0,
            false,
        );
        scene.text(pt(100.0, 400.0), "Hello, picture", 30.0, palette::INK);
        let (width, height, pixels) = decode(&png(&scene));
        assert_eq!((width, height), (800, 450));
        assert_eq!(pixel(&pixels, 150, 150), rgb(palette::YELLOW));
        assert_eq!(pixel(&pixels, 500, 150), rgb(palette::BLUE));
        assert_eq!(pixel(&pixels, 400, 300), rgb(palette::VERMILLION));
        assert_eq!(pixel(&pixels, 50, 50), rgb(palette::BACKGROUND));
        // The text left ink in its box, and only there.
        let inked = |x0: u32, x1: u32| {
            (x0..x1)
                .flat_map(|x| (375..405).map(move |y| (x, y)))
                .filter(|(x, y)| pixel(&pixels, *x, *y) != rgb(palette::BACKGROUND))
                .count()
        };
        assert!(inked(100, 300) > 300, "{}", inked(100, 300));
        assert_eq!(inked(400, 800), 0);
    }

    #[test]
    fn odd_geometry_is_skipped_not_a_panic() {
        let mut scene = Scene::new();
        scene.rect((f32::NAN, 0.0), (-5.0, f32::INFINITY), palette::BLUE);
        scene.mark(
            pt(f32::INFINITY, 1.0),
            -3.0,
            MarkShape::Diamond,
            palette::BLUE,
        );
        scene.line(vec![pt(f32::NAN, 1.0)], palette::BLUE, 2.0, true);
        scene.line(Vec::new(), palette::BLUE, 2.0, false);
        scene.text(pt(-1e9, 1e9), "far away", 1e6, palette::INK);
        scene.width = 0;
        let (width, height, pixels) = decode(&png(&scene));
        assert_eq!((width, height), (1, 450));
        assert!(pixels.iter().all(|p| *p == rgb(palette::BACKGROUND)));
    }
}
