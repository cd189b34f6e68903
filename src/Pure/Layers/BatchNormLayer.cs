using System.Collections.Immutable;
using System.Numerics;
using Functional.Composition;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>
/// What <see cref="BatchNormLayer"/>'s forward at inference keeps: the normalised input and the running standard
/// deviation, for y = γ·x̂ + β with x̂ = (x − running mean) / running std, which is affine in x.
/// </summary>
/// <param name="Normalized">x̂.</param>
/// <param name="Std">√(running variance + ε), per feature.</param>
/// <param name="Gamma">γ.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record BatchNormInferenceCache<T>(Tensor<T> Normalized, Tensor<T> Std, Tensor<T> Gamma) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// <see cref="BatchNorm"/> as a layer value over [batch, features]: trainable γ ("gamma", ones) and β ("beta",
/// zeros), and state — the running mean ("mean") and variance ("var"), zeros — that training replaces instead of
/// descending on. While training it normalises by the batch's statistics and returns the updated state; at inference
/// it uses the state.
/// </summary>
public sealed record BatchNormLayer : BuiltInLayer
{
    /// <summary>BatchNorm with the given running-average momentum and ε (the book's 0.9 and 1e-6).</summary>
    /// <exception cref="ArgumentOutOfRangeException">momentum is not in [0, 1], or ε is not a finite value &gt; 0.</exception>
    public BatchNormLayer(double momentum = 0.9, double epsilon = 1e-6)
    {
        Momentum = double.IsFinite(momentum) && momentum is >= 0 and <= 1
            ? momentum
            : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNormLayer: momentum must be a finite value in [0, 1], got {momentum}.");
        Epsilon = double.IsFinite(epsilon) && epsilon > 0
            ? epsilon
            : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"BatchNormLayer: epsilon must be a finite value > 0, got {epsilon}.");
    }

    /// <summary>The weight of the old running statistics in each update.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before its square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string Kind => "batchnorm";

    /// <summary>"batchnorm", or "batchnorm:momentum:epsilon" when either differs from the book's.</summary>
    public override string Spec => Momentum.Equals(0.9) && Epsilon.Equals(1e-6)
        ? Kind
        : $"{Kind}:{SpecNumber.Format(Momentum)}:{SpecNumber.Format(Epsilon)}";

    /// <inheritdoc/>
    public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) =>
        [new("gamma", new Shape(Features(input))), new("beta", new Shape(Features(input)))];

    /// <inheritdoc/>
    public override ImmutableArray<ParamSpec> StateSpecs(Shape input) =>
        [new("mean", new Shape(Features(input))), new("var", new Shape(Features(input)))];

    /// <summary>γ = 1, β = 0, running mean and variance 0, as the book starts them.</summary>
    public override LayerInit Init(RngKey key, Shape input, Initializer weights)
    {
        var features = Features(input);
        var (parameters, state) = (BatchNormParams<double>.Initial(features), BatchNormState<double>.Initial(features));
        return new(Params<double>.Of(parameters.Gamma, parameters.Beta), LayerState<double>.Of(state.RunningMean, state.RunningVariance));
    }

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (p, s) = Of(parameters, state);
        if (context.Training)
        {
            var result = BatchNorm.ForwardTraining(p, s, x, Momentum, Epsilon);
            return new(result.Output, result.Cache, LayerState<T>.Of(result.State.RunningMean, result.State.RunningVariance));
        }
        var (output, normalized, std) = BatchNorm.ForwardInferenceKeeping(p, s, x, Epsilon);
        return new(output, new BatchNormInferenceCache<T>(normalized, std, p.Gamma), state);
    }

    /// <inheritdoc/>
    public override Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
    {
        var (p, s) = Of(parameters, state);
        return BatchNorm.ForwardInference(p, s, x, Epsilon);
    }

    /// <summary>
    /// After a training forward, <see cref="BatchNorm.Backward"/>. After an inference forward, the affine map's:
    /// dx = dOut·γ/std, dγ = Σ dOut·x̂, dβ = Σ dOut over the batch.
    /// </summary>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
    {
        switch (cache)
        {
            case BatchNormCache<T> training:
                var g = BatchNorm.Backward(training, dOut);
                return new(g.Dx, Params<T>.Of(g.DGamma, g.DBeta));
            case BatchNormInferenceCache<T> inference:
                Require.SameShape("BatchNormLayer.Backward", "the forward output", inference.Normalized.Shape, nameof(dOut), dOut);
                var features = inference.Std.Length;
                ReadOnlySpan<T> d = dOut.Span, xn = inference.Normalized.Span, std = inference.Std.Span, gamma = inference.Gamma.Span;
                var (dx, dGamma, dBeta) = (new T[d.Length], new T[features], new T[features]);
                for (var k = 0; k < d.Length; k++)
                {
                    var j = k % features;
                    dx[k] = gamma[j] * d[k] / std[j];
                    dGamma[j] += d[k] * xn[k];
                    dBeta[j] += d[k];
                }
                return new(new Tensor<T>(dOut.Shape, dx), Params<T>.Of(Tensor.FromArray(dGamma, features), Tensor.FromArray(dBeta, features)));
            default:
                throw new ArgumentException(
                    $"BatchNormLayer.Backward: expected the BatchNormCache or BatchNormInferenceCache its Forward made, got {cache?.GetType().Name ?? "null"} (for element type {typeof(T).Name}).", nameof(cache));
        }
    }

    private (BatchNormParams<T> Params, BatchNormState<T> State) Of<T>(Params<T> parameters, LayerState<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireCount(parameters, 2);
        RequireCount(state, 2);
        return (new BatchNormParams<T>(parameters[0], parameters[1]), new BatchNormState<T>(state[0], state[1]));
    }

    private static int Features(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Rank == 1 && input.Length >= 1
            ? input.Length
            : throw new ArgumentException($"BatchNormLayer: expects one feature vector per sample ([features]), got per-sample shape {input}.", nameof(input));
    }
}
