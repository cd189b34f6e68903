using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Functional.Tensors;

/// <summary>
/// Matrix kernels over row-major arrays of doubles or floats (generic, specialised by the JIT per type). Every output element is a sum taken in sequential index order, starting
/// from 0, with multiply and add kept separate (never fused) — vectorised across output columns and split across
/// threads by output rows only, never across the summed index. So the bits do not depend on the vector width, the
/// instruction set or the number of threads: every path computes each element exactly as the plain loop
/// <c>c = 0; for p: c += a[p]·b[p]</c> does.
/// </summary>
internal static class Kernels
{
    // Row blocks of 4 and column blocks of two 512-bit vectors (16 doubles, 32 floats) or two 256-bit vectors
    // keep 8 accumulators in registers.
    private const int RowBlock = 4;

    // Below this many multiply-adds a product runs on the calling thread: splitting costs more than it saves.
    private const long ParallelThreshold = 1 << 18;

    /// <summary>C = A·B for A: [m, k], B: [k, n]; C[i, j] = Σ_p A[i, p]·B[p, j] summed over p in order.</summary>
    public static T[] MatMul<T>(T[] a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = GC.AllocateUninitializedArray<T>(m * n);   // Gemm stores every element
        Gemm(a, aRowStride: k, aStepStride: 1, b, c, m, k, n, default);
        return c;
    }

    /// <summary>C = Aᵀ·B for A: [m, k], B: [m, n]; C[p, j] = Σ_i A[i, p]·B[i, j] summed over i in order.</summary>
    public static T[] MatMulTransposeA<T>(T[] a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = GC.AllocateUninitializedArray<T>(k * n);   // Gemm stores every element
        Gemm(a, aRowStride: 1, aStepStride: k, b, c, k, m, n, default);
        return c;
    }

    /// <summary>
    /// P − scale·(Aᵀ·B) for A: [m, k], B: [m, n], P: [k, n] — an SGD step fused into the weight-gradient product, so
    /// the gradient is never stored. Each element is bit-identical to <c>SubtractScaled(P, MatMulTransposeA(A, B), scale)</c>.
    /// </summary>
    public static T[] MatMulTransposeASubtractedFrom<T>(T[] p, T scale, T[] a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = GC.AllocateUninitializedArray<T>(k * n);   // Gemm stores every element
        Gemm(a, aRowStride: 1, aStepStride: k, b, c, k, m, n, new Epilogue<T>(p, scale));
        return c;
    }

    /// <summary>C = A·Bᵀ for A: [m, n], B: [k, n]; C[i, p] = Σ_j A[i, j]·B[p, j] summed over j in order.</summary>
    public static T[] MatMulTransposeB<T>(T[] a, T[] b, int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T> =>
        MatMul(a, Transpose(b, k, n), m, n, k);

    /// <summary>The transpose of A: [rows, cols].</summary>
    public static T[] Transpose<T>(ReadOnlySpan<T> a, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new T[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = a[(i * cols) + j];
            }
        }
        return t;
    }

    /// <summary>s[j] = Σ_i A[i, j] summed over i in order, for A: [m, n].</summary>
    public static T[] ColumnSums<T>(ReadOnlySpan<T> a, int m, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new T[n];
        for (var i = 0; i < m; i++)
        {
            Add(a.Slice(i * n, n), s);
        }
        return s;
    }

    /// <summary>
    /// p[i] − scale·g[i] for every i: a multiply, then a subtraction, in every path. Large arrays are split in
    /// halves across threads; each element is computed the same way whichever thread computes it.
    /// </summary>
    public static T[] SubtractScaled<T>(T[] p, T[] g, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = GC.AllocateUninitializedArray<T>(p.Length);
        if (p.Length < ParallelThreshold / 8 || Environment.ProcessorCount == 1)
        {
            SubtractScaled(p, g, scale, result, 0, p.Length);
            return result;
        }
        var half = p.Length / 2 / Vector256<T>.Count * Vector256<T>.Count;
        Fork.Invoke(
            () => SubtractScaled(p, g, scale, result, 0, half),
            () => SubtractScaled(p, g, scale, result, half, p.Length));
        return result;
    }

    private static void SubtractScaled<T>(T[] p, T[] g, T scale, T[] result, int start, int end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            var width = Vector256<T>.Count;
            for (; i + width <= end; i += width)
            {
                (Vector256.Create<T>(p.AsSpan(i, width)) - (s * Vector256.Create<T>(g.AsSpan(i, width)))).CopyTo(result.AsSpan(i, width));
            }
        }
        for (; i < end; i++)
        {
            var step = scale * g[i];
            result[i] = p[i] - step;
        }
    }

    /// <summary>y[j] += x[j].</summary>
    public static void Add<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= y.Length - Vector<T>.Count; j += Vector<T>.Count)
            {
                (new Vector<T>(y[j..]) + new Vector<T>(x[j..])).CopyTo(y[j..]);
            }
        }
        for (; j < y.Length; j++)
        {
            y[j] += x[j];
        }
    }

    /// <summary>
    /// C[r, j] = Σ_s A(r, s)·B[s, j] over s = 0 … steps − 1 in order, where A(r, s) = a[r·aRowStride + s·aStepStride],
    /// for C: [rows, n] and B: [steps, n]. Strides let one kernel serve A·B and Aᵀ·B without a transpose.
    /// </summary>
    private static void Gemm<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int rows, int steps, int n, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var blocks = (rows + RowBlock - 1) / RowBlock;
        if ((long)rows * steps * n < ParallelThreshold || Environment.ProcessorCount == 1 || blocks < 2)
        {
            RowBlocks(a, aRowStride, aStepStride, b, c, rows, steps, n, 0, blocks, epilogue);
            return;
        }
        // Each thread takes whole row blocks, computed exactly as on one thread: the split changes who computes
        // an element, never how.
        var parts = Math.Min(Environment.ProcessorCount, blocks);
        if (parts == 2)
        {
            var middle = blocks / 2;
            Fork.Invoke(
                () => RowBlocks(a, aRowStride, aStepStride, b, c, rows, steps, n, 0, middle, epilogue),
                () => RowBlocks(a, aRowStride, aStepStride, b, c, rows, steps, n, middle, blocks, epilogue));
            return;
        }
        Parallel.For(0, parts, part =>
        {
            var first = (int)((long)blocks * part / parts);
            var last = (int)((long)blocks * (part + 1) / parts);
            RowBlocks(a, aRowStride, aStepStride, b, c, rows, steps, n, first, last, epilogue);
        });
    }

    private static void RowBlocks<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c,
        int rows, int steps, int n, int firstBlock, int lastBlock, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var block = firstBlock; block < lastBlock; block++)
        {
            var row = block * RowBlock;
            if (block + 1 < lastBlock && row + (2 * RowBlock) <= rows)
            {
                // Two row blocks at once through the widest columns: each B vector loaded serves eight rows.
                var j = EightRowsWide(a, aRowStride, aStepStride, b, c, row, steps, n, epilogue);
                FourRows(a, aRowStride, aStepStride, b, c, row, steps, n, epilogue, j);
                FourRows(a, aRowStride, aStepStride, b, c, row + RowBlock, steps, n, epilogue, j);
                block++;
            }
            else if (row + RowBlock <= rows)
            {
                FourRows(a, aRowStride, aStepStride, b, c, row, steps, n, epilogue, 0);
            }
            else
            {
                for (; row < rows; row++)
                {
                    OneRow(a, aRowStride, aStepStride, b, c, row, steps, n, epilogue);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, Epilogue<T> epilogue,
        int firstColumn) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref var cRef = ref MemoryMarshal.GetArrayDataReference(c);
        var a0 = row * aRowStride;
        var j = firstColumn;
        if (Vector512.IsHardwareAccelerated)
        {
            var width = Vector512<T>.Count;
            for (; j + (2 * width) <= n; j += 2 * width)
            {
                Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
                for (var s = 0; s < steps; s++)
                {
                    var bOffset = (nuint)((s * n) + j);
                    var b0 = Vector512.LoadUnsafe(ref bRef, bOffset);
                    var b1 = Vector512.LoadUnsafe(ref bRef, bOffset + (nuint)width);
                    var aOffset = a0 + (s * aStepStride);
                    var x0 = Vector512.Create(Unsafe.Add(ref aRef, aOffset));
                    var x1 = Vector512.Create(Unsafe.Add(ref aRef, aOffset + aRowStride));
                    var x2 = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride)));
                    var x3 = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride)));
                    c00 += x0 * b0;
                    c01 += x0 * b1;
                    c10 += x1 * b0;
                    c11 += x1 * b1;
                    c20 += x2 * b0;
                    c21 += x2 * b1;
                    c30 += x3 * b0;
                    c31 += x3 * b1;
                }
                var cOffset = (nuint)((row * n) + j);
                epilogue.Store(c00, ref cRef, cOffset);
                epilogue.Store(c01, ref cRef, cOffset + (nuint)width);
                epilogue.Store(c10, ref cRef, cOffset + (nuint)n);
                epilogue.Store(c11, ref cRef, cOffset + (nuint)n + (nuint)width);
                epilogue.Store(c20, ref cRef, cOffset + (nuint)(2 * n));
                epilogue.Store(c21, ref cRef, cOffset + (nuint)(2 * n) + (nuint)width);
                epilogue.Store(c30, ref cRef, cOffset + (nuint)(3 * n));
                epilogue.Store(c31, ref cRef, cOffset + (nuint)(3 * n) + (nuint)width);
            }
            for (; j + width <= n; j += width)
            {
                Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
                for (var s = 0; s < steps; s++)
                {
                    var bj = Vector512.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                    var aOffset = a0 + (s * aStepStride);
                    c0 += Vector512.Create(Unsafe.Add(ref aRef, aOffset)) * bj;
                    c1 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + aRowStride)) * bj;
                    c2 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride))) * bj;
                    c3 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride))) * bj;
                }
                var cOffset = (nuint)((row * n) + j);
                epilogue.Store(c0, ref cRef, cOffset);
                epilogue.Store(c1, ref cRef, cOffset + (nuint)n);
                epilogue.Store(c2, ref cRef, cOffset + (nuint)(2 * n));
                epilogue.Store(c3, ref cRef, cOffset + (nuint)(3 * n));
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<T>.Count;
            for (; j + (2 * width) <= n; j += 2 * width)
            {
                Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector256<T> c20 = default, c21 = default, c30 = default, c31 = default;
                for (var s = 0; s < steps; s++)
                {
                    var bOffset = (nuint)((s * n) + j);
                    var b0 = Vector256.LoadUnsafe(ref bRef, bOffset);
                    var b1 = Vector256.LoadUnsafe(ref bRef, bOffset + (nuint)width);
                    var aOffset = a0 + (s * aStepStride);
                    var x0 = Vector256.Create(Unsafe.Add(ref aRef, aOffset));
                    var x1 = Vector256.Create(Unsafe.Add(ref aRef, aOffset + aRowStride));
                    var x2 = Vector256.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride)));
                    var x3 = Vector256.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride)));
                    c00 += x0 * b0;
                    c01 += x0 * b1;
                    c10 += x1 * b0;
                    c11 += x1 * b1;
                    c20 += x2 * b0;
                    c21 += x2 * b1;
                    c30 += x3 * b0;
                    c31 += x3 * b1;
                }
                var cOffset = (nuint)((row * n) + j);
                epilogue.Store(c00, ref cRef, cOffset);
                epilogue.Store(c01, ref cRef, cOffset + (nuint)width);
                epilogue.Store(c10, ref cRef, cOffset + (nuint)n);
                epilogue.Store(c11, ref cRef, cOffset + (nuint)n + (nuint)width);
                epilogue.Store(c20, ref cRef, cOffset + (nuint)(2 * n));
                epilogue.Store(c21, ref cRef, cOffset + (nuint)(2 * n) + (nuint)width);
                epilogue.Store(c30, ref cRef, cOffset + (nuint)(3 * n));
                epilogue.Store(c31, ref cRef, cOffset + (nuint)(3 * n) + (nuint)width);
            }
        }
        FourRowsNarrow(a, aRowStride, aStepStride, b, c, row, steps, n, j, epilogue);
    }

    /// <summary>
    /// Eight rows' columns in blocks of two 512-bit vectors (16 accumulators), then of one, as far as whole blocks
    /// go; returns the first column left for <see cref="FourRows"/>. Each sum is the sequential one, as everywhere here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int EightRowsWide<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return 0;
        }
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref var cRef = ref MemoryMarshal.GetArrayDataReference(c);
        var a0 = row * aRowStride;
        var width = Vector512<T>.Count;
        var j = 0;
        for (; j + (2 * width) <= n; j += 2 * width)
        {
            Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            for (var s = 0; s < steps; s++)
            {
                var bOffset = (nuint)((s * n) + j);
                var b0 = Vector512.LoadUnsafe(ref bRef, bOffset);
                var b1 = Vector512.LoadUnsafe(ref bRef, bOffset + (nuint)width);
                var aOffset = a0 + (s * aStepStride);
                var x = Vector512.Create(Unsafe.Add(ref aRef, aOffset));
                c00 += x * b0;
                c01 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + aRowStride));
                c10 += x * b0;
                c11 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride)));
                c20 += x * b0;
                c21 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride)));
                c30 += x * b0;
                c31 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (4 * aRowStride)));
                c40 += x * b0;
                c41 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (5 * aRowStride)));
                c50 += x * b0;
                c51 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (6 * aRowStride)));
                c60 += x * b0;
                c61 += x * b1;
                x = Vector512.Create(Unsafe.Add(ref aRef, aOffset + (7 * aRowStride)));
                c70 += x * b0;
                c71 += x * b1;
            }
            var cOffset = (nuint)((row * n) + j);
            var w = (nuint)width;
            var stride = (nuint)n;
            epilogue.Store(c00, ref cRef, cOffset);
            epilogue.Store(c01, ref cRef, cOffset + w);
            epilogue.Store(c10, ref cRef, cOffset + stride);
            epilogue.Store(c11, ref cRef, cOffset + stride + w);
            epilogue.Store(c20, ref cRef, cOffset + (2 * stride));
            epilogue.Store(c21, ref cRef, cOffset + (2 * stride) + w);
            epilogue.Store(c30, ref cRef, cOffset + (3 * stride));
            epilogue.Store(c31, ref cRef, cOffset + (3 * stride) + w);
            epilogue.Store(c40, ref cRef, cOffset + (4 * stride));
            epilogue.Store(c41, ref cRef, cOffset + (4 * stride) + w);
            epilogue.Store(c50, ref cRef, cOffset + (5 * stride));
            epilogue.Store(c51, ref cRef, cOffset + (5 * stride) + w);
            epilogue.Store(c60, ref cRef, cOffset + (6 * stride));
            epilogue.Store(c61, ref cRef, cOffset + (6 * stride) + w);
            epilogue.Store(c70, ref cRef, cOffset + (7 * stride));
            epilogue.Store(c71, ref cRef, cOffset + (7 * stride) + w);
        }
        for (; j + width <= n; j += width)
        {
            Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (var s = 0; s < steps; s++)
            {
                var bj = Vector512.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                var aOffset = a0 + (s * aStepStride);
                c0 += Vector512.Create(Unsafe.Add(ref aRef, aOffset)) * bj;
                c1 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + aRowStride)) * bj;
                c2 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride))) * bj;
                c3 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride))) * bj;
                c4 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (4 * aRowStride))) * bj;
                c5 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (5 * aRowStride))) * bj;
                c6 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (6 * aRowStride))) * bj;
                c7 += Vector512.Create(Unsafe.Add(ref aRef, aOffset + (7 * aRowStride))) * bj;
            }
            var cOffset = (nuint)((row * n) + j);
            var stride = (nuint)n;
            epilogue.Store(c0, ref cRef, cOffset);
            epilogue.Store(c1, ref cRef, cOffset + stride);
            epilogue.Store(c2, ref cRef, cOffset + (2 * stride));
            epilogue.Store(c3, ref cRef, cOffset + (3 * stride));
            epilogue.Store(c4, ref cRef, cOffset + (4 * stride));
            epilogue.Store(c5, ref cRef, cOffset + (5 * stride));
            epilogue.Store(c6, ref cRef, cOffset + (6 * stride));
            epilogue.Store(c7, ref cRef, cOffset + (7 * stride));
        }
        return j;
    }

    /// <summary>
    /// Four rows' columns from <paramref name="firstColumn"/> on, two at a time in 128-bit vectors, then one at a
    /// time: four independent sums per pass, so the adds overlap instead of waiting on one chain.
    /// </summary>
    private static void FourRowsNarrow<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, int firstColumn, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref var cRef = ref MemoryMarshal.GetArrayDataReference(c);
        var a0 = row * aRowStride;
        var j = firstColumn;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + Vector128<T>.Count <= n; j += Vector128<T>.Count)
            {
                Vector128<T> c0 = default, c1 = default, c2 = default, c3 = default;
                for (var s = 0; s < steps; s++)
                {
                    var bj = Vector128.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                    var aOffset = a0 + (s * aStepStride);
                    c0 += Vector128.Create(Unsafe.Add(ref aRef, aOffset)) * bj;
                    c1 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + aRowStride)) * bj;
                    c2 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride))) * bj;
                    c3 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride))) * bj;
                }
                var cOffset = (nuint)((row * n) + j);
                epilogue.Store(c0, ref cRef, cOffset);
                epilogue.Store(c1, ref cRef, cOffset + (nuint)n);
                epilogue.Store(c2, ref cRef, cOffset + (nuint)(2 * n));
                epilogue.Store(c3, ref cRef, cOffset + (nuint)(3 * n));
            }
            // Fewer columns left than a 128-bit vector holds: run a whole vector anyway, its extra lanes reading the
            // next row of B (never stored), for every step but the last, which has no next row to read and is
            // added lane by lane — the same multiply, then add, as the vector lanes do.
            var width = Vector128<T>.Count;
            if (j < n && steps >= 2 && (long)((steps - 2) * n) + j + width <= b.Length)
            {
                Vector128<T> c0 = default, c1 = default, c2 = default, c3 = default;
                for (var s = 0; s < steps - 1; s++)
                {
                    var bj = Vector128.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                    var aOffset = a0 + (s * aStepStride);
                    c0 += Vector128.Create(Unsafe.Add(ref aRef, aOffset)) * bj;
                    c1 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + aRowStride)) * bj;
                    c2 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + (2 * aRowStride))) * bj;
                    c3 += Vector128.Create(Unsafe.Add(ref aRef, aOffset + (3 * aRowStride))) * bj;
                }
                var last = a0 + ((steps - 1) * aStepStride);
                for (var lane = 0; j + lane < n; lane++)
                {
                    var bj = Unsafe.Add(ref bRef, ((steps - 1) * n) + j + lane);
                    var column = j + lane;
                    epilogue.Store(c0.GetElement(lane) + (Unsafe.Add(ref aRef, last) * bj), ref cRef, (row * n) + column);
                    epilogue.Store(c1.GetElement(lane) + (Unsafe.Add(ref aRef, last + aRowStride) * bj), ref cRef, ((row + 1) * n) + column);
                    epilogue.Store(c2.GetElement(lane) + (Unsafe.Add(ref aRef, last + (2 * aRowStride)) * bj), ref cRef, ((row + 2) * n) + column);
                    epilogue.Store(c3.GetElement(lane) + (Unsafe.Add(ref aRef, last + (3 * aRowStride)) * bj), ref cRef, ((row + 3) * n) + column);
                }
                j = n;
            }
        }
        for (; j < n; j++)
        {
            T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
            for (var s = 0; s < steps; s++)
            {
                var bj = Unsafe.Add(ref bRef, (s * n) + j);
                var aOffset = a0 + (s * aStepStride);
                var p0 = Unsafe.Add(ref aRef, aOffset) * bj;
                var p1 = Unsafe.Add(ref aRef, aOffset + aRowStride) * bj;
                var p2 = Unsafe.Add(ref aRef, aOffset + (2 * aRowStride)) * bj;
                var p3 = Unsafe.Add(ref aRef, aOffset + (3 * aRowStride)) * bj;
                c0 += p0;
                c1 += p1;
                c2 += p2;
                c3 += p3;
            }
            epilogue.Store(c0, ref cRef, (row * n) + j);
            epilogue.Store(c1, ref cRef, ((row + 1) * n) + j);
            epilogue.Store(c2, ref cRef, ((row + 2) * n) + j);
            epilogue.Store(c3, ref cRef, ((row + 3) * n) + j);
        }
    }

    private static void OneRow<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref var cRef = ref MemoryMarshal.GetArrayDataReference(c);
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Vector256<T>.Count <= n; j += Vector256<T>.Count)
            {
                Vector256<T> sum = default;
                for (var s = 0; s < steps; s++)
                {
                    sum += Vector256.Create(Unsafe.Add(ref aRef, (row * aRowStride) + (s * aStepStride))) * Vector256.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                }
                epilogue.Store(sum, ref cRef, (nuint)((row * n) + j));
            }
        }
        NarrowColumns(a, aRowStride, aStepStride, b, c, row, steps, n, j, epilogue);
    }

    /// <summary>The columns from <paramref name="firstColumn"/> on, two at a time in 128-bit vectors, then one at a time.</summary>
    private static void NarrowColumns<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, int firstColumn, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref var bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref var cRef = ref MemoryMarshal.GetArrayDataReference(c);
        var j = firstColumn;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + Vector128<T>.Count <= n; j += Vector128<T>.Count)
            {
                Vector128<T> sum = default;
                for (var s = 0; s < steps; s++)
                {
                    sum += Vector128.Create(Unsafe.Add(ref aRef, (row * aRowStride) + (s * aStepStride))) * Vector128.LoadUnsafe(ref bRef, (nuint)((s * n) + j));
                }
                epilogue.Store(sum, ref cRef, (nuint)((row * n) + j));
            }
        }
        ScalarColumns(a, aRowStride, aStepStride, b, c, row, steps, n, j, epilogue);
    }

    private static void ScalarColumns<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int row, int steps, int n, int firstColumn, Epilogue<T> epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var j = firstColumn; j < n; j++)
        {
            var sum = T.Zero;
            for (var s = 0; s < steps; s++)
            {
                var product = a[(row * aRowStride) + (s * aStepStride)] * b[(s * n) + j];
                sum += product;
            }
            epilogue.Store(sum, ref MemoryMarshal.GetArrayDataReference(c), (row * n) + j);
        }
    }

    /// <summary>
    /// What a product does with each finished sum: store it (the default), or store p − scale·sum, computed as
    /// <see cref="SubtractScaled{T}(T[], T[], T)"/> computes it — a multiply, then a subtraction.
    /// </summary>
    private readonly struct Epilogue<T>(T[]? subtractFrom, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[]? _subtractFrom = subtractFrom;
        private readonly T _scale = scale;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector512<T> sum, ref T c, nuint offset)
        {
            if (_subtractFrom is null)
            {
                sum.StoreUnsafe(ref c, offset);
                return;
            }
            (Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_subtractFrom), offset) - (Vector512.Create(_scale) * sum)).StoreUnsafe(ref c, offset);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<T> sum, ref T c, nuint offset)
        {
            if (_subtractFrom is null)
            {
                sum.StoreUnsafe(ref c, offset);
                return;
            }
            (Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_subtractFrom), offset) - (Vector256.Create(_scale) * sum)).StoreUnsafe(ref c, offset);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector128<T> sum, ref T c, nuint offset)
        {
            if (_subtractFrom is null)
            {
                sum.StoreUnsafe(ref c, offset);
                return;
            }
            (Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_subtractFrom), offset) - (Vector128.Create(_scale) * sum)).StoreUnsafe(ref c, offset);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(T sum, ref T c, int offset)
        {
            if (_subtractFrom is null)
            {
                Unsafe.Add(ref c, offset) = sum;
                return;
            }
            var step = _scale * sum;
            Unsafe.Add(ref c, offset) = _subtractFrom[offset] - step;
        }
    }
}
