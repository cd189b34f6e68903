using BenchmarkDotNet.Attributes;
using Functional.Layers;
using Functional.Losses;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Training;
using static Functional.Bench.Micro.NetFixture;

namespace Functional.Bench.Micro;

/// <summary>
/// The net's matrix products through the public API (784-50-10, batch 100). Layer 1 is 784→50, layer 2 is 50→10.
/// Forward is x·W (+ b); WeightGradients is dW = xᵀ·dOut (+ db); Backward is WeightGradients plus dx = dOut·Wᵀ.
/// </summary>
[BenchmarkCategory("Affine")]
public class AffineBenchmarks
{
    private NetFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new NetFixture();

    [Benchmark(Description = "L1 Forward: x[100,784]·W1[784,50]")]
    [Flops(2L * Batch * Inputs * Hidden)]
    public Tensor<double> Layer1Forward() => Affine.Forward(_f.Layer1, _f.X).Output;

    [Benchmark(Description = "L1 WeightGradients: dW1 = xᵀ[784,100]·dOut[100,50]")]
    [Flops(2L * Inputs * Batch * Hidden)]
    public AffineWeightGradients<double> Layer1WeightGradients() => Affine.WeightGradients(_f.Affine1Cache, _f.DH1);

    [Benchmark(Description = "L1 Backward: dW1 + dx1 = dOut[100,50]·W1ᵀ[50,784]")]
    [Flops((2L * Inputs * Batch * Hidden) + (2L * Batch * Hidden * Inputs))]
    public AffineGradients<double> Layer1Backward() => Affine.Backward(_f.Affine1Cache, _f.DH1);

    [Benchmark(Description = "L2 Forward: z[100,50]·W2[50,10]")]
    [Flops(2L * Batch * Hidden * Classes)]
    public Tensor<double> Layer2Forward() => Affine.Forward(_f.Layer2, _f.Z1).Output;

    [Benchmark(Description = "L2 WeightGradients: dW2 = zᵀ[50,100]·dOut[100,10]")]
    [Flops(2L * Hidden * Batch * Classes)]
    public AffineWeightGradients<double> Layer2WeightGradients() => Affine.WeightGradients(_f.Affine2Cache, _f.DLogits);

    [Benchmark(Description = "L2 Backward: dW2 + dx2 = dOut[100,10]·W2ᵀ[10,50]")]
    [Flops((2L * Hidden * Batch * Classes) + (2L * Batch * Classes * Hidden))]
    public AffineGradients<double> Layer2Backward() => Affine.Backward(_f.Affine2Cache, _f.DLogits);
}

/// <summary>The activations on the hidden layer's [100, 50] values.</summary>
[BenchmarkCategory("Activation")]
public class ActivationBenchmarks
{
    private NetFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new NetFixture();

    [Benchmark(Description = "Relu Forward [100,50]")]
    public Tensor<double> ReluForward() => Relu.Forward(_f.H1).Output;

    [Benchmark(Description = "Relu Backward [100,50]")]
    public Tensor<double> ReluBackward() => Relu.Backward(_f.ReluCache, _f.DZ1);

    [Benchmark(Description = "Sigmoid Forward [100,50]")]
    public Tensor<double> SigmoidForward() => Sigmoid.Forward(_f.H1).Output;

    [Benchmark(Description = "Sigmoid Backward [100,50]")]
    public Tensor<double> SigmoidBackward() => Sigmoid.Backward(_f.SigmoidCache, _f.DZ1);
}

/// <summary>Softmax-with-loss on the net's [100, 10] logits and the batch's class-index labels.</summary>
[BenchmarkCategory("Loss")]
public class LossBenchmarks
{
    private NetFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new NetFixture();

    [Benchmark(Description = "SoftmaxWithLoss Forward [100,10]")]
    public double SoftmaxWithLossForward() => SoftmaxWithLoss.Forward(_f.Logits, _f.Labels).Output;

    [Benchmark(Description = "SoftmaxWithLoss Backward [100,10]")]
    public Tensor<double> SoftmaxWithLossBackward() => SoftmaxWithLoss.Backward(_f.LossCache);
}

/// <summary>
/// Whole-network work per training step. Flops are the step's matrix products: forward 2·100·784·50 + 2·100·50·10,
/// backward dW2 2·50·100·10, dx2 2·100·10·50 and dW1 2·784·100·50 (the first layer's input gradient is skipped):
/// 15.98 MFLOP.
/// </summary>
[BenchmarkCategory("Network")]
public class NetworkBenchmarks
{
    private const long StepFlops =
        (2L * Batch * Inputs * Hidden) + (2L * Batch * Hidden * Classes)                              // forward
        + (2L * Hidden * Batch * Classes) + (2L * Batch * Classes * Hidden) + (2L * Inputs * Batch * Hidden); // backward

    private NetFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = new NetFixture();

    [Benchmark(Description = "Mlp.LossAndGradient 784-50-10, batch 100")]
    [Flops(StepFlops)]
    public ParamTree<double> LossAndGradient() => Mlp.LossAndGradient(_f.Network, _f.State.As<double>().Params, _f.X, _f.Labels).Gradient;

    [Benchmark(Description = "Sgd.Update (39,760 parameters)")]
    public ParamTree<double> SgdUpdate() => Sgd.Update(_f.State.As<double>().Params, _f.Gradient, 0.1);

    [Benchmark(Description = "Dataset.Batch: draw 100 of 7,996 images")]
    public Tensor<double> DrawBatch() =>
        _f.Train.Batch(BatchSampler.Indices(_f.State.BatchKey, _f.State.Step, Batch, _f.Train.Count)).X;

    [Benchmark(Description = "TrainingFold.Step: batch + backprop + SGD")]
    [Flops(StepFlops)]
    public TrainState TrainingStep() => TrainingFold.Step(_f.Network, _f.State, _f.Train, _f.Config).State;
}
