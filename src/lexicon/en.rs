//! English: every table msorder matches that is written in English.

use super::Language;

pub(crate) const LANGUAGE: Language = Language { code: "en" };
