//! Items as people read them (one language, Dutch local time, notes in full and wrapped,
//! referrals and activities as short letters, scores with bands) and as `--json` objects
//! (schema `rugzak-items/1`).

use crypto::{ItemKind, OpenedItem};
use rugzak_i18n::{Arg, Texts};
use vault_client::consent::short;
use vault_client::letters::Letter;

pub use vault_client::view::{fhir_bundle, item_value, Reader, ITEMS_SCHEMA};

/// Text width of wrapped bodies.
const WIDTH: usize = 76;

/// `text` wrapped at [`WIDTH`], every line indented; nothing is cut.
fn wrapped(text: &str) -> String {
    text.lines()
        .flat_map(|line| {
            if line.trim().is_empty() {
                vec![String::new()]
            } else {
                textwrap::wrap(line, WIDTH)
                    .into_iter()
                    .map(|l| format!("  {l}"))
                    .collect()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The body of `item` as people read it.
fn body(t: &Texts, lang: questionnaires::Lang, item: &OpenedItem) -> String {
    let e = &item.envelope;
    let raw = String::from_utf8_lossy(&e.body);
    match e.kind {
        ItemKind::Observation => questionnaires::Catalog::builtin()
            .ok()
            .and_then(|c| c.read_observation(&e.body).ok())
            .map_or_else(
                || t.get("render-score-unreadable"),
                |s| wrapped(&s.summary(lang)),
            ),
        ItemKind::QuestionnaireResponse => wrapped(&t.get("render-answers")),
        ItemKind::ProgrammeProgress => wrapped(&t.get("render-progress")),
        _ => match Letter::parse(&e.body) {
            Some(Letter::Referral(r)) => t.fmt(
                "render-referral",
                &[
                    ("to", r.to.as_str().into()),
                    ("reason", r.reason.as_str().into()),
                    ("question", r.question.as_str().into()),
                    ("agreed", r.agreed.as_str().into()),
                    ("contact", r.contact.as_str().into()),
                ],
            ),
            Some(Letter::Activity(a)) => t.fmt(
                "render-activity",
                &[
                    ("what", a.what.as_str().into()),
                    ("place", a.place.as_str().into()),
                    ("when", a.when.as_str().into()),
                    ("contact", a.contact.as_str().into()),
                ],
            ),
            Some(Letter::Reflection(r)) => format!(
                "{}\n{}",
                t.fmt(
                    "render-reflection-on",
                    &[("item", short(&r.on.to_string()).into())]
                ),
                wrapped(&r.text)
            ),
            None => wrapped(&raw),
        },
    }
}

/// One item in full: a heading (what, when, who, number) and its body.
pub fn item_text(
    t: &Texts,
    lang: questionnaires::Lang,
    reader: Reader<'_>,
    item: &OpenedItem,
) -> String {
    let e = &item.envelope;
    let heading = t.fmt(
        "render-heading",
        &[
            ("kind", Arg::from(t.kind(e.kind.as_str()))),
            ("time", t.time(e.created).into()),
            (
                "author",
                vault_client::view::author_text(t, reader, item).into(),
            ),
            ("item", short(&e.id.to_string()).into()),
        ],
    );
    format!("{heading}\n{}", body(t, lang, item))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    //! Snapshots of the main item screens in Dutch and in English, from fixed keys and times
    //! (regenerate after a deliberate change: `RUGZAK_UPDATE_SNAPSHOTS=1 cargo test -p
    //! rugzak-cli --lib render`).

    use super::*;
    use crypto::batch::sign_batch;
    use crypto::{
        AccessDuration, Envelope, GrantTerms, Identity, ItemId, Mode, Permission, Permissions,
        Profile, Role, RootSecret, Scope, SignedGrant, SignedRequest,
    };
    use rand::SeedableRng as _;
    use vault_client::letters::{self, Letter, Referral};

    /// 4 December 2026, 13:30 UTC: 14:30 in Amsterdam (winter time).
    const WHEN: i64 = 1_796_391_000;

    fn party(n: u8) -> Identity {
        Identity::from_root(RootSecret::from_bytes([n; 32]))
    }

    fn item(
        author: &Identity,
        vault: &Identity,
        n: u8,
        scope: Scope,
        kind: ItemKind,
        body: Vec<u8>,
    ) -> OpenedItem {
        let envelope = Envelope {
            id: ItemId::from_bytes([n; 16]),
            vault: vault.public().vault_id(),
            scope,
            kind,
            author: author.public(),
            created: WHEN,
            body,
        };
        let attestation = sign_batch(author, envelope.vault, &[envelope.digest()])
            .unwrap()
            .remove(0);
        OpenedItem {
            envelope,
            attestation,
            grant: None,
        }
    }

    fn screens(lang: rugzak_i18n::Lang) -> String {
        let annelies = party(1);
        let gp = party(2);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let request = SignedRequest::create(
            &gp,
            Profile {
                role: Role::Huisarts,
                name: "Dr. J. de Vries".into(),
                organisation: "Praktijk Centrum".into(),
            },
            Permissions::new([Permission {
                scope: Scope::Verwijzing,
                mode: Mode::Append,
            }])
            .unwrap(),
            AccessDuration::Days(30),
            "https://rugzak.example.nl".into(),
            WHEN - 60,
            &mut rng,
        )
        .unwrap()
        .verify(WHEN - 60)
        .unwrap();
        let terms = GrantTerms::as_requested(request.request());
        let grant = SignedGrant::answer(&annelies, &request, terms, WHEN - 60, &mut rng).unwrap();
        let mut referral = item(
            &gp,
            &annelies,
            2,
            Scope::Verwijzing,
            ItemKind::Referral,
            Letter::Referral(Referral {
                schema: letters::REFERRAL_SCHEMA.into(),
                to: "Welzijn Centraal".into(),
                reason: "Veel stress sinds het overlijden van haar man.".into(),
                question: "Wilt u met haar zoeken naar contact in de wijk?".into(),
                agreed: "De PSS-10 en deze verwijzing".into(),
                contact: "Praktijk Centrum, 0320-123456".into(),
            })
            .to_body(),
        );
        referral.grant = Some(grant);
        let note = item(
            &annelies,
            &annelies,
            3,
            Scope::Notities,
            ItemKind::Note,
            "Vandaag ben ik voor het eerst sinds maanden naar de markt gegaan. Het was druk en ik \
             werd er moe van, maar ik heb met de bakker gepraat en hij vroeg hoe het met me ging."
                .as_bytes()
                .to_vec(),
        );
        let owner = annelies.public();
        let me = party(4).public();
        let reader = Reader {
            me: Some(&me),
            owner: &owner,
        };
        let t = rugzak_i18n::Texts::global(lang);
        let q = match lang {
            rugzak_i18n::Lang::Nl => questionnaires::Lang::Nl,
            rugzak_i18n::Lang::En => questionnaires::Lang::En,
        };
        [referral, note]
            .iter()
            .map(|i| item_text(t, q, reader, i))
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n"
    }

    fn check(lang: rugzak_i18n::Lang, file: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(file);
        let got = screens(lang);
        if std::env::var_os("RUGZAK_UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &got).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            got, want,
            "{file} differs; see the module doc to regenerate"
        );
    }

    #[test]
    fn items_read_in_dutch_match_the_snapshot() {
        check(rugzak_i18n::Lang::Nl, "items-nl.txt");
        let nl = screens(rugzak_i18n::Lang::Nl);
        assert!(nl.contains("4 december 2026, 14:30"), "{nl}");
        assert!(nl.contains("Dr. J. de Vries (huisarts)"), "{nl}");
    }

    #[test]
    fn items_read_in_english_match_the_snapshot_and_hold_no_dutch_labels() {
        check(rugzak_i18n::Lang::En, "items-en.txt");
        let en = screens(rugzak_i18n::Lang::En);
        for dutch in ["Verwijzing aan", "Waarom", "nummer", "de inwoner"] {
            assert!(!en.contains(dutch), "{dutch} in {en}");
        }
    }

    #[test]
    fn a_long_note_is_wrapped_and_nothing_is_cut() {
        let nl = screens(rugzak_i18n::Lang::Nl);
        let body_lines = nl.lines().filter(|l| l.starts_with("  "));
        assert!(body_lines.clone().count() > 3, "{nl}");
        assert!(
            body_lines.clone().all(|l| l.chars().count() <= WIDTH + 2),
            "{nl}"
        );
        let flowing = nl.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flowing.contains("hij vroeg hoe het met me ging."), "{nl}");
    }
}
