// SPDX-License-Identifier: Apache-2.0
// Types and constants shared by the TLB, the walker and the shootdown fabric (agent,
// directory, system).
// The Rust model in sim/ mirrors every name here; docs/architecture.md is the contract.
package tlb_pkg;

  // Sv39 geometry. Do not change: the walker, the entry layout and the model assume Sv39.
  localparam int unsigned VaW      = 64;  ///< virtual address port width (full XLEN)
  localparam int unsigned PaW      = 56;  ///< physical address width
  localparam int unsigned PpnW     = 44;  ///< physical page number width
  localparam int unsigned VpnW     = 27;  ///< 3 x 9-bit VPN fields
  localparam int unsigned AsidW    = 16;  ///< ASID width (satp.ASID in RV64)
  localparam int unsigned PteW     = 64;  ///< page-table entry width
  /// The ways of each of the L1's 4 KiB sets (docs/architecture.md, "Two ways, not four"):
  /// `tlb_l1`, its model (`L1_WAYS`) and the formal views all read this one value.
  localparam int unsigned L1Ways   = 2;
  /// The L1's queue of ASID flushes swept beside a pending operation (docs/architecture.md,
  /// "flash and sweep"): how many other ASIDs a busy sweeper takes before it flashes.
  localparam int unsigned L1Queue  = 2;
  /// The L1's superpage (2 MiB, 1 GiB) entries, fully associative, beside its 4 KiB sets.
  /// (The formal proofs of the core's poisoning run with 2, to keep their induction small:
  /// formal/README.md.)
`ifdef TLB_FV_SUPERS
  localparam int unsigned L1Supers = `TLB_FV_SUPERS;
`else
  localparam int unsigned L1Supers = 4;
`endif

  /// Page size of a TLB entry, as the level the walk stopped at.
  typedef enum logic [1:0] {
    Page4K = 2'd0,
    Page2M = 2'd1,
    Page1G = 2'd2
  } page_level_e;

  /// Access type of a translation request.
  typedef enum logic [1:0] {
    AccLoad  = 2'd0,
    AccStore = 2'd1,
    AccFetch = 2'd2
  } access_e;

  /// Invalidation kinds: the four `sfence.vma` cases and a page range of one ASID (like
  /// INVLPGB's page count). Every value not listed here is treated as InvAll
  /// (over-invalidating costs a refill, under-invalidating is a correctness bug).
  typedef enum logic [2:0] {
    InvAll       = 3'd0,  ///< sfence.vma x0, x0: every entry, global ones included
    InvAsid      = 3'd1,  ///< sfence.vma x0, asid: entries of asid, global ones kept
    InvVa        = 3'd2,  ///< sfence.vma va, x0: entries mapping va in any ASID, global included
    InvVaAsid    = 3'd3,  ///< sfence.vma va, asid: entries of asid mapping va, global ones kept
    InvRangeAsid = 3'd4   ///< pages va .. va + npages*4KiB of asid, global ones kept
  } inval_kind_e;

  localparam int unsigned NpagesW = 16;  ///< range operand: number of pages minus one

  /// Pointer-masking modes (RISC-V Ssnpm / x86 LAM): the top PMLEN bits of a VA are ignored.
  typedef enum logic [1:0] {
    PmOff    = 2'd0,  ///< no masking (3 also reads as off)
    PmLen7   = 2'd1,  ///< bits 63:57 ignored
    PmLen16  = 2'd2   ///< bits 63:48 ignored
  } pm_mode_e;

  /// The top bits 63:38 of a VA after pointer masking (sign-extended from the highest kept bit).
  function automatic logic [63:38] pm_high(logic [63:38] hi, logic [1:0] pm);
    unique case (pm)
      PmLen7:  return {{7{hi[56]}}, hi[56:38]};
      PmLen16: return {{16{hi[47]}}, hi[47:38]};
      default: return hi;
    endcase
  endfunction

  /// Last page of an entry of size `level` starting at (aligned) `vpn`: the bits below the
  /// page size set, an OR rather than a sum (entries are aligned, InstallAligned_A), so the
  /// L1 has no adder per entry.
  function automatic logic [VpnW:0] vpn_last(page_level_e level, logic [VpnW-1:0] vpn);
    unique case (level)
      Page2M:  return {1'b0, vpn | 27'h1ff};
      Page1G:  return {1'b0, vpn | 27'h3ffff};
      default: return {1'b0, vpn};
    endcase
  endfunction

  /// One TLB entry: an ASID-tagged leaf translation. `vpn` has the bits below the page size
  /// cleared; `ppn` is the leaf PTE's PPN (aligned, or the walk would have faulted).
  typedef struct packed {
    logic              valid;
    logic [AsidW-1:0]  asid;
    logic              g;
    page_level_e       level;
    logic [VpnW-1:0]   vpn;
    logic [PpnW-1:0]   ppn;
    logic              r;
    logic              w;
    logic              x;
    logic              u;
    logic              d;
  } tlb_entry_t;

  /// A raw Sv39 PTE, field by field (bit 0 is V).
  typedef struct packed {
    logic [9:0]      reserved;  ///< 63:54 (N, PBMT and reserved): must be zero here
    logic [PpnW-1:0] ppn;       ///< 53:10
    logic [1:0]      rsw;       ///< 9:8, for software
    logic            d;
    logic            a;
    logic            g;
    logic            u;
    logic            x;
    logic            w;
    logic            r;
    logic            v;
  } pte_t;

  /// VPN field `lvl` (0, 1 or 2) of a virtual address.
  function automatic logic [8:0] vpn_part(logic [VpnW-1:0] vpn, int unsigned lvl);
    // A mux, not vpn[9*lvl +: 9]: synthesis maps that multiply to a DSP on the walk path.
    unique case (lvl)
      0:       return vpn[8:0];
      1:       return vpn[17:9];
      default: return vpn[26:18];
    endcase
  endfunction

  /// Whether an entry of page size `level` with page number `entry_vpn` covers `vpn`.
  function automatic logic vpn_covers(page_level_e level, logic [VpnW-1:0] entry_vpn,
                                      logic [VpnW-1:0] vpn);
    logic m2, m1, m0;
    m2 = entry_vpn[26:18] == vpn[26:18];
    m1 = (level == Page1G) || (entry_vpn[17:9] == vpn[17:9]);
    m0 = (level != Page4K) || (entry_vpn[8:0] == vpn[8:0]);
    return m2 && m1 && m0;
  endfunction

  /// Clears the VPN bits below the page size.
  function automatic logic [VpnW-1:0] vpn_align(page_level_e level, logic [VpnW-1:0] vpn);
    unique case (level)
      Page2M:  return {vpn[26:9], 9'd0};
      Page1G:  return {vpn[26:18], 18'd0};
      default: return vpn;
    endcase
  endfunction

  /// Physical address of `vaddr` through a leaf of size `level` with page number `ppn`.
  function automatic logic [PaW-1:0] leaf_paddr(page_level_e level, logic [PpnW-1:0] ppn,
                                                logic [29:0] vaddr);
    unique case (level)
      Page2M:  return {ppn[43:9], vaddr[20:0]};
      Page1G:  return {ppn[43:18], vaddr[29:0]};
      default: return {ppn, vaddr[11:0]};
    endcase
  endfunction

  /// An ASID-scoped kind (InvAsid, InvVaAsid, InvRangeAsid): global entries survive it, and
  /// the directory sends it only to the cores running its ASID (the model's
  /// `InvalKind::asid_scoped`).
  function automatic logic kind_asid_scoped(logic [2:0] kind);
    return kind == InvAsid || kind == InvVaAsid || kind == InvRangeAsid;
  endfunction

  /// Sv39 canonical form: bits 63:39 all equal bit 38.
  function automatic logic va_canonical(logic [63:38] vaddr_hi);
    return vaddr_hi == '0 || vaddr_hi == '1;
  endfunction

  /// RISC-V privileged spec 4.3.1 permission check of a leaf (A already known to be 1).
  /// Svade: a store to a page with D=0 faults; the hardware never sets A or D.
  function automatic logic perm_ok(logic r, logic w, logic x, logic u, logic d,
                                   access_e access, logic priv_u, logic sum, logic mxr);
    logic type_ok, priv_ok;
    unique case (access)
      AccStore: type_ok = w && d;
      AccFetch: type_ok = x;
      default:  type_ok = r || (mxr && x);
    endcase
    if (priv_u) begin
      priv_ok = u;
    end else begin
      // S-mode may read and write user pages only with SUM, and never execute them.
      priv_ok = !u || (sum && access != AccFetch);
    end
    return type_ok && priv_ok;
  endfunction

  // ---------------------------------------------------------------------------------------
  // Shootdown fabric (docs/shootdown.md)

  localparam int unsigned MaxCores = 16;  ///< widest NumCores; bus target masks are this wide
  localparam int unsigned CoreIdxW = 4;   ///< core index width
  localparam int unsigned CntW     = 32;  ///< event counter width

  /// Commands a core gives its shootdown agent.
  typedef enum logic [2:0] {
    CmdPost     = 3'd0,  ///< post an invalidation (kind, asid, vaddr, npages)
    CmdSync     = 3'd1,  ///< wait until every invalidation posted so far is applied everywhere
    CmdSwitch   = 3'd2,  ///< run asid (context switch; catches up first if it lags)
    CmdLazy     = 3'd3,  ///< run a kernel thread, keeping the current ASID loaded (lazy TLB)
    CmdSetAttrs = 3'd4,  ///< set asid's root PPN and pointer-masking mode
    CmdRelease  = 3'd5   ///< release asid: invalidate it everywhere before it can be reused
  } cmd_op_e;

  /// ASID table states.
  typedef enum logic [1:0] {
    AsidFree      = 2'd0,
    AsidActive    = 2'd1,
    AsidReleasing = 2'd2   ///< release posted, acknowledgements outstanding
  } asid_state_e;

  /// A command as an agent hands it to the directory.
  typedef struct packed {
    logic [2:0]         op;
    logic [2:0]         kind;
    logic [AsidW-1:0]   asid;
    logic [VpnW-1:0]    vpn;
    logic [NpagesW-1:0] npages;
    logic [PpnW-1:0]    root;
    logic [1:0]         pm;
  } dir_cmd_t;

  /// One message on the fabric's broadcast bus: the only channel from the directory to the
  /// agents, one per cycle, in the order the directory decided.
  typedef struct packed {
    logic                valid;
    logic [MaxCores-1:0] targets;    ///< cores that apply `inval` (and ack if need_ack)
    logic                inval;      ///< targets invalidate (kind, asid, vpn, npages)
    logic [2:0]          kind;
    logic [AsidW-1:0]    asid;
    logic [VpnW-1:0]     vpn;
    logic [NpagesW-1:0]  npages;
    logic                need_ack;   ///< targets acknowledge to `init`
    logic [CoreIdxW-1:0] init;       ///< the core whose command this message serves
    logic                done;       ///< that command completes
    logic                error;      ///< ... refused (see docs/shootdown.md, errors)
    logic                set_ctx;    ///< `init` now runs asid (root, pm), not lazy
    logic                set_lazy;   ///< `init` now runs a kernel thread (lazy)
    logic                set_attrs;  ///< targets running asid take root and pm
    logic                drop_ctx;   ///< targets holding asid drop it (release)
    logic [PpnW-1:0]     root;
    logic [1:0]          pm;
  } bus_msg_t;

endpackage : tlb_pkg
