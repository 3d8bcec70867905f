//! CSV: one row per record in [`Field::ALL`] order, stable ids and English headers; for Excel
//! (`excel`), a byte order mark, CRLF, the header in the reader's language and a last column
//! with the verdict in words (labels and reason ids keep their own columns for filters).

use std::borrow::Cow;
use std::io::{self, Write};

use super::Style;
use super::words::{Words, words};
use crate::record::{FIELDS, Field, Record};

/// Joins list cells.
const LIST_SEPARATOR: &str = " | ";

pub(super) struct CsvWriter<W: Write> {
    csv: ::csv::Writer<W>,
    /// The words of Excel's header and verdict column; `None` for plain CSV.
    excel: Option<&'static Words>,
}

impl<W: Write> CsvWriter<W> {
    pub(super) fn new(style: Style, mut out: W) -> io::Result<Self> {
        let terminator = if style.excel {
            out.write_all("\u{FEFF}".as_bytes())?;
            ::csv::Terminator::CRLF
        } else {
            ::csv::Terminator::Any(b'\n')
        };
        let csv = ::csv::WriterBuilder::new()
            .terminator(terminator)
            .from_writer(out);
        Ok(CsvWriter {
            csv,
            excel: style.excel.then(|| words(style.lang)),
        })
    }

    pub(super) fn header(&mut self) -> io::Result<()> {
        match self.excel {
            Some(w) => {
                let names = Field::ALL.iter().map(|f| (w.column)(*f));
                Ok(self.csv.write_record(names.chain([w.verdict_column]))?)
            }
            None => Ok(self.csv.write_record(FIELDS)?),
        }
    }

    pub(super) fn write(&mut self, r: &Record) -> io::Result<()> {
        // Cell by cell, each borrowed from the record where it can be: no row of owned cells.
        let mut digits = Digits::default();
        for field in Field::ALL {
            self.csv.write_field(cell(r, field, &mut digits).as_bytes())?;
        }
        if let Some(w) = self.excel {
            let describe = (w.label)(r.label).describe;
            match &r.error {
                Some(e) => self.csv.write_field(format!("{describe}: {}", (w.error)(e)))?,
                None => self.csv.write_field(describe)?,
            }
        }
        Ok(self.csv.write_record(std::iter::empty::<&[u8]>())?)
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.csv.flush()
    }

    pub(super) fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

/// A number's decimal digits, written into a buffer of the row's: a cell of every record,
/// not worth a string each.
#[derive(Default)]
struct Digits([u8; 20]);

impl Digits {
    fn of(&mut self, mut n: usize) -> &str {
        let mut at = self.0.len();
        loop {
            at -= 1;
            // A digit: `n % 10` is below 10.
            self.0[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                // ASCII digits, always UTF-8.
                return std::str::from_utf8(&self.0[at..]).unwrap_or_default();
            }
        }
    }
}

/// One cell; text from the mail is neutralised. Cells every record has (index, reasons,
/// authentication) are borrowed where they can be, the index from `digits`.
fn cell<'a>(r: &'a Record, field: Field, digits: &'a mut Digits) -> Cow<'a, str> {
    fn opt(o: &Option<String>) -> &str {
        o.as_deref().unwrap_or_default()
    }
    let text = |o| neutralise(opt(o));
    match field {
        Field::Source => neutralise(&r.source),
        Field::Index => digits.of(r.index).into(),
        Field::MessageId => text(&r.message_id),
        Field::Date => opt(&r.date).into(),
        Field::From => text(&r.from),
        Field::Subject => text(&r.subject),
        Field::Label => r.label.as_str().into(),
        Field::OrderNumber => opt(&r.order_number).into(),
        Field::OrderDate => opt(&r.order_date).into(),
        Field::Products => neutralise(&r.products.join(LIST_SEPARATOR)).into_owned().into(),
        Field::Total => opt(&r.total).into(),
        Field::Currency => opt(&r.currency).into(),
        Field::Payment => text(&r.payment),
        Field::ProductKey => text(&r.product_key),
        Field::Forwarded => if r.forwarded { "true" } else { "false" }.into(),
        Field::Authentication => r.authentication.as_str().into(),
        Field::Reasons => match r.reasons.as_slice() {
            [one] => one.id.as_str().into(),
            all => all
                .iter()
                .map(|x| x.id.as_str())
                .collect::<Vec<_>>()
                .join(LIST_SEPARATOR)
                .into(),
        },
        Field::Error => match &r.error {
            Some(e) => neutralise(&e.to_string()).into_owned().into(),
            None => "".into(),
        },
        Field::LaterPrice => opt(&r.later_price).into(),
        Field::LaterCurrency => opt(&r.later_currency).into(),
    }
}

/// A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading apostrophe (OWASP's advice), so it shows as text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell == "-" {
        // stdin's source name: a lone dash is no formula.
        return cell.into();
    }
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::*;
    use crate::error::{IoKind, ReadError};
    use crate::reason::Lang;

    fn written(style: Style, records: &[Record]) -> String {
        super::super::written(Format::Csv, style, records)
    }

    proptest::proptest! {
        #[test]
        fn digits_are_the_decimal_ones(n: usize) {
            let mut digits = Digits::default();
            let decimal = n.to_string();
            proptest::prop_assert_eq!(digits.of(n), decimal);
        }
    }

    #[test]
    fn digits_at_the_ends() {
        for n in [0, 9, 10, usize::MAX] {
            assert_eq!(Digits::default().of(n), n.to_string());
        }
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("Microsoft"), "Microsoft");
    }

    #[test]
    fn excel_csv_has_bom_crlf_and_a_header_in_words() {
        let mut r = Record::error("=cmd", 1, IoKind::Other("bad, \"very\"".into()));
        r.subject = Some("+1 call".into());
        let style = Style {
            excel: true,
            ..Style::default()
        };
        let out = written(style, std::slice::from_ref(&r));
        assert!(out.starts_with("\u{FEFF}Source,Index,"), "{out}");
        assert!(out.contains("\r\n'=cmd,1,"), "{out}");
        assert!(out.contains("'+1 call"));
        assert!(out.contains(",error,"), "the label id keeps its column: {out}");
        assert!(
            out.contains("\"bad, \"\"very\"\"\",,,\"Could not read this mail: bad, \"\"very\"\"\"\r\n"),
            "{out}"
        );
        let ja = written(
            Style {
                lang: Lang::Ja,
                ..style
            },
            &[r],
        );
        assert!(ja.starts_with("\u{FEFF}入力,通番,"), "{ja}");
        assert!(ja.contains(",判定（説明）\r\n"), "{ja}");
        // The verdict column says why in the reader's language; the error column stays English.
        assert!(ja.contains(",\"bad, \"\"very\"\"\",,,\"このメールを読み取れませんでした: 読み取れません（bad, \"\"very\"\"）\"\r\n"), "{ja}");
    }

    #[test]
    fn plain_csv_keeps_ids_and_english_whatever_the_language() {
        let r = Record::error("a.eml", 1, ReadError::Internal);
        let style = Style {
            lang: Lang::Ja,
            ..Style::default()
        };
        let out = written(style, &[r]);
        assert!(out.starts_with(&format!("{}\n", FIELDS.join(","))), "{out}");
        assert_eq!(
            out.lines().nth(1).map(|l| l.split(',').count()),
            Some(FIELDS.len())
        );
    }
}
