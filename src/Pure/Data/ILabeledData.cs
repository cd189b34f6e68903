using Functional.Losses;
using Functional.Tensors;

namespace Functional.Data;

/// <summary>Samples with class labels that training and evaluation draw batches from. Implementations are immutable.</summary>
public interface ILabeledData
{
    /// <summary>Names the data in messages.</summary>
    string Name { get; }

    /// <summary>The number of samples.</summary>
    int Count { get; }

    /// <summary>Features per sample.</summary>
    int Features { get; }

    /// <summary>The number of classes; every label is below it.</summary>
    int Classes { get; }

    /// <summary>The samples at <paramref name="indices"/> as x: [n, Features] and their labels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    (Tensor<double> X, Labels T) Batch(ReadOnlySpan<int> indices);
}
