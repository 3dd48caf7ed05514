//! Purpose: sealing and opening secrets, and where the key comes from.

use super::*;

fn tenant() -> TenantId {
    TenantId::parse("slack:T123").expect("valid tenant")
}

/// The key 00 01 02 … 1f.
fn counting_key() -> SecretKey {
    SecretKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "test").expect("32 bytes")
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

#[test]
fn a_sealed_value_matches_an_independent_chacha20_poly1305() {
    // Computed once with Python's `cryptography` 48.0 (not ring):
    //   ChaCha20Poly1305(bytes(range(32))).encrypt(bytes([7]*12), SECRET,
    //       b"steward\x00zendesk\x00slack:T123")
    // with the version byte 01 and the nonce put in front.
    let sealed = seal(
        &counting_key(),
        &context("zendesk", &tenant()),
        &secret("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="),
        [7; NONCE_LEN],
    )
    .expect("sealed");
    assert_eq!(
        hex::encode(sealed.as_bytes()),
        "01070707070707070707070707c213f5df500366eee6c6aad050b39d8c39e5c496b86f539f27d87959f0adbbb75e9eba7129be8698c40c51b9be35be082b880230df55b2971a3972d6"
    );
    let opened = open(&counting_key(), &context("zendesk", &tenant()), &sealed).expect("opens");
    assert_eq!(
        opened.expose_secret(),
        "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
    );
}

#[test]
fn only_the_same_key_and_context_open_an_unchanged_value() {
    let key = counting_key();
    let here = context("zendesk", &tenant());
    let sealed = seal(&key, &here, &secret("s3cret"), [1; NONCE_LEN]).expect("sealed");
    assert!(!sealed
        .as_bytes()
        .windows(6)
        .any(|w| w == b"s3cret".as_slice()));
    let other_key = SecretKey::parse(&"ab".repeat(32), "test").expect("hex key");
    assert_eq!(
        open(&other_key, &here, &sealed).map(|_| ()),
        Err(SecretsError::WrongKey)
    );
    let elsewhere = context("zendesk", &TenantId::parse("slack:T999").expect("valid"));
    assert_eq!(
        open(&key, &elsewhere, &sealed).map(|_| ()),
        Err(SecretsError::WrongKey)
    );
    for i in 1..sealed.as_bytes().len() {
        let mut bytes = sealed.as_bytes().to_vec();
        bytes[i] ^= 1;
        assert_eq!(
            open(&key, &here, &Sealed::from_bytes(bytes)).map(|_| ()),
            Err(SecretsError::WrongKey),
            "byte {i} flipped"
        );
    }
    for damaged in [vec![], vec![1], vec![2; 40], vec![1; 12]] {
        assert!(
            matches!(
                open(&key, &here, &Sealed::from_bytes(damaged.clone())),
                Err(SecretsError::Damaged(_) | SecretsError::WrongKey)
            ),
            "{damaged:?}"
        );
    }
    assert_eq!(
        format!("{sealed:?}"),
        format!("Sealed({} bytes)", 1 + 12 + 6 + 16)
    );
}

#[test]
fn keys_are_read_as_hex_or_base64_and_never_repeated_in_errors() {
    let hex_key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let forms = [
        hex_key.to_string(),
        hex_key.to_uppercase(),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into(),
        " AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n".into(),
    ];
    let reference = seal(&counting_key(), b"c", &secret("x"), [0; NONCE_LEN]).expect("sealed");
    for form in forms {
        let key = SecretKey::parse(&form, "test").expect(&form);
        assert_eq!(
            seal(&key, b"c", &secret("x"), [0; NONCE_LEN]).expect("sealed"),
            reference,
            "{form}"
        );
    }
    for bad in [
        "",
        "short",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", // 31 bytes
        &"0".repeat(63),
        &format!("{hex_key}00"),
        "not base64 at all, but long enough to be 32 bytes....",
    ] {
        let error = SecretKey::parse(bad, "STEWARD_SECRET_KEY").expect_err(bad);
        let text = error.to_string();
        assert!(
            text.starts_with("STEWARD_SECRET_KEY does not hold a 256-bit key"),
            "{text}"
        );
        assert!(bad.len() < 4 || !text.contains(bad), "{text}");
    }
    assert_eq!(format!("{:?}", counting_key()), "SecretKey([REDACTED])");
}

#[test]
fn the_key_file_is_made_once_for_its_owner_and_used_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("steward.db");
    let file = key_file_beside(&db);
    assert_eq!(file, dir.path().join("steward.key"));
    let here = context("zendesk", &tenant());

    // Opening never makes a key: there is nothing a new one could open.
    let keyring = Keyring::new(None, &db);
    let sealed_elsewhere = seal(&counting_key(), &here, &secret("x"), [0; NONCE_LEN]).expect("ok");
    let error = keyring
        .open(&here, &sealed_elsewhere)
        .expect_err("no key yet");
    assert!(matches!(error, SecretsError::KeyMissing { .. }), "{error}");
    assert!(error.to_string().contains("STEWARD_SECRET_KEY"), "{error}");
    assert!(!file.exists());

    let first = keyring.seal(&here, &secret("s3cret")).expect("sealed");
    let second = keyring.seal(&here, &secret("s3cret")).expect("sealed");
    assert_ne!(first, second, "a fresh nonce each time");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("made").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let written = std::fs::read_to_string(&file).expect("readable");
    assert!(SecretKey::parse(&written, "file").is_ok(), "{written}");

    // After a restart the same file opens what was sealed.
    let again = Keyring::new(None, &db);
    assert_eq!(
        again.open(&here, &first).expect("opens").expose_secret(),
        "s3cret"
    );
    // STEWARD_SECRET_KEY wins over the file: a value sealed under the file does not open.
    let given = Keyring::new(Some(counting_key()), &db);
    assert_eq!(
        given.open(&here, &first).map(|_| ()),
        Err(SecretsError::WrongKey)
    );

    std::fs::write(&file, "garbled").expect("write");
    let garbled = Keyring::new(None, &db);
    let error = garbled.seal(&here, &secret("x")).expect_err("garbled file");
    assert!(
        error
            .to_string()
            .contains("steward.key does not hold a 256-bit key"),
        "{error}"
    );
    assert!(!error.to_string().contains("garbled"), "{error}");

    let error = Keyring::none()
        .seal(&here, &secret("x"))
        .expect_err("no key");
    assert_eq!(error, SecretsError::NoKey);
    assert!(error.to_string().contains("STEWARD_SECRET_KEY"));
}
