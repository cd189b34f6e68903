using System.Collections.Frozen;
using System.Collections.Immutable;
using Functional.Composition;
using Functional.Layers;
using Functional.Tensors;

namespace Functional.Networks;

/// <summary>
/// A classifier as a value: a chain of layers (<see cref="Body"/>) from a per-sample input shape to one score per
/// class, followed by Softmax-with-Loss. Any chain of <see cref="ILayer"/>s — built-in, a user's own, nested in
/// <see cref="Composition.Sequential"/> and <see cref="Residual"/> — is a network; the book's MLP is one instance
/// (<see cref="Mlp(IEnumerable{int}, IEnumerable{Activation}, bool, double)"/>).
/// </summary>
/// <remarks>
/// Parameters are named as <see cref="LayerPlan"/> describes: Affine layer k's are "Wk" and "bk", BatchNorm layer
/// k's "gammak" and "betak", with state "meank" and "vark", as the book names them; a user's layer's "kind1.name".
/// </remarks>
public sealed record Network
{

    /// <summary>A network of <paramref name="body"/> on per-sample inputs of shape <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A layer does not fit the shape before it, or the output is not one score per class (a shape [classes]); the
    /// message names the layer and the shapes.
    /// </exception>
    public Network(Shape input, ILayer body)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(body);
        if (input.Rank < 1 || input.Length < 1)
        {
            throw new ArgumentException($"Network: the per-sample input shape must have at least one element, got {input}.", nameof(input));
        }
        InputShape = input;
        Body = body is Sequential ? body : Composition.Sequential.Of(body);
        try
        {
            Plan = LayerPlan.For(Body, input);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Network: {e.Message}", nameof(body), e);
        }
        if (Plan.Output.Rank != 1)
        {
            throw new ArgumentException(
                $"Network: the last layer must give one score per class (a shape [classes]) for Softmax-with-Loss, but {Body.Spec} gives {Plan.Output} per sample.", nameof(body));
        }
        WeightNames = Plan.Parameters.Where(p => p.Role == ParamRole.Weight).Select(p => p.Name).ToFrozenSet(StringComparer.Ordinal);
        var top = ((Sequential)Body).Layers;
        AffineCount = Layers.OfType<AffineLayer>().Count();
        IsPlainMlp = top.Length % 2 == 1 && top.Select((l, i) => i % 2 == 0 ? l is AffineLayer : l is ReluLayer or SigmoidLayer).All(ok => ok);
        _hiddenIsRelu = [.. top.Where((_, i) => i % 2 == 1).Select(l => l is ReluLayer)];
    }

    // For a plain MLP, whether each hidden layer's activation is ReLU (else sigmoid): read on every fused step.
    private readonly ImmutableArray<bool> _hiddenIsRelu;

    /// <summary>The per-sample input shape, e.g. [784].</summary>
    public Shape InputShape { get; }

    /// <summary>The layers before the loss, as one <see cref="Composition.Sequential"/>.</summary>
    public ILayer Body { get; }

    /// <summary>The layers, depth-first (inside <see cref="Residual"/>s too).</summary>
    public IEnumerable<ILayer> Layers => Plan.Leaves;

    /// <summary>The chain compiled for the input shape.</summary>
    internal LayerPlan Plan { get; }

    /// <summary>The input width: the number of values per sample.</summary>
    public int InputSize => InputShape.Length;

    /// <summary>The number of classes.</summary>
    public int OutputSize => Plan.Output.Length;

    /// <summary>The architecture in string form, e.g. "affine:50,relu,affine:10": the <see cref="Body"/>'s spec.</summary>
    public string Spec => Body.Spec;

    /// <summary>Every trainable parameter, in order, with its name, shape and role.</summary>
    public ImmutableArray<ParamSpec> ParameterSpecs => Plan.Parameters;

    /// <summary>The names of the parameters the layers declare as weights (<see cref="ParamRole.Weight"/>): what weight decay shrinks.</summary>
    public IReadOnlySet<string> WeightNames { get; }

    /// <summary>Every non-trainable state tensor (BatchNorm's running statistics), in order, with its name and shape.</summary>
    public ImmutableArray<ParamSpec> StateSpecs => Plan.State;

    /// <summary>The input width and every Affine layer's outputs, depth-first, e.g. [784, 50, 10] for the book's net.</summary>
    public ImmutableArray<int> Sizes => [InputSize, .. Layers.OfType<AffineLayer>().Select(a => a.Outputs)];

    /// <summary>The number of Affine layers.</summary>
    public int AffineCount { get; }

    /// <summary>
    /// The book's feed-forward net: Affine layers of the widths <paramref name="sizes"/> (input, hidden…, output) with
    /// <paramref name="activation"/> after every hidden one.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two widths, or a width below 1.</exception>
    public static Network Sequential(IEnumerable<int> sizes, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var array = sizes.ToImmutableArray();
        return Mlp(array, Enumerable.Repeat(activation, Math.Max(0, array.Length - 2)));
    }

    /// <summary>A feed-forward net with its own activation after each hidden layer.</summary>
    /// <exception cref="ArgumentException">
    /// Fewer than two widths, a width below 1, an unknown activation, or not one activation per hidden layer.
    /// </exception>
    public static Network Sequential(IEnumerable<int> sizes, IEnumerable<Activation> activations) => Mlp(sizes, activations);

    /// <summary>
    /// The MLP of the book's chapters 5 and 6: every hidden layer is Affine, then BatchNorm if
    /// <paramref name="batchNorm"/>, the activation, then Dropout if <paramref name="dropout"/> &gt; 0; the last is Affine.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Fewer than two widths, a width below 1, an unknown activation, not one activation per hidden layer, or a
    /// dropout ratio outside [0, 1).
    /// </exception>
    public static Network Mlp(IEnumerable<int> sizes, IEnumerable<Activation> activations, bool batchNorm = false, double dropout = 0)
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
        if (!double.IsFinite(dropout) || dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"Network: the dropout ratio must be in [0, 1), got {dropout}.");
        }
        var layers = new List<ILayer>();
        for (var k = 1; k < widths.Length; k++)
        {
            layers.Add(new AffineLayer(widths[k]));
            if (k == widths.Length - 1)
            {
                break;
            }
            if (batchNorm)
            {
                layers.Add(new BatchNormLayer());
            }
            layers.Add(ActivationLayer(kinds[k - 1]));
            if (dropout > 0)
            {
                layers.Add(new DropoutLayer(dropout));
            }
        }
        return new Network(new Shape(widths[0]), new Sequential(layers));
    }

    /// <summary>The book's TwoLayerNet: Affine–Relu–Affine–Softmax-with-Loss.</summary>
    public static Network TwoLayerNet(int inputSize, int hiddenSize, int outputSize) =>
        Sequential([inputSize, hiddenSize, outputSize], Activation.Relu);

    /// <summary>The layer of an activation kind.</summary>
    /// <exception cref="ArgumentException">Not a defined <see cref="Activation"/>.</exception>
    public static ILayer ActivationLayer(Activation activation) => activation switch
    {
        Activation.Relu => new ReluLayer(),
        Activation.Sigmoid => new SigmoidLayer(),
        Activation.Tanh => new TanhLayer(),
        Activation.LeakyRelu => new LeakyReluLayer(),
        _ => throw new ArgumentException($"Network.Sequential: unknown activation {activation}.", nameof(activation)),
    };

    /// <summary>The name of Affine layer <paramref name="layer"/>'s weights (1-based), "W1", "W2", ….</summary>
    public static string WeightKey(int layer) => $"W{layer}";

    /// <summary>The name of Affine layer <paramref name="layer"/>'s biases (1-based), "b1", "b2", ….</summary>
    public static string BiasKey(int layer) => $"b{layer}";

    /// <summary>
    /// Whether the chain is the plain MLP of chapter 5 — Affine layers with ReLU or sigmoid between them and nothing
    /// else — which the fused SGD step trains (in either precision).
    /// </summary>
    public bool IsPlainMlp { get; }

    /// <summary>
    /// For a <see cref="IsPlainMlp"/> chain, whether hidden layer k (1-based) is followed by ReLU (true) or sigmoid.
    /// </summary>
    internal bool HiddenIsRelu(int k) => _hiddenIsRelu[k - 1];

    /// <summary>Describes the layers, e.g. <c>Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss</c>.</summary>
    public string Describe()
    {
        var width = InputSize;
        var parts = new List<string>();
        foreach (var layer in Layers)
        {
            parts.Add(layer switch
            {
                AffineLayer a => $"Affine({width}→{a.Outputs})",
                ReluLayer => "Relu",
                SigmoidLayer => "Sigmoid",
                TanhLayer => "Tanh",
                LeakyReluLayer l => l.Alpha.Equals(LeakyReluLayer.DefaultAlpha) ? "LeakyRelu" : l.Spec,
                BatchNormLayer => "BatchNorm",
                DropoutLayer d => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Dropout({d.Ratio})"),
                var other => other.Spec,
            });
            if (layer is AffineLayer affine)
            {
                width = affine.Outputs;
            }
        }
        var body = Body is Sequential { Layers: var top } && top.Any(l => l is Residual) ? Spec : string.Join(" ", parts);
        return body + " SoftmaxWithLoss";
    }

    /// <summary>The same as <see cref="Describe"/>.</summary>
    public override string ToString() => Describe();

    /// <summary>Value equality over the input shape and the layers.</summary>
    public bool Equals(Network? other) => other is not null && InputShape == other.InputShape && Body.Equals(other.Body);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputShape, Body);
}
