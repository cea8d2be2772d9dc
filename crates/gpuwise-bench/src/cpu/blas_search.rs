//! Which library multiplies matrices on the CPU. By default, the BLAS the user's own numpy
//! uses (found in the site directories of their Python), else an optimised system BLAS, else
//! faer. The bench's CPU baseline is then the one the user's CPU code really gets.

use std::path::{Path, PathBuf};

use super::blas::Blas;
use super::errors::GemmChoiceError;
use super::gemm::GemmLibrary;

/// What `--cpu-gemm` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GemmChoice {
    /// numpy's BLAS, else the system's OpenBLAS, MKL or BLIS, else faer.
    #[default]
    Auto,
    /// faer, whatever else is installed.
    Faer,
    /// The BLAS library at this path (or a name for the dynamic loader to search).
    Library(PathBuf),
}

impl std::str::FromStr for GemmChoice {
    type Err = GemmChoiceError;

    fn from_str(text: &str) -> Result<GemmChoice, GemmChoiceError> {
        match text {
            "" => Err(GemmChoiceError::Empty),
            "auto" => Ok(GemmChoice::Auto),
            "faer" => Ok(GemmChoice::Faer),
            path => Ok(GemmChoice::Library(path.into())),
        }
    }
}

/// Optimised system BLAS libraries, by the names the dynamic loader knows them by. The
/// reference BLAS (`libblas.so.3` on a plain system) is left out: it is slower than faer.
const SYSTEM: [&str; 5] =
    ["libopenblas.so.0", "libopenblas64.so.0", "libmkl_rt.so.2", "libblis.so.4", "libblis64.so.4"];

/// Where the system's libraries come from.
const SYSTEM_ORIGIN: &str = "the system";

/// BLAS libraries a conda environment keeps in `PREFIX/lib` for its numpy.
const ENVIRONMENT: [&str; 3] = ["libopenblas.so.0", "libmkl_rt.so.2", "libblis.so.4"];

/// A library worth trying, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    /// The file, or a name for the dynamic loader.
    path: PathBuf,
    /// `numpy's wheel`, `the scipy-openblas package`, `numpy's environment` or [`SYSTEM_ORIGIN`].
    origin: &'static str,
}

/// The library chosen, and the candidates passed over with the reason.
#[derive(Debug)]
pub struct Chosen {
    /// What multiplies matrices.
    pub library: GemmLibrary,
    /// `path: reason` for each candidate that could not be used.
    pub skipped: Vec<String>,
}

/// Chooses the CPU's matrix library. `site_dirs` are the `sys.path` of the user's Python (empty
/// when there is none). `Err` only when an explicitly named library cannot be used.
pub fn choose(choice: &GemmChoice, site_dirs: &[PathBuf]) -> Result<Chosen, GemmChoiceError> {
    match choice {
        GemmChoice::Faer => Ok(Chosen { library: GemmLibrary::Faer, skipped: Vec::new() }),
        GemmChoice::Library(path) => {
            let blas = Blas::open(path).map_err(GemmChoiceError::Unusable)?;
            Ok(Chosen { library: GemmLibrary::Blas { blas, origin: "--cpu-gemm".into() }, skipped: Vec::new() })
        }
        GemmChoice::Auto => {
            let mut skipped = Vec::new();
            for candidate in candidates(site_dirs) {
                match Blas::open(&candidate.path) {
                    // A serial system build (Fedora's libopenblas.so.0) would understate a CPU with
                    // more cores; numpy's own library is what numpy uses, however it is set.
                    Ok(blas)
                        if candidate.origin == SYSTEM_ORIGIN
                            && blas.threads == Some(1)
                            && rayon::current_num_threads() > 1 =>
                    {
                        skipped.push(format!("{}: a single-threaded build", candidate.path.display()));
                    }
                    Ok(blas) => {
                        let library = GemmLibrary::Blas { blas, origin: candidate.origin.into() };
                        return Ok(Chosen { library, skipped });
                    }
                    // A missing system library is the normal case, not worth a line.
                    Err(_) if candidate.origin == SYSTEM_ORIGIN => {}
                    Err(reason) => skipped.push(reason.to_string()),
                }
            }
            Ok(Chosen { library: GemmLibrary::Faer, skipped })
        }
    }
}

/// The libraries to try, best first: in each site directory, the OpenBLAS bundled in numpy's
/// wheel (`numpy.libs/libscipy_openblas64_-*.so`), the `scipy-openblas` packages, and the BLAS
/// of a conda environment holding numpy; then the system's optimised BLAS libraries.
fn candidates(site_dirs: &[PathBuf]) -> Vec<Candidate> {
    let mut found = Vec::new();
    for site in site_dirs {
        let mut bundled = files_in(&site.join("numpy.libs"), |name| name.contains("openblas") && name.contains(".so"));
        bundled.sort();
        found.extend(bundled.into_iter().map(|path| Candidate { path, origin: "numpy's wheel" }));
        for package in ["scipy_openblas64/lib/libscipy_openblas64_.so", "scipy_openblas32/lib/libscipy_openblas.so"] {
            let path = site.join(package);
            if path.is_file() {
                found.push(Candidate { path, origin: "the scipy-openblas package" });
            }
        }
        if site.join("numpy").is_dir()
            && let Some(lib) = conda_lib(site)
        {
            let present = ENVIRONMENT.iter().map(|name| lib.join(name)).filter(|p| p.exists());
            found.extend(present.map(|path| Candidate { path, origin: "numpy's environment" }));
        }
    }
    found.extend(SYSTEM.iter().map(|name| Candidate { path: PathBuf::from(name), origin: SYSTEM_ORIGIN }));
    found
}

/// `PREFIX/lib` for a site directory `PREFIX/lib/pythonX.Y/site-packages`.
fn conda_lib(site: &Path) -> Option<PathBuf> {
    let python = site.parent().filter(|_| site.ends_with("site-packages"))?;
    let versioned = python.file_name()?.to_str()?.starts_with("python");
    let lib = python.parent().filter(|lib| versioned && lib.ends_with("lib"))?;
    Some(lib.to_path_buf())
}

/// The files in `dir` whose names `wanted` accepts.
fn files_in(dir: &Path, wanted: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_str().is_some_and(&wanted))
        .map(|entry| entry.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::BlasError;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"").unwrap();
    }

    #[test]
    fn numpy_bundled_blas_comes_before_the_system_ones() {
        let root = std::env::temp_dir().join(format!("gpuwise-blas-search-{}", std::process::id()));
        let site = root.join("venv/lib/python3.11/site-packages");
        touch(&site.join("numpy.libs/libscipy_openblas64_-32a4b2a6.so"));
        touch(&site.join("numpy.libs/libgfortran-040039e1.so.5.0.0"));
        touch(&site.join("numpy/__init__.py"));
        touch(&root.join("venv/lib/libopenblas.so.0"));
        let found = candidates(std::slice::from_ref(&site));
        let origins: Vec<(&str, String)> =
            found.iter().map(|c| (c.origin, c.path.file_name().unwrap().to_string_lossy().into())).collect();
        assert_eq!(origins[0], ("numpy's wheel", "libscipy_openblas64_-32a4b2a6.so".into()));
        assert_eq!(origins[1], ("numpy's environment", "libopenblas.so.0".into()));
        assert!(origins[2..].iter().all(|(origin, _)| *origin == SYSTEM_ORIGIN), "{origins:?}");
        assert!(!origins.iter().any(|(_, name)| name.contains("gfortran")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_unusable_numpy_library_is_skipped_with_its_reason() {
        let root = std::env::temp_dir().join(format!("gpuwise-blas-skip-{}", std::process::id()));
        let site = root.join("site-packages");
        touch(&site.join("numpy.libs/libscipy_openblas64_-broken.so"));
        let chosen = choose(&GemmChoice::Auto, std::slice::from_ref(&site)).unwrap();
        assert!(chosen.skipped.iter().any(|s| s.contains("libscipy_openblas64_-broken.so")), "{:?}", chosen.skipped);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_named_library_that_cannot_be_used_is_an_error_naming_the_option() {
        let err = choose(&GemmChoice::Library("/nonexistent/libopenblas.so".into()), &[]).unwrap_err();
        assert!(matches!(err, GemmChoiceError::Unusable(BlasError::Load { .. })), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("--cpu-gemm /nonexistent/libopenblas.so"), "{message}");
        assert!(matches!(choose(&GemmChoice::Faer, &[]).unwrap().library, GemmLibrary::Faer));
    }

    #[test]
    fn choices_parse() {
        assert_eq!("auto".parse(), Ok(GemmChoice::Auto));
        assert_eq!("faer".parse(), Ok(GemmChoice::Faer));
        assert_eq!("/opt/lib/libblis.so".parse(), Ok(GemmChoice::Library("/opt/lib/libblis.so".into())));
        assert_eq!("".parse::<GemmChoice>(), Err(GemmChoiceError::Empty));
        assert_eq!(GemmChoiceError::Empty.to_string(), "give auto, faer, or the path of a BLAS library");
    }
}
