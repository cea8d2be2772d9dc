//! The memory budget: what one case may allocate on the device, the memory fraction of what is
//! free when it starts. Rotation copies of the inputs are given up first; a case that does not
//! fit even with one copy is refused with the numbers.

use super::errors::CudaError;

/// What a case may allocate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Budget {
    /// Device memory free when the case started, bytes.
    pub free: u64,
    /// The share of it the case may use, in (0, 1].
    pub fraction: f64,
}

impl Budget {
    /// Bytes the case may allocate.
    pub fn allowed(&self) -> u64 {
        (self.free as f64 * self.fraction) as u64
    }

    /// How many copies of an input set of `set` bytes fit beside `fixed` bytes (output, scratch,
    /// library work areas): `wanted` when they all fit, fewer when not,
    /// [`CudaError::OverBudget`] when not one does.
    pub fn copies(&self, fixed: u64, set: u64, wanted: usize) -> Result<usize, CudaError> {
        let fit = self.allowed().checked_sub(fixed).map_or(0, |room| room / set.max(1));
        if fit == 0 {
            return Err(self.refusal(fixed.saturating_add(set)));
        }
        Ok(usize::try_from(fit).unwrap_or(usize::MAX).min(wanted.max(1)))
    }

    /// `Ok` when `needed` bytes fit.
    pub fn check(&self, needed: u64) -> Result<(), CudaError> {
        if needed <= self.allowed() { Ok(()) } else { Err(self.refusal(needed)) }
    }

    /// Why `needed` bytes are refused.
    fn refusal(&self, needed: u64) -> CudaError {
        CudaError::OverBudget { needed, allowed: self.allowed(), fraction: self.fraction, free: self.free }
    }
}

/// `1.50 GiB (1610612736 bytes)`.
pub(super) fn size(bytes: u64) -> String {
    format!("{:.2} GiB ({bytes} bytes)", bytes as f64 / (1u64 << 30) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn copies_shrink_before_the_case_is_refused() {
        let budget = Budget { free: 10 * GIB, fraction: 0.5 };
        assert_eq!(budget.allowed(), 5 * GIB);
        assert_eq!(budget.copies(GIB, GIB / 4, 8), Ok(8));
        assert_eq!(budget.copies(GIB, GIB, 8), Ok(4));
        assert_eq!(budget.copies(4 * GIB, GIB, 8), Ok(1));
        let refused = budget.copies(4 * GIB, 2 * GIB, 8).unwrap_err().to_string();
        assert!(refused.contains("needs 6.00 GiB") && refused.contains("may use 5.00 GiB"), "{refused}");
        assert!(refused.contains("50% of the 10.00 GiB"), "{refused}");
        assert!(budget.copies(6 * GIB, 1, 8).is_err(), "the fixed part alone does not fit");
    }

    #[test]
    fn check_compares_with_the_allowance() {
        let budget = Budget { free: 1000, fraction: 0.9 };
        assert!(budget.check(900).is_ok());
        assert!(budget.check(901).unwrap_err().to_string().contains("(901 bytes)"));
    }
}
