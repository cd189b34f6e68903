using System.Numerics;
using Functional.Facade.Verification;
using CsCheck;
using Functional.Nodes;
using Functional.Properties.Tests.Support;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Nodes;

public class MulProperties
{
    private static readonly Gen<(Tensor<double> X, Tensor<double> Y, Functional.Rng.RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from y in Gens.TensorOf(shape)
        from key in Gens.Key
        select (x, y, key);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.In(precision, Rule<double>, Rule<float>), input.Key, [input.X, input.Y], precision));

    private static RuleUnderTest Rule<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gradients.Binary<T, MulCache<T>>(Mul.Forward, (cache, dOut) => Mul.Backward(cache, dOut) is var g ? (g.Dx, g.Dy) : default);

    [Fact]
    public void Backward_swaps_the_inputs() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Tensor.Filled(1.0, [.. input.X.Shape.Dims]);
        var (output, cache) = Mul.Forward(input.X, input.Y);
        var grads = Mul.Backward(cache, dOut);
        Assert.Equal(input.Y, grads.Dx);   // ∂(x·y)/∂x = y
        Assert.Equal(input.X, grads.Dy);   // ∂(x·y)/∂y = x
        Assert.Equal(input.X.Span.ToArray().Zip(input.Y.Span.ToArray(), (a, b) => a * b), output.ToArray());
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Functional.Rng.Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Mul.Forward(input.X, input.Y);
        Purity.Check("Mul.Forward", () => Mul.Forward(input.X, input.Y), input.X, input.Y);
        Purity.Check("Mul.Backward", () => Mul.Backward(cache, dOut), dOut, input.X, input.Y);
    });
}
