using System.Collections.Immutable;
using System.Numerics;
using Functional.Composition;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Layers;

/// <summary>
/// <see cref="Affine"/> as a layer value: out = x·W + b with <see cref="Outputs"/> outputs. Any per-sample input shape
/// is flattened to its element count, so W is [inputs, outputs] and b is [outputs]. W is a weight for weight decay.
/// </summary>
public sealed record AffineLayer : BuiltInLayer, IInputGradientOptional
{
    /// <summary>An Affine layer with <paramref name="outputs"/> outputs; its input width comes from the layer before it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">outputs is below 1.</exception>
    public AffineLayer(int outputs) =>
        Outputs = outputs >= 1 ? outputs : throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"AffineLayer: outputs must be ≥ 1, got {outputs}.");

    /// <summary>The number of outputs per sample.</summary>
    public int Outputs { get; }

    /// <inheritdoc/>
    public override string Kind => "affine";

    /// <inheritdoc/>
    public override string Spec => $"affine:{Outputs}";

    /// <inheritdoc/>
    public override Shape OutputShape(Shape input)
    {
        Inputs(input);   // validates
        return new Shape(Outputs);
    }

    /// <inheritdoc/>
    public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) =>
        [new("W", new Shape(Inputs(input), Outputs), ParamRole.Weight), new("b", new Shape(Outputs))];

    /// <summary>W drawn by <paramref name="weights"/> from <paramref name="key"/> itself, b zero: the book's init.</summary>
    public override LayerInit Init(RngKey key, Shape input, Initializer weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new(Params<double>.Of(weights.Weights(key, Inputs(input), Outputs), Tensor.Zeros<double>(Outputs)), LayerState<double>.Empty);
    }

    /// <inheritdoc/>
    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var (output, cache) = Affine.Forward(Of(parameters), x);
        return new(output, cache, state);
    }

    /// <inheritdoc/>
    public override Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x) => Affine.Forward(Of(parameters), x).Output;

    /// <summary>dx = dOut·Wᵀ, dW = xᵀ·dOut, db = column sums of dOut.</summary>
    public override Backwarded<T> Backward<T>(LayerCache cache, Tensor<T> dOut)
    {
        var g = Affine.Backward(Own<AffineCache<T>>(cache), dOut);
        return new(g.Dx, Params<T>.Of(g.DW, g.DB));
    }

    /// <summary>dW and db alone, for a first layer whose input needs no gradient: a third of the backward work saved.</summary>
    Params<T> IInputGradientOptional.ParameterGradient<T>(LayerCache cache, Tensor<T> dOut)
    {
        var g = Affine.WeightGradients(Own<AffineCache<T>>(cache), dOut);
        return Params<T>.Of(g.DW, g.DB);
    }

    private AffineParams<T> Of<T>(Params<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireCount(parameters, 2);
        return new AffineParams<T>(parameters[0], parameters[1]);
    }

    private int Inputs(Shape input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Length >= 1 && input.Rank >= 1
            ? input.Length
            : throw new ArgumentException($"AffineLayer ({Spec}): the input must have at least one feature per sample, got {input}.", nameof(input));
    }
}
