using Functional.Layers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class DropoutTests
{
    private static readonly Tensor<double> Input = Tensor.Vector<double>(1, 2, 3, 4, 5, 6, 7, 8);

    [Fact]
    public void Seed_42_at_ratio_one_half_keeps_elements_0_1_and_5_doubled()
    {
        // key.UnitAt(0..7) for FromSeed(42) are 0.593, 0.596, 0.160, 0.166, 0.048, 0.981, 0.235, 0.279 (SplitMix64):
        // the elements with a draw ≥ ½ are kept and scaled by 1/(1 − ½) = 2. The same on every machine.
        var (output, cache) = Dropout.Forward(Input, RngKey.FromSeed(42), 0.5);

        Assert.Equal(Tensor.Vector<double>(2, 4, 0, 0, 0, 12, 0, 0), output);
        Assert.Equal(Tensor.Vector<double>(2, 2, 0, 0, 0, 2, 0, 0), cache.Scale);
    }

    [Fact]
    public void Backward_scales_dOut_as_forward_scaled_x_and_leaves_dOut_unchanged()
    {
        var (_, cache) = Dropout.Forward(Input, RngKey.FromSeed(42), 0.5);
        var dOut = Tensor.Filled(3.0, 8);

        Assert.Equal(Tensor.Vector<double>(6, 6, 0, 0, 0, 6, 0, 0), Dropout.Backward(cache, dOut));
        Assert.Equal(Tensor.Filled(3.0, 8), dOut);
    }

    [Fact]
    public void Ratio_zero_is_the_identity()
    {
        var x = Tensor.FromMatrix(new[,] { { -1.5, 0.0 }, { -0.0, 1e300 } });
        var (output, cache) = Dropout.Forward(x, RngKey.FromSeed(7), 0.0);
        Assert.Equal(x, output);
        Assert.Equal(Tensor.Filled(1.0, 2, 2), cache.Scale);
    }

    [Fact]
    public void A_ratio_of_three_quarters_scales_the_kept_elements_by_four()
    {
        var (output, cache) = Dropout.Forward(Tensor.Filled(1.0, 64), RngKey.FromSeed(3), 0.75);
        Assert.All(cache.Scale.ToArray(), s => Assert.True(s is 0.0 or 4.0, $"scale {s}"));
        Assert.Equal(cache.Scale, output);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void A_ratio_outside_zero_to_one_is_refused_with_its_value(double ratio)
    {
        var error = Assert.Throws<ArgumentException>(() => Dropout.Forward(Input, RngKey.FromSeed(1), ratio));
        Assert.Contains("Dropout.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("ratio must be a finite value in [0, 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {ratio}", error.Message, StringComparison.Ordinal);
        Assert.Equal("ratio", error.ParamName);
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_names_both_shapes()
    {
        var (_, cache) = Dropout.Forward(Input, RngKey.FromSeed(1), 0.5);
        var error = Assert.Throws<ArgumentException>(() => Dropout.Backward(cache, Tensor.Zeros<double>(2, 4)));
        Assert.Contains("Dropout.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[8]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_input_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Dropout.Forward(Tensor.Zeros<double>(0, 3), RngKey.FromSeed(1), 0.5));
        Assert.Contains("Dropout.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3]", error.Message, StringComparison.Ordinal);
    }
}
