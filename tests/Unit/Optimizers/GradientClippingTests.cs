using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class GradientClippingTests
{
    private static ParamTree<double> Tree(params double[] values) => ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.Vector(values.AsSpan(0, 1))),
        KeyValuePair.Create("b1", Tensor.Vector(values.AsSpan(1))),
    ]);

    [Fact]
    public void A_3_4_gradient_has_norm_5_and_clips_to_3_over_5_of_itself()
    {
        var g = Tree(3, 4);
        Assert.Equal(5.0, GradientClipping.GlobalNorm(g));
        Assert.Same(g, GradientClipping.ByGlobalNorm(g, 5));
        var clipped = GradientClipping.ByGlobalNorm(g, 1);
        Assert.Equal(0.6, clipped["W1"][0], 2.3e-16);   // 3·(1/5) rounds twice
        Assert.Equal(0.8, clipped["b1"][0], 2.3e-16);
    }

    [Fact]
    public void Huge_finite_gradients_have_a_finite_norm_and_clip_correctly()
    {
        var g = Tree(3e200, 4e200);
        Assert.Equal(5e200, GradientClipping.GlobalNorm(g), 1e186);
        var clipped = GradientClipping.ByGlobalNorm(g, 1);
        Assert.Equal(0.6, clipped["W1"][0], 1e-15);
        Assert.Equal(0.8, clipped["b1"][0], 1e-15);
    }

    [Fact]
    public void Non_finite_gradients_propagate()
    {
        Assert.True(double.IsNaN(GradientClipping.GlobalNorm(Tree(double.NaN, 1))));
        Assert.Equal(double.PositiveInfinity, GradientClipping.GlobalNorm(Tree(double.NegativeInfinity, 1)));
        Assert.True(double.IsNaN(GradientClipping.ByGlobalNorm(Tree(double.NaN, 1), 1)["b1"][0]));
    }

    [Theory]
    [InlineData(0.0, "got 0.")]
    [InlineData(-1.0, "got -1.")]
    [InlineData(double.NaN, "got NaN.")]
    [InlineData(double.PositiveInfinity, "got Infinity.")]
    public void MaxNorm_must_be_positive_and_finite(double maxNorm, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByGlobalNorm(Tree(1, 1), maxNorm));
        Messages.Names(error, "GradientClipping.ByGlobalNorm", "maxNorm must be positive and finite", actual);
        Assert.Throws<ArgumentNullException>(() => GradientClipping.GlobalNorm<double>(null!));
    }
}
