// SPDX-License-Identifier: Apache-2.0
//! Mirror of `rtl/tlb_pkg.sv`: Sv39 geometry, entry and PTE layouts, and the pure functions
//! (coverage, alignment, permission check) both sides share by specification.

/// Physical address width.
pub const PA_BITS: u32 = 56;
/// Physical page number width.
pub const PPN_BITS: u32 = 44;
/// ASID width.
pub const ASID_BITS: u32 = 16;
/// Largest legal `Entries` parameter.
pub const MAX_ENTRIES: usize = 64;

pub const PPN_MASK: u64 = (1 << PPN_BITS) - 1;
pub const VPN_MASK: u64 = (1 << 27) - 1;

/// Page size of an entry, as the walk level it ended at (`page_level_e`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PageLevel {
    #[default]
    Page4K = 0,
    Page2M = 1,
    Page1G = 2,
}

impl PageLevel {
    pub fn from_level(level: u8) -> PageLevel {
        match level {
            0 => PageLevel::Page4K,
            1 => PageLevel::Page2M,
            _ => PageLevel::Page1G,
        }
    }
    /// Bytes covered by one page of this size.
    pub fn bytes(self) -> u64 {
        1 << (12 + 9 * self as u32)
    }
}

/// Access type of a request (`access_e`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    Load = 0,
    Store = 1,
    Fetch = 2,
}

impl Access {
    /// Decodes the 2-bit port value; 3 is not a defined access and reads as a load, as the
    /// RTL's `default` arm does.
    pub fn from_bits(bits: u8) -> Access {
        match bits & 3 {
            1 => Access::Store,
            2 => Access::Fetch,
            _ => Access::Load,
        }
    }
}

/// Invalidation kinds (`inval_kind_e`). Unknown 3-bit values act as [`InvalKind::All`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InvalKind {
    All = 0,
    Asid = 1,
    Va = 2,
    VaAsid = 3,
    /// Pages `va .. va + (npages+1)*4KiB` of one ASID, global entries kept.
    RangeAsid = 4,
}

impl InvalKind {
    pub fn from_bits(bits: u8) -> InvalKind {
        match bits & 7 {
            1 => InvalKind::Asid,
            2 => InvalKind::Va,
            3 => InvalKind::VaAsid,
            4 => InvalKind::RangeAsid,
            _ => InvalKind::All,
        }
    }
    /// Whether the kind names one ASID (and keeps global entries).
    pub fn asid_scoped(self) -> bool {
        matches!(self, InvalKind::Asid | InvalKind::VaAsid | InvalKind::RangeAsid)
    }
}

/// Pointer masking (`pm_mode_e`): how many top VA bits are ignored. 3 reads as off.
pub fn pm_len(pm: u8) -> u32 {
    match pm & 3 {
        1 => 7,
        2 => 16,
        _ => 0,
    }
}

/// The VA after pointer masking: the top `pm_len` bits replaced by copies of the highest
/// kept bit (`pm_high` in the RTL).
pub fn pm_apply(vaddr: u64, pm: u8) -> u64 {
    let len = pm_len(pm);
    if len == 0 {
        vaddr
    } else {
        (((vaddr << len) as i64) >> len) as u64
    }
}

/// Last page of an entry of size `level` starting at (aligned) `vpn`.
pub fn vpn_last(level: PageLevel, vpn: u64) -> u64 {
    vpn | ((level.bytes() >> 12) - 1)
}

/// One TLB entry (`tlb_entry_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TlbEntry {
    pub valid: bool,
    pub asid: u16,
    pub g: bool,
    pub level: PageLevel,
    pub vpn: u64,
    pub ppn: u64,
    pub r: bool,
    pub w: bool,
    pub x: bool,
    pub u: bool,
    pub d: bool,
}

impl TlbEntry {
    /// The packed 96-bit image, MSB first as `tlb_entry_t` declares it, low 64 bits and high
    /// 32 bits. Used for waveforms so the model's `entries_q` reads like the RTL's.
    pub fn packed(&self) -> u128 {
        let mut v: u128 = self.valid as u128;
        v = (v << 16) | self.asid as u128;
        v = (v << 1) | self.g as u128;
        v = (v << 2) | self.level as u128;
        v = (v << 27) | (self.vpn & VPN_MASK) as u128;
        v = (v << 44) | (self.ppn & PPN_MASK) as u128;
        for b in [self.r, self.w, self.x, self.u, self.d] {
            v = (v << 1) | b as u128;
        }
        v
    }
}

/// A raw Sv39 PTE (`pte_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pte(pub u64);

impl Pte {
    pub const V: u64 = 1 << 0;
    pub const R: u64 = 1 << 1;
    pub const W: u64 = 1 << 2;
    pub const X: u64 = 1 << 3;
    pub const U: u64 = 1 << 4;
    pub const G: u64 = 1 << 5;
    pub const A: u64 = 1 << 6;
    pub const D: u64 = 1 << 7;

    pub fn v(self) -> bool {
        self.0 & Self::V != 0
    }
    pub fn r(self) -> bool {
        self.0 & Self::R != 0
    }
    pub fn w(self) -> bool {
        self.0 & Self::W != 0
    }
    pub fn x(self) -> bool {
        self.0 & Self::X != 0
    }
    pub fn u(self) -> bool {
        self.0 & Self::U != 0
    }
    pub fn g(self) -> bool {
        self.0 & Self::G != 0
    }
    pub fn a(self) -> bool {
        self.0 & Self::A != 0
    }
    pub fn d(self) -> bool {
        self.0 & Self::D != 0
    }
    pub fn ppn(self) -> u64 {
        (self.0 >> 10) & PPN_MASK
    }
    pub fn reserved(self) -> u64 {
        self.0 >> 54
    }

    /// Builds a PTE from a PPN and flag bits.
    pub fn new(ppn: u64, flags: u64) -> Pte {
        Pte(((ppn & PPN_MASK) << 10) | (flags & 0x3ff))
    }

    /// Step 3 of the privileged spec's walk, plus the reserved bits 63:54.
    pub fn is_bad(self) -> bool {
        !self.v() || (!self.r() && self.w()) || self.reserved() != 0
    }
    pub fn is_leaf(self) -> bool {
        self.r() || self.x()
    }
    /// A superpage leaf whose PPN is not aligned to its size.
    pub fn is_misaligned(self, level: u8) -> bool {
        match level {
            1 => self.ppn() & 0x1ff != 0,
            2 => self.ppn() & 0x3ffff != 0,
            _ => false,
        }
    }
}

/// VPN field `lvl` of a VPN.
pub fn vpn_part(vpn: u64, lvl: u8) -> u64 {
    (vpn >> (9 * lvl as u32)) & 0x1ff
}

/// The 27-bit VPN of a virtual address (bits 38:12).
pub fn va_vpn(vaddr: u64) -> u64 {
    (vaddr >> 12) & VPN_MASK
}

/// Whether an entry of size `level` and page number `entry_vpn` covers `vpn`.
pub fn vpn_covers(level: PageLevel, entry_vpn: u64, vpn: u64) -> bool {
    let m2 = (entry_vpn >> 18) & 0x1ff == (vpn >> 18) & 0x1ff;
    let m1 = level == PageLevel::Page1G || (entry_vpn >> 9) & 0x1ff == (vpn >> 9) & 0x1ff;
    let m0 = level != PageLevel::Page4K || entry_vpn & 0x1ff == vpn & 0x1ff;
    m2 && m1 && m0
}

/// Clears the VPN bits below the page size.
pub fn vpn_align(level: PageLevel, vpn: u64) -> u64 {
    match level {
        PageLevel::Page4K => vpn,
        PageLevel::Page2M => vpn & !0x1ff,
        PageLevel::Page1G => vpn & !0x3ffff,
    }
}

/// Physical address of `vaddr` through a leaf of size `level` and PPN `ppn`.
pub fn leaf_paddr(level: PageLevel, ppn: u64, vaddr: u64) -> u64 {
    let keep = 12 + 9 * level as u32;
    let offset = vaddr & ((1 << keep) - 1);
    (((ppn & PPN_MASK) << 12) & !((1u64 << keep) - 1)) | offset
}

/// Sv39 canonical form: bits 63:39 all equal bit 38.
pub fn va_canonical(vaddr: u64) -> bool {
    let hi = vaddr >> 38;
    hi == 0 || hi == (1 << 26) - 1
}

/// Privileged spec 4.3.1 permission check of a leaf whose A bit is set (Svade for D).
#[allow(clippy::too_many_arguments)]
pub fn perm_ok(
    r: bool,
    w: bool,
    x: bool,
    u: bool,
    d: bool,
    access: Access,
    priv_u: bool,
    sum: bool,
    mxr: bool,
) -> bool {
    let type_ok = match access {
        Access::Store => w && d,
        Access::Fetch => x,
        Access::Load => r || (mxr && x),
    };
    let priv_ok = if priv_u { u } else { !u || (sum && access != Access::Fetch) };
    type_ok && priv_ok
}
