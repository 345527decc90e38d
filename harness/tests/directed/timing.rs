// SPDX-License-Identifier: Apache-2.0
//! The timing contract of docs/timing.md: cycles from acceptance to the answer.

use super::*;

/// Cycles from acceptance to the answer, with a memory that always accepts and answers
/// after exactly `lat` cycles: hit 1; a walk of n levels 2 + n*(1+lat) (the miss is known,
/// and the walk starts, in the cycle after acceptance); a non-canonical address 1.
fn latencies_match_the_timing_contract(lat: u64) {
    let name = format!("latencies_match_the_timing_contract_{lat}");
    let (mut ls, root) = setup(&name, MemTiming::fixed(lat as u32));
    map(&mut ls, root, 0x1000, PageLevel::Page4K, 0x10, URWAD);
    map(&mut ls, root, 0x4000_0000, PageLevel::Page2M, 0x200, URWAD);
    map(&mut ls, root, 0x8000_0000, PageLevel::Page1G, 0x40000, URWAD);
    let took = |r: tlb_harness::Response| r.cycle - r.accepted;
    for (va, levels) in [(0x1000u64, 3u64), (0x4000_0000, 2), (0x8000_0000, 1), (0xc000_0000, 1)] {
        let r = ok(ls.translate(va, A, U));
        assert_eq!(took(r), 2 + levels * (1 + lat), "walk of {levels} levels, latency {lat}: {r:?}");
        if va != 0xc000_0000 {
            assert_eq!(took(ok(ls.translate(va + 8, A, U))), 1, "hit");
        }
    }
    assert_eq!(took(ok(ls.translate(0x8000_0000_0000_0000, A, U))), 1, "non-canonical");
}

cases! { latencies_match_the_timing_contract: latency_1(1), latency_2(2), latency_5(5), latency_13(13) }
