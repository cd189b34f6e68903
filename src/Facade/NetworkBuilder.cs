using System.Collections.Immutable;
using Functional.Composition;
using Functional.Initializers;
using Functional.Layers;
using Functional.Networks;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade;

/// <summary>
/// Builds a <see cref="Model"/> layer by layer:
/// <c>NetworkBuilder.Create(seed: 42).Affine(784, 50).Relu().Affine(50, 10).SoftmaxWithLoss().Build()</c>.
/// Any chain of built-in layers and a user's own (<see cref="Layer"/>, any <see cref="ILayer"/>) builds; the loss
/// comes last. Each call returns a new builder, so a partial builder can be shared and extended. Misuse is reported
/// by <see cref="Build"/>, naming the layer.
/// </summary>
public sealed class NetworkBuilder
{
    private readonly ImmutableList<Step> _steps;
    private readonly ulong _seed;
    private readonly Initializer _initializer;
    private readonly Shape? _input;

    private NetworkBuilder(ImmutableList<Step> steps, ulong seed, Initializer initializer, Shape? input) =>
        (_steps, _seed, _initializer, _input) = (steps, seed, initializer, input);

    /// <summary>An empty builder. The weights will be drawn from N(0, <paramref name="weightStd"/>²) with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">weightStd is not a positive finite number.</exception>
    public static NetworkBuilder Create(ulong seed = 0, double weightStd = 0.01)
    {
        if (!(weightStd > 0) || !double.IsFinite(weightStd))
        {
            throw new ArgumentOutOfRangeException(nameof(weightStd), weightStd, $"NetworkBuilder.Create: weightStd must be a positive finite number, got {weightStd}.");
        }
        return new([], seed, new NormalInit(weightStd), null);
    }

    /// <summary>An empty builder whose weights <paramref name="initializer"/> draws (e.g. <c>new He()</c>) with <paramref name="seed"/>.</summary>
    public static NetworkBuilder Create(ulong seed, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return new([], seed, initializer, null);
    }

    /// <summary>
    /// The per-sample input shape, e.g. <c>Input(784)</c>. Needed only when the first layer is not an
    /// <see cref="Affine(int, int)"/>, whose inputs give it.
    /// </summary>
    /// <exception cref="ArgumentException">A dimension below 1.</exception>
    public NetworkBuilder Input(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d < 1))
        {
            throw new ArgumentException($"NetworkBuilder.Input: every dimension must be ≥ 1, got [{string.Join(", ", shape)}].", nameof(shape));
        }
        return new(_steps, _seed, _initializer, new Shape(shape));
    }

    /// <summary>An Affine layer from <paramref name="inputs"/> to <paramref name="outputs"/> features (W is [inputs, outputs]).</summary>
    public NetworkBuilder Affine(int inputs, int outputs) => Add(new Step(null, $"Affine({inputs}→{outputs})", inputs, outputs, IsAffine: true));

    /// <summary>A ReLU activation.</summary>
    public NetworkBuilder Relu() => Layer(new ReluLayer());

    /// <summary>A sigmoid activation.</summary>
    public NetworkBuilder Sigmoid() => Layer(new SigmoidLayer());

    /// <summary>A tanh activation.</summary>
    public NetworkBuilder Tanh() => Layer(new TanhLayer());

    /// <summary>A leaky ReLU activation with slope <paramref name="alpha"/> for x ≤ 0.</summary>
    public NetworkBuilder LeakyRelu(double alpha = LeakyReluLayer.DefaultAlpha) => Add(new Step(() => new LeakyReluLayer(alpha), "LeakyRelu"));

    /// <summary>A BatchNorm layer (trainable γ, β; running statistics as state).</summary>
    public NetworkBuilder BatchNorm() => Layer(new BatchNormLayer());

    /// <summary>Inverted dropout of <paramref name="ratio"/> while training (nothing dropped at inference).</summary>
    public NetworkBuilder Dropout(double ratio) =>
        Add(new Step(() => new DropoutLayer(ratio), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Dropout({ratio})")));

    /// <summary>
    /// Any layer: a built-in one, <see cref="Composition.Sequential"/>, <see cref="Composition.Residual"/>, or a user's
    /// own class implementing <see cref="ILayer"/> (usually by deriving from <see cref="Layer"/>).
    /// </summary>
    public NetworkBuilder Layer(ILayer layer) => Add(new Step(layer is null ? null : () => layer, layer?.Spec ?? "null"));

    /// <summary>A skip connection around <paramref name="layers"/>: out = x + layers(x), which must keep the shape.</summary>
    public NetworkBuilder Residual(params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return Add(new Step(() => new Residual(layers.Length == 1 ? layers[0] : new Sequential(layers)), "Residual"));
    }

    /// <summary>The loss: softmax, then cross-entropy against the labels. The last layer.</summary>
    public NetworkBuilder SoftmaxWithLoss() => Add(new Step(null, "SoftmaxWithLoss", Loss: true));

    /// <summary>Checks the layers and draws the initial parameters.</summary>
    /// <exception cref="InvalidOperationException">
    /// The layers do not form a network: no loss or the loss not last, no input shape, Affine widths that do not
    /// match, or a layer that does not fit its input. The message names the layer.
    /// </exception>
    public Model Build()
    {
        var loss = _steps.FindIndex(s => s.Loss);
        if (loss >= 0 && loss < _steps.Count - 1)
        {
            throw Misuse($"layer {loss + 1} ({_steps[loss].Name}): the loss must be the last layer, but {_steps.Count - 1 - loss} layer(s) follow it.");
        }
        if (loss < 0)
        {
            throw Misuse("no loss: end the network with SoftmaxWithLoss().");
        }
        if (_steps.Count == 1)
        {
            throw Misuse("no layers before the loss: add Affine(inputs, outputs).");
        }
        var input = _input ?? (_steps[0].IsAffine
            ? new Shape(Math.Max(1, _steps[0].Inputs))
            : throw Misuse($"layer 1 ({_steps[0].Name}): the input shape is unknown; start with Affine(inputs, outputs) or give Input(…) first."));
        var layers = new List<ILayer>();
        for (var i = 0; i < _steps.Count - 1; i++)
        {
            var step = _steps[i];
            var name = $"layer {i + 1} ({step.Name})";
            if (step.Create is null && !step.IsAffine)
            {
                throw Misuse($"{name}: the layer is null.");
            }
            if (step.IsAffine)
            {
                if (step.Inputs < 1 || step.Outputs < 1)
                {
                    throw Misuse($"{name}: widths must be ≥ 1.");
                }
                var width = WidthBefore(input, layers, name);
                if (width != step.Inputs)
                {
                    throw Misuse($"{name}: takes {step.Inputs} inputs, but the layers before it give {width}.");
                }
                layers.Add(new AffineLayer(step.Outputs));
                continue;
            }
            try
            {
                layers.Add(step.Create!());
            }
            catch (ArgumentException e)
            {
                throw Misuse($"{name}: {e.Message}");
            }
        }
        Network network;
        try
        {
            network = new Network(input, new Sequential(layers));
        }
        catch (ArgumentException e)
        {
            throw Misuse(e.Message.Replace("Network: ", "", StringComparison.Ordinal));
        }
        var initKey = TrainingFold.Keys(_seed).Init;
        return new Model(network, Mlp.Initial(network, initKey, _initializer));
    }

    private static int WidthBefore(Shape input, List<ILayer> layers, string name)
    {
        if (layers.Count == 0)
        {
            return input.Length;
        }
        try
        {
            return new Sequential(layers).OutputShape(input).Length;
        }
        catch (ArgumentException e)
        {
            throw Misuse($"before {name}: {e.Message}");
        }
    }

    private NetworkBuilder Add(Step step) => new(_steps.Add(step), _seed, _initializer, _input);

    private static InvalidOperationException Misuse(string message) => new($"NetworkBuilder.Build: {message}");

    // One call of the builder: an Affine layer (its widths, checked against the layers before it at Build), the loss,
    // or any other layer, made at Build.
    private sealed record Step(Func<ILayer>? Create, string Name, int Inputs = 0, int Outputs = 0, bool Loss = false, bool IsAffine = false);
}
