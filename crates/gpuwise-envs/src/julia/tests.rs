//! Tests of reading Julia kernels' command lines and a whole Julia environment.

use super::*;

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn project_flags_as_julia_reads_them() {
    let ijulia = argv(&["/opt/julia/bin/julia", "-i", "--color=yes", "--project=@.", "kernel.jl", "{connection_file}"]);
    assert_eq!(project_argument(&ijulia).as_deref(), Some("@."));
    assert_eq!(project_argument(&argv(&["julia", "--project", "k.jl"])).as_deref(), Some("@."), "a bare flag is @.");
    assert_eq!(project_argument(&argv(&["julia", "--project=/p", "k.jl"])).as_deref(), Some("/p"));
    assert_eq!(project_argument(&argv(&["julia", "k.jl", "--project=/p"])), None, "the script's own arguments");
    assert_eq!(project_argument(&argv(&["julia", "-i", "k.jl"])), None);
}

#[test]
fn julia_kernels_are_recognised() {
    let kernel = |program: &str, language: &str| gpuwise_core::Kernel {
        argv: argv(&[program]),
        language: language.into(),
        ..Default::default()
    };
    assert!(is_julia_kernel(&kernel("/home/u/.julia/juliaup/julia-1.10.5+0.x64.linux.gnu/bin/julia", "")));
    assert!(is_julia_kernel(&kernel("/usr/bin/env", "julia")));
    assert!(!is_julia_kernel(&kernel("/opt/venv/bin/python", "python")));
}

#[test]
fn a_corrupt_project_is_reported_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let julia = tmp.path().join("julia/bin/julia");
    std::fs::create_dir_all(julia.parent().unwrap()).unwrap();
    std::fs::create_dir_all(tmp.path().join("julia/include/julia")).unwrap();
    std::fs::write(&julia, "").unwrap();
    std::fs::write(tmp.path().join("julia/include/julia/julia_version.h"), "#define JULIA_VERSION_STRING \"1.11.1\"\n")
        .unwrap();
    let project = tmp.path().join("proj");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("Project.toml"), "[deps\n").unwrap();
    let vars = Variables::from_pairs([
        ("HOME".into(), tmp.path().into()),
        ("JULIA_PROJECT".into(), project.clone().into_os_string()),
    ]);
    let request = JuliaRequest { julia, source: gpuwise_core::Source::Current, project: None, vars };
    let env = read(&request, tmp.path(), Path::new("/nonexistent"), Duration::from_secs(1));
    assert_eq!(env.version.as_deref(), Some("1.11.1"));
    assert_eq!(env.unreadable.len(), 1, "{:?}", env.unreadable);
    assert!(env.unreadable[0].path.ends_with("Project.toml"));
    assert!(env.frameworks.is_empty());
}
