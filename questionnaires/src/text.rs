//! Bilingual text: Dutch first, English second.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The language a person reads in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Dutch, the primary language of every text.
    #[default]
    Nl,
    /// English, the second language.
    En,
}

/// A text with its Dutch original and, where written, its English translation.
///
/// In FHIR resources the Dutch text is the element value and the English text rides along in the
/// standard `http://hl7.org/fhir/StructureDefinition/translation` extension on the primitive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Dutch text; always present.
    pub nl: String,
    /// English translation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// A text with both languages.
    #[must_use]
    pub fn new(nl: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            nl: nl.into(),
            en: Some(en.into()),
        }
    }

    /// A Dutch-only text.
    #[must_use]
    pub fn dutch(nl: impl Into<String>) -> Self {
        Self {
            nl: nl.into(),
            en: None,
        }
    }

    /// The text in `lang`, falling back to Dutch when no translation exists.
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.nl,
        }
    }
}

/// Shows the Dutch text, then the English one after ` / ` (for logs and bilingual messages).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.en {
            Some(en) if en != &self.nl => write!(f, "{} / {}", self.nl, en),
            _ => f.write_str(&self.nl),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_dutch() {
        let t = Text::dutch("Hallo");
        assert_eq!(t.get(Lang::En), "Hallo");
        let t = Text::new("Hallo", "Hello");
        assert_eq!(t.get(Lang::En), "Hello");
        assert_eq!(t.get(Lang::Nl), "Hallo");
        assert_eq!(t.to_string(), "Hallo / Hello");
    }
}
