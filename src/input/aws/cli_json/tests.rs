//! The writer is complete: a `DistributionConfig` with every member of botocore's model set
//! (`tests/fixtures/aws/every_field.py`) is answered as the API's XML by a loopback server, read
//! by the SDK's own deserializer, and written back as exactly the JSON the AWS CLI prints for it.

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::distribution_config;

const XML: &str =
    include_str!("../../../../tests/fixtures/aws/distribution-config-every-field.xml");
const JSON: &str =
    include_str!("../../../../tests/fixtures/aws/distribution-config-every-field.json");

/// Members botocore's model has and this SDK version does not: the SDK cannot read them, so
/// the writer cannot write them. Keep this list short and named in the module doc.
const NOT_IN_THE_SDK: [&str; 1] = ["OriginHttpVersion"];

/// A loopback API that answers every request with `body` (one request per connection).
async fn canned_api(body: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let mut seen = 0;
            while seen < buf.len() {
                match sock.read(&mut buf[seen..]).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen += n,
                }
                if buf[..seen].windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nETag: E2EVERYFIELD\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(body.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (format!("http://{addr}"), task)
}

/// `value` without the members the SDK does not have.
fn without_unknown(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in NOT_IN_THE_SDK {
                map.shift_remove(key);
            }
            map.values_mut().for_each(without_unknown);
        }
        Value::Array(items) => items.iter_mut().for_each(without_unknown),
        _ => {}
    }
}

/// Every `path: value` leaf of a JSON tree, in order.
fn leaves(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, &format!("{path}[{i}]"), out);
            }
        }
        other => out.push(format!("{path} = {other}")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_field_of_the_sdk_is_written_as_the_cli_prints_it() {
    let (endpoint, task) = canned_api(XML).await;
    let config = aws_sdk_cloudfront::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                .build_https(),
        )
        .build();
    let out = Client::from_conf(config)
        .get_distribution_config()
        .id("E2EVERYFIELD")
        .send()
        .await
        .expect("the SDK reads the canned answer");
    task.abort();
    let sdk = out.distribution_config.expect("a DistributionConfig");
    let written = distribution_config(&sdk);

    let mut expected: Value = serde_json::from_str(JSON).expect("fixture JSON");
    without_unknown(&mut expected);
    let (mut want, mut got) = (Vec::new(), Vec::new());
    leaves(&expected, "", &mut want);
    leaves(&written, "", &mut got);
    let missing: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
    let extra: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from the writer: {missing:#?}\nnot in the model: {extra:#?}"
    );
    // Same leaves in the same order: names, types (numbers, booleans), nesting and order.
    assert_eq!(got, want);
    assert!(
        want.len() > 250,
        "the fixture sets every member ({})",
        want.len()
    );
    // The fixture does carry the member the SDK lacks, so this test notices when an SDK update
    // adds it (then the writer must write it, and NOT_IN_THE_SDK shrinks); and the guard of
    // `unwritten` finds exactly those fields in the answer.
    assert!(JSON.contains("\"OriginHttpVersion\""));
    assert_eq!(
        crate::input::aws::unwritten::unwritten_fields(XML.as_bytes(), &written),
        [
            "Origins.Items.CustomOriginConfig.OriginHttpVersion",
            "Origins.Items.VpcOriginConfig.OriginHttpVersion",
        ]
    );
}

#[test]
fn an_sdk_default_config_writes_its_required_members() {
    let sdk = aws_sdk_cloudfront::types::DistributionConfig::builder()
        .caller_reference("ref")
        .comment("")
        .enabled(true)
        .build()
        .expect("required members set");
    let written = distribution_config(&sdk);
    assert_eq!(
        written,
        serde_json::json!({"CallerReference": "ref", "Comment": "", "Enabled": true})
    );
}
