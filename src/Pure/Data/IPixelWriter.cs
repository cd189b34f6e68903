namespace Functional.Data;

/// <summary>
/// Data stored as pixels that can copy a batch's pixels into a caller's buffer, so training can feed its first layer
/// the bytes themselves (<see cref="PixelBatch"/>). Internal: the buffer never leaves the training step.
/// </summary>
internal interface IPixelWriter
{
    /// <summary>Copies the pixels of <paramref name="indices"/> row by row into <paramref name="pixels"/> and their labels into <paramref name="labels"/>.</summary>
    void WritePixels(ReadOnlySpan<int> indices, Span<byte> pixels, Span<int> labels);

    /// <summary>Starts loading these samples into the processor's caches, without waiting; no other effect.</summary>
    void Prefetch(ReadOnlySpan<int> indices);
}
