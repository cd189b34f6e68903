using System.Collections.Immutable;
using System.IO.Hashing;
using System.Numerics;
using System.Text;
using Functional.Initializers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>
/// A layer tree compiled for one per-sample input shape: its leaves in depth-first order, each with its parameters'
/// and state's place in the flat lists, its names and its random keys. <see cref="Sequential"/>, <see cref="Residual"/>
/// and a network all run through it, so a layer behaves the same wherever it sits.
/// </summary>
/// <remarks>
/// A leaf's ordinal counts the leaves of its kind before it, from 1, over the whole tree. Its parameters are named
/// from it: a built-in layer's as the book names them ("W" of the second Affine layer is "W2"), a user's layer's as
/// "kind1.name". Its keys too: a built-in layer's key is <c>root.FoldIn(ordinal)</c> — the keys the book's network
/// used for its k-th Affine and Dropout layers — and a user's layer's also folds in a hash of its kind.
/// </remarks>
internal sealed class LayerPlan
{
    private readonly Node _root;

    private LayerPlan(ILayer layer, Shape input)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var parameters = new List<ParamSpec>();
        var state = new List<ParamSpec>();
        _root = Compile(layer, input, "", ordinals, parameters, state);
        Parameters = [.. parameters];
        State = [.. state];
        RequireUnique(Parameters.Concat(State));
    }

    /// <summary>The per-sample input shape.</summary>
    public Shape Input => _root.Input;

    /// <summary>The per-sample output shape.</summary>
    public Shape Output => _root.Output;

    /// <summary>Every trainable parameter, in order, with its name in the tree.</summary>
    public ImmutableArray<ParamSpec> Parameters { get; }

    /// <summary>Every state tensor, in order, with its name in the tree.</summary>
    public ImmutableArray<ParamSpec> State { get; }

    /// <summary>The leaves, depth-first.</summary>
    public IEnumerable<ILayer> Leaves => LeavesOf(_root).Select(l => l.Layer);

    /// <summary>Compiles <paramref name="layer"/> for <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A layer does not fit its input, or two parameters would share a name.</exception>
    public static LayerPlan For(ILayer layer, Shape input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        return new LayerPlan(layer, input);
    }

    /// <summary>Every leaf's initial parameters and state, from its key under <paramref name="key"/>.</summary>
    public LayerInit Init(RngKey key, Initializer weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var (parameters, state) = (new Tensor<double>[Parameters.Length], new Tensor<double>[State.Length]);
        foreach (var leaf in LeavesOf(_root))
        {
            var init = leaf.Layer.Init(leaf.KeyUnder(key), leaf.Input, weights)
                ?? throw new InvalidOperationException($"{leaf.Name}: Init returned null.");
            Place(leaf, "Init's parameters", init.Params, leaf.ParamSpecs, parameters, leaf.ParamOffset);
            Place(leaf, "Init's state", init.State, leaf.StateSpecs, state, leaf.StateOffset);
        }
        return new LayerInit(new Params<double>([.. parameters]), new LayerState<double>([.. state]));
    }

    /// <summary>Forward through the tree; every leaf's context has its own key under <paramref name="key"/>.</summary>
    public Forwarded<T> Forward<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x, bool training, RngKey key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireFit(parameters, state);
        ArgumentNullException.ThrowIfNull(x);
        x = AsInput(x);
        var newState = state.Count == 0 ? [] : state.Tensors.ToArray();
        var output = Forward(_root, parameters.Tensors, state.Tensors, newState, x, training, key, out var cache);
        return new Forwarded<T>(output, cache, state.Count == 0 ? state : new LayerState<T>([.. newState]));
    }

    /// <summary>The output at inference, keeping no caches.</summary>
    public Tensor<T> Infer<T>(Params<T> parameters, LayerState<T> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireFit(parameters, state);
        ArgumentNullException.ThrowIfNull(x);
        x = AsInput(x);
        return Infer(_root, parameters.Tensors, state.Tensors, x);
    }

    /// <summary>
    /// Backward through the tree from one forward's cache. With <paramref name="needDx"/> false the
    /// input's gradient is not formed (null), which saves the first Affine layer's dOut·Wᵀ.
    /// </summary>
    public (Tensor<T>? Dx, Params<T> Gradient) Backward<T>(LayerCache cache, Tensor<T> dOut, bool needDx = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(dOut);
        var gradient = new Tensor<T>[Parameters.Length];
        var dx = Backward(_root, cache, dOut, gradient, needDx);
        return (dx, new Params<T>([.. gradient]));
    }

    /// <summary>Throws unless the parameters and state are as many, and shaped, as the tree declares.</summary>
    public void RequireFit<T>(Params<T> parameters, LayerState<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        RequireShapes("parameters", parameters, Parameters);
        RequireShapes("state", state, State);
    }

    private static void RequireShapes<T>(string what, TensorList<T> values, ImmutableArray<ParamSpec> specs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Count != specs.Length)
        {
            throw new ArgumentException(
                $"expected {specs.Length} {what} ({string.Join(", ", specs.Select(s => s.Name))}), got {values.Count}.", nameof(values));
        }
        for (var i = 0; i < specs.Length; i++)
        {
            if (values[i].Shape != specs[i].Shape)
            {
                throw new ArgumentException($"{what[..^1]} '{specs[i].Name}' must have shape {specs[i].Shape}, got {values[i].Shape}.", nameof(values));
            }
        }
    }

    // x as [batch, …Input]: a sample given flat (or in another shape of the same size) is viewed in the declared
    // shape, without a copy, so every layer sees exactly the shape it was compiled for.
    private Tensor<T> AsInput<T>(Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Rank < 1 || x.Shape[0] < 1 || x.Length / x.Shape[0] != Input.Length || x.Length % x.Shape[0] != 0)
        {
            throw new ArgumentException(
                $"the input must be [batch, {string.Join(", ", Input.Dims)}] with batch ≥ 1 ({Input.Length} values per sample), got {x.Shape}.", nameof(x));
        }
        return x.Rank == Input.Rank + 1 && x.Shape.Dims.AsSpan()[1..].SequenceEqual(Input.Dims.AsSpan()) ? x : x.Reshape([x.Shape[0], .. Input.Dims]);
    }

    private static Node Compile(ILayer layer, Shape input, string position, Dictionary<string, int> ordinals, List<ParamSpec> parameters, List<ParamSpec> state)
    {
        switch (layer)
        {
            case Sequential sequential:
            {
                var children = new Node[sequential.Layers.Length];
                var (paramOffset, stateOffset, shape) = (parameters.Count, state.Count, input);
                for (var i = 0; i < children.Length; i++)
                {
                    children[i] = Compile(sequential.Layers[i], shape, $"{position}{i + 1}", ordinals, parameters, state);
                    shape = children[i].Output;
                }
                return new SequenceNode(children, input, shape, paramOffset, stateOffset);
            }
            case Residual residual:
            {
                var inner = Compile(residual.Inner, input, position + "r", ordinals, parameters, state);
                if (inner.Output != input)
                {
                    throw new ArgumentException(
                        $"layer {Describe(position)} ({residual.Spec}): the inner layers must keep the shape, {input}, to be added to their input, but give {inner.Output}.");
                }
                return new ResidualNode(inner, input);
            }
            default:
            {
                var kind = layer.Kind;
                if (string.IsNullOrEmpty(kind) || !(char.IsAsciiLetterLower(kind[0]) && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
                {
                    throw new ArgumentException($"layer {Describe(position)} ({layer.GetType().Name}): Kind must be lower-case letters, digits and '_', starting with a letter, got '{kind}'.");
                }
                ordinals[kind] = ordinals.GetValueOrDefault(kind) + 1;
                var ordinal = ordinals[kind];
                try
                {
                    var output = layer.OutputShape(input) ?? throw new ArgumentException("OutputShape returned null.");
                    var leaf = new LeafNode(layer, ordinal, input, output, parameters.Count, state.Count,
                        layer.ParameterSpecs(input), layer.StateSpecs(input));
                    parameters.AddRange(leaf.ParamSpecs.Select(s => s with { Name = leaf.NameOf(s.Name) }));
                    state.AddRange(leaf.StateSpecs.Select(s => s with { Name = leaf.NameOf(s.Name) }));
                    return leaf;
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"layer {Describe(position)} ({layer.Spec}), on per-sample input {input}: {e.Message}", e);
                }
            }
        }
    }

    private static string Describe(string position) => position.Length == 0 ? "1" : position;

    private static void RequireUnique(IEnumerable<ParamSpec> specs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!seen.Add(spec.Name))
            {
                throw new ArgumentException($"two tensors of the network would both be named '{spec.Name}'; give the layers distinct parameter names.");
            }
        }
    }

    private static IEnumerable<LeafNode> LeavesOf(Node node) => node switch
    {
        LeafNode leaf => [leaf],
        SequenceNode sequence => sequence.Children.SelectMany(LeavesOf),
        ResidualNode residual => LeavesOf(residual.Inner),
        _ => throw new InvalidOperationException("unreachable: unknown node"),
    };

    private static Tensor<T> Forward<T>(Node node, ImmutableArray<Tensor<T>> parameters, ImmutableArray<Tensor<T>> state, Tensor<T>[] newState,
        Tensor<T> x, bool training, RngKey key, out LayerCache cache)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (node)
        {
            case LeafNode leaf:
            {
                var forwarded = leaf.Layer.Forward(leaf.ParamsOf(parameters), leaf.StateOf(state), x, new StepContext(training, leaf.KeyUnder(key)))
                    ?? throw new InvalidOperationException($"{leaf.Name}: Forward returned null.");
                leaf.RequireOutput(forwarded.Output, x.Shape[0]);
                cache = forwarded.Cache ?? throw new InvalidOperationException($"{leaf.Name}: Forward returned a null cache.");
                // Checked for stateless leaves too: state a layer returns but never declared would be silently dropped.
                Place(leaf, "Forward's state", forwarded.State, leaf.StateSpecs, newState, leaf.StateOffset);
                return forwarded.Output;
            }
            case SequenceNode sequence:
            {
                var caches = new LayerCache[sequence.Children.Length];
                for (var i = 0; i < caches.Length; i++)
                {
                    x = Forward(sequence.Children[i], parameters, state, newState, x, training, key, out caches[i]);
                }
                cache = new SequentialCache([.. caches], sequence.Input);
                return x;
            }
            case ResidualNode residual:
            {
                var inner = Forward(residual.Inner, parameters, state, newState, x, training, key, out var innerCache);
                cache = new ResidualCache(innerCache, residual.Input);
                return Sum(x, inner);
            }
            default:
                throw new InvalidOperationException("unreachable: unknown node");
        }
    }

    private static Tensor<T> Infer<T>(Node node, ImmutableArray<Tensor<T>> parameters, ImmutableArray<Tensor<T>> state, Tensor<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (node)
        {
            case LeafNode leaf:
                var output = leaf.Layer.Infer(leaf.ParamsOf(parameters), leaf.StateOf(state), x);
                leaf.RequireOutput(output, x.Shape[0]);
                return output;
            case SequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    x = Infer(child, parameters, state, x);
                }
                return x;
            case ResidualNode residual:
                return Sum(x, Infer(residual.Inner, parameters, state, x));
            default:
                throw new InvalidOperationException("unreachable: unknown node");
        }
    }

    private static Tensor<T>? Backward<T>(Node node, LayerCache cache, Tensor<T> dOut, Tensor<T>[] gradient, bool needDx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (node)
        {
            case LeafNode leaf:
            {
                if (!needDx && leaf.Layer is IInputGradientOptional optional)
                {
                    // The input needs no gradient: skip forming it (for Affine, dOut·Wᵀ, a third of its backward work).
                    Place(leaf, "Backward's gradient", optional.ParameterGradient(cache, dOut), leaf.ParamSpecs, gradient, leaf.ParamOffset);
                    return null;
                }
                var backwarded = leaf.Layer.Backward(cache, dOut) ?? throw new InvalidOperationException($"{leaf.Name}: Backward returned null.");
                Place(leaf, "Backward's gradient", backwarded.Gradient, leaf.ParamSpecs, gradient, leaf.ParamOffset);
                leaf.RequireDx(backwarded.Dx, dOut.Shape[0]);
                return backwarded.Dx;
            }
            case SequenceNode sequence:
            {
                var caches = Own<SequentialCache>(cache, "Sequential").Caches;
                if (caches.Length != sequence.Children.Length)
                {
                    throw new ArgumentException($"Sequential.Backward: the cache holds {caches.Length} layers' caches, but the chain has {sequence.Children.Length}.", nameof(cache));
                }
                Tensor<T>? d = dOut;
                for (var i = caches.Length - 1; i >= 0; i--)
                {
                    d = Backward(sequence.Children[i], caches[i], d!, gradient, needDx || i > 0);
                }
                return d;
            }
            case ResidualNode residual:
            {
                var inner = Backward(residual.Inner, Own<ResidualCache>(cache, "Residual").Inner, dOut, gradient, true)!;
                return needDx ? Sum(dOut, inner) : null;   // both paths reach x: their gradients add
            }
            default:
                throw new InvalidOperationException("unreachable: unknown node");
        }
    }

    private static T Own<T>(LayerCache cache, string layer) where T : LayerCache => cache as T
        ?? throw new ArgumentException($"{layer}.Backward: expected the {typeof(T).Name} its Forward made, got {cache?.GetType().Name ?? "null"}.", nameof(cache));

    private static void Place<T>(LeafNode leaf, string what, TensorList<T>? values, ImmutableArray<ParamSpec> specs, Tensor<T>[] into, int offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values is null || values.Count != specs.Length)
        {
            throw new InvalidOperationException(
                $"{leaf.Name}: {what} must hold {specs.Length} tensors ({string.Join(", ", specs.Select(s => s.Name))}), got {values?.Count.ToString() ?? "null"}.");
        }
        for (var i = 0; i < specs.Length; i++)
        {
            if (values[i].Shape != specs[i].Shape)
            {
                throw new InvalidOperationException($"{leaf.Name}: {what} '{specs[i].Name}' must have shape {specs[i].Shape}, got {values[i].Shape}.");
            }
            into[offset + i] = values[i];
        }
    }

    private static Tensor<T> Sum<T>(Tensor<T> a, Tensor<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> xs = a.Span, ys = b.Span;
        var sum = GC.AllocateUninitializedArray<T>(xs.Length);   // every element is written
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = xs[i] + ys[i];
        }
        return new Tensor<T>(a.Shape, sum);
    }

    private abstract class Node(Shape input, Shape output)
    {
        public Shape Input { get; } = input;

        public Shape Output { get; } = output;
    }

    private sealed class SequenceNode(Node[] children, Shape input, Shape output, int paramOffset, int stateOffset) : Node(input, output)
    {
        public Node[] Children { get; } = children;

        public int ParamOffset { get; } = paramOffset;

        public int StateOffset { get; } = stateOffset;
    }

    private sealed class ResidualNode(Node inner, Shape input) : Node(input, input)
    {
        public Node Inner { get; } = inner;
    }

    private sealed class LeafNode(ILayer layer, int ordinal, Shape input, Shape output, int paramOffset, int stateOffset,
        ImmutableArray<ParamSpec> paramSpecs, ImmutableArray<ParamSpec> stateSpecs) : Node(input, output)
    {
        private readonly bool _builtIn = IsBuiltIn(layer);
        private readonly ulong _kindHash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(layer.Kind));

        public ILayer Layer { get; } = layer;

        public int Ordinal { get; } = ordinal;

        public int ParamOffset { get; } = paramOffset;

        public int StateOffset { get; } = stateOffset;

        public ImmutableArray<ParamSpec> ParamSpecs { get; } = paramSpecs.IsDefault ? [] : paramSpecs;

        public ImmutableArray<ParamSpec> StateSpecs { get; } = stateSpecs.IsDefault ? [] : stateSpecs;

        public string Name => $"{Layer.Kind} layer {Ordinal} ({Layer.Spec})";

        public string NameOf(string local) => _builtIn ? $"{local}{Ordinal}" : $"{Layer.Kind}{Ordinal}.{local}";

        public RngKey KeyUnder(RngKey root) => _builtIn ? root.FoldIn((ulong)Ordinal) : root.FoldIn((ulong)Ordinal).FoldIn(_kindHash);

        public Params<T> ParamsOf<T>(ImmutableArray<Tensor<T>> all)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            ParamSpecs.Length == 0 ? Params<T>.Empty : new Params<T>(all.Slice(ParamOffset, ParamSpecs.Length));

        public LayerState<T> StateOf<T>(ImmutableArray<Tensor<T>> all)
            where T : unmanaged, IFloatingPointIeee754<T> =>
            StateSpecs.Length == 0 ? LayerState<T>.Empty : new LayerState<T>(all.Slice(StateOffset, StateSpecs.Length));

        public void RequireOutput<T>(Tensor<T>? output, int batch)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireBatchOf(output, batch, Output, "Forward's output");

        public void RequireDx<T>(Tensor<T>? dx, int batch)
            where T : unmanaged, IFloatingPointIeee754<T> => RequireBatchOf(dx, batch, Input, "Backward's dx");

        private void RequireBatchOf<T>(Tensor<T>? value, int batch, Shape perSample, string what)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (value is null || value.Rank != perSample.Rank + 1 || value.Shape[0] != batch || !value.Shape.Dims.AsSpan()[1..].SequenceEqual(perSample.Dims.AsSpan()))
            {
                throw new InvalidOperationException(
                    $"{Name}: {what} must be [{batch}, {string.Join(", ", perSample.Dims)}], got {value?.Shape.ToString() ?? "null"}.");
            }
        }

        private static bool IsBuiltIn(ILayer layer) => layer is IBuiltInLayer;
    }
}
