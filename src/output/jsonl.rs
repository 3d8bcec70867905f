//! JSON Lines: one record per line, keys in [`crate::record::FIELDS`] order, stable ids.

use std::io::{self, Write};

use crate::record::Record;

pub(super) struct JsonlWriter<W: Write>(W);

impl<W: Write> JsonlWriter<W> {
    pub(super) fn new(out: W) -> Self {
        JsonlWriter(out)
    }

    pub(super) fn write(&mut self, record: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut self.0, record)?;
        self.0.write_all(b"\n")
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }

    pub(super) fn finish(mut self) -> io::Result<W> {
        self.0.flush()?;
        Ok(self.0)
    }
}
