//! The bad-input catalogue's CloudFront documents: not JSON, the wrong shape, missing fields,
//! origins whose names cannot be probed, each naming the document path, the rest still judged.

use super::*;
use crate::cloudfront::custom_origin;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_documents() {
    let env = Env::new().await;
    let p = env.port;
    let ready = Some("ready");
    let dir = env.dir.path().to_str().expect("utf8").to_string();
    let fixture_doc = |name: &str| {
        format!(
            "{}/tests/fixtures/cloudfront/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let good_doc = env.distribution(vec![]);
    let truncated = env.file("truncated.json", &good_doc[..good_doc.len() / 2]);
    let with_origin = |name: &str, origin: Value| env.file(name, env.distribution(vec![origin]));
    let mut bad_ssl = custom_origin("legacy", "legacy.test", p, "http-only");
    bad_ssl["CustomOriginConfig"]["OriginSslProtocols"]["Items"] =
        serde_json::json!(["TLSv1.2", "TLSv9"]);
    let mut port_0 = custom_origin("zero", "zero.test", p, "http-only");
    port_0["CustomOriginConfig"]["HTTPSPort"] = serde_json::json!(0);
    let cases = vec![
        Case::new("empty file", env.cloudfront(&[&env.file("empty.json", "")]))
            .line(&["empty.json", "empty input"]),
        Case::new(
            "binary file",
            env.cloudfront(&[&env.file("bin.json", b"\x7fELF\x02\x01\x01\x00\xff")]),
        )
        .line(&["bin.json", "invalid JSON at line 1"]),
        Case::new(
            "UTF-16 file",
            env.cloudfront(&[&env.file("utf16.json", b"\xff\xfe{\x00}\x00")]),
        )
        .line(&["utf16.json", "UTF-16"]),
        Case::new("truncated JSON", env.cloudfront(&[&truncated]))
            .line(&["truncated.json", "invalid JSON at line", "EOF"]),
        Case::new(
            "invalid JSON",
            env.cloudfront(&[&fixture_doc("malformed-invalid-json.json")]),
        )
        .line(&["malformed-invalid-json.json", "line 19, column 21"]),
        Case::new(
            "JSON that is an array",
            env.cloudfront(&[&env.file("array.json", r#"[{"DistributionConfig": {}}]"#)]),
        )
        .line(&["array.json", "an array of 1 items"]),
        Case::new(
            "wrong top-level object",
            env.cloudfront(&[&fixture_doc("malformed-cache-policy.json")]),
        )
        .line(&["malformed-cache-policy.json", "\"CachePolicy\""]),
        Case::new(
            "a bare DistributionConfig",
            env.cloudfront(&[&fixture_doc("malformed-bare-config.json")]),
        )
        .line(&["malformed-bare-config.json", "bare DistributionConfig"]),
        Case::new(
            "origin without DomainName",
            env.cloudfront(&[&fixture_doc("malformed-missing-domain.json")]),
        )
        .line(&["malformed-missing-domain.json", "`DomainName`"]),
        Case::new(
            "a list-distributions page with zero items",
            env.cloudfront(&[&env.file(
                "empty-page.json",
                r#"{"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": false, "Quantity": 0}}"#,
            )]),
        )
        .line(&["empty-page.json", "no origins to check"]),
        Case::new(
            "unknown OriginSslProtocols value",
            env.cloudfront(&[&with_origin("ssl.json", bad_ssl)]),
        )
        .line(&["ssl.json", "line", "`TLSv9`"]),
        Case::new(
            "HTTPSPort 0",
            env.cloudfront(&[&with_origin("port0.json", port_0)]),
        )
        .line(&["port0.json", "Items[1].CustomOriginConfig.HTTPSPort", "not a port"]),
        Case::new(
            "duplicate origin Id",
            env.cloudfront(&[&with_origin(
                "dup-id.json",
                custom_origin("good", "other.test", p, "http-only"),
            )]),
        )
        .line(&["dup-id.json", "Items[1]", "\"good\" is used twice"]),
        Case::new(
            "an origin Id of 5000 characters, used twice",
            env.cloudfront(&[&env.file(
                "long-id.json",
                env.distribution(vec![
                    custom_origin(&"x".repeat(5000), "one.test", p, "http-only"),
                    custom_origin(&"x".repeat(5000), "two.test", p, "http-only"),
                ]),
            )]),
        )
        .line(&["long-id.json", "Items[2]", "…\" is used twice"]),
        Case::new(
            "an origin with a bad domain name beside a good one",
            env.cloudfront(&[&with_origin(
                "bad-name.json",
                custom_origin("bad", "bad host.test", p, "http-only"),
            )]),
        )
        .line(&["bad-name.json", "origin bad", "\"bad host.test\"", "' '"])
        .probes("good.test", p, ready),
        Case::new(
            "an origin name of 5000 characters",
            env.cloudfront(&[&with_origin(
                "long-name.json",
                custom_origin("long", &"a".repeat(5000), p, "http-only"),
            )]),
        )
        .line(&["long-name.json", "origin long", "…", "longer than 63"])
        .probes("good.test", p, ready),
        Case::new(
            "one bad file beside a good one",
            env.cloudfront(&[
                &env.file("bad.json", "{"),
                &env.file("good.json", &good_doc),
            ]),
        )
        .line(&["bad.json", "invalid JSON"])
        .probes("good.test", p, ready),
        Case::new(
            "nonexistent file",
            env.cloudfront(&["/nonexistent/dist.json"]),
        )
        .line(&["/nonexistent/dist.json", "No such file"]),
        Case::new("directory as file", env.cloudfront(&[&dir]))
            .line(&[&dir, "directory"]),
    ];
    run_catalogue(cases).await;
}
