using Functional.Facade;
using Functional.Training;

namespace Functional.Unit.Tests.Facade;

public class NetworkBuilderTests
{
    [Fact]
    public void The_books_network_builds_with_the_same_weights_train_starts_from()
    {
        var model = NetworkBuilder.Create(seed: 42).Affine(784, 50).Relu().Affine(50, 10).SoftmaxWithLoss().Build();

        Assert.Equal("Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss", model.ToString());
        Assert.Equal(TrainingFold.Start(model.Network, new TrainConfig(seed: 42)).ToFloat64().Params, model.Parameters);
    }

    [Fact]
    public void Deeper_nets_may_mix_activations()
    {
        var model = NetworkBuilder.Create().Affine(4, 8).Sigmoid().Affine(8, 6).Relu().Affine(6, 3).SoftmaxWithLoss().Build();
        Assert.Equal("affine:8,sigmoid,affine:6,relu,affine:3", model.Network.Spec);
    }

    [Fact]
    public void A_builder_is_a_value_extending_it_does_not_change_it()
    {
        var trunk = NetworkBuilder.Create().Affine(4, 8).Relu();
        var small = trunk.Affine(8, 2).SoftmaxWithLoss().Build();
        var large = trunk.Affine(8, 5).SoftmaxWithLoss().Build();
        Assert.Equal(2, small.Network.OutputSize);
        Assert.Equal(5, large.Network.OutputSize);
    }

    [Theory]
    [InlineData("widths", "layer 3 (Affine(60→10)): takes 60 inputs, but the layers before it give 50")]
    [InlineData("no loss", "no loss: end the network with SoftmaxWithLoss()")]
    [InlineData("loss not last", "layer 4 (SoftmaxWithLoss): the loss must be the last layer, but 1 layer(s) follow it")]
    [InlineData("activation first", "layer 1 (relu): the input shape is unknown; start with Affine(inputs, outputs) or give Input(…) first")]
    [InlineData("only a loss", "no layers before the loss: add Affine(inputs, outputs)")]
    public void Misuse_fails_at_Build_naming_the_layer(string misuse, string message)
    {
        var builder = misuse switch
        {
            "widths" => NetworkBuilder.Create().Affine(784, 50).Relu().Affine(60, 10).SoftmaxWithLoss(),
            "no loss" => NetworkBuilder.Create().Affine(784, 50).Relu().Affine(50, 10),
            "loss not last" => NetworkBuilder.Create().Affine(784, 50).Relu().Affine(50, 10).SoftmaxWithLoss().Relu(),
            "activation first" => NetworkBuilder.Create().Relu().Affine(784, 10).SoftmaxWithLoss(),
            _ => NetworkBuilder.Create().SoftmaxWithLoss(),
        };
        var error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
