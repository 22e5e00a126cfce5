//! Corruption simulator (placeholder).
