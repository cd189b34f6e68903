using System.Collections.Immutable;
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
    private readonly double _weightStd;

    private NetworkBuilder(ImmutableList<Layer> layers, ulong seed, double weightStd) =>
        (_layers, _seed, _weightStd) = (layers, seed, weightStd);

    private enum Kind
    {
        Affine,
        Relu,
        Sigmoid,
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
        return new([], seed, weightStd);
    }

    /// <summary>Adds an Affine layer from <paramref name="inputs"/> to <paramref name="outputs"/> features.</summary>
    public NetworkBuilder Affine(int inputs, int outputs) => Add(new Layer(Kind.Affine, inputs, outputs));

    /// <summary>Adds a ReLU activation.</summary>
    public NetworkBuilder Relu() => Add(new Layer(Kind.Relu, 0, 0));

    /// <summary>Adds a sigmoid activation.</summary>
    public NetworkBuilder Sigmoid() => Add(new Layer(Kind.Sigmoid, 0, 0));

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
        for (var i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            var name = $"layer {i + 1} ({layer})";
            var previous = i > 0 ? _layers[i - 1].Kind : (Kind?)null;
            switch (layer.Kind)
            {
                case Kind.Affine when layer.Inputs < 1 || layer.Outputs < 1:
                    throw Misuse($"{name}: widths must be ≥ 1.");
                case Kind.Affine when previous == Kind.Affine:
                    throw Misuse($"{name}: two Affine layers in a row; put Relu() or Sigmoid() between them.");
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
                default:   // an activation
                    if (previous != Kind.Affine)
                    {
                        throw Misuse($"{name}: an activation must follow an Affine layer{(previous is null ? "; start with Affine(inputs, outputs)" : $", not {previous}")}.");
                    }
                    activations.Add(layer.Kind == Kind.Relu ? Activation.Relu : Activation.Sigmoid);
                    break;
            }
        }
        if (_layers.Count == 0 || _layers[^1].Kind != Kind.SoftmaxWithLoss)
        {
            throw Misuse("no loss: end the network with SoftmaxWithLoss().");
        }
        var network = Network.Sequential(sizes, activations);
        var initKey = TrainingFold.Keys(_seed).Init;
        return new Model(network, Mlp.Init(network, initKey, _weightStd));
    }

    private NetworkBuilder Add(Layer layer) => new(_layers.Add(layer), _seed, _weightStd);

    private static InvalidOperationException Misuse(string message) => new($"NetworkBuilder.Build: {message}");

    private sealed record Layer(Kind Kind, int Inputs, int Outputs)
    {
        public override string ToString() => Kind == Kind.Affine ? $"Affine({Inputs}→{Outputs})" : Kind.ToString();
    }
}
