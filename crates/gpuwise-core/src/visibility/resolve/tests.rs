use crate::{Clocks, DeviceOrder, MigDevice};
use proptest::prelude::*;

use super::*;
use crate::VarValue;

fn gpu(index: u32, uuid: &str, name: &str, sms: u32) -> Device {
    Device {
        index,
        uuid: uuid.into(),
        name: name.into(),
        compute_capability: Some("8.6".into()),
        multiprocessors: Some(sms),
        clocks: Some(Clocks { max_sm_mhz: Some(1800), ..Clocks::default() }),
        ..Device::default()
    }
}

/// nvidia-smi order: a slow card on the first bus, a fast one on the second.
fn mixed() -> System {
    System {
        devices: vec![
            gpu(0, "GPU-aaaa1111-0000-0000-0000-000000000000", "NVIDIA GeForce RTX 3060", 28),
            gpu(1, "GPU-bbbb2222-0000-0000-0000-000000000000", "NVIDIA GeForce RTX 3090", 82),
        ],
        ..System::default()
    }
}

fn identical(count: u32) -> System {
    let devices = (0..count)
        .map(|i| gpu(i, &format!("GPU-{i:08x}-1111-2222-3333-444444444444"), "NVIDIA A100-SXM4-80GB", 108))
        .collect();
    System { devices, ..System::default() }
}

fn vars(cvd: Option<&str>, order: Option<&str>) -> Variables {
    Variables {
        cuda_visible_devices: cvd.map(VarValue::new),
        cuda_device_order: order.map(VarValue::new),
        ..Variables::default()
    }
}

fn visible_nvml(system: &System, cvd: Option<&str>, order: Option<&str>) -> Vec<u32> {
    resolve(system, &vars(cvd, order)).devices.iter().map(|d| d.nvml_index).collect()
}

fn statuses(system: &System, cvd: &str) -> Vec<EntryStatus> {
    resolve(system, &vars(Some(cvd), Some("PCI_BUS_ID"))).entries.iter().map(|e| e.status).collect()
}

#[test]
fn unset_shows_all_and_empty_hides_all() {
    let system = identical(4);
    assert_eq!(visible_nvml(&system, None, None), [0, 1, 2, 3]);
    assert_eq!(visible_nvml(&system, Some(""), None), Vec::<u32>::new());
}

#[test]
fn entries_are_enumerated_in_the_order_given() {
    assert_eq!(visible_nvml(&identical(4), Some("2,1"), None), [2, 1]);
    let vis = resolve(&identical(4), &vars(Some("2,1"), None));
    assert_eq!(vis.devices[0].cuda_index, 0);
    assert_eq!(vis.devices[0].nvml_index, 2);
}

#[test]
fn first_invalid_entry_truncates_the_list() {
    let system = identical(4);
    assert_eq!(visible_nvml(&system, Some("0,2,-1,1"), None), [0, 2]);
    assert_eq!(
        statuses(&system, "0,2,-1,1"),
        [EntryStatus::Selected, EntryStatus::Selected, EntryStatus::Invalid, EntryStatus::Ignored]
    );
    assert_eq!(visible_nvml(&system, Some("1,7,2"), None), [1]);
    assert_eq!(statuses(&system, "1,7,2")[1], EntryStatus::OutOfRange);
    assert_eq!(visible_nvml(&system, Some("1,,2"), None), [1]);
    assert_eq!(visible_nvml(&system, Some("1,GPU-00000000,2"), None), [1]);
}

#[test]
fn indices_read_like_strtoul() {
    let system = identical(4);
    assert_eq!(visible_nvml(&system, Some(" 1 , 2gpu,+3"), None), [1, 2, 3]);
    assert_eq!(visible_nvml(&system, Some("99999999999999999999999"), None), Vec::<u32>::new());
    assert_eq!(statuses(&system, "99999999999999999999999"), [EntryStatus::OutOfRange]);
    assert_eq!(visible_nvml(&system, Some("gpu0"), None), Vec::<u32>::new());
    assert_eq!(visible_nvml(&system, Some("-0,1"), None), [0, 1], "strtoul reads -0 as 0");
    assert_eq!(visible_nvml(&system, Some("\u{a0}1"), None), Vec::<u32>::new(), "no-break space is not C whitespace");
    assert_eq!(visible_nvml(&system, Some("\t2"), None), [2]);
}

#[test]
fn a_repeated_device_hides_every_device() {
    let system = identical(4);
    assert_eq!(visible_nvml(&system, Some("0,1,0"), None), Vec::<u32>::new());
    assert_eq!(statuses(&system, "0,1,0")[2], EntryStatus::Duplicate);
    // A repeat is found before indices are checked against the devices, as in CUDA.
    assert_eq!(visible_nvml(&system, Some("0,7,0"), None), Vec::<u32>::new());
    assert_eq!(visible_nvml(&system, Some("GPU-00000001,GPU-00000001-1111"), None), Vec::<u32>::new());
}

#[test]
fn uuids_and_unique_prefixes_select_devices() {
    let system = mixed();
    assert_eq!(visible_nvml(&system, Some("GPU-bbbb2222-0000-0000-0000-000000000000"), None), [1]);
    assert_eq!(visible_nvml(&system, Some("GPU-bbbb,GPU-aaaa"), None), [1, 0]);
    assert_eq!(visible_nvml(&system, Some("GPU-cccc,GPU-aaaa"), None), Vec::<u32>::new());
    assert_eq!(statuses(&system, "GPU-cccc,GPU-aaaa"), [EntryStatus::NoMatch, EntryStatus::Ignored]);
    // `GPU-` alone is no prefix (libcuda on a one-GPU H200 showed no device), so the list stops there.
    assert_eq!(statuses(&system, "GPU-"), [EntryStatus::Invalid]);
    assert_eq!(visible_nvml(&system, Some("GPU-"), None), Vec::<u32>::new());
    assert_eq!(visible_nvml(&system, Some("GPU-aaaa,GPU-"), None), [0]);
    // After a UUID, an index is of another form and ends the list.
    assert_eq!(visible_nvml(&system, Some("GPU-aaaa,1"), None), [0]);
}

#[test]
fn pci_order_follows_nvidia_smi_and_fastest_first_puts_the_fast_card_first() {
    let system = mixed();
    assert_eq!(visible_nvml(&system, None, Some("PCI_BUS_ID")), [0, 1]);
    let fastest = resolve(&system, &vars(None, None));
    assert!(fastest.order_inferred);
    assert_eq!(fastest.devices.iter().map(|d| d.nvml_index).collect::<Vec<_>>(), [1, 0]);
    // Index 0 under the default order is the 3090, nvidia-smi's GPU 1.
    assert_eq!(visible_nvml(&system, Some("0"), None), [1]);
    assert_eq!(visible_nvml(&system, Some("0"), Some("PCI_BUS_ID")), [0]);
    // An unknown order value falls back to CUDA's default.
    assert_eq!(resolve(&system, &vars(None, Some("pci_bus_id"))).device_order, DeviceOrder::FastestFirst);
}

#[test]
fn a_recorded_cuda_order_wins_over_the_inference() {
    let mut system = mixed();
    system.devices[0].cuda_default_index = Some(0);
    system.devices[1].cuda_default_index = Some(1);
    let vis = resolve(&system, &vars(None, None));
    assert!(!vis.order_inferred);
    assert_eq!(vis.devices.iter().map(|d| d.nvml_index).collect::<Vec<_>>(), [0, 1]);
}

fn mig_system() -> System {
    let mut a100 = gpu(0, "GPU-5fd4a1b2-0000-0000-0000-000000000000", "NVIDIA A100-SXM4-40GB", 108);
    a100.mig = true;
    a100.mig_devices = vec![
        MigDevice {
            uuid: "MIG-11111111-aaaa-5555-8888-000000000001".into(),
            name: Some("3g.20gb".into()),
            gpu_instance_id: Some(1),
            compute_instance_id: Some(0),
            ..MigDevice::default()
        },
        MigDevice {
            uuid: "MIG-22222222-bbbb-5555-8888-000000000002".into(),
            name: Some("3g.20gb".into()),
            gpu_instance_id: Some(2),
            compute_instance_id: Some(0),
            ..MigDevice::default()
        },
    ];
    let t4 = gpu(1, "GPU-77777777-0000-0000-0000-000000000000", "Tesla T4", 40);
    System { devices: vec![a100, t4], ..System::default() }
}

#[test]
fn mig_instances_are_devices_and_only_one_is_enumerated() {
    let system = mig_system();
    let vis = resolve(&system, &vars(Some("MIG-22222222"), None));
    assert_eq!(vis.visible, ["MIG-22222222-bbbb-5555-8888-000000000002"]);
    assert_eq!(vis.devices[0].name, "NVIDIA A100-SXM4-40GB MIG 3g.20gb");
    let old_form = resolve(&system, &vars(Some("MIG-GPU-5fd4a1b2-0000-0000-0000-000000000000/1/0"), None));
    assert_eq!(old_form.visible, ["MIG-11111111-aaaa-5555-8888-000000000001"]);
    let two = resolve(&system, &vars(Some("MIG-11111111,MIG-22222222"), None));
    assert_eq!(two.visible.len(), 1);
    assert_eq!(two.entries[1].status, EntryStatus::ExtraMig);
    let unset = resolve(&system, &vars(None, Some("PCI_BUS_ID")));
    assert_eq!(unset.visible, ["MIG-11111111-aaaa-5555-8888-000000000001", "GPU-77777777-0000-0000-0000-000000000000"]);
}

#[test]
fn a_gpu_cuda_did_not_enumerate_is_left_out() {
    let mut system = identical(3);
    system.devices[0].cuda_default_index = Some(0);
    system.devices[2].cuda_default_index = Some(1);
    assert_eq!(visible_nvml(&system, None, None), [0, 2], "GPU 1 (lost) has no CUDA index");
    assert_eq!(visible_nvml(&system, Some("1"), Some("PCI_BUS_ID")), [2]);
}

#[test]
fn a_mig_gpu_without_instances_offers_nothing() {
    let mut system = mig_system();
    system.devices[0].mig_devices.clear();
    assert_eq!(visible_nvml(&system, None, Some("PCI_BUS_ID")), [1]);
}

#[test]
fn absurdly_long_values_are_handled_quickly() {
    let system = identical(8);
    let many: String = (0..200_000).map(|i| (i % 8).to_string()).collect::<Vec<_>>().join(",");
    let vis = resolve(&system, &vars(Some(&many), None));
    assert!(vis.visible.is_empty(), "the ninth entry repeats the first");
    assert_eq!(vis.entries.len(), 200_000);
    let junk = "\u{202e}GPU-\0,".repeat(50_000);
    assert!(resolve(&system, &vars(Some(&junk), None)).visible.is_empty());
}

proptest! {
    #[test]
    fn never_panics_and_stays_consistent(text in ".{0,40}", gpus in 0u32..5) {
        let system = identical(gpus);
        let vis = resolve(&system, &vars(Some(&text), None));
        prop_assert!(vis.visible.len() <= gpus as usize);
        let mut unique = vis.visible.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), vis.visible.len());
        if !text.is_empty() {
            prop_assert_eq!(vis.entries.len(), text.split(',').count());
        }
        let selected = vis.entries.iter().filter(|e| e.status == EntryStatus::Selected).count();
        let duplicate = vis.entries.iter().any(|e| e.status == EntryStatus::Duplicate);
        prop_assert_eq!(vis.visible.len(), if duplicate { 0 } else { selected });
    }

    #[test]
    fn entries_after_a_stop_change_nothing(head in "[0-9, ]{0,12}", tail in ".{0,20}") {
        let system = identical(4);
        let stopped = format!("{head},-1");
        let extended = format!("{stopped},{tail}");
        prop_assert_eq!(
            visible_nvml(&system, Some(&stopped), None),
            visible_nvml(&system, Some(&extended), None)
        );
    }

    #[test]
    fn index_lists_of_distinct_valid_devices_are_kept_in_order(order in Just(vec![0u32, 1, 2, 3]).prop_shuffle(), take in 1usize..=4) {
        let chosen = &order[..take];
        let text = chosen.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        prop_assert_eq!(visible_nvml(&identical(4), Some(&text), None), chosen.to_vec());
    }
}
