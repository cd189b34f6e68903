using System.Collections.Immutable;
using Functional.Composition;

namespace Functional.Facade.Naming;

/// <summary>
/// The layers <see cref="NetSpec"/> can read besides the built-in ones: a user's own layers, each under its
/// <see cref="ILayer.Kind"/>, with a function from the spec's arguments (the text between ':') to the layer.
/// Immutable: each With returns a new registry.
/// </summary>
public sealed class LayerRegistry
{
    private readonly ImmutableSortedDictionary<string, Func<IReadOnlyList<string>, ILayer>> _factories;

    private LayerRegistry(ImmutableSortedDictionary<string, Func<IReadOnlyList<string>, ILayer>> factories) => _factories = factories;

    /// <summary>No user layers: the built-in ones only.</summary>
    public static LayerRegistry BuiltIn { get; } = new(ImmutableSortedDictionary.Create<string, Func<IReadOnlyList<string>, ILayer>>(StringComparer.Ordinal));

    /// <summary>The user kinds this registry knows, in order.</summary>
    public IEnumerable<string> Kinds => _factories.Keys;

    /// <summary>This registry and a user layer of kind <paramref name="kind"/>, made from its spec's arguments by <paramref name="create"/>.</summary>
    /// <exception cref="ArgumentException">The kind is not lower-case letters, digits and '_' starting with a letter, or is built in or already registered.</exception>
    public LayerRegistry With(string kind, Func<IReadOnlyList<string>, ILayer> create)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(create);
        if (!NetSpec.IsKind(kind))
        {
            throw new ArgumentException($"LayerRegistry.With: a kind must be lower-case letters, digits and '_', starting with a letter, got '{kind}'.", nameof(kind));
        }
        if (NetSpec.BuiltInKinds.Contains(kind) || _factories.ContainsKey(kind))
        {
            throw new ArgumentException($"LayerRegistry.With: the kind '{kind}' is {(_factories.ContainsKey(kind) ? "already registered" : "built in")}.", nameof(kind));
        }
        return new(_factories.Add(kind, create));
    }

    /// <summary>This registry and a user layer that takes no arguments, <paramref name="create"/>() each time.</summary>
    public LayerRegistry With(string kind, Func<ILayer> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return With(kind, args => args.Count == 0
            ? create()
            : throw new ArgumentException($"'{kind}' takes no arguments, got {args.Count}."));
    }

    internal bool TryGet(string kind, out Func<IReadOnlyList<string>, ILayer> create) => _factories.TryGetValue(kind, out create!);
}
