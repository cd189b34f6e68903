using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class TanhTests
{
    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    [Fact]
    public void Forward_gives_known_values_and_saturates_at_exactly_one()
    {
        var (y, cache) = Tanh.Forward(Tensor.Vector(0.0, 0.5, 1.0, -1.0, 2.0, 30.0, -1000.0, 1e-20));

        Assert.Equal(0.0, y[0]);
        Assert.True(Ulps(0.46211715726000974, y[1]) <= 1);   // tanh ½ = (e − 1)/(e + 1)
        Assert.True(Ulps(0.7615941559557649, y[2]) <= 1);
        Assert.Equal(-y[2], y[3]);
        Assert.True(Ulps(0.9640275800758169, y[4]) <= 1);
        Assert.Equal(1.0, y[5]);
        Assert.Equal(-1.0, y[6]);
        Assert.Equal(1e-20, y[7]);   // tanh x = x − x³/3 + …: the relative error of x itself is below 2^−53
        Assert.Equal(y, cache.Output);
    }

    [Fact]
    public void Backward_is_dOut_times_one_minus_y_squared_and_leaves_dOut_unchanged()
    {
        var (y, cache) = Tanh.Forward(Tensor.FromMatrix(new[,] { { 0.0, 1.0 }, { -2.0, 40.0 } }));
        var dOut = Tensor.FromMatrix(new[,] { { 3.0, 2.0 }, { -1.0, 5.0 } });

        var dx = Tanh.Backward(cache, dOut);

        Assert.Equal(3.0, dx[0, 0]);   // tanh'(0) = 1
        Assert.Equal(2.0 * (1 - (y[0, 1] * y[0, 1])), dx[0, 1], 1e-15);   // 2·sech²1 ≈ 0.83995
        Assert.Equal(-1.0 * (1 - (y[1, 0] * y[1, 0])), dx[1, 0], 1e-15);
        Assert.Equal(0.0, dx[1, 1]);   // saturated: y = 1 exactly, so no gradient
        Assert.Equal(Tensor.FromMatrix(new[,] { { 3.0, 2.0 }, { -1.0, 5.0 } }), dOut);
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_names_both_shapes()
    {
        var (_, cache) = Tanh.Forward(Tensor.Zeros<double>(2, 2));
        var error = Assert.Throws<ArgumentException>(() => Tanh.Backward(cache, Tensor.Zeros<double>(4)));
        Assert.Contains("Tanh.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_input_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Tanh.Forward(Tensor.Zeros<double>(0, 3)));
        Assert.Contains("Tanh.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Tanh.Backward(null!, Tensor.Zeros<double>(1)));
    }
}
