using System.Collections.Immutable;
using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>
/// An optimizer's state between updates: how many updates it has applied, and its per-parameter buffers ("slots",
/// e.g. Momentum's "velocity", Adam's "m" and "v"), each a <see cref="ParamTree{T}"/> with the parameters' names and
/// shapes. Compared by value: equal counts, the same slot names, and bit-identical buffers.
/// </summary>
/// <param name="Count">The number of updates applied so far, ≥ 0. The next update is step <c>Count</c> (0-based).</param>
/// <param name="Slots">
/// The buffers by slot name, kept in ordinal order whatever comparer the argument had. Names are non-empty and
/// contain no '/'; every buffer has at least one parameter.
/// </param>
/// <typeparam name="T">The element type of the parameters and slots: <see cref="double"/> or <see cref="float"/>.</typeparam>
public sealed record OptimizerState<T>(long Count, ImmutableSortedDictionary<string, ParamTree<T>> Slots)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const char Separator = '/';

    private readonly long _count = ValidCount(Count);
    private readonly ImmutableSortedDictionary<string, ParamTree<T>> _slots = ValidSlots(Slots);

    /// <summary>The number of updates applied so far, ≥ 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public long Count { get => _count; init => _count = ValidCount(value); }

    /// <summary>The buffers by slot name, in ordinal order.</summary>
    /// <exception cref="ArgumentException">Set to slots with an empty name, a name containing '/', or an empty buffer.</exception>
    public ImmutableSortedDictionary<string, ParamTree<T>> Slots { get => _slots; init => _slots = ValidSlots(value); }

    /// <summary>No updates applied and no buffers: <see cref="GradientDescent"/>'s state before its first step.</summary>
    public static OptimizerState<T> Empty { get; } =
        new(0, ImmutableSortedDictionary.Create<string, ParamTree<T>>(StringComparer.Ordinal));

    /// <summary>
    /// Every buffer in one tree, for checkpoints: slot <c>s</c>'s parameter <c>p</c> becomes the leaf "s/p" (e.g.
    /// "m/W1"). The count is not included; <see cref="Unflatten"/> takes it separately.
    /// </summary>
    public ParamTree<T> Flatten() => ParamTree<T>.Of(Slots.SelectMany(slot =>
        slot.Value.Leaves.Select(leaf => KeyValuePair.Create(slot.Key + Separator + leaf.Key, leaf.Value))));

    /// <summary>Reverses <see cref="Flatten"/>: splits every key at its first '/' into slot and parameter name.</summary>
    /// <exception cref="ArgumentException">A key has no '/', or nothing before or after it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static OptimizerState<T> Unflatten(long count, ParamTree<T> flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        var slots = new SortedDictionary<string, List<KeyValuePair<string, Tensor<T>>>>(StringComparer.Ordinal);
        foreach (var (key, value) in flat.Leaves)
        {
            var split = key.IndexOf(Separator, StringComparison.Ordinal);
            if (split <= 0 || split == key.Length - 1)
            {
                throw new ArgumentException(
                    $"OptimizerState.Unflatten: expected keys of the form '<slot>/<parameter>', e.g. 'm/W1', got '{key}'.", nameof(flat));
            }
            var slot = key[..split];
            if (!slots.TryGetValue(slot, out var leaves))
            {
                slots.Add(slot, leaves = []);
            }
            leaves.Add(KeyValuePair.Create(key[(split + 1)..], value));
        }
        return new OptimizerState<T>(count, slots.ToImmutableSortedDictionary(
            kv => kv.Key, kv => ParamTree<T>.Of(kv.Value), StringComparer.Ordinal));
    }

    /// <summary>True when the counts are equal, the slot names match and every buffer is bit-identical.</summary>
    public bool Equals(OptimizerState<T>? other) =>
        other is not null
        && Count == other.Count
        && Slots.Keys.SequenceEqual(other.Slots.Keys, StringComparer.Ordinal)
        && Slots.All(kv => kv.Value.Equals(other.Slots[kv.Key]));

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Count);
        foreach (var (name, slot) in Slots)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(slot);
        }
        return hash.ToHashCode();
    }

    /// <summary>The count and every slot's names and shapes, e.g. <c>OptimizerState { Count = 3, m = {W1 [2, 3]} }</c>.</summary>
    public override string ToString() =>
        $"OptimizerState {{ Count = {Count}{string.Concat(Slots.Select(kv => $", {kv.Key} = {kv.Value}"))} }}";

    /// <summary>A state with the given slots.</summary>
    internal static OptimizerState<T> Of(long count, params ReadOnlySpan<(string Name, ParamTree<T> Slot)> slots)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, ParamTree<T>>(StringComparer.Ordinal);
        foreach (var (name, slot) in slots)
        {
            builder.Add(name, slot);
        }
        return new OptimizerState<T>(count, builder.ToImmutable());
    }

    private static long ValidCount(long count) => OptimizerChecks.AtLeast(nameof(OptimizerState<T>), nameof(Count), count, 0);

    private static ImmutableSortedDictionary<string, ParamTree<T>> ValidSlots(
        ImmutableSortedDictionary<string, ParamTree<T>> slots, string name = nameof(Slots))
    {
        ArgumentNullException.ThrowIfNull(slots, name);
        foreach (var (slotName, slot) in slots)
        {
            if (slotName.Length == 0 || slotName.Contains(Separator, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"OptimizerState: slot names must be non-empty and contain no '{Separator}', got '{slotName}'.", name);
            }
            if (slot is null || slot.Leaves.IsEmpty)
            {
                throw new ArgumentException(
                    $"OptimizerState: slot '{slotName}' must hold at least one parameter, got {(slot is null ? "null" : "none")}.", name);
            }
        }
        return ReferenceEquals(slots.KeyComparer, StringComparer.Ordinal) ? slots : slots.WithComparers(StringComparer.Ordinal);
    }
}
