using System.Numerics;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Nodes;

/// <summary>What <see cref="Add.Forward"/> caches: only the inputs' shape, to check dOut against.</summary>
/// <param name="Shape">The shape of x, y and the output.</param>
public sealed record AddCache(Shape Shape);

/// <summary>The gradients of <see cref="Add.Backward"/>, each of the inputs' shape.</summary>
/// <param name="Dx">∂L/∂x = dOut.</param>
/// <param name="Dy">∂L/∂y = dOut.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record AddGradients<T>(Tensor<T> Dx, Tensor<T> Dy)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The addition node of section 5.4: out = x + y elementwise, for x and y of one shape (no broadcasting).</summary>
public static class Add
{
    /// <summary>out = x + y elementwise. Caches the shape.</summary>
    /// <exception cref="ArgumentException">x and y differ in shape.</exception>
    public static ForwardResult<Tensor<T>, AddCache> Forward<T>(Tensor<T> x, Tensor<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotEmpty("Add.Forward", nameof(x), x);
        Require.SameShape("Add.Forward", "x", x.Shape, nameof(y), y);
        return new(Elementwise.Zip(x, y, static (a, b) => a + b), new AddCache(x.Shape));
    }

    /// <summary>The node passes dOut through to both inputs unchanged (the same immutable tensor).</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the inputs.</exception>
    public static AddGradients<T> Backward<T>(AddCache cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Add.Backward", nameof(cache), cache);
        Require.SameShape("Add.Backward", "the forward inputs", cache.Shape, nameof(dOut), dOut);
        return new(dOut, dOut);
    }
}
