;; The raw screen's scan loop (AhoCorasick.scanRanges) in WebAssembly, for bench/scan-kernel.mjs:
;; the same tables, the same byte ranges, the reports written to a ring of (state, index) pairs
;; instead of a call each. All offsets are byte offsets in the imported memory.
;;   calls:  [automaton, first range, range count] as i32 triples, one a scan
;;   ranges: [from, to] as i32 pairs, offsets of the record bytes
;;   autos:  [delta offset, class table offset, shift, first accepting state] as i32 quads
;; Returns the ring's fill position (reports modulo 65,536), which the JavaScript loop mirrors.
(module
  (import "env" "mem" (memory 1024))
  (func (export "scanAll") (param $calls i32) (param $ncalls i32) (param $ranges i32) (param $autos i32) (param $out i32) (result i32)
    (local $c i32) (local $a i32) (local $delta i32) (local $cls i32) (local $shift i32) (local $acc i32)
    (local $r i32) (local $rend i32) (local $i i32) (local $to i32) (local $s i32) (local $n i32) (local $cp i32)
    (block $done
      (loop $calls_loop
        (br_if $done (i32.ge_u (local.get $c) (local.get $ncalls)))
        (local.set $cp (i32.add (local.get $calls) (i32.mul (local.get $c) (i32.const 12))))
        (local.set $a (i32.add (local.get $autos) (i32.shl (i32.load (local.get $cp)) (i32.const 4))))
        (local.set $delta (i32.load (local.get $a)))
        (local.set $cls (i32.load offset=4 (local.get $a)))
        (local.set $shift (i32.load offset=8 (local.get $a)))
        (local.set $acc (i32.load offset=12 (local.get $a)))
        (local.set $r (i32.add (local.get $ranges) (i32.shl (i32.load offset=4 (local.get $cp)) (i32.const 3))))
        (local.set $rend (i32.add (local.get $r) (i32.shl (i32.load offset=8 (local.get $cp)) (i32.const 3))))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $rend)))
            (local.set $i (i32.load (local.get $r)))
            (local.set $to (i32.load offset=4 (local.get $r)))
            (local.set $s (i32.const 0))
            (block $bdone
              (loop $bloop
                (br_if $bdone (i32.ge_u (local.get $i) (local.get $to)))
                (local.set $s (i32.load16_u (i32.add (local.get $delta)
                  (i32.shl (i32.or (i32.shl (local.get $s) (local.get $shift))
                                   (i32.load8_u (i32.add (local.get $cls) (i32.load8_u (local.get $i)))))
                           (i32.const 1)))))
                (if (i32.ge_u (local.get $s) (local.get $acc))
                  (then
                    (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $s))
                    (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $i))
                    (local.set $n (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const 0xffff)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $bloop)))
            (local.set $r (i32.add (local.get $r) (i32.const 8)))
            (br $rloop)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $calls_loop)))
    (local.get $n))
)
