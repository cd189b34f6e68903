using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using static Functional.Properties.Tests.Float32.Float32Values;

namespace Functional.Properties.Tests.Float32;

public class Affine32Properties
{
    private sealed record Case(int Batch, int In, int Out, double[] All, RngKey Key)
    {
        // The values, not the array's type name, in a failure message.
        public override string ToString() => $"Case {{ x [{Batch}, {In}], W [{In}, {Out}], B [{Out}] = {Check.Print(All)}, {Key} }}";
    }

    // x [batch, in], W [in, out] and B [1, out], flattened in that order; values k/64 are exact in float32.
    private static readonly Gen<Case> Inputs =
        from batch in Gen.Int[1, 9]
        from inputs in Gen.Int[1, 12]
        from outputs in Gen.Int[1, 40]
        from all in Gens.Value.Array[(batch * inputs) + (inputs * outputs) + outputs]
        from key in Gens.Key
        select new Case(batch, inputs, outputs, all, key);

    private static (Tensor<float> X, AffineParams<float> P) Unpack(Case c, double[] all)
    {
        int xn = c.Batch * c.In, wn = c.In * c.Out;
        return (Matrix(all.AsSpan(0, xn), c.Batch, c.In),
            new AffineParams<float>(Matrix(all.AsSpan(xn, wn), c.In, c.Out), Tensor.FromArray(all.AsSpan(xn + wn), c.Out).Convert<float>()));
    }

    // x, W and B [1, out] as the arguments x, W, B, each rounded to float32 on the way in: a failure names dx, dW or dB.
    // As for the float64 Affine, the whole Jacobian is checked up to 8 elements in all, each gradient alone on every case.
    private static readonly RuleUnderTest Rule = RuleUnderTest.Dense(
        (x, w, b) => Affine.Forward(new AffineParams<float>(F(w), F(b)), F(x)) is var r
            ? (r.Output.Convert<double>(), r.Cache) : default,
        (cache, dOut) => Affine.Backward(cache, F(dOut)) is var g ? (g.Dx.Convert<double>(), g.DW.Convert<double>(), g.DB.Convert<double>()) : default);

    [Fact]
    public void Backward_matches_finite_differences_at_float32_tolerance() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (x, p) = Unpack(c, c.All);
        Gradients.AssertAt(Rule, c.Key, [x.Convert<double>(), p.W.Convert<double>(), p.B.Convert<double>()], Gradients.SinglePrecision);
    });

    [Fact]
    public void Products_equal_plain_float32_loops_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (x, p) = Unpack(c, c.All);
        var dOut = Matrix(Sample.Normal(c.Key, c.Batch * c.Out).Span, c.Batch, c.Out);
        var (y, cache) = Affine.Forward(p, x);
        var g = Affine.Backward(cache, dOut);
        float[] xs = x.ToArray(), w = p.W.ToArray(), b = p.B.ToArray(), d = dOut.ToArray();
        float[] expectedY = new float[c.Batch * c.Out], dW = new float[c.In * c.Out], dB = new float[c.Out], dx = new float[c.Batch * c.In];
        for (var j = 0; j < c.Out; j++)
        {
            for (var i = 0; i < c.Batch; i++)
            {
                var sum = 0f;
                for (var k = 0; k < c.In; k++)
                {
                    sum += xs[(i * c.In) + k] * w[(k * c.Out) + j];
                }
                expectedY[(i * c.Out) + j] = sum + b[j];
                dB[j] += d[(i * c.Out) + j];
            }
            for (var k = 0; k < c.In; k++)
            {
                var sum = 0f;
                for (var i = 0; i < c.Batch; i++)
                {
                    sum += xs[(i * c.In) + k] * d[(i * c.Out) + j];
                }
                dW[(k * c.Out) + j] = sum;
            }
        }
        for (var i = 0; i < c.Batch; i++)
        {
            for (var k = 0; k < c.In; k++)
            {
                var sum = 0f;
                for (var j = 0; j < c.Out; j++)
                {
                    sum += d[(i * c.Out) + j] * w[(k * c.Out) + j];
                }
                dx[(i * c.In) + k] = sum;
            }
        }
        Assert.Equal(Tensor.FromArray(expectedY, c.Batch, c.Out), y);
        Assert.Equal(Tensor.FromArray(dW, c.In, c.Out), g.DW);
        Assert.Equal(Tensor.FromArray(dB, c.Out), g.DB);
        Assert.Equal(Tensor.FromArray(dx, c.Batch, c.In), g.Dx);
    });

    [Fact]
    public void Forward_and_Backward_leave_their_inputs_unchanged_and_repeat() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (x, p) = Unpack(c, c.All);
        float[] xBefore = x.ToArray(), wBefore = p.W.ToArray(), bBefore = p.B.ToArray();
        var dOut = Matrix(Sample.Normal(c.Key, c.Batch * c.Out).Span, c.Batch, c.Out);
        var first = Affine.Backward(Affine.Forward(p, x).Cache, dOut);
        var second = Affine.Backward(Affine.Forward(p, x).Cache, dOut);
        Assert.Equal(first, second);
        Assert.Equal(xBefore, x.ToArray());
        Assert.Equal(wBefore, p.W.ToArray());
        Assert.Equal(bBefore, p.B.ToArray());
    });
}
