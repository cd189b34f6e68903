using Functional.Composition;
using Functional.Facade.Data;
using Functional.Initializers;
using Functional.Layers;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Networks;

public class ComposedNetworkTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    // The README's "Composing layers" example, as written there.
    private static Network ReadmeNetwork()
    {
        ILayer block = Sequential.Of(new AffineLayer(64), new BatchNormLayer(), new TanhLayer(), new DropoutLayer(0.2));
        var body = Sequential.Of(block, new Residual(Sequential.Of(new AffineLayer(64), new TanhLayer())), new AffineLayer(10));
        return new Network(new Shape(784), body);
    }

    [Fact]
    public void The_readme_example_names_parameters_and_state_apart_and_trains_a_pass()
    {
        var network = ReadmeNetwork();
        var (x, labels) = Data.Train.Batch([0, 1, 2, 3]);
        var (parameters, state) = Mlp.Initial(network, RngKey.FromSeed(0), new He());
        Assert.Equal(["W1", "W2", "W3", "b1", "b2", "b3", "beta1", "gamma1"], parameters.Keys);
        Assert.Equal(["mean1", "var1"], state.Keys);
        Assert.Equal(["W1", "W2", "W3"], network.WeightNames.Order(StringComparer.Ordinal));
        Assert.Equal("affine:64,batchnorm,tanh,dropout:0.2,residual(affine:64,tanh),affine:10", network.Spec);

        var pass = Mlp.TrainingPass(network, parameters, state, x, labels, RngKey.FromSeed(1));
        Assert.True(double.IsFinite(pass.Loss));
        parameters.RequireSameStructure("gradient", pass.Gradient);
        Assert.NotEqual(state, pass.State);                     // the running statistics moved
        Assert.Equal([4, 10], Mlp.Predict(network, parameters, pass.State, x).Shape.Dims.ToArray());
    }

    [Fact]
    public void The_template_factories_build_the_chain_the_book_describes()
    {
        var network = Network.Mlp([784, 20, 12, 10], [Activation.Tanh, Activation.LeakyRelu], batchNorm: true, dropout: 0.1);
        Assert.Equal("affine:20,batchnorm,tanh,dropout:0.1,affine:12,batchnorm,leakyrelu,dropout:0.1,affine:10", network.Spec);
        Assert.Equal([784, 20, 12, 10], network.Sizes.ToArray());
        Assert.False(network.IsPlainMlp);
        Assert.True(Network.TwoLayerNet(784, 50, 10).IsPlainMlp);
        Assert.Equal("Affine(784→20) BatchNorm Tanh Dropout(0.1) Affine(20→12) BatchNorm LeakyRelu Dropout(0.1) Affine(12→10) SoftmaxWithLoss", network.Describe());
    }

    [Fact]
    public void A_layer_that_does_not_fit_is_refused_naming_it_and_the_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Network(new Shape(4), Sequential.Of(new AffineLayer(3), new Residual(new AffineLayer(2)), new AffineLayer(2))));
        Assert.Contains("residual(affine:2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new Network(new Shape(4, 4), Sequential.Of(new BatchNormLayer(), new AffineLayer(2))));
        Assert.Contains("batchnorm", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Training_a_chain_the_template_could_not_express_replays_bit_for_bit()
    {
        var network = ReadmeNetwork();
        var config = new TrainConfig(steps: 12, batchSize: 8, learningRate: 0.01, seed: 3, optimizer: new Adam(), weightDecay: 1e-3, initializer: new He());
        TrainState Run()
        {
            var state = TrainingFold.Start(network, config);
            for (var i = 0; i < config.Steps; i++)
            {
                state = TrainingFold.Step(network, state, Data.Train, config).State;
            }
            return state;
        }
        var (first, second) = (Run(), Run());
        Assert.Equal(first.Tensors.Sha256(), second.Tensors.Sha256());
        Assert.Equal(first.ToFloat64().Optimizer, second.ToFloat64().Optimizer);
        Assert.NotEqual(TrainingFold.Start(network, config).ToFloat64().State, first.ToFloat64().State);
        var (x, labels) = Data.Test.Batch([0, 1, 2, 3, 4, 5, 6, 7]);
        Assert.True(Mlp.Evaluate(network, first.ToFloat64().Params, first.ToFloat64().State, x, labels).Loss > 0);
    }

    [Fact]
    public void Weight_decay_reaches_the_declared_weights_only()
    {
        var network = ReadmeNetwork();
        var values = Mlp.Initial(network, RngKey.FromSeed(0), new He());
        var zero = values.Params.Map((_, t) => Tensor.Zeros<double>([.. t.Shape.Dims]));
        var decayed = new WeightDecay(0.5).Gradient(zero, values.Params, network.WeightNames);
        Assert.All(decayed.Leaves, kv => Assert.Equal(
            kv.Key.StartsWith('W') ? values.Params[kv.Key].ToArray().Select(w => 0.5 * w) : new double[kv.Value.Length],
            kv.Value.ToArray()));
        Assert.Equal(ParamTree<double>.Empty, Mlp.Initial(Network.TwoLayerNet(4, 3, 2), RngKey.FromSeed(0), new He()).State);
    }
}
