//! Writing records, one writer per format: CSV (safe to open in a spreadsheet; in the reader's
//! language for Excel), JSON Lines, an aligned table for a terminal, and the verdict `check`
//! prints for a person. Every word a person reads is in [`words`], one table per language.

use std::io::{self, Write};

use crate::reason::Lang;
use crate::record::Record;

mod check;
mod color;
mod csv;
pub mod html;
mod jsonl;
mod summary;
mod table;
mod text;
pub mod words;

pub use check::write_check;
pub use color::{ColorChoice, color_enabled};
pub use csv::neutralise;
pub use summary::summary;
pub use text::terminal_safe;

/// What a row shows in the subject's place: why the message could not be read, else its subject.
fn subject_or_error(r: &Record, w: &words::Words) -> String {
    match &r.error {
        Some(e) => (w.error)(e),
        None => r.subject.clone().unwrap_or_default(),
    }
}

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
    /// CSV for Excel on Japanese Windows: UTF-8 BOM, CRLF line ends, the header and a verdict
    /// column in `lang`.
    pub excel: bool,
    /// Colour the labels with ANSI escapes (see [`color_enabled`]).
    pub color: bool,
    /// Columns the table may fill (the terminal's width); `None` for a wide default.
    pub width: Option<usize>,
}

/// Writes records one at a time in the chosen format.
pub struct RecordWriter<W: Write> {
    sink: Sink<W>,
    started: bool,
}

enum Sink<W: Write> {
    Csv(Box<csv::CsvWriter<W>>),
    Jsonl(jsonl::JsonlWriter<W>),
    Table(table::TableWriter<W>),
}

impl<W: Write> RecordWriter<W> {
    /// A writer. An Excel CSV's byte order mark is written at once; the header row comes with
    /// the first record (or [`RecordWriter::finish`]).
    pub fn new(format: Format, style: Style, out: W) -> io::Result<Self> {
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(csv::CsvWriter::new(style, out)?)),
            Format::Jsonl => Sink::Jsonl(jsonl::JsonlWriter::new(out)),
            Format::Table => Sink::Table(table::TableWriter::new(style, out)),
        };
        Ok(RecordWriter { sink, started: false })
    }

    fn start(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match &mut self.sink {
            Sink::Csv(w) => w.header(),
            Sink::Table(w) => w.header(),
            Sink::Jsonl(_) => Ok(()),
        }
    }

    /// Write one record.
    pub fn write(&mut self, record: &Record) -> io::Result<()> {
        self.start()?;
        match &mut self.sink {
            Sink::Csv(w) => w.write(record),
            Sink::Jsonl(w) => w.write(record),
            Sink::Table(w) => w.write(record),
        }
    }

    /// Push what was written so far to the output (a terminal shows each row at once).
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => w.flush(),
            Sink::Jsonl(w) => w.flush(),
            Sink::Table(w) => w.flush(),
        }
    }

    /// Write the header even when there were no records, and flush.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        match self.sink {
            Sink::Csv(w) => w.finish(),
            Sink::Jsonl(w) => w.finish(),
            Sink::Table(w) => w.finish(),
        }
    }
}

/// What a writer gives for `records`, for the writers' tests.
#[cfg(test)]
fn written(format: Format, style: Style, records: &[Record]) -> String {
    let mut w = RecordWriter::new(format, style, Vec::new()).unwrap();
    for r in records {
        w.write(r).unwrap();
    }
    String::from_utf8(w.finish().unwrap()).unwrap()
}
