using System.Collections.Immutable;
using Functional.Optimizers;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Optimizers;

public class OptimizerStateProperties
{
    [Fact]
    public void Unflatten_reverses_Flatten() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var (_, state) = OptimizerGens.Steps(run.Optimizer, run.LearningRate, run.Parameters, run.Gradients);
        var flat = state.Flatten();
        Assert.Equal(state.Slots.Values.Sum(s => s.Leaves.Count), flat.Leaves.Count);
        foreach (var (slot, tree) in state.Slots)
        {
            foreach (var (key, value) in tree.Leaves)
            {
                Assert.Equal(value, flat[$"{slot}/{key}"]);
            }
        }
        var back = OptimizerState<double>.Unflatten(state.Count, flat);
        Assert.Equal(state, back);
        Assert.Equal(state.GetHashCode(), back.GetHashCode());
        Assert.Equal(flat.Sha256(), back.Flatten().Sha256());
    });

    [Fact]
    public void States_are_equal_exactly_when_count_and_every_buffer_match() => PropertyCheck.ForAll(OptimizerGens.Run, run =>
    {
        var (_, state) = OptimizerGens.Steps(run.Optimizer, run.LearningRate, run.Parameters, run.Gradients);
        var copy = new OptimizerState<double>(state.Count, state.Slots.ToImmutableSortedDictionary(
            kv => kv.Key, kv => kv.Value.Map((_, t) => Tensor.FromArray(t.ToArray(), [.. t.Shape.Dims])), StringComparer.Ordinal));
        Assert.Equal(state, copy);
        Assert.Equal(state.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(state, state with { Count = state.Count + 1 });
        if (!state.Slots.IsEmpty)
        {
            var (name, slot) = state.Slots.First();
            var (key, value) = slot.Leaves.First();
            var changed = value.ToArray();
            changed[0] = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(changed[0]) ^ 1);   // one bit
            var other = state with { Slots = state.Slots.SetItem(name, slot.With(key, Tensor.FromArray(changed, [.. value.Shape.Dims]))) };
            Assert.NotEqual(state, other);
        }
    });
}
