using CsCheck;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using static Functional.Properties.Tests.Float32.Float32Values;

namespace Functional.Properties.Tests.Float32;

public class Mlp32Properties
{
    private sealed record Case(Network Network, ParamTree<float> Params, Tensor<float> X, int[] Labels, RngKey Key)
    {
        // The labels, not the array's type name, in a failure message (the parameters come from Key).
        public override string ToString() => $"Case {{ {Network}, X {X.Shape} = {Check.Print(X.ToArray())}, Labels = {Check.Print(Labels)}, {Key} }}";
    }

    // Sigmoid nets only: a ReLU pre-activation within h = 1e-2 of its kink would break the differences, and
    // float32 rounding makes "far enough" harder to guarantee than in float64. ReLU's float32 Backward has its own property.
    private static readonly Gen<Case> Inputs =
        from depth in Gen.Int[1, 3]
        from widths in Gen.Int[1, 6].Array[depth + 1]
        from classes in Gen.Int[2, 5]
        from batch in Gen.Int[1, 4]
        from x in Gens.Value.Array[batch * widths[0]]
        from labels in Gen.Int[0, classes - 1].Array[batch]
        from key in Gens.Key
        let network = Network.Sequential([.. widths[..^1], classes], Enumerable.Repeat(Activation.Sigmoid, depth - 1))
        select new Case(network, Mlp.Init(network, key, weightStd: 1.0).Convert<float>(), Matrix(x, batch, widths[0]), labels, key);

    [Fact]
    public void Gradient_matches_finite_differences_at_float32_tolerance() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var rule = Gradients.OfTree(c.Params.Convert<double>(),
            p => Mlp.Loss(c.Network, p.Convert<float>(), c.X, labels),
            p => Mlp.LossAndGradient(c.Network, p.Convert<float>(), c.X, labels).Gradient.Convert<double>()) with { Subject = c.Network.Describe() };
        Gradients.AssertAt(rule, c.Key, [.. c.Params.Convert<double>().Leaves.Values], Gradients.SinglePrecision);
    });

    [Fact]
    public void SgdStep_is_the_float32_update_of_the_gradient_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var (loss, gradient) = Mlp.LossAndGradient(c.Network, c.Params, c.X, labels);
        var (stepLoss, updated) = Mlp.SgdStep(c.Network, c.Params, c.X, labels, learningRate: 0.37);
        Assert.Equal(loss, stepLoss);
        var expected = c.Params.Zip(gradient, (p, g) =>
        {
            var values = new float[p.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var step = 0.37f * g.Span[i];
                values[i] = p.Span[i] - step;
            }
            return Tensor.FromArray(values, [.. p.Shape.Dims]);
        });
        Assert.Equal(expected, updated);
    });

    [Fact]
    public void The_float32_loss_is_the_float64_loss_to_float32_accuracy() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var loss32 = Mlp.Loss(c.Network, c.Params, c.X, labels);
        var loss64 = Mlp.Loss(c.Network, c.Params.Convert<double>(), c.X.Convert<double>(), labels);
        // Weights N(0, 1), widths ≤ 6, inputs ≤ 4: scores stay below ~10², and float32 rounding of a few dozen
        // operations moves them by ~10²·1e-6; the loss, 1-Lipschitz in each score, moves as much.
        Assert.True(Math.Abs(loss32 - loss64) <= 1e-4 * (1 + Math.Abs(loss64)), $"{c.Network.Describe()}: float32 loss {loss32:R}, float64 loss {loss64:R}");
    });
}
