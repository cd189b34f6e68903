using CsCheck;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Layers;

public class SigmoidProperties
{
    private static readonly Gen<(Tensor<double> X, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from key in Gens.Key
        select (x, key);

    [Fact]
    public void Backward_matches_finite_differences() => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.Unary(Sigmoid.Forward, Sigmoid.Backward), input.Key, [input.X]));

    [Fact]
    public void Derivative_is_y_times_one_minus_y() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (y, cache) = Sigmoid.Forward(input.X);
        var dx = Sigmoid.Backward(cache, Tensor.Filled(1.0, [.. input.X.Shape.Dims]));
        for (var i = 0; i < y.Length; i++)
        {
            var yi = y.Span[i];
            Assert.Equal(yi * (1 - yi), dx.Span[i]);
            Assert.Equal(1.0 / (1.0 + Math.Exp(-input.X.Span[i])), yi, 1e-15);
            Assert.InRange(yi, 0.0, 1.0);
        }
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Sigmoid.Forward(input.X);
        Purity.Check("Sigmoid.Forward", () => Sigmoid.Forward(input.X), input.X);
        Purity.Check("Sigmoid.Backward", () => Sigmoid.Backward(cache, dOut), dOut, cache.Output);
    });
}
