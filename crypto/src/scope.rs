//! Scopes: the categories of a rugzakje, and the unit of sharing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A category of items. Each scope has its own chain of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Questionnaire responses and scores.
    Vragenlijsten,
    /// Online programme progress and reflections.
    Programmas,
    /// The inwoner's own notes.
    Notities,
    /// The GP's referral.
    Verwijzing,
    /// The coach's intake notes.
    Intake,
    /// Feedback to the referrer.
    Terugkoppeling,
}

impl Scope {
    /// All scopes in a fixed order.
    pub const ALL: [Self; 6] = [
        Self::Vragenlijsten,
        Self::Programmas,
        Self::Notities,
        Self::Verwijzing,
        Self::Intake,
        Self::Terugkoppeling,
    ];

    /// Stable text form, used in stanzas, URLs and the CLI.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Vragenlijsten => "vragenlijsten",
            Self::Programmas => "programmas",
            Self::Notities => "notities",
            Self::Verwijzing => "verwijzing",
            Self::Intake => "intake",
            Self::Terugkoppeling => "terugkoppeling",
        }
    }

    /// Dutch label for people.
    #[must_use]
    pub const fn label_nl(self) -> &'static str {
        match self {
            Self::Vragenlijsten => "Vragenlijsten",
            Self::Programmas => "Programma's",
            Self::Notities => "Notities",
            Self::Verwijzing => "Verwijzing",
            Self::Intake => "Intake",
            Self::Terugkoppeling => "Terugkoppeling",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = UnknownScope;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or(UnknownScope)
    }
}

/// Text that names no [`Scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope (expected vragenlijsten, programmas, notities, verwijzing, intake or terugkoppeling)")]
pub struct UnknownScope;

/// What a grantee may do in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Fetch and decrypt the scope's items (receives the scope keys).
    Read,
    /// Add items without reading any (receives no scope key).
    Append,
}

impl Mode {
    /// Stable text form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Append => "append",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = UnknownMode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(Self::Read),
            "append" => Ok(Self::Append),
            _ => Err(UnknownMode),
        }
    }
}

/// Text that names no [`Mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode (expected read or append)")]
pub struct UnknownMode;

/// One scope with one mode; a grant or request holds a sorted, duplicate-free list of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Permission {
    /// The category.
    pub scope: Scope,
    /// Read or append.
    pub mode: Mode,
}
