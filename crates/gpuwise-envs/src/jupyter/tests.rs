use super::*;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn first_directory_wins_and_broken_specs_are_named() {
    let root = tempfile::tempdir().unwrap();
    let user = root.path().join("user/kernels");
    let system = root.path().join("system/kernels");
    write(
        &user.join("ML/kernel.json"),
        r#"{"argv": ["/opt/ml/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Python 3 (ml)", "language": "python", "env": {"CUDA_VISIBLE_DEVICES": ""}}"#,
    );
    write(&system.join("ml/kernel.json"), r#"{"argv": ["python3"], "display_name": "shadowed", "language": "python"}"#);
    write(&system.join("broken/kernel.json"), "{ not json");
    write(&system.join("empty/kernel.json"), r#"{"argv": [], "display_name": "x"}"#);
    write(&system.join("bad name!/kernel.json"), r#"{"argv": ["python3"]}"#);
    std::fs::create_dir_all(system.join("no-spec")).unwrap();
    let found = find_kernels(&[user.clone(), root.path().join("missing"), system]);
    let names: Vec<&str> = found.iter().map(|f| f.kernel.name.as_str()).collect();
    assert_eq!(names, ["ml", "broken", "empty"]);
    assert_eq!(found[0].kernel.display_name, "Python 3 (ml)");
    assert_eq!(found[0].kernel.env["CUDA_VISIBLE_DEVICES"], "");
    assert!(found[1].problem.as_deref().unwrap().contains("is not a valid kernelspec"));
    assert!(found[2].problem.as_deref().unwrap().ends_with("has an empty argv"));
}

#[test]
fn kernel_env_replaces_and_expands() {
    let server = Variables::from_text([
        ("PATH", "/usr/bin"),
        ("LD_LIBRARY_PATH", "/usr/lib"),
        ("PYTHONEXECUTABLE", "/usr/bin/python3"),
        ("CUDA_VISIBLE_DEVICES", "0,1"),
    ]);
    let kernel = Kernel {
        env: [("LD_LIBRARY_PATH", "/opt/cuda/lib64:${LD_LIBRARY_PATH}"), ("CUDA_VISIBLE_DEVICES", "")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        ..Kernel::default()
    };
    let vars = kernel_variables(&kernel, &server);
    assert_eq!(vars.get("LD_LIBRARY_PATH"), Some("/opt/cuda/lib64:/usr/lib"));
    assert_eq!(vars.cuda_visible_devices.as_ref().map(|v| v.text.as_str()), Some(""));
    assert_eq!(vars.get("PYTHONEXECUTABLE"), None);
    assert_eq!(vars.get("PATH"), Some("/usr/bin"));
}

#[test]
fn interpreters_are_resolved_as_jupyter_does() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("bin/python3.12"), "");
    let vars = Variables::from_text([("PATH", dir.path().join("bin").to_str().unwrap())]);
    let kernel = |argv: &[&str], language: &str| Kernel {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        language: language.into(),
        ..Kernel::default()
    };
    let server = Path::new("/srv/venv/bin/python");
    assert_eq!(interpreter(&kernel(&["python3", "-m", "ipykernel"], "python"), &vars, Some(server)).unwrap(), server);
    assert_eq!(
        interpreter(&kernel(&["/opt/ml/bin/python", "-m"], "python"), &vars, None).unwrap(),
        Path::new("/opt/ml/bin/python")
    );
    assert_eq!(
        interpreter(&kernel(&["python3.12"], "python"), &vars, None).unwrap(),
        dir.path().join("bin/python3.12")
    );
    let err = interpreter(&kernel(&["conda", "run", "-n", "ml", "python"], "python"), &vars, None).unwrap_err();
    assert!(err.to_string().contains("not a Python interpreter"), "{err}");
    let julia = interpreter(&kernel(&["julia", "-i"], "julia"), &vars, None).unwrap_err();
    assert_eq!(julia.to_string(), "it is a julia kernel");
    let missing = interpreter(&kernel(&["python3.9"], "python"), &vars, None).unwrap_err();
    assert_eq!(missing, UnknownInterpreter::NotOnPath("python3.9".into()));
}
