//! Django 5.2 (from PyPI, in a virtualenv under target/) and rjango read each other's password
//! hashes and signed values: every hasher of Django's default PASSWORD_HASHERS (and bcrypt),
//! django.core.signing's Signer, TimestampSigner, dumps and loads, the signed-cookie session
//! backend, CSRF tokens, and the messages cookie, both ways.

use std::time::Duration;

use rjango::contrib::auth::hashers::{
    Argon2PasswordHasher, BCryptPasswordHasher, PBKDF2PasswordHasher, PasswordHasher,
    ScryptPasswordHasher, check_password, verify_password,
};
use rjango::contrib::sessions::SessionStore;
use rjango::contrib::sessions::backends::SignedCookies;
use rjango::core::signing::{Signer, TimestampSigner};
use rjango::middleware::csrf;
use serde_json::{Value, json};

const KEY: &str = "compat-secret-key-with-enough-length-for-django";
const PASSWORD: &str = "correct horse battery staple é";

#[path = "support/venv.rs"]
mod venv;
use venv::django_python;

fn hashers() -> Vec<Box<dyn PasswordHasher>> {
    vec![
        Box::new(PBKDF2PasswordHasher::default()),
        Box::new(PBKDF2PasswordHasher {
            sha1: true,
            ..Default::default()
        }),
        Box::new(Argon2PasswordHasher::default()),
        Box::new(BCryptPasswordHasher::default()),
        Box::new(BCryptPasswordHasher {
            sha256: false,
            ..Default::default()
        }),
        Box::new(ScryptPasswordHasher::default()),
    ]
}

#[test]
fn django_and_rjango_read_each_others_hashes_and_signatures() {
    let Some(python) = django_python() else {
        return;
    };
    // rjango's side.
    let ours: serde_json::Map<String, Value> = hashers()
        .iter()
        .map(|h| {
            (
                h.algorithm().to_owned(),
                json!(h.encode(PASSWORD, &h.salt())),
            )
        })
        .collect();
    assert!(
        ours["pbkdf2_sha256"]
            .as_str()
            .unwrap()
            .starts_with("pbkdf2_sha256$1000000$"),
        "Django 5.2's iterations"
    );
    let object = json!({"a": "é", "n": (0..40).collect::<Vec<_>>()});
    let dumps = |compress: bool| {
        TimestampSigner::with(Signer::new().key(KEY).salt("django.core.signing"))
            .sign_object(&object, compress)
    };
    let signer = Signer::new().key(KEY);
    let signed = json!({
        "signer": signer.sign("hello é"),
        "salted": Signer::new().key(KEY).salt("compat").sign("salted value"),
        "timestamped": TimestampSigner::with(Signer::new().key(KEY).salt("django.core.signing.TimestampSigner")).sign("stamped"),
        "dumps": dumps(false),
        "dumps_compressed": dumps(true),
        "tampered": signer.sign("hello").replacen("hello", "jello", 1),
    });
    assert!(
        signed["dumps_compressed"]
            .as_str()
            .unwrap()
            .starts_with('.')
    );

    // A signed-cookie session as rjango's SessionMiddleware saves it (with SECRET_KEY).
    rjango::conf::configure(rjango::conf::Settings {
        SECRET_KEY: KEY.into(),
        ..Default::default()
    });
    let store = SignedCookies;
    let mut data = serde_json::Map::new();
    data.insert("user".into(), json!("grace"));
    data.insert("visits".into(), json!(3));
    let session = rjango::__private::block_on(store.save(None, &data)).unwrap();
    // A CSRF secret and a page's token, masked as rjango's CsrfViewMiddleware masks it.
    let csrf_secret = rjango::contrib::auth::hashers::get_random_string(32);
    let csrf_token = csrf::mask_cipher_secret(&csrf_secret);
    // A messages cookie as rjango's MessageMiddleware writes it.
    let ours_messages = rjango::contrib::messages::encode_cookie(&[
        rjango::contrib::messages::Message {
            level: 25,
            message: "Done é.".into(),
            extra_tags: String::new(),
        },
        rjango::contrib::messages::Message {
            level: 30,
            message: "Careful".into(),
            extra_tags: "big".into(),
        },
    ])
    .unwrap();
    let request = json!({
        "messages": ours_messages,
        "key": KEY,
        "password": PASSWORD,
        "hashes": ours,
        "signed": signed,
        "session": session,
        "csrf": {"secret": csrf_secret, "token": csrf_token},
    });
    let django = venv::run_django(&python, "django_compat.py", &request);

    // Django read rjango's: every hash verifies, a wrong password does not, and only the
    // non-default algorithms must be updated (Django's own upgrade rule).
    for (algorithm, verdict) in django["verified"].as_object().unwrap() {
        let must_update = algorithm != "pbkdf2_sha256";
        assert_eq!(
            verdict,
            &json!([true, false, must_update]),
            "Django on rjango's {algorithm}"
        );
    }
    let unsigned = &django["unsigned"];
    assert_eq!(unsigned["signer"], "hello é");
    assert_eq!(unsigned["salted"], "salted value");
    assert_eq!(unsigned["timestamped"], "stamped");
    assert_eq!(unsigned["dumps"], object);
    assert_eq!(unsigned["dumps_compressed"], object);
    assert_eq!(
        unsigned["session"],
        json!({"user": "grace", "visits": 3}),
        "Django's signed_cookies backend reads rjango's session"
    );
    assert!(
        unsigned["tampered"]
            .as_str()
            .unwrap()
            .starts_with("Signature \""),
        "{}",
        unsigned["tampered"]
    );

    // rjango reads Django's.
    for h in hashers() {
        let encoded = django["hashes"][h.algorithm()].as_str().unwrap();
        assert!(h.verify(PASSWORD, encoded), "rjango on Django's {encoded}");
        assert!(!h.verify("wrong", encoded));
        assert!(
            !h.must_update(encoded),
            "{encoded}: Django's parameters are rjango's"
        );
    }
    // Through PASSWORD_HASHERS's defaults: verified, and upgraded unless PBKDF2-SHA256.
    for algorithm in [
        "pbkdf2_sha256",
        "pbkdf2_sha1",
        "argon2",
        "bcrypt_sha256",
        "scrypt",
    ] {
        let encoded = django["hashes"][algorithm].as_str().unwrap();
        assert!(check_password(PASSWORD, encoded), "{algorithm}");
        assert_eq!(
            verify_password(PASSWORD, encoded),
            (true, algorithm != "pbkdf2_sha256")
        );
    }
    let theirs = &django["signed"];
    assert_eq!(
        signer.unsign(theirs["signer"].as_str().unwrap()).unwrap(),
        "hello é"
    );
    let stamped = TimestampSigner::with(
        Signer::new()
            .key(KEY)
            .salt("django.core.signing.TimestampSigner"),
    );
    assert_eq!(
        stamped
            .unsign(
                theirs["timestamped"].as_str().unwrap(),
                Some(Duration::from_secs(600))
            )
            .unwrap(),
        "v"
    );
    let loads = TimestampSigner::with(Signer::new().key(KEY).salt("django.core.signing"));
    for name in ["dumps", "dumps_compressed"] {
        let got: Value = loads
            .unsign_object(theirs[name].as_str().unwrap(), None)
            .unwrap();
        assert_eq!(got, theirs["object"], "{name}");
    }
    // Django's CSRF middleware takes rjango's token for its secret (and not for another), and
    // rjango takes Django's.
    assert_eq!(unsigned["csrf"], json!([true, true, false]));
    let theirs_csrf = &django["csrf"];
    assert!(csrf::does_token_match(
        theirs_csrf["token"].as_str().unwrap(),
        theirs_csrf["secret"].as_str().unwrap()
    ));
    assert!(!csrf::does_token_match(
        theirs_csrf["token"].as_str().unwrap(),
        &csrf_secret
    ));
    // Django's CookieStorage reads rjango's messages, and rjango reads Django's.
    assert_eq!(
        unsigned["messages"],
        json!([[25, "Done é.", ""], [30, "Careful", "big"]])
    );
    let theirs_messages =
        rjango::contrib::messages::decode_cookie(django["messages"].as_str().unwrap()).unwrap();
    let shown: Vec<(i32, &str, &str)> = theirs_messages
        .iter()
        .map(|m| (m.level, m.message.as_str(), m.extra_tags.as_str()))
        .collect();
    assert_eq!(shown, [(25, "Saved é.", ""), (40, "Broken", "urgent")]);
    // rjango's SessionMiddleware reads a session Django's backend saved.
    let theirs_session =
        rjango::__private::block_on(store.load(django["session"].as_str().unwrap()))
            .expect("Django's session cookie verifies");
    assert_eq!(
        Value::Object(theirs_session),
        json!({"user": "ada", "cart": [1, 2, 3]})
    );
    // The same object dumped uncompressed is the same bytes but for the timestamp.
    let ours = dumps(false);
    let theirs_dumps = theirs["dumps"].as_str().unwrap();
    assert_eq!(
        ours.split(':').next(),
        theirs_dumps.split(':').next(),
        "the signed JSON is Django's, byte for byte"
    );
}
