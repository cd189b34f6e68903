using System.Collections.Immutable;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.Optimizers;

public class OptimizerStateTests
{
    private static readonly ParamTree<double> Parameters = ParamTree<double>.Of([
        KeyValuePair.Create("W1", Tensor.FromMatrix(new[,] { { 1.0, 2.0 } })),
        KeyValuePair.Create("b1", Tensor.Vector(3.0, 4.0)),
    ]);

    [Fact]
    public void Flatten_names_every_buffer_slot_slash_parameter()
    {
        var state = new Adam().Init(Parameters);
        Assert.Equal(["m/W1", "m/b1", "v/W1", "v/b1"], state.Flatten().Keys);
        Assert.Empty(OptimizerState<double>.Empty.Flatten().Keys);
        Assert.Equal(OptimizerState<double>.Empty with { Count = 7 }, OptimizerState<double>.Unflatten(7, OptimizerState<double>.Empty.Flatten()));
    }

    [Fact]
    public void Equality_compares_the_buffers_contents()
    {
        var a = new Momentum().Init(Parameters);
        var b = new Momentum().Init(ParamTree<double>.Of(Parameters.Leaves.Select(kv => KeyValuePair.Create(kv.Key, Tensor.FromArray(kv.Value.ToArray(), [.. kv.Value.Shape.Dims])))));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new AdaGrad().Init(Parameters));   // same zeros, another slot name
        Assert.Contains("velocity = {W1 [1, 2], b1 [2]}", a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Slots_are_kept_in_ordinal_order_whatever_the_given_comparer()
    {
        var slots = ImmutableSortedDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, [
            KeyValuePair.Create("b", Parameters), KeyValuePair.Create("Z", Parameters), KeyValuePair.Create("a", Parameters)]);
        Assert.Equal(["a", "b", "Z"], slots.Keys);
        var state = new OptimizerState<double>(0, slots);
        Assert.Same(StringComparer.Ordinal, state.Slots.KeyComparer);
        Assert.Equal(["Z", "a", "b"], state.Slots.Keys);
    }

    [Theory]
    [InlineData("W1", "'W1'")]
    [InlineData("/W1", "'/W1'")]
    [InlineData("m/", "'m/'")]
    public void Unflatten_refuses_keys_that_are_not_slot_slash_parameter(string key, string actual)
    {
        var flat = ParamTree<double>.Of([KeyValuePair.Create(key, Tensor.Vector(1.0))]);
        var error = Assert.Throws<ArgumentException>(() => OptimizerState<double>.Unflatten(1, flat));
        Messages.Names(error, "OptimizerState.Unflatten", "'<slot>/<parameter>'", actual);
    }

    [Fact]
    public void Bad_counts_and_slots_are_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerState<double>.Empty with { Count = -1 });
        Messages.Names(error, "OptimizerState", "Count must be ≥ 0", "got -1.");
        error = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerState<double>.Unflatten(-2, ParamTree<double>.Of([])));
        Messages.Names(error, "OptimizerState", "Count must be ≥ 0", "got -2.");

        var slash = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("m/x", Parameters)]);
        var slotError = Assert.Throws<ArgumentException>(() => new OptimizerState<double>(0, slash));
        Messages.Names(slotError, "OptimizerState", "non-empty and contain no '/'", "got 'm/x'.");

        var empty = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("m", ParamTree<double>.Of([]))]);
        slotError = Assert.Throws<ArgumentException>(() => new OptimizerState<double>(0, empty));
        Messages.Names(slotError, "OptimizerState", "slot 'm' must hold at least one parameter", "got none.");

        Assert.Throws<ArgumentNullException>(() => new OptimizerState<double>(0, null!));
        Assert.Throws<ArgumentNullException>(() => OptimizerState<double>.Unflatten(0, null!));
    }
}
