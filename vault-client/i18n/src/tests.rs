//! The Fluent files against each other and against the rules for Dutch text; the consent
//! sentence; Dutch local time; choosing the language.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, PatternElement};

use super::*;

/// One message of a Fluent file: its documented and its used arguments, and its plain text.
#[derive(Debug, Default)]
struct Parsed {
    documented: BTreeSet<String>,
    used: BTreeSet<String>,
    text: Vec<String>,
}

fn parse(lang: Lang) -> BTreeMap<String, Parsed> {
    let resource = fluent_syntax::parser::parse(source(lang))
        .unwrap_or_else(|(_, errors)| panic!("{lang}: Fluent syntax errors: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let mut parsed = Parsed::default();
                if let Some(comment) = &m.comment {
                    for line in &comment.content {
                        parsed.documented.extend(dollar_names(line));
                    }
                }
                let value = m
                    .value
                    .as_ref()
                    .unwrap_or_else(|| panic!("{lang}: {} has no text", m.id.name));
                walk(value, &mut parsed);
                let id = m.id.name.to_owned();
                assert!(
                    out.insert(id.clone(), parsed).is_none(),
                    "{lang}: {id} is defined twice"
                );
            }
            Entry::Junk { content } => panic!("{lang}: cannot parse: {content}"),
            _ => {}
        }
    }
    out
}

fn dollar_names(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split('$').skip(1).map(|rest| {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect()
    })
}

fn walk(pattern: &ast::Pattern<&str>, out: &mut Parsed) {
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => out.text.push((*value).to_owned()),
            PatternElement::Placeable { expression } => walk_expression(expression, out),
        }
    }
}

fn walk_expression(expression: &Expression<&str>, out: &mut Parsed) {
    match expression {
        Expression::Inline(inline) => walk_inline(inline, out),
        Expression::Select { selector, variants } => {
            walk_inline(selector, out);
            for variant in variants {
                walk(&variant.value, out);
            }
        }
    }
}

fn walk_inline(inline: &InlineExpression<&str>, out: &mut Parsed) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.used.insert(id.name.to_owned());
        }
        InlineExpression::StringLiteral { value } => out.text.push((*value).to_owned()),
        InlineExpression::Placeable { expression } => walk_expression(expression, out),
        InlineExpression::FunctionReference { arguments, .. }
        | InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for arg in &arguments.positional {
                walk_inline(arg, out);
            }
            for arg in &arguments.named {
                walk_inline(&arg.value, out);
            }
        }
        _ => {}
    }
}

/// Arguments holding numbers (they choose plural forms).
const NUMBER_ARGS: [&str; 6] = ["count", "days", "apart", "number", "day", "year"];

/// Sample values for the documented arguments, one set per plural and selector case.
fn samples(names: &BTreeSet<String>) -> Vec<Vec<(String, Arg<'static>)>> {
    [1, 2]
        .into_iter()
        .flat_map(|n| ["yes", "no"].map(move |lifelong| (n, lifelong)))
        .map(|(n, lifelong)| {
            names
                .iter()
                .map(|name| {
                    let value = if NUMBER_ARGS.contains(&name.as_str()) {
                        Arg::Num(n)
                    } else if name == "lifelong" {
                        Arg::from(lifelong)
                    } else {
                        Arg::from(format!("<{name}>"))
                    };
                    (name.clone(), value)
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_message_is_in_both_languages() {
    let nl: BTreeSet<String> = parse(Lang::Nl).into_keys().collect();
    let en: BTreeSet<String> = parse(Lang::En).into_keys().collect();
    let only_nl: Vec<_> = nl.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&nl).collect();
    assert!(only_nl.is_empty(), "only in nl: {only_nl:?}");
    assert!(only_en.is_empty(), "only in en: {only_en:?}");
    assert!(nl.len() > 250, "{} messages", nl.len());
}

#[test]
fn every_message_documents_its_arguments_and_both_languages_use_the_same() {
    let nl = parse(Lang::Nl);
    let en = parse(Lang::En);
    for (lang, messages) in [(Lang::Nl, &nl), (Lang::En, &en)] {
        for (id, m) in messages {
            assert_eq!(
                m.documented, m.used,
                "{lang}: {id}: documented arguments (comment) differ from those used"
            );
        }
    }
    for (id, m) in &nl {
        assert_eq!(m.used, en[id].used, "{id}: nl and en use other arguments");
    }
}

#[test]
fn every_message_formats_with_its_documented_arguments() {
    for lang in Lang::ALL {
        let texts = Texts::new(lang);
        for (id, m) in parse(lang) {
            for sample in samples(&m.documented) {
                let args: Vec<(&str, Arg<'_>)> = sample
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.clone()))
                    .collect();
                let text = texts
                    .try_fmt(&id, &args)
                    .unwrap_or_else(|e| panic!("{lang}: {e}"));
                assert!(!text.trim().is_empty(), "{lang}: {id} is empty");
                assert!(!text.contains('{'), "{lang}: {id}: {text}");
                // No Unicode isolation marks in terminal output.
                assert!(
                    !text.contains('\u{2068}'),
                    "{lang}: {id} has isolation marks"
                );
            }
        }
    }
}

#[test]
fn dutch_text_has_no_jargon_and_says_u() {
    const FORBIDDEN: [&str; 8] = [
        "epoch",
        "epochs",
        "scope",
        "scopes",
        "geverifieerd",
        "je",
        "jij",
        "jouw",
    ];
    for (id, m) in parse(Lang::Nl) {
        for text in &m.text {
            for word in text
                .split(|c: char| !c.is_alphabetic())
                .map(str::to_lowercase)
            {
                assert!(
                    !FORBIDDEN.contains(&word.as_str()),
                    "nl: {id} contains \"{word}\": {text}"
                );
            }
        }
    }
    // And no jargon in English either.
    for (id, m) in parse(Lang::En) {
        for text in &m.text {
            let lower = text.to_lowercase();
            assert!(
                !lower.contains("epoch") && !lower.contains("scope"),
                "en: {id}: {text}"
            );
        }
    }
}

#[test]
fn a_missing_message_gives_its_id_and_does_not_panic() {
    let texts = Texts::new(Lang::Nl);
    assert_eq!(texts.get("no-such-message"), "no-such-message");
    assert_eq!(
        texts.fmt("no-such-message", &[("x", Arg::from(1))]),
        "no-such-message"
    );
    assert_eq!(
        texts.try_fmt("no-such-message", &[]),
        Err(TextError::Missing("no-such-message".into()))
    );
    // A missing argument shows its name rather than failing.
    assert_eq!(
        texts.get("revoke-done"),
        "Toestemming {$grant} is ingetrokken."
    );
    assert!(matches!(
        texts.try_fmt("revoke-done", &[]),
        Err(TextError::Format { .. })
    ));
}

#[test]
fn lookups_by_stable_code() {
    let nl = Texts::global(Lang::Nl);
    let en = Texts::global(Lang::En);
    assert_eq!(nl.scope("programmas"), "Programma's");
    assert_eq!(nl.scope_inline("vragenlijsten"), "vragenlijsten");
    assert_eq!(en.scope("terugkoppeling"), "Feedback");
    assert_eq!(nl.role("poh-ggz"), "praktijkondersteuner ggz");
    assert_eq!(en.role("huisarts"), "GP");
    assert_eq!(nl.kind("intake-note"), "intakeverslag");
    assert_eq!(nl.kind("programme-progress"), "programma-voortgang");
    assert_eq!(nl.mode("append"), "toevoegen");
    assert_eq!(nl.log_event("share-link-open"), "deellink geopend");
    assert_eq!(nl.log_outcome(None), "gelukt");
    assert_eq!(
        nl.log_outcome(Some("grant-revoked")),
        "geweigerd: toestemming ingetrokken"
    );
    assert_eq!(
        en.log_outcome(Some("wrong-passcode")),
        "refused: wrong passcode"
    );
    assert_eq!(nl.get("grant-state-lifelong"), "levenslang");
    assert_eq!(
        nl.error("grant_revoked"),
        "De inwoner heeft de toestemming ingetrokken. Vraag opnieuw om toegang."
    );
    assert_eq!(nl.error("made_up_code"), "Er ging iets mis (made_up_code).");
    // Unknown codes are shown as they are, never as a message id.
    assert_eq!(nl.scope("sterrenkunde"), "sterrenkunde");
    assert_eq!(en.role("astronaut"), "astronaut");
}

/// Every stable error code of the client core, the CLI and the server has its own text.
#[test]
fn every_error_code_has_a_text() {
    const CODES: &[&str] = &[
        // vault-client: VaultError, ProfessionalError, LogError, ApartReason, the CLI
        "server_error",
        "bad_scope_key",
        "epoch_withheld",
        "grant_withheld",
        "revoke_unfinished",
        "bad_item",
        "bad_request",
        "terms_too_wide",
        "no_such_grant",
        "not_owner",
        "bad_link_options",
        "internal",
        "bad_request_form",
        "no_grant",
        "bad_grant",
        "vault_keys_mismatch",
        "log_rollback",
        "log_fork",
        "log_invalid",
        "server_key_changed",
        "unreadable",
        "unentitled_author",
        "check_code_refused",
        // vault-server: AppError::code
        "body_too_large",
        "too_many_items",
        "unsupported_media_type",
        "malformed_json",
        "missing_field",
        "unknown_field",
        "malformed_base64",
        "wrong_length",
        "invalid_field",
        "malformed_id",
        "malformed_query",
        "unknown_vault",
        "unknown_account",
        "not_found",
        "method_not_allowed",
        "unauthenticated",
        "unknown_ceremony",
        "passkey_rejected",
        "credential_taken",
        "unknown_passkey",
        "last_passkey",
        "rate_limited",
        "too_many_bad_signatures",
        "busy",
        "missing_signature",
        "malformed_signature",
        "unknown_key",
        "bad_signature",
        "clock_skew",
        "replayed_request",
        "grant_revoked",
        "grant_expired",
        "grant_not_yet_valid",
        "grant_uses_exhausted",
        "scope_not_granted",
        "append_only",
        "forged_grant",
        "widened_scope",
        "expiry_beyond_request",
        "grant_request_mismatch",
        "request_expired",
        "invalid_request",
        "nonce_reused",
        "grant_exists",
        "unknown_grant",
        "invalid_revocation",
        "invalid_log_entry",
        "log_head_moved",
        "epoch_taken",
        "item_conflict",
        "wrong_sealing",
        "wrong_vault",
        "forged_scope_key",
        "unknown_item",
        "request_not_found",
        "request_exists",
        "unknown_party",
        "link_not_found",
        "link_exists",
        "wrong_passcode",
        "storage_error",
        "internal_error",
    ];
    for lang in Lang::ALL {
        let texts = Texts::global(lang);
        for code in CODES {
            let id = format!("error-{}", code.replace('_', "-"));
            assert!(texts.has(&id), "{lang}: no {id}");
        }
    }
}

/// The stable codes of scopes, roles, kinds, modes, log events and deny reasons all have a
/// message (the lists as in `crypto`).
#[test]
fn every_stable_code_has_a_text() {
    let groups: [(&str, &[&str]); 7] = [
        (
            "scope-{}",
            &[
                "vragenlijsten",
                "programmas",
                "notities",
                "verwijzing",
                "intake",
                "terugkoppeling",
            ],
        ),
        (
            "scope-{}-inline",
            &[
                "vragenlijsten",
                "programmas",
                "notities",
                "verwijzing",
                "intake",
                "terugkoppeling",
            ],
        ),
        (
            "role-{}",
            &["inwoner", "huisarts", "welzijnscoach", "poh-ggz", "other"],
        ),
        (
            "kind-{}",
            &[
                "questionnaire-response",
                "observation",
                "programme-progress",
                "note",
                "referral",
                "intake-note",
                "feedback",
                "activity",
            ],
        ),
        ("mode-{}", &["read", "append"]),
        (
            "log-event-{}",
            &[
                "grant",
                "revoke",
                "share-link-create",
                "device-change",
                "export",
                "access",
                "append",
                "share-link-open",
            ],
        ),
        (
            "log-deny-{}",
            &[
                "not-authenticated",
                "replayed",
                "no-grant",
                "grant-not-yet-valid",
                "grant-expired",
                "grant-revoked",
                "scope-not-granted",
                "mode-not-granted",
                "max-uses-reached",
                "link-expired",
                "link-revoked",
                "link-used-up",
                "wrong-passcode",
                "link-locked",
            ],
        ),
    ];
    for lang in Lang::ALL {
        let texts = Texts::global(lang);
        for (pattern, codes) in groups {
            for code in codes {
                let id = pattern.replace("{}", code);
                assert!(texts.has(&id), "{lang}: no {id}");
            }
        }
    }
}

#[test]
fn lists_join_as_people_write_them() {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let nl = Texts::global(Lang::Nl);
    let en = Texts::global(Lang::En);
    assert_eq!(nl.join(&s(&[])), "");
    assert_eq!(nl.join(&s(&["a"])), "a");
    assert_eq!(nl.join(&s(&["a", "b"])), "a en b");
    assert_eq!(nl.join(&s(&["a", "b", "c"])), "a, b en c");
    assert_eq!(en.join(&s(&["a", "b", "c"])), "a, b and c");
}

fn request<'a>(
    read: &[&'a str],
    append: &[&'a str],
    duration: AccessDuration,
    history: History,
) -> ConsentRequest<'a> {
    ConsentRequest {
        name: "Dr. De Vries",
        role: "huisarts",
        organisation: None,
        read: read.to_vec(),
        append: append.to_vec(),
        duration,
        history,
    }
}

/// The consent sentence in every variant, in both languages (a snapshot: any change to these
/// texts shows here).
#[test]
fn the_consent_sentence_in_every_variant() {
    use AccessDuration::{Days, Lifelong};
    use History::{FromNow, Included};
    let cases: Vec<(ConsentRequest<'_>, &str, &str)> = vec![
        (
            request(&["vragenlijsten", "notities"], &[], Days(30), Included),
            "Dr. De Vries (huisarts) wil 30 dagen uw vragenlijsten en notities lezen, ook wat u eerder bewaarde.",
            "Dr. De Vries (GP) wants to read your questionnaires and notes for 30 days, including what you stored before.",
        ),
        (
            request(&["verwijzing", "vragenlijsten"], &["intake", "terugkoppeling"], Days(30), FromNow),
            "Dr. De Vries (huisarts) wil uw verwijzing en vragenlijsten lezen en iets toevoegen aan intake en terugkoppeling, 30 dagen, alleen wat u vanaf nu bewaart.",
            "Dr. De Vries (GP) wants to read your referral and questionnaires and add to your intake and feedback for 30 days, only what you store from now on.",
        ),
        (
            request(&["vragenlijsten", "programmas", "notities"], &[], Lifelong, Included),
            "Dr. De Vries (huisarts) wil uw vragenlijsten, programma's en notities lezen zolang u dat wilt, ook wat u eerder bewaarde.",
            "Dr. De Vries (GP) wants to read your questionnaires, programmes and notes until you stop it, including what you stored before.",
        ),
        (
            request(&["verwijzing"], &["terugkoppeling"], Lifelong, FromNow),
            "Dr. De Vries (huisarts) wil uw verwijzing lezen en iets toevoegen aan terugkoppeling, zolang u dat wilt, alleen wat u vanaf nu bewaart.",
            "Dr. De Vries (GP) wants to read your referral and add to your feedback until you stop it, only what you store from now on.",
        ),
        (
            request(&[], &["intake", "terugkoppeling"], Lifelong, Included),
            "Dr. De Vries (huisarts) wil iets toevoegen aan intake en terugkoppeling, zolang u dat wilt.",
            "Dr. De Vries (GP) wants to add to your intake and feedback until you stop it.",
        ),
        (
            request(&[], &["intake"], Days(1), FromNow),
            "Dr. De Vries (huisarts) wil 1 dag iets toevoegen aan intake.",
            "Dr. De Vries (GP) wants to add to your intake for 1 day.",
        ),
        (
            request(&["notities"], &[], Days(1), FromNow),
            "Dr. De Vries (huisarts) wil 1 dag uw notities lezen, alleen wat u vanaf nu bewaart.",
            "Dr. De Vries (GP) wants to read your notes for 1 day, only what you store from now on.",
        ),
    ];
    let nl = Texts::global(Lang::Nl);
    let en = Texts::global(Lang::En);
    for (c, want_nl, want_en) in &cases {
        assert_eq!(nl.consent_sentence(c), *want_nl);
        assert_eq!(en.consent_sentence(c), *want_en);
    }
    let (first, _, _) = &cases[0];
    assert_eq!(
        nl.consent_prompt(first),
        "Dr. De Vries (huisarts) wil 30 dagen uw vragenlijsten en notities lezen, ook wat u eerder bewaarde. Goedkeuren? [j/N]"
    );
    assert_eq!(
        en.consent_prompt(first),
        "Dr. De Vries (GP) wants to read your questionnaires and notes for 30 days, including what you stored before. Approve? [y/N]"
    );
}

#[test]
fn the_consent_sentence_names_the_organisation_and_other_roles() {
    let c = ConsentRequest {
        name: "Sanne Bakker",
        role: "welzijnscoach",
        organisation: Some("Welzijn Noord"),
        read: vec!["verwijzing"],
        append: vec![],
        duration: AccessDuration::Days(90),
        history: History::Included,
    };
    assert_eq!(
        Texts::global(Lang::Nl).consent_sentence(&c),
        "Sanne Bakker (welzijnscoach, Welzijn Noord) wil 90 dagen uw verwijzing lezen, ook wat u eerder bewaarde."
    );
    assert_eq!(
        Texts::global(Lang::En).consent_sentence(&c),
        "Sanne Bakker (wellbeing coach, Welzijn Noord) wants to read your referral for 90 days, including what you stored before."
    );
}

#[test]
fn durations() {
    let nl = Texts::global(Lang::Nl);
    let en = Texts::global(Lang::En);
    assert_eq!(nl.duration(AccessDuration::Days(1)), "1 dag");
    assert_eq!(nl.duration(AccessDuration::Days(30)), "30 dagen");
    assert_eq!(nl.duration(AccessDuration::Lifelong), "zolang u dat wilt");
    assert_eq!(en.duration(AccessDuration::Days(1)), "1 day");
    assert_eq!(en.duration(AccessDuration::Lifelong), "until you stop it");
}

#[test]
fn times_are_dutch_local_time_with_summer_time() {
    // 2026-07-01T12:00Z: summer time, UTC+2.
    assert_eq!(format_time(1_782_907_200, Lang::Nl), "1 juli 2026, 14:00");
    assert_eq!(format_time(1_782_907_200, Lang::En), "1 July 2026, 14:00");
    // 2026-12-05T12:00Z and 13:30Z: winter time, UTC+1.
    assert_eq!(
        format_time(1_796_472_000, Lang::Nl),
        "5 december 2026, 13:00"
    );
    assert_eq!(
        format_time(1_796_477_400, Lang::Nl),
        "5 december 2026, 14:30"
    );
    assert_eq!(
        format_time(1_796_477_400, Lang::En),
        "5 December 2026, 14:30"
    );
    assert_eq!(format_date(1_796_477_400, Lang::Nl), "5 december 2026");
    assert_eq!(format_date(1_796_477_400, Lang::En), "5 December 2026");
    // New Year's Eve 23:30Z is already the next year in Amsterdam.
    assert_eq!(
        format_time(1_798_759_800, Lang::Nl),
        "1 januari 2027, 00:30"
    );
    assert_eq!(format_time(0, Lang::Nl), "1 januari 1970, 01:00");
}

#[test]
fn the_days_the_clocks_change() {
    // 29 March 2026: at 01:00Z the clocks go from 02:00 to 03:00.
    assert_eq!(format_time(1_774_745_940, Lang::Nl), "29 maart 2026, 01:59");
    assert_eq!(format_time(1_774_746_000, Lang::Nl), "29 maart 2026, 03:00");
    // 25 October 2026: at 01:00Z the clocks go from 03:00 back to 02:00, so 02:30 comes twice.
    assert_eq!(
        format_time(1_792_888_200, Lang::Nl),
        "25 oktober 2026, 02:30"
    );
    assert_eq!(
        format_time(1_792_891_800, Lang::Nl),
        "25 oktober 2026, 02:30"
    );
}

#[test]
fn a_time_out_of_range_does_not_panic() {
    assert_eq!(format_time(i64::MAX, Lang::Nl), i64::MAX.to_string());
    assert_eq!(format_date(i64::MIN, Lang::En), i64::MIN.to_string());
}

#[test]
fn language_from_tags() {
    assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
    assert_eq!(Lang::from_tag("en_US.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
    assert_eq!(Lang::from_tag("nl_NL.UTF-8"), Some(Lang::Nl));
    assert_eq!(Lang::from_tag("nl_BE@euro"), Some(Lang::Nl));
    assert_eq!(Lang::from_tag("nl"), Some(Lang::Nl));
    assert_eq!(Lang::from_tag("C"), None);
    assert_eq!(Lang::from_tag("C.UTF-8"), None);
    assert_eq!(Lang::from_tag("POSIX"), None);
    assert_eq!(Lang::from_tag("de_DE.UTF-8"), None);
    assert_eq!(Lang::from_tag(""), None);
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert_eq!("fr".parse::<Lang>(), Err(UnknownLang));
    assert_eq!(Lang::En.to_string(), "en");
}

#[test]
fn language_from_flag_then_environment_else_dutch() {
    let env = [("LANG", "en_GB.UTF-8")];
    assert_eq!(Lang::from_env(None, &[]), Lang::Nl);
    assert_eq!(Lang::from_env(None, &env), Lang::En);
    // The flag wins.
    assert_eq!(Lang::from_env(Some("nl"), &env), Lang::Nl);
    assert_eq!(
        Lang::from_env(Some("en"), &[("LC_ALL", "nl_NL.UTF-8")]),
        Lang::En
    );
    // A flag naming no language of ours leaves the choice to the environment.
    assert_eq!(Lang::from_env(Some("fr"), &env), Lang::En);
    // LC_ALL before LC_MESSAGES before LANG.
    let all = [
        ("LANG", "nl_NL.UTF-8"),
        ("LC_MESSAGES", "en_US.UTF-8"),
        ("LC_ALL", "nl_NL.UTF-8"),
    ];
    assert_eq!(Lang::from_env(None, &all), Lang::Nl);
    assert_eq!(Lang::from_env(None, &all[..2]), Lang::En);
    // An empty variable is not set; the first one set decides, even as C or another language.
    assert_eq!(
        Lang::from_env(None, &[("LC_ALL", ""), ("LANG", "en_GB")]),
        Lang::En
    );
    assert_eq!(
        Lang::from_env(None, &[("LC_ALL", "C"), ("LANG", "en_GB")]),
        Lang::Nl
    );
    assert_eq!(
        Lang::from_env(None, &[("LC_MESSAGES", "de_DE.UTF-8"), ("LANG", "en_GB")]),
        Lang::Nl
    );
    // Other variables do not count.
    assert_eq!(
        Lang::from_env(None, &[("LC_TIME", "en_GB.UTF-8")]),
        Lang::Nl
    );
}

#[test]
fn yes_in_either_language() {
    for yes in ["j", "J", "ja", " Ja ", "y", "yes", "YES"] {
        assert!(is_yes(yes), "{yes}");
    }
    for no in ["", "n", "nee", "no", "jaa", "ok"] {
        assert!(!is_yes(no), "{no}");
    }
}

#[test]
fn texts_are_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Texts>();
    let handle = std::thread::spawn(|| Texts::global(Lang::En).get("role-huisarts"));
    assert_eq!(handle.join().ok().as_deref(), Some("GP"));
}

/// Message ids written as literals in calls such as `texts.get("id")` or `texts.fmt(\n "id",`
/// in the Rust source of this crate, the CLI, the client core and the web app: every one must
/// exist in both languages. (Ids built at run time, like `scope-{code}`, are covered by the
/// tests of the stable codes above.)
#[test]
fn every_literal_id_used_in_the_source_exists() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let roots = [
        manifest.join("src"),
        manifest.join("../cli/src"),
        manifest.join("../core/src"),
        manifest.join("../../web/bindings/src"),
    ];
    let known: BTreeSet<String> = parse(Lang::Nl).into_keys().collect();
    let groups: BTreeSet<&str> = known.iter().filter_map(|id| id.split('-').next()).collect();
    let mut used = BTreeMap::new();
    let mut files = Vec::new();
    for root in &roots {
        collect_rust_files(root, &mut files);
    }
    for file in &files {
        if file.ends_with("tests.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for id in literal_ids(&text) {
            let group = id.split('-').next().unwrap_or_default();
            if id.contains('-') && groups.contains(group) {
                used.insert(id, file.display().to_string());
            }
        }
    }
    assert!(
        used.contains_key("list-and"),
        "the scan finds nothing: {used:?}"
    );
    assert!(
        used.contains_key("error-unknown"),
        "the scan finds nothing: {used:?}"
    );
    for lang in Lang::ALL {
        let texts = Texts::global(lang);
        for (id, file) in &used {
            assert!(
                texts.has(id),
                "{lang}: {id} (used in {file}) does not exist"
            );
        }
    }
}

fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals given first to `.get(`, `.fmt(`, `.try_fmt(`, `.has(` and `.error(`.
fn literal_ids(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in [".get(", ".fmt(", ".try_fmt(", ".has(", ".error("] {
        for (at, _) in source.match_indices(call) {
            let rest = source[at + call.len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let literal: String = rest.chars().take_while(|c| *c != '"').collect();
            if !literal.is_empty()
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                out.push(if call == ".error(" {
                    format!("error-{}", literal.replace('_', "-"))
                } else {
                    literal
                });
            }
        }
    }
    out
}

/// The ids the web app names literally (`t('web-…')`, `text('…')`) and the error codes the web
/// binding gives (`Failure::code("…")`) have a text in both languages.
#[test]
fn every_id_the_web_app_uses_exists() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeMap::new();
    let app = manifest.join("../../web/app/src");
    let entries = std::fs::read_dir(&app).expect("web/app/src exists");
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for call in ["t('", "text('"] {
            for (at, _) in text.match_indices(call) {
                // A call of `t` or `core.text`, not `split('/')` and the like.
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if before.is_ascii_alphanumeric() || before == '_' {
                    continue;
                }
                let literal: String = text[at + call.len()..]
                    .chars()
                    .take_while(|c| *c != '\'')
                    .collect();
                used.insert(literal, path.display().to_string());
            }
        }
    }
    let mut bindings = Vec::new();
    collect_rust_files(&manifest.join("../../web/bindings/src"), &mut bindings);
    for path in &bindings {
        let text = std::fs::read_to_string(path).expect("readable source");
        for (at, _) in text.match_indices("code(\"") {
            let code: String = text[at + 6..].chars().take_while(|c| *c != '"').collect();
            used.insert(
                format!("error-{}", code.replace('_', "-")),
                path.display().to_string(),
            );
        }
    }
    assert!(
        used.contains_key("web-welcome-title"),
        "the scan finds nothing: {used:?}"
    );
    assert!(
        used.contains_key("error-in-progress"),
        "the scan finds nothing: {used:?}"
    );
    for lang in Lang::ALL {
        let texts = Texts::global(lang);
        for (id, file) in &used {
            assert!(
                texts.has(id),
                "{lang}: {id} (used in {file}) does not exist"
            );
        }
    }
}
