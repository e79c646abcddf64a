//! What the parties' devices sign, made one way for the router and the binary tests: the
//! enrolments, the huisarts' (GP's) access requests, the vault's answers and its log events.

use crypto::grant::GrantTerms;
use crypto::log::{ActionCode, Event, EventKind, LogObject};
use crypto::request::{AccessDuration, Permissions, VerifiedRequest};
use crypto::{Identity, Mode, Permission, Profile, Role, Scope, SignedGrant, SignedRequest};
use rand_core::OsRng;
use serde_json::{json, Value};

/// The body that enrols `vault` (`POST /v1/vaults`).
pub fn vault_enrolment(vault: &Identity) -> Value {
    json!({ "keys": vault.public() })
}

/// The body that enrols `gp` as a party with [`gp_profile`] (`POST /v1/parties`).
pub fn gp_enrolment(gp: &Identity) -> Value {
    json!({ "keys": gp.public(), "profile": gp_profile() })
}

pub fn gp_profile() -> Profile {
    Profile {
        role: Role::Huisarts,
        name: "Dr. J. de Vries".into(),
        organisation: "Praktijk Zuid".into(),
    }
}

/// The GP's request, made at `now`, for `perms` during `days`.
pub fn access_request(
    gp: &Identity,
    perms: &[(Scope, Mode)],
    days: u16,
    now: i64,
) -> SignedRequest {
    let permissions = Permissions::new(
        perms
            .iter()
            .map(|&(scope, mode)| Permission { scope, mode }),
    )
    .unwrap();
    SignedRequest::create(
        gp,
        gp_profile(),
        permissions,
        AccessDuration::Days(days),
        "https://rugzak.example".into(),
        now,
        &mut OsRng,
    )
    .unwrap()
}

/// The vault's grant for a verified request, on the terms asked for as changed by `terms`.
pub fn answer(
    vault: &Identity,
    verified: &VerifiedRequest,
    now: i64,
    terms: impl FnOnce(&mut GrantTerms),
) -> SignedGrant {
    let mut t = GrantTerms::as_requested(verified.request());
    terms(&mut t);
    SignedGrant::answer(vault, verified, t, now, &mut OsRng).unwrap()
}

/// A successful `create` by the inwoner on the vault as a whole; callers override the object
/// and the grant it concerns with struct update syntax.
pub fn vault_event(vault: &Identity, time: i64, kind: EventKind) -> Event {
    let inwoner = vault.public().party_id();
    Event::by_inwoner(
        inwoner,
        time,
        kind,
        ActionCode::Create,
        LogObject::Vault,
        None,
    )
}
