namespace Functional.Optimizers;

/// <summary>The same rate at every step.</summary>
/// <param name="Rate">The learning rate, positive and finite.</param>
public sealed record ConstantRate(double Rate) : LearningRateSchedule
{
    private readonly double _rate = OptimizerChecks.Positive(nameof(ConstantRate), nameof(Rate), Rate);

    /// <summary>The learning rate, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Rate { get => _rate; init => _rate = OptimizerChecks.Positive(nameof(ConstantRate), nameof(Rate), value); }

    /// <summary>"constant".</summary>
    public override string Name => "constant";

    /// <inheritdoc/>
    public override string Spec => Name;

    /// <summary><see cref="Rate"/>.</summary>
    /// <inheritdoc/>
    public override double At(long stepIndex)
    {
        OptimizerChecks.StepIndex("ConstantRate.At", nameof(stepIndex), stepIndex);
        return Rate;
    }
}
