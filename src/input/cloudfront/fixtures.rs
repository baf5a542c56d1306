//! Test-only access to the CloudFront fixtures in `tests/fixtures/cloudfront/`: realistic AWS CLI
//! output written for this project. Custom header values in them all start with [`SECRET_MARK`],
//! so a test can assert that no rendering shows one. Never compiled outside tests.

use super::{Document, parse_document};

/// Every custom header value in the fixtures contains this.
pub(crate) const SECRET_MARK: &str = "s3cr3t-do-not-print";

macro_rules! fixture {
    ($file:literal) => {
        (
            $file,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/cloudfront/",
                $file
            ))
            .as_slice(),
        )
    };
}

/// The fixtures that parse.
pub(crate) const GOOD: [(&str, &[u8]); 8] = [
    fixture!("get-distribution-config-legacy.json"),
    fixture!("get-distribution-managed.json"),
    fixture!("get-distribution-config-special-origins.json"),
    fixture!("list-distributions.json"),
    fixture!("list-distributions-truncated.json"),
    fixture!("distribution-config-no-etag.json"),
    // Shaped after the AWS CLI's own example (awscli/examples/cloudfront/get-distribution-config.rst):
    // one S3 REST origin behind an allow-all default behavior.
    fixture!("get-distribution-config-aws-cli-example.json"),
    fixture!("get-distribution-config-s3-cases.json"),
];

/// The fixtures that must be refused.
pub(crate) const MALFORMED: [(&str, &[u8]); 4] = [
    fixture!("malformed-invalid-json.json"),
    fixture!("malformed-cache-policy.json"),
    fixture!("malformed-missing-domain.json"),
    fixture!("malformed-bare-config.json"),
];

/// The bytes of a fixture by file name.
pub(crate) fn bytes(name: &str) -> &'static [u8] {
    GOOD.iter()
        .chain(MALFORMED.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// A good fixture, parsed.
pub(crate) fn load(name: &str) -> Document {
    parse_document(bytes(name), name).unwrap_or_else(|e| panic!("{e}"))
}

/// The raw `DistributionConfig` tree of a fixture, parsed independently of the module.
pub(crate) fn raw_config(name: &str) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(bytes(name)).expect("fixture is JSON");
    value
        .get("DistributionConfig")
        .or_else(|| {
            value
                .get("Distribution")
                .and_then(|d| d.get("DistributionConfig"))
        })
        .cloned()
        .expect("fixture has a DistributionConfig")
}
