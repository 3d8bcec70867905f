//! The verdict `check` prints for a person, in one language throughout: the label in words, the
//! order's fields, the authentication status with why, the reasons grouped by what they say
//! (signs of a fake, what needs attention, context, what passed), and one next step. With
//! `explain`, each reason's evidence and the checks that found nothing, in negated words.

use std::io::{self, Write};

use super::Style;
use super::color::paint;
use super::text::terminal_safe;
use super::words::{Words, words};
use crate::auth::AuthStatus;
use crate::reason::{Kind, ReasonId};
use crate::record::{Field, Record};
use crate::verdict::Label;

/// The groups in reading order, each with its mark.
const GROUPS: [(Kind, &str); 4] = [
    (Kind::SignOfFake, "!"),
    (Kind::NeedsAttention, "•"),
    (Kind::Context, "-"),
    (Kind::Pass, "✓"),
];
/// The mark of a check that found nothing: neutral, neither a tick nor a warning.
const NOT_FOUND_MARK: &str = "–";

/// Write the verdict on one record; `style.lang` and `style.color` apply.
pub fn write_check(out: &mut impl Write, r: &Record, style: Style, explain: bool) -> io::Result<()> {
    let w = words(style.lang);
    let label = (w.label)(r.label);
    let id = paint(r.label.as_str(), r.label, style.color);
    writeln!(out, "{}: {} [{id}]", w.check.verdict, label.describe)?;
    for (field, value) in fields(r, w) {
        writeln!(out, "{}: {}", (w.column)(field), terminal_safe(&value))?;
    }
    for (kind, mark) in GROUPS {
        let heading = match kind {
            Kind::SignOfFake => w.check.signs_of_fake,
            Kind::NeedsAttention => w.check.needs_attention,
            Kind::Context => w.check.context,
            Kind::Pass => w.check.passed,
        };
        let mut group = r.reasons.iter().filter(|x| x.id.kind() == kind).peekable();
        if group.peek().is_some() {
            writeln!(out, "{heading}:")?;
        }
        for reason in group {
            let sentence = (w.reason)(reason.id).sentence;
            writeln!(out, "  {mark} {sentence} ({})", reason.id.as_str())?;
            if explain && !reason.evidence.is_empty() {
                let evidence = terminal_safe(&reason.evidence);
                writeln!(out, "      {}: {evidence}", w.check.evidence)?;
            }
        }
    }
    let not_found = if explain { not_found(r) } else { Vec::new() };
    if !not_found.is_empty() {
        writeln!(out, "{}:", w.check.not_found)?;
    }
    for id in not_found {
        if let Some(sentence) = (w.reason)(id).not_found {
            writeln!(out, "  {NOT_FOUND_MARK} {sentence} ({})", id.as_str())?;
        }
    }
    if explain && let Some(rule) = r.rule() {
        writeln!(out, "{}: {rule}", w.check.rule)?;
    }
    writeln!(out, "{}: {}", w.check.next_step, label.next_step)
}

/// The order's fields that are present, and the authentication status in words.
fn fields(r: &Record, w: &Words) -> Vec<(Field, String)> {
    let amount = |value: &Option<String>, currency: &Option<String>| {
        value.as_ref().map(|v| {
            format!("{} {v}", currency.as_deref().unwrap_or(""))
                .trim()
                .to_owned()
        })
    };
    let source = match (r.source.as_str(), r.index) {
        ("-", 1) => None,
        (source, 1) => Some(source.to_owned()),
        (source, index) => Some(format!("{source}:{index}")),
    };
    let fields = [
        (Field::Source, source),
        (Field::Subject, r.subject.clone()),
        (Field::From, r.from.clone()),
        (Field::OrderNumber, r.order_number.clone()),
        (Field::OrderDate, r.order_date.clone()),
        (
            Field::Products,
            (!r.products.is_empty()).then(|| r.products.join(", ")),
        ),
        (Field::Total, amount(&r.total, &r.currency)),
        (Field::LaterPrice, amount(&r.later_price, &r.later_currency)),
        (Field::Payment, r.payment.clone()),
        (Field::ProductKey, r.product_key.clone()),
        (Field::Error, r.error.as_ref().map(w.error)),
        (
            Field::Authentication,
            (r.label != Label::Error).then(|| authentication(r, w)),
        ),
    ];
    fields.into_iter().filter_map(|(f, v)| Some((f, v?))).collect()
}

/// `verified (…)`, `failed (…)`, `none (forwarded inline, …)`: the status and why.
fn authentication(r: &Record, w: &Words) -> String {
    let words = (w.auth)(r.authentication);
    // What the mail's own reasons say about an unknown status, the most specific first.
    let told = [
        ReasonId::InlineForward,
        ReasonId::MsgWithoutHeaders,
        ReasonId::AuthMissing,
    ]
    .into_iter()
    .find(|id| r.authentication == AuthStatus::None && r.reasons.iter().any(|x| x.id == *id));
    let why = told.map_or(words.why, |id| (w.reason)(id).short);
    let (open, close) = w.check.brackets;
    format!("{}{open}{why}{close}", words.status)
}

/// The sign-of-a-fake checks that looked at this mail and found nothing. Only for mails judged
/// as orders: the checks for posing say nothing about mail that doesn't claim to be one.
fn not_found(r: &Record) -> Vec<ReasonId> {
    if matches!(r.label, Label::Error | Label::Unrelated) {
        return Vec::new();
    }
    let found: Vec<ReasonId> = r.reasons.iter().map(|x| x.id).collect();
    ReasonId::ALL
        .iter()
        .copied()
        .filter(|id| id.checked(&found) && !found.contains(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::Lang;

    fn text(r: &Record, lang: Lang, explain: bool) -> String {
        let mut out = Vec::new();
        let style = Style {
            lang,
            ..Style::default()
        };
        write_check(&mut out, r, style, explain).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The ids listed under "checked, not found".
    fn listed_not_found(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix(&format!("  {NOT_FOUND_MARK} ")))
            .filter_map(|l| l.rsplit_once(" (")?.1.strip_suffix(')').map(str::to_owned))
            .collect()
    }

    /// Something in the text of the mail judged that reads like a phone number: digits in
    /// groups split by dashes, dots, spaces or brackets, ten or more digits in all. Written
    /// apart from the classifier's own finder, so the two can disagree.
    fn has_phone_like(text: &str) -> bool {
        let re = regex::Regex::new(r"\(?\+?\d{1,4}\)?(?:[-. ]\(?\d{2,4}\)?){2,3}").unwrap();
        re.find_iter(text).any(|m| {
            let s = m.as_str();
            s.chars().filter(char::is_ascii_digit).count() >= 10
        })
    }

    #[test]
    fn nothing_listed_or_ticked_contradicts_the_record() {
        let mut checked = 0;
        let mut listed_phone = 0;
        for entry in std::fs::read_dir("fixtures/mail").unwrap() {
            let path = entry.unwrap().path();
            let raw = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let r = crate::classify(&name, 1, &raw, &crate::Options::default());
            for lang in [Lang::En, Lang::Ja] {
                let w = words(lang);
                let out = text(&r, lang, true);
                let listed = listed_not_found(&out);
                for id in &listed {
                    let id = ReasonId::ALL.iter().find(|x| x.as_str() == id).unwrap();
                    // Outcomes, context and passes are no checks; what was found is not "not found".
                    assert_eq!(id.kind(), Kind::SignOfFake, "{name}: {id:?}");
                    assert!(!r.reasons.iter().any(|x| x.id == *id), "{name}: {id:?}");
                }
                if r.total.as_deref().is_some_and(|t| t.parse::<f64>() == Ok(0.0)) {
                    // A 0-yen mail never speaks of a charge, ticked or not.
                    let charged = (w.reason)(ReasonId::TotalPositive).sentence;
                    assert!(!out.contains(charged), "{name}:\n{out}");
                }
                if listed.iter().any(|id| id == "phone-number") {
                    listed_phone += 1;
                    if !r.forwarded {
                        let view = crate::mime::decode(&raw).unwrap();
                        let body = crate::text::fold(&format!("{}\n{}", view.text, view.html_text));
                        assert!(!has_phone_like(&body), "{name} lists no phone number:\n{out}");
                    }
                }
            }
            checked += 1;
        }
        assert!(checked > 20 && listed_phone > 0, "{checked} {listed_phone}");
    }

    #[test]
    fn the_phone_finder_of_the_test_finds_phones() {
        assert!(has_phone_like("call +1 (888) 320-8274 now"));
        assert!(has_phone_like("0120-12-3456 or 03-1234-5678"));
        assert!(!has_phone_like("order 8311422531 on 2025-04-12"));
    }

    #[test]
    fn signs_come_first_then_attention_then_context_then_passes() {
        let mut r = Record::empty("a.eml", 1);
        r.label = Label::Suspicious;
        r.reasons = [
            ReasonId::AuthPass,
            ReasonId::OrderTemplate,
            ReasonId::TotalPositive,
            ReasonId::PhoneNumber,
        ]
        .map(|id| crate::reason::Reason::new(id, ""))
        .to_vec();
        let out = text(&r, Lang::En, false);
        let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s}: {out}"));
        assert!(at("Signs of a fake:") < at("Needs attention:"));
        assert!(at("Needs attention:") < at("Context:"));
        assert!(at("Context:") < at("Passed:"));
        assert!(!out.contains("Checked, not found"), "only with --explain");
        assert!(out.ends_with("Next step: Don't call any number, click any link or pay; delete the mail.\n"));
        let ja = text(&r, Lang::Ja, true);
        assert!(ja.contains("送信元の認証: なし（認証結果がありません）"), "{ja}");
        assert!(
            ja.contains("  – 単語の中に隠れた見えない文字はありません (hidden-characters)"),
            "{ja}"
        );
        assert!(
            !ja.contains("phone-number)\n") || ja.contains("! 電話番号"),
            "{ja}"
        );
    }
}
