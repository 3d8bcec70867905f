//! The RTF body of a .msg: decompression (`compressed-rtf`, bounded first), and a small reader
//! that gives back the HTML an RTF encapsulates (`\fromhtml`, MS-OXRTFEX) or the text of any
//! other RTF. Only what mail bodies use is read: groups, control words, `\'hh` bytes in the
//! document's or the font's code page, `\uN` characters; pictures, objects and tables of fonts,
//! colours and styles are passed over.

use std::collections::HashMap;

/// Largest decompressed RTF accepted, whatever its header claims.
const MAX_RTF: usize = 32 << 20;

/// Decompress `PR_RTF_COMPRESSED`. The header's sizes are checked before the crate sees them:
/// it would trust them for an allocation and a slice.
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, String> {
    let word = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(comp_size), Some(raw_size), Some(kind)) = (word(0), word(4), word(8)) else {
        return Err("compressed RTF shorter than its header".into());
    };
    let plain = kind == 0x414C_454D;
    // Each 2-byte reference gives at most 17 bytes, so a raw size beyond 9 per byte is a lie.
    let plausible = if plain {
        raw_size + 16 <= data.len()
    } else {
        raw_size <= comp_size.saturating_mul(9).saturating_add(4096)
    };
    if comp_size + 4 != data.len() || !plausible || raw_size > MAX_RTF {
        return Err("compressed RTF with inconsistent sizes".into());
    }
    let text = compressed_rtf::decompress_rtf(data).map_err(|e| format!("compressed RTF: {e}"))?;
    // The crate maps each byte to the char of the same value.
    Ok(text.chars().map(|c| c as u32 as u8).collect())
}

/// Whether the RTF encapsulates HTML.
pub fn is_html(rtf: &[u8]) -> bool {
    memchr::memmem::find(&rtf[..rtf.len().min(2048)], b"\\fromhtml").is_some()
}

/// The document's `\ansicpgN`, a hint to the code page of a .msg's 8-bit strings.
pub fn ansi_code_page(rtf: &[u8]) -> Option<u32> {
    let at = memchr::memmem::find(&rtf[..rtf.len().min(2048)], b"\\ansicpg")? + 8;
    let digits: String = rtf[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .take(5)
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

/// What to take from the RTF.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The encapsulated HTML: `\*\htmltag` groups and text outside `\htmlrtf`.
    Html,
    /// The visible text.
    Text,
}

#[derive(Clone, Copy)]
struct State {
    /// Inside a destination whose text is not content (font table, picture, `\*` unknown…).
    skip: bool,
    /// `\htmlrtf` is on: RTF-only markup that the HTML doesn't have.
    htmlrtf: bool,
    /// Inside `\*\htmltag`: HTML markup to keep.
    tag: bool,
    /// Characters to drop after `\uN` (`\ucN`).
    uc: usize,
    /// Current font, for its charset.
    font: Option<i32>,
    in_fonttbl: bool,
}

/// Destinations whose text is not part of the body.
const SKIPPED: &[&[u8]] = &[
    b"fonttbl",
    b"colortbl",
    b"stylesheet",
    b"info",
    b"pict",
    b"object",
    b"header",
    b"footer",
    b"headerl",
    b"headerr",
    b"footerl",
    b"footerr",
    b"listtable",
    b"listoverridetable",
    b"rsidtbl",
    b"generator",
    b"xmlnstbl",
    b"themedata",
    b"datastore",
    b"latentstyles",
];

/// Windows code page of an RTF `\fcharsetN`.
fn charset_code_page(charset: i32) -> Option<u32> {
    Some(match charset {
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    })
}

struct Writer {
    out: String,
    /// `\'hh` bytes not yet decoded: multi-byte characters come as several.
    bytes: Vec<u8>,
    code_page: u32,
}

impl Writer {
    fn flush(&mut self) {
        if !self.bytes.is_empty() {
            let label = super::code_page_label(self.code_page);
            self.out.push_str(&crate::mime::decode_bytes(&self.bytes, label));
            self.bytes.clear();
        }
    }

    fn byte(&mut self, b: u8, code_page: u32) {
        if code_page != self.code_page {
            self.flush();
            self.code_page = code_page;
        }
        self.bytes.push(b);
    }

    fn text(&mut self, s: &str) {
        self.flush();
        self.out.push_str(s);
    }
}

/// Read the RTF in the given mode. Never fails: unknown or broken markup is passed over.
pub fn to_text(rtf: &[u8], mode: Mode) -> String {
    let ansi = ansi_code_page(rtf).unwrap_or(1252);
    let mut fonts: HashMap<i32, u32> = HashMap::new();
    let mut state = State {
        skip: false,
        htmlrtf: false,
        tag: false,
        uc: 1,
        font: None,
        in_fonttbl: false,
    };
    let mut stack: Vec<State> = Vec::new();
    let mut w = Writer {
        out: String::new(),
        bytes: Vec::new(),
        code_page: ansi,
    };
    // Characters still to drop after a `\uN`.
    let mut drop = 0usize;
    let mut i = 0;
    let visible = |s: &State| !s.skip && (mode == Mode::Text || s.tag || !s.htmlrtf);
    while i < rtf.len() {
        let b = rtf[i];
        match b {
            b'{' => {
                // Groups nest without limit in hostile input; the stack is a Vec, so only
                // memory bounds it, and that by the input's size.
                stack.push(state);
                drop = 0;
                i += 1;
            }
            b'}' => {
                state = stack.pop().unwrap_or(state);
                drop = 0;
                i += 1;
            }
            b'\\' => {
                let start = i + 1;
                let Some(&next) = rtf.get(start) else { break };
                if next.is_ascii_alphabetic() {
                    let mut end = start;
                    while end < rtf.len() && end - start < 32 && rtf[end].is_ascii_alphabetic() {
                        end += 1;
                    }
                    let word = &rtf[start..end];
                    let mut num_end = end;
                    if rtf.get(num_end) == Some(&b'-') {
                        num_end += 1;
                    }
                    while num_end < rtf.len() && num_end - end < 10 && rtf[num_end].is_ascii_digit() {
                        num_end += 1;
                    }
                    let param: Option<i32> = std::str::from_utf8(&rtf[end..num_end])
                        .ok()
                        .and_then(|s| s.parse().ok());
                    i = num_end;
                    if rtf.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    if drop > 0 && !matches!(word, b"u") {
                        drop -= 1;
                        continue;
                    }
                    control_word(
                        word, param, mode, &mut state, &mut fonts, &mut w, &mut drop, visible,
                    );
                } else {
                    i = start + 1;
                    match next {
                        b'\'' => {
                            let value = crate::text::hex_byte(rtf, start + 1);
                            i = (start + 3).min(rtf.len());
                            if drop > 0 {
                                drop -= 1;
                            } else if let Some(v) = value
                                && visible(&state)
                            {
                                let cp = state.font.and_then(|f| fonts.get(&f).copied()).unwrap_or(ansi);
                                w.byte(v, cp);
                            }
                        }
                        b'*' => {
                            // An ignorable destination: kept only if it is an HTML tag.
                            let rest = &rtf[i..];
                            let rest = rest.strip_prefix(b"\\").unwrap_or(rest);
                            if mode == Mode::Html && rest.starts_with(b"htmltag") {
                                state.tag = true;
                                state.skip = false;
                            } else {
                                state.skip = true;
                            }
                        }
                        b'{' | b'}' | b'\\' if visible(&state) && drop == 0 => {
                            w.text(&char::from(next).to_string())
                        }
                        b'~' if visible(&state) && drop == 0 => w.text("\u{a0}"),
                        b'\r' | b'\n' if visible(&state) && mode == Mode::Text => w.text("\n"),
                        _ => drop = drop.saturating_sub(1),
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                let end = rtf[i..]
                    .iter()
                    .position(|c| matches!(c, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    .map_or(rtf.len(), |p| i + p);
                let mut run = &rtf[i..end];
                if drop > 0 {
                    let n = drop.min(run.len());
                    run = &run[n..];
                    drop -= n;
                }
                if state.in_fonttbl {
                    // Font names end the font's entry; nothing to keep.
                } else if visible(&state) {
                    // Writers also put 8-bit bytes in as they are: they are in the code page too.
                    let cp = state.font.and_then(|f| fonts.get(&f).copied()).unwrap_or(ansi);
                    for &b in run {
                        if b.is_ascii() {
                            w.text(char::from(b).encode_utf8(&mut [0; 4]));
                        } else {
                            w.byte(b, cp);
                        }
                    }
                }
                i = end;
            }
        }
    }
    w.flush();
    w.out
}

#[allow(clippy::too_many_arguments)]
fn control_word(
    word: &[u8],
    param: Option<i32>,
    mode: Mode,
    state: &mut State,
    fonts: &mut HashMap<i32, u32>,
    w: &mut Writer,
    drop: &mut usize,
    visible: impl Fn(&State) -> bool,
) {
    match word {
        b"fonttbl" => {
            state.in_fonttbl = true;
            state.skip = true;
        }
        b"f" => state.font = param,
        b"fcharset" if state.in_fonttbl => {
            if let (Some(font), Some(cp)) = (state.font, param.and_then(charset_code_page)) {
                fonts.insert(font, cp);
            }
        }
        b"htmlrtf" => state.htmlrtf = param != Some(0),
        b"uc" => state.uc = param.unwrap_or(1).clamp(0, 8) as usize,
        b"u" => {
            if let Some(n) = param
                && visible(state)
            {
                // Negative values are the upper half of 16-bit units, written signed.
                let unit = n.rem_euclid(65536) as u32;
                w.text(&char::from_u32(unit).unwrap_or('\u{fffd}').to_string());
            }
            *drop = state.uc;
        }
        w_ if SKIPPED.contains(&w_) => state.skip = true,
        _ if !visible(state) => {}
        b"par" | b"line" => w.text("\n"),
        b"tab" => w.text("\t"),
        b"lquote" => w.text("\u{2018}"),
        b"rquote" => w.text("\u{2019}"),
        b"ldblquote" => w.text("\u{201c}"),
        b"rdblquote" => w.text("\u{201d}"),
        b"bullet" => w.text("\u{2022}"),
        b"endash" => w.text("\u{2013}"),
        b"emdash" => w.text("\u{2014}"),
        b"cell" | b"row" if mode == Mode::Text => w.text("\n"),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_de_encapsulated() {
        let rtf = br#"{\rtf1\ansi\ansicpg932\fromhtml1 {\fonttbl{\f0\fswiss Arial;}}
{\*\htmltag19 <html>}{\*\htmltag34 <body>}\htmlrtf {\f0 \htmlrtf0 Hello \'93\'fa\'96\'7b \u12354?x\par
{\*\htmltag84 <a href="https://example.jp/">}\htmlrtf link\htmlrtf0 {\*\htmltag92 </a>}{\*\htmltag35 </body>}}"#;
        let html = to_text(rtf, Mode::Html);
        assert!(html.contains("<html><body>"), "{html}");
        assert!(html.contains("Hello 日本 あx"), "{html}");
        assert!(html.contains("<a href=\"https://example.jp/\"></a>"), "{html}");
        assert!(!html.contains("link") && !html.contains("Arial"), "{html}");
    }

    #[test]
    fn text_follows_font_charsets() {
        let rtf =
            br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}{\f1\fcharset128 MS Gothic;}}{\*\generator x;}
\f0 caf\'e9 \f1 \'93\'fa\'96\'7b\par{\pict 0102}end \f0 ";
        let rtf = [rtf.as_slice(), b"\x93raw\x94}"].concat();
        assert_eq!(to_text(&rtf, Mode::Text), "café 日本\nend \u{201c}raw\u{201d}");
    }

    #[test]
    fn hostile_sizes_are_refused() {
        let mut data = vec![0u8; 16];
        data[0..4].copy_from_slice(&12u32.to_le_bytes());
        data[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        data[8..12].copy_from_slice(b"LZFu");
        assert!(decompress(&data).is_err());
        assert!(decompress(b"short").is_err());
        let text = br"{\rtf1 hello}";
        let packed = compressed_rtf::compress_rtf(std::str::from_utf8(text).unwrap()).unwrap();
        assert_eq!(decompress(&packed).unwrap(), text);
    }
}
