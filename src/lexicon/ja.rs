//! Japanese: every table msorder matches that is written in Japanese.

use super::Language;

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
};
