//! TEMPORARY stand-in (replaced by the renderers at merge).
pub mod document;
pub use document::*;
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
}
pub fn write(
    report: &Report,
    _f: Format,
    _o: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
    writeln!(out)
}
pub fn write_jsonl_origin(
    origin: &OriginReport,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, origin).map_err(std::io::Error::other)?;
    writeln!(out)
}
