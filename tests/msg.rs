//! Outlook `.msg` files: small ones built here with `cfb` for each way Outlook stores a mail
//! (UTF-16 or 8-bit strings, with or without transport headers, compressed RTF, embedded
//! messages), hostile ones, and the real files in `../shared/corpus/msg` (skipped, saying so,
//! when the corpus is absent).

use std::io::{Cursor, Write};
use std::path::Path;

use msorder::error::MsgError;
use msorder::{Label, Options, ReadError, Record, classify};

mod common;

/// A compound file holding the given streams (paths like `/__attach_version1.0_#00000000/x`).
fn compound(streams: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (path, data) in streams {
        let parent = Path::new(path).parent().unwrap();
        if parent != Path::new("/") && !cf.is_storage(parent) {
            cf.create_storage_all(parent).unwrap();
        }
        cf.create_stream(path).unwrap().write_all(data).unwrap();
    }
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A property stream: `header` zero bytes, then fixed-size properties (tag, value).
fn props(header: usize, fixed: &[(u32, u64)]) -> Vec<u8> {
    let mut out = vec![0u8; header];
    for &(tag, value) in fixed {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&6u32.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out
}

/// Streams of one message under `dir` ("" at the top): its properties and string/binary
/// properties given as (id, type, bytes).
fn message(
    dir: &str,
    top: bool,
    fixed: &[(u32, u64)],
    values: &[(u32, u32, Vec<u8>)],
) -> Vec<(String, Vec<u8>)> {
    let mut streams = vec![(
        format!("{dir}/__properties_version1.0"),
        props(if top { 32 } else { 24 }, fixed),
    )];
    for (id, kind, data) in values {
        streams.push((format!("{dir}/__substg1.0_{id:04X}{kind:04X}"), data.clone()));
    }
    streams
}

const STRING: u32 = 0x001F;
const STRING8: u32 = 0x001E;
const BINARY: u32 = 0x0102;
/// 2025-04-12 06:14:03 UTC as a FILETIME.
const DELIVERY: u64 = (1_744_438_443 + 11_644_473_600) * 10_000_000;

fn judge(bytes: &[u8]) -> Record {
    classify("test.msg", 1, bytes, &Options::default())
}

fn ids(record: &Record) -> Vec<&'static str> {
    record.reasons.iter().map(|r| r.id.as_str()).collect()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mail")
            .join(name),
    )
    .unwrap()
}

/// A fixture whose body is 8-bit UTF-8 text, split into its header block and body.
fn split(eml: &[u8]) -> (String, String) {
    let text = String::from_utf8(eml.to_vec()).unwrap();
    let at = text.find("\n\n").unwrap();
    (text[..at + 1].to_owned(), text[at + 2..].to_owned())
}

/// The fixture as Outlook saves it with its headers kept: UTF-16 transport headers and body.
fn msg_with_headers(eml: &[u8]) -> Vec<u8> {
    let (headers, body) = split(eml);
    compound(&message(
        "",
        true,
        &[(0x0E06_0040, DELIVERY)],
        &[
            (0x007D, STRING, utf16(&headers)),
            (0x1000, STRING, utf16(&body)),
            (0x0037, STRING, utf16("ignored when headers are kept")),
        ],
    ))
}

fn same_verdict(msg: &Record, eml: &Record) {
    assert_eq!(msg.label, eml.label, "{:?}", msg.reasons);
    assert_eq!(msg.authentication, eml.authentication);
    assert_eq!(ids(msg), ids(eml));
    assert_eq!(msg.order_number, eml.order_number);
    assert_eq!(msg.total, eml.total);
    assert_eq!(msg.subject, eml.subject);
    assert_eq!(msg.from, eml.from);
}

#[test]
fn transport_headers_give_the_eml_verdict() {
    for name in [
        "01-ja-activation-plain-utf8.eml",
        "39-fake-gmail-defender-callback.eml",
    ] {
        let eml = fixture(name);
        let record = judge(&msg_with_headers(&eml));
        same_verdict(&record, &judge(&eml));
        assert!(!ids(&record).contains(&"msg-without-headers"), "{name}");
    }
}

/// Every single-part plain-text fixture saved as Outlook does: its header block as transport
/// headers, its decoded text as PR_BODY, in UTF-16 and in 8-bit cp932. Same record each way.
#[test]
fn every_plain_fixture_as_msg_gets_the_eml_verdict() {
    let mut tried = 0;
    for path in common::files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail")) {
        let eml = std::fs::read(&path).unwrap();
        let Some(end) = eml
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|i| i + 2)
            .or_else(|| eml.windows(2).position(|w| w == b"\n\n").map(|i| i + 1))
        else {
            continue;
        };
        let headers = String::from_utf8_lossy(&eml[..end]).into_owned();
        let lower = headers.to_ascii_lowercase();
        if !lower.contains("content-type: text/plain") {
            continue;
        }
        let text = msorder::mime::decode(&eml).unwrap().text;
        // The full decode of the .eml: a .msg is always decoded in full, and the first look's
        // record for a mail it skips carries only `not-order`.
        let full = Options {
            decode_all: true,
            ..Options::default()
        };
        let eml_record = classify("test.eml", 1, &eml, &full);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let wide = compound(&message(
            "",
            true,
            &[],
            &[(0x007D, STRING, utf16(&headers)), (0x1000, STRING, utf16(&text))],
        ));
        // Only text cp932 holds exactly: `¥` (U+00A5) would come back as a backslash.
        let (cp932, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
        let exact = !lossy && encoding_rs::SHIFT_JIS.decode(&cp932).0 == text;
        let mut forms = vec![("utf-16", wide)];
        if exact {
            forms.push((
                "cp932",
                compound(&message(
                    "",
                    true,
                    &[(0x3FFD_0003, 932)],
                    &[
                        (0x007D, STRING, utf16(&headers)),
                        (0x1000, STRING8, cp932.into_owned()),
                    ],
                )),
            ));
        }
        for (form, msg) in forms {
            // Reasons are compared, so both go through the full decode (the first look gives an
            // `unrelated` it skips no reasons).
            let record = classify("test.msg", 1, &msg, &full);
            assert_eq!(
                (record.label, record.authentication, ids(&record)),
                (eml_record.label, eml_record.authentication, ids(&eml_record)),
                "{name} as {form}"
            );
            assert_eq!(
                (&record.order_number, &record.total, &record.subject),
                (&eml_record.order_number, &eml_record.total, &eml_record.subject),
                "{name} as {form}"
            );
        }
        tried += 1;
    }
    assert!(tried >= 30, "only {tried} plain-text fixtures");
}

#[test]
fn utf16_without_transport_headers() {
    let (_, body) = split(&fixture("01-ja-activation-plain-utf8.eml"));
    let msg = compound(&message(
        "",
        true,
        &[(0x0E06_0040, DELIVERY)],
        &[
            (0x0C1A, STRING, utf16("Microsoft")),
            (
                0x0C1F,
                STRING,
                utf16("/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS"),
            ),
            (0x5D01, STRING, utf16("microsoft-noreply@microsoft.com")),
            (
                0x0037,
                STRING,
                utf16("Microsoft の注文 #8311422531 が処理されました\0"),
            ),
            (0x1000, STRING, utf16(&body)),
        ],
    ));
    let record = judge(&msg);
    assert_eq!(record.error, None);
    assert_eq!(
        record.subject.as_deref(),
        Some("Microsoft の注文 #8311422531 が処理されました")
    );
    assert_eq!(
        record.from.as_deref(),
        Some("Microsoft <microsoft-noreply@microsoft.com>")
    );
    assert_eq!(record.date.as_deref(), Some("2025-04-12T06:14:03Z"));
    assert_eq!(record.order_number.as_deref(), Some("8311422531"));
    assert_eq!(record.authentication, msorder::AuthStatus::None);
    assert!(
        ids(&record).contains(&"msg-without-headers"),
        "{:?}",
        ids(&record)
    );
}

#[test]
fn eight_bit_cp932_from_locale_hint_only() {
    let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let msg = compound(&message(
        "",
        true,
        // PR_MESSAGE_LOCALE_ID 1041 (Japanese), no code page property.
        &[(0x3FF1_0003, 1041)],
        &[
            (0x0037, STRING8, sjis("日本語の件名\0")),
            (0x0C1A, STRING8, sjis("山田 太郎")),
            (0x5D01, STRING8, b"taro@example.jp".to_vec()),
            (0x1000, STRING8, sjis("本文です。電話 0120-000-000")),
        ],
    ));
    let mail = msorder::msg::to_rfc822(&msg).unwrap();
    let view = msorder::mime::decode(&mail.mail).unwrap();
    assert_eq!(view.subject, "日本語の件名");
    assert_eq!(view.from.as_ref().unwrap().name, "山田 太郎");
    assert!(view.text.contains("本文です。"), "{}", view.text);
    assert!(!mail.internet_headers);
    assert_eq!(judge(&msg).label, Label::Unrelated);
}

#[test]
fn compressed_rtf_html_gives_body_and_links() {
    let rtf = r#"{\rtf1\ansi\ansicpg932\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}
{\*\htmltag19 <html>}{\*\htmltag34 <body>}\htmlrtf {\htmlrtf0 \'92\'8d\'95\'b6\'94\'d4\'8d\'86 12345
{\*\htmltag84 <a href="https://login.example.net/verify">}\htmlrtf Verify\htmlrtf0 {\*\htmltag92 </a>}
\htmlrtf }\htmlrtf0 {\*\htmltag35 </body>}{\*\htmltag27 </html>}}"#;
    let packed = compressed_rtf::compress_rtf(rtf).unwrap();
    let msg = compound(&message(
        "",
        true,
        &[],
        &[(0x0037, STRING, utf16("RTF only")), (0x1009, BINARY, packed)],
    ));
    let view = msorder::msg::to_rfc822(&msg)
        .map(|c| msorder::mime::decode(&c.mail).unwrap())
        .unwrap();
    assert!(view.html_text.contains("注文番号 12345"), "{}", view.html_text);
    assert!(
        view.links
            .iter()
            .any(|l| l.href == "https://login.example.net/verify"),
        "{:?}",
        view.links
    );
}

#[test]
fn native_rtf_gives_text() {
    let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Calibri;}}\f0 Total: USD 0.00\par Thank you\par}";
    let packed = compressed_rtf::compress_rtf(rtf).unwrap();
    let msg = compound(&message("", true, &[], &[(0x1009, BINARY, packed)]));
    let view = msorder::mime::decode(&msorder::msg::to_rfc822(&msg).unwrap().mail).unwrap();
    assert_eq!(view.text.trim(), "Total: USD 0.00\nThank you");
}

/// An outer message with the given inner one as embedded attachment #0.
fn embed(inner: Vec<(String, Vec<u8>)>, outer_values: &[(u32, u32, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let mut streams = message("", true, &[], outer_values);
    let at = "/__attach_version1.0_#00000000";
    streams.push((
        format!("{at}/__properties_version1.0"),
        props(8, &[(0x3705_0003, 5)]),
    ));
    for (path, data) in inner {
        streams.push((format!("{at}/__substg1.0_3701000D{path}"), data));
    }
    streams
}

#[test]
fn embedded_message_is_an_attached_forward() {
    let eml = fixture("39-fake-gmail-defender-callback.eml");
    let (headers, body) = split(&eml);
    let inner = message(
        "",
        false,
        &[],
        &[(0x007D, STRING, utf16(&headers)), (0x1000, STRING, utf16(&body))],
    );
    let msg = compound(&embed(
        inner,
        &[
            (0x0037, STRING, utf16("FW: see below")),
            (0x1000, STRING, utf16("Is this real?")),
        ],
    ));
    let record = judge(&msg);
    let alone = judge(&eml);
    assert_eq!(record.label, alone.label);
    assert_eq!(record.label, Label::Suspicious);
    assert!(record.forwarded);
    assert!(ids(&record).contains(&"attached-forward"), "{:?}", ids(&record));
    // The outer message lost its headers, the judged one did not.
    assert!(
        !ids(&record).contains(&"msg-without-headers"),
        "{:?}",
        ids(&record)
    );

    // Embedded without headers (as Outlook attaches a draft): the judged message has none.
    let inner = message(
        "",
        false,
        &[],
        &[
            (0x0C1A, STRING, utf16("Microsoft")),
            (0x5D01, STRING, utf16("billing.dept.support4471@gmail.com")),
            (0x0037, STRING, utf16("Your Microsoft order #4021937511")),
            (0x1000, STRING, utf16(&body)),
        ],
    );
    let bare = judge(&compound(&embed(
        inner,
        &[(0x0037, STRING, utf16("FW: see below"))],
    )));
    assert!(bare.forwarded);
    assert_eq!(bare.label, Label::Suspicious);
    assert!(ids(&bare).contains(&"msg-without-headers"), "{:?}", ids(&bare));
}

#[test]
fn attachments_become_parts() {
    let mut streams = message("", true, &[], &[(0x0037, STRING, utf16("invoice"))]);
    let at = "/__attach_version1.0_#00000000";
    streams.push((
        format!("{at}/__properties_version1.0"),
        props(8, &[(0x3705_0003, 1)]),
    ));
    streams.push((format!("{at}/__substg1.0_3707001F"), utf16("請求書.pdf")));
    streams.push((format!("{at}/__substg1.0_370E001F"), utf16("application/pdf")));
    streams.push((format!("{at}/__substg1.0_37010102"), b"%PDF-1.4 fake".to_vec()));
    let view = msorder::mime::decode(&msorder::msg::to_rfc822(&compound(&streams)).unwrap().mail).unwrap();
    assert_eq!(view.attachments.len(), 1);
    assert_eq!(view.attachments[0].name, "請求書.pdf");
    assert_eq!(view.attachments[0].content_type, "application/pdf");
}

#[test]
fn hostile_files_give_error_records() {
    // Nested deeper than the bound.
    let mut streams = message("", false, &[], &[(0x0037, STRING, utf16("deep"))]);
    for _ in 0..12 {
        streams = embed(streams, &[]);
    }
    let deep = judge(&compound(&streams));
    assert_eq!(deep.label, Label::Error);
    assert_eq!(deep.error, Some(ReadError::Msg(MsgError::TooDeep)));

    // More attachments than the bound.
    let mut many = message("", true, &[], &[(0x0037, STRING, utf16("many"))]);
    for n in 0..501 {
        many.push((
            format!("/__attach_version1.0_#{n:08X}/__properties_version1.0"),
            props(8, &[]),
        ));
    }
    let record = judge(&compound(&many));
    assert_eq!(record.error, Some(ReadError::Msg(MsgError::TooManyAttachments)));

    // A compound file that is no message; a truncated one; a header only.
    let other = compound(&[("/WordDocument".into(), vec![0; 100])]);
    assert_eq!(judge(&other).label, Label::Error);
    let good = msg_with_headers(&fixture("01-ja-activation-plain-utf8.eml"));
    for cut in [8, 512] {
        assert_eq!(judge(&good[..cut]).label, Label::Error, "cut at {cut}");
    }
    let internal = Some(ReadError::Internal);
    for cut in (1024..good.len()).step_by(509) {
        assert_ne!(judge(&good[..cut]).error, internal, "cut at {cut}");
    }
    // One byte in 61 flipped in turn: a record each, never a panic.
    let mut flipped = good.clone();
    for at in (0..good.len()).step_by(61) {
        flipped[at] ^= 0xA5;
        assert_ne!(judge(&flipped).error, internal, "byte {at}");
        flipped[at] = good[at];
    }
}

#[test]
fn cli_reads_msg_named_and_in_folders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved from outlook.msg");
    std::fs::write(
        &path,
        msg_with_headers(&fixture("39-fake-gmail-defender-callback.eml")),
    )
    .unwrap();
    let named = common::msorder()
        .args(["check", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let record: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(record["label"], "suspicious");
    let walked = common::msorder()
        .args(["scan", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&walked.stdout).unwrap();
    assert_eq!(line["label"], "suspicious");
    assert_eq!(line["source"], path.to_str().unwrap());
}

#[test]
fn corpus_msg_files_are_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/msg");
    if !dir.is_dir() {
        eprintln!("skipped: no corpus at {}", dir.display());
        return;
    }
    let genuine = [
        Label::Activation,
        Label::Free,
        Label::Trial,
        Label::Charge,
        Label::Unclear,
    ];
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "msg"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 12);
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        let record = classify(&path.to_string_lossy(), 1, &raw, &Options::default());
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(record.error, None, "{name}");
        assert!(!genuine.contains(&record.label), "{name}: {:?}", record.label);
        assert!(
            record.subject.as_deref().is_some_and(|s| !s.contains('\u{fffd}')),
            "{name}"
        );
    }
    let view_of = |name: &str| {
        let raw = std::fs::read(dir.join(name)).unwrap();
        msorder::mime::decode(&msorder::msg::to_rfc822(&raw).unwrap().mail).unwrap()
    };
    let ja = view_of("ja_ansi_cp932.msg");
    assert_eq!(ja.subject, "日本語 Non Unicode タイトル");
    assert!(ja.body().contains("日本語 Non Unicode 本文"), "{}", ja.body());
    assert!(view_of("cjk_hello.msg").body().contains("こんにちは"));
    assert!(
        view_of("ja_html_only_newoutlook.msg")
            .subject
            .contains("テスト メッセージ")
    );
    assert_eq!(
        view_of("ja_vote_iso2022jp_headers.msg").subject,
        "3 vote items: はい;いいえ;たぶん"
    );
    // Two levels down, the innermost (Japanese) message is still there.
    let nested = view_of("msg_in_msg_in_msg.msg");
    let inner = &nested.attached[0].attached[0];
    assert!(inner.subject.contains("テスト メッセージ"), "{}", inner.subject);
    assert!(
        view_of("attach_pdf_and_msg.msg")
            .attachments
            .iter()
            .any(|a| a.name.ends_with(".pdf"))
    );
    assert!(!view_of("smime_signed.msg").attachments.is_empty());
}
