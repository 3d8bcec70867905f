//! HTML rendered as text for matching, and the links of a body. mail-parser's own converter
//! glues table cells together, so a label and its value would run into one word.

use std::sync::LazyLock;

use regex::Regex;

use crate::view::Link;

/// Elements that start and end a line: table cells and rows, paragraphs, list items, headings.
/// One cell per line keeps a label and its value apart, which mail-parser's converter glues.
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

/// Render HTML as text for matching, streaming with lol_html (no DOM: HTML mail is rendered for
/// every candidate in a mailbox scan), and collect its links in the same pass. Text runs keep
/// their words with white space collapsed; each block element (above) goes on its own line;
/// script and style content is dropped; entities are decoded.
pub fn render_html(html: &str) -> (String, Vec<Link>) {
    use std::cell::RefCell;
    use std::rc::Rc;

    use lol_html::html_content::TextType;
    use lol_html::{HtmlRewriter, Settings, doc_text, element};

    /// What the handlers build: the text, the links, and whether text goes into the last link.
    #[derive(Default)]
    struct Rendered {
        text: String,
        links: Vec<Link>,
        in_link: bool,
    }

    let out = Rc::new(RefCell::new(Rendered::default()));
    let (text_out, element_out) = (out.clone(), out.clone());
    // One selector for every element, sorted out here by name: compiling and running a selector
    // per block element costs more than the comparison.
    let settings = Settings::new()
        .append_element_content_handler(element!("*", move |el| {
            let name = el.tag_name();
            let end: fn(&mut Rendered) = if name == "a" && el.has_attribute("href") {
                let mut rendered = element_out.borrow_mut();
                if rendered.links.len() < MAX_LINKS {
                    let href = el.get_attribute("href").unwrap_or_default();
                    rendered.links.push(Link {
                        href: decode_entities(href.trim()),
                        text: String::new(),
                    });
                    rendered.in_link = true;
                }
                |r| r.in_link = false
            } else if BLOCK_ELEMENTS.contains(&name.as_str()) {
                element_out.borrow_mut().text.push('\n');
                |r| r.text.push('\n')
            } else {
                return Ok(());
            };
            let end_out = element_out.clone();
            if let Some(handlers) = el.end_tag_handlers() {
                let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                    end(&mut end_out.borrow_mut());
                    Ok(())
                });
                handlers.push(on_end);
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            if matches!(chunk.text_type(), TextType::Data | TextType::RCData) {
                let mut rendered = text_out.borrow_mut();
                push_collapsed(&mut rendered.text, chunk.as_str());
                if rendered.in_link
                    && let Some(link) = rendered.links.last_mut()
                {
                    push_collapsed(&mut link.text, chunk.as_str());
                }
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Malformed HTML is still tokenised; an error here only cuts the text short.
    let _ = rewriter.write(html.as_bytes()).and_then(|()| rewriter.end());
    let rendered = std::mem::take(&mut *out.borrow_mut());
    let text = decode_entities(&rendered.text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let links = rendered
        .links
        .into_iter()
        .map(|l| Link {
            text: decode_entities(l.text.trim()),
            ..l
        })
        .collect();
    (text, links)
}

/// Most links kept from one message.
const MAX_LINKS: usize = 500;

/// Append text with runs of white space (source line breaks included) as one space.
fn push_collapsed(out: &mut String, text: &str) {
    for (i, word) in text.split(|c: char| c.is_ascii_whitespace()).enumerate() {
        if i > 0 && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
        out.push_str(word);
    }
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

fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_stay_apart() {
        let html = "<table><tr><td>注文番号:</td><td>1234567890</td></tr></table>";
        let (text, _) = render_html(html);
        assert!(!text.contains("注文番号:1234567890"), "{text}");
        assert!(text.contains("1234567890"));
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
