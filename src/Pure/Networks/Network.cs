using System.Collections.Immutable;

namespace Functional.Networks;

/// <summary>
/// A feed-forward classifier as a value: Affine layers of the given widths with an activation between each pair,
/// ending in Softmax-with-Loss. Affine layer k (1-based) owns the parameters "Wk" and "bk", as in the book.
/// </summary>
public sealed record Network
{
    private Network(ImmutableArray<int> sizes, Activation activation)
    {
        Sizes = sizes;
        Activation = activation;
    }

    /// <summary>Layer widths from input to output, e.g. [784, 50, 10].</summary>
    public ImmutableArray<int> Sizes { get; }

    /// <summary>The activation after every Affine layer but the last.</summary>
    public Activation Activation { get; }

    /// <summary>The number of Affine layers.</summary>
    public int AffineCount => Sizes.Length - 1;

    /// <summary>The input width.</summary>
    public int InputSize => Sizes[0];

    /// <summary>The number of classes.</summary>
    public int OutputSize => Sizes[^1];

    /// <summary>
    /// A network of widths <paramref name="sizes"/> (input, hidden…, output): Affine–activation–…–Affine–Softmax-with-Loss.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two widths, or a width below 1.</exception>
    public static Network Sequential(IEnumerable<int> sizes, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var array = sizes.ToImmutableArray();
        if (array.Length < 2)
        {
            throw new ArgumentException($"Network.Sequential: expected at least an input and an output width, got [{string.Join(", ", array)}].", nameof(sizes));
        }
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i] < 1)
            {
                throw new ArgumentException($"Network.Sequential: every width must be ≥ 1, but width {i} is {array[i]}.", nameof(sizes));
            }
        }
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentException($"Network.Sequential: unknown activation {activation}.", nameof(activation));
        }
        return new Network(array, activation);
    }

    /// <summary>The book's TwoLayerNet: Affine–Relu–Affine–Softmax-with-Loss.</summary>
    public static Network TwoLayerNet(int inputSize, int hiddenSize, int outputSize) =>
        Sequential([inputSize, hiddenSize, outputSize], Activation.Relu);

    /// <summary>The name of Affine layer <paramref name="layer"/>'s weights (1-based), "W1", "W2", ….</summary>
    public static string WeightKey(int layer) => $"W{layer}";

    /// <summary>The name of Affine layer <paramref name="layer"/>'s biases (1-based), "b1", "b2", ….</summary>
    public static string BiasKey(int layer) => $"b{layer}";

    /// <summary>Describes the layers, e.g. <c>Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss</c>.</summary>
    public string Describe() =>
        string.Join(" ", Enumerable.Range(1, AffineCount).Select(k =>
            $"Affine({Sizes[k - 1]}→{Sizes[k]})" + (k < AffineCount ? $" {Activation}" : ""))) + " SoftmaxWithLoss";

    /// <summary>The same as <see cref="Describe"/>.</summary>
    public override string ToString() => Describe();

    /// <summary>Value equality over the widths and the activation.</summary>
    public bool Equals(Network? other) =>
        other is not null && Sizes.SequenceEqual(other.Sizes) && Activation == other.Activation;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Activation, Sizes.Aggregate(0, HashCode.Combine));
}
