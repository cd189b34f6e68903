using Functional.Initializers;
using Functional.Optimizers;

namespace Functional.Training;

/// <summary>The settings of a training run. Defaults are the book's (train_neuralnet.py).</summary>
public sealed record TrainConfig
{
    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is not positive (or the learning rate not finite); the message names it.</exception>
    public TrainConfig(int steps = 10_000, int batchSize = 100, double learningRate = 0.1, ulong seed = 0, double weightStd = 0.01,
        Precision precision = Precision.Float64, Optimizer? optimizer = null, LearningRateSchedule? schedule = null, double weightDecay = 0,
        double? clipNorm = null, Initializer? initializer = null)
    {
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"TrainConfig: steps must be ≥ 1, got {steps}.");
        }
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"TrainConfig: batch size must be ≥ 1, got {batchSize}.");
        }
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"TrainConfig: learning rate must be a positive finite number, got {learningRate}.");
        }
        if (!(weightStd > 0) || !double.IsFinite(weightStd))
        {
            throw new ArgumentOutOfRangeException(nameof(weightStd), weightStd, $"TrainConfig: weight std must be a positive finite number, got {weightStd}.");
        }
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, $"TrainConfig: precision must be Float64 or Float32, got {precision}.");
        }
        (Steps, BatchSize, LearningRate, Seed, WeightStd, Precision) = (steps, batchSize, learningRate, seed, weightStd, precision);
        schedule ??= new ConstantRate(learningRate);
        if (schedule.At(0) != learningRate)
        {
            throw new ArgumentException(
                $"TrainConfig: the schedule must start at the learning rate {learningRate}, but {schedule.Spec} starts at {schedule.At(0)}.", nameof(schedule));
        }
        (Optimizer, Schedule, Initializer) = (optimizer ?? new GradientDescent(), schedule, initializer ?? new NormalInit(weightStd));
        Rule = new UpdateRule(Optimizer, schedule, weightDecay, clipNorm);
    }

    /// <summary>The number of SGD steps (the book's iters_num, 10,000).</summary>
    public int Steps { get; }

    /// <summary>Samples per step, drawn with replacement (100).</summary>
    public int BatchSize { get; }

    /// <summary>The SGD learning rate (0.1).</summary>
    public double LearningRate { get; }

    /// <summary>The seed of the initial weights and of every batch.</summary>
    public ulong Seed { get; }

    /// <summary>The standard deviation of the initial weights (the book's weight_init_std, 0.01).</summary>
    public double WeightStd { get; }

    /// <summary>The optimizer (plain SGD unless given), with its default hyperparameters unless given otherwise.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate per step: constant at <see cref="LearningRate"/> unless given.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>How the weights start: N(0, <see cref="WeightStd"/>²) unless given.</summary>
    public Initializer Initializer { get; }

    /// <summary>The update each step applies: weight decay, clipping, the schedule's rate and the optimizer.</summary>
    public UpdateRule Rule { get; }

    /// <summary>True when each step is the book's <c>W −= lr·dW</c> alone, which training fuses into the backward pass.</summary>
    public bool IsPlainSgd => Optimizer is GradientDescent && Schedule is ConstantRate && Rule.WeightDecay == 0 && Rule.ClipNorm is null;

    /// <summary>The floating-point format the steps compute in (float64 unless asked otherwise).</summary>
    public Precision Precision { get; }

    /// <summary>Steps per epoch: ⌈samples / batch size⌉, so an epoch draws at least as many samples as there are.</summary>
    public int StepsPerEpoch(int samples) => Math.Max(1, (samples + BatchSize - 1) / BatchSize);
}
