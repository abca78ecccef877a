;; The raw screen's walk of one NDJSON record (raw-json.ts, walkJson) in WebAssembly, over the
;; record's bytes copied into the hunt's shared memory (wasm-arena.ts), where the scan kernel
;; (scan-kernel.wat) then reads them and the ranges found without another copy. It follows
;; walkJson step for step and gives the same answer on every input (test/engine/wasm-walk.test.ts
;; holds the two side by side); strings are crossed 16 bytes at a time. Assembled into
;; json-walk.wasm at build (scripts/wasm.mjs).
;;
;; walk(base, from, to, ranges, cap, scratch, key) -> ranges found, -1 (not scannable) or -2
;;   base:     the byte at index i of the record's buffer is at base + i (i32 arithmetic wraps);
;;             at least 16 bytes past `to` must be readable (their values do not matter)
;;   from, to: the record, b[from, to)
;;   ranges:   room for `cap` (from, to) pairs of i32: the value ranges, as RawRecord.push keeps them
;;   scratch:  4 bytes a depth for 65 depths: kind, context and hiding of each open container
;;   key:      four i32: where the channel and the event id are (from, to, from, to), the first -1
;;             when the record's key is not placed beyond doubt
;; Returns -1 when walkJson sets `ok` false, -2 when there are more than `cap` ranges (the caller
;; walks the record in JavaScript instead).
(module
  (import "env" "mem" (memory 1 65536 shared))

  ;; Whether b[p, p + len) is 1 to 15 ASCII digits (isDigitBytes).
  (func $digits (param $p i32) (param $len i32) (result i32)
    (local $end i32) (local $c i32)
    (if (i32.or (i32.le_s (local.get $len) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 15)))
      (then (return (i32.const 0))))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (loop $each
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9)) (then (return (i32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $p) (local.get $end))))
    (i32.const 1))

  ;; A bare token spelled as JavaScript writes it back: an integer of 15 digits at most, true,
  ;; false or null (plainToken).
  (func $plainToken (param $p i32) (param $len i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 116)) ;; t
      (then (return (i32.and (i32.eq (local.get $len) (i32.const 4))
        (i32.eq (i32.load (local.get $p)) (i32.const 0x65757274))))))
    (if (i32.eq (local.get $c) (i32.const 102)) ;; f
      (then (return (i32.and (i32.eq (local.get $len) (i32.const 5))
        (i64.eq (i64.and (i64.load (local.get $p)) (i64.const 0xffffffffff)) (i64.const 0x65736c6166))))))
    (if (i32.eq (local.get $c) (i32.const 110)) ;; n
      (then (return (i32.and (i32.eq (local.get $len) (i32.const 4))
        (i32.eq (i32.load (local.get $p)) (i32.const 0x6c6c756e))))))
    (if (i32.eq (local.get $c) (i32.const 45)) ;; -
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))))
    (if (i32.or (i32.le_s (local.get $len) (i32.const 0)) (i32.gt_s (local.get $len) (i32.const 15)))
      (then (return (i32.const 0))))
    (if (i32.and (i32.eq (i32.load8_u (local.get $p)) (i32.const 48)) (i32.gt_s (local.get $len) (i32.const 1)))
      (then (return (i32.const 0))))
    (call $digits (local.get $p) (local.get $len)))

  ;; The key b[p, p + len) names in a container of context `ctx` (keyOf): K_EVENT 1, K_SYSTEM 2,
  ;; K_CHANNEL 3, K_EVENTID 4, K_TEXT 5, K_ATTRIBUTES 6, or 0.
  (func $keyOf (param $p i32) (param $len i32) (param $ctx i32) (result i32)
    (local $w i64)
    (local.set $w (i64.load (local.get $p)))
    (if (i32.eq (local.get $ctx) (i32.const 1)) ;; root: Event
      (then (return (select (i32.const 1) (i32.const 0) (i32.and (i32.eq (local.get $len) (i32.const 5))
        (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffff)) (i64.const 0x746e657645)))))))
    (if (i32.eq (local.get $ctx) (i32.const 2)) ;; Event: System
      (then (return (select (i32.const 2) (i32.const 0) (i32.and (i32.eq (local.get $len) (i32.const 6))
        (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffffff)) (i64.const 0x6d6574737953)))))))
    (if (i32.eq (local.get $ctx) (i32.const 3)) ;; System: Channel, EventID
      (then
        (if (i32.ne (local.get $len) (i32.const 7)) (then (return (i32.const 0))))
        (local.set $w (i64.and (local.get $w) (i64.const 0xffffffffffffff)))
        (if (i64.eq (local.get $w) (i64.const 0x6c656e6e616843)) (then (return (i32.const 3))))
        (return (select (i32.const 4) (i32.const 0) (i64.eq (local.get $w) (i64.const 0x4449746e657645))))))
    ;; EventID's object: #text, #attributes
    (if (i32.eq (local.get $len) (i32.const 5))
      (then (return (select (i32.const 5) (i32.const 0)
        (i64.eq (i64.and (local.get $w) (i64.const 0xffffffffff)) (i64.const 0x7478657423))))))
    (select (i32.const 6) (i32.const 0) (call $isAttributes (local.get $p) (local.get $len))))

  ;; Whether b[p, p + len) is `#attributes`.
  (func $isAttributes (param $p i32) (param $len i32) (result i32)
    (i32.and (i32.eq (local.get $len) (i32.const 11))
      (i32.and (i64.eq (i64.load (local.get $p)) (i64.const 0x7562697274746123))
        (i32.eq (i32.and (i32.load offset=8 (local.get $p)) (i32.const 0xffffff)) (i32.const 0x736574)))))

  (func (export "walk")
    (param $base i32) (param $from i32) (param $to i32) (param $ranges i32) (param $cap i32)
    (param $scratch i32) (param $keyAt i32) (result i32)
    (local $i i32) (local $j i32) (local $c i32) (local $d i32) (local $e i32) (local $n i32)
    (local $depth i32) (local $want i32) (local $closed i32) (local $key i32) (local $keyOk i32)
    (local $firstKey i32) (local $events i32) (local $systems i32) (local $channels i32)
    (local $eventIds i32) (local $texts i32) (local $eventDepth i32) (local $hidden i32)
    (local $keyAttrs i32) (local $chFrom i32) (local $chTo i32) (local $idFrom i32) (local $idTo i32)
    (local $escaped i32) (local $wide i32) (local $ctx i32) (local $parent i32) (local $h i32)
    (local $len i32) (local $at i32) (local $mask i32) (local $v v128)
    ;; Trailing carriage returns, spaces and tabs are not part of the record.
    (block $trimmed
      (loop $trim
        (br_if $trimmed (i32.le_s (local.get $to) (local.get $from)))
        (local.set $c (i32.load8_u (i32.sub (i32.add (local.get $base) (local.get $to)) (i32.const 1))))
        (br_if $trimmed (i32.eqz (i32.or (i32.or (i32.eq (local.get $c) (i32.const 13))
          (i32.eq (local.get $c) (i32.const 32))) (i32.eq (local.get $c) (i32.const 9)))))
        (local.set $to (i32.sub (local.get $to) (i32.const 1)))
        (br $trim)))
    (local.set $want (i32.const 3))
    (local.set $keyOk (i32.const 1))
    (local.set $firstKey (i32.const 1))
    (local.set $chFrom (i32.const -1))
    (local.set $idFrom (i32.const -1))
    ;; Depth 0 is no container: kind, context and hiding 0.
    (i32.store (local.get $scratch) (i32.const 0))
    (local.set $i (local.get $from))
    (block $fail
      (block $end
        (loop $top
          (br_if $end (i32.ge_s (local.get $i) (local.get $to)))
          (local.set $c (i32.load8_u (i32.add (local.get $base) (local.get $i))))
          (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
                (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13))))
            (then
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top)))
          (br_if $fail (local.get $closed))
          (local.set $at (i32.add (local.get $scratch) (i32.shl (local.get $depth) (i32.const 2))))

          ;; A string: a key or a value.
          (if (i32.eq (local.get $c) (i32.const 34))
            (then
              (br_if $fail (i32.and (i32.ne (local.get $want) (i32.const 1)) (i32.ne (local.get $want) (i32.const 3))))
              (local.set $j (i32.add (local.get $i) (i32.const 1)))
              (local.set $escaped (i32.const 0))
              (local.set $wide (i32.const 0))
              (block $closedString
                (loop $string
                  ;; Plain bytes 16 at a time: the first quote, backslash, control or non-ASCII byte.
                  (block $found
                    (loop $plain
                      (br_if $found (i32.ge_s (local.get $j) (local.get $to)))
                      (local.set $v (v128.load (i32.add (local.get $base) (local.get $j))))
                      (local.set $mask (i8x16.bitmask (v128.or
                        (i8x16.lt_s (local.get $v) (i8x16.splat (i32.const 32)))
                        (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 34)))
                          (i8x16.eq (local.get $v) (i8x16.splat (i32.const 92)))))))
                      (if (i32.eqz (local.get $mask))
                        (then
                          (local.set $j (i32.add (local.get $j) (i32.const 16)))
                          (br $plain)))
                      (local.set $j (i32.add (local.get $j) (i32.ctz (local.get $mask))))))
                  (br_if $fail (i32.ge_s (local.get $j) (local.get $to)))
                  (local.set $d (i32.load8_u (i32.add (local.get $base) (local.get $j))))
                  (br_if $closedString (i32.eq (local.get $d) (i32.const 34)))
                  (if (i32.eq (local.get $d) (i32.const 92))
                    (then
                      ;; \" \\ \b \f \n \r \t are kept as the raw literals spell them; \u and \/ are not.
                      (local.set $e (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $j))))
                      (br_if $fail (i32.eqz (i32.or (i32.or (i32.or (i32.eq (local.get $e) (i32.const 34))
                        (i32.eq (local.get $e) (i32.const 92))) (i32.or (i32.eq (local.get $e) (i32.const 98))
                        (i32.eq (local.get $e) (i32.const 102)))) (i32.or (i32.or (i32.eq (local.get $e) (i32.const 110))
                        (i32.eq (local.get $e) (i32.const 114))) (i32.eq (local.get $e) (i32.const 116))))))
                      (local.set $escaped (i32.const 1))
                      (local.set $j (i32.add (local.get $j) (i32.const 2)))
                      (br $string)))
                  (br_if $fail (i32.lt_u (local.get $d) (i32.const 32)))
                  ;; Beyond ASCII: capital I with a dot and the Kelvin sign lower-case to ASCII letters.
                  (local.set $wide (i32.const 1))
                  (if (i32.eq (local.get $d) (i32.const 0xc4))
                    (then (br_if $fail (i32.eq (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $j))) (i32.const 0xb0)))))
                  (if (i32.eq (local.get $d) (i32.const 0xe2))
                    (then (br_if $fail (i32.and
                      (i32.eq (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $j))) (i32.const 0x84))
                      (i32.eq (i32.load8_u offset=2 (i32.add (local.get $base) (local.get $j))) (i32.const 0xaa))))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $string)))
              (local.set $len (i32.sub (i32.sub (local.get $j) (local.get $i)) (i32.const 1)))
              (if (i32.eq (local.get $want) (i32.const 1))
                (then
                  ;; A key.
                  (local.set $ctx (i32.load8_u offset=1 (local.get $at)))
                  (local.set $key (i32.const 0))
                  (if (local.get $ctx)
                    (then (local.set $key (call $keyOf (i32.add (i32.add (local.get $base) (local.get $i)) (i32.const 1))
                      (local.get $len) (local.get $ctx)))))
                  (if (i32.eq (local.get $ctx) (i32.const 1))
                    (then
                      (if (i32.and (local.get $firstKey) (i32.ne (local.get $key) (i32.const 1)))
                        (then (local.set $keyOk (i32.const 0))))
                      (local.set $firstKey (i32.const 0))))
                  (if (i32.eq (local.get $key) (i32.const 1))
                    (then
                      (local.set $events (i32.add (local.get $events) (i32.const 1)))
                      (if (i32.gt_s (local.get $events) (i32.const 1)) (then (local.set $keyOk (i32.const 0))))))
                  (if (i32.eq (local.get $key) (i32.const 2))
                    (then
                      (local.set $systems (i32.add (local.get $systems) (i32.const 1)))
                      (if (i32.gt_s (local.get $systems) (i32.const 1)) (then (local.set $keyOk (i32.const 0))))))
                  (if (i32.eq (local.get $key) (i32.const 3))
                    (then
                      (local.set $channels (i32.add (local.get $channels) (i32.const 1)))
                      (if (i32.gt_s (local.get $channels) (i32.const 1)) (then (local.set $keyOk (i32.const 0))))))
                  (if (i32.eq (local.get $key) (i32.const 4))
                    (then
                      (local.set $eventIds (i32.add (local.get $eventIds) (i32.const 1)))
                      (if (i32.gt_s (local.get $eventIds) (i32.const 1)) (then (local.set $keyOk (i32.const 0))))))
                  (if (i32.eq (local.get $key) (i32.const 5))
                    (then
                      (local.set $texts (i32.add (local.get $texts) (i32.const 1)))
                      (if (i32.gt_s (local.get $texts) (i32.const 1)) (then (local.set $keyOk (i32.const 0))))))
                  (if (i32.and (i32.eq (local.get $ctx) (i32.const 4)) (i32.eqz (local.get $key)))
                    (then (local.set $keyOk (i32.const 0))))
                  (local.set $hidden (i32.const 0))
                  (local.set $keyAttrs (i32.const 0))
                  (if (local.get $eventDepth)
                    (then
                      (local.set $h (i32.load8_u offset=2 (local.get $at)))
                      (if (i32.eq (local.get $h) (i32.const 2))
                        (then (local.set $hidden (i32.const 1)))
                        (else
                          (if (i32.eq (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $i))) (i32.const 35))
                            (then
                              (local.set $keyAttrs (call $isAttributes
                                (i32.add (i32.add (local.get $base) (local.get $i)) (i32.const 1)) (local.get $len)))
                              (if (i32.and (i32.eq (local.get $depth) (local.get $eventDepth))
                                    (i32.or (local.get $keyAttrs) (i32.and (i32.eq (local.get $len) (i32.const 5))
                                      (i64.eq (i64.and (i64.load offset=1 (i32.add (local.get $base) (local.get $i)))
                                        (i64.const 0xffffffffff)) (i64.const 0x7478657423)))))
                                (then (local.set $hidden (i32.const 1)))))
                            (else
                              (if (i32.and (i32.eq (local.get $h) (i32.const 1))
                                    (i32.and (i32.ge_s (local.get $len) (i32.const 5))
                                      (i64.eq (i64.and (i64.load offset=1 (i32.add (local.get $base) (local.get $i)))
                                        (i64.const 0xffffffffff)) (i64.const 0x736e6c6d78))))
                                (then (local.set $hidden (i32.const 1))))))))))
                  (local.set $want (i32.const 2)))
                (else
                  ;; A value.
                  (if (i32.and (i32.eqz (local.get $hidden)) (i32.gt_s (local.get $len) (i32.const 0)))
                    (then
                      (br_if $fail (i32.ge_u (local.get $n) (local.get $cap))) ;; (see the overflow below)
                      (i32.store (i32.add (local.get $ranges) (i32.shl (local.get $n) (i32.const 3)))
                        (i32.add (local.get $i) (i32.const 1)))
                      (i32.store offset=4 (i32.add (local.get $ranges) (i32.shl (local.get $n) (i32.const 3)))
                        (local.get $j))
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))))
                  (if (i32.eq (local.get $key) (i32.const 3))
                    (then
                      (if (i32.or (i32.or (i32.or (local.get $escaped) (local.get $wide)) (i32.eqz (local.get $len)))
                            (i32.or (i32.eq (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $i))) (i32.const 32))
                              (i32.eq (i32.load8_u (i32.sub (i32.add (local.get $base) (local.get $j)) (i32.const 1))) (i32.const 32))))
                        (then (local.set $keyOk (i32.const 0)))
                        (else
                          (local.set $chFrom (i32.add (local.get $i) (i32.const 1)))
                          (local.set $chTo (local.get $j)))))
                    (else
                      (if (i32.or (i32.eq (local.get $key) (i32.const 4)) (i32.eq (local.get $key) (i32.const 5)))
                        (then
                          (if (call $digits (i32.add (i32.add (local.get $base) (local.get $i)) (i32.const 1)) (local.get $len))
                            (then
                              (local.set $idFrom (i32.add (local.get $i) (i32.const 1)))
                              (local.set $idTo (local.get $j)))
                            (else (local.set $keyOk (i32.const 0))))))))
                  (local.set $key (i32.const 0))
                  (local.set $want (i32.const 4))))
              (local.set $i (i32.add (local.get $j) (i32.const 1)))
              (br $top)))

          ;; A container opens.
          (if (i32.or (i32.eq (local.get $c) (i32.const 123)) (i32.eq (local.get $c) (i32.const 91)))
            (then
              ;; An array's objects (and arrays) the view keeps as their JSON text, names and all.
              (br_if $fail (i32.ne (local.get $want) (i32.const 3)))
              (br_if $fail (i32.eq (local.get $depth) (i32.const 64)))
              (br_if $fail (i32.and (i32.gt_s (local.get $depth) (i32.const 0))
                (i32.eq (i32.load8_u (local.get $at)) (i32.const 2))))
              (local.set $parent (i32.load8_u offset=1 (local.get $at)))
              (local.set $h (i32.load8_u offset=2 (local.get $at)))
              (if (i32.or (i32.or (i32.eq (local.get $key) (i32.const 3)) (i32.eq (local.get $key) (i32.const 5)))
                    (i32.and (i32.eq (local.get $key) (i32.const 4)) (i32.ne (local.get $c) (i32.const 123))))
                (then (local.set $keyOk (i32.const 0))))
              (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
              (local.set $at (i32.add (local.get $at) (i32.const 4)))
              (local.set $ctx (i32.const 0))
              (if (i32.eq (local.get $c) (i32.const 123))
                (then
                  (if (i32.eq (local.get $depth) (i32.const 1))
                    (then (local.set $ctx (i32.const 1)))
                    (else (if (i32.and (i32.eq (local.get $parent) (i32.const 1)) (i32.eq (local.get $key) (i32.const 1)))
                      (then (local.set $ctx (i32.const 2)))
                      (else (if (i32.and (i32.eq (local.get $parent) (i32.const 2)) (i32.eq (local.get $key) (i32.const 2)))
                        (then (local.set $ctx (i32.const 3)))
                        (else (if (i32.and (i32.eq (local.get $parent) (i32.const 3)) (i32.eq (local.get $key) (i32.const 4)))
                          (then (local.set $ctx (i32.const 4)))))))))))
                (else (br_if $fail (i32.eq (local.get $depth) (i32.const 1)))))
              (i32.store8 (local.get $at) (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (i32.const 123))))
              (i32.store8 offset=1 (local.get $at) (local.get $ctx))
              (local.set $h
                (select (i32.const 2)
                  (select (i32.const 1) (i32.const 0)
                    (i32.and (local.get $keyAttrs) (i32.eq (local.get $c) (i32.const 123))))
                  (i32.or (local.get $hidden) (i32.eq (local.get $h) (i32.const 2)))))
              (i32.store8 offset=2 (local.get $at) (local.get $h))
              (if (i32.eq (local.get $ctx) (i32.const 2)) (then (local.set $eventDepth (local.get $depth))))
              ;; An array's items have no key of their own: they are hidden with the array.
              (local.set $hidden (i32.and (i32.eq (local.get $c) (i32.const 91)) (i32.eq (local.get $h) (i32.const 2))))
              (local.set $keyAttrs (i32.const 0))
              (local.set $want (select (i32.const 1) (i32.const 3) (i32.eq (local.get $c) (i32.const 123))))
              (local.set $key (i32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              ;; An empty container closes at once.
              (block $spaced
                (loop $space
                  (br_if $spaced (i32.ge_s (local.get $i) (local.get $to)))
                  (local.set $d (i32.load8_u (i32.add (local.get $base) (local.get $i))))
                  (br_if $spaced (i32.eqz (i32.or (i32.or (i32.eq (local.get $d) (i32.const 32)) (i32.eq (local.get $d) (i32.const 9)))
                    (i32.or (i32.eq (local.get $d) (i32.const 10)) (i32.eq (local.get $d) (i32.const 13))))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $space)))
              (if (i32.and (i32.lt_s (local.get $i) (local.get $to))
                    (i32.eq (i32.load8_u (i32.add (local.get $base) (local.get $i))) (i32.add (local.get $c) (i32.const 2))))
                (then (local.set $want (i32.const 4))))
              (br $top)))

          ;; A container closes.
          (if (i32.or (i32.eq (local.get $c) (i32.const 125)) (i32.eq (local.get $c) (i32.const 93)))
            (then
              (br_if $fail (i32.or (i32.eqz (local.get $depth)) (i32.ne (local.get $want) (i32.const 4))))
              (br_if $fail (i32.ne (i32.load8_u (local.get $at))
                (select (i32.const 1) (i32.const 2) (i32.eq (local.get $c) (i32.const 125)))))
              (if (i32.eq (local.get $depth) (local.get $eventDepth)) (then (local.set $eventDepth (i32.const 0))))
              (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
              (local.set $want (i32.const 4))
              (local.set $key (i32.const 0))
              (if (i32.eqz (local.get $depth)) (then (local.set $closed (i32.const 1))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top)))

          (if (i32.eq (local.get $c) (i32.const 44)) ;; ,
            (then
              (br_if $fail (i32.or (i32.ne (local.get $want) (i32.const 4)) (i32.eqz (local.get $depth))))
              (local.set $want (select (i32.const 1) (i32.const 3) (i32.eq (i32.load8_u (local.get $at)) (i32.const 1))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top)))

          (if (i32.eq (local.get $c) (i32.const 58)) ;; :
            (then
              (br_if $fail (i32.ne (local.get $want) (i32.const 2)))
              (local.set $want (i32.const 3))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $top)))

          ;; A bare token: a number, true, false or null, up to , } ] : or a space.
          (local.set $j (i32.add (local.get $i) (i32.const 1)))
          (block $tokenEnd
            (loop $token
              (br_if $tokenEnd (i32.ge_s (local.get $j) (local.get $to)))
              (local.set $d (i32.load8_u (i32.add (local.get $base) (local.get $j))))
              (br_if $tokenEnd (i32.or
                (i32.or (i32.or (i32.eq (local.get $d) (i32.const 44)) (i32.eq (local.get $d) (i32.const 125)))
                  (i32.or (i32.eq (local.get $d) (i32.const 93)) (i32.eq (local.get $d) (i32.const 58))))
                (i32.or (i32.or (i32.eq (local.get $d) (i32.const 32)) (i32.eq (local.get $d) (i32.const 9)))
                  (i32.or (i32.eq (local.get $d) (i32.const 10)) (i32.eq (local.get $d) (i32.const 13))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $token)))
          (local.set $len (i32.sub (local.get $j) (local.get $i)))
          (br_if $fail (i32.or (i32.ne (local.get $want) (i32.const 3)) (i32.eqz (local.get $depth))))
          (br_if $fail (i32.eqz (call $plainToken (i32.add (local.get $base) (local.get $i)) (local.get $len))))
          (if (i32.eqz (local.get $hidden))
            (then
              (br_if $fail (i32.ge_u (local.get $n) (local.get $cap)))
              (i32.store (i32.add (local.get $ranges) (i32.shl (local.get $n) (i32.const 3))) (local.get $i))
              (i32.store offset=4 (i32.add (local.get $ranges) (i32.shl (local.get $n) (i32.const 3))) (local.get $j))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (if (i32.or (i32.eq (local.get $key) (i32.const 4)) (i32.eq (local.get $key) (i32.const 5)))
            (then
              (if (call $digits (i32.add (local.get $base) (local.get $i)) (local.get $len))
                (then
                  (local.set $idFrom (local.get $i))
                  (local.set $idTo (local.get $j)))
                (else (local.set $keyOk (i32.const 0)))))
            (else (if (i32.eq (local.get $key) (i32.const 3)) (then (local.set $keyOk (i32.const 0))))))
          (local.set $key (i32.const 0))
          (local.set $want (i32.const 4))
          (local.set $i (local.get $j))
          (br $top)))
      (br_if $fail (i32.eqz (local.get $closed)))
      (if (i32.and (i32.and (local.get $keyOk) (i32.eq (local.get $events) (i32.const 1)))
            (i32.and (i32.eq (local.get $systems) (i32.const 1))
              (i32.and (i32.ge_s (local.get $chFrom) (i32.const 0)) (i32.ge_s (local.get $idFrom) (i32.const 0)))))
        (then
          (i32.store (local.get $keyAt) (local.get $chFrom))
          (i32.store offset=4 (local.get $keyAt) (local.get $chTo))
          (i32.store offset=8 (local.get $keyAt) (local.get $idFrom))
          (i32.store offset=12 (local.get $keyAt) (local.get $idTo)))
        (else (i32.store (local.get $keyAt) (i32.const -1))))
      (return (local.get $n)))
    ;; Not scannable, or (n at cap) more ranges than there is room for.
    (select (i32.const -2) (i32.const -1) (i32.ge_u (local.get $n) (local.get $cap))))
)
