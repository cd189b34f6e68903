using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>The elementwise rule of an optimizer with one buffer per parameter (velocity or squared gradients).</summary>
internal interface IOneBufferRule
{
    /// <summary>The new weight and buffer for weight w, gradient g and buffer b.</summary>
    (double Weight, double Buffer) Apply(double w, double g, double b);
}

/// <summary>
/// Momentum, Nesterov, AdaGrad and RMSProp: every parameter element and its buffer element updated by one rule, in
/// index order. The rule is a struct, so the JIT compiles one loop per optimizer with the rule inlined.
/// </summary>
internal static class OneBufferUpdate
{
    public static (ParamTree Parameters, OptimizerState State) Apply<TRule>(ParamTree parameters, ParamTree gradient,
        OptimizerState state, string slot, TRule rule)
        where TRule : struct, IOneBufferRule
    {
        var buffers = state.Slots[slot];
        var newParameters = new List<KeyValuePair<string, Tensor<double>>>();
        var newBuffers = new List<KeyValuePair<string, Tensor<double>>>();
        foreach (var (key, w) in parameters.Leaves)
        {
            double[] ws = w.Storage, gs = gradient[key].Storage, bs = buffers[key].Storage;
            double[] wOut = GC.AllocateUninitializedArray<double>(ws.Length), bOut = GC.AllocateUninitializedArray<double>(ws.Length);
            for (var i = 0; i < ws.Length; i++)
            {
                (wOut[i], bOut[i]) = rule.Apply(ws[i], gs[i], bs[i]);
            }
            newParameters.Add(KeyValuePair.Create(key, new Tensor<double>(w.Shape, wOut)));
            newBuffers.Add(KeyValuePair.Create(key, new Tensor<double>(w.Shape, bOut)));
        }
        return (ParamTree.Of(newParameters), OptimizerState.Of(checked(state.Count + 1), (slot, ParamTree.Of(newBuffers))));
    }
}
