using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Functional.Kernels;

/// <summary>
/// Pixels to features: byte / 255 as the correctly rounded float64 quotient (and that rounded to float32). Sixteen
/// pixels at a time where AVX-512 is available, by a multiply with 1/255 and one fused correction step, which gives the
/// exact quotient for every byte (a unit test checks all 256 against the division); a table lookup elsewhere. The two
/// give the same bits, so a batch does not depend on the instruction set.
/// </summary>
internal static class PixelScaling
{
    /// <summary>byte / 255 for every byte, computed once.</summary>
    internal static readonly double[] Table = [.. Enumerable.Range(0, 256).Select(b => b / 255.0)];

    /// <summary>The same values rounded to float32.</summary>
    internal static readonly float[] Table32 = [.. Table.Select(v => (float)v)];

    /// <summary>target[i] = pixels[i] / 255.</summary>
    public static void Scale(ReadOnlySpan<byte> pixels, Span<double> target, bool vectorised = true) => Scale(pixels, target, Table, vectorised);

    /// <summary>target[i] = (float)(pixels[i] / 255): the float64 quotient, rounded to float32.</summary>
    public static void Scale(ReadOnlySpan<byte> pixels, Span<float> target, bool vectorised = true) => Scale(pixels, target, Table32, vectorised);

    private static void Scale<T>(ReadOnlySpan<byte> pixels, Span<T> target, T[] table, bool vectorised) where T : unmanaged
    {
        if (target.Length < pixels.Length)
        {
            throw new ArgumentException($"PixelScaling.Scale: the target holds {target.Length} values, fewer than the {pixels.Length} pixels.", nameof(target));
        }
        ref var source = ref MemoryMarshal.GetReference(pixels);
        ref var destination = ref MemoryMarshal.GetReference(target);
        var i = 0;
        if (vectorised && Avx512F.IsSupported)
        {
            for (; i + 16 <= pixels.Length; i += 16)
            {
                var (low, high) = Quotients(Vector128.LoadUnsafe(ref source, (nuint)i));
                Store(low, high, ref destination, (nuint)i);
            }
        }
        ref var scaled = ref MemoryMarshal.GetArrayDataReference(table);
        for (; i < pixels.Length; i++)
        {
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref scaled, Unsafe.Add(ref source, i));
        }
    }

    // Sixteen quotients into float64 or float32 elements at offset.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector512<double> low, Vector512<double> high, ref T destination, nuint offset) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            low.StoreUnsafe(ref Unsafe.As<T, double>(ref destination), offset);
            high.StoreUnsafe(ref Unsafe.As<T, double>(ref destination), offset + 8);
            return;
        }
        Vector512.Create(Avx512F.ConvertToVector256Single(low), Avx512F.ConvertToVector256Single(high))
            .StoreUnsafe(ref Unsafe.As<T, float>(ref destination), offset);
    }

    // q = b·r with r = 1/255 rounded is within an ulp of b/255; the residual b − 255·q is exact in one fused
    // multiply-add, and q + residual·r rounds to the correctly rounded quotient (checked for all 256 bytes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Low, Vector512<double> High) Quotients(Vector128<byte> bytes)
    {
        var ints = Avx512F.ConvertToVector512Int32(bytes);
        var low = Avx512F.ConvertToVector512Double(ints.GetLower());
        var high = Avx512F.ConvertToVector512Double(ints.GetUpper());
        return (Corrected(low), Corrected(high));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Corrected(Vector512<double> b)
    {
        var reciprocal = Vector512.Create(1.0 / 255.0);
        var q = b * reciprocal;
        var residual = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(255.0), b);   // b − q·255, exact
        return Avx512F.FusedMultiplyAdd(residual, reciprocal, q);
    }
}
