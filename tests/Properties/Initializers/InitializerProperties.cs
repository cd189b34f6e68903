using CsCheck;
using Functional.Initializers;
using Functional.Properties.Tests.Support;
using Functional.Rng;

namespace Functional.Properties.Tests.Initializers;

public class InitializerProperties
{
    private static readonly Gen<Initializer> AnyInitializer = Gen.OneOf(
        Gen.Int[1, 1000].Select(k => (Initializer)new NormalInit(k / 1000.0)),
        Gen.Const<Initializer>(new Xavier()),
        Gen.Const<Initializer>(new He()));

    private static readonly Gen<(Initializer Init, RngKey Key, int FanIn, int FanOut)> Inputs =
        from init in AnyInitializer
        from key in Gens.Key
        from fanIn in Gen.Int[1, 64]
        from fanOut in Gen.Int[1, 16]
        select (init, key, fanIn, fanOut);

    [Fact]
    public void Weights_are_Std_times_the_keys_standard_normals_and_the_same_key_gives_the_same_bits() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (init, key, fanIn, fanOut) = input;
        var w = init.Weights(key, fanIn, fanOut);
        Assert.Equal([fanIn, fanOut], w.Shape.Dims.ToArray());
        Assert.Equal(w, init.Weights(key, fanIn, fanOut));
        var std = init.Std(fanIn, fanOut);
        var z = Sample.Normal(key, fanIn, fanOut);
        for (var i = 0; i < w.Length; i++)
        {
            Assert.Equal(std * z.Span[i], w.Span[i]);
        }
        var (other, _) = key.Split();
        Assert.NotEqual(w, init.Weights(other, fanIn, fanOut));
    });

    [Fact]
    public void Std_follows_each_rule() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (init, _, fanIn, fanOut) = input;
        var expected = init switch
        {
            NormalInit normal => normal.Sigma,
            Xavier => 1 / Math.Sqrt(fanIn),
            He => Math.Sqrt(2.0 / fanIn),
            _ => throw new ArgumentException($"unexpected {init}", nameof(input)),
        };
        Assert.Equal(expected, init.Std(fanIn, fanOut), 2.3e-16 * expected);   // √(1/n) and 1/√n: two roundings each
    });

    [Fact]
    public void He_is_root_2_times_Xavier_for_the_same_key() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (_, key, fanIn, fanOut) = input;
        var (he, xavier) = (new He().Weights(key, fanIn, fanOut), new Xavier().Weights(key, fanIn, fanOut));
        for (var i = 0; i < he.Length; i++)
        {
            // √(2/n)·z and √2·(√(1/n)·z) differ by a few roundings of 2^−53 each.
            Assert.Equal(Math.Sqrt(2) * xavier.Span[i], he.Span[i], 1e-15 * Math.Abs(he.Span[i]));
        }
    });

    [Fact]
    public void Large_layers_have_sample_mean_near_0_and_sample_std_near_Std() => PropertyCheck.ForAll(
        from init in AnyInitializer from key in Gens.Key from fanIn in Gen.Int[1000, 4000] select (init, key, fanIn),
        input =>
        {
            var (init, key, fanIn) = input;
            const int FanOut = 50;
            var w = init.Weights(key, fanIn, FanOut).ToArray();
            var std = init.Std(fanIn, FanOut);
            var mean = w.Average();
            var sampleStd = Math.Sqrt(w.Sum(v => (v - mean) * (v - mean)) / (w.Length - 1));
            // n = 50·fanIn ≥ 50,000 normal draws: the sample mean has standard error σ/√n ≤ 0.0045σ and the sample std
            // σ/√(2n) ≤ 0.0032σ. Six standard errors (a chance below 1e-8 per case) allow 0.027σ and 0.019σ; a wrong
            // rule — 1/n for 1/√n, or the missing √2 — is off by 40% or more.
            Assert.InRange(mean, -6 * std / Math.Sqrt(w.Length), 6 * std / Math.Sqrt(w.Length));
            Assert.InRange(sampleStd / std, 1 - (6 / Math.Sqrt(2.0 * w.Length)), 1 + (6 / Math.Sqrt(2.0 * w.Length)));
        }, runs: 12);
}
