using System.Collections.Immutable;
using System.Globalization;
using Functional.Composition;
using Functional.Layers;

namespace Functional.Facade.Naming;

/// <summary>
/// Architectures as strings, for the CLI's <c>--net</c> and for saved models: layers separated by commas, each a kind
/// and its arguments separated by ':', e.g. <c>"affine:100,tanh,batchnorm,dropout:0.2,affine:10"</c>.
/// </summary>
/// <remarks>
/// Built-in layers: <c>affine:OUTPUTS</c>, <c>relu</c>, <c>sigmoid</c>, <c>tanh</c>, <c>leakyrelu[:ALPHA]</c>,
/// <c>batchnorm[:MOMENTUM:EPSILON]</c>, <c>dropout:RATIO</c>, and <c>residual(LAYERS)</c> for x + layers(x). A user's
/// layers come from a <see cref="LayerRegistry"/>. Every layer's <see cref="ILayer.Spec"/> is in this form, so
/// <c>Parse(layer.Spec)</c> gives an equal layer.
/// <para>
/// White space around a layer, a comma or a parenthesis is ignored (<c>"affine:100, tanh, residual( affine:100 )"</c>),
/// so specs can be wrapped and spaced for reading; inside a layer it is refused (<c>"dropout: 0.2"</c>,
/// <c>"affine:100 tanh"</c>) rather than guessed at. Kinds are lower case; numbers are invariant-culture.
/// </para>
/// </remarks>
public static class NetSpec
{
    /// <summary>The kinds this library's layers have.</summary>
    public static ImmutableSortedSet<string> BuiltInKinds { get; } =
        ImmutableSortedSet.Create(StringComparer.Ordinal, "affine", "relu", "sigmoid", "tanh", "leakyrelu", "batchnorm", "dropout", "residual", "sequential");

    /// <summary>The layers <paramref name="spec"/> describes, as one <see cref="Sequential"/>.</summary>
    /// <param name="spec">The architecture string.</param>
    /// <param name="registry">The user's layers it may name (none unless given).</param>
    /// <exception cref="ArgumentException">The spec is empty or malformed; the message names the token, its position and what was expected.</exception>
    public static Sequential Parse(string spec, LayerRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var reader = new Reader(spec, registry ?? LayerRegistry.BuiltIn);
        var layers = reader.List();
        if (!reader.AtEnd)
        {
            throw reader.Error(reader.Position, reader.Rest, "expected ',' or the end of the spec");
        }
        return new Sequential(layers);
    }

    /// <summary>
    /// The spec of the book's MLP, as the CLI's shorthands describe it: for each hidden width, Affine, then BatchNorm
    /// if asked, the activation, then Dropout if the ratio is above 0; then Affine to the classes. For example
    /// <c>ForMlp([100, 50], "tanh", true, 0.2, 10)</c> is
    /// <c>"affine:100,batchnorm,tanh,dropout:0.2,affine:50,batchnorm,tanh,dropout:0.2,affine:10"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A width below 1, an unknown activation, or a ratio outside [0, 1).</exception>
    public static string ForMlp(IEnumerable<int> hidden, string activation, bool batchNorm, double dropout, int classes)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int[] widths = [.. hidden];
        // The chain Network.Mlp builds; its spec does not depend on the input width, so any width stands in for it.
        return Networks.Network.Mlp([1, .. widths, classes], Enumerable.Repeat(ActivationNames.Parse(activation), widths.Length), batchNorm, dropout).Spec;
    }

    /// <summary>The network <paramref name="spec"/> describes on per-sample inputs of shape <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">The spec is malformed, or a layer does not fit the shape before it; the message names it.</exception>
    public static Networks.Network Network(string spec, Tensors.Shape input, LayerRegistry? registry = null) => new(input, Parse(spec, registry));

    /// <summary>The spec of <paramref name="layer"/>: its <see cref="ILayer.Spec"/>.</summary>
    public static string Format(ILayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Spec;
    }

    internal static bool IsKind(string kind) =>
        kind.Length > 0 && char.IsAsciiLetterLower(kind[0]) && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private sealed class Reader(string text, LayerRegistry registry)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position >= text.Length;

        public string Rest => text[Position..];

        public List<ILayer> List()
        {
            var layers = new List<ILayer> { Item() };
            while (!AtEnd && text[Position] == ',')
            {
                Position++;
                layers.Add(Item());
            }
            return layers;
        }

        private ILayer Item()
        {
            SkipWhiteSpace();
            var start = Position;
            while (!AtEnd && text[Position] is not (',' or '(' or ')'))
            {
                Position++;
            }
            var token = text[start..Position].TrimEnd();
            if (token.Length == 0)
            {
                throw Error(start, AtEnd ? "" : text[start].ToString(), "expected a layer such as affine:100 or relu");
            }
            if (token.Any(char.IsWhiteSpace))
            {
                throw Error(start, token, "white space may surround layers, commas and parentheses but not split a layer; separate layers with ','");
            }
            var parts = token.Split(':');
            var (kind, args) = (parts[0], parts[1..]);
            if (kind == "residual")
            {
                if (args.Length > 0 || AtEnd || text[Position] != '(')
                {
                    throw Error(start, token, "expected residual(LAYERS), e.g. residual(affine:50,tanh)");
                }
                Position++;
                var inner = List();
                if (AtEnd || text[Position] != ')')
                {
                    throw Error(start, text[start..Position], "expected ')' to close residual(");
                }
                Position++;
                SkipWhiteSpace();
                return new Residual(inner.Count == 1 ? inner[0] : new Sequential(inner));
            }
            if (!AtEnd && text[Position] == '(')
            {
                throw Error(start, token, "only residual takes layers in parentheses");
            }
            try
            {
                return Layer(kind, args);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                // The layer's own message, without the " (Parameter 'x')" and "Actual value" lines .NET appends.
                var message = e.Message.Split('\n')[0];
                var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                throw Error(start, token, cut >= 0 ? message[..cut] : message);
            }
        }

        private void SkipWhiteSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[Position]))
            {
                Position++;
            }
        }

        private ILayer Layer(string kind, string[] args) => kind switch
        {
            "affine" => new AffineLayer(args is [var n] && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var outputs) && outputs >= 1
                ? outputs
                : throw new ArgumentException("expected affine:OUTPUTS with OUTPUTS a whole number ≥ 1")),
            "relu" => NoArguments(kind, args, new ReluLayer()),
            "sigmoid" => NoArguments(kind, args, new SigmoidLayer()),
            "tanh" => NoArguments(kind, args, new TanhLayer()),
            "leakyrelu" => args switch
            {
                [] => new LeakyReluLayer(),
                [var a] => new LeakyReluLayer(Number(a, "leakyrelu:ALPHA with ALPHA in [0, 1)")),
                _ => throw new ArgumentException("expected leakyrelu or leakyrelu:ALPHA"),
            },
            "batchnorm" => args switch
            {
                [] => new BatchNormLayer(),
                [var m, var e] => new BatchNormLayer(Number(m, "batchnorm:MOMENTUM:EPSILON"), Number(e, "batchnorm:MOMENTUM:EPSILON")),
                _ => throw new ArgumentException("expected batchnorm or batchnorm:MOMENTUM:EPSILON"),
            },
            "dropout" => args is [var r]
                ? new DropoutLayer(Number(r, "dropout:RATIO with RATIO in [0, 1)"))
                : throw new ArgumentException("expected dropout:RATIO with RATIO in [0, 1)"),
            "sequential" => throw new ArgumentException("a chain is written as its layers separated by commas, not as 'sequential'"),
            _ when registry.TryGet(kind, out var create) => Registered(kind, create(args)),
            _ => throw new ArgumentException(
                $"unknown layer '{kind}'; expected affine, relu, sigmoid, tanh, leakyrelu, batchnorm, dropout, residual(…)" +
                (registry.Kinds.Any() ? $" or a registered layer ({string.Join(", ", registry.Kinds)})" : " (a user's layer must be registered in a LayerRegistry)")),
        };

        // A factory's layer must be of its kind: its Spec is what a saved model records, and must parse back through it.
        private static ILayer Registered(string kind, ILayer? layer) =>
            layer is null ? throw new ArgumentException($"the registered factory for '{kind}' returned null")
            : layer.Kind != kind ? throw new ArgumentException($"the registered factory for '{kind}' made a layer of kind '{layer.Kind}'")
            : layer;

        private static ILayer NoArguments(string kind, string[] args, ILayer layer) =>
            args.Length == 0 ? layer : throw new ArgumentException($"'{kind}' takes no arguments, got {args.Length}");

        private static double Number(string text, string expected) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw new ArgumentException($"expected {expected}, but '{text}' is not a finite number");

        public ArgumentException Error(int at, string token, string message) =>
            new($"NetSpec: at character {at + 1} of \"{text}\", {(token.Length == 0 ? "the end of the spec" : $"token '{token}'")}: {message.TrimEnd('.')}.");
    }
}
