using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using Functional.Composition;
using Functional.Kernels;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>What <see cref="Relu.Forward"/> caches: the book's <c>mask</c>, where the input was ≤ 0.</summary>
/// <param name="Shape">The input's shape.</param>
/// <param name="NonPositive">Row-major, one entry per element: true where x ≤ 0.</param>
public sealed record ReluCache(Shape Shape, ImmutableArray<bool> NonPositive) : LayerCache;

/// <summary>The ReLU layer of section 5.5.1: out = max(x, 0) elementwise.</summary>
public static class Relu
{
    /// <summary>out = x where x &gt; 0, else 0. Caches where x ≤ 0.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static ForwardResult<Tensor<T>, ReluCache> Forward<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Relu.Forward", nameof(x), x);
        var xs = x.Span;
        var mask = new bool[xs.Length];
        var output = GC.AllocateUninitializedArray<T>(xs.Length);   // every element is written
        ReluKernels.Forward(xs, mask, output);
        return new(new Tensor<T>(x.Shape, output), new ReluCache(x.Shape, ImmutableCollectionsMarshal.AsImmutableArray(mask)));
    }

    /// <summary>
    /// <see cref="Forward"/> writing its output over x's storage: only for an x its caller has just made and
    /// nobody else can hold, so no one can see the change. Same values and cache as <see cref="Forward"/>.
    /// </summary>
    internal static ForwardResult<Tensor<T>, ReluCache> ForwardReplacing<T>(Tensor<T> freshX)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Relu.Forward", nameof(freshX), freshX);
        var mask = new bool[freshX.Length];
        ReluKernels.Forward(freshX.Span, mask, freshX.Storage);   // each element read before it is written
        return new(freshX, new ReluCache(freshX.Shape, ImmutableCollectionsMarshal.AsImmutableArray(mask)));
    }

    /// <summary>
    /// <see cref="Backward"/> writing dx over dOut's storage: only for a dOut its caller has just made and nobody
    /// else can hold. Same values as <see cref="Backward"/>.
    /// </summary>
    internal static Tensor<T> BackwardReplacing<T>(ReluCache cache, Tensor<T> freshDOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Relu.Backward", nameof(cache), cache);
        Require.SameShape("Relu.Backward", "the forward input", cache.Shape, nameof(freshDOut), freshDOut);
        ReluKernels.Backward(cache.NonPositive.AsSpan(), freshDOut.Span, freshDOut.Storage);
        return freshDOut;
    }

    /// <summary>max(x, 0) without a cache, for inference: no mask is built when no Backward will follow.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static Tensor<T> Apply<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Relu.Apply", nameof(x), x);
        var output = GC.AllocateUninitializedArray<T>(x.Length);   // every element is written
        ReluKernels.Apply(x.Span, output);
        return new Tensor<T>(x.Shape, output);
    }

    /// <summary>dx = dOut where x was &gt; 0, else 0: the switch of figure 5-18. dOut itself is left unchanged.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward input.</exception>
    public static Tensor<T> Backward<T>(ReluCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Relu.Backward", nameof(cache), cache);
        Require.SameShape("Relu.Backward", "the forward input", cache.Shape, nameof(dOut), dOut);
        var dx = GC.AllocateUninitializedArray<T>(dOut.Length);   // every element is written
        ReluKernels.Backward(cache.NonPositive.AsSpan(), dOut.Span, dx);
        return new Tensor<T>(cache.Shape, dx);
    }
}
