using System.Globalization;
using System.Text;
using CsCheck;
using Functional.Composition;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade.Verification;

/// <summary>
/// Checks a user-defined layer — a Forward/Backward pair, or any <see cref="RuleUnderTest"/> of several tensor arguments
/// (inputs and parameters) — with the properties the library checks its own layers against: random shapes and values
/// drawn by CsCheck, points you choose, each failing case shrunk the CsCheck way to a small counterexample, and a report
/// that names the argument whose gradient is wrong and the seed that replays the case. No test framework is needed.
/// </summary>
/// <remarks>
/// <para>
/// Each case draws its arguments (see <see cref="LayerCheckOptions"/> and <see cref="RuleArgument"/>), then checks, in
/// the order of <see cref="LayerCheckProperties"/>, for every argument: Forward and Backward do not throw; each gradient
/// has its argument's shape and output and gradients are finite; purity (arguments left bit-identical, the same
/// arguments give the same bits twice, also through a second Forward's cache); ⟨v, J·u⟩ by central differences against
/// ⟨u, Backward(v)⟩ for a standard normal v and a random unit u along each argument alone (which names the argument at
/// fault), then along all of them flattened together; on cases of at most 8 elements in all, every Jacobian entry; and
/// Backward(a·v1 + v2) = a·Backward(v1) + Backward(v2). Purity comes before the finite differences because they assume
/// Forward is a function.
/// </para>
/// <para>
/// Tolerance, as in the library's own tests: |fd − backward| ≤ rtol·max(|fd|, |backward|) + atol·(1 + scale), with
/// rtol = 1e-6, atol = 1e-9, h = 1e-5, and scale = Σ|vⱼ·yⱼ| (for a Jacobian entry |yⱼ|; for linearity
/// |a·Backward(v1)ᵢ| + |Backward(v2)ᵢ|), the size of the terms whose difference is taken. In float64 the rounding
/// error of a central difference is about ε·scale/h ≈ 2.2e-11·scale, which the absolute term covers 45 times over,
/// and its truncation error is h²/6·|f‴| ≈ 1.7e-11·|f‴|, which the relative term covers while |f‴| stays below
/// about 1e5·|f′| — true of smooth layers on the default values in [−4, 4]. A wrong Backward (a missing factor, a
/// wrong sign, a transposed product) misses by orders of magnitude more. A layer with a kink (ReLU, max) needs an
/// <see cref="LayerCheckOptions.InputFilter"/> that keeps inputs more than h from it; one with a steep third
/// derivative may need a smaller range or a larger <see cref="LayerCheckOptions.RelativeTolerance"/>.
/// </para>
/// <para>
/// The points of <see cref="LayerCheckOptions.Points"/> come first. Then case i under seed S is drawn by CsCheck from
/// <c>new PCG(i, S)</c> alone; when it fails, CsCheck's shrinking draws up to <see cref="LayerCheckOptions.ShrinkBudget"/>
/// more cases from the same stream and keeps the smallest that fails the same property. So
/// <c>new LayerCheckOptions { Seed = S, OnlyCase = i }</c> gives the same failure, and the shrunk case's own CsCheck seed,
/// <c>new LayerCheckOptions { Replay = "…" }</c>, checks that case alone (the other options unchanged, both ways).
/// </para>
/// </remarks>
public static class LayerCheck
{
    private const int ValuesShown = 64;

    /// <summary>Checks a rule of any number of tensor arguments and reports the first failure, shrunk.</summary>
    /// <param name="rule">Forward, Backward and how to draw the arguments.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <returns>Whether every case passed, how many ran (points included), and the shrunk failure if one did not.</returns>
    /// <exception cref="ArgumentNullException">rule is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    /// <exception cref="ArgumentException">A shape, filter or point cannot give valid arguments.</exception>
    public static LayerCheckReport Verify(RuleUnderTest rule, LayerCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        options ??= new LayerCheckOptions();
        options.Validate();
        var properties = new RuleProperties(rule, options);
        var gen = CaseGens.For(rule, options);
        if (options.Replay is { } replay)
        {
            var replayed = Draw(gen, PCG.Parse(replay), null, out _)!;
            return properties.Check(replayed.Arguments, replayed.CheckKey) is { } violation
                ? Failed(1, rule, options, violation, replayed.Arguments, -1, 0, replay, null)
                : new LayerCheckReport(true, 1, null);
        }
        var run = 0;
        var points = options.Points ?? [];
        for (var p = 0; p < points.Count; p++)
        {
            var point = Point(rule, points[p], p);
            run++;
            if (properties.Check(point, RngKey.FromSeed(options.Seed).FoldIn((ulong)p)) is { } violation)
            {
                return Failed(run, rule, options, violation, point, p, 0, null, null);
            }
        }
        var (first, count) = options.OnlyCase is int only ? (only, 1) : (0, options.Runs);
        for (var n = 0; n < count; n++)
        {
            var index = first + n;
            var pcg = new PCG((uint)index, options.Seed);
            var seed = pcg.ToString();
            var drawn = Draw(gen, pcg, null, out var size)!;
            run++;
            if (properties.Check(drawn.Arguments, drawn.CheckKey) is not { } violation)
            {
                continue;
            }
            var (original, steps) = (drawn.Arguments, 0);
            for (var t = 0; t < options.ShrinkBudget; t++)
            {
                var state = pcg.State;
                var candidate = Draw(gen, pcg, size, out var candidateSize);
                if (candidate is null || !Size.IsLessThan(candidateSize, size))
                {
                    continue;
                }
                if (properties.Check(candidate.Arguments, candidate.CheckKey) is { } smaller && smaller.Property == violation.Property)
                {
                    (drawn, size, violation, seed, steps) = (candidate, candidateSize, smaller, pcg.ToString(state), steps + 1);
                }
            }
            return Failed(run, rule, options, violation, drawn.Arguments, index, steps, seed, original);
        }
        return new LayerCheckReport(true, run, null);
    }

    /// <summary>As <see cref="Verify(RuleUnderTest, LayerCheckOptions?)"/>, but throws when a case fails, for use inside any test framework.</summary>
    /// <param name="rule">Forward, Backward and how to draw the arguments.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <exception cref="LayerCheckException">
    /// A case failed. The message names the property, the argument at fault, the expected and actual numbers, the shrunk
    /// arguments and the options that replay them; <see cref="LayerCheckException.Failure"/> holds the same as data.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    public static void Assert(RuleUnderTest rule, LayerCheckOptions? options = null)
    {
        ThrowIfFailed(Verify(rule, options));
    }

    /// <summary>Checks a layer whose Forward returns a tuple (output, cache) and reports the first failure, shrunk.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">x ↦ (y, cache). Called many times per case; it must not depend on anything but x.</param>
    /// <param name="backward">(cache, dOut) ↦ dx, the gradient with x's shape.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <returns>Whether every case passed, how many ran, and the shrunk failure if one did not.</returns>
    /// <exception cref="ArgumentNullException">forward or backward is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    /// <exception cref="ArgumentException">The options' Shape or InputFilter cannot give a valid input.</exception>
    public static LayerCheckReport Verify<TCache>(
        Func<Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, Tensor<double>> backward, LayerCheckOptions? options = null) =>
        Verify(RuleUnderTest.Unary(forward, backward), options);

    /// <summary>
    /// Checks a layer whose Forward returns a <see cref="ForwardResult{TOutput, TCache}"/>, as the library's own
    /// do: <c>LayerCheck.Verify(Sigmoid.Forward, Sigmoid.Backward)</c>.
    /// </summary>
    /// <inheritdoc cref="Verify{TCache}(Func{Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, Tensor{double}}, LayerCheckOptions?)"/>
    public static LayerCheckReport Verify<TCache>(
        Func<Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, Tensor<double>> backward, LayerCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return Verify(x => forward(x) is { } r ? (r.Output, r.Cache) : (null!, default!), backward, options);
    }

    /// <summary>
    /// Checks a node of two inputs of one shape, as Mul and Add: both dx and dy, each named in a failure ("x", "y").
    /// </summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">(x, y) ↦ (out, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ (dx, dy).</param>
    /// <param name="options">The cases to draw (the shape both inputs share) and the tolerances; null for the defaults.</param>
    /// <returns>Whether every case passed, how many ran, and the shrunk failure if one did not.</returns>
    /// <exception cref="ArgumentNullException">forward or backward is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    public static LayerCheckReport Verify<TCache>(
        Func<Tensor<double>, Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward,
        LayerCheckOptions? options = null) =>
        Verify(RuleUnderTest.Binary(forward, backward), options);

    /// <summary>As the two-input Verify, for a Forward returning a <see cref="ForwardResult{TOutput, TCache}"/>: <c>LayerCheck.Verify(Mul.Forward, …)</c>.</summary>
    /// <inheritdoc cref="Verify{TCache}(Func{Tensor{double}, Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, ValueTuple{Tensor{double}, Tensor{double}}}, LayerCheckOptions?)"/>
    public static LayerCheckReport Verify<TCache>(
        Func<Tensor<double>, Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward,
        LayerCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return Verify((x, y) => forward(x, y) is { } r ? (r.Output, r.Cache) : (null!, default!), backward, options);
    }

    /// <summary>
    /// As <see cref="Verify{TCache}(Func{Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, Tensor{double}}, LayerCheckOptions?)"/>,
    /// but throws when a case fails, for use inside any test framework.
    /// </summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">x ↦ (y, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ dx.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <exception cref="LayerCheckException">
    /// A case failed. The message names the property, the expected and actual numbers, the shrunk input and the
    /// options that replay it; <see cref="LayerCheckException.Failure"/> holds the same as data.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    public static void Assert<TCache>(
        Func<Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, Tensor<double>> backward, LayerCheckOptions? options = null) =>
        Assert(RuleUnderTest.Unary(forward, backward), options);

    /// <summary>As <see cref="Assert{TCache}(Func{Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, Tensor{double}}, LayerCheckOptions?)"/>, for a Forward returning a <see cref="ForwardResult{TOutput, TCache}"/>.</summary>
    /// <inheritdoc cref="Assert{TCache}(Func{Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, Tensor{double}}, LayerCheckOptions?)"/>
    public static void Assert<TCache>(
        Func<Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, Tensor<double>> backward, LayerCheckOptions? options = null)
    {
        ThrowIfFailed(Verify(forward, backward, options));
    }

    /// <summary>As the two-input Verify, but throws a <see cref="LayerCheckException"/> when a case fails.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">(x, y) ↦ (out, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ (dx, dy).</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <exception cref="LayerCheckException">A case failed; the message names the property, the input at fault and the replay.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    public static void Assert<TCache>(
        Func<Tensor<double>, Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward,
        LayerCheckOptions? options = null) =>
        Assert(RuleUnderTest.Binary(forward, backward), options);

    /// <summary>As the two-input Assert, for a Forward returning a <see cref="ForwardResult{TOutput, TCache}"/>: <c>LayerCheck.Assert(Mul.Forward, …)</c>.</summary>
    /// <inheritdoc cref="Assert{TCache}(Func{Tensor{double}, Tensor{double}, ValueTuple{Tensor{double}, TCache}}, Func{TCache, Tensor{double}, ValueTuple{Tensor{double}, Tensor{double}}}, LayerCheckOptions?)"/>
    public static void Assert<TCache>(
        Func<Tensor<double>, Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward,
        LayerCheckOptions? options = null)
    {
        ThrowIfFailed(Verify(forward, backward, options));
    }

    /// <summary>
    /// Checks any <see cref="ILayer"/> in training mode (with the fixed key <c>RngKey.FromSeed(options.Seed)</c> for
    /// every Forward) and then, if that passed, at inference: dx and every parameter's gradient against finite
    /// differences, and the layer's contract (see <see cref="RuleUnderTest.Layer"/>). The failure names the layer, the
    /// mode and the gradient at fault.
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="perSampleInput">The per-sample input shape, e.g. <c>new Shape(3)</c>.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <param name="filter">Keeps only the cases (x, then the parameters) it returns true for, as <see cref="RuleUnderTest.Filter"/>; null keeps all.</param>
    /// <param name="state">The state every Forward gets; null for the state <see cref="ILayer.Init"/> makes.</param>
    /// <returns>The training mode's report if it failed, else the inference mode's, with the cases of both counted.</returns>
    /// <exception cref="ArgumentNullException">layer or perSampleInput is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the exception's ParamName names it.</exception>
    /// <exception cref="ArgumentException">The layer does not take the input shape, or the state does not fit it.</exception>
    public static LayerCheckReport Verify(ILayer layer, Shape perSampleInput, LayerCheckOptions? options = null,
        Func<IReadOnlyList<Tensor<double>>, bool>? filter = null, LayerState<double>? state = null)
    {
        var (seed, precision) = options is null ? (LayerCheckOptions.DefaultSeed, Precision.Float64) : (options.Seed, options.Precision);
        var training = Verify(RuleUnderTest.Layer(layer, perSampleInput, StepContext.Train(RngKey.FromSeed(seed)), state, precision) with { Filter = filter }, options);
        if (!training.Passed)
        {
            return training;
        }
        var inference = Verify(RuleUnderTest.Layer(layer, perSampleInput, StepContext.Inference, state, precision) with { Filter = filter }, options);
        return inference with { CasesRun = training.CasesRun + inference.CasesRun };
    }

    /// <summary>As <see cref="Verify(ILayer, Shape, LayerCheckOptions?, Func{IReadOnlyList{Tensor{double}}, bool}?, LayerState{double}?)"/>, but throws when a case fails.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="perSampleInput">The per-sample input shape.</param>
    /// <param name="options">The cases to draw and the tolerances; null for the defaults.</param>
    /// <param name="filter">Keeps only the cases it returns true for; null keeps all.</param>
    /// <param name="state">The state every Forward gets; null for the state <see cref="ILayer.Init"/> makes.</param>
    /// <exception cref="LayerCheckException">A case failed; the message names the layer, the mode, the property, the gradient at fault and the replay.</exception>
    public static void Assert(ILayer layer, Shape perSampleInput, LayerCheckOptions? options = null,
        Func<IReadOnlyList<Tensor<double>>, bool>? filter = null, LayerState<double>? state = null)
    {
        ThrowIfFailed(Verify(layer, perSampleInput, options, filter, state));
    }

    private static void ThrowIfFailed(LayerCheckReport report)
    {
        if (report.Failure is { } failure)
        {
            throw new LayerCheckException(failure);
        }
    }

    /// <summary>Draws one case; null when, while shrinking, it is no smaller than <paramref name="min"/> or the filter rejects too many.</summary>
    private static DrawnCase? Draw(Gen<DrawnCase> gen, PCG pcg, Size? min, out Size size)
    {
        try
        {
            return gen.Generate(pcg, min, out size);
        }
        catch (CsCheckException e)
        {
            if (min is not null)
            {
                size = null!;
                return null;
            }
            throw new ArgumentException($"LayerCheck: the rule's Filter rejected {Check.WhereLimit} cases in a row: loosen it, or draw arguments it accepts more often.", e);
        }
    }

    private static Tensor<double>[] Point(RuleUnderTest rule, IReadOnlyList<Tensor<double>>? point, int index)
    {
        if (point is null || point.Count != rule.Arguments.Count || point.Any(t => t is null))
        {
            throw new ArgumentException(
                $"LayerCheckOptions.Points[{index}]: expected {rule.Arguments.Count} tensors ({string.Join(", ", rule.Arguments.Select(a => a.Name))}), got {(point is null ? "null" : $"{point.Count}, {point.Count(t => t is null)} of them null")}.",
                nameof(point));
        }
        return [.. point];
    }

    private static LayerCheckReport Failed(int run, RuleUnderTest rule, LayerCheckOptions options, Violation violation, Tensor<double>[] args,
        int index, int steps, string? caseSeed, Tensor<double>[]? original)
    {
        var arguments = args.Select((t, a) => new LayerCheckArgument(rule.Arguments[a].Name, [.. t.Shape.Dims], t.ToArray())).ToArray();
        var message = Describe(rule, options, violation, arguments, index, steps, caseSeed, original);
        return new LayerCheckReport(false, run, new LayerCheckFailure(
            violation.Property, message, arguments[0].Shape, arguments[0].Values, options.Seed, index, steps)
        {
            Arguments = arguments,
            Argument = violation.Argument,
            CaseSeed = caseSeed,
        });
    }

    private static string Describe(RuleUnderTest rule, LayerCheckOptions options, Violation violation, LayerCheckArgument[] arguments,
        int index, int steps, string? caseSeed, Tensor<double>[]? original)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        var blame = violation.Argument is { } name && arguments.Length > 1 ? $" for the gradient of {name}" : "";
        var subject = rule.Subject is { } named ? $" of {named}" : "";
        text.Append(invariant, $"LayerCheck{subject}: property {violation.Property} failed{blame}: {violation.Detail}").AppendLine();
        var shrunk = steps == 1 ? "1 step" : $"{steps} steps";
        var where = caseSeed is null ? $"point {index} of LayerCheckOptions.Points"
            : original is null ? "the replayed case"
            : $"case {index}, shrunk from {Sizes(original)} in {shrunk}";
        if (arguments.Length == 1)
        {
            text.Append(invariant, $"Input: {Argument(arguments[0])} ({where}).").AppendLine();
        }
        else
        {
            text.Append(invariant, $"Arguments ({where}):").AppendLine();
            foreach (var argument in arguments)
            {
                text.Append(invariant, $"  {argument.Name}: {Argument(argument)}").AppendLine();
            }
        }
        if (caseSeed is null)
        {
            return text.Append(invariant, $"To reproduce, check that point again (LayerCheckOptions.Points[{index}]).").ToString();
        }
        var others = Others(options);
        text.Append(invariant, $"To reproduce the shrunk case, replay with new LayerCheckOptions {{ {string.Join(", ", [$"Replay = \"{caseSeed}\"", .. others])} }}");
        if (original is not null)
        {
            var search = string.Join(", ", [$"Seed = 0x{options.Seed:X}", string.Create(invariant, $"OnlyCase = {index}"), .. others]);
            text.Append(invariant, $"; to rerun the search, replay with new LayerCheckOptions {{ {search} }}");
        }
        var delegates = new[] { options.Shape is null ? null : "Shape", options.InputFilter is null ? null : "InputFilter" }.OfType<string>().ToArray();
        if (delegates.Length > 0)
        {
            text.Append(invariant, $", keeping your {string.Join(" and ", delegates)}");
        }
        return text.Append('.').ToString();
    }

    /// <summary>Every non-default setting other than the seed and the case, which a replay needs too.</summary>
    private static List<string> Others(LayerCheckOptions options)
    {
        var defaults = new LayerCheckOptions();
        var invariant = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        void Add<T>(string name, T value, T standard, Func<T, string> format)
        {
            if (!EqualityComparer<T>.Default.Equals(value, standard))
            {
                parts.Add($"{name} = {format(value)}");
            }
        }
        string Number(double x) => x.ToString("R", invariant);
        Add(nameof(options.MinRank), options.MinRank, defaults.MinRank, x => x.ToString(invariant));
        Add(nameof(options.MaxRank), options.MaxRank, defaults.MaxRank, x => x.ToString(invariant));
        Add(nameof(options.MaxDim), options.MaxDim, defaults.MaxDim, x => x.ToString(invariant));
        Add(nameof(options.ValueRange), options.ValueRange, defaults.ValueRange, r => $"({Number(r.Low)}, {Number(r.High)})");
        Add(nameof(options.Step), options.Step, defaults.Step, Number);
        Add(nameof(options.RelativeTolerance), options.RelativeTolerance, defaults.RelativeTolerance, Number);
        Add(nameof(options.AbsoluteTolerance), options.AbsoluteTolerance, defaults.AbsoluteTolerance, Number);
        Add(nameof(options.ShrinkBudget), options.ShrinkBudget, defaults.ShrinkBudget, x => x.ToString(invariant));
        return parts;
    }

    private static string Sizes(Tensor<double>[] original) => original.Length == 1
        ? $"shape {Dims([.. original[0].Shape.Dims])}"
        : string.Join(", ", original.Select(t => Dims([.. t.Shape.Dims])));

    private static string Argument(LayerCheckArgument argument) =>
        $"shape {Dims(argument.Shape)}, Tensor.FromArray([{Values(argument.Values)}]{string.Concat(argument.Shape.Select(d => $", {d}"))})";

    private static string Dims(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Values(double[] values)
    {
        var shown = values.Take(ValuesShown).Select(x => x.ToString("R", CultureInfo.InvariantCulture));
        return values.Length <= ValuesShown
            ? string.Join(", ", shown)
            : $"{string.Join(", ", shown)}, … ({values.Length} values in LayerCheckFailure.Arguments)";
    }
}
