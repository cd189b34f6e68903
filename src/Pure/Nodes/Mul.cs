using Functional.Tensors;
using Functional.Validation;

namespace Functional.Nodes;

/// <summary>What <see cref="Mul.Forward"/> caches: both inputs, since each one's gradient is the other.</summary>
/// <param name="X">The first input.</param>
/// <param name="Y">The second input.</param>
public sealed record MulCache(Tensor<double> X, Tensor<double> Y);

/// <summary>The gradients of <see cref="Mul.Backward"/>, each of the inputs' shape.</summary>
/// <param name="Dx">∂L/∂x = dOut·y.</param>
/// <param name="Dy">∂L/∂y = dOut·x.</param>
public sealed record MulGradients(Tensor<double> Dx, Tensor<double> Dy);

/// <summary>The multiplication node of section 5.4: out = x·y elementwise, for x and y of one shape (no broadcasting).</summary>
public static class Mul
{
    /// <summary>out = x·y elementwise. Caches x and y.</summary>
    /// <exception cref="ArgumentException">x and y differ in shape.</exception>
    public static ForwardResult<Tensor<double>, MulCache> Forward(Tensor<double> x, Tensor<double> y)
    {
        Require.NotEmpty("Mul.Forward", nameof(x), x);
        Require.SameShape("Mul.Forward", "x", x.Shape, nameof(y), y);
        return new(Elementwise.Zip(x, y, static (a, b) => a * b), new MulCache(x, y));
    }

    /// <summary>The node swaps its inputs: dx = dOut·y, dy = dOut·x.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the inputs.</exception>
    public static MulGradients Backward(MulCache cache, Tensor<double> dOut)
    {
        Require.NotNull("Mul.Backward", nameof(cache), cache);
        Require.SameShape("Mul.Backward", "the forward inputs", cache.X.Shape, nameof(dOut), dOut);
        return new(Elementwise.Zip(dOut, cache.Y, static (d, y) => d * y), Elementwise.Zip(dOut, cache.X, static (d, x) => d * x));
    }
}
