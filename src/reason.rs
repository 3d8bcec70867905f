//! Reasons: every finding the classifier can report, with a stable kebab-case id and a sentence in
//! English and Japanese.
//!
//! The ids are part of the output format (CSV, JSON): never rename one, only add.

use serde::Serialize;

/// How a reason weighs on the verdict, so that `check --explain` can sort and mark them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A check that passed: evidence for a genuine mail.
    Pass = 0,
    /// Context that explains the label without being good or bad.
    Info = 1,
    /// A sign of a fake or of abuse.
    Warn = 2,
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
    ($($var:ident = $id:literal, $kind:ident, $en:literal, $ja:literal;)*) => {
        /// A reason id. `as_str` gives the stable id used in records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ReasonId { $(
            #[doc = $en]
            $var
        ),* }

        impl ReasonId {
            /// Every reason, in table order.
            pub const ALL: &'static [ReasonId] = &[$(ReasonId::$var),*];

            /// The stable kebab-case id.
            pub fn as_str(self) -> &'static str {
                match self { $(ReasonId::$var => $id),* }
            }

            /// Whether it speaks for or against the mail.
            pub fn kind(self) -> Kind {
                match self { $(ReasonId::$var => Kind::$kind),* }
            }

            /// The sentence shown to a person.
            pub fn sentence(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((ReasonId::$var, Lang::En) => $en,
                      (ReasonId::$var, Lang::Ja) => $ja,)*
                }
            }
        }
    };
}

reasons! {
    // What the mail is.
    OrderTemplate = "order-template", Info,
        "It follows the template of Microsoft's order mails.",
        "Microsoft の注文メールの形式です。";
    NotOrder = "not-order", Info,
        "It is not a Microsoft order mail.",
        "Microsoft の注文メールではありません。";
    PerpetualOffice = "perpetual-office", Pass,
        "The item is a perpetual Office edition, as included with a new PC (digital attach).",
        "品目は PC に付属する永続版 Office（デジタルアタッチ）です。";
    NotOfficeProduct = "not-office-product", Info,
        "The item is not a perpetual Office edition.",
        "品目は永続版 Office ではありません。";
    TotalZero = "total-zero", Pass,
        "The total is zero: nothing was charged.",
        "合計は 0 で、請求はありません。";
    TotalPositive = "total-positive", Warn,
        "The total is above zero: this order was charged.",
        "合計が 0 を超えています。この注文は課金されています。";
    TotalMissing = "total-missing", Warn,
        "The total could not be read from the mail.",
        "メールから合計金額を読み取れませんでした。";
    RenewalTerms = "renewal-terms", Warn,
        "Nothing is charged now, but it renews into a charge later (trial, free period or subscription).",
        "今は無料ですが、後で自動更新され課金されます（試用・無料期間・サブスクリプション）。";
    PaymentInstrument = "payment-instrument", Info,
        "A payment method is named.",
        "支払い方法が記載されています。";
    NoPaymentInstrument = "no-payment-instrument", Pass,
        "No payment method is named, as in a digital-attach claim.",
        "支払い方法の記載がありません（デジタルアタッチの受け取りと同じです）。";

    // Who sent it and whether that can be trusted.
    SenderMicrosoft = "sender-microsoft", Pass,
        "It comes from the address Microsoft sends order mails from.",
        "Microsoft が注文メールを送るアドレスから届いています。";
    SenderUnusual = "sender-unusual", Warn,
        "It comes from a Microsoft domain, but not from the address Microsoft sends order mails from.",
        "Microsoft のドメインですが、注文メールの送信アドレスではありません。";
    SenderNotMicrosoft = "sender-not-microsoft", Warn,
        "It looks like a Microsoft order or bill, but it was not sent by Microsoft.",
        "Microsoft の注文・請求に見えますが、Microsoft から送られていません。";
    DisplayNameClaimsMicrosoft = "display-name-claims-microsoft", Warn,
        "The sender's name claims to be Microsoft, but the address is not Microsoft's.",
        "差出人名は Microsoft を名乗っていますが、アドレスは Microsoft のものではありません。";
    FreemailSender = "freemail-sender", Warn,
        "It was sent from a free mail address; Microsoft never sends orders from one.",
        "フリーメールのアドレスから送られています。Microsoft の注文メールはフリーメールから届きません。";
    LookalikeDomain = "lookalike-domain", Warn,
        "The domain imitates Microsoft's without being Microsoft's.",
        "Microsoft に似せた別のドメインです。";
    OnmicrosoftTenant = "onmicrosoft-tenant", Warn,
        "It was sent from an onmicrosoft.com tenant, which anyone can create.",
        "誰でも作れる onmicrosoft.com のテナントから送られています。";
    ReplyToForeign = "reply-to-foreign", Warn,
        "Replies or bounces go to an address that is not Microsoft's.",
        "返信先または差し戻し先が Microsoft 以外のアドレスです。";
    AuthPass = "auth-pass", Pass,
        "The receiving mail provider verified the sender (SPF, DKIM, DMARC).",
        "受信したメール事業者が送信元を確認済みです（SPF・DKIM・DMARC）。";
    AuthFail = "auth-fail", Warn,
        "The receiving mail provider's sender check failed (SPF, DKIM or DMARC).",
        "受信したメール事業者による送信元の確認（SPF・DKIM・DMARC）に失敗しています。";
    AuthMissing = "auth-missing", Info,
        "No trusted authentication results: the sender can't be verified from this copy.",
        "信頼できる認証結果がなく、このメールからは送信元を確認できません。";
    AuthUntrustedIgnored = "auth-untrusted-ignored", Info,
        "Authentication results below the provider's own or from an unknown server were ignored, since a sender can write them.",
        "受信事業者より下にある、または不明なサーバーの認証結果は、送信者が偽造できるため無視しました。";
    InlineForward = "inline-forward", Info,
        "Forwarded inline: the original headers are gone, so the sender can't be verified.",
        "本文に引用して転送されたため元のヘッダーがなく、送信元を確認できません。";
    MsgWithoutHeaders = "msg-without-headers", Info,
        "Saved from Outlook as a .msg file without its Internet headers: the sender can't be verified from this copy.",
        "Outlook で .msg ファイルとして保存され、インターネット ヘッダーが残っていないため、このファイルからは送信元を確認できません。";
    AttachedForward = "attached-forward", Info,
        "The verdict is about the original mail attached to a forward.",
        "判定は転送メールに添付された元のメールについてです。";

    // Signs of a fake in the content.
    HiddenCharacters = "hidden-characters", Warn,
        "Invisible characters are hidden inside words, a trick to slip past filters.",
        "単語の中に見えない文字が埋め込まれています（フィルター回避の手口です）。";
    ConfusableLetters = "confusable-letters", Warn,
        "Letters from other alphabets imitate Latin ones (such as Ꮇ for M).",
        "他の文字体系の似た文字でラテン文字を装っています（M の代わりの Ꮇ など）。";
    PhoneNumber = "phone-number", Warn,
        "It gives a phone number to call; Microsoft never puts one in its order mails.",
        "電話番号が書かれています。Microsoft の注文メールに電話番号が載ることはありません。";
    CallbackWording = "callback-wording", Warn,
        "It urges you to call or get in touch to cancel or get a refund.",
        "キャンセルや返金のために電話や連絡をするよう促しています。";
    Urgency = "urgency", Warn,
        "It presses you to act within hours.",
        "数時間以内の対応を迫っています。";
    ForeignLink = "foreign-link", Warn,
        "Its links lead to hosts that are not Microsoft's.",
        "リンク先が Microsoft 以外のホストです。";
    LinkTextMismatch = "link-text-mismatch", Warn,
        "A link's text names one host but leads to another.",
        "リンクの表示と実際のリンク先が異なります。";
    InvoiceAttachment = "invoice-attachment", Warn,
        "An invoice or document is attached; Microsoft's order mails carry no attachment.",
        "請求書などのファイルが添付されています。Microsoft の注文メールに添付ファイルはありません。";
    BusinessQuantity = "business-quantity", Warn,
        "It lists a business-sized quantity of licences, typical of fake invoices.",
        "法人規模の数量が記載されています（偽の請求書によくある特徴です）。";

    // Genuine orders that look like account takeover (a thief ordering with the account).
    GiftCard = "gift-card", Warn,
        "The order is for a gift card, which thieves buy with stolen accounts: check that you bought it yourself.",
        "注文はギフトカードです。乗っ取られたアカウントで購入されやすい品目です。ご自身の購入か確認してください。";
    RapidCharges = "rapid-charges", Warn,
        "Several charges to the same account came within minutes: if you did not place them all, someone may be using your Microsoft account.",
        "同じアカウントへの課金が数分のうちに続いています。すべてに心当たりがなければ、Microsoft アカウントが第三者に使われている可能性があります。";
    RepeatedAmount = "repeated-amount", Warn,
        "The same amount was charged to the same account again shortly after: if you did not buy it twice, someone may be using your Microsoft account.",
        "同じアカウントに同じ金額が短時間に繰り返し課金されています。心当たりがなければ、Microsoft アカウントが第三者に使われている可能性があります。";
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

/// Put findings in reading order: passes first, then context, then warnings, keeping the order
/// found within each kind and one entry per id (the first evidence wins).
pub fn tidy(reasons: &mut Vec<Reason>) {
    let mut seen = std::collections::HashSet::new();
    reasons.retain(|r| seen.insert(r.id));
    reasons.sort_by_key(|r| r.id.kind() as u8);
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
            assert!(!r.sentence(Lang::En).is_empty() && !r.sentence(Lang::Ja).is_empty());
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
