//! Where each numbered CloudFront fact can be checked: fact number -> the URL of its primary
//! source (an AWS documentation page, the AWS API model, or the public thread it comes from).
//!
//! The facts themselves, with every source and which parts are inferences, are written for
//! users in `docs/cloudfront-facts.md`; a test keeps this table and that file in step (every
//! URL here appears in its fact's section there, and every fact a rule cites has both).
//! Pure data: renderers look a URL up, nothing here is fetched.

/// The AWS CloudFront Developer Guide page `$page`.
macro_rules! guide {
    ($page:literal) => {
        concat!(
            "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/",
            $page,
            ".html"
        )
    };
}

/// The AWS API model (botocore) the API-shape facts were read from.
pub const BOTOCORE_MODEL: &str = "https://github.com/boto/botocore/blob/develop/botocore/data/cloudfront/2020-05-31/service-2.json";

/// The user-facing list of the facts, in the repository.
pub const FACTS_DOC: &str = "docs/cloudfront-facts.md";

/// `(fact, primary source)`, in fact order, one entry per fact of
/// `cloudfront-origin-facts.md`.
pub const SOURCES: &[(u16, &str)] = &[
    (1, guide!("distribution-web-values-specify")),
    (2, guide!("RequestAndResponseBehaviorCustomOrigin")),
    (3, guide!("using-https-cloudfront-to-custom-origin")),
    (
        4,
        "https://aws.amazon.com/about-aws/whats-new/2020/09/cloudfront-tlsv1-3-support/",
    ),
    (
        5,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (
        6,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (
        7,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (
        8,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (9, guide!("cnames-and-https-requirements")),
    (10, guide!("WhatsNew")),
    (11, guide!("using-https-cloudfront-to-custom-origin")),
    (12, guide!("http-502-bad-gateway")),
    (13, guide!("cnames-and-https-requirements")),
    (14, guide!("using-https-cloudfront-to-custom-origin")),
    (15, guide!("http-502-bad-gateway")),
    (16, guide!("http-502-bad-gateway")),
    (17, guide!("using-https-cloudfront-to-custom-origin")),
    (18, guide!("using-https")),
    (
        19,
        "https://repost.aws/knowledge-center/cloudfront-connectivity-custom-origin",
    ),
    (20, guide!("http-502-bad-gateway")),
    (21, guide!("http-502-bad-gateway")),
    (22, guide!("http-502-dns-error")),
    (23, guide!("http-504-gateway-timeout")),
    (24, guide!("distribution-web-values-specify")),
    (25, guide!("AccessLogs")),
    (26, guide!("distribution-web-values-specify")),
    (27, guide!("lambda-event-structure")),
    (28, guide!("using-https-cloudfront-to-custom-origin")),
    (29, guide!("using-https-cloudfront-to-s3-origin")),
    (
        30,
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html",
    ),
    (31, "https://github.com/widdix/aws-cf-templates/issues/68"),
    (32, guide!("RequestAndResponseBehaviorCustomOrigin")),
    (33, guide!("controlling-origin-requests")),
    (34, guide!("using-managed-origin-request-policies")),
    (35, guide!("using-managed-cache-policies")),
    (36, BOTOCORE_MODEL),
    (37, BOTOCORE_MODEL),
    (38, BOTOCORE_MODEL),
    (39, BOTOCORE_MODEL),
    (40, guide!("RequestAndResponseBehaviorCustomOrigin")),
    (
        41,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (42, guide!("origin-mtls-authentication")),
    (
        43,
        "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html",
    ),
    (44, BOTOCORE_MODEL),
    (
        45,
        guide!("secure-connections-supported-ciphers-cloudfront-to-origin"),
    ),
    (46, guide!("using-https-cloudfront-to-s3-origin")),
    (47, guide!("high_availability_origin_failover")),
];

/// The primary source of `fact`, or `None` for a number that is not a fact.
pub fn url(fact: u16) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|&&(n, _)| n == fact)
        .map(|&(_, url)| url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_from_1_to_47_has_one_https_source_in_order() {
        let numbers: Vec<u16> = SOURCES.iter().map(|&(n, _)| n).collect();
        assert_eq!(numbers, (1..=47).collect::<Vec<u16>>());
        assert!(SOURCES.iter().all(|(_, u)| u.starts_with("https://")));
        assert_eq!(
            url(12),
            Some(
                "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html"
            )
        );
        assert_eq!(url(0), None);
        assert_eq!(url(48), None);
    }
}
