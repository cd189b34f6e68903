using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class SigmoidProperties
{
    private static readonly Gen<(Tensor<double> X, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from key in Gens.Key
        select (x, key);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.In(precision, Rule<double>, Rule<float>), input.Key, [input.X], precision));

    [Fact]
    public void Float32_sigmoid_is_the_float64_sigmoid_rounded_and_its_derivative_is_y_times_one_minus_y_in_float32() => PropertyCheck.ForAll(Inputs, input =>
    {
        var x = input.X.Convert<float>();   // k/64 in [−4, 4]: exact in float32
        var (y, cache) = Sigmoid.Forward(x);
        var reference = Sigmoid.Forward(input.X).Output;
        var dx = Sigmoid.Backward(cache, Tensor.Filled(1f, [.. x.Shape.Dims]));
        for (var i = 0; i < y.Length; i++)
        {
            Assert.Equal((float)reference.Span[i], y.Span[i]);
            Assert.Equal((1f - y.Span[i]) * y.Span[i], dx.Span[i]);
        }
    });

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

    private static RuleUnderTest Rule<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => Gradients.Unary<T, SigmoidCache<T>>(Sigmoid.Forward, Sigmoid.Backward);

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Sigmoid.Forward(input.X);
        Purity.Check("Sigmoid.Forward", () => Sigmoid.Forward(input.X), input.X);
        Purity.Check("Sigmoid.Backward", () => Sigmoid.Backward(cache, dOut), dOut, cache.Output);
    });
}
