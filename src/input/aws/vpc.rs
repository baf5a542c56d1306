//! `cloudfront --aws` and VPC origins (fact 43): every distinct `VpcOriginId` the documents use
//! is read once with `GetVpcOrigin`, and its endpoint settings become a [`KnownVpcOrigin`] in
//! each document's `known_vpc_origins`, the way `read_policies` fills `known_policies`. A read
//! that fails (denied, not found, throttled) is a note naming the IAM action and leaves that VPC
//! origin unknown; it never stops the others.
//!
//! [`known`] (the SDK's answer to the model) is pure and unit-tested; [`read`] does the calls.

use aws_sdk_cloudfront::types::VpcOrigin;

use super::{SOURCE, client};
use crate::input::cloudfront::{Document, KnownVpcOrigin, OriginProtocolPolicy, SslProtocol};
use crate::sanitize;

/// The IAM action of the read, for messages.
const ACTION: &str = "cloudfront:GetVpcOrigin";

/// Reads every VPC origin the documents use, once each, and hands the results to their
/// origins; each failure is also a line in `notes`.
pub(super) async fn read(
    client: &aws_sdk_cloudfront::Client,
    documents: &mut [Document],
    notes: &mut Vec<String>,
) {
    let mut found = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    for id in distinct_ids(documents) {
        let result = match client::vpc_origin(client, &id).await {
            Ok((Some(v), etag)) => known(&id, &v, etag.as_deref()),
            Ok((None, _)) => Err(format!(
                "{ACTION} on {}: the API answered without a VpcOrigin",
                sanitize::text(&id)
            )),
            // Every failure, even one that concerns the whole account (throttling, the
            // endpoint gone), only leaves this VPC origin unknown: the distributions are read.
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(k) => found.push(k),
            Err(why) => {
                notes.push(format!(
                    "{SOURCE}: {why}; the VPC origin's protocol settings stay unknown (config.vpc-origin)"
                ));
                failures.push((id, why));
            }
        }
    }
    for doc in documents {
        doc.known_vpc_origins = found.clone();
        doc.attach_vpc_origins(&failures);
    }
}

/// Every `VpcOriginId` the documents use, each once (many origins, of many distributions, may
/// share one VPC origin), in document order.
fn distinct_ids(documents: &[Document]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in documents.iter().flat_map(Document::vpc_origin_ids) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// A VPC origin as the model holds it, or why the answer cannot be used (one line).
pub(super) fn known(id: &str, v: &VpcOrigin, etag: Option<&str>) -> Result<KnownVpcOrigin, String> {
    let bad = |what: String| format!("{ACTION} on {}: the answer's {what}", sanitize::text(id));
    let Some(endpoint) = v.vpc_origin_endpoint_config() else {
        return Err(bad("VpcOrigin has no VpcOriginEndpointConfig".to_string()));
    };
    let port = |name: &str, value: i32| {
        u16::try_from(value)
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad(format!("{name} {value} is not a port number (1 to 65535)")))
    };
    let policy_text = endpoint.origin_protocol_policy().as_str();
    let protocol_policy = match policy_text {
        "http-only" => OriginProtocolPolicy::HttpOnly,
        "match-viewer" => OriginProtocolPolicy::MatchViewer,
        "https-only" => OriginProtocolPolicy::HttpsOnly,
        other => {
            return Err(bad(format!(
                "OriginProtocolPolicy \"{}\" is not http-only, match-viewer or https-only",
                sanitize::text(other)
            )));
        }
    };
    let mut ssl_protocols = Vec::new();
    for p in endpoint
        .origin_ssl_protocols()
        .map(|p| p.items())
        .unwrap_or_default()
    {
        let parsed = SslProtocol::parse(p.as_str()).map_err(|_| {
            bad(format!(
                "OriginSslProtocols item \"{}\" is not SSLv3, TLSv1, TLSv1.1 or TLSv1.2",
                sanitize::text(p.as_str())
            ))
        })?;
        ssl_protocols.push(parsed);
    }
    Ok(KnownVpcOrigin {
        id: id.to_string(),
        source: "GetVpcOrigin".to_string(),
        name: endpoint.name().to_string(),
        endpoint_arn: endpoint.arn().to_string(),
        http_port: port("HTTPPort", endpoint.http_port())?,
        https_port: port("HTTPSPort", endpoint.https_port())?,
        protocol_policy,
        ssl_protocols,
        status: Some(v.status().to_string()).filter(|st| !st.trim().is_empty()),
        etag: etag.map(str::to_string).filter(|e| !e.is_empty()),
        edit: None,
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudfront::primitives::DateTime;
    use aws_sdk_cloudfront::types::{
        OriginProtocolPolicy as SdkPolicy, OriginSslProtocols, SslProtocol as SdkSsl,
        VpcOriginEndpointConfig,
    };

    use super::*;

    fn answer(policy: &str, protocols: &[&str], https_port: i32) -> VpcOrigin {
        let mut endpoint = VpcOriginEndpointConfig::builder()
            .name("app-alb")
            .arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app/1")
            .http_port(80)
            .https_port(https_port)
            .origin_protocol_policy(SdkPolicy::from(policy));
        if !protocols.is_empty() {
            let mut list = OriginSslProtocols::builder().quantity(protocols.len() as i32);
            for p in protocols {
                list = list.items(SdkSsl::from(*p));
            }
            endpoint = endpoint.origin_ssl_protocols(list.build().expect("protocols"));
        }
        VpcOrigin::builder()
            .id("vo_1")
            .arn("arn:aws:cloudfront::123456789012:vpcorigin/vo_1")
            .status("Deployed")
            .created_time(DateTime::from_secs(0))
            .last_modified_time(DateTime::from_secs(0))
            .vpc_origin_endpoint_config(endpoint.build().expect("endpoint"))
            .build()
            .expect("vpc origin")
    }

    #[test]
    fn each_vpc_origin_is_read_once() {
        let doc = crate::input::cloudfront::fixtures::load(
            "get-distribution-config-special-origins.json",
        );
        let mut twice = doc.clone();
        let extra = twice.distributions[0]
            .origins
            .iter()
            .find(|o| o.id == "vpc-origin")
            .cloned()
            .map(|mut o| {
                o.id = "vpc-origin-2".into();
                o
            })
            .expect("the fixture's VPC origin");
        twice.distributions[0].origins.push(extra);
        assert_eq!(twice.vpc_origin_ids().len(), 1);
        assert_eq!(
            distinct_ids(&[doc, twice]),
            ["vo_ABCDEFGHIJ0123456789ab"],
            "two documents, three origins, one read"
        );
    }

    #[test]
    fn the_answer_becomes_the_model() {
        let k = known(
            "vo_1",
            &answer("https-only", &["TLSv1", "TLSv1.2"], 8443),
            Some("E1"),
        )
        .expect("known");
        assert_eq!(k.protocol_policy, OriginProtocolPolicy::HttpsOnly);
        assert_eq!(k.ssl_protocols, [SslProtocol::Tls1, SslProtocol::Tls12]);
        assert_eq!((k.http_port, k.https_port), (80, 8443));
        assert_eq!(k.name, "app-alb");
        assert_eq!(k.status.as_deref(), Some("Deployed"));
        assert_eq!(k.etag.as_deref(), Some("E1"));
        let k = known("vo_1", &answer("http-only", &[], 443), None).expect("known");
        assert!(k.ssl_protocols.is_empty() && k.etag.is_none());
    }

    #[test]
    fn answers_the_model_cannot_hold_are_one_line_naming_the_action() {
        for (v, expect) in [
            (
                answer("ftp-only", &[], 443),
                "OriginProtocolPolicy \"ftp-only\"",
            ),
            (answer("https-only", &["TLSv1.3"], 443), "item \"TLSv1.3\""),
            (answer("https-only", &[], 70000), "HTTPSPort 70000"),
            (answer("https-only", &[], 0), "HTTPSPort 0"),
        ] {
            let e = known("vo_1", &v, None).expect_err(expect);
            assert!(e.starts_with("cloudfront:GetVpcOrigin on vo_1: "), "{e}");
            assert!(e.contains(expect) && !e.contains('\n'), "{e}");
        }
    }
}
