//! facade placeholder
pub use spanstatus_core::*;
