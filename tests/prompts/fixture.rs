//! Purpose: the book the prompt evaluation reads against, at a fixed instant, and the same
//! book grown to 10,000 accounts for the benchmark.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use steward::domain::account::{Account, AccountId};
use steward::domain::book::{Book, Change};
use steward::domain::money::Money;
use steward::domain::person::{Person, UserId};
use steward::domain::stakeholder::{Role, Stakeholder};
use steward::domain::tenant::TenantId;

/// Monday 2 March 2026, 09:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

pub fn today() -> NaiveDate {
    now().date_naive()
}

/// Who asks: `my accounts` are this user's.
pub fn asker() -> UserId {
    UserId("local-user".into())
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("fixture date")
}

/// (name, title, role) of a stakeholder.
type Who = (&'static str, &'static str, Role);

/// (name, ARR, renewal date, owner, stakeholders) of an account.
#[rustfmt::skip]
const ACCOUNTS: [(&str, u64, &str, &str, &[Who]); 12] = [
    ("Acme Corp", 120_000, "2026-04-15", "local-user", &[
        ("Maria Lopez", "VP Ops", Role::Champion),
        ("Tom Becker", "CFO", Role::EconomicBuyer),
        ("Raj Patel", "Analyst", Role::EndUser),
    ]),
    ("Globex", 90_000, "2026-05-20", "omar", &[
        ("Bob Stone", "CFO", Role::EconomicBuyer),
        ("Lena Park", "Director of IT", Role::Champion),
    ]),
    ("Globex Health", 40_000, "2026-09-30", "local-user", &[
        ("Nadia Haddad", "Head of Nursing Ops", Role::Champion),
    ]),
    ("Initech", 30_000, "2026-03-20", "local-user", &[
        ("Bill Lumbergh", "VP Engineering", Role::Blocker),
        ("Peter Gibbons", "Engineer", Role::Champion),
    ]),
    ("Umbrella", 200_000, "2026-08-31", "jane", &[("Alice Wong", "COO", Role::ExecutiveSponsor)]),
    ("Stark Retail", 75_000, "2026-06-30", "jane", &[
        ("Happy Hogan", "Head of Stores", Role::DecisionMaker),
    ]),
    ("Stark Industries", 300_000, "2026-11-15", "omar", &[
        ("Pepper Potts", "CEO", Role::EconomicBuyer),
    ]),
    ("Wayne Logistics", 150_000, "2026-07-15", "local-user", &[
        ("Lucius Fox", "CTO", Role::DecisionMaker),
        ("Lena Ortiz", "Ops Manager", Role::Influencer),
    ]),
    ("Pied Piper", 25_000, "2026-04-01", "local-user", &[
        ("Richard Hendricks", "CEO", Role::Champion),
        ("Jared Dunn", "COO", Role::EndUser),
    ]),
    ("Hooli", 500_000, "2026-12-01", "jane", &[("Gavin Belson", "CEO", Role::Blocker)]),
    ("Northwind Traders", 55_000, "2026-10-10", "omar", &[]),
    ("Vandelay Industries", 18_000, "2026-05-05", "local-user", &[
        ("George Costanza", "Buyer", Role::EndUser),
    ]),
];

/// The book every prompt is read against: fiscal year from February, a dozen accounts, two
/// pairs that share a first word (Globex / Globex Health, Stark Retail / Stark Industries),
/// two stakeholders called Lena.
pub fn fixture() -> Book {
    let mut book = Book::new(TenantId::local());
    book.settings.fiscal_year_start = 2;
    for (i, (name, arr, renewal, owner, people)) in ACCOUNTS.into_iter().enumerate() {
        let id = AccountId(i as u64 + 1);
        let mut a = Account::new(id, name.into(), Money(arr), date(renewal), now());
        a.owner = Some(Person::User(UserId(owner.into())));
        for (person, title, role) in people {
            let mut s = Stakeholder::new(person.to_string(), *role, date("2025-11-01"));
            s.title = Some(title.to_string());
            a.stakeholders.push(s);
        }
        book.apply(Change::PutAccount(Box::new(a)));
    }
    book
}

/// The fixture grown to 10,000 accounts, three stakeholders each; generated names share first
/// words and letters with one another, so prefix and typo searches have company.
pub fn big_book() -> Book {
    #[rustfmt::skip]
    const FIRST: [&str; 20] = [
        "Apex", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iron",
        "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Orbit", "Pioneer", "Quartz", "Raven",
        "Summit", "Tundra",
    ];
    #[rustfmt::skip]
    const SECOND: [&str; 25] = [
        "Labs", "Systems", "Foods", "Capital", "Health", "Logistics", "Media", "Energy", "Retail",
        "Partners", "Works", "Group", "Networks", "Analytics", "Robotics", "Bank", "Motors",
        "Pharma", "Studios", "Security", "Cloud", "Dynamics", "Ventures", "Holdings", "Software",
    ];
    const PEOPLE: [&str; 8] = [
        "Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana",
    ];
    let mut book = fixture();
    let base = book.len() as u64;
    for i in 0..10_000 - base {
        let (a, b) = (FIRST[(i % 20) as usize], SECOND[((i / 20) % 25) as usize]);
        let name = format!("{a} {b} {}", i / 500 + 1);
        let renewal = today() + Duration::days((i % 400) as i64);
        let mut account = Account::new(
            AccountId(base + i + 1),
            name,
            Money(10_000 + i * 37),
            renewal,
            now(),
        );
        for k in 0..3 {
            let person = format!(
                "{} {}",
                PEOPLE[((i + k) % 8) as usize],
                SECOND[((i + 3 * k) % 25) as usize]
            );
            account
                .stakeholders
                .push(Stakeholder::new(person, Role::Champion, today()));
        }
        book.apply(Change::PutAccount(Box::new(account)));
    }
    book
}
