using Functional.Float32;
using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Networks;

/// <summary>Parameters the float32 path makes hold float32 values; they must hash and compare as the same float64 values do.</summary>
public class Float32ParamTreeTests
{
    private static readonly Network Net = Network.Sequential([784, 50, 10]);

    // The rounded parameters rebuilt through the public float64 factories: the same values, stored as float64.
    private static ParamTree AsFloat64(ParamTree p) =>
        p.Map((_, t) => Tensor.FromArray(t.Span, [.. t.Shape.Dims]));

    [Fact]
    public void Float32_parameters_hash_and_compare_as_their_float64_values()
    {
        var rounded = Mlp32.Round(Mlp.Init(Net, RngKey.FromSeed(3)));
        var fresh = Mlp32.Round(Mlp.Init(Net, RngKey.FromSeed(3)));   // not yet read as float64 anywhere
        var wide = AsFloat64(rounded);
        Assert.Equal(wide.LeafHashes(), fresh.LeafHashes());
        Assert.Equal(wide.Sha256(), fresh.Sha256());
        Assert.Equal(wide, fresh);
        Assert.All(fresh["W1"].ToArray(), v => Assert.Equal(v, (double)(float)v));
    }

    [Fact]
    public void Float32_parameters_that_differ_hash_differently()
    {
        var p = Mlp32.Round(Mlp.Init(Net, RngKey.FromSeed(3)));
        var q = Mlp32.Round(Mlp.Init(Net, RngKey.FromSeed(4)));
        Assert.NotEqual(p.LeafHashes()["W1"], q.LeafHashes()["W1"]);
        Assert.Equal(p.LeafHashes()["b1"], q.LeafHashes()["b1"]);   // zeros either way
    }
}
