using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Functional.Parallelism;

namespace Functional.Kernels;

/// <summary>
/// Matrix kernels over row-major arrays of doubles or floats (generic, specialised by the JIT per type). Every output element is a sum taken in sequential index order, starting
/// from 0, with multiply and add kept separate (never fused) — vectorised across output columns and split across
/// threads by output rows only, never across the summed index. So the bits do not depend on the vector width, the
/// instruction set or the number of threads: every path computes each element exactly as the plain loop
/// <c>c = 0; for p: c += a[p]·b[p]</c> does.
/// </summary>
internal static class MatrixKernels
{
    // Row blocks of 4 and column blocks of two 512-bit vectors (16 doubles, 32 floats) or two 256-bit vectors
    // keep 8 accumulators in registers.
    private const int RowBlock = 4;

    // Below this many multiply-adds a product runs on the calling thread: splitting costs more than it saves.
    private const long ParallelThreshold = 1 << 18;

    // Below this many multiply-adds a product does not look for zero steps (the second layer's products, for one).
    private const long ZeroSkipThreshold = 1 << 16;

    /// <summary>C = A·B for A: [m, k], B: [k, n]; C[i, j] = Σ_p A[i, p]·B[p, j] summed over p in order.</summary>
    public static T[] MatMul<T>(T[] a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        MatMul(Operand<T>.Values(a), b, m, k, n);

    /// <summary>C = A·B as <see cref="MatMul{T}(T[], T[], int, int, int)"/>, for A given as values or pixels.</summary>
    public static T[] MatMul<T>(Operand<T> a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
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
    public static T[] MatMulTransposeASubtractedFrom<T>(T[] p, T scale, T[] a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T> =>
        MatMulTransposeASubtractedFrom(p, scale, Operand<T>.Values(a), b, m, k, n);

    /// <summary>P − scale·(Aᵀ·B) as the overload above, for A given as values or pixels.</summary>
    public static T[] MatMulTransposeASubtractedFrom<T>(T[] p, T scale, Operand<T> a, T[] b, int m, int k, int n) where T : unmanaged, IFloatingPointIeee754<T>
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

    /// <summary>result[i] = x[i]·scale / divisor: a multiply, then a division, in every path.</summary>
    public static void ScaleThenDivide<T>(ReadOnlySpan<T> x, T scale, T divisor, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<T>(scale);
            var d = new Vector<T>(divisor);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (new Vector<T>(x[i..]) * s / d).CopyTo(result[i..]);
            }
        }
        for (; i < x.Length; i++)
        {
            result[i] = x[i] * scale / divisor;
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
    /// <remarks>
    /// Steps at which a block's A values are all zero are skipped when B is finite (see <see cref="StepList"/>): each
    /// sum starts at +0 and so is never −0, and adding the ±0 such a step contributes leaves it unchanged, so the
    /// skipped sum has the plain loop's bits. Images are mostly zero pixels, so this skips over half of the work of a
    /// first layer's products.
    /// </remarks>
    private static void Gemm<T>(T[] a, int aRowStride, int aStepStride, T[] b, T[] c, int rows, int steps, int n, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gemm(Operand<T>.Values(a), aRowStride, aStepStride, b, c, rows, steps, n, epilogue);

    private static void Gemm<T>(Operand<T> a, int aRowStride, int aStepStride, T[] b, T[] c, int rows, int steps, int n, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.PixelArray is null)
        {
            Gemm<T, ValueReader<T>>(a, aRowStride, aStepStride, b, c, rows, steps, n, epilogue);
        }
        else
        {
            Gemm<T, PixelReader<T>>(a, aRowStride, aStepStride, b, c, rows, steps, n, epilogue);
        }
    }

    private static void Gemm<T, TReader>(Operand<T> a, int aRowStride, int aStepStride, T[] b, T[] c, int rows, int steps, int n, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
    {
        var blocks = (rows + RowBlock - 1) / RowBlock;
        if ((long)rows * steps * n < ParallelThreshold || Environment.ProcessorCount == 1 || blocks < 2)
        {
            RowBlocks<T, TReader>(a, aRowStride, aStepStride, b, c, rows, steps, n, 0, blocks, epilogue);
            return;
        }
        // Each thread takes whole row blocks, computed exactly as on one thread: the split changes who computes
        // an element, never how.
        var parts = Math.Min(Environment.ProcessorCount, blocks);
        if (parts == 2)
        {
            var middle = blocks / 2;
            Fork.Invoke(
                () => RowBlocks<T, TReader>(a, aRowStride, aStepStride, b, c, rows, steps, n, 0, middle, epilogue),
                () => RowBlocks<T, TReader>(a, aRowStride, aStepStride, b, c, rows, steps, n, middle, blocks, epilogue));
            return;
        }
        Parallel.For(0, parts, part =>
        {
            var first = (int)((long)blocks * part / parts);
            var last = (int)((long)blocks * (part + 1) / parts);
            RowBlocks<T, TReader>(a, aRowStride, aStepStride, b, c, rows, steps, n, first, last, epilogue);
        });
    }

    private static void RowBlocks<T, TReader>(Operand<T> a, int aRowStride, int aStepStride, T[] b, T[] c,
        int rows, int steps, int n, int firstBlock, int lastBlock, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
    {
        // Every thread checks B itself, at the same cost as one thread checking it before the split. Small products
        // skip nothing: finding the zero steps would cost more than it saves (the bits are the same either way).
        var skipZeros = (long)rows * steps * n >= ZeroSkipThreshold && StepList.AllFinite<T>(b.AsSpan(0, steps * n));
        var buffer = StepList.Buffer(steps);
        for (var block = firstBlock; block < lastBlock; block++)
        {
            var row = block * RowBlock;
            var p = new Panel<T>(a, aRowStride, aStepStride, b, c, steps, n, epilogue);
            if (block + 1 < lastBlock && row + (2 * RowBlock) <= rows)
            {
                // Two row blocks at once through the widest columns: each B vector loaded serves eight rows. The
                // steps all eight need serve each four too: the steps it adds are zero for those rows.
                var runs = StepList.Of(a, aRowStride, aStepStride, row, 2 * RowBlock, steps, skipZeros, buffer);
                if (block == firstBlock && runs.Length == 2 && runs[1] - runs[0] == steps)
                {
                    // The first block needs every step: A is dense, so stop looking (skipping or not, the sums are
                    // the same; this only saves the search).
                    skipZeros = false;
                }
                var j = EightRowsWide<T, TReader, Lanes512<T>>(p, row, runs);
                FourRows<T, TReader>(p, row, runs, j);
                FourRows<T, TReader>(p, row + RowBlock, runs, j);
                block++;
            }
            else if (row + RowBlock <= rows)
            {
                FourRows<T, TReader>(p, row, StepList.Of(a, aRowStride, aStepStride, row, RowBlock, steps, skipZeros, buffer), 0);
            }
            else
            {
                var runs = StepList.Of(a, aRowStride, aStepStride, row, rows - row, steps, skipZeros, buffer);
                for (; row < rows; row++)
                {
                    OneRow<T, TReader>(p, row, runs);
                }
            }
        }
    }

    /// <summary>
    /// One product's operands as every kernel below reads them: A's storage as bytes with its strides in bytes, the
    /// pixel table (for <see cref="PixelReader{T}"/>), B and C.
    /// </summary>
    private readonly ref struct Panel<T>(Operand<T> a, int aRowStride, int aStepStride, T[] b, T[] c, int steps, int n, Epilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly ref byte A = ref a.Origin;
        public readonly ref T Table = ref a.TableOrigin;
        public readonly ref T B = ref MemoryMarshal.GetArrayDataReference(b);
        public readonly ref T C = ref MemoryMarshal.GetArrayDataReference(c);
        public readonly nint RowStride = (nint)aRowStride * a.ElementSize;
        public readonly nint StepStride = (nint)aStepStride * a.ElementSize;
        public readonly int Steps = steps;
        public readonly int N = n;
        public readonly int BLength = b.Length;
        public readonly Epilogue<T> Epilogue = epilogue;

        /// <summary>Row <paramref name="row"/> of A at step 0.</summary>
        public ref byte ARow(int row) => ref Unsafe.AddByteOffset(ref A, row * RowStride);
    }

    // Each kernel walks the runs of needed steps, [runs[r], runs[r + 1]) for even r, in increasing order: A(r, s) at
    // aRow + s·stepStride + r·rowStride and B[s, j] at b + s·n + j, both pointers moved by a stride each step and the
    // row offsets kept in registers, so the loop spends few instructions beyond the vector ones. The vector kernels
    // are written once over IVector and compiled by the JIT once per width (Lanes512, Lanes256, Lanes128).

    /// <summary>
    /// Four rows' columns from <paramref name="firstColumn"/> on: blocks of two 512-bit vectors, then of one, then
    /// blocks of two 256-bit vectors, then <see cref="FourRowsNarrow"/> for the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows<T, TReader>(Panel<T> p, int row, ReadOnlySpan<int> runs, int firstColumn) where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
    {
        // Each width's kernel is called only when it has a column block to do: a call costs a few nanoseconds, and
        // a product calls this once per row block.
        var j = firstColumn;
        if (Vector512.IsHardwareAccelerated && j + Lanes512<T>.Count <= p.N)
        {
            j = FourRowsTwoVectors<T, TReader, Lanes512<T>>(p, row, runs, j);
            j = FourRowsOneVector<T, TReader, Lanes512<T>>(p, row, runs, j);
        }
        if (Vector256.IsHardwareAccelerated && j + (2 * Lanes256<T>.Count) <= p.N)
        {
            j = FourRowsTwoVectors<T, TReader, Lanes256<T>>(p, row, runs, j);
        }
        FourRowsNarrow<T, TReader>(p, row, runs, j);
    }

    /// <summary>
    /// Four rows' columns from <paramref name="firstColumn"/> on in blocks of two vectors (8 accumulators), as far as
    /// whole blocks go; returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FourRowsTwoVectors<T, TReader, TVector>(Panel<T> p, int row, ReadOnlySpan<int> runs, int firstColumn)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
        where TVector : struct, IVector<TVector, T>
    {
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint r1 = p.RowStride, r2 = 2 * r1, r3 = 3 * r1, stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        var width = TVector.Count;
        var j = firstColumn;
        for (; j + (2 * width) <= n; j += 2 * width)
        {
            TVector c00 = default, c01 = default, c10 = default, c11 = default;
            TVector c20 = default, c21 = default, c30 = default, c31 = default;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    var b0 = TVector.Load(ref bp, 0);
                    var b1 = TVector.Load(ref bp, (nuint)width);
                    var x0 = TVector.Create(TReader.Read(ref ap, ref table));
                    var x1 = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table));
                    var x2 = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table));
                    var x3 = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table));
                    c00 += x0 * b0;
                    c01 += x0 * b1;
                    c10 += x1 * b0;
                    c11 += x1 * b1;
                    c20 += x2 * b0;
                    c21 += x2 * b1;
                    c30 += x3 * b0;
                    c31 += x3 * b1;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            var cOffset = (nuint)((row * n) + j);
            p.Epilogue.Store(c00, ref p.C, cOffset);
            p.Epilogue.Store(c01, ref p.C, cOffset + (nuint)width);
            p.Epilogue.Store(c10, ref p.C, cOffset + (nuint)n);
            p.Epilogue.Store(c11, ref p.C, cOffset + (nuint)n + (nuint)width);
            p.Epilogue.Store(c20, ref p.C, cOffset + (nuint)(2 * n));
            p.Epilogue.Store(c21, ref p.C, cOffset + (nuint)(2 * n) + (nuint)width);
            p.Epilogue.Store(c30, ref p.C, cOffset + (nuint)(3 * n));
            p.Epilogue.Store(c31, ref p.C, cOffset + (nuint)(3 * n) + (nuint)width);
        }
        return j;
    }

    /// <summary>
    /// Four rows' columns from <paramref name="firstColumn"/> on, one vector at a time (4 accumulators), as far as
    /// whole vectors go; returns the first column left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FourRowsOneVector<T, TReader, TVector>(Panel<T> p, int row, ReadOnlySpan<int> runs, int firstColumn)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
        where TVector : struct, IVector<TVector, T>
    {
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint r1 = p.RowStride, r2 = 2 * r1, r3 = 3 * r1, stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        var width = TVector.Count;
        var j = firstColumn;
        for (; j + width <= n; j += width)
        {
            TVector c0 = default, c1 = default, c2 = default, c3 = default;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    var bj = TVector.Load(ref bp, 0);
                    c0 += TVector.Create(TReader.Read(ref ap, ref table)) * bj;
                    c1 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table)) * bj;
                    c2 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table)) * bj;
                    c3 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table)) * bj;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            var cOffset = (nuint)((row * n) + j);
            p.Epilogue.Store(c0, ref p.C, cOffset);
            p.Epilogue.Store(c1, ref p.C, cOffset + (nuint)n);
            p.Epilogue.Store(c2, ref p.C, cOffset + (nuint)(2 * n));
            p.Epilogue.Store(c3, ref p.C, cOffset + (nuint)(3 * n));
        }
        return j;
    }

    /// <summary>
    /// Eight rows' columns in blocks of two vectors (16 accumulators), then of one, as far as whole blocks go;
    /// returns the first column left for <see cref="FourRows"/>. Each sum is the sequential one, as everywhere here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int EightRowsWide<T, TReader, TVector>(Panel<T> p, int row, ReadOnlySpan<int> runs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
        where TVector : struct, IVector<TVector, T>
    {
        if (!TVector.IsHardwareAccelerated)
        {
            return 0;
        }
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint r1 = p.RowStride, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1;
        nint stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        var width = TVector.Count;
        var j = 0;
        for (; j + (2 * width) <= n; j += 2 * width)
        {
            TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            TVector c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    ref var ap4 = ref Unsafe.AddByteOffset(ref ap, r4);   // rows 4–7 from here: fewer offsets to keep in registers
                    var b0 = TVector.Load(ref bp, 0);
                    var b1 = TVector.Load(ref bp, (nuint)width);
                    var x = TVector.Create(TReader.Read(ref ap, ref table));
                    c00 += x * b0;
                    c01 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table));
                    c10 += x * b0;
                    c11 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table));
                    c20 += x * b0;
                    c21 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table));
                    c30 += x * b0;
                    c31 += x * b1;
                    x = TVector.Create(TReader.Read(ref ap4, ref table));
                    c40 += x * b0;
                    c41 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r1), ref table));
                    c50 += x * b0;
                    c51 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r2), ref table));
                    c60 += x * b0;
                    c61 += x * b1;
                    x = TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r3), ref table));
                    c70 += x * b0;
                    c71 += x * b1;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            var cOffset = (nuint)((row * n) + j);
            var w = (nuint)width;
            var stride = (nuint)n;
            p.Epilogue.Store(c00, ref p.C, cOffset);
            p.Epilogue.Store(c01, ref p.C, cOffset + w);
            p.Epilogue.Store(c10, ref p.C, cOffset + stride);
            p.Epilogue.Store(c11, ref p.C, cOffset + stride + w);
            p.Epilogue.Store(c20, ref p.C, cOffset + (2 * stride));
            p.Epilogue.Store(c21, ref p.C, cOffset + (2 * stride) + w);
            p.Epilogue.Store(c30, ref p.C, cOffset + (3 * stride));
            p.Epilogue.Store(c31, ref p.C, cOffset + (3 * stride) + w);
            p.Epilogue.Store(c40, ref p.C, cOffset + (4 * stride));
            p.Epilogue.Store(c41, ref p.C, cOffset + (4 * stride) + w);
            p.Epilogue.Store(c50, ref p.C, cOffset + (5 * stride));
            p.Epilogue.Store(c51, ref p.C, cOffset + (5 * stride) + w);
            p.Epilogue.Store(c60, ref p.C, cOffset + (6 * stride));
            p.Epilogue.Store(c61, ref p.C, cOffset + (6 * stride) + w);
            p.Epilogue.Store(c70, ref p.C, cOffset + (7 * stride));
            p.Epilogue.Store(c71, ref p.C, cOffset + (7 * stride) + w);
        }
        for (; j + width <= n; j += width)
        {
            TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    ref var ap4 = ref Unsafe.AddByteOffset(ref ap, r4);
                    var bj = TVector.Load(ref bp, 0);
                    c0 += TVector.Create(TReader.Read(ref ap, ref table)) * bj;
                    c1 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table)) * bj;
                    c2 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table)) * bj;
                    c3 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table)) * bj;
                    c4 += TVector.Create(TReader.Read(ref ap4, ref table)) * bj;
                    c5 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r1), ref table)) * bj;
                    c6 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r2), ref table)) * bj;
                    c7 += TVector.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap4, r3), ref table)) * bj;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            var cOffset = (nuint)((row * n) + j);
            var stride = (nuint)n;
            p.Epilogue.Store(c0, ref p.C, cOffset);
            p.Epilogue.Store(c1, ref p.C, cOffset + stride);
            p.Epilogue.Store(c2, ref p.C, cOffset + (2 * stride));
            p.Epilogue.Store(c3, ref p.C, cOffset + (3 * stride));
            p.Epilogue.Store(c4, ref p.C, cOffset + (4 * stride));
            p.Epilogue.Store(c5, ref p.C, cOffset + (5 * stride));
            p.Epilogue.Store(c6, ref p.C, cOffset + (6 * stride));
            p.Epilogue.Store(c7, ref p.C, cOffset + (7 * stride));
        }
        return j;
    }

    /// <summary>
    /// Four rows' columns from <paramref name="firstColumn"/> on, two at a time in 128-bit vectors, then one at a
    /// time: four independent sums per pass, so the adds overlap instead of waiting on one chain.
    /// </summary>
    private static void FourRowsNarrow<T, TReader>(Panel<T> p, int row, ReadOnlySpan<int> runs, int firstColumn) where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
    {
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint r1 = p.RowStride, r2 = 2 * r1, r3 = 3 * r1, stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        var j = firstColumn;
        if (Vector128.IsHardwareAccelerated)
        {
            var width = Vector128<T>.Count;
            if (j + width <= n)
            {
                j = FourRowsOneVector<T, TReader, Lanes128<T>>(p, row, runs, j);
            }
            // Fewer columns left than a 128-bit vector holds: run a whole vector anyway, its extra lanes reading the
            // next row of B (never stored), for every step but B's last row, which has no next row to read and is
            // added lane by lane — the same multiply, then add, as the vector lanes do. Being the last step, it
            // comes last, so each sum keeps its order.
            var includesLast = runs.Length > 0 && runs[^1] == p.Steps;
            var vectorEnd = includesLast ? p.Steps - 1 : p.Steps;
            if (j < n && (long)((p.Steps - 2) * n) + j + width <= p.BLength)
            {
                Vector128<T> c0 = default, c1 = default, c2 = default, c3 = default;
                ref var bColumn = ref Unsafe.Add(ref p.B, j);
                for (var r = 0; r < runs.Length; r += 2)
                {
                    ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                    ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                    var end = Math.Min(runs[r + 1], vectorEnd);
                    for (var left = end - runs[r]; left > 0; left--)
                    {
                        var bj = Vector128.LoadUnsafe(ref bp);
                        c0 += Vector128.Create(TReader.Read(ref ap, ref table)) * bj;
                        c1 += Vector128.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table)) * bj;
                        c2 += Vector128.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table)) * bj;
                        c3 += Vector128.Create(TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table)) * bj;
                        ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                        bp = ref Unsafe.Add(ref bp, bStride);
                    }
                }
                for (var lane = 0; j + lane < n; lane++)
                {
                    var column = j + lane;
                    T s0 = c0.GetElement(lane), s1 = c1.GetElement(lane), s2 = c2.GetElement(lane), s3 = c3.GetElement(lane);
                    if (includesLast)
                    {
                        nint last = p.Steps - 1;
                        ref var ap = ref Unsafe.AddByteOffset(ref aRow, last * stepStride);
                        var bj = Unsafe.Add(ref p.B, (last * bStride) + column);
                        s0 += TReader.Read(ref ap, ref table) * bj;
                        s1 += TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table) * bj;
                        s2 += TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table) * bj;
                        s3 += TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table) * bj;
                    }
                    p.Epilogue.Store(s0, ref p.C, (row * n) + column);
                    p.Epilogue.Store(s1, ref p.C, ((row + 1) * n) + column);
                    p.Epilogue.Store(s2, ref p.C, ((row + 2) * n) + column);
                    p.Epilogue.Store(s3, ref p.C, ((row + 3) * n) + column);
                }
                j = n;
            }
        }
        for (; j < n; j++)
        {
            T c0 = T.Zero, c1 = T.Zero, c2 = T.Zero, c3 = T.Zero;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    var bj = bp;
                    var p0 = TReader.Read(ref ap, ref table) * bj;
                    var p1 = TReader.Read(ref Unsafe.AddByteOffset(ref ap, r1), ref table) * bj;
                    var p2 = TReader.Read(ref Unsafe.AddByteOffset(ref ap, r2), ref table) * bj;
                    var p3 = TReader.Read(ref Unsafe.AddByteOffset(ref ap, r3), ref table) * bj;
                    c0 += p0;
                    c1 += p1;
                    c2 += p2;
                    c3 += p3;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            p.Epilogue.Store(c0, ref p.C, (row * n) + j);
            p.Epilogue.Store(c1, ref p.C, ((row + 1) * n) + j);
            p.Epilogue.Store(c2, ref p.C, ((row + 2) * n) + j);
            p.Epilogue.Store(c3, ref p.C, ((row + 3) * n) + j);
        }
    }

    /// <summary>One row: 256-bit vectors of columns, then 128-bit, then one column at a time.</summary>
    private static void OneRow<T, TReader>(Panel<T> p, int row, ReadOnlySpan<int> runs) where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
    {
        var j = 0;
        if (Vector256.IsHardwareAccelerated && j + Lanes256<T>.Count <= p.N)
        {
            j = OneRowVectors<T, TReader, Lanes256<T>>(p, row, runs, j);
        }
        if (Vector128.IsHardwareAccelerated && j + Lanes128<T>.Count <= p.N)
        {
            j = OneRowVectors<T, TReader, Lanes128<T>>(p, row, runs, j);
        }
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        for (; j < n; j++)
        {
            var sum = T.Zero;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    var product = TReader.Read(ref ap, ref table) * bp;
                    sum += product;
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            p.Epilogue.Store(sum, ref p.C, (row * n) + j);
        }
    }

    /// <summary>One row's columns from <paramref name="firstColumn"/> on, one vector at a time; returns the first column left.</summary>
    private static int OneRowVectors<T, TReader, TVector>(Panel<T> p, int row, ReadOnlySpan<int> runs, int firstColumn)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReader : struct, IElementReader<T>
        where TVector : struct, IVector<TVector, T>
    {
        ref var aRow = ref p.ARow(row);
        ref var table = ref p.Table;
        nint stepStride = p.StepStride, bStride = p.N;
        var n = p.N;
        var j = firstColumn;
        for (; j + TVector.Count <= n; j += TVector.Count)
        {
            TVector sum = default;
            ref var bColumn = ref Unsafe.Add(ref p.B, j);
            for (var r = 0; r < runs.Length; r += 2)
            {
                ref var ap = ref Unsafe.AddByteOffset(ref aRow, runs[r] * stepStride);
                ref var bp = ref Unsafe.Add(ref bColumn, runs[r] * bStride);
                for (var left = runs[r + 1] - runs[r]; left > 0; left--)
                {
                    sum += TVector.Create(TReader.Read(ref ap, ref table)) * TVector.Load(ref bp, 0);
                    ap = ref Unsafe.AddByteOffset(ref ap, stepStride);
                    bp = ref Unsafe.Add(ref bp, bStride);
                }
            }
            p.Epilogue.Store(sum, ref p.C, (nuint)((row * n) + j));
        }
        return j;
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
        public void Store<TVector>(TVector sum, ref T c, nuint offset) where TVector : struct, IVector<TVector, T>
        {
            if (_subtractFrom is null)
            {
                sum.Store(ref c, offset);
                return;
            }
            (TVector.Load(ref MemoryMarshal.GetArrayDataReference(_subtractFrom), offset) - (TVector.Create(_scale) * sum)).Store(ref c, offset);
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
