using System.Numerics;
using Functional.Composition;
using Functional.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>What <see cref="Tanh.Forward"/> caches: the output y, from which the derivative 1 − y² follows.</summary>
/// <param name="Output">y = tanh(x).</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record TanhCache<T>(Tensor<T> Output) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The tanh layer (the activation of section 6.2.2's Xavier experiment): y = tanh(x) elementwise.</summary>
public static class Tanh
{
    private const double Saturation = 22.0;   // for |x| ≥ 22, 1 − tanh|x| < 2^−63 and tanh rounds to ±1
    private const double Tiny = 3.7252902984619140625e-09;   // 2^−28: below it tanh(x) rounds to x

    /// <summary>y = tanh(x), [same shape as x]. Caches y.</summary>
    /// <remarks>
    /// FreeBSD msun's s_tanh.c: tanh|x| = −t/(t + 2) with t = expm1(−2|x|) for |x| &lt; 1 and 1 − 2/(expm1(2|x|) + 2)
    /// for 1 ≤ |x| &lt; 22, ±1 beyond, and the sign of x applied last, so tanh(−x) = −tanh(x) bit for bit. Through
    /// <see cref="PortableMath.Expm1"/> the error is within 2 ulps of the result even for tiny |x|, where
    /// (e^{2x} − 1)/(e^{2x} + 1) would lose every digit.
    /// </remarks>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static ForwardResult<Tensor<T>, TanhCache<T>> Forward<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Tanh.Forward", nameof(x), x);
        var y = Elementwise.MapInFloat64(x, Of);
        return new(y, new TanhCache<T>(y));
    }

    /// <summary>dx = dOut·(1 − y²), computed as dOut·((1 − y)·(1 + y)), which avoids the cancellation of 1 − y·y near |y| = 1.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward output.</exception>
    public static Tensor<T> Backward<T>(TanhCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Tanh.Backward", nameof(cache), cache);
        Require.SameShape("Tanh.Backward", "the forward output", cache.Output.Shape, nameof(dOut), dOut);
        return Elementwise.Zip(dOut, cache.Output, static (d, y) => d * ((T.One - y) * (T.One + y)));
    }

    private static double Of(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        var a = Math.Abs(x);
        double z;
        if (a >= Saturation)
        {
            z = 1.0;
        }
        else if (a < Tiny)
        {
            return x;   // keeps ±0
        }
        else if (a >= 1.0)
        {
            z = 1.0 - (2.0 / (PortableMath.Expm1(2.0 * a) + 2.0));
        }
        else
        {
            var t = PortableMath.Expm1(-2.0 * a);
            z = -t / (t + 2.0);
        }
        return x < 0 ? -z : z;
    }
}
