using System.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Nodes;

/// <summary>What <see cref="Mul.Forward"/> caches: both inputs, since each one's gradient is the other.</summary>
/// <param name="X">The first input.</param>
/// <param name="Y">The second input.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record MulCache<T>(Tensor<T> X, Tensor<T> Y)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The gradients of <see cref="Mul.Backward"/>, each of the inputs' shape.</summary>
/// <param name="Dx">∂L/∂x = dOut·y.</param>
/// <param name="Dy">∂L/∂y = dOut·x.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record MulGradients<T>(Tensor<T> Dx, Tensor<T> Dy)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The multiplication node of section 5.4: out = x·y elementwise, for x and y of one shape (no broadcasting).</summary>
public static class Mul
{
    /// <summary>out = x·y elementwise. Caches x and y.</summary>
    /// <exception cref="ArgumentException">x and y differ in shape.</exception>
    public static ForwardResult<Tensor<T>, MulCache<T>> Forward<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Mul.Forward", nameof(x), x);
        Require.SameShape("Mul.Forward", "x", x.Shape, nameof(y), y);
        return new(Elementwise.Zip(x, y, static (a, b) => a * b), new MulCache<T>(x, y));
    }

    /// <summary>The node swaps its inputs: dx = dOut·y, dy = dOut·x.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the inputs.</exception>
    public static MulGradients<T> Backward<T>(MulCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Mul.Backward", nameof(cache), cache);
        Require.SameShape("Mul.Backward", "the forward inputs", cache.X.Shape, nameof(dOut), dOut);
        return new(Elementwise.Zip(dOut, cache.Y, static (d, y) => d * y), Elementwise.Zip(dOut, cache.X, static (d, x) => d * x));
    }
}
