//! The real API's XML for what moto does not emulate about VPC origins (fact 43): `GetVpcOrigin`
//! (shape of API_GetVpcOrigin: `VpcOrigin` with its `VpcOriginEndpointConfig`, the `ETag`
//! header), and `GetDistribution` of a distribution whose origins carry `VpcOriginConfig`
//! (moto's origins drop it). Answered by the relay ([`super::aws_proxy::Relay`]) in front of
//! moto; the SDK is never faked.

use super::aws_proxy::Rule;

const XMLNS: &str = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

/// `GET /2020-05-31/vpc-origin/{id}`: a deployed VPC origin named `name` in front of an
/// Application Load Balancer, with `policy` and `protocols`.
pub fn get_vpc_origin(id: &str, name: &str, policy: &str, protocols: &[&str]) -> Rule {
    let items: String = protocols
        .iter()
        .map(|p| format!("<SslProtocol>{p}</SslProtocol>"))
        .collect();
    Rule {
        path: format!("/2020-05-31/vpc-origin/{id}"),
        status: 200,
        headers: vec![("ETag".into(), format!("E{}", id.len()))],
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VpcOrigin xmlns=\"{XMLNS}\"><Id>{id}</Id><Arn>arn:aws:cloudfront::123456789012:vpcorigin/{id}</Arn><AccountId>123456789012</AccountId><Status>Deployed</Status><CreatedTime>2026-10-01T09:00:00.000Z</CreatedTime><LastModifiedTime>2026-11-02T10:00:00.000Z</LastModifiedTime><VpcOriginEndpointConfig><Name>{name}</Name><Arn>arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/{name}/50dc6c495c0c9188</Arn><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>{policy}</OriginProtocolPolicy><OriginSslProtocols><Quantity>{}</Quantity><Items>{items}</Items></OriginSslProtocols></VpcOriginEndpointConfig></VpcOrigin>",
            protocols.len()
        ),
        method: None,
        remaining: None,
        rewrite: None,
    }
}

/// One origin with `VpcOriginConfig` (the distribution's side of a VPC origin).
pub fn vpc_origin(id: &str, domain: &str, vpc_origin_id: &str) -> String {
    format!(
        "<Origin><Id>{id}</Id><DomainName>{domain}</DomainName><OriginPath></OriginPath><CustomHeaders><Quantity>0</Quantity></CustomHeaders><VpcOriginConfig><VpcOriginId>{vpc_origin_id}</VpcOriginId><OriginReadTimeout>30</OriginReadTimeout><OriginKeepaliveTimeout>5</OriginKeepaliveTimeout></VpcOriginConfig><ConnectionAttempts>3</ConnectionAttempts><ConnectionTimeout>10</ConnectionTimeout><OriginShield><Enabled>false</Enabled></OriginShield><OriginAccessControlId></OriginAccessControlId></Origin>"
    )
}

/// A cache behavior to `target` (the default one when `pattern` is `None`), viewers on
/// `viewer_policy`, with the managed CachingOptimized policy.
pub fn behavior(target: &str, pattern: Option<&str>, viewer_policy: &str) -> String {
    let (open, close) = match pattern {
        Some(_) => ("<CacheBehavior>", "</CacheBehavior>"),
        None => ("<DefaultCacheBehavior>", "</DefaultCacheBehavior>"),
    };
    let path = pattern.map_or(String::new(), |p| format!("<PathPattern>{p}</PathPattern>"));
    format!(
        "{open}{path}<TargetOriginId>{target}</TargetOriginId><TrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></TrustedSigners><TrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></TrustedKeyGroups><ViewerProtocolPolicy>{viewer_policy}</ViewerProtocolPolicy><AllowedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items><CachedMethods><Quantity>2</Quantity><Items><Method>HEAD</Method><Method>GET</Method></Items></CachedMethods></AllowedMethods><SmoothStreaming>false</SmoothStreaming><Compress>true</Compress><LambdaFunctionAssociations><Quantity>0</Quantity></LambdaFunctionAssociations><FunctionAssociations><Quantity>0</Quantity></FunctionAssociations><FieldLevelEncryptionId></FieldLevelEncryptionId><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId>{close}"
    )
}

/// `GET /2020-05-31/distribution/{id}`: a deployed distribution of `origins`, the default
/// behavior to the first, and `behaviors` (`behavior(.., Some(pattern), ..)` each).
pub fn get_distribution(id: &str, origins: &[String], behaviors: &[String]) -> Rule {
    let first = origins
        .first()
        .and_then(|o| o.split("<Id>").nth(1))
        .and_then(|o| o.split("</Id>").next())
        .expect("at least one origin");
    let default = behavior(first, None, "redirect-to-https");
    let config = format!(
        "<DistributionConfig><CallerReference>origin-probe-vpc-test</CallerReference><Aliases><Quantity>0</Quantity></Aliases><DefaultRootObject></DefaultRootObject><Origins><Quantity>{}</Quantity><Items>{}</Items></Origins><OriginGroups><Quantity>0</Quantity></OriginGroups>{default}<CacheBehaviors><Quantity>{}</Quantity><Items>{}</Items></CacheBehaviors><CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses><Comment>vpc origins</Comment><Logging><Enabled>false</Enabled><IncludeCookies>false</IncludeCookies><Bucket></Bucket><Prefix></Prefix></Logging><PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled><ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate><SSLSupportMethod>vip</SSLSupportMethod><MinimumProtocolVersion>TLSv1</MinimumProtocolVersion><CertificateSource>cloudfront</CertificateSource></ViewerCertificate><Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions><WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging></DistributionConfig>",
        origins.len(),
        origins.concat(),
        behaviors.len(),
        behaviors.concat()
    );
    let lower = id.to_ascii_lowercase();
    Rule {
        path: format!("/2020-05-31/distribution/{id}"),
        status: 200,
        headers: vec![("ETag".into(), "E2VPCDISTETAG".into())],
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Distribution xmlns=\"{XMLNS}\"><Id>{id}</Id><ARN>arn:aws:cloudfront::123456789012:distribution/{id}</ARN><Status>Deployed</Status><LastModifiedTime>2026-11-02T10:00:00.000Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>{lower}.cloudfront.net</DomainName><ActiveTrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></ActiveTrustedSigners><ActiveTrustedKeyGroups><Enabled>false</Enabled><Quantity>0</Quantity></ActiveTrustedKeyGroups>{config}</Distribution>"
        ),
        method: None,
        remaining: None,
        rewrite: None,
    }
}
