using System.Numerics;
using Functional.Composition;
using Functional.Data;
using Functional.Kernels;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Layers;

/// <summary>The trainable parameters of an <see cref="Affine"/> layer.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record AffineParams<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Checks that W is [in, out] and B is [out].</summary>
    /// <exception cref="ArgumentException">W is not rank 2, or B is not a vector of W's column count.</exception>
    public AffineParams(Tensor<T> w, Tensor<T> b)
    {
        Require.Rank("AffineParams", "W", w, 2);
        Require.NotEmpty("AffineParams", "W", w);
        Require.Rank("AffineParams", "B", b, 1);
        if (b.Length != w.Shape[1])
        {
            throw new ArgumentException(
                $"AffineParams: B must have shape [{w.Shape[1]}] to match W {w.Shape}, but has shape {b.Shape}.", nameof(b));
        }
        W = w;
        B = b;
    }

    /// <summary>Weights, [in, out].</summary>
    public Tensor<T> W { get; }

    /// <summary>Biases, [out].</summary>
    public Tensor<T> B { get; }

    /// <summary>The input width, W's row count.</summary>
    public int InputSize => W.Shape[0];

    /// <summary>The output width, W's column count.</summary>
    public int OutputSize => W.Shape[1];
}

/// <summary>What <see cref="Affine.Forward"/> caches: the flattened input and the weights it was multiplied by.</summary>
/// <param name="X">The input flattened to [batch, in].</param>
/// <param name="W">The weights used, [in, out].</param>
/// <param name="InputShape">The input's original shape, which dx is given back in.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record AffineCache<T>(Tensor<T> X, Tensor<T> W, Shape InputShape) : LayerCache
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The gradients of <see cref="Affine.Backward"/>.</summary>
/// <param name="Dx">∂L/∂x = dOut·Wᵀ, in the input's original shape.</param>
/// <param name="DW">∂L/∂W = xᵀ·dOut, [in, out].</param>
/// <param name="DB">∂L/∂B = the column sums of dOut, [out].</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record AffineGradients<T>(Tensor<T> Dx, Tensor<T> DW, Tensor<T> DB)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The parameter gradients of <see cref="Affine.WeightGradients"/>, without the input gradient.</summary>
/// <param name="DW">∂L/∂W = xᵀ·dOut, [in, out].</param>
/// <param name="DB">∂L/∂B = the column sums of dOut, [out].</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record AffineWeightGradients<T>(Tensor<T> DW, Tensor<T> DB)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The Affine layer of section 5.6: out = x·W + B. An input of rank ≥ 2 is flattened to [batch, features]
/// as the book's <c>x.reshape(x.shape[0], -1)</c> does, so a [N, C, H, W] image batch feeds a layer with in = C·H·W.
/// </summary>
public static class Affine
{
    /// <summary>out = x·W + B, [batch, out]. Caches the flattened x, W and x's shape.</summary>
    /// <exception cref="ArgumentException">x has rank &lt; 2, an empty batch, or a feature count other than W's rows.</exception>
    public static ForwardResult<Tensor<T>, AffineCache<T>> Forward<T>(AffineParams<T> parameters, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Affine.Forward", nameof(parameters), parameters);
        Require.NotNull("Affine.Forward", nameof(x), x);
        if (x.Rank < 2)
        {
            throw new ArgumentException(
                $"Affine.Forward: x must have rank ≥ 2 ([batch, features, …]), but has shape {x.Shape}.", nameof(x));
        }
        var batch = x.Shape[0];
        if (batch == 0)
        {
            throw new ArgumentException($"Affine.Forward: x must hold at least one sample, but has shape {x.Shape}.", nameof(x));
        }
        var features = x.Length / batch;
        if (features != parameters.InputSize)
        {
            throw new ArgumentException(
                $"Affine.Forward: x must have {parameters.InputSize} features per sample to match W {parameters.W.Shape}, " +
                $"but has shape {x.Shape} ({features} features).", nameof(x));
        }
        var flat = x.Reshape(batch, features);
        var output = WithBias(MatrixKernels.MatMul(flat.Storage, parameters.W.Storage, batch, features, parameters.OutputSize), parameters);
        return new(new Tensor<T>(new Shape(batch, parameters.OutputSize), output), new AffineCache<T>(flat, parameters.W, x.Shape));
    }

    /// <summary>
    /// out = x·W + B for a batch of images given as pixels (each read as pixel / 255): bit-identical to
    /// <see cref="Forward"/> on the batch's float64 features. A first layer in training needs no cache: its update
    /// reads the pixels again (<see cref="SgdUpdatedPixels"/>).
    /// </summary>
    internal static Tensor<T> ForwardPixels<T>(AffineParams<T> parameters, PixelBatch x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePixels("Affine.Forward", parameters.InputSize, x);
        var output = WithBias(MatrixKernels.MatMul(x.AsOperand<T>(), parameters.W.Storage, x.Rows, x.Features, parameters.OutputSize), parameters);
        return new Tensor<T>(new Shape(x.Rows, parameters.OutputSize), output);
    }

    // Adds B to every row, as Forward's out = x·W + B does.
    private static T[] WithBias<T>(T[] output, AffineParams<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bias = parameters.B.Span;
        for (var i = 0; i < output.Length; i += parameters.OutputSize)
        {
            MatrixKernels.Add(bias, output.AsSpan(i, parameters.OutputSize));
        }
        return output;
    }

    internal static void RequirePixels(string operation, int inputSize, PixelBatch x)
    {
        if (x.Features != inputSize || x.Pixels.Length < x.Rows * x.Features)
        {
            throw new ArgumentException(
                $"{operation}: the pixel batch must have {inputSize} features per sample, got [{x.Rows}, {x.Features}] in {x.Pixels.Length} bytes.", nameof(x));
        }
    }

    /// <summary>dx = dOut·Wᵀ (reshaped to x's shape), dW = xᵀ·dOut, dB = Σ over the batch of dOut.</summary>
    /// <exception cref="ArgumentException">dOut is not [batch, out].</exception>
    public static AffineGradients<T> Backward<T>(AffineCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (dW, dB) = WeightGradients(cache, dOut);
        int batch = cache.X.Shape[0], inputs = cache.W.Shape[0], outputs = cache.W.Shape[1];
        var dx = MatrixKernels.MatMulTransposeB(dOut.Storage, cache.W.Storage, batch, outputs, inputs);
        return new(new Tensor<T>(cache.InputShape, dx), dW, dB);
    }

    /// <summary>
    /// dW and dB alone, bit-identical to <see cref="Backward"/>'s: for a first layer, whose input needs no gradient,
    /// this skips the dOut·Wᵀ product.
    /// </summary>
    /// <exception cref="ArgumentException">dOut is not [batch, out].</exception>
    public static AffineWeightGradients<T> WeightGradients<T>(AffineCache<T> cache, Tensor<T> dOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("Affine.Backward", nameof(cache), cache);
        int batch = cache.X.Shape[0], inputs = cache.W.Shape[0], outputs = cache.W.Shape[1];
        Require.SameShape("Affine.Backward", "the forward output", new Shape(batch, outputs), nameof(dOut), dOut);
        var dW = MatrixKernels.MatMulTransposeA(cache.X.Storage, dOut.Storage, batch, inputs, outputs);
        var dB = MatrixKernels.ColumnSums(dOut.Span, batch, outputs);
        return new(new Tensor<T>(cache.W.Shape, dW), new Tensor<T>(new Shape(outputs), dB));
    }

    /// <summary>
    /// The parameters after one SGD step on this layer, W − lr·dW and B − lr·dB, without storing dW: the update is
    /// fused into the dW product. Bit-identical to applying <c>Sgd.Update</c> to <see cref="WeightGradients"/>.
    /// </summary>
    internal static (Tensor<T> W, Tensor<T> B) SgdUpdated<T>(AffineCache<T> cache, Tensor<T> dOut, AffineParams<T> parameters, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = cache.X.Shape[0], inputs = cache.W.Shape[0], outputs = cache.W.Shape[1];
        Require.SameShape("Affine.Backward", "the forward output", new Shape(batch, outputs), nameof(dOut), dOut);
        var w = MatrixKernels.MatMulTransposeASubtractedFrom(parameters.W.Storage, learningRate, cache.X.Storage, dOut.Storage, batch, inputs, outputs);
        var b = MatrixKernels.SubtractScaled(parameters.B.Storage, MatrixKernels.ColumnSums(dOut.Span, batch, outputs), learningRate);
        return (new Tensor<T>(parameters.W.Shape, w), new Tensor<T>(parameters.B.Shape, b));
    }

    /// <summary>
    /// <see cref="SgdUpdated{T}(AffineCache{T}, Tensor{T}, AffineParams{T}, T)"/> for a first layer whose input was a pixel
    /// batch: the same bits as on the batch's float64 features.
    /// </summary>
    internal static (Tensor<T> W, Tensor<T> B) SgdUpdatedPixels<T>(PixelBatch x, Tensor<T> dOut, AffineParams<T> parameters, T learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequirePixels("Affine.Backward", parameters.InputSize, x);
        int batch = x.Rows, inputs = parameters.InputSize, outputs = parameters.OutputSize;
        Require.SameShape("Affine.Backward", "the forward output", new Shape(batch, outputs), nameof(dOut), dOut);
        var w = MatrixKernels.MatMulTransposeASubtractedFrom(parameters.W.Storage, learningRate, x.AsOperand<T>(), dOut.Storage, batch, inputs, outputs);
        var b = MatrixKernels.SubtractScaled(parameters.B.Storage, MatrixKernels.ColumnSums(dOut.Span, batch, outputs), learningRate);
        return (new Tensor<T>(parameters.W.Shape, w), new Tensor<T>(parameters.B.Shape, b));
    }
}
