//! Secrets as a type: [`Redacted`] holds a value (an origin custom header value, typically the
//! shared secret that locks an origin to CloudFront) that no rendering may show.
//!
//! `Debug`, `Display` and `Serialize` all write `<redacted>`, so a secret cannot reach a report,
//! a log line or a panic message by accident. The only way to read the value is
//! [`Redacted::expose`]. This module guards against accidental disclosure only: it does not
//! zero memory or compare in constant time, and it never prints, logs or stores anything.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// What every rendering of a [`Redacted`] value shows.
pub(crate) const REDACTED: &str = "<redacted>";

/// A secret string that every rendering shows as `<redacted>`.
///
/// There is deliberately no `Deref`, `AsRef<str>`, `Borrow` or `From<Redacted> for String`:
/// the only access is [`Redacted::expose`], which is easy to find in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    pub fn new(value: impl Into<String>) -> Self {
        Redacted(value.into())
    }

    /// The secret itself. Only two callers are legitimate: the migration-plan writer (the plan
    /// file must carry the distribution's own header values, and is written with mode 0600) and
    /// the HTTP probe that sends the header to the origin. Nothing that renders may call it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Redacted {
    fn from(value: String) -> Self {
        Redacted(value)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Redacted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for Redacted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_any`, not `deserialize_string`: for a non-string, serde_json would build
        // its own "invalid type: integer `12345`" error without asking the visitor.
        deserializer.deserialize_any(RedactedVisitor)
    }
}

/// Reads a string. Every other JSON type is refused with a message that does not quote the
/// value: serde's default "invalid type: integer `12345`" would print a numeric secret.
struct RedactedVisitor;

const NOT_A_STRING: &str = "a secret value must be a string (the value is not shown)";

impl Visitor<'_> for RedactedVisitor {
    type Value = Redacted;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Redacted, E> {
        Ok(Redacted(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Redacted, E> {
        Ok(Redacted(v))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Redacted, E> {
        Err(E::custom(NOT_A_STRING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-do-not-print-unit";

    #[test]
    fn every_rendering_is_redacted() {
        let r = Redacted::new(SECRET);
        assert_eq!(format!("{r}"), REDACTED);
        assert_eq!(format!("{r:?}"), REDACTED);
        assert_eq!(format!("{r:#?}"), REDACTED);
        let json = serde_json::to_string(&r).expect("serializes");
        assert_eq!(json, "\"<redacted>\"");
        let nested =
            serde_json::to_string(&vec![("X-Secret".to_string(), r.clone())]).expect("serializes");
        assert!(!nested.contains(SECRET), "{nested}");
        assert!(!format!("{:?}", Some(&r)).contains(SECRET));
    }

    #[test]
    fn deserialize_reads_the_value_and_expose_returns_it() {
        let r: Redacted = serde_json::from_str(&format!("\"{SECRET}\"")).expect("reads");
        assert_eq!(r.expose(), SECRET);
        assert_eq!(Redacted::from(SECRET.to_string()), r);
    }

    #[test]
    fn a_non_string_secret_is_refused_without_quoting_it() {
        for json in ["987654321", "-42", "1.5", "true"] {
            let err = serde_json::from_str::<Redacted>(json).expect_err("not a string");
            let text = err.to_string();
            assert!(text.contains("must be a string"), "{text}");
            assert!(!text.contains(json), "{json} leaked in {text}");
        }
    }
}
