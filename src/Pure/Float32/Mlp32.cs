using Functional.Data;
using Functional.Kernels;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Float32;

/// <summary>
/// The functions of a <see cref="Network"/> in float32: the same layers, order of operations and summation order
/// as <see cref="Mlp"/>, on float32 values. Parameters stay a float64 <see cref="ParamTree"/> whose values are
/// float32 numbers (see <see cref="Round"/>), so hashing, checkpoints and replay treat both paths alike.
/// </summary>
public static class Mlp32
{
    /// <summary>Every parameter rounded to the nearest float32 (and held as float64): the float32 path's starting point.</summary>
    public static ParamTree Round(ParamTree parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Map((_, t) => new Tensor<double>(t.Shape, Conversions.Narrow(t.Span)));
    }

    /// <summary>The scores before softmax, [batch, classes], in float32.</summary>
    /// <exception cref="ArgumentException">The parameters do not fit the network, or x does not fit the first layer.</exception>
    public static Matrix32 Predict(Network network, ParamTree parameters, Matrix32 x)
    {
        Mlp.RequireFit(network, parameters);
        var h = x;
        for (var k = 1; k <= network.AffineCount; k++)
        {
            h = Affine32.Apply(ParamsOf(parameters, k), h);
            if (k < network.AffineCount)
            {
                h = network.HiddenIsRelu(k) ? Relu32.Apply(h) : Sigmoid32.Apply(h);
            }
        }
        return h;
    }

    /// <summary>The mean loss and the number classified correctly (highest score, first on ties), from one float32 forward pass.</summary>
    /// <exception cref="ArgumentException">The label count differs from the batch size.</exception>
    public static (double Loss, int Correct) Evaluate(Network network, ParamTree parameters, Matrix32 x, Labels labels)
    {
        var scores = Predict(network, parameters, x);
        var loss = SoftmaxWithLoss32.Forward(scores, labels).Output;
        var correct = 0;
        for (var i = 0; i < scores.Rows; i++)
        {
            var row = scores.Span.Slice(i * scores.Columns, scores.Columns);
            var best = 0;
            for (var j = 1; j < row.Length; j++)
            {
                best = row[j] > row[best] ? j : best;
            }
            correct += best == Target(labels, i, scores.Columns) ? 1 : 0;
        }
        return (loss, correct);
    }

    /// <summary>The loss and its float32 gradient for every parameter (as float64 tensors holding float32 values).</summary>
    public static (double Loss, ParamTree Gradient) LossAndGradient(Network network, ParamTree parameters, Matrix32 x, Labels labels) =>
        Backprop(network, parameters, x, null, labels, learningRate: null);

    /// <summary>
    /// The loss, and the parameters after one float32 SGD step (lr rounded to float32): bit-identical to
    /// subtracting (float)lr·g from each float32 parameter with g from <see cref="LossAndGradient"/>, but with the
    /// first layer's update fused into its weight-gradient product.
    /// </summary>
    public static (double Loss, ParamTree Updated) SgdStep(Network network, ParamTree parameters, Matrix32 x, Labels labels, double learningRate) =>
        Backprop(network, parameters, x, null, labels, learningRate);

    /// <summary><see cref="SgdStep"/> on a batch of images given as pixels: the same bits as on their float32 features.</summary>
    internal static (double Loss, ParamTree Updated) SgdStepOnPixels(Network network, ParamTree parameters, PixelBatch x, Labels labels, double learningRate) =>
        Backprop(network, parameters, null, x, labels, learningRate);

    private static (double Loss, ParamTree Result) Backprop(Network network, ParamTree parameters, Matrix32? x, PixelBatch? pixels, Labels labels, double? learningRate)
    {
        Mlp.RequireFit(network, parameters);
        var affineCaches = new Affine32Cache[network.AffineCount];
        var activationCaches = new object[network.AffineCount - 1];
        var h = x!;
        for (var k = 1; k <= network.AffineCount; k++)
        {
            if (k == 1 && pixels is not null)
            {
                h = Affine32.ForwardPixels(ParamsOf(parameters, 1), pixels);   // no cache: the update reads the pixels
            }
            else
            {
                (h, affineCaches[k - 1]) = Affine32.Forward(ParamsOf(parameters, k), h);
            }
            if (k < network.AffineCount)
            {
                if (network.HiddenIsRelu(k))
                {
                    var (output, cache) = Relu32.ForwardReplacing(h);   // h was made just above and nothing else holds it
                    (h, activationCaches[k - 1]) = (output, cache);
                }
                else
                {
                    var (output, cache) = Sigmoid32.Forward(h);
                    (h, activationCaches[k - 1]) = (output, cache);
                }
            }
        }
        var (loss, lossCache) = SoftmaxWithLoss32.Forward(h, labels);

        var results = new List<KeyValuePair<string, Tensor<double>>>();
        var rate = learningRate is double lr ? (float)lr : (float?)null;
        var dh = SoftmaxWithLoss32.Backward(lossCache);
        for (var k = network.AffineCount; k >= 1; k--)
        {
            Matrix32 w, b;
            if (k == 1)
            {
                // The input needs no gradient: skip dOut·W1ᵀ.
                (w, b) = (rate, pixels) switch
                {
                    (float r, null) => Affine32.SgdUpdated(affineCaches[0], dh, ParamsOf(parameters, 1), r),
                    (float r, { } p) => Affine32.SgdUpdatedPixels(p, dh, ParamsOf(parameters, 1), r),
                    _ => Affine32.WeightGradients(affineCaches[0], dh),
                };
            }
            else
            {
                var g = Affine32.Backward(affineCaches[k - 1], dh);
                (w, b) = rate is float r ? (Updated(ParamsOf(parameters, k).W, g.DW, r), Updated(ParamsOf(parameters, k).B, g.DB, r)) : (g.DW, g.DB);
                dh = activationCaches[k - 2] switch
                {
                    Relu32Cache rc => Relu32.BackwardReplacing(rc, g.Dx),   // g.Dx was made just above for this alone
                    Sigmoid32Cache sc => Sigmoid32.Backward(sc, g.Dx),
                    _ => throw new InvalidOperationException("unreachable: unknown activation cache"),
                };
            }
            results.Add(new(Network.WeightKey(k), Widened(w, parameters[Network.WeightKey(k)].Shape)));
            results.Add(new(Network.BiasKey(k), Widened(b, parameters[Network.BiasKey(k)].Shape)));
        }
        return (loss, ParamTree.Of(results));
    }

    private static Matrix32 Updated(Matrix32 p, Matrix32 g, float learningRate) =>
        new(p.Rows, p.Columns, MatrixKernels.SubtractScaled(p.Storage, g.Storage, learningRate));

    // The result as a tensor holding the float32 values: no conversion until someone reads it as float64.
    private static Tensor<double> Widened(Matrix32 m, Shape shape) => m.ToTensor(shape);

    private static Affine32Params ParamsOf(ParamTree parameters, int k) =>
        new(Narrow(parameters[Network.WeightKey(k)]), Narrow(parameters[Network.BiasKey(k)]));

    private static Matrix32 Narrow(Tensor<double> t) => Matrix32.FromTensor(t);

    private static int Target(Labels labels, int row, int classes)
    {
        if (labels.OneHotRows is not { } t)
        {
            return labels.Indices[row];
        }
        var r = t.Span.Slice(row * classes, classes);
        var best = 0;
        for (var j = 1; j < r.Length; j++)
        {
            best = r[j] > r[best] ? j : best;
        }
        return best;
    }
}
