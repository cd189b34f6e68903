using Functional.Layers;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Networks;

/// <summary>What a hidden block's training forward keeps for its backward: one cache per layer it ran.</summary>
internal sealed record HiddenCache(AffineCache Affine, BatchNormCache? Norm, object Activation, DropoutCache? Dropout);

/// <summary>
/// One hidden block of a <see cref="Network"/> — Affine, then BatchNorm if the network has it, the activation, and
/// Dropout if the network has it — forward (training and inference) and backward, dispatching to the layers.
/// </summary>
internal static class HiddenLayers
{
    /// <summary>The block's output at inference: BatchNorm with the running statistics, no Dropout.</summary>
    public static Tensor Apply(Network network, ParamTree parameters, int k, Tensor h)
    {
        var z = Affine.Forward(AffineParamsOf(parameters, k), h).Output;
        if (network.BatchNorm)
        {
            z = BatchNorm.ForwardInference(NormParamsOf(parameters, k), NormStateOf(parameters, k), z);
        }
        return network.Activations[k - 1] switch
        {
            Activation.Relu => Relu.Apply(z),
            Activation.Sigmoid => Sigmoid.Forward(z).Output,   // the cache is the output: free
            Activation.Tanh => Layers.Tanh.Forward(z).Output,
            Activation.LeakyRelu => Layers.LeakyRelu.Forward(z).Output,
            var other => throw new InvalidOperationException($"unreachable: activation {other}"),
        };
    }

    /// <summary>
    /// The block's output while training, with its cache; BatchNorm's new running statistics go to
    /// <paramref name="running"/>. Dropout draws its mask from <c>dropoutKey.FoldIn(k)</c>.
    /// </summary>
    public static Tensor Forward(Network network, ParamTree parameters, int k, Tensor h, RngKey dropoutKey,
        List<KeyValuePair<string, Tensor>> running, out HiddenCache cache)
    {
        var (z, affine) = Affine.Forward(AffineParamsOf(parameters, k), h);
        BatchNormCache? norm = null;
        if (network.BatchNorm)
        {
            var result = BatchNorm.ForwardTraining(NormParamsOf(parameters, k), NormStateOf(parameters, k), z);
            (z, norm) = (result.Output, result.Cache);
            running.Add(new(Network.RunningMeanKey(k), result.State.RunningMean));
            running.Add(new(Network.RunningVarianceKey(k), result.State.RunningVariance));
        }
        object activation;
        (z, activation) = network.Activations[k - 1] switch
        {
            Activation.Relu => Pair(Relu.Forward(z)),
            Activation.Sigmoid => Pair(Sigmoid.Forward(z)),
            Activation.Tanh => Pair(Layers.Tanh.Forward(z)),
            Activation.LeakyRelu => Pair(Layers.LeakyRelu.Forward(z)),
            var other => throw new InvalidOperationException($"unreachable: activation {other}"),
        };
        DropoutCache? dropout = null;
        if (network.DropoutRatio > 0)
        {
            (z, dropout) = Dropout.Forward(z, dropoutKey.FoldIn((ulong)k), network.DropoutRatio);
        }
        cache = new HiddenCache(affine, norm, activation, dropout);
        return z;
    }

    /// <summary>
    /// Backward through the block above its Affine layer (Dropout, activation, BatchNorm, in reverse), adding
    /// γ's and β's gradients to <paramref name="gradients"/>; returns the gradient at the Affine layer's output.
    /// </summary>
    public static Tensor BackwardToAffine(int k, HiddenCache cache, Tensor dOut, List<KeyValuePair<string, Tensor>> gradients)
    {
        var d = cache.Dropout is { } dropout ? Dropout.Backward(dropout, dOut) : dOut;
        d = cache.Activation switch
        {
            ReluCache c => Relu.Backward(c, d),
            SigmoidCache c => Sigmoid.Backward(c, d),
            TanhCache c => Layers.Tanh.Backward(c, d),
            LeakyReluCache c => Layers.LeakyRelu.Backward(c, d),
            _ => throw new InvalidOperationException("unreachable: unknown activation cache"),
        };
        if (cache.Norm is { } norm)
        {
            var g = BatchNorm.Backward(norm, d);
            gradients.Add(new(Network.GammaKey(k), g.DGamma));
            gradients.Add(new(Network.BetaKey(k), g.DBeta));
            d = g.Dx;
        }
        return d;
    }

    public static AffineParams AffineParamsOf(ParamTree parameters, int k) =>
        new(parameters[Network.WeightKey(k)], parameters[Network.BiasKey(k)]);

    private static BatchNormParams NormParamsOf(ParamTree parameters, int k) =>
        new(parameters[Network.GammaKey(k)], parameters[Network.BetaKey(k)]);

    private static BatchNormState NormStateOf(ParamTree parameters, int k) =>
        new(parameters[Network.RunningMeanKey(k)], parameters[Network.RunningVarianceKey(k)]);

    private static (Tensor, object) Pair<TCache>(ForwardResult<Tensor, TCache> result)
        where TCache : notnull => (result.Output, result.Cache);
}
