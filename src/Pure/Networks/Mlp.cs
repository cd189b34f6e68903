using System.Collections.Immutable;
using System.Numerics;
using Functional.Composition;
using Functional.Data;
using Functional.Initializers;
using Functional.Layers;
using Functional.Losses;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Networks;

/// <summary>
/// The functions of any <see cref="Network"/>, as the book's <c>TwoLayerNet</c> methods: predict, loss, accuracy,
/// backprop gradient and numerical gradient — each taking the parameters (and the state, for a network with
/// BatchNorm) as arguments instead of reading fields.
/// </summary>
public static class Mlp
{
    /// <summary>
    /// The book's initialisation: every W drawn from N(0, <paramref name="weightStd"/>²), every b zero. Layer k's
    /// weights come from <c>key.FoldIn(k)</c>, so changing one layer's width leaves the others' draws alone.
    /// </summary>
    /// <exception cref="ArgumentException">weightStd is not a positive finite number.</exception>
    public static ParamTree<double> Init(Network network, RngKey key, double weightStd = 0.01)
    {
        if (!(weightStd > 0) || !double.IsFinite(weightStd))
        {
            throw new ArgumentException($"Mlp.Init: weightStd must be a positive finite number, got {weightStd}.", nameof(weightStd));
        }
        return Init(network, key, new NormalInit(weightStd));
    }

    /// <summary>
    /// Every layer's starting parameters and state, each from its own key under <paramref name="key"/> (Affine layer
    /// k's weights from <c>key.FoldIn(k)</c>, drawn by <paramref name="initializer"/>; biases zero; BatchNorm's γ = 1,
    /// β = 0 and running statistics 0, the book's starting values).
    /// </summary>
    public static NetworkValues<double> Initial(Network network, RngKey key, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(initializer);
        var init = network.Plan.Init(key, initializer);
        return new NetworkValues<double>(Tree(network.ParameterSpecs, init.Params), Tree(network.StateSpecs, init.State));
    }

    /// <summary>The trainable parameters <see cref="Initial"/> starts from.</summary>
    public static ParamTree<double> Init(Network network, RngKey key, Initializer initializer) => Initial(network, key, initializer).Params;

    /// <summary>The state <see cref="Initial"/> starts from (empty for a network without BatchNorm or other state).</summary>
    public static ParamTree<double> InitialState(Network network, RngKey key, Initializer initializer) => Initial(network, key, initializer).State;

    /// <summary>
    /// The scores before softmax, [batch, classes], as the book's <c>predict</c> at inference: BatchNorm uses its
    /// running statistics (<paramref name="state"/>) and Dropout keeps every unit.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters or state do not fit the network, or x does not fit the first layer.</exception>
    public static Tensor<T> Predict<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (p, s) = Values(network, parameters, state);
        try
        {
            return network.Plan.Infer(p, s, x);
        }
        catch (ArgumentException e) when (e.ParamName == "x")
        {
            throw new ArgumentException($"Mlp.Predict: {e.Message}", nameof(x), e);
        }
    }

    /// <summary><see cref="Predict{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T})"/> for a network without state.</summary>
    public static Tensor<T> Predict<T>(Network network, ParamTree<T> parameters, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Predict(network, parameters, ParamTree<T>.Empty, x);

    /// <summary>The mean cross-entropy of softmax(predict(x)) against <paramref name="labels"/>, at inference.</summary>
    public static double Loss<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SoftmaxWithLoss.Forward(Predict(network, parameters, state, x), labels).Output;

    /// <summary><see cref="Loss{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels)"/> for a network without state.</summary>
    public static double Loss<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> => Loss(network, parameters, ParamTree<T>.Empty, x, labels);

    /// <summary>The fraction of samples whose highest score (first on ties, as NumPy's argmax) is the label's class.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static double Accuracy<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        (double)CorrectCount(network, parameters, state, x, labels) / x.Shape[0];

    /// <summary><see cref="Accuracy{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels)"/> for a network without state.</summary>
    public static double Accuracy<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> => Accuracy(network, parameters, ParamTree<T>.Empty, x, labels);

    /// <summary>How many samples' highest score (first on ties) is the label's class.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static int CorrectCount<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        CountCorrect(Predict(network, parameters, state, x), labels);

    /// <summary><see cref="CorrectCount{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels)"/> for a network without state.</summary>
    public static int CorrectCount<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> => CorrectCount(network, parameters, ParamTree<T>.Empty, x, labels);

    /// <summary>The mean loss and the number classified correctly, from one forward pass without caches kept.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static (double Loss, int Correct) Evaluate<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scores = Predict(network, parameters, state, x);
        return (SoftmaxWithLoss.Forward(scores, labels).Output, CountCorrect(scores, labels));
    }

    private static int CountCorrect<T>(Tensor<T> scores, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(labels);
        int batch = scores.Shape[0], classes = scores.Shape[1];
        if (labels.Count != batch)
        {
            throw new ArgumentException($"Mlp.Accuracy: expected {batch} labels, one per sample, got {labels.Count}.", nameof(labels));
        }
        var correct = 0;
        for (var i = 0; i < batch; i++)
        {
            if (ArgMax(scores.Span.Slice(i * classes, classes)) == TargetClass(labels, i, classes))
            {
                correct++;
            }
        }
        return correct;
    }

    /// <summary>
    /// The loss and its gradient for every parameter by backpropagation, as the book's <c>gradient</c>: forward
    /// through every layer keeping each cache, then Backward through the caches in reverse.
    /// </summary>
    /// <remarks>
    /// For a network with BatchNorm or Dropout this is the training-mode loss (batch statistics; the Dropout masks
    /// of the default key).
    /// </remarks>
    public static (double Loss, ParamTree<T> Gradient) LossAndGradient<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var pass = TrainingPass(network, parameters, state, x, labels, default);
        return (pass.Loss, pass.Gradient);
    }

    /// <summary><see cref="LossAndGradient{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels)"/> for a network without state.</summary>
    public static (double Loss, ParamTree<T> Gradient) LossAndGradient<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossAndGradient(network, parameters, ParamTree<T>.Empty, x, labels);

    /// <summary>
    /// One training-mode pass: forward with BatchNorm on the batch's statistics and each layer's randomness (Dropout's
    /// masks; Dropout layer k's from <c>key.FoldIn(k)</c>) under <paramref name="key"/>, then backward. Returns the
    /// loss, the gradient of every trainable parameter, and the state after the batch.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters or state do not fit the network, or the data does not fit them.</exception>
    public static TrainingPass<T> TrainingPass<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels, RngKey key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (p, s) = Values(network, parameters, state);
        ArgumentNullException.ThrowIfNull(x);
        Forwarded<T> forwarded;
        try
        {
            forwarded = network.Plan.Forward(p, s, x, training: true, key);
        }
        catch (ArgumentException e) when (e.ParamName == "x")
        {
            throw new ArgumentException($"Mlp.TrainingPass: {e.Message}", nameof(x), e);
        }
        var (loss, lossCache) = SoftmaxWithLoss.Forward(forwarded.Output, labels);
        var (_, gradient) = network.Plan.Backward(forwarded.Cache, SoftmaxWithLoss.Backward(lossCache), needDx: false);
        return new TrainingPass<T>(loss, Tree(network.ParameterSpecs, gradient), Tree(network.StateSpecs, forwarded.State));
    }

    /// <summary><see cref="TrainingPass{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels, RngKey)"/> for a network without state.</summary>
    public static TrainingPass<T> TrainingPass<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels, RngKey key)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        TrainingPass(network, parameters, ParamTree<T>.Empty, x, labels, key);

    /// <summary>
    /// The loss, and the parameters after one SGD step: bit-identical to
    /// <c>Sgd.Update(parameters, LossAndGradient(…).Gradient, learningRate)</c>, but the first layer's update is
    /// fused into its weight-gradient product, so its dW (the largest gradient) is never stored.
    /// </summary>
    /// <exception cref="ArgumentException">The network is not a plain MLP of ReLU and sigmoid (use <see cref="TrainingPass{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels, RngKey)"/>).</exception>
    public static (double Loss, ParamTree<T> Updated) SgdStep<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePlain(network);
        return Backprop(network, parameters, x, null, labels, learningRate);
    }

    /// <summary><see cref="SgdStep"/> on a batch of images given as pixels: the same bits as on their float64 features.</summary>
    internal static (double Loss, ParamTree<T> Updated) SgdStepOnPixels<T>(Network network, ParamTree<T> parameters, PixelBatch x, Labels labels, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePlain(network);
        return Backprop(network, parameters, null, x, labels, learningRate);
    }

    private static void RequirePlain(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!network.IsPlainMlp)
        {
            throw new ArgumentException($"Mlp.SgdStep: fuses plain SGD for Affine layers with ReLU or sigmoid between them, got {network.Describe()}.", nameof(network));
        }
    }

    /// <summary>
    /// Forward keeping caches, then backward, turning each layer's gradient into its updated parameters as soon as
    /// it is known (the first layer's inside its dW product). A plan for <see cref="Network.IsPlainMlp"/> chains:
    /// the general pass and <see cref="Sgd.Updated"/> give the same bits.
    /// </summary>
    private static (double Loss, ParamTree<T> Result) Backprop<T>(Network network, ParamTree<T> parameters, Tensor<T>? x, PixelBatch? pixels, Labels labels, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireFit(network, parameters);
        var affineCount = network.AffineCount;
        var affineCaches = new AffineCache<T>[affineCount];
        var activationCaches = new LayerCache[affineCount - 1];
        var h = x!;
        for (var k = 1; k <= affineCount; k++)
        {
            if (k == 1 && pixels is not null)
            {
                h = Affine.ForwardPixels(AffineParamsOf(parameters, 1), pixels);   // no cache: the update reads the pixels
            }
            else
            {
                (h, affineCaches[k - 1]) = Affine.Forward(AffineParamsOf(parameters, k), h);
            }
            if (k < affineCount)
            {
                if (network.HiddenIsRelu(k))
                {
                    // The affine output was made just above and nothing else holds it: ReLU rewrites it in place
                    // (the values Relu.Forward gives), saving a batch-sized array and a pass over it.
                    (h, activationCaches[k - 1]) = Relu.ForwardReplacing(h);
                }
                else
                {
                    (h, activationCaches[k - 1]) = Sigmoid.Forward(h);
                }
            }
        }
        var (loss, lossCache) = SoftmaxWithLoss.Forward(h, labels);

        var results = new List<KeyValuePair<string, Tensor<T>>>();
        var dh = SoftmaxWithLoss.Backward(lossCache);
        var rate = T.CreateTruncating(learningRate);
        for (var k = affineCount; k >= 1; k--)
        {
            if (k == 1)
            {
                // The input needs no gradient: skip dOut·W1ᵀ, a third of the first layer's backward work.
                var (first, firstBias) = pixels is null
                    ? Affine.SgdUpdated(affineCaches[0], dh, AffineParamsOf(parameters, 1), rate)
                    : Affine.SgdUpdatedPixels(pixels, dh, AffineParamsOf(parameters, 1), rate);
                results.Add(new(Network.WeightKey(1), first));
                results.Add(new(Network.BiasKey(1), firstBias));
                break;
            }
            var g = Affine.Backward(affineCaches[k - 1], dh);
            results.Add(new(Network.WeightKey(k), Sgd.Updated(parameters[Network.WeightKey(k)], g.DW, learningRate)));
            results.Add(new(Network.BiasKey(k), Sgd.Updated(parameters[Network.BiasKey(k)], g.DB, learningRate)));
            dh = activationCaches[k - 2] switch
            {
                ReluCache rc => Relu.BackwardReplacing(rc, g.Dx),   // g.Dx was made just above for this alone
                SigmoidCache<T> sc => Sigmoid.Backward(sc, g.Dx),
                _ => throw new InvalidOperationException("unreachable: unknown activation cache"),
            };
        }
        return (loss, ParamTree<T>.Of(results));
    }

    /// <summary>The gradient of the loss for every parameter by backpropagation.</summary>
    public static ParamTree<T> Gradient<T>(Network network, ParamTree<T> parameters, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossAndGradient(network, parameters, x, labels).Gradient;

    /// <summary>The gradient of the loss for every parameter by backpropagation, for a network with state.</summary>
    public static ParamTree<T> Gradient<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, Tensor<T> x, Labels labels)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossAndGradient(network, parameters, state, x, labels).Gradient;

    /// <summary>
    /// The gradient by central differences, one parameter element at a time, as the book's
    /// <c>numerical_gradient</c>: slow (two forward passes per parameter) and meant for checking <see cref="Gradient{T}(Network, ParamTree{T}, Tensor{T}, Labels)"/>.
    /// It differentiates the same training-mode loss <see cref="LossAndGradient{T}(Network, ParamTree{T}, ParamTree{T}, Tensor{T}, Labels)"/> does.
    /// </summary>
    public static ParamTree<double> NumericalGradient(Network network, ParamTree<double> parameters, ParamTree<double> state, Tensor<double> x, Labels labels,
        double h = Verification.NumericalGradient.DefaultStep)
    {
        Values(network, parameters, state);
        return ParamTree<double>.Of(parameters.Leaves.Select(kv => KeyValuePair.Create(kv.Key,
            Verification.NumericalGradient.Of(t => TrainingPass(network, parameters.With(kv.Key, t), state, x, labels, default).Loss, kv.Value, h))));
    }

    /// <summary><see cref="NumericalGradient(Network, ParamTree{double}, ParamTree{double}, Tensor{double}, Labels, double)"/> for a network without state.</summary>
    public static ParamTree<double> NumericalGradient(Network network, ParamTree<double> parameters, Tensor<double> x, Labels labels,
        double h = Verification.NumericalGradient.DefaultStep) => NumericalGradient(network, parameters, ParamTree<double>.Empty, x, labels, h);

    /// <summary>Checks that the parameters are exactly the network's, by name and shape.</summary>
    /// <exception cref="ArgumentException">A parameter is missing, extra, or of the wrong shape.</exception>
    public static void RequireFit<T>(Network network, ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        Positional(network, "parameters", network.ParameterSpecs, parameters, nameof(parameters));
    }

    /// <summary>Checks that the parameters and the state are exactly the network's, by name and shape.</summary>
    /// <exception cref="ArgumentException">A tensor is missing, extra, or of the wrong shape.</exception>
    public static void RequireFit<T>(Network network, ParamTree<T> parameters, ParamTree<T> state)
        where T : unmanaged, IFloatingPointIeee754<T> => Values(network, parameters, state);

    /// <summary>Splits tensors named as the network names them — a saved file's — into its parameters and its state.</summary>
    /// <exception cref="ArgumentException">A tensor is missing, extra, or of the wrong shape.</exception>
    public static NetworkValues<T> Split<T>(Network network, ParamTree<T> all)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(all);
        var stateNames = network.StateSpecs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var values = new NetworkValues<T>(
            ParamTree<T>.Of(all.Leaves.Where(kv => !stateNames.Contains(kv.Key))),
            ParamTree<T>.Of(all.Leaves.Where(kv => stateNames.Contains(kv.Key))));
        RequireFit(network, values.Params, values.State);
        return values;
    }

    /// <summary>The parameters and the state in one tree, as files hold them; their names never overlap.</summary>
    public static ParamTree<T> Merge<T>(ParamTree<T> parameters, ParamTree<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        return state.Leaves.IsEmpty ? parameters : ParamTree<T>.Of([.. parameters.Leaves, .. state.Leaves]);
    }

    private static (Params<T> Params, LayerState<T> State) Values<T>(Network network, ParamTree<T> parameters, ParamTree<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        return (new Params<T>(Positional(network, "parameters", network.ParameterSpecs, parameters, nameof(parameters))),
            new LayerState<T>(Positional(network, "state", network.StateSpecs, state, nameof(state))));
    }

    private static ImmutableArray<Tensor<T>> Positional<T>(Network network, string what, ImmutableArray<ParamSpec> specs, ParamTree<T> tree, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (tree.Leaves.Count != specs.Length || specs.Any(s => !tree.Leaves.ContainsKey(s.Name)))
        {
            throw new ArgumentException(
                $"Mlp: the network {network.Describe()} needs {what} {Names(specs.Select(s => s.Name))}, got {Names(tree.Keys)}.", paramName);
        }
        var values = ImmutableArray.CreateBuilder<Tensor<T>>(specs.Length);
        foreach (var spec in specs)
        {
            var value = tree.Leaves[spec.Name];
            if (value.Shape != spec.Shape)
            {
                throw new ArgumentException($"Mlp: parameter '{spec.Name}' must have shape {spec.Shape}, got {value.Shape}.", paramName);
            }
            values.Add(value);
        }
        return values.MoveToImmutable();
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static ParamTree<T> Tree<T>(ImmutableArray<ParamSpec> specs, TensorList<T> values)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Count == 0 ? ParamTree<T>.Empty : ParamTree<T>.Of(specs.Select((s, i) => KeyValuePair.Create(s.Name, values[i])));

    private static AffineParams<T> AffineParamsOf<T>(ParamTree<T> parameters, int k)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(parameters[Network.WeightKey(k)], parameters[Network.BiasKey(k)]);

    private static int ArgMax<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var best = 0;
        for (var j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }

    private static int TargetClass(Labels labels, int row, int classes) =>
        labels.OneHotRows is { } t ? ArgMax(t.Span.Slice(row * classes, classes)) : labels.Indices[row];
}
