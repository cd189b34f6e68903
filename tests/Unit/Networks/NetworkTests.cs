using Functional.Data;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Networks;

public class NetworkTests
{
    [Fact]
    public void TwoLayerNet_is_affine_relu_affine_softmax_with_loss()
    {
        Assert.Equal("Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss", Network.TwoLayerNet(784, 50, 10).Describe());
    }

    [Fact]
    public void Widths_below_one_or_too_few_layers_are_refused()
    {
        Assert.Contains("width 1 is 0", Assert.Throws<ArgumentException>(() => Network.Sequential([784, 0, 10])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Network.Sequential([784]));
    }

    [Fact]
    public void Parameters_of_another_network_are_refused_naming_the_parameter()
    {
        var p = Mlp.Init(Network.TwoLayerNet(4, 3, 2), RngKey.FromSeed(1));
        var error = Assert.Throws<ArgumentException>(() => Mlp.Predict(Network.TwoLayerNet(4, 5, 2), p, Tensor.Zeros<double>(1, 4)));
        Assert.Contains("W1", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Mlp.Predict(Network.Sequential([4, 3, 3, 2]), p, Tensor.Zeros<double>(1, 4)));
    }

    [Fact]
    public void Accuracy_counts_the_first_highest_score_as_the_prediction()
    {
        var network = Network.Sequential([2, 2]);
        var p = ParamTree<double>.Of([new("W1", Tensor.FromMatrix(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 } })), new("b1", Tensor.Zeros<double>(2))]);
        var x = Tensor.FromMatrix(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 }, { 0.5, 0.5 } });
        Assert.Equal(1.0, Mlp.Accuracy(network, p, x, Labels.FromIndices(0, 1, 0)));
        Assert.Equal(2.0 / 3, Mlp.Accuracy(network, p, x, Labels.FromIndices(0, 1, 1)));
    }

    [Fact]
    public void The_books_gradient_check_on_784_50_10_and_3_samples_agrees_to_1e_9()
    {
        var data = Functional.Facade.Data.Mnist.LoadEmbedded();
        var network = Network.TwoLayerNet(784, 50, 10);
        var (x, t) = data.Train.Range(0, 3);
        var diffs = GradientCheck.Run(network, Mlp.Init(network, RngKey.FromSeed(42)), x, t);
        Assert.Equal(["W1", "W2", "b1", "b2"], diffs.Keys.ToArray());
        Assert.All(diffs, kv => Assert.True(kv.Value < 1e-9, $"{kv.Key}: {kv.Value}"));
    }
}
