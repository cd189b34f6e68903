using Functional.Initializers;
using Functional.Optimizers;

namespace Functional.Training;

/// <summary>The settings of a training run. Defaults are the book's (train_neuralnet.py).</summary>
public sealed record TrainConfig
{
    /// <summary>
    /// Checks every setting. The update is the default chain (<see cref="UpdateRule.DefaultChain"/>: weight decay,
    /// clipping, the optimizer) unless <paramref name="transform"/> gives one, e.g.
    /// <c>Chain.Of(new ClipByGlobalNorm(1), new AddDecayedWeights(1e-4), new Adam())</c>; its optimizer links without
    /// a schedule of their own take the run's (<paramref name="schedule"/>, or the constant learning rate).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is not positive (or the learning rate not finite); the message names it.</exception>
    /// <exception cref="ArgumentException">
    /// The schedule does not start at the learning rate, or <paramref name="transform"/> is given together with an
    /// optimizer, weight decay or clip norm, or has no <see cref="Optimizers.Optimizer"/> link.
    /// </exception>
    public TrainConfig(int steps = 10_000, int batchSize = 100, double learningRate = 0.1, ulong seed = 0, double weightStd = 0.01,
        Precision precision = Precision.Float64, Optimizer? optimizer = null, LearningRateSchedule? schedule = null, double weightDecay = 0,
        double? clipNorm = null, Initializer? initializer = null, GradientTransformation? transform = null)
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
        if (transform is null)
        {
            Optimizer = optimizer ?? new GradientDescent();
            Transform = UpdateRule.DefaultChain(Optimizer, schedule, weightDecay, clipNorm);
            (WeightDecay, ClipNorm) = (weightDecay, clipNorm);
        }
        else
        {
            if (optimizer is not null || weightDecay != 0 || clipNorm is not null)
            {
                throw new ArgumentException(
                    $"TrainConfig: give either a transform ({transform.Spec}) or an optimizer, weight decay and clip norm, not both; got optimizer {optimizer?.Name ?? "none"}, weight decay {weightDecay}, clip norm {clipNorm?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.",
                    nameof(transform));
            }
            Optimizer = LastOptimizer(transform) ?? throw new ArgumentException(
                $"TrainConfig: the transform {transform.Spec} has no optimizer link; expected one (sgd, momentum, nesterov, adagrad, rmsprop, adam), which applies the learning rate.",
                nameof(transform));
            ExplicitTransform = transform;
            Transform = transform.WithSchedule(schedule);
        }
        (Schedule, Initializer) = (schedule, initializer ?? new NormalInit(weightStd));
        Rule = new UpdateRule(Transform);
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

    /// <summary>
    /// The optimizer (plain SGD unless given), with its default hyperparameters unless given otherwise; with a
    /// transform, its last optimizer link.
    /// </summary>
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate per step: constant at <see cref="LearningRate"/> unless given.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>How the weights start: N(0, <see cref="WeightStd"/>²) unless given.</summary>
    public Initializer Initializer { get; }

    /// <summary>The update each step applies: <see cref="Transform"/>'s updates added to the parameters.</summary>
    public UpdateRule Rule { get; }

    /// <summary>
    /// The chain each step applies, with the run's schedule in its optimizer links: the default chain (weight decay,
    /// clipping, the optimizer) unless a transform was given.
    /// </summary>
    public GradientTransformation Transform { get; }

    /// <summary>The transform as given to the constructor, or null when the config uses the default chain.</summary>
    public GradientTransformation? ExplicitTransform { get; }

    /// <summary>λ of the default chain's weight decay (0: none); 0 with a transform, which says its own.</summary>
    public double WeightDecay { get; }

    /// <summary>The default chain's clip norm (null: none); null with a transform, which says its own.</summary>
    public double? ClipNorm { get; }

    /// <summary>True when each step is the book's <c>W −= lr·dW</c> alone, which training fuses into the backward pass.</summary>
    public bool IsPlainSgd => Transform is Chain { Links: [GradientDescent { Schedule: ConstantRate { Rate: var rate } }] } && rate == LearningRate;

    /// <summary>The floating-point format the steps compute in (float64 unless asked otherwise).</summary>
    public Precision Precision { get; }

    // The last Optimizer link, depth first through nested chains.
    private static Optimizer? LastOptimizer(GradientTransformation transform) => transform switch
    {
        Optimizer optimizer => optimizer,
        Chain chain => chain.Links.Reverse().Select(LastOptimizer).FirstOrDefault(o => o is not null),
        _ => null,
    };

    /// <summary>Steps per epoch: ⌈samples / batch size⌉, so an epoch draws at least as many samples as there are.</summary>
    public int StepsPerEpoch(int samples) => Math.Max(1, (samples + BatchSize - 1) / BatchSize);
}
