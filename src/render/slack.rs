//! Purpose: the neutral reply as Slack Block Kit messages, within Slack's limits (≤ 50
//! blocks, header ≤ 150 chars, section text ≤ 3000, ≤ 10 fields of ≤ 2000, total text kept
//! well under ~12,000 chars — longer replies are split into several messages), each with a
//! plain-text fallback. User text is escaped (`&`, `<`, `>`), so `<!channel>`, `<!here>`,
//! fake links and fake mentions render inert; only `Mention` spans become real mentions.
//! Limits: <https://api.slack.com/reference/block-kit/blocks>.

use serde_json::{json, Value};

use crate::reply::{Block, Reply, Span};

pub const MAX_BLOCKS: usize = 50;
pub const MAX_HEADER: usize = 150;
pub const MAX_SECTION_TEXT: usize = 3000;
pub const MAX_FIELDS: usize = 10;
pub const MAX_FIELD_TEXT: usize = 2000;
/// Text per message, kept well under Slack's ~12,000-character ceiling.
pub const MAX_MESSAGE_TEXT: usize = 11_000;
/// `chat.postMessage` truncates `text` past 40,000 characters; the fallback stays far below.
pub const MAX_FALLBACK_TEXT: usize = 3000;

/// One Slack message: Block Kit blocks and the plain-text fallback for notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackMessage {
    pub text: String,
    pub blocks: Vec<Value>,
}

/// Escapes user text for mrkdwn: `&` `<` `>` become entities (Slack's documented escaping).
/// One pass, copying the runs between them (every rendered span goes through here).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let mut chars = from.chars();
        out.push_str(match chars.next() {
            Some('&') => "&amp;",
            Some('<') => "&lt;",
            _ => "&gt;",
        });
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// At most `max` characters, cut on a character boundary, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn mrkdwn(line: &[Span]) -> String {
    line.iter()
        .map(|span| match span {
            Span::Text(s) => escape(s),
            Span::Strong(s) => format!("*{}*", escape(s)),
            Span::Code(s) => format!("`{}`", escape(s)),
            Span::Mention(user) => format!("<@{}>", escape(&user.0)),
        })
        .collect()
}

fn section(text: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&text, MAX_SECTION_TEXT)}})
}

/// Splits lines into section texts of at most `MAX_SECTION_TEXT` characters.
fn sections(lines: Vec<String>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = truncate(&line, MAX_SECTION_TEXT);
        if !current.is_empty()
            && current.chars().count() + 1 + line.chars().count() > MAX_SECTION_TEXT
        {
            out.push(section(std::mem::take(&mut current)));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        out.push(section(current));
    }
    out
}

/// The blocks of a reply, in order, each within its own limits.
fn blocks(reply: &Reply) -> Vec<Value> {
    let mut out = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Heading(text) => out.push(json!({
                "type": "header",
                "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER), "emoji": true}
            })),
            Block::Paragraph(line) => out.extend(sections(vec![mrkdwn(line)])),
            Block::Fields(fields) => {
                // At most 10 fields a section, and no more text than a section may carry.
                let mut chunk: Vec<Value> = Vec::new();
                let mut size = 0;
                for (label, value) in fields {
                    let text = truncate(
                        &format!("*{}*\n{}", escape(label), mrkdwn(value)),
                        MAX_FIELD_TEXT,
                    );
                    let len = text.chars().count();
                    if !chunk.is_empty()
                        && (chunk.len() == MAX_FIELDS || size + len > MAX_SECTION_TEXT)
                    {
                        out.push(json!({"type": "section", "fields": std::mem::take(&mut chunk)}));
                        size = 0;
                    }
                    size += len;
                    chunk.push(json!({"type": "mrkdwn", "text": text}));
                }
                if !chunk.is_empty() {
                    out.push(json!({"type": "section", "fields": chunk}));
                }
            }
            Block::Bullets(items) => out.extend(sections(
                items.iter().map(|i| format!("• {}", mrkdwn(i))).collect(),
            )),
        }
    }
    out
}

/// Characters of text a block carries (what counts against the message total).
fn block_text_len(block: &Value) -> usize {
    let text = block["text"]["text"]
        .as_str()
        .map_or(0, |t| t.chars().count());
    let fields = block["fields"].as_array().map_or(0, |f| {
        f.iter()
            .filter_map(|x| x["text"].as_str())
            .map(|t| t.chars().count())
            .sum()
    });
    text + fields
}

/// The reply as one or more messages, each within Slack's limits.
pub fn render(reply: &Reply) -> Vec<SlackMessage> {
    let mut messages: Vec<Vec<Value>> = vec![Vec::new()];
    let mut size = 0;
    for block in blocks(reply) {
        let len = block_text_len(&block);
        let current = messages.last().map_or(0, Vec::len);
        if current > 0 && (current + 1 > MAX_BLOCKS || size + len > MAX_MESSAGE_TEXT) {
            messages.push(Vec::new());
            size = 0;
        }
        size += len;
        if let Some(last) = messages.last_mut() {
            last.push(block);
        }
    }
    let fallback = escape(&super::text::render(reply));
    messages
        .into_iter()
        .map(|blocks| SlackMessage {
            text: truncate(&fallback, MAX_FALLBACK_TEXT),
            blocks,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::UserId;
    use crate::reply::t;
    use proptest::prelude::*;

    #[test]
    fn mentions_are_real_only_from_mention_spans() {
        let reply = Reply::new().heading("Acme <!channel>").para(vec![
            t("<!here> <@U999> <https://evil|click> & co "),
            Span::Mention(UserId("U123".into())),
        ]);
        let message = &render(&reply)[0];
        let section = message.blocks[1]["text"]["text"].as_str().expect("text");
        assert_eq!(
            section,
            "&lt;!here&gt; &lt;@U999&gt; &lt;https://evil|click&gt; &amp; co <@U123>"
        );
        assert!(!message.text.contains("<!here>") && !message.text.contains("<@U999>"));
        assert_eq!(message.blocks[0]["type"], "header");
    }

    #[test]
    fn long_digests_split_into_messages_within_limits() {
        let items: Vec<_> = (0..400)
            .map(|i| vec![t(format!("account {i} — {}", "x".repeat(100)))])
            .collect();
        let reply = Reply::new().heading("Weekly digest").bullets(items);
        let messages = render(&reply);
        assert!(messages.len() > 1);
        let total: usize = messages
            .iter()
            .flat_map(|m| m.blocks.iter())
            .map(block_text_len)
            .sum();
        assert!(total > 400 * 100, "nothing was lost: {total}");
        for m in &messages {
            assert!(m.blocks.len() <= MAX_BLOCKS);
            assert!(m.blocks.iter().map(block_text_len).sum::<usize>() <= MAX_MESSAGE_TEXT);
        }
    }

    #[test]
    fn fields_chunked_by_ten() {
        let fields = (0..23).map(|i| (format!("f{i}"), vec![t("v")])).collect();
        let blocks = blocks(&Reply::new().fields(fields));
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[2]["fields"].as_array().map(Vec::len), Some(3));
    }

    fn any_span() -> impl Strategy<Value = Span> {
        prop_oneof![
            "\\PC{0,120}".prop_map(Span::Text),
            "\\PC{0,100}".prop_map(Span::Strong),
            "[<>&@!a-z|]{0,50}".prop_map(Span::Code),
        ]
    }

    fn any_block() -> impl Strategy<Value = Block> {
        prop_oneof![
            "\\PC{0,200}".prop_map(Block::Heading),
            prop::collection::vec(any_span(), 0..8).prop_map(Block::Paragraph),
            prop::collection::vec(
                ("\\PC{0,50}", prop::collection::vec(any_span(), 0..4)),
                0..30
            )
            .prop_map(Block::Fields),
            prop::collection::vec(prop::collection::vec(any_span(), 0..4), 0..40)
                .prop_map(Block::Bullets),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn escaping_replaces_exactly_the_three_characters(text in "(\\PC|[&<>]){0,40}") {
            let expected = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            prop_assert_eq!(escape(&text), expected);
        }

        #[test]
        fn never_over_a_limit_never_an_unescaped_angle_bracket(blocks in prop::collection::vec(any_block(), 0..30)) {
            let reply = Reply { blocks, ..Reply::new() };
            for message in render(&reply) {
                prop_assert!(message.blocks.len() <= MAX_BLOCKS);
                prop_assert!(message.blocks.iter().map(block_text_len).sum::<usize>() <= MAX_MESSAGE_TEXT);
                prop_assert!(message.text.chars().count() <= MAX_FALLBACK_TEXT);
                prop_assert!(!message.text.contains('<'));
                for block in &message.blocks {
                    match block["type"].as_str() {
                        Some("header") => prop_assert!(block["text"]["text"].as_str().map_or(0, |s| s.chars().count()) <= MAX_HEADER),
                        _ => {
                            let text = block["text"]["text"].as_str().unwrap_or_default();
                            prop_assert!(text.chars().count() <= MAX_SECTION_TEXT);
                            prop_assert!(!text.contains('<'), "user text produced '<': {text}");
                            for f in block["fields"].as_array().into_iter().flatten() {
                                let f = f["text"].as_str().unwrap_or_default();
                                prop_assert!(f.chars().count() <= MAX_FIELD_TEXT && !f.contains('<'));
                            }
                        }
                    }
                }
            }
        }
    }
}
