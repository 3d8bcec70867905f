//! Writing records: CSV (safe to open in a spreadsheet), JSON Lines, an aligned table, and the
//! short verdict `check` prints for a person.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use crate::reason::{Kind, Lang, ReasonId};
use crate::record::{FIELDS, Record};
use crate::verdict::Label;

pub mod html;

/// Output format for `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Aligned columns for a terminal.
    Table,
}

/// How to write.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Language of sentences and labels in words.
    pub lang: Lang,
    /// CSV for Excel on Japanese Windows: UTF-8 BOM and CRLF line ends.
    pub excel: bool,
}

/// Joins list cells in CSV and tables.
const LIST_SEPARATOR: &str = " | ";

/// Writes records one at a time in the chosen format.
pub struct RecordWriter<W: Write> {
    sink: Sink<W>,
    started: bool,
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
    Table(W),
}

impl<W: Write> RecordWriter<W> {
    /// A writer. An Excel CSV's byte order mark is written at once; the header row comes with
    /// the first record (or [`RecordWriter::finish`]).
    pub fn new(format: Format, style: Style, mut out: W) -> io::Result<Self> {
        let sink = match format {
            Format::Csv => {
                if style.excel {
                    out.write_all("\u{FEFF}".as_bytes())?;
                }
                let terminator = if style.excel {
                    csv::Terminator::CRLF
                } else {
                    csv::Terminator::Any(b'\n')
                };
                let csv = csv::WriterBuilder::new().terminator(terminator).from_writer(out);
                Sink::Csv(Box::new(csv))
            }
            Format::Jsonl => Sink::Jsonl(out),
            Format::Table => Sink::Table(out),
        };
        Ok(RecordWriter { sink, started: false })
    }

    fn start(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match &mut self.sink {
            Sink::Csv(csv) => Ok(csv.write_record(FIELDS)?),
            Sink::Table(out) => table_row(
                out,
                &["LABEL", "TOTAL", "ORDER", "SUBJECT", "SOURCE"].map(String::from),
            ),
            Sink::Jsonl(_) => Ok(()),
        }
    }

    /// Write one record.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.start()?;
        match &mut self.sink {
            Sink::Csv(csv) => Ok(csv.write_record(csv_cells(record))?),
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")
            }
            Sink::Table(out) => {
                let total = match (&record.currency, &record.total) {
                    (Some(c), Some(t)) => format!("{c} {t}"),
                    (None, Some(t)) => t.clone(),
                    _ => String::new(),
                };
                let subject = record
                    .error
                    .clone()
                    .or_else(|| record.subject.clone())
                    .unwrap_or_default();
                let row = [
                    record.label.as_str().to_owned(),
                    total,
                    record.order_number.clone().unwrap_or_default(),
                    subject,
                    format!("{}:{}", record.source, record.index),
                ];
                table_row(out, &row)
            }
        }
    }

    /// Write the header even when there were no records, and flush.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        match self.sink {
            Sink::Csv(csv) => csv.into_inner().map_err(|e| e.into_error()),
            Sink::Jsonl(mut out) | Sink::Table(mut out) => {
                out.flush()?;
                Ok(out)
            }
        }
    }
}

fn table_row(out: &mut impl Write, cells: &[String; 5]) -> io::Result<()> {
    const WIDTHS: [usize; 4] = [10, 14, 12, 48];
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(WIDTHS) {
        let cell = fit(&terminal_safe(cell), width);
        let pad = width.saturating_sub(display_width(&cell));
        line.push_str(&cell);
        line.push_str(&" ".repeat(pad + 2));
    }
    line.push_str(&terminal_safe(&cells[4]));
    line.push('\n');
    out.write_all(line.as_bytes())
}

fn csv_cells(r: &Record) -> Vec<String> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let text = |o: &Option<String>| neutralise(&opt(o));
    vec![
        neutralise(&r.source),
        r.index.to_string(),
        text(&r.message_id),
        opt(&r.date),
        text(&r.from),
        text(&r.subject),
        r.label.as_str().to_owned(),
        opt(&r.order_number),
        opt(&r.order_date),
        neutralise(&r.products.join(LIST_SEPARATOR)),
        opt(&r.total),
        opt(&r.currency),
        text(&r.payment),
        text(&r.product_key),
        r.forwarded.to_string(),
        serde_json::to_value(r.authentication)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        r.reasons
            .iter()
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR),
        text(&r.error),
        opt(&r.later_price),
        opt(&r.later_currency),
    ]
}

/// A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading apostrophe (OWASP's advice), so it shows as text.
pub fn neutralise(cell: &str) -> String {
    if cell == "-" {
        // stdin's source name: a lone dash is no formula.
        return cell.to_owned();
    }
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// Replace control characters, escape sequences, bidi controls and every other format character
/// (Unicode category Cf: zero-width, invisible operators, tags) so a hostile subject can't drive
/// the reader's terminal or reorder what it shows.
pub fn terminal_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || is_format(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Unicode general category Cf (Unicode 16).
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{600}'..='\u{605}' | '\u{61C}' | '\u{6DD}' | '\u{70F}' | '\u{890}'..='\u{891}'
        | '\u{8E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cut to at most `width` display columns and `2 × width` characters (combining marks and
/// zero-width characters take no column), marking the cut with `…`.
fn fit(s: &str, width: usize) -> String {
    let max_chars = width.saturating_mul(2);
    if display_width(s) <= width && s.chars().nth(max_chars).is_none() {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for (i, c) in s.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width || i + 1 >= max_chars {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Field names for the `check` text, per language.
fn field_name(field: &str, lang: Lang) -> &'static str {
    const NAMES: &[(&str, &str, &str)] = &[
        ("verdict", "Verdict", "判定"),
        ("subject", "Subject", "件名"),
        ("from", "From", "差出人"),
        ("date", "Date", "日時"),
        ("products", "Products", "品目"),
        ("order_number", "Order number", "注文番号"),
        ("order_date", "Order date", "注文日"),
        ("total", "Total", "合計"),
        ("later_price", "Charged later", "今後の請求額"),
        ("payment", "Payment", "支払い方法"),
        ("product_key", "Product key", "プロダクトキー"),
        ("authentication", "Authentication", "送信元の認証"),
        ("reasons", "Reasons", "理由"),
        ("error", "Error", "エラー"),
        ("source", "Source", "入力"),
        ("evidence", "evidence", "根拠"),
        ("not_found", "Checked, not found", "確認して該当しなかった項目"),
    ];
    NAMES
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or("", |(_, en, ja)| if lang == Lang::Ja { ja } else { en })
}

/// `JPY 21300`, or the bare value when the currency is unknown.
fn amount_text(value: &Option<String>, currency: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| {
        format!("{} {v}", currency.as_deref().unwrap_or(""))
            .trim()
            .to_owned()
    })
}

/// The verdict for a person: label in words, the order's fields, and the reasons as sentences.
/// With `explain`, each reason also shows its evidence.
pub fn write_check(out: &mut impl Write, r: &Record, lang: Lang, explain: bool) -> io::Result<()> {
    let mut lines: Vec<(&str, String)> = Vec::new();
    lines.push((
        "verdict",
        format!("{} [{}]", r.label.describe(lang), r.label.as_str()),
    ));
    match (r.source.as_str(), r.index) {
        ("-", 1) => {}
        (source, 1) => lines.push(("source", source.to_owned())),
        (source, index) => lines.push(("source", format!("{source}:{index}"))),
    }
    let total = amount_text(&r.total, &r.currency);
    let later = amount_text(&r.later_price, &r.later_currency);
    let products = (!r.products.is_empty()).then(|| r.products.join(", "));
    let fields = [
        ("subject", r.subject.clone()),
        ("from", r.from.clone()),
        ("order_number", r.order_number.clone()),
        ("order_date", r.order_date.clone()),
        ("products", products),
        ("total", total),
        ("later_price", later),
        ("payment", r.payment.clone()),
        ("product_key", r.product_key.clone()),
        ("error", r.error.clone()),
    ];
    lines.extend(
        fields
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?))),
    );
    if r.label != Label::Error {
        let auth = serde_json::to_value(r.authentication)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        lines.push(("authentication", auth.unwrap_or_default()));
    }
    for (name, value) in lines {
        writeln!(out, "{}: {}", field_name(name, lang), terminal_safe(&value))?;
    }
    if !r.reasons.is_empty() {
        writeln!(out, "{}:", field_name("reasons", lang))?;
    }
    for reason in &r.reasons {
        let mark = match reason.id.kind() {
            Kind::Pass => "✓",
            Kind::Info => "-",
            Kind::Warn => "!",
        };
        writeln!(
            out,
            "  {mark} {} ({})",
            reason.id.sentence(lang),
            reason.id.as_str()
        )?;
        if explain && !reason.evidence.is_empty() {
            writeln!(
                out,
                "      {}: {}",
                field_name("evidence", lang),
                terminal_safe(&reason.evidence)
            )?;
        }
    }
    if explain && r.label != Label::Error {
        // The checks that ran and found nothing: what the mail is *not*.
        writeln!(out, "{}:", field_name("not_found", lang))?;
        let found = |id: ReasonId| r.reasons.iter().any(|x| x.id == id);
        for id in ReasonId::ALL
            .iter()
            .filter(|id| id.kind() == Kind::Warn && !found(**id))
        {
            writeln!(out, "  ✓ {} ({})", id.sentence(lang), id.as_str())?;
        }
    }
    Ok(())
}

/// The one-line summary for stderr: counts per label, in label order, zeros left out.
pub fn summary(counts: &[(Label, usize)], lang: Lang) -> String {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = Label::ALL
        .iter()
        .filter_map(|label| {
            let n = counts.iter().find(|(l, _)| l == label).map_or(0, |(_, n)| *n);
            (n > 0).then(|| format!("{} {n}", label.as_str()))
        })
        .collect();
    match lang {
        Lang::Ja => format!(
            "msorder: {}を読み取りました: {}",
            html::message_count(total, lang),
            parts.join(", ")
        ),
        Lang::En => format!(
            "msorder: {} read: {}",
            html::message_count(total, lang),
            parts.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("Microsoft"), "Microsoft");
    }

    #[test]
    fn terminal_escapes_are_replaced() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\u{202E}c"), "a\u{FFFD}[31mb\u{FFFD}c");
    }

    #[test]
    fn excel_csv_has_bom_and_crlf() {
        let mut w = RecordWriter::new(
            Format::Csv,
            Style {
                lang: Lang::En,
                excel: true,
            },
            Vec::new(),
        )
        .unwrap();
        let mut r = Record::error("=cmd", 1, "bad, \"very\"");
        r.subject = Some("+1 call".into());
        w.write(&r).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(out.starts_with("\u{FEFF}source,index,"));
        assert!(out.contains("\r\n'=cmd,1,"), "{out}");
        assert!(out.contains("'+1 call"));
        assert!(out.contains("\"bad, \"\"very\"\"\",,\r\n"), "{out}");
    }

    #[test]
    fn table_fits_wide_text() {
        assert_eq!(fit("注文注文注文", 7), "注文注…");
        assert!(display_width(&fit(&"x".repeat(100), 48)) <= 48);
    }
}
