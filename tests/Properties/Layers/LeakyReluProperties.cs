using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class LeakyReluProperties
{
    /// <summary>α = k/64 for k in 0–63: 0 (plain ReLU) included, 1 excluded.</summary>
    private static readonly Gen<double> Alpha = Gen.Int[0, 63].Select(k => k / 64.0);

    // Inputs stay ≥ 1/64 from the kink at 0, where the leaky ReLU has no derivative for differences to agree with: more
    // than h = 1e-5 (float64) and h = 1e-2 (float32). α = k/64 is exact in float32 too.
    private static readonly Gen<(Tensor<double> X, double Alpha, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape, Gens.AwayFromZero)
        from alpha in Alpha
        from key in Gens.Key
        select (x, alpha, key);

    /// <summary>Values k/64 in [−4, 4] and −0, so the sign of zero outputs is exercised.</summary>
    private static readonly Gen<Tensor<double>> WithZeros =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape, Gen.Int[-256, 257].Select(k => k == 257 ? -0.0 : k / 64.0))
        select x;

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
        Gradients.AssertAt(Gradients.In(precision, () => Rule<double>(input.Alpha), () => Rule<float>(input.Alpha)), input.Key, [input.X], precision));

    private static RuleUnderTest Rule<T>(double alpha)
        where T : unmanaged, IFloatingPointIeee754<T> => Gradients.Unary<T, LeakyReluCache>(x => LeakyRelu.Forward(x, alpha), LeakyRelu.Backward);

    [Fact]
    public void Output_mask_and_gradient_follow_the_sign_of_x() => PropertyCheck.ForAll(
        from x in WithZeros
        from alpha in Alpha
        from key in Gens.Key
        select (x, alpha, key),
        input =>
        {
            var dOut = Sample.Normal(input.key, [.. input.x.Shape.Dims]);
            var (output, cache) = LeakyRelu.Forward(input.x, input.alpha);
            var dx = LeakyRelu.Backward(cache, dOut);
            Assert.Equal(input.alpha, cache.Alpha);
            for (var i = 0; i < input.x.Length; i++)
            {
                var (xi, di) = (input.x.Span[i], dOut.Span[i]);
                var positive = xi > 0;
                Assert.Equal(!positive, cache.NonPositive[i]);
                Assert.Equal(positive ? xi : input.alpha * xi, output.Span[i]);
                Assert.Equal(positive ? di : input.alpha * di, dx.Span[i]);
            }
        });

    [Fact]
    public void Alpha_zero_is_Relu_bit_for_bit() => PropertyCheck.ForAll(
        from x in WithZeros
        from key in Gens.Key
        select (x, key),
        input =>
        {
            var dOut = Sample.Normal(input.key, [.. input.x.Shape.Dims]);
            var (leaky, leakyCache) = LeakyRelu.Forward(input.x, 0.0);
            var (relu, reluCache) = Relu.Forward(input.x);
            Assert.Equal(relu, leaky);   // bitwise: +0, never −0, where x ≤ 0
            Assert.Equal(reluCache.NonPositive.ToArray(), leakyCache.NonPositive.ToArray());
            Assert.Equal(Relu.Backward(reluCache, dOut), LeakyRelu.Backward(leakyCache, dOut));
        });

    [Fact]
    public void Backward_is_linear_in_dOut() => PropertyCheck.ForAll(Inputs, input =>
    {
        // Scaling by a power of two is exact, so linearity holds bit for bit.
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = LeakyRelu.Forward(input.X, input.Alpha);
        var twice = LeakyRelu.Backward(cache, Tensor.FromArray([.. dOut.ToArray().Select(d => 2 * d)], [.. dOut.Shape.Dims]));
        Assert.Equal(Tensor.FromArray([.. LeakyRelu.Backward(cache, dOut).ToArray().Select(d => 2 * d)], [.. dOut.Shape.Dims]), twice);
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = LeakyRelu.Forward(input.X, input.Alpha);
        // The cache's mask is an ImmutableArray, which compares by reference, so the output and the mask are compared apart.
        Purity.Check("LeakyRelu.Forward", () => LeakyRelu.Forward(input.X, input.Alpha).Output, input.X);
        Assert.Equal(cache.NonPositive.ToArray(), LeakyRelu.Forward(input.X, input.Alpha).Cache.NonPositive.ToArray());
        Purity.Check("LeakyRelu.Backward", () => LeakyRelu.Backward(cache, dOut), dOut);
    });
}
