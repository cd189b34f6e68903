using System.Collections.Immutable;

namespace Functional.Data;

/// <summary>An array of unsigned bytes read from an IDX file (the MNIST format): its dimensions and its values, row-major.</summary>
/// <param name="Dims">The dimensions, outermost first; e.g. [count, rows, columns] for images.</param>
/// <param name="Values">The values, row-major.</param>
public sealed record IdxArray(ImmutableArray<int> Dims, ImmutableArray<byte> Values);
