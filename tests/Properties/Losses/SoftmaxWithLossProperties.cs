using System.Numerics;
using Functional.Facade.Verification;
using CsCheck;
using Functional.Losses;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Losses;

public class SoftmaxWithLossProperties
{
    private sealed record Case(Tensor<double> Logits, int[] Indices, RngKey Key)
    {
        public int Batch => Logits.Shape[0];
        public int Classes => Logits.Shape[1];
        public Tensor<double> OneHot
        {
            get
            {
                var t = new double[Logits.Length];
                for (var i = 0; i < Batch; i++)
                {
                    t[(i * Classes) + Indices[i]] = 1.0;
                }
                return Tensor.FromArray(t, Batch, Classes);
            }
        }
    }

    private static readonly Gen<Case> Inputs =
        from shape in Gens.Matrix
        from logits in Gens.TensorOf(shape)
        from indices in Gen.Int[0, shape[1] - 1].Array[shape[0]]
        from key in Gens.Key
        select new Case(logits, indices, key);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences_for_both_label_forms(Precision precision) => PropertyCheck.ForAll(Inputs, c =>
    {
        foreach (var (name, labels) in new[] { ("index labels", Labels.FromIndices(c.Indices)), ("one-hot labels", Labels.OneHot(c.OneHot)) })
        {
            var rule = Gradients.In(precision, () => Rule<double>(labels), () => Rule<float>(labels)) with { Subject = $"SoftmaxWithLoss ({name}, {precision})" };
            Gradients.AssertAt(rule, c.Key, [c.Logits], precision);
        }
    });

    [Fact]
    public void The_float32_gradient_is_y_minus_t_over_N_rounded_to_float32() => PropertyCheck.ForAll(Inputs, c =>
    {
        // The softmax runs in float64 for both types (k/64 logits are exact in float32), and dx is rounded once.
        var dx = SoftmaxWithLoss.Backward(SoftmaxWithLoss.Forward(c.Logits.Convert<float>(), Labels.FromIndices(c.Indices)).Cache);
        var y = SoftmaxWithLoss.Softmax(c.Logits);
        var t = c.OneHot;
        for (var i = 0; i < c.Batch; i++)
        {
            for (var j = 0; j < c.Classes; j++)
            {
                Assert.Equal((float)((y[i, j] - t[i, j]) * 1.0 / c.Batch), dx[i, j]);
            }
        }
    });

    private static RuleUnderTest Rule<T>(Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gradients.Loss<T, SoftmaxWithLossCache<T>>(x => SoftmaxWithLoss.Forward(x, labels), SoftmaxWithLoss.Backward);

    [Fact]
    public void Gradient_is_softmax_minus_one_hot_over_batch() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (_, cache) = SoftmaxWithLoss.Forward(c.Logits, Labels.FromIndices(c.Indices));
        var dx = SoftmaxWithLoss.Backward(cache);
        var y = SoftmaxWithLoss.Softmax(c.Logits).ToArray();
        var t = c.OneHot.ToArray();
        Assert.Equal(Tensor.FromArray([.. y.Select((yi, k) => (yi - t[k]) / c.Batch)], c.Batch, c.Classes), dx);
    });

    [Fact]
    public void One_hot_and_index_labels_give_the_same_loss_and_gradient() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (lossIndex, cacheIndex) = SoftmaxWithLoss.Forward(c.Logits, Labels.FromIndices(c.Indices));
        var (lossOneHot, cacheOneHot) = SoftmaxWithLoss.Forward(c.Logits, Labels.OneHot(c.OneHot));
        Assert.Equal(BitConverter.DoubleToInt64Bits(lossIndex), BitConverter.DoubleToInt64Bits(lossOneHot));
        Assert.Equal(SoftmaxWithLoss.Backward(cacheIndex), SoftmaxWithLoss.Backward(cacheOneHot));
    });

    [Fact]
    public void Softmax_is_unchanged_by_adding_a_constant_to_a_row() => PropertyCheck.ForAll(
        from c in Inputs
        from shift in Gen.Int[-64_000, 64_000].Select(k => k / 64.0)
        from row in Gen.Int[0, c.Batch - 1]
        select (c, shift, row),
        input =>
        {
            var (c, shift, row) = input;
            var shifted = c.Logits.ToArray();
            for (var j = 0; j < c.Classes; j++)
            {
                shifted[(row * c.Classes) + j] += shift;
            }
            var expected = SoftmaxWithLoss.Softmax(c.Logits).ToArray();
            var actual = SoftmaxWithLoss.Softmax(Tensor.FromArray(shifted, c.Batch, c.Classes)).ToArray();
            // Logits are multiples of 1/64 and |shift| ≤ 1000, so the shifted sums are exact and so is a − max:
            // the softmax must come out bit for bit the same.
            Assert.Equal(expected, actual);
        });

    [Fact]
    public void Loss_is_non_negative_and_softmax_rows_sum_to_one() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (loss, cache) = SoftmaxWithLoss.Forward(c.Logits, Labels.FromIndices(c.Indices));
        Assert.True(loss >= 0, $"loss {loss} < 0");
        var y = cache.Softmax.ToArray();
        for (var i = 0; i < c.Batch; i++)
        {
            Assert.Equal(1.0, y.Skip(i * c.Classes).Take(c.Classes).Sum(), 1e-14);
        }
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, c =>
    {
        var oneHot = c.OneHot;
        var labels = Labels.OneHot(oneHot);
        var (_, cache) = SoftmaxWithLoss.Forward(c.Logits, labels);
        Purity.Check("SoftmaxWithLoss.Forward", () => SoftmaxWithLoss.Forward(c.Logits, labels).Output, c.Logits, oneHot);
        Purity.Check("SoftmaxWithLoss.Backward", () => SoftmaxWithLoss.Backward(cache, 0.5), cache.Softmax, oneHot);
    });
}
