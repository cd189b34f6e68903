namespace Functional.Optimizers;

/// <summary>
/// The learning rate as a function of the step index (0 for the first update), so training stays a fold: step n's
/// rate depends only on n. Computed with IEEE arithmetic and <see cref="Numerics.PortableMath"/> only, so the
/// same on every machine.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The schedule's lower-case command-line name: "constant", "step" or "cosine".</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate for step <paramref name="stepIndex"/> (0-based): positive and finite unless the schedule says otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step index is negative.</exception>
    public abstract double At(long stepIndex);

    /// <summary>
    /// The schedule as its command-line spec: "constant", "step:EVERY:FACTOR" or "cosine" ("cosine:MINRATE" with a
    /// floor). The rate and the number of steps are the run's own settings, not part of the spec.
    /// </summary>
    public abstract string Spec { get; }
}
