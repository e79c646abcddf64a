//! Score values as exact hundredths, so sums, means and comparisons never drift.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::Lang;

/// A score with two decimals, stored as a whole number of hundredths.
///
/// Integer scores (sums of integer ordinal values) are exact; means are rounded half away from
/// zero to two decimals. JSON carries the plain number (`18`, `7.29`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// A whole number of points.
    #[must_use]
    pub const fn whole(n: i64) -> Self {
        Self(n * 100)
    }

    /// The value in hundredths.
    #[must_use]
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// The value from hundredths.
    #[must_use]
    pub const fn from_hundredths(h: i64) -> Self {
        Self(h)
    }

    /// The whole number, if the value has no fraction.
    #[must_use]
    pub const fn as_whole(self) -> Option<i64> {
        if self.0 % 100 == 0 {
            Some(self.0 / 100)
        } else {
            None
        }
    }

    /// The exact value of a JSON number with at most two decimals.
    #[must_use]
    pub fn from_f64_exact(x: f64) -> Option<Self> {
        let h = (x * 100.0).round();
        // Only numbers with at most two decimals survive; 1e-6 absorbs binary representation error.
        if !h.is_finite() || (x * 100.0 - h).abs() > 1e-6 || h.abs() > 1e15 {
            return None;
        }
        #[allow(
            clippy::cast_possible_truncation,
            reason = "finite and below 1e15 by the check above"
        )]
        Some(Self(h as i64))
    }

    /// The value as a float for JSON numbers.
    #[must_use]
    pub fn to_f64(self) -> f64 {
        #[allow(
            clippy::cast_precision_loss,
            reason = "scores stay far below 2^52 hundredths"
        )]
        let h = self.0 as f64;
        h / 100.0
    }

    /// `self + other`, saturating (scores never come near the limits).
    #[must_use]
    pub const fn plus(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating.
    #[must_use]
    pub const fn minus(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }

    /// `self × other` for whole numbers scaled back to hundredths, rounded half away from zero.
    #[must_use]
    pub fn times(self, other: Self) -> Self {
        Self(div_round(i128::from(self.0) * i128::from(other.0), 100))
    }

    /// The mean of `values`, rounded half away from zero to hundredths; `None` when empty.
    #[must_use]
    pub fn mean(values: &[Self]) -> Option<Self> {
        let n = i128::try_from(values.len()).ok().filter(|n| *n > 0)?;
        let sum: i128 = values.iter().map(|v| i128::from(v.0)).sum();
        Some(Self(div_round(sum, n)))
    }

    /// Text for people: Dutch uses a decimal comma, English a decimal point.
    #[must_use]
    pub fn display(self, lang: Lang) -> String {
        let text = self.to_string();
        match lang {
            Lang::Nl => text.replace('.', ","),
            Lang::En => text,
        }
    }
}

/// Rounds `num / den` half away from zero, saturating into `i64`.
fn div_round(num: i128, den: i128) -> i64 {
    let q = num / den;
    let r = num % den;
    let q = if 2 * r.abs() >= den.abs() {
        q + num.signum() * den.signum()
    } else {
        q
    };
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// `18`, `7.5`, `-0.25`: no trailing zeros.
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, frac) = (self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{sign}{whole}.{}", f2 / 10),
            f2 => write!(f, "{sign}{whole}.{f2:02}"),
        }
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_whole() {
            Some(n) => s.serialize_i64(n),
            None => s.serialize_f64(self.to_f64()),
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        Self::from_f64_exact(x)
            .ok_or_else(|| serde::de::Error::custom("a score has at most two decimals"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_rounds_half_away_from_zero() {
        let v = [Points::whole(7), Points::whole(8)];
        assert_eq!(Points::mean(&v), Some(Points::from_hundredths(750)));
        let sevenths: Vec<Points> = [7, 7, 7, 7, 7, 8, 8].map(Points::whole).to_vec();
        // 51 / 7 = 7.2857…
        assert_eq!(Points::mean(&sevenths), Some(Points::from_hundredths(729)));
        assert_eq!(Points::mean(&[]), None);
        assert_eq!(div_round(-5, 10), -1);
    }

    #[test]
    fn text_forms() {
        assert_eq!(Points::whole(18).to_string(), "18");
        assert_eq!(Points::from_hundredths(750).display(Lang::Nl), "7,5");
        assert_eq!(Points::from_hundredths(729).display(Lang::En), "7.29");
        assert_eq!(Points::from_hundredths(-5).to_string(), "-0.05");
        assert_eq!(
            Points::from_f64_exact(0.1 + 0.2),
            Some(Points::from_hundredths(30))
        );
        assert_eq!(Points::from_f64_exact(0.125), None);
        assert_eq!(
            serde_json::to_string(&Points::from_hundredths(729))
                .ok()
                .as_deref(),
            Some("7.29")
        );
        assert_eq!(
            serde_json::to_string(&Points::whole(18)).ok().as_deref(),
            Some("18")
        );
    }
}
