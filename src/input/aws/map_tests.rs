//! The mapping from the SDK's types: the same distribution built with the SDK's builders and
//! written as AWS CLI JSON gives the same model; custom policies decide Host forwarding.

use aws_sdk_cloudfront::types::{
    Aliases, AllowedMethods, CacheBehavior, CacheBehaviors, CachePolicy, CachePolicyConfig,
    CachePolicyHeaderBehavior, CachePolicyHeadersConfig, CustomHeaders, CustomOriginConfig,
    DefaultCacheBehavior, DistributionConfig, Headers, Method, Origin, OriginCustomHeader,
    OriginGroup, OriginGroupFailoverCriteria, OriginGroupMember, OriginGroupMembers, OriginGroups,
    OriginProtocolPolicy, OriginRequestPolicy, OriginRequestPolicyConfig,
    OriginRequestPolicyHeaderBehavior, OriginRequestPolicyHeadersConfig, OriginSslProtocols,
    Origins, ParametersInCacheKeyAndForwardedToOrigin, S3OriginConfig, SslProtocol, StatusCodes,
    ViewerProtocolPolicy, VpcOriginConfig,
};

use super::map::{self, Listed};
use crate::input::cloudfront::{HostForwarding, PolicyKind, parse_document};

const CUSTOM_ORP: &str = "11111111-2222-4333-8444-555555555555";
const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";

fn custom_origin(id: &str, name: &str) -> Origin {
    let config = CustomOriginConfig::builder()
        .http_port(80)
        .https_port(8443)
        .origin_protocol_policy(OriginProtocolPolicy::MatchViewer)
        .origin_ssl_protocols(
            OriginSslProtocols::builder()
                .quantity(2)
                .items(SslProtocol::TlSv11)
                .items(SslProtocol::TlSv12)
                .build()
                .expect("builds"),
        )
        .origin_read_timeout(30)
        .origin_keepalive_timeout(5)
        .build()
        .expect("builds");
    let headers = CustomHeaders::builder()
        .quantity(1)
        .items(
            OriginCustomHeader::builder()
                .header_name("X-Origin-Secret")
                .header_value("s3cr3t-from-the-api")
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds");
    Origin::builder()
        .id(id)
        .domain_name(name)
        .origin_path("")
        .custom_headers(headers)
        .custom_origin_config(config)
        .connection_attempts(2)
        .connection_timeout(5)
        .build()
        .expect("builds")
}

fn config() -> DistributionConfig {
    let bucket = Origin::builder()
        .id("bucket")
        .domain_name("assets.s3.us-east-1.amazonaws.com")
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()
        .expect("builds");
    let vpc = Origin::builder()
        .id("vpc")
        .domain_name("internal.example.com")
        .vpc_origin_config(
            VpcOriginConfig::builder()
                .vpc_origin_id("vo_0123456789abcdef")
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds");
    let member = |id: &str| {
        OriginGroupMember::builder()
            .origin_id(id)
            .build()
            .expect("builds")
    };
    let group = OriginGroup::builder()
        .id("failover")
        .failover_criteria(
            OriginGroupFailoverCriteria::builder()
                .status_codes(
                    StatusCodes::builder()
                        .quantity(2)
                        .items(502)
                        .items(503)
                        .build()
                        .expect("builds"),
                )
                .build(),
        )
        .members(
            OriginGroupMembers::builder()
                .quantity(2)
                .items(member("web"))
                .items(member("web2"))
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds");
    let methods = AllowedMethods::builder()
        .quantity(3)
        .items(Method::Get)
        .items(Method::Head)
        .items(Method::Post)
        .build()
        .expect("builds");
    let default = DefaultCacheBehavior::builder()
        .target_origin_id("failover")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .origin_request_policy_id(ALL_VIEWER)
        .allowed_methods(methods)
        .build()
        .expect("builds");
    let api = CacheBehavior::builder()
        .path_pattern("/api/*")
        .target_origin_id("web")
        .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
        .origin_request_policy_id(CUSTOM_ORP)
        .build()
        .expect("builds");
    DistributionConfig::builder()
        .caller_reference("ref")
        .comment("")
        .enabled(true)
        .aliases(
            Aliases::builder()
                .quantity(1)
                .items("www.example.com")
                .build()
                .expect("builds"),
        )
        .origins(
            Origins::builder()
                .quantity(4)
                .items(custom_origin("web", "web.example.com"))
                .items(custom_origin("web2", "web2.example.com"))
                .items(bucket)
                .items(vpc)
                .build()
                .expect("builds"),
        )
        .origin_groups(
            OriginGroups::builder()
                .quantity(1)
                .items(group)
                .build()
                .expect("builds"),
        )
        .default_cache_behavior(default)
        .cache_behaviors(
            CacheBehaviors::builder()
                .quantity(1)
                .items(api)
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds")
}

/// The same distribution as `aws cloudfront get-distribution` prints it.
const CLI_JSON: &str = r#"{"ETag": "E3TAG", "Distribution": {"Id": "E1ABC", "ARN": "arn:aws:cloudfront::123456789012:distribution/E1ABC", "Status": "Deployed", "DomainName": "d111.cloudfront.net", "DistributionConfig": {
  "CallerReference": "ref", "Comment": "", "Enabled": true,
  "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
  "Origins": {"Quantity": 4, "Items": [
    {"Id": "web", "DomainName": "web.example.com", "OriginPath": "", "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-Origin-Secret", "HeaderValue": "s3cr3t-from-the-api"}]},
     "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 8443, "OriginProtocolPolicy": "match-viewer", "OriginSslProtocols": {"Quantity": 2, "Items": ["TLSv1.1", "TLSv1.2"]}, "OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5},
     "ConnectionAttempts": 2, "ConnectionTimeout": 5},
    {"Id": "web2", "DomainName": "web2.example.com", "OriginPath": "", "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-Origin-Secret", "HeaderValue": "s3cr3t-from-the-api"}]},
     "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 8443, "OriginProtocolPolicy": "match-viewer", "OriginSslProtocols": {"Quantity": 2, "Items": ["TLSv1.1", "TLSv1.2"]}, "OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5},
     "ConnectionAttempts": 2, "ConnectionTimeout": 5},
    {"Id": "bucket", "DomainName": "assets.s3.us-east-1.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}},
    {"Id": "vpc", "DomainName": "internal.example.com", "VpcOriginConfig": {"VpcOriginId": "vo_0123456789abcdef"}}]},
  "OriginGroups": {"Quantity": 1, "Items": [{"Id": "failover", "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [502, 503]}}, "Members": {"Quantity": 2, "Items": [{"OriginId": "web"}, {"OriginId": "web2"}]}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "failover", "ViewerProtocolPolicy": "redirect-to-https", "OriginRequestPolicyId": "216adef6-5c7f-47e4-b989-5492eafa07d3", "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "POST"]}},
  "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/api/*", "TargetOriginId": "web", "ViewerProtocolPolicy": "allow-all", "OriginRequestPolicyId": "11111111-2222-4333-8444-555555555555"}]}
}}}"#;

fn listed() -> Listed {
    Listed {
        id: "E1ABC".into(),
        arn: "arn:aws:cloudfront::123456789012:distribution/E1ABC".into(),
        status: "Deployed".into(),
        domain_name: "d111.cloudfront.net".into(),
    }
}

#[test]
fn sdk_types_give_the_model_of_the_cli_json() {
    let api =
        map::document("aws", "E1ABC", Some(&listed()), &config(), Some("E3TAG")).expect("maps");
    let file = parse_document(CLI_JSON.as_bytes(), "aws").expect("parses");
    let json =
        |d: &crate::input::cloudfront::Document| serde_json::to_value(d).expect("serializes");
    assert_eq!(json(&api), json(&file));
    assert_eq!(api.etag.as_deref(), Some("E3TAG"));
    let web = api.distributions[0].origin("web").expect("web");
    assert_eq!(web.custom_headers[0].1.expose(), "s3cr3t-from-the-api");
    assert!(
        !format!("{api:?}").contains("s3cr3t"),
        "Debug shows no secret"
    );
    let raw = &api.raw_config.as_ref().expect("the whole tree is kept").0;
    assert_eq!(raw, &super::cli_json::distribution_config(&config()));
}

#[test]
fn a_distribution_that_was_not_listed_keeps_its_id() {
    let doc = map::document("aws", "E9XYZ", None, &config(), None).expect("maps");
    let d = &doc.distributions[0];
    assert_eq!(d.id.as_deref(), Some("E9XYZ"));
    assert_eq!(d.domain_name, None);
    assert_eq!(doc.etag, None);
}

fn orp(behavior: OriginRequestPolicyHeaderBehavior, headers: &[&str]) -> OriginRequestPolicy {
    let mut h = Headers::builder().quantity(headers.len() as i32);
    for name in headers {
        h = h.items(*name);
    }
    let config = OriginRequestPolicyConfig::builder()
        .name("custom-orp")
        .headers_config(
            OriginRequestPolicyHeadersConfig::builder()
                .header_behavior(behavior)
                .headers(h.build().expect("builds"))
                .build()
                .expect("builds"),
        )
        .build()
        .expect("builds");
    OriginRequestPolicy::builder()
        .id(CUSTOM_ORP)
        .last_modified_time(aws_sdk_cloudfront::primitives::DateTime::from_secs(0))
        .origin_request_policy_config(config)
        .build()
        .expect("builds")
}

#[test]
fn custom_policies_read_from_the_api_decide_host_forwarding() {
    use OriginRequestPolicyHeaderBehavior as B;
    let mut doc = map::document("aws", "E1ABC", Some(&listed()), &config(), None).expect("maps");
    assert_eq!(
        map::custom_policy_ids(&doc),
        [(PolicyKind::OriginRequest, CUSTOM_ORP.to_string())],
        "managed AllViewer is not read"
    );
    let api_host = |doc: &crate::input::cloudfront::Document| {
        let web = doc.distributions[0].origin("web").expect("web");
        web.behaviors
            .iter()
            .find(|b| b.path_pattern.as_deref() == Some("/api/*"))
            .expect("api behavior")
            .host
            .clone()
    };
    doc.declare_forwards_host(&[]);
    assert!(matches!(api_host(&doc), HostForwarding::Unknown { .. }));
    let cases = [
        (B::Whitelist, vec!["host"], true),
        (B::Whitelist, vec!["Authorization"], false),
        (B::AllViewer, vec![], true),
        (
            B::AllViewerAndWhitelistCloudFront,
            vec!["CloudFront-Viewer-Country"],
            true,
        ),
        (B::AllExcept, vec!["Host"], false),
        (B::AllExcept, vec!["Cookie"], true),
        (B::None, vec![], false),
    ];
    for (behavior, headers, forwards) in cases {
        let policy = map::origin_request_policy(CUSTOM_ORP, &orp(behavior.clone(), &headers));
        assert_eq!(policy.forwards_host, forwards, "{behavior:?} {headers:?}");
        doc.known_policies = vec![policy];
        doc.declare_forwards_host(&[]);
        match api_host(&doc) {
            HostForwarding::Forwarded { how } => {
                assert!(forwards, "{behavior:?}");
                assert!(
                    how.contains("custom-orp") && how.contains("its contents were read"),
                    "{how}"
                );
            }
            HostForwarding::NotForwarded => assert!(!forwards, "{behavior:?}"),
            other => panic!("a policy that was read is known: {other:?}"),
        }
    }
}

#[test]
fn cache_policy_headers_in_the_key_reach_the_origin() {
    let policy = |headers: &[&str]| {
        let mut h = Headers::builder().quantity(headers.len() as i32);
        for name in headers {
            h = h.items(*name);
        }
        let key = ParametersInCacheKeyAndForwardedToOrigin::builder()
            .enable_accept_encoding_gzip(true)
            .headers_config(
                CachePolicyHeadersConfig::builder()
                    .header_behavior(CachePolicyHeaderBehavior::Whitelist)
                    .headers(h.build().expect("builds"))
                    .build()
                    .expect("builds"),
            )
            .build()
            .expect("builds");
        CachePolicy::builder()
            .id("c1")
            .last_modified_time(aws_sdk_cloudfront::primitives::DateTime::from_secs(0))
            .cache_policy_config(
                CachePolicyConfig::builder()
                    .name("tenant-cache")
                    .min_ttl(0)
                    .parameters_in_cache_key_and_forwarded_to_origin(key)
                    .build()
                    .expect("builds"),
            )
            .build()
            .expect("builds")
    };
    assert!(map::cache_policy("c1", &policy(&["Host", "Origin"])).forwards_host);
    assert!(!map::cache_policy("c1", &policy(&["Origin"])).forwards_host);
    assert_eq!(map::cache_policy("c1", &policy(&[])).name, "tenant-cache");
}

/// `--apply`'s edit of the SDK's config is the plan's edit of its JSON, field for field: a
/// switched origin and an `allow-all` behavior that reaches an S3 REST origin.
#[test]
fn the_sdk_edit_is_the_plan_edit() {
    use crate::plan::{PlanDecision, plan};
    use crate::tls::SslProtocol as Protocol;

    let mut sdk = config();
    let assets = CacheBehavior::builder()
        .path_pattern("/assets/*")
        .target_origin_id("bucket")
        .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
        .build()
        .expect("builds");
    let behaviors = sdk.cache_behaviors.as_mut().expect("behaviors");
    behaviors.items.get_or_insert_with(Vec::new).push(assets);
    behaviors.quantity += 1;
    let doc = map::document("aws", "E1ABC", Some(&listed()), &sdk, Some("E3TAG")).expect("maps");
    let decision = PlanDecision {
        origin_id: "web".to_string(),
        switch: true,
        ssl_protocols: vec![Protocol::Tls12],
        reason: String::new(),
    };
    let plan = plan(&doc, &[decision]).expect("plans");
    let edited = super::edit(&sdk, &plan).expect("the edit matches the plan");
    assert_eq!(&super::cli_json(&edited), plan.config().expose());
    let web = &edited.origins.as_ref().expect("origins").items[0];
    let coc = web.custom_origin_config.as_ref().expect("custom");
    assert_eq!(coc.origin_protocol_policy, OriginProtocolPolicy::HttpsOnly);
    assert_eq!(
        coc.origin_ssl_protocols.as_ref().map(|p| p.items.clone()),
        Some(vec![SslProtocol::TlSv12])
    );
    let shown: Vec<String> = super::changes(&super::cli_json(&sdk), &super::cli_json(&edited))
        .into_iter()
        .map(|c| format!("{}: {} -> {}", c.path, c.old, c.new))
        .collect();
    assert_eq!(
        shown,
        [
            "Origins.Items[Id=web].CustomOriginConfig.OriginProtocolPolicy: \"match-viewer\" -> \"https-only\"",
            "Origins.Items[Id=web].CustomOriginConfig.OriginSslProtocols.Quantity: 2 -> 1",
            "Origins.Items[Id=web].CustomOriginConfig.OriginSslProtocols.Items: [\"TLSv1.1\",\"TLSv1.2\"] -> [\"TLSv1.2\"]",
            "CacheBehaviors.Items[PathPattern=/assets/*].ViewerProtocolPolicy: \"allow-all\" -> \"redirect-to-https\"",
        ]
    );
    assert!(!shown.concat().contains("s3cr3t"));
}
