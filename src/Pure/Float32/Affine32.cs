using Functional.Data;
using Functional.Kernels;

namespace Functional.Float32;

/// <summary>Affine parameters in float32: W [in, out] and B [1, out].</summary>
public sealed record Affine32Params
{
    /// <summary>Checks that B is one row as wide as W.</summary>
    /// <exception cref="ArgumentException">B is not [1, W's columns].</exception>
    public Affine32Params(Matrix32 w, Matrix32 b)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rows != 1 || b.Columns != w.Columns)
        {
            throw new ArgumentException($"Affine32Params: B must be [1, {w.Columns}] to match W [{w.Rows}, {w.Columns}], got [{b.Rows}, {b.Columns}].", nameof(b));
        }
        W = w;
        B = b;
    }

    /// <summary>The weights [in, out].</summary>
    public Matrix32 W { get; }

    /// <summary>The bias [1, out].</summary>
    public Matrix32 B { get; }
}

/// <summary>What <see cref="Affine32.Forward"/> caches: the input and the weights.</summary>
/// <param name="X">The input [batch, in].</param>
/// <param name="W">The weights [in, out].</param>
public sealed record Affine32Cache(Matrix32 X, Matrix32 W);

/// <summary>The gradients of <see cref="Affine32.Backward"/>.</summary>
/// <param name="Dx">∂L/∂x [batch, in].</param>
/// <param name="DW">∂L/∂W [in, out].</param>
/// <param name="DB">∂L/∂B [1, out].</param>
public sealed record Affine32Gradients(Matrix32 Dx, Matrix32 DW, Matrix32 DB);

/// <summary>
/// The Affine layer in float32: out = x·W + B, with the same kernels as the float64 layer (every sum in sequential
/// order, vectorised across output columns), so its bits repeat on any machine.
/// </summary>
public static class Affine32
{
    /// <summary>out = x·W + B, [batch, out]. Caches x and W.</summary>
    /// <exception cref="ArgumentException">x is empty or has a column count other than W's rows.</exception>
    public static Functional.ForwardResult<Matrix32, Affine32Cache> Forward(Affine32Params parameters, Matrix32 x)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rows == 0 || x.Columns != parameters.W.Rows)
        {
            throw new ArgumentException(
                $"Affine32.Forward: x must be [batch ≥ 1, {parameters.W.Rows}] to match W [{parameters.W.Rows}, {parameters.W.Columns}], got [{x.Rows}, {x.Columns}].", nameof(x));
        }
        return new(new Matrix32(x.Rows, parameters.W.Columns, Product(parameters, x)), new Affine32Cache(x, parameters.W));
    }

    /// <summary>x·W + B without a cache, for inference.</summary>
    internal static Matrix32 Apply(Affine32Params parameters, Matrix32 x) => Forward(parameters, x).Output;

    /// <summary>dx = dOut·Wᵀ, dW = xᵀ·dOut, dB = Σ over the batch of dOut.</summary>
    /// <exception cref="ArgumentException">dOut is not [batch, out].</exception>
    public static Affine32Gradients Backward(Affine32Cache cache, Matrix32 dOut)
    {
        var (dW, dB) = WeightGradients(cache, dOut);
        var dx = MatrixKernels.MatMulTransposeB(dOut.Storage, cache.W.Storage, cache.X.Rows, cache.W.Columns, cache.W.Rows);
        return new(new Matrix32(cache.X.Rows, cache.W.Rows, dx), dW, dB);
    }

    /// <summary>dW and dB alone, bit-identical to <see cref="Backward"/>'s, for a first layer whose input needs no gradient.</summary>
    /// <exception cref="ArgumentException">dOut is not [batch, out].</exception>
    public static (Matrix32 DW, Matrix32 DB) WeightGradients(Affine32Cache cache, Matrix32 dOut)
    {
        RequireDOut(cache, dOut);
        var dW = MatrixKernels.MatMulTransposeA(cache.X.Storage, dOut.Storage, cache.X.Rows, cache.W.Rows, cache.W.Columns);
        var dB = MatrixKernels.ColumnSums<float>(dOut.Span, dOut.Rows, dOut.Columns);
        return (new Matrix32(cache.W.Rows, cache.W.Columns, dW), new Matrix32(1, cache.W.Columns, dB));
    }

    /// <summary>W − lr·dW and B − lr·dB with the update fused into the dW product: bit-identical to updating with <see cref="WeightGradients"/>.</summary>
    internal static (Matrix32 W, Matrix32 B) SgdUpdated(Affine32Cache cache, Matrix32 dOut, Affine32Params parameters, float learningRate)
    {
        RequireDOut(cache, dOut);
        var w = MatrixKernels.MatMulTransposeASubtractedFrom(parameters.W.Storage, learningRate, cache.X.Storage, dOut.Storage, cache.X.Rows, cache.W.Rows, cache.W.Columns);
        var b = MatrixKernels.SubtractScaled(parameters.B.Storage, MatrixKernels.ColumnSums<float>(dOut.Span, dOut.Rows, dOut.Columns), learningRate);
        return (new Matrix32(cache.W.Rows, cache.W.Columns, w), new Matrix32(1, cache.W.Columns, b));
    }

    /// <summary>x·W + B for a batch of images given as pixels (pixel / 255 rounded to float32), without a cache.</summary>
    internal static Matrix32 ForwardPixels(Affine32Params parameters, PixelBatch x)
    {
        Layers.Affine.RequirePixels("Affine32.Forward", parameters.W.Rows, x);
        return new(x.Rows, parameters.W.Columns, WithBias(MatrixKernels.MatMul(x.AsOperand<float>(), parameters.W.Storage, x.Rows, x.Features, parameters.W.Columns), parameters));
    }

    /// <summary><see cref="SgdUpdated(Affine32Cache, Matrix32, Affine32Params, float)"/> for a first layer whose input was a pixel batch.</summary>
    internal static (Matrix32 W, Matrix32 B) SgdUpdatedPixels(PixelBatch x, Matrix32 dOut, Affine32Params parameters, float learningRate)
    {
        Layers.Affine.RequirePixels("Affine32.Backward", parameters.W.Rows, x);
        ArgumentNullException.ThrowIfNull(dOut);
        if (dOut.Rows != x.Rows || dOut.Columns != parameters.W.Columns)
        {
            throw new ArgumentException(
                $"Affine32.Backward: dOut must have the forward output's shape [{x.Rows}, {parameters.W.Columns}], got [{dOut.Rows}, {dOut.Columns}].", nameof(dOut));
        }
        var w = MatrixKernels.MatMulTransposeASubtractedFrom(parameters.W.Storage, learningRate, x.AsOperand<float>(), dOut.Storage, x.Rows, parameters.W.Rows, parameters.W.Columns);
        var b = MatrixKernels.SubtractScaled(parameters.B.Storage, MatrixKernels.ColumnSums<float>(dOut.Span, dOut.Rows, dOut.Columns), learningRate);
        return (new Matrix32(parameters.W.Rows, parameters.W.Columns, w), new Matrix32(1, parameters.W.Columns, b));
    }

    private static float[] Product(Affine32Params parameters, Matrix32 x) =>
        WithBias(MatrixKernels.MatMul(x.Storage, parameters.W.Storage, x.Rows, x.Columns, parameters.W.Columns), parameters);

    // Adds B to every row.
    private static float[] WithBias(float[] output, Affine32Params parameters)
    {
        var outputs = parameters.W.Columns;
        for (var i = 0; i < output.Length; i += outputs)
        {
            MatrixKernels.Add<float>(parameters.B.Span, output.AsSpan(i, outputs));
        }
        return output;
    }

    private static void RequireDOut(Affine32Cache cache, Matrix32 dOut)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(dOut);
        if (dOut.Rows != cache.X.Rows || dOut.Columns != cache.W.Columns)
        {
            throw new ArgumentException(
                $"Affine32.Backward: dOut must have the forward output's shape [{cache.X.Rows}, {cache.W.Columns}], got [{dOut.Rows}, {dOut.Columns}].", nameof(dOut));
        }
    }
}
