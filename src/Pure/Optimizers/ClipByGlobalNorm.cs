using System.Globalization;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// Clipping by global norm as a link: the updates scaled together to norm at most <see cref="MaxNorm"/>, as
/// <see cref="GradientClipping.ByGlobalNorm{T}"/> (the norm summed in float64).
/// </summary>
/// <param name="MaxNorm">The largest global norm, positive and finite.</param>
public sealed record ClipByGlobalNorm(double MaxNorm) : GradientTransformation
{
    private readonly double _maxNorm = OptimizerChecks.Positive(nameof(ClipByGlobalNorm), nameof(MaxNorm), MaxNorm);

    /// <summary>The largest global norm, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double MaxNorm { get => _maxNorm; init => _maxNorm = OptimizerChecks.Positive(nameof(ClipByGlobalNorm), nameof(MaxNorm), value); }

    /// <summary>"clip".</summary>
    public override string Name => "clip";

    /// <summary>"clip:MAXNORM".</summary>
    public override string Spec => string.Create(CultureInfo.InvariantCulture, $"clip:{MaxNorm:R}");

    /// <summary>The updates, scaled by MaxNorm / norm when their global norm exceeds MaxNorm.</summary>
    /// <exception cref="ArgumentException">The updates' names or shapes differ from the parameters'.</exception>
    public override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(
        ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.RequireSameStructure("ClipByGlobalNorm.Update: updates", updates);
        return (GradientClipping.ByGlobalNorm(updates, MaxNorm), state with { Count = checked(count + 1) });
    }
}
