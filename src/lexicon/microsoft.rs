//! Microsoft's facts: the addresses and domains it sends from, its hosts and products.

/// Addresses Microsoft sends order mails from (field guide §2; the only one attested).
pub(crate) const ORDER_SENDERS: &[&str] = &["microsoft-noreply@microsoft.com"];

/// Microsoft's own registrable domains, for senders and links. Those that are also free mail
/// (outlook.com, live.com, msn.com, hotmail.com) count for links only: anyone can send from them.
pub(crate) const MICROSOFT_DOMAINS: &[&str] = &[
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
pub(crate) const USER_HOSTED: &[&str] = &[
    "cloudapp.azure.com",
    "forms.office.com",
    "forms.microsoft.com",
    "sway.office.com",
    "onedrive.live.com",
];

/// Hosts of Microsoft's own on other registrable domains (the tracking and feedback links of
/// Microsoft 365 notices), matched as suffixes on a label boundary.
pub(crate) const MICROSOFT_HOSTS: &[&str] = &["safelink.emails.azure.net"];

/// Tenants anyone can create (`contoso.onmicrosoft.com`): matched as a suffix on a label boundary.
pub(crate) const TENANT_DOMAIN: &str = "onmicrosoft.com";

/// The Outlook safelinks wrapper; the real URL is its `url=` parameter.
pub(crate) const SAFELINKS: &str = "safelinks.protection.outlook.com";

/// The authserv-id of Microsoft's receiving servers in the ARC set they put on top. Only in ARC
/// results: plain results from it are not Outlook's layout.
pub(crate) const MICROSOFT_ARC_ID: &str = "mx.microsoft.com";

/// Words before a product's number (`Microsoft 365`, `Office 365`, `M365`), folded: a number
/// after them names a product, not a count of licences.
pub(crate) const PRODUCT_NUMBER_WORDS: &[&str] = &["microsoft", "office", "m"];

use crate::order::ProductKind;

// order: products
/// Product patterns (on folded text), most specific first.
pub(crate) const PRODUCTS: &[(ProductKind, &str)] = &[
    (
        ProductKind::PerpetualOffice,
        r"(?:microsoft\s+)?office\s+(?:home\s*(?:&|and|＆)\s*(?:business|student)|home|personal|professional(?:\s+plus)?|standard|ltsc\s+\w+)\s*20(?:1[0369]|2[14])",
    ),
    (
        ProductKind::Subscription,
        // `(?:business|apps\s+for)\s+\w+`, not `business\s+\w+|apps\s+for\s+\w+`: the same
        // matches in the same order, with one copy fewer of `\w`, costly to build.
        r"(?:microsoft|office)\s*365(?:\s+(?:personal|family|basic|premium|(?:business|apps\s+for)\s+\w+))?|xbox\s+game\s+pass(?:\s+\w+)?|pc\s+game\s+pass|copilot\s+pro",
    ),
];

// order: footer
/// Microsoft's name and address in the footer of its mails (folded): no product.
pub(crate) const FOOTER: &[&str] = &["microsoft corporation", "one microsoft way", "redmond, wa"];

// scope: short brand words
/// Short brand words (product names), matched on word boundaries (`xbox`, not `maxbox`); a space
/// in them may be missing (`office365`).
pub(crate) const SHORT_BRAND_WORDS: &[&str] = &["office 365", "windows defender", "xbox"];
