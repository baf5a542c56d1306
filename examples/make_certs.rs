//! Regenerates the fixture PKI in `certs/`: `cargo run --example make_certs`.
//!
//! Every certificate the integration tests and `demo` serve or trust comes from the two tables
//! below; `certs/README.md` says which defect each one carries. The file names are a contract:
//! `<name>.crt.pem`, `<name>.key.pem` (PKCS#8), `<name>.chain.pem` (leaves only: the certificates
//! a server sends, in the order sent) and `test-roots.pem` (the trust store passed with `--roots`).
//!
//! Good certificates are valid 2020-01-01..2120-01-01; bad ones have dates far in the past or
//! future, so the fixtures never rot. Names, dates, serial numbers and chains are fixed; only the
//! key material and the (randomised) ECDSA signatures change between runs. The slow RSA-8192 key
//! is reused when `certs/rsa8192.key.pem` already exists; delete it to get a fresh one.
//!
//! Needs `openssl` on PATH for the Ed25519 and RSA keys. Writes only inside `certs/` and never
//! reads the clock.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, anyhow, bail};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    PKCS_ECDSA_P384_SHA384, PKCS_RSA_SHA256, PublicKeyData, SerialNumber, SignatureAlgorithm,
    date_time_ymd,
};

/// The certificate authorities, parents before children.
// One row per certificate reads as a table; rustfmt would spread each row over 5 lines.
#[rustfmt::skip]
const CAS: &[CaSpec] = &[
    ca("root-ca", "origin-probe Test Root CA", Signer::Itself),
    ca("intermediate-ca", "origin-probe Test Intermediate CA", Signer::Ca("root-ca")),
    ca("sub-intermediate-ca", "origin-probe Test Sub-Intermediate CA",
        Signer::Ca("intermediate-ca")),
    CaSpec {
        validity: LONG_EXPIRED,
        ..ca("expired-intermediate-ca", "origin-probe Expired Intermediate CA",
            Signer::Ca("root-ca"))
    },
    ca("other-root-ca", "origin-probe Other Root CA", Signer::Itself),
    ca("other-intermediate-ca", "origin-probe Other Intermediate CA", Signer::Ca("other-root-ca")),
];

/// The leaves. Unless a row says otherwise a leaf is [`leaf`]'s default: P-256, issued by
/// `intermediate-ca`, valid for a century, serverAuth, served as `leaf, intermediate-ca`.
#[rustfmt::skip] // As for `CAS`.
const LEAVES: &[LeafSpec] = &[
    leaf("good", &["good.test", "www.good.test"]),
    LeafSpec { validity: LONG_EXPIRED, ..leaf("expired", &["expired.test"]) },
    LeafSpec { validity: NOT_YET_VALID, ..leaf("not-yet-valid", &["not-yet-valid.test"]) },
    LeafSpec {
        signer: Signer::Itself,
        served_after_leaf: &[],
        ..leaf("self-signed", &["self-signed.test"])
    },
    LeafSpec {
        signer: Signer::Ca("other-intermediate-ca"),
        served_after_leaf: &["other-intermediate-ca", "other-root-ca"],
        ..leaf("untrusted", &["untrusted.test"])
    },
    LeafSpec { served_after_leaf: &[], ..leaf("incomplete", &["incomplete.test"]) },
    LeafSpec {
        signer: Signer::Ca("sub-intermediate-ca"),
        served_after_leaf: &["sub-intermediate-ca", "intermediate-ca"],
        ..leaf("deep", &["deep.test"])
    },
    LeafSpec {
        signer: Signer::Ca("sub-intermediate-ca"),
        // Swapped on purpose: the leaf's issuer comes second.
        served_after_leaf: &["intermediate-ca", "sub-intermediate-ca"],
        ..leaf("wrong-order", &["wrong-order.test"])
    },
    // Probed as wrong-host.test, which this certificate does not cover.
    leaf("wrong-host", &["other-name.test"]),
    // Covers the viewer's Host header, not the origin name origin.viewer.test.
    leaf("host-header", &["www.viewer.test"]),
    leaf("wildcard", &["*.wild.test"]),
    LeafSpec {
        served_after_leaf: &["intermediate-ca", "root-ca"],
        ..leaf("served-root", &["served-root.test"])
    },
    LeafSpec {
        served_after_leaf: &["intermediate-ca", "other-intermediate-ca"],
        ..leaf("extra-cert", &["extra-cert.test"])
    },
    // The CN comes from the name given to `leaf`; `sans: &[]` then drops the SAN extension.
    LeafSpec { sans: &[], ..leaf("cn-only", &["cn-only.test"]) },
    LeafSpec {
        signer: Signer::Ca("expired-intermediate-ca"),
        served_after_leaf: &["expired-intermediate-ca"],
        ..leaf("expired-intermediate", &["expired-intermediate.test"])
    },
    LeafSpec { key: KeyKind::Rsa { bits: 2048 }, ..leaf("rsa2048", &["rsa2048.test"]) },
    LeafSpec { key: KeyKind::Rsa { bits: 1024 }, ..leaf("rsa1024", &["rsa1024.test"]) },
    LeafSpec { key: KeyKind::Rsa { bits: 8192 }, ..leaf("rsa8192", &["rsa8192.test"]) },
    LeafSpec { key: KeyKind::EcdsaP384, ..leaf("p384", &["p384.test"]) },
    LeafSpec { key: KeyKind::Ed25519, ..leaf("ed25519", &["ed25519.test"]) },
    // IP SANs only: rcgen turns strings that parse as IP addresses into iPAddress entries.
    leaf("ip", &["127.0.0.1", "::1"]),
    LeafSpec { usage: Usage::ClientAuth, ..leaf("no-server-auth", &["no-server-auth.test"]) },
    // RSA, for origins that only speak RSA key exchange or TLS 1.0 (served by openssl s_server).
    LeafSpec {
        key: KeyKind::Rsa { bits: 2048 },
        ..leaf("legacy", &["legacy.test", "rsa-kx.test", "tls10.test"])
    },
];

/// RSA keys at least this large can take a minute or more to generate, so an existing key file
/// is reused.
const REUSE_RSA_KEYS_FROM_BITS: u32 = 8192;

/// What every good certificate gets: long enough that the fixtures never expire.
const CENTURY: Validity = Validity {
    not_before: (2020, 1, 1),
    not_after: (2120, 1, 1),
};
/// Expired a generation ago, so no clock skew can make it valid.
const LONG_EXPIRED: Validity = Validity {
    not_before: (2000, 1, 1),
    not_after: (2001, 1, 1),
};
/// Valid only long after anyone running these tests.
const NOT_YET_VALID: Validity = Validity {
    not_before: (2200, 1, 1),
    not_after: (2300, 1, 1),
};

fn main() -> anyhow::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs");
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;

    // Serial numbers count up in table order (CAs first): distinct, and fixed for a given table.
    let mut serials = 1_u64..;
    let mut cas = BTreeMap::new();
    for spec in CAS {
        let serial = SerialNumber::from(serials.next().context("serial numbers ran out")?);
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        write(
            &dir,
            &format!("{}.key.pem", spec.name),
            &key.serialize_pem(),
        )?;
        let params = ca_params(spec, serial);
        let ca = match spec.signer {
            Signer::Itself => CertifiedIssuer::self_signed(params, key)?,
            Signer::Ca(parent) => CertifiedIssuer::signed_by(params, key, lookup(&cas, parent)?)?,
        };
        write(&dir, &format!("{}.crt.pem", spec.name), &ca.pem())?;
        cas.insert(spec.name, ca);
    }

    for spec in LEAVES {
        let serial = SerialNumber::from(serials.next().context("serial numbers ran out")?);
        let key_path = dir.join(format!("{}.key.pem", spec.name));
        let key = subject_key(spec.key, &key_path)?;
        let params = leaf_params(spec, serial)?;
        let cert = match (spec.signer, &key) {
            (Signer::Itself, SubjectKey::Pair(pair)) => params.self_signed(pair)?,
            (Signer::Itself, SubjectKey::Rsa(_)) => {
                bail!("{}: rcgen cannot sign with RSA keys", spec.name)
            }
            (Signer::Ca(issuer), _) => params.signed_by(&key, lookup(&cas, issuer)?)?,
        };
        let leaf_pem = cert.pem();
        let mut chain = leaf_pem.clone();
        for name in spec.served_after_leaf {
            chain.push_str(&lookup(&cas, name)?.pem());
        }
        write(&dir, &format!("{}.crt.pem", spec.name), &leaf_pem)?;
        write(&dir, &format!("{}.chain.pem", spec.name), &chain)?;
    }

    write(&dir, "test-roots.pem", &lookup(&cas, "root-ca")?.pem())?;
    println!(
        "wrote {} certificates to {}",
        CAS.len() + LEAVES.len(),
        dir.display()
    );
    Ok(())
}

/// A certificate authority: always a P-256 key, keyCertSign + cRLSign.
#[derive(Debug)]
struct CaSpec {
    name: &'static str,
    common_name: &'static str,
    signer: Signer,
    validity: Validity,
}

const fn ca(name: &'static str, common_name: &'static str, signer: Signer) -> CaSpec {
    CaSpec {
        name,
        common_name,
        signer,
        validity: CENTURY,
    }
}

/// A server certificate and the chain a server sends with it.
#[derive(Debug)]
struct LeafSpec {
    name: &'static str,
    /// Subject CN; [`leaf`] sets it to the first SAN.
    common_name: &'static str,
    /// DNS names and IP addresses; empty means no SubjectAltName extension at all.
    sans: &'static [&'static str],
    key: KeyKind,
    signer: Signer,
    validity: Validity,
    usage: Usage,
    /// The certificates served after the leaf, in the order sent.
    served_after_leaf: &'static [&'static str],
}

/// The common case; `sans` must not be empty (the first SAN becomes the CN).
const fn leaf(name: &'static str, sans: &'static [&'static str]) -> LeafSpec {
    LeafSpec {
        name,
        common_name: sans[0],
        sans,
        key: KeyKind::EcdsaP256,
        signer: Signer::Ca("intermediate-ca"),
        validity: CENTURY,
        usage: Usage::ServerAuth,
        served_after_leaf: &["intermediate-ca"],
    }
}

/// Who signs a certificate: its own key, or the CA of that name.
#[derive(Clone, Copy, Debug)]
enum Signer {
    Itself,
    Ca(&'static str),
}

#[derive(Clone, Copy, Debug)]
enum KeyKind {
    EcdsaP256,
    EcdsaP384,
    Ed25519,
    Rsa { bits: u32 },
}

/// The one extended key usage a leaf carries.
#[derive(Clone, Copy, Debug)]
enum Usage {
    ServerAuth,
    ClientAuth,
}

/// A validity window as calendar dates (year, month, day), each at 00:00:00Z.
#[derive(Clone, Copy, Debug)]
struct Validity {
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
}

fn ca_params(spec: &CaSpec, serial: SerialNumber) -> CertificateParams {
    let mut params = base_params(spec.common_name, spec.validity, serial);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn leaf_params(spec: &LeafSpec, serial: SerialNumber) -> anyhow::Result<CertificateParams> {
    let sans: Vec<String> = spec.sans.iter().map(|san| san.to_string()).collect();
    let with_sans = CertificateParams::new(sans).with_context(|| format!("{}: SANs", spec.name))?;
    let mut params = base_params(spec.common_name, spec.validity, serial);
    params.subject_alt_names = with_sans.subject_alt_names;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![match spec.usage {
        Usage::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
        Usage::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
    }];
    Ok(params)
}

fn base_params(common_name: &str, validity: Validity, serial: SerialNumber) -> CertificateParams {
    let (year, month, day) = validity.not_before;
    let not_before = date_time_ymd(year, month, day);
    let (year, month, day) = validity.not_after;
    let not_after = date_time_ymd(year, month, day);
    let mut distinguished_name = DistinguishedName::new();
    distinguished_name.push(DnType::CommonName, common_name);

    let mut params = CertificateParams::default();
    params.not_before = not_before;
    params.not_after = not_after;
    params.serial_number = Some(serial);
    params.distinguished_name = distinguished_name;
    params.use_authority_key_identifier_extension = true;
    params
}

fn lookup<'m, 'a>(
    cas: &'m BTreeMap<&str, CertifiedIssuer<'a, KeyPair>>,
    name: &str,
) -> anyhow::Result<&'m CertifiedIssuer<'a, KeyPair>> {
    cas.get(name)
        .ok_or_else(|| anyhow!("CA {name} is used before it is made (check CAS order)"))
}

/// A leaf's public key. ECDSA keys are generated by rcgen (ring); Ed25519 and RSA keys by openssl
/// (see [`subject_key`]). ring cannot generate RSA keys and only loads RSA private keys of
/// 2048..=4096 bits, but a leaf key never signs anything here, so the public half is enough.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one key lives at a time; boxing buys nothing"
)]
enum SubjectKey {
    Pair(KeyPair),
    Rsa(RsaPublicKey),
}

/// The PKCS#1 `RSAPublicKey` DER that goes inside the SubjectPublicKeyInfo bit string.
#[derive(Debug)]
struct RsaPublicKey {
    pkcs1_der: Vec<u8>,
}

impl PublicKeyData for SubjectKey {
    fn der_bytes(&self) -> &[u8] {
        match self {
            Self::Pair(pair) => pair.der_bytes(),
            Self::Rsa(rsa) => &rsa.pkcs1_der,
        }
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            Self::Pair(pair) => pair.algorithm(),
            // Only the SubjectPublicKeyInfo uses this: rsaEncryption with NULL parameters.
            Self::Rsa(_) => &PKCS_RSA_SHA256,
        }
    }
}

/// Makes the key, writes its private half to `key_path` (PKCS#8 PEM) and returns it.
fn subject_key(kind: KeyKind, key_path: &Path) -> anyhow::Result<SubjectKey> {
    let alg = match kind {
        KeyKind::EcdsaP256 => &PKCS_ECDSA_P256_SHA256,
        KeyKind::EcdsaP384 => &PKCS_ECDSA_P384_SHA384,
        // ring writes Ed25519 keys as PKCS#8 v2, which OpenSSL 3.0 cannot read, and a test may
        // serve this leaf with `openssl s_server`. openssl's v1 key suits both ring and OpenSSL.
        KeyKind::Ed25519 => {
            genpkey(key_path, &["-algorithm", "ED25519"])?;
            let pem = fs::read_to_string(key_path)
                .with_context(|| format!("reading {}", key_path.display()))?;
            return Ok(SubjectKey::Pair(KeyPair::from_pem(&pem)?));
        }
        KeyKind::Rsa { bits } => return rsa_key(bits, key_path).map(SubjectKey::Rsa),
    };
    let pair = KeyPair::generate_for(alg)?;
    fs::write(key_path, pair.serialize_pem())
        .with_context(|| format!("writing {}", key_path.display()))?;
    Ok(SubjectKey::Pair(pair))
}

fn rsa_key(bits: u32, key_path: &Path) -> anyhow::Result<RsaPublicKey> {
    if bits >= REUSE_RSA_KEYS_FROM_BITS && key_path.exists() {
        println!("reusing {} (delete it for a fresh key)", key_path.display());
    } else {
        let bits = format!("rsa_keygen_bits:{bits}");
        genpkey(key_path, &["-algorithm", "RSA", "-pkeyopt", &bits])?;
    }
    let path = key_path.to_str().context("certs/ path is not UTF-8")?;
    let pkcs1_der = openssl(&["rsa", "-in", path, "-RSAPublicKey_out", "-outform", "DER"])?;
    Ok(RsaPublicKey { pkcs1_der })
}

/// `openssl genpkey`, writing a PKCS#8 PEM private key to `key_path`.
fn genpkey(key_path: &Path, args: &[&str]) -> anyhow::Result<()> {
    // Written under a temporary name so that an interrupted run never leaves a half key that
    // the next run would reuse.
    let path = key_path.to_str().context("certs/ path is not UTF-8")?;
    let partial = format!("{path}.partial");
    let mut all_args = vec!["genpkey"];
    all_args.extend_from_slice(args);
    all_args.extend_from_slice(&["-out", &partial]);
    openssl(&all_args)?;
    fs::rename(&partial, key_path).with_context(|| format!("renaming {partial}"))
}

/// Runs openssl and returns its stdout.
fn openssl(args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = match Command::new("openssl").args(args).output() {
        Ok(output) => output,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            bail!("`openssl` is not on PATH; it is needed to generate the RSA keys (ring cannot)")
        }
        Err(error) => return Err(error).context("running openssl"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "`openssl {}` failed ({}): {}",
            args.join(" "),
            output.status,
            stderr.trim()
        );
    }
    Ok(output.stdout)
}

fn write(dir: &Path, file_name: &str, contents: &str) -> anyhow::Result<()> {
    let path = dir.join(file_name);
    fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))
}
