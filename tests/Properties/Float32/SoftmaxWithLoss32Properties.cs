using CsCheck;
using Functional.Losses;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using static Functional.Properties.Tests.Float32.Float32Values;

namespace Functional.Properties.Tests.Float32;

public class SoftmaxWithLoss32Properties
{
    private static readonly Gen<(int Batch, int Classes, double[] Scores, int[] Labels, RngKey Key)> Inputs =
        from batch in Gen.Int[1, 6]
        from classes in Gen.Int[2, 10]
        from scores in Gens.Value.Array[batch * classes]
        from labels in Gen.Int[0, classes - 1].Array[batch]
        from key in Gens.Key
        select (batch, classes, scores, labels, key);

    [Fact]
    public void Backward_matches_finite_differences_at_float32_tolerance() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var rule = Gradients.Loss<SoftmaxWithLossCache<float>>(
            s => SoftmaxWithLoss.Forward(F(s), labels) is var r ? (r.Output, r.Cache) : default,
            (cache, dOut) => SoftmaxWithLoss.Backward(cache, dOut).Convert<double>());
        Gradients.AssertAt(rule, c.Key, [Tensor.FromArray(c.Scores, c.Batch, c.Classes)], Gradients.SinglePrecision);
    });

    [Fact]
    public void The_gradient_is_y_minus_t_over_N_rounded_to_float32() => PropertyCheck.ForAll(Inputs, c =>
    {
        var labels = Labels.FromIndices(c.Labels);
        var scores = Matrix(c.Scores, c.Batch, c.Classes);
        var dx = SoftmaxWithLoss.Backward(SoftmaxWithLoss.Forward(scores, labels).Cache);
        var y = SoftmaxWithLoss.Softmax(scores.Convert<double>());
        for (var i = 0; i < c.Batch; i++)
        {
            for (var j = 0; j < c.Classes; j++)
            {
                var t = c.Labels[i] == j ? 1.0 : 0.0;
                Assert.Equal((float)((y[i, j] - t) * 1.0 / c.Batch), dx[i, j]);
            }
        }
    });
}
