//! Purpose: the neutral reply as Discord messages with embeds, within Discord's limits
//! (content ≤ 2000, ≤ 10 embeds, title ≤ 256, description ≤ 4096, ≤ 25 fields of name ≤ 256 /
//! value ≤ 1024, ≤ 6000 characters of embed text per message — longer replies continue in
//! further messages). User text is made inert (`@everyone`, `@here`, `<@…>`, `<@&…>` and
//! markdown); `allowed_mentions` parses nothing, and only `Mention` spans ping, by user id.
//! Limits: <https://discord.com/developers/docs/resources/message#embed-object-embed-limits>.

use serde_json::{json, Map, Value};

use crate::reply::{Block, Reply, Span};

pub const MAX_CONTENT: usize = 2000;
pub const MAX_EMBEDS: usize = 10;
pub const MAX_TITLE: usize = 256;
pub const MAX_DESCRIPTION: usize = 4096;
pub const MAX_FIELDS: usize = 25;
pub const MAX_FIELD_NAME: usize = 256;
pub const MAX_FIELD_VALUE: usize = 1024;
pub const MAX_EMBED_TOTAL: usize = 6000;
/// Steward's colour on embeds.
const COLOUR: u32 = 0x2F6F8F;

/// One Discord message.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscordMessage {
    /// The pings (Steward's own mentions); `None` when there are none.
    pub content: Option<String>,
    pub embeds: Vec<Value>,
    /// `{"parse": [], "users": [...]}`: nothing from user text can ping.
    pub allowed_mentions: Value,
}

/// Makes user text inert: mentions broken with a zero-width space, markdown escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '@' | '<' => {
                out.push(c);
                out.push('\u{200B}');
            }
            _ => out.push(c),
        }
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    super::slack::truncate(text, max)
}

fn line(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|span| match span {
            Span::Text(s) => escape(s),
            Span::Strong(s) => format!("**{}**", escape(s)),
            Span::Code(s) => format!("`{}`", s.replace('`', "ʼ")),
            Span::Mention(user) => format!(
                "<@{}>",
                user.0
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            ),
        })
        .collect()
}

/// An embed under construction.
#[derive(Default)]
struct Embed {
    title: Option<String>,
    description: String,
    fields: Vec<(String, String)>,
}

impl Embed {
    fn size(&self) -> usize {
        self.title.as_deref().map_or(0, |t| t.chars().count())
            + self.description.chars().count()
            + self
                .fields
                .iter()
                .map(|(n, v)| n.chars().count() + v.chars().count())
                .sum::<usize>()
    }

    fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_empty() && self.fields.is_empty()
    }

    /// The embed object; its text moves in, uncopied.
    fn json(self) -> Value {
        let mut embed = Map::new();
        embed.insert("color".into(), json!(COLOUR));
        if let Some(title) = self.title {
            embed.insert("title".into(), Value::String(title));
        }
        if !self.description.is_empty() {
            embed.insert("description".into(), Value::String(self.description));
        }
        if !self.fields.is_empty() {
            let fields = self.fields.into_iter().map(|(name, value)| {
                let mut field = Map::new();
                field.insert("name".into(), Value::String(name));
                field.insert("value".into(), Value::String(value));
                field.insert("inline".into(), Value::Bool(false));
                Value::Object(field)
            });
            embed.insert("fields".into(), fields.collect());
        }
        Value::Object(embed)
    }
}

fn embeds(reply: &Reply) -> Vec<Embed> {
    let mut out = vec![Embed::default()];
    let add_line = |out: &mut Vec<Embed>, text: String| {
        let text = truncate(&text, MAX_DESCRIPTION);
        let needs_new = out.last().is_some_and(|e| {
            e.description.chars().count() + text.chars().count() + 1 > MAX_DESCRIPTION
                || e.size() + text.chars().count() + 1 > MAX_EMBED_TOTAL / 2
        });
        if needs_new {
            out.push(Embed::default());
        }
        if let Some(e) = out.last_mut() {
            if !e.description.is_empty() {
                e.description.push('\n');
            }
            e.description.push_str(&text);
        }
    };
    for block in &reply.blocks {
        match block {
            Block::Heading(text) => {
                if out.last().is_some_and(|e| !e.is_empty()) {
                    out.push(Embed::default());
                }
                if let Some(e) = out.last_mut() {
                    e.title = Some(truncate(text, MAX_TITLE));
                }
            }
            Block::Paragraph(spans) => add_line(&mut out, line(spans)),
            Block::Bullets(items) => {
                for item in items {
                    add_line(&mut out, format!("• {}", line(item)));
                }
            }
            Block::Fields(fields) => {
                for (name, value) in fields {
                    let field = (
                        truncate(&escape(name), MAX_FIELD_NAME),
                        truncate(&line(value), MAX_FIELD_VALUE),
                    );
                    let full = out.last().is_some_and(|e| {
                        e.fields.len() == MAX_FIELDS
                            || e.size() + field.0.chars().count() + field.1.chars().count()
                                > MAX_EMBED_TOTAL / 2
                    });
                    if full {
                        out.push(Embed::default());
                    }
                    if let Some(e) = out.last_mut() {
                        e.fields.push(field);
                    }
                }
            }
        }
    }
    out.retain(|e| !e.is_empty());
    out
}

/// The reply as one or more Discord messages within the limits.
pub fn render(reply: &Reply) -> Vec<DiscordMessage> {
    let users: Vec<String> = reply
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Paragraph(l) => l.clone(),
            Block::Bullets(items) => items.concat(),
            Block::Fields(f) => f.iter().flat_map(|(_, v)| v.clone()).collect(),
            Block::Heading(_) => Vec::new(),
        })
        .filter_map(|s| match s {
            Span::Mention(u) if u.0.chars().all(|c| c.is_ascii_digit()) && !u.0.is_empty() => {
                Some(u.0)
            }
            _ => None,
        })
        .collect();
    let mut users = users;
    users.dedup();
    let content = (!users.is_empty()).then(|| {
        truncate(
            &users
                .iter()
                .map(|u| format!("<@{u}>"))
                .collect::<Vec<_>>()
                .join(" "),
            MAX_CONTENT,
        )
    });
    let allowed = json!({"parse": [], "users": users.iter().take(100).collect::<Vec<_>>()});
    let mut messages: Vec<DiscordMessage> = Vec::new();
    let mut size = 0;
    for embed in embeds(reply) {
        let len = embed.size();
        let start_new = messages
            .last()
            .is_none_or(|m| m.embeds.len() == MAX_EMBEDS || size + len > MAX_EMBED_TOTAL);
        if start_new {
            let first = messages.is_empty();
            messages.push(DiscordMessage {
                content: if first { content.clone() } else { None },
                embeds: Vec::new(),
                allowed_mentions: allowed.clone(),
            });
            size = 0;
        }
        size += len;
        if let Some(m) = messages.last_mut() {
            m.embeds.push(embed.json());
        }
    }
    if messages.is_empty() {
        messages.push(DiscordMessage {
            content: content.or_else(|| Some("(empty)".into())),
            embeds: Vec::new(),
            allowed_mentions: allowed,
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::UserId;
    use crate::reply::t;
    use proptest::prelude::*;

    fn embed_text(e: &Value) -> usize {
        let s = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
        s(&e["title"])
            + s(&e["description"])
            + e["fields"].as_array().map_or(0, |f| {
                f.iter().map(|x| s(&x["name"]) + s(&x["value"])).sum()
            })
    }

    #[test]
    fn user_text_never_pings() {
        let reply = Reply::new().para(vec![
            t("@everyone @here <@123> <@&456> **bold**"),
            Span::Mention(UserId("789".into())),
        ]);
        let m = &render(&reply)[0];
        let d = m.embeds[0]["description"].as_str().expect("description");
        assert!(
            !d.contains("@everyone")
                && !d.contains("@here")
                && !d.contains("<@123>")
                && !d.contains("<@&456>")
        );
        assert!(d.ends_with("<@789>"));
        assert_eq!(m.content.as_deref(), Some("<@789>"));
        assert_eq!(m.allowed_mentions, json!({"parse": [], "users": ["789"]}));
    }

    #[test]
    fn long_replies_continue_in_more_messages() {
        let items: Vec<_> = (0..300)
            .map(|i| vec![t(format!("account {i} {}", "y".repeat(80)))])
            .collect();
        let messages = render(&Reply::new().heading("Digest").bullets(items));
        assert!(messages.len() > 1);
        for m in &messages {
            assert!(m.embeds.len() <= MAX_EMBEDS);
            assert!(m.embeds.iter().map(embed_text).sum::<usize>() <= MAX_EMBED_TOTAL);
        }
    }

    fn any_span() -> impl Strategy<Value = Span> {
        prop_oneof![
            "\\PC{0,150}".prop_map(Span::Text),
            "\\PC{0,60}".prop_map(Span::Strong),
            "[0-9]{1,19}".prop_map(|id| Span::Mention(UserId(id)))
        ]
    }

    fn any_block() -> impl Strategy<Value = Block> {
        prop_oneof![
            "\\PC{0,300}".prop_map(Block::Heading),
            prop::collection::vec(any_span(), 0..6).prop_map(Block::Paragraph),
            prop::collection::vec(
                ("\\PC{0,300}", prop::collection::vec(any_span(), 0..8)),
                0..40
            )
            .prop_map(Block::Fields),
            prop::collection::vec(prop::collection::vec(any_span(), 0..4), 0..50)
                .prop_map(Block::Bullets),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn never_over_a_limit_and_user_text_inert(blocks in prop::collection::vec(any_block(), 0..20)) {
            for m in render(&Reply { blocks, ..Reply::new() }) {
                prop_assert!(m.embeds.len() <= MAX_EMBEDS);
                prop_assert!(m.content.as_deref().map_or(0, |c| c.chars().count()) <= MAX_CONTENT);
                prop_assert!(m.embeds.iter().map(embed_text).sum::<usize>() <= MAX_EMBED_TOTAL);
                prop_assert_eq!(&m.allowed_mentions["parse"], &json!([]));
                for e in &m.embeds {
                    prop_assert!(e["title"].as_str().map_or(0, |s| s.chars().count()) <= MAX_TITLE);
                    let d = e["description"].as_str().unwrap_or_default();
                    prop_assert!(d.chars().count() <= MAX_DESCRIPTION);
                    prop_assert!(!d.contains("@everyone") && !d.contains("@here") && !d.contains("<@&"));
                    for f in e["fields"].as_array().into_iter().flatten() {
                        prop_assert!(f["name"].as_str().map_or(0, |s| s.chars().count()) <= MAX_FIELD_NAME);
                        prop_assert!(f["value"].as_str().map_or(0, |s| s.chars().count()) <= MAX_FIELD_VALUE);
                    }
                    prop_assert!(e["fields"].as_array().map_or(0, Vec::len) <= MAX_FIELDS);
                }
            }
        }
    }
}
