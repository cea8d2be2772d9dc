//! An optimised BLAS loaded at run time for the CPU's matrix products: the OpenBLAS a numpy
//! wheel ships, or the system's OpenBLAS, MKL or BLIS. With it the CPU column of the bench is
//! what the user's own numpy gets on this machine, so the GPU's measured gain is not inflated by
//! a slower CPU baseline.
//!
//! The library is opened with `dlopen` (nothing links against it) and used through its CBLAS
//! `?gemm` entry points, whose names vary by build: plain `cblas_dgemm` (Debian's and Fedora's
//! OpenBLAS, MKL, BLIS), `cblas_dgemm64_` (suffixed 64-bit integer builds) and
//! `scipy_cblas_dgemm64_` (the `scipy-openblas64` build inside numpy wheels). A `64_` suffix
//! means 64-bit integers; a plain name does not say (Debian's `libopenblas64.so.0` keeps plain
//! names, MKL switches with `MKL_INTERFACE_LAYER`), so the library is asked: OpenBLAS's
//! configuration string, MKL's interface layer (set to 32-bit before any other MKL call), BLIS's
//! integer size. A library that cannot say is refused rather than called with the wrong
//! integers. OpenBLAS, MKL and BLIS are thread-pooled libraries: they use all cores unless
//! `OPENBLAS_NUM_THREADS`, `MKL_NUM_THREADS` or `BLIS_NUM_THREADS` say otherwise, as they do
//! for numpy.

use std::ffi::{CStr, c_char, c_int};
use std::path::{Path, PathBuf};

use gpuwise_probe::cuda::has_symbol;
use libloading::Library;

use super::errors::{BlasError, GemmError};

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

/// The ways builds spell CBLAS symbols: prefix and suffix. The `64_` suffix marks 64-bit
/// integers.
const SPELLINGS: [(&str, &str); 4] = [("", ""), ("", "64_"), ("scipy_", "64_"), ("scipy_", "")];

/// `MKL_INTERFACE_LP64` and `MKL_INTERFACE_ILP64` of `MKL_Set_Interface_Layer`.
const MKL_LP64: c_int = 0;
const MKL_ILP64: c_int = 1;

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
    /// What the library says it is (`OpenBLAS 0.3.31 (Zen kernels)`), else its file name.
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
    pub fn open(path: &Path) -> Result<Blas, BlasError> {
        // SAFETY: loading runs the library's initialisers. The path is one the user named as a
        // BLAS (--cpu-gemm) or one found by a BLAS's own file name; such libraries only set up
        // their thread pools there.
        let library = unsafe { Library::new(path) }.map_err(|err| BlasError::Load {
            path: path.to_path_buf(),
            // libloading keeps the loader's own words (no such file, wrong ELF class) as the source.
            detail: std::error::Error::source(&err).map_or_else(|| err.to_string(), ToString::to_string),
        })?;
        let exports = |name: String| has_symbol(&library, &name);
        let (prefix, suffix) = SPELLINGS
            .into_iter()
            .find(|(prefix, suffix)| {
                exports(gemm_name::<f32>(prefix, suffix)) && exports(gemm_name::<f64>(prefix, suffix))
            })
            .ok_or_else(|| BlasError::NotBlas { path: path.to_path_buf() })?;
        let ilp64 = match suffix {
            "64_" => true,
            _ => integer_width(&library, prefix, suffix)
                .ok_or_else(|| BlasError::UnknownIntegers { path: path.to_path_buf() })?,
        };
        let file = path.file_name().map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into());
        let missing = || BlasError::MissingGemm { path: path.to_path_buf() };
        Ok(Blas {
            single: entry(&library, prefix, suffix, ilp64).ok_or_else(missing)?,
            double: entry(&library, prefix, suffix, ilp64).ok_or_else(missing)?,
            name: describe(&library, prefix, suffix).unwrap_or(file),
            threads: threads(&library, prefix, suffix),
            path: path.to_path_buf(),
            _library: library,
        })
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
    ) -> Result<(), GemmError> {
        let (a, b, c) = exact_operands(a, b, c, (m, n, k))?;
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
    unsafe fn call<I: TryFrom<usize>>(&self, gemm: Cblas<T, I>) -> Result<(), GemmError> {
        let Product { a, b, c, b_transposed, m, n, k } = *self;
        let int = |v: usize| I::try_from(v).map_err(|_| GemmError::TooLarge { m, n, k });
        let (trans_b, ldb) = if b_transposed { (TRANSPOSE, k) } else { (NO_TRANSPOSE, n) };
        let (rows, cols, depth) = (int(m)?, int(n)?, int(k)?);
        // CBLAS wants leading dimensions of at least 1, even for empty matrices.
        let (lda, ldb, ldc) = (int(k.max(1))?, int(ldb.max(1))?, int(n.max(1))?);
        // SAFETY: the caller's promise; alpha 1 and beta 0 overwrite c with the product.
        unsafe { gemm(ROW_MAJOR, NO_TRANSPOSE, trans_b, rows, cols, depth, T::ONE, a, lda, b, ldb, T::ZERO, c, ldc) };
        Ok(())
    }
}

/// The two factors and the output of a product.
pub(super) type Operands<'a, T> = (&'a [T], &'a [T], &'a mut [T]);

/// The first `m x k`, `k x n` and `m x n` values of `a`, `b` and `c`, or
/// [`GemmError::ShortOperands`] when a slice is shorter than its matrix.
pub(super) fn exact_operands<'a, T>(
    a: &'a [T],
    b: &'a [T],
    c: &'a mut [T],
    (m, n, k): (usize, usize, usize),
) -> Result<Operands<'a, T>, GemmError> {
    let short = || GemmError::ShortOperands { m, n, k };
    let a = m.checked_mul(k).and_then(|len| a.get(..len)).ok_or_else(short)?;
    let b = k.checked_mul(n).and_then(|len| b.get(..len)).ok_or_else(short)?;
    let c = m.checked_mul(n).and_then(|len| c.get_mut(..len)).ok_or_else(short)?;
    Ok((a, b, c))
}

/// `{prefix}cblas_{s|d}gemm{suffix}`.
fn gemm_name<T: Element>(prefix: &str, suffix: &str) -> String {
    format!("{prefix}cblas_{}gemm{suffix}", T::LETTER)
}

/// The `?gemm` of `T` in `library`, typed by `ilp64`.
fn entry<T: Element>(library: &Library, prefix: &str, suffix: &str, ilp64: bool) -> Option<Entry<T>> {
    let name = gemm_name::<T>(prefix, suffix);
    // SAFETY: every CBLAS ?gemm has this signature; `ilp64` is the library's integer width.
    unsafe {
        if ilp64 {
            library.get::<Cblas<T, i64>>(name.as_bytes()).ok().map(|s| Entry::Ilp64(*s))
        } else {
            library.get::<Cblas<T, i32>>(name.as_bytes()).ok().map(|s| Entry::Lp64(*s))
        }
    }
}

/// Whether the library's unsuffixed CBLAS takes 64-bit integers, as it says itself: OpenBLAS
/// names `USE64BITINT` in its configuration, MKL is switched to (and reports) its 32-bit
/// interface, BLIS gives its BLAS integer size. `None` for any other library.
fn integer_width(library: &Library, prefix: &str, suffix: &str) -> Option<bool> {
    if let Some(config) = c_string(library, &format!("{prefix}openblas_get_config{suffix}")) {
        return Some(config.contains("USE64BITINT"));
    }
    // SAFETY: MKL_Set_Interface_Layer(int) returns the layer in force, and must come before any
    // other MKL call (this is the first); bli_info_get_blas_int_type_size() returns an integer
    // of at most 64 bits, of which the low 32 hold the size.
    unsafe {
        if let Ok(set_layer) = library.get::<unsafe extern "C" fn(c_int) -> c_int>(b"MKL_Set_Interface_Layer") {
            return match set_layer(MKL_LP64) {
                MKL_LP64 => Some(false),
                MKL_ILP64 => Some(true),
                _ => None,
            };
        }
        let size = library.get::<unsafe extern "C" fn() -> i64>(b"bli_info_get_blas_int_type_size").ok()?;
        match size() & 0xffff_ffff {
            32 => Some(false),
            64 => Some(true),
            _ => None,
        }
    }
}

/// The NUL-terminated string the function `symbol` (taking nothing) returns.
fn c_string(library: &Library, symbol: &str) -> Option<String> {
    // SAFETY: the version functions this is used for take nothing and return a static string.
    unsafe {
        let function = library.get::<unsafe extern "C" fn() -> *const c_char>(symbol.as_bytes()).ok()?;
        let pointer = function();
        (!pointer.is_null()).then(|| CStr::from_ptr(pointer).to_string_lossy().trim().to_string())
    }
}

/// `OpenBLAS 0.3.31 (Zen kernels)`, `Intel(R) oneAPI Math Kernel Library Version ...` or
/// `BLIS 1.0`, from the library's own version functions.
fn describe(library: &Library, prefix: &str, suffix: &str) -> Option<String> {
    let text = |symbol: &str| c_string(library, symbol);
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
        assert!(matches!(&err, BlasError::Load { path, .. } if *path == fake), "{err:?}");
        assert!(err.to_string().contains(&fake.display().to_string()), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_library_without_cblas_is_refused() {
        // The C library is always loaded and has no cblas_dgemm.
        let err = Blas::open(Path::new("libc.so.6")).unwrap_err();
        assert_eq!(err.to_string(), "libc.so.6: no CBLAS sgemm and dgemm in it (not a BLAS library)");
    }
}
