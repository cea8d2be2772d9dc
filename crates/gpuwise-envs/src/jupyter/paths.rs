//! Where Jupyter looks for kernelspecs, in jupyter_client's order (first directory holding a
//! kernel name wins): `JUPYTER_PATH`, the user data directory, the environment's
//! `share/jupyter` (before the user's in a virtual or conda environment, or with
//! `JUPYTER_PREFER_ENV_PATH`), the system directories, then `~/.ipython/kernels`.

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;

/// The Python environment a Jupyter server would run in.
#[derive(Debug, Clone, Default)]
pub struct ServerEnv {
    /// Its `sys.prefix`.
    pub prefix: Option<PathBuf>,
    /// True for a virtual or conda environment (not the base interpreter).
    pub is_virtual: bool,
}

/// Every `kernels` directory, in search order.
pub fn kernel_dirs(vars: &Variables, server: &ServerEnv) -> Vec<PathBuf> {
    let home = vars.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(list) = vars.get("JUPYTER_PATH").filter(|l| !l.is_empty()) {
        dirs.extend(std::env::split_paths(list).filter(|d| !d.as_os_str().is_empty()));
    }
    let mut user: Vec<PathBuf> = user_data_dir(vars).into_iter().collect();
    if let Some(home) = &home {
        let user_base = home.join(".local/share/jupyter"); // site.getuserbase()/share/jupyter
        if !user.contains(&user_base) {
            user.push(user_base);
        }
    }
    const SYSTEM: [&str; 2] = ["/usr/local/share/jupyter", "/usr/share/jupyter"];
    let env: Vec<PathBuf> = server
        .prefix
        .iter()
        .map(|p| p.join("share/jupyter"))
        .filter(|p| !SYSTEM.iter().any(|s| Path::new(s) == p))
        .collect();
    if prefer_env(vars, server) {
        dirs.extend(env);
        dirs.extend(user);
    } else {
        dirs.extend(user);
        dirs.extend(env);
    }
    dirs.extend(SYSTEM.iter().map(PathBuf::from));
    let mut kernels: Vec<PathBuf> = dirs.into_iter().map(|d| d.join("kernels")).collect();
    let ipython = match vars.get("IPYTHONDIR").filter(|d| !d.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => home.map(|h| h.join(".ipython")),
    };
    kernels.extend(ipython.map(|d| d.join("kernels")));
    let mut unique = Vec::new();
    for dir in kernels {
        if !unique.contains(&dir) {
            unique.push(dir);
        }
    }
    unique
}

/// The user's Jupyter data directory, as jupyter_client's `jupyter_data_dir()` finds it:
/// `$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else `~/.local/share/jupyter`.
pub fn user_data_dir(vars: &Variables) -> Option<PathBuf> {
    let set = |name: &str| vars.get(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    set("JUPYTER_DATA_DIR")
        .or_else(|| set("XDG_DATA_HOME").map(|d| d.join("jupyter")))
        .or_else(|| set("HOME").map(|h| h.join(".local/share/jupyter")))
}

/// `JUPYTER_PREFER_ENV_PATH` when set (`0`, `false`, `no`, `off` or empty mean no), else whether
/// the server runs in a virtual or conda environment.
fn prefer_env(vars: &Variables, server: &ServerEnv) -> bool {
    match vars.get("JUPYTER_PREFER_ENV_PATH") {
        Some(flag) => {
            !matches!(flag.trim().to_ascii_lowercase().as_str(), "" | "0" | "false" | "no" | "off" | "n" | "f")
        }
        None => server.is_virtual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(vars: &[(&str, &str)], server: ServerEnv) -> Vec<String> {
        kernel_dirs(&Variables::from_text(vars.iter().copied()), &server)
            .iter()
            .map(|d| d.display().to_string())
            .collect()
    }

    #[test]
    fn default_order_for_a_system_python() {
        let server = ServerEnv { prefix: Some("/usr".into()), is_virtual: false };
        assert_eq!(
            dirs(&[("HOME", "/home/ada")], server),
            [
                "/home/ada/.local/share/jupyter/kernels",
                // /usr/share/jupyter, the environment's own, is a system directory: it keeps that place
                "/usr/local/share/jupyter/kernels",
                "/usr/share/jupyter/kernels",
                "/home/ada/.ipython/kernels",
            ]
        );
    }

    #[test]
    fn virtual_environments_come_before_the_user_unless_told_otherwise() {
        let venv = || ServerEnv { prefix: Some("/opt/venv".into()), is_virtual: true };
        let vars = [("HOME", "/home/ada"), ("JUPYTER_PATH", "/extra/a:/extra/b"), ("JUPYTER_DATA_DIR", "/data/j")];
        assert_eq!(
            dirs(&vars, venv()),
            [
                "/extra/a/kernels",
                "/extra/b/kernels",
                "/opt/venv/share/jupyter/kernels",
                "/data/j/kernels",
                "/home/ada/.local/share/jupyter/kernels",
                "/usr/local/share/jupyter/kernels",
                "/usr/share/jupyter/kernels",
                "/home/ada/.ipython/kernels",
            ]
        );
        let user_first = dirs(&[("HOME", "/home/ada"), ("JUPYTER_PREFER_ENV_PATH", "0")], venv());
        assert_eq!(user_first[0], "/home/ada/.local/share/jupyter/kernels");
        let xdg = dirs(&[("HOME", "/home/ada"), ("XDG_DATA_HOME", "/xdg")], ServerEnv::default());
        assert_eq!(xdg[0], "/xdg/jupyter/kernels");
    }
}
