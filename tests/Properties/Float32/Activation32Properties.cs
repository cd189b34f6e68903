using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using static Functional.Properties.Tests.Float32.Float32Values;

namespace Functional.Properties.Tests.Float32;

public class Activation32Properties
{
    // [rows, columns] with values k/64 (exact in float32); for ReLU at least 1/64 from the kink, more than h = 1e-2.
    private static Gen<(int Rows, int Columns, double[] X, RngKey Key)> Inputs(Gen<double> values) =>
        from rows in Gen.Int[1, 6]
        from columns in Gen.Int[1, 10]
        from x in values.Array[rows * columns]
        from key in Gens.Key
        select (rows, columns, x, key);

    [Fact]
    public void Relu32_Backward_matches_finite_differences_at_float32_tolerance() => PropertyCheck.ForAll(Inputs(Gens.AwayFromZero), c =>
    {
        var rule = RuleUnderTest.Unary<ReluCache>(
            x => Relu.Forward(F(x)) is var r ? (r.Output.Convert<double>(), r.Cache) : default,
            (cache, dOut) => Relu.Backward(cache, F(dOut)).Convert<double>());
        Gradients.AssertAt(rule, c.Key, [Tensor.FromArray(c.X, c.Rows, c.Columns)], Gradients.SinglePrecision);
    });

    [Fact]
    public void Relu32_masks_where_x_is_not_positive_and_Apply_equals_Forward() => PropertyCheck.ForAll(Inputs(Gens.Value), c =>
    {
        var x = Matrix(c.X, c.Rows, c.Columns);
        var dOut = Matrix(Sample.Normal(c.Key, c.X.Length).Span, c.Rows, c.Columns);
        var (y, cache) = Relu.Forward(x);
        var dx = Relu.Backward(cache, dOut);
        for (var i = 0; i < c.X.Length; i++)
        {
            var positive = x.Span[i] > 0;
            Assert.Equal(!positive, cache.NonPositive[i]);
            Assert.Equal(positive ? x.Span[i] : 0f, y.Span[i]);
            Assert.Equal(positive ? dOut.Span[i] : 0f, dx.Span[i]);
        }
        Assert.Equal(y, Relu.Apply(x));
    });

    [Fact]
    public void Sigmoid32_Backward_matches_finite_differences_at_float32_tolerance() => PropertyCheck.ForAll(Inputs(Gens.Value), c =>
    {
        var rule = RuleUnderTest.Unary<SigmoidCache<float>>(
            x => Sigmoid.Forward(F(x)) is var r ? (r.Output.Convert<double>(), r.Cache) : default,
            (cache, dOut) => Sigmoid.Backward(cache, F(dOut)).Convert<double>());
        Gradients.AssertAt(rule, c.Key, [Tensor.FromArray(c.X, c.Rows, c.Columns)], Gradients.SinglePrecision);
    });

    [Fact]
    public void Sigmoid32_is_the_float64_sigmoid_rounded_and_its_derivative_is_y_times_1_minus_y() => PropertyCheck.ForAll(Inputs(Gens.Value), c =>
    {
        var x = Matrix(c.X, c.Rows, c.Columns);
        var (y, cache) = Sigmoid.Forward(x);
        var reference = Functional.Layers.Sigmoid.Forward(x.Convert<double>()).Output;
        var ones = Matrix(Enumerable.Repeat(1.0, c.X.Length).ToArray(), c.Rows, c.Columns);
        var dx = Sigmoid.Backward(cache, ones);
        for (var i = 0; i < c.X.Length; i++)
        {
            Assert.Equal((float)reference.Span[i], y.Span[i]);
            Assert.Equal((1f - y.Span[i]) * y.Span[i], dx.Span[i]);
        }
    });
}
