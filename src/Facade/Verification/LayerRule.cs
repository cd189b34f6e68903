using System.Collections.Immutable;
using System.Numerics;
using Functional.Composition;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade.Verification;

/// <summary>
/// Builds <see cref="RuleUnderTest.Layer"/>: an <see cref="ILayer"/> as a rule of (x, parameters…), whose Forward and
/// Backward also check the layer's contract on every call and record what they find in a <see cref="ContractLog"/>.
/// </summary>
internal static class LayerRule
{
    public static RuleUnderTest For(ILayer layer, Shape perSampleInput, StepContext context, LayerState<double>? state, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(perSampleInput);
        var name = $"layer {layer.Spec} ({layer.GetType().Name})";
        ImmutableArray<ParamSpec> parameters, states;
        Shape output;
        try
        {
            output = layer.OutputShape(perSampleInput) ?? throw new ArgumentException("OutputShape returned null.");
            parameters = layer.ParameterSpecs(perSampleInput);
            states = layer.StateSpecs(perSampleInput);
            state ??= layer.Init(RngKey.FromSeed(LayerCheckOptions.DefaultSeed), perSampleInput, new NormalInit()).State;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"RuleUnderTest.Layer: {name} on per-sample input {perSampleInput}: {e.Message}", nameof(perSampleInput), e);
        }
        parameters = parameters.IsDefault ? [] : parameters;
        states = states.IsDefault ? [] : states;
        if (parameters.Any(p => p is null) || states.Any(s => s is null))
        {
            throw new ArgumentException($"RuleUnderTest.Layer: {name} declares a null ParamSpec.", nameof(layer));
        }
        if (Mismatch(state, states) is { } wrongState)
        {
            throw new ArgumentException($"RuleUnderTest.Layer: the state given to {name} {wrongState}.", nameof(state));
        }
        IContract contract = precision switch
        {
            Precision.Float64 => new Contract<double>(layer, perSampleInput, output, parameters, states, context, state!),
            Precision.Float32 => new Contract<float>(layer, perSampleInput, output, parameters, states, context, state!),
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, $"RuleUnderTest.Layer: precision must be Float64 or Float32, got {precision}."),
        };
        // The input is "x" unless a parameter already has that name.
        var input = parameters.Any(p => p.Name == "x") ? "input" : "x";
        RuleArgument[] arguments =
        [
            new(input, d => [d[0], .. perSampleInput.Dims]),
            .. parameters.Select(p => new RuleArgument(p.Name, _ => [.. p.Shape.Dims])),
        ];
        return Make(contract, arguments) with
        {
            Subject = $"{name}, {(context.Training ? "training" : "inference")}{(precision == Precision.Float32 ? ", float32" : "")}",
            Contract = contract.Log,
        };
    }

    private static RuleUnderTest Make(IContract contract, RuleArgument[] arguments)
    {
        try
        {
            return RuleUnderTest.Make<LayerCache?>(contract.Forward, contract.Backward, 1, arguments);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"RuleUnderTest.Layer: {contract.Name}'s parameters cannot be arguments: {e.Message}", nameof(arguments), e);
        }
    }

    /// <summary>Null when the tensors have the specs' count and shapes; else what is wrong, in words.</summary>
    private static string? Mismatch<T>(TensorList<T>? values, ImmutableArray<ParamSpec> specs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var names = string.Join(", ", specs.Select(s => s.Name));
        if (values is null || values.Count != specs.Length)
        {
            return $"holds {(values is null ? "null" : $"{values.Count} tensors")}, but the specs declare {specs.Length} ({names})";
        }
        for (var i = 0; i < specs.Length; i++)
        {
            if (values[i].Shape != specs[i].Shape)
            {
                return $"has '{specs[i].Name}' of shape {values[i].Shape}, but the specs declare {specs[i].Shape}";
            }
        }
        return null;
    }

    private static Tensor<T> Copy<T>(Tensor<T> t)
        where T : unmanaged, IFloatingPointIeee754<T> => Tensor.FromArray(t.Span, t.Shape.Dims.AsSpan());

    /// <summary>A rule's forward and backward over float64 arguments, whatever the element type the layer runs in.</summary>
    private interface IContract
    {
        ContractLog Log { get; }

        string Name { get; }

        (Tensor<double> Output, LayerCache? Cache) Forward(IReadOnlyList<Tensor<double>> args);

        IReadOnlyList<Tensor<double>> Backward(LayerCache? cache, Tensor<double> dOut);
    }

    /// <summary>
    /// The layer run in T with a fixed state and context, checking its contract on each call: the float64 arguments
    /// are rounded to T on the way in, and the results widened back, exactly.
    /// </summary>
    private sealed class Contract<T>(ILayer layer, Shape perSample, Shape output, ImmutableArray<ParamSpec> parameters,
        ImmutableArray<ParamSpec> states, StepContext context, LayerState<double> given) : IContract
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly LayerState<T> state = new([.. given.Tensors.Select(t => t.Convert<T>())]);

        private readonly Tensor<T>[] _stateBits = [.. given.Tensors.Select(t => Copy(t.Convert<T>()))];

        public ContractLog Log { get; } = new();

        public string Name => $"layer {layer.Spec} ({layer.GetType().Name})";

        public (Tensor<double> Output, LayerCache? Cache) Forward(IReadOnlyList<Tensor<double>> args)
        {
            var (x, p) = (args[0].Convert<T>(), new Params<T>([.. args.Skip(1).Select(a => a.Convert<T>())]));
            var forwarded = layer.Forward(p, state, x, context);
            for (var i = 0; i < _stateBits.Length; i++)
            {
                if (!state[i].Equals(_stateBits[i]))
                {
                    Record(LayerCheckProperties.Purity, $"Forward changed the state it was given: '{states[i].Name}' {RuleProperties.Difference(_stateBits[i].Convert<double>(), state[i].Convert<double>())}.");
                }
            }
            if (forwarded is null)
            {
                Record(LayerCheckProperties.Shapes, "Forward returned null.");
                return (null!, null);
            }
            Shape expected = new([x.Shape[0], .. output.Dims]);
            if (forwarded.Output is null || forwarded.Output.Shape != expected)
            {
                Record(LayerCheckProperties.Shapes,
                    $"Forward's output has shape {forwarded.Output?.Shape.ToString() ?? "null"}; expected [batch, …OutputShape({perSample})] = {expected}.");
            }
            if (forwarded.Cache is null)
            {
                Record(LayerCheckProperties.Shapes, "Forward returned a null cache.");
            }
            if (Mismatch(forwarded.State, states) is { } wrongState)
            {
                Record(LayerCheckProperties.Shapes, $"Forward's returned state {wrongState} of StateSpecs({perSample}).");
            }
            else if (!context.Training && !forwarded.State.Equals(state))
            {
                var at = Enumerable.Range(0, states.Length).First(i => !forwarded.State[i].Equals(state[i]));
                Record(LayerCheckProperties.Purity,
                    $"Forward at inference returned a state other than the one it was given: '{states[at].Name}' {RuleProperties.Difference(state[at].Convert<double>(), forwarded.State[at].Convert<double>())}.");
            }
            if (!context.Training && forwarded.Output is not null)
            {
                var inferred = layer.Infer(p, state, x);
                if (!forwarded.Output.Equals(inferred))
                {
                    Record(LayerCheckProperties.Purity,
                        $"Infer differs from Forward(…, StepContext.Inference).Output: {(inferred is null ? "Infer returned null" : RuleProperties.Difference(forwarded.Output.Convert<double>(), inferred.Convert<double>()))}.");
                }
            }
            return (forwarded.Output?.Convert<double>()!, forwarded.Cache);
        }

        public IReadOnlyList<Tensor<double>> Backward(LayerCache? cache, Tensor<double> wideDOut)
        {
            var dOut = wideDOut.Convert<T>();
            var dOutBits = Copy(dOut);
            var backwarded = layer.Backward(cache!, dOut);
            if (!dOut.Equals(dOutBits))
            {
                Record(LayerCheckProperties.Purity, $"Backward changed dOut: {RuleProperties.Difference(dOutBits.Convert<double>(), dOut.Convert<double>())}.");
            }
            if (backwarded is null)
            {
                Record(LayerCheckProperties.Shapes, "Backward returned null.");
                return null!;
            }
            if (backwarded.Gradient is null || backwarded.Gradient.Count != parameters.Length)
            {
                Record(LayerCheckProperties.Shapes,
                    $"Backward's Gradient holds {(backwarded.Gradient is null ? "null" : $"{backwarded.Gradient.Count} tensors")}, but ParameterSpecs({perSample}) declare {parameters.Length} ({string.Join(", ", parameters.Select(s => s.Name))}).");
                return null!;
            }
            for (var i = 0; i < parameters.Length; i++)
            {
                if (backwarded.Gradient[i].Shape != parameters[i].Shape)
                {
                    Record(LayerCheckProperties.Shapes,
                        $"Backward's gradient of '{parameters[i].Name}' has shape {backwarded.Gradient[i].Shape}, but ParameterSpecs({perSample}) declare {parameters[i].Shape}.",
                        parameters[i].Name);
                }
            }
            Shape input = new([dOut.Shape[0], .. perSample.Dims]);
            if (backwarded.Dx is null || backwarded.Dx.Shape != input)
            {
                Record(LayerCheckProperties.Shapes, $"Backward's dx has shape {backwarded.Dx?.Shape.ToString() ?? "null"}; expected the input's, {input}.");
            }
            return [backwarded.Dx?.Convert<double>()!, .. backwarded.Gradient.Tensors.Select(g => g.Convert<double>())];
        }

        private void Record(string property, string detail, string? argument = null) =>
            Log.Record(new Violation(property, $"{Name}: {detail}", argument));
    }
}
