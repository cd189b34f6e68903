using System.Numerics;
using Functional.Composition;
using Functional.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>What <see cref="Sigmoid.Forward"/> caches: the output y, from which the derivative y(1 − y) follows.</summary>
/// <param name="Output">y = σ(x).</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record SigmoidCache<T>(Tensor<T> Output) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The sigmoid layer of section 5.5.2: y = 1 / (1 + exp(−x)) elementwise.</summary>
public static class Sigmoid
{
    /// <summary>y = σ(x). Caches y.</summary>
    /// <remarks>
    /// For x &lt; 0 it computes exp(x) / (1 + exp(x)), which equals σ(x) but never forms exp(−x), so very negative
    /// inputs give their tiny true value instead of 1/∞.
    /// </remarks>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static ForwardResult<Tensor<T>, SigmoidCache<T>> Forward<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Sigmoid.Forward", nameof(x), x);
        var y = Elementwise.MapInFloat64(x, Logistic);
        return new(y, new SigmoidCache<T>(y));
    }

    /// <summary>dx = dOut·(1 − y)·y, the simplified form of equation 5.12.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward output.</exception>
    public static Tensor<T> Backward<T>(SigmoidCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Sigmoid.Backward", nameof(cache), cache);
        Require.SameShape("Sigmoid.Backward", "the forward output", cache.Output.Shape, nameof(dOut), dOut);
        return Elementwise.Zip(dOut, cache.Output, static (d, y) => d * (T.One - y) * y);
    }

    private static double Logistic(double x)
    {
        if (x >= 0)
        {
            return 1.0 / (1.0 + PortableMath.Exp(-x));
        }
        var e = PortableMath.Exp(x);
        return e / (1.0 + e);
    }
}
