//! The HTML report of a scan: one self-contained page (no network: styles, script and chart are
//! inline, and a Content-Security-Policy forbids loading anything) with counts per label as an SVG
//! chart and the records that need attention first, as a plain table that a small script makes
//! sortable and filterable (with scripts off it is still the whole table).
//!
//! The counts come first in the page, so records are held until [`HtmlReport::finish`]; only the
//! fields shown are kept (no raw mail, no evidence), as a [`Row`]: 176 bytes plus its texts and
//! 1 byte per reason, about 400 bytes per listed record on the fixtures (texts average 200).

use std::io::{self, Write};

use super::terminal_safe;
use super::words::words;
use crate::reason::{Kind, Lang, ReasonId};
use crate::record::{Field, Record};
use crate::verdict::Label;

// ---- The report. ----

/// Labels in the order a person should read them: fakes, charges, renewals, unread totals and
/// errors first, then the harmless ones.
const ATTENTION_ORDER: [Label; 8] = [
    Label::Suspicious,
    Label::Charge,
    Label::Trial,
    Label::Unclear,
    Label::Error,
    Label::Activation,
    Label::Free,
    Label::Unrelated,
];

fn rank(label: Label) -> usize {
    ATTENTION_ORDER
        .iter()
        .position(|&l| l == label)
        .unwrap_or(ATTENTION_ORDER.len())
}

/// What the report shows of one record, kept until the page is written.
struct Row {
    label: Label,
    products: String,
    total: String,
    subject: String,
    from: String,
    date: String,
    source: String,
    reasons: Vec<ReasonId>,
}

impl Row {
    fn new(r: &Record, lang: Lang) -> Row {
        let amount = |value: &Option<String>, currency: &Option<String>| {
            value.as_ref().map(|v| match currency {
                Some(c) => format!("{c} {v}"),
                None => v.clone(),
            })
        };
        let total = match (
            amount(&r.total, &r.currency),
            amount(&r.later_price, &r.later_currency),
        ) {
            (Some(now), Some(later)) => format!("{now} ({} {later})", words(lang).report.later),
            (None, Some(later)) => format!("{} {later}", words(lang).report.later),
            (now, None) => now.unwrap_or_default(),
        };
        // Warnings first: they say why a record needs attention.
        let mut reasons: Vec<ReasonId> = r.reasons.iter().map(|x| x.id).collect();
        // As `check --explain` reads: signs of a fake, what needs attention, context, passes.
        reasons.sort_by_key(|id| id.kind() as u8);
        Row {
            label: r.label,
            products: r.products.join(", "),
            total,
            subject: super::subject_or_error(r, words(lang)),
            from: r.from.clone().unwrap_or_default(),
            date: r.date.clone().unwrap_or_default(),
            source: if r.index > 1 {
                format!("{}:{}", r.source, r.index)
            } else {
                r.source.clone()
            },
            reasons,
        }
    }
}

/// Collects records and writes the report page when finished.
pub struct HtmlReport<W: Write> {
    out: W,
    lang: Lang,
    all: bool,
    counts: [usize; 8],
    rows: Vec<Row>,
}

impl<W: Write> HtmlReport<W> {
    /// A report in `lang`. Every record is counted; `unrelated` ones are listed only with `all`.
    pub fn new(out: W, lang: Lang, all: bool) -> Self {
        HtmlReport {
            out,
            lang,
            all,
            counts: [0; 8],
            rows: Vec::new(),
        }
    }

    /// Count one record, and keep what the table shows of it.
    pub fn write(&mut self, record: &Record) {
        self.counts[rank(record.label)] += 1;
        if self.all || record.label != Label::Unrelated {
            self.rows.push(Row::new(record, self.lang));
        }
    }

    /// Write the page and flush.
    pub fn finish(mut self) -> io::Result<W> {
        // Stable: input order within each label.
        self.rows.sort_by_key(|row| rank(row.label));
        let mut page = String::with_capacity(16 * 1024 + self.rows.len() * 1024);
        self.head(&mut page);
        self.summary(&mut page);
        self.table(&mut page);
        page.push_str("<script>");
        page.push_str(SCRIPT);
        page.push_str("</script>\n</body>\n</html>\n");
        self.out.write_all(page.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn count(&self, label: Label) -> usize {
        self.counts[rank(label)]
    }

    fn head(&self, page: &mut String) {
        let lang = match self.lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        };
        page.push_str(&format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
            title = words(self.lang).report.title,
        ));
    }

    fn summary(&self, page: &mut String) {
        let lang = self.lang;
        let total: usize = self.counts.iter().sum();
        let attention: usize = ATTENTION_ORDER
            .iter()
            .filter(|l| l.needs_attention())
            .map(|&l| self.count(l))
            .sum();
        page.push_str(&format!(
            "<section id=\"summary\">\n<h2>{}</h2>\n<p class=\"totals\"><span id=\"total\" data-count=\"{total}\">{}</span> · \
             <span id=\"attention\" data-count=\"{attention}\">{}: {}</span></p>\n",
            words(lang).report.summary,
            (words(lang).messages)(total),
            words(lang).report.attention,
            (words(lang).messages)(attention),
        ));
        self.chart(page);
        page.push_str(&format!(
            "<table class=\"counts\">\n<thead><tr><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            (words(lang).column)(Field::Label),
            words(lang).report.count
        ));
        for label in ATTENTION_ORDER {
            let n = self.count(label);
            let unlisted = if label == Label::Unrelated && !self.all && n > 0 {
                format!(" <small>({})</small>", words(lang).report.not_listed)
            } else {
                String::new()
            };
            page.push_str(&format!(
                "<tr class=\"l-{id}\" data-label=\"{id}\" data-count=\"{n}\"><td><span class=\"badge\">{name}</span> {desc}{unlisted}</td><td class=\"num\">{n}</td></tr>\n",
                id = label.as_str(),
                name = (words(lang).label)(label).name,
                desc = (words(lang).label)(label).describe,
            ));
        }
        page.push_str("</tbody>\n</table>\n</section>\n");
    }

    /// Horizontal bars, one per label, longest for the largest count.
    fn chart(&self, page: &mut String) {
        const BAR_TOP: usize = 8;
        const BAR_HEIGHT: usize = 22;
        const BAR_GAP: usize = 6;
        const LABEL_WIDTH: usize = 150;
        const BAR_SPACE: usize = 260;
        let most = self.counts.iter().copied().max().unwrap_or(0).max(1);
        let height = BAR_TOP * 2 + ATTENTION_ORDER.len() * (BAR_HEIGHT + BAR_GAP);
        let width = LABEL_WIDTH + BAR_SPACE + 60;
        page.push_str(&format!(
            "<svg id=\"chart\" role=\"img\" aria-label=\"{title}\" viewBox=\"0 0 {width} {height}\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n<title>{title}</title>\n",
            title = words(self.lang).report.chart,
        ));
        for (i, label) in ATTENTION_ORDER.into_iter().enumerate() {
            let n = self.count(label);
            let y = BAR_TOP + i * (BAR_HEIGHT + BAR_GAP);
            let text_y = y + BAR_HEIGHT / 2 + 5;
            // A non-zero count always shows a sliver.
            let bar = if n == 0 { 0 } else { (n * BAR_SPACE / most).max(2) };
            page.push_str(&format!(
                "<g class=\"bar l-{id}\" data-label=\"{id}\" data-count=\"{n}\">\
                 <text x=\"{lx}\" y=\"{text_y}\" text-anchor=\"end\">{name}</text>\
                 <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{bar}\" height=\"{BAR_HEIGHT}\" rx=\"3\"></rect>\
                 <text x=\"{cx}\" y=\"{text_y}\" class=\"n\">{n}</text></g>\n",
                id = label.as_str(),
                lx = LABEL_WIDTH - 8,
                name = (words(self.lang).label)(label).name,
                cx = LABEL_WIDTH + bar + 6,
            ));
        }
        page.push_str("</svg>\n");
    }

    fn table(&self, page: &mut String) {
        let lang = self.lang;
        let heads = [
            (words(lang).column)(Field::Label),
            (words(lang).column)(Field::Products),
            (words(lang).column)(Field::Total),
            (words(lang).column)(Field::Reasons),
            (words(lang).column)(Field::Subject),
            (words(lang).column)(Field::From),
            (words(lang).column)(Field::Date),
            (words(lang).column)(Field::Source),
        ];
        page.push_str(&format!(
            "<section id=\"records\">\n<h2>{}</h2>\n",
            words(lang).report.records
        ));
        if self.rows.is_empty() {
            page.push_str(&format!("<p>{}</p>\n</section>\n", words(lang).report.no_records));
            return;
        }
        // The controls only work with the script, which shows them.
        page.push_str(&format!(
            "<form id=\"controls\" hidden><label>{show} <select id=\"filter\">\
             <option value=\"\">{all}</option><option value=\"attention\">{attention}</option>",
            show = words(lang).report.show,
            all = words(lang).report.all,
            attention = words(lang).report.attention,
        ));
        for label in ATTENTION_ORDER.into_iter().filter(|&l| self.count(l) > 0) {
            page.push_str(&format!(
                "<option value=\"{}\">{}</option>",
                label.as_str(),
                (words(lang).label)(label).name
            ));
        }
        page.push_str(&format!(
            "</select></label> <label>{search} <input id=\"search\" type=\"search\"></label> \
             <output id=\"shown\"></output><br><small>{hint}</small></form>\n",
            search = words(lang).report.search,
            hint = words(lang).report.sort_hint,
        ));
        page.push_str("<table id=\"list\">\n<thead><tr>");
        for head in heads {
            page.push_str(&format!("<th scope=\"col\">{head}</th>"));
        }
        page.push_str("</tr></thead>\n<tbody>\n");
        for (order, row) in self.rows.iter().enumerate() {
            let attention = if row.label.needs_attention() {
                " attention"
            } else {
                ""
            };
            page.push_str(&format!(
                "<tr class=\"l-{id}{attention}\" data-label=\"{id}\" data-order=\"{order}\">\
                 <td data-th=\"{h0}\" data-sort=\"{rank}\"><span class=\"badge\">{name}</span></td>",
                id = row.label.as_str(),
                h0 = heads[0],
                rank = rank(row.label),
                name = (words(lang).label)(row.label).name,
            ));
            cell(page, heads[1], &row.products);
            cell(page, heads[2], &row.total);
            page.push_str(&format!("<td data-th=\"{}\"><ul class=\"reasons\">", heads[3]));
            for id in &row.reasons {
                let kind = match id.kind() {
                    Kind::SignOfFake => "warn",
                    Kind::NeedsAttention => "attention",
                    Kind::Context => "info",
                    Kind::Pass => "pass",
                };
                page.push_str(&format!(
                    "<li class=\"{kind}\" title=\"{}\">{}</li>",
                    id.as_str(),
                    (words(lang).reason)(*id).sentence
                ));
            }
            page.push_str("</ul></td>");
            cell(page, heads[4], &row.subject);
            cell(page, heads[5], &row.from);
            cell(page, heads[6], &row.date);
            cell(page, heads[7], &row.source);
            page.push_str("</tr>\n");
        }
        page.push_str("</tbody>\n</table>\n</section>\n");
    }
}

/// One cell of text from the mail: controls and bidi overrides replaced as on a terminal,
/// HTML-escaped, and isolated so right-to-left text can't reorder the cells around it.
fn cell(page: &mut String, head: &str, text: &str) {
    if text.is_empty() {
        // Empty, so a phone's card can leave it out.
        page.push_str(&format!("<td data-th=\"{head}\"></td>"));
        return;
    }
    page.push_str(&format!("<td data-th=\"{head}\"><bdi>"));
    html_escape::encode_safe_to_string(terminal_safe(text), page);
    page.push_str("</bdi></td>");
}

/// Phone first: below 700px wide each row becomes a card with the column name before each cell.
const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans CJK JP','Yu Gothic',sans-serif;margin:0 auto;max-width:80rem;padding:.5rem 1rem;color:#1b1b1b;background:#fff;line-height:1.45}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #ddd}
td{overflow-wrap:anywhere}th{white-space:nowrap}
#list th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:#e8e8e8;white-space:nowrap;font-weight:600}
.l-suspicious .badge{background:#b3261e;color:#fff}.l-charge .badge{background:#e8a200;color:#000}
.l-trial .badge{background:#f6d365;color:#000}.l-unclear .badge{background:#9aa5b1;color:#000}
.l-error .badge{background:#555;color:#fff}.l-activation .badge,.l-free .badge{background:#2e7d32;color:#fff}
#chart{width:100%;max-width:36rem;height:auto;font-size:13px}
#chart rect{fill:#888}#chart .l-suspicious rect{fill:#b3261e}#chart .l-charge rect{fill:#e8a200}
#chart .l-trial rect{fill:#f6d365}#chart .l-unclear rect{fill:#9aa5b1}#chart .l-error rect{fill:#555}
#chart .l-activation rect,#chart .l-free rect{fill:#2e7d32}
ul.reasons{margin:0;padding-left:1.1rem}li.warn{font-weight:600}li.attention{font-style:italic}li.pass{color:#2e5d32}
tr.attention td:first-child{border-left:4px solid #b3261e}
#controls{margin:.5rem 0}#controls select,#controls input{font-size:1rem}
@media (max-width:700px){
#list thead{display:none}#list,#list tbody,#list tr,#list td{display:block;width:auto}
#list tr{border:1px solid #ccc;border-radius:.4rem;margin:.6rem 0;padding:.3rem}
#list td{border:0;padding:.15rem .3rem}#list td:empty{display:none}
#list td::before{content:attr(data-th);display:block;font-size:.8rem;color:#555}
}
@media (prefers-color-scheme:dark){body{background:#121212;color:#eee}#list th{background:#222}th,td{border-color:#444}li.pass{color:#9c9}}
";

/// Sorting by a column heading (again: reversed) and filtering by label and text. The table is
/// complete without it.
const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('list');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('filter');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  var controls = document.getElementById('controls');
  controls.hidden = false;
  controls.addEventListener('submit', function (e) { e.preventDefault(); });
  function key(row, col) {
    var cell = row.cells[col];
    return cell.getAttribute('data-sort') || cell.textContent.trim();
  }
  var sorted = -1, reversed = false;
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () {
      reversed = sorted === col ? !reversed : false;
      sorted = col;
      rows.sort(function (a, b) {
        var c = key(a, col).localeCompare(key(b, col), undefined, { numeric: true });
        if (c === 0) { c = a.getAttribute('data-order') - b.getAttribute('data-order'); }
        return reversed ? -c : c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  function apply() {
    var want = filter.value, text = search.value.toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var label = row.getAttribute('data-label');
      var ok = (want === '' || (want === 'attention' ? row.classList.contains('attention') : label === want))
        && (text === '' || row.textContent.toLowerCase().indexOf(text) >= 0);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' / ' + rows.length;
    shown.setAttribute('data-shown', n);
  }
  filter.addEventListener('change', apply);
  search.addEventListener('input', apply);
  apply();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_counts_read_right() {
        let count = |n, lang| (words(lang).messages)(n);
        assert_eq!(count(1, Lang::En), "1 message");
        assert_eq!(count(0, Lang::En), "0 messages");
        assert_eq!(count(2, Lang::En), "2 messages");
        assert_eq!(count(1, Lang::Ja), "1 通");
    }

    #[test]
    fn a_held_row_stays_small() {
        // The figure the module documentation and the README give for memory per record.
        assert!(
            std::mem::size_of::<Row>() <= 176,
            "{}",
            std::mem::size_of::<Row>()
        );
    }

    #[test]
    fn every_label_has_a_rank() {
        for label in Label::ALL {
            assert!(rank(label) < ATTENTION_ORDER.len(), "{label:?}");
        }
    }
}
