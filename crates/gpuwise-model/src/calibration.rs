//! A machine's own measured times (written by `gpuwise bench --calibrate`): per family of work
//! and dtype, seconds per call at the sizes measured and their ratio to what the model predicted
//! there. When a profile carries a curve, the estimate scales the model's time for the user's own
//! shape by the measured ratio at that size, so the model's shape effects (tiles filling the GPU,
//! FLOPs per element) stay and its rates become this machine's.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CurveError, ProfileError};
use crate::{CallTime, Dtype, Family, Kind, Work};

/// Version of the profile file; raised when a field changes meaning or is removed. 2: the
/// model the ratios are taken against changed (the CPU side became numpy's, one core for
/// elementwise work and FFTs; GEMM tiles and class factors on the GPU side).
pub const PROFILE_SCHEMA_VERSION: u32 = 2;

/// The version before: its measured times still hold, its ratios (to the model of its day) do
/// not, so they are dropped when it is read.
const PROFILE_SCHEMA_RATIOS_STALE: u32 = 1;

/// Seconds per call against size for one family of work in one dtype.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// `gemm`, `conv`, `fft`, `stream` or `reduction` (sized in FLOPs, the last two in bytes); `h2d_pinned`,
    /// `h2d_pageable`, `d2h_pinned`, `d2h_pageable` (sized in bytes).
    pub family: Family,
    /// The dtype; `None` for copies.
    pub dtype: Option<Dtype>,
    /// (size, median seconds) pairs, smallest size first.
    pub points: Vec<[f64; 2]>,
    /// (size, measured seconds over the uncalibrated model's seconds) pairs, smallest size
    /// first; empty when the model had no prediction (copies, an unknown GPU).
    #[serde(default)]
    pub ratios: Vec<[f64; 2]>,
}

impl Curve {
    /// Measured over modelled time at `size`: ln(ratio) interpolated linearly in ln(size)
    /// between measured sizes, held at the end values beyond them.
    pub fn ratio(&self, size: f64) -> Option<f64> {
        let valid = |&&[s, r]: &&[f64; 2]| s > 0.0 && r > 0.0 && s.is_finite() && r.is_finite();
        let points: Vec<[f64; 2]> = self.ratios.iter().filter(valid).copied().collect();
        let (first, last) = (points.first()?, points.last()?);
        if !(size > 0.0 && size.is_finite()) {
            return None;
        }
        if size <= first[0] {
            return Some(first[1]);
        }
        if size >= last[0] {
            return Some(last[1]);
        }
        let upper = points.iter().position(|p| p[0] >= size)?;
        let ([s0, r0], [s1, r1]) = (points[upper - 1], points[upper]);
        let t = (size.ln() - s0.ln()) / (s1.ln() - s0.ln());
        Some((r0.ln() + t * (r1.ln() - r0.ln())).exp())
    }

    /// Seconds at `size`: log-log interpolation between the measured points. Beyond the largest,
    /// time grows in proportion to size (the last rate holds); below the smallest, it shrinks no
    /// faster than size and no slower than a fixed cost (the slope of the first two points, held
    /// in [0, 1]). `None` without points or for a size that is not positive.
    pub fn seconds(&self, size: f64) -> Option<f64> {
        if !(size > 0.0 && size.is_finite()) {
            return None;
        }
        let points: Vec<[f64; 2]> = self
            .points
            .iter()
            .copied()
            .filter(|[s, t]| *s > 0.0 && *t > 0.0 && s.is_finite() && t.is_finite())
            .collect();
        let (first, last) = (points.first()?, points.last()?);
        let log = |[s, t]: [f64; 2]| (s.ln(), t.ln());
        let at = |(s0, t0): (f64, f64), slope: f64| (t0 + slope * (size.ln() - s0)).exp();
        let slope = |a: [f64; 2], b: [f64; 2]| {
            let ((s0, t0), (s1, t1)) = (log(a), log(b));
            if s1 > s0 { (t1 - t0) / (s1 - s0) } else { 1.0 }
        };
        if size <= first[0] {
            let s = if points.len() > 1 { slope(points[0], points[1]) } else { 1.0 };
            return Some(at(log(*first), s.clamp(0.0, 1.0)));
        }
        if size >= last[0] {
            return Some(at(log(*last), 1.0));
        }
        let upper = points.iter().position(|p| p[0] >= size)?;
        let (a, b) = (points[upper - 1], points[upper]);
        Some(at(log(a), slope(a, b)))
    }
}

/// The measured curves of one side (CPU or GPU) and where they came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The profile file and when it was measured, for the estimate's assumptions.
    #[serde(default)]
    pub source: String,
    /// The curves.
    pub curves: Vec<Curve>,
}

impl Calibration {
    /// Measured seconds for `family` in `dtype` at `size`, when that curve was measured.
    pub fn seconds(&self, family: Family, dtype: Option<Dtype>, size: f64) -> Option<f64> {
        self.curves.iter().find(|c| c.family == family && c.dtype == dtype)?.seconds(size)
    }

    /// Adds `earlier`'s curves for families and dtypes this calibration lacks.
    fn keep_unmeasured(&mut self, earlier: &Calibration) {
        for curve in &earlier.curves {
            if !self.curves.iter().any(|c| c.family == curve.family && c.dtype == curve.dtype) {
                self.curves.push(curve.clone());
            }
        }
    }

    /// This machine's seconds for one call of `work` in `dtype`, given the model's own `model`
    /// time for it: the model scaled by the measured ratio at this size; without ratios, the
    /// measured time at this size (streaming work then still costs at least the model's compute
    /// time, since the curve measured its memory traffic only).
    pub fn call(&self, work: &Work, dtype: Dtype, model: &CallTime) -> Option<f64> {
        let curve = self.curves.iter().find(|c| c.family == Family::of(&work.kind) && c.dtype == Some(dtype))?;
        if let Some(ratio) = curve.ratio(size(work)) {
            return Some(model.seconds * ratio);
        }
        let measured = curve.seconds(size(work))?;
        Some(match work.kind {
            Kind::Stream { .. } => measured.max(model.compute_seconds + model.fixed_seconds),
            _ => measured,
        })
    }
}

/// What a family's curves are sized in: FLOPs, except bytes moved for streaming work.
pub fn size(work: &Work) -> f64 {
    match work.kind {
        Kind::Stream { .. } => work.device_bytes,
        _ => work.flops,
    }
}

/// The model's call time rescaled to `seconds`: the fixed cost kept (up to the total), the
/// compute and memory parts scaled together, so the bound the model names stays meaningful.
pub fn rescale(model: CallTime, seconds: f64) -> CallTime {
    let fixed = model.fixed_seconds.min(seconds);
    let variable = model.seconds - model.fixed_seconds;
    let scale = if variable > 0.0 { (seconds - fixed) / variable } else { 0.0 };
    CallTime {
        seconds,
        compute_seconds: model.compute_seconds * scale,
        memory_seconds: model.memory_seconds * scale,
        fixed_seconds: fixed,
        rate: if scale > 0.0 { model.rate / scale } else { model.rate },
        peak: model.peak,
    }
}

/// `Err` for the first (size, value) pair with a size outside (0, 1e30], a value outside
/// `range`, or a size not above the one before.
fn check_pairs(
    curve: &str,
    pairs: &[[f64; 2]],
    what: &'static str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<(), CurveError> {
    let mut last = 0.0;
    for (point, &[size, value]) in pairs.iter().enumerate() {
        let error = |what, value, rule| CurveError { curve: curve.to_string(), point, what, value, rule };
        if !(size > last && size <= 1e30) {
            return Err(error("size", size, "sizes must be positive, at most 1e30 and increasing".into()));
        }
        if !range.contains(&value) {
            let (low, high) = (range.start(), range.end());
            return Err(error(what, value, format!("it must lie between {low:e} and {high:e}")));
        }
        last = size;
    }
    Ok(())
}

/// The CPU and GPU a profile was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfiledGpu {
    /// The driver's name.
    pub name: String,
    /// The UUID (`GPU-...`): a profile applies by default only to this very device.
    pub uuid: String,
}

/// A machine's profile file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineProfile {
    /// [`PROFILE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Seconds since 1970 when it was measured.
    pub measured_unix: u64,
    /// The CPU's model name.
    pub cpu_model: String,
    /// The GPU, when the GPU side was measured.
    pub gpu: Option<ProfiledGpu>,
    /// CPU curves.
    pub cpu: Calibration,
    /// GPU curves, copies included.
    pub gpu_curves: Calibration,
}

impl MachineProfile {
    /// Reads a profile; `Err` names the file and what is wrong with it.
    pub fn load(path: &Path) -> Result<MachineProfile, ProfileError> {
        let path_buf = || path.to_path_buf();
        let text = gpuwise_fs::read_text(path).map_err(|source| ProfileError::Read { path: path_buf(), source })?;
        let mut profile: MachineProfile =
            serde_json::from_str(&text).map_err(|source| ProfileError::Parse { path: path_buf(), source })?;
        if profile.schema_version == PROFILE_SCHEMA_RATIOS_STALE {
            for curve in profile.cpu.curves.iter_mut().chain(profile.gpu_curves.curves.iter_mut()) {
                curve.ratios.clear();
            }
        } else if profile.schema_version != PROFILE_SCHEMA_VERSION {
            let (found, expected) = (profile.schema_version, PROFILE_SCHEMA_VERSION);
            return Err(ProfileError::Schema { path: path_buf(), found, expected });
        }
        profile.check().map_err(|problem| ProfileError::Curve { path: path_buf(), problem })?;
        let source = format!("measured by gpuwise bench, {}", path.display());
        profile.cpu.source.clone_from(&source);
        profile.gpu_curves.source = source;
        Ok(profile)
    }

    /// `Err` names the first curve and point no measurement could have produced: a size that is
    /// not positive or past 1e30, a time outside 1 ns to 1e6 s, a ratio to the model outside
    /// 1/1000 to 1000, or sizes out of order.
    pub fn check(&self) -> Result<(), CurveError> {
        let sides = [("CPU", &self.cpu), ("GPU", &self.gpu_curves)];
        for (side, calibration) in sides {
            for curve in &calibration.curves {
                let name = match curve.dtype {
                    Some(dtype) => format!("the {side} curve {} {dtype}", curve.family),
                    None => format!("the {side} curve {}", curve.family),
                };
                check_pairs(&name, &curve.points, "seconds", 1e-9..=1e6)?;
                check_pairs(&name, &curve.ratios, "ratio to the model", 1e-3..=1e3)?;
            }
        }
        Ok(())
    }

    /// Keeps `earlier`'s curves that this profile did not measure, when both describe the same
    /// CPU model and the same GPU (a partial run, `--op` or `--cpu-only`, refines a profile).
    pub fn keep_unmeasured(&mut self, earlier: &MachineProfile) {
        if earlier.cpu_model != self.cpu_model {
            return;
        }
        self.cpu.keep_unmeasured(&earlier.cpu);
        match (&self.gpu, &earlier.gpu) {
            (Some(now), Some(then)) if now.uuid == then.uuid => self.gpu_curves.keep_unmeasured(&earlier.gpu_curves),
            (None, Some(then)) => {
                self.gpu = Some(then.clone());
                self.gpu_curves = earlier.gpu_curves.clone();
            }
            _ => {}
        }
    }

    /// Where `--calibrate` writes and `auto` reads by default: `$GPUWISE_PROFILE`, else
    /// `$XDG_CONFIG_HOME/gpuwise/profile.json`, else `~/.config/gpuwise/profile.json`.
    pub fn default_path() -> Option<PathBuf> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("GPUWISE_PROFILE")
            .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("gpuwise/profile.json")))
            .or_else(|| var("HOME").map(|h| h.join(".config/gpuwise/profile.json")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(points: &[[f64; 2]]) -> Curve {
        Curve { family: Family::Gemm, dtype: Some(Dtype::F32), points: points.to_vec(), ratios: Vec::new() }
    }

    #[test]
    fn ratios_interpolate_and_hold_at_the_ends() {
        let c = Curve { ratios: vec![[1e6, 2.0], [1e8, 0.5]], ..curve(&[]) };
        assert!((c.ratio(1e7).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(c.ratio(1.0), Some(2.0));
        assert_eq!(c.ratio(1e12), Some(0.5));
        assert_eq!(c.ratio(0.0), None);
        assert_eq!(curve(&[[1.0, 1.0]]).ratio(1.0), None, "no ratios: no ratio");
    }

    #[test]
    fn interpolates_in_log_log() {
        let c = curve(&[[1e6, 1e-3], [1e8, 1e-1]]);
        assert!((c.seconds(1e7).unwrap() / 1e-2 - 1.0).abs() < 1e-12);
        assert!((c.seconds(1e6).unwrap() / 1e-3 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn extrapolates_no_faster_than_the_rate_and_no_below_a_fixed_cost() {
        // A launch-bound curve (flat) stays flat below, and grows linearly above.
        let flat = curve(&[[1e3, 1e-5], [1e5, 1e-5]]);
        assert!((flat.seconds(1.0).unwrap() / 1e-5 - 1.0).abs() < 1e-12);
        assert!((flat.seconds(1e7).unwrap() / 1e-3 - 1.0).abs() < 1e-9);
        // Above the range the last rate holds, whatever the last slope.
        let steep = curve(&[[1e3, 1e-6], [1e4, 1e-4]]);
        assert!((steep.seconds(1e5).unwrap() / 1e-3 - 1.0).abs() < 1e-9);
        assert_eq!(curve(&[]).seconds(1.0), None);
        assert_eq!(flat.seconds(0.0), None);
    }

    #[test]
    fn rescale_keeps_the_split() {
        let model = CallTime {
            seconds: 3.0,
            compute_seconds: 2.0,
            memory_seconds: 1.0,
            fixed_seconds: 1.0,
            rate: 10.0,
            peak: 20.0,
        };
        let c = rescale(model, 5.0);
        assert_eq!(
            (c.seconds, c.fixed_seconds, c.compute_seconds, c.memory_seconds, c.rate),
            (5.0, 1.0, 4.0, 2.0, 5.0)
        );
    }

    #[test]
    fn bad_files_are_named() {
        let dir = std::env::temp_dir().join(format!("gpuwise-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("profile.json");
        std::fs::write(&path, "{").unwrap();
        assert!(MachineProfile::load(&path).unwrap_err().to_string().contains("profile.json is not a gpuwise profile"));
        assert!(MachineProfile::load(&dir.join("missing.json")).unwrap_err().to_string().contains("cannot read"));
        let curves =
            r#"{"curves": [{"family": "gemm", "dtype": "f32", "points": [[1e6, 1e-5]], "ratios": [[1e6, 2.0]]}]}"#;
        let versioned = |version: u32| {
            let text = format!(
                r#"{{"schema_version": {version}, "measured_unix": 0, "cpu_model": "x", "gpu": null, "cpu": {curves}, "gpu_curves": {curves}}}"#
            );
            std::fs::write(&path, text).unwrap();
            MachineProfile::load(&path)
        };
        let current = versioned(PROFILE_SCHEMA_VERSION).unwrap();
        assert_eq!(current.cpu.curves[0].ratios.len(), 1);
        let stale = versioned(PROFILE_SCHEMA_RATIOS_STALE).unwrap();
        assert!(stale.cpu.curves[0].ratios.is_empty(), "ratios to an earlier model are dropped");
        assert_eq!(stale.gpu_curves.curves[0].points, [[1e6, 1e-5]], "measured times are kept");
        let future = versioned(PROFILE_SCHEMA_VERSION + 1).unwrap_err().to_string();
        assert!(future.contains("run `gpuwise bench --calibrate` again"), "{future}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn values_no_measurement_gives_are_refused_by_curve_and_point() {
        let profile = |points: Vec<[f64; 2]>, ratios: Vec<[f64; 2]>| MachineProfile {
            schema_version: PROFILE_SCHEMA_VERSION,
            measured_unix: 0,
            cpu_model: "cpu".into(),
            gpu: None,
            cpu: Calibration::default(),
            gpu_curves: Calibration { source: String::new(), curves: vec![Curve { points, ratios, ..curve(&[]) }] },
        };
        let good = profile(vec![[1e6, 1e-5], [1e9, 1e-3]], vec![[1e6, 1.5], [1e9, 0.9]]);
        assert_eq!(good.check(), Ok(()));
        for (points, ratios, says) in [
            (vec![[1e6, 0.0]], vec![], "point 0 has seconds 0e0"),
            (vec![[1e6, f64::INFINITY]], vec![], "seconds inf"),
            (vec![[1e6, 1e-12]], vec![], "between 1e-9 and 1e6"),
            (vec![[-1.0, 1e-3]], vec![], "size -1e0"),
            (vec![[1e300, 1e-3]], vec![], "at most 1e30"),
            (vec![[1e9, 1e-3], [1e6, 1e-5]], vec![], "point 1 has size 1e6"),
            (vec![[f64::NAN, 1e-3]], vec![], "size NaN"),
            (vec![[1e6, 1e-5]], vec![[1e6, 1e9]], "ratio to the model 1e9"),
        ] {
            let err = profile(points, ratios).check().unwrap_err().to_string();
            assert!(err.starts_with("the GPU curve gemm f32: ") && err.contains(says), "{says}: {err}");
        }
    }
}
