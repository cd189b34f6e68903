using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class WeightDecayTests
{
    private static readonly ParamTree Parameters = ParamTree.Of([
        KeyValuePair.Create("W1", Tensor.FromMatrix(new[,] { { 1.0, -2.0 } })),
        KeyValuePair.Create("b1", Tensor.Vector(3.0, 4.0)),
        KeyValuePair.Create("W10", Tensor.Vector(0.5)),
        KeyValuePair.Create("gamma1", Tensor.Vector(5.0, 6.0)),
    ]);

    [Theory]
    [InlineData("W1", true)]
    [InlineData("W23", true)]
    [InlineData("W", false)]
    [InlineData("w1", false)]
    [InlineData("W1a", false)]
    [InlineData("b1", false)]
    [InlineData("gamma1", false)]
    [InlineData("beta1", false)]
    [InlineData("W١", false)]   // an Arabic-Indic digit is not an ASCII digit
    public void Weights_are_W_and_digits(string key, bool isWeight) => Assert.Equal(isWeight, WeightDecay.IsWeight(key));

    [Fact]
    public void Penalty_and_gradient_follow_section_6_4_2()
    {
        var decay = new WeightDecay(0.1);
        Assert.Equal(0.5 * 0.1 * (1 + 4 + 0.25), decay.Penalty(Parameters));
        var zero = Parameters.Map((_, t) => Tensor.Zeros([.. t.Shape.Dims]));
        var gradient = decay.Gradient(zero, Parameters);
        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.1, -0.2 } }), gradient["W1"]);
        Assert.Equal(Tensor.Vector(0.05), gradient["W10"]);
        Assert.Same(zero["b1"], gradient["b1"]);
        Assert.Same(zero["gamma1"], gradient["gamma1"]);
        Assert.Equal(0.0, new WeightDecay(0).Penalty(Parameters));
    }

    [Theory]
    [InlineData(-0.1, "got -0.1.")]
    [InlineData(double.NaN, "got NaN.")]
    [InlineData(double.PositiveInfinity, "got Infinity.")]
    public void Lambda_must_be_non_negative_and_finite(double lambda, string actual)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WeightDecay(lambda));
        Messages.Names(error, "WeightDecay:", "Lambda must be ≥ 0 and finite", actual);
    }

    [Fact]
    public void A_gradient_of_another_structure_is_refused()
    {
        var gradient = ParamTree.Of([KeyValuePair.Create("W1", Tensor.Zeros(1, 2))]);
        var error = Assert.Throws<ArgumentException>(() => new WeightDecay(0.1).Gradient(gradient, Parameters));
        Messages.Names(error, "WeightDecay.Gradient", "W1, W10, b1, gamma1", "got W1.");
        Assert.Throws<ArgumentNullException>(() => new WeightDecay(0.1).Gradient(null!, Parameters));
        Assert.Throws<ArgumentNullException>(() => new WeightDecay(0.1).Penalty(null!));
    }
}
