//! Purpose: the neutral reply every handler and job returns. Only renderers turn it into
//! plain text, Slack Block Kit or Discord embeds; user text stays text, and only `Mention`
//! spans (Steward's own owner/manager mentions) may become real mentions.

use crate::domain::person::UserId;
use crate::picture::Picture;

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    /// Emphasised text (a name, a figure).
    Strong(String),
    /// A command or value to type, e.g. `/renewal show Acme`.
    Code(String),
    /// A real mention of a chat user.
    Mention(UserId),
}

/// One line of spans.
pub type Line = Vec<Span>;

/// A unit of layout.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(Line),
    /// Label/value pairs.
    Fields(Vec<(String, Line)>),
    Bullets(Vec<Line>),
}

/// What a reply is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Answer,
    /// A user error: shown to the asker only, prefixed `error:` on the console.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub tone: Tone,
    pub blocks: Vec<Block>,
    /// Pictures that come with the text (drawn by the adapter, after acknowledging); the
    /// text always says the same in words.
    pub pictures: Vec<Picture>,
    /// The commands a question offers, numbered in its text; chat platforms add a button for
    /// each, which picks it as a reply of its number would.
    pub choices: Vec<Choice>,
}

/// A command a question offers (see [`Reply::choices`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Its number in the question, from 1: what a press picks.
    pub number: usize,
    /// The command line it runs.
    pub line: String,
    /// It is the change the question asks to confirm.
    pub confirms: bool,
}

impl Reply {
    pub fn new() -> Self {
        Reply {
            tone: Tone::Answer,
            blocks: Vec::new(),
            pictures: Vec::new(),
            choices: Vec::new(),
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Reply {
            tone: Tone::Error,
            blocks: vec![Block::Paragraph(vec![Span::Text(message.into())])],
            pictures: Vec::new(),
            choices: Vec::new(),
        }
    }

    /// A one-paragraph answer.
    pub fn text(message: impl Into<String>) -> Self {
        Reply::new().para(vec![Span::Text(message.into())])
    }

    pub fn heading(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Heading(text.into()));
        self
    }

    pub fn para(mut self, line: Line) -> Self {
        self.blocks.push(Block::Paragraph(line));
        self
    }

    pub fn line(self, text: impl Into<String>) -> Self {
        self.para(vec![Span::Text(text.into())])
    }

    /// A line when there is something to say (e.g. "Showing 1–25 of 80. More: …").
    pub fn note(self, text: Option<String>) -> Self {
        match text {
            Some(text) => self.line(text),
            None => self,
        }
    }

    pub fn fields(mut self, fields: Vec<(String, Line)>) -> Self {
        if !fields.is_empty() {
            self.blocks.push(Block::Fields(fields));
        }
        self
    }

    pub fn bullets(mut self, items: Vec<Line>) -> Self {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets(items));
        }
        self
    }

    /// Adds a picture when there is one to draw.
    pub fn picture(mut self, picture: Option<Picture>) -> Self {
        self.pictures.extend(picture);
        self
    }

    pub fn is_error(&self) -> bool {
        self.tone == Tone::Error
    }
}

impl Default for Reply {
    fn default() -> Self {
        Reply::new()
    }
}

/// Shorthand for a plain text span.
pub fn t(text: impl Into<String>) -> Span {
    Span::Text(text.into())
}

/// Shorthand for a strong span.
pub fn b(text: impl Into<String>) -> Span {
    Span::Strong(text.into())
}
