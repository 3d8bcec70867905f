//! Japanese: every table msorder matches that is written in Japanese.

use super::Language;

pub(crate) const LANGUAGE: Language = Language { code: "ja" };
