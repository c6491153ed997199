;; puregrad's matrix-multiply kernel: 4×4 register tiles of f64x2 (128-bit SIMD, no relaxed SIMD, no FMA), the
;; operand packing before it and the epilogues after it: axpy (a gradient step), a dense layer's bias and sigmoid,
;; and the derivative of its activation from the activation's output.
;;
;; The caller (src/WasmKernel.ts) copies each operand into this module's memory as it is, then `pack` lays it out
;; exactly as the JS tiled kernel packs its panels (the caller writes a last, partial panel itself):
;;   A in row panels:    ap + ((ti·k + p)·4 + r)·8 holds A(4·ti + r, p)
;;   B in column panels: bp + ((tj·k + p)·4 + c)·8 holds B(p, 4·tj + c)
;; (rows and columns past the matrix are zero), and gets back C padded to (4·rowTiles) × (4·colTiles), row-major, at out
;; in rows of `stride` doubles.
;;
;; The memory line below is the single-threaded module's; scripts/wasm-module.mjs also assembles a variant that imports
;; a shared memory instead (env.memory), which worker threads use together (src/internal/Pool.ts). Threads split a
;; product by whole 4×4 tiles, and each tile is this same loop, so results never depend on the thread count.
;;
;; Summation order is the contract shared with the JS kernels: every output starts at +0 and adds its products
;; a·b in ascending p with one accumulator (a lane), so both paths give bit-identical results.
;; Rebuild the bytes with `pnpm --filter @puregrad/tensor build:wasm`; a test fails if they drift from this file.
(module
  (memory (export "memory") 1)
  ;; Packs `tiles` full panels of 4 rows from an operand at byte `src` (row i, column p at src + 8·(i·rs + p·cs))
  ;; into `dst`: panel t holds rows 4t … 4t+3 interleaved by p, dst + ((t·k + p)·4 + r)·8 = X(4t + r, p).
  ;; Plain f64 loads and stores: it moves values, so the results cannot depend on it.
  (func (export "pack")
    (param $src i32) (param $tiles i32) (param $k i32) (param $rs i32) (param $cs i32) (param $dst i32)
    (local $t i32) (local $p i32) (local $x i32) (local $q i32)
    (local $rowBytes i32) (local $colBytes i32)
    (local.set $rowBytes (i32.shl (local.get $rs) (i32.const 3)))
    (local.set $colBytes (i32.shl (local.get $cs) (i32.const 3)))
    (local.set $q (local.get $dst))
    (block $donePanels
      (loop $panels
        (br_if $donePanels (i32.ge_u (local.get $t) (local.get $tiles)))
        ;; row 4t of the panel starts at src + 4t·rowBytes
        (local.set $x (i32.add (local.get $src) (i32.mul (i32.shl (local.get $t) (i32.const 2)) (local.get $rowBytes))))
        (local.set $p (i32.const 0))
        (block $doneSteps
          (loop $steps
            (br_if $doneSteps (i32.ge_u (local.get $p) (local.get $k)))
            (f64.store (local.get $q) (f64.load (local.get $x)))
            (f64.store offset=8 (local.get $q) (f64.load (i32.add (local.get $x) (local.get $rowBytes))))
            (f64.store offset=16 (local.get $q) (f64.load (i32.add (local.get $x) (i32.shl (local.get $rowBytes) (i32.const 1)))))
            (f64.store offset=24 (local.get $q) (f64.load (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $x (i32.add (local.get $x) (local.get $colBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $steps)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $panels))))
  ;; The axpy epilogue over a product left at `src` in rows of `stride` doubles: for i < m, j < n,
  ;; c[i·n + j] = alpha·C[i·stride + j] + c[i·n + j], in place over the m×n operand at `c`. Two lanes at a time and a
  ;; scalar last column when n is odd: each lane is one multiply then one add, as `alpha * s + c` in JS.
  (func (export "axpy")
    (param $m i32) (param $n i32) (param $stride i32) (param $alpha f64) (param $src i32) (param $c i32)
    (local $i i32) (local $s i32) (local $d i32) (local $end i32) (local $rowEnd i32)
    (local $a v128)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $i) (local.get $m)))
        ;; row i of the product starts at src + 8·i·stride, row i of c at c + 8·i·n
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 3))))
        (local.set $d (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $rowEnd (i32.add (local.get $d) (i32.shl (local.get $n) (i32.const 3))))
        ;; pairs while two whole doubles remain in the row (rows of c need not be 16-byte aligned: unaligned loads)
        (local.set $end (i32.sub (local.get $rowEnd) (i32.const 8)))
        (block $donePairs
          (loop $pairs
            (br_if $donePairs (i32.ge_u (local.get $d) (local.get $end)))
            (v128.store (local.get $d)
              (f64x2.add (f64x2.mul (local.get $a) (v128.load (local.get $s))) (v128.load (local.get $d))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $d) (local.get $rowEnd))
          (then
            (f64.store (local.get $d)
              (f64.add (f64.mul (local.get $alpha) (f64.load (local.get $s))) (f64.load (local.get $d))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
  ;; The bias epilogue of a dense layer, in place over a product left at `src` in rows of `stride` doubles:
  ;; C[i·stride + j] += bias[i] for i < m, two lanes at a time over whole padded rows (`stride` is a multiple of 4;
  ;; the padding columns are never copied out). Each lane is one add, as `out[q] += bias[i]` in Epilogue.addBias.
  (func (export "bias") (param $m i32) (param $stride i32) (param $src i32) (param $bias i32)
    (local $i i32) (local $s i32) (local $end i32) (local $b v128)
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $b (v128.load64_splat (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 3))))
        (local.set $end (i32.add (local.get $s) (i32.shl (local.get $stride) (i32.const 3))))
        (block $donePairs
          (loop $pairs
            (br_if $donePairs (i32.ge_u (local.get $s) (local.get $end)))
            (v128.store (local.get $s) (f64x2.add (v128.load (local.get $s)) (local.get $b)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (br $pairs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
;; The bias-and-sigmoid epilogue of a dense layer: as `bias`, then σ over each lane, with the operations of
  ;; Epilogue.sigmoid and Exp.exp (fdlibm's e^x, written out below branch-free: every case is computed and each
  ;; lane's own selected). σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) below, e = e^x with x = −|z| ≤ 0, so of exp's
  ;; cases only those for x ≤ 0 arise: no overflow, k ≤ 0, and x = 1 never. Constants live in locals, set once:
  ;; V8 would rebuild a v128.const at every use inside the loop.
  (func (export "biasSigmoid") (param $m i32) (param $stride i32) (param $src i32) (param $bias i32)
    (local $i i32) (local $s i32) (local $end i32) (local $b v128)
    (local $z v128) (local $x v128) (local $ax v128) (local $k v128) (local $hi v128) (local $lo v128)
    (local $r v128) (local $t v128) (local $c v128) (local $y v128) (local $e v128)
    (local $one v128) (local $two v128) (local $half v128) (local $zero v128) (local $signBit v128)
    (local $invLn2 v128) (local $ln2Hi v128) (local $ln2Lo v128) (local $halfLn2 v128) (local $threeHalvesLn2 v128)
    (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $p4 v128) (local $p5 v128)
    (local $exponentBias v128) (local $lowExponentBias v128) (local $twoM1000 v128) (local $lowestK v128)
    (local $tiny v128) (local $underflow v128)
    (local.set $one (v128.const f64x2 1 1))
    (local.set $two (v128.const f64x2 2 2))
    (local.set $half (v128.const f64x2 0.5 0.5))
    (local.set $zero (v128.const f64x2 0 0))
    (local.set $signBit (v128.const i64x2 0x8000000000000000 0x8000000000000000))
    (local.set $invLn2 (v128.const f64x2 1.44269504088896338700 1.44269504088896338700))
    (local.set $ln2Hi (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1))
    (local.set $ln2Lo (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
    ;; the doubles with upper words 0x3FD62E43 and 0x3FF0A2B2 (lower words 0), as in Exp.ts
    (local.set $halfLn2 (v128.const i64x2 0x3fd62e4300000000 0x3fd62e4300000000))
    (local.set $threeHalvesLn2 (v128.const i64x2 0x3ff0a2b200000000 0x3ff0a2b200000000))
    (local.set $p1 (v128.const f64x2 1.66666666666666019037e-1 1.66666666666666019037e-1))
    (local.set $p2 (v128.const f64x2 -2.77777777770155933842e-3 -2.77777777770155933842e-3))
    (local.set $p3 (v128.const f64x2 6.61375632143793436117e-5 6.61375632143793436117e-5))
    (local.set $p4 (v128.const f64x2 -1.65339022054652515390e-6 -1.65339022054652515390e-6))
    (local.set $p5 (v128.const f64x2 4.13813679705723846039e-8 4.13813679705723846039e-8))
    ;; k + (2^52 + 1023) is exact and its low bits are k + 1023: shifted left by 52 they are 2^k's exponent field
    (local.set $exponentBias (v128.const f64x2 0x1.00000000003ffp52 0x1.00000000003ffp52))
    (local.set $lowExponentBias (v128.const f64x2 0x1.00000000007e7p52 0x1.00000000007e7p52))
    (local.set $twoM1000 (v128.const f64x2 0x1p-1000 0x1p-1000))
    (local.set $lowestK (v128.const f64x2 -1021 -1021))
    (local.set $tiny (v128.const f64x2 0x1p-28 0x1p-28))
    (local.set $underflow (v128.const f64x2 -7.45133219101941108420e2 -7.45133219101941108420e2))
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $b (v128.load64_splat (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 3))))
        (local.set $end (i32.add (local.get $s) (i32.shl (local.get $stride) (i32.const 3))))
        (block $donePairs
          (loop $pairs
            (br_if $donePairs (i32.ge_u (local.get $s) (local.get $end)))
            (local.set $z (f64x2.add (v128.load (local.get $s)) (local.get $b)))
            ;; x = −|z|
            (local.set $x (v128.or (f64x2.abs (local.get $z)) (local.get $signBit)))
            (local.set $ax (f64x2.abs (local.get $x)))
            ;; k = trunc(x/ln2 − 0.5) from 1.5·ln2 up, −1 from ln2/2 up, 0 below; hi = x − k·ln2_hi, lo = k·ln2_lo
            (local.set $k
              (v128.bitselect
                (f64x2.neg (local.get $one))
                (f64x2.trunc (f64x2.sub (f64x2.mul (local.get $x) (local.get $invLn2)) (local.get $half)))
                (f64x2.lt (local.get $ax) (local.get $threeHalvesLn2))))
            (local.set $k (v128.and (local.get $k) (f64x2.ge (local.get $ax) (local.get $halfLn2))))
            (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (local.get $ln2Hi))))
            (local.set $lo (f64x2.mul (local.get $k) (local.get $ln2Lo)))
            ;; r = hi − lo; c = r − r²·(P1 + r²·(P2 + r²·(P3 + r²·(P4 + r²·P5))))
            (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
            (local.set $t (f64x2.mul (local.get $r) (local.get $r)))
            (local.set $c
              (f64x2.sub (local.get $r)
                (f64x2.mul (local.get $t)
                  (f64x2.add (local.get $p1)
                    (f64x2.mul (local.get $t)
                      (f64x2.add (local.get $p2)
                        (f64x2.mul (local.get $t)
                          (f64x2.add (local.get $p3)
                            (f64x2.mul (local.get $t)
                              (f64x2.add (local.get $p4) (f64x2.mul (local.get $t) (local.get $p5))))))))))))
            ;; y = 1 − ((lo − r·c/(2 − c)) − hi): for k = 0 (hi = x, lo = 0) this is exp's 1 − (r·c/(c − 2) − r)
            (local.set $y
              (f64x2.sub (local.get $one)
                (f64x2.sub
                  (f64x2.sub (local.get $lo)
                    (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (local.get $two) (local.get $c))))
                  (local.get $hi))))
            ;; e = y·2^k, or y·2^(k+1000)·2^−1000 where 2^k would be subnormal (k < −1021)
            (local.set $e
              (v128.bitselect
                (f64x2.mul
                  (f64x2.mul (local.get $y)
                    (i64x2.shl (f64x2.add (local.get $k) (local.get $lowExponentBias)) (i32.const 52)))
                  (local.get $twoM1000))
                (f64x2.mul (local.get $y) (i64x2.shl (f64x2.add (local.get $k) (local.get $exponentBias)) (i32.const 52)))
                (f64x2.lt (local.get $k) (local.get $lowestK))))
            ;; |x| < 2^−28: 1 + x; below −745.13…: +0; NaN stays NaN (x + x)
            (local.set $e
              (v128.bitselect (f64x2.add (local.get $one) (local.get $x)) (local.get $e)
                (f64x2.lt (local.get $ax) (local.get $tiny))))
            (local.set $e (v128.andnot (local.get $e) (f64x2.lt (local.get $x) (local.get $underflow))))
            (local.set $e
              (v128.bitselect (f64x2.add (local.get $x) (local.get $x)) (local.get $e)
                (f64x2.ne (local.get $x) (local.get $x))))
            ;; σ = (z ≥ 0 ? 1 : e) / (1 + e)
            (v128.store (local.get $s)
              (f64x2.div
                (v128.bitselect (local.get $one) (local.get $e) (f64x2.ge (local.get $z) (local.get $zero)))
                (f64x2.add (local.get $one) (local.get $e))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (br $pairs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
  ;; g ⊙ σ'(a) in two lanes, for an activation whose derivative is written from its output a = σ(z), with the operations
  ;; of Epilogue.timesDerivative: rule 0 sigmoid g·a·(1 − a), rule 1 tanh g·(1 − a·a), rule 2 relu a > 0 ? g : +0.
  (func $timesDerivative (param $g v128) (param $a v128) (param $rule i32) (result v128)
    (if (result v128) (i32.eqz (local.get $rule))
      (then (f64x2.mul (f64x2.mul (local.get $g) (local.get $a)) (f64x2.sub (v128.const f64x2 1 1) (local.get $a))))
      (else
        (if (result v128) (i32.eq (local.get $rule) (i32.const 1))
          (then (f64x2.mul (local.get $g) (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $a) (local.get $a)))))
          ;; all-ones where a > 0 keeps g's bits exactly; elsewhere the lane is +0
          (else (v128.and (local.get $g) (f64x2.gt (local.get $a) (v128.const f64x2 0 0))))))))
  ;; The backward epilogue of a dense layer, in place over a product g = Wᵀ·dz left at `src` in rows of `stride`
  ;; doubles: C[i·stride + j] = g ⊙ σ'(a[i·n + j]) for i < m, j < n, the m×n output a at `a` (rows not 16-byte aligned:
  ;; unaligned loads), two lanes at a time and a last single column when n is odd.
  (func (export "derivative")
    (param $m i32) (param $n i32) (param $stride i32) (param $src i32) (param $a i32) (param $rule i32)
    (local $i i32) (local $s i32) (local $p i32) (local $end i32) (local $rowEnd i32)
    (block $doneRows
      (loop $rows
        (br_if $doneRows (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $stride)) (i32.const 3))))
        (local.set $p (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3))))
        (local.set $rowEnd (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
        (local.set $end (i32.sub (local.get $rowEnd) (i32.const 8)))
        (block $donePairs
          (loop $pairs
            (br_if $donePairs (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store (local.get $s)
              (call $timesDerivative (v128.load (local.get $s)) (v128.load (local.get $p)) (local.get $rule)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $p) (local.get $rowEnd))
          (then
            (f64.store (local.get $s)
              (f64x2.extract_lane 0
                (call $timesDerivative
                  (v128.load64_splat (local.get $s)) (v128.load64_splat (local.get $p)) (local.get $rule))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))
  (func (export "gemm")
    (param $rowTiles i32) (param $colTiles i32) (param $k i32)
    (param $ap i32) (param $bp i32) (param $out i32) (param $stride i32)
    (local $ti i32) (local $tj i32) (local $panelBytes i32) (local $rowBytes i32)
    (local $a i32) (local $b i32) (local $end i32) (local $o i32)
    (local $x v128) (local $b01 v128) (local $b23 v128)
    (local $c0a v128) (local $c0b v128)
    (local $c1a v128) (local $c1b v128)
    (local $c2a v128) (local $c2b v128)
    (local $c3a v128) (local $c3b v128)
    ;; one panel holds k steps of 4 doubles (32 bytes); one output row holds `stride` doubles, at least colTiles·4
    ;; (more when a thread computes a band of columns of a wider product)
    (local.set $panelBytes (i32.shl (local.get $k) (i32.const 5)))
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $tj (i32.const 0))
    (block $doneJ
      (loop $columns
        (br_if $doneJ (i32.ge_u (local.get $tj) (local.get $colTiles)))
        (local.set $ti (i32.const 0))
        (block $doneI
          (loop $rows
            (br_if $doneI (i32.ge_u (local.get $ti) (local.get $rowTiles)))
        (local.set $c0a (v128.const f64x2 0 0))
        (local.set $c0b (v128.const f64x2 0 0))
        (local.set $c1a (v128.const f64x2 0 0))
        (local.set $c1b (v128.const f64x2 0 0))
        (local.set $c2a (v128.const f64x2 0 0))
        (local.set $c2b (v128.const f64x2 0 0))
        (local.set $c3a (v128.const f64x2 0 0))
        (local.set $c3b (v128.const f64x2 0 0))
            (local.set $a (i32.add (local.get $ap) (i32.mul (local.get $ti) (local.get $panelBytes))))
            (local.set $b (i32.add (local.get $bp) (i32.mul (local.get $tj) (local.get $panelBytes))))
            (local.set $end (i32.add (local.get $a) (local.get $panelBytes)))
            (block $doneP
              (loop $products
                (br_if $doneP (i32.ge_u (local.get $a) (local.get $end)))
                (local.set $b01 (v128.load (local.get $b)))
                (local.set $b23 (v128.load offset=16 (local.get $b)))
          ;; row 0: c0 += a0 * b, one product and one add per lane, as `c += a * b` in JS
          (local.set $x (v128.load64_splat (local.get $a)))
          (local.set $c0a (f64x2.add (local.get $c0a) (f64x2.mul (local.get $x) (local.get $b01))))
          (local.set $c0b (f64x2.add (local.get $c0b) (f64x2.mul (local.get $x) (local.get $b23))))
          ;; row 1: c1 += a1 * b, one product and one add per lane, as `c += a * b` in JS
          (local.set $x (v128.load64_splat offset=8 (local.get $a)))
          (local.set $c1a (f64x2.add (local.get $c1a) (f64x2.mul (local.get $x) (local.get $b01))))
          (local.set $c1b (f64x2.add (local.get $c1b) (f64x2.mul (local.get $x) (local.get $b23))))
          ;; row 2: c2 += a2 * b, one product and one add per lane, as `c += a * b` in JS
          (local.set $x (v128.load64_splat offset=16 (local.get $a)))
          (local.set $c2a (f64x2.add (local.get $c2a) (f64x2.mul (local.get $x) (local.get $b01))))
          (local.set $c2b (f64x2.add (local.get $c2b) (f64x2.mul (local.get $x) (local.get $b23))))
          ;; row 3: c3 += a3 * b, one product and one add per lane, as `c += a * b` in JS
          (local.set $x (v128.load64_splat offset=24 (local.get $a)))
          (local.set $c3a (f64x2.add (local.get $c3a) (f64x2.mul (local.get $x) (local.get $b01))))
          (local.set $c3b (f64x2.add (local.get $c3b) (f64x2.mul (local.get $x) (local.get $b23))))
                (local.set $a (i32.add (local.get $a) (i32.const 32)))
                (local.set $b (i32.add (local.get $b) (i32.const 32)))
                (br $products)))
            ;; the tile's rows start at out + 4·ti·rowBytes + 32·tj
            (local.set $o
              (i32.add (local.get $out)
                (i32.add (i32.mul (i32.shl (local.get $ti) (i32.const 2)) (local.get $rowBytes))
                         (i32.shl (local.get $tj) (i32.const 5)))))
        (v128.store (local.get $o) (local.get $c0a))
        (v128.store offset=16 (local.get $o) (local.get $c0b))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (v128.store (local.get $o) (local.get $c1a))
        (v128.store offset=16 (local.get $o) (local.get $c1b))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (v128.store (local.get $o) (local.get $c2a))
        (v128.store offset=16 (local.get $o) (local.get $c2b))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (v128.store (local.get $o) (local.get $c3a))
        (v128.store offset=16 (local.get $o) (local.get $c3b))
            (local.set $ti (i32.add (local.get $ti) (i32.const 1)))
            (br $rows)))
        (local.set $tj (i32.add (local.get $tj) (i32.const 1)))
        (br $columns)))))
