using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Functional.Tensors;

/// <summary>
/// float64 ↔ float32 conversion of whole arrays. Vector and scalar paths give the same bits: widening is exact,
/// and narrowing rounds to nearest even either way (the IEEE conversion the hardware and the C# cast both do).
/// </summary>
internal static class Conversions
{
    /// <summary>Each float32 as a float64 (exact).</summary>
    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = GC.AllocateUninitializedArray<double>(values.Length);
        WidenInto(values, result);
        return result;
    }

    /// <summary>Each float32 as a float64 (exact), into <paramref name="result"/> (at least as long).</summary>
    public static void WidenInto(ReadOnlySpan<float> values, Span<double> result)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<float>.Count)));
                lower.CopyTo(result[i..]);
                upper.CopyTo(result[(i + Vector256<double>.Count)..]);
            }
        }
        for (; i < values.Length; i++)
        {
            result[i] = values[i];
        }
    }

    /// <summary>Each float64 rounded to the nearest float32.</summary>
    public static float[] Narrow(ReadOnlySpan<double> values)
    {
        var result = GC.AllocateUninitializedArray<float>(values.Length);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<double>.Count;
            for (; i + (2 * width) <= values.Length; i += 2 * width)
            {
                Vector256.Narrow(Vector256.Create(values.Slice(i, width)), Vector256.Create(values.Slice(i + width, width))).CopyTo(result.AsSpan(i));
            }
        }
        for (; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }
        return result;
    }

    /// <summary>
    /// Float64 values as a tensor of T, taking ownership of <paramref name="values"/>: the values themselves for
    /// float64, each rounded to the nearest T otherwise.
    /// </summary>
    public static Tensor<T> FromFloat64<T>(Shape shape, double[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return new Tensor<T>(shape, (T[])(object)values);
        }
        if (typeof(T) == typeof(float))
        {
            return new Tensor<T>(shape, (T[])(object)Narrow(values));
        }
        var result = new T[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = T.CreateTruncating(values[i]);
        }
        return new Tensor<T>(shape, result);
    }

    /// <summary>The tensor with every value converted to TOther, rounded to nearest (exact when widening).</summary>
    public static Tensor<TOther> Convert<T, TOther>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        if (typeof(T) == typeof(TOther))
        {
            return (Tensor<TOther>)(object)x;
        }
        if (typeof(T) == typeof(float) && typeof(TOther) == typeof(double))
        {
            return (Tensor<TOther>)(object)new Tensor<double>(x.Shape, Widen(MemoryMarshal.Cast<T, float>(x.Span)));
        }
        if (typeof(T) == typeof(double) && typeof(TOther) == typeof(float))
        {
            return (Tensor<TOther>)(object)new Tensor<float>(x.Shape, Narrow(MemoryMarshal.Cast<T, double>(x.Span)));
        }
        var xs = x.Span;
        var result = new TOther[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            result[i] = TOther.CreateTruncating(xs[i]);
        }
        return new Tensor<TOther>(x.Shape, result);
    }
}
