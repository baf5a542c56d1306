//! The JSON and JSON Lines wire formats (`--format json`, `--format jsonl`): the machine contract.
//!
//! This module serialises the report document as it is; it never adds, drops or renames a field
//! (that would be a change to `document.rs` and a new `schema_version`), and never colours.
//!
//! # Compatibility
//!
//! Every record carries `schema_version` (currently `1`). Removing, renaming or retyping a field,
//! or adding a value to `verdict`, `impact`, `confidence` or `roots.source`, bumps it. Adding a
//! field or a new `rule` id does not: consumers should ignore fields they do not know. Field
//! order is stable but not part of the contract.
//! Text that came from servers (certificate names, SANs) is sanitised before it is stored, so
//! it holds no control or bidi characters; it is cut at 256 characters, marked with `…`.
//!
//! # JSON (`--format json`)
//!
//! One pretty-printed object for the whole run, followed by a newline, written when the run ends.
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `schema_version` | integer | `1` |
//! | `tool` | object | `name` (string, `origin-probe`) and `version` (string) of the program |
//! | `generated_at` | string | RFC 3339 UTC time the report was made |
//! | `judged_at` | string | RFC 3339 UTC time the time-dependent rules were judged at (`generated_at`, or the `--at` date); every `days_left` counts from it |
//! | `roots` | object | the trust store the verdicts were made against, below |
//! | `summary` | object | number of origins per verdict, below |
//! | `origins` | array | one origin object each, below, in input order; no `schema_version` inside |
//! | `run_error` | object, absent unless the prober failed | the probing machine itself failed, not the origins: `kind` (`resolver`: its DNS resolver failed a control query too; `network`: this machine has no route for the origins' addresses, it is offline), `message` (what failed, naming the resolver or the missing route), `origins_not_judged` (integer: origins left out of `origins`); the run exits 2. In JSON Lines it is the last record, `{"schema_version", "run", "run_error"}` |
//! | `input_errors` | array | one input error object per bad target line, bad argument, unreadable `--input`, bad CloudFront document or unprobeable CloudFront origin, in the order met (below); empty when the input was clean. The same errors are printed on stderr, and the exit code is 2 |
//! | `interrupted` | object, absent when the run was complete | the run was interrupted (Ctrl-C) and `origins` holds only the complete ones: `abandoned` (integer, origins dropped in flight), `input_left` (boolean, some input was never started) |
//!
//! `roots`:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `source` | string | `mozilla` (webpki-roots: what CloudFront trusts) or `file` (`--roots`: verdicts are **not** CloudFront's) |
//! | `description` | string | human description, e.g. `Mozilla included CA list (webpki-roots 1.0.10)` |
//! | `path` | string or null | the `--roots` path |
//! | `count` | integer | number of trust anchors |
//!
//! `summary`: integers `origins`, `ready`, `warn`, `would-502`, `would-504` (the last four sum
//! to `origins`).
//!
//! An **input error** (`input_errors` entry; nothing was probed for it):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `kind` | string | `target` (a target argument or `--input` line that is not a target), `read` (reading `--input` failed; what came before was probed), `document` (a CloudFront file that cannot be read or is not distribution JSON) or `origin` (a CloudFront origin whose domain name cannot be probed) |
//! | `source` | string | where: `argument 2`, `origins.txt:14`, `stdin:3`, a file name, or `FILE: distribution ID origin ID` |
//! | `message` | string | the one line stderr shows for it, without the `origin-probe: error:` prefix |
//!
//! # JSON Lines (`--format jsonl`)
//!
//! One origin object per line, each newline-terminated. When streaming, each line is written as
//! soon as that origin is judged, so the order follows completion, not input: key on
//! `origin`/`port`/`source`, not on position. Each line stands alone: it carries
//! `schema_version` as its first field, then `run`: `{judged_at, roots_source, roots}` (the
//! document's `judged_at`, `roots.source` and `roots.description`), so a line read alone still
//! says when it was judged and whether against CloudFront's store. Lines from several runs
//! (shards) can be concatenated. There is no header or trailer line. Inside the JSON document,
//! origins carry neither `schema_version` nor `run`.
//!
//! A bad input entry is a line of its own, with no `origin` field:
//! `{"schema_version":1,"run":{...},"input_error":{"kind":...,"source":...,"message":...}}`
//! (the input error object above). Tell the two apart by the `input_error` key; these lines are
//! written when the run ends, after every origin line, in the order the errors were met.
//!
//! # The origin object
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `schema_version` | integer | `1`; JSON Lines only, absent inside the JSON document |
//! | `origin` | string | normalised origin name, or IP literal |
//! | `port` | integer | HTTPS port probed (1-65535) |
//! | `host_header` | string or null | the viewer `Host` header the cache behavior forwards to the origin (`--host-header`): it is the SNI, and the certificate must cover it or `origin`; null when Host is not forwarded |
//! | `source` | string | where the target came from: `argument 1`, `origins.txt:3`, ... |
//! | `cloudfront` | object or null | for CloudFront input: `distribution_id`, `distribution_domain` (string or null), `origin_id`, `origin_protocol_policy` (string or null; for a VPC origin the VPC origin resource's, when `--aws` read it), `viewer_name` (the alias this row checks when Host is forwarded, or null); null for `check`; for Terraform and CloudFormation input also `location`: `{file, address (resource address or logical ID), pointer (JSON pointer into the file), line, column (null where the parser gives none), edit_path (the origin as its language names it)}`, absent for AWS CLI JSON. An origin group's own row (`source` ending `origin group ID`) has the group's Id as `origin_id`, the primary's name and port, no addresses, and `origin.group-*` findings |
//! | `verdict` | string | `ready`, `warn`, `would-502` or `would-504`: the worst of the findings below |
//! | `findings` | array | origin-level finding objects (DNS, name form, addresses that disagree) |
//! | `origin_ssl_protocols` | array of strings | the `OriginSslProtocols` CloudFront's hello offered (`TLSv1.2`, ...): `--origin-ssl-protocols`, else the distribution's, else `TLSv1.2`; empty for origins not probed |
//! | `address_source` | string or null | `dns`, `--resolve` or `literal`; null when resolution failed |
//! | `addresses` | array | one address object per resolved address; empty when none resolved |
//! | `elapsed_ms` | integer | wall time spent on the origin |
//!
//! A **finding**:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `rule` | string | stable rule id, e.g. `cert.expired` (the README lists them) |
//! | `impact` | string | `info`, `warn`, `would-504` or `would-502` |
//! | `confidence` | string | `documented` (stated by AWS docs), `inferred` (our reading of the docs), `unverified` (no source, best guess) |
//! | `reason` | string | what was observed, with the concrete values; may contain `\n` |
//! | `fix` | string | what to change; may be empty for `info` |
//! | `fact` | integer | number of the fact the rule rests on, as listed (with its sources and which parts are inferences) in `docs/cloudfront-facts.md` |
//! | `fact_url` | string or null | the fact's first source: the AWS page (or API model file) a reader can check it against; null only for a number that is not a fact |
//!
//! An **address**:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `address` | string | `ip:port`, `[v6]:port` for IPv6 |
//! | `verdict` | string | as for the origin, from this address's findings |
//! | `findings` | array | finding objects about this address |
//! | `tls_version` | string or null | version CloudFront would negotiate (`TLSv1.2`); null when its hello fails |
//! | `cipher_suite` | string or null | IANA name of the suite CloudFront would negotiate |
//! | `hello` | object or null | the answer to CloudFront's exact hello (below); null when TCP failed |
//! | `versions` | object | the version scan: keys `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`, each a version object (below); empty when not run (TCP failed, or no TLS answer to CloudFront's hello) |
//! | `chain_source` | string or null | `cloudfront` (the answer to CloudFront's hello: the chain CloudFront would receive), `version-scan` (a scan hello's, because CloudFront's failed) or `tls13` (a TLS 1.3 handshake's: the origin speaks nothing older) |
//! | `cloudfront_trusts` | boolean or null | under `--roots`: whether the chain also verifies against the list CloudFront trusts (the Mozilla list, fact 11); `--plan` never switches an origin with `false`. Null when the run judged against the Mozilla list itself, or the chain is not trusted by `--roots` either |
//! | `chain` | array | certificate objects exactly as sent, in the order sent; empty when none was read |
//! | `connect_ms` | integer or null | TCP connect time; null when the connection failed |
//! | `http` | object or null | the `--http` request (below); null when not asked for |
//! | `elapsed_ms` | integer | wall time spent on the address |
//!
//! The **`http`** object (never a header value):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `path` | string | request target sent (`OriginPath` included) |
//! | `host` | string | `Host` header sent (also the SNI) |
//! | `outcome` | string | `response`, `invalid`, `no-response`, `timed-out`, `not-possible` or `failed` |
//! | `status` | integer or null | response status |
//! | `version` | string or null | response HTTP version (`HTTP/1.1`) |
//! | `location` | string or null | `Location` header, sanitised |
//! | `bytes_read` | integer or null | body bytes read (at most 64 KiB) |
//! | `elapsed_ms` | integer or null | from sending the request to the end of the body read |
//! | `status_without_headers` | integer or null | `--exposure`: status of the request without the custom headers |
//!
//! The **`hello`** object:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `end` | string | `complete`, `alert`, `not-tls`, `sslv2`, `closed`, `reset`, `timed-out`, `too-large`, `malformed` or `failed` |
//! | `detail` | string or null | the end in words when not `complete` (`alert handshake_failure (40)`, the first bytes of a non-TLS answer) |
//! | `version` | string or null | the version the ServerHello chose, even one CloudFront does not allow (`0x....` when unknown); null without a ServerHello |
//! | `suite` | string or null | IANA name of the suite the ServerHello chose |
//! | `certificates` | integer or null | certificates received in cleartext; null when no Certificate message came |
//! | `curve` | string or null | the ECDHE curve of the ServerKeyExchange (`x25519`, `secp256r1`, ...) |
//! | `signature` | string or null | the ServerKeyExchange signature checked with the leaf's key: `valid`, `invalid`, or `unverifiable` (this build has no algorithm for it: see the `tls.signature-unchecked` finding); null when there is none to check (RSA key exchange, an incomplete flight) |
//!
//! A **version** object (`versions` entry):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `support` | string | `supported`, `not-supported` (an alert, or an older version chosen) or `inconclusive` (no answer that says either: a close without an alert, a timeout, not TLS) |
//! | `suite` | string or null | for `supported`: the suite chosen when offered every suite of the version |
//! | `detail` | string or null | for the others: what was seen |
//! | `answered_by` | string | whose answer: `own` (this version's scan hello, on a connection of its own), `cloudfront-hello` (CloudFront's hello chose this version, or an older one although this one was offered) or `TLSv1.1-hello` (a newer version's scan hello was refused, or chose this version or an older one: a server answers with the highest version it has up to the one offered) |
//!
//! A **certificate** (`chain` entry):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `position` | integer | 0 for the first certificate sent (the leaf) |
//! | `subject`, `issuer` | string | distinguished names |
//! | `san` | array of strings | DNS and IP subject alternative names |
//! | `not_before`, `not_after` | string | RFC 3339 UTC |
//! | `days_left` | integer | whole days from `judged_at` to `not_after`; negative once expired |
//! | `key_type` | string | `RSA`, `ECDSA`, `Ed25519`, `RSA-PSS`, or the algorithm OID |
//! | `key_bits` | integer or null | RSA modulus bits, or the curve's bits for ECDSA |
//! | `curve` | string or null | `P-256`, `P-384`, `P-521` for ECDSA keys |
//! | `signature_algorithm` | string | e.g. `sha256WithRSAEncryption` |
//! | `sha256` | string | lowercase hex SHA-256 of the DER |
//! | `is_ca`, `self_signed` | boolean | whether it is a CA certificate; whether it is self-signed |
//!
//! # Examples
//!
//! A JSON document with one origin (a unit test checks that this example matches the schema):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "tool": { "name": "origin-probe", "version": "0.1.0" },
//!   "generated_at": "2025-06-01T12:00:00Z",
//!   "judged_at": "2025-06-01T12:00:00Z",
//!   "roots": {
//!     "source": "mozilla",
//!     "description": "Mozilla included CA list (webpki-roots 1.0.10)",
//!     "path": null,
//!     "count": 146
//!   },
//!   "summary": { "origins": 1, "ready": 0, "warn": 1, "would-502": 0, "would-504": 0 },
//!   "origins": [
//!     {
//!       "origin": "origin.example.org",
//!       "port": 8443,
//!       "host_header": "shop.example.com",
//!       "source": "origins.txt:4",
//!       "cloudfront": null,
//!       "verdict": "warn",
//!       "findings": [],
//!       "origin_ssl_protocols": ["TLSv1.2"],
//!       "address_source": "dns",
//!       "addresses": [
//!         {
//!           "address": "198.51.100.7:8443",
//!           "verdict": "warn",
//!           "findings": [
//!             {
//!               "rule": "cert.expires-soon",
//!               "impact": "warn",
//!               "confidence": "documented",
//!               "reason": "The leaf certificate CN=shop.example.com expires at 2025-06-22T12:00:00Z, in 21 days.",
//!               "fix": "Renew it before 2025-06-22: from that moment CloudFront would answer 502.",
//!               "fact": 12,
//!               "fact_url": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html"
//!             }
//!           ],
//!           "tls_version": "TLSv1.2",
//!           "cipher_suite": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
//!           "hello": {
//!             "end": "complete",
//!             "detail": null,
//!             "version": "TLSv1.2",
//!             "suite": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
//!             "certificates": 1,
//!             "curve": "x25519",
//!             "signature": "valid"
//!           },
//!           "versions": {
//!             "SSLv3": { "support": "not-supported", "suite": null, "detail": "alert protocol_version (70)", "answered_by": "TLSv1.1-hello" },
//!             "TLSv1": { "support": "not-supported", "suite": null, "detail": "alert protocol_version (70)", "answered_by": "TLSv1.1-hello" },
//!             "TLSv1.1": { "support": "not-supported", "suite": null, "detail": "alert protocol_version (70)", "answered_by": "own" },
//!             "TLSv1.2": { "support": "supported", "suite": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "detail": null, "answered_by": "cloudfront-hello" },
//!             "TLSv1.3": { "support": "supported", "suite": "TLS_AES_128_GCM_SHA256", "detail": null, "answered_by": "own" }
//!           },
//!           "chain_source": "cloudfront",
//!           "cloudfront_trusts": null,
//!           "chain": [
//!             {
//!               "position": 0,
//!               "subject": "CN=shop.example.com",
//!               "issuer": "CN=Example Issuing CA 1",
//!               "san": ["shop.example.com", "origin.example.org"],
//!               "not_before": "2025-03-24T12:00:00Z",
//!               "not_after": "2025-06-22T12:00:00Z",
//!               "days_left": 21,
//!               "key_type": "ECDSA",
//!               "key_bits": 256,
//!               "curve": "P-256",
//!               "signature_algorithm": "ecdsa-with-SHA256",
//!               "sha256": "5f0c4e2b9d7a31c8e6f4b2a09d8c7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d",
//!               "is_ca": false,
//!               "self_signed": false
//!             }
//!           ],
//!           "connect_ms": 23,
//!           "http": null,
//!           "elapsed_ms": 187
//!         }
//!       ],
//!       "elapsed_ms": 412
//!     }
//!   ],
//!   "input_errors": [
//!     {
//!       "kind": "target",
//!       "source": "origins.txt:7",
//!       "message": "origins.txt:7: \"bad..name\": empty label (two dots in a row, or a leading dot)"
//!     }
//!   ]
//! }
//! ```
//!
//! A JSON Lines record (one line; an origin whose name did not resolve in time):
//!
//! ```jsonl
//! {"schema_version":1,"run":{"judged_at":"2025-06-01T12:00:00Z","roots_source":"mozilla","roots":"Mozilla included CA list (webpki-roots 1.0.10)"},"origin":"slow.example.net","port":443,"host_header":null,"source":"argument 1","cloudfront":null,"verdict":"would-504","findings":[{"rule":"dns.timeout","impact":"would-504","confidence":"inferred","reason":"No DNS answer for slow.example.net within 5s (3 attempts).\nCloudFront would wait for the origin and then answer 504.","fix":"Check that the authoritative name servers of example.net answer from the internet.","fact":22,"fact_url":"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-dns-error.html"}],"origin_ssl_protocols":["TLSv1.2"],"address_source":null,"addresses":[],"elapsed_ms":5003}
//! ```

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use crate::document::{
    InputErrorReport, OriginReport, Report, RunContext, RunError, SCHEMA_VERSION,
};

/// Writes `report` as one pretty-printed JSON document, newline-terminated.
pub(super) fn write_document(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // serde_json writes token by token; buffer so an unbuffered stdout is not hit per token.
    let mut out = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes one JSON Lines record: `origin` with `schema_version` set, on one line,
/// newline-terminated. Used to stream each origin as it finishes.
///
/// The line goes out in a single `write_all`, so a record is never split by another writer's
/// output between two of our writes.
pub(crate) fn write_jsonl_origin(
    origin: &OriginReport,
    run: &RunContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let origin =
        if origin.schema_version == Some(SCHEMA_VERSION) && origin.run.as_ref() == Some(run) {
            Cow::Borrowed(origin)
        } else {
            let mut line = origin.clone();
            line.schema_version = Some(SCHEMA_VERSION);
            line.run = Some(run.clone());
            Cow::Owned(line)
        };
    // Compact serde_json escapes every control character in strings, so this is one line.
    let mut line = serde_json::to_vec(&*origin)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// The last JSON Lines record of a run whose prober failed:
/// `{"schema_version":1,"run":{...},"run_error":{"kind","message","origins_not_judged"}}`,
/// so a consumer of the stream sees why origins are missing.
pub(crate) fn write_jsonl_run_error(
    run_error: &RunError,
    run: &RunContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        schema_version: u32,
        run: &'a RunContext,
        run_error: &'a RunError,
    }
    let mut line = serde_json::to_vec(&Line {
        schema_version: SCHEMA_VERSION,
        run,
        run_error,
    })?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Writes one JSON Lines input-error record: `{"schema_version", "run", "input_error"}`, on
/// one line, newline-terminated, in a single `write_all` (as [`write_jsonl_origin`]).
pub(crate) fn write_jsonl_input_error(
    error: &InputErrorReport,
    run: &RunContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        schema_version: u32,
        run: &'a RunContext,
        input_error: &'a InputErrorReport,
    }
    let record = Record {
        schema_version: SCHEMA_VERSION,
        run,
        input_error: error,
    };
    let mut line = serde_json::to_vec(&record)?;
    line.push(b'\n');
    out.write_all(&line)
}

#[cfg(test)]
mod tests;
