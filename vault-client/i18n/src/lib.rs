//! Rugzak's texts for people, one language at a time: Dutch (default, B1, "u") or English.
//!
//! Every text comes from the Fluent files `vault-client/locales/{nl,en}/rugzak.ftl`, which are
//! embedded in the binary. Sans-IO: the caller passes the `--lang` flag and the environment in
//! ([`Lang::from_env`]); nothing here reads files, the clock or the environment, so the crate
//! builds for `wasm32-unknown-unknown` too.
//!
//! ```
//! use rugzak_i18n::{Arg, Lang, Texts};
//! let texts = Texts::new(Lang::from_env(None, &[("LANG", "en_GB.UTF-8")]));
//! assert_eq!(texts.get("role-huisarts"), "GP");
//! assert_eq!(texts.fmt("revoke-done", &[("grant", Arg::from("4f2a"))]), "Grant 4f2a has been revoked.");
//! ```

mod consent;
mod lang;
mod time;

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use consent::{AccessDuration, ConsentRequest, History};
pub use lang::{Lang, UnknownLang, LOCALE_VARS};
pub use time::{format_date, format_time, parse_local_date};

/// The Dutch messages (Fluent source).
pub const NL_FTL: &str = include_str!("../../locales/nl/rugzak.ftl");
/// The English messages (Fluent source).
pub const EN_FTL: &str = include_str!("../../locales/en/rugzak.ftl");

/// A value for a placeholder in a message: text or a whole number (numbers choose plural
/// forms, e.g. "1 dag" / "2 dagen").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Text, shown as it is.
    Str(Cow<'a, str>),
    /// A whole number.
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Self::Str(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Self::Str(Cow::Borrowed(s.as_str()))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Self::Str(Cow::Owned(s))
    }
}

macro_rules! arg_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Self::Num(i64::from(n))
            }
        }
    )*};
}
arg_from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Self::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        Self::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl<'a> From<&'a Arg<'a>> for FluentValue<'a> {
    fn from(arg: &'a Arg<'a>) -> Self {
        match arg {
            Arg::Str(s) => FluentValue::from(s.as_ref()),
            Arg::Num(n) => FluentValue::from(*n),
        }
    }
}

/// Why a message could not be formatted exactly (see [`Texts::try_fmt`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// No message with this id (or it has no text of its own).
    Missing(String),
    /// The message formatted with errors (e.g. an argument was not given); the text is what
    /// came out anyway.
    Format {
        /// The message id.
        id: String,
        /// The text produced despite the errors.
        text: String,
        /// What went wrong.
        errors: Vec<String>,
    },
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(id) => write!(f, "no message {id}"),
            Self::Format { id, errors, .. } => {
                write!(
                    f,
                    "message {id} formatted with errors: {}",
                    errors.join("; ")
                )
            }
        }
    }
}

impl std::error::Error for TextError {}

/// All messages of one language.
pub struct Texts {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

impl Texts {
    /// The messages of `lang`, parsed from the embedded Fluent file. Never panics: a broken
    /// entry (which the tests rule out) would only be missing.
    #[must_use]
    pub fn new(lang: Lang) -> Self {
        let resource = FluentResource::try_new(source(lang).to_owned())
            .unwrap_or_else(|(partial, _errors)| partial);
        let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
        // Output goes to terminals and plain text: no Unicode isolation marks around arguments.
        bundle.set_use_isolating(false);
        // Duplicate ids (ruled out by the tests) keep the first one.
        let _ = bundle.add_resource(resource);
        Self { lang, bundle }
    }

    /// The shared messages of `lang`, parsed once.
    #[must_use]
    pub fn global(lang: Lang) -> &'static Self {
        static NL: OnceLock<Texts> = OnceLock::new();
        static EN: OnceLock<Texts> = OnceLock::new();
        match lang {
            Lang::Nl => NL.get_or_init(|| Self::new(Lang::Nl)),
            Lang::En => EN.get_or_init(|| Self::new(Lang::En)),
        }
    }

    /// The language of these messages.
    #[must_use]
    pub const fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether a message `id` exists.
    #[must_use]
    pub fn has(&self, id: &str) -> bool {
        self.bundle
            .get_message(id)
            .is_some_and(|m| m.value().is_some())
    }

    /// The message `id` without arguments; the id itself when there is no such message.
    #[must_use]
    pub fn get(&self, id: &str) -> String {
        self.fmt(id, &[])
    }

    /// The message `id` with `args`; the id itself when there is no such message. A missing
    /// argument shows as `{$name}` rather than failing.
    #[must_use]
    pub fn fmt(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        match self.try_fmt(id, args) {
            Ok(text) | Err(TextError::Format { text, .. }) => text,
            Err(TextError::Missing(id)) => id,
        }
    }

    /// The message `id` with `args`, or why it is not exactly right.
    pub fn try_fmt(&self, id: &str, args: &[(&str, Arg<'_>)]) -> Result<String, TextError> {
        let pattern = self
            .bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(|| TextError::Missing(id.to_owned()))?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value));
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        if errors.is_empty() {
            Ok(text)
        } else {
            Err(TextError::Format {
                id: id.to_owned(),
                text,
                errors: errors.iter().map(ToString::to_string).collect(),
            })
        }
    }

    /// `id` when it exists, else `fallback` as it is.
    fn get_or(&self, id: &str, fallback: &str) -> String {
        if self.has(id) {
            self.get(id)
        } else {
            fallback.to_owned()
        }
    }

    /// A part of the rugzak (a scope, by its stable code such as `vragenlijsten`) as a heading
    /// or table cell: "Vragenlijsten". An unknown code is shown as it is.
    #[must_use]
    pub fn scope(&self, code: &str) -> String {
        self.get_or(&format!("scope-{code}"), code)
    }

    /// A part of the rugzak inside a sentence: "vragenlijsten".
    #[must_use]
    pub fn scope_inline(&self, code: &str) -> String {
        self.get_or(&format!("scope-{code}-inline"), code)
    }

    /// A role by its stable code (`huisarts`, `poh-ggz`, ...): "huisarts" / "GP".
    #[must_use]
    pub fn role(&self, code: &str) -> String {
        self.get_or(&format!("role-{code}"), code)
    }

    /// An item kind by its stable code (`note`, `intake-note`, ...): "notitie".
    #[must_use]
    pub fn kind(&self, code: &str) -> String {
        self.get_or(&format!("kind-{code}"), code)
    }

    /// A mode by its stable code (`read`, `append`): "lezen" / "toevoegen".
    #[must_use]
    pub fn mode(&self, code: &str) -> String {
        self.get_or(&format!("mode-{code}"), code)
    }

    /// A consent-log event by its stable code (`grant`, `share-link-open`, ...).
    #[must_use]
    pub fn log_event(&self, code: &str) -> String {
        self.get_or(&format!("log-event-{code}"), code)
    }

    /// A consent-log outcome: "gelukt", or "geweigerd: <reason>" for a deny code
    /// (`grant-revoked`, ...).
    #[must_use]
    pub fn log_outcome(&self, denied: Option<&str>) -> String {
        match denied {
            None => self.get("log-outcome-ok"),
            Some(code) => {
                let reason = self.get_or(&format!("log-deny-{code}"), code);
                self.fmt("log-outcome-denied", &[("reason", Arg::from(reason))])
            }
        }
    }

    /// The text for people of a stable error code (`grant_revoked`, `bad_scope_key`, ...):
    /// what happened and what to do. An unknown code gives a general text naming it.
    #[must_use]
    pub fn error(&self, code: &str) -> String {
        let id = format!("error-{}", code.replace('_', "-"));
        if self.has(&id) {
            self.get(&id)
        } else {
            self.fmt("error-unknown", &[("code", Arg::from(code))])
        }
    }

    /// Joins a list the way people write it: "a, b en c" / "a, b and c".
    #[must_use]
    pub fn join(&self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [first @ .., last] => self.fmt(
                "list-and",
                &[
                    ("first", Arg::from(first.join(", "))),
                    ("last", Arg::from(last)),
                ],
            ),
        }
    }

    /// How long: "30 dagen" / "zolang u dat wilt".
    #[must_use]
    pub fn duration(&self, duration: AccessDuration) -> String {
        match duration {
            AccessDuration::Days(days) => self.fmt("duration-days", &[("days", Arg::from(days))]),
            AccessDuration::Lifelong => self.get("duration-lifelong"),
        }
    }

    /// Date and time in Dutch local time (Europe/Amsterdam): "5 december 2026, 14:30".
    #[must_use]
    pub fn time(&self, unix_seconds: i64) -> String {
        time::format_with(self, unix_seconds, true)
    }

    /// Date in Dutch local time (Europe/Amsterdam): "5 december 2026".
    #[must_use]
    pub fn date(&self, unix_seconds: i64) -> String {
        time::format_with(self, unix_seconds, false)
    }
}

/// The Fluent source of `lang`.
#[must_use]
pub const fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => NL_FTL,
        Lang::En => EN_FTL,
    }
}

/// Whether an answer to a yes/no question means yes: "j", "ja", "y" or "yes" (any case, in
/// either language, so that a habit from the other language does no harm).
#[must_use]
pub fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

#[cfg(test)]
mod tests;
