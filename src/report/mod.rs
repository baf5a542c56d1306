//! Report renderers (pure) and the report document.
pub mod document;
pub use document::*;
