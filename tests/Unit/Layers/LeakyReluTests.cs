using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class LeakyReluTests
{
    private static readonly Tensor<double> BookInput = Tensor.FromMatrix(new[,] { { 1.0, -0.5 }, { -2.0, 3.0 } });

    [Fact]
    public void Forward_scales_the_non_positive_entries_by_alpha()
    {
        var (output, cache) = LeakyRelu.Forward(BookInput, 0.25);

        Assert.Equal(Tensor.FromMatrix(new[,] { { 1.0, -0.125 }, { -0.5, 3.0 } }), output);
        Assert.Equal([false, true, true, false], cache.NonPositive.ToArray());
        Assert.Equal(0.25, cache.Alpha);
    }

    [Fact]
    public void The_default_alpha_is_one_hundredth()
    {
        var (output, cache) = LeakyRelu.Forward(Tensor.Vector(-3.0, 2.0));
        Assert.Equal(0.01, cache.Alpha);
        Assert.Equal(Tensor.Vector(0.01 * -3.0, 2.0), output);
    }

    [Fact]
    public void Backward_scales_dOut_by_alpha_where_x_was_not_positive_and_leaves_dOut_unchanged()
    {
        var (_, cache) = LeakyRelu.Forward(BookInput, 0.25);
        var dOut = Tensor.FromMatrix(new[,] { { 10.0, 20.0 }, { 30.0, 40.0 } });

        var dx = LeakyRelu.Backward(cache, dOut);

        Assert.Equal(Tensor.FromMatrix(new[,] { { 10.0, 5.0 }, { 7.5, 40.0 } }), dx);
        Assert.Equal(Tensor.FromMatrix(new[,] { { 10.0, 20.0 }, { 30.0, 40.0 } }), dOut);
    }

    [Fact]
    public void Zero_and_negative_zero_give_positive_zero_as_Relu_does()
    {
        var (output, cache) = LeakyRelu.Forward(Tensor.Vector(0.0, -0.0, -1.0), 0.0);
        Assert.Equal([true, true, true], cache.NonPositive.ToArray());
        Assert.Equal(Tensor.Vector(0.0, 0.0, 0.0), output);   // bitwise: no −0
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void An_alpha_outside_zero_to_one_is_refused_with_its_value(double alpha)
    {
        var error = Assert.Throws<ArgumentException>(() => LeakyRelu.Forward(BookInput, alpha));
        Assert.Contains("LeakyRelu.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("alpha must be a finite value in [0, 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {alpha}", error.Message, StringComparison.Ordinal);
        Assert.Equal("alpha", error.ParamName);
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_names_both_shapes()
    {
        var (_, cache) = LeakyRelu.Forward(BookInput);
        var error = Assert.Throws<ArgumentException>(() => LeakyRelu.Backward(cache, Tensor.Zeros<double>(2, 3)));
        Assert.Contains("LeakyRelu.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_input_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LeakyRelu.Forward(Tensor.Zeros<double>(0, 3)));
        Assert.Contains("LeakyRelu.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3]", error.Message, StringComparison.Ordinal);
    }
}
