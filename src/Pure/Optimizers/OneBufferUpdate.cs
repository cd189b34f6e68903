using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>The elementwise rule of an optimizer with one buffer per parameter (velocity or squared gradients).</summary>
internal interface IOneBufferRule<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The new weight and buffer for weight w, gradient g and buffer b.</summary>
    (T Weight, T Buffer) Apply(T w, T g, T b);
}

/// <summary>
/// Momentum, Nesterov, AdaGrad and RMSProp: every parameter element and its buffer element updated by one rule, in
/// index order. The rule is a struct, so the JIT compiles one loop per optimizer with the rule inlined.
/// </summary>
internal static class OneBufferUpdate
{
    public static (ParamTree<T> Parameters, OptimizerState<T> State) Apply<T, TRule>(ParamTree<T> parameters, ParamTree<T> gradient,
        OptimizerState<T> state, string slot, TRule rule)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TRule : struct, IOneBufferRule<T>
    {
        var buffers = state.Slots[slot];
        var newParameters = new List<KeyValuePair<string, Tensor<T>>>();
        var newBuffers = new List<KeyValuePair<string, Tensor<T>>>();
        foreach (var (key, w) in parameters.Leaves)
        {
            T[] ws = w.Storage, gs = gradient[key].Storage, bs = buffers[key].Storage;
            T[] wOut = GC.AllocateUninitializedArray<T>(ws.Length), bOut = GC.AllocateUninitializedArray<T>(ws.Length);
            for (var i = 0; i < ws.Length; i++)
            {
                (wOut[i], bOut[i]) = rule.Apply(ws[i], gs[i], bs[i]);
            }
            newParameters.Add(KeyValuePair.Create(key, new Tensor<T>(w.Shape, wOut)));
            newBuffers.Add(KeyValuePair.Create(key, new Tensor<T>(w.Shape, bOut)));
        }
        return (ParamTree<T>.Of(newParameters), OptimizerState<T>.Of(checked(state.Count + 1), (slot, ParamTree<T>.Of(newBuffers))));
    }
}
