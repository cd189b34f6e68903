namespace Functional.Data;

/// <summary>
/// Data that can write a batch's features into a caller's buffer, so training can reuse one buffer for every
/// step instead of allocating a batch per step. Internal: the buffer never leaves the training step.
/// </summary>
internal interface IBatchWriter
{
    /// <summary>Writes the features of <paramref name="indices"/> row by row into <paramref name="features"/> and their labels into <paramref name="labels"/>.</summary>
    void WriteBatch(ReadOnlySpan<int> indices, Span<double> features, Span<int> labels);
}
