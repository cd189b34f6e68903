using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class DropoutProperties
{
    /// <summary>ratio = k/64 for k in 0–60: 0 (the identity) included, up to 0.9375.</summary>
    private static readonly Gen<double> Ratio = Gen.Int[0, 60].Select(k => k / 64.0);

    /// <summary>ratio = k/100 for k in 10–90: where two independent masks of many elements practically never coincide.</summary>
    private static readonly Gen<double> ModerateRatio = Gen.Int[10, 90].Select(k => k / 100.0);

    private static readonly Gen<(Tensor<double> X, double Ratio, RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from ratio in Ratio
        from key in Gens.Key
        select (x, ratio, key);

    private static int[] Dims(Tensor<double> t) => [.. t.Shape.Dims];

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences_with_the_key_fixed(Precision precision) => PropertyCheck.ForAll(Inputs, input =>
    {
        // With the key fixed the mask is a constant, so the layer is linear in x and differentiable everywhere.
        var (mask, directions) = input.Key.Split();
        Gradients.AssertAt(Gradients.In(precision, () => Rule<double>(mask, input.Ratio), () => Rule<float>(mask, input.Ratio)), directions, [input.X], precision);
    });

    private static RuleUnderTest Rule<T>(RngKey mask, double ratio)
        where T : unmanaged, IFloatingPointIeee754<T> => Gradients.Unary<T, DropoutCache<T>>(x => Dropout.Forward(x, mask, ratio), Dropout.Backward);

    [Fact]
    public void Element_i_is_kept_and_scaled_iff_key_UnitAt_i_is_at_least_the_ratio() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (output, cache) = Dropout.Forward(input.X, input.Key, input.Ratio);
        var dOut = Sample.Normal(input.Key.FoldIn(7), Dims(input.X));
        var dx = Dropout.Backward(cache, dOut);
        var kept = 1.0 / (1.0 - input.Ratio);
        for (var i = 0; i < input.X.Length; i++)
        {
            var scale = input.Key.UnitAt(i) >= input.Ratio ? kept : 0.0;
            Assert.Equal(scale, cache.Scale.Span[i]);
            Assert.Equal(input.X.Span[i] * scale, output.Span[i]);
            Assert.Equal(dOut.Span[i] * scale, dx.Span[i]);
        }
    });

    [Fact]
    public void Ratio_zero_is_the_identity_bit_for_bit() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (output, cache) = Dropout.Forward(input.X, input.Key, 0.0);
        var dOut = Sample.Normal(input.Key, Dims(input.X));
        Assert.Equal(input.X, output);
        Assert.Equal(dOut, Dropout.Backward(cache, dOut));
    });

    [Fact]
    public void The_same_key_gives_the_same_mask_and_different_keys_different_masks() => PropertyCheck.ForAll(
        from length in Gen.Int[256, 1024]
        from ratio in ModerateRatio
        from key in Gens.Key
        select (length, ratio, key),
        input =>
        {
            // Two independent masks agree on an element with probability p² + (1 − p)² ≤ 0.82 for 0.1 ≤ p ≤ 0.9, so on
            // all of ≥ 256 elements with probability ≤ 0.82²⁵⁶ < 1e-22: a collision would mean the key is ignored.
            var x = Tensor.Filled(1.0, input.length);
            var (first, second) = input.key.Split();
            var mask = Dropout.Forward(x, first, input.ratio).Cache;
            Assert.Equal(mask, Dropout.Forward(x, first, input.ratio).Cache);
            Assert.NotEqual(mask, Dropout.Forward(x, second, input.ratio).Cache);
        }, runs: 50);

    [Fact]
    public void Kept_fraction_is_near_one_minus_the_ratio_and_the_mean_is_preserved() => PropertyCheck.ForAll(
        from ratio in Ratio
        from key in Gens.Key
        select (ratio, key),
        input =>
        {
            // The kept count is Binomial(n, 1 − r): its fraction has standard deviation √(r(1 − r)/n) ≤ 0.005 for
            // n = 10 000. Six standard deviations (a false failure with probability ~2e-9) is far tighter than any
            // mistake such as keeping where UnitAt < ratio (fraction r) unless r = ½, which the test above catches.
            const int N = 10_000;
            var (output, cache) = Dropout.Forward(Tensor.Filled(1.0, N), input.key, input.ratio);
            var kept = cache.Scale.ToArray().Count(s => s != 0);
            var sd = Math.Sqrt(input.ratio * (1 - input.ratio) / N);
            Assert.InRange((double)kept / N, 1 - input.ratio - (6 * sd), 1 - input.ratio + (6 * sd));
            // The mean of x·scale for x = 1 is kept/(n·(1 − r)): within 6 sd/(1 − r) of 1, the expectation preserved.
            Assert.InRange(output.ToArray().Average(), 1 - (6 * sd / (1 - input.ratio)) - 1e-12, 1 + (6 * sd / (1 - input.ratio)) + 1e-12);
        }, runs: 50);

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Sample.Normal(input.Key, Dims(input.X));
        var (_, cache) = Dropout.Forward(input.X, input.Key, input.Ratio);
        Purity.Check("Dropout.Forward", () => Dropout.Forward(input.X, input.Key, input.Ratio), input.X);
        Purity.Check("Dropout.Backward", () => Dropout.Backward(cache, dOut), dOut, cache.Scale);
    });
}
