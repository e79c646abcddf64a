//! QR payload vectors (`spec/vectors/qr.json`): the text of each payload kind, its QR version at
//! error-correction level M, and damaged texts with the precise error each must give. Also
//! proves scannability: every payload kind, at the largest sizes the formats allow, is drawn,
//! written as PNG, read back and decoded with `rqrr`. Regenerate (only after a deliberate format
//! change) with `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_qr`.

mod grants_support;
mod vector_file;

use std::io::Cursor;

use crypto::qr::{QrParseError, TerminalBackground};
use crypto::request::{MAX_NAME_LEN, MAX_ORGANISATION_LEN, MAX_SERVER_URL_LEN};
use crypto::{
    AccessDuration, Identity, Mode, Payload, Permission, Permissions, Profile, Qr, RecoveryCode,
    RequestRef, Role, Scope, SignedRequest,
};
use data_encoding::{Encoding, Specification};
use grants_support::{
    gp_request, outcome, party, root, stored_or_regenerate, to_json, Replay, NOW,
};
use serde_json::{json, Value};

const GP_ROOT: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const INWONER_ROOT: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const REQUEST_NONCE: [u8; 16] = [0xA1; 16];
const HEADER_LEN: usize = "RZ:REQ:1:".len();

/// An independent Crockford base32 (strict, upper case), to build damaged payloads by hand.
fn crockford() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.encoding().expect("valid specification")
}

/// `RZ:<kind>:1:` + base32(bytes ‖ first 4 bytes of SHA-256(header ‖ bytes)).
fn checked_text(kind: &str, bytes: &[u8]) -> String {
    let header = format!("RZ:{kind}:1:");
    let digest = crypto::encoding::sha256(&[header.as_bytes(), bytes].concat());
    let mut data = bytes.to_vec();
    data.extend_from_slice(&digest.as_bytes()[..4]);
    header + &crockford().encode(&data)
}

fn parsed(text: &str) -> Result<(), QrParseError> {
    Payload::parse(text).map(|_| ())
}

fn version_of(text: &str) -> i16 {
    Qr::fit(text).expect("fits").version()
}

fn damaged(name: &str, input: String, expected: &str) -> Value {
    let actual = outcome(&parsed(&input));
    assert_eq!(actual, expected, "case {name}");
    json!({ "name": name, "input": input, "expected": expected })
}

/// Cuts `text` so that the base32 data keeps a decodable length (a multiple of 8 symbols).
fn truncated_decodable(text: &str) -> String {
    let data = text.len() - HEADER_LEN;
    text[..HEADER_LEN + (data / 2) / 8 * 8].to_string()
}

/// Cuts `text` so that the base32 data has a length no byte string encodes to (1 mod 8).
fn truncated_undecodable(text: &str) -> String {
    let data = text.len() - HEADER_LEN;
    text[..HEADER_LEN + (data / 2) / 8 * 8 + 1].to_string()
}

fn build() -> Value {
    let request = gp_request(&party(GP_ROOT), &REQUEST_NONCE);
    let reference = RequestRef::to(&request);
    let recovery = RecoveryCode::from_root(&root(INWONER_ROOT));
    let req_text = Payload::Request(request.clone()).to_text().to_string();
    let ref_text = Payload::RequestRef(reference.clone()).to_text().to_string();
    let rec_text = Payload::Recovery(recovery).to_text().to_string();

    let mut bad_symbol = req_text.clone().into_bytes();
    bad_symbol[HEADER_LEN + 20] = if bad_symbol[HEADER_LEN + 20] == b'7' {
        b'8'
    } else {
        b'7'
    };
    let http_reference = RequestRef {
        server: "http://rugzak.example.nl".into(),
        ..reference.clone()
    };
    let cases = vec![
        damaged(
            "share link URL",
            "https://rugzak.example.nl/v1/links/abc#key".into(),
            "UnknownPrefix",
        ),
        damaged("no data", "RZ:REQ".into(), "Layout"),
        damaged(
            "unknown kind",
            req_text.replacen("RZ:REQ:", "RZ:XYZ:", 1),
            "UnknownKind",
        ),
        damaged(
            "unsupported version",
            req_text.replacen("RZ:REQ:1:", "RZ:REQ:2:", 1),
            "UnsupportedVersion { kind: \"REQ\", version: 2 }",
        ),
        damaged(
            "not base32",
            format!("{}U", &req_text[..req_text.len() - 1]),
            "BadEncoding",
        ),
        damaged(
            "one symbol changed",
            String::from_utf8(bad_symbol).expect("ascii"),
            "BadChecksum",
        ),
        damaged(
            "truncated request",
            truncated_decodable(&req_text),
            "BadChecksum",
        ),
        damaged(
            "truncated request, impossible length",
            truncated_undecodable(&req_text),
            "BadEncoding",
        ),
        damaged(
            "truncated reference",
            truncated_decodable(&ref_text),
            "BadChecksum",
        ),
        damaged(
            "truncated recovery code",
            rec_text[..rec_text.len() - 25].to_string(),
            "Recovery(WrongLength { found: 40 })",
        ),
        damaged(
            "kind changed",
            req_text.replacen("RZ:REQ:", "RZ:REF:", 1),
            "BadChecksum",
        ),
        damaged(
            "checksum fine, bytes not a request",
            checked_text("REQ", b"not postcard"),
            "Malformed { kind: \"REQ\" }",
        ),
        damaged(
            "reference to plain http",
            Payload::RequestRef(http_reference).to_text().to_string(),
            "BadReference(ServerUrl)",
        ),
        damaged(
            "recovery code typo",
            rec_text.replacen("RZ:REC:1:4", "RZ:REC:1:5", 1),
            "Recovery(BadGroups { groups: [1] })",
        ),
    ];
    json!({
        "about": "QR payload vectors; see spec/parts/recovery-qr.md. qr_version is the smallest \
                  QR version holding the text at error-correction level M. Expected errors are \
                  the Rust Debug form.",
        "request": { "text": req_text, "object": to_json(&request), "qr_version": version_of(&req_text) },
        "reference": { "text": ref_text, "object": to_json(&reference), "qr_version": version_of(&ref_text) },
        "recovery": { "text": rec_text, "root": INWONER_ROOT, "qr_version": version_of(&rec_text) },
        "damaged": cases,
    })
}

#[test]
fn vectors_match_code() {
    let stored = stored_or_regenerate("qr.json", &build());
    let text = |key: &str| stored[key]["text"].as_str().expect("text").to_string();
    match Payload::parse(&text("request")) {
        Ok(Payload::Request(r)) => assert_eq!(to_json(&r), stored["request"]["object"]),
        other => panic!("request: {other:?}"),
    }
    match Payload::parse(&text("reference")) {
        Ok(Payload::RequestRef(r)) => assert_eq!(to_json(&r), stored["reference"]["object"]),
        other => panic!("reference: {other:?}"),
    }
    match Payload::parse(&text("recovery")) {
        Ok(Payload::Recovery(code)) => assert_eq!(code.root_secret(), root(INWONER_ROOT)),
        other => panic!("recovery: {other:?}"),
    }
    for key in ["request", "reference", "recovery"] {
        assert_eq!(
            i64::from(version_of(&text(key))),
            stored[key]["qr_version"],
            "{key}"
        );
    }
    for c in stored["damaged"].as_array().expect("cases") {
        let input = c["input"].as_str().expect("input");
        assert_eq!(outcome(&parsed(input)), c["expected"], "{}", c["name"]);
    }
}

/// Text of exactly `len` bytes, realistic Dutch characters included.
fn long_text(start: &str, len: usize) -> String {
    let mut text = start.to_string();
    for c in " van der Ëindhoven-Schuurmans".chars().cycle() {
        if text.len() + c.len_utf8() > len {
            break;
        }
        text.push(c);
    }
    if text.ends_with(' ') {
        text.pop();
    }
    while text.len() < len {
        text.push('x');
    }
    text
}

/// The largest request the format allows: longest name, organisation and server URL, every
/// permission, lifelong.
fn largest_request() -> SignedRequest {
    let mut server = "https://rugzak.welzijnoprecept-flevoland.nl".to_string();
    while server.len() + "/praktijk".len() <= MAX_SERVER_URL_LEN {
        server.push_str("/praktijk");
    }
    server.push_str(&"x".repeat(MAX_SERVER_URL_LEN - server.len()));
    let all = Scope::ALL
        .iter()
        .flat_map(|&scope| [Mode::Read, Mode::Append].map(|mode| Permission { scope, mode }));
    SignedRequest::create(
        &Identity::from_root(root(GP_ROOT)),
        Profile {
            role: Role::PohGgz,
            name: long_text("Dr. Maria-Magdalena", MAX_NAME_LEN),
            organisation: long_text("Gezondheidscentrum", MAX_ORGANISATION_LEN),
        },
        Permissions::new(all).expect("all permissions"),
        AccessDuration::Lifelong,
        server,
        NOW,
        &mut Replay::new(&[&REQUEST_NONCE]),
    )
    .expect("largest valid request")
}

/// A realistic request with long Dutch names.
fn realistic_request() -> SignedRequest {
    SignedRequest::create(
        &Identity::from_root(root(GP_ROOT)),
        Profile {
            role: Role::Welzijnscoach,
            name: "Maria Magdalena van den Heuvel-Schuurmans".into(),
            organisation: "Stichting Welzijn & Mantelzorg Lelystad-Zuid en Dronten".into(),
        },
        Permissions::new([
            Permission {
                scope: Scope::Vragenlijsten,
                mode: Mode::Read,
            },
            Permission {
                scope: Scope::Verwijzing,
                mode: Mode::Read,
            },
            Permission {
                scope: Scope::Intake,
                mode: Mode::Read,
            },
            Permission {
                scope: Scope::Intake,
                mode: Mode::Append,
            },
            Permission {
                scope: Scope::Terugkoppeling,
                mode: Mode::Append,
            },
        ])
        .expect("valid"),
        AccessDuration::Lifelong,
        "https://rugzak.welzijnoprecept-flevoland.nl".into(),
        NOW,
        &mut Replay::new(&[&REQUEST_NONCE]),
    )
    .expect("valid request")
}

/// Decodes grey pixels (`size` × `size`, row by row) with rqrr.
fn decode_luma(width: usize, height: usize, pixel: impl Fn(usize, usize) -> u8) -> String {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code found");
    grids[0].decode().expect("decodes").1
}

/// Reads terminal half blocks back as pixels (4 per module) the way a camera would see the
/// screen: a block glyph is the terminal's foreground colour, a space its background.
fn scan_terminal(text: &str, background: TerminalBackground) -> String {
    let (fg, bg) = match background {
        TerminalBackground::Dark => (255u8, 0u8),
        TerminalBackground::Light => (0u8, 255u8),
    };
    let rows: Vec<Vec<[u8; 2]>> = text
        .lines()
        .map(|line| {
            line.chars()
                .map(|c| match c {
                    ' ' => [bg, bg],
                    '\u{2580}' => [fg, bg],
                    '\u{2584}' => [bg, fg],
                    '\u{2588}' => [fg, fg],
                    other => panic!("unexpected terminal character {other:?}"),
                })
                .collect()
        })
        .collect();
    let (scale, width, height) = (4, rows[0].len(), rows.len() * 2);
    decode_luma(width * scale, height * scale, |x, y| {
        let (col, row) = (x / scale, y / scale);
        rows[row / 2][col][row % 2]
    })
}

/// Draws `text`, writes it as PNG, reads the PNG back and decodes it with rqrr.
fn scan_png(qr: &Qr) -> String {
    let luma = qr.to_luma(4);
    let img = image::GrayImage::from_raw(luma.size, luma.size, luma.pixels).expect("size");
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png encode");
    let read = image::load_from_memory(&png)
        .expect("png decode")
        .to_luma8();
    let (w, h) = (read.width() as usize, read.height() as usize);
    decode_luma(w, h, |x, y| read.get_pixel(x as u32, y as u32)[0])
}
#[test]
fn every_payload_kind_fits_level_m_and_scans_back() {
    let largest = largest_request();
    let share_link = format!(
        "https://rugzak.welzijnoprecept-flevoland.nl/v1/links/{}#{}",
        "q3N0cmluZy1vZi00My1jaGFyYWN0ZXJzLWxpbmstaWQ",
        "S2V5LW9mLTI1Ni1iaXRzLWluLWJhc2U2NHVybC1ub3Bh"
    );
    let recovery = Payload::Recovery(RecoveryCode::from_root(&root(INWONER_ROOT))).to_text();
    let realistic = realistic_request();
    let text = |payload: Payload| payload.to_text().to_string();
    // (name, text, the QR version it reaches at level M)
    let payloads: Vec<(&str, String, i16)> = vec![
        (
            "request, realistic",
            text(Payload::Request(realistic.clone())),
            14,
        ),
        (
            "request, largest",
            text(Payload::Request(largest.clone())),
            20,
        ),
        (
            "reference, realistic",
            text(Payload::RequestRef(RequestRef::to(&realistic))),
            7,
        ),
        (
            "reference, largest",
            text(Payload::RequestRef(RequestRef::to(&largest))),
            12,
        ),
        ("recovery code", recovery.to_string(), 4),
        ("share link", share_link, 8),
    ];
    for (name, text, version) in payloads {
        let qr = Qr::fit(&text).expect("fits a QR code");
        eprintln!(
            "{name}: {} characters, QR version {} at level M",
            text.len(),
            qr.version()
        );
        assert_eq!(qr.version(), version, "{name}: QR version changed");
        assert_eq!(scan_png(&qr), text, "{name} scans back");
        if let Ok(payload) = Payload::parse(&text) {
            assert_eq!(*payload.to_text(), text, "{name} parses and re-encodes");
        }
        assert!(qr.to_svg(256).starts_with("<?xml"));
        for background in [TerminalBackground::Dark, TerminalBackground::Light] {
            let terminal = qr.to_terminal(background);
            assert_eq!(
                scan_terminal(&terminal, background),
                text,
                "{name} on screen"
            );
        }
    }
}

#[test]
fn text_beyond_the_largest_qr_code_is_refused() {
    let text = "A".repeat(4_000);
    assert_eq!(
        Qr::fit(&text).map(|q| q.version()),
        Err(crypto::qr::QrTooLarge { len: 4_000 })
    );
}
