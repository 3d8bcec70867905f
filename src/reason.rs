//! Reasons: every finding the classifier can report, with a stable kebab-case id and its kind.
//! The sentences people read are in `output::words`, one table per language.
//!
//! The ids are part of the output format (CSV, JSON): never rename one, only add.

use serde::Serialize;

/// What a reason says about the mail, so `check` can sort and mark them and the verdict can tell
/// a fake from a genuine order that costs money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A sign of a fake or of abuse: the mail is not what it claims to be.
    SignOfFake,
    /// An outcome of a genuine order a person should look at: a charge, a renewal into a charge,
    /// a total that couldn't be read, an order that looks like someone else used the account.
    NeedsAttention,
    /// Context that explains the label without being good or bad.
    Context,
    /// A check that passed: evidence for a genuine mail.
    Pass,
}

impl Kind {
    /// Place in a record's reasons: passes, then context, then what weighs against the mail
    /// (signs of a fake and outcomes alike, in the order found).
    pub fn rank(self) -> u8 {
        match self {
            Kind::Pass => 0,
            Kind::Context => 1,
            Kind::NeedsAttention | Kind::SignOfFake => 2,
        }
    }
}

/// Output language for sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Pick the language from locale variables (`LC_ALL`, `LC_MESSAGES`, `LANG`): Japanese for
    /// `ja*`, English otherwise.
    pub fn from_locale(lookup: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| lookup(k).filter(|v| !v.is_empty()))
            .next()
            .map_or(Lang::En, |v| {
                if v.to_ascii_lowercase().starts_with("ja") {
                    Lang::Ja
                } else {
                    Lang::En
                }
            })
    }
}

macro_rules! reasons {
    ($($var:ident = $id:literal, $kind:ident;)*) => {
        /// A reason id. `as_str` gives the stable id used in records; the sentences people read
        /// are in `output::words`, one table per language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ReasonId { $(
            #[doc = $id]
            $var
        ),* }

        impl ReasonId {
            /// Every reason, in table order.
            pub const ALL: &'static [ReasonId] = &[$(ReasonId::$var),*];

            /// The stable kebab-case id.
            pub fn as_str(self) -> &'static str {
                match self { $(ReasonId::$var => $id),* }
            }

            /// What it says about the mail.
            pub fn kind(self) -> Kind {
                match self { $(ReasonId::$var => Kind::$kind),* }
            }
        }
    };
}

reasons! {
    // What the mail is.
    OrderTemplate = "order-template", Context;
    NotOrder = "not-order", Context;
    PerpetualOffice = "perpetual-office", Pass;
    NotOfficeProduct = "not-office-product", Context;
    TotalZero = "total-zero", Pass;
    TotalPositive = "total-positive", NeedsAttention;
    TotalMissing = "total-missing", NeedsAttention;
    RenewalTerms = "renewal-terms", NeedsAttention;
    PaymentInstrument = "payment-instrument", Context;
    NoPaymentInstrument = "no-payment-instrument", Pass;

    // Who sent it and whether that can be trusted.
    SenderMicrosoft = "sender-microsoft", Pass;
    SenderUnusual = "sender-unusual", SignOfFake;
    SenderNotMicrosoft = "sender-not-microsoft", SignOfFake;
    DisplayNameClaimsMicrosoft = "display-name-claims-microsoft", SignOfFake;
    FreemailSender = "freemail-sender", SignOfFake;
    LookalikeDomain = "lookalike-domain", SignOfFake;
    OnmicrosoftTenant = "onmicrosoft-tenant", SignOfFake;
    ReplyToForeign = "reply-to-foreign", SignOfFake;
    AuthPass = "auth-pass", Pass;
    AuthFail = "auth-fail", SignOfFake;
    AuthMissing = "auth-missing", Context;
    AuthUntrustedIgnored = "auth-untrusted-ignored", Context;
    InlineForward = "inline-forward", Context;
    MsgWithoutHeaders = "msg-without-headers", Context;
    AttachedForward = "attached-forward", Context;

    // Signs of a fake in the content.
    HiddenCharacters = "hidden-characters", SignOfFake;
    ConfusableLetters = "confusable-letters", SignOfFake;
    PhoneNumber = "phone-number", SignOfFake;
    CallbackWording = "callback-wording", SignOfFake;
    Urgency = "urgency", SignOfFake;
    ForeignLink = "foreign-link", SignOfFake;
    LinkTextMismatch = "link-text-mismatch", SignOfFake;
    InvoiceAttachment = "invoice-attachment", SignOfFake;
    BusinessQuantity = "business-quantity", SignOfFake;

    // Genuine orders that look like account takeover (a thief ordering with the account).
    GiftCard = "gift-card", NeedsAttention;
    RapidCharges = "rapid-charges", NeedsAttention;
    RepeatedAmount = "repeated-amount", NeedsAttention;
}

/// One finding: a reason and the header or text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// What was found.
    pub id: ReasonId,
    /// Where it was found, for `--explain` (a header value, a line of text); may be empty.
    pub evidence: String,
}

impl Reason {
    /// A finding with its evidence, cut to a readable length.
    pub fn new(id: ReasonId, evidence: impl AsRef<str>) -> Reason {
        let evidence = evidence.as_ref().trim();
        let evidence = match evidence.char_indices().nth(160) {
            Some((cut, _)) => format!("{}…", &evidence[..cut]),
            None => evidence.to_owned(),
        };
        Reason { id, evidence }
    }
}

/// Put findings in record order ([`Kind::rank`]), keeping the order found within each rank and
/// one entry per id (the first evidence wins).
pub fn tidy(reasons: &mut Vec<Reason>) {
    let mut seen = std::collections::HashSet::new();
    reasons.retain(|r| seen.insert(r.id));
    reasons.sort_by_key(|r| r.id.kind().rank());
}

impl ReasonId {
    /// Whether this sign-of-a-fake check looked at the mail whose reasons are `found`, so that
    /// its absence may be told as "checked, not found". Outcomes, context and passes are no
    /// checks; a reason given only when nothing more specific was found (`sender-not-microsoft`)
    /// and the sender check (told by the authentication line) are never listed; replies and
    /// bounces are compared only for a sender on a Microsoft domain whose headers survive.
    pub fn checked(self, found: &[ReasonId]) -> bool {
        match self {
            ReasonId::SenderNotMicrosoft | ReasonId::AuthFail => false,
            ReasonId::ReplyToForeign => {
                let has = |want: &[ReasonId]| found.iter().any(|id| want.contains(id));
                has(&[ReasonId::SenderMicrosoft, ReasonId::SenderUnusual])
                    && !has(&[ReasonId::InlineForward, ReasonId::MsgWithoutHeaders])
            }
            id => id.kind() == Kind::SignOfFake,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for r in ReasonId::ALL {
            let id = r.as_str();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{id}");
        }
    }

    #[test]
    fn lang_from_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", "C"), ("LANG", "ja_JP")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "ja")])),
            Lang::Ja
        );
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
    }

    #[test]
    fn evidence_is_cut() {
        let r = Reason::new(ReasonId::PhoneNumber, "x".repeat(500));
        assert_eq!(r.evidence.chars().count(), 161);
    }
}
