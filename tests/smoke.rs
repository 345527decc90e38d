mod common;
use common::*;
use tlb_harness::{MemTiming, PteFlags};
use tlb_sim::{Access, PageLevel};

#[test]
fn smoke_map_translate_hit() {
    let (mut ls, root) = setup("smoke_map_translate_hit", MemTiming::default());
    let (pt, mem) = ls.tables();
    pt.map(mem, root, 0x4000, PageLevel::Page4K, 0x1234, PteFlags::URW);
    let r = ok(ls.translate(0x4abc, Access::Load, true));
    assert!(!r.fault && !r.hit, "{r:?}");
    assert_eq!(r.paddr, 0x1234abc);
    let r = ok(ls.translate(0x4ff8, Access::Store, true));
    assert!(!r.fault && r.hit, "{r:?}");
    assert_eq!(r.paddr, 0x1234ff8);
    println!("{:?}", ls.stats());
}
