using System.Numerics;
using System.Collections.Immutable;
using System.Globalization;
using Functional.Composition;
using Functional.Facade.Naming;
using Functional.Tensors;

namespace Functional.Unit.Tests.Naming;

/// <summary>What <see cref="ScaleLayer"/>'s forward keeps: nothing but its factor.</summary>
internal sealed record ScaleCache(double Factor) : LayerCache;

/// <summary>A user's layer with an argument and no parameters: y = factor·x.</summary>
internal sealed record ScaleLayer(double Factor) : Layer
{
    public override string Kind => "scale";

    public override string Spec => string.Create(CultureInfo.InvariantCulture, $"{Kind}:{Factor:R}");

    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context) =>
        new(Times(x, Factor), new ScaleCache(Factor), state);

    public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
    {
        var cache = Own<ScaleCache>(layerCache);
        return new(Times(dOut, cache.Factor), Params<T>.Empty);
    }

    private static Tensor<T> Times<T>(Tensor<T> x, double factor)
        where T : unmanaged, IFloatingPointIeee754<T> => Tensor.FromArray([.. x.ToArray().Select(v => T.CreateTruncating(factor) * v)], [.. x.Shape.Dims]);
}

/// <summary>What <see cref="ShiftLayer"/>'s forward keeps: the input's batch size.</summary>
internal sealed record ShiftCache(int Batch) : LayerCache;

/// <summary>A user's layer with a parameter, "offset" (one per feature): y = x + offset.</summary>
internal sealed record ShiftLayer : Layer
{
    public override string Kind => "shift";

    public override ImmutableArray<ParamSpec> ParameterSpecs(Shape input) => [new("offset", input)];

    public override Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, StepContext context)
    {
        var offset = parameters[0].ToArray();
        var values = x.ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += offset[i % offset.Length];
        }
        return new(Tensor.FromArray(values, [.. x.Shape.Dims]), new ShiftCache(x.Shape[0]), state);
    }

    public override Backwarded<T> Backward<T>(LayerCache layerCache, Tensor<T> dOut)
    {
        var cache = Own<ShiftCache>(layerCache);
        var features = dOut.Length / cache.Batch;
        var dOffset = new T[features];
        var d = dOut.ToArray();
        for (var i = 0; i < d.Length; i++)
        {
            dOffset[i % features] += d[i];
        }
        return new(dOut, Params<T>.Of(Tensor.FromArray(dOffset, [.. dOut.Shape.Dims.AsSpan()[1..]])));
    }
}

internal static class UserLayers
{
    /// <summary>The built-in layers and "scale:FACTOR" and "shift".</summary>
    public static LayerRegistry Registry { get; } = LayerRegistry.BuiltIn
        .With("scale", args => args is [var factor]
            ? new ScaleLayer(double.Parse(factor, NumberStyles.Float, CultureInfo.InvariantCulture))
            : throw new ArgumentException($"expected scale:FACTOR, got {args.Count} arguments"))
        .With("shift", () => new ShiftLayer());
}
