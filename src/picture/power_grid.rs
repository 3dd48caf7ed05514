//! Purpose: the power-grid picture of `/stakeholder list` — an account's people in the four
//! cells of influence × sentiment, placed by the same `Quadrant::of` the text list uses.

use super::font;
use super::scene::{palette, pt, Anchor, Colour, Label, MarkShape, Scene, SMALL};
use crate::domain::account::Account;
use crate::domain::stakeholder::{Influence, Quadrant, Role, Sentiment};

// The grid; the left margin holds the influence rows' names, the bottom the legend.
const LEFT: f32 = 92.0;
const RIGHT: f32 = 776.0;
const TOP: f32 = 96.0;
const BOTTOM: f32 = 400.0;
const GAP: f32 = 4.0;
/// The cell's name takes the top of each cell; people are listed under it.
const HEADER: f32 = 30.0;
const ROW: f32 = 24.0;
/// People per cell column; at most three columns, so a cell shows up to 15 names.
const ROWS: usize = 5;
const MAX_COLUMNS: usize = 3;

/// An account's stakeholders, as the grid needs them.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerGrid {
    pub account: String,
    pub people: Vec<GridPerson>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridPerson {
    pub name: String,
    pub role: Role,
    pub influence: Influence,
    pub sentiment: Sentiment,
    pub departed: bool,
}

impl GridPerson {
    pub fn quadrant(&self) -> Quadrant {
        Quadrant::of(self.influence, self.sentiment)
    }
}

impl PowerGrid {
    /// `None` when the account has no stakeholders.
    pub fn of(account: &Account) -> Option<PowerGrid> {
        let people: Vec<GridPerson> = account
            .stakeholders
            .iter()
            .map(|s| GridPerson {
                name: s.name.clone(),
                role: s.role,
                influence: s.influence,
                sentiment: s.sentiment,
                departed: s.departed,
            })
            .collect();
        (!people.is_empty()).then(|| PowerGrid {
            account: account.name.clone(),
            people,
        })
    }

    pub fn title(&self) -> String {
        format!("Power grid — {}", self.account)
    }

    pub fn alt_text(&self) -> String {
        let cells: Vec<String> = Quadrant::GRID
            .iter()
            .map(|q| format!("{} {}", q.word(), self.in_cell(*q).len()))
            .collect();
        let departed = self.people.iter().filter(|p| p.departed).count();
        let people = match self.people.len() {
            1 => "1 stakeholder".to_string(),
            n => format!("{n} stakeholders"),
        };
        format!(
            "Power grid of {}: {people} by influence and sentiment — {}; {departed} departed.",
            self.account,
            cells.join(", ")
        )
    }

    /// The people of one cell, left to right by sentiment (detractor side first, as the grid
    /// reads), the departed after the active.
    fn in_cell(&self, quadrant: Quadrant) -> Vec<&GridPerson> {
        let mut people: Vec<&GridPerson> = self
            .people
            .iter()
            .filter(|p| p.quadrant() == quadrant)
            .collect();
        people.sort_by_key(|p| (sentiment_order(p.sentiment), p.departed));
        people
    }

    pub fn scene(&self) -> Scene {
        let mut scene = Scene::new();
        let departed = self.people.iter().filter(|p| p.departed).count();
        scene.heading(
            &self.title(),
            &format!(
                "{} stakeholders by influence and sentiment · {departed} departed (faded)",
                self.people.len()
            ),
        );
        let (width, height) = ((RIGHT - LEFT) / 2.0, (BOTTOM - TOP) / 2.0);
        // Sentiment left to right, detractor first: each word over its own column, with the
        // mark that stands for it below.
        for (k, sentiment) in Sentiment::ALL.into_iter().rev().enumerate() {
            let x = column_x(
                LEFT + width * (k / 2) as f32 + GAP / 2.0,
                width - GAP,
                k % 2,
                2,
            );
            let (shape, colour) = sentiment_mark(sentiment);
            scene.mark(pt(x + 8.0, TOP - 16.0), 6.0, shape, colour);
            let at = pt(x + 20.0, TOP - 11.0);
            scene.label(Label::muted(at, sentiment.name(), Anchor::Start));
        }
        for (row, text) in ["High", "Low"].into_iter().enumerate() {
            let y = TOP + height * (row as f32 + 0.5);
            scene.label(Label::muted(pt(LEFT - 10.0, y - 2.0), text, Anchor::End));
            scene.label(Label::muted(
                pt(LEFT - 10.0, y + 15.0),
                "influence",
                Anchor::End,
            ));
        }
        for (i, quadrant) in Quadrant::GRID.into_iter().enumerate() {
            let x = LEFT + width * (i % 2) as f32;
            let y = TOP + height * (i / 2) as f32;
            let cell = (x + GAP / 2.0, y + GAP / 2.0, width - GAP, height - GAP);
            self.cell(&mut scene, quadrant, cell);
        }
        let key = "EB economic buyer · DM decision maker · Sponsor executive sponsor · \
                   Infl influencer · faded: departed";
        let key = font::fit(key, SMALL, RIGHT - LEFT);
        scene.label(Label::muted(pt(LEFT, BOTTOM + 28.0), key, Anchor::Start));
        scene
    }

    fn cell(&self, scene: &mut Scene, quadrant: Quadrant, (x, y, w, h): (f32, f32, f32, f32)) {
        scene.rect((x, y), (w, h), quadrant_colour(quadrant).tint(0.18));
        scene.label(Label {
            at: pt(x + 10.0, y + 22.0),
            text: quadrant.word().to_string(),
            size: 16.0,
            colour: palette::INK,
            anchor: Anchor::Start,
            bold: true,
        });
        let advice = format!("— {}", quadrant.advice());
        let after = x + 18.0 + font::width(quadrant.word(), 16.0);
        scene.text(pt(after, y + 22.0), advice, SMALL, palette::MUTED);

        let (columns, hidden) = columns(self.in_cell(quadrant));
        let n = columns.len();
        for (c, column) in columns.iter().enumerate() {
            let cx = column_x(x, w, c, n);
            for (row, person) in column.iter().enumerate() {
                // A name may run on over the columns to its right that are empty on its row
                // (the last row's last slot holds "+N more" when some did not fit).
                let taken = |k: &usize| columns[*k].len() > row || (hidden > 0 && row == ROWS - 1);
                let next = (c + 1..n).find(taken);
                let room = next.map_or(x + w - 4.0, |k| column_x(x, w, k, n)) - cx - 24.0;
                let cy = y + HEADER + ROW * (row as f32 + 0.5);
                place(scene, person, (cx, cy), room);
            }
        }
        if hidden > 0 {
            let cx = column_x(x, w, MAX_COLUMNS - 1, MAX_COLUMNS);
            let cy = y + HEADER + ROW * (ROWS as f32 - 0.5);
            let more = format!("+{hidden} more");
            scene.text(pt(cx + 2.0, cy + 5.0), more, SMALL, palette::MUTED);
        }
    }
}

/// A cell's people in columns, and how many did not fit. Each of the cell's two sentiments
/// gets its own column, under its heading; when one has more people than rows, the cell
/// fills up to three columns in sentiment order instead, the last slot saying "+N more".
fn columns(people: Vec<&GridPerson>) -> (Vec<Vec<&GridPerson>>, usize) {
    let (left, right): (Vec<&GridPerson>, Vec<&GridPerson>) = people
        .iter()
        .partition(|p| sentiment_order(p.sentiment).is_multiple_of(2));
    if left.len() <= ROWS && right.len() <= ROWS {
        return (vec![left, right], 0);
    }
    let capacity = ROWS * MAX_COLUMNS;
    let shown = if people.len() > capacity {
        capacity - 1
    } else {
        people.len()
    };
    let columns = people[..shown].chunks(ROWS).map(<[_]>::to_vec).collect();
    (columns, people.len() - shown)
}

/// Where column `c` of `n` starts in a cell at `x`, `w` wide.
fn column_x(x: f32, w: f32, c: usize, n: usize) -> f32 {
    x + 8.0 + c as f32 * (w - 12.0) / n as f32
}

/// A person's mark (shape and colour by sentiment) and "Name · Role", faded when departed.
fn place(scene: &mut Scene, person: &GridPerson, (x, y): (f32, f32), room: f32) {
    let (shape, colour) = sentiment_mark(person.sentiment);
    let fade = |c: Colour| if person.departed { c.faded() } else { c };
    scene.mark(pt(x + 8.0, y), 6.0, shape, fade(colour));
    // The role (and "left") always show; only the name is cut to fit.
    let suffix = format!(
        " · {}{}",
        role_short(person.role),
        if person.departed { " (left)" } else { "" }
    );
    let name = font::fit(&person.name, SMALL, room - font::width(&suffix, SMALL));
    scene.text(
        pt(x + 20.0, y + 5.0),
        format!("{name}{suffix}"),
        SMALL,
        fade(palette::INK),
    );
}

/// Left to right within the grid.
fn sentiment_order(sentiment: Sentiment) -> u8 {
    match sentiment {
        Sentiment::Detractor => 0,
        Sentiment::Neutral => 1,
        Sentiment::Positive => 2,
        Sentiment::Champion => 3,
    }
}

/// Sentiment by shape as well as colour, so the grid reads in greyscale too.
fn sentiment_mark(sentiment: Sentiment) -> (MarkShape, Colour) {
    match sentiment {
        Sentiment::Champion => (MarkShape::Diamond, palette::BLUE),
        Sentiment::Positive => (MarkShape::Circle, palette::SKY_BLUE),
        Sentiment::Neutral => (MarkShape::Square, palette::GREY),
        Sentiment::Detractor => (MarkShape::Triangle, palette::VERMILLION),
    }
}

fn quadrant_colour(quadrant: Quadrant) -> Colour {
    match quadrant {
        Quadrant::Mobilize => palette::ORANGE,
        Quadrant::ProtectAndGrow => palette::BLUE,
        Quadrant::Monitor => palette::GREY,
        Quadrant::Leverage => palette::BLUISH_GREEN,
    }
}

/// The role beside a name, short enough for a crowded cell.
fn role_short(role: Role) -> &'static str {
    match role {
        Role::Champion => "Champ",
        Role::EconomicBuyer => "EB",
        Role::ExecutiveSponsor => "Sponsor",
        Role::DecisionMaker => "DM",
        Role::Blocker => "Blocker",
        Role::EndUser => "User",
        Role::Influencer => "Infl",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::raster;
    use crate::picture::sample::{account, person};
    use Influence::*;
    use Sentiment::*;

    fn grid(people: &[(&str, Role, Influence, Sentiment)]) -> PowerGrid {
        let mut account = account("Acme Corp");
        for (name, role, influence, sentiment) in people {
            account
                .stakeholders
                .push(person(name, *role, *influence, *sentiment));
        }
        PowerGrid::of(&account).expect("stakeholders")
    }

    /// The cell of `quadrant` as (x, y, w, h).
    fn cell(quadrant: Quadrant) -> (f32, f32, f32, f32) {
        let i = Quadrant::GRID
            .iter()
            .position(|q| *q == quadrant)
            .expect("in GRID");
        let (w, h) = ((RIGHT - LEFT) / 2.0, (BOTTOM - TOP) / 2.0);
        (LEFT + w * (i % 2) as f32, TOP + h * (i / 2) as f32, w, h)
    }

    fn inside((x, y, w, h): (f32, f32, f32, f32), at: super::super::scene::Point) -> bool {
        at.x > x && at.x < x + w && at.y > y && at.y < y + h
    }

    #[test]
    fn each_person_sits_in_the_quadrant_the_text_list_names() {
        let people = [
            ("Hank", Role::EconomicBuyer, High, Neutral),
            ("Sam", Role::Blocker, High, Detractor),
            ("Alice", Role::Champion, High, Champion),
            ("Dana", Role::EndUser, Low, Neutral),
            ("Zoë", Role::Influencer, Low, Positive),
        ];
        let g = grid(&people);
        let scene = g.scene();
        for (name, _, influence, sentiment) in people {
            let label = scene.text_containing(name).expect("named");
            let quadrant = Quadrant::of(influence, sentiment);
            assert!(inside(cell(quadrant), label.at), "{name} in {quadrant:?}");
        }
        for q in Quadrant::GRID {
            let header = scene.text_containing(q.word()).expect("cell named");
            assert!(inside(cell(q), header.at));
        }
        assert_eq!(
            g.alt_text(),
            "Power grid of Acme Corp: 5 stakeholders by influence and sentiment — \
             MOBILIZE 2, PROTECT & GROW 1, MONITOR 1, LEVERAGE 1; 0 departed."
        );
    }

    #[test]
    fn sentiment_reads_left_to_right_and_roles_are_marked() {
        let scene = grid(&[
            ("Neutral Ned", Role::DecisionMaker, High, Neutral),
            ("Detractor Di", Role::Blocker, High, Detractor),
            ("Champion Cy", Role::Champion, High, Champion),
            ("Positive Pat", Role::ExecutiveSponsor, High, Positive),
        ])
        .scene();
        let x = |name: &str| scene.text_containing(name).expect("named").at.x;
        assert!(x("Detractor Di") < x("Neutral Ned"));
        assert!(x("Neutral Ned") < x("Positive Pat"));
        assert!(x("Positive Pat") < x("Champion Cy"));
        for text in [
            "Neutral Ned · DM",
            "Detractor Di · Blocker",
            "Champion Cy · Champ",
            "Positive Pat · Sponsor",
        ] {
            assert!(scene.texts().any(|l| l.text == text), "{text}");
        }
    }

    #[test]
    fn departed_people_are_faded_and_said_to_have_left() {
        let mut g = grid(&[
            ("Gone Gail", Role::Champion, Low, Champion),
            ("Here Hal", Role::Champion, Low, Champion),
        ]);
        g.people[0].departed = true;
        let scene = g.scene();
        let gone = scene.text_containing("Gone Gail").expect("named");
        assert_eq!(gone.text, "Gone Gail · Champ (left)");
        assert!(gone.colour.a < 255);
        let here = scene.text_containing("Here Hal").expect("named");
        assert_eq!(here.colour.a, 255);
        // The marks under the grid's header row: the departed one's is faded too.
        let alphas: Vec<u8> = scene
            .marks()
            .iter()
            .filter(|(at, _, _)| at.y > TOP)
            .map(|(_, _, fill)| fill.a)
            .collect();
        assert_eq!(alphas, [255, 90]);
        assert!(scene.text_containing("1 departed").is_some());
    }

    #[test]
    fn a_crowded_cell_spreads_out_and_counts_the_rest() {
        let names: Vec<String> = (0..20).map(|i| format!("User {i}")).collect();
        let people: Vec<_> = names
            .iter()
            .map(|n| (n.as_str(), Role::EndUser, Low, Neutral))
            .collect();
        let scene = grid(&people).scene();
        let named = scene
            .texts()
            .filter(|l| l.text.starts_with("User "))
            .count();
        assert_eq!(named, ROWS * MAX_COLUMNS - 1);
        assert!(scene.text_containing("+6 more").is_some());
        let marks: Vec<_> = scene.marks().into_iter().filter(|m| m.0.y > TOP).collect();
        for (i, a) in marks.iter().enumerate() {
            assert!(inside(cell(Quadrant::Monitor), a.0));
            for b in &marks[i + 1..] {
                assert!((a.0.x - b.0.x).hypot(a.0.y - b.0.y) >= 2.0 * a.1, "overlap");
            }
        }
    }

    #[test]
    fn png_shows_each_cell_in_its_colour() {
        let png = raster::png(&grid(&[("Alice Chen", Role::Champion, High, Champion)]).scene());
        let (width, height, pixels) = raster::decode(&png);
        assert_eq!((width, height), (800, 450));
        let colours: std::collections::HashSet<_> = pixels.iter().collect();
        assert!(colours.len() > 50, "{} colours", colours.len());
        for q in Quadrant::GRID {
            let (x, y, w, h) = cell(q);
            let corner = ((y + h - 6.0) as u32 * 800 + (x + w - 6.0) as u32) as usize;
            let tint = quadrant_colour(q).tint(0.18);
            assert_eq!(pixels[corner], [tint.r, tint.g, tint.b], "{q:?}");
        }
        assert_eq!(PowerGrid::of(&account("Nobody")), None);
    }
}
