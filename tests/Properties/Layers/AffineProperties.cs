using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Layers;

public class AffineProperties
{
    private sealed record Case(Tensor<double> X, AffineParams<double> Params, RngKey Key)
    {
        public int[] InputShape => [.. X.Shape.Dims];
        public int Batch => X.Shape[0];
        public int In => Params.InputSize;
        public int Out => Params.OutputSize;
    }

    private static readonly Gen<Case> Inputs =
        from shape in Gens.AffineInput
        from outputs in Gen.Int[1, 16]
        from x in Gens.TensorOf(shape)
        from w in Gens.TensorOf([shape.Skip(1).Aggregate(1, (a, b) => a * b), outputs])
        from b in Gens.TensorOf([outputs])
        from key in Gens.Key
        select new Case(x, new AffineParams<double>(w, b), key);

    // x (of rank 2–4, flattened by Affine), W and B as the arguments x, W, B: a failure names dx, dW or dB. LayerCheck
    // checks the whole Jacobian when x, W and B hold ≤ 8 elements in all (FiniteDifferences did when batch·in ≤ 6 and
    // out ≤ 3), but every case now checks dx, dW and dB each along its own random direction, and linearity in dOut.
    private static readonly RuleUnderTest Rule = RuleUnderTest.Dense(
        (x, w, b) => Affine.Forward(new AffineParams<double>(w, b), x) is var r ? (r.Output, r.Cache) : default,
        (cache, dOut) => Affine.Backward(cache, dOut) is var g ? (g.Dx, g.DW, g.DB) : default);

    [Fact]
    public void Backward_matches_finite_differences() => PropertyCheck.ForAll(Inputs, c =>
        Gradients.AssertAt(Rule, c.Key, [c.X, c.Params.W, c.Params.B]));

    [Fact]
    public void Gradients_are_the_books_matrix_products() => PropertyCheck.ForAll(Inputs, c =>
    {
        var dOut = Sample.Normal(c.Key, c.Batch, c.Out);
        var (y, cache) = Affine.Forward(c.Params, c.X);
        var g = Affine.Backward(cache, dOut);
        double[] x = c.X.ToArray(), w = c.Params.W.ToArray(), b = c.Params.B.ToArray(), d = dOut.ToArray();

        // Plain loops summing in index order, as the kernels promise: the results must match bit for bit.
        double[] expectedY = new double[c.Batch * c.Out], dx = new double[c.Batch * c.In], dW = new double[c.In * c.Out], dB = new double[c.Out];
        for (var i = 0; i < c.Batch; i++)
        {
            for (var j = 0; j < c.Out; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < c.In; k++)
                {
                    sum += x[(i * c.In) + k] * w[(k * c.Out) + j];
                }
                expectedY[(i * c.Out) + j] = sum + b[j];
            }
            for (var k = 0; k < c.In; k++)
            {
                var sum = 0.0;
                for (var j = 0; j < c.Out; j++)
                {
                    sum += d[(i * c.Out) + j] * w[(k * c.Out) + j];   // dx = dOut·Wᵀ
                }
                dx[(i * c.In) + k] = sum;
            }
        }
        for (var k = 0; k < c.In; k++)
        {
            for (var j = 0; j < c.Out; j++)
            {
                var sum = 0.0;
                for (var i = 0; i < c.Batch; i++)
                {
                    sum += x[(i * c.In) + k] * d[(i * c.Out) + j];   // dW = xᵀ·dOut
                }
                dW[(k * c.Out) + j] = sum;
            }
        }
        for (var j = 0; j < c.Out; j++)
        {
            for (var i = 0; i < c.Batch; i++)
            {
                dB[j] += d[(i * c.Out) + j];   // dB = column sums of dOut
            }
        }
        Assert.Equal(Tensor.FromArray(expectedY, c.Batch, c.Out), y);
        Assert.Equal(Tensor.FromArray(dx, c.InputShape), g.Dx);
        Assert.Equal(Tensor.FromArray(dW, c.In, c.Out), g.DW);
        Assert.Equal(Tensor.FromArray(dB, c.Out), g.DB);
    });

    [Fact]
    public void WeightGradients_equal_Backwards_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var dOut = Sample.Normal(c.Key, c.Batch, c.Out);
        var (_, cache) = Affine.Forward(c.Params, c.X);
        var full = Affine.Backward(cache, dOut);
        var weights = Affine.WeightGradients(cache, dOut);
        Assert.Equal(full.DW, weights.DW);
        Assert.Equal(full.DB, weights.DB);
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, c =>
    {
        var dOut = Sample.Normal(c.Key, c.Batch, c.Out);
        var (_, cache) = Affine.Forward(c.Params, c.X);
        Purity.Check("Affine.Forward", () => Affine.Forward(c.Params, c.X), c.X, c.Params.W, c.Params.B);
        Purity.Check("Affine.Backward", () => Affine.Backward(cache, dOut), dOut, cache.X, cache.W);
    });
}
