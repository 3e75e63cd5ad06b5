//! Nix's base-32 encoding ("nix32"), used for store path hash parts and
//! for printing hashes (spec §1.2).
//!
//! This is *not* RFC 4648: the alphabet omits `e o t u`, and the byte string
//! is read as one little-endian number whose 5-bit groups are printed most
//! significant first. The last character therefore holds the lowest five
//! bits of byte 0. Because `len * 5` usually exceeds `bytes * 8`, the first
//! character carries unused high bits; a decoder must insist they are zero,
//! otherwise two strings would decode to the same bytes.

use super::error::{Result, StoreError};

/// The 32 symbols, in digit order.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Number of nix32 characters for `n` bytes: `ceil(n * 8 / 5)`.
pub fn encoded_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n * 8 - 1) / 5 + 1
    }
}

/// Number of bytes a nix32 string of `len` characters decodes to, if `len`
/// is a length `encoded_len` can produce.
pub fn decoded_len(len: usize) -> Option<usize> {
    let n = len * 5 / 8;
    (encoded_len(n) == len).then_some(n)
}

/// Encodes `bytes` as nix32.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for k in (0..len).rev() {
        let b = k * 5;
        let (i, j) = (b / 8, b % 8);
        let low = bytes[i] >> j;
        // With j == 0 the group lies entirely within byte i.
        let high = match bytes.get(i + 1) {
            Some(&next) if j > 0 => next << (8 - j),
            _ => 0,
        };
        out.push(ALPHABET[((low | high) & 0x1f) as usize] as char);
    }
    out
}

/// Byte → digit value, 0xff for bytes outside the alphabet (store paths are parsed
/// constantly, so this is a table rather than a search).
const DIGITS: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn digit_value(c: u8) -> Option<u8> {
    match DIGITS[c as usize] {
        0xff => None,
        d => Some(d),
    }
}

/// Decodes a nix32 string. Fails on characters outside the alphabet, on
/// lengths no byte count encodes to, and on non-zero unused high bits.
pub fn decode(s: &str) -> Result<Vec<u8>> {
    let invalid = || StoreError::bad_hash(format!("invalid base-32 string '{s}'"));
    let n = decoded_len(s.len()).ok_or_else(invalid)?;
    let mut out = vec![0u8; n];
    for (k, &c) in s.as_bytes().iter().rev().enumerate() {
        let digit = digit_value(c).ok_or_else(invalid)?;
        let b = k * 5;
        let (i, j) = (b / 8, b % 8);
        out[i] |= digit << j;
        let carry = if j > 3 { digit >> (8 - j) } else { 0 };
        if i + 1 < n {
            out[i + 1] |= carry;
        } else if carry != 0 {
            return Err(invalid());
        }
    }
    Ok(out)
}

/// Whether `c` is one of the 32 nix32 symbols (used to validate the hash
/// part of store paths without decoding it).
pub fn is_nix32_char(c: char) -> bool {
    c.is_ascii() && digit_value(c as u8).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(encoded_len(16), 26);
        assert_eq!(encoded_len(20), 32);
        assert_eq!(encoded_len(32), 52);
        assert_eq!(encoded_len(64), 103);
        assert_eq!(decoded_len(52), Some(32));
        assert_eq!(decoded_len(103), Some(64));
        assert_eq!(decoded_len(2), Some(1));
        // 1 byte needs 2 chars, 2 bytes need 4: no byte count encodes to 3.
        assert_eq!(decoded_len(3), None);
    }

    #[test]
    fn empty() {
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn round_trip_all_lengths() {
        for n in 0..70usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let s = encode(&bytes);
            assert_eq!(s.len(), encoded_len(n));
            assert_eq!(decode(&s).unwrap(), bytes, "length {n}");
        }
    }

    #[test]
    fn rejects_bad_chars() {
        // 'e', 'o', 't', 'u' are not in the alphabet, nor is uppercase.
        for bad in ["e0", "0o", "t0", "0u", "A0", "0-"] {
            let err = decode(bad).unwrap_err().to_string();
            assert!(err.contains("invalid base-32"), "{bad}: {err}");
        }
    }

    #[test]
    fn rejects_nonzero_high_bits() {
        // One byte = 2 chars = 10 bits; the top 2 bits of the first char
        // must be zero. "7z" = 0b00111_11111 = 0xff is fine, "8z" is not.
        assert_eq!(decode("7z").unwrap(), vec![0xff]);
        assert!(decode("8z").is_err());
        // sha256: 52 chars = 260 bits for 256: the first char holds only
        // bit 255, so it must be '0' or '1'.
        let max = format!("2{}", "z".repeat(51));
        assert!(decode(&max).is_err());
        let ok = format!("1{}", "z".repeat(51));
        assert_eq!(decode(&ok).unwrap(), vec![0xff; 32]);
    }
}
