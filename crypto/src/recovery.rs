//! Recovery code: the 32-byte root secret written out for a human, with checks that find typos.
//!
//! Layout: the secret's 256 bits, then a 4-bit whole-code check, make 52 Crockford base32
//! symbols, split into 13 groups of 4. Each group gets a fifth, check symbol, so the code reads
//! `XXXXX-XXXXX-…` (13 groups of 5, 65 symbols). A group's check symbol catches every single
//! mistyped symbol and every swap of two symbols within the group, and, because it depends on the
//! group's position, every swap of whole groups; the error names the group. The 4-bit check over
//! the whole secret catches most remaining multi-symbol mistakes.
//!
//! Input is forgiving: case is ignored, `O` reads as `0`, `I` and `L` as `1`, and hyphens and
//! white space are skipped. Every intermediate copy of the secret is zeroized.
//!
//! Format and reasons: `spec/parts/recovery-qr.md`.

use std::fmt;
use std::sync::LazyLock;

use bech32::Fe32;
use data_encoding::{Encoding, Specification};
use zeroize::Zeroizing;

use crate::encoding::{canonical, sha256};
use crate::identity::RootSecret;

/// Domain tag of the 4-bit whole-code check.
pub const DOMAIN_RECOVERY_CHECK: &str = "rugzak/v1/recovery-code";

/// Crockford's base32 alphabet: digits and capitals without I, L, O, U.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Number of groups.
pub const GROUPS: usize = 13;
/// Symbols per group: four data symbols and one check symbol.
pub const GROUP_LEN: usize = 5;
/// Symbols in a code.
pub const CODE_LEN: usize = GROUPS * GROUP_LEN;

const DATA_PER_GROUP: usize = GROUP_LEN - 1;
const DATA_LEN: usize = GROUPS * DATA_PER_GROUP;
/// Weights of a group's four data symbols in GF(32); the check symbol has weight 1. All five
/// differ, which is what makes any swap within a group visible.
const WEIGHTS: [u8; DATA_PER_GROUP] = [2, 3, 4, 5];

/// Crockford base32 without padding, case-insensitive, `O` as `0`, `I`/`L` as `1`.
pub(crate) fn crockford() -> &'static Encoding {
    static ENCODING: LazyLock<Encoding> = LazyLock::new(|| {
        let mut spec = Specification::new();
        spec.symbols.push_str(ALPHABET);
        spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzoOiIlL");
        spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ000111");
        #[allow(
            clippy::expect_used,
            reason = "a constant specification; covered by every test that encodes"
        )]
        spec.encoding().expect("valid Crockford specification")
    });
    &ENCODING
}

/// A recovery code. Holds the secret: zeroized on drop, never printed by `Debug`.
pub struct RecoveryCode {
    symbols: Zeroizing<[u8; CODE_LEN]>,
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode([redacted])")
    }
}

/// Why a recovery code was not accepted. Says where, never what the code was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryCodeError {
    /// Too few or too many symbols.
    #[error("the code has {found} characters; a recovery code has 65 (13 groups of 5)")]
    WrongLength {
        /// Symbols found (separators not counted).
        found: usize,
    },
    /// With 13 groups written, one of them has the wrong number of characters.
    #[error("group {group} has {found} characters; every group has 5")]
    GroupLength {
        /// The group, counting from 1.
        group: u8,
        /// Its number of characters.
        found: usize,
    },
    /// A character that is not in the alphabet.
    #[error(
        "group {group}, character {position}: not a recovery-code character (0-9, A-Z without U)"
    )]
    InvalidCharacter {
        /// The group, counting from 1.
        group: u8,
        /// Position within the group, counting from 1.
        position: u8,
    },
    /// One or more groups fail their check symbol.
    #[error("{}: a character is mistyped or two are swapped", describe_groups(.groups))]
    BadGroups {
        /// The failing groups, counting from 1.
        groups: Vec<u8>,
    },
    /// Every group checks out but the whole code does not: several characters are mistyped.
    #[error(
        "every group checks out but the code as a whole does not: several characters are mistyped"
    )]
    WholeCode,
}

fn describe_groups(groups: &[u8]) -> String {
    let list: Vec<String> = groups.iter().map(u8::to_string).collect();
    match list.as_slice() {
        [one] => format!("group {one} does not check out"),
        _ => format!("groups {} do not check out", list.join(", ")),
    }
}

impl RecoveryCode {
    /// The code for `root`.
    #[must_use]
    pub fn from_root(root: &RootSecret) -> Self {
        let chars = Zeroizing::new(crockford().encode(root.expose_bytes()));
        let mut data = Zeroizing::new([0u8; DATA_LEN]);
        for (slot, c) in data.iter_mut().zip(chars.bytes()) {
            *slot = value_of(c);
        }
        // 256 bits fill 51 symbols and the top bit of the 52nd; its low 4 bits carry the check.
        data[DATA_LEN - 1] |= whole_code_check(root);
        let mut symbols = Zeroizing::new([0u8; CODE_LEN]);
        for (group, (out, data)) in symbols
            .chunks_exact_mut(GROUP_LEN)
            .zip(data.chunks_exact(DATA_PER_GROUP))
            .enumerate()
        {
            out[..DATA_PER_GROUP].copy_from_slice(data);
            out[DATA_PER_GROUP] = group_check(group, data);
        }
        Self { symbols }
    }

    /// Reads a code typed or scanned by a person; see the module docs for what is tolerated.
    pub fn parse(text: &str) -> Result<Self, RecoveryCodeError> {
        let symbols = read_symbols(text)?;
        let bad: Vec<u8> = symbols
            .chunks_exact(GROUP_LEN)
            .enumerate()
            .filter(|(group, chunk)| {
                group_check(*group, &chunk[..DATA_PER_GROUP]) != chunk[DATA_PER_GROUP]
            })
            .map(|(group, _)| group_number(group))
            .collect();
        if !bad.is_empty() {
            return Err(RecoveryCodeError::BadGroups { groups: bad });
        }
        let code = Self { symbols };
        let root = code.root_secret();
        if code.stored_whole_code_check() != whole_code_check(&root) {
            return Err(RecoveryCodeError::WholeCode);
        }
        Ok(code)
    }

    /// The root secret this code encodes; `Identity::from_root` gives back the same keys.
    #[must_use]
    pub fn root_secret(&self) -> RootSecret {
        let mut data = Zeroizing::new([0u8; DATA_LEN]);
        for (out, chunk) in data
            .chunks_exact_mut(DATA_PER_GROUP)
            .zip(self.symbols.chunks_exact(GROUP_LEN))
        {
            out.copy_from_slice(&chunk[..DATA_PER_GROUP]);
        }
        // Clear the 4 check bits so that only the secret's bits are decoded.
        data[DATA_LEN - 1] &= 0x10;
        let mut chars = Zeroizing::new(String::with_capacity(DATA_LEN));
        chars.extend(data.iter().map(|&v| symbol(v)));
        let mut bytes = Zeroizing::new([0u8; 32]);
        #[allow(
            clippy::expect_used,
            reason = "52 valid symbols with clear trailing bits always decode to 32 bytes"
        )]
        crockford()
            .decode_mut(chars.as_bytes(), bytes.as_mut())
            .expect("52 symbols decode to 32 bytes");
        RootSecret::from_bytes(*bytes)
    }

    /// The code for writing down: `XXXXX-XXXXX-…`, 13 groups of 5. Shown to the inwoner once.
    #[must_use]
    pub fn expose_grouped(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_LEN + GROUPS));
        for (group, chunk) in self.symbols.chunks_exact(GROUP_LEN).enumerate() {
            if group > 0 {
                out.push('-');
            }
            out.extend(chunk.iter().map(|&v| symbol(v)));
        }
        out
    }

    /// The 65 symbols without separators, for the QR form.
    pub(crate) fn expose_compact(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CODE_LEN));
        out.extend(self.symbols.iter().map(|&v| symbol(v)));
        out
    }

    fn stored_whole_code_check(&self) -> u8 {
        self.symbols[CODE_LEN - 2] & 0x0F
    }
}

/// Splits on separators; with 13 groups written, reports a group of the wrong length by number.
fn read_symbols(text: &str) -> Result<Zeroizing<[u8; CODE_LEN]>, RecoveryCodeError> {
    let is_separator = |c: char| c == '-' || c.is_whitespace();
    let groups: Vec<&str> = text
        .split(is_separator)
        .filter(|group| !group.is_empty())
        .collect();
    if groups.len() == GROUPS {
        if let Some((index, group)) = groups
            .iter()
            .enumerate()
            .find(|(_, group)| group.chars().count() != GROUP_LEN)
        {
            return Err(RecoveryCodeError::GroupLength {
                group: group_number(index),
                found: group.chars().count(),
            });
        }
    }
    let found = groups.iter().map(|group| group.chars().count()).sum();
    if found != CODE_LEN {
        return Err(RecoveryCodeError::WrongLength { found });
    }
    let mut symbols = Zeroizing::new([0u8; CODE_LEN]);
    for (index, (slot, c)) in symbols
        .iter_mut()
        .zip(groups.iter().flat_map(|group| group.chars()))
        .enumerate()
    {
        *slot = tolerant_value_of(c).ok_or(RecoveryCodeError::InvalidCharacter {
            group: group_number(index / GROUP_LEN),
            position: group_number(index % GROUP_LEN),
        })?;
    }
    Ok(symbols)
}

/// `index` counted from 1, for people. Indices here are below 65.
fn group_number(index: usize) -> u8 {
    u8::try_from(index + 1).unwrap_or(u8::MAX)
}

/// The group's check symbol: `c = g + Σ wᵢ·dᵢ` in GF(32) (addition is XOR), where `g` is the
/// group's index. A code is valid when `g + Σ wᵢ·dᵢ + c = 0` for every group.
fn group_check(group: usize, data: &[u8]) -> u8 {
    let mut sum = fe(u8::try_from(group).unwrap_or(0));
    for (&weight, &value) in WEIGHTS.iter().zip(data) {
        sum += fe(weight) * fe(value);
    }
    sum.to_u8()
}

/// A field element of GF(32); every value passed here is below 32 by construction.
fn fe(value: u8) -> Fe32 {
    Fe32::try_from(value & 0x1F).unwrap_or(Fe32::Q)
}

/// Top 4 bits of SHA-256 over `canonical(DOMAIN_RECOVERY_CHECK, secret)`.
fn whole_code_check(root: &RootSecret) -> u8 {
    let input = Zeroizing::new(canonical(DOMAIN_RECOVERY_CHECK, root.expose_bytes()));
    sha256(&input).as_bytes()[0] >> 4
}

/// The symbol for a value below 32.
fn symbol(value: u8) -> char {
    char::from(ALPHABET.as_bytes()[usize::from(value & 0x1F)])
}

/// The value of an exact alphabet symbol (as produced by the encoder).
fn value_of(c: u8) -> u8 {
    ALPHABET
        .bytes()
        .position(|s| s == c)
        .and_then(|v| u8::try_from(v).ok())
        .unwrap_or(0)
}

/// The value of a typed symbol: any case, `O` as `0`, `I`/`L` as `1`.
fn tolerant_value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .chars()
        .position(|s| s == c)
        .and_then(|v| u8::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Identity;
    use rand_core::OsRng;

    fn code() -> (RootSecret, String) {
        let root = RootSecret::generate(&mut OsRng);
        let text = RecoveryCode::from_root(&root).expose_grouped().to_string();
        (root, text)
    }

    fn replace(text: &str, index: usize, c: char) -> String {
        text.chars()
            .enumerate()
            .map(|(i, old)| if i == index { c } else { old })
            .collect()
    }

    #[test]
    fn round_trip_restores_the_same_keys() {
        let (root, text) = code();
        assert_eq!(text.len(), CODE_LEN + GROUPS - 1);
        let parsed = RecoveryCode::parse(&text).expect("valid code");
        assert_eq!(parsed.root_secret(), root);
        assert_eq!(
            Identity::from_root(parsed.root_secret()).public(),
            Identity::from_root(root).public()
        );
    }

    #[test]
    fn input_is_forgiving_about_case_separators_and_lookalikes() {
        let (root, text) = code();
        let sloppy: String = text
            .replace('-', " ")
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(
            RecoveryCode::parse(&sloppy).expect("valid").root_secret(),
            root
        );
        let compact = text.replace('-', "");
        assert_eq!(
            RecoveryCode::parse(&compact).expect("valid").root_secret(),
            root
        );
    }

    #[test]
    fn every_single_typo_is_found_in_its_group() {
        let (_, text) = code();
        for (index, original) in text.chars().enumerate() {
            if original == '-' {
                continue;
            }
            let group = u8::try_from(index / (GROUP_LEN + 1) + 1).expect("small");
            for typo in ALPHABET.chars().filter(|&c| c != original) {
                assert_eq!(
                    RecoveryCode::parse(&replace(&text, index, typo)).map(|_| ()),
                    Err(RecoveryCodeError::BadGroups {
                        groups: vec![group]
                    }),
                    "typo at {index}"
                );
            }
        }
    }

    #[test]
    fn every_swap_within_a_group_and_of_whole_groups_is_found() {
        let (_, text) = code();
        let groups: Vec<&str> = text.split('-').collect();
        for (g, group) in groups.iter().enumerate() {
            let chars: Vec<char> = group.chars().collect();
            for i in 0..GROUP_LEN {
                for j in i + 1..GROUP_LEN {
                    if chars[i] == chars[j] {
                        continue;
                    }
                    let mut swapped = chars.clone();
                    swapped.swap(i, j);
                    let mut all = groups.clone();
                    let s: String = swapped.into_iter().collect();
                    all[g] = &s;
                    assert!(RecoveryCode::parse(&all.join("-")).is_err());
                }
            }
        }
        let mut swapped_groups = groups.clone();
        swapped_groups.swap(2, 7);
        assert_eq!(
            RecoveryCode::parse(&swapped_groups.join("-")).map(|_| ()),
            Err(RecoveryCodeError::BadGroups { groups: vec![3, 8] })
        );
    }

    #[test]
    fn length_and_character_errors_say_where() {
        let (_, text) = code();
        let mut groups: Vec<String> = text.split('-').map(str::to_owned).collect();
        groups[4].pop();
        assert_eq!(
            RecoveryCode::parse(&groups.join("-")).map(|_| ()),
            Err(RecoveryCodeError::GroupLength { group: 5, found: 4 })
        );
        assert_eq!(
            RecoveryCode::parse(&text[..20]).map(|_| ()),
            Err(RecoveryCodeError::WrongLength { found: 17 })
        );
        assert_eq!(
            RecoveryCode::parse(&replace(&text, 8, 'U')).map(|_| ()),
            Err(RecoveryCodeError::InvalidCharacter {
                group: 2,
                position: 3
            })
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_code() {
        let (_, text) = code();
        let parsed = RecoveryCode::parse(&text).expect("valid");
        let shown = format!("{parsed:?}");
        assert_eq!(shown, "RecoveryCode([redacted])");
        // A different symbol than the one there (a random code may start with 'Z').
        let typo = if text.starts_with('Z') { 'Y' } else { 'Z' };
        let err = RecoveryCode::parse(&replace(&text, 0, typo)).expect_err("typo");
        assert!(!err.to_string().contains(&text[6..11]));
    }
}
