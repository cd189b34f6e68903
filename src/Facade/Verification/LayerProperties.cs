using System.Globalization;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Facade.Verification;

/// <summary>
/// Checks one input against the properties of <see cref="LayerCheckProperties"/>, in their order, and returns the
/// first one it fails. The random directions come from the case's check key, so shrinking a case keeps them.
/// </summary>
internal sealed class LayerProperties<TCache>(
    Func<Tensor, (Tensor Output, TCache Cache)> forward, Func<TCache, Tensor, Tensor> backward, LayerCheckOptions options)
{
    /// <summary>Inputs up to this many elements also get their whole Jacobian checked, entry by entry.</summary>
    public const int JacobianLimit = 8;

    private string? _call;   // the user's Forward or Backward call under way, which an exception is blamed on

    public Violation? Check(int[] shape, double[] values, RngKey key)
    {
        _call = null;
        try
        {
            return Run(Tensor.FromArray(values, shape), key);
        }
        catch (Exception e) when (_call is not null)
        {
            return new(LayerCheckProperties.Exception, $"{_call} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private Violation? Run(Tensor x, RngKey key)
    {
        // Shapes and finite values.
        var xCopy = Copy(x);
        var (y, cache) = Forward(x, "Forward(x)");
        if (y is null)
        {
            return new(LayerCheckProperties.Shapes, "Forward(x) returned a null output.");
        }
        if (FirstNonFinite(y) is int bad)
        {
            return new(LayerCheckProperties.Finite, Text($"Forward(x) output element {At(y.Shape, bad)} is {y.Span[bad]:R} for a finite input."));
        }
        var v = Sample.Normal(key.FoldIn(1), y.Shape.Dims.AsSpan());
        var vCopy = Copy(v);
        var g = Backward(cache, v, "Backward(cache, v)");
        if (GradientShape(g, x, "Backward(cache, v)") is { } shapes)
        {
            return shapes;
        }
        if (FirstNonFinite(g) is int badGradient)
        {
            return new(LayerCheckProperties.Finite,
                Text($"Backward(cache, v) gradient element {At(g.Shape, badGradient)} is {g.Span[badGradient]:R} for a finite input and dOut."));
        }

        // Purity, before the finite differences, which assume Forward is a function.
        if (Purity(x, xCopy, v, vCopy, y, cache, g) is { } impure)
        {
            return impure;
        }

        // ⟨v, J·u⟩ by central differences against ⟨u, Jᵀ·v⟩ from Backward.
        var h = options.Step;
        var u = UnitVector(key.FoldIn(0), x.Length);
        var (plus, plusViolation) = Output(Axpy(h, u, x), y.Shape, "Forward(x + h·u)");
        if (plusViolation is not null)
        {
            return plusViolation;
        }
        var (minus, minusViolation) = Output(Axpy(-h, u, x), y.Shape, "Forward(x − h·u)");
        if (minusViolation is not null)
        {
            return minusViolation;
        }
        var vs = v.Span;
        var fd = (Dot(vs, plus) - Dot(vs, minus)) / (2 * h);
        var bw = Dot(u, g.Span);
        var scale = 0.0;
        for (var j = 0; j < vs.Length; j++)
        {
            scale += Math.Abs(vs[j] * y.Span[j]);
        }
        if (Mismatch(fd, bw, scale) is { } allowed)
        {
            return new(LayerCheckProperties.Vjp, Text(
                $"expected ⟨v, J·u⟩ = {fd:R} (central differences, h = {h:R}), actual ⟨u, Backward(cache, v)⟩ = {bw:R}; off by {Math.Abs(fd - bw):G3}, allowed {allowed:G3}."));
        }

        if (x.Length <= JacobianLimit && Jacobian(x, y, cache) is { } jacobian)
        {
            return jacobian;
        }
        return Linearity(x, y.Shape, cache, key);
    }

    private Violation? Purity(Tensor x, Tensor xCopy, Tensor v, Tensor vCopy, Tensor y, TCache cache, Tensor g)
    {
        if (!x.Equals(xCopy))
        {
            return new(LayerCheckProperties.Purity, $"Forward(x) changed x: {Difference(xCopy, x)}.");
        }
        if (!v.Equals(vCopy))
        {
            return new(LayerCheckProperties.Purity, $"Backward(cache, v) changed v: {Difference(vCopy, v)}.");
        }
        var (y2, cache2) = Forward(x, "Forward(x), called again");
        if (!y.Equals(y2))
        {
            return new(LayerCheckProperties.Purity, $"Forward gave different outputs for the same input: {Difference(y, y2)}.");
        }
        var again = Backward(cache, v, "Backward(cache, v), called again");
        if (!g.Equals(again))
        {
            return new(LayerCheckProperties.Purity, $"Backward gave different gradients for the same cache and dOut: {Difference(g, again)}.");
        }
        var fromSecond = Backward(cache2, v, "Backward(cache2, v)");
        if (!g.Equals(fromSecond))
        {
            return new(LayerCheckProperties.Purity,
                $"Backward gave different gradients with the caches of two Forward calls on the same input: {Difference(g, fromSecond)}.");
        }
        if (!x.Equals(xCopy) || !v.Equals(vCopy))
        {
            return new(LayerCheckProperties.Purity, $"Forward or Backward changed its argument on a repeated call: x {Difference(xCopy, x)}, v {Difference(vCopy, v)}.");
        }
        return null;
    }

    /// <summary>Column i of the Jacobian by central differences against row j from Backward(cache, eⱼ), entry by entry.</summary>
    private Violation? Jacobian(Tensor x, Tensor y, TCache cache)
    {
        var h = options.Step;
        var rows = new Tensor[y.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            var e = new double[y.Length];
            e[j] = 1.0;
            var call = $"Backward(cache, e{j})";
            rows[j] = Backward(cache, Tensor.FromArray(e, y.Shape.Dims.AsSpan()), call);
            if (GradientShape(rows[j], x, call) is { } shapes)
            {
                return shapes;
            }
        }
        for (var i = 0; i < x.Length; i++)
        {
            var e = new double[x.Length];
            e[i] = 1.0;
            var (plus, plusViolation) = Output(Axpy(h, e, x), y.Shape, $"Forward(x + h·e{i})");
            if (plusViolation is not null)
            {
                return plusViolation;
            }
            var (minus, minusViolation) = Output(Axpy(-h, e, x), y.Shape, $"Forward(x − h·e{i})");
            if (minusViolation is not null)
            {
                return minusViolation;
            }
            for (var j = 0; j < rows.Length; j++)
            {
                var fd = (plus[j] - minus[j]) / (2 * h);
                var bw = rows[j].Span[i];
                if (Mismatch(fd, bw, Math.Abs(y.Span[j])) is { } allowed)
                {
                    return new(LayerCheckProperties.Jacobian, Text(
                        $"expected ∂y{At(y.Shape, j)}/∂x{At(x.Shape, i)} = {fd:R} (central differences, h = {h:R}), actual {bw:R} from Backward(cache, e{j}); off by {Math.Abs(fd - bw):G3}, allowed {allowed:G3}."));
                }
            }
        }
        return null;
    }

    private Violation? Linearity(Tensor x, Shape outputShape, TCache cache, RngKey key)
    {
        var ka = key.FoldIn(4);
        var a = (ka.UnitAt(1) < 0.5 ? -1 : 1) * (0.5 + (1.5 * ka.UnitAt(0)));   // |a| in [0.5, 2): never near 0
        var v1 = Sample.Normal(key.FoldIn(2), outputShape.Dims.AsSpan());
        var v2 = Sample.Normal(key.FoldIn(3), outputShape.Dims.AsSpan());
        var mixed = new double[v1.Length];
        for (var j = 0; j < mixed.Length; j++)
        {
            mixed[j] = (a * v1.Span[j]) + v2.Span[j];
        }
        var g1 = Backward(cache, v1, "Backward(cache, v1)");
        var g2 = Backward(cache, v2, "Backward(cache, v2)");
        var gm = Backward(cache, Tensor.FromArray(mixed, outputShape.Dims.AsSpan()), "Backward(cache, a·v1 + v2)");
        var shapes = GradientShape(g1, x, "Backward(cache, v1)") ?? GradientShape(g2, x, "Backward(cache, v2)")
            ?? GradientShape(gm, x, "Backward(cache, a·v1 + v2)");
        if (shapes is not null)
        {
            return shapes;
        }
        for (var i = 0; i < x.Length; i++)
        {
            var (left, right) = (gm.Span[i], (a * g1.Span[i]) + g2.Span[i]);
            if (Mismatch(left, right, Math.Abs(a * g1.Span[i]) + Math.Abs(g2.Span[i])) is { } allowed)
            {
                return new(LayerCheckProperties.Linearity, Text(
                    $"expected Backward(cache, a·v1 + v2){At(x.Shape, i)} = a·Backward(cache, v1) + Backward(cache, v2) = {right:R} (a = {a:R}), actual {left:R}; off by {Math.Abs(left - right):G3}, allowed {allowed:G3}."));
            }
        }
        return null;
    }

    /// <summary>
    /// Null when |expected − actual| ≤ rtol·max(|expected|, |actual|) + atol·(1 + scale); otherwise the allowed
    /// difference. NaN on either side fails.
    /// </summary>
    private double? Mismatch(double expected, double actual, double scale)
    {
        var allowed = (options.RelativeTolerance * Math.Max(Math.Abs(expected), Math.Abs(actual)))
            + (options.AbsoluteTolerance * (1 + scale));
        return Math.Abs(expected - actual) <= allowed ? null : allowed;
    }

    private (Tensor Output, TCache Cache) Forward(Tensor x, string call)
    {
        _call = call;
        var result = forward(x);
        _call = null;
        return result;
    }

    private Tensor Backward(TCache cache, Tensor dOut, string call)
    {
        _call = call;
        var result = backward(cache, dOut);
        _call = null;
        return result;
    }

    private (double[] Values, Violation? Violation) Output(Tensor at, Shape expected, string call)
    {
        var (output, _) = Forward(at, call);
        return output is null
            ? ([], new(LayerCheckProperties.Shapes, $"{call} returned a null output."))
            : output.Shape != expected
            ? ([], new(LayerCheckProperties.Shapes, $"{call} returned an output of shape {output.Shape}, but Forward(x) one of shape {expected}."))
            : (output.ToArray(), null);
    }

    private static Violation? GradientShape(Tensor? gradient, Tensor x, string call) =>
        gradient is null ? new(LayerCheckProperties.Shapes, $"{call} returned a null gradient.")
        : gradient.Shape != x.Shape
        ? new(LayerCheckProperties.Shapes, $"{call} returned a gradient of shape {gradient.Shape}; expected the input's shape {x.Shape}.")
        : null;

    private static int? FirstNonFinite(Tensor t)
    {
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            if (!double.IsFinite(s[i]))
            {
                return i;
            }
        }
        return null;
    }

    private static double[] UnitVector(RngKey key, int length)
    {
        var u = Sample.Normal(key, length).ToArray();
        var norm = Math.Sqrt(Dot(u, u));
        for (var i = 0; i < u.Length; i++)
        {
            u[i] /= norm;
        }
        return u;
    }

    private static Tensor Axpy(double alpha, double[] u, Tensor x)
    {
        var result = x.ToArray();
        for (var i = 0; i < result.Length; i++)
        {
            result[i] += alpha * u[i];
        }
        return Tensor.FromArray(result, x.Shape.Dims.AsSpan());
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static Tensor Copy(Tensor t) => Tensor.FromArray(t.Span, t.Shape.Dims.AsSpan());

    private static string Difference(Tensor before, Tensor after)
    {
        if (after is null)
        {
            return "null the second time";
        }
        if (before.Shape != after.Shape)
        {
            return $"shape {before.Shape} the first time, {after.Shape} the second";
        }
        for (var i = 0; i < before.Length; i++)
        {
            var (a, b) = (before.Span[i], after.Span[i]);
            if (BitConverter.DoubleToInt64Bits(a) != BitConverter.DoubleToInt64Bits(b))
            {
                return Text($"element {At(before.Shape, i)} is {a:R} (bits 0x{BitConverter.DoubleToInt64Bits(a):X16}) the first time, {b:R} (bits 0x{BitConverter.DoubleToInt64Bits(b):X16}) the second");
            }
        }
        return "no difference";
    }

    /// <summary>A row-major flat index as a multi-index, e.g. [0, 2].</summary>
    private static string At(Shape shape, int flat)
    {
        var index = new int[shape.Rank];
        for (var axis = shape.Rank - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
