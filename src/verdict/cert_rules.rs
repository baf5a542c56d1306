//! TEMPORARY stand-in (replaced at merge).
use crate::cert::ChainAnalysis;
use crate::finding::Finding;
use crate::report::RootsInfo;
#[derive(Debug)]
pub struct CertRuleContext<'a> {
    pub origin: &'a str,
    pub host_header: Option<&'a str>,
    pub warn_days: u32,
    pub roots: &'a RootsInfo,
}
pub fn cert_findings(_a: &ChainAnalysis, _c: &CertRuleContext<'_>) -> Vec<Finding> {
    vec![]
}
