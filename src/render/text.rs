//! Purpose: plain-text rendering for the console and for notification fallbacks.
//! Console conventions: a user error begins with `error:`; mentions show as `@id`.

use crate::reply::{Block, Reply, Span, Tone};

/// Renders a reply as plain text lines (no trailing blank line).
pub fn render(reply: &Reply) -> String {
    let mut out: Vec<String> = Vec::new();
    for block in &reply.blocks {
        match block {
            Block::Heading(text) => out.push(text.clone()),
            Block::Paragraph(line) => out.push(spans(line)),
            Block::Fields(fields) => out.extend(
                fields
                    .iter()
                    .map(|(label, value)| format!("{label}: {}", spans(value))),
            ),
            Block::Bullets(items) => {
                out.extend(items.iter().map(|item| format!("- {}", spans(item))))
            }
        }
    }
    let text = out.join("\n");
    match reply.tone {
        Tone::Error => format!("error: {text}"),
        Tone::Answer => text,
    }
}

/// One line of spans as plain text.
pub fn spans(line: &[Span]) -> String {
    line.iter()
        .map(|span| match span {
            Span::Text(s) | Span::Strong(s) => s.clone(),
            Span::Code(s) => format!("`{s}`"),
            Span::Mention(user) => format!("@{user}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::UserId;
    use crate::reply::{b, t};

    #[test]
    fn plain_text_layout() {
        let reply = Reply::new()
            .heading("Acme Corp")
            .fields(vec![(
                "Owner".into(),
                vec![Span::Mention(UserId("jane".into()))],
            )])
            .bullets(vec![vec![t("ARR "), b("$50,000")]]);
        assert_eq!(render(&reply), "Acme Corp\nOwner: @jane\n- ARR $50,000");
        assert_eq!(render(&Reply::error("bad")), "error: bad");
    }
}
