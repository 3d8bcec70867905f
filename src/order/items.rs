//! Product rows: which cells of the details section name a product, and what kind it is.

use std::sync::LazyLock;

use regex::Regex;

use super::amount::{amounts_at, find_amounts};
use super::dates::find_date;
use super::renewal::{LATER, RENEWAL};
use super::template::PRODUCT_IN_SUBJECT;
use super::{Field, Line, label_of};
use crate::lexicon::pattern::{Pattern, is_plain};
use crate::lexicon::{self, microsoft};
use crate::text::{fold, fold_line};

/// What kind of thing was ordered, from the product table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductKind {
    /// A perpetual Office edition: what digital attach grants.
    PerpetualOffice,
    /// A subscription that renews (Microsoft 365, Game Pass…).
    Subscription,
    /// Anything else (apps, games, hardware).
    Other,
}

/// Product patterns (on folded text), most specific first.
static PRODUCTS: LazyLock<Vec<(ProductKind, Pattern)>> = LazyLock::new(|| {
    microsoft::PRODUCTS
        .iter()
        .map(|&(k, re)| (k, Pattern::new(re)))
        .collect()
});

/// The product patterns to run on `text`.
fn products_for(text: &str) -> impl Iterator<Item = (ProductKind, &'static Regex)> {
    let plain = is_plain(text);
    PRODUCTS.iter().map(move |(k, re)| (*k, re.get(plain)))
}

/// True when folded text names a known product; `plain` is whether it [`is_plain`]. Each pattern
/// is run rather than all of them joined in one, which would cost as much again to build (their
/// `\w` most), more than the few lines asked save.
fn names_a_product(text: &str, plain: bool) -> bool {
    PRODUCTS.iter().any(|(_, re)| re.get(plain).is_match(text))
}

/// Classify a product name.
pub fn product_kind(name: &str) -> ProductKind {
    let folded = fold_line(name);
    products_for(&folded)
        .find(|(_, re)| re.is_match(&folded))
        .map_or(ProductKind::Other, |(k, _)| k)
}

/// NFKC and invisible-free, case kept, white space collapsed: product names as a person reads them.
pub(super) fn shown_line(s: &str) -> String {
    shown_line_keep_runs(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quantity signs of no language (`× 2`); the words are in the lexicons.
const QUANTITY_SIGNS: &[&str] = &["×"];

/// A quantity run into the end of an item's name: after one of the quantity words, or, in a
/// row cut at its price, a bare number of one or two digits standing between the name and the
/// price (a `<br>` line or a cell whose columns collapsed: `Microsoft 365 Family 1 USD 0.00`).
/// Longer numbers belong to the name (`Office Home 2024`, `Microsoft 365`).
static QUANTITY_AT_END: LazyLock<[Pattern; 2]> = LazyLock::new(|| {
    let words =
        lexicon::alternation(lexicon::words(|l| l.quantity_words).chain(QUANTITY_SIGNS.iter().copied()));
    let marks = lexicon::alternation(lexicon::words(|l| l.quantity_marks));
    [
        Pattern::new(format!(
            r"(?i)\s+(?:(?:{words})\s*[:：]?\s*|(?:{marks}))\d{{1,3}}$"
        )),
        Pattern::new(r"\s+\d{1,2}$"),
    ]
});

/// The name without a quantity run into its end; `before_price` when the cell was cut at a
/// price (only then may a bare number be the quantity column).
pub(super) fn without_quantity(name: &str, before_price: bool) -> &str {
    let plain = is_plain(name);
    let [worded, bare] = QUANTITY_AT_END.each_ref().map(|re| re.get(plain));
    let cut = worded
        .find(name)
        .or_else(|| bare.find(name).filter(|_| before_price))
        .map_or(name.len(), |m| m.start());
    name[..cut].trim_end()
}

/// True when a cell ending in a colon labels a value rather than starting a name: a column
/// heading, an item attribute (`By:`, `自動更新:`) or a field label (`プロダクト キー:`).
pub(super) fn labels_a_value(colon_cell: &str) -> bool {
    let head = fold_line(colon_cell.trim_end_matches([':', '：']));
    is_heading(&head) || lexicon::words(|l| l.item_attributes).any(|w| w == head) || label_of(&head).is_some()
}

/// True when a cell is the head of a product name cut at its colon.
pub(super) fn name_head(cell: &str) -> bool {
    cell.ends_with([':', '：']) && cell.chars().count() > 1 && !labels_a_value(cell)
}

/// Footer lines that are links, in any language.
const LINK_STARTS: &[&str] = &["http://", "https://", "www."];

/// True when a folded cell is a signature or footer line.
fn is_signature(cell: &str) -> bool {
    lexicon::words(|l| l.signatures)
        .chain(microsoft::FOOTER.iter().copied())
        .chain(LINK_STARTS.iter().copied())
        .any(|w| cell.contains(w))
}

/// True when folded text has a word that describes an item's term rather than names one
/// ("12-month subscription", "24 か月間無料 (PC 購入特典)"). A known product keeps them
/// (`Microsoft 365 Personal (24 か月 特典)`).
fn describes_a_term(folded: &str) -> bool {
    lexicon::words(|l| l.term_descriptors).any(|w| folded.contains(w))
}

/// The item rows of the details section: the lines after its heading up to the first label other
/// than an item's price, or a subtotal, tax or payment line.
pub(super) fn item_rows(lines: &[Line], details_at: Option<usize>) -> std::ops::Range<usize> {
    let Some(start) = details_at.map(|at| at + 1) else {
        return 0..0;
    };
    let ends = |l: &Line| {
        l.field
            .is_some_and(|f| !matches!(f, Field::Details | Field::ItemPrice))
            || lexicon::words(|l| l.section_ends).any(|w| l.folded.starts_with(w))
    };
    let len = lines.len().saturating_sub(start).min(40);
    let end = lines[start.min(lines.len())..]
        .iter()
        .take(len)
        .position(ends)
        .unwrap_or(len);
    start..start + end
}

/// A known product with its term run into the cell (`Microsoft 365 Personal 1 month free trial`,
/// a plain-text conversion of two lines of one cell) without the term; a parenthetical stays
/// (`Microsoft 365 Personal (24 か月 特典)`).
pub(super) fn without_term(cell: &str) -> String {
    let folded = fold(cell);
    let known_end = products_for(&folded)
        .find_map(|(_, re)| re.find(&folded).filter(|m| m.start() == 0).map(|m| m.end()));
    match known_end {
        Some(end)
            if folded.len() == cell.len()
                && cell.is_char_boundary(end)
                && !folded[end..].trim_start().starts_with('(')
                && describes_a_term(&folded[end..]) =>
        {
            cell[..end].trim().to_owned()
        }
        _ => cell.to_owned(),
    }
}

/// True when a folded cell is a column heading of the item table.
pub(super) fn is_heading(cell: &str) -> bool {
    lexicon::words(|l| l.item_headings).any(|w| w == cell)
}

/// True when a cell (folded) reads as a sentence: it ends like one, or is too long for a name.
pub(super) fn is_sentence(cell: &str) -> bool {
    cell.ends_with(['.', '。', '!', '！', '?', '？'])
        || cell.contains('。')
        || cell.split_whitespace().count() > 10
}

/// True when a cell (shown form) can't be a product name.
pub(super) fn not_a_product(shown_cell: &str) -> bool {
    let cell = fold_line(shown_cell);
    let head = cell.split(':').next().unwrap_or("").trim();
    let known = names_a_product(&cell, is_plain(&cell));
    is_heading(&cell)
        || is_heading(head)
        || lexicon::words(|l| l.bylines).any(|w| cell.starts_with(w))
        || !find_amounts(&cell).is_empty()
        || !cell.chars().any(char::is_alphabetic)
        || find_date(&cell, false).is_some()
        || is_sentence(&cell)
        || is_signature(&cell)
        || shown_cell.chars().count() > 100
        || (!known && (describes_a_term(&cell) || RENEWAL.is_match(&cell) || LATER.is_match(&cell)))
}

pub(super) fn products(lines: &[Line], items: std::ops::Range<usize>, subject: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    // Item rows under the details heading are the authoritative list.
    let rows = &lines[items];
    let mut skip_next = false;
    for (i, line) in rows.iter().enumerate() {
        let shown_cell = line.cell();
        let skip = std::mem::take(&mut skip_next);
        if line.field.is_some() || skip {
            continue;
        }
        // A cell that ends in a colon and is the whole line: its value or its rest is on the next
        // line. An attribute's value (`By:` `Mojang Studios`, `自動更新:` `オン`) is no product;
        // a name cut at its colon (`Call of Duty:` `Black Ops 6`) is joined with its rest.
        let name = if shown_cell.ends_with([':', '：']) && row_cells(line.raw).len() == 1 {
            if !name_head(&shown_cell) {
                skip_next = true;
                continue;
            }
            let rest = rows
                .get(i + 1)
                .filter(|r| r.field.is_none())
                .map(Line::cell)
                .filter(|r| !r.ends_with([':', '：']) && !not_a_product(r));
            skip_next = rest.is_some();
            match rest {
                Some(rest) => format!("{shown_cell} {rest}"),
                None => shown_cell,
            }
        } else {
            shown_cell
        };
        if !not_a_product(&name) {
            push_unique(&mut found, without_term(&name));
        }
    }
    if found.is_empty() {
        // Known products standing alone in a cell, not mentioned in a sentence.
        for line in lines.iter().filter(|l| names_a_product(&l.folded, l.plain)) {
            let shown_cell = line.cell();
            let cell = fold_line(&shown_cell);
            let standalone = products_for(&cell).any(|(_, re)| {
                re.find(&cell)
                    .is_some_and(|m| m.start() == 0 && cell.len() <= m.end() + 24)
            });
            if standalone && line.field.is_none() && !is_sentence(&cell) {
                push_unique(&mut found, shown_cell);
            }
        }
    }
    if found.is_empty() {
        let shown = shown_line(subject);
        let named = PRODUCT_IN_SUBJECT
            .iter()
            .find_map(|re| Some(re.on(&shown).captures(&shown)?.get(1)?.as_str().to_owned()));
        if let Some(product) = named {
            push_unique(&mut found, product);
        }
    }
    found
}

pub(super) fn push_unique(found: &mut Vec<String>, name: String) {
    let name = name.trim().trim_end_matches([':', '-', '|']).trim().to_owned();
    if !name.is_empty() && !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
        found.push(name);
    }
}

/// The cells of a flattened table row: split at `|`, a tab or a run of two spaces.
pub(super) fn row_cells(raw: &str) -> Vec<String> {
    shown_line_keep_runs(raw)
        .split(['|', '\t'])
        .flat_map(|c| c.split("  "))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first cell of a flattened table row (see [`row_cells`]), joined with the second when it
/// is the head of a name cut at its colon (`Call of Duty:   Black Ops 6`); cut at the first price
/// and at a publisher run into the name, without a quantity run into its end.
pub(super) fn first_cell(raw: &str) -> String {
    let cells = row_cells(raw);
    let mut cell = cells.first().cloned().unwrap_or_default();
    if let Some(rest) = cells.get(1).filter(|_| name_head(&cell)) {
        cell = format!("{cell} {rest}");
    }
    let folded = fold(&cell);
    // The cell is NFKC already, so folding keeps its byte offsets unless it maps a letter (a
    // look-alike) to one of another length; then keep the whole cell.
    let aligned = folded.len() == cell.len();
    // Cut at the first price, and at a publisher run into the name (`Minecraft By: Mojang`).
    let price = amounts_at(&folded).first().map(|&(start, _)| start);
    // A publisher label is one ending in a colon (`By:`), after a space.
    let byline = lexicon::words(|l| l.bylines)
        .filter(|w| w.ends_with(':'))
        .filter_map(|w| folded.find(&format!(" {w}")))
        .filter(|&at| at > 0)
        .min();
    match price.into_iter().chain(byline).min() {
        Some(start) if aligned && cell.is_char_boundary(start) => {
            without_quantity(cell[..start].trim(), price == Some(start)).to_owned()
        }
        _ => without_quantity(cell.trim(), false).to_owned(),
    }
}

/// NFKC and invisible-free, but with runs of spaces kept: they separate columns.
pub(super) fn shown_line_keep_runs(s: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
    // ASCII is NFKC and has no invisible character; most other text is NFKC already, and its
    // normalisation would give it back as it is.
    if s.is_ascii() {
        return s.trim().to_owned();
    }
    let visible = |c: &char| !crate::text::is_invisible(*c);
    let shown: String = if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        s.chars().filter(visible).collect()
    } else {
        s.nfkc().filter(visible).collect()
    };
    shown.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::tests::{amount, order_of};

    /// The shown form skips normalising only text that normalises to itself: every character
    /// up to the CJK blocks and beyond, alone, among letters and before a combining mark.
    #[test]
    fn shown_lines_are_normalised() {
        use unicode_normalization::UnicodeNormalization;
        let slow = |s: &str| {
            s.nfkc()
                .filter(|&c| !crate::text::is_invisible(c))
                .collect::<String>()
                .trim()
                .to_owned()
        };
        let chars = (0..0x3100).chain(0xFF00..0xFFF0).chain([0xE0100, 0x1D400]);
        for c in chars.filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!(" a{c}b "),
                format!("{c}\u{301}"),
                format!("e{c}\u{3099}"),
            ] {
                assert_eq!(shown_line_keep_runs(&s), slow(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn product_kinds() {
        assert_eq!(
            product_kind("Office Home & Business 2024"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(
            product_kind("Microsoft Office Personal 2021"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(
            product_kind("Office Home and Student 2019"),
            ProductKind::PerpetualOffice
        );
        assert_eq!(product_kind("Office Home 2024"), ProductKind::PerpetualOffice);
        assert_eq!(product_kind("Microsoft 365 Personal"), ProductKind::Subscription);
        assert_eq!(product_kind("Solitaire"), ProductKind::Other);
    }

    /// Without a total line the item rows' prices are the total; the quantity column and the
    /// year in a product name are no amounts.
    #[test]
    fn item_row_price_is_the_total() {
        for body in [
            "Order details\nItem description | Quantity | Price\nOffice Home 2024 | 1 | USD 0.00\n",
            "Order details\nItem description\tQuantity\tPrice\nOffice Home 2024\t1\tUSD 0.00\n",
            "注文の詳細\nアイテムの説明\n数量\n価格\nOffice Home 2024\n1\nUSD 0.00\n",
            "Order details\nOffice Home 2024 1 USD 0.00\n",
        ] {
            let o = order_of(body);
            assert_eq!(o.total, amount("0.00", "USD"), "{body}");
            assert!(
                o.products[0].starts_with("Office Home 2024"),
                "{body}: {:?}",
                o.products
            );
            assert_eq!(o.kind(), ProductKind::PerpetualOffice);
        }
    }

    /// Every item of a multi-item order is listed; the total comes from the total line, and
    /// without one the items add up.
    #[test]
    fn multi_item_orders() {
        let o = order_of(
            "Order details\nItem description  Quantity  Price\nStardew Valley  1  £11.39\nMinecraft  1  £19.99\n\
             Subtotal  £26.15\nVAT  £5.23\nTotal  £31.38\n",
        );
        assert_eq!(o.products, ["Stardew Valley", "Minecraft"]);
        assert_eq!(o.total, amount("31.38", "GBP"));
        let o = order_of(
            "Order details\nSolitaire Premium\n1\n€1.99\nForza Horizon 5\n1\n€59.99\nSubtotal\n€61.98\n",
        );
        assert_eq!(o.products, ["Solitaire Premium", "Forza Horizon 5"]);
        assert_eq!(o.total, amount("61.98", "EUR"));
    }

    /// Header rows, sentences, date lines, renewal switches and signatures are no products; a
    /// product keeps its parenthetical.
    #[test]
    fn what_is_no_product() {
        let body = "注文の詳細\nアイテムの説明\n数量\n価格\nMicrosoft 365 Personal (24 か月 特典)\n1\n¥0\n\
            24 か月間無料 (PC 購入特典)\n2027/10/20\n自動更新: オン\nご購入ありがとうございます。\n\
            Microsoft Corporation, One Microsoft Way, Redmond, WA 98052 USA\n合計: ¥0\n";
        let o = order_of(body);
        assert_eq!(o.products, ["Microsoft 365 Personal (24 か月 特典)"]);
        let o = order_of(
            "Order details\nMinecraft\nBy:\nMojang Studios\n1\nUSD 29.99\n自動更新:\nオン\nTotal USD 29.99\n",
        );
        assert_eq!(o.products, ["Minecraft"]);
        for cell in [
            "Item description",
            "アイテムの説明",
            "数量: 1",
            "Thanks for shopping with us.",
            "更新日: 2027年10月20日",
            "自動更新: オン",
            "The Microsoft Store Team",
            "1 month free trial",
        ] {
            assert!(not_a_product(cell), "{cell}");
        }
        assert!(!not_a_product("Minecraft: Java & Bedrock Edition"));
        assert_eq!(
            without_term("Microsoft 365 Personal 1 month free trial"),
            "Microsoft 365 Personal"
        );
        assert_eq!(
            without_term("Microsoft 365 Personal 24 か月間無料 (PC 購入特典)"),
            "Microsoft 365 Personal"
        );
        assert_eq!(
            without_term("Microsoft 365 Personal (24 か月 特典)"),
            "Microsoft 365 Personal (24 か月 特典)"
        );
        assert_eq!(without_term("Solitaire 12-month pass"), "Solitaire 12-month pass");
        assert_eq!(
            first_cell("Microsoft 365 Personal (24 か月 特典) ¥0"),
            "Microsoft 365 Personal (24 か月 特典)"
        );
        assert_eq!(first_cell("Office Home 2024 | 1 | USD 0.00"), "Office Home 2024");
        assert_eq!(
            first_cell("Office Home & Business 2024 By: Microsoft Corporation\t1\tUSD 0.00"),
            "Office Home & Business 2024"
        );
        assert!(!not_a_product("Microsoft 365 Personal (24 か月 特典)"));
    }

    /// The quantity column run into a name, in every layout, is not part of it; digits of the
    /// name stay.
    #[test]
    fn quantity_column_is_no_part_of_a_name() {
        for row in [
            "Microsoft 365 Family | 1 | USD 0.00",
            "Microsoft 365 Family\t1\tUSD 0.00",
            "Microsoft 365 Family    1    USD 0.00",
            "Microsoft 365 Family 1 USD 0.00",
            "Microsoft 365 Family Qty: 1 USD 0.00",
            "Microsoft 365 Family 数量: 1 USD 0.00",
            "Microsoft 365 Family x1 USD 0.00",
            "Microsoft 365 Family × 2",
            "Microsoft 365 Family Quantity 1",
        ] {
            assert_eq!(first_cell(row), "Microsoft 365 Family", "{row}");
        }
        for (row, name) in [
            ("Office Home 2024 USD 0.00", "Office Home 2024"),
            ("Office Home 2024 1 USD 0.00", "Office Home 2024"),
            ("Microsoft 365 $99.99", "Microsoft 365"),
            ("Black Ops 6 1 $69.99", "Black Ops 6"),
            ("Black Ops 6", "Black Ops 6"),
            ("Surface Pro X 1 | USD 0.00", "Surface Pro X 1"),
            ("Black Ops 6 | 1 | $69.99", "Black Ops 6"),
        ] {
            assert_eq!(first_cell(row), name, "{row}");
        }
        let o = order_of("Order details\nMicrosoft 365 Family 1 USD 0.00\nTotal USD 0.00\n");
        assert_eq!(o.products, ["Microsoft 365 Family"]);
    }

    /// A name with a colon in it stays whole, whether its rest is in the same cell, the next
    /// cell of the row or the next line (a table cell of its own).
    #[test]
    fn a_name_keeps_its_colon() {
        let name = "Call of Duty: Black Ops 6 - Vault Edition";
        for rows in [
            "Call of Duty: Black Ops 6 - Vault Edition\t1\t$69.99",
            "Call of Duty:   Black Ops 6 - Vault Edition\t1\t$69.99",
            "Call of Duty: | Black Ops 6 - Vault Edition | 1 | $69.99",
            "Call of Duty:\nBlack Ops 6 - Vault Edition 1 $69.99",
            "Call of Duty:\nBlack Ops 6 - Vault Edition\n1\n$69.99",
        ] {
            let o = order_of(&format!("Order details\n{rows}\nOrder total $74.54\n"));
            assert_eq!(o.products, [name], "{rows}");
        }
        // A name cut at its colon whose rest is no name part: the head alone, the next line read.
        let o = order_of("Order details\nHarbor Racer:\nBy:\nBluefin Works\nStarter Pack  1  $0.00\n");
        assert_eq!(o.products, ["Harbor Racer", "Starter Pack"]);
        assert!(name_head("Minecraft:"));
        assert!(!name_head("By:") && !name_head("自動更新:") && !name_head("数量:"));
    }

    /// A label and its value, in one cell, two cells or two lines, are no product; the row after
    /// a label with its value on the same line is read again.
    #[test]
    fn item_labels_and_their_values_are_no_products() {
        for rows in [
            "プロダクト キー: MBGPD-BJ2MW-H2YP8-PWCQF-K638D",
            "プロダクト キー:\nMBGPD-BJ2MW-H2YP8-PWCQF-K638D",
            "自動更新: オン",
            "自動更新:\nオン",
            "自動更新:   オン",
        ] {
            let o = order_of(&format!(
                "注文の詳細\nOffice Home & Business 2024\n{rows}\n合計: ¥0\n"
            ));
            assert_eq!(o.products, ["Office Home & Business 2024"], "{rows}");
        }
        let o = order_of("注文の詳細\nOffice Home 2024\nプロダクト キー: MBGPD-BJ2MW-H2YP8-PWCQF-K638D\n");
        assert_eq!(o.product_key.as_deref(), Some("MBGPD-BJ2MW-H2YP8-PWCQF-K638D"));
    }

    /// A publisher under an item, in its own cell or after the label, is no product, and the item
    /// after it is still one.
    #[test]
    fn publishers_are_no_products() {
        for by in [
            "By:\nMojang Studios",
            "By: Mojang Studios",
            "By:   Mojang Studios",
            "By: | Mojang Studios",
        ] {
            let o = order_of(&format!(
                "Order details\nMinecraft: Java & Bedrock Edition  1  £19.99\n{by}\n\
                 Stardew Valley  1  £11.39\n{by}\nTotal £31.38\n"
            ));
            assert_eq!(
                o.products,
                ["Minecraft: Java & Bedrock Edition", "Stardew Valley"],
                "{by}"
            );
        }
    }
}
