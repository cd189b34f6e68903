using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Functional.Kernels;

/// <summary>
/// Which steps of a product's sum a block of rows needs: those where some row's A value is not zero. A skipped step
/// would add 0·B[s, j] = ±0 to a sum that started at +0 (so is never −0), which leaves the sum's bits as they are —
/// provided every B value is finite, since 0·∞ is NaN. So a product skips zero steps only when
/// <see cref="AllFinite{T}"/> holds for B, and the result is the plain loop's either way.
/// </summary>
internal static class StepList
{
    [ThreadStatic]
    private static int[]? _buffer;

    [ThreadStatic]
    private static ulong[]? _bits;

    /// <summary>This thread's run buffer, long enough for any runs of <paramref name="steps"/> steps.</summary>
    public static int[] Buffer(int steps)
    {
        if (_buffer is null || _buffer.Length < steps + 2)
        {
            _buffer = new int[steps + 2];
        }
        return _buffer;
    }

    /// <summary>True when no value is NaN or infinite.</summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // x − x is +0 for finite x and NaN otherwise: OR the bits together and test for zero.
        ref var v = ref MemoryMarshal.GetReference(values);
        var i = 0;
        var finite = true;
        if (Vector512.IsHardwareAccelerated)
        {
            var width = Vector512<T>.Count;
            Vector512<T> any0 = default, any1 = default;
            for (; i + (2 * width) <= values.Length; i += 2 * width)
            {
                var x0 = Vector512.LoadUnsafe(ref v, (nuint)i);
                var x1 = Vector512.LoadUnsafe(ref v, (nuint)(i + width));
                any0 |= x0 - x0;
                any1 |= x1 - x1;
            }
            finite = (any0 | any1) == Vector512<T>.Zero;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<T>.Count;
            var any = Vector256<T>.Zero;
            for (; i + width <= values.Length; i += width)
            {
                var x = Vector256.LoadUnsafe(ref v, (nuint)i);
                any |= x - x;
            }
            finite = any == Vector256<T>.Zero;
        }
        for (; i < values.Length; i++)
        {
            finite &= T.IsFinite(Unsafe.Add(ref v, i));
        }
        return finite;
    }

    /// <summary>
    /// The runs of steps a block of rows needs, as pairs [start, end) in increasing order: the steps s at which some
    /// A(r, s) = a[(row + r)·aRowStride + s·aStepStride], r &lt; <paramref name="rows"/>, is not zero; one run of every
    /// step when <paramref name="skipZeros"/> is false. Runs rather than single steps keep the kernels' inner loops
    /// walking A and B by fixed strides.
    /// </summary>
    public static ReadOnlySpan<int> Of<T>(Operand<T> a, int aRowStride, int aStepStride, int row, int rows, int steps, bool skipZeros, int[] buffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!skipZeros)
        {
            buffer[0] = 0;
            buffer[1] = steps;
            return buffer.AsSpan(0, 2);
        }
        var needed = a.PixelArray is { } pixels
            ? NeededPixels(pixels, aRowStride, aStepStride, row, rows, steps)
            : Needed(a.ValueArray!, aRowStride, aStepStride, row, rows, steps);
        // A run starts or ends at every bit that differs from the one before it (the bit before step 0 is 0).
        var count = 0;
        ulong carry = 0;
        for (var w = 0; w < needed.Length; w++)
        {
            var bits = needed[w];
            var changes = bits ^ ((bits << 1) | carry);
            carry = bits >> 63;
            while (changes != 0)
            {
                buffer[count++] = (w << 6) + BitOperations.TrailingZeroCount(changes);
                changes &= changes - 1;
            }
        }
        if ((count & 1) != 0)
        {
            buffer[count++] = steps;   // close a run still open at the end
        }
        return buffer.AsSpan(0, count);
    }

    /// <summary>This thread's bit buffer for <paramref name="steps"/> steps, cleared.</summary>
    private static Span<ulong> Bits(int steps)
    {
        var words = (steps + 63) >> 6;
        if (_bits is null || _bits.Length < words)
        {
            _bits = new ulong[words];
        }
        var bits = _bits.AsSpan(0, words);
        bits.Clear();
        return bits;
    }

    /// <summary>As <see cref="Needed{T}"/> for pixels: a step is needed where some row's pixel is not 0.</summary>
    private static ReadOnlySpan<ulong> NeededPixels(byte[] pixels, int aRowStride, int aStepStride, int row, int rows, int steps)
    {
        var bits = Bits(steps);
        ref var aRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pixels), row * aRowStride);
        nint stepStride = aStepStride, rowStride = aRowStride;
        var s = 0;
        if (aRowStride == 1 && rows == sizeof(ulong))
        {
            // The block's eight rows side by side at each step (A is a transpose): one 64-bit word per step.
            var writer = new BitWriter(bits);
            for (; s < steps; s++)
            {
                writer.Set(s, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref aRow, s * stepStride)) != 0);
            }
            writer.Finish(steps);
            return bits;
        }
        if (aStepStride == 1 && Vector512.IsHardwareAccelerated)
        {
            // Each row's steps lie side by side: 64 steps of every row at once, one bit per step.
            for (; s + 64 <= steps; s += 64)
            {
                var zero = Vector512<byte>.AllBitsSet;
                for (var r = 0; r < rows; r++)
                {
                    zero &= Vector512.Equals(Vector512.LoadUnsafe(ref Unsafe.Add(ref aRow, (r * rowStride) + s)), Vector512<byte>.Zero);
                }
                bits[s >> 6] = ~zero.ExtractMostSignificantBits();
            }
        }
        else if (aStepStride == 1 && Vector256.IsHardwareAccelerated)
        {
            // 32 steps at a time: two vectors fill a word.
            for (; s + 32 <= steps; s += 32)
            {
                var zero = Vector256<byte>.AllBitsSet;
                for (var r = 0; r < rows; r++)
                {
                    zero &= Vector256.Equals(Vector256.LoadUnsafe(ref Unsafe.Add(ref aRow, (r * rowStride) + s)), Vector256<byte>.Zero);
                }
                bits[s >> 6] |= (ulong)~zero.ExtractMostSignificantBits() << s;
            }
        }
        for (; s < steps; s++)
        {
            var any = false;
            for (var r = 0; r < rows; r++)
            {
                any |= Unsafe.Add(ref aRow, (r * rowStride) + (s * stepStride)) != 0;
            }
            bits[s >> 6] |= (any ? 1UL : 0UL) << s;
        }
        return bits;
    }

    /// <summary>Bit s set where step s is needed; bits past <paramref name="steps"/> clear.</summary>
    private static ReadOnlySpan<ulong> Needed<T>(T[] a, int aRowStride, int aStepStride, int row, int rows, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bits = Bits(steps);
        ref var aRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), row * aRowStride);
        nint stepStride = aStepStride, rowStride = aRowStride;
        var s = 0;
        if (aRowStride == 1 && rows == Vector512<T>.Count && Vector512.IsHardwareAccelerated)
        {
            // The block's rows side by side at each step (A is a transpose): one vector per step.
            var writer = new BitWriter(bits);
            for (; s < steps; s++)
            {
                writer.Set(s, !Vector512.EqualsAll(Vector512.LoadUnsafe(ref Unsafe.Add(ref aRow, s * stepStride)), Vector512<T>.Zero));
            }
            writer.Finish(steps);
            return bits;
        }
        if (aRowStride == 1 && rows == Vector256<T>.Count && Vector256.IsHardwareAccelerated)
        {
            var writer = new BitWriter(bits);
            for (; s < steps; s++)
            {
                writer.Set(s, !Vector256.EqualsAll(Vector256.LoadUnsafe(ref Unsafe.Add(ref aRow, s * stepStride)), Vector256<T>.Zero));
            }
            writer.Finish(steps);
            return bits;
        }
        if (aStepStride == 1 && Vector512.IsHardwareAccelerated)
        {
            // Each row's steps lie side by side: test a vector of steps in every row at once. The width divides 64,
            // so a vector's bits never straddle two words.
            var width = Vector512<T>.Count;
            for (; s + width <= steps; s += width)
            {
                var zero = Vector512<T>.AllBitsSet;
                for (var r = 0; r < rows; r++)
                {
                    zero &= Vector512.Equals(Vector512.LoadUnsafe(ref Unsafe.Add(ref aRow, (r * rowStride) + s)), Vector512<T>.Zero);
                }
                bits[s >> 6] |= (~zero.ExtractMostSignificantBits() & ((1UL << width) - 1)) << s;
            }
        }
        else if (aStepStride == 1 && Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<T>.Count;
            for (; s + width <= steps; s += width)
            {
                var zero = Vector256<T>.AllBitsSet;
                for (var r = 0; r < rows; r++)
                {
                    zero &= Vector256.Equals(Vector256.LoadUnsafe(ref Unsafe.Add(ref aRow, (r * rowStride) + s)), Vector256<T>.Zero);
                }
                bits[s >> 6] |= (~zero.ExtractMostSignificantBits() & ((1UL << width) - 1)) << s;
            }
        }
        for (; s < steps; s++)
        {
            var any = false;
            for (var r = 0; r < rows; r++)
            {
                any |= Unsafe.Add(ref aRow, (r * rowStride) + (s * stepStride)) != T.Zero;
            }
            bits[s >> 6] |= (any ? 1UL : 0UL) << s;
        }
        return bits;
    }

    /// <summary>
    /// Sets bits one step at a time, keeping the current 64-bit word in a register and storing it once full: OR-ing
    /// into memory every step would chain each step to the last through a store and a reload.
    /// </summary>
    private ref struct BitWriter(Span<ulong> bits)
    {
        private readonly Span<ulong> _bits = bits;
        private ulong _word;

        public void Set(int step, bool needed)
        {
            _word |= (needed ? 1UL : 0UL) << step;
            if ((step & 63) == 63)
            {
                _bits[step >> 6] = _word;
                _word = 0;
            }
        }

        /// <summary>Stores the last, partly filled word.</summary>
        public readonly void Finish(int steps)
        {
            if ((steps & 63) != 0)
            {
                _bits[(steps - 1) >> 6] = _word;
            }
        }
    }
}
