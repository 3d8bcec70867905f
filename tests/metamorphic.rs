//! Metamorphic tests: every fixture rewritten in ways that keep its meaning (charsets, transfer
//! encodings, CRLF, encoded-word subjects, plain / HTML table / multipart layouts, full-width
//! digits and colons, reordered fields, extra white space, subject prefixes, every forward
//! wrapper) must keep its label and fields. The variants are generated here, deterministically:
//! each failure names the fixture and the chain of transformations, which rebuilds the variant.

mod common;
#[path = "common/mailgen.rs"]
mod mailgen;

use std::collections::BTreeMap;

use common::{ALWAYS, WHEN_GIVEN, field};
use mailgen::{
    Attach, Charset, Client, Layout, Mail, Markup, Quoting, Style, Transfer, Ui, Width, Words, Wrap,
};
use msorder::{Options, Record};

/// A fixture, its record and the generator's copy of it.
struct Fixture {
    name: String,
    base: Record,
    mail: Mail,
}

fn options() -> Options {
    Options {
        show_keys: true,
        ..Options::default()
    }
}

/// Every fixture message in fixtures/mail with a label other than `error`, checked against its
/// tests/expected.tsv row (label, forwarded, authentication, and the fields the row fills).
fn fixtures() -> Vec<Fixture> {
    let tsv = std::fs::read_to_string("tests/expected.tsv").expect("tests/expected.tsv");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let mut out = Vec::new();
    for line in lines.filter(|l| l.starts_with("fixtures/mail/")) {
        let row: BTreeMap<&str, &str> = header.iter().copied().zip(line.split('\t')).collect();
        if row["label"] == "error" {
            continue;
        }
        let name = row["file"].to_owned();
        let raw = std::fs::read(&name).expect("fixture");
        let base = msorder::classify(&name, 1, &raw, &options());
        for &f in ALWAYS.iter().chain(WHEN_GIVEN) {
            let want = row[f];
            let always = ALWAYS.contains(&f);
            assert!(
                (!always && want.is_empty()) || field(&base, f) == want,
                "{name}: {f} is {:?}, tests/expected.tsv says {want:?}",
                field(&base, f)
            );
        }
        let view = msorder::mime::decode(&raw).expect("fixture decodes");
        out.push(Fixture {
            name,
            base,
            mail: Mail::from_view(&view),
        });
    }
    assert!(out.len() >= 50, "only {} fixtures", out.len());
    out
}

// ---------------------------------------------------------------------------------------------
// Recipes: what to do to a fixture

/// One variant: text transformations of the original, forward wrappers from the innermost out,
/// and how the result is written.
#[derive(Clone, Debug, Default)]
struct Recipe {
    width: Option<Width>,
    subject_width: bool,
    reorder: bool,
    spaced: bool,
    /// A prefix on the original's own subject.
    prefix: Option<&'static str>,
    wraps: Vec<Wrap>,
    /// The outermost forwarder writes a subject of their own instead of `Fwd: <original>`.
    own_subject: bool,
    style: Style,
}

const CHARSETS: &[Charset] = &[
    Charset::Utf8,
    Charset::Jis("ISO-2022-JP"),
    Charset::Jis("iso-2022-jp-ms"),
    Charset::Jis(""),
    Charset::Sjis("Shift_JIS"),
    Charset::Sjis("cp932"),
    Charset::Sjis("Windows-31J"),
    Charset::Sjis("x-sjis"),
    Charset::Sjis("MS932"),
    Charset::Jis("csISO2022JP"),
    Charset::Jis("ISO-2022-JP-2"),
    Charset::EucJp("EUC-JP"),
    Charset::EucJp("x-euc-jp"),
];

const TRANSFERS: &[Transfer] = &[
    Transfer::SevenBit,
    Transfer::EightBit,
    Transfer::QuotedPrintable,
    Transfer::Base64(76),
    Transfer::Base64(64),
    Transfer::Base64(73),
    Transfer::Base64(57),
];

const WORDS: &[Words] = &[
    Words::B(75),
    Words::B(40),
    Words::B(24),
    Words::Q(75),
    Words::Q(30),
    Words::Mixed,
    Words::SplitBytes(7),
    Words::SplitBytes(16),
    Words::Raw,
];

const LAYOUTS: &[Layout] = &[Layout::AsIs, Layout::Plain, Layout::Html, Layout::Alternative];

const MARKUPS: &[Markup] = &[Markup::Table, Markup::Breaks, Markup::Entities, Markup::Chrome];

const WIDTHS: &[Width] = &[Width::Digits, Width::Colons, Width::Hash, Width::All];

const PREFIXES: &[&str] = &[
    "Fwd: ",
    "FW: ",
    "Fw: ",
    "転送: ",
    "RE: ",
    "Re: Fwd: ",
    "FW: 転送: ",
    "TR: ",
];

const CLIENTS: &[Client] = &[
    Client::Gmail,
    Client::Outlook,
    Client::OutlookBare,
    Client::Apple,
    Client::Thunderbird,
];

const QUOTINGS: &[Quoting] = &[Quoting::None, Quoting::Angle, Quoting::Tight];

const ATTACHES: &[Attach] = &[Attach::Rfc822, Attach::Rfc822Base64, Attach::EmlOctetStream];

/// Every forward wrapper: each client in each UI language and quoting, the forwarder's
/// signature, each way of attaching.
fn all_wraps() -> Vec<Wrap> {
    let mut out = Vec::new();
    for &client in CLIENTS {
        for ui in [Ui::En, Ui::Ja] {
            for &quoting in QUOTINGS {
                out.push(Wrap::Inline {
                    client,
                    ui,
                    quoting,
                    signature: false,
                });
            }
            out.push(Wrap::Inline {
                client,
                ui,
                quoting: Quoting::None,
                signature: true,
            });
        }
    }
    for &how in ATTACHES {
        for ui in [Ui::En, Ui::Ja] {
            out.push(Wrap::Attached(how, ui));
        }
    }
    out
}

/// Each transformation alone (every charset with every transfer encoding).
fn singles() -> Vec<Recipe> {
    let plain = Recipe::default();
    let mut out = Vec::new();
    for &charset in CHARSETS {
        for &transfer in TRANSFERS {
            let mut r = plain.clone();
            r.style.charset = charset;
            r.style.transfer = transfer;
            out.push(r);
        }
    }
    for &words in WORDS {
        for charset in [
            Charset::Utf8,
            Charset::Jis("ISO-2022-JP"),
            Charset::Sjis("Shift_JIS"),
            Charset::EucJp("EUC-JP"),
        ] {
            let mut r = plain.clone();
            r.style.words = words;
            r.style.charset = charset;
            out.push(r);
        }
    }
    let mut r = plain.clone();
    r.style.crlf = true;
    out.push(r);
    for layout in [Layout::Plain, Layout::Alternative] {
        let mut r = plain.clone();
        r.style.flowed = true;
        r.style.layout = layout;
        out.push(r);
    }
    for &layout in LAYOUTS {
        for &markup in MARKUPS {
            let mut r = plain.clone();
            r.style.layout = layout;
            r.style.markup = markup;
            out.push(r);
        }
    }
    for &w in WIDTHS {
        let mut r = plain.clone();
        r.width = Some(w);
        out.push(r);
    }
    let mut r = plain.clone();
    r.subject_width = true;
    out.push(r);
    let mut r = plain.clone();
    r.reorder = true;
    out.push(r);
    let mut r = plain.clone();
    r.spaced = true;
    out.push(r);
    for &p in PREFIXES {
        let mut r = plain.clone();
        r.prefix = Some(p);
        out.push(r);
    }
    out
}

/// A small deterministic generator (xorshift64*), seeded per fixture and variant.
struct Rng(u64);

impl Rng {
    fn new(name: &str, n: u64) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        Rng((h ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A random combination of everything (wrappers: up to `max_wraps`).
fn random_recipe(rng: &mut Rng, wraps: &[Wrap], max_wraps: usize) -> Recipe {
    Recipe {
        width: rng.chance(40).then(|| rng.pick(WIDTHS)),
        subject_width: rng.chance(20),
        reorder: rng.chance(30),
        spaced: rng.chance(30),
        prefix: rng.chance(15).then(|| rng.pick(PREFIXES)),
        wraps: {
            let mut chosen = Vec::new();
            for _ in 0..max_wraps {
                if rng.chance(50) {
                    chosen.push(rng.pick(wraps));
                }
            }
            chosen
        },
        own_subject: rng.chance(20),
        style: Style {
            charset: rng.pick(CHARSETS),
            transfer: rng.pick(TRANSFERS),
            words: rng.pick(WORDS),
            crlf: rng.chance(30),
            layout: rng.pick(LAYOUTS),
            markup: rng.pick(MARKUPS),
            flowed: rng.chance(25),
        },
    }
}

fn describe(r: &Recipe) -> String {
    let mut steps: Vec<String> = Vec::new();
    if let Some(w) = r.width {
        steps.push(format!("full-width {w:?}"));
    }
    if r.subject_width {
        steps.push("full-width subject".into());
    }
    if r.reorder {
        steps.push("reorder".into());
    }
    if r.spaced {
        steps.push("spaced".into());
    }
    if let Some(p) = r.prefix {
        steps.push(format!("prefix {:?}", p.trim_end()));
    }
    for w in &r.wraps {
        steps.push(format!("wrap {w:?}"));
    }
    if r.own_subject && !r.wraps.is_empty() {
        steps.push("forwarder's own subject".into());
    }
    let s = &r.style;
    steps.push(format!(
        "{}{:?} {:?} {:?} {:?} {:?}{}{}",
        if s.charset.label().is_empty() {
            "unlabelled "
        } else {
            ""
        },
        s.charset,
        s.transfer,
        s.words,
        s.layout,
        s.markup,
        if s.crlf { " CRLF" } else { "" },
        if s.flowed { " flowed" } else { "" }
    ));
    steps.join(" > ")
}

/// Whether a recipe keeps the fixture's meaning at all: an inline forward drops the original's
/// header fields, so a fake whose only evidence was a failed authentication is no longer
/// recognisable as one (the tool then says `authentication: none`, as it should).
fn meaningful(f: &Fixture, r: &Recipe) -> bool {
    let inline = r.wraps.iter().any(|w| matches!(w, Wrap::Inline { .. }));
    !(inline && f.base.authentication == msorder::AuthStatus::Fail)
}

/// The fixture rewritten by a recipe.
fn build(f: &Fixture, r: &Recipe) -> Vec<u8> {
    let mut mail = f.mail.clone();
    if let Some(w) = r.width {
        mail.map_lines(&|l| mailgen::full_width(l, w));
    }
    if r.reorder {
        mail.map_lines(&mailgen::reorder);
    }
    if r.spaced {
        mail.map_lines(&mailgen::spaced);
    }
    if r.subject_width {
        mail.subject = mailgen::full_width(&[mail.subject.clone()], Width::All).remove(0);
    }
    if let Some(p) = r.prefix {
        mail.subject = format!("{p}{}", mail.subject);
    }
    for &w in &r.wraps {
        let prefix = match w {
            Wrap::Inline {
                client: Client::Outlook | Client::OutlookBare,
                ui: Ui::En,
                ..
            } => "FW: ",
            Wrap::Inline {
                client: Client::Outlook | Client::OutlookBare,
                ui: Ui::Ja,
                ..
            } => "転送: ",
            _ => "Fwd: ",
        };
        mail = mailgen::forward(&mail, w, prefix);
    }
    if r.own_subject && !r.wraps.is_empty() {
        mail.subject = "見てください / please check".into();
    }
    mailgen::write(&mail, &r.style)
}

/// What the variant's record must say: the fixture's own record, except that behind a forward
/// the record is about a forwarded message, and an inline forward hides the original's
/// authentication (unless the original still travels as an attachment). A forward of a mail
/// that is no order at all is only required to stay unrelated.
fn expected(f: &Fixture, r: &Recipe) -> BTreeMap<&'static str, String> {
    let mut want: BTreeMap<&'static str, String> = ALWAYS
        .iter()
        .chain(WHEN_GIVEN)
        .map(|&n| (n, field(&f.base, n)))
        .collect();
    // As in tests/expected.tsv, the order fields of a fake or of a mail that is no order mean
    // nothing; only genuine orders have fields that must hold.
    if matches!(
        f.base.label,
        msorder::Label::Suspicious | msorder::Label::Unrelated
    ) {
        want.retain(|&k, _| matches!(k, "label" | "forwarded" | "authentication"));
    }
    let Some(innermost) = r.wraps.first() else {
        return want;
    };
    if f.base.label == msorder::Label::Unrelated {
        want.retain(|&k, _| k == "label");
        return want;
    }
    want.insert("forwarded", "true".into());
    let headers_kept = matches!(innermost, Wrap::Attached(..)) || !f.mail.attached.is_empty();
    if !headers_kept {
        want.insert("authentication", "none".into());
    }
    want
}

/// Outcome of a run.
#[derive(Default)]
struct Tally {
    variants: usize,
    failures: Vec<String>,
}

/// Classify every (fixture, recipe) pair, two threads, and compare with what it must say.
fn run(cases: Vec<(&Fixture, Recipe)>) -> Tally {
    let check = |(f, r): &(&Fixture, Recipe)| -> Result<(), String> {
        let chain = describe(r);
        let raw = build(f, r);
        let mut opts = options();
        let got = msorder::classify(&f.name, 1, &raw, &opts);
        // One verdict whichever path: the first look may only skip what the full decode calls
        // unrelated (a first look that did not skip gave the full decode's record already).
        if got.label == msorder::Label::Unrelated {
            opts.decode_all = true;
            let full = msorder::classify(&f.name, 1, &raw, &opts).label;
            if full != got.label {
                return Err(format!(
                    "{} [{chain}]: first look says unrelated, full decode {}",
                    f.name,
                    full.as_str()
                ));
            }
        }
        let diffs: Vec<String> = expected(f, r)
            .into_iter()
            .filter_map(|(name, want)| {
                let have = field(&got, name);
                (have != want).then(|| format!("{name}: want {want:?}, got {have:?}"))
            })
            .collect();
        if diffs.is_empty() {
            return Ok(());
        }
        let mut saved = String::new();
        if let Some(dir) = std::env::var_os("METAMORPHIC_DUMP") {
            let stem = f.name.rsplit('/').next().unwrap_or("x").trim_end_matches(".eml");
            let path =
                std::path::Path::new(&dir).join(format!("{stem}-{:016x}.eml", Rng::new(&chain, 0).next()));
            std::fs::write(&path, &raw).expect("dump");
            saved = format!(" (written to {})", path.display());
        }
        Err(format!("{} [{chain}]: {}{saved}", f.name, diffs.join("; ")))
    };
    let half = cases.len().div_ceil(2);
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(half.max(1))
            .map(|chunk| s.spawn(move || chunk.iter().map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let mut tally = Tally::default();
    for r in results {
        tally.variants += 1;
        if let Err(e) = r {
            tally.failures.push(e);
        }
    }
    tally
}

fn assert_clean(what: &str, tally: Tally) {
    eprintln!(
        "{what}: {} variants, {} failed",
        tally.variants,
        tally.failures.len()
    );
    assert!(tally.variants > 0);
    // METAMORPHIC_DUMP=dir writes every failure, one a line, for sorting through.
    if let Some(dir) = std::env::var_os("METAMORPHIC_DUMP") {
        let path = std::path::Path::new(&dir).join(format!("{}.txt", what.replace(' ', "-")));
        std::fs::write(&path, tally.failures.join("\n")).expect("dump");
    }
    assert!(
        tally.failures.is_empty(),
        "{what}: {} of {} variants moved:\n{}",
        tally.failures.len(),
        tally.variants,
        tally
            .failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Random combinations per fixture in the single-level test.
const RANDOM_PER_FIXTURE: u64 = 60;

#[test]
fn round_trip_keeps_every_fixture() {
    let fixtures = fixtures();
    let cases = fixtures.iter().map(|f| (f, Recipe::default())).collect();
    assert_clean("round trip", run(cases));
}

#[test]
fn meaning_preserving_rewrites_keep_label_and_fields() {
    let fixtures = fixtures();
    let wraps = all_wraps();
    let mut cases = Vec::new();
    for f in &fixtures {
        // A forward of a forward is the nested test's.
        let wraps_here: &[Wrap] = if f.base.forwarded { &[] } else { &wraps };
        let mut recipes = singles();
        for own_subject in [false, true] {
            recipes.extend(wraps_here.iter().map(|&w| Recipe {
                wraps: vec![w],
                own_subject,
                ..Recipe::default()
            }));
        }
        for n in 0..RANDOM_PER_FIXTURE {
            let mut rng = Rng::new(&f.name, n);
            recipes.push(random_recipe(
                &mut rng,
                wraps_here,
                usize::from(!wraps_here.is_empty()),
            ));
        }
        cases.extend(recipes.into_iter().filter(|r| meaningful(f, r)).map(|r| (f, r)));
    }
    assert_clean("single level", run(cases));
}

#[test]
fn forwards_of_forwards_keep_label_and_fields() {
    let fixtures = fixtures();
    let wraps = all_wraps();
    let mut cases = Vec::new();
    for f in &fixtures {
        let depth = if f.base.forwarded { 1 } else { 2 };
        for n in 0..30 {
            let mut rng = Rng::new(&f.name, 1000 + n);
            let mut r = random_recipe(&mut rng, &wraps, 0);
            r.wraps = (0..depth).map(|_| rng.pick(&wraps)).collect();
            if meaningful(f, &r) {
                cases.push((f, r));
            }
        }
    }
    assert_clean("nested", run(cases));
}
