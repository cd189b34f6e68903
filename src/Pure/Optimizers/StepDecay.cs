namespace Functional.Optimizers;

/// <summary>Step decay: Rate·Factor^⌊step / Every⌋, the rate multiplied by Factor every Every steps.</summary>
/// <param name="Rate">The rate for the first Every steps, positive and finite.</param>
/// <param name="Every">The number of steps between decays, ≥ 1.</param>
/// <param name="Factor">The multiplier per decay, in (0, 1].</param>
public sealed record StepDecay(double Rate, long Every, double Factor) : LearningRateSchedule
{
    private readonly double _rate = OptimizerChecks.Positive(nameof(StepDecay), nameof(Rate), Rate);
    private readonly long _every = ValidEvery(Every);
    private readonly double _factor = ValidFactor(Factor);

    /// <summary>The rate for the first <see cref="Every"/> steps, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Rate { get => _rate; init => _rate = OptimizerChecks.Positive(nameof(StepDecay), nameof(Rate), value); }

    /// <summary>The number of steps between decays, ≥ 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public long Every { get => _every; init => _every = ValidEvery(value); }

    /// <summary>The multiplier per decay, in (0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1].</exception>
    public double Factor { get => _factor; init => _factor = ValidFactor(value); }

    /// <summary>"step".</summary>
    public override string Name => "step";

    /// <summary>"step:EVERY:FACTOR".</summary>
    public override string Spec => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"step:{Every}:{Factor:R}");

    /// <summary>
    /// Rate·Factor^⌊stepIndex / Every⌋, the power by repeated squaring. Constant between multiples of Every; it may
    /// underflow to 0 after very many decays.
    /// </summary>
    /// <inheritdoc/>
    public override double At(long stepIndex)
    {
        OptimizerChecks.StepIndex("StepDecay.At", nameof(stepIndex), stepIndex);
        return Rate * OptimizerChecks.IntegerPower(Factor, stepIndex / Every);
    }

    private static long ValidEvery(long every) => OptimizerChecks.AtLeast(nameof(StepDecay), nameof(Every), every, 1);

    private static double ValidFactor(double factor) => OptimizerChecks.PositiveFraction(nameof(StepDecay), nameof(Factor), factor);
}
