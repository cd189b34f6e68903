using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class TanhProperties
{
    private static readonly Gen<(Tensor<double> X, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from key in Gens.Key
        select (x, key);

    /// <summary>|x| log-uniform over [2^−50, 2^5] with either sign: the tiny, |x| &lt; 1, 1 ≤ |x| &lt; 22 and saturated branches.</summary>
    private static readonly Gen<double> Wide =
        from exponent in Gen.Int[-50, 5]
        from mantissa in Gen.Int[0, int.MaxValue]
        from negative in Gen.Bool
        let magnitude = Math.ScaleB(1.0 + (mantissa / 2147483648.0), exponent)
        select negative ? -magnitude : magnitude;

    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    private static double Of(double x) => Tanh.Forward(Tensor.Vector(x)).Output[0];

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.In(precision, Rule<double>, Rule<float>), input.Key, [input.X], precision));

    [Fact]
    public void Float32_tanh_is_the_float64_tanh_rounded_and_its_derivative_is_one_minus_y_squared_in_float32() => PropertyCheck.ForAll(Inputs, input =>
    {
        var x = input.X.Convert<float>();   // k/64 in [−4, 4]: exact in float32
        var (y, cache) = Tanh.Forward(x);
        var reference = Tanh.Forward(input.X).Output;
        var dx = Tanh.Backward(cache, Tensor.Filled(1f, [.. x.Shape.Dims]));
        for (var i = 0; i < y.Length; i++)
        {
            Assert.Equal((float)reference.Span[i], y.Span[i]);
            Assert.Equal((1f - y.Span[i]) * (1f + y.Span[i]), dx.Span[i]);
        }
    });

    private static RuleUnderTest Rule<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => Gradients.Unary<T, TanhCache<T>>(Tanh.Forward, Tanh.Backward);

    [Fact]
    public void Derivative_is_one_minus_y_squared() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (y, cache) = Tanh.Forward(input.X);
        var dx = Tanh.Backward(cache, Tensor.Filled(1.0, [.. input.X.Shape.Dims]));
        for (var i = 0; i < y.Length; i++)
        {
            var (yi, x) = (y.Span[i], input.X.Span[i]);
            Assert.Equal((1 - yi) * (1 + yi), dx.Span[i]);
            // 1 − y·y rounds differently by at most 2 ulps of 1; sech²x = 4/(eˣ + e⁻ˣ)² differs through y's few-ulp error
            // (|Δ(1 − y²)| ≤ 2·|Δy| ≤ 2·3·2^−53) and the reference's own rounding: 8·2^−52 bounds both.
            Assert.Equal(1 - (yi * yi), dx.Span[i], 2 * Math.ScaleB(1.0, -52));
            var cosh2 = (Math.Exp(x) + Math.Exp(-x)) * (Math.Exp(x) + Math.Exp(-x));
            Assert.Equal(4 / cosh2, dx.Span[i], 8 * Math.ScaleB(1.0, -52));
        }
    });

    [Fact]
    public void Tanh_is_odd_bit_for_bit() => PropertyCheck.ForAll(
        Gen.Long[0, long.MaxValue].Select(BitConverter.Int64BitsToDouble),   // every non-negative bit pattern
        x => Assert.Equal(BitConverter.DoubleToInt64Bits(-Of(x)), BitConverter.DoubleToInt64Bits(Of(-x))),
        runs: 1000);

    [Fact]
    public void Tanh_is_within_2_ulps_of_a_double_double_reference_in_relative_terms() => PropertyCheck.ForAll(Wide, x =>
    {
        // msun's s_tanh.c: ≤ 1 ulp from expm1 plus ½ from each of the add, divide and subtract, propagated with factors
        // below 1 here; 2 ulps relative to the result, for tiny |x| too, where an absolute bound would hide a lost tanh.
        var (ours, reference) = (Of(x), DoubleDouble.Tanh(x).Hi);
        Assert.True(Ulps(ours, reference) <= 2, $"tanh({x:R}) = {ours:R}, reference {reference:R}");
        Assert.InRange(Math.Abs(ours), 0.0, 1.0);
    }, runs: 3000);

    [Fact]
    public void Tanh_saturates_to_exactly_one_and_keeps_tiny_inputs()
    {
        foreach (var x in new[] { 22.0, 40.0, 1e300, double.PositiveInfinity })
        {
            Assert.Equal(1.0, Of(x));
            Assert.Equal(-1.0, Of(-x));
        }
        Assert.Equal(1e-300, Of(1e-300));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(Of(-0.0)));
        Assert.True(double.IsNaN(Of(double.NaN)));
        Assert.InRange(Of(21.9), 1.0 - 1e-15, 1.0);   // no overshoot past 1 just below the cut-off
    }

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Tanh.Forward(input.X);
        Purity.Check("Tanh.Forward", () => Tanh.Forward(input.X), input.X);
        Purity.Check("Tanh.Backward", () => Tanh.Backward(cache, dOut), dOut, cache.Output);
    });
}
