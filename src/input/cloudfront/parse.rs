//! Reading one document: which AWS CLI command printed it (by shape), then the typed parse.
//!
//! Every failure is one [`CloudFrontError`] line that names the source and says what was
//! expected; JSON and type errors carry the line and column. Error text never quotes a custom
//! header value. Takes bytes, never opens files: the caller reads the file or stdin.

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use super::assemble::{self, Inconsistency, Meta};
use super::model::{Distribution, Document, DocumentKind, RawConfig};
use super::wire::{GetDistributionConfigOutput, GetDistributionOutput, ListDistributionsOutput};
use crate::sanitize;

const EXPECTED: &str = "the JSON output of `aws cloudfront get-distribution-config`, \
`get-distribution` or `list-distributions` (an object with \"DistributionConfig\", \
\"Distribution\" or \"DistributionList\")";

/// Why a CloudFront document cannot be used. Each message is one line starting with the source.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CloudFrontError {
    #[error("{source_name}: empty input; expected {EXPECTED}")]
    Empty { source_name: String },
    #[error(
        "{source_name}: the input is UTF-16 text (as Windows PowerShell's `>` writes it); save it as UTF-8"
    )]
    Utf16 { source_name: String },
    #[error("{source_name}: invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{source_name}: expected {EXPECTED}; found {found}")]
    UnexpectedShape { source_name: String, found: String },
    #[error(
        "{source_name}: not valid `aws cloudfront {command}` output at line {line}, column {column}: {message}"
    )]
    InvalidDocument {
        source_name: String,
        command: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{source_name}: {path}: {problem}")]
    Inconsistent {
        source_name: String,
        path: String,
        problem: String,
    },
}

/// Parses the output of `get-distribution-config`, `get-distribution` or `list-distributions`,
/// telling them apart by their top-level key. `source` names the input in messages.
///
/// Host forwarding is decided with no `--forwards-host` declarations; apply those with
/// [`Document::declare_forwards_host`].
pub fn parse_document(bytes: &[u8], source: &str) -> Result<Document, CloudFrontError> {
    let source_name = source.to_string();
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(CloudFrontError::Utf16 { source_name });
    }
    // A UTF-8 byte order mark is harmless; serde_json does not accept one.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CloudFrontError::Empty { source_name });
    }
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let (line, column, message) = split_error(&e);
        CloudFrontError::InvalidJson {
            source_name: source_name.clone(),
            line,
            column,
            message,
        }
    })?;
    let kind = detect(&value).map_err(|found| CloudFrontError::UnexpectedShape {
        source_name: source_name.clone(),
        found,
    })?;
    let inconsistent = |i: Inconsistency| CloudFrontError::Inconsistent {
        source_name: source_name.clone(),
        path: i.path,
        problem: i.problem,
    };
    let (etag, truncated, distributions, raw_config) = match kind {
        DocumentKind::DistributionConfig => {
            let out: GetDistributionConfigOutput = typed(bytes, kind, source)?;
            let dist = assemble::distribution(
                out.distribution_config,
                Meta::default(),
                "DistributionConfig",
                false,
            )
            .map_err(inconsistent)?;
            let raw = value.get_mut("DistributionConfig").map(Value::take);
            (out.etag, false, vec![dist], raw)
        }
        DocumentKind::Distribution => {
            let out: GetDistributionOutput = typed(bytes, kind, source)?;
            let d = out.distribution;
            let meta = Meta {
                id: Some(d.id),
                arn: d.arn,
                status: d.status,
                domain_name: Some(d.domain_name),
            };
            let dist = assemble::distribution(
                d.distribution_config,
                meta,
                "Distribution.DistributionConfig",
                false,
            )
            .map_err(inconsistent)?;
            let raw = value
                .get_mut("Distribution")
                .and_then(|d| d.get_mut("DistributionConfig"))
                .map(Value::take);
            (out.etag, false, vec![dist], raw)
        }
        DocumentKind::DistributionList => {
            let out: ListDistributionsOutput = typed(bytes, kind, source)?;
            let list = out.distribution_list;
            let truncated =
                out.next_token.is_some() || list.next_marker.is_some_and(|m| !m.is_empty());
            let distributions = list
                .items
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, body)| {
                    let path = format!("DistributionList.Items[{i}]");
                    assemble::distribution(body, Meta::default(), &path, true)
                })
                .collect::<Result<Vec<Distribution>, _>>()
                .map_err(inconsistent)?;
            (None, truncated, distributions, None)
        }
        // `detect` answers only the AWS CLI kinds; the IaC readers build their own documents.
        DocumentKind::TerraformPlan
        | DocumentKind::TerraformState
        | DocumentKind::CloudFormationTemplate => {
            return Err(CloudFrontError::UnexpectedShape {
                source_name,
                found: describe(&value),
            });
        }
    };
    Ok(Document {
        kind,
        source: source_name,
        etag: etag.filter(|e| !e.is_empty()),
        truncated,
        distributions,
        raw_config: raw_config.map(RawConfig),
        known_policies: Vec::new(),
        known_vpc_origins: Vec::new(),
    })
}

/// The document kind from the top-level keys, or a description of what was found instead.
fn detect(value: &Value) -> Result<DocumentKind, String> {
    let Value::Object(map) = value else {
        return Err(describe(value));
    };
    let kinds = [
        ("DistributionConfig", DocumentKind::DistributionConfig),
        ("Distribution", DocumentKind::Distribution),
        ("DistributionList", DocumentKind::DistributionList),
    ];
    let present: Vec<_> = kinds
        .iter()
        .filter(|(key, _)| map.contains_key(*key))
        .collect();
    match present.as_slice() {
        [(_, kind)] => Ok(*kind),
        [] => Err(describe(value)),
        [(a, _), (b, _), ..] => Err(format!("an object with both \"{a}\" and \"{b}\"")),
    }
}

/// What a non-CloudFront document is, with a hint for the usual mistakes.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(map) if map.contains_key("Origins") && map.contains_key("DefaultCacheBehavior") => {
            "a bare DistributionConfig (the form update-distribution takes), which carries no ETag; \
             give the whole output of `aws cloudfront get-distribution-config --id ID`"
                .to_string()
        }
        Value::Object(map) if map.is_empty() => "an empty object".to_string(),
        Value::Object(map) => {
            const SHOWN: usize = 5;
            let mut keys: Vec<String> = map
                .keys()
                .take(SHOWN)
                .map(|k| format!("\"{}\"", sanitize::text(k)))
                .collect();
            if map.len() > SHOWN {
                keys.push("…".to_string());
            }
            format!("an object with keys {}", keys.join(", "))
        }
        Value::Array(items) => format!(
            "an array of {} items (was the output filtered with --query?)",
            items.len()
        ),
        Value::String(_) => "a string".to_string(),
        Value::Number(_) => "a number".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Null => "null".to_string(),
    }
}

/// The typed parse of the whole input, with serde's message, line and column.
fn typed<T: DeserializeOwned>(
    bytes: &[u8],
    kind: DocumentKind,
    source: &str,
) -> Result<T, CloudFrontError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let (line, column, message) = split_error(&e);
        CloudFrontError::InvalidDocument {
            source_name: source.to_string(),
            command: kind.command(),
            line,
            column,
            message,
        }
    })
}

/// serde_json appends " at line L column C" to its messages; keep the message alone (made safe
/// to print: an unknown enum value is quoted from the input) and the numbers apart.
fn split_error(e: &serde_json::Error) -> (usize, usize, String) {
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    (line, column, sanitize::text(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudfront::CfOriginKind;
    use crate::input::cloudfront::fixtures::{self, MALFORMED, load};

    fn err(text: &str) -> CloudFrontError {
        parse_document(text.as_bytes(), "in.json").expect_err("must be refused")
    }

    #[test]
    fn shape_detection_for_each_command() {
        let cases = [
            (
                "get-distribution-config-legacy.json",
                DocumentKind::DistributionConfig,
                Some("E2QWRUHAPOMQZL"),
                1,
            ),
            (
                "get-distribution-managed.json",
                DocumentKind::Distribution,
                Some("E1MANAGEDETAG01"),
                1,
            ),
            (
                "get-distribution-config-special-origins.json",
                DocumentKind::DistributionConfig,
                Some("E3SPECIALETAG01"),
                1,
            ),
            (
                "list-distributions.json",
                DocumentKind::DistributionList,
                None,
                3,
            ),
            (
                "distribution-config-no-etag.json",
                DocumentKind::DistributionConfig,
                None,
                1,
            ),
        ];
        for (name, kind, etag, count) in cases {
            let doc = load(name);
            assert_eq!(doc.kind, kind, "{name}");
            assert_eq!(doc.etag.as_deref(), etag, "{name}");
            assert_eq!(doc.distributions.len(), count, "{name}");
            assert_eq!(doc.source, name);
            assert_eq!(
                doc.raw_config.is_some(),
                kind != DocumentKind::DistributionList
            );
        }
    }

    #[test]
    fn get_distribution_carries_id_and_cloudfront_name() {
        let doc = load("get-distribution-managed.json");
        let d = &doc.distributions[0];
        assert_eq!(d.id.as_deref(), Some("E1MANAGEDEXAMPLE"));
        assert_eq!(
            d.domain_name.as_deref(),
            Some("d111111abcdef8.cloudfront.net")
        );
        assert_eq!(d.status.as_deref(), Some("Deployed"));
        assert_eq!(d.aliases, ["shop.example.com", "*.shop.example.com"]);
        assert_eq!(d.origins.len(), 6);
        // get-distribution-config has neither.
        let config = load("get-distribution-config-legacy.json");
        assert_eq!(config.distributions[0].id, None);
        assert_eq!(config.distributions[0].domain_name, None);
    }

    #[test]
    fn list_page_summaries_and_truncation() {
        let doc = load("list-distributions.json");
        let ids: Vec<_> = doc.distributions.iter().map(|d| d.id.as_deref()).collect();
        assert_eq!(
            ids,
            [
                Some("E1LISTAAAAAAAA"),
                Some("E2LISTBBBBBBBB"),
                Some("E3LISTCCCCCCCC")
            ]
        );
        let etags: Vec<_> = doc
            .distributions
            .iter()
            .map(|d| d.etag.as_deref())
            .collect();
        assert_eq!(
            etags,
            [
                Some("E1LISTETAGAAAA"),
                Some("E2LISTETAGBBBB"),
                Some("E3LISTETAGCCCC")
            ]
        );
        assert_eq!(doc.distributions[1].origins[0].kind, CfOriginKind::S3Rest);
        assert!(!doc.truncated);
        assert!(load("list-distributions-truncated.json").truncated);
        let empty = parse_document(br#"{"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": false, "Quantity": 0}}"#, "e").expect("empty page");
        assert!(empty.distributions.is_empty());
    }

    #[test]
    fn malformed_fixtures_give_one_line_naming_the_file() {
        for (name, bytes) in MALFORMED {
            let e = parse_document(bytes, name).expect_err(name);
            let text = e.to_string();
            assert!(text.starts_with(&format!("{name}: ")), "{text}");
            assert!(!text.contains('\n'), "{text}");
            assert!(!text.contains(fixtures::SECRET_MARK), "{text}");
        }
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let name = "malformed-invalid-json.json";
        let e = parse_document(fixtures::bytes(name), name).expect_err("invalid");
        let CloudFrontError::InvalidJson {
            line,
            column,
            message,
            ..
        } = &e
        else {
            panic!("{e:?}");
        };
        assert_eq!((*line, *column), (19, 21), "{e}");
        assert_eq!(message, "expected `,` or `}`");
        assert_eq!(
            e.to_string(),
            format!("{name}: invalid JSON at line 19, column 21: expected `,` or `}}`")
        );
    }

    #[test]
    fn wrong_top_level_shapes_say_what_was_expected() {
        let name = "malformed-cache-policy.json";
        let e = parse_document(fixtures::bytes(name), name).expect_err("shape");
        let text = e.to_string();
        assert!(
            text.contains("expected the JSON output of `aws cloudfront get-distribution-config`"),
            "{text}"
        );
        assert!(
            text.ends_with("found an object with keys \"ETag\", \"CachePolicy\""),
            "{text}"
        );
        let bare = "malformed-bare-config.json";
        let text = parse_document(fixtures::bytes(bare), bare)
            .expect_err("bare")
            .to_string();
        assert!(text.contains("a bare DistributionConfig"), "{text}");
        assert!(err("[1, 2]").to_string().contains("an array of 2 items"));
        assert!(err("\"x\"").to_string().ends_with("found a string"));
        assert!(err("{}").to_string().ends_with("found an empty object"));
        let both = err(r#"{"DistributionConfig": {}, "DistributionList": {}}"#).to_string();
        assert!(
            both.ends_with(
                r#"found an object with both "DistributionConfig" and "DistributionList""#
            ),
            "{both}"
        );
        assert_eq!(
            err("  \n").to_string().split(';').next(),
            Some("in.json: empty input")
        );
        assert!(matches!(
            parse_document(b"\xff\xfe{\x00", "w.json"),
            Err(CloudFrontError::Utf16 { .. })
        ));
    }

    #[test]
    fn missing_required_fields_name_the_field_and_position() {
        let name = "malformed-missing-domain.json";
        let e = parse_document(fixtures::bytes(name), name).expect_err("missing");
        let CloudFrontError::InvalidDocument {
            command,
            line,
            message,
            ..
        } = &e
        else {
            panic!("{e:?}");
        };
        assert_eq!(*command, "get-distribution-config");
        assert_eq!(message, "missing field `DomainName`");
        assert!(*line > 1, "{e}");
        let no_port = r#"{"ETag": "E1", "DistributionConfig": {"Origins": {"Quantity": 1, "Items": [{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "OriginProtocolPolicy": "http-only"}}]}, "DefaultCacheBehavior": {"TargetOriginId": "a", "ViewerProtocolPolicy": "allow-all"}}}"#;
        assert!(
            err(no_port)
                .to_string()
                .contains("missing field `HTTPSPort`")
        );
    }

    #[test]
    fn bad_values_are_reported_safely() {
        let doc = |origin: &str| {
            format!(
                r#"{{"ETag": "E1", "DistributionConfig": {{"Origins": {{"Items": [{origin}]}}, "DefaultCacheBehavior": {{"TargetOriginId": "a", "ViewerProtocolPolicy": "allow-all"}}}}}}"#
            )
        };
        let policy = doc(
            r#"{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only\u001b[31m"}}"#,
        );
        let text = err(&policy).to_string();
        assert!(text.contains("unknown variant"), "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "escape reached the message: {text}"
        );
        let numeric_secret = doc(
            r#"{"Id": "a", "DomainName": "a.example", "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-Pin", "HeaderValue": 424242}]}, "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}"#,
        );
        let text = err(&numeric_secret).to_string();
        assert!(
            text.contains("must be a string") && !text.contains("424242"),
            "{text}"
        );
        let port = doc(
            r#"{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 70000, "OriginProtocolPolicy": "http-only"}}"#,
        );
        let text = err(&port).to_string();
        assert!(
            text.ends_with("invalid value: integer `70000`, expected u16"),
            "{text}"
        );
    }
}
