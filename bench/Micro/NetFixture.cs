using Functional.Data;
using Functional.Facade.Data;
using Functional.Layers;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Bench.Micro;

/// <summary>
/// Realistic operands for every benchmark: the default 784-50-10 net after <see cref="WarmSteps"/> SGD steps on the
/// embedded MNIST digits, and one real batch of 100 pushed forward and backward through it, every value kept.
/// Each benchmark then calls one operation on these values, so shapes, sparsity (ReLU's mask, the zero pixels) and
/// magnitudes are those of a real training step.
/// </summary>
public sealed class NetFixture
{
    public const int Batch = 100;
    public const int Inputs = 784;
    public const int Hidden = 50;
    public const int Classes = 10;

    /// <summary>Steps trained before the operands are taken, so the weights are not just their initial noise.</summary>
    public const int WarmSteps = 200;

    public NetFixture()
    {
        var data = Mnist.LoadEmbedded();
        Train = data.Train;
        Network = Network.TwoLayerNet(Inputs, Hidden, Classes);
        Config = new TrainConfig(steps: 10_000, batchSize: Batch, learningRate: 0.1, seed: 0);
        var state = TrainingFold.Start(Network, Config);
        for (var i = 0; i < WarmSteps; i++)
        {
            state = TrainingFold.Step(Network, state, Train, Config).State;
        }
        State = state;

        (X, Labels) = Train.Batch(BatchSampler.Indices(state.BatchKey, state.Step, Batch, Train.Count));
        Layer1 = new AffineParams<double>(state.As<double>().Params[Network.WeightKey(1)], state.As<double>().Params[Network.BiasKey(1)]);
        Layer2 = new AffineParams<double>(state.As<double>().Params[Network.WeightKey(2)], state.As<double>().Params[Network.BiasKey(2)]);

        (H1, Affine1Cache) = Affine.Forward(Layer1, X);        // [100, 50]
        (Z1, ReluCache) = Relu.Forward(H1);                     // [100, 50]
        (_, SigmoidCache) = Sigmoid.Forward(H1);                // [100, 50]
        (Logits, Affine2Cache) = Affine.Forward(Layer2, Z1);   // [100, 10]
        (_, LossCache) = SoftmaxWithLoss.Forward(Logits, Labels);
        DLogits = SoftmaxWithLoss.Backward(LossCache);          // [100, 10]
        DZ1 = Affine.Backward(Affine2Cache, DLogits).Dx;        // [100, 50]
        DH1 = Relu.Backward(ReluCache, DZ1);                    // [100, 50]
        Gradient = Mlp.LossAndGradient(Network, state.As<double>().Params, X, Labels).Gradient;
    }

    public Dataset Train { get; }
    public Network Network { get; }
    public TrainConfig Config { get; }
    public TrainState State { get; }
    public Tensor<double> X { get; }
    public Labels Labels { get; }
    public AffineParams<double> Layer1 { get; }
    public AffineParams<double> Layer2 { get; }
    public Tensor<double> H1 { get; }
    public AffineCache<double> Affine1Cache { get; }
    public Tensor<double> Z1 { get; }
    public ReluCache ReluCache { get; }
    public SigmoidCache<double> SigmoidCache { get; }
    public Tensor<double> Logits { get; }
    public AffineCache<double> Affine2Cache { get; }
    public SoftmaxWithLossCache<double> LossCache { get; }
    public Tensor<double> DLogits { get; }
    public Tensor<double> DZ1 { get; }
    public Tensor<double> DH1 { get; }
    public ParamTree<double> Gradient { get; }
}
