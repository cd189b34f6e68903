using System.Numerics;
using Functional.Parameters;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>
/// Everything one training step does to a gradient and the parameters, as a value: weight decay, clipping by
/// global norm, then the optimizer with the schedule's rate for the step. The step index is the state's count.
/// </summary>
/// <param name="Optimizer">The update rule proper.</param>
/// <param name="Schedule">The learning rate per step.</param>
/// <param name="WeightDecay">λ of <see cref="Optimizers.WeightDecay"/>, ≥ 0 and finite; 0 (the default) leaves the gradient alone.</param>
/// <param name="ClipNorm">The largest global gradient norm, positive and finite; null (the default) does not clip.</param>
public sealed record UpdateRule(Optimizer Optimizer, LearningRateSchedule Schedule, double WeightDecay = 0, double? ClipNorm = null)
{
    private readonly Optimizer _optimizer = NotNull(Optimizer, nameof(Optimizer));
    private readonly LearningRateSchedule _schedule = NotNull(Schedule, nameof(Schedule));
    private readonly double _weightDecay = OptimizerChecks.NonNegative(nameof(UpdateRule), nameof(WeightDecay), WeightDecay);
    private readonly double? _clipNorm = ValidClipNorm(ClipNorm);

    /// <summary>The update rule proper.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public Optimizer Optimizer { get => _optimizer; init => _optimizer = NotNull(value, nameof(Optimizer)); }

    /// <summary>The learning rate per step.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public LearningRateSchedule Schedule { get => _schedule; init => _schedule = NotNull(value, nameof(Schedule)); }

    /// <summary>λ, ≥ 0 and finite; 0 leaves the gradient alone.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double WeightDecay
    {
        get => _weightDecay;
        init => _weightDecay = OptimizerChecks.NonNegative(nameof(UpdateRule), nameof(WeightDecay), value);
    }

    /// <summary>The largest global gradient norm, positive and finite, or null for no clipping.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double? ClipNorm { get => _clipNorm; init => _clipNorm = ValidClipNorm(value); }

    /// <summary>The optimizer's initial state for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public OptimizerState<T> Init<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => Optimizer.Init(parameters);

    /// <summary>The weight-decay penalty ½·λ·Σ W² to add to the loss (0 when λ = 0), see <see cref="Optimizers.WeightDecay.Penalty"/>.</summary>
    public double Penalty<T>(ParamTree<T> parameters, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("UpdateRule.Penalty", nameof(parameters), parameters);
        return WeightDecay > 0 ? new WeightDecay(WeightDecay).Penalty(parameters, weights) : 0.0;
    }

    /// <summary>
    /// One training step's update, with step index n = <c>state.Count</c>: g' = g + λ·W on the weights (if λ &gt; 0),
    /// then g' clipped to global norm <see cref="ClipNorm"/> (if set), then
    /// <c>Optimizer.Update(parameters, g', state, Schedule.At(n))</c>. The inputs are not changed.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The gradient or state does not fit the parameters or the optimizer, or the schedule's rate at step n is not
    /// positive and finite (e.g. a cosine schedule with MinRate 0, past its last step).
    /// </exception>
    public (ParamTree<T> Parameters, OptimizerState<T> State) Apply<T>(ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("UpdateRule.Apply", nameof(parameters), parameters);
        Require.NotNull("UpdateRule.Apply", nameof(gradient), gradient);
        Require.NotNull("UpdateRule.Apply", nameof(state), state);
        var g = WeightDecay > 0 ? new WeightDecay(WeightDecay).Gradient(gradient, parameters, weights) : gradient;
        if (ClipNorm is { } maxNorm)
        {
            g = GradientClipping.ByGlobalNorm(g, maxNorm);
        }
        var rate = Schedule.At(state.Count);
        if (!(rate > 0) || !double.IsFinite(rate))
        {
            throw new ArgumentException(
                $"UpdateRule.Apply: the {Schedule.Name} schedule gives learning rate {rate} at step {state.Count}; expected a positive, finite rate ({Schedule}).",
                nameof(state));
        }
        return Optimizer.Update(parameters, g, state, rate);
    }

    private static T NotNull<T>(T value, string name)
        where T : class => value ?? throw new ArgumentNullException(name, $"UpdateRule: {name} must not be null.");

    private static double? ValidClipNorm(double? clipNorm) => clipNorm is { } c
        ? OptimizerChecks.Positive(nameof(UpdateRule), nameof(ClipNorm), c)
        : null;
}
