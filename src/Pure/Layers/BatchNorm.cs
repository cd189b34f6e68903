using System.Numerics;
using Functional.Composition;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>The trainable parameters of a <see cref="BatchNorm"/> layer: a scale γ and a shift β per feature.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormParams<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Checks that γ and β are vectors of one non-zero length, the feature count.</summary>
    /// <exception cref="ArgumentException">γ or β is not rank 1, is empty, or they differ in length.</exception>
    public BatchNormParams(Tensor<T> gamma, Tensor<T> beta)
    {
        const string Op = "BatchNormParams";
        Require.Rank(Op, "Gamma", gamma, 1);
        Require.NotEmpty(Op, "Gamma", gamma);
        Require.SameShape(Op, "Gamma", gamma.Shape, "Beta", beta);
        Gamma = gamma;
        Beta = beta;
    }

    /// <summary>The scale γ, [features].</summary>
    public Tensor<T> Gamma { get; }

    /// <summary>The shift β, [features].</summary>
    public Tensor<T> Beta { get; }

    /// <summary>The feature count.</summary>
    public int Features => Gamma.Length;

    /// <summary>The book's initial parameters: γ = 1 and β = 0, so the layer starts as a plain normalisation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive.</exception>
    public static BatchNormParams<T> Initial(int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        return new(Tensor.Filled(T.One, features), Tensor.Zeros<T>(features));
    }
}

/// <summary>The non-trainable state of a <see cref="BatchNorm"/> layer: the running mean and variance that inference uses.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Checks that both statistics are vectors of one non-zero length, the feature count.</summary>
    /// <exception cref="ArgumentException">A statistic is not rank 1, is empty, or they differ in length.</exception>
    public BatchNormState(Tensor<T> runningMean, Tensor<T> runningVariance)
    {
        const string Op = "BatchNormState";
        Require.Rank(Op, "RunningMean", runningMean, 1);
        Require.NotEmpty(Op, "RunningMean", runningMean);
        Require.SameShape(Op, "RunningMean", runningMean.Shape, "RunningVariance", runningVariance);
        RunningMean = runningMean;
        RunningVariance = runningVariance;
    }

    /// <summary>The running mean of each feature, [features].</summary>
    public Tensor<T> RunningMean { get; }

    /// <summary>The running (biased) variance of each feature, [features].</summary>
    public Tensor<T> RunningVariance { get; }

    /// <summary>The feature count.</summary>
    public int Features => RunningMean.Length;

    /// <summary>
    /// The book's initial state (common/layers.py): zeros for the mean and for the variance. A variance of 0 rather than 1
    /// means inference before enough training steps divides by √ε, a known quirk of that choice; with momentum 0.9 the
    /// running variance reaches 1 − 0.9ⁿ of the batch variance after n steps.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">features is not positive.</exception>
    public static BatchNormState<T> Initial(int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        return new(Tensor.Zeros<T>(features), Tensor.Zeros<T>(features));
    }
}

/// <summary>What <see cref="BatchNorm.ForwardTraining"/> caches for <see cref="BatchNorm.Backward"/>: the book's xc, xn and std, and γ.</summary>
/// <param name="Centered">xc = x − μ, [batch, features].</param>
/// <param name="Normalized">xn = xc / std, [batch, features].</param>
/// <param name="Std">std = √(σ² + ε), [features], with σ² the biased batch variance.</param>
/// <param name="Gamma">The γ used, [features].</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormCache<T>(Tensor<T> Centered, Tensor<T> Normalized, Tensor<T> Std, Tensor<T> Gamma) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>What <see cref="BatchNorm.ForwardTraining"/> returns.</summary>
/// <param name="Output">γ·xn + β, [batch, features].</param>
/// <param name="Cache">The residuals <see cref="BatchNorm.Backward"/> needs.</param>
/// <param name="State">The running statistics updated with this batch's mean and variance.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormTrainingResult<T>(Tensor<T> Output, BatchNormCache<T> Cache, BatchNormState<T> State)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The gradients of <see cref="BatchNorm.Backward"/>.</summary>
/// <param name="Dx">∂L/∂x, [batch, features].</param>
/// <param name="DGamma">∂L/∂γ = Σ over the batch of xn·dOut, [features].</param>
/// <param name="DBeta">∂L/∂β = Σ over the batch of dOut, [features].</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormGradients<T>(Tensor<T> Dx, Tensor<T> DGamma, Tensor<T> DBeta)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Batch normalization (section 6.3; Ioffe and Szegedy, 2015; the book's common/layers.py BatchNormalization) for
/// [batch, features] inputs: each feature is normalised with its batch mean μ and biased variance σ² (÷ N, as the book),
/// xn = (x − μ)/√(σ² + ε), then scaled and shifted, out = γ·xn + β. Training uses the batch's statistics and returns the
/// updated running ones; inference uses the running ones. Every sum over the batch runs in row order.
/// </summary>
/// <remarks>
/// A batch of one has σ² = 0 and x − μ = 0: the output is β and dx is 0, with std = √ε, never a division by zero,
/// since ε must be positive. The book allows this case; it carries no information about the features, so don't train on it.
/// </remarks>
public static class BatchNorm
{
    /// <summary>
    /// out = γ·(x − μ)/√(σ² + ε) + β with this batch's μ and σ², [batch, features]. Caches x − μ, xn, the std and γ.
    /// The new state is running = momentum·running + (1 − momentum)·batch statistic, for the mean and the variance.
    /// </summary>
    /// <param name="parameters">γ and β, [features] each.</param>
    /// <param name="state">The running statistics before this batch.</param>
    /// <param name="x">The input, [batch, features], batch ≥ 1.</param>
    /// <param name="momentum">The weight of the old running statistics, in [0, 1]; the book's 0.9.</param>
    /// <param name="epsilon">Added to the variance before the square root, finite and &gt; 0; the book's 10e-7 (= 1e-6) by default.</param>
    /// <exception cref="ArgumentException">
    /// x is not a non-empty [batch, features] tensor, the feature counts of x, the parameters and the state differ,
    /// momentum is not in [0, 1], or ε is not a finite positive value.
    /// </exception>
    public static BatchNormTrainingResult<T> ForwardTraining<T>(
        BatchNormParams<T> parameters, BatchNormState<T> state, Tensor<T> x, double momentum = 0.9, double epsilon = 1e-6)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "BatchNorm.ForwardTraining";
        Check(Op, parameters, state, x, epsilon);
        if (!double.IsFinite(momentum) || momentum < 0 || momentum > 1)
        {
            throw new ArgumentException($"{Op}: momentum must be a finite value in [0, 1], got {momentum}.", nameof(momentum));
        }
        int batch = x.Shape[0], features = x.Shape[1];
        var xs = x.Span;
        var mean = new T[features];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                mean[j] += xs[(i * features) + j];
            }
        }
        for (var j = 0; j < features; j++)
        {
            mean[j] /= T.CreateTruncating(batch);
        }
        var variance = new T[features];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                var c = xs[(i * features) + j] - mean[j];
                variance[j] += c * c;
            }
        }
        for (var j = 0; j < features; j++)
        {
            variance[j] /= T.CreateTruncating(batch);
        }
        var (centered, normalized, std, output) = Normalize(parameters, x, mean, variance, epsilon);
        var m = T.CreateTruncating(momentum);
        ReadOnlySpan<T> runningMean = state.RunningMean.Span, runningVariance = state.RunningVariance.Span;
        var newMean = new T[features];
        var newVariance = new T[features];
        for (var j = 0; j < features; j++)
        {
            newMean[j] = (m * runningMean[j]) + ((T.One - m) * mean[j]);
            newVariance[j] = (m * runningVariance[j]) + ((T.One - m) * variance[j]);
        }
        var vector = new Shape(features);
        return new(output,
            new BatchNormCache<T>(centered, normalized, new Tensor<T>(vector, std), parameters.Gamma),
            new BatchNormState<T>(new Tensor<T>(vector, newMean), new Tensor<T>(vector, newVariance)));
    }

    /// <summary>
    /// out = γ·(x − running mean)/√(running variance + ε) + β, [batch, features], for inference: no cache and no new state.
    /// With running statistics equal to a batch's own, it gives <see cref="ForwardTraining"/>'s output bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// x is not a non-empty [batch, features] tensor, the feature counts of x, the parameters and the state differ,
    /// or ε is not a finite positive value.
    /// </exception>
    public static Tensor<T> ForwardInference<T>(BatchNormParams<T> parameters, BatchNormState<T> state, Tensor<T> x, double epsilon = 1e-6)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check("BatchNorm.ForwardInference", parameters, state, x, epsilon);
        return Normalize(parameters, x, state.RunningMean.Span, state.RunningVariance.Span, epsilon).Output;
    }

    /// <summary>
    /// <see cref="ForwardInference"/>'s output, with the normalised input and the running standard deviation it
    /// computed on the way, for a backward at inference.
    /// </summary>
    internal static (Tensor<T> Output, Tensor<T> Normalized, Tensor<T> Std) ForwardInferenceKeeping<T>(BatchNormParams<T> parameters, BatchNormState<T> state, Tensor<T> x, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check("BatchNorm.ForwardInference", parameters, state, x, epsilon);
        var (_, normalized, std, output) = Normalize(parameters, x, state.RunningMean.Span, state.RunningVariance.Span, epsilon);
        return (output, normalized, new Tensor<T>(new Shape(std.Length), std));
    }

    /// <summary>
    /// The backward pass through the computational graph the book gives in section 6.3.2 (after Kratzert):
    /// dβ = Σᵢ dOut, dγ = Σᵢ xn·dOut, dxn = γ·dOut, dstd = −Σᵢ dxn·xc/std², dσ² = dstd/(2·std),
    /// dxc = dxn/std + (2/N)·xc·dσ², dμ = Σᵢ dxc, dx = dxc − dμ/N. Sums run over the batch in row order.
    /// </summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward output.</exception>
    public static BatchNormGradients<T> Backward<T>(BatchNormCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "BatchNorm.Backward";
        Require.NotNull(Op, nameof(cache), cache);
        Require.SameShape(Op, "the forward output", cache.Centered.Shape, nameof(dOut), dOut);
        int batch = cache.Centered.Shape[0], features = cache.Centered.Shape[1];
        ReadOnlySpan<T> d = dOut.Span, xc = cache.Centered.Span, xn = cache.Normalized.Span;
        ReadOnlySpan<T> std = cache.Std.Span, gamma = cache.Gamma.Span;
        var dBeta = new T[features];
        var dGamma = new T[features];
        var dStdSum = new T[features];
        var dxc = new T[d.Length];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                var k = (i * features) + j;
                dBeta[j] += d[k];
                dGamma[j] += xn[k] * d[k];
                var dxn = gamma[j] * d[k];
                dxc[k] = dxn / std[j];
                dStdSum[j] += dxn * xc[k] / (std[j] * std[j]);
            }
        }
        var (half, two, n) = (T.CreateTruncating(0.5), T.CreateTruncating(2.0), T.CreateTruncating(batch));
        var dVariance = new T[features];
        for (var j = 0; j < features; j++)
        {
            dVariance[j] = half * -dStdSum[j] / std[j];   // dstd = −Σ dxn·xc/std², dσ² = 0.5·dstd/std
        }
        var dMean = new T[features];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                var k = (i * features) + j;
                dxc[k] += two / n * xc[k] * dVariance[j];
                dMean[j] += dxc[k];
            }
        }
        var dx = new T[d.Length];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                var k = (i * features) + j;
                dx[k] = dxc[k] - (dMean[j] / n);
            }
        }
        var vector = new Shape(features);
        return new(new Tensor<T>(dOut.Shape, dx), new Tensor<T>(vector, dGamma), new Tensor<T>(vector, dBeta));
    }

    private static void Check<T>(string operation, BatchNormParams<T> parameters, BatchNormState<T> state, Tensor<T> x, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull(operation, nameof(parameters), parameters);
        Require.NotNull(operation, nameof(state), state);
        Require.Rank(operation, nameof(x), x, 2);
        Require.NotEmpty(operation, nameof(x), x);
        if (x.Shape[1] != parameters.Features)
        {
            throw new ArgumentException(
                $"{operation}: x must have {parameters.Features} features per sample to match Gamma {parameters.Gamma.Shape}, " +
                $"but has shape {x.Shape}.", nameof(x));
        }
        if (state.Features != parameters.Features)
        {
            throw new ArgumentException(
                $"{operation}: the state must have {parameters.Features} features to match Gamma {parameters.Gamma.Shape}, " +
                $"but RunningMean has shape {state.RunningMean.Shape}.", nameof(state));
        }
        if (!double.IsFinite(epsilon) || epsilon <= 0)
        {
            throw new ArgumentException($"{operation}: epsilon must be a finite value > 0, got {epsilon}.", nameof(epsilon));
        }
    }

    /// <summary>xc = x − μ, std = √(σ² + ε), xn = xc/std and out = γ·xn + β: one code path for training and inference.</summary>
    private static (Tensor<T> Centered, Tensor<T> Normalized, T[] Std, Tensor<T> Output) Normalize<T>(
        BatchNormParams<T> parameters, Tensor<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = x.Shape[0], features = x.Shape[1];
        ReadOnlySpan<T> xs = x.Span, gamma = parameters.Gamma.Span, beta = parameters.Beta.Span;
        var e = T.CreateTruncating(epsilon);
        var std = new T[features];
        for (var j = 0; j < features; j++)
        {
            std[j] = T.Sqrt(variance[j] + e);
        }
        var centered = new T[xs.Length];
        var normalized = new T[xs.Length];
        var output = new T[xs.Length];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < features; j++)
            {
                var k = (i * features) + j;
                centered[k] = xs[k] - mean[j];
                normalized[k] = centered[k] / std[j];
                output[k] = (gamma[j] * normalized[k]) + beta[j];
            }
        }
        return (new Tensor<T>(x.Shape, centered), new Tensor<T>(x.Shape, normalized), std, new Tensor<T>(x.Shape, output));
    }
}
