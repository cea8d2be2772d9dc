//! The readers against small site-packages layouts shaped like the real wheels'.

use std::path::{Path, PathBuf};

use gpuwise_core::Variables;

use super::*;
use crate::interpreter::Markers;
use crate::requirements::marker_environment;

struct Layout {
    root: tempfile::TempDir,
}

impl Layout {
    fn new() -> Self {
        Layout { root: tempfile::tempdir().unwrap() }
    }

    fn site(&self) -> PathBuf {
        self.root.path().join("venv/lib/python3.11/site-packages")
    }

    fn file(&self, path: &str, text: &str) -> &Self {
        let path = self.site().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn dist(&self, name: &str, version: &str, lines: &[&str]) -> &Self {
        let mut text = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.file(&format!("{}-{version}.dist-info/METADATA", name.replace('-', "_")), &text)
    }

    fn read(&self, vars: &Variables) -> (Vec<Framework>, Vec<Unreadable>) {
        let sites = [self.site()];
        let installed = Installed::scan(&sites);
        let libraries = LibrarySearch::new(&sites, vars, self.root.path());
        let markers = marker_environment(&Markers {
            implementation_name: "cpython".into(),
            implementation_version: "3.11.7".into(),
            os_name: "posix".into(),
            platform_machine: "x86_64".into(),
            platform_python_implementation: "CPython".into(),
            platform_release: "6.8.0".into(),
            platform_system: "Linux".into(),
            platform_version: "#1".into(),
            python_full_version: "3.11.7".into(),
            python_version: "3.11".into(),
            sys_platform: "linux".into(),
        });
        let site =
            Site { installed: &installed, markers: markers.as_ref(), libraries: &libraries, sys_platform: "linux" };
        read_all(&site)
    }
}

const TORCH_VERSION: &str = "from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n\
    __version__ = '2.5.1+cu124'\ndebug = False\ncuda: Optional[str] = '12.4'\ngit_version = 'a8d6afb511a69687bbb2b7e88a3cf67917e1697e'\nhip: Optional[str] = None\n";

/// Compiles a shared library whose `.nv_fatbin` section holds `container` (needs `cc`).
fn library_with_fatbin(path: &Path, container: &[u8]) -> bool {
    let bytes: Vec<String> = container.iter().map(|b| b.to_string()).collect();
    let source = path.with_extension("c");
    std::fs::write(
        &source,
        format!(
            "__attribute__((section(\".nv_fatbin\"), used, aligned(8))) const unsigned char fatbin[] = {{{}}};\n",
            bytes.join(",")
        ),
    )
    .unwrap();
    std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(path)
        .arg(&source)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn torch_reads_version_py_fatbin_and_wheels() {
    let layout = Layout::new();
    layout
        .dist("torch", "2.5.1", &[
            "Requires-Dist: nvidia-cudnn-cu12==9.1.0.70; platform_system == \"Linux\" and platform_machine == \"x86_64\"",
            "Requires-Dist: nvidia-cublas-cu12==12.4.5.8; platform_system == \"Linux\" and platform_machine == \"x86_64\"",
            "Requires-Dist: filelock",
        ])
        .dist("nvidia-cublas-cu12", "12.4.5.8", &[])
        .file("torch/version.py", TORCH_VERSION);
    let library = layout.site().join("torch/lib/libtorch_cuda.so");
    std::fs::create_dir_all(library.parent().unwrap()).unwrap();
    let container = crate::fatbin::tests::container(&[(2, 80, 64), (2, 90, 64), (1, 90, 16)]);
    if !library_with_fatbin(&library, &container) {
        eprintln!("no C compiler: skipping the .nv_fatbin half");
        return;
    }
    let (frameworks, problems) = layout.read(&Variables::default());
    assert!(problems.is_empty(), "{problems:?}");
    let torch = &frameworks[0];
    assert_eq!((torch.version.as_str(), torch.build.to_string().as_str()), ("2.5.1+cu124", "cuda-12.4"));
    assert_eq!(torch.architectures, ["sm_80", "sm_90", "compute_90"]);
    assert!(torch.architectures_source.as_deref().unwrap().ends_with("libtorch_cuda.so (.nv_fatbin)"));
    assert_eq!(torch.components.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["nvidia-cublas-cu12"]);
    let unmet: Vec<&str> = torch.unmet.iter().map(|u| u.requirement.as_str()).collect();
    assert_eq!(unmet, ["nvidia-cudnn-cu12==9.1.0.70", "filelock"], "a missing pure-Python requirement counts too");
}

#[test]
fn torch_without_its_cuda_library_is_half_installed() {
    let layout = Layout::new();
    layout.dist("torch", "2.5.1", &[]).file("torch/version.py", TORCH_VERSION);
    let (frameworks, problems) = layout.read(&Variables::default());
    assert_eq!(frameworks[0].build.to_string(), "cuda-12.4");
    assert!(frameworks[0].architectures.is_empty(), "the release table stands in");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].error.contains("CUDA library is missing"), "{problems:?}");
}

#[test]
fn damaged_build_files_are_named_and_not_believed() {
    let layout = Layout::new();
    // Cut short: the `cuda` line is gone, and with it the only sign of a CUDA build.
    layout.dist("torch", "2.5.1", &[]).file("torch/version.py", "__version__ = '2.5.1+cu124'\ndebug = False\n");
    layout.dist("tensorflow", "2.21.0", &[]).file(
        "tensorflow/python/platform/build_info.py",
        "import collections\nbuild_info = collections.OrderedDict([(('cuda_version', \n",
    );
    let (frameworks, problems) = layout.read(&Variables::default());
    let build = |name: &str| frameworks.iter().find(|f| f.name.name() == name).unwrap().build.to_string();
    assert_ne!(build("torch"), "cpu", "a damaged file never makes a CPU build");
    assert_ne!(build("tensorflow"), "cpu");
    let errors: Vec<&str> = problems.iter().map(|p| p.error.as_str()).collect();
    assert!(errors.iter().any(|e| e.contains("torch/version.py is damaged: it does not set cuda")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("build_info.py is damaged: it does not set is_cuda_build")), "{errors:?}");
}

#[test]
fn tensorflow_needs_its_libraries_from_somewhere() {
    let layout = Layout::new();
    layout.dist("tensorflow", "2.20.0", &[]).file(
        "tensorflow/python/platform/build_info.py",
        "import collections\nbuild_info = collections.OrderedDict([('cuda_compute_capabilities', ['sm_60', 'sm_70', 'sm_80', 'sm_89', 'compute_90']), ('cuda_version', '12.5.1'), ('cudnn_version', '9'), ('is_cuda_build', True), ('is_rocm_build', False)])\n",
    );
    let (frameworks, _) = layout.read(&Variables::default());
    let tf = &frameworks[0];
    assert_eq!(tf.build.to_string(), "cuda-12.5");
    assert_eq!(tf.architectures.len(), 5);
    let names: Vec<(&str, bool)> = tf.libraries.iter().map(|l| (l.name.as_str(), l.path.is_some())).collect();
    assert_eq!(names, [("libcudart.so.12", false), ("libcublas.so.12", false), ("libcudnn.so.9", false)]);

    layout.file("nvidia/cudnn/lib/libcudnn.so.9", "");
    let (frameworks, _) = layout.read(&Variables::default());
    assert!(frameworks[0].libraries[2].path.as_deref().unwrap().ends_with("nvidia/cudnn/lib/libcudnn.so.9"));
}

#[test]
fn jax_build_comes_from_its_plugin() {
    let layout = Layout::new();
    layout
        .dist(
            "jax",
            "0.7.2",
            &[
                "Requires-Dist: jaxlib<=0.7.2,>=0.7.2",
                "Provides-Extra: cuda12",
                "Requires-Dist: jax-cuda12-plugin[with-cuda]<=0.7.2,>=0.7.2; extra == \"cuda12\"",
            ],
        )
        .dist("jaxlib", "0.7.2", &[])
        .dist("jax-cuda12-plugin", "0.7.2", &["Requires-Dist: jax-cuda12-pjrt==0.7.2"])
        .dist("jax-cuda12-pjrt", "0.7.1", &[])
        .file("jax_plugins/xla_cuda12/xla_cuda_plugin.so", "");
    let (frameworks, _) = layout.read(&Variables::default());
    let jax = &frameworks[0];
    assert_eq!(jax.build.to_string(), "cuda-12");
    let unmet: Vec<&str> = jax.unmet.iter().map(|u| u.requirement.as_str()).collect();
    assert_eq!(unmet, ["jax-cuda12-pjrt==0.7.2"], "the plugin's exact PJRT pin is checked");
    let parts: Vec<&str> = jax.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(parts, ["jaxlib", "jax-cuda12-plugin", "jax-cuda12-pjrt"]);
}

#[test]
fn cupy_and_numba() {
    let layout = Layout::new();
    layout
        .dist("cupy-cuda12x", "13.3.0", &[])
        .file("cupy/_version.py", "__version__ = '13.3.0'\n")
        .file("cupy/.data/_wheel.json", r#"{"cuda": "12.x", "packaging": "pip"}"#)
        .dist("numba", "0.60.0", &[]);
    let cuda = layout.root.path().join("opt/cuda");
    std::fs::create_dir_all(cuda.join("lib64")).unwrap();
    std::fs::write(cuda.join("lib64/libnvrtc.so.12"), "").unwrap();
    let vars = Variables::from_text([("CUDA_PATH", cuda.to_str().unwrap())]);
    let (frameworks, _) = layout.read(&vars);
    let cupy = frameworks.iter().find(|f| f.name == FrameworkName::Cupy).unwrap();
    assert_eq!(cupy.build.to_string(), "cuda-12");
    let found: Vec<bool> = cupy.libraries.iter().map(|l| l.path.is_some()).collect();
    assert_eq!(found, [true, false], "NVRTC from CUDA_PATH; no cuBLAS anywhere");
    let numba = frameworks.iter().find(|f| f.name == FrameworkName::Numba).unwrap();
    assert_eq!((numba.build.to_string().as_str(), numba.libraries[0].name.as_str()), ("cuda", "libnvvm.so"));
}
