//! Japanese: every table msorder matches that is written in Japanese.

use super::Language;

pub(crate) const LANGUAGE: Language = Language {
    code: "ja",
    // auth: content signals
    callback_phrases: auth::CALLBACK,
    urgency_phrases: auth::URGENCY,
    seat_count_labels: auth::QUANTITY_LABELS,
    seat_units: auth::LICENCE_UNITS,
    seat_unit_qualifiers: auth::LICENCE_QUALIFIERS,
    seat_limit_words: auth::LIMIT_WORDS,
};

// auth: content signals

mod auth {
    /// Wording that sends the reader to a phone or a "support" desk (folded). Kept specific:
    /// Microsoft's own security notices say "if you don't recognize this" (心当たりがない場合).
    pub(super) const CALLBACK: &[&str] = &[
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

    /// Pressure to act within hours (folded).
    pub(super) const URGENCY: &[&str] = &[
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

    /// Labels before a count of licences or users (`数量: 10`), folded.
    pub(super) const QUANTITY_LABELS: &[&str] = &["数量", "ライセンス数", "個数", "台数"];

    /// What a count of licences is counted in (`5 ライセンス`), folded.
    pub(super) const LICENCE_UNITS: &[&str] = &["ライセンス"];

    /// A word that may stand between the count and its unit: none in Japanese.
    pub(super) const LICENCE_QUALIFIERS: &[&str] = &[];

    /// Words before a number that make it a limit, not a count (`最大 5 ライセンス`), folded.
    pub(super) const LIMIT_WORDS: &[&str] = &["最大"];
}
