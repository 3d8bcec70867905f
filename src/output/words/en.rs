//! English.

use super::{AuthWords, CheckWords, LabelWords, ReasonWords, ReportWords, TableWords, Words};
use crate::auth::AuthStatus;
use crate::error::{DecodeError, IoKind, MsgError, ReadError};
use crate::mime::MAX_EMBEDDED;
use crate::msg::{MAX_ATTACHMENTS, MAX_DEPTH};
use crate::reason::ReasonId;
use crate::record::Field;
use crate::verdict::Label;

pub const WORDS: Words = Words {
    column,
    label,
    reason,
    auth,
    check: CheckWords {
        verdict: "Verdict",
        evidence: "evidence",
        signs_of_fake: "Signs of a fake",
        needs_attention: "Needs attention",
        context: "Context",
        passed: "Passed",
        not_found: "Checked, not found",
        next_step: "Next step",
        rule: "Rule",
        brackets: (" (", ")"),
    },
    table: TableWords {
        label: "LABEL",
        total: "TOTAL",
        order: "ORDER",
        subject: "SUBJECT",
        reason: "REASON",
        source: "SOURCE",
    },
    verdict_column: "Verdict",
    messages_read,
    messages,
    error,
    report: ReportWords {
        title: "msorder report",
        summary: "Summary",
        chart: "Messages per label",
        records: "Messages, those that need attention first",
        count: "Messages",
        show: "Show",
        all: "All",
        attention: "Needs attention",
        search: "Search",
        sort_hint: "Click a column heading to sort by it.",
        not_listed: "not listed below (scan --all lists them)",
        later: "later",
        no_records: "No messages.",
    },
};

fn messages_read(n: usize) -> String {
    format!("{} read", messages(n))
}

fn messages(n: usize) -> String {
    match n {
        1 => "1 message".to_owned(),
        n => format!("{n} messages"),
    }
}

fn column(field: Field) -> &'static str {
    match field {
        Field::Source => "Source",
        Field::Index => "Index",
        Field::MessageId => "Message-ID",
        Field::Date => "Date",
        Field::From => "From",
        Field::Subject => "Subject",
        Field::Label => "Label",
        Field::OrderNumber => "Order number",
        Field::OrderDate => "Order date",
        Field::Products => "Products",
        Field::Total => "Total",
        Field::Currency => "Currency",
        Field::Payment => "Payment",
        Field::ProductKey => "Product key",
        Field::Forwarded => "Forwarded",
        Field::Authentication => "Authentication",
        Field::Reasons => "Reasons",
        Field::Error => "Error",
        Field::LaterPrice => "Charged later",
        Field::LaterCurrency => "Currency charged later",
    }
}

fn label(label: Label) -> LabelWords {
    let (name, describe, next_step) = match label {
        Label::Activation => (
            "activation",
            "Office included with the PC was activated (0 yen): nothing to pay",
            "Nothing to do.",
        ),
        Label::Free => (
            "free",
            "Free order from Microsoft: nothing to pay",
            "Nothing to do.",
        ),
        Label::Trial => (
            "trial",
            "Free now, but it will be charged later unless cancelled",
            "Note the renewal date in the mail; to avoid the charge, turn off auto-renew under Subscriptions in your Microsoft account.",
        ),
        Label::Charge => (
            "charge",
            "A real Microsoft charge",
            "See the order in your Microsoft account's order history; if you did not buy it, ask for a refund there.",
        ),
        Label::Suspicious => (
            "suspicious",
            "Suspicious: probably a fake. Do not call, click or pay",
            "Don't call any number, click any link or pay; delete the mail.",
        ),
        Label::Unclear => (
            "unclear",
            "Microsoft order mail, but the amount could not be read",
            "Look the order up in your Microsoft account's order history.",
        ),
        Label::Unrelated => ("unrelated", "Not a Microsoft order mail", "Nothing to do here."),
        Label::Error => (
            "error",
            "Could not read this mail",
            "Save the mail as a file (.eml or .msg) and check that file.",
        ),
    };
    LabelWords {
        name,
        describe,
        next_step,
    }
}

fn auth(status: AuthStatus) -> AuthWords {
    match status {
        AuthStatus::Pass => AuthWords {
            status: "verified",
            why: "the receiving mail provider verified the sender's domain: SPF, DKIM, DMARC",
        },
        AuthStatus::Fail => AuthWords {
            status: "failed",
            why: "the receiving mail provider's SPF, DKIM or DMARC check failed",
        },
        AuthStatus::None => AuthWords {
            status: "none",
            why: "no authentication results",
        },
    }
}

fn reason(id: ReasonId) -> ReasonWords {
    match id {
        ReasonId::OrderTemplate => ReasonWords {
            sentence: "It follows the template of Microsoft's order mails.",
            short: "Microsoft order template",
            not_found: None,
        },
        ReasonId::NotOrder => ReasonWords {
            sentence: "It is not a Microsoft order mail.",
            short: "not an order mail",
            not_found: None,
        },
        ReasonId::PerpetualOffice => ReasonWords {
            sentence: "The item is a perpetual Office edition, as included with a new PC (digital attach).",
            short: "Office included with a PC",
            not_found: None,
        },
        ReasonId::NotOfficeProduct => ReasonWords {
            sentence: "The item is not a perpetual Office edition.",
            short: "not perpetual Office",
            not_found: None,
        },
        ReasonId::TotalZero => ReasonWords {
            sentence: "The total is zero: nothing was charged.",
            short: "total 0",
            not_found: None,
        },
        ReasonId::TotalPositive => ReasonWords {
            sentence: "The total is above zero: this order was charged.",
            short: "charged",
            not_found: None,
        },
        ReasonId::TotalMissing => ReasonWords {
            sentence: "The total could not be read from the mail.",
            short: "total unreadable",
            not_found: None,
        },
        ReasonId::RenewalTerms => ReasonWords {
            sentence: "Nothing is charged now, but it renews into a charge later (trial, free period or subscription).",
            short: "renews into a charge",
            not_found: None,
        },
        ReasonId::PaymentInstrument => ReasonWords {
            sentence: "A payment method is named.",
            short: "payment method named",
            not_found: None,
        },
        ReasonId::NoPaymentInstrument => ReasonWords {
            sentence: "No payment method is named, as in a digital-attach claim.",
            short: "no payment method",
            not_found: None,
        },
        ReasonId::SenderMicrosoft => ReasonWords {
            sentence: "It comes from the address Microsoft sends order mails from.",
            short: "Microsoft's order sender",
            not_found: None,
        },
        ReasonId::SenderUnusual => ReasonWords {
            sentence: "It comes from a Microsoft domain, but not from the address Microsoft sends order mails from.",
            short: "unusual Microsoft sender",
            not_found: Some("Not from a Microsoft address other than the one order mails come from"),
        },
        ReasonId::SenderNotMicrosoft => ReasonWords {
            sentence: "It looks like a Microsoft order or bill, but it was not sent by Microsoft.",
            short: "not sent by Microsoft",
            not_found: None,
        },
        ReasonId::DisplayNameClaimsMicrosoft => ReasonWords {
            sentence: "The sender's name claims to be Microsoft, but the address is not Microsoft's.",
            short: "name poses as Microsoft",
            not_found: Some("No sender name posing as Microsoft on another address"),
        },
        ReasonId::FreemailSender => ReasonWords {
            sentence: "It was sent from a free mail address; Microsoft never sends orders from one.",
            short: "free mail sender",
            not_found: Some("Not sent from a free mail address"),
        },
        ReasonId::LookalikeDomain => ReasonWords {
            sentence: "The domain imitates Microsoft's without being Microsoft's.",
            short: "look-alike domain",
            not_found: Some("No domain imitating Microsoft's"),
        },
        ReasonId::OnmicrosoftTenant => ReasonWords {
            sentence: "It was sent from an onmicrosoft.com tenant, which anyone can create.",
            short: "onmicrosoft.com tenant",
            not_found: Some("Not sent from an onmicrosoft.com tenant"),
        },
        ReasonId::ReplyToForeign => ReasonWords {
            sentence: "Replies or bounces go to an address that is not Microsoft's.",
            short: "replies go elsewhere",
            not_found: Some("Replies and bounces don't go to an address outside Microsoft"),
        },
        ReasonId::AuthPass => ReasonWords {
            sentence: "The receiving mail provider verified the sender (SPF, DKIM, DMARC).",
            short: "sender verified",
            not_found: None,
        },
        ReasonId::AuthFail => ReasonWords {
            sentence: "The receiving mail provider's sender check failed (SPF, DKIM or DMARC).",
            short: "sender check failed",
            not_found: None,
        },
        ReasonId::AuthMissing => ReasonWords {
            sentence: "No trusted authentication results: the sender can't be verified from this copy.",
            short: "no trusted authentication results",
            not_found: None,
        },
        ReasonId::AuthUntrustedIgnored => ReasonWords {
            sentence: "Authentication results below the provider's own or from an unknown server were ignored, since a sender can write them.",
            short: "untrusted results ignored",
            not_found: None,
        },
        ReasonId::InlineForward => ReasonWords {
            sentence: "Forwarded inline: the original headers are gone, so the sender can't be verified.",
            short: "forwarded inline, the original headers are gone",
            not_found: None,
        },
        ReasonId::MsgWithoutHeaders => ReasonWords {
            sentence: "Saved from Outlook as a .msg file without its Internet headers: the sender can't be verified from this copy.",
            short: ".msg file without its Internet headers",
            not_found: None,
        },
        ReasonId::AttachedForward => ReasonWords {
            sentence: "The verdict is about the original mail attached to a forward.",
            short: "original attached to a forward",
            not_found: None,
        },
        ReasonId::HiddenCharacters => ReasonWords {
            sentence: "Invisible characters are hidden inside words, a trick to slip past filters.",
            short: "hidden characters",
            not_found: Some("No invisible characters hidden inside words"),
        },
        ReasonId::ConfusableLetters => ReasonWords {
            sentence: "Letters from other alphabets imitate Latin ones (such as Ꮇ for M).",
            short: "look-alike letters",
            not_found: Some("No letters from other alphabets posing as Latin ones"),
        },
        ReasonId::PhoneNumber => ReasonWords {
            sentence: "It gives a phone number to call; Microsoft never puts one in its order mails.",
            short: "phone number",
            not_found: Some("No phone number to call"),
        },
        ReasonId::CallbackWording => ReasonWords {
            sentence: "It urges you to call or get in touch to cancel or get a refund.",
            short: "asks you to call",
            not_found: Some("No request to call or write to cancel or get a refund"),
        },
        ReasonId::Urgency => ReasonWords {
            sentence: "It presses you to act within hours.",
            short: "urgent deadline",
            not_found: Some("No pressure to act within hours"),
        },
        ReasonId::ForeignLink => ReasonWords {
            sentence: "Its links lead to hosts that are not Microsoft's.",
            short: "links elsewhere",
            not_found: Some("No links to hosts that are not Microsoft's"),
        },
        ReasonId::LinkTextMismatch => ReasonWords {
            sentence: "A link's text names one host but leads to another.",
            short: "misleading link",
            not_found: Some("No link whose text names another host than it leads to"),
        },
        ReasonId::InvoiceAttachment => ReasonWords {
            sentence: "An invoice or document is attached; Microsoft's order mails carry no attachment.",
            short: "invoice attached",
            not_found: Some("No invoice or document attached"),
        },
        ReasonId::BusinessQuantity => ReasonWords {
            sentence: "It lists a business-sized quantity of licences, typical of fake invoices.",
            short: "business quantity",
            not_found: Some("No business-sized quantity of licences"),
        },
        ReasonId::GiftCard => ReasonWords {
            sentence: "The order is for a gift card, which thieves buy with stolen accounts: check that you bought it yourself.",
            short: "gift card",
            not_found: None,
        },
        ReasonId::RapidCharges => ReasonWords {
            sentence: "Several charges to the same account came within minutes: if you did not place them all, someone may be using your Microsoft account.",
            short: "rapid charges",
            not_found: None,
        },
        ReasonId::RepeatedAmount => ReasonWords {
            sentence: "The same amount was charged to the same account again shortly after: if you did not buy it twice, someone may be using your Microsoft account.",
            short: "repeated amount",
            not_found: None,
        },
    }
}

fn error(e: &ReadError) -> String {
    match e {
        ReadError::Io(io) => io_error(io),
        ReadError::MboxRead(io) => format!("read error: {}", io_error(io)),
        ReadError::SymlinkToDir => "symbolic link to a directory, not followed".into(),
        ReadError::NotRegular => "not a regular file (FIFO, socket or device), skipped".into(),
        ReadError::TooLarge { max_size } => {
            format!("message larger than the maximum size ({max_size} bytes; see --max-size)")
        }
        ReadError::Decode(d) => decode_error(d),
        ReadError::Msg(m) => msg_error(m),
        ReadError::Internal => "internal error while reading this message (please report it)".into(),
        ReadError::InternalInput => "internal error while reading this input (please report it)".into(),
    }
}

fn io_error(e: &IoKind) -> String {
    match e {
        IoKind::NotFound => "no such file or directory".into(),
        IoKind::PermissionDenied => "permission denied".into(),
        IoKind::Other(system) => system.clone(),
    }
}

fn decode_error(e: &DecodeError) -> String {
    match e {
        DecodeError::Empty => "empty message".into(),
        DecodeError::NotMail => "not a mail message (no mail header fields)".into(),
        DecodeError::Truncated => "truncated message (header block or MIME part cut short)".into(),
        DecodeError::TooDeep(n) => {
            format!("nesting too deep ({n} embedded message/rfc822 parts, limit {MAX_EMBEDDED})")
        }
        DecodeError::TooLarge(n) => format!(
            "nesting too large ({} MiB of encoded embedded messages to unpack)",
            n >> 20
        ),
    }
}

fn msg_error(e: &MsgError) -> String {
    match e {
        MsgError::Unreadable(why) => format!("not a readable Outlook .msg file ({why})"),
        MsgError::NotOutlook => "compound file that is not an Outlook message (no MAPI properties)".into(),
        MsgError::BrokenStream(path, why) => format!("broken .msg stream {path}: {why}"),
        MsgError::StreamsTooLarge => "malformed .msg file (its streams add up to more than the file)".into(),
        MsgError::BrokenStorage(why) => format!("broken .msg storage: {why}"),
        MsgError::TooManyAttachments => format!(".msg with more than {MAX_ATTACHMENTS} attachments"),
        MsgError::TooDeep => format!(".msg with messages embedded more than {MAX_DEPTH} deep"),
    }
}
