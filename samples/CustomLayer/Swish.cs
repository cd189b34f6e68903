using System.Collections.Immutable;
using System.Numerics;
using Functional.Composition;
using Functional.Initializers;
using Functional.Numerics;
using Functional.Rng;
using Functional.Tensors;

namespace CustomLayer;

/// <summary>What <see cref="Swish"/>'s forward keeps for its backward.</summary>
/// <typeparam name="T">The element type the layer ran in.</typeparam>
/// <param name="Input">x, [batch, …features].</param>
/// <param name="Beta">β, [features…].</param>
/// <param name="Gate">σ(βx), shaped like x.</param>
public sealed record SwishCache<T>(Tensor<T> Input, Tensor<T> Beta, Tensor<T> Gate) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Swish, y = x·σ(βx) elementwise, with a trainable β per feature (Ramachandran et al., 2017). β starts at 1 (SiLU);
/// β → ∞ approaches ReLU, β = 0 is x/2. In a network its parameter is named "swish1.beta" (the first Swish layer).
/// Forward and Backward are written once for float64 and float32 with .NET's generic math.
/// </summary>
public sealed record Swish : Layer
{
    /// <inheritdoc/>
    public override string Kind => "swish";

    /// <inheritdoc/>
    /// <remarks>One β per feature of the per-sample input; no weight decay (it is not a weight).</remarks>
    public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [new ParamSpec("beta", input, ParamRole.Other)];

    /// <inheritdoc/>
    /// <remarks>β = 1 everywhere: the default, zero, would make the layer linear (x/2). Nothing is drawn, so the key is unused.</remarks>
    public override LayerInit Init(RngKey key, Shape input, Initializer weights)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new LayerInit(Params<double>.Of(Tensor.Filled(1.0, input.Dims.AsSpan())), LayerState<double>.Empty);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Not one parameter, or x is not [batch, …β's shape]; the message names both shapes.</exception>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(x);
        RequireCount(parameters, 1);
        var beta = parameters[0];
        if (x.Rank != beta.Rank + 1 || x.Shape[0] < 1 || !x.Shape.Dims.AsSpan()[1..].SequenceEqual(beta.Shape.Dims.AsSpan()))
        {
            throw new ArgumentException($"Swish.Forward: expected x of shape [batch, {string.Join(", ", beta.Shape.Dims)}] for β of shape {beta.Shape}, got {x.Shape}.", nameof(x));
        }
        ReadOnlySpan<T> xs = x.Span, bs = beta.Span;
        var gate = new T[xs.Length];
        var output = new T[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            gate[i] = Sigmoid(bs[i % bs.Length] * xs[i]);
            output[i] = xs[i] * gate[i];
        }
        var dims = x.Shape.Dims.AsSpan();
        var g = Tensor.FromArray(gate, dims);
        return new Forwarded<T>(Tensor.FromArray(output, dims), new SwishCache<T>(x, beta, g), state);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// With s = σ(βx): dx = dOut·(s + βx·s(1 − s)) and dβ = Σ over the batch of dOut·x²·s(1 − s), summed in row order
    /// so the gradient has the same bits on every run.
    /// </remarks>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward output.</exception>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
    {
        var own = Own<SwishCache<T>>(cache);
        ArgumentNullException.ThrowIfNull(dOut);
        if (dOut.Shape != own.Input.Shape)
        {
            throw new ArgumentException($"Swish.Backward: expected dOut of the forward output's shape {own.Input.Shape}, got {dOut.Shape}.", nameof(dOut));
        }
        ReadOnlySpan<T> xs = own.Input.Span, bs = own.Beta.Span, ss = own.Gate.Span, ds = dOut.Span;
        var dx = new T[xs.Length];
        var dBeta = new T[bs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            var (x, s, d) = (xs[i], ss[i], ds[i]);
            var slope = s * (T.One - s);   // σ′(βx)
            var j = i % bs.Length;
            dx[i] = d * (s + (bs[j] * x * slope));
            dBeta[j] += d * x * x * slope;
        }
        return new Backwarded<T>(Tensor.FromArray(dx, own.Input.Shape.Dims.AsSpan()), Params<T>.Of(Tensor.FromArray(dBeta, own.Beta.Shape.Dims.AsSpan())));
    }

    // σ(z) computed in float64 and rounded once to T. PortableMath.Exp gives the same bits on every machine (T.Exp
    // may not), and e^−z is never formed for z < 0, so nothing overflows.
    private static T Sigmoid<T>(T value)
        where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(Sigmoid(double.CreateTruncating(value)));

    private static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1.0 / (1.0 + PortableMath.Exp(-z));
        }
        var e = PortableMath.Exp(z);
        return e / (1.0 + e);
    }
}
