//! The development SECRET_KEY written into a new project's settings, made like Django's
//! `get_random_secret_key()`: 50 characters of its alphabet from the OS's random source.

/// Django's alphabet for secret keys (50 characters; none needs escaping in a Rust string).
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
const LENGTH: usize = 50;
/// Django marks generated keys so nobody mistakes one for a production secret.
const PREFIX: &str = "rjango-insecure-";

/// A fresh key, or the OS's error if it has no randomness to give.
pub fn secret_key() -> Result<String, getrandom::Error> {
    let mut key = String::from(PREFIX);
    let mut buf = [0u8; 64];
    while key.len() < PREFIX.len() + LENGTH {
        getrandom::fill(&mut buf)?;
        for &byte in &buf {
            if let Some(c) = pick(byte) {
                key.push(c);
                if key.len() == PREFIX.len() + LENGTH {
                    break;
                }
            }
        }
    }
    Ok(key)
}

/// Maps a random byte to a character, rejecting the bytes (250..=255) that would make the first
/// six characters likelier than the rest under a plain modulo.
fn pick(byte: u8) -> Option<char> {
    let limit = 256 - 256 % ALPHABET.len();
    (usize::from(byte) < limit).then(|| char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_has_prefix_length_and_alphabet() {
        let key = secret_key().unwrap();
        let body = key.strip_prefix(PREFIX).unwrap();
        assert_eq!(body.len(), LENGTH);
        assert!(body.bytes().all(|b| ALPHABET.contains(&b)), "{body}");
        assert_ne!(key, secret_key().unwrap());
    }

    #[test]
    fn rejection_keeps_the_distribution_uniform() {
        assert_eq!(ALPHABET.len(), 50);
        let counts = (0..=255u8).filter_map(pick).fold([0u32; 50], |mut acc, c| {
            acc[ALPHABET.iter().position(|&a| char::from(a) == c).unwrap()] += 1;
            acc
        });
        assert!(counts.iter().all(|&n| n == 5), "{counts:?}");
        assert_eq!(pick(249), Some(')'));
        assert_eq!(pick(250), None);
    }
}
