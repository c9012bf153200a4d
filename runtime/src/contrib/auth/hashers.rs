//! Django's password hashers (`django.contrib.auth.hashers`), in Django's own formats, so a
//! password hashed by Django verifies here and one hashed here verifies in Django
//! (`runtime/tests/django_compat.rs` runs Django 5.2 from PyPI both ways):
//!
//! | PASSWORD_HASHERS entry | stored as |
//! |---|---|
//! | `PBKDF2PasswordHasher` (the default) | `pbkdf2_sha256$1000000$<salt>$<base64 hash>` |
//! | `PBKDF2SHA1PasswordHasher` | `pbkdf2_sha1$1000000$<salt>$<base64 hash>` |
//! | `Argon2PasswordHasher` | `argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>` |
//! | `BCryptSHA256PasswordHasher` | `bcrypt_sha256$$2b$12$<salt and hash>` |
//! | `BCryptPasswordHasher` | `bcrypt$$2b$12$<salt and hash>` |
//! | `ScryptPasswordHasher` | `scrypt$16384$<salt>$8$5$<base64 hash>` |
//!
//! The first entry of PASSWORD_HASHERS hashes new passwords; the others are accepted, and a
//! password stored with another algorithm, fewer iterations or a weak salt "must update":
//! [`check_password_and_upgrade`] hands it to a setter to be hashed again, as Django does at
//! login.

use base64::Engine;
use sha2::Digest;

use crate::core::signing::constant_time_compare;

/// What an unusable password starts with (Django's `UNUSABLE_PASSWORD_PREFIX`).
pub const UNUSABLE_PASSWORD_PREFIX: &str = "!";

/// Django's `RANDOM_STRING_CHARS`: salts and random strings are made of these.
const RANDOM_STRING_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Django's `get_random_string(length, allowed_chars)`: `length` characters of `allowed`
/// (ASCII, at most 256 of them) from the OS's random source, without bias.
pub fn get_random_string_of(length: usize, allowed: &[u8]) -> String {
    assert!(!allowed.is_empty() && allowed.len() <= 256 && allowed.is_ascii());
    let n = allowed.len();
    // Bytes at or above the largest multiple of n would favour the first characters.
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(length);
    let mut buf = [0u8; 64];
    while out.len() < length {
        getrandom::fill(&mut buf).expect("the operating system's random source");
        for b in buf.iter().filter(|&&b| usize::from(b) < limit) {
            if out.len() == length {
                break;
            }
            out.push(allowed[usize::from(*b) % n] as char);
        }
    }
    out
}

/// Django's `get_random_string(length)`: letters and digits from the OS's random source.
pub fn get_random_string(length: usize) -> String {
    let mut out = String::with_capacity(length);
    let mut buf = [0u8; 64];
    while out.len() < length {
        getrandom::fill(&mut buf).expect("the operating system's random source");
        // 62 letters and digits: bytes below 248 (4 × 62) map without bias.
        for b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == length {
                break;
            }
            out.push(RANDOM_STRING_CHARS[(*b % 62) as usize] as char);
        }
    }
    out
}

/// The bits of entropy a salt must carry (Django's `salt_entropy`): 128, so 22 characters.
const SALT_ENTROPY: f64 = 128.0;

fn salt_characters() -> usize {
    (SALT_ENTROPY / (RANDOM_STRING_CHARS.len() as f64).log2()).ceil() as usize
}

/// Django's `must_update_salt`: a salt too short for 128 bits of entropy.
fn weak_salt(salt: &str) -> bool {
    (salt.len() as f64) * (RANDOM_STRING_CHARS.len() as f64).log2() < SALT_ENTROPY
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One of Django's hashers.
pub trait PasswordHasher: Send + Sync {
    /// The prefix of what it stores (`pbkdf2_sha256`).
    fn algorithm(&self) -> &'static str;
    /// Its PASSWORD_HASHERS entry (`django.contrib.auth.hashers.PBKDF2PasswordHasher`).
    fn dotted_name(&self) -> &'static str;
    /// A fresh salt.
    fn salt(&self) -> String {
        get_random_string(salt_characters())
    }
    /// `password` hashed with `salt`, in the stored form.
    fn encode(&self, password: &str, salt: &str) -> String;
    /// Whether `password` is the one `encoded` was made from.
    fn verify(&self, password: &str, encoded: &str) -> bool;
    /// Whether `encoded` was made with other parameters than this hasher's now (Django's
    /// `must_update`): then the password is hashed again at the next login.
    fn must_update(&self, encoded: &str) -> bool;
    /// After a wrong password against a hash weaker than this hasher makes now, the work
    /// that makes the check take as long as against a current hash (Django's
    /// `harden_runtime`), so the time tells nothing about how old the hash is.
    fn harden_runtime(&self, password: &str, encoded: &str) {
        let _ = (password, encoded);
    }
}

/// Django's `PBKDF2PasswordHasher` (and, with SHA-1, `PBKDF2SHA1PasswordHasher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PBKDF2PasswordHasher {
    /// Django 5.2's default: 1,000,000.
    pub iterations: u32,
    pub sha1: bool,
}

impl Default for PBKDF2PasswordHasher {
    fn default() -> Self {
        PBKDF2PasswordHasher {
            iterations: 1_000_000,
            sha1: false,
        }
    }
}

/// The parts of a `$`-separated stored password.
fn parts(encoded: &str) -> Vec<&str> {
    encoded.split('$').collect()
}

impl PBKDF2PasswordHasher {
    fn hash(&self, password: &str, salt: &str, iterations: u32) -> String {
        if self.sha1 {
            let mut out = [0u8; 20];
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
                password.as_bytes(),
                salt.as_bytes(),
                iterations,
                &mut out,
            );
            b64(&out)
        } else {
            let mut out = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                password.as_bytes(),
                salt.as_bytes(),
                iterations,
                &mut out,
            );
            b64(&out)
        }
    }

    /// The iterations and salt of a stored password of this algorithm (at least one
    /// iteration: 0 is no PBKDF2 Django makes).
    fn decode<'a>(&self, encoded: &'a str) -> Option<(u32, &'a str, &'a str)> {
        match parts(encoded)[..] {
            [algorithm, iterations, salt, hash] if algorithm == self.algorithm() => {
                Some((iterations.parse().ok().filter(|&n| n > 0)?, salt, hash))
            }
            _ => None,
        }
    }
}

impl PasswordHasher for PBKDF2PasswordHasher {
    fn algorithm(&self) -> &'static str {
        if self.sha1 {
            "pbkdf2_sha1"
        } else {
            "pbkdf2_sha256"
        }
    }
    fn dotted_name(&self) -> &'static str {
        if self.sha1 {
            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"
        } else {
            "django.contrib.auth.hashers.PBKDF2PasswordHasher"
        }
    }
    fn encode(&self, password: &str, salt: &str) -> String {
        format!(
            "{}${}${salt}${}",
            self.algorithm(),
            self.iterations,
            self.hash(password, salt, self.iterations)
        )
    }
    fn verify(&self, password: &str, encoded: &str) -> bool {
        let Some((iterations, salt, _)) = self.decode(encoded) else {
            return false;
        };
        // The whole string made again, as Django compares it: `+1000` or `01000` iterations
        // do not pass for 1000.
        let again = format!(
            "{}${iterations}${salt}${}",
            self.algorithm(),
            self.hash(password, salt, iterations)
        );
        constant_time_compare(encoded.as_bytes(), again.as_bytes())
    }
    fn must_update(&self, encoded: &str) -> bool {
        match self.decode(encoded) {
            Some((iterations, salt, _)) => iterations != self.iterations || weak_salt(salt),
            None => true,
        }
    }
    fn harden_runtime(&self, password: &str, encoded: &str) {
        if let Some((iterations, salt, _)) = self.decode(encoded)
            && iterations < self.iterations
        {
            self.hash(password, salt, self.iterations - iterations);
        }
    }
}

/// Django's `Argon2PasswordHasher` (Argon2id with Django's costs), stored as argon2-cffi's
/// PHC string after `argon2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2PasswordHasher {
    pub time_cost: u32,
    /// In KiB: Django's default is 102,400 (100 MiB).
    pub memory_cost: u32,
    pub parallelism: u32,
}

impl Default for Argon2PasswordHasher {
    fn default() -> Self {
        Argon2PasswordHasher {
            time_cost: 2,
            memory_cost: 102_400,
            parallelism: 8,
        }
    }
}

/// A parsed argon2 PHC string: variant, version, m, t, p, salt and hash.
struct Argon2Parts {
    variant: argon2::Algorithm,
    version: argon2::Version,
    memory: u32,
    time: u32,
    lanes: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

fn b64_nopad(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .ok()
}

impl Argon2PasswordHasher {
    fn decode(encoded: &str) -> Option<Argon2Parts> {
        // argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>, or argon2-cffi 1.2's form
        // without the version (which is then 0x10, as Django reads it).
        let p = parts(encoded);
        let (variant, version, params, salt, hash) = match p[..] {
            ["argon2", variant, version, params, salt, hash] => {
                (variant, version, params, salt, hash)
            }
            ["argon2", variant, params, salt, hash] => (variant, "v=16", params, salt, hash),
            _ => return None,
        };
        let variant = match variant {
            "argon2id" => argon2::Algorithm::Argon2id,
            "argon2i" => argon2::Algorithm::Argon2i,
            "argon2d" => argon2::Algorithm::Argon2d,
            _ => return None,
        };
        let version = match version {
            "v=19" => argon2::Version::V0x13,
            "v=16" => argon2::Version::V0x10,
            _ => return None,
        };
        let (mut memory, mut time, mut lanes) = (None, None, None);
        for param in params.split(',') {
            let (name, value) = param.split_once('=')?;
            let value: u32 = value.parse().ok()?;
            match name {
                "m" => memory = Some(value),
                "t" => time = Some(value),
                "p" => lanes = Some(value),
                _ => return None,
            }
        }
        // A stored hash asking for more than 1 GiB or 64 passes is refused rather than run:
        // Django's own parameters are 100 MiB and 2.
        let (memory, time, lanes) = (memory?, time?, lanes?);
        if memory > 1 << 20 || time > 64 || lanes > 64 {
            return None;
        }
        Some(Argon2Parts {
            variant,
            version,
            memory,
            time,
            lanes,
            salt: b64_nopad(salt)?,
            hash: b64_nopad(hash)?,
        })
    }

    fn hash(parts: &Argon2Parts, password: &str, length: usize) -> Option<Vec<u8>> {
        let params =
            argon2::Params::new(parts.memory, parts.time, parts.lanes, Some(length)).ok()?;
        let argon = argon2::Argon2::new(parts.variant, parts.version, params);
        let mut out = vec![0u8; length];
        argon
            .hash_password_into(password.as_bytes(), &parts.salt, &mut out)
            .ok()?;
        Some(out)
    }
}

impl PasswordHasher for Argon2PasswordHasher {
    fn algorithm(&self) -> &'static str {
        "argon2"
    }
    fn dotted_name(&self) -> &'static str {
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    }
    fn encode(&self, password: &str, salt: &str) -> String {
        let mut parts = Argon2Parts {
            variant: argon2::Algorithm::Argon2id,
            version: argon2::Version::V0x13,
            memory: self.memory_cost,
            time: self.time_cost,
            lanes: self.parallelism,
            salt: salt.as_bytes().to_vec(),
            hash: Vec::new(),
        };
        // argon2-cffi's default hash length, which Django uses.
        parts.hash =
            Self::hash(&parts, password, 32).expect("Django's argon2 parameters are valid");
        let nopad = |b: &[u8]| base64::engine::general_purpose::STANDARD_NO_PAD.encode(b);
        format!(
            "argon2$argon2id$v=19$m={},t={},p={}${}${}",
            self.memory_cost,
            self.time_cost,
            self.parallelism,
            nopad(&parts.salt),
            nopad(&parts.hash)
        )
    }
    fn verify(&self, password: &str, encoded: &str) -> bool {
        let Some(parts) = Self::decode(encoded) else {
            return false;
        };
        Self::hash(&parts, password, parts.hash.len())
            .is_some_and(|h| constant_time_compare(&h, &parts.hash))
    }
    fn must_update(&self, encoded: &str) -> bool {
        match Self::decode(encoded) {
            Some(p) => {
                p.variant != argon2::Algorithm::Argon2id
                    || p.version != argon2::Version::V0x13
                    || p.memory != self.memory_cost
                    || p.time != self.time_cost
                    || p.lanes != self.parallelism
                    || p.hash.len() != 32
                    || (p.salt.len() as f64) * (RANDOM_STRING_CHARS.len() as f64).log2()
                        < SALT_ENTROPY
            }
            None => true,
        }
    }
}

/// Django's `BCryptSHA256PasswordHasher` (the password's SHA-256, in hex, through bcrypt, so
/// no length limit) and, with `sha256: false`, `BCryptPasswordHasher` (bcrypt's 72 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BCryptPasswordHasher {
    /// Django's default: 12.
    pub rounds: u32,
    pub sha256: bool,
}

impl Default for BCryptPasswordHasher {
    fn default() -> Self {
        BCryptPasswordHasher {
            rounds: 12,
            sha256: true,
        }
    }
}

impl BCryptPasswordHasher {
    fn secret(&self, password: &str) -> Vec<u8> {
        if self.sha256 {
            let digest = sha2::Sha256::digest(password.as_bytes());
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                .into_bytes()
        } else {
            password.as_bytes().to_vec()
        }
    }

    /// The cost of a stored password (`$2b$12$...`: the third field).
    fn cost(&self, encoded: &str) -> Option<u32> {
        self.data(encoded)?.split('$').nth(2)?.parse().ok()
    }

    /// The bcrypt part of a stored password (`$2b$12$...`).
    fn data<'a>(&self, encoded: &'a str) -> Option<&'a str> {
        let (algorithm, data) = encoded.split_once('$')?;
        (algorithm == self.algorithm()).then_some(data)
    }
}

impl PasswordHasher for BCryptPasswordHasher {
    fn algorithm(&self) -> &'static str {
        if self.sha256 {
            "bcrypt_sha256"
        } else {
            "bcrypt"
        }
    }
    fn dotted_name(&self) -> &'static str {
        if self.sha256 {
            "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"
        } else {
            "django.contrib.auth.hashers.BCryptPasswordHasher"
        }
    }
    /// bcrypt makes its own salt (`salt` is not used), as Django's `bcrypt.gensalt` does.
    fn encode(&self, password: &str, salt: &str) -> String {
        let _ = salt;
        let hashed = bcrypt::hash(self.secret(password), self.rounds)
            .expect("bcrypt hashes any secret at a valid cost");
        format!("{}${hashed}", self.algorithm())
    }
    fn verify(&self, password: &str, encoded: &str) -> bool {
        self.data(encoded)
            .is_some_and(|data| bcrypt::verify(self.secret(password), data).unwrap_or(false))
    }
    fn must_update(&self, encoded: &str) -> bool {
        self.cost(encoded) != Some(self.rounds)
    }
    fn harden_runtime(&self, password: &str, encoded: &str) {
        // Each round less halves the work: run the difference again (Django's 2^Δ - 1).
        if let (Some(cost), Some(data)) = (self.cost(encoded), self.data(encoded))
            && cost < self.rounds
        {
            for _ in 0..(1u64 << (self.rounds - cost).min(20)) - 1 {
                let _ = bcrypt::verify(self.secret(password), data);
            }
        }
    }
}

/// Django's `ScryptPasswordHasher`: scrypt with n = 2^14, r = 8, p = 5, 64 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptPasswordHasher {
    pub work_factor: u64,
    pub block_size: u32,
    pub parallelism: u32,
}

impl Default for ScryptPasswordHasher {
    fn default() -> Self {
        ScryptPasswordHasher {
            work_factor: 1 << 14,
            block_size: 8,
            parallelism: 5,
        }
    }
}

impl ScryptPasswordHasher {
    fn hash(password: &str, salt: &str, n: u64, r: u32, p: u32) -> Option<String> {
        if !n.is_power_of_two() || n < 2 || r == 0 || p == 0 {
            return None;
        }
        // OpenSSL's limit, which Django's hashlib.scrypt(maxmem=0) keeps: 32 MiB. A stored
        // hash asking for more is refused, not run (Django raises ValueError for it).
        let (r64, p64) = (u64::from(r), u64::from(p));
        let memory = 128u64
            .checked_mul(r64)?
            .checked_mul(n.checked_add(2)?)?
            .checked_add(128u64.checked_mul(r64)?.checked_mul(p64)?)?;
        if memory > 32 * 1024 * 1024 || r64 * p64 >= 1 << 30 {
            return None;
        }
        let log_n = n.trailing_zeros() as u8;
        let params = scrypt::Params::new(log_n, r, p).ok()?;
        let mut out = [0u8; 64];
        scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut out).ok()?;
        Some(b64(&out))
    }

    fn decode(encoded: &str) -> Option<(&str, u64, u32, u32, &str)> {
        match parts(encoded)[..] {
            ["scrypt", n, salt, r, p, hash] => Some((
                salt,
                n.parse().ok()?,
                r.parse().ok()?,
                p.parse().ok()?,
                hash,
            )),
            _ => None,
        }
    }
}

impl PasswordHasher for ScryptPasswordHasher {
    fn algorithm(&self) -> &'static str {
        "scrypt"
    }
    fn dotted_name(&self) -> &'static str {
        "django.contrib.auth.hashers.ScryptPasswordHasher"
    }
    fn encode(&self, password: &str, salt: &str) -> String {
        let hash = Self::hash(
            password,
            salt,
            self.work_factor,
            self.block_size,
            self.parallelism,
        )
        .expect("Django's scrypt parameters are valid");
        format!(
            "scrypt${}${salt}${}${}${hash}",
            self.work_factor, self.block_size, self.parallelism
        )
    }
    fn verify(&self, password: &str, encoded: &str) -> bool {
        let Some((salt, n, r, p, _)) = Self::decode(encoded) else {
            return false;
        };
        Self::hash(password, salt, n, r, p).is_some_and(|h| {
            let again = format!("scrypt${n}${salt}${r}${p}${h}");
            constant_time_compare(encoded.as_bytes(), again.as_bytes())
        })
    }
    fn must_update(&self, encoded: &str) -> bool {
        match Self::decode(encoded) {
            Some((_, n, r, p, _)) => {
                n != self.work_factor || r != self.block_size || p != self.parallelism
            }
            None => true,
        }
    }
}

/// The hasher a PASSWORD_HASHERS entry names (Django's full dotted path); None for one rjango
/// does not have.
pub fn hasher_named(dotted_name: &str) -> Option<Box<dyn PasswordHasher>> {
    let name = dotted_name.strip_prefix("django.contrib.auth.hashers.")?;
    Some(match name {
        "PBKDF2PasswordHasher" => Box::new(PBKDF2PasswordHasher::default()),
        "PBKDF2SHA1PasswordHasher" => Box::new(PBKDF2PasswordHasher {
            sha1: true,
            ..Default::default()
        }),
        "Argon2PasswordHasher" => Box::new(Argon2PasswordHasher::default()),
        "BCryptSHA256PasswordHasher" => Box::new(BCryptPasswordHasher::default()),
        "BCryptPasswordHasher" => Box::new(BCryptPasswordHasher {
            sha256: false,
            ..Default::default()
        }),
        "ScryptPasswordHasher" => Box::new(ScryptPasswordHasher::default()),
        _ => return None,
    })
}

/// The hashers of PASSWORD_HASHERS (Django's default list before settings are configured),
/// the preferred one first. A name rjango does not have is a configuration error, as Django's
/// ImportError is: a password must never be hashed by another hasher than the one asked for.
pub fn get_hashers() -> Vec<Box<dyn PasswordHasher>> {
    let names: Vec<String> = match crate::conf::try_settings() {
        Some(s) => s.PASSWORD_HASHERS.clone(),
        None => crate::conf::Settings::default().PASSWORD_HASHERS,
    };
    names
        .iter()
        .map(|n| {
            hasher_named(n).unwrap_or_else(|| {
                panic!(
                    "PASSWORD_HASHERS names '{n}', which rjango does not have: use Django's PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher, Argon2PasswordHasher, BCryptSHA256PasswordHasher, BCryptPasswordHasher or ScryptPasswordHasher (django.contrib.auth.hashers.<name>)"
                )
            })
        })
        .collect()
}

/// The preferred hasher: the first of PASSWORD_HASHERS (PBKDF2-SHA256 by default).
pub fn preferred_hasher() -> Box<dyn PasswordHasher> {
    get_hashers().into_iter().next().unwrap_or_else(|| {
        panic!("PASSWORD_HASHERS is empty: it needs at least one hasher, Django's default being django.contrib.auth.hashers.PBKDF2PasswordHasher")
    })
}

/// The hasher of PASSWORD_HASHERS that made `encoded` (Django's `identify_hasher`); None for
/// an algorithm not listed there.
pub fn identify_hasher(encoded: &str) -> Option<Box<dyn PasswordHasher>> {
    let algorithm = encoded.split('$').next()?;
    get_hashers()
        .into_iter()
        .find(|h| h.algorithm() == algorithm)
}

/// Whether `encoded` is a password someone can log in with: not `!...` from
/// [`make_unusable_password`]. None counts as usable, as in Django (`is_password_usable(None)`).
pub fn is_password_usable(encoded: Option<&str>) -> bool {
    encoded.is_none_or(|e| !e.starts_with(UNUSABLE_PASSWORD_PREFIX))
}

/// Django's `make_password(None)`: `!` and 40 random characters, which no password matches.
pub fn make_unusable_password() -> String {
    format!("{UNUSABLE_PASSWORD_PREFIX}{}", get_random_string(40))
}

/// Django's `make_password(password)`: hashed with the preferred hasher and a fresh salt.
pub fn make_password(password: &str) -> String {
    let hasher = preferred_hasher();
    hasher.encode(password, &hasher.salt())
}

/// Django's `verify_password`: `(is_correct, must_update)`. `must_update` says `encoded` was
/// made by another hasher than the preferred one, or with weaker parameters than its own.
///
/// Every check costs about one hash, as Django's: an unusable password or an unknown algorithm
/// runs the preferred hasher on a random password, and a wrong password against a weaker hash
/// does the missing work ([`PasswordHasher::harden_runtime`]), so the time of a login tells
/// nothing about the account.
pub fn verify_password(password: &str, encoded: &str) -> (bool, bool) {
    let preferred = preferred_hasher();
    let hasher = if is_password_usable(Some(encoded)) {
        identify_hasher(encoded)
    } else {
        None
    };
    let Some(hasher) = hasher else {
        let fake = get_random_string(22);
        preferred.encode(&fake, &preferred.salt());
        return (false, false);
    };
    let hasher_changed = hasher.algorithm() != preferred.algorithm();
    let must_update = hasher_changed || preferred.must_update(encoded);
    let correct = hasher.verify(password, encoded);
    if !correct && !hasher_changed && must_update {
        hasher.harden_runtime(password, encoded);
    }
    (correct, must_update)
}

/// Django's `check_password(password, encoded)`.
pub fn check_password(password: &str, encoded: &str) -> bool {
    verify_password(password, encoded).0
}

/// Django's `check_password(password, encoded, setter)`: when the password is right but was
/// stored the old way, `setter` gets it to store it again (a login upgrades the hash).
pub fn check_password_and_upgrade(
    password: &str,
    encoded: &str,
    setter: impl FnOnce(&str),
) -> bool {
    let (correct, must_update) = verify_password(password, encoded);
    if correct && must_update {
        setter(password);
    }
    correct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_matches_djangos_documented_format() {
        let fast = PBKDF2PasswordHasher {
            iterations: 1000,
            sha1: false,
        };
        // hashlib.pbkdf2_hmac("sha256", b"password", b"seasalt", 1000), base64: as Django
        // stores it for PBKDF2PasswordHasher(iterations=1000).
        let encoded = fast.encode("password", "seasalt");
        assert_eq!(
            encoded,
            "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c="
        );
        assert!(fast.verify("password", &encoded));
        assert!(!fast.verify("Password", &encoded));
        // Fewer iterations than the hasher's, or a salt too short: upgrade at login.
        assert!(fast.must_update(&encoded), "a 7-character salt is weak");
        let strong = fast.encode("password", &fast.salt());
        assert!(!fast.must_update(&strong));
        assert!(PBKDF2PasswordHasher::default().must_update(&strong));
    }

    #[test]
    fn unusable_passwords_never_match() {
        let unusable = make_unusable_password();
        assert!(unusable.starts_with('!') && unusable.len() == 41);
        assert!(!is_password_usable(Some(&unusable)));
        assert!(is_password_usable(None), "as Django's");
        assert_eq!(verify_password("", &unusable), (false, false));
        assert_eq!(verify_password("x", "md5$$unknown"), (false, false));
    }

    #[test]
    fn hostile_stored_hashes_are_refused_not_run() {
        let scrypt = ScryptPasswordHasher::default();
        // 1 PiB of memory, and r * p overflowing: refused at once (no allocation, no panic).
        assert!(!scrypt.verify("x", "scrypt$1099511627776$salt$8$5$x"));
        assert!(!scrypt.verify("x", "scrypt$16384$salt$65536$65536$x"));
        assert!(!scrypt.verify("x", "scrypt$3$salt$8$5$x"));
        let argon = Argon2PasswordHasher::default();
        assert!(!argon.verify(
            "x",
            "argon2$argon2id$v=19$m=16777216,t=2,p=8$c2FsdHNhbHQ$aGFzaA"
        ));
        // Only the exact encoding Django makes verifies.
        let fast = PBKDF2PasswordHasher {
            iterations: 1000,
            sha1: false,
        };
        let good = fast.encode("pw", "abcdefghijklmnopqrstuv");
        assert!(fast.verify("pw", &good));
        let plus = good.replacen("$1000$", "$+1000$", 1);
        assert!(!fast.verify("pw", &plus));
        assert!(!fast.verify("pw", &good.replacen("$1000$", "$0$", 1)));
    }

    #[test]
    fn random_strings_are_letters_and_digits() {
        let s = get_random_string(1000);
        assert_eq!(s.len(), 1000);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(get_random_string(22), get_random_string(22));
        assert_eq!(salt_characters(), 22);
    }
}
