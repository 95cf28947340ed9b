//! nagar-core: the composite-indicator engine. Pure Rust: it takes a [`Framework`] and a
//! [`RawTable`] as values and returns every stage of every number; no files, no browser.

pub mod aggregate;
pub mod analysis;
pub mod audit;
pub mod demo;
pub mod derive;
pub mod fmt;
pub mod framework;
pub mod groups;
pub mod i18n;
pub mod inputs;
pub mod issue;
pub mod matrix;
pub mod methods;
pub mod names;
pub mod output;
pub mod pairing;
pub mod par;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod robustness;
pub mod settings;
pub mod sort;
pub mod table;

pub use derive::Derivation;
pub use framework::{Aggregate, Framework, FrameworkError, Indicator, InputField, InputKind};
pub use issue::{Issue, Severity};
pub use names::{Localised, Names};
pub use settings::{Aggregation, Group, Imputation, MissingPolicy, Normalisation, Settings, Treatment};
pub use table::{Cell, CellRef, RawTable, Row};
