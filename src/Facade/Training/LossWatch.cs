namespace Functional.Facade.Training;

/// <summary>A step whose loss, though finite, exceeded <see cref="LossWatch.Factor"/> × the first step's loss.</summary>
/// <param name="Step">The step (1-based) whose loss first went over.</param>
/// <param name="Loss">That step's loss.</param>
/// <param name="FirstLoss">The first step's loss.</param>
public sealed record LossExplosion(long Step, double Loss, double FirstLoss);

/// <summary>
/// Watches a run's step losses for an explosion that stays finite (NaN and ∞ stop the run with
/// <see cref="Functional.Training.TrainingDivergedException"/> instead): the first step whose loss exceeds
/// <see cref="Factor"/> × the first step's loss is reported, once per run. Immutable; <see cref="Observe"/> returns
/// the next watch.
/// </summary>
public sealed record LossWatch
{
    /// <summary>How many times the first step's loss a loss may reach before it counts as exploded.</summary>
    public const double Factor = 100;

    /// <summary>Nothing observed yet.</summary>
    public static LossWatch Start { get; } = new();

    /// <summary>The first step's loss; null before the first step.</summary>
    public double? FirstLoss { get; init; }

    /// <summary>Whether an explosion has been reported already.</summary>
    public bool Reported { get; init; }

    /// <summary>
    /// The watch after the losses of steps 1, 2, … so far, e.g. of a resumed run, so that a run that already
    /// reported its explosion does not report it again.
    /// </summary>
    public static LossWatch After(IEnumerable<double> stepLosses)
    {
        ArgumentNullException.ThrowIfNull(stepLosses);
        var watch = Start;
        long step = 0;
        foreach (var loss in stepLosses)
        {
            watch = watch.Observe(++step, loss).Next;
        }
        return watch;
    }

    /// <summary>Takes in step <paramref name="step"/>'s loss; the explosion is non-null the first time the loss goes over.</summary>
    public (LossWatch Next, LossExplosion? Explosion) Observe(long step, double loss)
    {
        if (FirstLoss is not { } first)
        {
            return (this with { FirstLoss = loss }, null);
        }
        // A first loss of 0 (or below) has no scale to compare with; NaN compares false and never reports.
        return !Reported && first > 0 && loss > Factor * first
            ? (this with { Reported = true }, new LossExplosion(step, loss, first))
            : (this, null);
    }
}
