using System.Numerics;
using Functional.Composition;
using Functional.Rng;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>What <see cref="Dropout.Forward"/> caches: the mask as scale factors, 0 where dropped and 1/(1 − ratio) where kept.</summary>
/// <param name="Scale">One factor per input element, in the input's shape.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record DropoutCache<T>(Tensor<T> Scale) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Inverted dropout (section 6.4.3; Srivastava et al., 2014): each element is kept with probability 1 − ratio and the
/// kept ones are scaled by 1/(1 − ratio), so the output's expectation is the input. The book's version scales by
/// (1 − ratio) at inference instead; with the scaling done in training, inference simply skips this layer, so there is
/// no mode flag.
/// </summary>
public static class Dropout
{
    /// <summary>
    /// out = x·scale, where element i (row-major) is kept, with scale 1/(1 − ratio), iff key.UnitAt(i) ≥ ratio, and
    /// dropped, with scale 0, otherwise. The mask depends only on the key and the element's index, so the same key gives
    /// the same mask; split the key for each layer and step. Ratio 0 keeps everything and is the identity. Caches the scales.
    /// </summary>
    /// <param name="x">The input, any non-empty shape.</param>
    /// <param name="key">The key the mask is drawn from.</param>
    /// <param name="ratio">The probability of dropping an element, finite, in [0, 1).</param>
    /// <exception cref="ArgumentException">x is empty, or ratio is not a finite value in [0, 1).</exception>
    public static ForwardResult<Tensor<T>, DropoutCache<T>> Forward<T>(Tensor<T> x, RngKey key, double ratio)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Op = "Dropout.Forward";
        Require.NotEmpty(Op, nameof(x), x);
        if (!double.IsFinite(ratio) || ratio < 0 || ratio >= 1)
        {
            throw new ArgumentException($"{Op}: ratio must be a finite value in [0, 1), got {ratio}.", nameof(ratio));
        }
        var kept = T.CreateTruncating(1.0 / (1.0 - ratio));
        var scale = new T[x.Length];
        for (var i = 0; i < scale.Length; i++)
        {
            scale[i] = key.UnitAt(i) >= ratio ? kept : T.Zero;
        }
        var scaleTensor = new Tensor<T>(x.Shape, scale);
        return new(Elementwise.Zip(x, scaleTensor, static (v, s) => v * s), new DropoutCache<T>(scaleTensor));
    }

    /// <summary>dx = dOut·scale: the gradient flows through the kept elements, scaled as they were, and not the dropped ones.</summary>
    /// <exception cref="ArgumentException">dOut differs in shape from the forward input.</exception>
    public static Tensor<T> Backward<T>(DropoutCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Dropout.Backward", nameof(cache), cache);
        Require.SameShape("Dropout.Backward", "the forward input", cache.Scale.Shape, nameof(dOut), dOut);
        return Elementwise.Zip(dOut, cache.Scale, static (d, s) => d * s);
    }
}
