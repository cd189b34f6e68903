using System.Numerics;
using Functional.Facade.Verification;
using CsCheck;
using Functional.Nodes;
using Functional.Properties.Tests.Support;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Nodes;

public class AddProperties
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
        Gradients.Binary<T, AddCache>(Add.Forward, (cache, dOut) => Add.Backward(cache, dOut) is var g ? (g.Dx, g.Dy) : default);

    [Fact]
    public void Backward_passes_dOut_through_to_both_inputs() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Functional.Rng.Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (output, cache) = Add.Forward(input.X, input.Y);
        var grads = Add.Backward(cache, dOut);
        Assert.Equal(dOut, grads.Dx);
        Assert.Equal(dOut, grads.Dy);
        Assert.Equal(input.X.Span.ToArray().Zip(input.Y.Span.ToArray(), (a, b) => a + b), output.ToArray());
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Functional.Rng.Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Add.Forward(input.X, input.Y);
        Purity.Check("Add.Forward", () => Add.Forward(input.X, input.Y), input.X, input.Y);
        Purity.Check("Add.Backward", () => Add.Backward(cache, dOut), dOut);
    });
}
