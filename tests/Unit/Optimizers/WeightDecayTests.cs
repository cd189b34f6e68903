using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class WeightDecayTests
{
    private static readonly ParamTree<double> Parameters = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.FromMatrix(new[,] { { 1.0, -2.0 } })),
        KeyValuePair.Create("b1", Tensor.Vector(3.0, 4.0)),
        KeyValuePair.Create("W10", Tensor.Vector(0.5)),
        KeyValuePair.Create("gamma1", Tensor.Vector(5.0, 6.0)),
    ]);

    // Which parameters are weights is what their layers declare, not their names: here, say, W1 and W10.
    private static readonly HashSet<string> Weights = ["W1", "W10"];

    [Fact]
    public void The_weights_are_what_the_layers_declare()
    {
        var network = Network.Mlp([4, 3, 2], [Activation.Tanh], batchNorm: true);
        Assert.Equal(["W1", "W2"], network.WeightNames.Order(StringComparer.Ordinal));
        Assert.Equal(["W1", "W2", "b1", "b2", "beta1", "gamma1"], network.ParameterSpecs.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Penalty_and_gradient_follow_section_6_4_2()
    {
        var decay = new WeightDecay(0.1);
        Assert.Equal(0.5 * 0.1 * (1 + 4 + 0.25), decay.Penalty(Parameters, Weights));
        var zero = Parameters.Map((_, t) => Tensor.Zeros<double>([.. t.Shape.Dims]));
        var gradient = decay.Gradient(zero, Parameters, Weights);
        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.1, -0.2 } }), gradient["W1"]);
        Assert.Equal(Tensor.Vector(0.05), gradient["W10"]);
        Assert.Same(zero["b1"], gradient["b1"]);
        Assert.Same(zero["gamma1"], gradient["gamma1"]);
        Assert.Equal(0.0, new WeightDecay(0).Penalty(Parameters, Weights));
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
        var gradient = ParamTree<double>.Of([KeyValuePair.Create("W1", Tensor.Zeros<double>(1, 2))]);
        var error = Assert.Throws<ArgumentException>(() => new WeightDecay(0.1).Gradient(gradient, Parameters, Weights));
        Messages.Names(error, "WeightDecay.Gradient", "W1, W10, b1, gamma1", "got W1.");
        Assert.Throws<ArgumentNullException>(() => new WeightDecay(0.1).Gradient(null!, Parameters, Weights));
        Assert.Throws<ArgumentNullException>(() => new WeightDecay(0.1).Penalty<double>(null!, Weights));
    }
}
