using System.Collections.Immutable;
using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// Transformations applied one after another, in the order given: each link's updates are the next one's input,
/// e.g. <c>Chain.Of(new ClipByGlobalNorm(1), new AddDecayedWeights(1e-4), new Adam())</c>. Itself a transformation.
/// </summary>
/// <remarks>
/// The chain's state is one <see cref="OptimizerState{T}"/> with one shared count (every link sees the same step
/// index) and every link's slots: the last link's under their own names (so an optimizer at the end keeps "m",
/// "v", … as checkpoints have always named them), every other link's as "NAME.SLOT" with the link's
/// <see cref="GradientTransformation.Name"/>.
/// </remarks>
public sealed record Chain : GradientTransformation
{
    private const char Separator = '.';

    /// <summary>A chain of <paramref name="links"/>, applied in that order.</summary>
    /// <exception cref="ArgumentException">There are no links, a link is null, or two links' slots would have the same name.</exception>
    public Chain(params GradientTransformation[] links)
    {
        ArgumentNullException.ThrowIfNull(links, nameof(links));
        if (links.Length == 0)
        {
            throw new ArgumentException("Chain: expected at least one link, got none.", nameof(links));
        }
        for (var i = 0; i < links.Length; i++)
        {
            if (links[i] is null)
            {
                throw new ArgumentNullException(nameof(links), $"Chain: link {i} of {links.Length} is null; expected a GradientTransformation.");
            }
        }
        Links = [.. links];
        var names = new List<string>();
        for (var i = 0; i < links.Length; i++)
        {
            foreach (var slot in links[i].SlotNames)
            {
                names.Add(SlotName(i, slot));
            }
        }
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"Chain: two links keep a slot named '{duplicate.Key}' ({Spec}); expected distinct slot names (give stateful links distinct names).", nameof(links));
        }
        _slotNames = [.. names.Order(StringComparer.Ordinal)];
    }

    private readonly string[] _slotNames;

    /// <summary>A chain of <paramref name="links"/>, applied in that order.</summary>
    /// <exception cref="ArgumentException">As the constructor.</exception>
    public static Chain Of(params GradientTransformation[] links) => new(links);

    /// <summary>The links, in the order they apply.</summary>
    public ImmutableArray<GradientTransformation> Links { get; }

    /// <summary>"chain".</summary>
    public override string Name => "chain";

    /// <summary>The links' specs joined by ',', e.g. "clip:1,decay:0.0001,adam".</summary>
    public override string Spec => string.Join(",", Links.Select(link => link.Spec));

    /// <summary>Every link's slots: the last link's as they are, the others' as "NAME.SLOT", in ordinal order.</summary>
    public override IReadOnlyList<string> SlotNames => _slotNames;

    /// <summary>Count 0 and every link's initial slots, named as <see cref="SlotNames"/>.</summary>
    /// <exception cref="ArgumentException">There are no parameters, or a link's state does not have the slots it declares.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("Chain.Init", parameters);
        var slots = ImmutableSortedDictionary.CreateBuilder<string, ParamTree<T>>(StringComparer.Ordinal);
        for (var i = 0; i < Links.Length; i++)
        {
            var state = Links[i].Init(parameters);
            RequireDeclaredSlots("Chain.Init", i, state);
            foreach (var (slot, buffer) in state.Slots)
            {
                slots.Add(SlotName(i, slot), buffer);
            }
        }
        return new OptimizerState<T>(0, slots.ToImmutable());
    }

    /// <summary>
    /// Each link in turn, on the previous link's updates, with its share of the state and the step index
    /// <paramref name="count"/>; the state after it has every link's new slots and count <paramref name="count"/> + 1.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The state's slots are not <see cref="SlotNames"/> (a state from another chain?), or a link refuses its input.
    /// </exception>
    public override (ParamTree<T> Updates, OptimizerState<T> State) Update<T>(
        ParamTree<T> updates, OptimizerState<T> state, ParamTree<T> parameters, long count)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!state.Slots.Keys.SequenceEqual(_slotNames, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"Chain.Update: expected a state with slots [{string.Join(", ", _slotNames)}] for {Spec}, got [{string.Join(", ", state.Slots.Keys)}] (a state from another chain?).",
                nameof(state));
        }
        var slots = ImmutableSortedDictionary.CreateBuilder<string, ParamTree<T>>(StringComparer.Ordinal);
        for (var i = 0; i < Links.Length; i++)
        {
            var link = Links[i];
            var own = ImmutableSortedDictionary.CreateBuilder<string, ParamTree<T>>(StringComparer.Ordinal);
            foreach (var slot in link.SlotNames)
            {
                own.Add(slot, state.Slots[SlotName(i, slot)]);
            }
            (updates, var next) = link.Update(updates, new OptimizerState<T>(count, own.ToImmutable()), parameters, count);
            RequireDeclaredSlots("Chain.Update", i, next);
            foreach (var (slot, buffer) in next.Slots)
            {
                slots.Add(SlotName(i, slot), buffer);
            }
        }
        return (updates, new OptimizerState<T>(checked(count + 1), slots.ToImmutable()));
    }

    /// <summary>The chain with every link's <see cref="GradientTransformation.WithWeights"/>; itself when no link changes.</summary>
    public override GradientTransformation WithWeights(IReadOnlySet<string> weights) => Mapped(link => link.WithWeights(weights));

    /// <summary>The chain with every link's <see cref="GradientTransformation.WithSchedule"/>; itself when no link changes.</summary>
    public override GradientTransformation WithSchedule(LearningRateSchedule schedule) => Mapped(link => link.WithSchedule(schedule));

    /// <summary>The links' penalties, summed in link order.</summary>
    public override double Penalty<T>(ParamTree<T> parameters)
    {
        var sum = 0.0;
        foreach (var link in Links)
        {
            sum += link.Penalty(parameters);
        }
        return sum;
    }

    /// <summary>True when both chains have equal links in the same order.</summary>
    public bool Equals(Chain? other) => other is not null && Links.SequenceEqual(other.Links);

    /// <inheritdoc/>
    public override int GetHashCode() => Links.Aggregate(0, (hash, link) => HashCode.Combine(hash, link));

    /// <summary>"Chain(SPEC)".</summary>
    public override string ToString() => $"Chain({Spec})";

    private string SlotName(int link, string slot) => link == Links.Length - 1 ? slot : Links[link].Name + Separator + slot;

    private Chain Mapped(Func<GradientTransformation, GradientTransformation> f)
    {
        var links = Links.Select(f).ToArray();
        return links.SequenceEqual(Links, ReferenceEqualityComparer.Instance) ? this : new Chain(links);
    }

    private void RequireDeclaredSlots<T>(string operation, int link, OptimizerState<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var declared = Links[link].SlotNames.Order(StringComparer.Ordinal);
        if (!state.Slots.Keys.SequenceEqual(declared, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"{operation}: link {link} ({Links[link].Spec}) declares slots [{string.Join(", ", declared)}] but its state has [{string.Join(", ", state.Slots.Keys)}].");
        }
    }
}
