//! The multi-core system: protocol basics, in lockstep with the oracle's central property
//! checked on every answer (once a sync completes, no core answers from a mapping its
//! invalidations retired).

mod common;
use common::*;
use tlb_harness::system::Command;
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::fabric::SysConfig;
use tlb_sim::{Access, InvalKind, PageLevel};

const L: Access = Access::Load;

#[test]
fn smoke_shootdown_reaches_every_core_running_the_asid() {
    let mut s = sys_setup("smoke_shootdown_reaches_every_core_running_the_asid", SysConfig::default(), MemTiming::default());
    let root = s.tables.alloc_table();
    { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x11, PteFlags::URW); }
    cmd_ok(&mut s, 0, Command::SetAttrs { asid: 1, root, pm: 0 });
    cmd_ok(&mut s, 0, Command::Sync);
    for c in 0..4 {
        cmd_ok(&mut s, c, Command::Switch(1));
        assert_eq!(ok(s.translate(c, 0x1000, L, true)).paddr, 0x11000);
        assert!(ok(s.translate(c, 0x1008, L, true)).hit);
    }
    { let (pt, mem) = s.tables(); pt.map(mem, root, 0x1000, PageLevel::Page4K, 0x22, PteFlags::URW); }
    let post = cmd_ok(&mut s, 2, Command::Post { kind: InvalKind::VaAsid, asid: 1, vaddr: 0x1000, npages: 0 });
    let sync = cmd_ok(&mut s, 2, Command::Sync);
    println!("post accepted {} done {}; sync accepted {} done {}", post.accepted, post.done, sync.accepted, sync.done);
    for c in 0..4 {
        let r = ok(s.translate(c, 0x1000, L, true));
        assert_eq!((r.paddr, r.hit), (0x22000, false), "core {c}");
    }
    let cnt = s.outputs().cnt;
    assert_eq!((cnt.posted, cnt.targets, cnt.skipped), (2, 4, 4), "{cnt:?}");
}
