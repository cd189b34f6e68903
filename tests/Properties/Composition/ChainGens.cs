using CsCheck;
using Functional.Composition;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Composition;

/// <summary>One case of a chain: its layers (the top level), the input, the parameters, the state and the step's context.</summary>
public sealed record ChainCase(ILayer[] Items, Tensor<double> X, Params<double> Params, LayerState<double> State, StepContext Context)
{
    /// <summary>The whole chain.</summary>
    public Sequential Chain => new(Items);

    /// <summary>The per-sample input shape.</summary>
    public Shape PerSample => new(X.Shape[1]);

    /// <summary>The spec, the mode and the input; the parameters and state come from the key.</summary>
    public override string ToString() =>
        $"ChainCase {{ {Chain.Spec}, {(Context.Training ? "training" : "inference")}, X = {X}, Key = {Context.Key} }}";
}

/// <summary>Random chains of every built-in kind, and the filters that keep their finite differences well-conditioned.</summary>
public static class ChainGens
{
    /// <summary>Pre-activations must be at least this far from ReLU's kink: x ± h·u never crosses it.</summary>
    public const double KinkMargin = 0.05;

    /// <summary>BatchNorm's input columns must have at least this batch variance: near 0 it is ill-conditioned for h = 1e-5.</summary>
    public const double MinVariance = 0.1;

    /// <summary>
    /// In float32 BatchNorm's input columns need batch variance at least ¼ (std ≥ ½): a step of norm h = 2.5e-3 reaches
    /// BatchNorm as ~10·h after Affine layers, and the normalisation's relative truncation, ~(10·h)²/(6·std²), is then
    /// 1.7e-4 against <see cref="Gradients.SinglePrecisionDeep"/>'s 1e-2; at <see cref="MinVariance"/> it is 4e-4 times a
    /// constant of a few.
    /// </summary>
    public const double MinVarianceSingle = 0.25;

    private const int Kinds = 9;


    /// <summary>A built-in layer of kind <paramref name="kind"/> (0–8) that outputs <paramref name="width"/> if it is an Affine layer.</summary>
    public static ILayer Layer(int kind, int width, int variant) => kind switch
    {
        0 => new AffineLayer(width),
        1 => new ReluLayer(),
        2 => new LeakyReluLayer(variant % 2 == 0 ? LeakyReluLayer.DefaultAlpha : 0.2),
        3 => new SigmoidLayer(),
        4 => new TanhLayer(),
        5 => new BatchNormLayer(),
        6 => new DropoutLayer(variant % 2 == 0 ? 0.3 : 0.5),
        7 => new Residual(variant switch
        {
            0 => new AffineLayer(width),
            1 => Sequential.Of(new AffineLayer(width), new TanhLayer()),
            2 => Sequential.Of(new SigmoidLayer(), new AffineLayer(width)),
            _ => Sequential.Of(new AffineLayer(width + 1), new TanhLayer(), new AffineLayer(width)),
        }),
        _ => Sequential.Of(new AffineLayer(width), new TanhLayer()),   // a nested chain, spliced into its parent
    };

    /// <summary>
    /// Chains of 1–4 items of every kind, widths 1–6, batch 1–5 (3–5 with BatchNorm in training mode), x on the grid
    /// k/64 in [−4, 4] at least 1/64 from 0 (so a 0 reaching a kink was dropped or rectified), every parameter N(0, 1), and at inference a running mean N(0, 1) and variance in [0.25, 2.25].
    /// </summary>
    public static Gen<ChainCase> Chains { get; } = ChainsFor(Precision.Float64);

    /// <summary>
    /// <see cref="Chains"/> kept well-conditioned for finite differences in <paramref name="precision"/>
    /// (<see cref="WellConditioned(ChainCase, Precision)"/>).
    /// </summary>
    public static Gen<ChainCase> ChainsFor(Precision precision) =>
        from depth in Gen.Int[1, 4]
        from kinds in Gen.Int[0, Kinds - 1].Array[depth]
        from variants in Gen.Int[0, 3].Array[depth]
        from inputs in Gen.Int[1, 6]
        from widths in Gen.Int[1, 6].Array[depth]
        from training in Gen.Bool
        from batch in Gen.Int[1, 5]
        from x in Gens.TensorOf([batch, inputs], Gens.AwayFromZero)
        from seed in Gen.ULong
        let items = Build(kinds, variants, widths, inputs)
        let key = RngKey.FromSeed(seed)
        let values = Values(new Sequential(items), new Shape(inputs), key)
        let c = new ChainCase(items, x, values.Params, values.State, new StepContext(training, key.FoldIn(99)))
        where WellConditioned(c, precision)
        select c;

    /// <summary>
    /// The items for the drawn kinds: a Residual keeps its input's width, so its inner layers output that width.
    /// </summary>
    public static ILayer[] Build(int[] kinds, int[] variants, int[] widths, int inputs)
    {
        var items = new ILayer[kinds.Length];
        var width = inputs;
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Layer(kinds[i], kinds[i] == 7 ? width : widths[i], variants[i]);
            width = items[i].OutputShape(new Shape(width))[0];
        }
        return items;
    }

    /// <summary>Every parameter N(0, 1); running means N(0, 1) and variances 0.25 + N(0, 1)², never near 0.</summary>
    public static (Params<double> Params, LayerState<double> State) Values(ILayer layer, Shape perSample, RngKey key)
    {
        var parameters = layer.ParameterSpecs(perSample).Select((s, i) => Sample.Normal(key.FoldIn((ulong)i), s.Shape.Dims.AsSpan()));
        var state = layer.StateSpecs(perSample).Select((s, i) =>
        {
            var draw = Sample.Normal(key.FoldIn(1000 + (ulong)i), s.Shape.Dims.AsSpan());
            return s.Name.StartsWith("var", StringComparison.Ordinal)
                ? Tensor.FromArray([.. draw.ToArray().Select(v => 0.25 + (v * v))], [.. s.Shape.Dims])
                : draw;
        });
        return (new Params<double>([.. parameters]), new LayerState<double>([.. state]));
    }

    /// <summary>
    /// The input of every top-level ReLU, leaky ReLU and BatchNorm (residual blocks hold only smooth layers), from the
    /// chain's prefix before it, which has the same parameters, state and keys as in the whole chain: inputs to a kink
    /// are 0 exactly (a dropped or rectified value, which no small move changes) or at least <see cref="KinkMargin"/>
    /// from it, and BatchNorm in training sees batches of at least 3 with every column's variance at least
    /// <see cref="MinVariance"/>.
    /// </summary>
    public static bool WellConditioned(ChainCase c) => WellConditioned(c, Precision.Float64);

    /// <summary>
    /// <see cref="WellConditioned(ChainCase)"/> for finite differences in <paramref name="precision"/>. In float32, whose
    /// h = 2.5e-3 (<see cref="Gradients.SinglePrecisionDeep"/>) is a twentieth of <see cref="KinkMargin"/>, an input z of a kink must also clear it by 2·h·‖∇z‖, where ∇z is
    /// z's gradient with respect to x and every parameter before it: a move of norm ≤ h (a unit direction, or one
    /// argument by h) changes z by about h·‖∇z‖, and the factor 2 covers the second-order rest. BatchNorm needs
    /// <see cref="MinVarianceSingle"/>.
    /// </summary>
    public static bool WellConditioned(ChainCase c, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(c);
        var single = precision == Precision.Float32;
        var (parameterCount, stateCount) = (0, 0);
        var width = c.X.Shape[1];
        for (var i = 0; i < c.Items.Length; i++)
        {
            var item = c.Items[i];
            if (item is ReluLayer or LeakyReluLayer or BatchNormLayer)
            {
                var z = Prefix(c, i, parameterCount, stateCount);
                if (item is BatchNormLayer
                    ? c.Context.Training && !Spread(z, single ? MinVarianceSingle : MinVariance)
                    : !AwayFromKink(z) || (single && !ClearOfKink(c, i, parameterCount, stateCount, Gradients.SinglePrecisionDeep.Step)))
                {
                    return false;
                }
            }
            var shape = new Shape(width);
            parameterCount += item.ParameterSpecs(shape).Length;
            stateCount += item.StateSpecs(shape).Length;
            width = item.OutputShape(shape)[0];
        }
        return true;
    }

    /// <summary>Checks the chain's dx and every parameter's gradient at this point by LayerCheck; throws its message on a failure.</summary>
    public static void CheckGradients(ILayer layer, Shape perSample, StepContext context, LayerState<double> state, Tensor<double> x, Params<double> parameters) =>
        CheckGradients(layer, perSample, context, state, x, parameters, Precision.Float64);

    /// <summary>
    /// Checks the chain run in <paramref name="precision"/> (LayerCheck rounds x, the parameters and the state to it)
    /// at this point, at that precision's step and tolerances; throws LayerCheck's message on a failure.
    /// </summary>
    public static void CheckGradients(ILayer layer, Shape perSample, StepContext context, LayerState<double> state, Tensor<double> x, Params<double> parameters, Precision precision)
    {
        var rule = RuleUnderTest.Layer(layer, perSample, context, state, precision);
        var options = precision == Precision.Float32 ? Gradients.SinglePrecisionDeep with { Precision = Precision.Float32 } : new LayerCheckOptions();
        var report = LayerCheck.Verify(rule, options with { Runs = 0, Points = [[x, .. parameters.Tensors]] });
        Assert.True(report.Passed, report.Failure?.Message);
    }

    private static Tensor<double> Prefix(ChainCase c, int count, int parameterCount, int stateCount)
    {
        if (count == 0)
        {
            return c.X;
        }
        var prefix = new Sequential(c.Items[..count]);
        var parameters = new Params<double>(c.Params.Tensors[..parameterCount]);
        var state = new LayerState<double>(c.State.Tensors[..stateCount]);
        return prefix.Forward(parameters, state, c.X, c.Context).Output;
    }

    /// <summary>Every element z of the prefix's output, 0 or not, is more than 2·h·‖∇z‖ + <see cref="KinkMargin"/> from 0.</summary>
    private static bool ClearOfKink(ChainCase c, int count, int parameterCount, int stateCount, double h)
    {
        if (count == 0)
        {
            return c.X.ToArray().All(v => Math.Abs(v) > KinkMargin + (2 * h));   // ∇x of x is a unit vector
        }
        var prefix = new Sequential(c.Items[..count]);
        var parameters = new Params<double>(c.Params.Tensors[..parameterCount]);
        var state = new LayerState<double>(c.State.Tensors[..stateCount]);
        var forwarded = prefix.Forward(parameters, state, c.X, c.Context);
        var z = forwarded.Output;
        for (var e = 0; e < z.Length; e++)
        {
            var unit = new double[z.Length];
            unit[e] = 1;
            var back = prefix.Backward(forwarded.Cache, Tensor.FromArray(unit, [.. z.Shape.Dims]));
            var squares = back.Dx.ToArray().Sum(v => v * v) + back.Gradient.Tensors.Sum(g => g.ToArray().Sum(v => v * v));
            if (Math.Abs(z.Span[e]) <= KinkMargin + (2 * h * Math.Sqrt(squares)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool AwayFromKink(Tensor<double> z)
    {
        foreach (var v in z.Span)
        {
            if (v != 0 && Math.Abs(v) < KinkMargin)
            {
                return false;
            }
        }
        return true;
    }

    private static bool Spread(Tensor<double> z, double minVariance)
    {
        var (rows, columns) = (z.Shape[0], z.Shape[1]);
        if (rows < 3)
        {
            return false;
        }
        for (var j = 0; j < columns; j++)
        {
            var mean = Enumerable.Range(0, rows).Average(i => z[i, j]);
            if (Enumerable.Range(0, rows).Average(i => (z[i, j] - mean) * (z[i, j] - mean)) < minVariance)
            {
                return false;
            }
        }
        return true;
    }
}
