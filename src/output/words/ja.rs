//! 日本語.

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
        verdict: "判定",
        evidence: "根拠",
        signs_of_fake: "偽物の兆候",
        needs_attention: "確認が必要なこと",
        context: "補足",
        passed: "問題のなかった項目",
        not_found: "確認して見つからなかったもの",
        next_step: "次にすること",
        rule: "判定規則",
        brackets: ("（", "）"),
    },
    table: TableWords {
        label: "判定",
        total: "合計",
        order: "注文番号",
        subject: "件名",
        reason: "理由",
        source: "入力",
    },
    verdict_column: "判定（説明）",
    messages_read,
    messages,
    error,
    report: ReportWords {
        title: "msorder 判定レポート",
        summary: "集計",
        chart: "判定ごとの通数",
        records: "メール一覧（要確認のものから）",
        count: "通数",
        show: "表示",
        all: "すべて",
        attention: "要確認",
        search: "検索",
        sort_hint: "列の見出しをクリックすると並べ替えられます。",
        not_listed: "下の一覧には含めていません（scan --all で一覧に含めます）",
        later: "後で",
        no_records: "メールはありません。",
    },
};

fn messages_read(n: usize) -> String {
    format!("{}を読み取りました", messages(n))
}

fn messages(n: usize) -> String {
    format!("{n} 通")
}

fn column(field: Field) -> &'static str {
    match field {
        Field::Source => "入力",
        Field::Index => "通番",
        Field::MessageId => "メッセージ ID",
        Field::Date => "日時",
        Field::From => "差出人",
        Field::Subject => "件名",
        Field::Label => "判定",
        Field::OrderNumber => "注文番号",
        Field::OrderDate => "注文日",
        Field::Products => "品目",
        Field::Total => "合計",
        Field::Currency => "通貨",
        Field::Payment => "支払い方法",
        Field::ProductKey => "プロダクトキー",
        Field::Forwarded => "転送",
        Field::Authentication => "送信元の認証",
        Field::Reasons => "理由",
        Field::Error => "エラー",
        Field::LaterPrice => "今後の請求額",
        Field::LaterCurrency => "今後の請求額の通貨",
    }
}

fn label(label: Label) -> LabelWords {
    let (name, describe, next_step) = match label {
        Label::Activation => (
            "付属 Office",
            "PC 付属の Office の受け取り（0 円）です。支払いはありません",
            "対応は不要です。",
        ),
        Label::Free => (
            "無料",
            "Microsoft の無料の注文です。支払いはありません",
            "対応は不要です。",
        ),
        Label::Trial => (
            "無料期間",
            "今は無料ですが、解約しないと後で課金されます",
            "メールにある更新日を確認してください。課金を避けるには、Microsoft アカウントの「サブスクリプション」で自動更新をオフにできます。",
        ),
        Label::Charge => (
            "課金",
            "Microsoft による実際の課金です",
            "Microsoft アカウントの注文履歴で注文を確認してください。心当たりがなければ、そこから返金を依頼できます。",
        ),
        Label::Suspicious => (
            "不審",
            "不審なメールです（偽物の可能性大）。電話・クリック・支払いをしないでください",
            "電話をかけず、リンクを開かず、支払いもせずに、メールを削除してください。",
        ),
        Label::Unclear => (
            "金額不明",
            "Microsoft の注文メールですが、金額を読み取れませんでした",
            "Microsoft アカウントの注文履歴で注文を確認してください。",
        ),
        Label::Unrelated => (
            "対象外",
            "Microsoft の注文メールではありません",
            "このメールについて対応は不要です。",
        ),
        Label::Error => (
            "エラー",
            "このメールを読み取れませんでした",
            "メールをファイル（.eml または .msg）として保存し、そのファイルを確認してください。",
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
            status: "確認済み",
            why: "受信したメール事業者が送信元のドメインを SPF・DKIM・DMARC で確認",
        },
        AuthStatus::Fail => AuthWords {
            status: "失敗",
            why: "受信したメール事業者による SPF・DKIM・DMARC の確認に失敗",
        },
        AuthStatus::None => AuthWords {
            status: "なし",
            why: "認証結果がありません",
        },
    }
}

fn reason(id: ReasonId) -> ReasonWords {
    match id {
        ReasonId::OrderTemplate => ReasonWords {
            sentence: "Microsoft の注文メールの形式です。",
            short: "注文メールの形式",
            not_found: None,
        },
        ReasonId::NotOrder => ReasonWords {
            sentence: "Microsoft の注文メールではありません。",
            short: "注文メールではない",
            not_found: None,
        },
        ReasonId::PerpetualOffice => ReasonWords {
            sentence: "品目は PC に付属する永続版 Office（デジタルアタッチ）です。",
            short: "PC 付属の永続版 Office",
            not_found: None,
        },
        ReasonId::NotOfficeProduct => ReasonWords {
            sentence: "品目は永続版 Office ではありません。",
            short: "永続版 Office 以外",
            not_found: None,
        },
        ReasonId::TotalZero => ReasonWords {
            sentence: "合計は 0 で、請求はありません。",
            short: "合計 0",
            not_found: None,
        },
        ReasonId::TotalPositive => ReasonWords {
            sentence: "合計が 0 を超えています。この注文は課金されています。",
            short: "課金あり",
            not_found: None,
        },
        ReasonId::TotalMissing => ReasonWords {
            sentence: "メールから合計金額を読み取れませんでした。",
            short: "合計を読めない",
            not_found: None,
        },
        ReasonId::RenewalTerms => ReasonWords {
            sentence: "今は無料ですが、後で自動更新され課金されます（試用・無料期間・サブスクリプション）。",
            short: "自動更新で課金",
            not_found: None,
        },
        ReasonId::PaymentInstrument => ReasonWords {
            sentence: "支払い方法が記載されています。",
            short: "支払い方法あり",
            not_found: None,
        },
        ReasonId::NoPaymentInstrument => ReasonWords {
            sentence: "支払い方法の記載がありません（デジタルアタッチの受け取りと同じです）。",
            short: "支払い方法なし",
            not_found: None,
        },
        ReasonId::SenderMicrosoft => ReasonWords {
            sentence: "Microsoft が注文メールを送るアドレスから届いています。",
            short: "Microsoft の送信元",
            not_found: None,
        },
        ReasonId::SenderUnusual => ReasonWords {
            sentence: "Microsoft のドメインですが、注文メールの送信アドレスではありません。",
            short: "通常と違う Microsoft の送信元",
            not_found: Some("注文メール用以外の Microsoft のアドレスからではありません"),
        },
        ReasonId::SenderNotMicrosoft => ReasonWords {
            sentence: "Microsoft の注文・請求に見えますが、Microsoft から送られていません。",
            short: "Microsoft 以外から送信",
            not_found: None,
        },
        ReasonId::DisplayNameClaimsMicrosoft => ReasonWords {
            sentence: "差出人名は Microsoft を名乗っていますが、アドレスは Microsoft のものではありません。",
            short: "Microsoft を名乗る差出人名",
            not_found: Some("Microsoft を名乗る別のアドレスの差出人ではありません"),
        },
        ReasonId::FreemailSender => ReasonWords {
            sentence: "フリーメールのアドレスから送られています。Microsoft の注文メールはフリーメールから届きません。",
            short: "フリーメールから送信",
            not_found: Some("フリーメールのアドレスからではありません"),
        },
        ReasonId::LookalikeDomain => ReasonWords {
            sentence: "Microsoft に似せた別のドメインです。",
            short: "似せたドメイン",
            not_found: Some("Microsoft に似せたドメインはありません"),
        },
        ReasonId::OnmicrosoftTenant => ReasonWords {
            sentence: "誰でも作れる onmicrosoft.com のテナントから送られています。",
            short: "onmicrosoft.com テナント",
            not_found: Some("onmicrosoft.com のテナントからではありません"),
        },
        ReasonId::ReplyToForeign => ReasonWords {
            sentence: "返信先または差し戻し先が Microsoft 以外のアドレスです。",
            short: "返信先が Microsoft 以外",
            not_found: Some("返信先・差し戻し先に Microsoft 以外のアドレスはありません"),
        },
        ReasonId::AuthPass => ReasonWords {
            sentence: "受信したメール事業者が送信元を確認済みです（SPF・DKIM・DMARC）。",
            short: "送信元を確認済み",
            not_found: None,
        },
        ReasonId::AuthFail => ReasonWords {
            sentence: "受信したメール事業者による送信元の確認（SPF・DKIM・DMARC）に失敗しています。",
            short: "送信元の確認に失敗",
            not_found: None,
        },
        ReasonId::AuthMissing => ReasonWords {
            sentence: "信頼できる認証結果がなく、このメールからは送信元を確認できません。",
            short: "信頼できる認証結果がありません",
            not_found: None,
        },
        ReasonId::AuthUntrustedIgnored => ReasonWords {
            sentence: "受信事業者より下にある、または不明なサーバーの認証結果は、送信者が偽造できるため無視しました。",
            short: "信頼できない認証結果を無視",
            not_found: None,
        },
        ReasonId::InlineForward => ReasonWords {
            sentence: "本文に引用して転送されたため元のヘッダーがなく、送信元を確認できません。",
            short: "本文に引用した転送で、元のヘッダーがありません",
            not_found: None,
        },
        ReasonId::MsgWithoutHeaders => ReasonWords {
            sentence: "Outlook で .msg ファイルとして保存され、インターネット ヘッダーが残っていないため、このファイルからは送信元を確認できません。",
            short: "インターネット ヘッダーのない .msg ファイルです",
            not_found: None,
        },
        ReasonId::AttachedForward => ReasonWords {
            sentence: "判定は転送メールに添付された元のメールについてです。",
            short: "転送に添付された元のメール",
            not_found: None,
        },
        ReasonId::HiddenCharacters => ReasonWords {
            sentence: "単語の中に見えない文字が埋め込まれています（フィルター回避の手口です）。",
            short: "見えない文字",
            not_found: Some("単語の中に隠れた見えない文字はありません"),
        },
        ReasonId::ConfusableLetters => ReasonWords {
            sentence: "他の文字体系の似た文字でラテン文字を装っています（M の代わりの Ꮇ など）。",
            short: "似せた文字",
            not_found: Some("ラテン文字を装った他の文字体系の文字はありません"),
        },
        ReasonId::PhoneNumber => ReasonWords {
            sentence: "電話番号が書かれています。Microsoft の注文メールに電話番号が載ることはありません。",
            short: "電話番号",
            not_found: Some("折り返しの電話番号はありません"),
        },
        ReasonId::CallbackWording => ReasonWords {
            sentence: "キャンセルや返金のために電話や連絡をするよう促しています。",
            short: "電話を促す",
            not_found: Some("キャンセルや返金のために連絡を促す文言はありません"),
        },
        ReasonId::Urgency => ReasonWords {
            sentence: "数時間以内の対応を迫っています。",
            short: "至急の対応を要求",
            not_found: Some("数時間以内の対応を迫る文言はありません"),
        },
        ReasonId::ForeignLink => ReasonWords {
            sentence: "リンク先が Microsoft 以外のホストです。",
            short: "外部へのリンク",
            not_found: Some("Microsoft 以外のホストへのリンクはありません"),
        },
        ReasonId::LinkTextMismatch => ReasonWords {
            sentence: "リンクの表示と実際のリンク先が異なります。",
            short: "偽装リンク",
            not_found: Some("表示と行き先が異なるリンクはありません"),
        },
        ReasonId::InvoiceAttachment => ReasonWords {
            sentence: "請求書などのファイルが添付されています。Microsoft の注文メールに添付ファイルはありません。",
            short: "請求書の添付",
            not_found: Some("請求書などの添付ファイルはありません"),
        },
        ReasonId::BusinessQuantity => ReasonWords {
            sentence: "法人規模の数量が記載されています（偽の請求書によくある特徴です）。",
            short: "法人規模の数量",
            not_found: Some("法人規模の数量の記載はありません"),
        },
        ReasonId::GiftCard => ReasonWords {
            sentence: "注文はギフトカードです。乗っ取られたアカウントで購入されやすい品目です。ご自身の購入か確認してください。",
            short: "ギフトカード",
            not_found: None,
        },
        ReasonId::RapidCharges => ReasonWords {
            sentence: "同じアカウントへの課金が数分のうちに続いています。すべてに心当たりがなければ、Microsoft アカウントが第三者に使われている可能性があります。",
            short: "短時間の連続課金",
            not_found: None,
        },
        ReasonId::RepeatedAmount => ReasonWords {
            sentence: "同じアカウントに同じ金額が短時間に繰り返し課金されています。心当たりがなければ、Microsoft アカウントが第三者に使われている可能性があります。",
            short: "同額の繰り返し課金",
            not_found: None,
        },
    }
}

fn error(e: &ReadError) -> String {
    match e {
        ReadError::Io(io) => io_error(io),
        ReadError::MboxRead(io) => format!("読み取りの途中でエラーが起きました（{}）", io_error(io)),
        ReadError::SymlinkToDir => "フォルダーへのシンボリックリンクです。たどりませんでした".into(),
        ReadError::NotRegular => {
            "通常のファイルではありません（FIFO、ソケット、デバイス）。読み飛ばしました".into()
        }
        ReadError::TooLarge { max_size } => {
            format!("メールが上限の大きさ（{max_size} バイト、--max-size で変更できます）を超えています")
        }
        ReadError::Decode(d) => decode_error(d),
        ReadError::Msg(m) => msg_error(m),
        ReadError::Internal => "このメールの読み取り中に内部エラーが起きました（報告をお願いします）".into(),
        ReadError::InternalInput => {
            "この入力の読み取り中に内部エラーが起きました（報告をお願いします）".into()
        }
    }
}

fn io_error(e: &IoKind) -> String {
    match e {
        IoKind::NotFound => "ファイルまたはフォルダーが見つかりません".into(),
        IoKind::PermissionDenied => "読み取る権限がありません".into(),
        IoKind::Other(system) => format!("読み取れません（{system}）"),
    }
}

fn decode_error(e: &DecodeError) -> String {
    match e {
        DecodeError::Empty => "空のメールです".into(),
        DecodeError::NotMail => "メールではありません（メールのヘッダーがありません）".into(),
        DecodeError::Truncated => {
            "メールが途中で切れています（ヘッダーか MIME パートが終わっていません）".into()
        }
        DecodeError::TooDeep(n) => {
            format!("入れ子が深すぎます（埋め込まれたメールが {n} 個、上限は {MAX_EMBEDDED} 個）")
        }
        DecodeError::TooLarge(n) => format!(
            "入れ子が大きすぎます（展開するエンコード済みの埋め込みメールが {} MiB）",
            n >> 20
        ),
    }
}

fn msg_error(e: &MsgError) -> String {
    match e {
        MsgError::Unreadable(why) => format!("Outlook の .msg ファイルとして読み取れません（{why}）"),
        MsgError::NotOutlook => {
            "Outlook のメッセージではない複合ファイルです（MAPI プロパティがありません）".into()
        }
        MsgError::BrokenStream(path, why) => format!(".msg のストリーム {path} が壊れています（{why}）"),
        MsgError::StreamsTooLarge => {
            "壊れた .msg ファイルです（ストリームの合計がファイルより大きい）".into()
        }
        MsgError::BrokenStorage(why) => format!(".msg のストレージが壊れています（{why}）"),
        MsgError::TooManyAttachments => format!("添付ファイルが {MAX_ATTACHMENTS} 個を超える .msg です"),
        MsgError::TooDeep => format!("メールの埋め込みが {MAX_DEPTH} 段を超える .msg です"),
    }
}
