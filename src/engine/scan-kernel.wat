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
;; mark(reports, n, ranges, base, outStart, outIds, scan, scanNo, pos, stamp, mask, gen, cand, found)
;;   -> candidates found
;; What a gate does with a scan's reports (rule-index.ts, Gate's `mark`), for the `n` reports at
;; `reports` of a scan over `ranges` of the bytes at `base`: each report's literals (outIds from
;; outStart[s] up to outStart[s + 1]) mark the clauses of the variants that own them; a variant
;; whose clauses are all marked is written to `cand` (as the found-th, and on). `scan` holds the
;; gate scan's tables (gate-scan.ts, FormScan) as nine offsets: ownStart, ownPos, ownBit, ownAnchor,
;; need, seenIn, pinned (bytes), length, and wholeAt (an offset per literal: its bytes, when the
;; record must hold it whole, else 0). `pos` maps the scan's positions to the gate's; `stamp`,
;; `mask` and `gen` are the gate's marks.
(func (export "mark")
  (param $rep i32) (param $n i32) (param $ranges i32) (param $base i32) (param $outStart i32)
  (param $outIds i32) (param $scan i32) (param $scanNo i32) (param $pos i32) (param $stamp i32)
  (param $mask i32) (param $gen i32) (param $cand i32) (result i32)
  (local $found i32) (local $q i32) (local $at i32) (local $s i32) (local $i i32) (local $r i32) (local $from i32)
  (local $to i32) (local $j i32) (local $jEnd i32) (local $id i32) (local $w i32) (local $len i32)
  (local $start i32) (local $k i32) (local $kEnd i32) (local $pins i32) (local $a i32) (local $p i32)
  (local $v i32) (local $m i32) (local $full i32) (local $next i32) (local $c i32) (local $first i32)
  (local $ownStart i32) (local $ownPos i32) (local $ownBit i32) (local $ownAnchor i32) (local $need i32)
  (local $seenIn i32) (local $pinned i32) (local $length i32) (local $wholeAt i32)
  (local.set $ownStart (i32.load (local.get $scan)))
  (local.set $ownPos (i32.load offset=4 (local.get $scan)))
  (local.set $ownBit (i32.load offset=8 (local.get $scan)))
  (local.set $ownAnchor (i32.load offset=12 (local.get $scan)))
  (local.set $need (i32.load offset=16 (local.get $scan)))
  (local.set $seenIn (i32.load offset=20 (local.get $scan)))
  (local.set $pinned (i32.load offset=24 (local.get $scan)))
  (local.set $length (i32.load offset=28 (local.get $scan)))
  (local.set $wholeAt (i32.load offset=32 (local.get $scan)))
  ;; A literal held whole sits inside one value: it starts at or after the first value's first byte
  ;; (what precedes is JSON or XML markup, and the room holds nothing before it).
  (local.set $first (i32.load (local.get $ranges)))
  (block $reportsDone
    (loop $reports
      (br_if $reportsDone (i32.ge_s (local.get $q) (local.get $n)))
      (local.set $at (i32.add (local.get $rep) (i32.mul (local.get $q) (i32.const 12))))
      (local.set $s (i32.load (local.get $at)))
      (local.set $i (i32.load offset=4 (local.get $at)))
      (local.set $r (i32.load offset=8 (local.get $at)))
      (local.set $from (i32.load (i32.add (local.get $ranges) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $to (i32.load offset=4 (i32.add (local.get $ranges) (i32.shl (local.get $r) (i32.const 3)))))
      (local.set $j (i32.load (i32.add (local.get $outStart) (i32.shl (local.get $s) (i32.const 2)))))
      (local.set $jEnd (i32.load offset=4 (i32.add (local.get $outStart) (i32.shl (local.get $s) (i32.const 2)))))
      (block $idsDone
        (loop $ids
          (br_if $idsDone (i32.ge_s (local.get $j) (local.get $jEnd)))
          (local.set $id (i32.load (i32.add (local.get $outIds) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          ;; Marked already in this scan by every owner it has.
          (br_if $ids (i32.eq (i32.load (i32.add (local.get $seenIn) (i32.shl (local.get $id) (i32.const 2))))
            (local.get $scanNo)))
          (local.set $len (i32.load (i32.add (local.get $length) (i32.shl (local.get $id) (i32.const 2)))))
          (local.set $w (i32.load (i32.add (local.get $wholeAt) (i32.shl (local.get $id) (i32.const 2)))))
          (if (local.get $w)
            (then
              ;; Reported by its last characters: it counts when the bytes before hold the rest
              ;; (read as the automaton reads them: ASCII letters lower-cased, tabs and breaks as spaces).
              (local.set $start (i32.add (i32.sub (local.get $i) (local.get $len)) (i32.const 1)))
              (br_if $ids (i32.lt_s (local.get $start) (local.get $first)))
              (local.set $k (i32.const 0))
              (block $same
                (loop $bytes
                  (br_if $same (i32.ge_s (local.get $k) (local.get $len)))
                  (local.set $c (i32.load8_u (i32.add (i32.add (local.get $base) (local.get $start)) (local.get $k))))
                  (if (i32.lt_u (i32.sub (local.get $c) (i32.const 65)) (i32.const 26))
                    (then (local.set $c (i32.add (local.get $c) (i32.const 32))))
                    (else (if (i32.or (i32.eq (local.get $c) (i32.const 9))
                                (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))))
                      (then (local.set $c (i32.const 32))))))
                  (br_if $ids (i32.ne (local.get $c) (i32.load8_u (i32.add (local.get $w) (local.get $k)))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $bytes)))))
          (local.set $pins (i32.const 3))
          ;; Pinned to a value's start or end: where it sits in its range (a value that starts with
          ;; `<` may be a list the view splits into items, where its place says nothing).
          (if (i32.and (i32.load8_u (i32.add (local.get $pinned) (local.get $id)))
                (i32.ne (i32.load8_u (i32.add (local.get $base) (local.get $from))) (i32.const 60)))
            (then
              (local.set $pins (i32.or
                (select (i32.const 1) (i32.const 0)
                  (i32.eq (i32.add (i32.sub (local.get $i) (local.get $len)) (i32.const 1)) (local.get $from)))
                (select (i32.const 2) (i32.const 0)
                  (i32.eq (local.get $i) (i32.sub (local.get $to) (i32.const 1))))))))
          (if (i32.eq (local.get $pins) (i32.const 3))
            (then (i32.store (i32.add (local.get $seenIn) (i32.shl (local.get $id) (i32.const 2))) (local.get $scanNo))))
          (local.set $k (i32.load (i32.add (local.get $ownStart) (i32.shl (local.get $id) (i32.const 2)))))
          (local.set $kEnd (i32.load offset=4 (i32.add (local.get $ownStart) (i32.shl (local.get $id) (i32.const 2)))))
          (block $ownersDone
            (loop $owners
              (br_if $ownersDone (i32.ge_s (local.get $k) (local.get $kEnd)))
              (local.set $a (i32.load (i32.add (local.get $ownAnchor) (i32.shl (local.get $k) (i32.const 2)))))
              (if (i32.eq (i32.and (local.get $a) (local.get $pins)) (local.get $a))
                (then
                  (local.set $p (i32.load (i32.add (local.get $ownPos) (i32.shl (local.get $k) (i32.const 2)))))
                  (local.set $v (i32.load (i32.add (local.get $pos) (i32.shl (local.get $p) (i32.const 2)))))
                  (local.set $at (i32.shl (local.get $v) (i32.const 2)))
                  (if (i32.ne (i32.load (i32.add (local.get $stamp) (local.get $at))) (local.get $gen))
                    (then
                      (i32.store (i32.add (local.get $stamp) (local.get $at)) (local.get $gen))
                      (i32.store (i32.add (local.get $mask) (local.get $at)) (i32.const 0))))
                  (local.set $m (i32.load (i32.add (local.get $mask) (local.get $at))))
                  (local.set $full (i32.load (i32.add (local.get $need) (i32.shl (local.get $p) (i32.const 2)))))
                  (if (i32.ne (local.get $m) (local.get $full))
                    (then
                      (local.set $next (i32.or (local.get $m)
                        (i32.load (i32.add (local.get $ownBit) (i32.shl (local.get $k) (i32.const 2))))))
                      (i32.store (i32.add (local.get $mask) (local.get $at)) (local.get $next))
                      (if (i32.eq (local.get $next) (local.get $full))
                        (then
                          (i32.store (i32.add (local.get $cand) (i32.shl (local.get $found) (i32.const 2))) (local.get $v))
                          (local.set $found (i32.add (local.get $found) (i32.const 1)))))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $owners)))
          (br $ids)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $reports)))
  (local.get $found))
)
