//! Host buffers for the CPU kernels, in memory advised for transparent huge pages before it is
//! first touched, as numpy advises every array of 4 MiB or more. The CPU baseline then pays the
//! same TLB costs as the user's own arrays (at 2048² f64 numpy's products run about 9% slower on
//! 4 KiB pages on the development machine). Where the kernel's setting is `never`, or on other
//! systems, the advice does nothing.

use std::mem::MaybeUninit;

/// numpy's threshold for asking for huge pages.
const HUGE_FROM_BYTES: usize = 4 << 20;

/// `len` zeros.
pub fn zeroed<T: Copy + Default>(len: usize) -> Vec<T> {
    let mut buffer = Vec::with_capacity(len);
    advise_huge_pages(buffer.spare_capacity_mut());
    buffer.resize(len, T::default());
    buffer
}

/// A copy of `values`.
pub fn copy_of<T: Copy>(values: &[T]) -> Vec<T> {
    let mut buffer = Vec::with_capacity(values.len());
    advise_huge_pages(buffer.spare_capacity_mut());
    buffer.extend_from_slice(values);
    buffer
}

/// Asks for huge pages over the whole pages inside `memory` (not yet written) when it is large.
fn advise_huge_pages<T>(memory: &mut [MaybeUninit<T>]) {
    let bytes = size_of_val(memory);
    if bytes < HUGE_FROM_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let page = rustix::param::page_size();
        let start = memory.as_mut_ptr() as usize;
        let first = start.next_multiple_of(page);
        let length = (start + bytes).saturating_sub(first) / page * page;
        // SAFETY: the range is whole pages inside this allocation; the advice changes no
        // contents. A refusal (an old kernel, huge pages off) only leaves 4 KiB pages.
        let _ =
            unsafe { rustix::mm::madvise(first as *mut std::ffi::c_void, length, rustix::mm::Advice::LinuxHugepage) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_hold_what_they_were_made_with() {
        let values: Vec<f64> = (0..(1 << 20)).map(f64::from).collect();
        assert_eq!(copy_of(&values), values);
        assert!(zeroed::<f32>(3 << 20).iter().all(|&v| v == 0.0));
        assert_eq!(copy_of(&[1.5f32, 2.5]), [1.5, 2.5]);
    }
}
