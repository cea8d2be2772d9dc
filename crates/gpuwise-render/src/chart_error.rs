//! Why a chart could not be drawn.

/// A chart that could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// There is nothing to put on it.
    #[error("nothing to chart: {0}")]
    Empty(&'static str),
    /// A size or time a logarithmic axis cannot show (zero, negative, not a number).
    #[error("cannot chart on logarithmic axes: {0}")]
    NotPositive(String),
    /// The drawing library failed.
    #[error("drawing the chart failed: {0}")]
    Drawing(String),
}

/// The drawing library's error as a [`ChartError`].
pub(crate) fn drawing<E: std::error::Error + Send + Sync>(
    err: plotters::drawing::DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Drawing(err.to_string())
}
