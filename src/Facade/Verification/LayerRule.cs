using System.Collections.Immutable;
using Functional.Composition;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Facade.Verification;

/// <summary>
/// Builds <see cref="RuleUnderTest.Layer"/>: an <see cref="ILayer"/> as a rule of (x, parameters…), whose Forward and
/// Backward also check the layer's contract on every call and record what they find in a <see cref="ContractLog"/>.
/// </summary>
internal static class LayerRule
{
    public static RuleUnderTest For(ILayer layer, Shape perSampleInput, StepContext context, LayerState? state)
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
        var contract = new Contract(layer, perSampleInput, output, parameters, states, context, state!);
        // The input is "x" unless a parameter already has that name.
        var input = parameters.Any(p => p.Name == "x") ? "input" : "x";
        RuleArgument[] arguments =
        [
            new(input, d => [d[0], .. perSampleInput.Dims]),
            .. parameters.Select(p => new RuleArgument(p.Name, _ => [.. p.Shape.Dims])),
        ];
        return Make(contract, arguments) with
        {
            Subject = $"{name}, {(context.Training ? "training" : "inference")}",
            Contract = contract.Log,
        };
    }

    private static RuleUnderTest Make(Contract contract, RuleArgument[] arguments)
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
    private static string? Mismatch(TensorList? values, ImmutableArray<ParamSpec> specs)
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

    private static Tensor<double> Copy(Tensor<double> t) => Tensor.FromArray(t.Span, t.Shape.Dims.AsSpan());

    /// <summary>The layer run with a fixed state and context, checking its contract on each call.</summary>
    private sealed class Contract(ILayer layer, Shape perSample, Shape output, ImmutableArray<ParamSpec> parameters,
        ImmutableArray<ParamSpec> states, StepContext context, LayerState state)
    {
        private readonly Tensor<double>[] _stateBits = [.. state.Tensors.Select(Copy)];

        public ContractLog Log { get; } = new();

        public string Name => $"layer {layer.Spec} ({layer.GetType().Name})";

        public (Tensor<double> Output, LayerCache? Cache) Forward(IReadOnlyList<Tensor<double>> args)
        {
            var (x, p) = (args[0], new Params([.. args.Skip(1)]));
            var forwarded = layer.Forward(p, state, x, context);
            for (var i = 0; i < _stateBits.Length; i++)
            {
                if (!state[i].Equals(_stateBits[i]))
                {
                    Record(LayerCheckProperties.Purity, $"Forward changed the state it was given: '{states[i].Name}' {RuleProperties.Difference(_stateBits[i], state[i])}.");
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
                    $"Forward at inference returned a state other than the one it was given: '{states[at].Name}' {RuleProperties.Difference(state[at], forwarded.State[at])}.");
            }
            if (!context.Training && forwarded.Output is not null)
            {
                var inferred = layer.Infer(p, state, x);
                if (!forwarded.Output.Equals(inferred))
                {
                    Record(LayerCheckProperties.Purity,
                        $"Infer differs from Forward(…, StepContext.Inference).Output: {(inferred is null ? "Infer returned null" : RuleProperties.Difference(forwarded.Output, inferred))}.");
                }
            }
            return (forwarded.Output!, forwarded.Cache);
        }

        public IReadOnlyList<Tensor<double>> Backward(LayerCache? cache, Tensor<double> dOut)
        {
            var dOutBits = Copy(dOut);
            var backwarded = layer.Backward(cache!, dOut);
            if (!dOut.Equals(dOutBits))
            {
                Record(LayerCheckProperties.Purity, $"Backward changed dOut: {RuleProperties.Difference(dOutBits, dOut)}.");
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
            return [backwarded.Dx!, .. backwarded.Gradient.Tensors];
        }

        private void Record(string property, string detail, string? argument = null) =>
            Log.Record(new Violation(property, $"{Name}: {detail}", argument));
    }
}
