//! The whole read → classify → write path on arbitrary bytes: an mbox stream when the bytes start
//! with `From `, else one message; every record written as CSV, JSON Lines and a table.
//!
//! Beyond "does not crash", it checks what must hold for any input: one record per message read,
//! indices counting up from 1, no caught panic ("internal error"), JSON Lines that parse back,
//! and a table (rows under 1,000 characters) and `check` text with no escape, bidi or invisible
//! format character.

#![no_main]

use libfuzzer_sys::fuzz_target;
use msorder::input::Mbox;
use msorder::output::{Format, RecordWriter, Style};
use msorder::{Options, ReadError, Record, classify};

fuzz_target!(|data: &[u8]| {
    // The last byte picks the read buffer size and whether keys are shown, so refills that cut a
    // separator line and the oversize path get exercised too.
    let knob = data.last().copied().unwrap_or(0) as usize;
    let opts = Options {
        show_keys: knob & 1 == 1,
        decode_all: knob & 2 == 2,
        ..Options::default()
    };
    let messages: Vec<(usize, Result<Vec<u8>, ReadError>)> = if data.starts_with(b"From ") {
        let capacity = 1 + knob % 97;
        let max_size = if knob & 4 == 4 { 64 + knob * 8 } else { 64 << 20 };
        Mbox::with_chunk(data, max_size, capacity).collect()
    } else {
        vec![(1, Ok(data.to_vec()))]
    };
    let records: Vec<Record> = messages
        .iter()
        .map(|(index, message)| match message {
            Ok(bytes) => classify("fuzz", *index, bytes, &opts),
            Err(e) => Record::error("fuzz", *index, e.clone()),
        })
        .collect();
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record.index, i + 1, "indices count up from 1");
        if let Some(e) = &record.error {
            let caught = matches!(e, ReadError::Internal | ReadError::InternalInput);
            assert!(!caught, "caught panic: {e}");
        }
    }
    for format in [Format::Csv, Format::Jsonl, Format::Table] {
        for excel in [false, true] {
            if excel && format != Format::Csv {
                continue;
            }
            let style = Style {
                excel,
                ..Style::default()
            };
            let mut writer = RecordWriter::new(format, style, Vec::new()).expect("a Vec takes writes");
            for record in &records {
                writer.write(record).expect("a Vec takes writes");
            }
            let out = writer.finish().expect("a Vec takes writes");
            match format {
                Format::Jsonl => {
                    let text = std::str::from_utf8(&out).expect("JSON Lines are UTF-8");
                    assert_eq!(text.lines().count(), records.len());
                    for line in text.lines() {
                        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
                    }
                    assert!(!out.contains(&0x1b), "raw ESC in JSON Lines");
                }
                Format::Table => {
                    let text = std::str::from_utf8(&out).expect("a table is UTF-8");
                    assert_eq!(text.lines().count(), records.len() + 1);
                    assert!(
                        !text.chars().any(drives_terminal),
                        "terminal control in table: {text:?}"
                    );
                    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                    assert!(widest < 1000, "table row of {widest} characters");
                }
                Format::Csv => {
                    std::str::from_utf8(&out).expect("CSV is UTF-8");
                }
            }
        }
    }
    let mut check = Vec::new();
    for record in &records {
        for lang in [msorder::Lang::En, msorder::Lang::Ja] {
            let style = Style {
                lang,
                ..Style::default()
            };
            msorder::output::write_check(&mut check, record, style, true).expect("a Vec takes writes");
        }
    }
    let check = String::from_utf8(check).expect("check text is UTF-8");
    assert!(
        !check.chars().any(drives_terminal),
        "terminal control in check text: {check:?}"
    );
});

/// ESC, and the bidi and invisible format controls that reorder or hide what a terminal shows.
fn drives_terminal(c: char) -> bool {
    matches!(c, '\u{1b}' | '\u{61C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}
