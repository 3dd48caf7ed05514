//! Purpose: suggestions for autocompleted options (every `account` option): up to 25 of the
//! tenant's active account names matching what was typed — names starting with it first,
//! then names containing it, then close misspellings — answered from the in-memory book, far
//! inside Discord's 3 seconds. Autocomplete is a hint in the client only: the value that
//! arrives with the command is looked up again (an unknown name gets the closest ones).

use serenity::model::application::CommandInteraction;
use std::sync::Arc;

use super::names::NameIndex;
use super::{interactions, respond, Discord};
use crate::domain::account::AccountId;
use crate::domain::book::Book;

/// Discord's limit on choices, and on a choice's name and value.
pub const MAX_CHOICES: usize = 25;
pub const MAX_CHOICE_CHARS: usize = 100;
/// How close (Jaro-Winkler) a misspelling must be to be offered.
const FUZZY_AT_LEAST: f64 = 0.8;

/// The names to offer for `typed`, best first, from the book's name index.
pub fn suggest(index: &NameIndex, book: &Book, typed: &str) -> Vec<String> {
    let wanted: String = typed
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_control())
        .collect();
    // Both come in name order, so they need no sorting.
    let mut hits: Vec<(&str, AccountId)> = index.starting_with(&wanted).take(MAX_CHOICES).collect();
    if hits.len() < MAX_CHOICES && !wanted.is_empty() {
        hits.extend(index.containing(&wanted).take(MAX_CHOICES - hits.len()));
    }
    if hits.len() < MAX_CHOICES && !wanted.is_empty() {
        // Typos rarely hit the first letter: only names sharing it are scored, and only
        // their beginning, as long as what was typed and two more.
        let first: String = wanted.chars().take(1).collect();
        let len = wanted.chars().count();
        let mut close: Vec<(f64, &str, AccountId)> = index
            .starting_with(&first)
            .filter_map(|(name, id)| {
                let end = name
                    .char_indices()
                    .nth(len + 2)
                    .map_or(name.len(), |(i, _)| i);
                let score = similarity(&wanted, &name[..end]);
                // Names already offered (all of them, as fewer than 25 were) are not again.
                let fresh = !hits.iter().any(|h| h.1 == id);
                (score >= FUZZY_AT_LEAST && fresh).then_some((score, name, id))
            })
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        hits.extend(
            close
                .into_iter()
                .map(|(_, name, id)| (name, id))
                .take(MAX_CHOICES - hits.len()),
        );
    }
    hits.into_iter()
        .filter_map(|(_, id)| book.account(id).map(|a| a.name.clone()))
        .collect()
}

/// Jaro-Winkler similarity, as `strsim::jaro_winkler` computes it, without allocating for
/// ASCII text of up to 64 bytes (strsim allocates and re-decodes characters on every call;
/// this runs for hundreds of names per keystroke). Other text goes to strsim.
pub fn similarity(a: &str, b: &str) -> f64 {
    const MAX: usize = 64;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > MAX || y.len() > MAX {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() || y.is_empty() {
        return if x.len() == y.len() { 1.0 } else { 0.0 };
    }
    let range = (x.len().max(y.len()) / 2).saturating_sub(1);
    let (mut x_hit, mut y_hit) = ([false; MAX], [false; MAX]);
    let mut matches = 0usize;
    for (i, c) in x.iter().enumerate() {
        for j in i.saturating_sub(range)..y.len().min(i + range + 1) {
            if !y_hit[j] && y[j] == *c {
                x_hit[i] = true;
                y_hit[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0;
    for (_, c) in x.iter().enumerate().filter(|(i, _)| x_hit[*i]) {
        while !y_hit[k] {
            k += 1;
        }
        transpositions += usize::from(*c != y[k]);
        k += 1;
    }
    let m = matches as f64;
    let jaro =
        (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

/// Answers an autocomplete interaction (type 8 with the choices). Members who may not use
/// Steward get no names.
pub async fn answer(discord: &Arc<Discord>, interaction: &CommandInteraction) -> serde_json::Value {
    let Some(focused) = interaction.data.autocomplete() else {
        return respond::choices(&[]);
    };
    let typed = focused.value.to_string();
    let actor = match interactions::actor(
        discord,
        interaction.guild_id,
        interaction.member.as_deref(),
        &interaction.user,
        interaction.channel_id,
    )
    .await
    {
        Ok(actor) => actor,
        Err(_) => return respond::choices(&[]),
    };
    let discord = discord.clone();
    let names = tokio::task::spawn_blocking(move || match discord.app.store.book(&actor.tenant) {
        Ok(lock) => {
            let book = lock.read().unwrap_or_else(|p| p.into_inner());
            suggest(&discord.names.of(&lock, &book), &book, &typed)
        }
        Err(error) => {
            tracing::warn!(%error, "autocomplete could not read the book");
            Vec::new()
        }
    })
    .await
    .unwrap_or_default();
    respond::choices(&names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::Account;
    use crate::domain::book::Change;
    use crate::domain::money::Money;
    use crate::domain::tenant::TenantId;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn book(names: &[&str]) -> Book {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let date = NaiveDate::from_ymd_opt(2027, 1, 1).expect("valid");
        let mut book = Book::new(TenantId::local());
        for (i, name) in names.iter().enumerate() {
            let account = Account::new(
                AccountId(i as u64 + 1),
                name.to_string(),
                Money(1000),
                date,
                now,
            );
            book.apply(Change::PutAccount(Box::new(account)));
        }
        book
    }

    #[test]
    fn prefix_then_contains_then_misspelt() {
        let b = book(&[
            "Acme Corp",
            "Acme Labs",
            "Big Acme",
            "Acne Studios",
            "Globex",
        ]);
        let index = NameIndex::build(&b, 0);
        assert_eq!(
            suggest(&index, &b, "acme"),
            ["Acme Corp", "Acme Labs", "Big Acme", "Acne Studios"]
        );
        assert_eq!(suggest(&index, &b, "GLO"), ["Globex"]);
        assert_eq!(suggest(&index, &b, "").len(), 5);
    }

    proptest::proptest! {
        #[test]
        fn similarity_is_strsims(a in "[a-e 0-9]{0,12}", b in "[a-e 0-9]{0,12}") {
            proptest::prop_assert!((similarity(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-12);
        }
    }

    #[test]
    fn at_most_twenty_five_in_order() {
        let names: Vec<String> = (0..60).rev().map(|i| format!("Acme {i:02}")).collect();
        let b = book(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let got = suggest(&NameIndex::build(&b, 0), &b, "acme");
        assert_eq!(got.len(), MAX_CHOICES);
        assert_eq!(got.first().map(String::as_str), Some("Acme 00"));
        assert_eq!(got.last().map(String::as_str), Some("Acme 24"));
    }
}
