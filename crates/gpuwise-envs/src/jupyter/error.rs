//! Why a kernel could not be installed or removed: the user's input (a bad name, a missing
//! interpreter, a kernel that exists or does not) or the filesystem.

use std::path::PathBuf;

/// A kernel that could not be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// Not a name Jupyter accepts as one directory.
    #[error("'{0}' is not a kernel name: use ASCII letters, digits, '.', '_' and '-' (not only dots, and no '/')")]
    BadName(String),
    /// The interpreter is not an absolute path to a file.
    #[error("the interpreter {} does not exist (give an absolute path)", .0.display())]
    NoInterpreter(PathBuf),
    /// A kernel of that name exists and replacing it was not asked for.
    #[error("the kernel '{name}' already exists at {}", path.display())]
    Exists {
        /// The kernel's name.
        name: String,
        /// Its directory.
        path: PathBuf,
    },
    /// No kernel of that name.
    #[error("no kernel named '{0}' (`gpuwise kernel list` shows them)")]
    NotFound(String),
    /// The kernels directory has no parent to stage changes in.
    #[error("{} has no parent directory to stage in", .0.display())]
    NoParent(PathBuf),
    /// A filesystem operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`create`, `write the kernel to`, `remove`).
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl KernelError {
    /// True when the user's input is at fault (rather than the filesystem).
    pub fn is_input(&self) -> bool {
        !matches!(self, KernelError::Io { .. } | KernelError::NoParent(_))
    }

    /// A failed filesystem `action` on `path`.
    pub(super) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> KernelError {
        let path = path.into();
        move |source| KernelError::Io { action, path, source }
    }
}

/// Why the interpreter a kernel runs cannot be told from its spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownInterpreter {
    /// The spec has no command.
    #[error("the kernelspec has no argv")]
    NoArgv,
    /// A Python kernel that starts another program (a wrapper, `conda run`).
    #[error("it starts `{0}`, not a Python interpreter, so which Python it runs cannot be told from its spec")]
    NotPython(String),
    /// A kernel of another language.
    #[error("it is a {0} kernel")]
    OtherLanguage(String),
    /// A bare program name the kernel's `PATH` does not hold.
    #[error("`{0}` is not on the kernel's PATH")]
    NotOnPath(String),
}
