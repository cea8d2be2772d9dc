//! Fleet: `gpuwise doctor --json` on many machines, carried by the cluster's own engine (Slurm's
//! `srun`, one task per node; a Dask client's `run`, through Python) or gathered any other way
//! (files), merged into one report with the fleet rules' findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use gpuwise_core::fleet::{FleetReport, NodeAnswer, hostlist, natural_key};
use gpuwise_core::{Report, SCHEMA_VERSION};
use gpuwise_envs::process::{self, RunError};

/// Most bytes kept of an engine's output: a thousand nodes' reports with room to spare.
const OUTPUT_LIMIT: u64 = 1 << 30;

/// The line each Slurm task prints first, naming its node.
const NODE_MARK: &str = "gpuwise-fleet-node ";

/// What `gpuwise fleet slurm` asks for.
#[derive(Debug, Clone)]
pub struct SlurmSettings {
    /// The partition (default: Slurm's default partition).
    pub partition: Option<String>,
    /// At most this many responding nodes, in name order (default: every one).
    pub nodes: Option<usize>,
    /// The gpuwise program as the nodes reach it.
    pub gpuwise: PathBuf,
    /// Interpreters doctor judges on every node besides python3 on PATH.
    pub pythons: Vec<PathBuf>,
    /// How long doctor may take on a node before it counts as hung.
    pub timeout: Duration,
    /// Whole nodes, every GPU included: where Slurm confines a job to the GPUs it asks for
    /// (`ConstrainDevices=yes`), a task that asks for none sees none.
    pub exclusive: bool,
}

/// What `gpuwise fleet dask` asks for.
#[derive(Debug, Clone)]
pub struct DaskSettings {
    /// The scheduler's address (`tcp://10.0.0.5:8786`).
    pub scheduler: String,
    /// The Python that connects to it (it needs `distributed`).
    pub client_python: PathBuf,
    /// Interpreters doctor judges on every worker besides the worker's own environment.
    pub pythons: Vec<PathBuf>,
    /// How long doctor may take on a worker before it counts as hung.
    pub timeout: Duration,
}

/// The script both `gpuwise fleet dask` and the Python package's `fleet(client)` run.
const DASK_SCRIPT: &str = include_str!("../../../python/gpuwise/_dask_fleet.py");

/// Why there is no fleet report at all (a node's failure is a finding, not an error).
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// A Slurm command is not on PATH.
    #[error("`{0}` was not found: run this on a machine with Slurm's client commands (a login node)")]
    NoSlurm(&'static str),
    /// `sinfo` failed.
    #[error("sinfo failed: {0}")]
    Sinfo(String),
    /// No node to ask.
    #[error("Slurm lists no node{}", .0.as_ref().map(|p| format!(" in partition `{p}`")).unwrap_or_default())]
    NoNodes(Option<String>),
    /// A report file cannot be read.
    #[error("cannot read {path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The Dask run's answer cannot be read.
    #[error("{0}")]
    Dask(String),
}

impl FleetError {
    /// True when the user's input is at fault (a file or partition they named).
    pub fn is_input(&self) -> bool {
        matches!(self, FleetError::File { .. } | FleetError::NoNodes(Some(_)))
    }
}

/// The merged report of `answers`, carried by `engine`, with the fleet rules' findings.
pub fn merge(engine: &str, mut answers: Vec<NodeAnswer>) -> FleetReport {
    // In name order first, so every finding lists its nodes that way.
    answers.sort_by_key(|answer| natural_key(&answer.name));
    let answers = distinct_names(answers);
    let findings = gpuwise_rules::diagnose_fleet(&answers);
    FleetReport::new(engine, answers, findings)
}

/// Reports gathered any other way (Kubernetes jobs, Ansible, CI): each file a `gpuwise doctor
/// --json` report, named by the host name inside it (else the file's name). A file that is not
/// a report counts as a node that did not answer; one that cannot be read is an error.
pub fn from_files(paths: &[PathBuf]) -> Result<FleetReport, FleetError> {
    let mut answers = Vec::new();
    for path in paths {
        let text = gpuwise_fs::read_text(path)
            .map_err(|err| FleetError::File { path: path.clone(), reason: err.to_string() })?;
        let stem = path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
        let report =
            read_report(&text).map_err(|reason| format!("{} is not a gpuwise report: {reason}", path.display()));
        let name = match &report {
            Ok(report) if !report.system.os.hostname.is_empty() => report.system.os.hostname.clone(),
            _ => stem,
        };
        answers.push(NodeAnswer { name, report });
    }
    Ok(merge("files", answers))
}

/// A report from a node's output: JSON of the schema this build reads.
pub fn read_report(text: &str) -> Result<Report, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("it printed nothing".into());
    }
    let report: Report = serde_json::from_str(text).map_err(|err| format!("its output is not a report ({err})"))?;
    if report.schema_version != SCHEMA_VERSION {
        return Err(format!(
            "its report has schema version {}, this gpuwise reads {SCHEMA_VERSION}: run the same gpuwise there",
            report.schema_version
        ));
    }
    Ok(report)
}

/// Names made distinct: a second node of the same name (two Dask workers on one host) gets
/// ` #2`, and so on.
fn distinct_names(answers: Vec<NodeAnswer>) -> Vec<NodeAnswer> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    answers
        .into_iter()
        .map(|mut answer| {
            let count = seen.entry(answer.name.clone()).or_default();
            *count += 1;
            if *count > 1 {
                answer.name = format!("{} #{count}", answer.name);
            }
            answer
        })
        .collect()
}

/// One node as `sinfo` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SlurmNode {
    name: String,
    state: String,
}

impl SlurmNode {
    /// Why Slurm would not run a task there now, in words (`down, not responding`, `allocated
    /// to other jobs`, `idle, powered down`); `None` when it would, at once.
    fn unavailable(&self) -> Option<String> {
        let state = self.state.to_ascii_lowercase();
        let base = state.trim_end_matches(|c: char| "*~#!%$@^-+".contains(c));
        let flag = |mark: char, words: &'static str| state.ends_with(mark).then_some(words);
        let why = flag('*', "not responding")
            .or(flag('~', "powered down"))
            .or(flag('#', "powering up"))
            .or(flag('%', "powering down"))
            .or(flag('!', "about to power down"))
            .or(flag('@', "about to reboot"))
            .or(flag('^', "rebooting"))
            .or(flag('$', "in a maintenance reservation"));
        const GONE: [&str; 14] = [
            "down",
            "drained",
            "draining",
            "drain",
            "fail",
            "failing",
            "unknown",
            "future",
            "inval",
            "maint",
            "powered_down",
            "powering_down",
            "powering_up",
            "reboot_issued",
        ];
        match why {
            Some(why) => Some(format!("{base}, {why}")),
            // Taken whole by other jobs: a task would queue behind them.
            None if base == "allocated" || base == "completing" => Some(format!("{base} to other jobs")),
            None if GONE.contains(&base) => Some(base.to_string()),
            None => None,
        }
    }
}

/// One command of Slurm's, its standard output.
fn slurm_command(program: &'static str, args: &[&str]) -> Result<String, FleetError> {
    let done = match process::run(Command::new(program).args(args), Duration::from_secs(60)) {
        Ok(done) => done,
        Err(RunError::Spawn(_)) => return Err(FleetError::NoSlurm(program)),
        Err(RunError::TimedOut) => return Err(FleetError::Sinfo("it did not answer within 60 s".into())),
    };
    if !done.status.success() {
        return Err(FleetError::Sinfo(process::last_line(&String::from_utf8_lossy(&done.stderr))));
    }
    Ok(String::from_utf8_lossy(&done.stdout).into_owned())
}

/// The partition jobs go to when none is named (`sinfo` marks it with `*`).
fn default_partition() -> Result<Option<String>, FleetError> {
    let partitions = slurm_command("sinfo", &["-h", "-o", "%P"])?;
    Ok(partitions.lines().find_map(|line| line.trim().strip_suffix('*')).map(str::to_string))
}

/// `sinfo -h -N -o '%N %T'`: every node of the partition (once) and its state.
fn slurm_nodes(partition: Option<&str>) -> Result<Vec<SlurmNode>, FleetError> {
    let mut args = vec!["-h", "-N", "-o", "%N %T"];
    if let Some(partition) = partition {
        args.extend(["-p", partition]);
    }
    let listed = slurm_command("sinfo", &args)?;
    let mut nodes: Vec<SlurmNode> = Vec::new();
    for line in listed.lines() {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(state)) = (words.next(), words.next())
            && !nodes.iter().any(|n| n.name == name)
        {
            nodes.push(SlurmNode { name: name.to_string(), state: state.to_string() });
        }
    }
    nodes.sort_by_key(|n| natural_key(&n.name));
    if nodes.is_empty() {
        return Err(FleetError::NoNodes(partition.map(str::to_string)));
    }
    Ok(nodes)
}

/// Runs doctor on the partition's responding nodes through `srun`, one task per node, and
/// merges the reports; nodes Slurm reports down are not asked and count as not answering.
pub fn slurm(settings: &SlurmSettings) -> Result<FleetReport, FleetError> {
    // The default partition, named: sinfo would list every partition's nodes, srun runs in one.
    let partition = match &settings.partition {
        Some(partition) => Some(partition.clone()),
        None => default_partition()?,
    };
    let nodes = slurm_nodes(partition.as_deref())?;
    let mut answers = Vec::new();
    let mut asked = Vec::new();
    for node in nodes {
        match node.unavailable() {
            Some(why) => {
                answers.push(NodeAnswer { name: node.name, report: Err(format!("Slurm reports it {why}: not asked")) })
            }
            None if asked.len() < settings.nodes.unwrap_or(usize::MAX) => asked.push(node.name),
            None => {}
        }
    }
    if !asked.is_empty() {
        answers.extend(srun(settings, partition.as_deref(), &asked)?);
    }
    Ok(merge("slurm", answers))
}

/// The name of the Slurm job `slurm` runs: unique to this process, so it can be cancelled by
/// name when srun has to be killed or the user interrupts (the job outlives a killed srun).
pub fn slurm_job_name() -> String {
    format!("gpuwise-fleet-{}", std::process::id())
}

/// Cancels the job `slurm` runs, if it is still there.
pub fn cancel_slurm_job() {
    let _ = process::run(Command::new("scancel").args(["--name", &slurm_job_name()]), Duration::from_secs(30));
}

/// `srun` over `asked`, each task printing its node's name and then its report.
fn srun(settings: &SlurmSettings, partition: Option<&str>, asked: &[String]) -> Result<Vec<NodeAnswer>, FleetError> {
    let limit = settings.timeout.as_secs().max(1);
    let count = asked.len().to_string();
    let mut command = Command::new("srun");
    command.args(["--nodelist", &hostlist(asked), "--nodes", &count, "--ntasks", &count, "--ntasks-per-node", "1"]);
    let job = slurm_job_name();
    command.args(["--label", "--kill-on-bad-exit=0", "--job-name", &job]);
    // Fail at once rather than queue when the nodes are taken, and let the slowest node finish
    // at most a limit's time after the first.
    command.args(["--immediate=30", "--wait", &(limit + 10).to_string()]);
    command.args(["--time", &(limit / 60 + 2).to_string()]);
    if let Some(partition) = partition {
        command.args(["--partition", partition]);
    }
    if settings.exclusive {
        command.arg("--exclusive");
    }
    // A job of the caller's (salloc, a batch script, a notebook server started by Slurm) must
    // not swallow this one as a step: srun reads where it runs from these.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if (name.starts_with("SLURM_") && name != "SLURM_CONF") || name.starts_with("SRUN_") {
            command.env_remove(name.as_ref());
        }
    }
    // Each task names its node, then runs doctor under a time limit of its own: a hung driver
    // on one node cannot keep the others' reports.
    let script = format!("printf '{NODE_MARK}%s\\n' \"${{SLURMD_NODENAME:-$(hostname)}}\"; exec timeout -k 5 \"$@\"");
    command.args(["sh", "-c", &script, "gpuwise-fleet", &limit.to_string()]);
    command.arg(&settings.gpuwise).args(["doctor", "--json"]);
    for python in &settings.pythons {
        command.arg("--python").arg(python);
    }
    // Allocation (30 s at most), the doctor runs and srun's own message timeouts; past this,
    // the nodes count as silent.
    let deadline = Duration::from_secs(limit + 120);
    let ran = process::run_keeping(&mut command, deadline, OUTPUT_LIMIT).map_err(|_| FleetError::NoSlurm("srun"))?;
    let done = &ran.output;
    let tasks = Tasks::read(&String::from_utf8_lossy(&done.stdout), &String::from_utf8_lossy(&done.stderr));
    let answers = asked.iter().map(|node| tasks.answer(node, &settings.gpuwise, limit));
    if !ran.timed_out {
        return Ok(answers.collect());
    }
    // The job outlives a killed srun: cancelled here. The reports that came in time count.
    cancel_slurm_job();
    let late = format!(
        "srun did not finish within {} s and gave no report from it (a node's launch hung?)",
        deadline.as_secs()
    );
    Ok(answers.map(|answer| NodeAnswer { report: answer.report.map_err(|_| late.clone()), ..answer }).collect())
}

/// What srun's tasks printed, by task (`--label` prefixes each line with the task's number).
#[derive(Debug, Default)]
struct Tasks {
    /// Each task's node (from its first line) and its standard output after that line.
    out: BTreeMap<String, (Option<String>, String)>,
    /// Each task's standard error.
    err: BTreeMap<String, String>,
    /// srun's own messages (not labelled).
    srun: Vec<String>,
}

impl Tasks {
    fn read(stdout: &str, stderr: &str) -> Tasks {
        let mut tasks = Tasks::default();
        for (task, line) in stdout.lines().filter_map(labelled) {
            let (node, text) = tasks.out.entry(task).or_default();
            match line.strip_prefix(NODE_MARK) {
                Some(name) if node.is_none() => *node = Some(name.trim().to_string()),
                // Joined without newlines: srun ends a long line early and labels the rest as a
                // line of its own, and a pretty-printed report's newlines all lie between tokens.
                _ => text.push_str(line),
            }
        }
        for line in stderr.lines() {
            match labelled(line) {
                Some((task, text)) => {
                    let err = tasks.err.entry(task).or_default();
                    err.push_str(text);
                    err.push('\n');
                }
                None => tasks.srun.push(line.to_string()),
            }
        }
        tasks
    }

    /// `node`'s report, or why there is none.
    fn answer(&self, node: &str, gpuwise: &Path, limit: u64) -> NodeAnswer {
        let task = self.out.iter().find(|(_, (name, _))| name.as_deref() == Some(node)).map(|(task, _)| task);
        let report = match task {
            None => Err(self.srun_reason(node)),
            Some(task) => {
                let (_, text) = &self.out[task];
                let err = self.err.get(task).map(String::as_str).unwrap_or_default();
                match self.ending(task) {
                    Some(Ending::Killed) | Some(Ending::Code(124 | 137)) => {
                        Err(format!("doctor did not finish within {limit} s there (a hung driver?)"))
                    }
                    Some(Ending::Code(126 | 127)) => Err(format!(
                        "gpuwise is not at {} on this node: put it on a file system the nodes share, or give its path there with --gpuwise",
                        gpuwise.display()
                    )),
                    _ => read_report(text).map_err(|reason| {
                        if err.trim().is_empty() {
                            reason
                        } else {
                            format!("{reason}; it said {}", process::last_line(err))
                        }
                    }),
                }
            }
        };
        NodeAnswer { name: node.to_string(), report }
    }

    /// How srun says `task` ended: `srun: error: node3: task 2: Exited with exit code 127`, or
    /// `task 2: Killed` (`timeout -k` killing a doctor that ignored its TERM, or srun's `--wait`).
    fn ending(&self, task: &str) -> Option<Ending> {
        self.srun.iter().find_map(|line| {
            let rest = line.split(&format!("task {task}: ")).nth(1)?.trim();
            match rest.strip_prefix("Exited with exit code ") {
                Some(code) => code.trim().parse().ok().map(Ending::Code),
                None => (rest.starts_with("Killed") || rest.starts_with("Terminated")).then_some(Ending::Killed),
            }
        })
    }

    /// Why a node's task never spoke: srun's last message about it, or its last message.
    fn srun_reason(&self, node: &str) -> String {
        let names = |line: &&String| line.split(|c: char| c == ':' || c == ',' || c.is_whitespace()).any(|w| w == node);
        let about = self.srun.iter().rev().find(names);
        match about.or_else(|| self.srun.iter().rev().find(|line| !line.trim().is_empty())) {
            Some(line) => line.trim().to_string(),
            None => "its task printed nothing".to_string(),
        }
    }
}

/// How a task ended, as srun reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it.
    Killed,
}

/// A `--label`led line: the task's number and the text (`  2: {` gives `2` and `{`).
fn labelled(line: &str) -> Option<(String, &str)> {
    let (task, text) = line.split_once(": ").or_else(|| line.strip_suffix(':').map(|task| (task, "")))?;
    let task = task.trim();
    (!task.is_empty() && task.chars().all(|c| c.is_ascii_digit())).then(|| (task.to_string(), text))
}

/// Runs doctor on every worker of the Dask cluster at `settings.scheduler`, through the
/// client's own `run`, and merges the reports.
pub fn dask(settings: &DaskSettings) -> Result<FleetReport, FleetError> {
    let limit = settings.timeout.as_secs().max(1);
    let mut command = Command::new(&settings.client_python);
    command.args(["-c", DASK_SCRIPT, &settings.scheduler, &limit.to_string()]);
    command.args(&settings.pythons);
    let python = settings.client_python.display();
    let deadline = Duration::from_secs(limit + 120);
    let done = match process::run_capped(&mut command, deadline, OUTPUT_LIMIT) {
        Ok(done) => done,
        Err(RunError::Spawn(err)) => {
            return Err(FleetError::Dask(format!(
                "cannot run {python} ({err}): give a Python that has `distributed` with --client-python"
            )));
        }
        Err(RunError::TimedOut) => {
            return Err(FleetError::Dask(format!("the Dask run did not finish within {} s", deadline.as_secs())));
        }
    };
    if !done.status.success() {
        let said = process::last_line(&String::from_utf8_lossy(&done.stderr));
        let hint = if said.contains("No module named 'distributed'") {
            format!(
                ": install it there (`{python} -m pip install distributed`) or give another Python with --client-python"
            )
        } else {
            String::new()
        };
        return Err(FleetError::Dask(format!("the Dask client at {} failed: {said}{hint}", settings.scheduler)));
    }
    Ok(merge("dask", dask_answers(&String::from_utf8_lossy(&done.stdout))?))
}

/// The nodes a Dask run answered with: the JSON the fleet script prints, `{"workers": [{"name",
/// "report" (the report's JSON text) or "error"}]}`.
pub fn dask_answers(text: &str) -> Result<Vec<NodeAnswer>, FleetError> {
    let value: serde_json::Value = serde_json::from_str(text.trim()).map_err(|err| {
        FleetError::Dask(format!("the Dask run printed no result ({err}): {}", process::excerpt(text)))
    })?;
    let workers =
        value["workers"].as_array().ok_or_else(|| FleetError::Dask("the Dask run's result lists no workers".into()))?;
    Ok(workers
        .iter()
        .map(|worker| {
            let name = worker["name"].as_str().unwrap_or("unnamed worker").to_string();
            let report = match (worker["report"].as_str(), worker["error"].as_str()) {
                (Some(report), _) => read_report(report),
                (None, Some(error)) => Err(error.to_string()),
                (None, None) => Err("the worker returned neither a report nor an error".into()),
            };
            NodeAnswer { name, report }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, state: &str) -> SlurmNode {
        SlurmNode { name: name.into(), state: state.into() }
    }

    #[test]
    fn down_drained_busy_powered_down_and_unreachable_nodes_are_not_asked() {
        for state in ["idle", "mixed", "reserved", "planned"] {
            assert_eq!(node("n", state).unavailable(), None, "{state}");
        }
        let why = |state: &str| node("n", state).unavailable().unwrap_or_else(|| panic!("{state} is asked"));
        assert_eq!(why("down*"), "down, not responding");
        assert_eq!(why("idle~"), "idle, powered down");
        assert_eq!(why("allocated"), "allocated to other jobs");
        assert_eq!(why("mixed@"), "mixed, about to reboot");
        for state in ["down", "drained", "draining", "fail", "unknown*", "powered_down", "idle#", "idle$"] {
            why(state);
        }
    }

    #[test]
    fn labelled_output_is_split_by_task_and_named_by_node() {
        let report = serde_json::to_string_pretty(&Report::new(gpuwise_core::System::default())).unwrap();
        let labelled = |task: &str, text: &str| text.lines().map(|l| format!("{task}: {l}\n")).collect::<String>();
        let stdout = format!(
            "{}{}{}{}",
            labelled(" 0", &format!("{NODE_MARK}node1")),
            labelled(" 1", &format!("{NODE_MARK}node2")),
            // srun cuts long lines and labels the rest: even inside a string, the report reads back.
            labelled(" 0", &report.replacen("schema_version", "schema_ver\nsion", 1)),
            labelled(" 2", &format!("{NODE_MARK}node3")),
        );
        let stderr = "2: sh: 1: exec: /shared/gpuwise: not found\nsrun: error: node3: task 2: Exited with exit code 127\n\
                      srun: error: node4: unable to start its task\nsrun: error: node40: task 7: Killed\n";
        let tasks = Tasks::read(&stdout, stderr);
        let gpuwise = Path::new("/shared/gpuwise");
        assert!(tasks.answer("node1", gpuwise, 60).report.is_ok());
        assert_eq!(tasks.answer("node2", gpuwise, 60).report.unwrap_err(), "it printed nothing");
        assert!(
            tasks
                .answer("node3", gpuwise, 60)
                .report
                .unwrap_err()
                .starts_with("gpuwise is not at /shared/gpuwise on this node")
        );
        assert_eq!(
            tasks.answer("node4", gpuwise, 60).report.unwrap_err(),
            "srun: error: node4: unable to start its task"
        );
    }

    #[test]
    fn a_report_of_another_schema_is_named() {
        let mut report = serde_json::to_value(Report::new(gpuwise_core::System::default())).unwrap();
        report["schema_version"] = 2.into();
        let err = read_report(&report.to_string()).unwrap_err();
        assert!(err.starts_with("its report has schema version 2, this gpuwise reads 1"), "{err}");
        assert!(
            read_report("Traceback (most recent call last):").unwrap_err().starts_with("its output is not a report")
        );
    }

    #[test]
    fn two_workers_on_one_host_keep_distinct_names() {
        let answers = vec![
            NodeAnswer { name: "gpu1".into(), report: Err("x".into()) },
            NodeAnswer { name: "gpu1".into(), report: Err("y".into()) },
        ];
        let names: Vec<String> = distinct_names(answers).into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["gpu1", "gpu1 #2"]);
    }
}
