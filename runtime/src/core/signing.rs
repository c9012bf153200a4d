//! Django's `django.core.signing`: values signed with SECRET_KEY, so that what a client sends
//! back (a cookie, a token in a link) can be trusted not to have been changed. The formats are
//! Django's byte for byte: a value signed by Django verifies here and the other way round
//! (`runtime/tests/django_compat.rs` runs Django 5.2 from PyPI both ways). Signed cookie
//! sessions, the cookie message storage and password-reset tokens are built on it.
//!
//! ```text
//! let signer = Signer::new().salt("my.app");
//! let token = signer.sign("hello");            // "hello:<signature>"
//! assert_eq!(signer.unsign(&token)?, "hello");
//! let cookie = signing::dumps(&json!({"cart": [1, 2]}), "my.cart", true);
//! let cart: serde_json::Value = signing::loads(&cookie, "my.cart", Some(Duration::from_secs(3600)))?;
//! ```

use std::io::{Read, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{KeyInit, Mac};
use sha2::Digest;

/// Why a signed value was refused: Django's `BadSignature` and its `SignatureExpired`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    #[error("{0}")]
    BadSignature(String),
    #[error("{0}")]
    SignatureExpired(String),
}

impl SigningError {
    /// Django's `except BadSignature`, which catches an expired signature too.
    pub fn is_bad_signature(&self) -> bool {
        true
    }
}

/// The hash a signature is made with: Django's default is SHA-256 (SHA-1 before 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    #[default]
    Sha256,
    Sha1,
}

/// Django's `salted_hmac(key_salt, value, secret, algorithm)`: an HMAC whose key is the hash
/// of the salt and the secret, so each use of SECRET_KEY (sessions, tokens, cookies) signs
/// with a key of its own.
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &str, algorithm: Algorithm) -> Vec<u8> {
    let joined = [key_salt.as_bytes(), secret.as_bytes()].concat();
    match algorithm {
        Algorithm::Sha256 => {
            let key = sha2::Sha256::digest(&joined);
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
                .expect("HMAC takes a key of any length");
            mac.update(value);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::Sha1 => {
            let key = sha1::Sha1::digest(&joined);
            let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key)
                .expect("HMAC takes a key of any length");
            mac.update(value);
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// Django's `constant_time_compare`: equal or not, in a time that does not tell where two
/// values first differ.
pub fn constant_time_compare(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Django's `b64_encode`: URL-safe base64 without its `=` padding.
pub fn b64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Django's `b64_decode`, padding or not.
pub fn b64_decode(text: &str) -> Result<Vec<u8>, SigningError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| SigningError::BadSignature("Bad base64 in signed value".to_owned()))
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Django's `b62_encode` (timestamps in TimestampSigner's values).
pub fn b62_encode(n: i64) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let mut rest = n.unsigned_abs();
    let mut digits = Vec::new();
    while rest > 0 {
        digits.push(BASE62[(rest % 62) as usize]);
        rest /= 62;
    }
    if n < 0 {
        digits.push(b'-');
    }
    digits.reverse();
    String::from_utf8(digits).expect("base62 digits are ASCII")
}

/// Django's `b62_decode`.
pub fn b62_decode(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for c in digits.bytes() {
        let d = BASE62.iter().position(|&b| b == c)? as i64;
        n = n.checked_mul(62)?.checked_add(d)?;
    }
    Some(if negative { -n } else { n })
}

/// Django's `Signer`: `value:signature`, the signature a salted HMAC of the value with
/// SECRET_KEY (SECRET_KEY_FALLBACKS are accepted when verifying, so keys can be rotated).
#[derive(Debug, Clone)]
pub struct Signer {
    key: String,
    fallback_keys: Vec<String>,
    sep: String,
    salt: String,
    algorithm: Algorithm,
}

impl Default for Signer {
    fn default() -> Self {
        Signer::new()
    }
}

impl Signer {
    /// A signer with SECRET_KEY (and SECRET_KEY_FALLBACKS) of the settings, Django's default
    /// salt (`django.core.signing.Signer`) and separator (`:`).
    pub fn new() -> Self {
        let (key, fallback_keys) = match crate::conf::try_settings() {
            Some(s) => (s.SECRET_KEY.clone(), s.SECRET_KEY_FALLBACKS.clone()),
            None => (String::new(), Vec::new()),
        };
        Signer {
            key,
            fallback_keys,
            sep: ":".to_owned(),
            salt: "django.core.signing.Signer".to_owned(),
            algorithm: Algorithm::Sha256,
        }
    }

    /// Signs with `key` instead of SECRET_KEY, and accepts no fallback key (Django's
    /// `Signer(key=...)` still accepts SECRET_KEY_FALLBACKS; a key of one's own is safer
    /// alone). An empty key keeps SECRET_KEY, as Django's `key or settings.SECRET_KEY`.
    pub fn key(mut self, key: &str) -> Self {
        if !key.is_empty() {
            self.key = key.to_owned();
            self.fallback_keys.clear();
        }
        self
    }

    /// Also accepts signatures made with these keys (Django's `fallback_keys`).
    pub fn fallback_keys(mut self, keys: impl IntoIterator<Item = String>) -> Self {
        self.fallback_keys = keys.into_iter().collect();
        self
    }

    /// A salt of this use's own: values signed for one salt never verify for another (an
    /// empty salt keeps the default, as Django's `salt or ...`).
    pub fn salt(mut self, salt: &str) -> Self {
        if !salt.is_empty() {
            self.salt = salt.to_owned();
        }
        self
    }

    /// The separator between the value and its signature (`:` unless given). Django refuses
    /// an empty one, or one made only of characters a signature may contain (it could not be
    /// told apart): a programming error, so a panic with Django's message.
    pub fn sep(mut self, sep: &str) -> Self {
        let unsafe_sep = sep
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='));
        assert!(
            !unsafe_sep,
            "Unsafe Signer separator: {sep:?} (cannot be empty or consist of only A-z0-9-_=)"
        );
        self.sep = sep.to_owned();
        self
    }

    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The signature of `value` with `key`.
    pub fn signature(&self, value: &str, key: &str) -> String {
        b64_encode(&salted_hmac(
            &format!("{}signer", self.salt),
            value.as_bytes(),
            key,
            self.algorithm,
        ))
    }

    /// `value`, its separator and its signature. Signing with an empty SECRET_KEY is
    /// Django's ImproperlyConfigured, here a panic (the request's 500): nothing may be
    /// signed with a key anyone knows.
    pub fn sign(&self, value: &str) -> String {
        assert!(
            !self.key.is_empty(),
            "The SECRET_KEY setting must not be empty."
        );
        format!("{value}{}{}", self.sep, self.signature(value, &self.key))
    }

    /// The value of a signed string, if its signature is right (with SECRET_KEY or a
    /// fallback key).
    pub fn unsign(&self, signed: &str) -> Result<String, SigningError> {
        let Some((value, signature)) = signed.rsplit_once(&self.sep) else {
            return Err(SigningError::BadSignature(format!(
                "No \"{}\" found in value",
                self.sep
            )));
        };
        for key in std::iter::once(&self.key).chain(&self.fallback_keys) {
            if constant_time_compare(signature.as_bytes(), self.signature(value, key).as_bytes()) {
                return Ok(value.to_owned());
            }
        }
        Err(SigningError::BadSignature(format!(
            "Signature \"{signature}\" does not match"
        )))
    }

    /// `obj` as compact JSON, base64 (zlib-compressed first when that is shorter and
    /// `compress` is asked for, marked by a leading `.`), signed: Django's `sign_object`.
    pub fn sign_object<T: serde::Serialize + ?Sized>(&self, obj: &T, compress: bool) -> String {
        self.sign(&encode_object(obj, compress))
    }

    /// The object of a `sign_object` value (Django's `unsign_object`).
    pub fn unsign_object<T: serde::de::DeserializeOwned>(
        &self,
        signed: &str,
    ) -> Result<T, SigningError> {
        decode_object(&self.unsign(signed)?)
    }
}

/// Django's JSONSerializer: compact JSON with non-ASCII characters escaped (Python's
/// `ensure_ascii`), so the bytes signed are the bytes Django signs.
fn json_ascii<T: serde::Serialize + ?Sized>(obj: &T) -> Vec<u8> {
    let text = serde_json::to_string(obj).expect("a value serde can serialize is JSON");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Python escapes everything outside ' '..'~' (DEL included); serde has escaped the
        // control characters already.
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out.into_bytes()
}

fn encode_object<T: serde::Serialize + ?Sized>(obj: &T, compress: bool) -> String {
    let data = json_ascii(obj);
    if compress {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&data).expect("writing to memory");
        let compressed = z.finish().expect("writing to memory");
        if compressed.len() < data.len() - 1 {
            return format!(".{}", b64_encode(&compressed));
        }
    }
    b64_encode(&data)
}

fn decode_object<T: serde::de::DeserializeOwned>(base64d: &str) -> Result<T, SigningError> {
    let (compressed, text) = match base64d.strip_prefix('.') {
        Some(t) => (true, t),
        None => (false, base64d),
    };
    let mut data = b64_decode(text)?;
    if compressed {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&data[..])
            .read_to_end(&mut out)
            .map_err(|_| SigningError::BadSignature("Bad zlib data in signed value".into()))?;
        data = out;
    }
    serde_json::from_slice(&data)
        .map_err(|e| SigningError::BadSignature(format!("Bad JSON in signed value: {e}")))
}

/// Django's `TimestampSigner`: the value signed with the time it was signed, so it can be
/// refused once older than a `max_age`.
#[derive(Debug, Clone)]
pub struct TimestampSigner {
    signer: Signer,
}

impl Default for TimestampSigner {
    fn default() -> Self {
        TimestampSigner::new()
    }
}

impl TimestampSigner {
    /// With the settings' keys and Django's default salt (`django.core.signing.TimestampSigner`).
    pub fn new() -> Self {
        TimestampSigner {
            signer: Signer::new().salt("django.core.signing.TimestampSigner"),
        }
    }

    /// The same options as [`Signer`]'s; without a salt of its own, Django's default for a
    /// TimestampSigner (`django.core.signing.TimestampSigner`).
    pub fn with(mut signer: Signer) -> Self {
        if signer.salt == "django.core.signing.Signer" {
            signer.salt = "django.core.signing.TimestampSigner".to_owned();
        }
        TimestampSigner { signer }
    }

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }

    /// `value:timestamp:signature`.
    pub fn sign(&self, value: &str) -> String {
        self.sign_at(value, Self::now())
    }

    fn sign_at(&self, value: &str, timestamp: i64) -> String {
        let stamped = format!("{value}{}{}", self.signer.sep, b62_encode(timestamp));
        self.signer.sign(&stamped)
    }

    /// The value, if its signature is right and (with `max_age`) it is not older than that:
    /// Django's SignatureExpired otherwise ("Signature age 90.5 > 60 seconds").
    pub fn unsign(&self, signed: &str, max_age: Option<Duration>) -> Result<String, SigningError> {
        let stamped = self.signer.unsign(signed)?;
        let Some((value, stamp)) = stamped.rsplit_once(&self.signer.sep) else {
            return Err(SigningError::BadSignature(format!(
                "No \"{}\" found in value",
                self.signer.sep
            )));
        };
        let timestamp = b62_decode(stamp)
            .ok_or_else(|| SigningError::BadSignature("Bad timestamp in signed value".into()))?;
        if let Some(max_age) = max_age {
            let age = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64())
                - timestamp as f64;
            if age > max_age.as_secs_f64() {
                return Err(SigningError::SignatureExpired(format!(
                    "Signature age {age} > {} seconds",
                    max_age.as_secs_f64()
                )));
            }
        }
        Ok(value.to_owned())
    }

    /// Django's `sign_object` with a timestamp.
    pub fn sign_object<T: serde::Serialize + ?Sized>(&self, obj: &T, compress: bool) -> String {
        self.sign(&encode_object(obj, compress))
    }

    /// Django's `unsign_object` with a `max_age`.
    pub fn unsign_object<T: serde::de::DeserializeOwned>(
        &self,
        signed: &str,
        max_age: Option<Duration>,
    ) -> Result<T, SigningError> {
        decode_object(&self.unsign(signed, max_age)?)
    }
}

/// Django's `signing.dumps(obj, salt=..., compress=...)`: a URL-safe, signed, timestamped
/// JSON value (what signed cookies and tokens carry). `salt` separates uses:
/// Django's default is `"django.core.signing"`.
pub fn dumps<T: serde::Serialize + ?Sized>(obj: &T, salt: &str, compress: bool) -> String {
    TimestampSigner::with(Signer::new().salt(salt)).sign_object(obj, compress)
}

/// Django's `signing.loads(s, salt=..., max_age=...)`.
pub fn loads<T: serde::de::DeserializeOwned>(
    signed: &str,
    salt: &str,
    max_age: Option<Duration>,
) -> Result<T, SigningError> {
    TimestampSigner::with(Signer::new().salt(salt)).unsign_object(signed, max_age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_round_trips_as_djangos() {
        assert_eq!(b62_encode(0), "0");
        assert_eq!(b62_encode(61), "z");
        assert_eq!(b62_encode(62), "10");
        assert_eq!(b62_encode(-62), "-10");
        // int(time.time()) on 2026-12-06, as Django encodes it.
        assert_eq!(b62_encode(1_796_531_565), "1xa3vZ");
        for n in [0, 1, 61, 62, 1_796_531_565, -5] {
            assert_eq!(b62_decode(&b62_encode(n)), Some(n));
        }
        assert_eq!(b62_decode("!"), None);
    }

    #[test]
    fn a_changed_value_or_salt_is_refused() {
        let signer = Signer::new().key("secret").salt("a");
        let signed = signer.sign("hello");
        assert_eq!(signer.unsign(&signed).unwrap(), "hello");
        let tampered = signed.replacen("hello", "hellO", 1);
        assert!(matches!(
            signer.unsign(&tampered),
            Err(SigningError::BadSignature(m)) if m.starts_with("Signature \"")
        ));
        let other = Signer::new().key("secret").salt("b");
        assert!(other.unsign(&signed).is_err());
        assert_eq!(
            signer.unsign("no separator").unwrap_err().to_string(),
            "No \":\" found in value"
        );
        // A rotated key still verifies while it is a fallback.
        let rotated = Signer::new()
            .key("new")
            .salt("a")
            .fallback_keys(["secret".to_owned()]);
        assert_eq!(rotated.unsign(&signed).unwrap(), "hello");
    }

    #[test]
    fn objects_compress_only_when_shorter_and_expire() {
        let signer = TimestampSigner::with(Signer::new().key("k").salt("s"));
        let long = serde_json::json!({"items": vec!["same"; 50]});
        let packed = signer.sign_object(&long, true);
        assert!(packed.starts_with('.'), "{packed}");
        let back: serde_json::Value = signer.unsign_object(&packed, None).unwrap();
        assert_eq!(back, long);
        let short = signer.sign_object(&serde_json::json!([1]), true);
        assert!(!short.starts_with('.'));
        let old = signer.sign_at("v", TimestampSigner::now() - 100);
        let e = signer
            .unsign(&old, Some(Duration::from_secs(60)))
            .unwrap_err();
        assert!(matches!(e, SigningError::SignatureExpired(_)), "{e}");
        assert!(e.to_string().starts_with("Signature age 10"), "{e}");
        assert_eq!(signer.unsign(&old, None).unwrap(), "v");
        // Non-ASCII (and DEL) is escaped as Python's json.dumps escapes it.
        assert_eq!(json_ascii("é😀"), br#""\u00e9\ud83d\ude00""#.to_vec());
        assert_eq!(json_ascii("\u{7f}"), br#""\u007f""#.to_vec());
    }
}
