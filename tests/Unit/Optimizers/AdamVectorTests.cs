using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;

namespace Functional.Unit.Tests.Optimizers;

/// <summary>Adam's vectorised, two-thread update against the scalar formula, element by element, bit for bit.</summary>
public class AdamVectorTests
{
    [Theory]
    [InlineData(7)]            // the scalar tail alone
    [InlineData(1003)]         // vectors and a tail on one thread
    [InlineData((1 << 15) + 5)] // split across two threads, vectors and tails in both halves
    public void The_update_equals_the_scalar_formula_bit_for_bit(int length)
    {
        var key = RngKey.FromSeed((ulong)length);
        var w = Sample.Normal(key.FoldIn(1), length);
        var g = Sample.Normal(key.FoldIn(2), length);
        var parameters = ParamTree<double>.Of([new("W1", w)]);
        var adam = new Adam();
        var (_, first) = adam.Update(parameters, ParamTree<double>.Of([new("W1", Sample.Normal(key.FoldIn(3), length))]), adam.Init(parameters), 0.01);
        var (updated, state) = adam.Update(parameters, ParamTree<double>.Of([new("W1", g)]), first, 0.01);

        // Step t = 2: the bias-corrected rate lr·√(1 − β₂²)/(1 − β₁²), with the powers as plain products.
        var rate = 0.01 * Math.Sqrt(1.0 - (adam.Beta2 * adam.Beta2)) / (1.0 - (adam.Beta1 * adam.Beta1));
        double[] m0 = first.Slots["m"]["W1"].ToArray(), v0 = first.Slots["v"]["W1"].ToArray();
        for (var i = 0; i < length; i++)
        {
            var gi = g.Span[i];
            var m = m0[i] + ((1 - adam.Beta1) * (gi - m0[i]));
            var v = v0[i] + ((1 - adam.Beta2) * ((gi * gi) - v0[i]));
            var expected = w.Span[i] - (rate * m / (Math.Sqrt(v) + adam.Epsilon));
            Assert.Equal(BitConverter.DoubleToInt64Bits(m), BitConverter.DoubleToInt64Bits(state.Slots["m"]["W1"].Span[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(v), BitConverter.DoubleToInt64Bits(state.Slots["v"]["W1"].Span[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(updated["W1"].Span[i]));
        }
    }
}
