using CsCheck;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Layers;

public class ReluProperties
{
    // Inputs stay ≥ 1/64 from the kink at 0, where ReLU has no derivative for differences to agree with.
    private static readonly Gen<(Tensor<double> X, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape, Gens.AwayFromZero)
        from key in Gens.Key
        select (x, key);

    [Fact]
    public void Backward_matches_finite_differences() => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.Unary(Relu.Forward, Relu.Backward), input.Key, [input.X]));

    [Fact]
    public void Backward_passes_dOut_where_x_is_positive_and_zero_elsewhere() => PropertyCheck.ForAll(
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)   // 0 included: the mask is x <= 0
        from key in Gens.Key
        select (x, key),
        input =>
        {
            var dOut = Sample.Normal(input.key, [.. input.x.Shape.Dims]);
            var (output, cache) = Relu.Forward(input.x);
            var dx = Relu.Backward(cache, dOut);
            for (var i = 0; i < input.x.Length; i++)
            {
                var positive = input.x.Span[i] > 0;
                Assert.Equal(!positive, cache.NonPositive[i]);
                Assert.Equal(positive ? dOut.Span[i] : 0.0, dx.Span[i]);
                Assert.Equal(positive ? input.x.Span[i] : 0.0, output.Span[i]);
            }
        });

    [Fact]
    public void Apply_equals_Forwards_output_bit_for_bit() => PropertyCheck.ForAll(
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        select x,
        x => Assert.Equal(Relu.Forward(x).Output, Relu.Apply(x)));

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Relu.Forward(input.X);
        Purity.Check("Relu.Forward", () => Relu.Forward(input.X).Output, input.X);
        Purity.Check("Relu.Backward", () => Relu.Backward(cache, dOut), dOut);
    });
}
