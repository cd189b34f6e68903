using System.Collections.Immutable;
using System.Numerics;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>An ordered, immutable list of tensors, equal to another when every tensor is bit-identical.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public abstract class TensorList<T> : IEquatable<TensorList<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private protected TensorList(ImmutableArray<Tensor<T>> tensors)
    {
        if (tensors.IsDefault)
        {
            tensors = [];
        }
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
            {
                throw new ArgumentNullException(nameof(tensors), $"{ListName}: tensor {i} is null.");
            }
        }
        Tensors = tensors;
    }

    // "Params" or "LayerState", for messages (GetType().Name would be "Params`1").
    private protected abstract string ListName { get; }

    /// <summary>The tensors, in the order the layer declares them.</summary>
    public ImmutableArray<Tensor<T>> Tensors { get; }

    /// <summary>How many tensors there are.</summary>
    public int Count => Tensors.Length;

    /// <summary>The tensor at <paramref name="index"/>.</summary>
    public Tensor<T> this[int index] => Tensors[index];

    /// <summary>The number of values in all the tensors.</summary>
    public long ValueCount => Tensors.Sum(t => (long)t.Length);

    /// <summary>True when the kinds match and every tensor is bit-identical.</summary>
    public bool Equals(TensorList<T>? other) =>
        other is not null && other.GetType() == GetType() && Tensors.SequenceEqual(other.Tensors);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorList<T>);

    /// <inheritdoc/>
    public override int GetHashCode() => Tensors.Aggregate(0, (h, t) => HashCode.Combine(h, t));

    /// <summary>The shapes, e.g. <c>Params([784, 50], [50])</c>.</summary>
    public override string ToString() => $"{ListName}({string.Join(", ", Tensors.Select(t => t.Shape))})";
}

/// <summary>A layer's trainable parameters, in the order of its <see cref="ILayer.ParameterSpecs"/>; also the shape of their gradient.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class Params<T> : TensorList<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The given tensors, in order.</summary>
    public Params(ImmutableArray<Tensor<T>> tensors)
        : base(tensors)
    {
    }

    private protected override string ListName => "Params";

    /// <summary>No parameters.</summary>
    public static Params<T> Empty { get; } = new([]);

    /// <summary>The given tensors, in order.</summary>
    public static Params<T> Of(params Tensor<T>[] tensors) => new([.. tensors]);
}

/// <summary>A layer's non-trainable state (BatchNorm's running statistics), in the order of its <see cref="ILayer.StateSpecs"/>.</summary>
/// <typeparam name="T">The element type: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed class LayerState<T> : TensorList<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The given tensors, in order.</summary>
    public LayerState(ImmutableArray<Tensor<T>> tensors)
        : base(tensors)
    {
    }

    private protected override string ListName => "LayerState";

    /// <summary>No state.</summary>
    public static LayerState<T> Empty { get; } = new([]);

    /// <summary>The given tensors, in order.</summary>
    public static LayerState<T> Of(params Tensor<T>[] tensors) => new([.. tensors]);
}
