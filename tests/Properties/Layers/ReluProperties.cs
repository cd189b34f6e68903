using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class ReluProperties
{
    // Inputs stay ≥ 1/64 from the kink at 0, where ReLU has no derivative for differences to agree with: more than
    // h = 1e-5 (float64) and h = 1e-2 (float32); a unit direction moves no element by more than h.
    private static readonly Gen<(Tensor<double> X, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape, Gens.AwayFromZero)
        from key in Gens.Key
        select (x, key);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.In(precision, Rule<double>, Rule<float>), input.Key, [input.X], precision));

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_passes_dOut_where_x_is_positive_and_zero_elsewhere(Precision precision) => PropertyCheck.ForAll(
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)   // 0 included: the mask is x <= 0
        from key in Gens.Key
        select (x, key),
        input =>
        {
            if (precision == Precision.Float32)
            {
                Masks(input.x.Convert<float>(), Sample.Normal(input.key, [.. input.x.Shape.Dims]).Convert<float>());
            }
            else
            {
                Masks(input.x, Sample.Normal(input.key, [.. input.x.Shape.Dims]));
            }
        });

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Apply_equals_Forwards_output_bit_for_bit(Precision precision) => PropertyCheck.ForAll(
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        select x,
        x =>
        {
            if (precision == Precision.Float32)
            {
                Assert.Equal(Relu.Forward(x.Convert<float>()).Output, Relu.Apply(x.Convert<float>()));
            }
            else
            {
                Assert.Equal(Relu.Forward(x).Output, Relu.Apply(x));
            }
        });

    private static RuleUnderTest Rule<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => Gradients.Unary<T, ReluCache>(Relu.Forward, Relu.Backward);

    private static void Masks<T>(Tensor<T> x, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (output, cache) = Relu.Forward(x);
        var dx = Relu.Backward(cache, dOut);
        for (var i = 0; i < x.Length; i++)
        {
            var positive = x.Span[i] > T.Zero;
            Assert.Equal(!positive, cache.NonPositive[i]);
            Assert.Equal(positive ? dOut.Span[i] : T.Zero, dx.Span[i]);
            Assert.Equal(positive ? x.Span[i] : T.Zero, output.Span[i]);
        }
    }

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Relu.Forward(input.X);
        Purity.Check("Relu.Forward", () => Relu.Forward(input.X).Output, input.X);
        Purity.Check("Relu.Backward", () => Relu.Backward(cache, dOut), dOut);
    });
}
