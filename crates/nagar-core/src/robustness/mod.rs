//! Uncertainty and sensitivity analysis (Saisana, Saltelli & Tarantola 2005; COINr's
//! `get_sensitivity`): the index recomputed many times under other reasonable assumptions —
//! noisy weights, other normalisations, aggregations, missing-data policies, imputations, one
//! element left out — to say how firm each rank is and which assumption moves the ranks most.
//!
//! The flow:
//! 1. a [`Spec`] (data: a `[robustness]` TOML table, or CLI flags) is resolved against the
//!    framework into [`Input`]s;
//! 2. [`Design::sample`] draws the replications (seeded ChaCha8, [`sample`]), or
//!    [`Design::from_table`] reads a `design.csv` to replay;
//! 3. [`Engine::run`] computes every replication, starting at the first pipeline stage its
//!    parameters touch ([`crate::pipeline::Stage`]): normalised columns are cached per
//!    (imputation, normalisation, missing-data policy), aggregates per aggregation method, and a
//!    replication only re-aggregates the nodes whose children's weights changed, into reused
//!    buffers;
//! 4. [`Results`] gives the per-unit rank and score statistics and, for a sensitivity analysis,
//!    the indices ([`stats::sa_estimate`]); [`Results::sheets`] are the CSV files of `nagar
//!    robustness`.

pub mod design;
pub mod engine;
pub mod spec;
pub mod stats;

pub use design::{Block, Design, DesignColumns, Params};
pub use engine::{design_for, unit_stats_of_columns, Columns, Part};
pub use engine::{Engine, EngineCache, Failure, Results};
pub use spec::{Input, Kind, Spec, Vary};

/// Why an analysis cannot run. Every message names what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RobustnessError {
    /// The specification is not usable (N < 3, one input for SA, noise out of range, unknown id …).
    #[error("{0}")]
    Spec(String),
    /// A design file that does not fit the framework or the Saltelli layout.
    #[error("{file}: {message}")]
    Design { file: String, message: String },
    /// The nominal run itself failed.
    #[error(transparent)]
    Score(#[from] crate::pipeline::ScoreError),
}
