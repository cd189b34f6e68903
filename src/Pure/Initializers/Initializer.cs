using Functional.Rng;
using Functional.Tensors;

namespace Functional.Initializers;

/// <summary>
/// How an Affine layer's initial weights are drawn (section 6.2): independent normal values with mean 0 and a
/// standard deviation that depends on the layer's fan-in (and, for some rules, fan-out).
/// </summary>
public abstract record Initializer
{
    /// <summary>The initializer's lower-case command-line name: "normal", "xavier" or "he".</summary>
    public abstract string Name { get; }

    /// <summary>The standard deviation σ for a layer with <paramref name="fanIn"/> inputs and <paramref name="fanOut"/> outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fanIn or fanOut is below 1.</exception>
    public abstract double Std(int fanIn, int fanOut);

    /// <summary>
    /// Weights of shape [fanIn, fanOut]: σ·z for each standard normal z of <c>Sample.Normal(key, fanIn, fanOut)</c>,
    /// multiplied element by element in order. The same key gives the same bits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">fanIn or fanOut is below 1.</exception>
    public Tensor<double> Weights(RngKey key, int fanIn, int fanOut)
    {
        var std = Std(fanIn, fanOut);
        var z = Sample.Normal(key, fanIn, fanOut).Storage;
        var w = GC.AllocateUninitializedArray<double>(z.Length);
        for (var i = 0; i < z.Length; i++)
        {
            w[i] = std * z[i];
        }
        return new Tensor<double>(new Shape(fanIn, fanOut), w);
    }

    /// <summary>The initializer as its command-line spec: "normal:STD", "xavier" or "he".</summary>
    public virtual string Spec => Name;

    /// <summary>Checks a layer's fan-in and fan-out.</summary>
    internal static void RequireFans(string operation, int fanIn, int fanOut)
    {
        if (fanIn < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fanIn), $"{operation}: fanIn must be ≥ 1, got {fanIn}.");
        }
        if (fanOut < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fanOut), $"{operation}: fanOut must be ≥ 1, got {fanOut}.");
        }
    }
}
