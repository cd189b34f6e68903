using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using Functional.Composition;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>What <see cref="LeakyRelu.Forward"/> caches: where the input was ≤ 0 (as <see cref="ReluCache"/>) and the slope there.</summary>
/// <param name="Shape">The input's shape.</param>
/// <param name="NonPositive">Row-major, one entry per element: true where x ≤ 0.</param>
/// <param name="Alpha">The slope α used where x ≤ 0.</param>
public sealed record LeakyReluCache(Shape Shape, ImmutableArray<bool> NonPositive, double Alpha) : LayerCache;

/// <summary>The leaky ReLU (Maas, Hannun and Ng, 2013): out = x where x &gt; 0, else α·x, elementwise.</summary>
public static class LeakyRelu
{
    /// <summary>out = x where x &gt; 0, else α·x. Caches where x ≤ 0 and α.</summary>
    /// <remarks>A zero output is always +0, so α = 0 gives <see cref="Relu.Forward"/>'s output bit for bit.</remarks>
    /// <param name="x">The input, any non-empty shape.</param>
    /// <param name="alpha">The slope for x ≤ 0, finite, in [0, 1).</param>
    /// <exception cref="ArgumentException">x is empty, or α is not a finite value in [0, 1).</exception>
    public static ForwardResult<Tensor<T>, LeakyReluCache> Forward<T>(Tensor<T> x, double alpha = 0.01)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "LeakyRelu.Forward";
        Require.NotEmpty(Op, nameof(x), x);
        if (!double.IsFinite(alpha) || alpha < 0 || alpha >= 1)
        {
            throw new ArgumentException(
                $"{Op}: alpha must be a finite value in [0, 1), got {alpha}.", nameof(alpha));
        }
        var xs = x.Span;
        var a = T.CreateTruncating(alpha);
        var mask = new bool[xs.Length];
        var output = new T[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            mask[i] = xs[i] <= T.Zero;
            output[i] = mask[i] ? (a * xs[i]) + T.Zero : xs[i];   // + 0.0 turns −0 into +0
        }
        return new(new Tensor<T>(x.Shape, output),
            new LeakyReluCache(x.Shape, ImmutableCollectionsMarshal.AsImmutableArray(mask), alpha));
    }

    /// <summary>dx = dOut where x was &gt; 0, else α·dOut. dOut itself is left unchanged.</summary>
    /// <remarks>As in Forward, a zero is +0, so α = 0 gives <see cref="Relu.Backward"/>'s dx bit for bit for finite dOut.</remarks>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward input.</exception>
    public static Tensor<T> Backward<T>(LeakyReluCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("LeakyRelu.Backward", nameof(cache), cache);
        Require.SameShape("LeakyRelu.Backward", "the forward input", cache.Shape, nameof(dOut), dOut);
        var ds = dOut.Span;
        var a = T.CreateTruncating(cache.Alpha);
        var dx = new T[ds.Length];
        for (var i = 0; i < ds.Length; i++)
        {
            dx[i] = cache.NonPositive[i] ? (a * ds[i]) + T.Zero : ds[i];
        }
        return new Tensor<T>(cache.Shape, dx);
    }
}
