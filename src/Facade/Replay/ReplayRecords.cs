using System.Collections.Immutable;

namespace Functional.Facade.Replay;

/// <summary>One recorded step: its loss bits and a hash of every parameter after its update.</summary>
/// <param name="Step">Steps completed (1-based).</param>
/// <param name="Loss">The step's batch loss, restored bit for bit.</param>
/// <param name="ParamHashes">Per parameter, <see cref="Parameters.ParamTree{T}.LeafHashes"/> after the step.</param>
public sealed record StepRecord(long Step, double Loss, ImmutableSortedDictionary<string, string> ParamHashes);

/// <summary>The record that closes a finished run.</summary>
/// <param name="Steps">Steps in the run.</param>
/// <param name="ParamsSha256">SHA-256 of the final parameters (<see cref="Parameters.ParamTree{T}.Sha256"/>).</param>
public sealed record EndRecord(long Steps, string ParamsSha256);
