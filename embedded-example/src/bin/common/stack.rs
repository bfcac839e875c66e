//! Measurements a firmware reports about itself: its `.text` size, from
//! the symbols cortex-m-rt's link.x puts at the start and end of `.text`,
//! and its peak stack use, by stack painting.

use core::ptr::addr_of;

/// The free stack is filled with this word at boot; the lowest word no
/// longer holding it is the stack's high-water mark.
const PAINT: u32 = 0xDEAD_BEEF;

unsafe extern "C" {
    /// cortex-m-rt: the lowest address the stack may grow to (end of .bss).
    static _stack_end: u32;
    /// cortex-m-rt: the initial stack pointer (top of RAM).
    static _stack_start: u32;
    /// cortex-m-rt's link.x: the first byte of `.text`.
    static __stext: u8;
    /// cortex-m-rt's link.x: one past the last byte of `.text`.
    static __etext: u8;
}

/// The size of this firmware's `.text` section, in bytes.
pub fn text_size() -> usize {
    addr_of!(__etext) as usize - addr_of!(__stext) as usize
}

/// Fills the free stack below the caller's frame with [`PAINT`]. Call it
/// first thing in `main`.
#[inline(never)]
pub fn paint() {
    let bottom = addr_of!(_stack_end) as usize;
    // Leave a margin below this function's own frame.
    let top = cortex_m::register::msp::read() as usize - 64;
    let mut p = bottom;
    while p < top {
        // SAFETY: [bottom, top) is RAM below the live stack that nothing
        // else uses: there is no heap, and .bss ends at `_stack_end`.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// The most stack used since boot, in bytes: from the top of RAM down to
/// the lowest word no longer holding [`PAINT`].
pub fn high_water() -> usize {
    let bottom = addr_of!(_stack_end) as usize;
    let top = addr_of!(_stack_start) as usize;
    let mut p = bottom;
    // SAFETY: reads of RAM between the end of .bss and the stack top.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    top - p
}
