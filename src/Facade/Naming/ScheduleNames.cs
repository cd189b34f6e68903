using System.Globalization;
using Functional.Optimizers;

namespace Functional.Facade.Naming;

/// <summary>
/// Learning-rate schedules' command-line specs, for the CLI, the façade's options and run configs:
/// "constant", "step" (÷10 every third of the run), "step:EVERY:FACTOR", "cosine" (to 0 at the last step) and
/// "cosine:MINRATE". <see cref="LearningRateSchedule.Spec"/> reads back.
/// </summary>
public static class ScheduleNames
{
    private const string AcceptedForms = "constant, step, step:EVERY:FACTOR, cosine or cosine:MINRATE";

    /// <summary>The schedule <paramref name="spec"/> names, starting at <paramref name="rate"/>, for a run of <paramref name="totalSteps"/> steps.</summary>
    /// <exception cref="ArgumentException">The spec is none of the accepted forms, or a value in it is out of range; the message names both.</exception>
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
