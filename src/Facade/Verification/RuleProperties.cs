using System.Globalization;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Facade.Verification;

/// <summary>
/// Checks one case of a rule against the properties of <see cref="LayerCheckProperties"/>, in their order, for every
/// argument, and returns the first one it fails. The random directions come from the case's check key.
/// </summary>
internal sealed class RuleProperties(RuleUnderTest rule, LayerCheckOptions options)
{
    /// <summary>Cases of up to this many elements (all arguments together) also get their whole Jacobian checked.</summary>
    public const int JacobianLimit = 8;

    private readonly string[] _names = [.. rule.Arguments.Select(a => a.Name)];
    private string? _call;   // the user's Forward or Backward call under way, which an exception is blamed on

    public Violation? Check(IReadOnlyList<Tensor<double>> args, RngKey key)
    {
        _call = null;
        rule.Contract?.Clear();
        try
        {
            var violation = Run([.. args], key);
            return rule.Contract?.First ?? violation;
        }
        catch (Exception e) when (_call is not null || rule.Contract?.First is not null)
        {
            // A broken contract the rule recorded explains what went wrong after it better than the exception does.
            return rule.Contract?.First ?? new(LayerCheckProperties.Exception, $"{_call} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private Violation? Run(Tensor<double>[] args, RngKey key)
    {
        // Shapes and finite values.
        var copies = args.Select(Copy).ToArray();
        var (y, cache) = Forward(args, Call("Forward"));
        if (y is null)
        {
            return new(LayerCheckProperties.Shapes, $"{Call("Forward")} returned a null output.");
        }
        if (FirstNonFinite(y) is int bad)
        {
            return new(LayerCheckProperties.Finite, Text($"{Call("Forward")} output element {At(y.Shape, bad)} is {y.Span[bad]:R} for finite arguments."));
        }
        var v = Sample.Normal(key.FoldIn(1), y.Shape.Dims.AsSpan());
        var vCopy = Copy(v);
        var (g, shapes) = Backward(cache, v, "Backward(cache, v)", args);
        if (shapes is not null)
        {
            return shapes;
        }
        for (var a = 0; a < args.Length; a++)
        {
            if (FirstNonFinite(g[a]) is int badGradient)
            {
                return new(LayerCheckProperties.Finite, Text(
                    $"Backward(cache, v) {GradientOf(a)} element {At(g[a].Shape, badGradient)} is {g[a].Span[badGradient]:R} for finite arguments and dOut."), _names[a]);
            }
        }

        // Purity, before the finite differences, which assume Forward is a function.
        if (Purity(args, copies, v, vCopy, y, cache, g) is { } impure)
        {
            return impure;
        }

        // ⟨v, J·u⟩ by central differences against ⟨u, Jᵀ·v⟩ from Backward: first along each argument alone, which names
        // the argument whose gradient is wrong, then along all of them at once.
        var scale = 0.0;
        for (var j = 0; j < y.Length; j++)
        {
            scale += Math.Abs(v.Span[j] * y.Span[j]);
        }
        for (var a = 0; a < args.Length; a++)
        {
            var direction = new double[args.Length][];
            for (var b = 0; b < args.Length; b++)
            {
                direction[b] = b == a ? UnitVector(key.FoldIn(args.Length == 1 ? 0UL : 10UL + (ulong)a), args[b].Length) : new double[args[b].Length];
            }
            if (Vjp(args, y, v, g, direction, scale, args.Length == 1 ? "" : $"{_names[a]}") is { } wrong)
            {
                return wrong with { Argument = _names[a] };
            }
        }
        if (args.Length > 1)
        {
            var all = UnitVector(key.FoldIn(0), args.Sum(t => t.Length));
            var direction = new double[args.Length][];
            for (int b = 0, offset = 0; b < args.Length; offset += args[b].Length, b++)
            {
                direction[b] = all[offset..(offset + args[b].Length)];
            }
            if (Vjp(args, y, v, g, direction, scale, "all arguments") is { } wrong)
            {
                return wrong;
            }
        }

        if (args.Sum(t => t.Length) <= JacobianLimit && Jacobian(args, y, cache) is { } jacobian)
        {
            return jacobian;
        }
        return Linearity(args, y.Shape, cache, key);
    }

    /// <summary>One directional check: u (per argument) against the gradients g of dOut = v.</summary>
    private Violation? Vjp(Tensor<double>[] args, Tensor<double> y, Tensor<double> v, Tensor<double>[] g, double[][] u, double scale, string along)
    {
        var h = options.Step;
        var (plus, plusViolation) = Output(Moved(args, u, h), y.Shape, args.Length == 1 ? "Forward(x + h·u)" : $"Forward(args + h·u), u along {along}");
        if (plusViolation is not null)
        {
            return plusViolation;
        }
        var (minus, minusViolation) = Output(Moved(args, u, -h), y.Shape, args.Length == 1 ? "Forward(x − h·u)" : $"Forward(args − h·u), u along {along}");
        if (minusViolation is not null)
        {
            return minusViolation;
        }
        var fd = (Dot(v.Span, plus) - Dot(v.Span, minus)) / (2 * h);
        var bw = 0.0;
        for (var a = 0; a < args.Length; a++)
        {
            bw += Dot(u[a], g[a].Span);
        }
        if (Mismatch(fd, bw, scale) is not { } allowed)
        {
            return null;
        }
        var (j, gradient) = args.Length == 1 || along == "all arguments"
            ? ("J", "Backward(cache, v)")
            : ($"J_{along}", $"d{along} from Backward(cache, v)");
        var prefix = along == "all arguments" ? "u along all arguments: " : "";
        return new(LayerCheckProperties.Vjp, Text(
            $"{prefix}expected ⟨v, {j}·u⟩ = {fd:R} (central differences, h = {h:R}), actual ⟨u, {gradient}⟩ = {bw:R}; off by {Math.Abs(fd - bw):G3}, allowed {allowed:G3}."));
    }

    private Violation? Purity(Tensor<double>[] args, Tensor<double>[] copies, Tensor<double> v, Tensor<double> vCopy, Tensor<double> y, object? cache, Tensor<double>[] g)
    {
        for (var a = 0; a < args.Length; a++)
        {
            if (!args[a].Equals(copies[a]))
            {
                return new(LayerCheckProperties.Purity, $"{Call("Forward")} changed {_names[a]}: {Difference(copies[a], args[a])}.", _names[a]);
            }
        }
        if (!v.Equals(vCopy))
        {
            return new(LayerCheckProperties.Purity, $"Backward(cache, v) changed v: {Difference(vCopy, v)}.");
        }
        var (y2, cache2) = Forward(args, $"{Call("Forward")}, called again");
        if (!y.Equals(y2))
        {
            return new(LayerCheckProperties.Purity, $"Forward gave different outputs for the same input: {Difference(y, y2)}.");
        }
        var (again, againShapes) = Backward(cache, v, "Backward(cache, v), called again", args);
        if (againShapes is not null)
        {
            return againShapes;
        }
        var (fromSecond, secondShapes) = Backward(cache2, v, "Backward(cache2, v)", args);
        if (secondShapes is not null)
        {
            return secondShapes;
        }
        for (var a = 0; a < args.Length; a++)
        {
            if (!g[a].Equals(again[a]))
            {
                return new(LayerCheckProperties.Purity,
                    $"Backward gave different gradients for the same cache and dOut: {GradientOf(a)} {Difference(g[a], again[a])}.", _names[a]);
            }
            if (!g[a].Equals(fromSecond[a]))
            {
                return new(LayerCheckProperties.Purity,
                    $"Backward gave different gradients with the caches of two Forward calls on the same input: {GradientOf(a)} {Difference(g[a], fromSecond[a])}.", _names[a]);
            }
        }
        for (var a = 0; a < args.Length; a++)
        {
            if (!args[a].Equals(copies[a]) || !v.Equals(vCopy))
            {
                return new(LayerCheckProperties.Purity,
                    $"Forward or Backward changed its argument on a repeated call: {_names[a]} {Difference(copies[a], args[a])}, v {Difference(vCopy, v)}.");
            }
        }
        return null;
    }

    /// <summary>Column i of the Jacobian by central differences against row j from Backward(cache, eⱼ), entry by entry, for every argument.</summary>
    private Violation? Jacobian(Tensor<double>[] args, Tensor<double> y, object? cache)
    {
        var h = options.Step;
        var rows = new Tensor<double>[y.Length][];
        for (var j = 0; j < rows.Length; j++)
        {
            var e = new double[y.Length];
            e[j] = 1.0;
            var (row, shapes) = Backward(cache, Tensor.FromArray(e, y.Shape.Dims.AsSpan()), $"Backward(cache, e{j})", args);
            if (shapes is not null)
            {
                return shapes;
            }
            rows[j] = row;
        }
        for (var a = 0; a < args.Length; a++)
        {
            var x = args[a];
            var name = args.Length == 1 ? "x" : _names[a];
            for (var i = 0; i < x.Length; i++)
            {
                var e = new double[args.Length][];
                for (var b = 0; b < args.Length; b++)
                {
                    e[b] = new double[args[b].Length];
                }
                e[a][i] = 1.0;
                var (plus, plusViolation) = Output(Moved(args, e, h), y.Shape, $"Forward({name} + h·e{i})");
                if (plusViolation is not null)
                {
                    return plusViolation;
                }
                var (minus, minusViolation) = Output(Moved(args, e, -h), y.Shape, $"Forward({name} − h·e{i})");
                if (minusViolation is not null)
                {
                    return minusViolation;
                }
                for (var j = 0; j < rows.Length; j++)
                {
                    var fd = (plus[j] - minus[j]) / (2 * h);
                    var bw = rows[j][a].Span[i];
                    if (Mismatch(fd, bw, Math.Abs(y.Span[j])) is { } allowed)
                    {
                        var from = args.Length == 1 ? $"Backward(cache, e{j})" : $"d{name} of Backward(cache, e{j})";
                        return new(LayerCheckProperties.Jacobian, Text(
                            $"expected ∂y{At(y.Shape, j)}/∂{name}{At(x.Shape, i)} = {fd:R} (central differences, h = {h:R}), actual {bw:R} from {from}; off by {Math.Abs(fd - bw):G3}, allowed {allowed:G3}."),
                            _names[a]);
                    }
                }
            }
        }
        return null;
    }

    private Violation? Linearity(Tensor<double>[] args, Shape outputShape, object? cache, RngKey key)
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
        var (g1, s1) = Backward(cache, v1, "Backward(cache, v1)", args);
        var (g2, s2) = Backward(cache, v2, "Backward(cache, v2)", args);
        var (gm, sm) = Backward(cache, Tensor.FromArray(mixed, outputShape.Dims.AsSpan()), "Backward(cache, a·v1 + v2)", args);
        if ((s1 ?? s2 ?? sm) is { } shapes)
        {
            return shapes;
        }
        for (var b = 0; b < args.Length; b++)
        {
            for (var i = 0; i < args[b].Length; i++)
            {
                var (left, right) = (gm[b].Span[i], (a * g1[b].Span[i]) + g2[b].Span[i]);
                if (Mismatch(left, right, Math.Abs(a * g1[b].Span[i]) + Math.Abs(g2[b].Span[i])) is { } allowed)
                {
                    var which = args.Length == 1 ? "" : $" d{_names[b]}";
                    return new(LayerCheckProperties.Linearity, Text(
                        $"expected Backward(cache, a·v1 + v2){which}{At(args[b].Shape, i)} = a·Backward(cache, v1) + Backward(cache, v2) = {right:R} (a = {a:R}), actual {left:R}; off by {Math.Abs(left - right):G3}, allowed {allowed:G3}."),
                        _names[b]);
                }
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

    private string Call(string function) => _names.Length == 1 ? $"{function}(x)" : $"{function}({string.Join(", ", _names)})";

    private string GradientOf(int a) => _names.Length == 1 ? "gradient" : $"gradient of {_names[a]}";

    private (Tensor<double> Output, object? Cache) Forward(Tensor<double>[] args, string call)
    {
        _call = call;
        var result = rule.Forward(args);
        _call = null;
        return result;
    }

    /// <summary>Backward's gradients, or the Shapes violation when they are missing, null, or not of their arguments' shapes.</summary>
    private (Tensor<double>[] Gradients, Violation? Shapes) Backward(object? cache, Tensor<double> dOut, string call, Tensor<double>[] args)
    {
        _call = call;
        var result = rule.Backward(cache, dOut);
        _call = null;
        if (result is null || result.Count != args.Length)
        {
            return ([], new(LayerCheckProperties.Shapes,
                $"{call} returned {(result is null ? "null" : Text($"{result.Count} gradients"))}; expected one gradient per argument ({args.Length}: {string.Join(", ", _names)})."));
        }
        for (var a = 0; a < args.Length; a++)
        {
            if (result[a] is null)
            {
                return ([], new(LayerCheckProperties.Shapes, $"{call} returned a null {GradientOf(a)}.", _names[a]));
            }
            if (result[a].Shape != args[a].Shape)
            {
                var expected = _names.Length == 1 ? "the input's shape" : $"{_names[a]}'s shape";
                return ([], new(LayerCheckProperties.Shapes,
                    $"{call} returned a {GradientOf(a)} of shape {result[a].Shape}; expected {expected} {args[a].Shape}.", _names[a]));
            }
        }
        return ([.. result], null);
    }

    private (double[] Values, Violation? Violation) Output(Tensor<double>[] at, Shape expected, string call)
    {
        var (output, _) = Forward(at, call);
        return output is null
            ? ([], new(LayerCheckProperties.Shapes, $"{call} returned a null output."))
            : output.Shape != expected
            ? ([], new(LayerCheckProperties.Shapes, $"{call} returned an output of shape {output.Shape}, but {Call("Forward")} one of shape {expected}."))
            : (output.ToArray(), null);
    }

    private static int? FirstNonFinite(Tensor<double> t)
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

    /// <summary>Every argument moved by alpha·u (u given per argument).</summary>
    private static Tensor<double>[] Moved(Tensor<double>[] args, double[][] u, double alpha)
    {
        var moved = new Tensor<double>[args.Length];
        for (var a = 0; a < args.Length; a++)
        {
            var result = args[a].ToArray();
            for (var i = 0; i < result.Length; i++)
            {
                result[i] += alpha * u[a][i];
            }
            moved[a] = Tensor.FromArray(result, args[a].Shape.Dims.AsSpan());
        }
        return moved;
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

    private static Tensor<double> Copy(Tensor<double> t) => Tensor.FromArray(t.Span, t.Shape.Dims.AsSpan());

    /// <summary>Where two tensors first differ in bits, in words.</summary>
    internal static string Difference(Tensor<double> before, Tensor<double> after)
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
    internal static string At(Shape shape, int flat)
    {
        var index = new int[shape.Rank];
        for (var axis = shape.Rank - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return "[" + string.Join(", ", index) + "]";
    }

    internal static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
