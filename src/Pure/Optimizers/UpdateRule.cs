using System.Numerics;
using Functional.Parameters;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>
/// Everything one training step does to a gradient and the parameters, as a value: a <see cref="GradientTransformation"/>
/// (usually a <see cref="Chain"/>) whose updates are added to the parameters. The default chain is weight decay,
/// clipping by global norm, then the optimizer with the schedule's rate for the step; the step index is the state's count.
/// </summary>
public sealed record UpdateRule
{
    private readonly GradientTransformation _transform;

    /// <summary>A rule applying <paramref name="transform"/>'s updates.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="transform"/> is null.</exception>
    public UpdateRule(GradientTransformation transform) => _transform = NotNull(transform);

    /// <summary>The default chain of <see cref="DefaultChain"/>: weight decay, clipping, then the optimizer at the schedule's rate.</summary>
    /// <exception cref="ArgumentNullException">The optimizer or schedule is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight decay is negative or not finite, or the clip norm not positive and finite.</exception>
    public UpdateRule(Optimizer optimizer, LearningRateSchedule schedule, double weightDecay = 0, double? clipNorm = null)
        : this(DefaultChain(optimizer, schedule, weightDecay, clipNorm))
    {
    }

    /// <summary>The transformation whose updates each step adds to the parameters.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public GradientTransformation Transform { get => _transform; init => _transform = NotNull(value); }

    /// <summary>
    /// The fixed order training has always used: <see cref="AddDecayedWeights"/>(λ) if λ &gt; 0, then
    /// <see cref="ClipByGlobalNorm"/> if a clip norm is given, then the optimizer with <paramref name="schedule"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The optimizer or schedule is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight decay is negative or not finite, or the clip norm not positive and finite.</exception>
    public static Chain DefaultChain(Optimizer optimizer, LearningRateSchedule schedule, double weightDecay = 0, double? clipNorm = null)
    {
        Require.NotNull(nameof(UpdateRule), nameof(optimizer), optimizer);
        Require.NotNull(nameof(UpdateRule), nameof(schedule), schedule);
        OptimizerChecks.NonNegative(nameof(UpdateRule), nameof(weightDecay), weightDecay);
        var links = new List<GradientTransformation>();
        if (weightDecay > 0)
        {
            links.Add(new AddDecayedWeights(weightDecay));
        }
        if (clipNorm is { } maxNorm)
        {
            links.Add(new ClipByGlobalNorm(OptimizerChecks.Positive(nameof(UpdateRule), nameof(clipNorm), maxNorm)));
        }
        links.Add(optimizer with { Schedule = schedule });
        return new Chain([.. links]);
    }

    /// <summary>The transformation's initial state for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public OptimizerState<T> Init<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => Transform.Init(parameters);

    /// <summary>The loss terms of the transformation's weight decay, ½·λ·Σ W² on <paramref name="weights"/> (0 without decay).</summary>
    public double Penalty<T>(ParamTree<T> parameters, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("UpdateRule.Penalty", nameof(parameters), parameters);
        Require.NotNull("UpdateRule.Penalty", nameof(weights), weights);
        return Transform.WithWeights(weights).Penalty(parameters);
    }

    /// <summary>
    /// One training step, with step index n = <c>state.Count</c>: the transformation (decaying
    /// <paramref name="weights"/> where it decays the network's weights) turns the gradient into updates, which are
    /// added to the parameters. The state after it has count n + 1. The inputs are not changed.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The gradient or state does not fit the parameters or the transformation, or an optimizer's schedule gives a
    /// rate at step n that is not positive and finite (e.g. a cosine schedule with MinRate 0, past its last step).
    /// </exception>
    public (ParamTree<T> Parameters, OptimizerState<T> State) Apply<T>(ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("UpdateRule.Apply", nameof(parameters), parameters);
        Require.NotNull("UpdateRule.Apply", nameof(gradient), gradient);
        Require.NotNull("UpdateRule.Apply", nameof(state), state);
        Require.NotNull("UpdateRule.Apply", nameof(weights), weights);
        var (updates, next) = Transform.WithWeights(weights).Update(gradient, state, parameters, state.Count);
        return (GradientTransformation.ApplyUpdates(parameters, updates), next with { Count = checked(state.Count + 1) });
    }

    private static GradientTransformation NotNull(GradientTransformation transform) =>
        transform ?? throw new ArgumentNullException(nameof(transform), $"UpdateRule: {nameof(transform)} must not be null.");
}
