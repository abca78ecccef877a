;; The raw screen's automaton scan (prefilter-ac.ts, AhoCorasick.scanRanges) in WebAssembly, over
;; tables that live in the hunt's shared memory (wasm-arena.ts). Two ranges are scanned at once, a
;; byte of each per step: a scan waits on one table load per byte, and two independent chains of
;; loads overlap where one cannot. Assembled into scan-kernel.wasm at build (scripts/wasm.mjs).
;;
;; scan(ranges, count, base, delta, classes, shift, acceptFrom, out, cap, stamps, scanNo) -> reports, or -1
;;   ranges:     `count` (from, to) pairs of i32, byte indexes of the record; the byte at index i
;;               is at base + i (base wraps as i32 arithmetic does)
;;   delta:      the 16-bit transition table, row s at delta + 2 * (s << shift)
;;   classes:    256 bytes, each byte's class
;;   acceptFrom: states at or past it report
;;   out:        room for `cap` reports, each three i32: state, index, range number
;;   stamps:     0, or an i32 per accepting state (state - acceptFrom): -1 for a state reported every
;;               time, else the last scan (`scanNo`) it was reported in; such a state is reported
;;               once a scan (what its literals mark, a repeat would mark again: rule-index.ts)
;; Returns how many reports were written (in no particular order), or -1 when there were more than
;; `cap`, in which case the caller scans the record itself.
(module
  (import "env" "mem" (memory 1 65536 shared))
  ;; Writes one report (state, index, range number) as the n-th; n + 1, or -1 when `cap` are written.
  (func $report
    (param $out i32) (param $n i32) (param $cap i32) (param $s i32) (param $i i32) (param $r i32)
    (result i32)
    (local $at i32)
    (if (i32.ge_u (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
    (local.set $at (i32.add (local.get $out) (i32.mul (local.get $n) (i32.const 12))))
    (i32.store (local.get $at) (local.get $s))
    (i32.store offset=4 (local.get $at) (local.get $i))
    (i32.store offset=8 (local.get $at) (local.get $r))
    (i32.add (local.get $n) (i32.const 1)))
  ;; Whether accepting state s is to be reported (see `stamps`), its stamp set to `scanNo` if so.
  (func $fresh (param $stamps i32) (param $scanNo i32) (param $k i32) (result i32)
    (local $at i32) (local $t i32)
    (if (i32.eqz (local.get $stamps)) (then (return (i32.const 1))))
    (local.set $at (i32.add (local.get $stamps) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $t (i32.load (local.get $at)))
    (if (i32.eq (local.get $t) (local.get $scanNo)) (then (return (i32.const 0))))
    (if (i32.ne (local.get $t) (i32.const -1)) (then (i32.store (local.get $at) (local.get $scanNo))))
    (i32.const 1))
  (func (export "scan")
    (param $ranges i32) (param $count i32) (param $base i32) (param $delta i32) (param $classes i32)
    (param $shift i32) (param $acceptFrom i32) (param $out i32) (param $cap i32) (param $stamps i32)
    (param $scanNo i32) (result i32)
    (local $next i32) (local $n i32) (local $m i32) (local $end i32) (local $at i32)
    (local $rA i32) (local $iA i32) (local $toA i32) (local $sA i32)
    (local $rB i32) (local $iB i32) (local $toB i32) (local $sB i32)
    (block $tail
      (loop $lanes
        ;; A lane whose range is done takes the next one.
        (if (i32.ge_u (local.get $iA) (local.get $toA))
          (then
            (if (i32.lt_u (local.get $next) (local.get $count))
              (then
                (local.set $at (i32.add (local.get $ranges) (i32.shl (local.get $next) (i32.const 3))))
                (local.set $rA (local.get $next))
                (local.set $iA (i32.load (local.get $at)))
                (local.set $toA (i32.load offset=4 (local.get $at)))
                (local.set $sA (i32.const 0))
                (local.set $next (i32.add (local.get $next) (i32.const 1)))))))
        (if (i32.ge_u (local.get $iB) (local.get $toB))
          (then
            (if (i32.lt_u (local.get $next) (local.get $count))
              (then
                (local.set $at (i32.add (local.get $ranges) (i32.shl (local.get $next) (i32.const 3))))
                (local.set $rB (local.get $next))
                (local.set $iB (i32.load (local.get $at)))
                (local.set $toB (i32.load offset=4 (local.get $at)))
                (local.set $sB (i32.const 0))
                (local.set $next (i32.add (local.get $next) (i32.const 1)))))))
        ;; Both lanes step together for as long as both have bytes.
        (local.set $m (i32.sub (local.get $toA) (local.get $iA)))
        (if (i32.lt_s (i32.sub (local.get $toB) (local.get $iB)) (local.get $m))
          (then (local.set $m (i32.sub (local.get $toB) (local.get $iB)))))
        (br_if $tail (i32.le_s (local.get $m) (i32.const 0)))
        (local.set $end (i32.add (local.get $iA) (local.get $m)))
        (loop $step
          (local.set $sA (i32.load16_u (i32.add (local.get $delta) (i32.shl
            (i32.or (i32.shl (local.get $sA) (local.get $shift))
              (i32.load8_u (i32.add (local.get $classes) (i32.load8_u (i32.add (local.get $base) (local.get $iA))))))
            (i32.const 1)))))
          (local.set $sB (i32.load16_u (i32.add (local.get $delta) (i32.shl
            (i32.or (i32.shl (local.get $sB) (local.get $shift))
              (i32.load8_u (i32.add (local.get $classes) (i32.load8_u (i32.add (local.get $base) (local.get $iB))))))
            (i32.const 1)))))
          (if (i32.ge_u (local.get $sA) (local.get $acceptFrom))
            (then
              (if (call $fresh (local.get $stamps) (local.get $scanNo) (i32.sub (local.get $sA) (local.get $acceptFrom)))
                (then
                  (local.set $n (call $report (local.get $out) (local.get $n) (local.get $cap) (local.get $sA) (local.get $iA) (local.get $rA)))
                  (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const -1))))))))
          (if (i32.ge_u (local.get $sB) (local.get $acceptFrom))
            (then
              (if (call $fresh (local.get $stamps) (local.get $scanNo) (i32.sub (local.get $sB) (local.get $acceptFrom)))
                (then
                  (local.set $n (call $report (local.get $out) (local.get $n) (local.get $cap) (local.get $sB) (local.get $iB) (local.get $rB)))
                  (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const -1))))))))
          (local.set $iA (i32.add (local.get $iA) (i32.const 1)))
          (local.set $iB (i32.add (local.get $iB) (i32.const 1)))
          (br_if $step (i32.lt_u (local.get $iA) (local.get $end))))
        (br $lanes)))
    ;; One lane at most has bytes left: it goes on alone, through the ranges left.
    (if (i32.ge_u (local.get $iA) (local.get $toA))
      (then
        (local.set $rA (local.get $rB))
        (local.set $iA (local.get $iB))
        (local.set $toA (local.get $toB))
        (local.set $sA (local.get $sB))))
    (block $done
      (loop $alone
        (if (i32.lt_u (local.get $iA) (local.get $toA))
          (then
            (loop $one
              (local.set $sA (i32.load16_u (i32.add (local.get $delta) (i32.shl
                (i32.or (i32.shl (local.get $sA) (local.get $shift))
                  (i32.load8_u (i32.add (local.get $classes) (i32.load8_u (i32.add (local.get $base) (local.get $iA))))))
                (i32.const 1)))))
              (if (i32.ge_u (local.get $sA) (local.get $acceptFrom))
                (then
                  (if (call $fresh (local.get $stamps) (local.get $scanNo) (i32.sub (local.get $sA) (local.get $acceptFrom)))
                    (then
                      (local.set $n (call $report (local.get $out) (local.get $n) (local.get $cap) (local.get $sA) (local.get $iA) (local.get $rA)))
                      (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const -1))))))))
              (local.set $iA (i32.add (local.get $iA) (i32.const 1)))
              (br_if $one (i32.lt_u (local.get $iA) (local.get $toA))))))
        (br_if $done (i32.ge_u (local.get $next) (local.get $count)))
        (local.set $at (i32.add (local.get $ranges) (i32.shl (local.get $next) (i32.const 3))))
        (local.set $rA (local.get $next))
        (local.set $iA (i32.load (local.get $at)))
        (local.set $toA (i32.load offset=4 (local.get $at)))
        (local.set $sA (i32.const 0))
        (local.set $next (i32.add (local.get $next) (i32.const 1)))
        (br $alone)))
    (local.get $n))
)
