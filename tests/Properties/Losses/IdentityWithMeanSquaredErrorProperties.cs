using System.Numerics;
using Functional.Facade.Verification;
using CsCheck;
using Functional.Losses;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Losses;

public class IdentityWithMeanSquaredErrorProperties
{
    private sealed record Case(Tensor<double> Y, Tensor<double> T, int[] Indices, RngKey Key)
    {
        public int Batch => Y.Shape[0];
        public int Outputs => Y.Shape[1];
        public Tensor<double> OneHot
        {
            get
            {
                var t = new double[Y.Length];
                for (var i = 0; i < Batch; i++)
                {
                    t[(i * Outputs) + Indices[i]] = 1.0;
                }
                return Tensor.FromArray(t, Batch, Outputs);
            }
        }
    }

    private static readonly Gen<Case> Inputs =
        from shape in Gens.Matrix
        from y in Gens.TensorOf(shape)
        from t in Gens.TensorOf(shape)
        from indices in Gen.Int[0, shape[1] - 1].Array[shape[0]]
        from key in Gens.Key
        select new Case(y, t, indices, key);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences_for_targets_and_labels(Precision precision) => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Indices);
        var forms = new (string Name, Func<RuleUnderTest> InDouble, Func<RuleUnderTest> InSingle)[]
        {
            ("targets", () => Rule<double>(y => IdentityWithMeanSquaredError.Forward(y, c.T)), () => Rule<float>(y => IdentityWithMeanSquaredError.Forward(y, c.T.Convert<float>()))),
            ("labels", () => Rule<double>(y => IdentityWithMeanSquaredError.Forward(y, labels)), () => Rule<float>(y => IdentityWithMeanSquaredError.Forward(y, labels))),
        };
        foreach (var (name, inDouble, inSingle) in forms)
        {
            var rule = Gradients.In(precision, inDouble, inSingle) with { Subject = $"IdentityWithMeanSquaredError ({name}, {precision})" };
            Gradients.AssertAt(rule, c.Key, [c.Y], precision);
        }
    });

    private static RuleUnderTest Rule<T>(Func<Tensor<T>, ForwardResult<double, IdentityWithMeanSquaredErrorCache<T>>> forward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gradients.Loss<T, IdentityWithMeanSquaredErrorCache<T>>(forward, IdentityWithMeanSquaredError.Backward);

    [Fact]
    public void Loss_is_half_the_sum_of_squares_over_the_batch_and_gradient_is_y_minus_t_over_N() => PropertyCheck.ForAll(
        from c in Inputs
        from dOut in Gens.Value
        select (c, dOut),
        input =>
        {
            var (c, dOut) = input;
            var (loss, cache) = IdentityWithMeanSquaredError.Forward(c.Y, c.T);
            double[] y = c.Y.ToArray(), t = c.T.ToArray();
            var sum = 0.0;
            for (var k = 0; k < y.Length; k++)
            {
                sum += (y[k] - t[k]) * (y[k] - t[k]);   // row-major, as documented
            }
            Assert.Equal(BitConverter.DoubleToInt64Bits(0.5 * sum / c.Batch), BitConverter.DoubleToInt64Bits(loss));
            Assert.Equal(Tensor.FromArray([.. y.Select((yk, k) => (yk - t[k]) / c.Batch)], c.Batch, c.Outputs),
                IdentityWithMeanSquaredError.Backward(cache));
            Assert.Equal(Tensor.FromArray([.. y.Select((yk, k) => (yk - t[k]) * dOut / c.Batch)], c.Batch, c.Outputs),
                IdentityWithMeanSquaredError.Backward(cache, dOut));
        });

    [Fact]
    public void Loss_is_non_negative_and_zero_exactly_when_y_equals_t() => PropertyCheck.ForAll(
        from c in Inputs
        from same in Gen.Bool
        select (c, same),
        input =>
        {
            var (c, same) = input;
            var t = same ? c.Y : c.T;
            var (loss, _) = IdentityWithMeanSquaredError.Forward(c.Y, t);
            Assert.True(loss >= 0, $"loss {loss:R} < 0");
            // On the k/64 grid a difference is 0 or ≥ 1/64, whose square 2^−12 cannot underflow: loss > 0 iff y ≠ t.
            Assert.Equal(c.Y.Equals(t), loss == 0);
        });

    [Fact]
    public void Index_labels_one_hot_labels_and_one_hot_targets_agree_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (fromTargets, targetsCache) = IdentityWithMeanSquaredError.Forward(c.Y, c.OneHot);
        foreach (var labels in new[] { Labels.FromIndices(c.Indices), Labels.OneHot(c.OneHot) })
        {
            var (loss, cache) = IdentityWithMeanSquaredError.Forward(c.Y, labels);
            Assert.Equal(BitConverter.DoubleToInt64Bits(fromTargets), BitConverter.DoubleToInt64Bits(loss));
            Assert.Equal(c.OneHot, cache.Targets);
            Assert.Equal(IdentityWithMeanSquaredError.Backward(targetsCache), IdentityWithMeanSquaredError.Backward(cache));
        }
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (_, cache) = IdentityWithMeanSquaredError.Forward(c.Y, c.T);
        Purity.Check("IdentityWithMeanSquaredError.Forward", () => IdentityWithMeanSquaredError.Forward(c.Y, c.T), c.Y, c.T);
        var oneHot = c.OneHot;
        var labels = Labels.OneHot(oneHot);
        Purity.Check("IdentityWithMeanSquaredError.Forward(labels)", () => IdentityWithMeanSquaredError.Forward(c.Y, labels).Output, c.Y, oneHot);
        Purity.Check("IdentityWithMeanSquaredError.Backward", () => IdentityWithMeanSquaredError.Backward(cache, 0.5), cache.Output, cache.Targets);
    });
}
