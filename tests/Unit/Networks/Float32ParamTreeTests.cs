using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Networks;

/// <summary>Float32 parameters must hash as the float64 values they equal, so float32 runs keep their fingerprints.</summary>
public class Float32ParamTreeTests
{
    private static readonly Network Net = Network.Sequential([784, 50, 10]);

    // The float32 values widened, element by element, through the public float64 factories.
    private static ParamTree<double> AsFloat64(ParamTree<float> p) =>
        ParamTree<double>.Of(p.Leaves.Select(kv => KeyValuePair.Create(kv.Key, Tensor.FromArray([.. kv.Value.ToArray().Select(v => (double)v)], [.. kv.Value.Shape.Dims]))));

    [Fact]
    public void Float32_parameters_hash_and_compare_as_their_float64_values()
    {
        var single = Mlp.Init(Net, RngKey.FromSeed(3)).Convert<float>();
        var wide = AsFloat64(single);
        Assert.Equal(wide.LeafHashes(), single.LeafHashes());
        Assert.Equal(wide.Sha256(), single.Sha256());
        Assert.Equal(wide, single.Convert<double>());
        Assert.Equal(single, wide.Convert<float>());
    }

    [Fact]
    public void Float32_parameters_that_differ_hash_differently()
    {
        var p = Mlp.Init(Net, RngKey.FromSeed(3)).Convert<float>();
        var q = Mlp.Init(Net, RngKey.FromSeed(4)).Convert<float>();
        Assert.NotEqual(p.LeafHashes()["W1"], q.LeafHashes()["W1"]);
        Assert.Equal(p.LeafHashes()["b1"], q.LeafHashes()["b1"]);   // zeros either way
    }
}
