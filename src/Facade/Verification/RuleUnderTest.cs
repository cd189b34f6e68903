using Functional.Composition;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade.Verification;

/// <summary>
/// A function of several tensor arguments with its vector–Jacobian product, as ChainRules' rrule: Forward maps the
/// arguments to (output, cache), Backward maps (cache, dOut) to one gradient per argument. Parameters are arguments too,
/// so <see cref="LayerCheck.Verify(RuleUnderTest, LayerCheckOptions?)"/> checks dW and dB the way it checks dx.
/// </summary>
/// <remarks>
/// A case draws <see cref="Dimensions"/> sizes, each uniform in 1 to <see cref="LayerCheckOptions.MaxDim"/>, gives them
/// to every argument's <see cref="RuleArgument.Shape"/>, then draws each argument's values. A layer with state or a key
/// (BatchNorm's running statistics, Dropout's key) is a closure over a fixed state or key: its Forward is still a
/// function of the tensor arguments.
/// </remarks>
public sealed record RuleUnderTest
{
    private RuleUnderTest(int dimensions, IReadOnlyList<RuleArgument> arguments,
        Func<IReadOnlyList<Tensor<double>>, (Tensor<double> Output, object? Cache)> forward, Func<object?, Tensor<double>, IReadOnlyList<Tensor<double>>?> backward)
    {
        Dimensions = dimensions;
        Arguments = arguments;
        Forward = forward;
        Backward = backward;
    }

    /// <summary>
    /// How many sizes a case draws for the arguments' shapes, each in 1 to <see cref="LayerCheckOptions.MaxDim"/>;
    /// −1 for the single- and two-input forms, whose sizes are a whole shape drawn by the options' ranks and dims (or
    /// their <see cref="LayerCheckOptions.Shape"/>).
    /// </summary>
    public int Dimensions { get; }

    /// <summary>The arguments, in the order Forward takes them and Backward returns their gradients.</summary>
    public IReadOnlyList<RuleArgument> Arguments { get; }

    /// <summary>
    /// Keeps only the cases (all arguments at once) it returns true for; the others are drawn again, up to 100 in a row.
    /// Use it to stay away from ill-conditioned points, e.g. BatchNorm's batches whose variance is near 0. Default null.
    /// </summary>
    public Func<IReadOnlyList<Tensor<double>>, bool>? Filter { get; init; }

    /// <summary>
    /// What a failure message calls the rule, e.g. "layer affine:3 (AffineLayer), training"; null (the default for
    /// every form but <see cref="Layer"/>) for none.
    /// </summary>
    public string? Subject { get; init; }

    /// <summary>Where the rule's own Forward and Backward record broken contracts; null when they check none.</summary>
    internal ContractLog? Contract { get; init; }

    internal Func<IReadOnlyList<Tensor<double>>, (Tensor<double> Output, object? Cache)> Forward { get; }

    internal Func<object?, Tensor<double>, IReadOnlyList<Tensor<double>>?> Backward { get; }

    /// <summary>The general form: any number of arguments, shaped from <paramref name="dimensions"/> drawn sizes.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">args ↦ (output, cache). Called many times per case; it must depend on nothing but args.</param>
    /// <param name="backward">(cache, dOut) ↦ one gradient per argument, each of its argument's shape.</param>
    /// <param name="dimensions">How many sizes to draw for the shapes (0 when every shape is fixed).</param>
    /// <param name="arguments">The arguments' names, shapes and values.</param>
    /// <exception cref="ArgumentNullException">A delegate or an argument is null.</exception>
    /// <exception cref="ArgumentException">No arguments, two with one name, or dimensions negative.</exception>
    public static RuleUnderTest Create<TCache>(
        Func<IReadOnlyList<Tensor<double>>, (Tensor<double> Output, TCache Cache)> forward,
        Func<TCache, Tensor<double>, IReadOnlyList<Tensor<double>>> backward,
        int dimensions,
        params RuleArgument[] arguments)
    {
        if (dimensions < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"RuleUnderTest.Create: dimensions must be non-negative, got {dimensions}.");
        }
        return Make(forward, backward, dimensions, arguments);
    }

    /// <summary>A single-input layer x ↦ y, x drawn as the options' ranks and dims (or Shape) say.</summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">x ↦ (y, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ dx.</param>
    /// <exception cref="ArgumentNullException">forward or backward is null.</exception>
    public static RuleUnderTest Unary<TCache>(Func<Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, Tensor<double>> backward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        return Make<TCache>(args => forward(args[0]), (c, d) => [backward(c, d)], -1, new RuleArgument("x", d => [.. d]));
    }

    /// <summary>
    /// A node of two inputs of one shape, as Mul and Add: (x, y) ↦ out, with (cache, dOut) ↦ (dx, dy); the shape is
    /// drawn as the options' ranks and dims (or Shape) say.
    /// </summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">(x, y) ↦ (out, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ (dx, dy).</param>
    /// <exception cref="ArgumentNullException">forward or backward is null.</exception>
    public static RuleUnderTest Binary<TCache>(
        Func<Tensor<double>, Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> Dy)> backward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        return Make<TCache>(args => forward(args[0], args[1]), (c, d) => backward(c, d) is var (dx, dy) ? [dx, dy] : [],
            -1, new RuleArgument("x", d => [.. d]), new RuleArgument("y", d => [.. d]));
    }

    /// <summary>
    /// A dense layer with parameters, as Affine: (x [batch, in], W [in, out], B [out]) ↦ out, with
    /// (cache, dOut) ↦ (dx, dW, dB); batch, in and out are drawn in 1 to <see cref="LayerCheckOptions.MaxDim"/>.
    /// </summary>
    /// <typeparam name="TCache">What Forward passes to Backward.</typeparam>
    /// <param name="forward">(x, W, B) ↦ (out, cache).</param>
    /// <param name="backward">(cache, dOut) ↦ (dx, dW, dB).</param>
    /// <exception cref="ArgumentNullException">forward or backward is null.</exception>
    public static RuleUnderTest Dense<TCache>(
        Func<Tensor<double>, Tensor<double>, Tensor<double>, (Tensor<double> Output, TCache Cache)> forward, Func<TCache, Tensor<double>, (Tensor<double> Dx, Tensor<double> DW, Tensor<double> DB)> backward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        return Make<TCache>(args => forward(args[0], args[1], args[2]), (c, d) => backward(c, d) is var (dx, dw, db) ? [dx, dw, db] : [],
            3, new RuleArgument("x", d => [d[0], d[1]]), new RuleArgument("W", d => [d[1], d[2]]), new RuleArgument("B", d => [d[2]]));
    }

    /// <summary>
    /// Any <see cref="ILayer"/> — the library's, a user's, a <see cref="Sequential"/> chain or a
    /// <see cref="Residual"/> block — as a rule of its input and every trainable parameter: the arguments are x
    /// ([batch, …<paramref name="perSampleInput"/>], batch drawn in 1 to <see cref="LayerCheckOptions.MaxDim"/>) and
    /// then each parameter of <see cref="ILayer.ParameterSpecs"/> under its own name, so a failure names the gradient
    /// at fault ("x", "W", "gamma"). Points of <see cref="LayerCheckOptions.Points"/> list x and then the parameters.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every Forward runs on the same <paramref name="state"/> and <paramref name="context"/> (so Dropout's mask, drawn
    /// from the context's key, is the same in every evaluation, and BatchNorm in training mode normalises by the
    /// batch's statistics while the running statistics it returns are not differentiated). Besides the properties of
    /// <see cref="LayerCheckProperties"/>, each call checks the layer's contract: Forward's output is
    /// [batch, …<see cref="ILayer.OutputShape"/>], its cache is not null, its state has the count and shapes of
    /// <see cref="ILayer.StateSpecs"/> and, at inference, is the state passed in, bit for bit, and <see cref="ILayer.Infer"/>
    /// gives its output bit for bit; Forward leaves the state it is given unchanged (x and the parameters are checked by
    /// <see cref="LayerCheckProperties.Purity"/>); Backward's gradient has exactly the count and shapes of
    /// <see cref="ILayer.ParameterSpecs"/>, its dx has x's shape, and it leaves dOut unchanged.
    /// </para>
    /// <para>
    /// A layer with a kink needs <see cref="LayerCheckOptions.InputFilter"/>; BatchNorm in training mode needs a
    /// <see cref="Filter"/> that keeps batches of at least 3 whose columns' variance is not near 0.
    /// </para>
    /// </remarks>
    /// <param name="layer">The layer.</param>
    /// <param name="perSampleInput">The per-sample input shape, e.g. <c>new Shape(3)</c>.</param>
    /// <param name="context">
    /// Training or inference, and the key every Forward gets; null for training with the key
    /// <c>RngKey.FromSeed(LayerCheckOptions.DefaultSeed)</c>.
    /// </param>
    /// <param name="state">The state every Forward gets; null for the state <see cref="ILayer.Init"/> makes.</param>
    /// <param name="precision">
    /// The element type the layer runs in: the rule rounds its arguments and the state to it, and widens the output and
    /// gradients back, exactly. Check a float32 rule with <see cref="LayerCheckOptions.SinglePrecision"/>'s tolerances.
    /// </param>
    /// <exception cref="ArgumentNullException">layer or perSampleInput is null.</exception>
    /// <exception cref="ArgumentException">
    /// The layer does not take <paramref name="perSampleInput"/>, declares no valid argument names or shapes, or
    /// <paramref name="state"/> does not match its <see cref="ILayer.StateSpecs"/>; the message names the layer.
    /// </exception>
    public static RuleUnderTest Layer(ILayer layer, Shape perSampleInput, StepContext? context = null, LayerState<double>? state = null,
        Precision precision = Precision.Float64) =>
        LayerRule.For(layer, perSampleInput, context ?? StepContext.Train(RngKey.FromSeed(LayerCheckOptions.DefaultSeed)), state, precision);

    internal static RuleUnderTest Make<TCache>(
        Func<IReadOnlyList<Tensor<double>>, (Tensor<double> Output, TCache Cache)> forward,
        Func<TCache, Tensor<double>, IReadOnlyList<Tensor<double>>> backward,
        int dimensions,
        params RuleArgument[] arguments)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Length == 0 || arguments.Any(a => a is null))
        {
            throw new ArgumentException($"RuleUnderTest: expected at least one argument and no null ones, got {arguments.Length}.", nameof(arguments));
        }
        if (arguments.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != arguments.Length)
        {
            throw new ArgumentException(
                $"RuleUnderTest: expected distinct argument names, got {string.Join(", ", arguments.Select(a => a.Name))}.", nameof(arguments));
        }
        return new RuleUnderTest(dimensions, [.. arguments],
            args => forward(args) is var (output, cache) ? (output, cache) : default,
            (cache, dOut) => backward((TCache)cache!, dOut));
    }
}
