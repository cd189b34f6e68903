using System.Globalization;

namespace Functional.Optimizers;

/// <summary>
/// The learning rate as a function of the step index (0 for the first update), so training stays a fold: step n's
/// rate depends only on n. Computed with IEEE arithmetic and <see cref="Numerics.PortableMath"/> only, so the
/// same on every machine.
/// </summary>
public abstract record LearningRateSchedule
{
    private const string AcceptedForms = "constant, step, step:EVERY:FACTOR, cosine or cosine:MINRATE";

    /// <summary>The schedule's lower-case command-line name: "constant", "step" or "cosine".</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate for step <paramref name="stepIndex"/> (0-based): positive and finite unless the schedule says otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The step index is negative.</exception>
    public abstract double At(long stepIndex);

    /// <summary>
    /// A schedule from a command-line spec, starting at <paramref name="rate"/> for a run of
    /// <paramref name="totalSteps"/> updates: "constant"; "step" (×0.1 every ⌊totalSteps/3⌋ steps, at least 1);
    /// "step:EVERY:FACTOR"; "cosine" (down to 0 at totalSteps); "cosine:MINRATE". Numbers use the invariant culture.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The spec is none of these forms, or a number in it, the rate or the total is out of range; the message names
    /// the spec and the accepted forms.
    /// </exception>
    public static LearningRateSchedule Parse(string spec, double rate, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        try
        {
            if (totalSteps < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(totalSteps), $"totalSteps must be ≥ 1, got {totalSteps}.");
            }
            return parts switch
            {
                ["constant"] => new ConstantRate(rate),
                ["step"] => new StepDecay(rate, Math.Max(1, totalSteps / 3), 0.1),
                ["step", var every, var factor] when long.TryParse(every, NumberStyles.Integer, CultureInfo.InvariantCulture, out var e)
                    && double.TryParse(factor, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) => new StepDecay(rate, e, f),
                ["cosine"] => new CosineDecay(rate, totalSteps),
                ["cosine", var minRate] when double.TryParse(minRate, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)
                    => new CosineDecay(rate, totalSteps, m),
                _ => throw new ArgumentException($"LearningRateSchedule.Parse: unknown schedule '{spec}'; expected {AcceptedForms}.", nameof(spec)),
            };
        }
        catch (ArgumentOutOfRangeException error)
        {
            throw new ArgumentException(
                $"LearningRateSchedule.Parse: cannot make schedule '{spec}' (accepted: {AcceptedForms}): {error.Message}", nameof(spec), error);
        }
    }
}
