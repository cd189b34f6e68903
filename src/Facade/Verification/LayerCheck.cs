using System.Globalization;
using System.Text;
using Functional.Tensors;

namespace Functional.Facade.Verification;

/// <summary>
/// Checks a user-defined layer — a Forward/Backward pair — with the properties the library checks its own layers
/// against: random shapes and values, each case shrunk to a small counterexample when it fails, and a report that
/// names the seed and case index that replay it. No test framework is needed.
/// </summary>
/// <remarks>
/// <para>
/// Each case draws an input (see <see cref="LayerCheckOptions"/>), then checks, in the order of
/// <see cref="LayerCheckProperties"/>: Forward and Backward do not throw; the gradient has the input's shape and
/// output and gradient are finite; purity (arguments left bit-identical, the same input gives the same bits twice,
/// also through a second Forward's cache); ⟨v, J·u⟩ by central differences against ⟨u, Backward(v)⟩ for a random
/// unit u and standard normal v; on inputs of at most 8 elements every Jacobian entry; and Backward(a·v1 + v2) =
/// a·Backward(v1) + Backward(v2). Purity comes before the finite differences because they assume Forward is a function.
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
/// Case i under seed S is drawn from <c>RngKey.FromSeed(S).FoldIn(i)</c> alone, and shrinking is deterministic, so
/// <c>new LayerCheckOptions { Seed = S, OnlyCase = i }</c> (with the other options unchanged) gives the same failure.
/// </para>
/// </remarks>
public static class LayerCheck
{
    private const int ValuesShown = 64;

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
        Func<Tensor, (Tensor Output, TCache Cache)> forward, Func<TCache, Tensor, Tensor> backward, LayerCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        options ??= new LayerCheckOptions();
        options.Validate();
        var properties = new LayerProperties<TCache>(forward, backward, options);
        var (first, count) = options.OnlyCase is int only ? (only, 1) : (0, options.Runs);
        for (var n = 0; n < count; n++)
        {
            var index = first + n;
            var caseKey = CaseGenerator.CaseKey(options.Seed, index);
            var checkKey = CaseGenerator.CheckKey(caseKey);
            var (shape, values) = CaseGenerator.Draw(options, caseKey);
            if (properties.Check(shape, values, checkKey) is not { } violation)
            {
                continue;
            }
            var shrunk = Shrinker.Shrink(shape, values, violation, (s, v) => properties.Check(s, v, checkKey),
                shrinkShape: options.Shape is null, options.MinRank, x => CaseGenerator.Admissible(options, x), options.ShrinkBudget);
            var message = Describe(shrunk, shape, index, options);
            return new LayerCheckReport(false, n + 1, new LayerCheckFailure(
                shrunk.Violation.Property, message, shrunk.Shape, shrunk.Values, options.Seed, index, shrunk.Steps));
        }
        return new LayerCheckReport(true, count, null);
    }

    /// <summary>
    /// Checks a layer whose Forward returns a <see cref="ForwardResult{TOutput, TCache}"/>, as the library's own
    /// do: <c>LayerCheck.Verify(Sigmoid.Forward, Sigmoid.Backward)</c>.
    /// </summary>
    /// <inheritdoc cref="Verify{TCache}(Func{Tensor, ValueTuple{Tensor, TCache}}, Func{TCache, Tensor, Tensor}, LayerCheckOptions?)"/>
    public static LayerCheckReport Verify<TCache>(
        Func<Tensor, ForwardResult<Tensor, TCache>> forward, Func<TCache, Tensor, Tensor> backward, LayerCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        return Verify(x => forward(x) is { } r ? (r.Output, r.Cache) : (null!, default!), backward, options);
    }

    /// <summary>
    /// As <see cref="Verify{TCache}(Func{Tensor, ValueTuple{Tensor, TCache}}, Func{TCache, Tensor, Tensor}, LayerCheckOptions?)"/>,
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
        Func<Tensor, (Tensor Output, TCache Cache)> forward, Func<TCache, Tensor, Tensor> backward, LayerCheckOptions? options = null)
    {
        if (Verify(forward, backward, options).Failure is { } failure)
        {
            throw new LayerCheckException(failure);
        }
    }

    /// <summary>As <see cref="Assert{TCache}(Func{Tensor, ValueTuple{Tensor, TCache}}, Func{TCache, Tensor, Tensor}, LayerCheckOptions?)"/>, for a Forward returning a <see cref="ForwardResult{TOutput, TCache}"/>.</summary>
    /// <inheritdoc cref="Assert{TCache}(Func{Tensor, ValueTuple{Tensor, TCache}}, Func{TCache, Tensor, Tensor}, LayerCheckOptions?)"/>
    public static void Assert<TCache>(
        Func<Tensor, ForwardResult<Tensor, TCache>> forward, Func<TCache, Tensor, Tensor> backward, LayerCheckOptions? options = null)
    {
        if (Verify(forward, backward, options).Failure is { } failure)
        {
            throw new LayerCheckException(failure);
        }
    }

    private static string Describe(Shrinker.Result shrunk, int[] original, int index, LayerCheckOptions options)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"LayerCheck: property {shrunk.Violation.Property} failed: {shrunk.Violation.Detail}").AppendLine();
        var steps = shrunk.Steps == 1 ? "1 step" : $"{shrunk.Steps} steps";
        text.Append(invariant, $"Input: shape {Dims(shrunk.Shape)}, Tensor.FromArray([{Values(shrunk.Values)}]{string.Concat(shrunk.Shape.Select(d => $", {d}"))})")
            .Append(invariant, $" (case {index}, shrunk from shape {Dims(original)} in {steps}).").AppendLine();
        text.Append(invariant, $"To reproduce, replay with new LayerCheckOptions {{ {Replay(options, index)} }}");
        var delegates = new[] { options.Shape is null ? null : "Shape", options.InputFilter is null ? null : "InputFilter" }.OfType<string>().ToArray();
        if (delegates.Length > 0)
        {
            text.Append(invariant, $", keeping your {string.Join(" and ", delegates)}");
        }
        return text.Append('.').ToString();
    }

    /// <summary>The options that draw this case again: the seed, the case and every other non-default setting.</summary>
    private static string Replay(LayerCheckOptions options, int index)
    {
        var defaults = new LayerCheckOptions();
        var invariant = CultureInfo.InvariantCulture;
        var parts = new List<string> { $"Seed = 0x{options.Seed:X}", string.Create(invariant, $"OnlyCase = {index}") };
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
        return string.Join(", ", parts);
    }

    private static string Dims(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Values(double[] values)
    {
        var shown = values.Take(ValuesShown).Select(x => x.ToString("R", CultureInfo.InvariantCulture));
        return values.Length <= ValuesShown
            ? string.Join(", ", shown)
            : $"{string.Join(", ", shown)}, … ({values.Length} values in LayerCheckFailure.Input)";
    }
}
