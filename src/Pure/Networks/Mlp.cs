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
/// The functions of a <see cref="Network"/>, as the book's <c>TwoLayerNet</c> methods: predict, loss, accuracy,
/// backprop gradient and numerical gradient — each taking the parameters as an argument instead of reading fields.
/// </summary>
public static class Mlp
{
    /// <summary>
    /// The book's initialisation: every W drawn from N(0, <paramref name="weightStd"/>²), every b zero. Layer k's
    /// weights come from <c>key.FoldIn(k)</c>, so changing one layer's width leaves the others' draws alone.
    /// </summary>
    /// <exception cref="ArgumentException">weightStd is not a positive finite number.</exception>
    public static ParamTree Init(Network network, RngKey key, double weightStd = 0.01)
    {
        if (!(weightStd > 0) || !double.IsFinite(weightStd))
        {
            throw new ArgumentException($"Mlp.Init: weightStd must be a positive finite number, got {weightStd}.", nameof(weightStd));
        }
        return Init(network, key, new NormalInit(weightStd));
    }

    /// <summary>
    /// Every W from <paramref name="initializer"/> (layer k's from <c>key.FoldIn(k)</c>), every b zero; with
    /// BatchNorm, γ = 1, β = 0 and running statistics 0 (the book's starting values).
    /// </summary>
    public static ParamTree Init(Network network, RngKey key, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(initializer);
        var leaves = new List<KeyValuePair<string, Tensor>>();
        for (var k = 1; k <= network.AffineCount; k++)
        {
            leaves.Add(new(Network.WeightKey(k), initializer.Weights(key.FoldIn((ulong)k), network.Sizes[k - 1], network.Sizes[k])));
            leaves.Add(new(Network.BiasKey(k), Tensor.Zeros(network.Sizes[k])));
            if (network.BatchNorm && k < network.AffineCount)
            {
                var (gamma, beta) = (BatchNormParams.Initial(network.Sizes[k]).Gamma, BatchNormParams.Initial(network.Sizes[k]).Beta);
                var state = BatchNormState.Initial(network.Sizes[k]);
                leaves.Add(new(Network.GammaKey(k), gamma));
                leaves.Add(new(Network.BetaKey(k), beta));
                leaves.Add(new(Network.RunningMeanKey(k), state.RunningMean));
                leaves.Add(new(Network.RunningVarianceKey(k), state.RunningVariance));
            }
        }
        return ParamTree.Of(leaves);
    }

    /// <summary>
    /// The scores before softmax, [batch, classes], as the book's <c>predict</c> at inference: BatchNorm uses its
    /// running statistics and Dropout keeps every unit.
    /// </summary>
    /// <exception cref="ArgumentException">The parameters do not fit the network, or x does not fit the first layer.</exception>
    public static Tensor Predict(Network network, ParamTree parameters, Tensor x)
    {
        RequireFit(network, parameters);
        var h = x;
        for (var k = 1; k < network.AffineCount; k++)
        {
            h = HiddenLayers.Apply(network, parameters, k, h);
        }
        return Affine.Forward(AffineParamsOf(parameters, network.AffineCount), h).Output;
    }

    /// <summary>The mean cross-entropy of softmax(predict(x)) against <paramref name="labels"/>, at inference.</summary>
    public static double Loss(Network network, ParamTree parameters, Tensor x, Labels labels) =>
        SoftmaxWithLoss.Forward(Predict(network, parameters, x), labels).Output;

    /// <summary>The fraction of samples whose highest score (first on ties, as NumPy's argmax) is the label's class.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static double Accuracy(Network network, ParamTree parameters, Tensor x, Labels labels) =>
        (double)CorrectCount(network, parameters, x, labels) / x.Shape[0];

    /// <summary>How many samples' highest score (first on ties) is the label's class.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static int CorrectCount(Network network, ParamTree parameters, Tensor x, Labels labels) =>
        CountCorrect(Predict(network, parameters, x), labels);

    /// <summary>The mean loss and the number classified correctly, from one forward pass without caches kept.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static (double Loss, int Correct) Evaluate(Network network, ParamTree parameters, Tensor x, Labels labels)
    {
        var scores = Predict(network, parameters, x);
        return (SoftmaxWithLoss.Forward(scores, labels).Output, CountCorrect(scores, labels));
    }

    private static int CountCorrect(Tensor scores, Labels labels)
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
    /// For a network with BatchNorm or Dropout this is the training-mode loss (batch statistics; the Dropout mask
    /// of the default key), and the gradient covers the trainable parameters only (see <see cref="Network.IsTrainable"/>).
    /// </remarks>
    public static (double Loss, ParamTree Gradient) LossAndGradient(Network network, ParamTree parameters, Tensor x, Labels labels)
    {
        var pass = TrainingPass(network, parameters, x, labels, default);
        return (pass.Loss, pass.Gradient);
    }

    /// <summary>
    /// One training-mode pass: forward with BatchNorm on the batch's statistics and Dropout masks drawn from
    /// <c>dropoutKey.FoldIn(k)</c> for hidden layer k, then backward. Returns the loss, the gradient of every
    /// trainable parameter, and BatchNorm's updated running statistics (empty without BatchNorm).
    /// </summary>
    /// <exception cref="ArgumentException">The parameters do not fit the network, or the data does not fit them.</exception>
    public static TrainingPass TrainingPass(Network network, ParamTree parameters, Tensor x, Labels labels, RngKey dropoutKey)
    {
        RequireFit(network, parameters);
        var last = network.AffineCount;
        var hidden = new HiddenCache[last - 1];
        var running = new List<KeyValuePair<string, Tensor>>();
        var h = x;
        for (var k = 1; k < last; k++)
        {
            h = HiddenLayers.Forward(network, parameters, k, h, dropoutKey, running, out hidden[k - 1]);
        }
        var (scores, outputCache) = Affine.Forward(AffineParamsOf(parameters, last), h);
        var (loss, lossCache) = SoftmaxWithLoss.Forward(scores, labels);

        var gradients = new List<KeyValuePair<string, Tensor>>();
        var dh = SoftmaxWithLoss.Backward(lossCache);
        for (var k = last; k >= 1; k--)
        {
            var affine = k == last ? outputCache : hidden[k - 1].Affine;
            if (k < last)
            {
                dh = HiddenLayers.BackwardToAffine(k, hidden[k - 1], dh, gradients);
            }
            if (k == 1)
            {
                // The input needs no gradient: skip dOut·W1ᵀ, a third of the first layer's backward work.
                var (dW1, dB1) = Affine.WeightGradients(affine, dh);
                gradients.Add(new(Network.WeightKey(1), dW1));
                gradients.Add(new(Network.BiasKey(1), dB1));
                break;
            }
            var g = Affine.Backward(affine, dh);
            gradients.Add(new(Network.WeightKey(k), g.DW));
            gradients.Add(new(Network.BiasKey(k), g.DB));
            dh = g.Dx;
        }
        return new TrainingPass(loss, ParamTree.Of(gradients), ParamTree.Of(running));
    }

    /// <summary>
    /// The loss, and the parameters after one SGD step: bit-identical to
    /// <c>Sgd.Update(parameters, LossAndGradient(…).Gradient, learningRate)</c>, but the first layer's update is
    /// fused into its weight-gradient product, so its dW (the largest gradient) is never stored.
    /// </summary>
    /// <exception cref="ArgumentException">The network has BatchNorm, Dropout or an activation other than ReLU and sigmoid (use <see cref="TrainingPass"/>).</exception>
    public static (double Loss, ParamTree Updated) SgdStep(Network network, ParamTree parameters, Tensor x, Labels labels, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.UsesChapter6Layers)
        {
            throw new ArgumentException($"Mlp.SgdStep: fuses plain SGD for ReLU and sigmoid networks without BatchNorm or Dropout, got {network.Describe()}.", nameof(network));
        }
        return Backprop(network, parameters, x, null, labels, learningRate);
    }

    /// <summary><see cref="SgdStep"/> on a batch of images given as pixels: the same bits as on their float64 features.</summary>
    internal static (double Loss, ParamTree Updated) SgdStepOnPixels(Network network, ParamTree parameters, PixelBatch x, Labels labels, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.UsesChapter6Layers)
        {
            throw new ArgumentException($"Mlp.SgdStep: fuses plain SGD for ReLU and sigmoid networks without BatchNorm or Dropout, got {network.Describe()}.", nameof(network));
        }
        return Backprop(network, parameters, null, x, labels, learningRate);
    }

    /// <summary>
    /// Forward keeping caches, then backward, turning each layer's gradient into its updated parameters as soon as
    /// it is known (the first layer's inside its dW product). Only for <see cref="Network.UsesChapter6Layers"/> false.
    /// </summary>
    private static (double Loss, ParamTree Result) Backprop(Network network, ParamTree parameters, Tensor? x, PixelBatch? pixels, Labels labels, double learningRate)
    {
        RequireFit(network, parameters);
        var affineCaches = new AffineCache[network.AffineCount];
        var activationCaches = new object[network.AffineCount - 1];
        var h = x!;
        for (var k = 1; k <= network.AffineCount; k++)
        {
            if (k == 1 && pixels is not null)
            {
                h = Affine.ForwardPixels(AffineParamsOf(parameters, 1), pixels);   // no cache: the update reads the pixels
            }
            else
            {
                (h, affineCaches[k - 1]) = Affine.Forward(AffineParamsOf(parameters, k), h);
            }
            if (k < network.AffineCount)
            {
                if (network.Activations[k - 1] == Activation.Relu)
                {
                    // The affine output was made just above and nothing else holds it: ReLU rewrites it in place
                    // (the values Relu.Forward gives), saving a batch-sized array and a pass over it.
                    (h, activationCaches[k - 1]) = Relu.ForwardReplacing(h);
                }
                else
                {
                    var (output, cache) = Sigmoid.Forward(h);
                    (h, activationCaches[k - 1]) = (output, cache);
                }
            }
        }
        var (loss, lossCache) = SoftmaxWithLoss.Forward(h, labels);

        var results = new List<KeyValuePair<string, Tensor>>();
        var dh = SoftmaxWithLoss.Backward(lossCache);
        for (var k = network.AffineCount; k >= 1; k--)
        {
            if (k == 1)
            {
                // The input needs no gradient: skip dOut·W1ᵀ, a third of the first layer's backward work.
                var (first, firstBias) = pixels is null
                    ? Affine.SgdUpdated(affineCaches[0], dh, AffineParamsOf(parameters, 1), learningRate)
                    : Affine.SgdUpdatedPixels(pixels, dh, AffineParamsOf(parameters, 1), learningRate);
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
                SigmoidCache sc => Sigmoid.Backward(sc, g.Dx),
                _ => throw new InvalidOperationException("unreachable: unknown activation cache"),
            };
        }
        return (loss, ParamTree.Of(results));
    }

    /// <summary>The gradient of the loss for every parameter by backpropagation.</summary>
    public static ParamTree Gradient(Network network, ParamTree parameters, Tensor x, Labels labels) =>
        LossAndGradient(network, parameters, x, labels).Gradient;

    /// <summary>
    /// The gradient by central differences, one parameter element at a time, as the book's
    /// <c>numerical_gradient</c>: slow (two forward passes per parameter) and meant for checking <see cref="Gradient"/>.
    /// It differentiates the same training-mode loss <see cref="LossAndGradient"/> does, for the trainable parameters.
    /// </summary>
    public static ParamTree NumericalGradient(Network network, ParamTree parameters, Tensor x, Labels labels,
        double h = Verification.NumericalGradient.DefaultStep)
    {
        RequireFit(network, parameters);
        return ParamTree.Of(parameters.Leaves.Where(kv => Network.IsTrainable(kv.Key)).Select(kv => KeyValuePair.Create(kv.Key,
            Verification.NumericalGradient.Of(t => TrainingPass(network, parameters.With(kv.Key, t), x, labels, default).Loss, kv.Value, h))));
    }

    /// <summary>Checks that the parameters are exactly the network's W1, b1, … (and BatchNorm's) with the right shapes.</summary>
    /// <exception cref="ArgumentException">A parameter is missing, extra, or of the wrong shape.</exception>
    public static void RequireFit(Network network, ParamTree parameters)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        var shapes = network.ParameterShapes().ToArray();
        var expected = shapes.Select(s => s.Key).Order(StringComparer.Ordinal);
        if (!expected.SequenceEqual(parameters.Keys, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Mlp: the network {network.Describe()} needs parameters {string.Join(", ", expected)}, got {string.Join(", ", parameters.Keys)}.",
                nameof(parameters));
        }
        foreach (var (key, shape) in shapes)
        {
            Expect(parameters, key, new Shape(shape));
        }
    }

    private static void Expect(ParamTree parameters, string key, Shape shape)
    {
        if (parameters[key].Shape != shape)
        {
            throw new ArgumentException($"Mlp: parameter '{key}' must have shape {shape}, got {parameters[key].Shape}.", nameof(parameters));
        }
    }

    private static AffineParams AffineParamsOf(ParamTree parameters, int k) => HiddenLayers.AffineParamsOf(parameters, k);

    private static int ArgMax(ReadOnlySpan<double> row)
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
