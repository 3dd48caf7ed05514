//! Purpose: money in whole currency units — parsing `50000`, `50k`, `$50K`, `1.2M`,
//! `$1,200,000` and formatting as `$50,000` (full) or `$1.2M` (summaries).

use serde::{Deserialize, Serialize};
use std::fmt;

use super::error::DomainError;

/// An amount in whole currency units (never negative). Read back from storage or a JSON
/// export only up to the largest amount typed input accepts, so that sums over a whole book
/// (a million accounts of a trillion each) cannot overflow.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "u64", into = "u64")]
pub struct Money(pub u64);

/// The largest amount accepted: a trillion. Anything larger is a typo.
const MAX_MONEY: f64 = 1e12;

impl TryFrom<u64> for Money {
    type Error = String;

    fn try_from(amount: u64) -> Result<Money, String> {
        if amount as f64 > MAX_MONEY {
            return Err(format!(
                "an amount of {amount} is over the largest Steward takes ($1T)"
            ));
        }
        Ok(Money(amount))
    }
}

impl From<Money> for u64 {
    fn from(money: Money) -> u64 {
        money.0
    }
}

impl Money {
    /// Parses user input for the field `field`; the error names the field and shows an example.
    pub fn parse(field: &str, input: &str) -> Result<Money, DomainError> {
        let bad = |problem: String| {
            DomainError::invalid(
                field,
                problem,
                format!("{field}:50k, {field}:$1.2M or {field}:120000"),
            )
        };
        let text = input.trim();
        if text.starts_with('-') || text.starts_with("$-") {
            return Err(bad(format!(
                "\"{input}\" is negative; amounts are 0 or more"
            )));
        }
        let text = text.strip_prefix('$').unwrap_or(text).trim();
        let (digits, multiplier) = match text.chars().last() {
            Some('k' | 'K') => (&text[..text.len() - 1], 1e3),
            Some('m' | 'M') => (&text[..text.len() - 1], 1e6),
            Some('b' | 'B') => (&text[..text.len() - 1], 1e9),
            _ => (text, 1.0),
        };
        if !valid_grouping(digits) {
            return Err(bad(format!("\"{input}\" is not an amount")));
        }
        let plain: String = digits.chars().filter(|c| *c != ',').collect();
        let value: f64 = plain
            .parse()
            .map_err(|_| bad(format!("\"{input}\" is not an amount")))?;
        let amount = (value * multiplier).round();
        if !amount.is_finite() || amount > MAX_MONEY {
            return Err(bad(format!("\"{input}\" is too large")));
        }
        Ok(Money(amount as u64))
    }

    /// `$1.2M`, `$850K`, `$900` — for summaries and tight spaces. Rounded (half up) to one
    /// decimal first, then the suffix chosen: `$999,999` is `$1M`, never `$1000K`.
    pub fn short(self, currency: &str) -> String {
        const UNITS: [(u64, &str); 4] = [
            (1_000, "K"),
            (1_000_000, "M"),
            (1_000_000_000, "B"),
            (1_000_000_000_000, "T"),
        ];
        let symbol = symbol(currency);
        let Some(mut k) = UNITS.iter().rposition(|(unit, _)| self.0 >= *unit) else {
            return format!("{symbol}{}", self.0);
        };
        // Tenths of the unit, rounded half up (u128: no amount overflows).
        let tenths =
            |unit: u64| (u128::from(self.0) * 10 + u128::from(unit / 2)) / u128::from(unit);
        if tenths(UNITS[k].0) >= 10_000 && k + 1 < UNITS.len() {
            k += 1;
        }
        let (unit, suffix) = UNITS[k];
        let t = tenths(unit);
        match t % 10 {
            0 => format!("{symbol}{}{suffix}", t / 10),
            d => format!("{symbol}{}.{d}{suffix}", t / 10),
        }
    }

    /// `$50,000` — the full amount with thousands separators.
    pub fn full(self, currency: &str) -> String {
        format!("{}{}", symbol(currency), group_thousands(self.0))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full("USD"))
    }
}

/// The prefix shown for a currency code: `$` for USD, `€` for EUR, else `CODE `.
pub fn symbol(currency: &str) -> String {
    match currency {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "¥".into(),
        other => format!("{other} "),
    }
}

/// `1,200,000`: digits in groups of three.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Digits with an optional decimal part; commas only as thousands separators (`1,200,000`).
fn valid_grouping(text: &str) -> bool {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    if int.is_empty() {
        return frac.is_some();
    }
    if !int.contains(',') {
        return int.chars().all(|c| c.is_ascii_digit());
    }
    let groups: Vec<&str> = int.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    first_ok
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_back_are_bounded_like_typed_ones() {
        let read = |json: &str| serde_json::from_str::<Money>(json);
        assert_eq!(
            read("1000000000000").expect("a trillion"),
            Money(1_000_000_000_000)
        );
        assert_eq!(
            serde_json::to_string(&Money(50_000)).expect("json"),
            "50000"
        );
        let error = read(&u64::MAX.to_string()).expect_err("over a trillion");
        assert!(error.to_string().contains("over the largest"), "{error}");
        assert!(read("-5").is_err());
    }

    #[test]
    fn accepts_every_documented_form() {
        for (input, expected) in [
            ("50000", 50_000),
            ("50k", 50_000),
            ("$50K", 50_000),
            ("1.2M", 1_200_000),
            ("$1,200,000", 1_200_000),
            ("0", 0),
            ("2.5k", 2_500),
        ] {
            assert_eq!(Money::parse("arr", input), Ok(Money(expected)), "{input}");
        }
    }

    #[test]
    fn rejects_with_field_and_example() {
        for input in ["fifty", "-5", "$-5k", "1,20,000", "", "k", "1.2.3", "5e3"] {
            let err = Money::parse("arr", input).expect_err(input).to_string();
            assert!(err.starts_with("arr:"), "{err}");
            assert!(err.contains("Example: arr:50k"), "{err}");
        }
    }

    #[test]
    fn formats_full_and_short() {
        assert_eq!(Money(50_000).full("USD"), "$50,000");
        assert_eq!(Money(1_200_000).full("USD"), "$1,200,000");
        assert_eq!(Money(999).full("USD"), "$999");
        assert_eq!(Money(1_200_000).short("USD"), "$1.2M");
        assert_eq!(Money(50_000).short("USD"), "$50K");
        assert_eq!(Money(2_000_000).short("EUR"), "€2M");
        assert_eq!(Money(500).short("CHF"), "CHF 500");
    }

    #[test]
    fn short_rounds_before_choosing_the_suffix() {
        for (amount, expected) in [
            (0, "$0"),
            (999, "$999"),
            (1_000, "$1K"),
            (1_050, "$1.1K"),
            (1_250, "$1.3K"),
            (999_499, "$999.5K"),
            (999_500, "$999.5K"),
            (999_949, "$999.9K"),
            (999_950, "$1M"),
            (999_999, "$1M"),
            (1_000_000, "$1M"),
            (1_049_999, "$1M"),
            (1_050_000, "$1.1M"),
            (999_949_999, "$999.9M"),
            (999_999_999, "$1B"),
            (999_999_999_999, "$1T"),
            (u64::MAX, "$18446744.1T"),
        ] {
            assert_eq!(Money(amount).short("USD"), expected, "{amount}");
        }
    }
}
