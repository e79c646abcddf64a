//! A request's or grant's permissions: a non-empty, strictly ascending list of [`Permission`]s.
//!
//! Strict order makes the list canonical: the same set always encodes to the same bytes, so a
//! signature over it is unambiguous, and "is this grant narrower than the request?" is a plain
//! subset test.

use serde::{Deserialize, Serialize};

use crate::scope::{Mode, Permission, Scope};

/// A non-empty set of permissions, kept sorted and free of duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Permission>", into = "Vec<Permission>")]
pub struct Permissions(Vec<Permission>);

/// Why a list of permissions was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PermissionsError {
    /// Nothing was asked for or granted.
    #[error("no permissions: at least one scope and mode is required")]
    Empty,
    /// The same scope and mode appear twice.
    #[error("permission {scope}:{mode} appears more than once")]
    Duplicate {
        /// The repeated scope.
        scope: Scope,
        /// The repeated mode.
        mode: Mode,
    },
    /// A received list is not in canonical (ascending) order.
    #[error("permissions are not in canonical order")]
    NotCanonical,
}

impl Permissions {
    /// Sorts `permissions` and refuses an empty list or a repeated permission.
    pub fn new(
        permissions: impl IntoIterator<Item = Permission>,
    ) -> Result<Self, PermissionsError> {
        let mut list: Vec<Permission> = permissions.into_iter().collect();
        list.sort_unstable();
        if let Some(pair) = list.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(PermissionsError::Duplicate {
                scope: pair[0].scope,
                mode: pair[0].mode,
            });
        }
        if list.is_empty() {
            return Err(PermissionsError::Empty);
        }
        Ok(Self(list))
    }

    /// The permissions in ascending order.
    #[must_use]
    pub fn as_slice(&self) -> &[Permission] {
        &self.0
    }

    /// Whether `scope` may be used in `mode`.
    #[must_use]
    pub fn contains(&self, scope: Scope, mode: Mode) -> bool {
        self.0.binary_search(&Permission { scope, mode }).is_ok()
    }

    /// The first permission of `self` that `other` does not hold, if any.
    #[must_use]
    pub fn first_outside(&self, other: &Self) -> Option<Permission> {
        self.0
            .iter()
            .copied()
            .find(|p| !other.contains(p.scope, p.mode))
    }
}

impl TryFrom<Vec<Permission>> for Permissions {
    type Error = PermissionsError;

    /// Accepts only the canonical form (strictly ascending, non-empty), so that received bytes
    /// re-encode to themselves.
    fn try_from(list: Vec<Permission>) -> Result<Self, Self::Error> {
        if list.is_empty() {
            return Err(PermissionsError::Empty);
        }
        if let Some(pair) = list.windows(2).find(|pair| pair[0] >= pair[1]) {
            return Err(if pair[0] == pair[1] {
                PermissionsError::Duplicate {
                    scope: pair[0].scope,
                    mode: pair[0].mode,
                }
            } else {
                PermissionsError::NotCanonical
            });
        }
        Ok(Self(list))
    }
}

impl From<Permissions> for Vec<Permission> {
    fn from(p: Permissions) -> Self {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn p(scope: Scope, mode: Mode) -> Permission {
        Permission { scope, mode }
    }

    #[test]
    fn new_sorts_and_rejects_empty_and_duplicates() {
        let set = Permissions::new([
            p(Scope::Notities, Mode::Read),
            p(Scope::Vragenlijsten, Mode::Read),
        ])
        .expect("valid");
        assert_eq!(
            set.as_slice(),
            [
                p(Scope::Vragenlijsten, Mode::Read),
                p(Scope::Notities, Mode::Read)
            ]
        );
        assert_eq!(Permissions::new([]), Err(PermissionsError::Empty));
        assert_eq!(
            Permissions::new([
                p(Scope::Intake, Mode::Append),
                p(Scope::Intake, Mode::Append)
            ]),
            Err(PermissionsError::Duplicate {
                scope: Scope::Intake,
                mode: Mode::Append
            })
        );
    }

    #[test]
    fn decoding_accepts_only_canonical_order() {
        let unsorted = vec![
            p(Scope::Notities, Mode::Read),
            p(Scope::Vragenlijsten, Mode::Read),
        ];
        assert_eq!(
            Permissions::try_from(unsorted),
            Err(PermissionsError::NotCanonical)
        );
        let json = r#"[{"scope":"intake","mode":"read"},{"scope":"intake","mode":"read"}]"#;
        assert!(serde_json::from_str::<Permissions>(json).is_err());
    }

    #[test]
    fn first_outside_finds_a_widening() {
        let small = Permissions::new([p(Scope::Intake, Mode::Read)]).expect("valid");
        let big = Permissions::new([p(Scope::Intake, Mode::Read), p(Scope::Intake, Mode::Append)])
            .expect("valid");
        assert_eq!(small.first_outside(&big), None);
        assert_eq!(
            big.first_outside(&small),
            Some(p(Scope::Intake, Mode::Append))
        );
        assert!(big.contains(Scope::Intake, Mode::Append));
        assert!(!small.contains(Scope::Intake, Mode::Append));
    }
}
