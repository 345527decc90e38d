// SPDX-License-Identifier: Apache-2.0
//! Fields packed into the 32-bit words of a wide port (first field in the least
//! significant bits), as the wrapper top lays them out.

/// Packs fields (first in the least significant bits) into 32-bit words.
pub fn pack(fields: impl IntoIterator<Item = (u32, u64)>, words: &mut [u32]) {
    words.fill(0);
    let mut bit = 0u32;
    for (width, value) in fields {
        put_bits(words, bit, width, value);
        bit += width;
    }
}

/// ORs `value` (`width` bits, at most 64) into `words` from bit `lo` on (the bits there are
/// zero).
pub fn put_bits(words: &mut [u32], lo: u32, width: u32, value: u64) {
    let value = if width == 64 { value } else { value & ((1u64 << width) - 1) };
    let (w, sh) = ((lo / 32) as usize, lo % 32);
    let wide = (value as u128) << sh;
    for k in 0..3 {
        if w + k < words.len() {
            words[w + k] |= (wide >> (32 * k)) as u32;
        }
    }
}

/// The `width` bits (at most 64) of `words` from bit `lo` on.
pub fn get_bits(words: &[u32], lo: u32, width: u32) -> u64 {
    let (w, sh) = ((lo / 32) as usize, lo % 32);
    let mut wide = 0u128;
    for j in 0..3 {
        if w + j < words.len() {
            wide |= (words[w + j] as u128) << (32 * j);
        }
    }
    let v = (wide >> sh) as u64;
    if width == 64 {
        v
    } else {
        v & ((1u64 << width) - 1)
    }
}

/// Unpacks consecutive fields of the given widths (first field lowest).
pub fn unpack(words: &[u32], widths: impl IntoIterator<Item = u32>) -> Vec<u64> {
    let mut bit = 0u32;
    widths
        .into_iter()
        .map(|width| {
            let v = get_bits(words, bit, width);
            bit += width;
            v
        })
        .collect()
}
