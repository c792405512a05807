//! `vitext train ...`: builds the shipped models from the data in ../shared/data. Not used by the
//! service; kept in the library so tests can train on small slices.
pub mod data;
pub mod entities;
pub mod segmenter;
