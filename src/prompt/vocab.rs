//! Purpose: the fixed word lists the prompt reader shares — everyday and account-management
//! words that are never taken for an account name, number words, months and weekdays.

/// Words that never start an account-name guess (an exact, capitalised name still counts).
/// Sorted, so lookups are a binary search; a test keeps it sorted.
#[rustfmt::skip]
const VOCAB: &[&str] = &[
    "a", "about", "above", "account", "accounts", "action", "add", "added", "adoption", "after",
    "again", "against", "agenda", "alert", "alerts", "all", "also", "am", "an", "and", "answer",
    "answered", "any", "anybody", "anyone", "anything", "are", "around", "arr", "as", "ask",
    "asked", "assign", "assigned", "at", "audit", "auto", "automatic", "back", "bad", "be",
    "because", "been", "before", "being", "below", "best", "between", "blocker", "book",
    "booked", "both", "budget", "bump", "but", "buy", "buyer", "by", "bye", "call", "called",
    "calls", "can", "cancel", "caught", "champion", "change", "changed", "changes", "channel",
    "chased", "check", "checked", "checkin", "checklist", "cheers", "churn", "churned",
    "churning", "close", "closed", "coffee", "coming", "competitive", "competitor", "confirmed",
    "contact", "contacts", "contract", "contracts", "cool", "core", "could", "cover", "crm",
    "cross", "current", "customer", "customers", "date", "day", "days", "deal", "deals",
    "decision", "decreasing", "delete", "departed", "details", "detractor", "did", "didnt",
    "digest", "digests", "do", "does", "doesnt", "doing", "domain", "done", "dont", "down",
    "drop", "dropped", "due", "during", "each", "economic", "either", "else", "email",
    "emailed", "end", "engagement", "escalated", "escalation", "escalations", "ever", "every",
    "everyone", "everything", "exec", "executive", "expand", "expansion", "extend", "extension",
    "extra", "falling", "feature", "features", "fell", "few", "finally", "fine", "fiscal",
    "follow", "followed", "followup", "for", "forecast", "from", "further", "fy", "gave", "get",
    "gets", "getting", "give", "given", "go", "goal", "goals", "goes", "going", "gone", "good",
    "got", "great", "green", "grid", "grr", "had", "haha", "happened", "has", "have", "having",
    "he", "health", "healthy", "held", "hello", "help", "her", "here", "heres", "hers", "hey",
    "hi", "high", "him", "his", "history", "hit", "hitting", "hmm", "hold", "how", "however",
    "hows", "i", "id", "if", "ill", "im", "in", "increasing", "indicator", "indicators",
    "industry", "influence", "influencer", "info", "into", "is", "isnt", "it", "item", "items",
    "itll", "its", "ive", "joined", "joke", "just", "keep", "key", "know", "last", "least",
    "left", "less", "let", "lets", "like", "list", "lists", "log", "logged", "lol", "look",
    "looking", "lost", "lot", "lots", "low", "lowdown", "made", "make", "maker", "manager",
    "many", "map", "mark", "may", "me", "meeting", "meetings", "merger", "met", "metric",
    "metrics", "might", "mine", "module", "month", "months", "more", "morning", "most", "move",
    "moved", "much", "must", "mute", "muted", "my", "myself", "need", "needs", "neutral", "new",
    "news", "next", "nice", "night", "no", "nor", "not", "note", "notes", "now", "nps", "nrr",
    "number", "of", "off", "oh", "ok", "okay", "on", "once", "one", "only", "open", "opp",
    "opportunities", "opportunity", "opps", "or", "other", "our", "ours", "out", "over",
    "overview", "own", "owned", "owner", "owns", "page", "people", "per", "person", "personal",
    "pipeline", "pitch", "plan", "planning", "plans", "play", "please", "portfolio", "positive",
    "post", "posts", "prep", "prepare", "preview", "pull", "push", "put", "qbr", "qbrs",
    "quarter", "quarterly", "quarters", "quick", "quit", "quite", "rather", "readiness",
    "ready", "really", "reason", "red", "relationship", "reminder", "reminders", "remove",
    "renew", "renewal", "renewals", "renewed", "renewing", "renews", "reply", "report",
    "resolve", "responded", "revenue", "review", "risk", "risks", "roadmap", "roi", "role",
    "run", "rundown", "same", "save", "saved", "schedule", "scheduled", "score", "seat",
    "seats", "see", "seem", "segment", "sell", "send", "sent", "sentiment", "set", "she",
    "shes", "should", "show", "single", "snooze", "snoozed", "so", "some", "somebody",
    "something", "soon", "sorry", "spoke", "sponsor", "stage", "stakeholder", "stakeholders",
    "standup", "start", "status", "still", "stop", "story", "stuff", "subscribe", "such",
    "summary", "support", "talk", "talked", "target", "targets", "team", "tell", "than",
    "thank", "thanks", "that", "thats", "the", "their", "theirs", "them", "then", "there",
    "theres", "these", "they", "theyre", "thing", "things", "this", "those", "though",
    "through", "thx", "tick", "ticket", "tickets", "tier", "title", "to", "today", "todo",
    "tomorrow", "too", "touched", "track", "trend", "trending", "trouble", "ty", "under",
    "unit", "unmute", "until", "up", "update", "upon", "upsell", "us", "usage", "use", "user",
    "users", "value", "very", "via", "wait", "want", "wants", "was", "we", "weather", "website",
    "week", "weekly", "weeks", "were", "weve", "what", "whats", "when", "where", "whether",
    "which", "while", "whitespace", "who", "whom", "whos", "why", "will", "win", "with",
    "within", "without", "won", "worth", "would", "yeah", "year", "years", "yellow", "yes",
    "yesterday", "yet", "you", "your", "yours",
];

/// True for a word of everyday or account-management vocabulary.
pub fn is_vocab(word: &str) -> bool {
    VOCAB.binary_search(&word).is_ok()
}

/// `two` → 2, up to twelve; digits are read elsewhere.
pub fn number_word(word: &str) -> Option<u32> {
    const NUMBERS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    NUMBERS
        .iter()
        .position(|n| *n == word)
        .map(|i| i as u32 + 1)
}

/// `jan`, `january`, `sept` → 1, 1, 9.
pub fn month(word: &str) -> Option<u32> {
    crate::domain::tenant::month_number(word)
}

/// `mon`, `tues`, `thursday` → 0 (Monday) … 6 (Sunday).
pub fn weekday(word: &str) -> Option<u32> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if word.len() < 3 {
        return None;
    }
    let word = match word {
        "tues" => "tue",
        "weds" => "wed",
        "thur" | "thurs" => "thu",
        w => w,
    };
    DAYS.iter()
        .position(|d| *d == word || (word.len() == 3 && d.starts_with(word)))
        .map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_is_sorted_for_binary_search() {
        assert!(VOCAB.windows(2).all(|w| w[0] < w[1]));
        assert!(is_vocab("renewal") && !is_vocab("acme"));
    }

    #[test]
    fn months_and_days() {
        assert_eq!(month("sept"), Some(9));
        assert_eq!(month("jun"), Some(6));
        assert_eq!(month("ma"), None);
        assert_eq!(weekday("thurs"), Some(3));
        assert_eq!(weekday("sun"), Some(6));
        assert_eq!(number_word("three"), Some(3));
    }
}

/// The command words a typo is corrected to: one edit (a letter missing, extra, wrong, or
/// two swapped) from a word of five letters or more that is neither one of them nor a word
/// the reader knows ([`is_vocab`]: `contact` stays `contact`, `ticket` stays `ticket`).
const KEYWORDS: [&str; 40] = [
    "health",
    "healthy",
    "renewal",
    "renewals",
    "stakeholder",
    "stakeholders",
    "expansion",
    "account",
    "accounts",
    "champion",
    "digest",
    "portfolio",
    "forecast",
    "pipeline",
    "customer",
    "customers",
    "sponsor",
    "economic",
    "adoption",
    "usage",
    "tickets",
    "history",
    "standup",
    "weekly",
    "escalations",
    "subscribe",
    "unsubscribe",
    "snooze",
    "churned",
    "renewed",
    "quarter",
    "quarters",
    "summary",
    "status",
    "indicator",
    "indicators",
    "upsell",
    "opportunity",
    "meeting",
    "contract",
];

/// The command word `word` (lower case) was most likely meant as, when it is a typo of one.
pub fn keyword_typo(word: &str) -> Option<&'static str> {
    if word.len() < 5
        || !word.bytes().all(|b| b.is_ascii_lowercase())
        || KEYWORDS.contains(&word)
        || is_vocab(word)
    {
        return None;
    }
    KEYWORDS
        .into_iter()
        .find(|k| super::typo::distance(word.as_bytes(), k.as_bytes(), 1) == Some(1))
}

#[cfg(test)]
mod typo_tests {
    use super::keyword_typo;

    #[test]
    fn command_words_typed_with_one_slip_are_read_as_meant() {
        assert_eq!(keyword_typo("helth"), Some("health"));
        assert_eq!(keyword_typo("renwal"), Some("renewal"));
        assert_eq!(keyword_typo("stakehodlers"), Some("stakeholders"));
        assert_eq!(keyword_typo("porfolio"), Some("portfolio"));
    }

    #[test]
    fn known_words_short_words_and_keywords_stay_as_typed() {
        for word in [
            "contact", "ticket", "digests", "meetings", "health", "acme", "hooli",
        ] {
            assert_eq!(keyword_typo(word), None, "{word}");
        }
    }
}

/// Chat shorthand and spelling variants read as the word they stand for: `accts` as
/// `accounts`, `wks` as `weeks`, `pls` as `please`, `organisation` as `organization`.
pub fn expanded(word: &str) -> Option<&'static str> {
    Some(match word {
        "acct" => "account",
        "accts" => "accounts",
        "wk" => "week",
        "wks" => "weeks",
        "qtr" => "quarter",
        "qtrs" => "quarters",
        "mos" => "months",
        "yr" => "year",
        "yrs" => "years",
        "pls" | "plz" => "please",
        "ppl" => "people",
        "u" => "you",
        "r" => "are",
        "ur" => "your",
        "thru" => "through",
        "tmrw" | "tmr" | "tomorow" => "tomorrow",
        "mgr" => "manager",
        "organisation" => "organization",
        _ => return None,
    })
}
