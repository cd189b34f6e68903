using System.Collections.Immutable;
using Functional.Tensors;

namespace Functional.Composition;

/// <summary>An ordered, immutable list of tensors, equal to another when every tensor is bit-identical.</summary>
public abstract class TensorList : IEquatable<TensorList>
{
    private protected TensorList(ImmutableArray<Tensor<double>> tensors)
    {
        if (tensors.IsDefault)
        {
            tensors = [];
        }
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null)
            {
                throw new ArgumentNullException(nameof(tensors), $"{GetType().Name}: tensor {i} is null.");
            }
        }
        Tensors = tensors;
    }

    /// <summary>The tensors, in the order the layer declares them.</summary>
    public ImmutableArray<Tensor<double>> Tensors { get; }

    /// <summary>How many tensors there are.</summary>
    public int Count => Tensors.Length;

    /// <summary>The tensor at <paramref name="index"/>.</summary>
    public Tensor<double> this[int index] => Tensors[index];

    /// <summary>The number of values in all the tensors.</summary>
    public long ValueCount => Tensors.Sum(t => (long)t.Length);

    /// <summary>True when the kinds match and every tensor is bit-identical.</summary>
    public bool Equals(TensorList? other) =>
        other is not null && other.GetType() == GetType() && Tensors.SequenceEqual(other.Tensors);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorList);

    /// <inheritdoc/>
    public override int GetHashCode() => Tensors.Aggregate(0, (h, t) => HashCode.Combine(h, t));

    /// <summary>The shapes, e.g. <c>Params([784, 50], [50])</c>.</summary>
    public override string ToString() => $"{GetType().Name}({string.Join(", ", Tensors.Select(t => t.Shape))})";
}

/// <summary>A layer's trainable parameters, in the order of its <see cref="ILayer.ParameterSpecs"/>; also the shape of their gradient.</summary>
public sealed class Params : TensorList
{
    /// <summary>The given tensors, in order.</summary>
    public Params(ImmutableArray<Tensor<double>> tensors)
        : base(tensors)
    {
    }

    /// <summary>No parameters.</summary>
    public static Params Empty { get; } = new([]);

    /// <summary>The given tensors, in order.</summary>
    public static Params Of(params Tensor<double>[] tensors) => new([.. tensors]);
}

/// <summary>A layer's non-trainable state (BatchNorm's running statistics), in the order of its <see cref="ILayer.StateSpecs"/>.</summary>
public sealed class LayerState : TensorList
{
    /// <summary>The given tensors, in order.</summary>
    public LayerState(ImmutableArray<Tensor<double>> tensors)
        : base(tensors)
    {
    }

    /// <summary>No state.</summary>
    public static LayerState Empty { get; } = new([]);

    /// <summary>The given tensors, in order.</summary>
    public static LayerState Of(params Tensor<double>[] tensors) => new([.. tensors]);
}
