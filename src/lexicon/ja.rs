//! Japanese: every table msorder matches that is written in Japanese.

use super::Language;
use crate::forward::QuotedField;
use crate::order::{Field, Template};

pub(crate) const LANGUAGE: Language = Language {
    code: "ja",
    // auth: content signals
    // Wording that sends the reader to a phone or a "support" desk (folded). Kept specific:
    // Microsoft's own security notices say "if you don't recognize this" (心当たりがない場合).
    callback_phrases: &[
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
    ],

    // Pressure to act within hours (folded).
    urgency_phrases: &[
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
    ],

    // Labels before a count of licences or users (`数量: 10`), folded.
    seat_count_labels: &["数量", "ライセンス数", "個数", "台数"],

    // What a count of licences is counted in (`5 ライセンス`), folded.
    seat_units: &["ライセンス"],

    // A word that may stand between the count and its unit: none in Japanese.
    seat_unit_qualifiers: &[],

    // Words before a number that make it a limit, not a count (`最大 5 ライセンス`), folded.
    seat_limit_words: &["最大"],

    // order: subjects
    template_words: &["microsoftの注文", "microsoftのご注文"],
    subject_templates: &[(
        Template::JaOrder,
        r"microsoft\s*の\s*(?:ご\s*)?注文\s*(?:#|番号)?\s*(\d{4,14})",
        "Microsoft の注文 #1234567890 が処理されました",
    )],
    subject_prefixes: &["転送", "返信", "回覧"],
    billing_words: &[
        "注文",
        "請求",
        "支払",
        "購入",
        "更新",
        "領収",
        "決済",
        "返金",
        "引き落とし",
    ],

    // order: fields
    // The longest label a line starts with wins (`次回のお支払い` over nothing, `お支払い金額`
    // over `お支払い方法`'s neighbours).
    order_labels: &[
        (Field::Number, "注文番号"),
        (Field::Number, "ご注文番号"),
        (Field::Date, "購入日"),
        (Field::Date, "ご購入日"),
        (Field::Date, "注文日"),
        (Field::Date, "ご注文日"),
        (Field::ChargedNow, "今回のお支払い"),
        (Field::ChargedNow, "今回のご請求"),
        (Field::ChargedNow, "今回の請求額"),
        (Field::ChargedNow, "本日のお支払い"),
        (Field::ChargedNow, "本日のご請求"),
        (Field::ChargedNow, "お支払い金額"),
        (Field::ChargedNow, "お支払い額"),
        (Field::ChargedNow, "ご請求金額"),
        (Field::ChargedNow, "ご請求額"),
        (Field::ChargedNow, "請求額"),
        (Field::ChargedNow, "今回ご請求"),
        (Field::Total, "合計"),
        (Field::Total, "合計金額"),
        (Field::Total, "お支払い合計"),
        (Field::Total, "総額"),
        (Field::Total, "総合計"),
        (Field::Total, "お支払い総額"),
        (Field::Total, "ご請求総額"),
        (Field::ItemPrice, "価格"),
        (Field::ItemPrice, "金額"),
        (Field::ItemPrice, "単価"),
        (Field::Later, "プランの価格"),
        (Field::Later, "プラン価格"),
        (Field::Later, "更新後の価格"),
        (Field::Later, "更新後のお支払い"),
        (Field::Later, "更新価格"),
        (Field::Later, "更新日"),
        (Field::Later, "次回更新日"),
        (Field::Later, "次回のお支払い"),
        (Field::Later, "次回のご請求"),
        (Field::Later, "次回の請求"),
        (Field::Later, "次回請求"),
        (Field::Later, "無料期間の終了日"),
        (Field::Later, "無料期間終了日"),
        (Field::Later, "試用期間の終了日"),
        (Field::Later, "有効期限"),
        (Field::Later, "更新料金"),
        (Field::Later, "更新時のお支払い"),
        (Field::Later, "次回更新時"),
        (Field::Later, "無料期間終了後"),
        (Field::Part, "小計"),
        (Field::Part, "消費税"),
        (Field::Part, "うち消費税"),
        (Field::Part, "税額"),
        (Field::Part, "税金"),
        (Field::Part, "税("),
        (Field::Part, "割引"),
        (Field::Payment, "お支払い方法"),
        (Field::Payment, "支払い方法"),
        (Field::Payment, "支払方法"),
        (Field::Key, "プロダクトキー"),
        (Field::Key, "プロダクト キー"),
        (Field::Details, "注文の詳細"),
        (Field::Details, "ご注文の詳細"),
        (Field::Details, "ご注文内容"),
    ],

    // order: amounts
    masked_card_words: &["末尾"],

    // order: dates
    month_names: &[],
    date_units: &["年", "月", "日"],

    // order: renewal
    later_markers: &[
        "請求されます",
        "請求いたします",
        "請求させていただきます",
        "自動的に請求",
        "引き落とされます",
        "更新後",
        "次回",
        "終了後",
        "以降は",
        "その後",
        "更新時",
        "毎月",
        "毎年",
        "プランの価格",
    ],
    renewal_phrases: &[
        "自動更新",
        "自動的に更新",
        "自動的に請求",
        "定期請求",
        "次回のお支払い",
        "次回請求",
        "次回のご請求",
        "更新日",
        "更新後の価格",
        "プランの価格",
        "無料期間",
        "無料試用",
        "試用期間",
        "お試し期間",
        "体験期間",
        "月額",
        "年額",
    ],
    periods: &["/年", "/月", "/1 か月", "/12 か月"],

    // order: items
    item_headings: &[
        "アイテムの説明",
        "アイテム",
        "説明",
        "数量",
        "価格",
        "金額",
        "単価",
        "品目",
        "商品",
        "商品名",
        "製品",
        "製品名",
    ],
    bylines: &["発行元", "販売元", "提供元"],
    item_attributes: &["発行元", "販売元", "提供元", "開発元", "自動更新", "自動更新設定"],
    quantity_words: &["数量", "個数"],
    quantity_marks: &[],
    term_descriptors: &["か月", "ヶ月", "年間", "特典", "サブスクリプション"],
    signatures: &["チームより", "チーム一同", "プライバシー", "敬具"],
    section_ends: &["小計", "税", "消費税", "お支払い"],

    // forward: inline forwards
    forward_separators: &[
        "転送されたメッセージ:",
        "---------- 転送されたメッセージ ----------",
        "-------- 転送メッセージ --------",
        "----- 転送メッセージ -----",
        "-----元のメッセージ-----",
        "----- 元のメッセージ -----",
    ],
    forward_labels: &[
        ("差出人", QuotedField::From),
        ("送信者", QuotedField::From),
        ("送信元", QuotedField::From),
        ("件名", QuotedField::Subject),
        ("日付", QuotedField::Date),
        ("日時", QuotedField::Date),
        ("送信日時", QuotedField::Date),
        ("宛先", QuotedField::To),
    ],
    forward_sender_labels: &["差出人", "送信者", "送信元"],

    // scope: brand
    brand_words: &["マイクロソフト"],

    // takeover: gift cards
    gift_card_words: &["ギフトカード", "ギフトコード", "プリペイドカード"],
};
