//! Writes the fixed inputs of the CLI snapshot tests (`tests/cmd/fixtures/`): a keystore
//! (passphrase `goed`, server 127.0.0.1:9 where nothing listens) and an access request that
//! expired long ago. Only with `RUGZAK_REGENERATE_FIXTURES=1`; otherwise checks they exist.

#![allow(clippy::unwrap_used, reason = "tests")]

use crypto::{
    AccessDuration, Identity, Mode, Payload, Permission, Permissions, Profile, Role, RootSecret,
    Scope, SignedRequest,
};

#[test]
fn snapshot_fixtures() {
    let dir = tests::crate_dir().join("tests/cmd/fixtures");
    if std::env::var_os("RUGZAK_REGENERATE_FIXTURES").is_none() {
        assert!(dir.join("home/keystore.age").exists());
        assert!(dir.join("expired-request.txt").exists());
        return;
    }
    std::env::set_var("RUGZAK_SCRYPT_WORK_FACTOR", "10");
    let root = RootSecret::from_bytes([9; 32]);
    let state = vault_client::State::new(&root, None, "http://127.0.0.1:9".into());
    let home = rugzak_cli::Home::new(dir.join("home"));
    let _ = std::fs::remove_file(dir.join("home/keystore.age"));
    home.create(&state, &age::secrecy::SecretString::from("goed".to_owned()))
        .unwrap();

    let gp = Identity::from_root(RootSecret::from_bytes([8; 32]));
    let profile = Profile {
        role: Role::Huisarts,
        name: "Dr. J. de Vries".into(),
        organisation: "Praktijk Centrum".into(),
    };
    let permissions = Permissions::new([Permission {
        scope: Scope::Notities,
        mode: Mode::Read,
    }])
    .unwrap();
    let request = SignedRequest::create(
        &gp,
        profile,
        permissions,
        AccessDuration::Days(30),
        "http://127.0.0.1:9".into(),
        1_772_355_600,
        &mut rand_core_os(),
    )
    .unwrap();
    std::fs::write(
        dir.join("expired-request.txt"),
        Payload::Request(request).to_text().as_str(),
    )
    .unwrap();
    // A picture without any QR code in it.
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(dir.join("geen-qr.png"))
        .unwrap();
}

fn rand_core_os() -> impl rand_core::CryptoRngCore {
    rand_core::OsRng
}
