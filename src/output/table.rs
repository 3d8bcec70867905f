//! The table for a terminal: one line per record that never wraps at the width given, a short
//! reason, labels in the reader's language and, when asked, in colour.

use std::io::{self, Write};

use super::Style;
use super::color::paint;
use super::text::{display_width, fit, fit_tail, terminal_safe};
use super::words::{Words, words};
use crate::reason::Kind;
use crate::record::Record;
use crate::verdict::Label;

/// Width when the output is no terminal (a file keeps more of each cell).
const DEFAULT_WIDTH: usize = 120;
/// Narrower than this, columns keep their least widths and lines may be longer.
const MIN_WIDTH: usize = 60;
/// Columns from this width on show the order number.
const ORDER_FROM: usize = 100;
const GAP: usize = 2;
const TOTAL: usize = 11;
const ORDER: usize = 10;

pub(super) struct TableWriter<W: Write> {
    out: W,
    words: &'static Words,
    color: bool,
    layout: Layout,
}

/// Display widths of the columns; `order` is 0 when the column is left out.
#[derive(Debug, PartialEq, Eq)]
struct Layout {
    label: usize,
    total: usize,
    order: usize,
    subject: usize,
    reason: usize,
    source: usize,
}

impl Layout {
    /// Fill `width` columns less one (a line exactly as wide as the terminal wraps on some).
    fn new(width: usize, words: &Words) -> Layout {
        let width = width.max(MIN_WIDTH) - 1;
        let label = Label::ALL
            .iter()
            .map(|l| display_width((words.label)(*l).name))
            .chain([display_width(words.table.label)])
            .max()
            .unwrap_or(10);
        let order = if width + 1 >= ORDER_FROM { ORDER } else { 0 };
        let columns = if order > 0 { 6 } else { 5 };
        let fixed = label + TOTAL + order + GAP * (columns - 1);
        let flexible = width.saturating_sub(fixed).max(30);
        let subject = flexible * 45 / 100;
        let reason = flexible * 30 / 100;
        Layout {
            label,
            total: TOTAL,
            order,
            subject,
            reason,
            source: flexible - subject - reason,
        }
    }
}

impl<W: Write> TableWriter<W> {
    pub(super) fn new(style: Style, out: W) -> Self {
        let words = words(style.lang);
        TableWriter {
            out,
            words,
            color: style.color,
            layout: Layout::new(style.width.unwrap_or(DEFAULT_WIDTH), words),
        }
    }

    pub(super) fn header(&mut self) -> io::Result<()> {
        let t = &self.words.table;
        let cells = [t.label, t.total, t.order, t.subject, t.reason, t.source].map(String::from);
        self.row(None, cells)
    }

    pub(super) fn write(&mut self, r: &Record) -> io::Result<()> {
        let total = match (&r.currency, &r.total) {
            (Some(c), Some(t)) => format!("{c} {t}"),
            (None, Some(t)) => t.clone(),
            _ => String::new(),
        };
        let subject = super::subject_or_error(r, self.words);
        let cells = [
            (self.words.label)(r.label).name.to_owned(),
            total,
            r.order_number.clone().unwrap_or_default(),
            subject,
            short_reasons(r, self.words),
            format!("{}:{}", r.source, r.index),
        ];
        self.row(Some(r.label), cells)
    }

    /// One line: every cell made terminal-safe and cut to its column; the label coloured.
    fn row(&mut self, label: Option<Label>, cells: [String; 6]) -> io::Result<()> {
        let l = &self.layout;
        let widths = [l.label, l.total, l.order, l.subject, l.reason, l.source];
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if width == 0 {
                continue;
            }
            let safe = terminal_safe(cell);
            let cell = if i == 5 {
                fit_tail(&safe, width)
            } else {
                fit(&safe, width)
            };
            let pad = width.saturating_sub(display_width(&cell));
            match label {
                Some(label) if i == 0 => line.push_str(&paint(&cell, label, self.color)),
                _ => line.push_str(&cell),
            }
            if i < 5 {
                line.push_str(&" ".repeat(pad + GAP));
            }
        }
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub(super) fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The reasons in a few words, what weighs most first: signs of a fake, then what needs
/// attention, then the passes, then context.
fn short_reasons(r: &Record, words: &Words) -> String {
    let mut shown: Vec<_> = r.reasons.iter().map(|x| x.id).collect();
    shown.sort_by_key(|id| match id.kind() {
        Kind::SignOfFake => 0,
        Kind::NeedsAttention => 1,
        Kind::Pass => 2,
        Kind::Context => 3,
    });
    let parts: Vec<&str> = shown.iter().map(|id| (words.reason)(*id).short).collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::{Format, written};
    use super::*;
    use crate::error::IoKind;
    use crate::reason::{Lang, Reason, ReasonId};

    fn table(style: Style, records: &[Record]) -> String {
        written(Format::Table, style, records)
    }

    fn fake() -> Record {
        let mut r = Record::empty(&format!("{}/39-fake.eml", "deep/folder".repeat(8)), 3);
        r.label = Label::Suspicious;
        r.subject = Some(format!("Your Microsoft order #4021937511 {}", "注文".repeat(40)));
        r.total = Some("399.99".into());
        r.currency = Some("USD".into());
        r.order_number = Some("4021937511".into());
        r.reasons = [
            ReasonId::AuthPass,
            ReasonId::PhoneNumber,
            ReasonId::FreemailSender,
        ]
        .map(|id| Reason::new(id, ""))
        .to_vec();
        r
    }

    #[test]
    fn rows_fit_80_and_100_columns_in_both_languages() {
        for lang in [Lang::En, Lang::Ja] {
            for width in [80, 100, 132] {
                let style = Style {
                    lang,
                    width: Some(width),
                    ..Style::default()
                };
                let out = table(
                    style,
                    &[fake(), Record::error("x.eml", 1, IoKind::Other("e".repeat(300)))],
                );
                for line in out.lines() {
                    assert!(display_width(line) < width, "{width} {lang:?}: {line}");
                }
                assert_eq!(out.contains("4021937511  "), width >= 100, "{out}");
            }
        }
    }

    #[test]
    fn the_reason_column_puts_signs_of_a_fake_first() {
        let out = table(Style::default(), &[fake()]);
        let row = out.lines().nth(1).unwrap();
        let phone = row.find("phone number, free").unwrap();
        assert!(row.find("sender verified").is_none_or(|at| phone < at), "{row}");
        assert!(row.ends_with("39-fake.eml:3"), "{row}");
    }

    #[test]
    fn labels_are_coloured_only_when_asked() {
        let plain = table(Style::default(), &[fake()]);
        assert!(!plain.contains('\u{1b}'));
        let coloured = table(
            Style {
                color: true,
                ..Style::default()
            },
            &[fake()],
        );
        assert!(
            coloured
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("\u{1b}[1;31msuspicious\u{1b}[0m")
        );
        assert!(
            !coloured.lines().next().unwrap().contains('\u{1b}'),
            "header plain"
        );
    }
}
