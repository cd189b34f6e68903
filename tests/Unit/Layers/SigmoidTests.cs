using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class SigmoidTests
{
    [Fact]
    public void Forward_gives_the_logistic_function_and_stays_finite_at_extremes()
    {
        var (y, _) = Sigmoid.Forward(Tensor.Vector(0.0, 1.0, -1000.0, 1000.0, -40.0));

        Assert.Equal(0.5, y[0]);
        Assert.Equal(1.0 / (1.0 + Math.Exp(-1.0)), y[1], 1e-15);
        Assert.Equal(0.0, y[2]);
        Assert.Equal(1.0, y[3]);
        Assert.Equal(Math.Exp(-40.0) / (1.0 + Math.Exp(-40.0)), y[4], 1e-30);   // not rounded to 0
        Assert.True(y[4] > 0);
    }

    [Fact]
    public void Backward_at_zero_is_a_quarter_of_dOut()
    {
        var (_, cache) = Sigmoid.Forward(Tensor.Vector(0.0));
        Assert.Equal(Tensor.Vector(0.5), Sigmoid.Backward(cache, Tensor.Vector(2.0)));
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_is_refused()
    {
        var (_, cache) = Sigmoid.Forward(Tensor.Zeros<double>(2, 2));
        var error = Assert.Throws<ArgumentException>(() => Sigmoid.Backward(cache, Tensor.Zeros<double>(4)));
        Assert.Contains("Sigmoid.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", error.Message, StringComparison.Ordinal);
    }
}
