using System.Numerics;
using System.Runtime.CompilerServices;

namespace Functional.Kernels;

/// <summary>
/// ReLU's elementwise loops for Relu, in float64 and float32, free of branches: about
/// half the hidden units are ≤ 0 in no predictable pattern, so a branch per element mispredicts on half of them.
/// Each result is the one the branching form <c>x ≤ 0 ? +0 : x</c> gives, NaN and −0 included.
/// </summary>
internal static class ReluKernels
{
    /// <summary>nonPositive[i] = x[i] ≤ 0; y[i] = +0 there, else x[i].</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<bool> nonPositive, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var drop = x[i] <= T.Zero;
            nonPositive[i] = drop;
            y[i] = ZeroWhere(x[i], drop);
        }
    }

    /// <summary>y[i] = +0 where x[i] ≤ 0, else x[i]: Forward without the mask.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = ZeroWhere(x[i], x[i] <= T.Zero);
        }
    }

    /// <summary>dx[i] = +0 where nonPositive[i], else dOut[i].</summary>
    public static void Backward<T>(ReadOnlySpan<bool> nonPositive, ReadOnlySpan<T> dOut, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < dOut.Length; i++)
        {
            dx[i] = ZeroWhere(dOut[i], nonPositive[i]);
        }
    }

    // The value's bits ANDed with all ones (keep) or all zeros (+0): a mask from the bool's 0/1 byte, no branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T ZeroWhere<T>(T value, bool drop) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var keep = (long)Unsafe.As<bool, byte>(ref drop) - 1;
        if (typeof(T) == typeof(double))
        {
            var bits = BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value)) & keep;
            var result = BitConverter.Int64BitsToDouble(bits);
            return Unsafe.As<double, T>(ref result);
        }
        if (typeof(T) == typeof(float))
        {
            var bits = BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value)) & (int)keep;
            var result = BitConverter.Int32BitsToSingle(bits);
            return Unsafe.As<float, T>(ref result);
        }
        return drop ? T.Zero : value;
    }
}
