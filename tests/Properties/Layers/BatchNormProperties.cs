using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class BatchNormProperties
{
    private const double Epsilon = 1e-6;   // the default, the book's 10e-7

    private sealed record Case(Tensor<double> X, BatchNormParams<double> Params, BatchNormState<double> State, double Momentum, RngKey Key)
    {
        public int Batch => X.Shape[0];
        public int Features => X.Shape[1];
    }

    /// <summary>
    /// [batch, features] with batch ≥ 2 rows 0 and 1 at least <paramref name="gap"/> apart in every column, so each
    /// column's batch variance is ≥ (gap²/2)/N ≥ gap²/16 and its std ≥ gap/4: the normalisation's third derivatives stay
    /// small enough for the differences (a column of equal values has std √ε ≈ 3e-4, on the scale of h itself). A batch
    /// of 1 is any row.
    /// </summary>
    private static Gen<Tensor<double>> Spread(int[] shape, int gap) =>
        from values in Gens.Value.Array[shape[0] * shape[1]]
        from gaps in Gen.Select(Gen.Int[64 * gap, 256], Gen.OneOf(-1, 1), (k, sign) => sign * k / 64.0).Array[shape[1]]
        select Tensor.FromArray(shape[0] < 2 ? values : [.. values.Select((v, k) => k / shape[1] == 1 ? values[k % shape[1]] + gaps[k % shape[1]] : v)], shape);

    private static Gen<Case> CasesOf(Func<int[], Gen<Tensor<double>>> inputs) =>
        from shape in Gens.Matrix
        from x in inputs(shape)
        from gamma in Gens.TensorOf([shape[1]])
        from beta in Gens.TensorOf([shape[1]])
        from mean in Gens.TensorOf([shape[1]])
        from variance in Gens.TensorOf([shape[1]], Gen.Int[0, 256].Select(k => k / 64.0))
        from momentum in Gen.Int[0, 64].Select(k => k / 64.0)
        from key in Gens.Key
        select new Case(x, new BatchNormParams<double>(gamma, beta), new BatchNormState<double>(mean, variance), momentum, key);

    private static readonly Gen<Case> Inputs = CasesOf(shape => Spread(shape, 1));

    /// <summary>
    /// Gap 1 (std ≥ ¼) suits h = 1e-5. Relative to the first derivative (~|γ|/std) the truncation error of a central
    /// difference is about h²/(6·std²) times a small constant: 1.7e-10·16 in float64, but 1.7e-5·16 = 2.7e-4 with
    /// float32's h = 1e-2, too near its relative tolerance of 1e-3. A gap of 2 (std ≥ ½) brings it to 6.7e-5, a margin of 15.
    /// </summary>
    private static Gen<Case> InputsFor(Precision precision) => precision == Precision.Float32 ? CasesOf(shape => Spread(shape, 2)) : Inputs;

    /// <summary>Any values k/64, so columns of equal values (variance 0) and of tiny variance occur too.</summary>
    private static readonly Gen<Case> AnyInputs = CasesOf(shape => Gens.TensorOf(shape));

    // x, γ and β as the arguments x, gamma, beta (a failure names dx, dγ or dβ); the running statistics and the
    // momentum, which the output does not depend on in training, are the case's. The whole Jacobian is checked when x,
    // γ and β hold ≤ 8 elements in all (it was x ≤ 6); each gradient is also checked alone along a random direction.
    // In T = float the arguments are rounded on the way in (k/64 values exactly) and the results widened back.
    private static RuleUnderTest Rule<T>(Case c)
        where T : unmanaged, IFloatingPointIeee754<T> => RuleUnderTest.Create<BatchNormCache<T>>(
        args => BatchNorm.ForwardTraining(new BatchNormParams<T>(args[1].Convert<T>(), args[2].Convert<T>()),
            new BatchNormState<T>(c.State.RunningMean.Convert<T>(), c.State.RunningVariance.Convert<T>()), args[0].Convert<T>(), c.Momentum) is var r
            ? (r.Output.Convert<double>(), r.Cache) : default,
        (cache, dOut) => BatchNorm.Backward(cache, dOut.Convert<T>()) is var g ? [g.Dx.Convert<double>(), g.DGamma.Convert<double>(), g.DBeta.Convert<double>()] : [],
        2,
        new RuleArgument("x", d => [d[0], d[1]]), new RuleArgument("gamma", d => [d[1]]), new RuleArgument("beta", d => [d[1]]));

    /// <summary>Per column, in row order as the layer sums: the batch mean and the biased (÷ N) batch variance.</summary>
    private static (double[] Mean, double[] Variance) BatchStatistics(Tensor<double> x)
    {
        int batch = x.Shape[0], features = x.Shape[1];
        double[] mean = new double[features], variance = new double[features];
        for (var j = 0; j < features; j++)
        {
            for (var i = 0; i < batch; i++)
            {
                mean[j] += x[i, j];
            }
            mean[j] /= batch;
            for (var i = 0; i < batch; i++)
            {
                variance[j] += (x[i, j] - mean[j]) * (x[i, j] - mean[j]);
            }
            variance[j] /= batch;
        }
        return (mean, variance);
    }

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences_for_x_gamma_and_beta(Precision precision) => PropertyCheck.ForAll(InputsFor(precision), c =>
        Gradients.AssertAt(Gradients.In(precision, () => Rule<double>(c), () => Rule<float>(c)), c.Key, [c.X, c.Params.Gamma, c.Params.Beta], precision));

    [Fact]
    public void With_gamma_1_and_beta_0_each_feature_has_mean_0_and_variance_1() => PropertyCheck.ForAll(AnyInputs, c =>
    {
        var y = BatchNorm.ForwardTraining(BatchNormParams<double>.Initial(c.Features), c.State, c.X).Output;
        var (_, variance) = BatchStatistics(c.X);
        for (var j = 0; j < c.Features; j++)
        {
            double mean = 0, square = 0;
            for (var i = 0; i < c.Batch; i++)
            {
                mean += y[i, j];
                square += y[i, j] * y[i, j];
            }
            mean /= c.Batch;
            var v = variance[j];
            // Exactly, mean = 0 and the variance is v/(v + ε) = 1 − ε/(v + ε). The rounding of x − μ (≤ 2^−51 for |x| ≤ 4)
            // divided by the smallest non-zero std of k/64 data in batches ≤ 8 (≈ 5e-3) stays below 1e-12. When v is not
            // tiny the variance is 1 within ε/v; when v ≲ ε the bound says nothing, because ε rightly dominates.
            Assert.True(Math.Abs(mean) <= 1e-12, $"feature {j}: mean {mean:R}, batch variance {v:R}");
            Assert.True(Math.Abs((square / c.Batch) - (v / (v + Epsilon))) <= 1e-12, $"feature {j}: variance {square / c.Batch:R}, v {v:R}");
            if (v > 0)
            {
                Assert.True(Math.Abs((square / c.Batch) - 1) <= (Epsilon / v) + 1e-12, $"feature {j}: variance {square / c.Batch:R}");
            }
            else
            {
                Assert.All(Enumerable.Range(0, c.Batch), i => Assert.Equal(0.0, y[i, j]));   // a constant column normalises to 0
            }
        }
    });

    [Fact]
    public void Running_statistics_are_momentum_times_old_plus_one_minus_momentum_times_batch() => PropertyCheck.ForAll(AnyInputs, c =>
    {
        var state = BatchNorm.ForwardTraining(c.Params, c.State, c.X, c.Momentum).State;
        var (mean, variance) = BatchStatistics(c.X);
        double Update(double old, double batch) => (c.Momentum * old) + ((1 - c.Momentum) * batch);
        Assert.Equal(Tensor.FromArray([.. mean.Select((m, j) => Update(c.State.RunningMean[j], m))], c.Features), state.RunningMean);
        Assert.Equal(Tensor.FromArray([.. variance.Select((v, j) => Update(c.State.RunningVariance[j], v))], c.Features), state.RunningVariance);
    });

    [Fact]
    public void Inference_with_the_batch_statistics_reproduces_the_training_output() => PropertyCheck.ForAll(AnyInputs, c =>
    {
        var training = BatchNorm.ForwardTraining(c.Params, c.State, c.X, momentum: 0);
        var (mean, variance) = BatchStatistics(c.X);
        Assert.Equal(Tensor.FromArray(mean, c.Features), training.State.RunningMean);   // momentum 0 keeps only the batch
        Assert.Equal(Tensor.FromArray(variance, c.Features), training.State.RunningVariance);
        Assert.Equal(training.Output, BatchNorm.ForwardInference(c.Params, training.State, c.X));
    });

    [Fact]
    public void Parameter_gradients_are_batch_sums_and_dx_sums_to_zero_per_feature() => PropertyCheck.ForAll(AnyInputs, c =>
    {
        var (_, cache, _) = BatchNorm.ForwardTraining(c.Params, c.State, c.X, c.Momentum);
        var dOut = Sample.Normal(c.Key, c.Batch, c.Features);
        var g = BatchNorm.Backward(cache, dOut);
        for (var j = 0; j < c.Features; j++)
        {
            double dBeta = 0, dGamma = 0, dxSum = 0, scale = 0;
            for (var i = 0; i < c.Batch; i++)
            {
                dBeta += dOut[i, j];
                dGamma += cache.Normalized[i, j] * dOut[i, j];
                dxSum += g.Dx[i, j];
                scale += Math.Abs(c.Params.Gamma[j] * dOut[i, j]) / cache.Std[j];
            }
            Assert.Equal(dBeta, g.DBeta[j]);
            Assert.Equal(dGamma, g.DGamma[j]);
            // Adding a constant to a column leaves x − μ, hence the output, unchanged, so Σᵢ dxᵢⱼ = 0 exactly. Each dxc is
            // at most 2·Σᵢ|γ·dOut|/std = 2·scale and a handful of roundings of that size remain: 16·N·2^−52·scale.
            Assert.True(Math.Abs(dxSum) <= 16 * c.Batch * Math.ScaleB(scale, -52), $"feature {j}: Σ dx = {dxSum:R}, scale {scale:R}");
        }
    });

    [Fact]
    public void A_batch_of_one_outputs_beta_and_passes_no_gradient_to_x() => PropertyCheck.ForAll(
        from c in AnyInputs
        select c with { X = Tensor.FromArray(c.X.Span[..c.Features], 1, c.Features) },
        c =>
        {
            var (output, cache, _) = BatchNorm.ForwardTraining(c.Params, c.State, c.X, c.Momentum);
            Assert.Equal(c.Params.Beta.Reshape(1, c.Features), output);
            var dx = BatchNorm.Backward(cache, Sample.Normal(c.Key, 1, c.Features)).Dx;
            Assert.All(dx.ToArray(), v => Assert.True(v == 0, $"dx {v:R}"));   // ±0: with γ = 0 and dOut < 0 the zero is −0
        });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, c =>
    {
        var dOut = Sample.Normal(c.Key, c.Batch, c.Features);
        var (_, cache, _) = BatchNorm.ForwardTraining(c.Params, c.State, c.X, c.Momentum);
        Tensor<double>[] arguments = [c.X, c.Params.Gamma, c.Params.Beta, c.State.RunningMean, c.State.RunningVariance];
        Purity.Check("BatchNorm.ForwardTraining", () => BatchNorm.ForwardTraining(c.Params, c.State, c.X, c.Momentum), arguments);
        Purity.Check("BatchNorm.ForwardInference", () => BatchNorm.ForwardInference(c.Params, c.State, c.X), arguments);
        Purity.Check("BatchNorm.Backward", () => BatchNorm.Backward(cache, dOut), dOut, cache.Centered, cache.Normalized, cache.Std, cache.Gamma);
    });
}
