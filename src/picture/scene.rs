//! Purpose: what a picture draws — canvas, rectangles, lines, marks and text at positions —
//! as plain data, so tests check positions and colours without decoding pixels.

use crate::domain::health::Band;

/// The canvas of every picture: wide enough for a chat preview, small enough to stay quick.
pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 450;

/// A straight (not premultiplied) RGBA colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Colour {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b, a: 255 }
    }

    /// The same colour, see-through: for what is no longer current (a departed person).
    pub const fn faded(self) -> Colour {
        Colour { a: 90, ..self }
    }

    /// The colour mixed with white; `strength` 0 is white, 1 the colour itself.
    pub fn tint(self, strength: f32) -> Colour {
        let mix = |c: u8| (255.0 - (255.0 - f32::from(c)) * strength).round() as u8;
        Colour::rgb(mix(self.r), mix(self.g), mix(self.b))
    }
}

/// Okabe–Ito, a palette told apart with every common colour-vision deficiency; every picture
/// also names what a colour means in text, so no meaning rests on colour alone.
pub mod palette {
    use super::Colour;

    pub const ORANGE: Colour = Colour::rgb(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: Colour = Colour::rgb(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: Colour = Colour::rgb(0x00, 0x9E, 0x73);
    pub const YELLOW: Colour = Colour::rgb(0xF0, 0xE4, 0x42);
    pub const BLUE: Colour = Colour::rgb(0x00, 0x72, 0xB2);
    pub const VERMILLION: Colour = Colour::rgb(0xD5, 0x5E, 0x00);
    pub const GREY: Colour = Colour::rgb(0x99, 0x99, 0x99);
    pub const BACKGROUND: Colour = Colour::rgb(0xFF, 0xFF, 0xFF);
    /// Text and outlines.
    pub const INK: Colour = Colour::rgb(0x22, 0x22, 0x22);
    /// Secondary text: axis labels, notes.
    pub const MUTED: Colour = Colour::rgb(0x5F, 0x5F, 0x5F);
}

/// The colour of a health band, the same in every picture.
pub fn band_colour(band: Band) -> Colour {
    match band {
        Band::Green => palette::BLUISH_GREEN,
        Band::Yellow => palette::YELLOW,
        Band::Red => palette::VERMILLION,
        Band::Unknown => palette::GREY,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

pub const fn pt(x: f32, y: f32) -> Point {
    Point { x, y }
}

/// Which end of the text its position names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// A mark's outline: a second cue besides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkShape {
    Circle,
    Square,
    Diamond,
    Triangle,
}

/// One line of text; `at` is the anchor point on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub at: Point,
    pub text: String,
    pub size: f32,
    pub colour: Colour,
    pub anchor: Anchor,
    pub bold: bool,
}

/// Text size of axis ticks, keys and names: legible when a chat preview halves the picture.
pub const SMALL: f32 = 14.0;

impl Label {
    /// Secondary text (ticks, keys, notes): muted, regular weight, small.
    pub fn muted(at: Point, text: impl Into<String>, anchor: Anchor) -> Label {
        Label {
            at,
            text: text.into(),
            size: SMALL,
            colour: palette::MUTED,
            anchor,
            bold: false,
        }
    }

    /// The box the text covers, as (x, y, w, h), with a little margin.
    pub fn bounds(&self) -> super::place::Bounds {
        let width = super::font::width(&self.text, self.size);
        let left = self.at.x
            - match self.anchor {
                Anchor::Start => 0.0,
                Anchor::Middle => width / 2.0,
                Anchor::End => width,
            };
        // Ascent and descent are about 0.8 and 0.2 of the size in both fonts.
        let top = self.at.y - self.size * 0.8;
        (left - 3.0, top - 2.0, width + 6.0, self.size + 4.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Colour,
    },
    /// A polyline; a single segment is two points.
    Line {
        points: Vec<Point>,
        colour: Colour,
        width: f32,
        dashed: bool,
    },
    Mark {
        at: Point,
        radius: f32,
        shape: MarkShape,
        fill: Colour,
        outline: Colour,
    },
    Text(Label),
}

/// A picture, ready to rasterize: shapes are drawn in order, later ones on top.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub background: Colour,
    pub shapes: Vec<Shape>,
}

impl Scene {
    pub fn new() -> Scene {
        Scene {
            width: WIDTH,
            height: HEIGHT,
            background: palette::BACKGROUND,
            shapes: Vec::new(),
        }
    }

    pub fn rect(&mut self, (x, y): (f32, f32), (w, h): (f32, f32), fill: Colour) {
        self.shapes.push(Shape::Rect { x, y, w, h, fill });
    }

    pub fn line(&mut self, points: Vec<Point>, colour: Colour, width: f32, dashed: bool) {
        self.shapes.push(Shape::Line {
            points,
            colour,
            width,
            dashed,
        });
    }

    pub fn mark(&mut self, at: Point, radius: f32, shape: MarkShape, fill: Colour) {
        // The outline fades with the fill, so a faded mark reads as faded all through.
        let outline = Colour {
            a: fill.a,
            ..palette::INK
        };
        self.shapes.push(Shape::Mark {
            at,
            radius,
            shape,
            fill,
            outline,
        });
    }

    /// Adds plain text: start-anchored, regular weight.
    pub fn text(&mut self, at: Point, text: impl Into<String>, size: f32, colour: Colour) {
        self.shapes.push(Shape::Text(Label {
            at,
            text: text.into(),
            size,
            colour,
            anchor: Anchor::Start,
            bold: false,
        }));
    }

    /// Like [`Scene::text`], anchored and optionally bold.
    pub fn label(&mut self, label: Label) {
        self.shapes.push(Shape::Text(label));
    }

    /// A label on a light backing, readable over marks, lines and bands.
    pub fn backed(&mut self, label: Label) {
        let (x, y, w, h) = label.bounds();
        let backing = Colour {
            a: 215,
            ..palette::BACKGROUND
        };
        self.rect((x, y), (w, h), backing);
        self.label(label);
    }

    /// The picture's title (bold, top left) and a muted subtitle under it.
    pub fn heading(&mut self, title: &str, subtitle: &str) {
        let width = self.width as f32 - 48.0;
        self.label(Label {
            at: pt(24.0, 34.0),
            text: super::font::fit(title, 24.0, width),
            size: 24.0,
            colour: palette::INK,
            anchor: Anchor::Start,
            bold: true,
        });
        self.text(
            pt(24.0, 58.0),
            super::font::fit(subtitle, 15.0, width),
            15.0,
            palette::MUTED,
        );
    }
}

impl Default for Scene {
    fn default() -> Self {
        Scene::new()
    }
}

/// Queries the tests of every picture use.
#[cfg(test)]
impl Scene {
    pub fn texts(&self) -> impl Iterator<Item = &Label> {
        self.shapes.iter().filter_map(|s| match s {
            Shape::Text(label) => Some(label),
            _ => None,
        })
    }

    /// The label whose text contains `part`.
    pub fn text_containing(&self, part: &str) -> Option<&Label> {
        self.texts().find(|l| l.text.contains(part))
    }

    /// The marks, as (centre, radius, fill).
    pub fn marks(&self) -> Vec<(Point, f32, Colour)> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Mark {
                    at, radius, fill, ..
                } => Some((*at, *radius, *fill)),
                _ => None,
            })
            .collect()
    }

    /// The rectangles filled with `fill`, as (x, y, w, h).
    pub fn rects_of(&self, fill: Colour) -> Vec<(f32, f32, f32, f32)> {
        self.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill: f,
                } if *f == fill => Some((*x, *y, *w, *h)),
                _ => None,
            })
            .collect()
    }
}
