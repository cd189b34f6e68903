using System.Numerics;
using Functional.Parameters;

namespace Functional.Networks;

/// <summary>A network's starting values, kept apart by kind: what training descends on, and what it replaces.</summary>
/// <param name="Params">The trainable parameters.</param>
/// <param name="State">The non-trainable state (BatchNorm's running statistics); empty for most networks.</param>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record NetworkValues<T>(ParamTree<T> Params, ParamTree<T> State)
    where T : unmanaged, IFloatingPointIeee754<T>;
