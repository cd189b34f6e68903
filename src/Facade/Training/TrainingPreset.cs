using System.Collections.Immutable;
using System.Globalization;

namespace Functional.Facade.Training;

/// <summary>
/// A named set of training settings for <c>train --preset NAME</c>; flags given with the preset override its values.
/// </summary>
/// <param name="Name">The preset's name on the command line.</param>
/// <param name="Description">One line on what it is and what it reaches.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">The initial learning rate.</param>
/// <param name="Hidden">Hidden-layer widths.</param>
/// <param name="Activation">The hidden layers' activation name.</param>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="Init">The initializer's spec.</param>
/// <param name="WeightDecay">λ of weight decay (0 for none).</param>
/// <param name="Dropout">The dropout ratio (0 for none).</param>
/// <param name="BatchNorm">Whether hidden layers have BatchNorm.</param>
/// <param name="Schedule">The learning-rate schedule's spec.</param>
public sealed record TrainingPreset(string Name, string Description, int Steps, int BatchSize, double LearningRate,
    ImmutableArray<int> Hidden, string Activation, string Optimizer, string Init, double WeightDecay, double Dropout, bool BatchNorm,
    string Schedule)
{
    /// <summary>The book's TwoLayerNet as train_neuralnet.py trains it: the command line's defaults.</summary>
    public static TrainingPreset Book { get; } = new("book",
        "the book's TwoLayerNet: 784-50-10 ReLU, SGD lr 0.1, N(0, 0.01²), batch 100, 10,000 steps (about 93% test)",
        10_000, 100, 0.1, [50], "relu", "sgd", "normal:0.01", 0, 0, false, "constant");

    /// <summary>Chapter 6's techniques together, tuned on the embedded 10k digits.</summary>
    public static TrainingPreset Chapter6 { get; } = new("chapter6",
        "chapter 6 together: 784-256-128-10 ReLU, Adam lr 0.001 with cosine decay, He init, dropout 0.3, batch 100, 8,000 steps",
        8_000, 100, 0.001, [256, 128], "relu", "adam", "he", 0, 0.3, false, "cosine");

    /// <summary>Every preset, by name.</summary>
    public static ImmutableArray<TrainingPreset> All { get; } = [Book, Chapter6];

    /// <summary>The preset named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No preset has that name; the message lists them.</exception>
    public static TrainingPreset Named(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"unknown preset '{name}'; expected one of {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Description}");
}
