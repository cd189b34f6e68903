using System.Numerics;
using CsCheck;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Layers;

public class AffineProperties
{
    private sealed record Case(Tensor<double> X, AffineParams<double> Params, RngKey Key)
    {
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

    /// <summary>
    /// The float32 products' cases: x [batch, in], W [in, out], B [out] with out up to 40, so the products reach
    /// float32's 8-wide vector blocks and their tails; values k/64 are exact in float32.
    /// </summary>
    private static readonly Gen<Case> WideInputs =
        from batch in Gen.Int[1, 9]
        from inputs in Gen.Int[1, 12]
        from outputs in Gen.Int[1, 40]
        from x in Gens.TensorOf([batch, inputs])
        from w in Gens.TensorOf([inputs, outputs])
        from b in Gens.TensorOf([outputs])
        from key in Gens.Key
        select new Case(x, new AffineParams<double>(w, b), key);

    // x (of rank 2–4, flattened by Affine), W and B as the arguments x, W, B: a failure names dx, dW or dB. LayerCheck
    // checks the whole Jacobian when x, W and B hold ≤ 8 elements in all (FiniteDifferences did when batch·in ≤ 6 and
    // out ≤ 3), but every case now checks dx, dW and dB each along its own random direction, and linearity in dOut.
    // In float32 the arguments are rounded to float on the way in and the results widened back.
    private static RuleUnderTest Rule<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => RuleUnderTest.Dense(
        (x, w, b) => Affine.Forward(new AffineParams<T>(w.Convert<T>(), b.Convert<T>()), x.Convert<T>()) is var r ? (r.Output.Convert<double>(), r.Cache) : default,
        (cache, dOut) => Affine.Backward(cache, dOut.Convert<T>()) is var g ? (g.Dx.Convert<double>(), g.DW.Convert<double>(), g.DB.Convert<double>()) : default);

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Backward_matches_finite_differences(Precision precision) => PropertyCheck.ForAll(Inputs, c =>
        Gradients.AssertAt(Gradients.In(precision, Rule<double>, Rule<float>), c.Key, [c.X, c.Params.W, c.Params.B], precision));

    [Fact]
    public void Gradients_are_the_books_matrix_products() => PropertyCheck.ForAll(Inputs, c =>
        PlainProducts(c.X, c.Params, Sample.Normal(c.Key, c.Batch, c.Out)));

    [Fact]
    public void Float32_products_equal_plain_float32_loops_bit_for_bit() => PropertyCheck.ForAll(WideInputs, c =>
        PlainProducts(c.X.Convert<float>(), new AffineParams<float>(c.Params.W.Convert<float>(), c.Params.B.Convert<float>()),
            Sample.Normal(c.Key, c.Batch, c.Out).Convert<float>()));

    /// <summary>Forward and Backward against plain loops in T summing in index order, as the kernels promise: bit for bit.</summary>
    private static void PlainProducts<T>(Tensor<T> input, AffineParams<T> parameters, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (batch, inputs, outputs) = (input.Shape[0], parameters.InputSize, parameters.OutputSize);
        var (y, cache) = Affine.Forward(parameters, input);
        var g = Affine.Backward(cache, dOut);
        T[] x = input.ToArray(), w = parameters.W.ToArray(), b = parameters.B.ToArray(), d = dOut.ToArray();

        T[] expectedY = new T[batch * outputs], dx = new T[batch * inputs], dW = new T[inputs * outputs], dB = new T[outputs];
        for (var i = 0; i < batch; i++)
        {
            for (var j = 0; j < outputs; j++)
            {
                var sum = T.Zero;
                for (var k = 0; k < inputs; k++)
                {
                    sum += x[(i * inputs) + k] * w[(k * outputs) + j];
                }
                expectedY[(i * outputs) + j] = sum + b[j];
            }
            for (var k = 0; k < inputs; k++)
            {
                var sum = T.Zero;
                for (var j = 0; j < outputs; j++)
                {
                    sum += d[(i * outputs) + j] * w[(k * outputs) + j];   // dx = dOut·Wᵀ
                }
                dx[(i * inputs) + k] = sum;
            }
        }
        for (var k = 0; k < inputs; k++)
        {
            for (var j = 0; j < outputs; j++)
            {
                var sum = T.Zero;
                for (var i = 0; i < batch; i++)
                {
                    sum += x[(i * inputs) + k] * d[(i * outputs) + j];   // dW = xᵀ·dOut
                }
                dW[(k * outputs) + j] = sum;
            }
        }
        for (var j = 0; j < outputs; j++)
        {
            for (var i = 0; i < batch; i++)
            {
                dB[j] += d[(i * outputs) + j];   // dB = column sums of dOut
            }
        }
        Assert.Equal(Tensor.FromArray(expectedY, batch, outputs), y);
        Assert.Equal(Tensor.FromArray(dx, [.. input.Shape.Dims]), g.Dx);
        Assert.Equal(Tensor.FromArray(dW, inputs, outputs), g.DW);
        Assert.Equal(Tensor.FromArray(dB, outputs), g.DB);
    }

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

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void Forward_and_Backward_are_pure(Precision precision) => PropertyCheck.ForAll(Inputs, c =>
    {
        var dOut = Sample.Normal(c.Key, c.Batch, c.Out);
        if (precision == Precision.Float32)
        {
            Pure(c.X.Convert<float>(), new AffineParams<float>(c.Params.W.Convert<float>(), c.Params.B.Convert<float>()), dOut.Convert<float>());
        }
        else
        {
            Pure(c.X, c.Params, dOut);
        }
    });

    private static void Pure<T>(Tensor<T> x, AffineParams<T> parameters, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (_, cache) = Affine.Forward(parameters, x);
        Purity.Check("Affine.Forward", () => Affine.Forward(parameters, x), x, parameters.W, parameters.B);
        Purity.Check("Affine.Backward", () => Affine.Backward(cache, dOut), dOut, cache.X, cache.W);
    }
}
