using System.Globalization;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// Weight decay as a link (section 6.4.2): u + λ·W on every weight, u unchanged on every other parameter (biases,
/// BatchNorm's γ and β). Before an optimizer it is the book's L2 weight decay, whose loss term ½·λ·Σ W² is
/// <see cref="Penalty{T}"/>; the same elementwise g + λ·W as <see cref="WeightDecay.Gradient{T}"/>.
/// </summary>
/// <param name="Lambda">λ (the book's <c>weight_decay_lambda</c>), ≥ 0 and finite.</param>
/// <param name="Weights">
/// The names of the parameters to decay; null (the default) for the network's declared weights, which training
/// supplies (<see cref="WithWeights"/>).
/// </param>
public sealed record AddDecayedWeights(double Lambda, IReadOnlySet<string>? Weights = null) : GradientTransformation
{
    private readonly double _lambda = OptimizerChecks.NonNegative(nameof(AddDecayedWeights), nameof(Lambda), Lambda);

    /// <summary>λ, ≥ 0 and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double Lambda { get => _lambda; init => _lambda = OptimizerChecks.NonNegative(nameof(AddDecayedWeights), nameof(Lambda), value); }

    /// <summary>"decay".</summary>
    public override string Name => "decay";

    /// <summary>"decay:λ".</summary>
    public override string Spec => string.Create(CultureInfo.InvariantCulture, $"decay:{Lambda:R}");

    /// <summary>u + λ·W on the weights, elementwise in T (λ rounded to T).</summary>
    /// <exception cref="InvalidOperationException">No weights were given or supplied.</exception>
    /// <exception cref="ArgumentException">The updates' names or shapes differ from the parameters'.</exception>
    public override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(
        ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (new WeightDecay(Lambda).Gradient(updates, parameters, RequireWeights("AddDecayedWeights.Update")), state with { Count = checked(count + 1) });
    }

    /// <summary>½·λ·Σ W² over the weights, as <see cref="WeightDecay.Penalty{T}"/>.</summary>
    /// <exception cref="InvalidOperationException">No weights were given or supplied.</exception>
    public override double Penalty<T>(ParamTree<T> parameters) =>
        new WeightDecay(Lambda).Penalty(parameters, RequireWeights("AddDecayedWeights.Penalty"));

    /// <summary>This link decaying <paramref name="weights"/>, if it has no weights of its own; itself otherwise.</summary>
    public override GradientTransformation WithWeights(IReadOnlySet<string> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return Weights is null ? this with { Weights = weights } : this;
    }

    private IReadOnlySet<string> RequireWeights(string operation) => Weights ?? throw new InvalidOperationException(
        $"{operation}: no weights to decay; give them (new AddDecayedWeights({Lambda.ToString("R", CultureInfo.InvariantCulture)}, weights)) or train through a TrainConfig, which supplies the network's.");
}
