using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Functional.Kernels;

namespace Functional.Float32;

/// <summary>What <see cref="Relu32.Forward"/> caches: where the input was ≤ 0.</summary>
/// <param name="Rows">The input's rows.</param>
/// <param name="Columns">The input's columns.</param>
/// <param name="NonPositive">True where x ≤ 0, row by row.</param>
public sealed record Relu32Cache(int Rows, int Columns, ImmutableArray<bool> NonPositive);

/// <summary>ReLU in float32: y = max(0, x); dx = dOut where x &gt; 0, else 0.</summary>
public static class Relu32
{
    /// <summary>y = x where x &gt; 0, else 0. Caches the mask.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static Functional.ForwardResult<Matrix32, Relu32Cache> Forward(Matrix32 x)
    {
        RequireNotEmpty("Relu32.Forward", x);
        var xs = x.Span;
        var mask = new bool[xs.Length];
        var output = GC.AllocateUninitializedArray<float>(xs.Length);   // every element is written
        ReluKernels.Forward(xs, mask, output);
        return new(new Matrix32(x.Rows, x.Columns, output), new Relu32Cache(x.Rows, x.Columns, ImmutableCollectionsMarshal.AsImmutableArray(mask)));
    }

    /// <summary>
    /// <see cref="Forward"/> writing its output over x's storage: only for an x its caller has just made and
    /// nobody else can hold. Same values and cache as <see cref="Forward"/>.
    /// </summary>
    internal static Functional.ForwardResult<Matrix32, Relu32Cache> ForwardReplacing(Matrix32 freshX)
    {
        RequireNotEmpty("Relu32.Forward", freshX);
        var mask = new bool[freshX.Storage.Length];
        ReluKernels.Forward<float>(freshX.Storage, mask, freshX.Storage);   // each element read before it is written
        return new(freshX, new Relu32Cache(freshX.Rows, freshX.Columns, ImmutableCollectionsMarshal.AsImmutableArray(mask)));
    }

    /// <summary><see cref="Backward"/> writing dx over dOut's storage: only for a dOut its caller has just made and nobody else can hold.</summary>
    internal static Matrix32 BackwardReplacing(Relu32Cache cache, Matrix32 freshDOut)
    {
        RequireShape(cache, freshDOut);
        ReluKernels.Backward<float>(cache.NonPositive.AsSpan(), freshDOut.Storage, freshDOut.Storage);
        return freshDOut;
    }

    /// <summary>y = max(0, x) without a cache, for inference.</summary>
    /// <exception cref="ArgumentException">x is empty.</exception>
    public static Matrix32 Apply(Matrix32 x)
    {
        RequireNotEmpty("Relu32.Apply", x);
        var xs = x.Span;
        var output = GC.AllocateUninitializedArray<float>(xs.Length);   // every element is written
        ReluKernels.Apply(xs, output);
        return new(x.Rows, x.Columns, output);
    }

    /// <summary>dx = dOut where the input was &gt; 0, else 0.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward input.</exception>
    public static Matrix32 Backward(Relu32Cache cache, Matrix32 dOut)
    {
        RequireShape(cache, dOut);
        var dx = GC.AllocateUninitializedArray<float>(dOut.Span.Length);   // every element is written
        ReluKernels.Backward(cache.NonPositive.AsSpan(), dOut.Span, dx);
        return new(dOut.Rows, dOut.Columns, dx);
    }

    private static void RequireShape(Relu32Cache cache, Matrix32 dOut)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(dOut);
        if (dOut.Rows != cache.Rows || dOut.Columns != cache.Columns)
        {
            throw new ArgumentException($"Relu32.Backward: dOut must have the forward input's shape [{cache.Rows}, {cache.Columns}], got [{dOut.Rows}, {dOut.Columns}].", nameof(dOut));
        }
    }

    internal static void RequireNotEmpty(string operation, Matrix32 x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Span.IsEmpty)
        {
            throw new ArgumentException($"{operation}: x must hold at least one element, got [{x.Rows}, {x.Columns}].", nameof(x));
        }
    }
}
