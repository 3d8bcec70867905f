//! The mail providers' facts: whose Authentication-Results can be trusted, free-mail domains,
//! forwarding services.

/// authserv-ids of well-known receiving providers (field guide §4), matched exactly or as a
/// suffix on a label boundary (`mta4463.mail.bf1.yahoo.com` ends in `yahoo.com`). Outlook.com /
/// Microsoft 365 write no authserv-id at all; that case is recognised by its `compauth=`.
pub(crate) const TRUSTED_AUTHSERV: &[&str] = &[
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

/// Free-mail registrable domains. `name.*` matches any suffix (`gmx.de`, `gmx.net`).
pub(crate) const FREEMAIL: &[&str] = &[
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

/// Return-Path local parts written by forwarders (Gmail auto-forward, SRS): the original
/// Return-Path was rewritten by the forwarding mailbox, not chosen by the sender.
pub(crate) const FORWARDER_RETURN_PATHS: &[&str] = &["srs0=", "srs1=", "+caf_=", "bounces+srs="];
