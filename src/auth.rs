//! Judging authenticity: who really sent the mail, whether the receiving provider verified it, and
//! whether its content carries the marks of a fake (phone numbers, look-alike letters, foreign
//! links). Works on a [`MessageView`]; knows nothing of order fields.
//!
//! The rules are data: the tables below say which senders, domains, servers and phrases count;
//! the code only applies them. Every input is hostile mail, so nothing here may panic.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use crate::order;
use crate::reason::{Reason, ReasonId};
use crate::scope;
use crate::text::{self, Disguise};
use crate::view::{AuthField, Link, Mailbox, MessageView, url_host};

/// The receiving provider's verdict on the sender, from the trusted Authentication-Results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthStatus {
    /// SPF/DKIM/DMARC (or compauth) passed and nothing failed.
    Pass,
    /// A trusted result failed.
    Fail,
    /// No trusted result (none present, only untrusted ones, or an inline forward).
    #[default]
    None,
}

/// Which Authentication-Results to believe.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// authserv-ids the user trusts beyond the built-in providers (`--trust-authserv`).
    pub authserv_ids: Vec<String>,
}

/// What was found about the sender and the content.
#[derive(Clone, Debug, Default)]
pub struct Authenticity {
    /// The trusted authentication verdict.
    pub status: AuthStatus,
    /// The From address is the one Microsoft sends order mails from.
    pub microsoft_sender: bool,
    /// The From address is on one of Microsoft's own domains, or is Microsoft's mail system
    /// (`postmaster@outlook.com`, a tenant's bounce address).
    pub microsoft_domain: bool,
    /// The headers claim Microsoft ([`scope::header_claim`]).
    pub claims_microsoft: bool,
    /// Every finding, passed checks included.
    pub reasons: Vec<Reason>,
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// Addresses Microsoft sends order mails from (field guide §2; the only one attested).
const ORDER_SENDERS: &[&str] = &["microsoft-noreply@microsoft.com"];

/// Microsoft's own registrable domains, for senders and links. Those that are also free mail
/// (outlook.com, live.com, msn.com, hotmail.com) count for links only: anyone can send from them.
const MICROSOFT_DOMAINS: &[&str] = &[
    "microsoft.com",
    "microsoft.net",
    "office.com",
    "office.net",
    "office365.com",
    "live.com",
    "live.net",
    "outlook.com",
    "hotmail.com",
    "msn.com",
    "microsoftonline.com",
    "microsoft365.com",
    "windows.com",
    "windowsupdate.com",
    "xbox.com",
    "xboxlive.com",
    "bing.com",
    "skype.com",
    "aka.ms",
    "azure.com",
    "windowsazure.com",
    "microsoftstore.com",
    "onestore.ms",
    "msftauth.net",
    "msauth.net",
    "msecnd.net",
    "s-microsoft.com",
    "microsoftonline-p.com",
    "onedrive.com",
];

/// Hosts under Microsoft's domains where anyone can publish (tenants, VMs, forms, file shares):
/// a link there is not Microsoft speaking. Matched as suffixes on a label boundary.
const USER_HOSTED: &[&str] = &[
    "cloudapp.azure.com",
    "forms.office.com",
    "forms.microsoft.com",
    "sway.office.com",
    "onedrive.live.com",
];

/// Hosts of Microsoft's own on other registrable domains (the tracking and feedback links of
/// Microsoft 365 notices), matched as suffixes on a label boundary.
const MICROSOFT_HOSTS: &[&str] = &["safelink.emails.azure.net"];

/// Free-mail registrable domains. `name.*` matches any suffix (`gmx.de`, `gmx.net`).
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.*",
    "hotmail.*",
    "live.com",
    "live.jp",
    "live.co.uk",
    "msn.com",
    "yahoo.*",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "aol.jp",
    "gmx.*",
    "mail.com",
    "mail.ru",
    "yandex.*",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "zoho.com",
    "zohomail.com",
    "tutanota.com",
    "tuta.io",
    "qq.com",
    "163.com",
    "126.com",
    "naver.com",
];

/// authserv-ids of well-known receiving providers (field guide §4), matched exactly or as a
/// suffix on a label boundary (`mta4463.mail.bf1.yahoo.com` ends in `yahoo.com`). Outlook.com /
/// Microsoft 365 write no authserv-id at all; that case is recognised by its `compauth=`.
const TRUSTED_AUTHSERV: &[&str] = &[
    "mx.google.com",       // Gmail, Google Workspace
    "outlook.com",         // Outlook.com / Microsoft 365 (`*.protection.outlook.com`)
    "yahoo.com",           // Yahoo (`mta*.mail.*.yahoo.com`, `*.omega.yahoo.com`)
    "yahoo.co.jp",         // Yahoo! JAPAN
    "mail.icloud.com",     // iCloud
    "me.com",              // iCloud (older)
    "docomo.ne.jp",        // NTT docomo
    "ezweb.ne.jp",         // au (KDDI)
    "au.com",              // au (KDDI)
    "softbank.ne.jp",      // SoftBank
    "i.softbank.jp",       // SoftBank (i.softbank.jp)
    "nifty.com",           // @nifty
    "biglobe.ne.jp",       // BIGLOBE
    "ocn.ne.jp",           // OCN
    "so-net.ne.jp",        // So-net
    "messagingengine.com", // Fastmail
    "protonmail.ch",       // Proton Mail
];

/// Wording that sends the reader to a phone or a "support" desk (folded; `’` is read as `'`).
/// Kept specific: Microsoft's own renewal mails say "to cancel, go to account.microsoft.com", and
/// its security notices say "if you don't recognize this" (心当たりがない場合).
const CALLBACK_PHRASES: &[&str] = &[
    "call to cancel",
    "call us to cancel",
    "call us at",
    "call us on",
    "call us now",
    "call us immediately",
    "call our",
    "call the number",
    "call the toll",
    "call now",
    "please call",
    "give us a call",
    "contact our support",
    "contact our billing",
    "contact our helpline",
    "contact our help desk",
    "contact our customer",
    "contact support at",
    "contact us at +",
    "reach us at",
    "helpline",
    "help line",
    "toll free",
    "toll-free",
    "tollfree",
    "support number",
    "customer care number",
    "if you did not authorize",
    "if you didn't authorize",
    "if you did not make this",
    "if you didn't make this",
    "if you did not place this",
    "if you didn't place this",
    "did not authorize this",
    "didn't authorize this",
    "unauthorized transaction",
    "dispute this",
    "to dispute",
    "get a refund",
    "for a refund",
    "claim your refund",
    "claim a refund",
    "process your refund",
    "refund department",
    "お電話",
    "電話で",
    "電話にて",
    "までお電話",
    "電話番号まで",
    "フリーダイヤル",
    "フリーコール",
    "キャンセルをご希望",
    "キャンセルご希望",
    "返金を",
    "返金手続",
    "返金のため",
    "サポートセンターへ",
    "サポートセンターまで",
    "サポートセンターにご連絡",
    "カスタマーサポートまで",
    "カスタマーセンター",
    "ヘルプデスクまで",
];

/// Pressure to act within hours (folded). Bare "immediately" is left out: genuine mails say
/// downloads are available immediately.
const URGENCY_PHRASES: &[&str] = &[
    "within 1 hour",
    "within one hour",
    "within an hour",
    "within 12 hours",
    "within 24 hours",
    "within 24 hrs",
    "within 24hrs",
    "within 48 hours",
    "within 48 hrs",
    "within 72 hours",
    "within the next 24 hours",
    "in the next 24 hours",
    "call immediately",
    "contact us immediately",
    "act immediately",
    "respond immediately",
    "immediately call",
    "immediately contact",
    "immediate action",
    "act now",
    "urgent",
    "1時間以内",
    "12時間以内",
    "24時間以内",
    "48時間以内",
    "72時間以内",
    "至急",
    "直ちに",
    "ただちに",
    "早急に",
    "本日中",
    "今日中",
];

/// File name endings of invoices, calendar invites, documents and archives: Microsoft's order
/// mails carry no attachment, fake invoices do.
const ATTACHMENT_EXTS: &[&str] = &[
    ".pdf", ".ics", ".doc", ".docx", ".xls", ".xlsx", ".htm", ".html", ".shtml", ".svg", ".zip", ".rar",
    ".7z", ".iso", ".img", ".one",
];

/// Content types of the same, exact.
const ATTACHMENT_TYPES: &[&str] = &[
    "application/pdf",
    "text/calendar",
    "application/msword",
    "application/zip",
    "application/x-zip-compressed",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
    "application/x-iso9660-image",
    "application/onenote",
];

/// Content-type prefixes of office documents (`application/vnd.openxmlformats-…`).
const ATTACHMENT_TYPE_PREFIXES: &[&str] = &["application/vnd."];

/// Saved messages: a forward as attachment, not an invoice.
const MESSAGE_ATTACHMENTS: &[&str] = &["application/vnd.ms-outlook", ".msg", ".eml"];

/// Return-Path local parts written by forwarders (Gmail auto-forward, SRS): the original
/// Return-Path was rewritten by the forwarding mailbox, not chosen by the sender.
const FORWARDER_RETURN_PATHS: &[&str] = &["srs0=", "srs1=", "+caf_=", "bounces+srs="];

/// Fewest licences/users in one order that counts as business-sized.
const BUSINESS_QUANTITY: u64 = 5;

/// The Outlook safelinks wrapper; the real URL is its `url=` parameter.
const SAFELINKS: &str = "safelinks.protection.outlook.com";

// ---------------------------------------------------------------------------------------------
// Compiled tables
// ---------------------------------------------------------------------------------------------

static CALLBACK: LazyLock<AhoCorasick> = LazyLock::new(|| text::phrase_set(CALLBACK_PHRASES));
static URGENCY: LazyLock<AhoCorasick> = LazyLock::new(|| text::phrase_set(URGENCY_PHRASES));

/// Phone numbers in folded text (full-width digits are ASCII by then). Every form needs its
/// separators, so order numbers (1234567890), dates (2025-04-12) and prices never match; digit
/// counts are checked afterwards by [`phone_digits_ok`].
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // Hyphen, dot, space and the dashes Japanese text uses between digit groups.
    let s = r"[-.\x20‐‑‒–—−ー]";
    let us = [
        // +1 (888) 320-8274, (845) 407-0627
        format!(r"(?:\+?1{s}?\x20*)?\(\x20*[2-9]\d{{2}}\x20*\)\x20*[2-9]\d{{2}}{s}\d{{4}}"),
        // 1-855-574-9409, 888.929.2670, +1 888 929 2670
        format!(r"(?:\+?1{s}\x20*)?[2-9]\d{{2}}{s}[2-9]\d{{2}}{s}\d{{4}}"),
    ];
    let jp = [
        // +81 3 1234 5678, +81-50-1234-5678, +81 (0)3-1234-5678
        format!(r"\+81{s}?\x20*(?:\(0\)\x20*)?[1-9]\d{{0,3}}{s}\d{{1,4}}{s}\d{{3,4}}"),
        // (03) 1234-5678
        format!(r"\(0\d{{1,4}}\)\x20*\d{{1,4}}{s}\d{{4}}"),
        // 0120-12-3456, 0120-123-456, 0800-123-4567, 050-1234-5678, 03-1234-5678, 090-…
        format!(r"0\d{{1,4}}{s}\d{{1,4}}{s}\d{{3,4}}"),
    ];
    Regex::new(&us.iter().chain(&jp).cloned().collect::<Vec<_>>().join("|")).expect("phone pattern is valid")
});

/// URLs in folded text, ASCII only so a URL stops where Japanese text resumes; digits inside a
/// URL are never a phone number.
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?://|www\.)[!-~]+").expect("url pattern is valid"));

/// "Quantity: 10", "数量 25" (folded, one line).
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?-u:\b)(?:qty|quantity|number of (?:licen[cs]es|users|seats))|数量|ライセンス数|個数|台数)\x20*[:=x×]?\x20*(\d[\d,]{0,9})",
    )
    .expect("quantity pattern is valid")
});

/// "25 licenses", "10 seats", "5 ライセンス" (folded, one line).
static LICENCES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d[\d,]{0,9})\x20*-?\x20*(?:user\x20)?(?:licen[cs]es|seats|ライセンス)")
        .expect("licence pattern is valid")
});

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// Judge a message. `inline` is true when the view was rebuilt from an inline forward: its
/// headers are gone, so authentication is `None` and only the quoted sender and the content count.
pub fn judge(view: &MessageView, inline: bool, trust: &Trust) -> Authenticity {
    let mut found = Findings::default();
    let from = view.from.as_ref().or(view.quoted.as_ref().map(|q| &q.from));
    let subject = match (&view.quoted, view.subject.trim().is_empty()) {
        (Some(q), true) => q.subject.as_str(),
        _ => view.subject.as_str(),
    };
    // Each link with the host it really leads to (safelinks unwrapped); `None` for non-web links.
    let links: Vec<(Option<String>, &Link)> = view
        .links
        .iter()
        .take(500)
        .map(|l| {
            (
                url_host(&unwrap_safelinks(&l.href)).map(|h| h.trim_end_matches('.').to_owned()),
                l,
            )
        })
        .collect();

    let claims = scope::header_claim(from, subject);
    let microsoft_sender = from.is_some_and(is_order_sender);
    let microsoft_domain = from.is_some_and(scope::microsoft_domain_sender);

    sender_reasons(
        view,
        from,
        subject,
        claims,
        microsoft_sender,
        microsoft_domain,
        &mut found,
    );
    lookalike_reasons(from, &links, &mut found);
    let status = if inline {
        AuthStatus::None
    } else {
        auth_reasons(&view.auth, trust, &mut found)
    };
    disguise_reasons(view, from, subject, &mut found);
    content_reasons(view, &mut found);
    link_reasons(&links, &mut found);
    attachment_reasons(view, &mut found);

    Authenticity {
        status,
        microsoft_sender,
        microsoft_domain,
        claims_microsoft: claims,
        reasons: found.into_sorted(),
    }
}

/// Reasons as they are found: the first evidence of each id wins.
#[derive(Default)]
struct Findings(Vec<Reason>);

impl Findings {
    fn add(&mut self, id: ReasonId, evidence: impl AsRef<str>) {
        if !self.0.iter().any(|r| r.id == id) {
            self.0.push(Reason::new(id, evidence));
        }
    }

    fn has(&self, id: ReasonId) -> bool {
        self.0.iter().any(|r| r.id == id)
    }

    /// Passes first, then context, then warnings; the order found is kept within each kind.
    fn into_sorted(mut self) -> Vec<Reason> {
        crate::reason::tidy(&mut self.0);
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Sender
// ---------------------------------------------------------------------------------------------

/// The address, trimmed of angle brackets and lowercased.
fn address(m: &Mailbox) -> String {
    m.address.trim().trim_matches(['<', '>']).trim().to_lowercase()
}

/// Whether a registrable domain is one of Microsoft's (links: free-mail ones included).
pub fn is_microsoft_domain(registrable: &str) -> bool {
    MICROSOFT_DOMAINS.contains(&registrable.trim_end_matches('.').to_ascii_lowercase().as_str())
}

/// Whether mail from this registrable domain is Microsoft speaking: a Microsoft domain that is
/// not also free mail (anyone can write from outlook.com).
pub fn is_microsoft_sender_domain(registrable: &str) -> bool {
    is_microsoft_domain(registrable) && !is_freemail(registrable)
}

/// Whether a registrable domain is a free-mail service.
pub fn is_freemail(registrable: &str) -> bool {
    let reg = registrable.trim_end_matches('.').to_ascii_lowercase();
    let first = reg.split('.').next().unwrap_or("");
    FREEMAIL.iter().any(|f| match f.strip_suffix(".*") {
        Some(name) => first == name && reg.len() > name.len(),
        None => reg == *f,
    })
}

/// Whether a web host belongs to Microsoft and is not a place where anyone can publish.
pub fn is_microsoft_host(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    MICROSOFT_HOSTS.iter().any(|s| on_suffix(&host, s))
        || (!USER_HOSTED.iter().any(|s| on_suffix(&host, s))
            && is_microsoft_domain(&text::registrable_domain(&host)))
}

/// `host` is `suffix` or ends with `.suffix`.
fn on_suffix(host: &str, suffix: &str) -> bool {
    host == suffix || host.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'))
}

/// The From address is the one Microsoft sends order mails from.
pub fn is_order_sender(m: &Mailbox) -> bool {
    ORDER_SENDERS.contains(&address(m).as_str())
}

fn sender_reasons(
    view: &MessageView,
    from: Option<&Mailbox>,
    subject: &str,
    claims: bool,
    microsoft_sender: bool,
    microsoft_domain: bool,
    found: &mut Findings,
) {
    let addr = from.map(address).unwrap_or_default();
    let domain = from.map(Mailbox::domain).unwrap_or_default();
    let reg = from.map(Mailbox::registrable).unwrap_or_default();
    if microsoft_sender {
        found.add(ReasonId::SenderMicrosoft, &addr);
    } else if microsoft_domain {
        found.add(ReasonId::SenderUnusual, &addr);
    } else if claims {
        found.add(
            ReasonId::SenderNotMicrosoft,
            if addr.is_empty() {
                "(no sender address)"
            } else {
                addr.as_str()
            },
        );
    }
    let name = from.map(|m| m.name.as_str()).unwrap_or("");
    if scope::mentions_brand(name) && !microsoft_domain {
        found.add(ReasonId::DisplayNameClaimsMicrosoft, format!("{name} <{addr}>"));
    }
    if !domain.is_empty()
        && is_freemail(&reg)
        && !microsoft_domain
        && (claims || order::speaks_of_billing(&text::fold_line(subject)))
    {
        found.add(ReasonId::FreemailSender, &addr);
    }
    let reply_to = view.reply_to.as_ref().map(address).unwrap_or_default();
    // A Return-Path rewritten by the recipient's own forwarding says nothing about the sender.
    let return_path = view
        .return_path
        .as_deref()
        .unwrap_or("")
        .trim()
        .trim_matches(['<', '>'])
        .to_lowercase();
    let forwarded = FORWARDER_RETURN_PATHS.iter().any(|p| return_path.contains(p));
    let return_path = if forwarded { "" } else { return_path.as_str() };
    // Tenants anyone can create; the bounce address often gives them away when From is forged.
    for a in [addr.as_str(), reply_to.as_str(), return_path] {
        if on_suffix(&domain_of(a), "onmicrosoft.com") {
            found.add(ReasonId::OnmicrosoftTenant, a);
        }
    }
    if microsoft_domain {
        for other in [reply_to.as_str(), return_path] {
            let other_sender = Mailbox {
                name: String::new(),
                address: other.to_owned(),
            };
            if !domain_of(other).is_empty() && other != addr && !scope::microsoft_domain_sender(&other_sender)
            {
                found.add(ReasonId::ReplyToForeign, other);
            }
        }
    }
}

/// Domain of an address, lowercased; empty when there is none.
fn domain_of(addr: &str) -> String {
    addr.trim()
        .trim_matches(['<', '>'])
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Look-alike domains
// ---------------------------------------------------------------------------------------------

/// A host that imitates Microsoft without being Microsoft's: `microsoft-support-jp.com`,
/// `microsoft.com.example.jp`, `rnicrosoft.com`, `micros0ft.net`, an IDN `micrоsoft.com`.
/// onmicrosoft.com tenants have their own reason.
pub fn is_lookalike(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_lowercase();
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    let reg = text::registrable_domain(&host);
    if is_microsoft_domain(&reg) || on_suffix(&host, "onmicrosoft.com") {
        return false;
    }
    let unicode = host_unicode(&host);
    let suffix_len = psl::suffix_str(&host).map_or(0, |s| s.split('.').count());
    let labels: Vec<&str> = unicode.split('.').collect();
    let own = &labels[..labels.len().saturating_sub(suffix_len.max(1))];
    own.iter()
        .any(|label| text::fold(label).contains("microsoft") || label.split('-').any(imitates_microsoft))
}

static MICROSOFT_SKELETON: LazyLock<String> =
    LazyLock::new(|| unicode_security::skeleton("microsoft").collect());

/// One word of a host label that reads as "microsoft": same skeleton (`rnicrosoft`) or within
/// two edits (`micros0ft`, `microsfot`).
fn imitates_microsoft(piece: &str) -> bool {
    let n = piece.chars().count();
    if !(7..=11).contains(&n) {
        return false;
    }
    let skeleton: String = unicode_security::skeleton(piece).collect();
    skeleton == *MICROSOFT_SKELETON || strsim::damerau_levenshtein(&text::fold(piece), "microsoft") <= 2
}

fn lookalike_reasons(from: Option<&Mailbox>, links: &[(Option<String>, &Link)], found: &mut Findings) {
    let sender = from.map(Mailbox::domain).filter(|d| is_lookalike(d));
    let link = links
        .iter()
        .filter_map(|(h, _)| h.as_deref())
        .find(|h| is_lookalike(h));
    if let Some(host) = sender.as_deref().or(link) {
        found.add(ReasonId::LookalikeDomain, host_shown(host));
    }
}

/// A host for people: its IDN labels decoded next to the punycode.
fn host_shown(host: &str) -> String {
    let unicode = host_unicode(host);
    if unicode == host {
        host.to_owned()
    } else {
        format!("{unicode} ({host})")
    }
}

/// A host with its `xn--` labels decoded to Unicode; undecodable labels stay as they are.
pub fn host_unicode(host: &str) -> String {
    if !host.to_ascii_lowercase().contains("xn--") {
        return host.to_owned();
    }
    // A label that is not valid punycode stays as written (idna reports the error per host).
    let (unicode, _errors) = idna::domain_to_unicode(host);
    unicode
}

// ---------------------------------------------------------------------------------------------
// Authentication-Results
// ---------------------------------------------------------------------------------------------

/// One method result (`dkim=pass header.d=microsoft.com`).
#[derive(Debug)]
struct MethodResult {
    method: String,
    result: String,
    props: Vec<(String, String)>,
}

/// One parsed Authentication-Results field.
#[derive(Debug)]
struct AuthResults {
    /// An `ARC-Authentication-Results` field.
    arc: bool,
    /// The authserv-id, lowercased; `None` when the value starts with a result (Outlook).
    id: Option<String>,
    results: Vec<MethodResult>,
}

/// The receiving provider that wrote a field.
#[derive(Debug, PartialEq, Eq)]
enum Provider {
    /// Outlook.com / Microsoft 365: results without an authserv-id (with `compauth`), and the ARC
    /// set it seals on top with `mx.microsoft.com`.
    Microsoft,
    /// Any other trusted authserv-id, as written.
    Named(String),
}

/// The authserv-id of Microsoft's receiving servers in the ARC set they put on top. Only in ARC
/// results: plain results from it are not Outlook's layout.
const MICROSOFT_ARC_ID: &str = "mx.microsoft.com";

/// Methods the verdict and the evidence speak of.
const AUTH_METHODS: &[&str] = &["spf", "dkim", "dmarc", "compauth"];

/// Properties worth showing as evidence, by preference.
const AUTH_PROPS: &[&str] = &["header.from", "header.d", "header.i", "smtp.mailfrom"];

impl AuthResults {
    fn parse(field: &AuthField) -> AuthResults {
        let value = strip_comments(&field.value);
        let mut segments = split_unquoted(&value, ';').into_iter().map(str::trim).peekable();
        // ARC fields start with the instance `i=N;`.
        if segments.peek().is_some_and(|s| is_arc_instance(s)) {
            segments.next();
        }
        let mut id = None;
        if let Some(first) = segments.peek()
            && !first.contains('=')
        {
            id = first.split_whitespace().next().map(str::to_lowercase);
            segments.next();
        }
        let results = segments.filter_map(parse_method).collect();
        AuthResults {
            arc: field.arc,
            id,
            results,
        }
    }

    fn results_of<'a>(&'a self, method: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.results
            .iter()
            .filter(move |r| r.method == method)
            .map(|r| r.result.as_str())
    }

    fn any(&self, method: &str, values: &[&str]) -> bool {
        self.results_of(method).any(|r| values.contains(&r))
    }

    /// Outlook.com / Microsoft 365 write no authserv-id but always a compauth result.
    fn is_microsoft_unnamed(&self) -> bool {
        self.id.is_none() && self.results_of("compauth").next().is_some()
    }

    /// The trusted provider that wrote this field, if any.
    fn provider(&self, trust: &Trust) -> Option<Provider> {
        match &self.id {
            None => self.is_microsoft_unnamed().then_some(Provider::Microsoft),
            Some(id) if self.arc && id == MICROSOFT_ARC_ID => Some(Provider::Microsoft),
            Some(id) => {
                let trusted = TRUSTED_AUTHSERV.iter().any(|s| on_suffix(id, s))
                    || trust
                        .authserv_ids
                        .iter()
                        .any(|t| t.trim().eq_ignore_ascii_case(id));
                trusted.then(|| Provider::Named(id.clone()))
            }
        }
    }
}

/// The receiving provider's own block: the top-most field and, when that is the provider's ARC
/// set, the Authentication-Results the same provider wrote right below it (Outlook.com puts
/// `ARC-Authentication-Results: i=1; mx.microsoft.com …` above its own results; Gmail its
/// `mx.google.com` ARC set above its own). Empty when the top-most field is from no trusted
/// provider. Anything further down may have come with the mail.
struct Block {
    fields: Vec<AuthResults>,
    /// The first field below the block (or the untrusted top-most one), to name as ignored.
    ignored: Option<AuthResults>,
}

impl Block {
    fn of(fields: &[AuthField], trust: &Trust) -> Block {
        let mut parsed = fields.iter().take(3).map(AuthResults::parse);
        let Some(top) = parsed.next() else {
            return Block {
                fields: Vec::new(),
                ignored: None,
            };
        };
        let Some(provider) = top.provider(trust) else {
            return Block {
                fields: Vec::new(),
                ignored: Some(top),
            };
        };
        let mut next = parsed.next();
        let mut block = vec![top];
        if block[0].arc
            && let Some(below) = next.take_if(|b| !b.arc && b.provider(trust).as_ref() == Some(&provider))
        {
            block.push(below);
            next = parsed.next();
        }
        Block {
            fields: block,
            ignored: next,
        }
    }

    /// Failed if any of the provider's own results failed; passed if one passed and none failed.
    fn status(&self) -> AuthStatus {
        let statuses: Vec<AuthStatus> = self.fields.iter().map(AuthResults::status).collect();
        if statuses.contains(&AuthStatus::Fail) {
            AuthStatus::Fail
        } else if statuses.contains(&AuthStatus::Pass) {
            AuthStatus::Pass
        } else {
            AuthStatus::None
        }
    }

    fn summary(&self) -> String {
        let parts: Vec<String> = self.fields.iter().map(AuthResults::summary).collect();
        parts.join(" + ")
    }
}

impl AuthResults {
    fn status(&self) -> AuthStatus {
        let failed = self.any("dmarc", &["fail"])
            || self.any("spf", &["fail", "softfail"])
            || self.any("dkim", &["fail"])
            || self.any("compauth", &["fail"]);
        let passed = self.any("dmarc", &["pass"])
            || self.any("compauth", &["pass"])
            || (self.any("spf", &["pass"]) && self.any("dkim", &["pass"]));
        if failed {
            AuthStatus::Fail
        } else if passed {
            AuthStatus::Pass
        } else {
            AuthStatus::None
        }
    }

    /// `mx.google.com; spf=pass smtp.mailfrom=microsoft.com; dkim=pass header.d=…`.
    fn summary(&self) -> String {
        let id = match (&self.id, self.is_microsoft_unnamed()) {
            (Some(id), _) => id.clone(),
            (None, true) => "(Microsoft, no authserv-id)".to_owned(),
            (None, false) => "(no authserv-id)".to_owned(),
        };
        let id = if self.arc { format!("ARC {id}") } else { id };
        let mut parts = vec![id];
        for r in self
            .results
            .iter()
            .filter(|r| AUTH_METHODS.contains(&r.method.as_str()))
        {
            let prop = AUTH_PROPS
                .iter()
                .find_map(|p| r.props.iter().find(|(k, _)| k == p))
                .map(|(k, v)| format!(" {k}={v}"))
                .unwrap_or_default();
            parts.push(format!("{}={}{prop}", r.method, r.result));
        }
        if parts.len() == 1 {
            parts.push("no results".to_owned());
        }
        parts.join("; ")
    }
}

fn is_arc_instance(segment: &str) -> bool {
    let compact: String = segment.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .strip_prefix("i=")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `spf=pass smtp.mailfrom=microsoft.com` → method, result, properties. Spaces around `=` and a
/// method version (`dkim/1=pass`) are allowed.
fn parse_method(segment: &str) -> Option<MethodResult> {
    static EQ: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*=\s*").expect("valid"));
    let segment = EQ.replace_all(segment, "=");
    let mut tokens = split_unquoted_ws(&segment).into_iter();
    let (method, result) = tokens.next()?.split_once('=')?;
    let method = method.split('/').next().unwrap_or("").trim().to_ascii_lowercase();
    if method.is_empty() {
        return None;
    }
    let props = tokens
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches('"').to_lowercase()))
        .collect();
    Some(MethodResult {
        method,
        result: result.trim_matches('"').to_ascii_lowercase(),
        props,
    })
}

/// Drop RFC 5322 comments (nested parentheses), keeping quoted strings intact.
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth = depth.saturating_add(1),
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(' ');
                }
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Split on `sep` outside double quotes.
fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            parts.push(&s[start..at]);
            start = at + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Split on white space outside double quotes, dropping empty pieces.
fn split_unquoted_ws(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (at, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            parts.push(&s[start..at]);
            start = at + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The trusted authentication verdict alone, for messages the first look skips: the same
/// provider block as [`judge`] reads; no reasons are written.
pub fn trusted_status(fields: &[AuthField], trust: &Trust) -> AuthStatus {
    Block::of(fields, trust).status()
}

/// Only the receiving provider's own block can be trusted: anything below it may have come with
/// the mail (a forged `dmarc=pass` under the provider's `dmarc=fail` is a known trick).
fn auth_reasons(fields: &[AuthField], trust: &Trust, found: &mut Findings) -> AuthStatus {
    if fields.is_empty() {
        found.add(ReasonId::AuthMissing, "no Authentication-Results");
        return AuthStatus::None;
    }
    let block = Block::of(fields, trust);
    let status = block.status();
    match status {
        AuthStatus::Pass => found.add(ReasonId::AuthPass, block.summary()),
        AuthStatus::Fail => found.add(ReasonId::AuthFail, block.summary()),
        AuthStatus::None if !block.fields.is_empty() => found.add(ReasonId::AuthMissing, block.summary()),
        AuthStatus::None => {
            let top = block
                .ignored
                .as_ref()
                .map(AuthResults::summary)
                .unwrap_or_default();
            found.add(ReasonId::AuthMissing, format!("untrusted: {top}"));
        }
    }
    if let Some(ignored) = &block.ignored {
        found.add(ReasonId::AuthUntrustedIgnored, ignored.summary());
    }
    status
}

// ---------------------------------------------------------------------------------------------
// Disguised letters
// ---------------------------------------------------------------------------------------------

fn disguise_reasons(view: &MessageView, from: Option<&Mailbox>, subject: &str, found: &mut Findings) {
    let name = from.map(|m| m.name.as_str()).unwrap_or("");
    for line in [subject, name] {
        for d in text::disguises(line) {
            found.add(disguise_id(d), make_visible(line));
        }
    }
    let body = view.body();
    let mut bodies = vec![body];
    if !std::ptr::eq(body, view.html_text.as_str()) {
        bodies.push(&view.html_text);
    }
    for body in bodies {
        for d in text::disguises(body) {
            let id = disguise_id(d);
            if !found.has(id) {
                found.add(id, make_visible(offending_word(body, d)));
            }
        }
    }
}

fn disguise_id(d: Disguise) -> ReasonId {
    match d {
        Disguise::Hidden => ReasonId::HiddenCharacters,
        Disguise::Confusable => ReasonId::ConfusableLetters,
    }
}

/// The first word showing the disguise, else the first line that does.
fn offending_word(body: &str, d: Disguise) -> &str {
    body.split_whitespace()
        .find(|w| text::disguises(w).contains(&d))
        .or_else(|| body.lines().find(|l| text::disguises(l).contains(&d)))
        .unwrap_or("")
}

/// Invisible characters written out as `<U+200B>`.
pub fn make_visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().take(400) {
        if text::is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Content: phone numbers, wording, quantities
// ---------------------------------------------------------------------------------------------

fn content_reasons(view: &MessageView, found: &mut Findings) {
    let texts: Vec<String> = [view.text.as_str(), view.html_text.as_str()]
        .into_iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| text::fold(t).replace('’', "'"))
        .collect();
    for t in &texts {
        if let Some(number) = find_phone(t) {
            found.add(ReasonId::PhoneNumber, number);
        }
        if let Some(m) = CALLBACK.find(t.as_str()) {
            found.add(ReasonId::CallbackWording, line_at(t, m.start()));
        }
        if let Some(m) = URGENCY.find(t.as_str()) {
            found.add(ReasonId::Urgency, line_at(t, m.start()));
        }
        if let Some(line) = business_quantity(t) {
            found.add(ReasonId::BusinessQuantity, line);
        }
    }
}

/// The first phone number in folded text, as written.
pub fn find_phone(t: &str) -> Option<&str> {
    let mut urls: Option<Vec<(usize, usize)>> = None;
    for m in PHONE.find_iter(t).take(1000) {
        if !isolated(t, m.start(), m.end()) || !phone_digits_ok(m.as_str()) {
            continue;
        }
        let urls = urls.get_or_insert_with(|| URL.find_iter(t).map(|u| (u.start(), u.end())).collect());
        if urls.iter().any(|&(s, e)| (s..e).contains(&m.start())) {
            continue;
        }
        return Some(m.as_str().trim());
    }
    None
}

/// Not part of a longer token: no letter or digit run, version, or number list around it.
fn isolated(t: &str, start: usize, end: usize) -> bool {
    let mut before = t[..start].chars().rev();
    let ok_before = match before.next() {
        None => true,
        Some(c) if c.is_alphanumeric() && !is_cjk_text(c) => false,
        Some(c) if "_-+#@/=".contains(c) => false,
        Some('.' | ',') => !before.next().is_some_and(|p| p.is_ascii_digit()),
        Some(_) => true,
    };
    let mut after = t[end..].chars();
    let ok_after = match after.next() {
        None => true,
        Some(c) if c.is_alphanumeric() && !is_cjk_text(c) => false,
        Some(c) if "_@".contains(c) => false,
        Some('-' | '.' | '/' | ',') => !after.next().is_some_and(|n| n.is_ascii_digit()),
        Some(_) => true,
    };
    ok_before && ok_after
}

/// Japanese text runs straight into numbers (`電話0120-…`): kana and kanji are not a word.
fn is_cjk_text(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// A real number's length: NANP 10 digits (11 with the leading 1), Japan 10 or 11 digits
/// domestically, 9 or 10 after +81.
fn phone_digits_ok(number: &str) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let trimmed = number.trim_start_matches(['(', ' ']);
    if trimmed.starts_with("+81") {
        (11..=12).contains(&digits)
    } else if trimmed.starts_with('0') {
        (10..=11).contains(&digits)
    } else if trimmed.starts_with('+') || trimmed.starts_with('1') {
        digits == 11
    } else {
        digits == 10
    }
}

/// The line of `t` around byte `at`, trimmed.
fn line_at(t: &str, at: usize) -> &str {
    let at = at.min(t.len());
    let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = t[at..].find('\n').map_or(t.len(), |i| at + i);
    t[start..end].trim()
}

/// A line with a quantity of [`BUSINESS_QUANTITY`] or more licences or users.
fn business_quantity(t: &str) -> Option<&str> {
    let big = |s: &str| {
        s.replace(',', "")
            .parse::<u64>()
            .is_ok_and(|n| n >= BUSINESS_QUANTITY)
    };
    if let Some(c) = QUANTITY.captures_iter(t).take(200).find(|c| big(&c[1])) {
        return c.get(0).map(|m| line_at(t, m.start()));
    }
    // "Microsoft 365 licenses" and "up to 5 …" speak of a product or a limit, not a count.
    LICENCES
        .captures_iter(t)
        .take(200)
        .filter_map(|c| c.get(1))
        .find(|n| {
            let before = t[..n.start()].trim_end();
            big(n.as_str())
                && !["microsoft", "office", "m", "up to", "最大"]
                    .iter()
                    .any(|w| before.ends_with(w))
        })
        .map(|n| line_at(t, n.start()))
}

// ---------------------------------------------------------------------------------------------
// Links and attachments
// ---------------------------------------------------------------------------------------------

/// The real target of an Outlook safelinks URL (`…safelinks.protection.outlook.com/?url=…`);
/// other URLs unchanged.
pub fn unwrap_safelinks(href: &str) -> String {
    let mut url = href.trim().to_owned();
    for _ in 0..4 {
        let wrapped = url_host(&url).is_some_and(|h| on_suffix(&h, SAFELINKS));
        let Some(query) = url.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(q)) else {
            break;
        };
        let target = query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.eq_ignore_ascii_case("url").then_some(v)
        });
        match target {
            Some(t) if wrapped => url = percent_decode(t),
            _ => break,
        }
    }
    url
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                // Two hex digits make one byte (h, l < 16).
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn link_reasons(links: &[(Option<String>, &Link)], found: &mut Findings) {
    if let Some(host) = links
        .iter()
        .filter_map(|(h, _)| h.as_deref())
        .find(|h| !is_microsoft_host(h))
    {
        found.add(ReasonId::ForeignLink, host_shown(host));
    }
    for (host, link) in links {
        let Some(host) = host else { continue };
        let Some(shown) = text_host(&link.text) else {
            continue;
        };
        let target = host_unicode(host);
        // `Office.com` leading to go.microsoft.com deceives no one.
        let both_microsoft = is_microsoft_host(&shown) && is_microsoft_host(host);
        if !both_microsoft && text::registrable_domain(&shown) != text::registrable_domain(&target) {
            found.add(
                ReasonId::LinkTextMismatch,
                format!("{} → {}", link.text.trim(), host_shown(host)),
            );
            break;
        }
    }
}

/// The host an anchor's text names, when the text looks like a URL or a host name (a dot, no
/// spaces, a known public suffix).
fn text_host(text: &str) -> Option<String> {
    let t: String = text
        .trim()
        .nfkc()
        .filter(|&c| !text::is_invisible(c))
        .collect::<String>()
        .to_lowercase();
    if t.is_empty() || t.len() > 2000 || !t.contains('.') || t.chars().any(char::is_whitespace) {
        return None;
    }
    let host = if t.contains("://") {
        url_host(&unwrap_safelinks(&t))?
    } else {
        let authority = t.split(['/', '?', '#']).next()?;
        authority.rsplit('@').next()?.split(':').next()?.to_owned()
    };
    let host = host_unicode(host.trim_end_matches('.'));
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last()?;
    let well_formed = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic);
    let known = psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known());
    (well_formed && known).then_some(host)
}

fn attachment_reasons(view: &MessageView, found: &mut Findings) {
    for a in view.attachments.iter().take(200) {
        let name = a.name.trim().to_lowercase();
        let ctype = a.content_type.trim().to_ascii_lowercase();
        if MESSAGE_ATTACHMENTS
            .iter()
            .any(|m| ctype == *m || name.ends_with(m))
        {
            continue;
        }
        let by_name = ATTACHMENT_EXTS.iter().any(|e| name.ends_with(e));
        let by_type = ATTACHMENT_TYPES.contains(&ctype.as_str())
            || ATTACHMENT_TYPE_PREFIXES.iter().any(|p| ctype.starts_with(p));
        if by_name || by_type {
            let shown = if a.name.trim().is_empty() {
                &a.content_type
            } else {
                &a.name
            };
            found.add(ReasonId::InvoiceAttachment, shown);
            return;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::reason::Kind;
    use crate::view::Attachment;

    pub(crate) fn mailbox(name: &str, address: &str) -> Mailbox {
        Mailbox {
            name: name.into(),
            address: address.into(),
        }
    }

    fn ar(value: &str) -> AuthField {
        AuthField {
            arc: false,
            value: value.into(),
        }
    }

    fn link(href: &str, text: &str) -> Link {
        Link {
            href: href.into(),
            text: text.into(),
        }
    }

    const GMAIL_PASS: &str = "mx.google.com; dkim=pass header.i=@microsoft.com header.s=s1024-meo \
        header.b=\"abc;def\"; spf=pass (google.com: domain of azure-noreply@microsoft.com designates \
        40.107.1.2 as permitted sender) smtp.mailfrom=azure-noreply@microsoft.com; dmarc=pass \
        (p=REJECT sp=REJECT dis=NONE) header.from=microsoft.com";

    const OUTLOOK_PASS: &str = "spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=microsoft.com; \
        dkim=pass (signature was verified) header.d=microsoft.com;dmarc=pass action=none \
        header.from=microsoft.com;compauth=pass reason=100";

    /// A genuine Japanese digital-attach notice as received by Gmail.
    fn genuine() -> MessageView {
        MessageView {
            from: Some(mailbox("Microsoft", "microsoft-noreply@microsoft.com")),
            return_path: Some("<azure-noreply@microsoft.com>".into()),
            subject: "Microsoft の注文 #1234567890 が処理されました".into(),
            auth: vec![
                AuthField {
                    arc: true,
                    value: format!("i=1; {GMAIL_PASS}"),
                },
                ar(GMAIL_PASS),
            ],
            text: "Microsoft の注文 #1234567890 が処理されました\n\
                   2025年4月12日にご購入いただきありがとうございます。\n\
                   予約注文を除き、購入したダウンロードは今すぐ利用できます。\n\
                   注文番号: 1234567890\n購入日: 2025/04/12 (2025-04-12)\n注文の詳細\n\
                   Office Home & Business 2024\n数量: 1\nUSD 0.00\n\
                   プロダクトキー: ABCDE-FGHIJ-KLMNO-PQRST-UVWXY\n"
                .into(),
            links: vec![
                link(
                    "https://go.microsoft.com/fwlink/?LinkId=12345",
                    "プライバシーに関する声明",
                ),
                link(
                    "https://account.microsoft.com/billing/orders",
                    "account.microsoft.com",
                ),
                link("https://go.microsoft.com/fwlink/?LinkId=2", "Office.com"),
                link("mailto:someone@example.com", "someone@example.com"),
            ],
            ..MessageView::default()
        }
    }

    fn ids(a: &Authenticity) -> Vec<ReasonId> {
        a.reasons.iter().map(|r| r.id).collect()
    }

    fn has(a: &Authenticity, id: ReasonId) -> bool {
        a.reasons.iter().any(|r| r.id == id)
    }

    fn evidence(a: &Authenticity, id: ReasonId) -> String {
        a.reasons
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.evidence.clone())
            .unwrap_or_default()
    }

    fn judge_default(v: &MessageView) -> Authenticity {
        judge(v, false, &Trust::default())
    }

    fn with_text(text: &str) -> MessageView {
        MessageView {
            text: text.into(),
            ..genuine()
        }
    }

    fn warns(a: &Authenticity) -> Vec<&Reason> {
        a.reasons
            .iter()
            .filter(|r| r.id.kind() == Kind::SignOfFake)
            .collect()
    }

    #[test]
    fn genuine_mail_passes_cleanly() {
        let a = judge_default(&genuine());
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(a.microsoft_sender && a.claims_microsoft);
        assert!(warns(&a).is_empty(), "{:?}", a.reasons);
        assert_eq!(a.reasons[0].id, ReasonId::SenderMicrosoft);
        assert_eq!(a.reasons[1].id, ReasonId::AuthPass);
        assert!(evidence(&a, ReasonId::AuthPass).contains("dmarc=pass header.from=microsoft.com"));
    }

    #[test]
    fn forged_pass_below_failing_result_does_not_count() {
        let v = MessageView {
            auth: vec![
                ar(
                    "mx.google.com; spf=softfail smtp.mailfrom=evil.example; dkim=none; \
                    dmarc=fail (p=REJECT) header.from=microsoft.com",
                ),
                ar("mx.google.com; spf=pass smtp.mailfrom=microsoft.com; dkim=pass \
                    header.d=microsoft.com; dmarc=pass header.from=microsoft.com"),
            ],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::Fail);
        assert!(has(&a, ReasonId::AuthFail) && has(&a, ReasonId::AuthUntrustedIgnored));
        assert!(!has(&a, ReasonId::AuthPass));
        assert!(evidence(&a, ReasonId::AuthFail).contains("dmarc=fail"));
    }

    #[test]
    fn trusted_status_agrees_with_the_reasons() {
        let forged = ar("evil.example; dmarc=pass header.from=microsoft.com");
        let fail = GMAIL_PASS.replace("dmarc=pass", "dmarc=fail");
        let cases: [Vec<AuthField>; 5] = [
            vec![],
            vec![ar(GMAIL_PASS)],
            vec![ar(&fail), ar(GMAIL_PASS)],
            vec![forged],
            vec![ar(OUTLOOK_PASS)],
        ];
        for fields in cases {
            let full = auth_reasons(&fields, &Trust::default(), &mut Findings::default());
            assert_eq!(trusted_status(&fields, &Trust::default()), full, "{fields:?}");
        }
    }

    #[test]
    fn outlook_results_without_authserv_id() {
        let v = MessageView {
            auth: vec![ar(OUTLOOK_PASS)],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(evidence(&a, ReasonId::AuthPass).contains("Microsoft"));
        assert!(!has(&a, ReasonId::AuthUntrustedIgnored));

        let failing = OUTLOOK_PASS
            .replace("compauth=pass", "compauth=fail")
            .replace("dmarc=pass", "dmarc=none");
        let a = judge_default(&MessageView {
            auth: vec![ar(&failing)],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::Fail);

        // No authserv-id and no compauth: nobody we know wrote it.
        let a = judge_default(&MessageView {
            auth: vec![ar("spf=pass smtp.mailfrom=microsoft.com; dmarc=pass")],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored) && has(&a, ReasonId::AuthMissing));
    }

    fn arc(value: &str) -> AuthField {
        AuthField {
            arc: true,
            value: value.into(),
        }
    }

    const MS_ARC_PASS: &str = "i=1; mx.microsoft.com 1; spf=pass (sender ip is 52.101.1.2) \
        smtp.rcpttodomain=outlook.jp smtp.mailfrom=microsoft.com; dmarc=pass (p=reject sp=reject \
        pct=100) action=none header.from=microsoft.com; dkim=pass (signature was verified) \
        header.d=microsoft.com; arc=none (0)";

    #[test]
    fn microsoft_hosted_mailboxes_read_the_arc_set_and_the_results_below() {
        let status = |fields: Vec<AuthField>| {
            let a = judge_default(&MessageView {
                auth: fields.clone(),
                ..genuine()
            });
            assert_eq!(trusted_status(&fields, &Trust::default()), a.status, "{fields:?}");
            a
        };
        // Genuine: ARC on top, unnamed results with compauth right below.
        let a = status(vec![arc(MS_ARC_PASS), ar(OUTLOOK_PASS)]);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(evidence(&a, ReasonId::AuthPass).starts_with("ARC mx.microsoft.com; spf=pass"));
        assert!(evidence(&a, ReasonId::AuthPass).contains("(Microsoft, no authserv-id)"));
        assert!(!has(&a, ReasonId::AuthUntrustedIgnored));
        // Forged: either of the provider's own results failing fails.
        for comp in ["fail reason=000", "softpass reason=201", "none reason=451"] {
            let failing = OUTLOOK_PASS
                .replace("dmarc=pass action=none", "dmarc=fail action=oreject")
                .replace("compauth=pass reason=100", &format!("compauth={comp}"));
            let a = status(vec![
                arc(&MS_ARC_PASS.replace("dmarc=pass", "dmarc=fail")),
                ar(&failing),
            ]);
            assert_eq!(a.status, AuthStatus::Fail, "{comp}");
            let a = status(vec![arc(MS_ARC_PASS), ar(&failing)]);
            assert_eq!(a.status, AuthStatus::Fail, "{comp}");
        }
        // ARC alone (results dropped by the client) still counts; a forged pass below the block
        // does not.
        assert_eq!(status(vec![arc(MS_ARC_PASS)]).status, AuthStatus::Pass);
        let forged = "mx.microsoft.com; dmarc=pass header.from=microsoft.com";
        let a = status(vec![
            arc(&MS_ARC_PASS.replace("dmarc=pass", "dmarc=fail")),
            ar(&OUTLOOK_PASS.replace("compauth=pass", "compauth=fail")),
            ar(forged),
        ]);
        assert_eq!(a.status, AuthStatus::Fail);
        assert!(evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("mx.microsoft.com"));
        // Plain results naming mx.microsoft.com are no provider's; nor is an ARC set lower down.
        assert_eq!(status(vec![ar(forged)]).status, AuthStatus::None);
        let fail = GMAIL_PASS.replace("dmarc=pass", "dmarc=fail");
        assert_eq!(status(vec![ar(&fail), arc(MS_ARC_PASS)]).status, AuthStatus::Fail);
        // Only the provider's own results join its ARC set: another id right below does not.
        let a = status(vec![arc(MS_ARC_PASS), ar(&fail)]);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored));
    }

    #[test]
    fn gmail_arc_sets_join_gmail_results() {
        let fields = vec![
            arc(&format!("i=1; {GMAIL_PASS}")),
            ar(&GMAIL_PASS.replace("dmarc=pass", "dmarc=fail")),
        ];
        assert_eq!(trusted_status(&fields, &Trust::default()), AuthStatus::Fail);
        // Microsoft's ARC i=2 over Gmail's forwarded i=1: the lower set is ignored.
        let fields = vec![
            arc(&MS_ARC_PASS.replace("i=1", "i=2")),
            ar(OUTLOOK_PASS),
            arc(&format!(
                "i=1; {}",
                GMAIL_PASS.replace("dmarc=pass", "dmarc=fail")
            )),
        ];
        assert_eq!(trusted_status(&fields, &Trust::default()), AuthStatus::Pass);
    }

    #[test]
    fn untrusted_top_most_is_ignored_unless_trusted_by_the_user() {
        let v = MessageView {
            auth: vec![ar("spam-filter.example.jp; dmarc=pass header.from=microsoft.com")],
            ..genuine()
        };
        let a = judge_default(&v);
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthUntrustedIgnored) && has(&a, ReasonId::AuthMissing));
        assert!(
            evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("spam-filter.example.jp; dmarc=pass")
        );

        let trust = Trust {
            authserv_ids: vec!["Spam-Filter.Example.JP".into()],
        };
        let a = judge(&v, false, &trust);
        assert_eq!(a.status, AuthStatus::Pass);
        assert!(has(&a, ReasonId::AuthPass) && !has(&a, ReasonId::AuthUntrustedIgnored));
        // Exact only: a sub-domain of a user-trusted id is not trusted.
        let sub = MessageView {
            auth: vec![ar("x.spam-filter.example.jp; dmarc=pass")],
            ..genuine()
        };
        assert_eq!(judge(&sub, false, &trust).status, AuthStatus::None);
    }

    #[test]
    fn built_in_providers_match_on_label_boundaries() {
        let status = |id: &str| {
            judge_default(&MessageView {
                auth: vec![ar(&format!("{id}; dmarc=pass"))],
                ..genuine()
            })
            .status
        };
        for id in [
            "mx.google.com",
            "mta4463.mail.bf1.yahoo.com",
            "mx.yahoo.co.jp",
            "mx01.mail.icloud.com",
            "docomo.ne.jp",
            "mx.ezweb.ne.jp",
            "i.softbank.jp",
            "mx.nifty.com",
            "mx.biglobe.ne.jp",
            "mx.ocn.ne.jp",
            "so-net.ne.jp",
            "mx6.messagingengine.com",
            "mail.protonmail.ch",
            "tyapr01mb1234.jpnprd01.prod.outlook.com",
            "MX.Google.Com 1",
        ] {
            assert_eq!(status(id), AuthStatus::Pass, "{id}");
        }
        for id in [
            "evilyahoo.com",
            "google.com",
            "mx.google.com.example.jp",
            "notdocomo.ne.jp",
            "mx.microsoft.com",
        ] {
            assert_eq!(status(id), AuthStatus::None, "{id}");
        }
    }

    #[test]
    fn verdict_from_methods() {
        let status = |r: &str| {
            judge_default(&MessageView {
                auth: vec![ar(&format!("mx.google.com; {r}"))],
                ..genuine()
            })
            .status
        };
        assert_eq!(status("spf=pass; dkim=pass"), AuthStatus::Pass);
        assert_eq!(status("spf=pass; dkim=none; dmarc=none"), AuthStatus::None);
        assert_eq!(status("spf=softfail; dmarc=pass"), AuthStatus::Fail);
        assert_eq!(status("dkim/1 = fail; dmarc=pass"), AuthStatus::Fail);
        assert_eq!(
            status("spf=pass (a; dmarc=fail) smtp.mailfrom=x; dmarc=pass"),
            AuthStatus::Pass
        );
        assert_eq!(status("none"), AuthStatus::None);
        let a = judge_default(&MessageView {
            auth: vec![ar("mx.google.com; spf=neutral")],
            ..genuine()
        });
        assert!(has(&a, ReasonId::AuthMissing) && !has(&a, ReasonId::AuthUntrustedIgnored));
    }

    #[test]
    fn missing_results_and_inline_forwards() {
        let a = judge_default(&MessageView {
            auth: vec![],
            ..genuine()
        });
        assert_eq!(a.status, AuthStatus::None);
        assert!(has(&a, ReasonId::AuthMissing));

        let a = judge(&genuine(), true, &Trust::default());
        assert_eq!(a.status, AuthStatus::None);
        assert!(a.microsoft_sender);
        assert!(!ids(&a).iter().any(|id| matches!(
            id,
            ReasonId::AuthPass | ReasonId::AuthFail | ReasonId::AuthMissing | ReasonId::AuthUntrustedIgnored
        )));
    }

    #[test]
    fn inline_view_uses_the_quoted_sender() {
        let v = MessageView {
            from: None,
            quoted: Some(crate::view::Quoted {
                from: mailbox("Microsoft", "microsoft-noreply@microsoft.com"),
                subject: "Microsoft の注文 #1234567890 が処理されました".into(),
                date: String::new(),
            }),
            subject: String::new(),
            ..genuine()
        };
        let a = judge(&v, true, &Trust::default());
        assert!(a.microsoft_sender && a.claims_microsoft);
    }

    #[test]
    fn sender_rules() {
        let from = |name: &str, addr: &str, subject: &str| {
            judge_default(&MessageView {
                from: Some(mailbox(name, addr)),
                subject: subject.into(),
                links: vec![],
                ..genuine()
            })
        };
        let a = from(
            "Microsoft account team",
            "account-security-noreply@accountprotection.microsoft.com",
            "Security alert",
        );
        assert!(has(&a, ReasonId::SenderUnusual) && !has(&a, ReasonId::DisplayNameClaimsMicrosoft));
        assert!(!a.microsoft_sender && a.claims_microsoft);

        let a = from(
            "Microsoft 365 Billing",
            "billing.jp@gmail.com",
            "Your order #865999",
        );
        for id in [
            ReasonId::SenderNotMicrosoft,
            ReasonId::DisplayNameClaimsMicrosoft,
            ReasonId::FreemailSender,
        ] {
            assert!(has(&a, id), "{id:?} {:?}", a.reasons);
        }
        assert_eq!(evidence(&a, ReasonId::SenderNotMicrosoft), "billing.jp@gmail.com");

        let a = from("Microsoft Store", "MS-Store@Outlook.com", "hello");
        assert!(has(&a, ReasonId::DisplayNameClaimsMicrosoft) && has(&a, ReasonId::FreemailSender));
        assert!(!has(&a, ReasonId::SenderUnusual));

        // Free mail with a billing subject but no brand.
        let a = from("Billing", "someone@yahoo.co.jp", "ご請求のお知らせ");
        assert!(has(&a, ReasonId::FreemailSender) && !has(&a, ReasonId::SenderNotMicrosoft));
        let a = from("Billing", "someone@gmx.de", "Invoice 42");
        assert!(has(&a, ReasonId::FreemailSender));

        // A friend writing about lunch: nothing.
        let a = judge_default(&MessageView {
            from: Some(mailbox("Taro", "taro@gmail.com")),
            subject: "lunch".into(),
            text: "see you".into(),
            auth: vec![],
            links: vec![],
            ..MessageView::default()
        });
        assert!(warns(&a).is_empty() && !a.claims_microsoft, "{:?}", a.reasons);

        // Brand words need word boundaries when short, survive spacing when long.
    }

    #[test]
    fn quoting_a_subject_is_not_posing_as_microsoft() {
        let judge_from = |name: &str, addr: &str, subject: &str| {
            judge_default(&MessageView {
                from: Some(mailbox(name, addr)),
                subject: subject.into(),
                links: vec![],
                ..genuine()
            })
        };
        // A friend forwarding the order mail.
        for subject in [
            "Fwd: Microsoft の注文 #1234567890 が処理されました",
            "FW: Your Microsoft order #1234567890 has been processed",
            "転送： Microsoft の注文 #1234567890",
            "[Fwd: Your Microsoft order]",
        ] {
            let a = judge_from("Ichiro Yamada", "user@gmail.com", subject);
            assert!(!a.claims_microsoft, "{subject}");
            assert!(!has(&a, ReasonId::SenderNotMicrosoft), "{subject}");
        }
        // A shop that says who it is, selling a Microsoft product.
        let a = judge_from(
            "Amazon.co.jp",
            "auto-confirm@amazon.co.jp",
            "Amazon.co.jp ご注文の確認 「Microsoft Office Home & Business 2024」",
        );
        assert!(!a.claims_microsoft && !has(&a, ReasonId::SenderNotMicrosoft));
        // Still a claim: a name that is not the domain, free mail, or a brand in the name.
        let a = judge_from("Mstore", "orders@mstore-receipt.com", "Your Microsoft order #1");
        assert!(a.claims_microsoft && has(&a, ReasonId::SenderNotMicrosoft));
        let a = judge_from(
            "Gmail Billing",
            "gmail.billing@gmail.com",
            "Microsoft 365 renewal",
        );
        assert!(a.claims_microsoft && has(&a, ReasonId::SenderNotMicrosoft));
        let a = judge_from("Microsoft", "x@gmail.com", "Fwd: Your Microsoft order");
        assert!(a.claims_microsoft && has(&a, ReasonId::DisplayNameClaimsMicrosoft));
    }

    #[test]
    fn onmicrosoft_tenants() {
        let a = judge_default(&MessageView {
            from: Some(mailbox("Microsoft", "admin@contoso123.onmicrosoft.com")),
            ..genuine()
        });
        assert!(has(&a, ReasonId::OnmicrosoftTenant) && has(&a, ReasonId::SenderNotMicrosoft));
        assert!(!has(&a, ReasonId::LookalikeDomain));
        // Forged From, tenant bounce address.
        let a = judge_default(&MessageView {
            return_path: Some("<x@t1.onmicrosoft.com>".into()),
            ..genuine()
        });
        assert!(has(&a, ReasonId::OnmicrosoftTenant) && has(&a, ReasonId::ReplyToForeign));
    }

    #[test]
    fn lookalike_domains() {
        for host in [
            "microsoft-support-jp.com",
            "mail.microsoft.com.example.jp",
            "rnicrosoft.com",
            "micros0ft.net",
            "microsfot.co.jp",
            "xn--microsft-sbh.com",
            "login.secure-micr0soft-billing.com",
            "\u{13B7}icrosoft.com",
        ] {
            assert!(is_lookalike(host), "{host}");
        }
        for host in [
            "microsoft.com",
            "go.microsoft.com",
            "example.jp",
            "contoso.com",
            "microsite.jp",
            "t.onmicrosoft.com",
            "outlook.com",
            "",
            ".",
        ] {
            assert!(!is_lookalike(host), "{host}");
        }
        let a = judge_default(&MessageView {
            from: Some(mailbox("Support", "no-reply@rnicrosoft.com")),
            ..genuine()
        });
        assert!(
            a.claims_microsoft && has(&a, ReasonId::LookalikeDomain) && has(&a, ReasonId::SenderNotMicrosoft)
        );
        assert_eq!(evidence(&a, ReasonId::LookalikeDomain), "rnicrosoft.com");

        let v = MessageView {
            links: vec![link("https://xn--microsft-sbh.com/login", "Sign in")],
            ..genuine()
        };
        let a = judge_default(&v);
        assert!(has(&a, ReasonId::LookalikeDomain) && has(&a, ReasonId::ForeignLink));
        assert!(evidence(&a, ReasonId::LookalikeDomain).contains("xn--microsft-sbh.com"));
    }

    #[test]
    fn punycode() {
        assert_eq!(host_unicode("xn--microsft-sbh.com"), "micros\u{43E}ft.com");
        for junk in [
            "xn--",
            "xn---",
            "xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "xn--99999999999",
            "xn--a-!",
            "xn--ü",
        ] {
            let _ = host_unicode(junk);
        }
        assert_eq!(host_unicode("xn--.xn--zzzzzzzzzz.com").split('.').count(), 3);
    }

    #[test]
    fn reply_to_and_return_path() {
        let a = judge_default(&MessageView {
            reply_to: Some(mailbox("", "refunds@gmail.com")),
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ReplyToForeign), "refunds@gmail.com");
        let a = judge_default(&MessageView {
            return_path: Some("<bounce@evil.example>".into()),
            ..genuine()
        });
        assert!(has(&a, ReasonId::ReplyToForeign));
        // Rewritten by the user's own forwarding: not the sender's choice.
        for rp in [
            "<bounces+SRS=k1=AB@contoso.onmicrosoft.com>",
            "<me+caf_=me2=example.jp@gmail.com>",
            "<SRS0=abcd=XY=microsoft.com=azure-noreply@fwd.example>",
            "",
            "<>",
        ] {
            let a = judge_default(&MessageView {
                return_path: Some(rp.into()),
                ..genuine()
            });
            assert!(
                !has(&a, ReasonId::ReplyToForeign) && !has(&a, ReasonId::OnmicrosoftTenant),
                "{rp}"
            );
        }
        // Only when From is Microsoft's.
        let a = judge_default(&MessageView {
            from: Some(mailbox("Taro", "taro@example.jp")),
            reply_to: Some(mailbox("", "x@gmail.com")),
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ReplyToForeign));
    }

    #[test]
    fn disguised_subjects_names_and_bodies() {
        let a = judge_default(&MessageView {
            subject: "\u{13B7}icrosoft の注文 #1234567890 が処理されました".into(),
            ..genuine()
        });
        assert!(has(&a, ReasonId::ConfusableLetters) && a.claims_microsoft);

        let a = judge_default(&MessageView {
            from: Some(mailbox("Micro\u{200B}soft", "billing@example.jp")),
            subject: "Your Micro\u{200B}soft order".into(),
            ..genuine()
        });
        assert_eq!(
            evidence(&a, ReasonId::HiddenCharacters),
            "Your Micro<U+200B>soft order"
        );
        assert!(a.claims_microsoft && has(&a, ReasonId::DisplayNameClaimsMicrosoft));

        let a = judge_default(&with_text(
            "ご注文ありがとうございます。 M\u{E0100}icrosoft Store",
        ));
        assert_eq!(evidence(&a, ReasonId::HiddenCharacters), "M<U+E0100>icrosoft");
        let a = judge_default(&MessageView {
            html_text: "Thanks from Micr\u{43E}soft".into(),
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ConfusableLetters), "Micr\u{43E}soft");

        let a = judge_default(&genuine());
        assert!(!has(&a, ReasonId::HiddenCharacters) && !has(&a, ReasonId::ConfusableLetters));
    }

    #[test]
    fn phone_numbers_are_found() {
        for (text, number) in [
            ("Call +1 (888) 320-8274 now", "+1 (888) 320-8274"),
            ("Helpline: 1-855-574-9409.", "1-855-574-9409"),
            ("(845) 407-0627", "(845) 407-0627"),
            ("call 888.929.2670 today", "888.929.2670"),
            ("+1 888 929 2670", "+1 888 929 2670"),
            ("電話0120-12-3456まで", "0120-12-3456"),
            ("0120-123-456", "0120-123-456"),
            ("0800-123-4567", "0800-123-4567"),
            ("050-1234-5678", "050-1234-5678"),
            ("TEL:03-1234-5678", "03-1234-5678"),
            ("090ー1234ー5678", "090ー1234ー5678"),
            ("+81 3 1234 5678", "+81 3 1234 5678"),
            ("+81-50-1234-5678", "+81-50-1234-5678"),
            ("(03) 1234-5678", "(03) 1234-5678"),
        ] {
            assert_eq!(find_phone(&text::fold(text)), Some(number), "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_not_confused_with_other_numbers() {
        for text in [
            "注文番号: 1234567890",
            "購入日: 2025-04-12",
            "購入日: 2025/04/12",
            "プロダクトキー: ABCDE-FGHIJ-KLMNO-PQRST-UVWXY",
            "プロダクトキー: VK7JG-NPHTM-C97JM-9MPGT-3V66T",
            "¥21,300",
            "USD 1,059.00",
            "USD 0.00 2025年4月12日",
            "sender IP is 40.107.222.55",
            "05-12-2025",
            "https://example.com/track/888-929-2670",
            "order 12345-678-9012",
            "+1 888 929 26701",
            "version 16.0.18526.20168",
        ] {
            assert_eq!(find_phone(&text::fold(text)), None, "{text}");
        }
    }

    #[test]
    fn full_width_phone_on_a_genuine_sender() {
        let a = judge_default(&with_text(
            "ご不明な点は ０１２０－１２－３４５６ までお電話ください",
        ));
        assert!(a.microsoft_sender && a.status == AuthStatus::Pass);
        assert_eq!(evidence(&a, ReasonId::PhoneNumber), "0120-12-3456");
        assert!(has(&a, ReasonId::CallbackWording));
        assert_eq!(a.reasons[0].id, ReasonId::SenderMicrosoft);
        assert_eq!(a.reasons.last().map(|r| r.id.kind()), Some(Kind::SignOfFake));
    }

    #[test]
    fn callback_and_urgency_wording() {
        for text in [
            "If you did not authorize this purchase, call us",
            "Call to cancel your order",
            "To get a refund contact our support",
            "Toll Free: 1-800",
            "If you didn’t make this purchase",
            "キャンセルをご希望の場合は",
            "返金をご希望の方は",
            "サポートセンターへご連絡ください",
            "お電話ください",
        ] {
            assert!(
                has(&judge_default(&with_text(text)), ReasonId::CallbackWording),
                "{text}"
            );
        }
        for text in [
            "To cancel, go to account.microsoft.com/services",
            "Thanks for shopping with Microsoft!",
            "購入したダウンロードは今すぐ利用できます",
            "心当たりがない場合は、https://account.live.com/acsr でアカウントを保護してください",
            "If you don't recognize this activity, secure your account",
        ] {
            assert!(
                !has(&judge_default(&with_text(text)), ReasonId::CallbackWording),
                "{text}"
            );
        }
        for text in [
            "Reply within 24 hours",
            "URGENT: your account",
            "24時間以内にご連絡",
            "至急ご確認ください",
            "本日中に",
            "Please call immediately",
        ] {
            let a = judge_default(&with_text(text));
            assert_eq!(evidence(&a, ReasonId::Urgency), text::fold(text).trim(), "{text}");
        }
        for text in [
            "Your downloads are available immediately.",
            "Renewal in 24 months",
        ] {
            assert!(
                !has(&judge_default(&with_text(text)), ReasonId::Urgency),
                "{text}"
            );
        }
    }

    #[test]
    fn links() {
        let a = judge_default(&MessageView {
            links: vec![
                link("https://go.microsoft.com/x", "x"),
                link("https://evil.example/pay", "Pay"),
                link("http://other.example/", "other"),
            ],
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ForeignLink), "evil.example");
        assert_eq!(
            a.reasons.iter().filter(|r| r.id == ReasonId::ForeignLink).count(),
            1
        );

        let safe = |target: &str| {
            format!("https://jpn01.safelinks.protection.outlook.com/?url={target}&data=05%7C02&reserved=0")
        };
        let a = judge_default(&MessageView {
            links: vec![link(&safe("https%3A%2F%2Fevil.example%2Fx"), "x")],
            ..genuine()
        });
        assert_eq!(evidence(&a, ReasonId::ForeignLink), "evil.example");
        let a = judge_default(&MessageView {
            links: vec![link(
                &safe("https%3A%2F%2Faccount.microsoft.com%2Fbilling"),
                "account.microsoft.com",
            )],
            ..genuine()
        });
        assert!(
            !has(&a, ReasonId::ForeignLink) && !has(&a, ReasonId::LinkTextMismatch),
            "{:?}",
            a.reasons
        );

        // Places under Microsoft's domains where anyone can publish.
        for href in [
            "https://forms.office.com/r/abc",
            "https://vm1.japaneast.cloudapp.azure.com/",
            "https://t.sharepoint.com/x",
            "https://a.blob.core.windows.net/x.html",
        ] {
            let a = judge_default(&MessageView {
                links: vec![link(href, "open")],
                ..genuine()
            });
            assert!(has(&a, ReasonId::ForeignLink), "{href}");
        }

        let a = judge_default(&MessageView {
            links: vec![],
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ForeignLink));
        let a = judge_default(&MessageView {
            links: vec![link("mailto:x@evil.example", "mail")],
            ..genuine()
        });
        assert!(!has(&a, ReasonId::ForeignLink));
    }

    #[test]
    fn link_text_mismatch() {
        let mismatch = |href: &str, text: &str| {
            has(
                &judge_default(&MessageView {
                    links: vec![link(href, text)],
                    ..genuine()
                }),
                ReasonId::LinkTextMismatch,
            )
        };
        assert!(mismatch(
            "https://evil.example/x",
            "https://account.microsoft.com/billing"
        ));
        assert!(mismatch("https://evil.example/x", "account.microsoft.com"));
        assert!(mismatch("https://xn--microsft-sbh.com/", "microsoft.com"));
        assert!(!mismatch(
            "https://go.microsoft.com/fwlink",
            "account.microsoft.com"
        ));
        assert!(!mismatch("https://go.microsoft.com/fwlink", "Office.com"));
        assert!(!mismatch("https://evil.example/x", "USD 1,059.00"));
        assert!(!mismatch("https://evil.example/x", "invoice.pdf"));
        assert!(!mismatch("https://evil.example/x", "Click here."));
        assert!(!mismatch("https://shop.evil.example/x", "evil.example"));
        assert!(!mismatch("mailto:a@evil.example", "microsoft.com"));
    }

    #[test]
    fn attachments() {
        let with = |name: &str, ctype: &str| {
            judge_default(&MessageView {
                attachments: vec![Attachment {
                    name: name.into(),
                    content_type: ctype.into(),
                }],
                ..genuine()
            })
        };
        assert_eq!(
            evidence(
                &with("Invoice_8812.PDF", "application/octet-stream"),
                ReasonId::InvoiceAttachment
            ),
            "Invoice_8812.PDF"
        );
        assert_eq!(
            evidence(&with("", "text/calendar"), ReasonId::InvoiceAttachment),
            "text/calendar"
        );
        assert!(has(
            &with(
                "x",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            ReasonId::InvoiceAttachment
        ));
        assert!(has(&with("bill.zip", ""), ReasonId::InvoiceAttachment));
        assert!(!has(&with("logo.png", "image/png"), ReasonId::InvoiceAttachment));
        assert!(!has(
            &with("original.msg", "application/vnd.ms-outlook"),
            ReasonId::InvoiceAttachment
        ));
        assert!(!has(
            &with("original.eml", "application/octet-stream"),
            ReasonId::InvoiceAttachment
        ));
    }

    #[test]
    fn business_quantities() {
        for text in [
            "Quantity: 10",
            "Qty 25 x USD 299.00",
            "数量：２５",
            "Microsoft 365 Business Premium - 50 licenses",
            "Number of users: 12",
        ] {
            assert!(
                has(&judge_default(&with_text(text)), ReasonId::BusinessQuantity),
                "{text}"
            );
        }
        for text in [
            "Quantity: 1",
            "数量: 1",
            "Microsoft 365 licenses",
            "Office 365 ライセンス",
            "Use on up to 5 licenses",
            "Quantity\n12345",
        ] {
            assert!(
                !has(&judge_default(&with_text(text)), ReasonId::BusinessQuantity),
                "{text}"
            );
        }
    }

    #[test]
    fn reasons_are_ordered_and_unique() {
        let v = MessageView {
            text: "Call 1-855-574-9409 or 1-800-555-0199 within 24 hours".into(),
            links: vec![link("https://a.example/", "a"), link("https://b.example/", "b")],
            auth: vec![
                ar("spam-filter.example.jp; dmarc=pass"),
                ar("other.example.jp; dmarc=pass"),
            ],
            ..genuine()
        };
        let a = judge_default(&v);
        let kinds: Vec<Kind> = a.reasons.iter().map(|r| r.id.kind()).collect();
        let rank = |k: &Kind| match k {
            Kind::Pass => 0,
            Kind::Context => 1,
            Kind::NeedsAttention | Kind::SignOfFake => 2,
        };
        assert!(
            kinds.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "{:?}",
            a.reasons
        );
        let mut seen = ids(&a);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), a.reasons.len());
        assert_eq!(evidence(&a, ReasonId::PhoneNumber), "1-855-574-9409");
        assert!(evidence(&a, ReasonId::AuthUntrustedIgnored).starts_with("spam-filter"));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let junk = [
            "",
            ";",
            ";;;",
            "(",
            ")",
            "((((",
            "\"",
            "=",
            "==;=",
            "i=;",
            "i=1",
            "i=1;",
            "\\",
            "(\\",
            "ü(ü\"ü;ü=ü",
            "mx.google.com; dkim",
            "mx.google.com; =pass",
            "mx.google.com; /=",
            "xn--",
            "%",
            "%%4",
            "%e3%81",
            "https://",
            "http://@",
            "https://:80",
            "https://safelinks.protection.outlook.com/?url=%",
        ];
        for j in junk {
            let v = MessageView {
                from: Some(mailbox(j, j)),
                reply_to: Some(mailbox(j, j)),
                return_path: Some(j.into()),
                subject: j.into(),
                auth: vec![
                    ar(j),
                    AuthField {
                        arc: true,
                        value: j.into(),
                    },
                ],
                text: j.into(),
                html_text: j.into(),
                links: vec![link(j, j), link(&format!("https://{j}"), j)],
                attachments: vec![Attachment {
                    name: j.into(),
                    content_type: j.into(),
                }],
                ..MessageView::default()
            };
            let _ = judge_default(&v);
            let _ = judge(
                &v,
                true,
                &Trust {
                    authserv_ids: vec![j.into()],
                },
            );
        }
        let _ = judge_default(&MessageView::default());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_strings_are_judged(s in "\\PC{0,80}", t in "[-+()0-9 .;=a-z@xn]{0,60}") {
            let v = MessageView {
                from: Some(mailbox(&s, &t)),
                subject: s.clone(),
                auth: vec![ar(&t), ar(&s)],
                text: format!("{s}\n{t}"),
                links: vec![link(&format!("https://{t}/"), &s)],
                ..MessageView::default()
            };
            let _ = judge_default(&v);
        }
    }
}
