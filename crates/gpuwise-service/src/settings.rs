//! Settings read from the environment, checked before any service probes.

use gpuwise_core::Variables;

/// A gpuwise setting in the environment that cannot be used.
pub type BadSettings = gpuwise_probe::BadTimeout;

/// `Err` naming the first gpuwise setting in `vars` that cannot be used (a
/// `GPUWISE_PROBE_TIMEOUT` that is not positive seconds). Every front end checks this before it
/// runs a service.
pub fn check_settings(vars: &Variables) -> Result<(), BadSettings> {
    gpuwise_probe::probe_timeout_setting(vars.get("GPUWISE_PROBE_TIMEOUT")).map(drop)
}
