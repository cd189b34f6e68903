using Functional.Numerics;

namespace Functional.Optimizers;

/// <summary>
/// Cosine decay (Loshchilov and Hutter, 2017, without restarts): MinRate + ½(Rate − MinRate)(1 + cos(π·min(step, Steps)/Steps)),
/// from Rate at step 0 down to MinRate at step Steps and after.
/// </summary>
/// <param name="Rate">The rate at step 0, positive and finite.</param>
/// <param name="Steps">The step at which MinRate is reached, ≥ 1.</param>
/// <param name="MinRate">The final rate, in [0, Rate]. With 0 (the default) the rate at step Steps and after is 0, which optimizers refuse.</param>
public sealed record CosineDecay(double Rate, long Steps, double MinRate = 0) : LearningRateSchedule
{
    /// <summary>The rate at step 0, positive and finite. Fixed at construction: it is checked together with <see cref="MinRate"/>.</summary>
    public double Rate { get; } = OptimizerChecks.Positive(nameof(CosineDecay), nameof(Rate), Rate);

    /// <summary>The step at which <see cref="MinRate"/> is reached, ≥ 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public long Steps { get => _steps; init => _steps = ValidSteps(value); }

    /// <summary>The final rate, in [0, <see cref="Rate"/>]. Fixed at construction: it is checked together with <see cref="Rate"/>.</summary>
    public double MinRate { get; } = ValidMinRate(MinRate, Rate);

    private readonly long _steps = ValidSteps(Steps);

    /// <summary>"cosine".</summary>
    public override string Name => "cosine";

    /// <summary>"cosine", or "cosine:MINRATE" with a floor above 0.</summary>
    public override string Spec => MinRate == 0 ? Name : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cosine:{MinRate:R}");

    /// <summary>
    /// Rate at step 0, MinRate from step Steps on, and in between MinRate + (0.5·(Rate − MinRate))·(1 + cos θ) with
    /// θ = (π·stepIndex)/Steps and <see cref="PortableMath.Cos"/>, clamped to [MinRate, Rate]: non-increasing in step.
    /// </summary>
    /// <inheritdoc/>
    public override double At(long stepIndex)
    {
        OptimizerChecks.StepIndex("CosineDecay.At", nameof(stepIndex), stepIndex);
        if (stepIndex == 0)
        {
            return Rate;
        }
        if (stepIndex >= Steps)
        {
            return MinRate;
        }
        var theta = Math.PI * stepIndex / Steps;
        return Math.Clamp(MinRate + (0.5 * (Rate - MinRate) * (1 + PortableMath.Cos(theta))), MinRate, Rate);
    }

    private static long ValidSteps(long steps) => OptimizerChecks.AtLeast(nameof(CosineDecay), nameof(Steps), steps, 1);

    private static double ValidMinRate(double minRate, double rate, string name = nameof(MinRate)) => minRate >= 0 && minRate <= rate
        ? minRate
        : throw new ArgumentOutOfRangeException(name, $"CosineDecay: {name} must be in [0, Rate] = [0, {rate}], got {minRate}.");
}
