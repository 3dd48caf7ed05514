//! Purpose: what a prompt was found to carry — numbers, mentions, dates, the account it names
//! (exactly, by prefix, by typo, through a stakeholder, or from the conversation) and the
//! stakeholders it names. The costly searches (the book-wide prefix/typo pass and the
//! book-wide stakeholder pass) run only when a rule asks.

use chrono::NaiveDate;
use std::cell::OnceCell;
use std::collections::HashMap;

use super::clean;
use crate::domain::book::Book;
use crate::domain::person::{Person, UserId};
use crate::prompt::accounts::{self, How, Named};
use crate::prompt::dates::{find_date, Toward};
use crate::prompt::people::{find_known, Known};
use crate::prompt::values::{mentions, numbers, Num};
use crate::prompt::window::find_window;
use crate::prompt::words::Prompt;

/// How the account a command is about was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Named (exactly, by a prefix, or with a typo).
    Named(How),
    /// Through a stakeholder named in the prompt.
    Person,
    /// `it`, `its`, `their` — the conversation's last account.
    Pronoun,
    /// Not mentioned at all: the conversation's last account. Good for questions only.
    Implicit,
}

/// The account a prompt is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    None,
    One { name: String, via: Via },
    Several(Vec<String>),
}

/// A prompt and what was found in it.
pub struct Reader<'a> {
    pub p: Prompt<'a>,
    pub book: &'a Book,
    pub asker: &'a UserId,
    pub today: NaiveDate,
    pub fy: u32,
    pub nums: Vec<Num>,
    pub mentions: Vec<(usize, String)>,
    /// Words taken by numbers, mentions and dates.
    pub base: Vec<bool>,
    /// An exact account name, found up front (hash lookups only).
    pub exact: Named,
    /// The account named, prefixes and typos included: searched for when a rule asks.
    named: OnceCell<Named>,
    /// `base` plus the account's words.
    used: OnceCell<Vec<bool>>,
    /// The conversation's last account, if still fresh.
    context: Option<&'a str>,
    /// Stakeholders named; searched for only when a rule asks (across the whole book when no
    /// account is named, which is the one costly search).
    people: OnceCell<Vec<Known>>,
    target: OnceCell<Target>,
    /// An owner named by a bare word: searched for (one pass over the book) when a rule asks.
    owner_word: OnceCell<Option<String>>,
}

const PRONOUNS: [&str; 7] = ["it", "its", "they", "them", "their", "theirs", "theyre"];

impl<'a> Reader<'a> {
    pub fn new(
        text: &'a str,
        book: &'a Book,
        asker: &'a UserId,
        today: NaiveDate,
        context: Option<&'a str>,
    ) -> Reader<'a> {
        let p = Prompt::new(text);
        let fy = book.settings.fiscal_year_start;
        let nums = numbers(&p);
        let mentions = mentions(&p);
        let mut base = vec![false; p.len()];
        for i in nums
            .iter()
            .map(|n| n.word)
            .chain(mentions.iter().map(|m| m.0))
        {
            base[i] = true;
        }
        if let Some(hit) = find_date(&p, today, Toward::Future, fy) {
            hit.span.for_each(|i| base[i] = true);
        }
        let exact = accounts::exact(&p, book, &base);
        Reader {
            p,
            book,
            asker,
            today,
            fy,
            nums,
            mentions,
            base,
            exact,
            named: OnceCell::new(),
            used: OnceCell::new(),
            context,
            people: OnceCell::new(),
            target: OnceCell::new(),
            owner_word: OnceCell::new(),
        }
    }

    /// The account named: exactly, or by a prefix or typo (one pass over the book).
    pub fn named(&self) -> &Named {
        self.named.get_or_init(|| match &self.exact {
            Named::None => accounts::fuzzy(&self.p, self.book, &self.base),
            exact => exact.clone(),
        })
    }

    /// Words taken by numbers, mentions, dates and the account name.
    pub fn used(&self) -> &[bool] {
        self.used.get_or_init(|| {
            let mut used = self.base.clone();
            if let Named::One { span, .. } | Named::Several { span, .. } = self.named() {
                span.clone().for_each(|i| used[i] = true);
            }
            used
        })
    }

    /// Stakeholders the prompt names (several when the words fit more than one).
    pub fn people(&self) -> &[Known] {
        self.people.get_or_init(|| {
            let account = match self.named() {
                Named::One { name, .. } => Some(name.as_str()),
                _ => None,
            };
            // No account named: the conversation's account first (`Lena is now positive` after
            // talking about Wayne Logistics), then the whole book.
            let context = self
                .context
                .filter(|_| account.is_none() && *self.named() == Named::None);
            context
                .map(|c| find_known(&self.p, self.book, Some(c), self.used()))
                .filter(|found| !found.is_empty())
                .unwrap_or_else(|| find_known(&self.p, self.book, account, self.used()))
        })
    }

    /// The account the prompt is about: named, through a stakeholder, or from the conversation.
    pub fn target(&self) -> &Target {
        self.target.get_or_init(|| match self.named() {
            Named::One { name, how, .. } => Target::One {
                name: name.clone(),
                via: Via::Named(*how),
            },
            Named::Several { names, .. } => Target::Several(names.clone()),
            Named::None => {
                let people = self.people();
                let mut owners: Vec<&str> = people.iter().map(|k| k.account.as_str()).collect();
                owners.dedup();
                if let ([name], 1) = (owners.as_slice(), people.len()) {
                    return Target::One {
                        name: name.to_string(),
                        via: Via::Person,
                    };
                }
                match self
                    .context
                    .filter(|name| self.book.by_name(name).is_some())
                {
                    Some(name) => Target::One {
                        name: name.to_string(),
                        via: self.context_via(),
                    },
                    None => Target::None,
                }
            }
        })
    }

    /// The target, if a rule asked for it (nothing is searched for).
    pub fn target_found(&self) -> Option<&Target> {
        self.target.get()
    }

    /// The stakeholders named, if a rule asked for them (nothing is searched for).
    pub fn people_found(&self) -> &[Known] {
        self.people.get().map_or(&[], Vec::as_slice)
    }

    /// `its` / `their` before any free text refers to the conversation's account.
    fn context_via(&self) -> Via {
        // A pronoun in free text after a colon (`log a call: they want …`) is not a reference.
        let p = &self.p;
        let head = &p.words[..p.head()];
        let referred = head.iter().any(|w| PRONOUNS.contains(&w.lower.as_str()))
            || (0..head.len()).any(|i| self.there_refers(i));
        if referred {
            Via::Pronoun
        } else {
            Via::Implicit
        }
    }

    /// `there` at word `i` points at the conversation's account (`add Kyle there`), rather
    /// than opening a sentence (`is there`, `there are`).
    fn there_refers(&self, i: usize) -> bool {
        const BE: [&str; 6] = ["is", "are", "was", "were", "isnt", "arent"];
        let p = &self.p;
        i > 0
            && p.word(i) == "there"
            && !BE.contains(&p.word(i + 1))
            && !BE.contains(&p.word(i - 1))
    }

    /// An account is named, or referred to with a pronoun — decided without searching for
    /// people, for rules that only need to know whether the prompt is about one account.
    pub fn names_account(&self) -> bool {
        *self.named() != Named::None
            || (self.context.is_some() && self.context_via() == Via::Pronoun)
    }

    /// The account, however it was found.
    pub fn account(&self) -> Option<&str> {
        match self.target() {
            Target::One { name, .. } => Some(name),
            _ => None,
        }
    }

    /// An account was named or referred to (not merely carried over from the conversation).
    pub fn explicit(&self) -> bool {
        match self.target() {
            Target::One { via, .. } => *via != Via::Implicit,
            Target::Several(_) => true,
            Target::None => false,
        }
    }

    /// The one stakeholder the prompt names, if exactly one.
    pub fn person(&self) -> Option<&Known> {
        match self.people() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn date(&self, toward: Toward) -> Option<NaiveDate> {
        find_date(&self.p, self.today, toward, self.fy).map(|h| h.date)
    }

    /// A date for a past event, left out when it is today (the commands' default).
    pub fn past_date(&self) -> Option<String> {
        self.date(Toward::Past)
            .filter(|d| *d != self.today)
            .map(|d| d.to_string())
    }

    pub fn window(&self) -> Option<u32> {
        find_window(&self.p, self.today, self.fy)
    }

    /// The first amount written as money.
    pub fn money(&self) -> Option<u64> {
        self.nums.iter().find_map(|n| n.money)
    }

    /// An owner named by a bare word (`omar's accounts`, `owned by jane`): a word that is, in
    /// any case, the user id of an account's owner or one of the tenant's owner aliases — not
    /// a word of the account's name nor of a full name (`Jane Doe`). Searched only when a
    /// rule asks (one pass over the book's owners).
    pub fn owner_word(&self) -> Option<String> {
        self.owner_word
            .get_or_init(|| self.find_owner_word())
            .clone()
    }

    fn find_owner_word(&self) -> Option<String> {
        let used = self.used();
        let words = &self.p.words;
        let full_name = |i: usize| {
            words[i].capital
                && (words
                    .get(i + 1)
                    .is_some_and(|w| w.capital && !w.after_break)
                    || (i > 0 && words[i - 1].capital && !words[i].after_break))
        };
        let candidates: Vec<&str> = (0..words.len())
            .filter(|&i| !used[i] && !full_name(i))
            .map(|i| self.p.word(i))
            .filter(|w| w.chars().count() > 1)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let aliases = &self.book.settings.owner_aliases;
        if let Some(user) = candidates.iter().find_map(|w| {
            aliases
                .iter()
                .find(|(alias, _)| alias.to_lowercase() == *w)
                .map(|(_, user)| user.0.clone())
        }) {
            return Some(user);
        }
        let owners: HashMap<String, &str> = self
            .book
            .accounts()
            .filter_map(|a| match &a.owner {
                Some(Person::User(user)) => Some((user.0.to_lowercase(), user.0.as_str())),
                _ => None,
            })
            .collect();
        candidates
            .iter()
            .find_map(|w| owners.get(*w).map(|id| id.to_string()))
    }

    /// The user a mention names, a bare owner's name ([`Reader::owner_word`]), or the asker
    /// for `me` / `I'll own it`.
    pub fn user(&self) -> Option<String> {
        self.mentions
            .first()
            .map(|m| m.1.clone())
            .or_else(|| self.owner_word())
            .or_else(|| {
                let mine = self.p.any(&["me", "myself", "ill", "mine"])
                    || self.p.has_phrase("i own")
                    || self.p.has_phrase("i will own");
                mine.then(|| self.asker.0.clone())
            })
    }

    /// Free text after the first colon, or after the first clause break past word `from`.
    pub fn text_after(&self, from: usize) -> Option<String> {
        let start = match self.p.colon {
            Some(c) if c < self.p.len() => c,
            _ => (from..self.p.len()).find(|&i| self.p.words[i].after_break)?,
        };
        clean(&self.p.text[self.opening(start)?..])
    }

    /// Free text from word `i` on.
    pub fn text_from(&self, i: usize) -> Option<String> {
        clean(&self.p.text[self.opening(i)?..])
    }

    /// Where word `i`'s text begins: at the quotation mark that opens it, if one does.
    fn opening(&self, i: usize) -> Option<usize> {
        let start = self.p.words.get(i)?.start;
        let mark = self.p.text[..start]
            .chars()
            .next_back()
            .filter(|c| crate::command::quotes::is_quote_mark(*c));
        Some(start - mark.map_or(0, char::len_utf8))
    }

    /// The end of the account's words (0 when it was not named).
    pub fn account_end(&self) -> usize {
        match self.named() {
            Named::One { span, .. } | Named::Several { span, .. } => span.end,
            Named::None => 0,
        }
    }
}
