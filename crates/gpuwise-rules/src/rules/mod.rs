//! Every rule, one per file, named by code and subject.

mod gw1001_driver_skew;
mod gw1002_fewer_gpus;
mod gw1003_mig_layout_differs;
mod gw1004_framework_differs;
mod gw1005_node_did_not_answer;
mod gw101_no_nvidia_gpu;
mod gw102_driver_not_loaded;
mod gw103_driver_libraries_missing;
mod gw104_libcuda_missing;
mod gw105_nvml_missing;
mod gw106_version_mismatch;
mod gw107_device_node_permission;
mod gw108_uvm_missing;
mod gw109_container_without_gpu;
mod gw110_container_without_compute;
mod gw111_cuda_init_failed;
mod gw112_device_errors;
mod gw113_mig_without_instances;
mod gw114_amd_gpu;
mod gw115_wsl_without_cuda;
mod gw116_driver_cuda_ceiling;
mod gw117_nvml_failed;
mod gw201_cvd_empty;
mod gw202_cvd_truncated;
mod gw203_cvd_uuid_unmatched;
mod gw204_cvd_duplicate;
mod gw205_cuda_index_differs;
mod gw206_mixed_models_default_order;
mod gw207_unknown_device_order;
mod gw208_variable_not_utf8;
mod gw209_extra_mig_instances;
mod gw210_nvidia_visible_devices;
mod gw301_not_a_cuda_build;
mod gw302_driver_too_old_for_build;
mod gw303_gpu_not_in_build;
mod gw304_cuda_wheels_unmet;
mod gw305_cuda_libraries_not_found;
mod gw306_known_incompatible_versions;
mod gw401_tensorflow_native_windows;
mod gw501_jax_platforms;
mod gw601_several_cupy_wheels;
mod gw611_numba_cuda_disabled;
mod gw701_cuda_jl_no_toolkit_for_driver;
mod gw702_cuda_jl_pinned_toolkit;
mod gw703_cuda_jl_local_toolkit_missing;
mod gw704_cuda_jl_toolkit_not_downloaded;
mod gw705_cuda_jl_not_installed;
mod gw706_cuda_jl_gpu_unsupported;
mod gw707_flux_without_cuda;
mod gw708_manifest_other_julia;
mod gw709_julia_unusable;
mod gw710_julia_files_unreadable;
mod gw801_interpreter_unusable;
mod gw802_unreadable_packages;
mod gw803_mixed_cuda_majors;
mod gw804_ld_library_path_shadows;
mod gw810_kernelspec_unusable;
mod gw811_kernel_other_interpreter;
mod gw812_kernel_env_hides_gpus;
mod gw813_kernel_interpreter_unknown;
mod gw814_kernel_module_missing;
mod gw901_pcie_degraded;
mod gw902_memory_nearly_full;
mod gw903_memory_held_by_processes;
mod gw904_slow_fp64;
mod gw905_persistence_off;

use crate::Rule;

/// Every rule, in code order.
pub static ALL: &[Rule] = &[
    gw101_no_nvidia_gpu::RULE,
    gw102_driver_not_loaded::RULE,
    gw103_driver_libraries_missing::RULE,
    gw104_libcuda_missing::RULE,
    gw105_nvml_missing::RULE,
    gw106_version_mismatch::RULE,
    gw107_device_node_permission::RULE,
    gw108_uvm_missing::RULE,
    gw109_container_without_gpu::RULE,
    gw110_container_without_compute::RULE,
    gw111_cuda_init_failed::RULE,
    gw112_device_errors::RULE,
    gw113_mig_without_instances::RULE,
    gw114_amd_gpu::RULE,
    gw115_wsl_without_cuda::RULE,
    gw116_driver_cuda_ceiling::RULE,
    gw117_nvml_failed::RULE,
    gw201_cvd_empty::RULE,
    gw202_cvd_truncated::RULE,
    gw203_cvd_uuid_unmatched::RULE,
    gw204_cvd_duplicate::RULE,
    gw205_cuda_index_differs::RULE,
    gw206_mixed_models_default_order::RULE,
    gw207_unknown_device_order::RULE,
    gw208_variable_not_utf8::RULE,
    gw209_extra_mig_instances::RULE,
    gw210_nvidia_visible_devices::RULE,
    gw301_not_a_cuda_build::RULE,
    gw302_driver_too_old_for_build::RULE,
    gw303_gpu_not_in_build::RULE,
    gw304_cuda_wheels_unmet::RULE,
    gw305_cuda_libraries_not_found::RULE,
    gw306_known_incompatible_versions::RULE,
    gw401_tensorflow_native_windows::RULE,
    gw501_jax_platforms::RULE,
    gw601_several_cupy_wheels::RULE,
    gw611_numba_cuda_disabled::RULE,
    gw701_cuda_jl_no_toolkit_for_driver::RULE,
    gw702_cuda_jl_pinned_toolkit::RULE,
    gw703_cuda_jl_local_toolkit_missing::RULE,
    gw704_cuda_jl_toolkit_not_downloaded::RULE,
    gw705_cuda_jl_not_installed::RULE,
    gw706_cuda_jl_gpu_unsupported::RULE,
    gw707_flux_without_cuda::RULE,
    gw708_manifest_other_julia::RULE,
    gw709_julia_unusable::RULE,
    gw710_julia_files_unreadable::RULE,
    gw801_interpreter_unusable::RULE,
    gw802_unreadable_packages::RULE,
    gw803_mixed_cuda_majors::RULE,
    gw804_ld_library_path_shadows::RULE,
    gw810_kernelspec_unusable::RULE,
    gw811_kernel_other_interpreter::RULE,
    gw812_kernel_env_hides_gpus::RULE,
    gw813_kernel_interpreter_unknown::RULE,
    gw814_kernel_module_missing::RULE,
    gw901_pcie_degraded::RULE,
    gw902_memory_nearly_full::RULE,
    gw903_memory_held_by_processes::RULE,
    gw904_slow_fp64::RULE,
    gw905_persistence_off::RULE,
    gw1001_driver_skew::RULE,
    gw1002_fewer_gpus::RULE,
    gw1003_mig_layout_differs::RULE,
    gw1004_framework_differs::RULE,
    gw1005_node_did_not_answer::RULE,
];
