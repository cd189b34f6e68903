using System.Collections.Immutable;

namespace Functional.Networks;

/// <summary>
/// A feed-forward classifier as a value: Affine layers of the given widths with an activation after each but the
/// last, ending in Softmax-with-Loss. Affine layer k (1-based) owns the parameters "Wk" and "bk", as in the book.
/// Optionally every hidden layer is Affine–BatchNorm–activation–Dropout, the order of the book's chapter 6.
/// </summary>
public sealed record Network
{
    private readonly double _dropoutRatio;

    private Network(ImmutableArray<int> sizes, ImmutableArray<Activation> activations)
    {
        Sizes = sizes;
        Activations = activations;
    }

    /// <summary>Layer widths from input to output, e.g. [784, 50, 10].</summary>
    public ImmutableArray<int> Sizes { get; }

    /// <summary>The activation after Affine layer 1, 2, …, one fewer than there are Affine layers.</summary>
    public ImmutableArray<Activation> Activations { get; }

    /// <summary>
    /// Whether a BatchNorm follows every hidden Affine layer k, with trainable "gammaK", "betaK" and running
    /// statistics "meanK", "varK" (state, not trained: see <see cref="IsTrainable"/>).
    /// </summary>
    public bool BatchNorm { get; init; }

    /// <summary>
    /// The fraction of every hidden layer's outputs dropped while training (inverted dropout; inference keeps all).
    /// 0, the default, means no Dropout.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [0, 1).</exception>
    public double DropoutRatio
    {
        get => _dropoutRatio;
        init => _dropoutRatio = value is >= 0 and < 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DropoutRatio), value, $"Network: the dropout ratio must be in [0, 1), got {value}.");
    }

    /// <summary>The number of Affine layers.</summary>
    public int AffineCount => Sizes.Length - 1;

    /// <summary>The input width.</summary>
    public int InputSize => Sizes[0];

    /// <summary>The number of classes.</summary>
    public int OutputSize => Sizes[^1];

    /// <summary>
    /// A network of widths <paramref name="sizes"/> (input, hidden…, output) with the same activation after every
    /// hidden layer: Affine–activation–…–Affine–Softmax-with-Loss.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two widths, or a width below 1.</exception>
    public static Network Sequential(IEnumerable<int> sizes, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var array = sizes.ToImmutableArray();
        return Sequential(array, Enumerable.Repeat(activation, Math.Max(0, array.Length - 2)));
    }

    /// <summary>A network with its own activation after each hidden layer.</summary>
    /// <exception cref="ArgumentException">
    /// Fewer than two widths, a width below 1, an unknown activation, or not one activation per hidden layer.
    /// </exception>
    public static Network Sequential(IEnumerable<int> sizes, IEnumerable<Activation> activations)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(activations);
        var widths = sizes.ToImmutableArray();
        var kinds = activations.ToImmutableArray();
        if (widths.Length < 2)
        {
            throw new ArgumentException($"Network.Sequential: expected at least an input and an output width, got [{string.Join(", ", widths)}].", nameof(sizes));
        }
        for (var i = 0; i < widths.Length; i++)
        {
            if (widths[i] < 1)
            {
                throw new ArgumentException($"Network.Sequential: every width must be ≥ 1, but width {i} is {widths[i]}.", nameof(sizes));
            }
        }
        if (kinds.Length != widths.Length - 2)
        {
            throw new ArgumentException(
                $"Network.Sequential: expected one activation for each of the {widths.Length - 2} hidden layers, got {kinds.Length}.", nameof(activations));
        }
        foreach (var kind in kinds)
        {
            if (!Enum.IsDefined(kind))
            {
                throw new ArgumentException($"Network.Sequential: unknown activation {kind}.", nameof(activations));
            }
        }
        return new Network(widths, kinds);
    }

    /// <summary>The book's TwoLayerNet: Affine–Relu–Affine–Softmax-with-Loss.</summary>
    public static Network TwoLayerNet(int inputSize, int hiddenSize, int outputSize) =>
        Sequential([inputSize, hiddenSize, outputSize], Activation.Relu);

    /// <summary>The name of Affine layer <paramref name="layer"/>'s weights (1-based), "W1", "W2", ….</summary>
    public static string WeightKey(int layer) => $"W{layer}";

    /// <summary>The name of Affine layer <paramref name="layer"/>'s biases (1-based), "b1", "b2", ….</summary>
    public static string BiasKey(int layer) => $"b{layer}";

    /// <summary>The name of hidden layer <paramref name="layer"/>'s BatchNorm scale γ, "gamma1", ….</summary>
    public static string GammaKey(int layer) => $"gamma{layer}";

    /// <summary>The name of hidden layer <paramref name="layer"/>'s BatchNorm shift β, "beta1", ….</summary>
    public static string BetaKey(int layer) => $"beta{layer}";

    /// <summary>The name of hidden layer <paramref name="layer"/>'s BatchNorm running mean, "mean1", ….</summary>
    public static string RunningMeanKey(int layer) => $"mean{layer}";

    /// <summary>The name of hidden layer <paramref name="layer"/>'s BatchNorm running variance, "var1", ….</summary>
    public static string RunningVarianceKey(int layer) => $"var{layer}";

    /// <summary>False for BatchNorm's running statistics, which training replaces instead of descending on; true otherwise.</summary>
    public static bool IsTrainable(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return !(key.StartsWith("mean", StringComparison.Ordinal) || key.StartsWith("var", StringComparison.Ordinal));
    }

    /// <summary>Every parameter this network has, with its shape, in no particular order.</summary>
    public IEnumerable<(string Key, int[] Shape)> ParameterShapes()
    {
        for (var k = 1; k <= AffineCount; k++)
        {
            yield return (WeightKey(k), [Sizes[k - 1], Sizes[k]]);
            yield return (BiasKey(k), [Sizes[k]]);
            if (BatchNorm && k < AffineCount)
            {
                yield return (GammaKey(k), [Sizes[k]]);
                yield return (BetaKey(k), [Sizes[k]]);
                yield return (RunningMeanKey(k), [Sizes[k]]);
                yield return (RunningVarianceKey(k), [Sizes[k]]);
            }
        }
    }

    /// <summary>
    /// Whether the network uses a layer beyond chapter 5's — BatchNorm, Dropout, tanh or leaky ReLU — which the fused
    /// SGD and float32 paths do not train.
    /// </summary>
    public bool UsesChapter6Layers =>
        BatchNorm || DropoutRatio > 0 || Activations.Any(a => a is not (Activation.Relu or Activation.Sigmoid));

    /// <summary>The network with only its first <paramref name="affineLayers"/> Affine layers (and the activations between them).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between 1 and <see cref="AffineCount"/>.</exception>
    public Network Prefix(int affineLayers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(affineLayers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(affineLayers, AffineCount);
        return new Network(Sizes[..(affineLayers + 1)], Activations[..(affineLayers - 1)]) { BatchNorm = BatchNorm, DropoutRatio = DropoutRatio };
    }

    /// <summary>Describes the layers, e.g. <c>Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss</c>.</summary>
    public string Describe() =>
        string.Join(" ", Enumerable.Range(1, AffineCount).Select(k =>
            $"Affine({Sizes[k - 1]}→{Sizes[k]})" + (k < AffineCount ? Hidden(k) : ""))) + " SoftmaxWithLoss";

    private string Hidden(int k) =>
        (BatchNorm ? " BatchNorm" : "") + $" {Activations[k - 1]}" +
        (DropoutRatio > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" Dropout({DropoutRatio})") : "");

    /// <summary>The same as <see cref="Describe"/>.</summary>
    public override string ToString() => Describe();

    /// <summary>Value equality over the widths, the activations, BatchNorm and the dropout ratio.</summary>
    public bool Equals(Network? other) =>
        other is not null && Sizes.SequenceEqual(other.Sizes) && Activations.SequenceEqual(other.Activations)
        && BatchNorm == other.BatchNorm && DropoutRatio.Equals(other.DropoutRatio);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Sizes.Aggregate(0, HashCode.Combine), Activations.Aggregate(0, (h, a) => HashCode.Combine(h, a)), BatchNorm, DropoutRatio);
}
