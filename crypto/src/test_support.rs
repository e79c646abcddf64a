//! Shared by the crate's unit tests: a grant and the append keys an appender is given.

use rand_core::OsRng;

use crate::encoding::UnixTime;
use crate::grant::{GrantTerms, SignedGrant};
use crate::identity::{Identity, Profile, Role};
use crate::request::{AccessDuration, Permissions, SignedRequest};
use crate::scope::{Mode, Permission, Scope};
use crate::scope_key::{AppendKey, ScopeKeyring};

/// A grant from `owner` to `grantee` for `permissions`, 30 days from `now`.
pub(crate) fn grant_to(
    owner: &Identity,
    grantee: &Identity,
    permissions: &[(Scope, Mode)],
    now: UnixTime,
) -> SignedGrant {
    let permissions = Permissions::new(
        permissions
            .iter()
            .map(|&(scope, mode)| Permission { scope, mode }),
    )
    .expect("permissions");
    let request = SignedRequest::create(
        grantee,
        Profile {
            role: Role::Welzijnscoach,
            name: "Sanne Bakker".into(),
            organisation: "Welzijn Lelystad".into(),
        },
        permissions,
        AccessDuration::Days(30),
        "https://rugzak.example.nl".into(),
        now,
        &mut OsRng,
    )
    .expect("request")
    .verify(now)
    .expect("fresh");
    let terms = GrantTerms::as_requested(request.request());
    SignedGrant::answer(owner, &request, terms, now, &mut OsRng).expect("grant")
}

/// The append key of every epoch in `keys`, as an appender gets them (checked wrapped copies).
pub(crate) fn append_keys(owner: &Identity, keys: &ScopeKeyring) -> Vec<AppendKey> {
    keys.iter()
        .map(|k| {
            k.wrap(owner, &owner.public())
                .expect("wrap")
                .append_key(&owner.public())
                .expect("signed")
        })
        .collect()
}
