//! TEMPORARY stand-in (replaced by the analysis at merge).
use crate::report::{CertSummary, RootsInfo, RootsSource};
use rustls::pki_types::UnixTime;
#[derive(Debug, Clone)]
pub struct TrustStore {
    info: RootsInfo,
}
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct RootsError;
impl TrustStore {
    pub fn mozilla() -> TrustStore {
        TrustStore {
            info: RootsInfo {
                source: RootsSource::Mozilla,
                description: "stub".into(),
                path: None,
                count: 0,
            },
        }
    }
    pub fn from_pem(_pem: &[u8], _path: &str) -> Result<TrustStore, RootsError> {
        Ok(Self::mozilla())
    }
    pub fn info(&self) -> &RootsInfo {
        &self.info
    }
}
#[derive(Debug)]
pub struct ChainAnalysis {
    pub summaries: Vec<CertSummary>,
}
pub fn analyse(_c: &[Vec<u8>], _n: &[String], _s: &TrustStore, _now: UnixTime) -> ChainAnalysis {
    ChainAnalysis { summaries: vec![] }
}
