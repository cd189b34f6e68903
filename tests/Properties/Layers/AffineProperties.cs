using CsCheck;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Properties.Tests.Layers;

public class AffineProperties
{
    private sealed record Case(Tensor X, AffineParams Params, RngKey Key)
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
        select new Case(x, new AffineParams(w, b), key);

    // All inputs flattened as [x, W, B], so one check covers dx, dW and dB together.
    private static (Tensor X, AffineParams P) Unpack(Case c, double[] all)
    {
        var xn = c.X.Length;
        var wn = c.Params.W.Length;
        return (Tensor.FromArray(all.AsSpan(0, xn), c.InputShape),
            new AffineParams(Tensor.FromArray(all.AsSpan(xn, wn), c.In, c.Out), Tensor.FromArray(all.AsSpan(xn + wn), c.Out)));
    }

    private static double[] Pack(Case c) => [.. c.X.ToArray(), .. c.Params.W.ToArray(), .. c.Params.B.ToArray()];

    private static double[] Forward(Case c, double[] all)
    {
        var (x, p) = Unpack(c, all);
        return Affine.Forward(p, x).Output.ToArray();
    }

    private static double[] Vjp(Case c, double[] all, double[] v)
    {
        var (x, p) = Unpack(c, all);
        var g = Affine.Backward(Affine.Forward(p, x).Cache, Tensor.FromArray(v, c.Batch, c.Out));
        return [.. g.Dx.ToArray(), .. g.DW.ToArray(), .. g.DB.ToArray()];
    }

    [Fact]
    public void Backward_matches_finite_differences() => PropertyCheck.ForAll(Inputs, c =>
    {
        FiniteDifferences.Vjp($"Affine x{c.X.Shape} W{c.Params.W.Shape}", a => Forward(c, a), (a, v) => Vjp(c, a, v), Pack(c), c.Key);
        if (c.Batch * c.In <= 6 && c.Out <= 3)
        {
            FiniteDifferences.Jacobian($"Affine x{c.X.Shape} W{c.Params.W.Shape}", a => Forward(c, a), (a, v) => Vjp(c, a, v), Pack(c));
        }
    });

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
