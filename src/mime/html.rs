//! HTML rendered as text for matching, and the links of a body. mail-parser's own converter
//! glues table cells together, so a label and its value would run into one word.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::text;
use crate::view::Link;

/// What a start tag's name (any case) makes of it, as the element lists of lol_html and of
/// this renderer have it: the name is lowercased once and matched, not compared with each list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Element {
    /// `a`: its `href` starts a link.
    link: bool,
    /// Starts and ends a line: table cells and rows, paragraphs, list items, headings. One cell
    /// per line keeps a label and its value apart, which mail-parser's converter glues.
    block: bool,
    /// Without content (lol_html's list): no end tag, no end tag handler.
    void: bool,
    /// After it [`read_simple`] leaves the document to lol_html: MathML, whose integration
    /// points lol_html reads by their attributes, and the contexts in which it stops with an
    /// ambiguity error (`select`, `frameset`) or never leaves plain text. SVG is read
    /// ([`Namespaces`]).
    left_to_lol_html: bool,
    content: Content,
}

/// `name` lowercased into `buf`; empty when longer than every name matched here (10 bytes).
fn lowercase<'b>(name: &[u8], buf: &'b mut [u8; 10]) -> &'b [u8] {
    match buf.get_mut(..name.len()) {
        Some(lower) => {
            for (l, b) in lower.iter_mut().zip(name) {
                *l = b.to_ascii_lowercase();
            }
            lower
        }
        None => &[],
    }
}

fn element(name: &[u8]) -> Element {
    let mut buf = [0; 10];
    let lower = lowercase(name, &mut buf);
    Element {
        link: lower == b"a",
        block: matches!(
            lower,
            b"td"
                | b"th"
                | b"tr"
                | b"table"
                | b"thead"
                | b"tbody"
                | b"tfoot"
                | b"caption"
                | b"p"
                | b"div"
                | b"br"
                | b"hr"
                | b"li"
                | b"ul"
                | b"ol"
                | b"dl"
                | b"dt"
                | b"dd"
                | b"h1"
                | b"h2"
                | b"h3"
                | b"h4"
                | b"h5"
                | b"h6"
                | b"blockquote"
                | b"pre"
                | b"section"
                | b"article"
                | b"header"
                | b"footer"
                | b"center"
                | b"address"
                | b"title"
        ),
        void: matches!(
            lower,
            b"area"
                | b"base"
                | b"basefont"
                | b"bgsound"
                | b"br"
                | b"col"
                | b"embed"
                | b"hr"
                | b"img"
                | b"input"
                | b"keygen"
                | b"link"
                | b"meta"
                | b"param"
                | b"source"
                | b"track"
                | b"wbr"
        ),
        left_to_lol_html: matches!(lower, b"math" | b"select" | b"frameset" | b"plaintext"),
        content: lower_content(lower),
    }
}

/// How the content of the element named `lower` (lowercased, as [`lowercase`] gives it) is read.
fn lower_content(lower: &[u8]) -> Content {
    match lower {
        b"title" | b"textarea" => Content::RcData,
        b"script" => Content::Script,
        b"style" | b"iframe" | b"xmp" | b"noembed" | b"noframes" | b"noscript" => Content::RawText,
        _ => Content::Html,
    }
}

/// Render HTML as text for matching, and collect its links in the same pass. Text runs keep
/// their words with white space collapsed; each block element (above) goes on its own line;
/// script and style content is dropped; entities are decoded. The tokens are read as lol_html
/// reads them; markup that is simple to read exactly (most mail) is read by [`read_simple`], the
/// rest by lol_html itself.
pub fn render_html(html: &str) -> (String, Vec<Link>) {
    let rendered = read_simple(html).unwrap_or_else(|| read_lol(html));
    let decoded = decode_entities(&rendered.text);
    let text = trimmed_lines(&decoded);
    let links = rendered
        .links
        .into_iter()
        .map(|l| Link {
            text: decode_entities(l.text.trim()).into_owned(),
            ..l
        })
        .collect();
    (text, links)
}

/// The lines of `s` trimmed (as `str::trim` trims), the empty ones dropped, joined with `\n`.
/// Lines that trimming leaves whole and that follow one another are copied as one run.
fn trimmed_lines(s: &str) -> String {
    let mut text = String::with_capacity(s.len());
    // The run of `s` not yet copied: trimmed lines with only their `\n` between them.
    let mut run = 0..0;
    // Most lines are short (a cell, or empty between blocks): too short for memchr's set-up.
    for line in s.split('\n') {
        let line = trim(line);
        if !line.is_empty() {
            let at = line.as_ptr() as usize - s.as_ptr() as usize;
            if run.is_empty() || run.end + 1 != at {
                push_line(&mut text, &s[run]);
                run = at..at;
            }
            run.end = at + line.len();
        }
    }
    push_line(&mut text, &s[run]);
    text
}

/// `line` (if not empty) on a line of its own after what `text` holds.
fn push_line(text: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

/// `str::trim`: the ASCII white space at the ends taken off byte by byte, the chars read only
/// where what is left starts or ends in other than ASCII (such as U+00A0 or a vertical tab).
fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b.is_ascii());
    if t.is_empty() || (plain(t.as_bytes().first()) && plain(t.as_bytes().last())) {
        t
    } else {
        s.trim()
    }
}

/// What the token handlers build: the text, the links, and whether text goes into the last link.
#[derive(Debug, Default, PartialEq, Eq)]
struct Rendered {
    text: String,
    links: Vec<Link>,
    in_link: bool,
}

/// What an element's end tag does.
#[derive(Clone, Copy, Debug)]
enum End {
    Line,
    Link,
}

impl Rendered {
    /// A start tag of element `el`, with the raw value of its first `href` attribute if it has
    /// one; returns what its end tag does.
    fn start(&mut self, el: Element, href: Option<&str>) -> Option<End> {
        if let (true, Some(href)) = (el.link, href) {
            if self.links.len() < MAX_LINKS {
                self.links.push(Link {
                    href: decode_entities(href.trim()).into_owned(),
                    text: String::new(),
                });
                self.in_link = true;
            }
            Some(End::Link)
        } else if el.block {
            self.text.push('\n');
            Some(End::Line)
        } else {
            None
        }
    }

    fn end(&mut self, end: End) {
        match end {
            End::Line => self.text.push('\n'),
            End::Link => self.in_link = false,
        }
    }

    /// A run of text content (data or RCDATA, entities not decoded).
    fn text(&mut self, text: &str) {
        push_collapsed(&mut self.text, text);
        if self.in_link
            && let Some(link) = self.links.last_mut()
        {
            push_collapsed(&mut link.text, text);
        }
    }
}

/// Streaming with lol_html (no DOM: HTML mail is rendered for every candidate in a mailbox scan).
fn read_lol(html: &str) -> Rendered {
    use std::cell::RefCell;
    use std::rc::Rc;

    use lol_html::html_content::TextType;
    use lol_html::{HtmlRewriter, Settings, doc_text, element};

    let out = Rc::new(RefCell::new(Rendered::default()));
    let (text_out, element_out) = (out.clone(), out.clone());
    // One selector for every element, sorted out in `start` by name: compiling and running a
    // selector per block element costs more than the comparison.
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            let name = el.tag_name();
            let href = if name == "a" {
                el.get_attribute("href")
            } else {
                None
            };
            let end = element_out
                .borrow_mut()
                .start(element(name.as_bytes()), href.as_deref());
            if let (Some(end), Some(handlers)) = (end, el.end_tag_handlers()) {
                let end_out = element_out.clone();
                let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                    end_out.borrow_mut().end(end);
                    Ok(())
                });
                handlers.push(on_end);
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            if matches!(chunk.text_type(), TextType::Data | TextType::RCData) {
                text_out.borrow_mut().text(chunk.as_str());
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Malformed HTML is still tokenised; an error here only cuts the text short.
    let _ = rewriter.write(html.as_bytes()).and_then(|()| rewriter.end());
    std::mem::take(&mut *out.borrow_mut())
}

/// Most elements [`read_simple`] keeps open (each end tag may look through them all).
const MAX_OPEN: usize = 256;

/// lol_html's namespace feedback for SVG (its tree builder simulation, which keeps no element
/// stack): inside `<svg>` no element switches the text type (`<style>` content is text) and a
/// self-closing tag has no content, until `</svg>`, `</p>`, `</br>` or an HTML start tag that
/// breaks out; `desc`, `title` and `foreignObject` hold HTML again, up to their end tag.
#[derive(Default)]
struct Namespaces {
    /// Above the document's HTML: true for SVG, false for HTML in an integration point.
    stack: Vec<bool>,
}

/// Start tags that leave foreign content (lol_html's list; `font` only with some attributes,
/// which [`read_simple`] leaves to lol_html).
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

/// SVG elements whose content is HTML.
const INTEGRATION_POINTS: &[&str] = &["desc", "title", "foreignobject"];

fn named(name: &[u8], names: &[&str]) -> bool {
    names.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

impl Namespaces {
    fn in_svg(&self) -> bool {
        self.stack.last() == Some(&true)
    }

    /// A start tag: whether its element's text type applies (as in HTML), or None where
    /// lol_html reads it by its attributes (`<font>` in SVG).
    fn start(&mut self, name: &[u8], self_closing: bool) -> Option<bool> {
        if name.eq_ignore_ascii_case(b"svg") {
            self.stack.push(true);
        } else if !self.in_svg() {
            return Some(true);
        } else if named(name, BREAKOUT) {
            self.stack.pop();
        } else if named(name, INTEGRATION_POINTS) {
            if !self_closing {
                self.stack.push(false);
            }
        } else if name.eq_ignore_ascii_case(b"font") {
            return None;
        }
        Some(false)
    }

    fn end(&mut self, name: &[u8]) {
        let leaves = if self.in_svg() {
            named(name, &["svg", "p", "br"])
        } else {
            // HTML in an integration point ends with any integration point's end tag.
            self.stack.len() >= 2 && self.stack[self.stack.len() - 2] && named(name, INTEGRATION_POINTS)
        };
        if leaves {
            self.stack.pop();
        }
    }
}

/// How an element's content is read (lol_html's tree builder simulation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Content {
    /// Markup.
    Html,
    /// Text up to the element's end tag, kept (`title`, `textarea`).
    RcData,
    /// Text up to the element's end tag, dropped (`style`, `noscript`, …).
    RawText,
    /// Script, dropped; its escapes (`<!--`) are left to lol_html.
    Script,
}

/// [`Element::content`] alone: the first look asks it of every tag it reads.
pub(crate) fn content_of(name: &[u8]) -> Content {
    lower_content(lowercase(name, &mut [0; 10]))
}

/// The document read token by token as lol_html's lexer reads it (its state machine, with the
/// open element stack its end tag handlers run from: an end tag closes the last open element
/// of its name and every element opened after it), or None where the markup needs more than
/// this reads: a construct cut off by the end, NUL bytes, the tags left to lol_html ([`Element`]), a
/// script with `<!`, a self-closing text element, odd comment starts (`<!-->`, `<!--->`), a
/// comment that only `--!>` ends, more than [`MAX_OPEN`] open elements.
fn read_simple(html: &str) -> Option<Rendered> {
    let s = html.as_bytes();
    if memchr::memchr(0, s).is_some() {
        return None;
    }
    let mut out = Rendered::default();
    // Open elements, as lol_html's selector matching keeps them: name and what the end tag does.
    let mut open: Vec<(&[u8], Option<End>)> = Vec::new();
    let mut namespaces = Namespaces::default();
    let mut i = 0;
    while let Some(lt) = text::find_byte(b'<', &s[i..]).map(|at| i + at) {
        if lt > i {
            out.text(&html[i..lt]);
        }
        i = lt + 1;
        match *s.get(i)? {
            b if b.is_ascii_alphabetic() => {
                let tag = read_tag(s, i)?;
                let name = &s[tag.name.clone()];
                let el = element(name);
                if el.left_to_lol_html {
                    return None;
                }
                let typed = namespaces.start(name, tag.self_closing)?;
                let end = out.start(el, tag.href.map(|h| &html[h]));
                // lol_html's element stack: an SVG element is open unless self-closing.
                let opens = if namespaces.in_svg() {
                    !tag.self_closing
                } else {
                    !el.void
                };
                if opens {
                    // An end tag walks down the stack, so a deep one is left to lol_html.
                    if open.len() == MAX_OPEN {
                        return None;
                    }
                    open.push((name, end));
                }
                i = tag.end;
                let content = if typed { el.content } else { Content::Html };
                if content == Content::Html {
                    continue;
                }
                if tag.self_closing || tag.to_data {
                    return None;
                }
                // Without its end tag the element's text runs to the end.
                let close = text_end(s, i, name).unwrap_or(s.len());
                let text = &html[i..close];
                match content {
                    Content::Script if text.contains("<!") => return None,
                    Content::RcData => out.text(text),
                    _ => {}
                }
                // The end tag is read as any other.
                i = close;
            }
            b'/' => match *s.get(i + 1)? {
                b if b.is_ascii_alphabetic() => {
                    let tag = read_tag(s, i + 1)?;
                    // It closes the last open element of its name and every one opened after it.
                    let name = &s[tag.name];
                    namespaces.end(name);
                    if let Some(at) = open.iter().rposition(|(n, _)| n.eq_ignore_ascii_case(name)) {
                        for end in open.drain(at..).rev().filter_map(|(_, end)| end) {
                            out.end(end);
                        }
                    }
                    i = tag.end;
                }
                b'>' => i += 2,
                // A bogus comment.
                _ => i = after_gt(s, i + 1)?,
            },
            // CDATA, text in SVG, is left to lol_html.
            b'!' if !namespaces.stack.is_empty() && s[i + 1..].starts_with(b"[CDATA[") => return None,
            b'!' if s[i + 1..].starts_with(b"--") => {
                let body = i + 3;
                if s[body..].starts_with(b">") || s[body..].starts_with(b"->") {
                    return None;
                }
                // The first `-->` or `--!>` ends it; the second is looked for only as far as the
                // first, so that a scan never runs past what is read.
                let close = body + memchr::memmem::find(&s[body..], b"-->")?;
                i = match memchr::memmem::find(&s[body..close + 3], b"--!>") {
                    Some(bang) => body + bang + 4,
                    None => close + 3,
                };
            }
            // A doctype, a bogus comment (`<!x>`, `<![CDATA[` outside foreign content, `<?x>`):
            // all end at the first `>`.
            b'!' | b'?' => i = after_gt(s, i + 1)?,
            // A `<` that starts nothing is text.
            _ => out.text("<"),
        }
    }
    out.text(&html[i..]);
    Some(out)
}

/// A tag read by [`read_tag`]: where its name is, its first `href` value, where it ends.
pub(crate) struct Tag {
    name: std::ops::Range<usize>,
    href: Option<std::ops::Range<usize>>,
    self_closing: bool,
    /// Ended by `>` where a value was due (`<x a=>`), after which lol_html reads markup whatever
    /// the element.
    to_data: bool,
    /// Just after its `>`.
    pub(crate) end: usize,
}

/// White space to lol_html's lexer.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0C')
}

/// The tag whose name starts at `start`, read with lol_html's tag and attribute states; None
/// when the data ends first.
pub(crate) fn read_tag(s: &[u8], start: usize) -> Option<Tag> {
    let mut i = start
        + s[start..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')?;
    let mut tag = Tag {
        name: start..i,
        href: None,
        self_closing: false,
        to_data: false,
        end: 0,
    };
    let set_href = |tag: &mut Tag, name: std::ops::Range<usize>, value: std::ops::Range<usize>| {
        if tag.href.is_none() && s[name].eq_ignore_ascii_case(b"href") {
            tag.href = Some(value);
        }
    };
    // Before an attribute name.
    loop {
        match *s.get(i)? {
            b if is_space(b) => i += 1,
            b'/' => {
                i += 1;
                if *s.get(i)? == b'>' {
                    tag.self_closing = true;
                    tag.end = i + 1;
                    return Some(tag);
                }
            }
            b'>' => {
                tag.end = i + 1;
                return Some(tag);
            }
            _ => {
                // The first character is part of the name, whatever it is (`=` too).
                let name_start = i;
                i += 1 + s[i + 1..]
                    .iter()
                    .position(|&b| is_space(b) || matches!(b, b'/' | b'>' | b'='))?;
                let name = name_start..i;
                // After the name.
                while is_space(*s.get(i)?) {
                    i += 1;
                }
                if s[i] != b'=' {
                    // No value; `/`, `>` or the next name are read as before a name.
                    set_href(&mut tag, name, i..i);
                    continue;
                }
                i += 1;
                while is_space(*s.get(i)?) {
                    i += 1;
                }
                match s[i] {
                    quote @ (b'"' | b'\'') => {
                        let value_start = i + 1;
                        i = value_start + text::find_byte(quote, &s[value_start..])?;
                        set_href(&mut tag, name, value_start..i);
                        i += 1;
                    }
                    b'>' => {
                        set_href(&mut tag, name, i..i);
                        tag.to_data = true;
                        tag.end = i + 1;
                        return Some(tag);
                    }
                    _ => {
                        let value_start = i;
                        i += s[i..].iter().position(|&b| is_space(b) || b == b'>')?;
                        set_href(&mut tag, name, value_start..i);
                    }
                }
            }
        }
    }
}

/// Just after the first `>` from `from`.
fn after_gt(s: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'>', s.get(from..)?).map(|at| from + at + 1)
}

/// Where the text of a text element named `name` ends: at the first `</name` followed by white
/// space, `/` or `>` (lol_html's "appropriate end tag"), if any.
pub(crate) fn text_end(s: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(&s[from..], b"</")
        .map(|at| from + at)
        .find(|&at| {
            let after = at + 2 + name.len();
            s.get(at + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name))
                && s.get(after)
                    .is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
        })
}

/// Most links kept from one message.
const MAX_LINKS: usize = 500;

/// Append text with runs of white space (source line breaks included) as one space, none after
/// a space or a line break. Words and the single spaces between them go in whole.
fn push_collapsed(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes none of which is at most a space hold no white space, nor do eight whose
        // only such bytes are lone spaces between words (prose); else the first such byte is
        // where to look.
        if let Some(chunk) = bytes[i..].first_chunk::<8>() {
            use crate::text::{HIGH, ONES};
            let x = u64::from_le_bytes(*chunk);
            // The high bit of each byte below 0x21, and of each space: no carry between bytes.
            let low = !(x | ((x & !HIGH) + 0x5F * ONES)) & HIGH;
            let y = x ^ (0x20 * ONES);
            let spaces = !(((y & !HIGH) + !HIGH) | y) & HIGH;
            let lone = low == spaces
                && spaces & (spaces << 8) == 0
                && (spaces & 0x80 == 0 || (i > start && !bytes[i - 1].is_ascii_whitespace()))
                && (spaces >> 63 == 0 || !bytes.get(i + 8).is_some_and(u8::is_ascii_whitespace));
            if lone {
                i += 8;
                continue;
            }
            i += (low.trailing_zeros() / 8) as usize;
        }
        if !bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // A lone space after a word is its own collapsed form.
        let lone_space = bytes[i] == b' '
            && i > start
            && !bytes[i - 1].is_ascii_whitespace()
            && !bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace);
        if lone_space {
            i += 1;
            continue;
        }
        out.push_str(&text[start..i]);
        if !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        start = i;
    }
    out.push_str(&text[start..]);
}

/// Bare URLs in plain text.
pub fn text_links(text: &str) -> Vec<Link> {
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"(?i)(?-u:\b)https?://[^\s<>"'）」]+"#).unwrap());
    URL.find_iter(text)
        .take(MAX_LINKS)
        .map(|m| Link {
            href: m.as_str().to_owned(),
            text: m.as_str().to_owned(),
        })
        .collect()
}

/// html_escape's decoding, with the text between entities found by memchr (it looks at each
/// byte): an entity starts at a `&` and ends at the first `;` (or is none) with no `&` inside,
/// so each `&` up to the first `;` or the next `&` is decoded alone, and what follows is text.
fn decode_entities(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let Some(mut at) = memchr::memchr(b'&', bytes) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..at]);
    while at < s.len() {
        let next = text::find_byte(b'&', &bytes[at + 1..]).map_or(s.len(), |n| at + 1 + n);
        let end = text::find_byte(b';', &bytes[at..next]).map_or(next, |q| at + q + 1);
        // The commonest names are matched here: html_escape looks each up in its table of 2,231.
        match &s[at..end] {
            "&nbsp;" => out.push('\u{a0}'),
            "&amp;" => out.push('&'),
            "&lt;" => out.push('<'),
            "&gt;" => out.push('>'),
            "&quot;" => out.push('"'),
            entity => {
                html_escape::decode_html_entities_to_string(entity, &mut out);
            }
        }
        out.push_str(&s[end..next]);
        at = next;
    }
    Cow::Owned(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn table_cells_stay_apart() {
        let html = "<table><tr><td>注文番号:</td><td>1234567890</td></tr></table>";
        let (text, _) = render_html(html);
        assert!(!text.contains("注文番号:1234567890"), "{text}");
        assert!(text.contains("1234567890"));
    }

    /// Markup pieces that steer lol_html's lexer: tags, attributes and quotes, comments and
    /// their odd ends, doctypes, text elements, void and block elements, entities.
    pub(crate) const PIECES: &[&str] = &[
        "<",
        ">",
        "/",
        "</",
        "/>",
        "=",
        "\"",
        "'",
        " ",
        "\n",
        "\r",
        "\t",
        "x",
        "Y z",
        "&amp;",
        "&#77;",
        "<!--",
        "-->",
        "--!>",
        "-",
        "!",
        "<!",
        "<?",
        "<!DOCTYPE html PUBLIC \"a>b\">",
        "<![CDATA[",
        "]]>",
        "<a",
        "<A HREF=",
        "href",
        "<a href=\"https://x.example/?a=1&amp;b\">",
        "</a>",
        "<td>",
        "</TD>",
        "<tr",
        "</tr >",
        "<table>",
        "</table>",
        "<br>",
        "<br/>",
        "<hr",
        "<img src=x>",
        "<p>",
        "</p>",
        "<div/>",
        "</div>",
        "<o:p>",
        "</o:p>",
        "<b>",
        "</b>",
        "<title>",
        "</title>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "</styles>",
        "<textarea>",
        "</textarea>",
        "<noscript>",
        "</noscript>",
        "<svg>",
        "</svg>",
        "<SVG width=1/>",
        "<path d=x/>",
        "<rect>",
        "</rect>",
        "<foreignObject>",
        "</foreignobject>",
        "<desc/>",
        "<font color=red>",
        "<font>",
        "</br>",
        "<span>",
        "<select>",
        "</select>",
        "<template>",
        "<li>",
        "</ul>",
        "\u{a0}",
        "注文",
    ];

    /// The element lists as they were matched before [`element`], one name at a time.
    const BLOCK_ELEMENTS: &[&str] = &[
        "td",
        "th",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "p",
        "div",
        "br",
        "hr",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "center",
        "address",
        "title",
    ];
    const LEFT_TO_LOL_HTML: &[&str] = &["math", "select", "frameset", "plaintext"];
    const VOID_ELEMENTS: &[&str] = &[
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
        "meta", "param", "source", "track", "wbr",
    ];

    fn is_one_of(name: &[u8], names: &[&str]) -> bool {
        names.iter().any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
    }

    fn element_by_lists(name: &[u8]) -> Element {
        let content = if is_one_of(name, &["title", "textarea"]) {
            Content::RcData
        } else if name.eq_ignore_ascii_case(b"script") {
            Content::Script
        } else if is_one_of(
            name,
            &["style", "iframe", "xmp", "noembed", "noframes", "noscript"],
        ) {
            Content::RawText
        } else {
            Content::Html
        };
        Element {
            link: name.eq_ignore_ascii_case(b"a"),
            block: is_one_of(name, BLOCK_ELEMENTS),
            void: is_one_of(name, VOID_ELEMENTS),
            left_to_lol_html: is_one_of(name, LEFT_TO_LOL_HTML),
            content,
        }
    }

    /// Every listed name, and names next to them (`blockquotes`, `h`, the Kelvin sign).
    fn names() -> Vec<&'static str> {
        let others = [
            "a",
            "textarea",
            "script",
            "style",
            "iframe",
            "xmp",
            "noembed",
            "noframes",
            "noscript",
            "o:p",
            "span",
            "blockquotes",
            "h",
            "\u{212a}",
            "",
        ];
        [BLOCK_ELEMENTS, LEFT_TO_LOL_HTML, VOID_ELEMENTS, &others].concat()
    }

    proptest::proptest! {
        /// One lowercase match reads a name as the lists did, whatever its case, however cut
        /// or extended.
        #[test]
        fn element_is_the_lists(
            pick in proptest::sample::select(names()),
            flips in proptest::collection::vec(proptest::bool::ANY, 12),
            cut in 0..12usize,
            tail in "[a-zA-Z0-9:\u{212a}]{0,3}",
        ) {
            let mut name: Vec<u8> = pick.bytes().zip(&flips).map(|(b, &up)| {
                if up { b.to_ascii_uppercase() } else { b }
            }).collect();
            name.truncate(cut);
            let longer = [&name[..], tail.as_bytes()].concat();
            for n in [&name[..], &longer[..]] {
                proptest::prop_assert_eq!(element(n), element_by_lists(n), "{:?}", n);
                proptest::prop_assert_eq!(content_of(n), element_by_lists(n).content, "{:?}", n);
            }
        }

        /// Decoding between memchr's `&`s is html_escape's decoding of the whole.
        #[test]
        fn entities_are_html_escapes(
            picks in proptest::collection::vec(
                proptest::sample::select(vec![
                    "&", ";", "#", "x", "X", "amp", "lt", "a", "1", "0", "f", " ", "é", "注",
                    "&amp;", "&#77;", "&#x4e;", "&#0;", "&nbsp;", "&;", "&#;", "&#x;", "&&",
                    "&lt;", "&gt;", "&quot;", "&NBSP;", "&nbsp", "&ampx;",
                ]),
                0..24,
            ),
        ) {
            let s: String = picks.concat();
            proptest::prop_assert_eq!(decode_entities(&s), html_escape::decode_html_entities(&s), "{:?}", s);
        }
    }

    #[test]
    fn every_listed_name_is_its_element() {
        for name in names() {
            for n in [name.to_string(), name.to_ascii_uppercase()] {
                assert_eq!(element(n.as_bytes()), element_by_lists(n.as_bytes()), "{n}");
                assert_eq!(
                    content_of(n.as_bytes()),
                    element_by_lists(n.as_bytes()).content,
                    "{n}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Lines trimmed and copied in runs are the lines trimmed one by one.
        #[test]
        fn trimmed_lines_are_each_line_trimmed(s in "[ab \t\n\r\x0b\x0c\x1f\x7f\u{a0}\u{3000}é]{0,40}") {
            let expected = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
            proptest::prop_assert_eq!(trimmed_lines(&s), expected);
        }
    }

    proptest::proptest! {
        /// Where the simple reader reads a document, it reads what lol_html reads.
        #[test]
        fn simple_reading_is_lol_htmls(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
            let html: String = picks.iter().map(|&i| PIECES[i]).collect();
            if let Some(simple) = read_simple(&html) {
                proptest::prop_assert_eq!(simple, read_lol(&html), "{:?}", html);
            }
        }
    }

    /// What [`push_collapsed`] does, said plainly: each run of white space is one space, none
    /// where the text so far ends with a space or a line break.
    fn push_collapsed_by_runs(out: &mut String, text: &str) {
        let mut rest = text;
        while let Some(at) = rest.find(|c: char| c.is_ascii_whitespace()) {
            out.push_str(&rest[..at]);
            if !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
            rest = rest[at..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        }
        out.push_str(rest);
    }

    proptest::proptest! {
        /// Skipping eight bytes at a time collapses as looking at each byte did.
        #[test]
        fn collapsing_is_one_space_a_run(before in "[a \n]{0,2}", text in "[ab \t\n\r\x0c\x01\x1f!\u{a0}é注]{0,60}") {
            let mut fast = before.clone();
            push_collapsed(&mut fast, &text);
            let mut slow = before;
            push_collapsed_by_runs(&mut slow, &text);
            proptest::prop_assert_eq!(fast, slow);
        }

        /// So too for prose, whose words of lone spaces are skipped eight bytes at a time.
        #[test]
        fn prose_is_collapsed_one_space_a_run(before in "[a \n]{0,2}", text in "[ab ]{0,40}[ \t\n]?[ab ]{0,40}") {
            let mut fast = before.clone();
            push_collapsed(&mut fast, &text);
            let mut slow = before;
            push_collapsed_by_runs(&mut slow, &text);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        /// Collapsing is the rule "white space adds a space unless the text ends in one or in a
        /// line break", however the text comes in pieces.
        #[test]
        fn collapsing_is_per_character(before in "[a \n]{0,3}", text in "[ab \t\n\r\u{a0}]{0,20}", cut in 0..20usize) {
            let mut expected = before.clone();
            for c in text.chars() {
                if c.is_ascii_whitespace() {
                    if !expected.ends_with([' ', '\n']) {
                        expected.push(' ');
                    }
                } else {
                    expected.push(c);
                }
            }
            let mut whole = before.clone();
            push_collapsed(&mut whole, &text);
            proptest::prop_assert_eq!(&whole, &expected);
            let cut = (0..=cut.min(text.len())).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
            let mut pieces = before;
            push_collapsed(&mut pieces, &text[..cut]);
            push_collapsed(&mut pieces, &text[cut..]);
            proptest::prop_assert_eq!(pieces, expected);
        }
    }

    #[test]
    fn simple_reading_of_typical_mail() {
        let html = concat!(
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"http://www.w3.org/TR/xhtml1/DTD/x.dtd\">",
            "<html><head><meta charset=\"utf-8\"><title>Order &amp; more</title>",
            "<style type=text/css>td { color: red } a<b</style><!--[if mso]><x><![endif]--></head>",
            "<body><table><tr><td class='l'>Total</td><td>&yen;0</td></tr></table>",
            "<p>See <a HREF=\"https://account.microsoft.com/?a=1&amp;b=2\">your <b>account</b></a>",
            "<br/><img src=x alt=\"a > b\"/><o:p></o:p>a < b <? pi ?> <![CDATA[x]]> </>",
            "<script>if (a < b) { x = \"</scr\" + \"ipt>\" }</script></body></html>",
        );
        let simple = read_simple(html).expect("read simply");
        assert_eq!(simple, read_lol(html));
        for cut in ["<style>a</sty", "<title>a <b>b</b"] {
            assert_eq!(read_simple(cut), Some(read_lol(cut)), "{cut}");
        }
        for svg in [
            "<svg><title>x</title></svg>",
            "<p>a<svg viewBox=\"0 0 1 1\"><style>.a{fill:red}</style><path d=\"M0\"/><text>Micro<tspan>soft</tspan></text></svg>b",
            "<svg><script>if (a<b) x</script><title>t<style>s</style></title><desc/><style>c</style></svg>",
            "<svg><foreignObject><div>x</div><style>y</style></foreignObject><textarea>z</textarea></svg>",
            "<svg><rect><p>out<style>dropped</style></p>",
            "<svg/><style>text</style></svg><style>dropped</style>",
            "<svg><svg><b>x</b><title>t</title></svg><title>u</title></svg><title>v</title>",
            "<svg><a href=\"https://x.example/\">link</a><br><td>cell</td>",
            "<svg><g><foreignObject><svg><p>x</p></title><style>y</style>",
        ] {
            assert_eq!(read_simple(svg), Some(read_lol(svg)), "{svg}");
        }
        for odd in [
            "<svg><![CDATA[x]]></svg>",
            "<svg><font color=red>x</font></svg>",
            "<!-->x",
            "<script><!--x</script>",
            "<a href=\"x",
            "<b",
            "<textarea>x</textarea ",
        ] {
            assert!(read_simple(odd).is_none(), "{odd}");
        }
    }

    #[test]
    fn links() {
        let (_, links) = render_html(
            r#"<p><A HREF="https://evil.example/x?a=1&amp;b=2">https://<b>account</b>.microsoft.com</a> more"#,
        );
        assert_eq!(links[0].href, "https://evil.example/x?a=1&b=2");
        assert_eq!(links[0].text, "https://account.microsoft.com");
        assert_eq!(text_links("see https://a.example/b, ok").len(), 1);
    }
}
