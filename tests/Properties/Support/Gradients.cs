using System.Numerics;
using Functional.Facade.Verification;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Support;

/// <summary>
/// The project's gradient checks, all through the library's own checker, <see cref="LayerCheck"/>: a property draws
/// its cases with its own generators and checks each one as a point of <see cref="LayerCheckOptions.Points"/>, as
/// <c>ChainGens.CheckGradients</c> does. At a point LayerCheck checks ⟨v, J·u⟩ by central differences against
/// Backward along each argument alone (naming the gradient at fault) and along all of them, every Jacobian entry when
/// the arguments hold at most 8 elements in all, purity, and linearity in dOut.
/// </summary>
/// <remarks>
/// The float64 tolerance is LayerCheck's default, |fd − backward| ≤ 1e-6·max(|fd|, |backward|) + 1e-9·(1 + scale)
/// with h = 1e-5 (see <see cref="LayerCheck"/> for why it holds); the float32 one is <see cref="SinglePrecision"/>.
/// </remarks>
public static class Gradients
{
    /// <summary>
    /// For functions computed in float32 (ε = 6e-8): a step of 1e-2 keeps the rounding error of a difference near
    /// ε·scale/h ≈ 1e-5·scale (the inputs, rounded to float32, also move by up to ε·|x| ≈ 2.4e-7, 2.4e-5 of h),
    /// and the truncation error h²/6·|f‴| ≈ 1.7e-5·|f‴| stays small for these layers' bounded third derivatives;
    /// 1e-3 relative and 1e-4·(1 + scale) absolute leave a margin of ten, while a wrong Backward misses by far more.
    /// </summary>
    public static LayerCheckOptions SinglePrecision { get; } = new() { Step = 1e-2, RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-4 };

    /// <summary>
    /// For networks and chains computed in float32: <see cref="SinglePrecision"/>'s truncation estimate assumes a step
    /// of h at each nonlinearity, but behind Affine layers (|x| ≤ 4, N(0, 1) weights, widths ≤ 6, gains near 10) the step
    /// reaching a tanh, sigmoid or softmax is ~10·h: with h = 1e-2 the truncation (0.1)²/6·|f‴/f′| reaches a few 1e-3 of
    /// the derivative (seen: 1.5e-2 relative and 4e-4 absolute misses by correct gradients). A step of 2.5e-3 cuts it
    /// 16-fold to ~2e-4; the rounding error of a difference, δ·scale/h with δ ≈ 10·ε ≈ 6e-7 over a few layers, rises to
    /// ~2.4e-4·scale. 1e-2 relative and 1e-3·(1 + scale) absolute cover both about four times, while a wrong Backward
    /// (a sign, a factor, a transposed product, a wrong batch count) misses by 1e-1 of the scale or more.
    /// </summary>
    public static LayerCheckOptions SinglePrecisionDeep { get; } = SinglePrecision with { Step = 2.5e-3, RelativeTolerance = 1e-2, AbsoluteTolerance = 1e-3 };

    /// <summary>
    /// The step and tolerances for a rule computed in <paramref name="precision"/>: LayerCheck's float64 defaults, or
    /// <see cref="SinglePrecision"/> for float32.
    /// </summary>
    /// <param name="precision">The element type the rule computes in.</param>
    public static LayerCheckOptions For(Precision precision) => precision switch
    {
        Precision.Float64 => new LayerCheckOptions(),
        Precision.Float32 => SinglePrecision,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Gradients.For: precision must be Float64 or Float32, got {precision}."),
    };

    /// <summary>The rule built in the element type of <paramref name="precision"/>: <paramref name="inDouble"/>'s or <paramref name="inSingle"/>'s.</summary>
    /// <param name="precision">The element type to compute in.</param>
    /// <param name="inDouble">Builds the rule computed in double.</param>
    /// <param name="inSingle">Builds the rule computed in float.</param>
    public static RuleUnderTest In(Precision precision, Func<RuleUnderTest> inDouble, Func<RuleUnderTest> inSingle)
    {
        ArgumentNullException.ThrowIfNull(inDouble);
        ArgumentNullException.ThrowIfNull(inSingle);
        return precision == Precision.Float32 ? inSingle() : inDouble();
    }

    /// <summary>
    /// Checks <paramref name="rule"/>, computed in <paramref name="precision"/>, at one point with that precision's
    /// step and tolerances (<see cref="For"/>).
    /// </summary>
    public static void AssertAt(RuleUnderTest rule, RngKey key, IReadOnlyList<Tensor<double>> point, Precision precision) =>
        AssertAt(rule, key, point, For(precision));

    /// <summary>
    /// Checks <paramref name="rule"/> at one point by LayerCheck, its random directions drawn from <paramref name="key"/>;
    /// fails with LayerCheck's message (the property, the argument at fault, the numbers and the point).
    /// </summary>
    /// <param name="rule">Forward and Backward of the arguments.</param>
    /// <param name="key">The case's key: each case gets its own directions u and v.</param>
    /// <param name="point">One tensor per argument of the rule, in its order.</param>
    /// <param name="options">Step and tolerances (the rest is set here); LayerCheck's float64 defaults unless given.</param>
    public static void AssertAt(RuleUnderTest rule, RngKey key, IReadOnlyList<Tensor<double>> point, LayerCheckOptions? options = null)
    {
        var report = LayerCheck.Verify(rule, (options ?? new LayerCheckOptions()) with { Runs = 0, Points = [point], Seed = key.State });
        Assert.True(report.Passed, report.Failure?.Message);
    }

    /// <summary>A single-input function of the library, whose Forward returns a ForwardResult, as a rule of x.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">x ↦ (y, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ dx.</param>
    public static RuleUnderTest Unary<TCache>(Func<Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, Tensor<double>> backward) =>
        RuleUnderTest.Unary<TCache>(x => forward(x) is var r ? (r.Output, r.Cache) : default, backward);

    /// <summary>A node of two inputs of one shape, whose Forward returns a ForwardResult, as a rule of x and y.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">(x, y) ↦ (out, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ (dx, dy).</param>
    public static RuleUnderTest Binary<TCache>(Func<Tensor<double>, Tensor<double>, ForwardResult<Tensor<double>, TCache>> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward) =>
        RuleUnderTest.Binary<TCache>((x, y) => forward(x, y) is var r ? (r.Output, r.Cache) : default, backward);

    /// <summary>A loss x ↦ scalar as a rule of one argument whose output is the vector [loss], so Backward takes dOut[0].</summary>
    /// <typeparam name="TCache">What the loss's Forward passes to its Backward.</typeparam>
    /// <param name="forward">x ↦ (loss, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ dx.</param>
    public static RuleUnderTest Loss<TCache>(Func<Tensor<double>, (double Loss, TCache Cache)> forward, Func<TCache, double, Tensor<double>> backward) =>
        RuleUnderTest.Unary<TCache>(
            x => forward(x) is var (loss, cache) ? (Tensor.Vector(loss), cache) : default,
            (cache, dOut) => backward(cache, dOut[0]));

    /// <summary>
    /// A scalar function of a parameter tree as a rule of one argument per leaf, named by its key ("W1", "b1", …), so a
    /// failure names the parameter whose gradient is wrong.
    /// </summary>
    /// <param name="like">The tree whose keys and shapes the arguments take.</param>
    /// <param name="value">tree ↦ the scalar, e.g. a network's loss.</param>
    /// <param name="gradient">tree ↦ its gradient, a tree of the same keys and shapes.</param>
    public static RuleUnderTest OfTree(ParamTree<double> like, Func<ParamTree<double>, double> value, Func<ParamTree<double>, ParamTree<double>> gradient)
    {
        ArgumentNullException.ThrowIfNull(like);
        var keys = like.Keys.ToArray();
        ParamTree<double> Tree(IReadOnlyList<Tensor<double>> args) => ParamTree<double>.Of(keys.Select((k, i) => KeyValuePair.Create(k, args[i])));
        return RuleUnderTest.Create<ParamTree<double>>(
            args => (Tensor.Vector(value(Tree(args))), Tree(args)),
            (tree, dOut) =>
            {
                var g = gradient(tree);
                return [.. keys.Select(k => Scaled(g[k], dOut[0]))];
            },
            0,
            [.. keys.Select(k => new RuleArgument(k, _ => [.. like[k].Shape.Dims]))]);
    }

    /// <summary>
    /// A single-input function computed in <typeparamref name="T"/> as a rule of float64 arguments: x and dOut are
    /// rounded to T on the way in (exactly, for the k/64 grid in float32), the output and dx widened back exactly.
    /// </summary>
    /// <typeparam name="T">The element type the function computes in.</typeparam>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    public static RuleUnderTest Unary<T, TCache>(Func<Tensor<T>, ForwardResult<Tensor<T>, TCache>> forward, Func<TCache, Tensor<T>, Tensor<T>> backward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RuleUnderTest.Unary<TCache>(
            x => forward(x.Convert<T>()) is var r ? (r.Output.Convert<double>(), r.Cache) : default,
            (cache, dOut) => backward(cache, dOut.Convert<T>()).Convert<double>());

    /// <summary>A node of two inputs computed in <typeparamref name="T"/>, as <see cref="Unary{T, TCache}"/> converts.</summary>
    /// <typeparam name="T">The element type the node computes in.</typeparam>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    public static RuleUnderTest Binary<T, TCache>(Func<Tensor<T>, Tensor<T>, ForwardResult<Tensor<T>, TCache>> forward, Func<TCache, Tensor<T>, (Tensor<T> Dx, Tensor<T> Dy)> backward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RuleUnderTest.Binary<TCache>(
            (x, y) => forward(x.Convert<T>(), y.Convert<T>()) is var r ? (r.Output.Convert<double>(), r.Cache) : default,
            (cache, dOut) => backward(cache, dOut.Convert<T>()) is var (dx, dy) ? (dx.Convert<double>(), dy.Convert<double>()) : default);

    /// <summary>A loss of an input computed in <typeparamref name="T"/> (the loss itself is float64), as <see cref="Loss{TCache}"/>.</summary>
    /// <typeparam name="T">The element type of the input and gradient.</typeparam>
    /// <typeparam name="TCache">What the loss's Forward passes to its Backward.</typeparam>
    public static RuleUnderTest Loss<T, TCache>(Func<Tensor<T>, ForwardResult<double, TCache>> forward, Func<TCache, double, Tensor<T>> backward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Loss<TCache>(
            x => forward(x.Convert<T>()) is var r ? (r.Output, r.Cache) : default,
            (cache, dOut) => backward(cache, dOut).Convert<double>());

    /// <summary>
    /// A scalar function of a parameter tree computed in <typeparamref name="T"/>, as <see cref="OfTree(ParamTree{double}, Func{ParamTree{double}, double}, Func{ParamTree{double}, ParamTree{double}})"/>:
    /// the tree is rounded to T on the way in, the gradient widened back exactly.
    /// </summary>
    /// <typeparam name="T">The element type the function computes in.</typeparam>
    public static RuleUnderTest OfTree<T>(ParamTree<double> like, Func<ParamTree<T>, double> value, Func<ParamTree<T>, ParamTree<T>> gradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        OfTree(like, p => value(p.Convert<T>()), p => gradient(p.Convert<T>()).Convert<double>());

    private static Tensor<double> Scaled(Tensor<double> t, double factor) => Tensor.FromArray([.. t.ToArray().Select(x => x * factor)], [.. t.Shape.Dims]);
}
