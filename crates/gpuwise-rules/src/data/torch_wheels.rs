//! The PyTorch wheels a fix may name (data/torch_wheels.json), newest first.

use std::sync::OnceLock;

use serde::Deserialize;

/// One release series on one index.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TorchWheel {
    /// The release series (`2.15`).
    pub torch: String,
    /// `pypi` for the default wheel, else the download.pytorch.org index (`cu126`).
    pub index: String,
    /// Its CUDA version (`13.2`).
    pub cuda: String,
    /// Machine code it holds (`sm_75`).
    pub architectures: Vec<String>,
    /// Where it is known from.
    pub source: String,
}

impl TorchWheel {
    /// The command that replaces an installed torch with this wheel. The uninstall comes first:
    /// an installed `2.15.0+cpu` already satisfies `torch==2.15.*`, so pip would keep it.
    pub fn command(&self) -> String {
        let install = format!("pip install 'torch=={}.*'", self.torch);
        match self.index.as_str() {
            "pypi" => format!("pip uninstall -y torch && {install}"),
            index => {
                format!("pip uninstall -y torch && {install} --index-url https://download.pytorch.org/whl/{index}")
            }
        }
    }
}

/// Every row, newest first.
pub fn torch_wheels() -> &'static [TorchWheel] {
    static TABLE: OnceLock<Vec<TorchWheel>> = OnceLock::new();
    super::rows_of(&TABLE, include_str!("../../data/torch_wheels.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_with_sources_and_machine_code() {
        assert!(torch_wheels().len() >= 4, "data file failed to parse");
        for row in torch_wheels() {
            assert!(!row.source.is_empty(), "{row:?}");
            assert!(row.architectures.iter().all(|a| a.starts_with("sm_")), "{row:?}");
        }
        assert_eq!(torch_wheels()[0].index, "pypi", "the default wheel comes first");
    }

    #[test]
    fn commands_replace_the_installed_torch() {
        let cu126 = torch_wheels().iter().find(|w| w.index == "cu126").unwrap();
        assert_eq!(
            cu126.command(),
            "pip uninstall -y torch && pip install 'torch==2.14.*' --index-url https://download.pytorch.org/whl/cu126"
        );
        assert_eq!(torch_wheels()[0].command(), "pip uninstall -y torch && pip install 'torch==2.15.*'");
    }
}
