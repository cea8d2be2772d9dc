//! An optimised BLAS loaded at run time for the CPU's matrix products: the OpenBLAS a numpy
//! wheel ships, or the system's OpenBLAS, MKL or BLIS. With it the CPU column of the bench is
//! what the user's own numpy gets on this machine, so the GPU's measured gain is not inflated by
//! a slower CPU baseline.
//!
//! The library is opened with `dlopen` (nothing links against it) and used through its CBLAS
//! `?gemm` entry points, whose names vary by build: plain `cblas_dgemm` (Debian's OpenBLAS, MKL,
//! BLIS), `cblas_dgemm64_` (64-bit integer builds) and `scipy_cblas_dgemm64_` (the
//! `scipy-openblas64` build inside numpy wheels). OpenBLAS, MKL and BLIS are thread-pooled
//! libraries: they use all cores unless `OPENBLAS_NUM_THREADS`, `MKL_NUM_THREADS` or
//! `BLIS_NUM_THREADS` say otherwise, as they do for numpy.

use std::ffi::{CStr, c_char, c_int};
use std::path::{Path, PathBuf};

use libloading::Library;

/// `CblasRowMajor`, `CblasNoTrans` and `CblasTrans` of the CBLAS interface.
const ROW_MAJOR: c_int = 101;
const NO_TRANSPOSE: c_int = 111;
const TRANSPOSE: c_int = 112;

/// `cblas_?gemm(layout, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)` with
/// the library's integer type `I`.
type Cblas<T, I> = unsafe extern "C" fn(c_int, c_int, c_int, I, I, I, T, *const T, I, *const T, I, T, *mut T, I);

/// A `?gemm` entry point with the integer width its library was built with.
#[derive(Clone, Copy)]
pub enum Entry<T> {
    /// 32-bit integers (LP64).
    Lp64(Cblas<T, i32>),
    /// 64-bit integers (ILP64).
    Ilp64(Cblas<T, i64>),
}

/// The ways builds spell CBLAS symbols: prefix, suffix, and whether integers are 64-bit.
const SPELLINGS: [(&str, &str, bool); 4] =
    [("", "", false), ("", "64_", true), ("scipy_", "64_", true), ("scipy_", "", false)];

/// An element type a BLAS multiplies: f32 (`sgemm`) or f64 (`dgemm`).
pub trait Element: Copy + Sized + 'static {
    /// The letter of this type in BLAS names.
    const LETTER: char;
    /// One, for `alpha`.
    const ONE: Self;
    /// Zero, for `beta`.
    const ZERO: Self;
    /// This type's entry point in `blas`.
    fn gemm(blas: &Blas) -> Entry<Self>;
}

impl Element for f32 {
    const LETTER: char = 's';
    const ONE: f32 = 1.0;
    const ZERO: f32 = 0.0;
    fn gemm(blas: &Blas) -> Entry<f32> {
        blas.single
    }
}

impl Element for f64 {
    const LETTER: char = 'd';
    const ONE: f64 = 1.0;
    const ZERO: f64 = 0.0;
    fn gemm(blas: &Blas) -> Entry<f64> {
        blas.double
    }
}

/// An opened BLAS library.
pub struct Blas {
    single: Entry<f32>,
    double: Entry<f64>,
    /// What the library says it is (`OpenBLAS 0.3.31 (Zen)`), else its file name.
    pub name: String,
    /// The threads it multiplies with, when it says.
    pub threads: Option<usize>,
    /// The file it was opened from (or the name `dlopen` searched for).
    pub path: PathBuf,
    /// Keeps the entry points valid; dropped last.
    _library: Library,
}

impl std::fmt::Debug for Blas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blas").field("name", &self.name).field("path", &self.path).finish_non_exhaustive()
    }
}

impl Blas {
    /// Opens the library at `path` (a file, or a bare name such as `libopenblas.so.0` for the
    /// dynamic loader to search) and finds its `sgemm` and `dgemm`. `Err` says why it cannot
    /// be used.
    pub fn open(path: &Path) -> Result<Blas, String> {
        // SAFETY: loading runs the library's initialisers; the BLAS libraries this is pointed at
        // only set up their thread pools there.
        let library = unsafe { Library::new(path) }.map_err(|err| {
            // libloading keeps the loader's own words (no such file, wrong ELF class) as the source.
            let detail = std::error::Error::source(&err).map_or_else(|| err.to_string(), ToString::to_string);
            let named = path.display().to_string();
            if detail.contains(&named) { detail } else { format!("{named}: {detail}") }
        })?;
        for (prefix, suffix, ilp64) in SPELLINGS {
            let (Some(single), Some(double)) =
                (entry::<f32>(&library, prefix, suffix, ilp64), entry::<f64>(&library, prefix, suffix, ilp64))
            else {
                continue;
            };
            let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into());
            return Ok(Blas {
                single,
                double,
                name: describe(&library, prefix, suffix).unwrap_or(file),
                threads: threads(&library, prefix, suffix),
                path: path.to_path_buf(),
                _library: library,
            });
        }
        Err(format!("{}: no CBLAS sgemm and dgemm in it (not a BLAS library)", path.display()))
    }

    /// `c = a x b` (or `a x bᵀ` when `b_transposed`), all row major and contiguous: `a` is m x k,
    /// `b` k x n (n x k when transposed), `c` m x n. `Err` when a slice is smaller than its
    /// shape or a dimension is too large for the library's integers.
    pub fn multiply<T: Element>(
        &self,
        a: &[T],
        b: &[T],
        b_transposed: bool,
        c: &mut [T],
        (m, n, k): (usize, usize, usize),
    ) -> Result<(), String> {
        if a.len() < m * k || b.len() < k * n || c.len() < m * n {
            return Err(format!("operands smaller than a {m}x{n}x{k} product"));
        }
        let product = Product { a: a.as_ptr(), b: b.as_ptr(), c: c.as_mut_ptr(), b_transposed, m, n, k };
        // SAFETY: the slices hold the m x k, k x n (or n x k) and m x n row-major matrices
        // (checked above), which is what the call reads and writes.
        unsafe {
            match T::gemm(self) {
                Entry::Lp64(gemm) => product.call(gemm),
                Entry::Ilp64(gemm) => product.call(gemm),
            }
        }
    }
}

/// One row-major product's operands and dimensions.
#[derive(Clone, Copy)]
struct Product<T> {
    a: *const T,
    b: *const T,
    c: *mut T,
    b_transposed: bool,
    m: usize,
    n: usize,
    k: usize,
}

impl<T: Element> Product<T> {
    /// Calls `gemm` with the dimensions in its integer type `I`.
    ///
    /// # Safety
    /// The pointers must hold the matrices the dimensions describe.
    unsafe fn call<I: TryFrom<usize>>(&self, gemm: Cblas<T, I>) -> Result<(), String> {
        let Product { a, b, c, b_transposed, m, n, k } = *self;
        let int = |v: usize| I::try_from(v).map_err(|_| format!("{m}x{n}x{k} is too large for this BLAS's integers"));
        let (trans_b, ldb) = if b_transposed { (TRANSPOSE, k) } else { (NO_TRANSPOSE, n) };
        let (rows, cols, depth) = (int(m)?, int(n)?, int(k)?);
        let (lda, ldb, ldc) = (int(k)?, int(ldb)?, int(n)?);
        // SAFETY: the caller's promise; alpha 1 and beta 0 overwrite c with the product.
        unsafe { gemm(ROW_MAJOR, NO_TRANSPOSE, trans_b, rows, cols, depth, T::ONE, a, lda, b, ldb, T::ZERO, c, ldc) };
        Ok(())
    }
}

/// `{prefix}cblas_{s|d}gemm{suffix}` in `library`, typed by `ilp64`.
fn entry<T: Element>(library: &Library, prefix: &str, suffix: &str, ilp64: bool) -> Option<Entry<T>> {
    let name = format!("{prefix}cblas_{}gemm{suffix}", T::LETTER);
    // SAFETY: every CBLAS ?gemm has this signature; the integer width follows the spelling.
    unsafe {
        if ilp64 {
            library.get::<Cblas<T, i64>>(name.as_bytes()).ok().map(|s| Entry::Ilp64(*s))
        } else {
            library.get::<Cblas<T, i32>>(name.as_bytes()).ok().map(|s| Entry::Lp64(*s))
        }
    }
}

/// `OpenBLAS 0.3.31 (Zen)`, `Intel(R) oneAPI Math Kernel Library Version ...` or `BLIS 1.0`,
/// from the library's own version functions.
fn describe(library: &Library, prefix: &str, suffix: &str) -> Option<String> {
    let text = |symbol: &str| -> Option<String> {
        // SAFETY: these functions take nothing and return a static NUL-terminated string.
        unsafe {
            let function = library.get::<unsafe extern "C" fn() -> *const c_char>(symbol.as_bytes()).ok()?;
            let pointer = function();
            (!pointer.is_null()).then(|| CStr::from_ptr(pointer).to_string_lossy().trim().to_string())
        }
    };
    if let Some(config) = text(&format!("{prefix}openblas_get_config{suffix}")) {
        let version: Vec<&str> = config.split_whitespace().take(2).collect();
        let core = text(&format!("{prefix}openblas_get_corename{suffix}"));
        return Some(match core {
            Some(core) => format!("{} ({core} kernels)", version.join(" ")),
            None => version.join(" "),
        });
    }
    if let Some(version) = mkl_version(library) {
        return Some(version);
    }
    text("bli_info_get_version_str").map(|v| format!("BLIS {v}"))
}

/// MKL's version string (`MKL_Get_Version_String` fills a caller's buffer).
fn mkl_version(library: &Library) -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: MKL_Get_Version_String(char *buf, int len) writes at most `len` bytes.
    unsafe {
        let function = library.get::<unsafe extern "C" fn(*mut c_char, c_int)>(b"MKL_Get_Version_String").ok()?;
        function(buffer.as_mut_ptr().cast(), buffer.len() as c_int);
    }
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    Some(String::from_utf8_lossy(&buffer[..end]).trim().to_string()).filter(|v| !v.is_empty())
}

/// The threads OpenBLAS or MKL will use.
fn threads(library: &Library, prefix: &str, suffix: &str) -> Option<usize> {
    let names = [format!("{prefix}openblas_get_num_threads{suffix}"), "MKL_Get_Max_Threads".to_string()];
    names.iter().find_map(|name| {
        // SAFETY: both take nothing and return an int.
        let count = unsafe { library.get::<unsafe extern "C" fn() -> c_int>(name.as_bytes()).ok().map(|f| f()) }?;
        usize::try_from(count).ok().filter(|&c| c > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_library_is_refused_with_its_name() {
        let dir = std::env::temp_dir().join(format!("gpuwise-blas-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fake = dir.join("libopenblas.so.0");
        std::fs::write(&fake, b"not an ELF file").unwrap();
        let err = Blas::open(&fake).unwrap_err();
        assert!(err.contains(&fake.display().to_string()), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_library_without_cblas_is_refused() {
        // The C library is always loaded and has no cblas_dgemm.
        let err = Blas::open(Path::new("libc.so.6")).unwrap_err();
        assert!(err.contains("not a BLAS library"), "{err}");
    }
}
