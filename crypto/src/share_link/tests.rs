use super::*;
use crate::batch::sign_batch;
use crate::identity::Identity;
use crate::ids::{ItemId, VaultId};
use crate::item::{seal_append_batch, seal_batch, Envelope, ItemKind, ItemReader};
use crate::scope::Scope;
use crate::scope_key::ScopeKeyring;
use proptest::prelude::*;
use rand_core::OsRng;

fn options(label: &str) -> LinkOptions {
    LinkOptions {
        expires: 1_767_225_600 + 7 * 86_400,
        passcode_required: true,
        max_uses: Some(3),
        label: label.to_owned(),
    }
}

fn link() -> ShareLink {
    ShareLink::generate(options("Voor de POH-GGZ"), &mut OsRng).expect("link")
}

#[test]
fn url_round_trips_and_keeps_the_key_in_the_fragment() {
    let link = link();
    let url = link.url("https://rugzak.example/");
    assert!(url.starts_with("https://rugzak.example/open#rzl1."));
    let parsed = ShareLink::parse_url(&url).expect("parse");
    assert_eq!(parsed.server, "https://rugzak.example");
    assert_eq!(parsed.link, link);
    assert_eq!(parsed.link.label(), "Voor de POH-GGZ");
    assert_eq!(parsed.link.max_uses(), Some(3));
    assert!(parsed.link.passcode_required());
    // Everything a browser sends to the server (before '#') is free of the key.
    let (sent, _) = url.split_once('#').expect("fragment");
    assert!(!sent.contains(&b64::encode(link.key)));
    assert_eq!(
        ShareLink::from_fragment(&format!("#{}", *link.fragment())).expect("fragment"),
        link
    );
}

#[test]
fn two_links_never_share_id_or_key() {
    let (a, b) = (link(), link());
    assert_ne!(a.id(), b.id());
    assert_ne!(a.key, b.key);
}

#[test]
fn debug_never_shows_the_key() {
    let link = link();
    let text = format!("{link:?}");
    assert!(text.contains("redacted"));
    assert!(!text.contains(&b64::encode(link.key)));
}

#[test]
fn options_are_checked() {
    let long = "é".repeat(81);
    assert_eq!(
        ShareLink::generate(options(&long), &mut OsRng).map(|l| l.id()),
        Err(NewShareLinkError::LabelTooLong)
    );
    assert!(ShareLink::generate(options(&"é".repeat(80)), &mut OsRng).is_ok());
    let mut zero = options("x");
    zero.max_uses = Some(0);
    assert_eq!(
        ShareLink::generate(zero, &mut OsRng).map(|l| l.id()),
        Err(NewShareLinkError::ZeroUses)
    );
}

#[test]
fn parse_errors_are_precise() {
    let link = link();
    let fragment = link.fragment();
    let data = fragment.strip_prefix("rzl1.").expect("prefix");
    let cases: Vec<(String, ParseShareLinkError)> = vec![
        (
            "https://rugzak.example/open".into(),
            ParseShareLinkError::MissingFragment,
        ),
        (
            format!("https://rugzak.example/elders#{}", *fragment),
            ParseShareLinkError::NotAShareLink,
        ),
        (
            format!("/open#{}", *fragment),
            ParseShareLinkError::NotAShareLink,
        ),
        (
            format!("https://r.example/open#shlink:/{data}"),
            ParseShareLinkError::UnknownPrefix,
        ),
        (
            format!("https://r.example/open#rzl{data}"),
            ParseShareLinkError::UnknownPrefix,
        ),
        (
            format!("https://r.example/open#rzl2.{data}"),
            ParseShareLinkError::UnsupportedVersion,
        ),
        (
            format!("https://r.example/open#rzl1.{data}="),
            ParseShareLinkError::Encoding,
        ),
        (
            format!("https://r.example/open#rzl1.{}", &data[..data.len() - 8]),
            ParseShareLinkError::Malformed,
        ),
        (
            format!("https://r.example/open#rzl1.{data}AAAA"),
            ParseShareLinkError::Malformed,
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(
            ShareLink::parse_url(&url).map(|u| u.server),
            Err(expected),
            "{url}"
        );
    }
    // A label over 80 characters inside an otherwise valid payload.
    let mut long = ShareLink::generate(options("x"), &mut OsRng).expect("link");
    long.label = "x".repeat(81);
    assert_eq!(
        ShareLink::from_fragment(&long.fragment()).map(|l| l.id()),
        Err(ParseShareLinkError::LabelTooLong)
    );
}

struct Shared {
    owner: Identity,
    selection: SharedSelection,
}

/// A selection of the inwoner's own questionnaire and a coach's appended intake note.
fn shared() -> Shared {
    let owner = Identity::generate(&mut OsRng);
    let coach = Identity::generate(&mut OsRng);
    let keys = ScopeKeyring::generate(&mut OsRng);
    let vault = owner.public().vault_id();
    let envelope = |author: &Identity, scope, kind, body: &[u8]| Envelope {
        id: ItemId::random(&mut OsRng),
        vault,
        scope,
        kind,
        author: author.public(),
        created: 1_767_225_600,
        body: body.to_vec(),
    };
    let own = envelope(
        &owner,
        Scope::Vragenlijsten,
        ItemKind::QuestionnaireResponse,
        b"{}",
    );
    let note = envelope(&coach, Scope::Intake, ItemKind::IntakeNote, b"intake");
    let mut sealed = seal_batch(&owner, &[own], &keys, &mut OsRng).expect("seal");
    let grant = crate::test_support::grant_to(
        &owner,
        &coach,
        &[(Scope::Intake, crate::Mode::Append)],
        1_767_225_600,
    );
    let append_keys = crate::test_support::append_keys(&owner, &keys);
    sealed.extend(seal_append_batch(&coach, &grant, &append_keys, &[note]).expect("append"));
    let mut reader = ItemReader::new(vault, &keys).with_identity(&owner);
    let items = sealed
        .iter()
        .map(|s| reader.open(s).expect("open"))
        .collect();
    Shared {
        selection: SharedSelection {
            owner: owner.public(),
            created: 1_767_225_600,
            items,
        },
        owner,
    }
}

#[test]
fn selection_round_trips_with_every_attestation() {
    let s = shared();
    let link = link();
    let sealed = link.seal(&s.selection, &mut OsRng).expect("seal");
    let header = String::from_utf8_lossy(&sealed);
    assert!(header.contains("\n-> rugzak-link "));
    let opened = ShareLink::parse_url(&link.url("https://r.example"))
        .expect("parse")
        .link
        .open(&sealed)
        .expect("open");
    assert_eq!(opened, s.selection);
    assert_eq!(opened.items[1].envelope.kind, ItemKind::IntakeNote);
}

#[test]
fn another_link_key_or_id_does_not_open() {
    let s = shared();
    let link = link();
    let sealed = link.seal(&s.selection, &mut OsRng).expect("seal");
    assert_eq!(self::link().open(&sealed), Err(OpenSelectionError::Decrypt));
    // Same key, other id: the server swapped blobs between two links of one key.
    let mut other_id = link.clone();
    other_id.id = LinkId::random(&mut OsRng);
    assert_eq!(other_id.open(&sealed), Err(OpenSelectionError::WrongLink));
    assert_eq!(
        link.open(b"niet versleuteld"),
        Err(OpenSelectionError::Malformed)
    );
}

#[test]
fn items_of_another_vault_or_with_forged_authorship_are_rejected() {
    let s = shared();
    let link = link();

    let mut foreign = s.selection.clone();
    foreign.items[1].envelope.vault = VaultId::random(&mut OsRng);
    assert_eq!(
        link.seal(&foreign, &mut OsRng),
        Err(SealSelectionError::WrongVault { index: 1 })
    );

    // The link holder edits the coach's note and re-seals: the attestation no longer fits.
    let mut edited = s.selection.clone();
    edited.items[1].envelope.body = b"anders".to_vec();
    let sealed = link.seal(&edited, &mut OsRng).expect("seal");
    assert_eq!(
        link.open(&sealed),
        Err(OpenSelectionError::Authorship {
            index: 1,
            source: VerifyAuthorshipError::PathMismatch
        })
    );

    // An item claiming the owner as author, attested by someone else.
    let forger = Identity::generate(&mut OsRng);
    let mut forged = s.selection.clone();
    let digest = forged.items[0].envelope.digest();
    forged.items[0].attestation = sign_batch(&forger, s.owner.public().vault_id(), &[digest])
        .expect("sign")
        .remove(0);
    let sealed = link.seal(&forged, &mut OsRng).expect("seal");
    assert_eq!(
        link.open(&sealed),
        Err(OpenSelectionError::Authorship {
            index: 0,
            source: VerifyAuthorshipError::BadSignature
        })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn any_flipped_bit_of_a_sealed_selection_is_rejected(bit in any::<prop::sample::Index>()) {
        let s = shared();
        let link = link();
        let mut sealed = link.seal(&s.selection, &mut OsRng).expect("seal");
        let bit = bit.index(sealed.len() * 8);
        sealed[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(link.open(&sealed).is_err());
    }

    #[test]
    fn any_link_round_trips_through_its_url(
        expires in any::<i64>(),
        passcode_required in any::<bool>(),
        max_uses in proptest::option::of(1u32..),
        label in "\\PC{0,80}",
    ) {
        let link = ShareLink::generate(
            LinkOptions { expires, passcode_required, max_uses, label },
            &mut OsRng,
        )
        .expect("valid options");
        let parsed = ShareLink::parse_url(&link.url("https://rugzak.example")).expect("parse");
        prop_assert_eq!(parsed.link, link);
    }
}
