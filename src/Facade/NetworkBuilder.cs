using System.Collections.Immutable;
using Functional.Initializers;
using Functional.Networks;
using Functional.Training;

namespace Functional.Facade;

/// <summary>
/// Builds a <see cref="Model"/> layer by layer:
/// <c>NetworkBuilder.Create(seed: 42).Affine(784, 50).Relu().Affine(50, 10).SoftmaxWithLoss().Build()</c>.
/// Each call returns a new builder, so a partial builder can be shared and extended. Misuse is reported by
/// <see cref="Build"/>, naming the layer.
/// </summary>
public sealed class NetworkBuilder
{
    private readonly ImmutableList<Layer> _layers;
    private readonly ulong _seed;
    private readonly Initializer _initializer;

    private NetworkBuilder(ImmutableList<Layer> layers, ulong seed, Initializer initializer) =>
        (_layers, _seed, _initializer) = (layers, seed, initializer);

    private enum Kind
    {
        Affine,
        Relu,
        Sigmoid,
        Tanh,
        LeakyRelu,
        BatchNorm,
        Dropout,
        SoftmaxWithLoss,
    }

    /// <summary>An empty builder. The weights will be drawn from N(0, <paramref name="weightStd"/>²) with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">weightStd is not a positive finite number.</exception>
    public static NetworkBuilder Create(ulong seed = 0, double weightStd = 0.01)
    {
        if (!(weightStd > 0) || !double.IsFinite(weightStd))
        {
            throw new ArgumentOutOfRangeException(nameof(weightStd), weightStd, $"NetworkBuilder.Create: weightStd must be a positive finite number, got {weightStd}.");
        }
        return new([], seed, new NormalInit(weightStd));
    }

    /// <summary>An empty builder whose weights <paramref name="initializer"/> draws (e.g. <c>new He()</c>) with <paramref name="seed"/>.</summary>
    public static NetworkBuilder Create(ulong seed, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return new([], seed, initializer);
    }

    /// <summary>Adds an Affine layer from <paramref name="inputs"/> to <paramref name="outputs"/> features.</summary>
    public NetworkBuilder Affine(int inputs, int outputs) => Add(new Layer(Kind.Affine, inputs, outputs));

    /// <summary>Adds a ReLU activation.</summary>
    public NetworkBuilder Relu() => Add(new Layer(Kind.Relu, 0, 0));

    /// <summary>Adds a sigmoid activation.</summary>
    public NetworkBuilder Sigmoid() => Add(new Layer(Kind.Sigmoid, 0, 0));

    /// <summary>Adds a tanh activation.</summary>
    public NetworkBuilder Tanh() => Add(new Layer(Kind.Tanh, 0, 0));

    /// <summary>Adds a leaky ReLU activation (slope 0.01 for x ≤ 0).</summary>
    public NetworkBuilder LeakyRelu() => Add(new Layer(Kind.LeakyRelu, 0, 0));

    /// <summary>
    /// Adds BatchNorm between a hidden Affine layer and its activation. A network has it after every hidden
    /// Affine layer or after none.
    /// </summary>
    public NetworkBuilder BatchNorm() => Add(new Layer(Kind.BatchNorm, 0, 0));

    /// <summary>
    /// Adds Dropout of <paramref name="ratio"/> after a hidden activation (while training; inference keeps every
    /// unit). A network has it, with one ratio, after every hidden activation or after none.
    /// </summary>
    public NetworkBuilder Dropout(double ratio) => Add(new Layer(Kind.Dropout, 0, 0, ratio));

    /// <summary>Ends the network with Softmax-with-Loss.</summary>
    public NetworkBuilder SoftmaxWithLoss() => Add(new Layer(Kind.SoftmaxWithLoss, 0, 0));

    /// <summary>
    /// Checks the layers and initialises the parameters: Affine layers with an activation between each pair,
    /// widths that chain, and Softmax-with-Loss last. Uses the same keys as <c>train</c> with the same seed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layers do not form such a network; the message names the layer.</exception>
    public Model Build()
    {
        var sizes = new List<int>();
        var activations = new List<Activation>();
        var norms = 0;
        var dropouts = new List<double>();
        for (var i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            var name = $"layer {i + 1} ({layer})";
            var previous = i > 0 ? _layers[i - 1].Kind : (Kind?)null;
            switch (layer.Kind)
            {
                case Kind.Affine when layer.Inputs < 1 || layer.Outputs < 1:
                    throw Misuse($"{name}: widths must be ≥ 1.");
                case Kind.Affine when previous is Kind.Affine or Kind.BatchNorm:
                    throw Misuse($"{name}: two Affine layers in a row; put an activation such as Relu() between them.");
                case Kind.Affine when sizes.Count > 0 && sizes[^1] != layer.Inputs:
                    throw Misuse($"{name}: takes {layer.Inputs} inputs, but the Affine layer before it gives {sizes[^1]}.");
                case Kind.Affine:
                    if (sizes.Count == 0)
                    {
                        sizes.Add(layer.Inputs);
                    }
                    sizes.Add(layer.Outputs);
                    break;
                case Kind.SoftmaxWithLoss when i != _layers.Count - 1:
                    throw Misuse($"{name}: the loss must be the last layer, but {_layers.Count - 1 - i} layer(s) follow it.");
                case Kind.SoftmaxWithLoss when previous != Kind.Affine:
                    throw Misuse($"{name}: the loss must follow an Affine layer (the class scores){(previous is null ? "" : $", not {previous}")}.");
                case Kind.SoftmaxWithLoss:
                    break;
                case Kind.BatchNorm when previous != Kind.Affine:
                    throw Misuse($"{name}: BatchNorm must follow a hidden Affine layer{(previous is null ? "" : $", not {previous}")}.");
                case Kind.BatchNorm:
                    norms++;
                    break;
                case Kind.Dropout when previous is not (Kind.Relu or Kind.Sigmoid or Kind.Tanh or Kind.LeakyRelu):
                    throw Misuse($"{name}: Dropout must follow an activation{(previous is null ? "" : $", not {previous}")}.");
                case Kind.Dropout when !(layer.Ratio is >= 0 and < 1):
                    throw Misuse($"{name}: the ratio must be in [0, 1), got {layer.Ratio}.");
                case Kind.Dropout:
                    dropouts.Add(layer.Ratio);
                    break;
                default:   // an activation
                    if (previous is not (Kind.Affine or Kind.BatchNorm))
                    {
                        throw Misuse($"{name}: an activation must follow an Affine layer{(previous is null ? "; start with Affine(inputs, outputs)" : $", not {previous}")}.");
                    }
                    activations.Add(layer.Kind switch
                    {
                        Kind.Relu => Activation.Relu,
                        Kind.Sigmoid => Activation.Sigmoid,
                        Kind.Tanh => Activation.Tanh,
                        _ => Activation.LeakyRelu,
                    });
                    break;
            }
        }
        if (_layers.Count == 0 || _layers[^1].Kind != Kind.SoftmaxWithLoss)
        {
            throw Misuse("no loss: end the network with SoftmaxWithLoss().");
        }
        if (norms != 0 && norms != activations.Count)
        {
            throw Misuse($"BatchNorm follows {norms} of the {activations.Count} hidden Affine layers; put it after every one or none.");
        }
        if (dropouts.Count != 0 && (dropouts.Count != activations.Count || dropouts.Distinct().Count() != 1))
        {
            throw Misuse($"Dropout follows {dropouts.Count} of the {activations.Count} hidden activations with ratios {string.Join(", ", dropouts)}; " +
                "put it after every one, with one ratio, or after none.");
        }
        var network = Network.Sequential(sizes, activations) with { BatchNorm = norms > 0, DropoutRatio = dropouts.Count > 0 ? dropouts[0] : 0 };
        var initKey = TrainingFold.Keys(_seed).Init;
        return new Model(network, Mlp.Init(network, initKey, _initializer));
    }

    private NetworkBuilder Add(Layer layer) => new(_layers.Add(layer), _seed, _initializer);

    private static InvalidOperationException Misuse(string message) => new($"NetworkBuilder.Build: {message}");

    private sealed record Layer(Kind Kind, int Inputs, int Outputs, double Ratio = 0)
    {
        public override string ToString() => Kind switch
        {
            Kind.Affine => $"Affine({Inputs}→{Outputs})",
            Kind.Dropout => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Dropout({Ratio})"),
            _ => Kind.ToString(),
        };
    }
}
