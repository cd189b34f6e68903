using Functional.Losses;
using Functional.Tensors;

namespace Functional.Data;

/// <summary>Batches over index ranges, for evaluating a whole data set in chunks.</summary>
public static class LabeledDataExtensions
{
    /// <summary>The samples [start, start + count) as a batch.</summary>
    public static (Tensor<double> X, Labels T) Range(this ILabeledData data, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Batch([.. Enumerable.Range(start, count)]);
    }
}
