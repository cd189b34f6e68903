using CsCheck;
using Functional.Initializers;
using Functional.Layers;
using Functional.Losses;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Networks;

public class MlpProperties
{
    private sealed record Case(Network Network, ParamTree<double> Params, ParamTree<double> State, Tensor<double> X, int[] Labels, RngKey Key)
    {
        // The labels, not the array's type name, in a failure message (the parameters come from Key).
        public override string ToString() => $"Case {{ {Network}, X = {X}, Labels = {Check.Print(Labels)}, {Key} }}";
    }

    // Small nets of 1–3 Affine layers, widths 1–6; weights and biases N(0, 1) so every layer matters. Nets with
    // kinks (ReLU, leaky ReLU) have neither BatchNorm nor Dropout, so their pre-activations at inference (which the
    // kink filter computes) are those of training; smooth nets (sigmoid, tanh) may have both.
    private static readonly Gen<Case> Inputs =
        from depth in Gen.Int[1, 3]
        from widths in Gen.Int[1, 6].Array[depth + 1]
        from classes in Gen.Int[2, 5]
        from smooth in Gen.Bool
        from activations in (smooth ? Gen.OneOf(Activation.Sigmoid, Activation.Tanh) : Gen.OneOf(Activation.Relu, Activation.LeakyRelu, Activation.Sigmoid)).Array[depth - 1]
        from batchNorm in smooth ? Gen.Bool : Gen.Const(false)
        from dropout in smooth ? Gen.OneOf(0.0, 0.3) : Gen.Const(0.0)
        from batch in Gen.Int[batchNorm ? 3 : 1, 5]
        from x in Gens.TensorOf([batch, widths[0]])
        from labels in Gen.Int[0, classes - 1].Array[batch]
        from key in Gens.Key
        let network = Network.Mlp([.. widths[..^1], classes], activations, batchNorm, dropout)
        let values = Mlp.Initial(network, key, new NormalInit(1.0))
        let parameters = WithRandomBiases(values.Params, key)
        where DistanceToKink(network, activations, parameters, x) > 0.05 && SmallestNormalizedVariance(network, activations, dropout, parameters, values.State, x) > 0.05
        select new Case(network, parameters, values.State, x, labels, key);

    // BatchNorm of a feature whose batch variance is near 0 divides by nearly √ε: the loss then bends so sharply that
    // no finite difference with the book's h = 1e-4 agrees with the derivative. Such cases are ill-conditioned, not wrong.
    private static double SmallestNormalizedVariance(Network network, Activation[] activations, double dropout, ParamTree<double> p, ParamTree<double> state, Tensor<double> x)
    {
        if (state.Leaves.IsEmpty)
        {
            return double.PositiveInfinity;
        }
        var smallest = double.PositiveInfinity;
        var h = x;
        for (var k = 1; k < network.AffineCount; k++)
        {
            var z = Affine.Forward(new AffineParams<double>(p[Network.WeightKey(k)], p[Network.BiasKey(k)]), h).Output;
            int rows = z.Shape[0], columns = z.Shape[1];
            for (var j = 0; j < columns; j++)
            {
                var mean = Enumerable.Range(0, rows).Average(i => z[i, j]);
                smallest = Math.Min(smallest, Enumerable.Range(0, rows).Average(i => (z[i, j] - mean) * (z[i, j] - mean)));
            }
            var normalized = BatchNorm.ForwardTraining(new BatchNormParams<double>(p[$"gamma{k}"], p[$"beta{k}"]),
                new BatchNormState<double>(state[$"mean{k}"], state[$"var{k}"]), z).Output;
            var activated = activations[k - 1] == Activation.Tanh ? Tanh.Forward(normalized).Output : Sigmoid.Forward(normalized).Output;
            h = dropout > 0 ? Dropout.Forward(activated, default(RngKey).FoldIn((ulong)k), dropout).Output : activated;
        }
        return smallest;
    }

    // The smallest |pre-activation| of any ReLU: differences with steps of 1e-4 must not cross a kink, where the
    // derivative jumps and no finite difference can agree with it.
    private static double DistanceToKink(Network network, Activation[] activations, ParamTree<double> p, Tensor<double> x)
    {
        var nearest = double.PositiveInfinity;
        for (var k = 1; k < network.AffineCount; k++)
        {
            if (activations[k - 1] is not (Activation.Relu or Activation.LeakyRelu))
            {
                continue;
            }
            var prefix = Network.Mlp(network.Sizes[..(k + 1)], activations[..(k - 1)]);
            var prefixParams = ParamTree<double>.Of(p.Leaves.Where(kv => int.Parse(kv.Key[1..], System.Globalization.CultureInfo.InvariantCulture) <= k));
            foreach (var z in Mlp.Predict(prefix, prefixParams, x).Span)
            {
                nearest = Math.Min(nearest, Math.Abs(z));
            }
        }
        return nearest;
    }

    // Init's zero biases put a ReLU unit fed only by dead units exactly on the kink, where no derivative exists;
    // BatchNorm's γ = 1, β = 0 are likewise special, so they are drawn too (γ around 1, away from 0).
    private static ParamTree<double> WithRandomBiases(ParamTree<double> p, RngKey key) => p.Map((name, t) =>
    {
        var (prefix, layer) = (name.TrimEnd("0123456789".ToCharArray()), name[name.TrimEnd("0123456789".ToCharArray()).Length..]);
        var draw = Sample.Normal(key.FoldIn((ulong)(100 + (10 * prefix.Length) + int.Parse(layer, System.Globalization.CultureInfo.InvariantCulture))), [.. t.Shape.Dims]);
        return prefix switch
        {
            "b" or "beta" => draw,
            "gamma" => Tensor.FromArray([.. draw.ToArray().Select(v => 1 + (0.25 * v))], [.. t.Shape.Dims]),
            _ => t,
        };
    });

    [Fact]
    public void Backprop_gradient_matches_the_books_gradient_check() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var diffs = GradientCheck.Run(c.Network, c.Params, c.State, c.X, labels);
        var gradient = Mlp.Gradient(c.Network, c.Params, c.State, c.X, labels);
        // Central differences with the book's h = 1e-4 err by h²/6·|f‴| ≈ 1.7e-9·|f‴|; with N(0, 1) weights through
        // three layers |f‴| reaches ~10², so 1e-6 is allowed, relative to the gradient's size above 1. The book's
        // 0.01-scale weights see 1e-10 to 1e-13; a wrong Backward misses by orders of magnitude more.
        Assert.All(diffs, kv =>
        {
            var scale = gradient[kv.Key].ToArray().Average(Math.Abs);
            Assert.True(kv.Value <= 1e-6 * Math.Max(1, scale), $"{c.Network.Describe()}: {kv.Key} differs by {kv.Value:E2} (mean |gradient| {scale:E2})");
        });
    });

    [Fact]
    public void Gradient_matches_finite_differences_along_random_directions() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var rule = Gradients.OfTree(c.Params,
            p => Mlp.TrainingPass(c.Network, p, c.State, c.X, labels, default).Loss,
            p => Mlp.Gradient(c.Network, p, c.State, c.X, labels)) with { Subject = c.Network.Describe() };
        Gradients.AssertAt(rule, c.Key, [.. c.Params.Leaves.Values]);
    });

    [Fact]
    public void LossAndGradient_is_pure_and_repeatable() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var before = c.Params.Sha256();
        var (loss1, g1) = Mlp.LossAndGradient(c.Network, c.Params, c.State, c.X, labels);
        var (loss2, g2) = Mlp.LossAndGradient(c.Network, c.Params, c.State, c.X, labels);
        Assert.Equal(before, c.Params.Sha256());
        Assert.Equal(BitConverter.DoubleToInt64Bits(loss1), BitConverter.DoubleToInt64Bits(loss2));
        Assert.Equal(g1, g2);
        if (c.Network.IsPlainMlp)
        {
            Assert.Equal(loss1, Mlp.Loss(c.Network, c.Params, c.X, labels));   // training and inference agree without BatchNorm and Dropout
        }
    });

    [Fact]
    public void SgdStep_is_bit_identical_to_Sgd_Update_of_the_gradient() => PropertyCheck.ForAll(Inputs.Where(c => c.Network.IsPlainMlp), c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var before = c.Params.Sha256();
        var (loss, gradient) = Mlp.LossAndGradient(c.Network, c.Params, c.X, labels);
        var (fusedLoss, fused) = Mlp.SgdStep(c.Network, c.Params, c.X, labels, learningRate: 0.37);
        Assert.Equal(before, c.Params.Sha256());
        Assert.Equal(BitConverter.DoubleToInt64Bits(loss), BitConverter.DoubleToInt64Bits(fusedLoss));
        Assert.Equal(Sgd.Update(c.Params, gradient, 0.37), fused);
    });
}
