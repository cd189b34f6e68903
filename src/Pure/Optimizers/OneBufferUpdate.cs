using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>The elementwise rule of an optimizer with one buffer per parameter (velocity or squared gradients).</summary>
internal interface IOneBufferRule<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The update (the change to add to the weight) and the new buffer for gradient g and buffer b.</summary>
    (T Update, T Buffer) Apply(T g, T b);
}

/// <summary>
/// Momentum, Nesterov, AdaGrad and RMSProp: every gradient element and its buffer element updated by one rule, in
/// index order. The rule is a struct, so the JIT compiles one loop per optimizer with the rule inlined.
/// </summary>
internal static class OneBufferUpdate
{
    public static (ParamTree<T> Updates, OptimizerState<T> State) Apply<T, TRule>(ParamTree<T> gradient,
        OptimizerState<T> state, string slot, TRule rule)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IOneBufferRule<T>
    {
        var buffers = state.Slots[slot];
        var updates = new List<KeyValuePair<string, Tensor<T>>>();
        var newBuffers = new List<KeyValuePair<string, Tensor<T>>>();
        foreach (var (key, g) in gradient.Leaves)
        {
            T[] gs = g.Storage, bs = buffers[key].Storage;
            T[] uOut = GC.AllocateUninitializedArray<T>(gs.Length), bOut = GC.AllocateUninitializedArray<T>(gs.Length);
            for (var i = 0; i < gs.Length; i++)
            {
                (uOut[i], bOut[i]) = rule.Apply(gs[i], bs[i]);
            }
            updates.Add(KeyValuePair.Create(key, new Tensor<T>(g.Shape, uOut)));
            newBuffers.Add(KeyValuePair.Create(key, new Tensor<T>(g.Shape, bOut)));
        }
        return (ParamTree<T>.Of(updates), OptimizerState<T>.Of(checked(state.Count + 1), (slot, ParamTree<T>.Of(newBuffers))));
    }
}
