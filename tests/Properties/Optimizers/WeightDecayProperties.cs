using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Optimizers;

public class WeightDecayProperties
{
    private static readonly Gen<(WeightDecay Decay, ParamTree<double> Parameters, ParamTree<double> Gradient, RngKey Key)> Inputs =
        from lambda in Gen.Int[0, 1000].Select(k => k / 1000.0)
        from structure in OptimizerGens.Structure
        from parameters in OptimizerGens.TreeOf(structure)
        from gradient in OptimizerGens.TreeOf(structure)
        from key in Gens.Key
        select (new WeightDecay(lambda), parameters, gradient, key);

    [Fact]
    public void Gradient_contribution_is_the_derivative_of_Penalty() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (decay, parameters, _, key) = input;
        // Penalty is a function of the parameters' tensors like any other: one checker, LayerCheck, for it too.
        var zero = parameters.Map((_, t) => Tensor.Zeros<double>([.. t.Shape.Dims]));
        var weights = WeightsOf(parameters);
        var rule = Gradients.OfTree(parameters, p => decay.Penalty(p, weights), p => decay.Gradient(zero, p, weights))
            with { Subject = $"WeightDecay.Penalty (λ = {decay.Lambda:R})" };
        Gradients.AssertAt(rule, key, [.. parameters.Leaves.Values]);
    });

    [Fact]
    public void Gradient_adds_exactly_lambda_W_to_weights_and_nothing_to_other_parameters() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (decay, parameters, gradient, _) = input;
        var decayed = decay.Gradient(gradient, parameters, WeightsOf(parameters));
        parameters.RequireSameStructure("WeightDecay.Gradient", decayed);
        foreach (var (key, g) in gradient.Leaves)
        {
            double[] w = parameters[key].ToArray(), d = decayed[key].ToArray();
            for (var i = 0; i < g.Length; i++)
            {
                var expected = key.StartsWith('W') ? g.Span[i] + (decay.Lambda * w[i]) : g.Span[i];
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(d[i]),
                    $"{key}[{i}]: g = {g.Span[i]:R}, W = {w[i]:R}, λ = {decay.Lambda:R} gave {d[i]:R}, expected {expected:R}.");
            }
        }
    });

    [Fact]
    public void Penalty_is_half_lambda_times_the_sum_of_squared_weights() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (decay, parameters, _, _) = input;
        var squares = parameters.Leaves.Where(kv => kv.Key.StartsWith('W')).SelectMany(kv => kv.Value.ToArray()).Sum(w => w * w);
        Assert.Equal(0.5 * decay.Lambda * squares, decay.Penalty(parameters, WeightsOf(parameters)), 1e-12 * (1 + squares));
        // Doubling every parameter scales each square, the sum and the product by exactly 4.
        var weights = WeightsOf(parameters);
        Assert.Equal(4 * decay.Penalty(parameters, weights), decay.Penalty(parameters.Map((_, t) => Tensor.FromArray([.. t.ToArray().Select(v => 2 * v)], [.. t.Shape.Dims])), weights));
    });

    // The generators name weights W…; in a network the layers declare them.
    private static HashSet<string> WeightsOf(ParamTree<double> tree) => [.. tree.Keys.Where(k => k.StartsWith('W'))];
}
