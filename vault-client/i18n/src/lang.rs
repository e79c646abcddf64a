//! The language of the texts, and how it is chosen.

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

/// A language Rugzak speaks. Dutch is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// Dutch (B1, "u").
    #[default]
    Nl,
    /// English.
    En,
}

/// Environment variables that name the language of messages, strongest first (POSIX).
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

impl Lang {
    /// Every language, Dutch first.
    pub const ALL: [Self; 2] = [Self::Nl, Self::En];

    /// The short tag: `nl` or `en`.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    /// The language identifier given to Fluent (for plural rules).
    #[must_use]
    pub fn langid(self) -> LanguageIdentifier {
        let tag = match self {
            Self::Nl => "nl-NL",
            Self::En => "en-GB",
        };
        // Both tags are well-formed (tested); "und" would only lose the plural rules.
        tag.parse().unwrap_or_default()
    }

    /// The language of a tag or locale name: `nl`, `en-GB`, `nl_BE`, `en_US.UTF-8`,
    /// `nl_NL@euro`, any case. `None` for `C`, `POSIX`, empty text and other languages.
    #[must_use]
    pub fn from_tag(tag: &str) -> Option<Self> {
        // A POSIX locale is language[_territory][.codeset][@modifier].
        let tag = tag.trim();
        let tag = tag.split(['.', '@']).next().unwrap_or_default();
        let id: LanguageIdentifier = tag.replace('_', "-").parse().ok()?;
        match id.language.as_str() {
            "nl" => Some(Self::Nl),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language to speak: the `--lang` value when it names one; else the first of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty, when it names one of ours;
    /// else Dutch. As in POSIX, the first variable set decides: `LC_ALL=C` means Dutch even if
    /// `LANG=en_GB.UTF-8`. `env` holds the environment as (name, value) pairs; other names in
    /// it are ignored.
    #[must_use]
    pub fn from_env(lang_flag: Option<&str>, env: &[(&str, &str)]) -> Self {
        if let Some(lang) = lang_flag.and_then(Self::from_tag) {
            return lang;
        }
        LOCALE_VARS
            .iter()
            .find_map(|var| {
                env.iter()
                    .find(|(name, value)| name == var && !value.trim().is_empty())
            })
            .and_then(|(_, value)| Self::from_tag(value))
            .unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A `--lang` value that names no language Rugzak speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownLang;

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown language (expected nl or en)")
    }
}

impl std::error::Error for UnknownLang {}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// For `--lang`: `nl`, `en`, or a tag such as `en-GB`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_tag(s).ok_or(UnknownLang)
    }
}
