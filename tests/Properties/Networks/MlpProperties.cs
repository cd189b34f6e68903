using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Initializers;
using Functional.Layers;
using Functional.Losses;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

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
    private static readonly Gen<Case> Inputs = CasesFor(Precision.Float64);

    /// <summary>
    /// The cases for finite differences in <paramref name="precision"/>. Float64 (h = 1e-5 here, 1e-4 in the book's
    /// check) keeps pre-activations 0.05 from a kink and BatchNorm's input columns at batch variance above 0.05.
    /// Float32's h (2.5e-3, <see cref="Gradients.SinglePrecisionDeep"/>) needs more: pre-activations must clear a kink by 0.05 beyond <see cref="KinkClearance"/>'s
    /// bound on how far a step moves them, and BatchNorm's columns need variance above ¼ (std above ½): a step of
    /// norm h at BatchNorm's input is ~10·h after the Affine layers, and the normalisation's relative truncation,
    /// ~(10·h)²/(6·std²), is then 1.7e-4 against the relative tolerance of 1e-2 (at the float64 bound of 0.05, 8e-4).
    /// </summary>
    private static Gen<Case> CasesFor(Precision precision) =>
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
        where precision == Precision.Float32
            ? KinkClearance(network, activations, parameters, x, Gradients.SinglePrecisionDeep.Step) > 0.05
              && SmallestNormalizedVariance(network, activations, dropout, parameters, values.State, x) > 0.25
            : DistanceToKink(network, activations, parameters, x) > 0.05 && SmallestNormalizedVariance(network, activations, dropout, parameters, values.State, x) > 0.05
        select new Case(network, parameters, values.State, x, labels, key);

    private static readonly Gen<Case> SingleInputs = CasesFor(Precision.Float32);

    /// <summary>
    /// The smallest |z| − reach over the inputs z of every ReLU and leaky ReLU (nets with kinks are plain: Affine and
    /// activation only), where reach bounds how far any move of the parameters of norm ≤ h (a unit direction times h,
    /// or one parameter by h) moves z: for row r, with the activations 1-Lipschitz and by Cauchy–Schwarz,
    /// reach₁ = h·√(‖x_r‖² + 1) and reach_k = reach_{k−1}·(‖W_k‖_F + h) + h·√(‖a_{k−1,r}‖² + 1). A positive value means no
    /// difference of that step crosses a kink.
    /// </summary>
    private static double KinkClearance(Network network, Activation[] activations, ParamTree<double> p, Tensor<double> x, double h)
    {
        if (!activations.Any(a => a is Activation.Relu or Activation.LeakyRelu))
        {
            return double.PositiveInfinity;
        }
        var clearance = double.PositiveInfinity;
        var a = x;
        var reach = new double[x.Shape[0]];
        for (var k = 1; k < network.AffineCount; k++)
        {
            var w = p[Network.WeightKey(k)];
            var z = Affine.Forward(new AffineParams<double>(w, p[Network.BiasKey(k)]), a).Output;
            var weightNorm = Math.Sqrt(w.ToArray().Sum(v => v * v));
            for (var r = 0; r < reach.Length; r++)
            {
                var rowSquares = Enumerable.Range(0, a.Shape[1]).Sum(j => a[r, j] * a[r, j]);
                reach[r] = (reach[r] * (weightNorm + h)) + (h * Math.Sqrt(rowSquares + 1));
                if (activations[k - 1] is Activation.Relu or Activation.LeakyRelu)
                {
                    for (var j = 0; j < z.Shape[1]; j++)
                    {
                        clearance = Math.Min(clearance, Math.Abs(z[r, j]) - reach[r]);
                    }
                }
            }
            a = activations[k - 1] switch
            {
                Activation.Relu => Relu.Forward(z).Output,
                Activation.LeakyRelu => LeakyRelu.Forward(z, LeakyReluLayer.DefaultAlpha).Output,
                Activation.Tanh => Tanh.Forward(z).Output,
                _ => Sigmoid.Forward(z).Output,
            };
        }
        return clearance;
    }

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

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Gradient_matches_finite_differences_along_random_directions(Precision precision) => PropertyCheck.ForAll(
        precision == Precision.Float32 ? SingleInputs : Inputs, c =>
        {
            var rule = Gradients.In(precision, () => Rule<double>(c), () => Rule<float>(c)) with { Subject = $"{c.Network.Describe()}, {precision}" };
            Gradients.AssertAt(rule, c.Key, [.. c.Params.Leaves.Values], precision == Precision.Float32 ? Gradients.SinglePrecisionDeep : new LayerCheckOptions());
        });

    // The network's training loss and gradient in T of the parameters (rounded to T on the way in); x (k/64, exact in
    // float32) and the state are the case's, rounded likewise.
    private static RuleUnderTest Rule<T>(Case c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var labels = Labels.FromIndices(c.Labels);
        var (state, x) = (c.State.Convert<T>(), c.X.Convert<T>());
        return Gradients.OfTree<T>(c.Params,
            p => Mlp.TrainingPass(c.Network, p, state, x, labels, default).Loss,
            p => Mlp.Gradient(c.Network, p, state, x, labels));
    }

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

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void SgdStep_is_bit_identical_to_Sgd_Update_of_the_gradient(Precision precision) => PropertyCheck.ForAll(Inputs.Where(c => c.Network.IsPlainMlp), c =>
    {
        if (precision == Precision.Float32)
        {
            FusedStep(c.Network, c.Params.Convert<float>(), c.X.Convert<float>(), Labels.FromIndices(c.Labels));
        }
        else
        {
            FusedStep(c.Network, c.Params, c.X, Labels.FromIndices(c.Labels));
        }
    });

    private static void FusedStep<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var before = parameters.Sha256();
        var (loss, gradient) = Mlp.LossAndGradient(network, parameters, x, labels);
        var (fusedLoss, fused) = Mlp.SgdStep(network, parameters, x, labels, learningRate: 0.37);
        Assert.Equal(before, parameters.Sha256());
        Assert.Equal(BitConverter.DoubleToInt64Bits(loss), BitConverter.DoubleToInt64Bits(fusedLoss));
        Assert.Equal(Sgd.Update(parameters, gradient, 0.37), fused);
    }

    [Fact]
    public void The_float32_SgdStep_is_the_float32_update_of_the_gradient_bit_for_bit() => PropertyCheck.ForAll(Inputs.Where(c => c.Network.IsPlainMlp), c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var (parameters, x) = (c.Params.Convert<float>(), c.X.Convert<float>());
        var (loss, gradient) = Mlp.LossAndGradient(c.Network, parameters, x, labels);
        var (stepLoss, updated) = Mlp.SgdStep(c.Network, parameters, x, labels, learningRate: 0.37);
        Assert.Equal(loss, stepLoss);
        var expected = parameters.Zip(gradient, (p, g) =>
        {
            var values = new float[p.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var step = 0.37f * g.Span[i];   // the rate rounded to float32, then p − rate·g in float32
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
        var loss32 = Mlp.Loss(c.Network, c.Params.Convert<float>(), c.State.Convert<float>(), c.X.Convert<float>(), labels);
        var loss64 = Mlp.Loss(c.Network, c.Params.Convert<float>().Convert<double>(), c.State.Convert<float>().Convert<double>(), c.X, labels);
        // The same (float32) values in both: weights and biases N(0, 1), widths ≤ 6, inputs ≤ 4 keep scores below ~10²,
        // and float32 rounding of a few dozen operations moves them by ~10²·1e-6; the loss, 1-Lipschitz in each score,
        // moves as much.
        Assert.True(Math.Abs(loss32 - loss64) <= 1e-4 * (1 + Math.Abs(loss64)), $"{c.Network.Describe()}: float32 loss {loss32:R}, float64 loss {loss64:R}");
    });
}
